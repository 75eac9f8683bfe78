// The KEDA operator's ScaledObject handling (keda.sh/v1alpha1), v2.8 – v2.20, as described in
// docs/models/keda-hpa.md and read in kedacore/keda (controllers/keda/
// scaledobject_controller.go and hpa.go, pkg/scaling/scale_handler.go,
// pkg/scaling/executor/scale_scaledobjects.go; tags v2.13.0 … v2.20.0 and main 8b4f083).
//
// What it does, per ScaledObject:
//  - The reconciler (on create, on a generation change, on a change of the pause annotations,
//    on a change or deletion of the HPA it owns): labels the ScaledObject with
//    scaledobject.keda.sh/name, checks the scale target, the replica bounds and the triggers
//    (failures: Ready=False "ScaledObjectCheckFailed" and a Warning event of that reason), creates
//    or updates the HPA "keda-hpa-<name>" (autoscaling/v2; minReplicas max(min, 1), maxReplicas,
//    one External metric "s<i>-<metric>" per trigger with selector scaledobject.keda.sh/name,
//    target AverageValue or Value, behavior copied from advanced.horizontalPodAutoscalerConfig,
//    selectPolicy Disabled under the paused-scale-in/out annotations, ownerReference to the
//    ScaledObject), and (re)starts the scale loop when the HPA was created or the generation
//    changed. Events KEDAScalersStarted, ScaledObjectReady, ScaledObjectPaused/Unpaused.
//  - The scale loop: ticks phase-locked to the loop start, the first one immediate (startScaleLoop
//    creates time.NewTimer(pollingInterval) before checkScalers, pkg/scaling/scale_handler.go), so
//    the phase does not drift with the cost of a check, unlike the HPA's requeue after its
//    reconcile (docs/models/timing.md). The phase comes from the loop's start: the reconcile that
//    starts it ends reconcileDuration after the operator took the key, the operator itself starts
//    after its start-up jitter. Each tick re-reads the ScaledObject (from the informer
//    cache, so status.lastActiveTime has the second precision of its RFC 3339 form), asks every
//    trigger for its activity, and runs RequestScale: the decision table of scale_scaledobjects.go
//    and the cooldown rule of its scaleToZeroOrIdle (strict Before(); a nil lastActiveTime means
//    "scale in now" before v2.14 and CreationTimestamp + initialCooldownPeriod from v2.14).
//  - Writes to the target go through the scale subresource as manager "keda": GET /scale, then
//    PUT /scale with the resourceVersion read; settings.keda.scaleRequestLatency (default 0) is
//    the time between the two, the window in which a concurrent writer causes a 409. A failed PUT
//    is a KEDAScaleTargetActivationFailed / DeactivationFailed event, retried at the next
//    evaluation. Texts per version (pkg/eventreason/eventreason.go, scale_scaledobjects.go), events
//    on the ScaledObject from "keda-operator".
//  - status (subresource status, manager "keda", merge patch, written only when it changes):
//    conditions Ready / Active (ScalerActive, ScalerNotActive, ScalerCooldown) / Fallback /
//    Paused, lastActiveTime (RFC 3339), scaleTargetKind, scaleTargetGVKR, originalReplicaCount,
//    externalMetricNames, hpaName, health (with a fallback), pausedReplicaCount; from v2.16
//    triggersTypes and authenticationsTypes (the TRIGGERS and AUTHENTICATIONS printer columns).
//  - Push scalers (trigger type external-push): KEDA subscribes to the metric's stream in
//    world().metrics(). v2.17 and earlier: every message runs RequestScale(active = message) on
//    the loop-start deep copy of the ScaledObject, with no trigger names; that copy is refreshed
//    only by the server's answers to the push path's own status patches. v2.18–v2.19: only
//    active=true messages act, same copy. v2.20+: only active=true messages, on a fresh read,
//    with the trigger's metric name (PR #7116, #7610).
//  - Fallback: v2.16 and earlier scale the target to fallback.replicas when inactive with an
//    error; from v2.17 only the HPA metric falls back (served in models/kube/hpa_controller.cpp).
//  - Deletion: with advanced.restoreToOriginalReplicaCount the target goes back to
//    status.originalReplicaCount (the finalizer's job); the HPA is garbage-collected.
//
// Triggers and metric names (models/keda/keda_scalers.hpp): "kcsim-metric" {metricName, threshold,
// activationThreshold} reads the metric-source model's metric <metricName>; "prometheus" reads the
// series named by its query; "external-push" / "external" {scalerAddress, httpScaledObject: NAME}
// read the HTTP add-on's metric "http-<namespace>/<NAME>" (value = GetMetrics, activity = the
// published flag, pushed every 200 ms by the add-on on the stream of the same name).
//
// Field manager "keda": the operator sets no field manager and client-go's default user agent is
// "keda/<ver> ..." (cmd/operator/main.go ctrl.GetConfigOrDie(); k8s.io/apiserver
// pkg/endpoints/handlers/create.go managerOrUserAgent; derived, not observed on a cluster).
// Reads: each stored ScaledObject version through one typed view (k8s::ObjectMeta, the Spec below,
// kedav1alpha1::ScaledObjectStatus of scaled_object_status.hpp), parsed once per version, as
// upstream reads scaledObject.Spec and .Status from its informer cache; writes (status merge
// patches, the HPA, /scale) are JSON bodies sent through the API server.
// Not modelled: ScaledJobs, scalingModifiers,
// TriggerAuthentication, the finalizer itself, force-activation, the HPAActive condition of
// main, events.k8s.io events of v2.20 (recorded here as core/v1 Events with the same texts).
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/types/object_meta.hpp"
#include "kcsim/k8s/types/parsed_versions.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/core/text.hpp"
#include "keda_metrics_adapter.hpp"
#include "keda_scalers.hpp"
#include "scale_decision.hpp"
#include "scaled_object_status.hpp"
#include "kcsim/apiserver/external_metrics_api.hpp"

namespace kcsim {
namespace {

constexpr const char* kManager = "keda";
constexpr const char* kComponent = "keda-operator";

/// strconv.ParseBool.
std::optional<bool> parse_bool(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") return false;
  return std::nullopt;
}

// The annotations that pause a ScaledObject (apis/keda/v1alpha1/scaledobject_types.go v2.18:
// PausedAnnotation, PausedReplicasAnnotation, PausedScaleInAnnotation, PausedScaleOutAnnotation);
// their booleans are read with parse_bool.
constexpr const char* kPaused = "autoscaling.keda.sh/paused";
constexpr const char* kPausedReplicas = "autoscaling.keda.sh/paused-replicas";
constexpr const char* kPausedScaleIn = "autoscaling.keda.sh/paused-scale-in";
constexpr const char* kPausedScaleOut = "autoscaling.keda.sh/paused-scale-out";

// The ScaledObject spec, type-checked and defaulted (apis/keda/v1alpha1/scaledobject_types.go).
struct Spec {
  std::string target_name, target_kind = "Deployment", target_api = "apps/v1";
  Duration polling = seconds(30);           // defaultPollingInterval
  std::int64_t cooldown = 300;              // defaultCooldownPeriod
  std::int64_t initial_cooldown = 0;        // defaultInitialCooldownPeriod
  std::optional<std::int32_t> min, max, idle;
  struct Fallback {
    std::int32_t replicas = 0, threshold = 0;
  };
  std::optional<Fallback> fallback;
  json behavior;                            // null when absent
  std::string hpa_name;
  bool restore = false;
  bool paused = false, pause_in = false, pause_out = false;
  std::optional<std::int32_t> paused_replicas;
  std::optional<SimTime> created;
  // The triggers' types and authenticationRef names, in spec order (the v2.16+ status columns).
  struct TriggerRef {
    std::string type, authentication_ref;
  };
  std::vector<TriggerRef> triggers;

  std::int32_t min_or_zero() const { return min.value_or(0); }
  std::int32_t hpa_min() const { return min && *min > 0 ? *min : 1; }  // GetHPAMinReplicas
  std::int32_t hpa_max() const { return max.value_or(100); }           // GetHPAMaxReplicas
};

// A stored ScaledObject version as the operator reads it (apis/keda/v1alpha1 ScaledObject), parsed
// once per version: the metadata, the Spec (null when it does not parse, with the problem) and the
// status. Labels and annotations are also kept verbatim, pointers into the version (valid while it
// is held): the generated HPA copies them as stored, and the pause annotations are read loosely (a
// JSON number or boolean counts, as the model always read them), which the string-only maps of
// ObjectMeta cannot tell.
struct ScaledObject {
  std::string api_version;  // TypeMeta, copied into the HPA's ownerReference
  k8s::ObjectMeta metadata;
  const json* stored_labels = nullptr;       // nullptr when absent
  const json* stored_annotations = nullptr;  // nullptr when absent
  std::string pause_signature;  // the four pause annotations as stored (the watch predicate's key)
  std::shared_ptr<const Spec> spec;
  std::string spec_problem;
  kedav1alpha1::ScaledObjectStatus status;
};

// What one RequestScale decided; finished after the PUT /scale when there is one.
struct Plan {
  enum Write { kNone, kActivate, kDeactivate, kMin, kFallback };
  enum Path { kPoll, kPushCopy, kPushFresh };
  Path path = kPoll;
  ObjectPtr view;  // the ScaledObject as this evaluation saw it (immutable, shared) ...
  std::shared_ptr<const ScaledObject> so;  // ... and its typed view (its Spec is set)
  const Spec& spec() const { return *so->spec; }
  bool active = false, error = false;
  std::vector<std::string> triggers;
  std::int64_t current = 0;
  json status;  // the status being built; null while it equals the view's (copy on write)
  Write write = kNone;
  std::int64_t target = 0;
  std::int64_t from = -1;         // spec.replicas of the scale read before the PUT
  std::string resource_version;
  bool refresh_last_active = false;
  bool cooldown = false;
  bool status_call = false;       // the real code would have patched status (refreshes the copy)
};

struct Loop {
  std::string key;
  ObjectRef ref;
  std::uint32_t index = 0;
  bool running = false;
  std::int64_t generation = -1;
  SimTime start{};
  Duration polling = seconds(30);
  TimerHandle tick, write;
  ObjectPtr copy;                      // the push path's deep copy (≤ v2.19)
  std::shared_ptr<const ScaledObject> copy_view;  // copy, parsed (its Spec kept while unchanged)
  bool copy_valid = false;
  std::vector<keda::Trigger> triggers; // the scalers cache built at loop start
  bool write_pending = false;
  bool tick_deferred = false;
  Plan pending;
  int failures = 0;                    // reconcile errors, for the rate limiter's backoff
  ObjectPtr deleted;                   // last version, when the watch reported a deletion
  ObjectPtr parsed;                    // the last version the operator parsed ...
  std::shared_ptr<const ScaledObject> parsed_view;  // ... and its view (KedaOperator::view_of)
  ObjectPtr watched;                   // the last version the watch reported ...
  std::shared_ptr<const ScaledObject> watched_view;  // ... and its metadata (KedaOperator::watched_view)
};

// An HPA's metadata as the ScaledObject controller's Owns(HPA) watch reads it: the owner
// references and the generation typed, the labels and annotations verbatim (pointers into the
// stored version; nullptr when absent). The predicate compares those as stored: a label value of
// another JSON type, or an empty map against an absent one, is a change, which the string-only
// maps of ObjectMeta would not show.
struct HpaMetadata {
  k8s::ObjectMeta metadata;
  const json* stored_labels = nullptr;
  const json* stored_annotations = nullptr;
};

HpaMetadata parse_hpa_metadata(const json& hpa) {
  HpaMetadata h;
  h.metadata = k8s::parse_object_meta(hpa);
  if (const json* md = k8s::decode::object_member(hpa, "metadata")) {
    h.stored_labels = k8s::decode::member(*md, "labels");
    h.stored_annotations = k8s::decode::member(*md, "annotations");
  }
  return h;
}

// Two stored members, an absent one reading as null.
bool same_stored(const json* a, const json* b) {
  static const json kNull;
  return (a ? *a : kNull) == (b ? *b : kNull);
}

class KedaOperator final : public Controller, public PushSubscriber {
 public:
  explicit KedaOperator(World& world) : Controller(world, "keda"), adapter_(world) {
    read_settings();
    // keda-operator-metrics-apiserver: KEDA's adapter serves the external metrics of its HPAs.
    world.provide<ExternalMetricsApi>().add(&adapter_);
  }

  void start() override {
    watch("ScaledObject");
    watch("HorizontalPodAutoscaler");
    for (const ObjectPtr& so : api().list("ScaledObject")) enqueue(key_of(*so));
  }

  // controller-runtime predicates of the ScaledObject controller: GenerationChanged or a change
  // of the pause annotations (kedacontrollerutil.Paused*Predicate); plus Owns(HPA).
  void on_watch_event(const WatchEvent& e) override {
    const json& obj = *e.object;
    const std::string kind = obj.value("kind", "");
    if (kind == "ScaledObject") {
      const std::string key = key_of(obj);
      if (e.type == WatchEventType::kDeleted) {
        loop_for(key, ObjectRef::of(obj)).deleted = e.object;
        enqueue(key);
        return;
      }
      if (e.type == WatchEventType::kModified && e.old) {
        const std::shared_ptr<const ScaledObject> old = watched_view(key, e.old);  // first: it is the one kept
        if (!relevant_change(*old, *watched_view(key, e.object))) return;
      }
      enqueue(key);
      return;
    }
    if (kind == "HorizontalPodAutoscaler") {
      // The old version first: it is usually the one the previous event parsed.
      const std::string key = key_of(obj);
      std::shared_ptr<const HpaMetadata> old;
      if (e.type == WatchEventType::kModified && e.old) old = hpa_metadata_.get(key, e.old);
      const std::shared_ptr<const HpaMetadata> hpa = hpa_metadata_.get(key, e.object);
      if (e.type == WatchEventType::kDeleted) hpa_metadata_.erase(key);
      for (const k8s::OwnerReference& o : hpa->metadata.owner_references) {
        if (o.kind != "ScaledObject" || !o.controller) continue;
        if (old && old->metadata.generation == hpa->metadata.generation &&
            same_stored(old->stored_labels, hpa->stored_labels) &&
            same_stored(old->stored_annotations, hpa->stored_annotations))
          continue;  // status-only updates by the HPA controller change nothing KEDA compares
        const std::string& ns = hpa->metadata.namespace_;
        enqueue(ns.empty() ? o.name : ns + "/" + o.name);
      }
    }
  }

  std::optional<Duration> reconcile(const std::string& key) override {
    const auto slash = key.find('/');
    const ObjectRef ref{"ScaledObject", key.substr(0, slash), key.substr(slash + 1)};
    Loop& l = loop_for(key, ref);
    ObjectPtr so = api().get(ref);
    const std::shared_ptr<const ScaledObject> view = so ? view_of(l, so) : nullptr;
    if (!so || view->metadata.deletion_timestamp) {
      finalize(l, so ? so : l.deleted);
      return std::nullopt;
    }
    l.deleted = nullptr;
    const std::optional<Duration> requeue = reconcile_scaled_object(l, *so, *view);
    if (requeue) {
      // controller-runtime's default per-item backoff: 5 ms × 2^failures, at most 1000 s.
      const std::int64_t ms = std::min<std::int64_t>(5LL << std::min(l.failures, 20), 1000000);
      ++l.failures;
      return milliseconds(ms);
    }
    l.failures = 0;
    return std::nullopt;
  }

  void on_push(const std::string& metric, bool active) override {
    auto it = push_subscribers_.find(metric);
    if (it == push_subscribers_.end()) return;
    for (std::size_t i = 0; i < it->second.size(); ++i) {
      Loop& l = *loops_[it->second[i]];
      if (!l.running) continue;
      const keda::Trigger* trigger = nullptr;
      for (const keda::Trigger& t : l.triggers)
        if (t.push && t.source_metric == metric) trigger = &t;
      if (!trigger) continue;
      // v2.18+: "inactivation events are ignored and inactivation happens through the standard
      // metric scaling logic" (scale_handler.go startPushScalers, PR #7116).
      if (v218_ && !active) continue;
      // The scaling mutex is held by a PUT in flight: the stream's message waits behind it in
      // real KEDA; kcsim drops it (the add-on sends the next one 200 ms later).
      if (l.write_pending) continue;
      Plan p;
      if (v220_) {
        ObjectPtr fresh = api().get(l.ref);
        if (!fresh) continue;
        // metricNameForTriggerIndex over status.externalMetricNames.
        const std::string prefix = "s" + std::to_string(trigger->index) + "-";
        std::shared_ptr<const ScaledObject> view = view_of(l, fresh);
        std::string name;
        for (const std::string& n : view->status.external_metric_names)
          if (n.rfind(prefix, 0) == 0) name = n;
        if (name.empty()) continue;
        p.path = Plan::kPushFresh;
        p.view = fresh;
        p.triggers = {name};
        p.so = std::move(view);
        if (!p.so->spec) continue;
      } else {
        if (!l.copy_valid) continue;
        p.path = Plan::kPushCopy;
        p.view = l.copy;
        p.so = l.copy_view;
      }
      p.active = active;
      p.error = false;
      request_scale(l, std::move(p));
    }
  }

 private:
  static constexpr std::uint32_t kTick = 0;
  static constexpr std::uint32_t kWrite = 1;

  bool at_least(const char* version) const { return world().versions().at_least("keda", version); }
  // The version splits on the hot path, decided once.
  const bool v214_ = at_least("2.14"), v216_ = at_least("2.16"), v217_ = at_least("2.17"), v218_ = at_least("2.18"), v220_ = at_least("2.20");

  void read_settings() {
    const std::string file = world().scenario().file;
    const std::string base = world().settings_pointer(name());
    for (auto& [key, value] : settings().items()) {
      const std::string p = base + "/" + escape_pointer_token(key);
      if (is_controller_setting(key)) continue;
      if (key == "scaleRequestLatency") {
        write_latency_ = read_duration(value, file, p);
      } else {
        throw InputError(file, p, "expected one of enabled, scaleRequestLatency",
                         fmt::format("unknown field \"{}\"", key));
      }
    }
  }

  Loop& loop_for(const std::string& key, const ObjectRef& ref) {
    auto it = loop_index_.find(key);
    if (it != loop_index_.end()) return *loops_[it->second];
    auto l = std::make_unique<Loop>();
    l->key = key;
    l->ref = ObjectRef{"ScaledObject", ref.ns, ref.name};
    l->index = static_cast<std::uint32_t>(loops_.size());
    l->tick = new_timer();
    l->write = new_timer();
    loop_index_[key] = l->index;
    loops_.push_back(std::move(l));
    return *loops_.back();
  }

  static bool relevant_change(const ScaledObject& old, const ScaledObject& cur) {
    return old.metadata.generation != cur.metadata.generation || old.pause_signature != cur.pause_signature ||
           (cur.metadata.deletion_timestamp && !old.metadata.deletion_timestamp);
  }

  // --- the typed view ---------------------------------------------------------------------------------
  // The view of a stored ScaledObject version, parsed once per version: a stored version is
  // immutable, so the same version always parses to the same view, and the reconciler and a poll
  // or push of an unchanged ScaledObject reuse it (most of them: its status rarely changes between
  // two polls). One version per ScaledObject is kept, forgotten when it is deleted (finalize).
  std::shared_ptr<const ScaledObject> view_of(Loop& l, const ObjectPtr& so) {
    if (l.parsed_view && l.parsed == so) return l.parsed_view;
    l.parsed = so;
    l.parsed_view = parse_view(*so);
    return l.parsed_view;
  }

  // A version the watch reported: a view already parsed from it, else its metadata alone (all
  // the predicates read), kept as the next event's old version. view_of's version is left to the
  // reconciler and the scale loop, which read the version stored now, often newer than the one
  // the watch delivers.
  std::shared_ptr<const ScaledObject> watched_view(const std::string& key, const ObjectPtr& version) {
    Loop* l = nullptr;
    if (auto it = loop_index_.find(key); it != loop_index_.end()) {
      l = loops_[it->second].get();
      if (l->parsed_view && l->parsed == version) return l->parsed_view;
      if (l->copy_view && l->copy == version) return l->copy_view;
      if (l->watched_view && l->watched == version) return l->watched_view;
    }
    auto so = std::make_shared<ScaledObject>();
    parse_metadata(*version, *so);
    if (l) {
      l->watched = version;
      l->watched_view = so;
    }
    return so;
  }

  std::shared_ptr<const ScaledObject> parse_view(const json& obj) const {
    auto so = std::make_shared<ScaledObject>();
    parse_metadata(obj, *so);
    auto spec = std::make_shared<Spec>();
    if (parse_spec(obj, *so, *spec, so->spec_problem)) so->spec = std::move(spec);
    so->status = kedav1alpha1::parse_scaled_object_status(obj);
    return so;
  }

  static void parse_metadata(const json& obj, ScaledObject& out) {
    out.api_version = k8s::decode::string_member(obj, "apiVersion", "keda.sh/v1alpha1");
    out.metadata = k8s::parse_object_meta(obj);
    if (const json* md = k8s::decode::object_member(obj, "metadata")) {
      out.stored_labels = k8s::decode::member(*md, "labels");
      out.stored_annotations = k8s::decode::member(*md, "annotations");
    }
    const json* a = out.stored_annotations;
    for (const char* k : {kPaused, kPausedReplicas, kPausedScaleIn, kPausedScaleOut}) {
      const json* v = a ? k8s::decode::member(*a, k) : nullptr;
      out.pause_signature += (v ? v->dump() : "-") + "|";
    }
  }

  // --- spec ---------------------------------------------------------------------------------------
  // `meta`: the version's metadata, already parsed (parse_metadata).
  bool parse_spec(const json& so, const ScaledObject& meta, Spec& out, std::string& problem) const {
    auto bad = [&](const std::string& why) {
      problem = why;
      return false;
    };
    const json& spec = so.contains("spec") ? so["spec"] : json();
    if (!spec.is_object()) return bad("spec must be an object");
    auto int_field = [&](const json& obj, const char* k, std::optional<std::int64_t>& v, const std::string& path) {
      if (!obj.contains(k) || obj[k].is_null()) return true;
      if (!obj[k].is_number_integer()) return bad(path + " must be an integer");
      v = obj[k].get<std::int64_t>();
      return true;
    };
    const json ref = spec.value("scaleTargetRef", json());
    if (!ref.is_object()) return bad("spec.scaleTargetRef must be an object");
    if (!ref.contains("name") || !ref["name"].is_string()) return bad("spec.scaleTargetRef.name must be a string");
    out.target_name = ref["name"];
    if (ref.contains("kind")) {
      if (!ref["kind"].is_string()) return bad("spec.scaleTargetRef.kind must be a string");
      out.target_kind = ref["kind"];
    }
    if (ref.contains("apiVersion")) {
      if (!ref["apiVersion"].is_string()) return bad("spec.scaleTargetRef.apiVersion must be a string");
      out.target_api = ref["apiVersion"];
    }
    std::optional<std::int64_t> v;
    if (!int_field(spec, "pollingInterval", v, "spec.pollingInterval")) return false;
    if (v) {
      if (*v < 1) return bad("spec.pollingInterval must be at least 1");
      out.polling = seconds(*v);
    }
    v.reset();
    if (!int_field(spec, "cooldownPeriod", v, "spec.cooldownPeriod")) return false;
    if (v) out.cooldown = *v;
    v.reset();
    if (v214_) {  // the field exists from v2.14
      if (!int_field(spec, "initialCooldownPeriod", v, "spec.initialCooldownPeriod")) return false;
      if (v) out.initial_cooldown = *v;
    }
    for (auto [k, dst] : {std::pair{"minReplicaCount", &out.min}, std::pair{"maxReplicaCount", &out.max},
                          std::pair{"idleReplicaCount", &out.idle}}) {
      v.reset();
      if (!int_field(spec, k, v, std::string("spec.") + k)) return false;
      if (v) *dst = static_cast<std::int32_t>(*v);
    }
    if (spec.contains("fallback") && !spec["fallback"].is_null()) {
      const json& f = spec["fallback"];
      if (!f.is_object()) return bad("spec.fallback must be an object");
      Spec::Fallback fb;
      v.reset();
      if (!int_field(f, "replicas", v, "spec.fallback.replicas")) return false;
      fb.replicas = static_cast<std::int32_t>(v.value_or(0));
      v.reset();
      if (!int_field(f, "failureThreshold", v, "spec.fallback.failureThreshold")) return false;
      fb.threshold = static_cast<std::int32_t>(v.value_or(0));
      out.fallback = fb;
    }
    out.hpa_name = "keda-hpa-" + meta.metadata.name;
    if (spec.contains("advanced") && !spec["advanced"].is_null()) {
      const json& a = spec["advanced"];
      if (!a.is_object()) return bad("spec.advanced must be an object");
      if (a.contains("restoreToOriginalReplicaCount")) {
        if (!a["restoreToOriginalReplicaCount"].is_boolean())
          return bad("spec.advanced.restoreToOriginalReplicaCount must be a boolean");
        out.restore = a["restoreToOriginalReplicaCount"];
      }
      if (a.contains("horizontalPodAutoscalerConfig") && !a["horizontalPodAutoscalerConfig"].is_null()) {
        const json& h = a["horizontalPodAutoscalerConfig"];
        if (!h.is_object()) return bad("spec.advanced.horizontalPodAutoscalerConfig must be an object");
        if (h.contains("name")) {
          if (!h["name"].is_string()) return bad("spec.advanced.horizontalPodAutoscalerConfig.name must be a string");
          if (!h["name"].get<std::string>().empty()) out.hpa_name = h["name"];
        }
        if (h.contains("behavior") && !h["behavior"].is_null()) {
          if (!h["behavior"].is_object())
            return bad("spec.advanced.horizontalPodAutoscalerConfig.behavior must be an object");
          out.behavior = h["behavior"];
        }
      }
    }
    if (spec.contains("triggers") && !spec["triggers"].is_array()) return bad("spec.triggers must be a list");
    if (spec.contains("triggers"))
      for (const json& t : spec["triggers"])
        out.triggers.push_back({keda::str(t, "type"), str_at(t, {"authenticationRef", "name"})});
    // Annotations (apis/keda/v1alpha1: NeedToBePausedByAnnotation, NeedToPauseScaleIn/Out), as
    // stored: a JSON number or boolean is read as its text would be.
    static const json kNoAnnotations = json::object();
    const json& ann = meta.stored_annotations ? *meta.stored_annotations : kNoAnnotations;
    if (ann.is_object()) {
      if (ann.contains(kPausedReplicas)) {
        auto n = keda::parse_number(ann[kPausedReplicas]);
        if (!n || *n < 0 || *n != std::floor(*n))
          return bad(std::string("annotation ") + kPausedReplicas + " must be a non-negative integer");
        out.paused_replicas = static_cast<std::int32_t>(*n);
        out.paused = true;
      }
      if (ann.contains(kPaused) && parse_bool(ann[kPaused]).value_or(false)) out.paused = true;
      if (ann.contains(kPausedScaleIn) && parse_bool(ann[kPausedScaleIn]).value_or(false)) out.pause_in = true;
      if (ann.contains(kPausedScaleOut) && parse_bool(ann[kPausedScaleOut]).value_or(false)) out.pause_out = true;
    }
    if (!meta.metadata.creation_timestamp.empty())
      if (auto unix = parse_rfc3339(meta.metadata.creation_timestamp))
        out.created = SimTime{seconds(*unix - world().api().epoch().unix_seconds)};
    return true;
  }

  std::optional<SimTime> last_active_of(const ScaledObject& so) const {
    if (!so.status.last_active_time) return std::nullopt;
    auto unix = parse_rfc3339(*so.status.last_active_time);
    if (!unix) return std::nullopt;
    return SimTime{seconds(*unix - world().api().epoch().unix_seconds)};
  }

  ObjectRef target_of(const Spec& spec, const std::string& ns) const {
    return ObjectRef{spec.target_kind, ns, spec.target_name};
  }

  static std::string group_of(const std::string& api_version) {
    const auto slash = api_version.find('/');
    return slash == std::string::npos ? "" : api_version.substr(0, slash);
  }
  static std::string version_of(const std::string& api_version) {
    const auto slash = api_version.find('/');
    return slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  }
  // GroupVersionKindResource.GVKString(): "apps/v1.Deployment".
  static std::string gvk_string(const Spec& s) {
    return group_of(s.target_api) + "/" + version_of(s.target_api) + "." + s.target_kind;
  }

  // resolver.GetCurrentReplicas: Deployments and StatefulSets from the cache, spec.replicas
  // defaulting to 1; anything else through /scale.
  std::optional<std::int64_t> current_replicas(const Spec& spec, const std::string& ns) const {
    const ObjectRef ref = target_of(spec, ns);
    if (spec.target_kind == "Deployment" || spec.target_kind == "StatefulSet") {
      ObjectPtr obj = world().api().get(ref);
      if (!obj) return std::nullopt;
      const auto spec = obj->find("spec");
      if (spec == obj->end() || !spec->is_object()) return 1;
      const auto r = spec->find("replicas");
      return r != spec->end() && r->is_number_integer() ? r->get<std::int64_t>() : 1;
    }
    auto scale = world().api().get_scale(ref);
    if (!scale) return std::nullopt;
    return scale->spec_replicas;
  }

  // --- status helpers -----------------------------------------------------------------------------
  static json initialized_conditions() {
    return json::array({{{"type", "Ready"}, {"status", "Unknown"}},
                        {{"type", "Active"}, {"status", "Unknown"}},
                        {{"type", "Fallback"}, {"status", "Unknown"}},
                        {{"type", "Paused"}, {"status", "False"}}});
  }

  static json* condition(json& status, const std::string& type) {
    if (!status.contains("conditions") || !status["conditions"].is_array()) return nullptr;
    for (json& c : status["conditions"])
      if (keda::str(c, "type") == type) return &c;
    return nullptr;
  }
  // GetInitializedConditions as read (initialized_conditions is the JSON the status write sends).
  static const std::optional<kedav1alpha1::Conditions>& initialized_conditions_view() {
    static const std::optional<kedav1alpha1::Conditions> kInitialized = kedav1alpha1::Conditions{
        {"Ready", "Unknown", "", "", true},
        {"Active", "Unknown", "", "", true},
        {"Fallback", "Unknown", "", "", true},
        {"Paused", "False", "", "", true}};
    return kInitialized;
  }
  // The Ready condition of a ScaledObject KEDA accepted (apis/keda/v1alpha1/condition_types.go:
  // ScaledObjectConditionReadySuccessReason and ScaledObjectConditionReadySuccessMessage).
  static constexpr const char* kReadyReason = "ScaledObjectReady";
  static constexpr const char* kReadyMessage = "ScaledObject is defined correctly and is ready for scaling";

  // Conditions.SetCondition: updates in place or appends.
  static void set_condition(json& status, const std::string& type, const std::string& value,
                            const std::string& reason, const std::string& message) {
    if (!status.contains("conditions") || !status["conditions"].is_array()) status["conditions"] = initialized_conditions();
    json* c = condition(status, type);
    if (!c) {
      status["conditions"].push_back(json{{"type", type}});
      c = &status["conditions"].back();
    }
    (*c)["status"] = value;
    (*c)["reason"] = reason;
    (*c)["message"] = message;
  }

  // A status merge patch from `seen` to `want`, applied on the object as stored now; nothing is
  // written when the stored status already matches (a no-op patch changes nothing on a server).
  ObjectPtr write_status(const ObjectRef& ref, const json& seen, const json& want) {
    json patch = json::object();
    if (seen.is_object())
      for (auto& [k, v] : seen.items())
        if (!want.contains(k)) patch[k] = nullptr;
    for (auto& [k, v] : want.items())
      if (!seen.is_object() || !seen.contains(k) || seen[k] != v) patch[k] = v;
    ObjectPtr live = api().get(ref);
    if (!live) return nullptr;
    if (patch.empty()) return live;
    // Read the stored status in place (it was copied twice per evaluation before).
    static const json kNoStatus = json::object();
    const auto found = live->find("status");
    const json& stored = found != live->end() ? *found : kNoStatus;
    json merged = stored.is_object() ? stored : json::object();
    merged.merge_patch(patch);
    if (merged == stored) return live;
    const WriteResult r = api().merge_patch(ref, json{{"status", patch}}, kManager, "status");
    return r.status.ok() ? r.object : live;
  }

  void event(const ObjectRef& so, const char* type, const std::string& reason, const std::string& message) {
    api().record_event(so, type, reason, message, kComponent);
  }

  // Copy-on-write status of a Plan: evaluations that change nothing copy nothing.
  static const json& view_status(const Plan& p) {
    static const json kEmpty = json::object();
    if (!p.view || !p.view->contains("status") || !(*p.view)["status"].is_object()) return kEmpty;
    return (*p.view)["status"];
  }
  static json& mutable_status(Plan& p) {
    if (p.status.is_null()) p.status = view_status(p);
    return p.status;
  }
  // Sets a condition unless one already holds these values. An evaluation reads and sets each
  // condition type at most once (Ready is set either as True without errors or as Unknown/False
  // with one), so the stored conditions of the view are the ones it reads: what it already set
  // concerns other types.
  static void set_condition(Plan& p, const std::string& type, const std::string& value, const std::string& reason,
                            const std::string& message) {
    if (p.so->status.conditions)
      for (const kedav1alpha1::Condition& c : *p.so->status.conditions)
        if (c.type == type && c.status == value && c.reason == reason && c.message == message) return;
    set_condition(mutable_status(p), type, value, reason, message);
  }

  void set_copy(Loop& l, ObjectPtr obj) {
    if (!obj) {
      l.copy = nullptr;
      l.copy_view = nullptr;
      l.copy_valid = false;
      return;
    }
    if (obj == l.copy && l.copy_view) return;  // the same version: its view stands
    // The spec is parsed again only when what it is parsed from may have changed; the metadata
    // and the status are the new version's.
    std::shared_ptr<const ScaledObject> cached = l.parsed == obj ? l.parsed_view : nullptr;
    auto meta = std::make_shared<ScaledObject>();
    if (!cached) parse_metadata(*obj, *meta);
    const ScaledObject& m = cached ? *cached : *meta;
    const bool same = l.copy_valid && l.copy && l.copy_view->metadata.generation == m.metadata.generation &&
                      l.copy_view->pause_signature == m.pause_signature;
    if (same) {
      if (cached) {
        meta = std::make_shared<ScaledObject>(*cached);
      } else {
        meta->status = kedav1alpha1::parse_scaled_object_status(*obj);
      }
      meta->spec = l.copy_view->spec;
      meta->spec_problem.clear();
      l.copy_view = std::move(meta);
    } else {
      l.copy_view = view_of(l, obj);
      l.copy_valid = l.copy_view->spec != nullptr;
    }
    l.copy = std::move(obj);
  }

  // --- the reconciler -------------------------------------------------------------------------------
  // Returns a requeue (with backoff) when the reconcile failed in a way that may heal by itself.
  // `so` is the stored version, `view` its typed view: the reconcile reads the view and builds the
  // status it writes as JSON from the stored status (the merge patch's base).
  std::optional<Duration> reconcile_scaled_object(Loop& l, const json& so, const ScaledObject& view) {
    const json seen = so.value("status", json::object());
    json status = seen.is_object() ? seen : json::object();
    // The conditions this reconcile reads: the stored ones, or GetInitializedConditions when there
    // are none. It reads Paused before it sets it and Ready before it sets it (the check failures
    // that set Ready return at once), so these are the values it would read in `status`.
    const bool initialize = !view.status.conditions || view.status.conditions->empty();
    if (initialize) status["conditions"] = initialized_conditions();
    const std::optional<kedav1alpha1::Conditions>& conditions =
        initialize ? initialized_conditions_view() : view.status.conditions;
    const std::string& so_name = view.metadata.name;
    const std::string ns = l.ref.ns;

    auto check_failed = [&](const std::string& message) {
      set_condition(status, "Ready", "False", "ScaledObjectCheckFailed", message);
      set_condition(status, "Active", "Unknown", "UnknownState", "ScaledObject check failed");
      event(l.ref, "Warning", "ScaledObjectCheckFailed", message);
      stop_loop(l, false);
      write_status(l.ref, seen, status);
    };

    if (!view.spec) {
      // A real apiserver rejects these at admission (CRD schema); a controller that meets one
      // reports it and leaves the object alone.
      check_failed("ScaledObject has an invalid spec: " + view.spec_problem);
      return std::nullopt;
    }
    const Spec& spec = *view.spec;

    // v2.16+ updateStatusWithTriggersAndAuthsTypes (v1alpha1 CombinedTriggersAndAuthenticationsTypes):
    // the distinct trigger types and authenticationRef names, in spec order, comma-separated
    // (KEDA's e2e test expects "metrics-api,corn"). Written with the reconcile's status here;
    // upstream it is a status update of its own in the same reconcile.
    if (v216_) {
      std::vector<std::string> types, auths;
      for (const Spec::TriggerRef& t : spec.triggers) {
        if (std::find(types.begin(), types.end(), t.type) == types.end()) types.push_back(t.type);
        const std::string& auth = t.authentication_ref;
        if (!auth.empty() && std::find(auths.begin(), auths.end(), auth) == auths.end()) auths.push_back(auth);
      }
      auto joined = [](const std::vector<std::string>& v) {
        std::string out;
        for (const std::string& x : v) out += (out.empty() ? "" : ",") + x;
        return out;
      };
      status["triggersTypes"] = joined(types);
      status["authenticationsTypes"] = joined(auths);
    }

    // Paused handling (scaledobject_controller.go reconcileScaledObject / handlePause).
    const bool paused_in_status = kedav1alpha1::condition_status(conditions, "Paused") == "True";
    if (spec.paused) {
      if (!paused_in_status) {
        set_condition(status, "Paused", "True", "ScaledObjectPaused", "ScaledObject is paused");
        event(l.ref, "Normal", "ScaledObjectPaused", "ScaledObject is paused");
      }
      stop_loop(l, true);
      if (ObjectPtr hpa = api().get(ObjectRef{"HorizontalPodAutoscaler", ns, spec.hpa_name})) api().remove(ObjectRef::of(*hpa), kManager);
      if (spec.paused_replicas) {
        if (auto scale = api().get_scale(target_of(spec, ns)); scale && scale->spec_replicas != *spec.paused_replicas)
          api().update_scale(target_of(spec, ns), *spec.paused_replicas, scale->resource_version, kManager);
        status["pausedReplicaCount"] = *spec.paused_replicas;
      }
      set_condition(status, "Ready", "True", kReadyReason, kReadyMessage);
      write_status(l.ref, seen, status);
      return std::nullopt;
    }
    if (spec.pause_in || spec.pause_out) {
      set_condition(status, "Paused", "True", "ScaledObjectPaused", "ScaledObject is paused");
      if (!paused_in_status) event(l.ref, "Normal", "ScaledObjectPaused", "ScaledObject is paused");
    } else if (paused_in_status) {
      set_condition(status, "Paused", "False", "ScaledObjectUnpaused", "pause annotation removed for ScaledObject");
      event(l.ref, "Normal", "ScaledObjectUnpaused", "pause annotation removed for ScaledObject");
      status.erase("pausedReplicaCount");
    }

    // ensureScaledObjectLabel: how the metrics adapter maps an HPA metric to its ScaledObject.
    const auto label = view.metadata.labels.find(keda::kScaledObjectNameLabel);
    if (label == view.metadata.labels.end() || label->second != so_name)
      api().merge_patch(l.ref, json{{"metadata", {{"labels", {{keda::kScaledObjectNameLabel, so_name}}}}}}, kManager);

    // checkTargetResourceIsScalable
    const ObjectRef target = target_of(spec, ns);
    const std::optional<Scale> scale = api().get_scale(target);
    if (spec.target_name.empty() || !scale) {
      check_failed(fmt::format("ScaledObject doesn't have correct scaleTargetRef specification: {} \"{}\" not found",
                               resource_name(spec.target_kind, spec.target_api), spec.target_name));
      return seconds(1);  // backoff applied by the caller
    }
    status["scaleTargetKind"] = gvk_string(spec);
    status["scaleTargetGVKR"] = json{{"group", group_of(spec.target_api)},
                                     {"kind", spec.target_kind},
                                     {"resource", lower(spec.target_kind) + "s"},
                                     {"version", version_of(spec.target_api)}};
    if (!view.status.original_replica_count.present) status["originalReplicaCount"] = scale->spec_replicas;

    // CheckReplicaCountBoundsAreValid
    if (spec.min && spec.max && *spec.min > *spec.max) {
      check_failed(fmt::format("ScaledObject doesn't have correct Idle/Min/Max Replica Counts specification: "
                               "MinReplicaCount={} must be less than MaxReplicaCount={}", *spec.min, *spec.max));
      return std::nullopt;
    }
    if (spec.idle && *spec.idle >= spec.min_or_zero()) {
      check_failed(fmt::format("ScaledObject doesn't have correct Idle/Min/Max Replica Counts specification: "
                               "IdleReplicaCount={} must be less than MinReplicaCount={}", *spec.idle, spec.min_or_zero()));
      return std::nullopt;
    }
    std::string why;
    auto triggers = keda::read_triggers(so, api(), &why);
    if (!triggers) {
      check_failed("ScaledObject doesn't have correct triggers specification: " + why);
      return std::nullopt;
    }
    json metric_names = json::array();
    for (const keda::Trigger& t : *triggers)
      if (!t.resource) metric_names.push_back(t.hpa_metric);
    status["externalMetricNames"] = metric_names;
    status["hpaName"] = spec.hpa_name;

    const bool created = ensure_hpa(view, spec, *triggers);
    const std::int64_t generation = view.metadata.generation;
    if (created || !l.running || generation != l.generation) start_loop(l, spec, *triggers, generation);

    const std::string ready = kedav1alpha1::condition_status(conditions, "Ready");
    if (ready != "True") event(l.ref, "Normal", "ScaledObjectReady", "ScaledObject is ready for scaling");
    set_condition(status, "Ready", "True", kReadyReason, kReadyMessage);
    if (!spec.fallback || spec.fallback->replicas <= 0 || spec.fallback->threshold < 0)
      set_condition(status, "Fallback", "False", "NoFallbackFound", "No fallbacks are active on this scaled object");
    write_status(l.ref, seen, status);
    return std::nullopt;
  }

  // newHPAForScaledObject + createAndDeployNewHPA / updateHPAIfNeeded. Returns true when created.
  bool ensure_hpa(const ScaledObject& so, const Spec& spec, const std::vector<keda::Trigger>& triggers) {
    const std::string& so_name = so.metadata.name;
    const std::string& ns = so.metadata.namespace_;
    std::string label_name = spec.hpa_name.substr(0, 63);
    while (!label_name.empty() && !std::isalnum(static_cast<unsigned char>(label_name.back()))) label_name.pop_back();
    json labels = {{"app.kubernetes.io/name", label_name},
                   {"app.kubernetes.io/version", world().versions().get("keda")},
                   {"app.kubernetes.io/part-of", so_name},
                   {"app.kubernetes.io/managed-by", "keda-operator"}};
    // The ScaledObject's labels as stored (newHPAForScaledObject copies them).
    if (so.stored_labels && so.stored_labels->is_object())
      for (auto& [k, v] : so.stored_labels->items()) labels[k] = v;
    labels[keda::kScaledObjectNameLabel] = so_name;  // ensured on the ScaledObject just before

    json metrics = json::array();
    json resources = json::array();
    for (const keda::Trigger& t : triggers) {
      if (t.resource) {
        json target = {{"type", t.metric_type}};
        if (t.metric_type == "Utilization") target["averageUtilization"] = static_cast<std::int64_t>(t.target);
        else target["averageValue"] = keda::format_milli_quantity(keda::to_milli(t.target));
        resources.push_back({{"type", "Resource"}, {"resource", {{"name", t.type}, {"target", target}}}});
        continue;
      }
      json target = {{"type", t.metric_type}};
      target[t.metric_type == "Value" ? "value" : "averageValue"] = keda::format_milli_quantity(keda::to_milli(t.target));
      metrics.push_back({{"type", "External"},
                         {"external",
                          {{"metric", {{"name", t.hpa_metric},
                                       {"selector", {{"matchLabels", {{keda::kScaledObjectNameLabel, so_name}}}}}}},
                           {"target", target}}}});
    }
    // sort.Slice by Type: "External" < "Resource".
    for (json& r : resources) metrics.push_back(std::move(r));

    json behavior = spec.behavior;
    if (spec.pause_in) {
      if (!behavior.is_object()) behavior = json::object();
      behavior["scaleDown"]["selectPolicy"] = "Disabled";
    }
    if (spec.pause_out) {
      if (!behavior.is_object()) behavior = json::object();
      behavior["scaleUp"]["selectPolicy"] = "Disabled";
    }
    json hpa_spec = {{"scaleTargetRef", {{"name", spec.target_name}, {"kind", spec.target_kind}, {"apiVersion", spec.target_api}}},
                     {"minReplicas", spec.hpa_min()},
                     {"maxReplicas", spec.hpa_max()},
                     {"metrics", metrics}};
    if (behavior.is_object()) hpa_spec["behavior"] = behavior;
    json hpa = {{"apiVersion", "autoscaling/v2"},
                {"kind", "HorizontalPodAutoscaler"},
                {"metadata",
                 {{"name", spec.hpa_name},
                  {"namespace", ns},
                  {"labels", labels},
                  {"ownerReferences", json::array({{{"apiVersion", so.api_version},
                                                    {"kind", "ScaledObject"},
                                                    {"name", so_name},
                                                    {"uid", so.metadata.uid},
                                                    {"controller", true},
                                                    {"blockOwnerDeletion", true}}})}}},
                {"spec", hpa_spec}};
    // The HPA carries the ScaledObject's annotations (newHPAForScaledObject).
    if (so.stored_annotations && so.stored_annotations->is_object() && !so.stored_annotations->empty())
      hpa["metadata"]["annotations"] = *so.stored_annotations;

    ObjectPtr existing = api().get(ObjectRef{"HorizontalPodAutoscaler", ns, spec.hpa_name});
    if (!existing) {
      api().create(std::move(hpa), kManager);
      return true;
    }
    // DeepDerivative: the fields KEDA sets must match; fields it leaves unset may differ.
    auto derivative = [](const json& want, const json& have, auto& self) -> bool {
      if (want.is_object()) {
        if (!have.is_object()) return false;
        for (auto& [k, v] : want.items())
          if (!have.contains(k) || !self(v, have[k], self)) return false;
        return true;
      }
      if (want.is_array()) {
        if (!have.is_array() || have.size() < want.size()) return false;
        for (std::size_t i = 0; i < want.size(); ++i)
          if (!self(want[i], have[i], self)) return false;
        return true;
      }
      return want == have;
    };
    const json have_spec = existing->value("spec", json::object());
    const json& have_meta = existing->at("metadata");
    const bool spec_differs = metrics.size() != have_spec.value("metrics", json::array()).size() ||
                              hpa_spec.value("behavior", json()) != have_spec.value("behavior", json()) ||
                              !derivative(hpa_spec, have_spec, derivative);
    const bool labels_differ = !derivative(labels, have_meta.value("labels", json::object()), derivative);
    const json want_ann = hpa["metadata"].value("annotations", json());
    const bool ann_differ = (want_ann.is_null() && have_meta.contains("annotations") && !have_meta["annotations"].empty()) ||
                            (!want_ann.is_null() && !derivative(want_ann, have_meta.value("annotations", json::object()), derivative));
    if (spec_differs || labels_differ || ann_differ) {
      // r.Client.Update(ctx, hpa) with the freshly built object: no resourceVersion, so an
      // unconditional update (the HPA strategy allows it).
      api().update(std::move(hpa), kManager);
    }
    return false;
  }

  // --- the scale loop ---------------------------------------------------------------------------------
  void start_loop(Loop& l, const Spec& spec, const std::vector<keda::Trigger>& triggers, std::int64_t generation) {
    const bool restart = l.running;
    l.running = true;
    l.generation = generation;
    l.start = now();
    l.polling = spec.polling;
    l.triggers = triggers;
    set_copy(l, api().get(l.ref));  // HandleScalableObject passes a deep copy to each goroutine
    for (const keda::Trigger& t : triggers) {
      if (!t.push) continue;
      auto& loops = push_subscribers_[t.source_metric];
      if (std::find(loops.begin(), loops.end(), l.index) == loops.end()) loops.push_back(l.index);
      if (subscribed_.insert(t.source_metric).second) world().metrics().subscribe(t.source_metric, this);
    }
    if (!restart) event(l.ref, "Normal", "KEDAScalersStarted", "Started scalers watch");
    arm(l.tick, now(), kTick, l.index);  // the first check runs at once
  }

  void stop_loop(Loop& l, bool with_event) {
    if (!l.running) return;
    l.running = false;
    l.generation = -1;
    engine().cancel(l.tick);
    if (with_event) event(l.ref, "Normal", "KEDAScalersStopped", "Stopped scalers watch");
  }

  // The finalizer's work on deletion: restoreToOriginalReplicaCount, then stop the loop.
  void finalize(Loop& l, const ObjectPtr& last) {
    if (last && l.running) {
      const std::shared_ptr<const ScaledObject> so = view_of(l, last);
      const std::optional<std::int64_t>& original = so->status.original_replica_count.value;
      if (so->spec && so->spec->restore && original) {
        const ObjectRef target = target_of(*so->spec, l.ref.ns);
        if (auto scale = api().get_scale(target)) api().update_scale(target, *original, scale->resource_version, kManager);
      }
    }
    l.running = false;
    l.generation = -1;
    engine().cancel(l.tick);
    l.deleted = nullptr;
    l.parsed = nullptr;  // the deleted object's views are not needed again
    l.parsed_view = nullptr;
    l.watched = nullptr;
    l.watched_view = nullptr;
  }

  void on_timer(std::uint32_t kind, std::uint64_t payload) override {
    Loop& l = *loops_[payload];
    if (kind == kTick) {
      if (!l.running) return;
      // Phase-locked: the next timer is armed before checkScalers runs.
      arm(l.tick, now() + l.polling, kTick, l.index);
      if (l.write_pending) {
        l.tick_deferred = true;  // checkScalers waits for the scaling mutex
        return;
      }
      check_scalers(l);
    } else if (kind == kWrite) {
      Plan p = std::move(l.pending);
      l.write_pending = false;
      put_and_finish(l, std::move(p));
      if (l.tick_deferred && l.running) {
        l.tick_deferred = false;
        check_scalers(l);
      }
    }
  }

  // checkScalers → getScaledObjectState → RequestScale.
  void check_scalers(Loop& l) {
    ObjectPtr so = api().get(l.ref);
    if (!so) return;
    Plan p;
    p.path = Plan::kPoll;
    p.view = so;
    p.so = view_of(l, p.view);
    if (!p.so->spec) return;
    bool all_resource = true;
    for (const keda::Trigger& t : l.triggers) {
      if (t.resource) continue;
      all_resource = false;
      const auto sample = world().metrics().read(t.source_metric);
      const bool failed = !sample;
      if (failed) {
        p.error = true;
      } else if (t.uses_flag ? sample->active : sample->value > t.activation) {
        p.active = true;
        p.triggers.push_back(t.hpa_metric);
      }
      if (p.spec().fallback) {
        // fallback.go: numberOfFailures counts consecutive failures; Happy resets it. Each
        // trigger writes only its own metric's entry, so the stored one is the one to read.
        const auto& health = p.so->status.health;
        const auto seen = health.find(t.hpa_metric);
        const std::int64_t n = seen != health.end() ? seen->second.number_of_failures.value_or(0) : 0;
        const std::int64_t failures = failed ? n + 1 : 0;
        const char* state = failed ? "Failing" : "Happy";
        if (seen == health.end() || seen->second.number_of_failures != failures || seen->second.status != state)
          mutable_status(p)["health"][t.hpa_metric] = json{{"numberOfFailures", failures}, {"status", state}};
      }
    }
    if (all_resource && !p.error) p.active = true;  // only cpu/memory triggers: always active
    request_scale(l, std::move(p));
  }

  // RequestScale (scale_scaledobjects.go): its decision table (docs/models/keda-hpa.md).
  void request_scale(Loop& l, Plan p) {
    const auto current = current_replicas(p.spec(), l.ref.ns);
    if (!current) return;  // "Error getting information on the current Scale"
    p.current = *current;
    if (p.spec().paused) return;
    const std::int64_t min = p.spec().min_or_zero();
    if (!p.error && kedav1alpha1::condition_status(p.so->status.conditions, "Ready") != "True") {
      set_condition(p, "Ready", "True", kReadyReason, kReadyMessage);
      p.status_call = true;
    }
    // The decision table (scale_decision.hpp); the cooldown is read only where it matters.
    const Spec& sp = p.spec();
    const keda::ScaleDecisionSpec ds{sp.min, sp.idle, sp.fallback.has_value(),
                                     sp.fallback ? sp.fallback->replicas : 0, sp.pause_in, sp.pause_out};
    const bool scales_in = !p.active && ((sp.idle && p.current > *sp.idle) || (p.current > 0 && min == 0));
    const bool due = scales_in && keda::scale_in_due(last_active_of(*p.so), sp.created, sp.cooldown,
                                                     sp.initial_cooldown, v214_, now());
    const keda::ScaleDecision dec = keda::request_scale_decision(p.active, p.error, p.current, ds, due, !v217_);
    switch (dec.ready) {
      case keda::ReadyChange::kPartialTriggerError:
        set_condition(p, "Ready", "Unknown", "PartialTriggerError",
                      "Some triggers defined in ScaledObject are not working correctly");
        p.status_call = true;
        break;
      case keda::ReadyChange::kTriggerError:
        set_condition(p, "Ready", "False", "TriggerError", "Triggers defined in ScaledObject are not working correctly");
        p.status_call = true;
        break;
      case keda::ReadyChange::kNone:
        break;
    }
    p.write = dec.write == keda::ScaleWrite::kActivate     ? Plan::kActivate
              : dec.write == keda::ScaleWrite::kDeactivate ? Plan::kDeactivate
              : dec.write == keda::ScaleWrite::kMin        ? Plan::kMin
              : dec.write == keda::ScaleWrite::kFallback   ? Plan::kFallback
                                                           : Plan::kNone;
    p.target = dec.target;
    p.cooldown = dec.cooldown;
    if (dec.refresh_last_active) p.refresh_last_active = true;
    if (p.write == Plan::kNone) {
      finish(l, std::move(p), false);
      return;
    }
    // updateScaleOnScaleTarget: GET /scale, then PUT with its resourceVersion.
    const auto scale = api().get_scale(target_of(p.spec(), l.ref.ns));
    if (!scale) {
      finish(l, std::move(p), false);
      return;
    }
    p.from = scale->spec_replicas;
    p.resource_version = scale->resource_version;
    if (write_latency_.count() == 0) {
      put_and_finish(l, std::move(p));
      return;
    }
    l.write_pending = true;
    l.pending = std::move(p);
    arm(l.write, now() + write_latency_, kWrite, l.index);
  }

  void put_and_finish(Loop& l, Plan p) {
    const WriteResult r = api().update_scale(target_of(p.spec(), l.ref.ns), p.target, p.resource_version, kManager);
    finish(l, std::move(p), r.status.ok());
  }

  // The rest of RequestScale once the write (if any) is done: events, lastActiveTime, conditions,
  // one status patch.
  void finish(Loop& l, Plan p, bool write_ok) {
    const std::string kind = p.write == Plan::kActivate || p.write == Plan::kDeactivate ? gvk_string(p.spec()) : "";
    const std::string& ns = l.ref.ns;
    const std::string& target = p.spec().target_name;
    bool deactivated = false;
    switch (p.write) {
      case Plan::kActivate:
        if (write_ok) {
          std::string message = fmt::format("Scaled {} {}/{} from {} to {}", kind, ns, target, p.from, p.target);
          if (v214_) message += ", triggered by " + fmt::format("{}", fmt::join(p.triggers, ";"));
          event(l.ref, "Normal", "KEDAScaleTargetActivated", message);
          p.refresh_last_active = true;
        } else {
          event(l.ref, "Warning", "KEDAScaleTargetActivationFailed",
                fmt::format("{} {} {}/{} from {} to {}", v220_ ? "Failed to scale" : "Failed to scaled", kind, ns,
                            target, p.from, p.target));
        }
        break;
      case Plan::kDeactivate:
        if (write_ok) {
          event(l.ref, "Normal", "KEDAScaleTargetDeactivated",
                fmt::format("Deactivated {} {}/{} from {} to {}", kind, ns, target, p.from, p.target));
          deactivated = true;
        } else if (v217_) {
          event(l.ref, "Warning", "KEDAScaleTargetDeactivationFailed",
                fmt::format("Failed to deactivate {} {}/{} from {} to {}", kind, ns, target, p.from, p.target));
        } else {
          // ≤ v2.16: "Failed to deactivated %s %s/%s" with two operands too many; Go's fmt
          // appends them as %!(EXTRA int32=…, int32=…).
          event(l.ref, "Warning", "KEDAScaleTargetDeactivationFailed",
                fmt::format("Failed to deactivated {} {}/{}%!(EXTRA int32={}, int32={})", kind, ns, target, p.from, p.target));
        }
        break;
      case Plan::kFallback:
        set_condition(p, "Fallback", "True", "FallbackExists", "At least one trigger is falling back on this scaled object");
        p.status_call = true;
        break;
      case Plan::kMin:
      case Plan::kNone:
        break;
    }
    if (p.refresh_last_active) {
      const std::string t = api().epoch().rfc3339(now());
      if (p.so->status.last_active_time != t) mutable_status(p)["lastActiveTime"] = t;
      p.status_call = true;
    }
    // The Active condition (scale_decision.hpp).
    const keda::ActiveConditionUpdate active =
        keda::active_condition_update(kedav1alpha1::condition_status(p.so->status.conditions, "Active"), p.active,
                                      p.cooldown, deactivated, v220_);
    if (active.set) set_condition(p, "Active", active.set->status, active.set->reason, active.set->message);
    if (active.patched) p.status_call = true;
    ObjectPtr after = p.status.is_null() ? nullptr : write_status(l.ref, view_status(p), p.status);
    // The push path's copy gets the server's answer to each status patch it sends
    // (controller-runtime decodes the response into the object).
    if (p.path == Plan::kPushCopy && p.status_call) set_copy(l, after ? after : api().get(l.ref));
  }

  Duration write_latency_{0};
  std::vector<std::unique_ptr<Loop>> loops_;
  std::map<std::string, std::uint32_t> loop_index_;
  std::map<std::string, std::vector<std::uint32_t>> push_subscribers_;  // metric → loops
  std::set<std::string> subscribed_;
  keda::KedaMetricsAdapter adapter_;  // registered with the external metrics API
  k8s::ParsedVersions<HpaMetadata> hpa_metadata_{parse_hpa_metadata};  // the Owns(HPA) watch's views
};

KCSIM_REGISTER_MODEL(KedaOperator, "keda");

}  // namespace
}  // namespace kcsim
