// The KEDA HTTP add-on's control plane: the operator that turns each HTTPScaledObject
// (http.keda.sh/v1alpha1) into a ScaledObject, and the external scaler that samples the
// interceptors' queues and serves KEDA the metric `http-<namespace>/<name>` (GetMetrics/IsActive
// through ExternalMetrics::publish) and the StreamIsActive push stream (ExternalMetrics::push).
// The interceptor's data path is in traffic.cpp; both sides share interceptor_queue.hpp. Both
// sides here read each HTTPScaledObject through its typed view (http_scaled_object.hpp), parsed
// once per stored version; what the operator writes (the ScaledObject, the finalizer list, the
// status) goes to the API server as JSON bodies built from it.
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
#include "http_scaled_object.hpp"
#include "interceptor_queue.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/types/parsed_versions.hpp"

namespace kcsim {
namespace {

using httpv1alpha1::HTTPScaledObject;
using httpv1alpha1::HTTPScaledObjectCondition;
using httpv1alpha1::ScaleTargetRef;

constexpr const char* kHsoKind = "HTTPScaledObject";
constexpr const char* kHsoApiVersion = "http.keda.sh/v1alpha1";
constexpr const char* kFinalizer = "httpscaledobject.http.keda.sh";  // operator/controllers/http/finalizer.go
constexpr const char* kSkipAnnotation = "httpscaledobject.keda.sh/skip-scaledobject-creation";  // app.go
// Chart defaults: service keda-add-ons-http-external-scaler, port 9090, release namespace keda
// (operator/controllers/http/config/config.go ExternalScaler.HostName).
constexpr const char* kDefaultScalerAddress = "keda-add-ons-http-external-scaler.keda:9090";
constexpr const char* kDefaultManager = "keda-add-ons-http-operator";

/// The HTTPScaledObject that controls `object` (ownerReferences with controller: true), or "".
std::string controlling_hso(const json& object) {
  const json::json_pointer p("/metadata/ownerReferences");
  if (!object.contains(p) || !object.at(p).is_array()) return "";
  for (const json& ref : object.at(p))
    if (ref.value("kind", "") == kHsoKind && ref.value("controller", false)) return ref.value("name", "");
  return "";
}

/// The HTTPScaledObject's namespace; "default" when the stored object names none.
std::string namespace_of(const HTTPScaledObject& hso) {
  return hso.metadata.namespace_.empty() ? "default" : hso.metadata.namespace_;
}

bool has_finalizer(const k8s::ObjectMeta& m) {
  return std::find(m.finalizers.begin(), m.finalizers.end(), kFinalizer) != m.finalizers.end();
}

/// One entry of status.conditions as a status write sends it: a stored entry unchanged, or one
/// this reconcile sets (condition_provider.go AddOrUpdateCondition up to v0.12,
/// meta.SetStatusCondition from v0.13).
struct ConditionEntry {
  std::string type, status, reason;
  const json* last_transition_time = nullptr;  // a stored entry's, as stored
  const json* stored = nullptr;                // the stored entry, sent back unchanged
  json set;                                    // else the entry set by this reconcile

  static ConditionEntry of(const HTTPScaledObjectCondition& c) {
    return ConditionEntry{c.type, c.status, c.reason, c.last_transition_time, c.stored, json()};
  }
};

std::vector<ConditionEntry> condition_entries(const HTTPScaledObject& hso) {
  std::vector<ConditionEntry> out;
  out.reserve(hso.status.conditions.size());
  for (const HTTPScaledObjectCondition& c : hso.status.conditions) out.push_back(ConditionEntry::of(c));
  return out;
}

json conditions_json(const std::vector<ConditionEntry>& entries) {
  json out = json::array();
  for (const ConditionEntry& e : entries) out.push_back(e.stored ? *e.stored : e.set);
  return out;
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
      const std::string key = key_of(*hso);
      upsert_entry(key, *hsos_.get(key, hso));
      enqueue(key);
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
      const std::string key = key_of(*e.object);
      if (e.type == WatchEventType::kDeleted) {
        remove_entry(key);
        hsos_.erase(key);
        enqueue(key);
        return;
      }
      const std::shared_ptr<const HTTPScaledObject> hso = hsos_.get(key, e.object);
      upsert_entry(key, *hso);
      // GenerationChangedPredicate: create and delete pass; updates only with a new generation.
      // The old version is read for its metadata only: its view is not kept.
      if (e.type != WatchEventType::kModified || !e.old ||
          k8s::parse_object_meta(*e.old).generation != hso->metadata.generation)
        enqueue(key);
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
  json generated_scaled_object(const HTTPScaledObject& hso) const;
  ObjectPtr save_status(json hso);
  // --- scaler
  void upsert_entry(const std::string& key, const HTTPScaledObject& hso);
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
  // The HTTPScaledObjects' typed views, parsed once per stored version (the typed informer cache
  // of upstream's controller-runtime manager).
  k8s::ParsedVersions<HTTPScaledObject> hsos_{httpv1alpha1::parse_http_scaled_object};
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

json HttpAddOn::generated_scaled_object(const HTTPScaledObject& hso) const {
  const std::string ns = namespace_of(hso);
  const std::string& hso_name = hso.metadata.name;
  const httpv1alpha1::HTTPScaledObjectSpec& spec = hso.spec;
  const ScaleTargetRef& ref = spec.scale_target_ref;
  const std::string version = profile_.version;
  using TM = HttpAddOnProfile::TriggerMetadata;

  json so = {{"apiVersion", "keda.sh/v1alpha1"},
             {"kind", "ScaledObject"},
             {"metadata", {{"name", hso_name}, {"namespace", ns}}}};
  // SetControllerReference
  so["metadata"]["ownerReferences"] = json::array({{{"apiVersion", kHsoApiVersion},
                                                    {"kind", kHsoKind},
                                                    {"name", hso_name},
                                                    {"uid", hso.metadata.uid},
                                                    {"controller", true},
                                                    {"blockOwnerDeletion", true}}});
  if (profile_.copies_labels_annotations) {
    // v0.8+: NewScaledObject(…, httpso.Labels, httpso.Annotations, …). That includes kubectl's
    // last-applied-configuration annotation when the HTTPScaledObject was applied with kubectl.
    if (hso.stored_labels) so["metadata"]["labels"] = *hso.stored_labels;
    if (hso.stored_annotations) so["metadata"]["annotations"] = *hso.stored_annotations;
  }

  json target = json::object();
  if (profile_.trigger_metadata == TM::kHost) {
    target = {{"name", ref.target_name()}, {"kind", "Deployment"}};  // v0.3–v0.4 template
  } else if (compare_versions(version, "0.7.0") < 0) {
    target = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", ref.target_name()}};
  } else {
    if (ref.stored_api_version) target["apiVersion"] = *ref.stored_api_version;
    if (ref.stored_kind) target["kind"] = *ref.stored_kind;
    target["name"] = ref.target_name();
  }
  json so_spec = {{"scaleTargetRef", target}, {"pollingInterval", profile_.so_polling_interval_s}};
  if (profile_.passes_scaledown_period && spec.scaledown_period.present())
    so_spec["cooldownPeriod"] = *spec.scaledown_period.stored;
  if (profile_.passes_initial_cooldown && spec.initial_cooldown_period.value.value_or(0) != 0)
    so_spec["initialCooldownPeriod"] = *spec.initial_cooldown_period.stored;  // int32 with omitempty in KEDA
  if (profile_.trigger_metadata == TM::kHost) {
    // v0.3–v0.4 rendered both from int32 fields, with the documented defaults.
    so_spec["minReplicaCount"] = spec.replicas.min.value.value_or(httpv1alpha1::kDefaultMinReplicas);
    so_spec["maxReplicaCount"] = spec.replicas.max.value.value_or(httpv1alpha1::kDefaultMaxReplicas);
  } else {
    if (spec.replicas.min.present()) so_spec["minReplicaCount"] = *spec.replicas.min.stored;
    if (spec.replicas.max.present()) so_spec["maxReplicaCount"] = *spec.replicas.max.stored;
  }
  so_spec["advanced"] = {{"restoreToOriginalReplicaCount", true}};
  json metadata = {{"scalerAddress", scaler_address_}};
  if (profile_.trigger_metadata == TM::kHost) {
    metadata["host"] = spec.host;
  } else if (profile_.trigger_metadata == TM::kHostsPathPrefixes) {
    std::vector<std::string> hosts = spec.hosts;
    if (hosts.empty() && !spec.host.empty()) hosts.push_back(spec.host);
    metadata["hosts"] = fmt::format("{}", fmt::join(hosts, ","));
    metadata["pathPrefixes"] = fmt::format("{}", fmt::join(spec.path_prefixes, ","));
  } else {
    metadata["httpScaledObject"] = hso_name;
  }
  so_spec["triggers"] = json::array({{{"type", "external-push"}, {"metadata", metadata}}});
  so["spec"] = so_spec;
  return so;
}

ObjectPtr HttpAddOn::save_status(json hso) {
  // SaveStatus: client.Status().Update with the object as last read or written.
  return api().update(std::move(hso), manager_, "status").object;
}

std::optional<Duration> HttpAddOn::reconcile(const std::string& key) {
  const auto slash = key.find('/');
  const ObjectRef ref{kHsoKind, key.substr(0, slash), key.substr(slash + 1)};
  // The stored version in hand and its typed view; the view points into it.
  ObjectPtr live = api().get(ref);
  if (!live) {
    hsos_.erase(key);
    return std::nullopt;  // deleted: its ScaledObject goes with it (ownerReference GC)
  }
  std::shared_ptr<const HTTPScaledObject> hso = hsos_.get(key, live);

  if (hso->metadata.deletion_timestamp) {
    // finalizeScaledObject: nothing to clean up but the finalizer itself.
    if (has_finalizer(hso->metadata)) {
      json finalizers = json::array();
      for (const std::string& f : hso->metadata.finalizers)
        if (f != kFinalizer) finalizers.push_back(f);
      json body = *live;
      body["metadata"]["finalizers"] = std::move(finalizers);
      api().update(std::move(body), manager_);
    }
    return std::nullopt;
  }
  if (!has_finalizer(hso->metadata)) {
    // ensureFinalizer: client.Update of the whole object. A conflict is returned as an error,
    // which controller-runtime retries after its rate limiter's first delay (5 ms).
    json finalizers(hso->metadata.finalizers);
    finalizers.push_back(kFinalizer);
    json body = *live;
    body["metadata"]["finalizers"] = std::move(finalizers);
    WriteResult w = api().update(std::move(body), manager_);
    if (!w.status.ok() || !w.object) return milliseconds(5);
    live = std::move(w.object);
    hso = hsos_.get(key, live);
  }

  if (profile_.has_scaling_metric && hso->spec.scaling_metric.concurrency && hso->spec.scaling_metric.request_rate) {
    // "mutually exclusive": the reconcile fails before touching anything; controller-runtime's
    // retries fail the same way and write nothing, so they are not simulated.
    return std::nullopt;
  }

  // The status write sends the whole object as read (client.Status().Update), its status set
  // from the typed view.
  json body = *live;
  if (compare_versions(profile_.version, "0.7.0") >= 0) {
    const ScaleTargetRef& target = hso->spec.scale_target_ref;
    body["status"]["targetWorkload"] = fmt::format("{}/{}/{}", target.api_version, target.kind, target.target_name());
    body["status"]["targetService"] = fmt::format("{}:{}", target.service, target.port);
  }

  const std::string stamp = api().epoch().rfc3339(now());
  std::vector<ConditionEntry> conditions = condition_entries(*hso);

  // Legacy conditions (v0.6–v0.12, condition_provider.go AddOrUpdateCondition): one entry per
  // *reason*, each with its own timestamp.
  auto add_legacy = [&](const char* status, const char* reason, const std::string& message) {
    ConditionEntry c{"Ready", status, reason, nullptr, nullptr,
                     {{"timestamp", stamp}, {"type", "Ready"}, {"status", status}, {"reason", reason},
                      {"message", message}}};
    for (ConditionEntry& existing : conditions)
      if (existing.reason == reason) {
        existing = std::move(c);
        return;
      }
    conditions.push_back(std::move(c));
  };
  // v0.13+: one metav1.Condition per type (meta.SetStatusCondition: lastTransitionTime moves only
  // when the status changes).
  auto set_condition = [&](const char* status, const char* reason, const std::string& message) {
    ConditionEntry c{"Ready", status, reason, nullptr, nullptr,
                     {{"type", "Ready"}, {"status", status}, {"reason", reason}, {"message", message},
                      {"observedGeneration", hso->metadata.generation}, {"lastTransitionTime", stamp}}};
    for (ConditionEntry& existing : conditions)
      if (existing.type == "Ready") {
        if (existing.status == status && existing.last_transition_time)
          c.set["lastTransitionTime"] = *existing.last_transition_time;
        existing = std::move(c);
        return;
      }
    conditions.push_back(std::move(c));
  };
  if (profile_.metav1_conditions) {
    // MigrateConditions drops legacy entries (they have no lastTransitionTime).
    std::erase_if(conditions, [](const ConditionEntry& c) { return !c.last_transition_time; });
  } else {
    add_legacy("Unknown", "PendingCreation", "Identified HTTPScaledObject creation signal");
  }

  // createOrUpdateApplicationResources
  std::string error;
  const ObjectRef so_ref{"ScaledObject", ref.ns, ref.name};
  const std::string* skip = hso->metadata.annotation(kSkipAnnotation);
  if (skip && *skip == "true") {
    // deleteScaledObject: only one the HTTPScaledObject owns.
    if (ObjectPtr so = api().get(so_ref); so && controlling_hso(*so) == ref.name) api().remove(so_ref, manager_);
  } else {
    json so = generated_scaled_object(*hso);
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
    body["status"]["conditions"] = conditions_json(conditions);
    save_status(std::move(body));
  } else {
    // The deferred SaveStatus of createOrUpdateApplicationResources, then the Reconcile's own,
    // with the object the first returned.
    body["status"]["conditions"] = conditions_json(conditions);
    const ObjectPtr saved = save_status(std::move(body));
    if (!error.empty()) return seconds(1);
    if (!saved) return milliseconds(5);
    const std::shared_ptr<const HTTPScaledObject> again = hsos_.get(key, saved);
    std::vector<ConditionEntry> entries = condition_entries(*again);
    const ConditionEntry ready{"Ready", "True", "HTTPScaledObjectIsReady", nullptr, nullptr,
                               {{"timestamp", stamp}, {"type", "Ready"}, {"status", "True"},
                                {"reason", "HTTPScaledObjectIsReady"}, {"message", "Finished object creation"}}};
    bool found = false;
    for (ConditionEntry& existing : entries)
      if (existing.reason == ready.reason) {
        existing = ready;
        found = true;
      }
    if (!found) entries.push_back(ready);
    json next = *saved;
    next["status"]["conditions"] = conditions_json(entries);
    save_status(std::move(next));
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

void HttpAddOn::upsert_entry(const std::string& key, const HTTPScaledObject& hso) {
  ScalerEntry& e = entries_[key];
  const bool fresh = e.key.empty();
  e.key = key;
  e.metric = "http-" + key;
  const std::string ns = namespace_of(hso);
  const std::optional<httpv1alpha1::RateMetricSpec>& rate = hso.spec.scaling_metric.request_rate;
  e.rate = profile_.has_scaling_metric && rate.has_value();
  if (e.rate) {
    // The view holds the CRD defaults (window 1m, granularity 1s); a ring needs positive ones.
    e.window = rate->window > Duration{0} ? rate->window : minutes(1);
    e.granularity = rate->granularity > Duration{0} ? rate->granularity : seconds(1);
  }
  const ScaleTargetRef& ref = hso.spec.scale_target_ref;
  e.target_ns = ns;
  e.target_kind = ref.kind.empty() ? "Deployment" : ref.kind;
  const std::string& target = ref.target_name();
  if (fresh || target != e.target) {
    e.target = target;
    e.replicas_changed = now();
    e.replicas.reset();
    if (ObjectPtr d = api().get(ObjectRef{"Deployment", ns, target}))
      e.replicas = maybe_int_at(*d, {"spec", "replicas"}).value_or(1);  // ptr.Deref(spec.replicas, 1)
  }
  e.so_min = hso.spec.replicas.min.value.value_or(0);
  if (ObjectPtr so = api().get(ObjectRef{"ScaledObject", ns, hso.metadata.name}))
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
