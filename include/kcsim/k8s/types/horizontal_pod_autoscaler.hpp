// autoscaling/v2 HorizontalPodAutoscaler as kcsim's HPA controller reads it (k8s.io/api
// autoscaling/v2 types.go, v1.31–v1.33), parsed once from a stored object version
// (parsed_versions.hpp). A read view: the controller still writes status and /scale with JSON
// bodies through the API server. Names follow the Go types; a Go pointer (`*int32`, `*Quantity`,
// `*HPAScalingRules`) is a std::optional, engaged when the member is present.
//
// Parsing is loose, as for ObjectMeta (object_meta.hpp): a member that is absent, null or of the
// wrong type reads as absent (its zero value), as Go's decoder leaves a field it could not set.
// Two exceptions keep what kcsim's controller has always done with objects Go's decoder or the
// API server's validation would refuse (kcsim's API server validates manifests when a scenario is
// read, not every later write):
//  - `spec_error`: the first member of spec the controller cannot use (the checks and wording of
//    kcsim's HPA controller); the controller reports it as FailedConvertHPA and reads nothing else.
//  - `MetricSpec::external_error`: an `external` member whose metric or target is not an object;
//    the controller reports it as FailedGetExternalMetric.
// Quantities are in milli-units (Quantity.MilliValue(), include/kcsim/k8s/quantity.hpp). A
// quantity member that is present but not a quantity (null included) reads as 0, so that every
// target check (> 0) refuses it, as the controller always has, and the other target member is not
// consulted in its place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/k8s/types/object_meta.hpp"

namespace kcsim::k8s {

struct CrossVersionObjectReference {
  std::string kind, name, api_version;
};

/// A metric's name and selector. The selector is the *metav1.LabelSelector as stored (null when
/// absent): kcsim reads label selectors as JSON (include/kcsim/k8s/label_selector.hpp), the
/// external metrics API receives it as the HPA's metrics client sends it, and status echoes it.
struct MetricIdentifier {
  std::string name;
  nlohmann::json selector;
};

struct MetricTarget {
  std::string type;                                   // Utilization | Value | AverageValue
  std::optional<std::int64_t> value, average_value;   // milli-units
  std::optional<std::int32_t> average_utilization;    // percent of the pods' requests
};

struct ResourceMetricSource {
  std::string name;  // v1.ResourceName: cpu, memory
  MetricTarget target;
};

struct ContainerResourceMetricSource {
  std::string name;
  MetricTarget target;
  std::string container;
};

struct PodsMetricSource {
  MetricIdentifier metric;
  MetricTarget target;
};

struct ObjectMetricSource {
  CrossVersionObjectReference described_object;
  MetricTarget target;
  MetricIdentifier metric;
};

struct ExternalMetricSource {
  MetricIdentifier metric;
  MetricTarget target;
};

struct MetricSpec {
  std::string type;  // Resource | ContainerResource | Pods | Object | External
  std::optional<ResourceMetricSource> resource;
  std::optional<ContainerResourceMetricSource> container_resource;
  std::optional<PodsMetricSource> pods;
  std::optional<ObjectMetricSource> object;
  std::optional<ExternalMetricSource> external;
  /// Why `external` could not be read: the member, its metric or its target not an object, or
  /// metric.name not a string. Empty otherwise (then `external` is engaged when present).
  std::string external_error;
};

struct HPAScalingPolicy {
  std::string type;  // Pods | Percent
  std::int32_t value = 0;
  std::int32_t period_seconds = 0;
};

struct HPAScalingRules {
  std::optional<std::int32_t> stabilization_window_seconds;
  std::optional<std::string> select_policy;  // Max | Min | Disabled
  std::optional<std::vector<HPAScalingPolicy>> policies;
};

struct HorizontalPodAutoscalerBehavior {
  std::optional<HPAScalingRules> scale_up, scale_down;
};

struct HorizontalPodAutoscalerSpec {
  CrossVersionObjectReference scale_target_ref;
  std::optional<std::int32_t> min_replicas;
  std::int32_t max_replicas = 0;
  std::vector<MetricSpec> metrics;  // one entry per stored entry, whatever its shape
  std::optional<HorizontalPodAutoscalerBehavior> behavior;
};

struct MetricValueStatus {
  std::optional<std::int64_t> value, average_value;  // milli-units
  std::optional<std::int32_t> average_utilization;
};

struct ResourceMetricStatus {
  std::string name;
  MetricValueStatus current;
};

struct ContainerResourceMetricStatus {
  std::string name;
  MetricValueStatus current;
  std::string container;
};

struct PodsMetricStatus {
  MetricIdentifier metric;
  MetricValueStatus current;
};

struct ObjectMetricStatus {
  MetricIdentifier metric;
  MetricValueStatus current;
  CrossVersionObjectReference described_object;
};

struct ExternalMetricStatus {
  MetricIdentifier metric;
  MetricValueStatus current;
};

struct MetricStatus {
  std::string type;
  std::optional<ResourceMetricStatus> resource;
  std::optional<ContainerResourceMetricStatus> container_resource;
  std::optional<PodsMetricStatus> pods;
  std::optional<ObjectMetricStatus> object;
  std::optional<ExternalMetricStatus> external;
};

struct HorizontalPodAutoscalerCondition {
  std::string type, status, last_transition_time, reason, message;
};

struct HorizontalPodAutoscalerStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<std::string> last_scale_time;  // RFC 3339 text as stored
  std::int32_t current_replicas = 0;
  std::int32_t desired_replicas = 0;
  std::vector<MetricStatus> current_metrics;
  std::vector<HorizontalPodAutoscalerCondition> conditions;
};

struct HorizontalPodAutoscaler {
  ObjectMeta metadata;
  HorizontalPodAutoscalerSpec spec;
  HorizontalPodAutoscalerStatus status;
  /// The first problem that makes spec unusable ("spec.maxReplicas must be an integer"), empty
  /// when there is none. See the head of this file.
  std::string spec_error;
};

/// The typed view of a stored HorizontalPodAutoscaler (the whole object). Never throws.
HorizontalPodAutoscaler parse_horizontal_pod_autoscaler(const nlohmann::json& object);
/// A HorizontalPodAutoscalerBehavior alone (spec.behavior, or KEDA's
/// advanced.horizontalPodAutoscalerConfig.behavior); anything but an object reads as an empty one.
HorizontalPodAutoscalerBehavior parse_horizontal_pod_autoscaler_behavior(const nlohmann::json& behavior);

// --- Defaults: kubernetes pkg/apis/autoscaling/v2/defaults.go (v1.31–v1.33) -------------------
// kcsim's API server does not default stored objects, so the HPA controller applies these when it
// reads an HPA. SetDefaults_HorizontalPodAutoscaler's default metric (CPU at 80 % utilization
// when spec.metrics is empty) is not applied: an HPA without metrics fails to compute a replica
// count ("invalid metrics (0 invalid out of 0)").

/// SetDefaults_HorizontalPodAutoscaler: a nil minReplicas is 1.
inline constexpr std::int32_t kDefaultMinReplicas = 1;
/// defaultHPAScaleUpRules: no stabilization; the higher of +4 pods and +100 % per 15 s.
inline constexpr std::int32_t kScaleUpStabilizationSeconds = 0;
inline constexpr std::int32_t kScaleUpLimitMinimumPods = 4;
inline constexpr std::int32_t kScaleUpLimitPercent = 100;
inline constexpr std::int32_t kScaleUpPeriodSeconds = 15;
/// defaultHPAScaleDownRules: −100 % per 15 s; the stabilization window is left nil, for the
/// controller's --horizontal-pod-autoscaler-downscale-stabilization (5 min by default,
/// pkg/controller/podautoscaler/config/v1alpha1/defaults.go), which it sets when it reads the HPA
/// (maybeInitScaleDownStabilizationWindow, horizontal.go).
inline constexpr std::int32_t kScaleDownLimitPercent = 100;
inline constexpr std::int32_t kScaleDownPeriodSeconds = 15;
/// MaxChangePolicySelect, the default selectPolicy of both directions.
inline constexpr const char* kMaxChangePolicySelect = "Max";

/// GenerateHPAScaleUpRules: defaultHPAScaleUpRules with the members `from` sets
/// (copyHPAScalingRules): select_policy, stabilization_window_seconds and policies all engaged.
HPAScalingRules generate_hpa_scale_up_rules(const std::optional<HPAScalingRules>& from);
/// GenerateHPAScaleDownRules: the same over defaultHPAScaleDownRules; the stabilization window
/// stays absent unless `from` sets it.
HPAScalingRules generate_hpa_scale_down_rules(const std::optional<HPAScalingRules>& from);

}  // namespace kcsim::k8s
