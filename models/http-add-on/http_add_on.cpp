// The KEDA HTTP add-on's control plane: the operator that turns each HTTPScaledObject
// (http.keda.sh/v1alpha1) into a ScaledObject, and the external scaler that samples the
// interceptors' queues and serves KEDA the metric `http-<namespace>/<name>` (GetMetrics/IsActive
// through ExternalMetrics::publish) and the StreamIsActive push stream (ExternalMetrics::push).
// The interceptor's data path is in traffic.cpp; both sides share interceptor_queue.hpp.
//
// Rules: docs/models/http-add-on-traffic.md; what KEDA does with pushes: kedacore/keda
// pkg/scaling/scale_handler.go and pkg/scaling/executor/scale_scaledobjects.go (PR #7116, v2.18).
// Upstream: kedacore/http-add-on operator/controllers/http/*.go, pkg/k8s/scaledobject.go,
// scaler/handlers.go, scaler/queue_pinger.go, at the tags named in http_add_on_profile.cpp.
//
// Field manager. The operator sets no field owner and no user agent (operator/main.go
// ctrl.GetConfigOrDie()), so a real cluster records client-go's default: the binary's base name,
// which is "init" for the v0.6–v0.12 images (distroless, binary copied to /sbin/init) and
// "operator" from v0.13 (ko builds /ko-app/operator) [D, not observed]. kcsim uses
// "keda-add-ons-http-operator" (the operator Deployment's name in the Helm chart) by default so
// that reports name the component a reader recognises; settings.http-add-on.fieldManager sets
// the derived names when byte-for-byte managedFields matter.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "http_add_on_profile.hpp"
#include "interceptor_queue.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

constexpr const char* kHsoKind = "HTTPScaledObject";
constexpr const char* kHsoApiVersion = "http.keda.sh/v1alpha1";
constexpr const char* kFinalizer = "httpscaledobject.http.keda.sh";  // operator/controllers/http/finalizer.go
constexpr const char* kSkipAnnotation = "httpscaledobject.keda.sh/skip-scaledobject-creation";  // app.go
// Chart defaults: service keda-add-ons-http-external-scaler, port 9090, release namespace keda
// (operator/controllers/http/config/config.go ExternalScaler.HostName).
constexpr const char* kDefaultScalerAddress = "keda-add-ons-http-external-scaler.keda:9090";
constexpr const char* kDefaultManager = "keda-add-ons-http-operator";

std::string string_at(const json& obj, const char* pointer) {
  const json::json_pointer p(pointer);
  if (!obj.contains(p) || !obj.at(p).is_string()) return "";
  return obj.at(p).get<std::string>();
}

/// The HTTPScaledObject that controls `object` (ownerReferences with controller: true), or "".
std::string controlling_hso(const json& object) {
  const json::json_pointer p("/metadata/ownerReferences");
  if (!object.contains(p) || !object.at(p).is_array()) return "";
  for (const json& ref : object.at(p))
    if (ref.value("kind", "") == kHsoKind && ref.value("controller", false)) return ref.value("name", "");
  return "";
}

/// scaleTargetRef.name, or the pre-v0.10 `deployment` field.
std::string target_name(const json& hso) {
  std::string name = string_at(hso, "/spec/scaleTargetRef/name");
  if (name.empty()) name = string_at(hso, "/spec/scaleTargetRef/deployment");
  return name;
}

/// What the scaler knows of one HTTPScaledObject.
struct ScalerEntry {
  std::string key;     // namespace/name: the interceptor's host key
  std::string metric;  // http-<namespace>/<name>
  bool rate = false;   // scalingMetric.requestRate (v0.8+): metric = ceil(rate), else concurrency
  Duration window = minutes(1);
  Duration granularity = seconds(1);
  // What GetMetrics / IsActive return now (the last ping's counts).
  std::int64_t value = 0;
  bool active = false;
  bool published = false;
  // KEDA's side, for deciding whether an inactive push can act (eliding idle pushes only).
  std::string target_kind = "Deployment";
  std::string target_ns, target;
  std::optional<std::int64_t> replicas;  // spec.replicas of the target; nullopt = absent
  SimTime replicas_changed{};
  std::int64_t so_min = 0;               // the ScaledObject's minReplicaCount (KEDA default 0)
};

/// The last ping's counts for one host key (pinger.allCounts[key]) and, from v0.14, the
/// scaler-side rate state (queue_pinger.go prevPodCounts / rateBuckets).
struct KeyCounts {
  std::int64_t concurrency = 0;
  double rate = 0.0;
  // v0.14+
  std::optional<RequestBuckets> buckets;
  SimTime buckets_from{};  // the first ping of these buckets (a fresh ring starts at a ping)
  bool started = false;
  std::int64_t prev_requests = 0;
  SimTime last_ping{};
};

class HttpAddOn final : public Controller, public QueueListener {
 public:
  explicit HttpAddOn(World& world)
      : Controller(world, "http-add-on"), profile_(make_http_add_on_profile(world.scenario())),
        observer_(this) {
    read_settings();
    queues_ = &InterceptorQueues::of(world);
    queues_->set_listener(this);
    keda_acts_on_inactive_ = !world.versions().at_least("keda", "2.18.0");
    // KEDA may learn of a replica change through an informer; an inactive push can act until it
    // has (see "Eliding idle ticks").
    grace_ = seconds(2) + 2 * world.api().options().watch_latency;
  }

  ~HttpAddOn() override { queues_->set_listener(nullptr); }

  void start() override {
    watch(kHsoKind);
    watch("ScaledObject");
    // Zero-latency observation of the targets and ScaledObjects, used only to decide which push
    // ticks can be skipped (never to decide anything KEDA or the add-on does).
    api().watch("Deployment", &observer_, Duration{0});
    api().watch("ScaledObject", &observer_, Duration{0});
    origin_ = now();
    tick_timer_ = new_timer();
    started_ = true;
    // Objects that exist before the informers start are listed, as an informer's initial LIST.
    for (const ObjectPtr& hso : api().list(kHsoKind)) {
      upsert_entry(*hso);
      enqueue(key_of(*hso));
    }
    if (!elide_) {
      next_sample_ = origin_ + profile_.queue_tick;
      next_push_ = origin_ + profile_.stream_interval;
      rearm();
    } else if (last_change_ >= SimTime{}) {
      next_sample_ = origin_ + profile_.queue_tick;  // the first ping sees the queues as they are
      rearm();
    }
  }

  void on_watch_event(const WatchEvent& e) override {
    const std::string& kind = e.object->value("kind", "");
    if (kind == kHsoKind) {
      if (e.type == WatchEventType::kDeleted) remove_entry(key_of(*e.object));
      else upsert_entry(*e.object);
      // GenerationChangedPredicate: create and delete pass; updates only with a new generation.
      if (e.type != WatchEventType::kModified || !e.old ||
          maybe_int_at(*e.old, {"metadata", "generation"}) != maybe_int_at(*e.object, {"metadata", "generation"}))
        enqueue(key_of(*e.object));
      return;
    }
    if (kind == "ScaledObject") {
      // Owns(&ScaledObject{}) with LabelChanged / AnnotationChanged / spec-changed predicates
      // (operator/controllers/http/httpscaledobject_controller.go SetupWithManager): a deleted or
      // edited ScaledObject is put back.
      const std::string owner = controlling_hso(*e.object);
      if (owner.empty()) return;
      bool pass = e.type != WatchEventType::kModified || !e.old;
      if (!pass) {
        const json& a = *e.old;
        const json& b = *e.object;
        // KEDA patches the ScaledObject's status every second while active: compare in place.
        auto field = [](const json& o, const char* section, const char* key) -> const json* {
          auto s = o.find(section);
          if (s == o.end() || !s->is_object()) return nullptr;
          if (!key) return &*s;
          auto k = s->find(key);
          return k == s->end() ? nullptr : &*k;
        };
        auto differ = [&](const char* section, const char* key) {
          const json* x = field(a, section, key);
          const json* y = field(b, section, key);
          return (x == nullptr) != (y == nullptr) || (x && *x != *y);
        };
        pass = differ("metadata", "labels") || differ("metadata", "annotations") || differ("spec", nullptr);
      }
      if (pass) enqueue(e.object->at("metadata").value("namespace", "") + "/" + owner);
    }
  }

  std::optional<Duration> reconcile(const std::string& key) override;

  void on_queue_change(SimTime t) override {
    last_change_ = t;
    // Before the add-on has started (its start-up jitter, docs/models/timing.md) the traffic
    // already fills the interceptor's queues; start() arms the first ping after such changes.
    if (!elide_ || !started_) return;
    // The first ping that can see the change is the first grid instant strictly after it.
    const SimTime at = grid_after(t, profile_.queue_tick);
    if (!next_sample_ || at < *next_sample_) {
      next_sample_ = at;
      rearm();
    }
  }

 protected:
  void on_timer(std::uint32_t, std::uint64_t) override { tick(); }

 private:
  // A watcher with its own (zero) latency, separate from the operator's informers.
  struct Observer final : Watcher {
    explicit Observer(HttpAddOn* self) : self(self) {}
    void on_watch_event(const WatchEvent& e) override { self->observe(e); }
    HttpAddOn* self;
  };

  void read_settings();
  // --- operator
  json generated_scaled_object(const json& hso) const;
  json save_status(json hso);
  // --- scaler
  void upsert_entry(const json& hso);
  void remove_entry(const std::string& key);
  void observe(const WatchEvent& e);
  void tick();
  void ping(SimTime t);
  void publish(ScalerEntry& e);
  void push_all();
  bool push_needed(SimTime t) const;                         // some stream's push can act
  bool push_needed(const ScalerEntry& e, SimTime t) const;  // this stream's push can act
  bool sample_needed_after(SimTime t) const;
  void maybe_start_pushing(SimTime t, bool allow_now);
  SimTime grid_after(SimTime t, Duration period) const {
    const auto k = (t - origin_).count() / period.count();
    return origin_ + period * (k + 1);
  }
  bool on_grid(SimTime t, Duration period) const {
    return t > origin_ && (t - origin_).count() % period.count() == 0;
  }
  void rearm() {
    std::optional<SimTime> at = next_sample_;
    if (next_push_ && (!at || *next_push_ < *at)) at = next_push_;
    // Re-arming at the instant already armed would move the tick after events scheduled since.
    if (at && engine().armed(tick_timer_) && engine().deadline(tick_timer_) == *at) return;
    if (at) arm(tick_timer_, *at, 0);
    else engine().cancel(tick_timer_);
  }

  HttpAddOnProfile profile_;
  Observer observer_;
  InterceptorQueues* queues_ = nullptr;  // the World's service
  bool elide_ = true;
  std::string manager_ = kDefaultManager;
  std::string scaler_address_ = kDefaultScalerAddress;
  bool keda_acts_on_inactive_ = false;
  Duration grace_{};

  std::map<std::string, ScalerEntry> entries_;  // by key: ordered, never a hash
  std::map<std::string, KeyCounts> counts_;     // by key
  SimTime origin_{};
  TimerHandle tick_timer_;
  std::optional<SimTime> next_sample_;
  std::optional<SimTime> next_push_;
  SimTime last_change_{Duration{-1}};
  bool started_ = false;
  SimTime last_push_{Duration{-1}};
};

void HttpAddOn::read_settings() {
  const json& s = settings();
  const std::string base = world().settings_pointer(name());
  const std::string& file = world().scenario().file;
  for (auto& [key, value] : s.items()) {
    const std::string p = base + "/" + key;
    if (is_controller_setting(key) || key == "interceptor" || key == "scaler") continue;  // World / profile
    if (key == "elideIdleTicks") {
      if (!value.is_boolean()) throw InputError(file, p, "expected true or false", describe_found(value));
      elide_ = value.get<bool>();
    } else if (key == "fieldManager" || key == "scalerAddress") {
      if (!value.is_string() || value.get<std::string>().empty())
        throw InputError(file, p, "expected a non-empty string", describe_found(value));
      (key == "fieldManager" ? manager_ : scaler_address_) = value.get<std::string>();
    } else {
      throw InputError(file, p,
                       "expected one of enabled, elideIdleTicks, fieldManager, scalerAddress, interceptor, scaler",
                       fmt::format("unknown field \"{}\"", key));
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Operator
// ----------------------------------------------------------------------------------------------

json HttpAddOn::generated_scaled_object(const json& hso) const {
  const std::string ns = hso["metadata"].value("namespace", "default");
  const std::string hso_name = hso["metadata"].value("name", "");
  const json& spec = hso.value("spec", json::object());
  const std::string version = profile_.version;
  using TM = HttpAddOnProfile::TriggerMetadata;

  json so = {{"apiVersion", "keda.sh/v1alpha1"},
             {"kind", "ScaledObject"},
             {"metadata", {{"name", hso_name}, {"namespace", ns}}}};
  // SetControllerReference
  so["metadata"]["ownerReferences"] = json::array({{{"apiVersion", kHsoApiVersion},
                                                    {"kind", kHsoKind},
                                                    {"name", hso_name},
                                                    {"uid", hso["metadata"].value("uid", "")},
                                                    {"controller", true},
                                                    {"blockOwnerDeletion", true}}});
  if (profile_.copies_labels_annotations) {
    // v0.8+: NewScaledObject(…, httpso.Labels, httpso.Annotations, …). That includes kubectl's
    // last-applied-configuration annotation when the HTTPScaledObject was applied with kubectl.
    if (hso["metadata"].contains("labels")) so["metadata"]["labels"] = hso["metadata"]["labels"];
    if (hso["metadata"].contains("annotations")) so["metadata"]["annotations"] = hso["metadata"]["annotations"];
  }

  json target = json::object();
  const json ref = spec.value("scaleTargetRef", json::object());
  if (profile_.trigger_metadata == TM::kHost) {
    target = {{"name", target_name(hso)}, {"kind", "Deployment"}};  // v0.3–v0.4 template
  } else if (compare_versions(version, "0.7.0") < 0) {
    target = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", target_name(hso)}};
  } else {
    if (ref.contains("apiVersion")) target["apiVersion"] = ref["apiVersion"];
    if (ref.contains("kind")) target["kind"] = ref["kind"];
    target["name"] = target_name(hso);
  }
  json so_spec = {{"scaleTargetRef", target}, {"pollingInterval", profile_.so_polling_interval_s}};
  if (profile_.passes_scaledown_period && spec.contains("scaledownPeriod"))
    so_spec["cooldownPeriod"] = spec["scaledownPeriod"];
  if (profile_.passes_initial_cooldown && spec.contains("initialCooldownPeriod") &&
      spec["initialCooldownPeriod"].is_number_integer() && spec["initialCooldownPeriod"].get<std::int64_t>() != 0)
    so_spec["initialCooldownPeriod"] = spec["initialCooldownPeriod"];  // int32 with omitempty in KEDA
  const json replicas = spec.value("replicas", json::object());
  if (profile_.trigger_metadata == TM::kHost) {
    // v0.3–v0.4 rendered both from int32 fields, with the documented defaults.
    so_spec["minReplicaCount"] = replicas.value("min", 0);
    so_spec["maxReplicaCount"] = replicas.value("max", 100);
  } else {
    if (replicas.contains("min")) so_spec["minReplicaCount"] = replicas["min"];
    if (replicas.contains("max")) so_spec["maxReplicaCount"] = replicas["max"];
  }
  so_spec["advanced"] = {{"restoreToOriginalReplicaCount", true}};
  json metadata = {{"scalerAddress", scaler_address_}};
  if (profile_.trigger_metadata == TM::kHost) {
    metadata["host"] = spec.value("host", "");
  } else if (profile_.trigger_metadata == TM::kHostsPathPrefixes) {
    std::vector<std::string> hosts, prefixes;
    if (spec.contains("hosts") && spec["hosts"].is_array())
      for (const json& h : spec["hosts"]) if (h.is_string()) hosts.push_back(h);
    if (hosts.empty() && spec.contains("host") && spec["host"].is_string()) hosts.push_back(spec["host"]);
    if (spec.contains("pathPrefixes") && spec["pathPrefixes"].is_array())
      for (const json& h : spec["pathPrefixes"]) if (h.is_string()) prefixes.push_back(h);
    metadata["hosts"] = fmt::format("{}", fmt::join(hosts, ","));
    metadata["pathPrefixes"] = fmt::format("{}", fmt::join(prefixes, ","));
  } else {
    metadata["httpScaledObject"] = hso_name;
  }
  so_spec["triggers"] = json::array({{{"type", "external-push"}, {"metadata", metadata}}});
  so["spec"] = so_spec;
  return so;
}

json HttpAddOn::save_status(json hso) {
  // SaveStatus: client.Status().Update with the object as last read or written.
  WriteResult r = api().update(std::move(hso), manager_, "status");
  return r.object ? *r.object : json();
}

std::optional<Duration> HttpAddOn::reconcile(const std::string& key) {
  const auto slash = key.find('/');
  const ObjectRef ref{kHsoKind, key.substr(0, slash), key.substr(slash + 1)};
  ObjectPtr live = api().get(ref);
  if (!live) return std::nullopt;  // deleted: its ScaledObject goes with it (ownerReference GC)
  json hso = *live;

  const json::json_pointer fin("/metadata/finalizers");
  auto has_finalizer = [&](const json& o) {
    if (!o.contains(fin) || !o.at(fin).is_array()) return false;
    return std::find(o.at(fin).begin(), o.at(fin).end(), json(kFinalizer)) != o.at(fin).end();
  };
  if (hso["metadata"].contains("deletionTimestamp")) {
    // finalizeScaledObject: nothing to clean up but the finalizer itself.
    if (has_finalizer(hso)) {
      json& list = hso[fin];
      list.erase(std::remove(list.begin(), list.end(), json(kFinalizer)), list.end());
      api().update(std::move(hso), manager_);
    }
    return std::nullopt;
  }
  if (!has_finalizer(hso)) {
    // ensureFinalizer: client.Update of the whole object. A conflict is returned as an error,
    // which controller-runtime retries after its rate limiter's first delay (5 ms).
    if (!hso[fin].is_array()) hso[fin] = json::array();
    hso[fin].push_back(kFinalizer);
    WriteResult w = api().update(hso, manager_);
    if (!w.status.ok() || !w.object) return milliseconds(5);
    hso = *w.object;
  }

  if (compare_versions(profile_.version, "0.7.0") >= 0) {
    hso["status"]["targetWorkload"] =
        fmt::format("{}/{}/{}", string_at(hso, "/spec/scaleTargetRef/apiVersion"),
                    string_at(hso, "/spec/scaleTargetRef/kind"), target_name(hso));
    hso["status"]["targetService"] = fmt::format("{}:{}", string_at(hso, "/spec/scaleTargetRef/service"),
                                                 maybe_int_at(hso, {"spec", "scaleTargetRef", "port"}).value_or(0));
  }
  if (profile_.has_scaling_metric && hso.contains(json::json_pointer("/spec/scalingMetric/concurrency")) &&
      hso.contains(json::json_pointer("/spec/scalingMetric/requestRate"))) {
    // "mutually exclusive": the reconcile fails before touching anything; controller-runtime's
    // retries fail the same way and write nothing, so they are not simulated.
    return std::nullopt;
  }

  const std::string stamp = api().epoch().rfc3339(now());
  json& conditions = hso["status"]["conditions"];
  if (!conditions.is_array()) conditions = json::array();

  // Legacy conditions (v0.6–v0.12, condition_provider.go AddOrUpdateCondition): one entry per
  // *reason*, each with its own timestamp.
  auto add_legacy = [&](const char* status, const char* reason, const std::string& message) {
    json c = {{"timestamp", stamp}, {"type", "Ready"}, {"status", status}, {"reason", reason}, {"message", message}};
    for (json& existing : conditions)
      if (existing.value("reason", "") == reason) {
        existing = c;
        return;
      }
    conditions.push_back(c);
  };
  // v0.13+: one metav1.Condition per type (meta.SetStatusCondition: lastTransitionTime moves only
  // when the status changes).
  auto set_condition = [&](const char* status, const char* reason, const std::string& message) {
    json c = {{"type", "Ready"}, {"status", status}, {"reason", reason}, {"message", message},
              {"observedGeneration", maybe_int_at(hso, {"metadata", "generation"}).value_or(0)},
              {"lastTransitionTime", stamp}};
    for (json& existing : conditions)
      if (existing.value("type", "") == "Ready") {
        if (existing.value("status", "") == status && existing.contains("lastTransitionTime"))
          c["lastTransitionTime"] = existing["lastTransitionTime"];
        existing = c;
        return;
      }
    conditions.push_back(c);
  };
  if (profile_.metav1_conditions) {
    // MigrateConditions drops legacy entries (they have no lastTransitionTime).
    json kept = json::array();
    for (const json& c : conditions)
      if (c.contains("lastTransitionTime") && !c["lastTransitionTime"].is_null()) kept.push_back(c);
    conditions = kept;
  } else {
    add_legacy("Unknown", "PendingCreation", "Identified HTTPScaledObject creation signal");
  }

  // createOrUpdateApplicationResources
  std::string error;
  const ObjectRef so_ref{"ScaledObject", ref.ns, ref.name};
  const std::string skip = str_at(hso, {"metadata", "annotations", kSkipAnnotation});
  if (skip == "true") {
    // deleteScaledObject: only one the HTTPScaledObject owns.
    if (ObjectPtr so = api().get(so_ref); so && controlling_hso(*so) == ref.name) api().remove(so_ref, manager_);
  } else {
    json so = generated_scaled_object(hso);
    WriteResult w = api().create(so, manager_);
    if (w.status.code == 409) {
      // AlreadyExists: client.Patch(ctx, appScaledObject, client.Merge), i.e. the generated
      // object as a JSON merge patch: what it sets is put back, what others added stays.
      json patch = {{"metadata", {{"ownerReferences", so["metadata"]["ownerReferences"]}}}, {"spec", so["spec"]}};
      for (const char* k : {"labels", "annotations"})
        if (so["metadata"].contains(k)) patch["metadata"][k] = so["metadata"][k];
      w = api().merge_patch(so_ref, patch, manager_);
    }
    if (!w.status.ok()) error = w.status.message;
    if (!profile_.metav1_conditions) {
      if (error.empty()) add_legacy("True", "AppScaledObjectCreated", "App ScaledObject created");
      else add_legacy("False", "ErrorCreatingAppScaledObject", error);
    }
  }

  if (profile_.metav1_conditions) {
    if (error.empty()) set_condition("True", "Reconciled", "ScaledObject created and configured");
    else set_condition("False", "CreateError", "Failed to create scaled objects: " + error);
    save_status(hso);
  } else {
    // The deferred SaveStatus of createOrUpdateApplicationResources, then the Reconcile's own.
    json saved = save_status(hso);
    if (!error.empty()) return seconds(1);
    if (saved.is_null()) return milliseconds(5);
    json& again = saved["status"]["conditions"];
    if (!again.is_array()) again = json::array();
    json c = {{"timestamp", stamp}, {"type", "Ready"}, {"status", "True"}, {"reason", "HTTPScaledObjectIsReady"},
              {"message", "Finished object creation"}};
    bool found = false;
    for (json& existing : again)
      if (existing.value("reason", "") == "HTTPScaledObjectIsReady") {
        existing = c;
        found = true;
      }
    if (!found) again.push_back(c);
    save_status(saved);
  }
  return error.empty() ? std::nullopt : std::optional<Duration>(seconds(1));
}

// ----------------------------------------------------------------------------------------------
// External scaler
// ----------------------------------------------------------------------------------------------
//
// Two loops, both phase-locked to the scaler's start (Go tickers: first tick one period after):
//  - the pinger, every queue_tick (500 ms): snapshot every interceptor queue (concurrency, rate)
//    and, from the snapshot, what GetMetrics/IsActive return for each HTTPScaledObject;
//  - the stream, every stream_interval (200 ms): StreamIsActive sends IsActive to KEDA.
//
// Eliding idle ticks (settings.http-add-on.elideIdleTicks, default true). Tick by tick, an idle
// service costs 7 events a second for ever. A tick is skipped only when it cannot change anything
// anyone observes, so that the API write history and the report equal the tick-by-tick run's:
//  - A ping changes the snapshot only if a queue changed since the previous ping or a request rate
//    is still decaying. Queue changes wake the pinger at the first grid instant after them
//    (on_queue_change); after a ping the next one is kept only while a rate is non-zero, or a change
//    happened at the ping's own instant (the ping saw the state just before it). The v0.14
//    scaler-side rate buckets get the Record(t, 0) calls of skipped pings replayed in closed form
//    (RequestBuckets::advance_idle) before the next real one.
//  - A push reaches KEDA's RequestScale. Active messages always act (scale from zero, or refresh
//    lastActiveTime), so while any metric is active every push is sent. Inactive messages:
//      * KEDA ≥ 2.18 ignores them (PR kedacore/keda#7116): never needed;
//      * KEDA ≤ 2.17 runs the inactive branch for each one (scale_handler.go startPushScalers),
//        which writes only when the target's replicas differ from what inactivity wants: current
//        > 0 with minReplicaCount 0 (the cooldown check that ends in a scale to zero, and that
//        re-zeroes a Deployment that someone else scaled up: scaleToZeroOrIdle), or current <
//        minReplicaCount. With replicas at 0 (or at a non-zero minimum) an inactive push writes
//        nothing, so pushes stop; they resume at the first stream instant after the replicas change
//        (watched with zero latency). KEDA reads replicas from its own informer, which may lag the
//        API server, so pushes continue for a grace period (2 s + twice the watch latency) after a
//        change in case KEDA still sees the old count.
//  Ties. The engine runs events of one instant in scheduling order, and a tick that was skipped
//  and re-armed is scheduled at another moment than the tick-by-tick one. Two rules keep the
//  results equal anyway: queue reads are left limits (interceptor_queue.hpp), so a ping never
//  depends on requests arriving at its own instant (a constant rate puts them on the 100 ms
//  grid); and a replica change seen at a stream instant (a timeline action at a round time) is
//  pushed at that same instant, after the write — what the tick-by-tick run does when the
//  writer's event was scheduled before the tick's, as timeline actions are. What remains is a
//  write exactly on the 200 ms grid by an event scheduled less than 200 ms before it (the
//  controllers' delays are counted from watch deliveries, which are off the grid).

void HttpAddOn::upsert_entry(const json& hso) {
  const std::string key = key_of(hso);
  ScalerEntry& e = entries_[key];
  const bool fresh = e.key.empty();
  e.key = key;
  e.metric = "http-" + key;
  const std::string ns = hso["metadata"].value("namespace", "default");
  const json::json_pointer rr("/spec/scalingMetric/requestRate");
  e.rate = profile_.has_scaling_metric && hso.contains(rr);
  if (e.rate) {
    // CRD defaults: window 1m, granularity 1s.
    const json& r = hso.at(rr);
    e.window = r.contains("window") ? object_duration(r["window"]).value_or(minutes(1)) : minutes(1);
    e.granularity = r.contains("granularity") ? object_duration(r["granularity"]).value_or(seconds(1)) : seconds(1);
    if (e.window <= Duration{0}) e.window = minutes(1);
    if (e.granularity <= Duration{0}) e.granularity = seconds(1);
  }
  e.target_ns = ns;
  e.target_kind = string_at(hso, "/spec/scaleTargetRef/kind");
  if (e.target_kind.empty()) e.target_kind = "Deployment";
  const std::string target = target_name(hso);
  if (fresh || target != e.target) {
    e.target = target;
    e.replicas_changed = now();
    e.replicas.reset();
    if (ObjectPtr d = api().get(ObjectRef{"Deployment", ns, target}))
      e.replicas = maybe_int_at(*d, {"spec", "replicas"}).value_or(1);  // ptr.Deref(spec.replicas, 1)
  }
  e.so_min = maybe_int_at(hso, {"spec", "replicas", "min"}).value_or(0);
  if (ObjectPtr so = api().get(ObjectRef{"ScaledObject", ns, hso["metadata"].value("name", "")}))
    e.so_min = maybe_int_at(*so, {"spec", "minReplicaCount"}).value_or(0);
  if (profile_.rate_in_scaler) {
    // UpdateBucketConfig: a new window or granularity starts a fresh ring at the next ping.
    KeyCounts& c = counts_[key];
    const Duration w = e.rate ? e.window : minutes(1);
    const Duration g = e.rate ? e.granularity : seconds(1);
    RequestBuckets probe(w, g, profile_.rounding);
    if (c.buckets && (c.buckets->window() != probe.window() || c.buckets->granularity() != probe.granularity())) {
      c.buckets.emplace(w, g, profile_.rounding);
      c.buckets_from = grid_after(now(), profile_.queue_tick);
      c.started = false;
    }
  }
  publish(e);
  maybe_start_pushing(now(), true);
}

void HttpAddOn::remove_entry(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  world().metrics().publish(it->second.metric, 0.0, false, now());
  entries_.erase(it);
}

void HttpAddOn::observe(const WatchEvent& e) {
  const json& obj = *e.object;
  const std::string kind = obj.value("kind", "");
  const std::string ns = obj["metadata"].value("namespace", "");
  const std::string name = obj["metadata"].value("name", "");
  bool changed = false;
  if (kind == "Deployment") {
    for (auto& [key, entry] : entries_) {
      if (entry.target != name || entry.target_ns != ns || entry.target_kind != "Deployment") continue;
      std::optional<std::int64_t> r;
      if (e.type != WatchEventType::kDeleted) r = maybe_int_at(obj, {"spec", "replicas"}).value_or(1);
      if (r != entry.replicas) {
        entry.replicas = r;
        entry.replicas_changed = now();
        changed = true;
      }
    }
  } else if (kind == "ScaledObject") {
    // The entry of the HTTPScaledObject that generated this ScaledObject (same namespace/name):
    // a map look-up, not a scan of every entry per event, which grew with the fleet squared.
    if (auto it = entries_.find(ns + "/" + name); it != entries_.end()) {
      ScalerEntry& entry = it->second;
      const std::int64_t min = e.type == WatchEventType::kDeleted ? 0 : maybe_int_at(obj, {"spec", "minReplicaCount"}).value_or(0);
      if (min != entry.so_min) {
        entry.so_min = min;
        changed = true;
      }
    }
  }
  if (changed) maybe_start_pushing(now(), true);
}

bool HttpAddOn::push_needed(const ScalerEntry& e, SimTime t) const {
  if (e.active) return true;
  if (!keda_acts_on_inactive_) return false;
  if (e.target_kind != "Deployment") return true;  // replicas not tracked: assume it can act
  if (t < e.replicas_changed + grace_) return true;
  if (!e.replicas) return false;  // no target: KEDA cannot read replicas, nothing happens
  const std::int64_t r = *e.replicas;
  return (e.so_min == 0 && r > 0) || r < e.so_min;
}

bool HttpAddOn::push_needed(SimTime t) const {
  for (const auto& [key, e] : entries_)
    if (push_needed(e, t)) return true;
  return false;
}

void HttpAddOn::maybe_start_pushing(SimTime t, bool allow_now) {
  if (!elide_ || next_push_) return;
  // A change seen at a stream instant (a timeline action at a round time, say) is pushed at that
  // instant, after the write, as the tick-by-tick run does when the writer's event was scheduled
  // before the tick's; never twice at one instant.
  SimTime at = allow_now && on_grid(t, profile_.stream_interval) ? t : grid_after(t, profile_.stream_interval);
  if (at == last_push_) at += profile_.stream_interval;
  if (!push_needed(at)) return;
  next_push_ = at;
  rearm();
}

bool HttpAddOn::sample_needed_after(SimTime t) const {
  if (last_change_ == t) return true;  // a change at this very instant was not in this ping
  for (const auto& [key, c] : counts_) {
    if (c.rate > 0.0) return true;  // a rate decays without further requests
    if (c.buckets && c.buckets->window_total() > 0) return true;
  }
  return false;
}

void HttpAddOn::publish(ScalerEntry& e) {
  // GetMetrics: ceil(RPS) in requestRate mode, else the concurrency; IsActive: value > 0.
  auto it = counts_.find(e.key);
  std::int64_t value = 0;
  if (it != counts_.end())
    value = e.rate ? static_cast<std::int64_t>(std::ceil(it->second.rate)) : it->second.concurrency;
  const bool active = value > 0;
  if (e.published && value == e.value && active == e.active) return;
  e.value = value;
  e.active = active;
  e.published = true;
  world().metrics().publish(e.metric, static_cast<double>(value), active, now());
}

void HttpAddOn::ping(SimTime t) {
  // fetchCounts: every queue that existed before this instant, whatever HTTPScaledObjects the
  // scaler knows (the pinger is keyed by what the interceptors report).
  for (const auto& [key, qp] : queues_->queues()) {
    InterceptorQueue& q = *qp;
    if (q.created >= t) continue;
    KeyCounts& c = counts_[key];
    c.concurrency = queues_->concurrency_before(q, t);
    if (!profile_.rate_in_scaler) {
      c.rate = profile_.has_scaling_metric ? queues_->rate_before(q, t) : 0.0;
      continue;
    }
    // v0.14+: Record(now, requests since the previous ping) into the scaler's own ring, then
    // WindowAverage(now). The first ping that sees a key only takes its baseline.
    if (!c.buckets) {
      auto e = entries_.find(key);
      const bool rate = e != entries_.end() && e->second.rate;
      c.buckets.emplace(rate ? e->second.window : minutes(1), rate ? e->second.granularity : seconds(1),
                        profile_.rounding);
      c.buckets_from = grid_after(q.created, profile_.queue_tick);
      c.prev_requests = 0;  // a queue starts with no requests counted
      c.started = false;
    }
    const std::int64_t requests = queues_->requests_before(q, t);
    if (!c.started) {
      // The first ping of this ring. When it was skipped (idle), nothing arrived since, so its
      // Record(from, 0) and the baseline are the same as if it had run.
      c.buckets->record(queues_->unix_us(c.buckets_from), 0);
      c.started = true;
      c.last_ping = c.buckets_from;
      if (c.buckets_from == t) {
        c.prev_requests = requests;
        c.rate = c.buckets->window_average(queues_->unix_us(t));
        continue;
      }
    }
    if (t - c.last_ping > profile_.queue_tick) c.buckets->advance_idle(queues_->unix_us(t - profile_.queue_tick));
    std::int64_t delta = requests - c.prev_requests;
    if (delta < 0) delta = requests;  // a restarted interceptor
    c.prev_requests = requests;
    c.last_ping = t;
    c.buckets->record(queues_->unix_us(t), delta);
    c.rate = c.buckets->window_average(queues_->unix_us(t));
  }
  for (auto& [key, e] : entries_) publish(e);
}

void HttpAddOn::push_all() {
  // One StreamIsActive stream per ScaledObject; each sends the cached IsActive. Eliding, a stream
  // whose push cannot change anything is skipped even when another stream's push is needed: the
  // streams are independent, and pushing every stream whenever one was busy made a fleet's cost
  // grow with its size squared (each busy instant of any service pushed all of them).
  const SimTime t = now();
  for (const auto& [key, e] : entries_)
    if (!elide_ || push_needed(e, t)) world().metrics().push(e.metric, e.active);
}

void HttpAddOn::tick() {
  const SimTime t = now();
  if (next_sample_ && *next_sample_ == t) {
    ping(t);
    if (!elide_ || sample_needed_after(t)) next_sample_ = t + profile_.queue_tick;
    else next_sample_.reset();
  }
  // A ping and a push at the same instant: the ping first, as a push reads the ping's cache (one
  // event for both, so that their order never depends on when each was scheduled).
  const bool push = on_grid(t, profile_.stream_interval) && last_push_ != t &&
                    ((next_push_ && *next_push_ == t) || (elide_ && push_needed(t)));
  if (push) {
    push_all();
    last_push_ = t;
  }
  if (next_push_ && *next_push_ <= t) next_push_.reset();
  if (push) {
    const SimTime next = t + profile_.stream_interval;
    if (!elide_ || push_needed(next)) next_push_ = next;
  } else {
    maybe_start_pushing(t, false);
  }
  rearm();
}

KCSIM_REGISTER_MODEL(HttpAddOn, "http-add-on");

}  // namespace
}  // namespace kcsim
