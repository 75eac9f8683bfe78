// The HorizontalPodAutoscaler controller of kube-controller-manager (autoscaling/v2), as in
// kubernetes pkg/controller/podautoscaler/{horizontal.go, replica_calculator.go,
// rate_limiters.go, config/v1alpha1/defaults.go} and pkg/apis/autoscaling/v2/defaults.go
// (v1.31–v1.33; the commit read was not pinned). What it reproduces:
//
//  - Cadence: every add or update of an HPA is queued with AddRateLimited under a
//    FixedItemIntervalRateLimiter, i.e. after exactly the sync period (15 s), and every reconcile
//    re-adds its key the same way once it has returned (processNextWorkItem: reconcileKey, then
//    AddRateLimited; read at kubernetes commit 0006726, horizontal.go); a key already waiting
//    keeps its earlier deadline. So an HPA is reconciled every syncPeriod + the reconcile's
//    duration, its first time one syncPeriod after the controller sees it: its phase drifts by
//    the duration at every sync and is never locked to the wall clock.
//  - Duration: a reconcile makes four API requests (GET /scale, the metrics API, PUT /scale, PUT
//    status), 4 x 5 ms = 20 ms by default (settings.horizontal-pod-autoscaler.reconcileDuration;
//    docs/models/timing.md). The GET /scale happens at its start (begin_reconcile), the writes at
//    its end with the resourceVersion read: a writer in between gets the PUT a 409 and the
//    FailedRescale event, as upstream. 5 workers (--concurrent-horizontal-pod-autoscaler-syncs,
//    pkg/controller/podautoscaler/config/v1alpha1/defaults.go).
//  - reconcileAutoscaler: GET /scale; ScalingDisabled at 0 replicas when minReplicas != 0;
//    the above-max / below-min rows; otherwise the max over metrics of the per-metric proposal,
//    then normalizeDesiredReplicas (behavior nil: 300 s max-stabilisation, scale-up limit
//    max(2×current, 4)) or normalizeDesiredReplicasWithBehaviors (stabilisation windows, Pods /
//    Percent policies over periodSeconds, selectPolicy Max/Min/Disabled, defaults of
//    SetDefaults_HorizontalPodAutoscalerBehavior applied here because kcsim's API server does not
//    default objects). PUT /scale with the read resourceVersion, SuccessfulRescale /
//    FailedRescale events "New size: %d; reason: %s", status through UpdateStatus only when it
//    changed. Conditions AbleToScale, ScalingActive, ScalingLimited with upstream's reasons and
//    messages; lastTransitionTime moves only when a condition's status changes.
//  - The HPA is read through its typed view (include/kcsim/k8s/types/horizontal_pod_autoscaler.hpp),
//    parsed once per stored version as client-go's informer decodes it once per watch event.
//  - Metrics: External with AverageValue (ratio = usage / (target × status.replicas), proposal
//    ceil(usage / target) outside the tolerance) and Value (ratio = usage / target, proposal
//    ceil(ratio × ready pods), or ceil(ratio) at 0 replicas). Values are milli-units, as
//    Quantity.MilliValue().
//
// Where External metrics come from: the external metrics API (a World service,
// include/kcsim/apiserver/external_metrics_api.hpp). A metric whose selector carries
// scaledobject.keda.sh/name is served by KEDA's metrics adapter, which the KEDA model registers
// (models/keda/keda_metrics_adapter.cpp); any other External metric is read by its own name from
// world().metrics(). Without the KEDA model, KEDA's metrics are not served.
//
//  - Resource and ContainerResource metrics: metrics-server's resource metrics API (a World
//    service, include/kcsim/apiserver/resource_metrics.hpp; absent without a metrics-server) and
//    the replica calculator of resource_replicas.hpp: utilization of the pods' requests or an
//    average value, the tolerance, unready and missing pods (cpuInitializationPeriod 5 min,
//    initialReadinessDelay 30 s), status.currentMetrics, FailedGetResourceMetric /
//    FailedGetContainerResourceMetric with upstream's texts (docs/models/keda-hpa.md).
//
// Not modelled: Pods / Object metrics (no custom metrics API exists in kcsim: they fail with the
// controller's "unable to get metrics" reasons), the per-direction tolerance of behavior (alpha feature gate HPAConfigurableTolerance, off by
// default), observedGeneration.
//
// Field manager "kube-controller-manager" (ClientBuilder "horizontal-pod-autoscaler": user agent
// kube-controller-manager/<ver> .../horizontal-pod-autoscaler via rest.AddUserAgent; manager =
// user-agent prefix, k8s.io/apiserver pkg/endpoints/handlers/create.go managerOrUserAgent), event
// source component "horizontal-pod-autoscaler".
#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/types/horizontal_pod_autoscaler.hpp"
#include "kcsim/k8s/types/parsed_versions.hpp"
#include "kcsim/apiserver/external_metrics_api.hpp"
#include "kcsim/apiserver/resource_metrics.hpp"
#include "kcsim/apiserver/status_update.hpp"
#include "hpa_behavior.hpp"
#include "resource_replicas.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/core/input_error.hpp"
#include "../keda/keda_scalers.hpp"

namespace kcsim {
namespace {

constexpr const char* kManager = "kube-controller-manager";
constexpr const char* kComponent = "horizontal-pod-autoscaler";

/// Go's "%+v" of a *metav1.LabelSelector, as the rescale reason prints it: the gogo-protobuf
/// generated String() (k8s.io/apimachinery pkg/apis/meta/v1/generated.pb.go, v0.32), e.g.
/// &LabelSelector{MatchLabels:map[string]string{k: v,},MatchExpressions:[]LabelSelectorRequirement{},}
/// Not the selector syntax of label_selector_string (include/kcsim/k8s/label_selector.hpp).
std::string label_selector_go_struct_string(const json& sel) {
  if (!sel.is_object()) return "nil";
  std::string labels = "map[string]string{";
  if (sel.contains("matchLabels") && sel["matchLabels"].is_object())
    for (auto& [k, v] : sel["matchLabels"].items())  // nlohmann orders keys: sortkeys.Strings
      labels += k + ": " + (v.is_string() ? v.get<std::string>() : v.dump()) + ",";
  labels += "}";
  std::string exprs = "[]LabelSelectorRequirement{";
  if (sel.contains("matchExpressions") && sel["matchExpressions"].is_array())
    for (const json& e : sel["matchExpressions"]) {
      if (!e.is_object()) continue;
      std::string values = "[]string{";
      if (e.contains("values") && e["values"].is_array())
        for (std::size_t i = 0; i < e["values"].size(); ++i)
          values += (i ? "," : "") + std::string("\"") +
                    (e["values"][i].is_string() ? e["values"][i].get<std::string>() : e["values"][i].dump()) + "\"";
      values += "}";
      exprs += "LabelSelectorRequirement{Key:" + keda::str(e, "key") + ",Operator:" + keda::str(e, "operator") +
               ",Values:" + values + ",},";
    }
  exprs += "}";
  return "&LabelSelector{MatchLabels:" + labels + ",MatchExpressions:" + exprs + ",}";
}

/// The scale's status.selector ("app=web,tier=fe") as matchLabels; set-based terms are ignored.
json selector_labels(const std::string& selector) {
  json labels = json::object();
  std::size_t start = 0;
  while (start < selector.size()) {
    std::size_t comma = selector.find(',', start);
    if (comma == std::string::npos) comma = selector.size();
    const std::string term = selector.substr(start, comma - start);
    const auto eq = term.find('=');
    if (eq != std::string::npos && term.find("!=") == std::string::npos) {
      std::string key = term.substr(0, eq);
      std::string value = term.substr(eq + 1);
      if (!value.empty() && value[0] == '=') value = value.substr(1);  // "=="
      labels[key] = value;
    }
    start = comma + 1;
  }
  return labels;
}

using k8s::HorizontalPodAutoscaler;
using k8s::HorizontalPodAutoscalerBehavior;
using k8s::MetricSpec;
using k8s::MetricTarget;

// The normalisation's types and rules are in hpa_behavior.hpp.
using Behavior = HpaBehavior;

// What a reconcile read at its start (begin_reconcile), for its end.
struct Reads {
  ObjectRef ref;
  ObjectPtr live;                                     // the stored version (the status write starts from it)
  std::shared_ptr<const HorizontalPodAutoscaler> hpa;  // its typed view
  std::optional<Scale> scale;
};

struct HpaMemory {
  bool have_recommendations = false;
  std::vector<HpaRecommendation> recommendations;
  std::vector<HpaScaleEvent> up_events, down_events;
};

// One metric's outcome in computeReplicasForMetric.
struct MetricResult {
  bool ok = false;
  std::int32_t replicas = 0;
  std::string name;      // "external metric s0-x(&LabelSelector{...})"
  json status = json::object({{"type", ""}});
  json condition;        // ScalingActive condition on failure: {reason, message}
  std::string error;
};

class HpaController final : public Controller {
 public:
  explicit HpaController(World& world) : Controller(world, "horizontal-pod-autoscaler") {
    set_workers(5);
    set_default_reconcile_duration(4 * kRequestLatency);
    read_settings();
  }

  void start() override {
    watch("HorizontalPodAutoscaler");
    // The informer's initial list: every HPA present at start is queued like an add.
    for (const ObjectPtr& h : api().list("HorizontalPodAutoscaler")) enqueue_after(key_of(*h), sync_period_);
  }

  void on_watch_event(const WatchEvent& e) override {
    const std::string key = key_of(*e.object);
    if (e.type == WatchEventType::kDeleted) {
      forget(key);  // queue.Forget; the reconcile that finds it gone drops its memory
      hpas_.erase(key);
      return;
    }
    enqueue_after(key, sync_period_);  // enqueueHPA: AddRateLimited
  }

  // The reconcile's start: the HPA from the informer cache and GET /scale, both answered now.
  void begin_reconcile(const std::string& key) override {
    const ObjectRef ref = ref_of_key("HorizontalPodAutoscaler", key);
    Reads& r = reads_[key];
    r.ref = ref;
    r.live = api().get(ref);
    r.hpa = hpas_.get(key, r.live);
    r.scale.reset();
    if (!r.hpa || !r.hpa->spec_error.empty()) return;
    const k8s::CrossVersionObjectReference& target = r.hpa->spec.scale_target_ref;
    r.scale = api().get_scale(ObjectRef{target.kind, ref.ns, target.name});
  }

  // The reconcile's end: computes from what begin_reconcile read, writes now.
  std::optional<Duration> reconcile(const std::string& key) override {
    auto it = reads_.find(key);
    if (it == reads_.end()) return std::nullopt;
    Reads& reads = it->second;  // kept (not erased): the next reconcile of the key reuses the entry
    const ObjectPtr live = std::move(reads.live);
    const std::shared_ptr<const HorizontalPodAutoscaler> hpa = std::move(reads.hpa);
    if (!live) {
      memory_.erase(key);  // reconcileKey: delete recommendations and scale events
      hpas_.erase(key);
      reads_.erase(it);
      return std::nullopt;
    }
    reconcile_autoscaler(reads.ref, *live, *hpa, key, reads.scale);
    return sync_period_;  // processNextWorkItem: AddRateLimited once the reconcile returned
  }

 private:
  // --- settings -------------------------------------------------------------------------------
  void read_settings() {
    const json& s = settings();
    const std::string file = world().scenario().file;
    const std::string base = world().settings_pointer(name());
    for (auto& [key, value] : s.items()) {
      const std::string p = base + "/" + escape_pointer_token(key);
      if (is_controller_setting(key)) continue;
      if (key == "syncPeriod") {
        sync_period_ = read_duration(value, file, p);
        if (sync_period_.count() == 0) throw InputError(file, p, "expected a positive duration", describe_found(value));
      } else if (key == "downscaleStabilization") {
        downscale_window_ = read_duration(value, file, p);
      } else if (key == "cpuInitializationPeriod") {
        cpu_initialization_period_ = read_duration(value, file, p);
      } else if (key == "initialReadinessDelay") {
        initial_readiness_delay_ = read_duration(value, file, p);
      } else if (key == "tolerance") {
        if (!value.is_number() || value.get<double>() < 0.0)
          throw InputError(file, p, "expected a non-negative number such as 0.1", describe_found(value));
        tolerance_ = value.get<double>();
      } else {
        throw InputError(file, p,
                         "expected one of enabled, syncPeriod, tolerance, downscaleStabilization, "
                         "cpuInitializationPeriod, initialReadinessDelay, reconcileDuration, startDelay",
                         fmt::format("unknown field \"{}\"", key));
      }
    }
  }

  // --- conditions -----------------------------------------------------------------------------
  void set_condition(json& status, const std::string& type, const std::string& value, const std::string& reason,
                     const std::string& message) {
    if (!status.contains("conditions") || !status["conditions"].is_array()) status["conditions"] = json::array();
    json& list = status["conditions"];
    json* cond = nullptr;
    for (json& c : list)
      if (keda::str(c, "type") == type) cond = &c;
    if (!cond) {
      list.push_back(json{{"type", type}});
      cond = &list.back();
    }
    if (keda::str(*cond, "status") != value) (*cond)["lastTransitionTime"] = api().epoch().rfc3339(now());
    (*cond)["status"] = value;
    (*cond)["reason"] = reason;
    (*cond)["message"] = message;
  }

  void event(const ObjectRef& hpa, const char* type, const std::string& reason, const std::string& message) {
    api().record_event(hpa, type, reason, message, kComponent);
  }

  // setStatus: the whole status is rebuilt; lastScaleTime moves on a rescale.
  void set_status(json& status, std::int64_t current, std::int64_t desired, const json& metrics, bool rescale) {
    json next = json::object();
    if (current != 0) next["currentReplicas"] = current;  // omitempty
    next["desiredReplicas"] = desired;
    if (status.contains("lastScaleTime")) next["lastScaleTime"] = status["lastScaleTime"];
    if (rescale) next["lastScaleTime"] = api().epoch().rfc3339(now());
    if (metrics.is_array() && !metrics.empty()) next["currentMetrics"] = metrics;
    if (status.contains("conditions")) next["conditions"] = status["conditions"];
    status = std::move(next);
  }

  // updateStatusIfNeeded: PUT .../status with the resourceVersion read. The body carries only what
  // the status strategy reads (status_update_body), not a copy of the whole HPA.
  void update_status_if_needed(const json& live, const json& original_status, json status) {
    if (original_status == status) return;
    const WriteResult r = api().update(status_update_body(live, std::move(status)), kManager, "status");
    if (!r.status.ok())
      event(ObjectRef::of(live), "Warning", "FailedUpdateStatus", r.status.message);
  }

  // --- spec -------------------------------------------------------------------------------------
  // SetDefaults_HorizontalPodAutoscalerBehavior (applied here because kcsim's API server does not
  // default objects), then maybeInitScaleDownStabilizationWindow: hpa_behavior_from_spec.
  Behavior read_behavior(const HorizontalPodAutoscalerBehavior& b) const {
    return hpa_behavior_from_spec(b, static_cast<std::int32_t>(downscale_window_ / seconds(1)));
  }

  // --- metrics ----------------------------------------------------------------------------------
  // The external metrics API (external_metrics_api.hpp): the adapter that serves the selector
  // (KEDA's, for the HPAs it creates), else the metric read by its name. Returns the sum of the
  // values in milli-units, or an error text.
  std::optional<std::int64_t> external_metric(const std::string& ns, const std::string& metric, const json& selector,
                                              std::string& error) {
    if (const ExternalMetricsApi* external = world().service<ExternalMetricsApi>())
      if (ExternalMetricsAdapter* adapter = external->adapter_for(selector))
        return adapter->get(ns, metric, selector, error);
    if (auto sample = world().metrics().read(metric)) return keda::to_milli(sample->value);
    error = fmt::format("unable to fetch metrics from external metrics API: the server could not find the metric {}",
                        metric);
    return std::nullopt;
  }

  bool within_tolerance(double ratio) const { return (1.0 - tolerance_) <= ratio && ratio <= (1.0 + tolerance_); }

  std::int64_t ready_pods(const std::string& ns, const std::string& selector) const {
    std::int64_t n = 0;
    for (const ObjectPtr& pod : world().api().list("Pod", ns, selector_labels(selector))) {
      const json& st = pod->value("status", json::object());
      if (keda::str(st, "phase") != "Running") continue;
      if (!st.contains("conditions") || !st["conditions"].is_array()) continue;
      for (const json& c : st["conditions"])
        if (keda::str(c, "type") == "Ready" && keda::str(c, "status") == "True") ++n;
    }
    return n;
  }

  MetricResult unable(const ObjectRef& hpa, const std::string& reason, const std::string& inner,
                      const std::string& outer) {
    // getUnableComputeReplicaCountCondition: an event with the inner error, a ScalingActive=False
    // condition proposal.
    event(hpa, "Warning", reason, inner);
    MetricResult r;
    r.condition = json{{"reason", reason}, {"message", "the HPA was unable to compute the replica count: " + inner}};
    r.error = outer;
    return r;
  }

  // --- Resource and ContainerResource metrics -----------------------------------------------------
  // The resource metrics client (pkg/controller/podautoscaler/metrics/client.go GetResourceMetric)
  // over metrics-server's API, then the replica calculator (replica_calculator.go
  // GetResourceReplicas / GetRawResourceReplicas, groupPods, calculateRequests; metrics/
  // utilization.go GetResourceUtilizationRatio, GetMetricUsageRatio), kubernetes master read in
  // 2026 (v1.33+); docs/models/keda-hpa.md "Resource metrics". The arithmetic is in
  // resource_replicas.hpp, shared with the conformance test of upstream's cases.

  /// The pods the scale's selector selects (the pod lister) and their samples from metrics-server's
  /// API (PodMetricses(ns).List(selector)): false with `error` set when the metrics API fails.
  bool resource_inputs(const std::string& ns, const Scale& scale, const std::string& res, const std::string& container,
                       std::vector<ResourcePod>& pods, ResourceSamples& samples, std::string& error) const {
    const ResourceMetricsApi* metrics_api = world().service<ResourceMetricsApi>();
    if (!metrics_api) {
      // No metrics-server in the cluster: the aggregated API metrics.k8s.io is not registered.
      error = "unable to fetch metrics from resource metrics API: the server could not find the requested resource "
              "(get pods.metrics.k8s.io)";
      return false;
    }
    std::vector<std::pair<std::string, const ResourceMetricsApi::PodMetrics*>> listed;
    for (const ObjectPtr& pod : world().api().list("Pod", ns, selector_labels(scale.selector))) {
      pods.push_back(resource_pod(*pod, res, container, world().api().epoch().unix_seconds));
      if (const ResourceMetricsApi::PodMetrics* pm = metrics_api->pod(ns, pods.back().name))
        listed.emplace_back(pods.back().name, pm);
    }
    auto got = resource_samples(listed, ns, res, container, error);
    if (!got) return false;
    samples = std::move(*got);
    return true;
  }

  // computeStatusForResourceMetric / computeStatusForContainerResourceMetric.
  MetricResult compute_status_for_resource_metric(const ObjectRef& hpa, const MetricSpec& spec, std::int64_t current,
                                                  const Scale& scale) {
    const bool per_container = spec.type == "ContainerResource";
    const char* reason = per_container ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
    // A source that is absent reads as one without a target, and one without a name as cpu.
    static const MetricTarget kNoTarget;
    std::string res, container;
    const MetricTarget* target = &kNoTarget;
    if (per_container && spec.container_resource) {
      res = spec.container_resource->name;
      container = spec.container_resource->container;
      target = &spec.container_resource->target;
    } else if (!per_container && spec.resource) {
      res = spec.resource->name;
      target = &spec.resource->target;
    }
    if (res.empty()) res = "cpu";
    // computeReplicasForMetric's wrapping of the error.
    auto fail = [&](const std::string& err) {
      return unable(hpa, reason, err,
                    per_container ? fmt::format("failed to get {} container metric value: {}", container, err)
                                  : fmt::format("failed to get {} resource metric value: {}", res, err));
    };
    const bool by_value = target->average_value.has_value();
    const bool by_utilization = !by_value && target->average_utilization.has_value();
    // (The API server refuses a zero or negative target; one written past validation fails here.)
    if ((by_value && *target->average_value <= 0) || (by_utilization && *target->average_utilization <= 0))
      return fail("invalid resource metric source: the target must be positive");
    if (!by_value && !by_utilization)
      return fail("invalid resource metric source: neither an average utilization target nor an average value (usage) "
                  "target was set");
    std::string error;
    std::vector<ResourcePod> pods;
    ResourceSamples samples;
    if (!resource_inputs(hpa.ns, scale, res, container, pods, samples, error)) {
      const std::string inner = fmt::format("unable to get metrics for resource {}: {}", res, error);
      return fail(by_value ? fmt::format("failed to get {} usage: {}", res, inner)
                           : fmt::format("failed to get {} utilization: {}", res, inner));
    }
    ResourceCalculator calc{tolerance_, cpu_initialization_period_, initial_readiness_delay_};
    const ResourceProposal p =
        by_value ? calc.raw_replicas(static_cast<std::int32_t>(current), *target->average_value, res, pods, samples, now())
                 : calc.utilization_replicas(static_cast<std::int32_t>(current), *target->average_utilization, res, pods,
                                             samples, now());
    if (!p.error.empty())
      return fail(by_value ? fmt::format("failed to get {} usage: {}", res, p.error)
                           : fmt::format("failed to get {} utilization: {}", res, p.error));
    MetricResult r;
    r.ok = true;
    r.replicas = p.replicas;
    json current_value = json::object();
    if (by_value) {
      r.name = fmt::format("{} resource", res);
      current_value["averageValue"] = keda::format_milli_quantity(p.raw);
    } else {
      r.name = per_container ? fmt::format("{} container resource utilization (percentage of request)", res)
                             : fmt::format("{} resource utilization (percentage of request)", res);
      current_value["averageUtilization"] = p.utilization;
      current_value["averageValue"] = keda::format_milli_quantity(p.raw);
    }
    if (per_container)
      r.status = json{{"type", "ContainerResource"},
                      {"containerResource", {{"name", res}, {"container", container}, {"current", current_value}}}};
    else
      r.status = json{{"type", "Resource"}, {"resource", {{"name", res}, {"current", current_value}}}};
    return r;
  }

  // computeReplicasForMetric.
  MetricResult compute_replicas_for_metric(const ObjectRef& hpa, const MetricSpec& spec, std::int64_t spec_replicas,
                                           std::int64_t status_replicas, const Scale& scale) {
    const std::string& type = spec.type;
    if (type == "External") {
      // computeStatusForExternalMetric. An absent source reads as one without a name or target.
      if (!spec.external_error.empty())
        return unable(hpa, "FailedGetExternalMetric", spec.external_error, spec.external_error);
      static const k8s::ExternalMetricSource kNoSource;
      const k8s::ExternalMetricSource& external = spec.external ? *spec.external : kNoSource;
      const std::string& mname = external.metric.name;
      const json& selector = external.metric.selector;
      const std::string sel_str = label_selector_go_struct_string(selector);
      const std::string proposal_name = fmt::format("external metric {}({})", mname, sel_str);
      json ident = json{{"name", mname}};
      if (!selector.is_null()) ident["selector"] = selector;
      // An averageValue target, else a value target.
      std::optional<std::int64_t> avg, val;
      if (external.target.average_value) avg = external.target.average_value;
      else val = external.target.value;
      if ((!avg || *avg <= 0) && (!val || *val <= 0)) {
        const std::string msg = "invalid external metric source: neither a value target nor an average value target was set";
        return unable(hpa, "FailedGetExternalMetric", msg, msg);
      }
      std::string err;
      auto usage = external_metric(hpa.ns, mname, selector, err);
      if (!usage) {
        const std::string inner = fmt::format("unable to get external metric {}/{}/{}: {}", hpa.ns, mname, sel_str,
                                              err.substr(err.find(": ") + 2));
        return unable(hpa, "FailedGetExternalMetric", inner,
                      avg ? fmt::format("failed to get {} external metric: {}", mname, inner)
                          : fmt::format("failed to get external metric {}: {}", mname, inner));
      }
      MetricResult r;
      r.ok = true;
      r.name = proposal_name;
      if (avg) {
        // GetExternalPerPodMetricReplicas
        std::int64_t replicas = status_replicas;
        const double ratio = static_cast<double>(*usage) / (static_cast<double>(*avg) * static_cast<double>(replicas));
        if (!within_tolerance(ratio))
          replicas = static_cast<std::int64_t>(std::ceil(static_cast<double>(*usage) / static_cast<double>(*avg)));
        const std::int64_t per_pod =
            status_replicas > 0
                ? static_cast<std::int64_t>(std::ceil(static_cast<double>(*usage) / static_cast<double>(status_replicas)))
                : *usage;
        r.replicas = static_cast<std::int32_t>(replicas);
        r.status = json{{"type", "External"},
                        {"external", {{"metric", ident}, {"current", {{"averageValue", keda::format_milli_quantity(per_pod)}}}}}};
      } else {
        // GetExternalMetricReplicas / getUsageRatioReplicaCount
        const double ratio = static_cast<double>(*usage) / static_cast<double>(*val);
        std::int64_t replicas;
        if (spec_replicas != 0) {
          if (within_tolerance(ratio)) replicas = spec_replicas;
          else replicas = static_cast<std::int64_t>(std::ceil(ratio * static_cast<double>(ready_pods(hpa.ns, scale.selector))));
        } else {
          replicas = static_cast<std::int64_t>(std::ceil(ratio));
        }
        r.replicas = static_cast<std::int32_t>(replicas);
        r.status = json{{"type", "External"},
                        {"external", {{"metric", ident}, {"current", {{"value", keda::format_milli_quantity(*usage)}}}}}};
      }
      return r;
    }
    if (type == "Resource" || type == "ContainerResource")
      return compute_status_for_resource_metric(hpa, spec, spec_replicas, scale);
    if (type == "Pods" || type == "Object") {
      const std::string inner = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";
      return unable(hpa, type == "Pods" ? "FailedGetPodsMetric" : "FailedGetObjectMetric", inner,
                    fmt::format("failed to get {} metric value: {}", type == "Pods" ? "pods" : "object", inner));
    }
    const std::string msg = fmt::format("unknown metric source type \"{}\"", type);
    return unable(hpa, "InvalidMetricSourceType", msg, msg);
  }

  // --- normalisation ------------------------------------------------------------------------------
  // normalizeDesiredReplicas (behavior nil): stabilizeRecommendation, then
  // convertDesiredReplicasWithRules (hpa_behavior.hpp); the conditions they set.
  std::int32_t normalize_legacy(json& status, HpaMemory& m, std::int32_t current, std::int32_t proposal,
                                std::int32_t min_replicas, std::int32_t max_replicas) {
    const std::int32_t stabilized = hpa_stabilize_recommendation(m.recommendations, now(), downscale_window_, proposal);
    if (stabilized != proposal)
      set_condition(status, "AbleToScale", "True", "ScaleDownStabilized",
                    "recent recommendations were higher than current one, applying the highest recent recommendation");
    else
      set_condition(status, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
    const HpaLimited l = hpa_convert_desired_with_rules(current, stabilized, min_replicas, max_replicas);
    set_condition(status, "ScalingLimited", l.replicas == stabilized ? "False" : "True", l.reason, l.message);
    return l.replicas;
  }

  // normalizeDesiredReplicasWithBehaviors: stabilizeRecommendationWithBehaviors, then
  // convertDesiredReplicasWithBehaviorRate (hpa_behavior.hpp); the conditions they set.
  std::int32_t normalize_with_behavior(json& status, HpaMemory& m, const Behavior& b, std::int32_t current,
                                       std::int32_t proposal, std::int32_t min_replicas, std::int32_t max_replicas) {
    const HpaLimited st = hpa_stabilize_with_behaviors(m.recommendations, b, now(), current, proposal);
    const std::int32_t stabilized = st.replicas;
    if (stabilized != proposal)
      set_condition(status, "AbleToScale", "True", st.reason, st.message);
    else
      set_condition(status, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
    const HpaLimited l = hpa_convert_desired_with_behavior_rate(current, stabilized, min_replicas, max_replicas, b,
                                                                m.up_events, m.down_events, now());
    set_condition(status, "ScalingLimited", l.replicas == stabilized ? "False" : "True", l.reason, l.message);
    return l.replicas;
  }

  // --- reconcileAutoscaler ------------------------------------------------------------------------
  // `live` is the stored version `hpa` was parsed from: the status written starts from its status.
  void reconcile_autoscaler(const ObjectRef& ref, const json& live, const HorizontalPodAutoscaler& hpa,
                            const std::string& key, const std::optional<Scale>& scale) {
    if (!hpa.spec_error.empty()) {
      // The apiserver would have rejected this object; the controller's nearest reaction to an
      // HPA it cannot read is FailedConvertHPA.
      event(ref, "Warning", "FailedConvertHPA", "failed to convert the given HPA to autoscaling/v2: " + hpa.spec_error);
      return;
    }
    static const json kNoStatus = json::object();
    const auto stored_status = live.find("status");
    const json& original_status = stored_status != live.end() ? *stored_status : kNoStatus;
    json status = original_status.is_object() ? original_status : json::object();
    const k8s::CrossVersionObjectReference& target = hpa.spec.scale_target_ref;
    const ObjectRef target_ref{target.kind, ref.ns, target.name};

    if (!scale) {
      // (A target without apiVersion is named as an apps/v1 resource.)
      const std::string api_version = target.api_version.empty() ? "apps/v1" : target.api_version;
      const std::string err =
          fmt::format("{} \"{}\" not found", resource_name(target_ref.kind, api_version), target_ref.name);
      event(ref, "Warning", "FailedGetScale", err);
      set_condition(status, "AbleToScale", "False", "FailedGetScale",
                    "the HPA controller was unable to get the target's current scale: " + err);
      update_status_if_needed(live, original_status, std::move(status));
      return;
    }
    set_condition(status, "AbleToScale", "True", "SucceededGetScale",
                  "the HPA controller was able to get the target's current scale");
    const std::int32_t current = static_cast<std::int32_t>(scale->spec_replicas);
    HpaMemory& m = memory_[key];
    if (!m.have_recommendations) {  // recordInitialRecommendation
      m.have_recommendations = true;
      m.recommendations.push_back({current, now()});
    }

    const std::int32_t min_replicas = hpa.spec.min_replicas.value_or(k8s::kDefaultMinReplicas);
    const std::int32_t max_replicas = hpa.spec.max_replicas;
    const bool has_behavior = hpa.spec.behavior.has_value();
    const Behavior behavior = has_behavior ? read_behavior(*hpa.spec.behavior) : Behavior{};

    std::int32_t desired = 0;
    std::string rescale_reason;
    bool rescale = true;
    json metric_statuses = json::array();

    if (current == 0 && min_replicas != 0) {
      desired = 0;
      rescale = false;
      set_condition(status, "ScalingActive", "False", "ScalingDisabled",
                    "scaling is disabled since the replica count of the target is zero");
    } else if (current > max_replicas) {
      rescale_reason = "Current number of replicas above Spec.MaxReplicas";
      desired = max_replicas;
    } else if (current < min_replicas) {
      rescale_reason = "Current number of replicas below Spec.MinReplicas";
      desired = min_replicas;
    } else {
      // computeReplicasForMetrics
      std::int32_t metric_desired = -1;
      std::string metric_name;
      std::string error;
      if (scale->selector.empty()) {
        error = "selector is required";
        event(ref, "Warning", "SelectorRequired", error);
        set_condition(status, "ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
      } else {
        const std::vector<MetricSpec>& metrics = hpa.spec.metrics;
        std::int32_t replicas = 0;
        std::size_t invalid = 0;
        json invalid_condition;
        std::string invalid_error;
        for (const MetricSpec& ms : metrics) {
          MetricResult r = compute_replicas_for_metric(ref, ms, scale->spec_replicas, scale->status_replicas, *scale);
          metric_statuses.push_back(r.status);
          if (!r.ok) {
            if (invalid == 0) {
              invalid_condition = r.condition;
              invalid_error = r.error;
            }
            ++invalid;
            continue;
          }
          if (replicas == 0 || r.replicas > replicas) {
            replicas = r.replicas;
            metric_name = r.name;
          }
        }
        if (invalid >= metrics.size() || (invalid > 0 && replicas < current)) {
          if (!invalid_condition.is_null())
            set_condition(status, "ScalingActive", "False", invalid_condition["reason"], invalid_condition["message"]);
          error = fmt::format("invalid metrics ({} invalid out of {}), first error is: {}", invalid, metrics.size(),
                              invalid_error);
        } else {
          set_condition(status, "ScalingActive", "True", "ValidMetricFound",
                        "the HPA was able to successfully calculate a replica count from " + metric_name);
          metric_desired = replicas;
        }
      }
      if (metric_desired == -1) {
        // setCurrentReplicasAndMetricsInStatus, then the FailedComputeMetricsReplicas event.
        set_status(status, current, hpa.status.desired_replicas, metric_statuses, false);
        update_status_if_needed(live, original_status, std::move(status));
        event(ref, "Warning", "FailedComputeMetricsReplicas", error);
        return;
      }
      std::string rescale_metric;
      if (metric_desired > desired) {
        desired = metric_desired;
        rescale_metric = metric_name;
      }
      if (desired > current) rescale_reason = rescale_metric + " above target";
      if (desired < current) rescale_reason = "All metrics below target";
      desired = has_behavior ? normalize_with_behavior(status, m, behavior, current, desired, min_replicas, max_replicas)
                             : normalize_legacy(status, m, current, desired, min_replicas, max_replicas);
      rescale = desired != current;
    }

    if (rescale) {
      const WriteResult w = api().update_scale(target_ref, desired, scale->resource_version, kManager);
      if (!w.status.ok()) {
        event(ref, "Warning", "FailedRescale",
              fmt::format("New size: {}; reason: {}; error: {}", desired, rescale_reason, w.status.message));
        set_condition(status, "AbleToScale", "False", "FailedUpdateScale",
                      "the HPA controller was unable to update the target scale: " + w.status.message);
        set_status(status, current, hpa.status.desired_replicas, metric_statuses, false);
        update_status_if_needed(live, original_status, std::move(status));
        return;
      }
      set_condition(status, "AbleToScale", "True", "SucceededRescale",
                    fmt::format("the HPA controller was able to update the target scale to {}", desired));
      event(ref, "Normal", "SuccessfulRescale", fmt::format("New size: {}; reason: {}", desired, rescale_reason));
      hpa_store_scale_event(m.up_events, m.down_events, has_behavior ? &behavior : nullptr, current, desired, now());
    } else {
      desired = current;
    }
    set_status(status, current, desired, metric_statuses, rescale);
    update_status_if_needed(live, original_status, std::move(status));
  }

  Duration sync_period_ = seconds(15);
  Duration downscale_window_ = minutes(5);
  // --horizontal-pod-autoscaler-cpu-initialization-period / -initial-readiness-delay
  // (config/v1alpha1/defaults.go).
  Duration cpu_initialization_period_ = minutes(5);
  Duration initial_readiness_delay_ = seconds(30);
  double tolerance_ = 0.1;
  std::map<std::string, HpaMemory> memory_;
  k8s::ParsedVersions<HorizontalPodAutoscaler> hpas_{k8s::parse_horizontal_pod_autoscaler};  // the informer's typed cache
  std::map<std::string, Reads> reads_;  // keys being reconciled (at most one entry per worker)
};

KCSIM_REGISTER_MODEL(HpaController, "horizontal-pod-autoscaler");

}  // namespace
}  // namespace kcsim
