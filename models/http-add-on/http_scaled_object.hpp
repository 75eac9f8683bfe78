// http.keda.sh/v1alpha1 HTTPScaledObject as the HTTP add-on model reads it (kedacore/http-add-on
// operator/apis/http/v1alpha1/httpscaledobject_types.go, v0.3.0 to v0.15.0: the fields of the
// versions the model supports, those a version lacks simply absent), parsed once per stored
// version (include/kcsim/k8s/types/parsed_versions.hpp). A read view: the operator still writes
// the generated ScaledObject, the finalizer list and the status as JSON bodies through the API
// server. Names follow the Go types; a Go pointer (`*int32`, `*ReplicaStruct`) is a std::optional
// or a pointer, set when the member is present.
//
// Parsing is loose (include/kcsim/k8s/types/decode.hpp): a member that is absent or of the wrong
// JSON type reads as its default. What the operator copies into the ScaledObject unchanged
// (metadata.labels and annotations, scaleTargetRef.apiVersion and kind, scaledownPeriod,
// initialCooldownPeriod, replicas.min and max) is also kept verbatim: pointers into the stored
// version, valid while that version is held, so that the generated object stays what the stored
// one holds whatever its type. So are the status conditions, which the status write sends back as
// it found them except the one it sets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/types/object_meta.hpp"

namespace kcsim::httpv1alpha1 {

// ReplicaStruct's documented defaults ("Default 0", "Default 100"), which the v0.3–v0.4 ScaledObject
// template rendered for an absent member; later versions leave the member out of the ScaledObject.
inline constexpr std::int64_t kDefaultMinReplicas = 0;
inline constexpr std::int64_t kDefaultMaxReplicas = 100;
// ConcurrencyMetricSpec and RateMetricSpec (v0.8+): +kubebuilder:default=100, "1m", "1s".
inline constexpr std::int64_t kDefaultTargetValue = 100;
inline constexpr Duration kDefaultRateWindow = minutes(1);
inline constexpr Duration kDefaultRateGranularity = seconds(1);

/// A `*int32` member: `value` when it holds an integer, and the member as stored (any JSON type;
/// nullptr when absent) for copying it unchanged.
struct OptionalInt32 {
  std::optional<std::int64_t> value;
  const nlohmann::json* stored = nullptr;

  bool present() const { return stored != nullptr; }
};

/// ScaleTargetRef: the workload to scale and the Service to route to.
struct ScaleTargetRef {
  std::string name;         // v0.7+
  std::string deployment;   // up to v0.9: the Deployment's name, before `name`
  std::string api_version;  // v0.7+
  std::string kind;         // v0.7+
  std::string service;
  std::int64_t port = 0;
  // apiVersion and kind as stored (nullptr when absent): v0.7+ copies them into the ScaledObject.
  const nlohmann::json* stored_api_version = nullptr;
  const nlohmann::json* stored_kind = nullptr;

  /// The target's name: `name`, else the pre-v0.10 `deployment` field.
  const std::string& target_name() const { return name.empty() ? deployment : name; }
};

/// ReplicaStruct.
struct ReplicaStruct {
  OptionalInt32 min, max;
};

/// ConcurrencyMetricSpec (v0.8+).
struct ConcurrencyMetricSpec {
  std::int64_t target_value = kDefaultTargetValue;
};

/// RateMetricSpec (v0.8+). window and granularity are metav1.Duration text; one that is not a
/// non-negative Go duration reads as the default.
struct RateMetricSpec {
  std::int64_t target_value = kDefaultTargetValue;
  Duration window = kDefaultRateWindow;
  Duration granularity = kDefaultRateGranularity;
};

/// ScalingMetricSpec (v0.8+). Each member is set when present in the stored object, whatever its
/// JSON type: the operator's "mutually exclusive" check and the scaler's rate mode test presence.
struct ScalingMetricSpec {
  std::optional<ConcurrencyMetricSpec> concurrency;
  std::optional<RateMetricSpec> request_rate;
};

struct HTTPScaledObjectSpec {
  std::string host;                        // up to v0.7: the one host
  std::vector<std::string> hosts;          // v0.5+; the string entries
  std::vector<std::string> path_prefixes;  // v0.5+; the string entries
  ScaleTargetRef scale_target_ref;
  ReplicaStruct replicas;
  std::optional<std::int64_t> target_pending_requests;
  OptionalInt32 scaledown_period;          // Go: CooldownPeriod, json "scaledownPeriod"
  OptionalInt32 initial_cooldown_period;   // v0.10+
  ScalingMetricSpec scaling_metric;
};

/// One entry of status.conditions: a metav1.Condition from v0.13, the add-on's own
/// HTTPScaledObjectCondition (a `timestamp`, no lastTransitionTime) before.
struct HTTPScaledObjectCondition {
  std::string type, status, reason, message;
  // lastTransitionTime as stored; nullptr when absent or null (v0.13's MigrateConditions drops
  // such entries, and meta.SetStatusCondition carries the stored value over unchanged).
  const nlohmann::json* last_transition_time = nullptr;
  const nlohmann::json* stored = nullptr;  // the whole entry, which a status write may keep
};

struct HTTPScaledObjectStatus {
  std::string target_workload, target_service;  // v0.7+
  std::vector<HTTPScaledObjectCondition> conditions;  // the entries that are objects, in order
};

struct HTTPScaledObject {
  k8s::ObjectMeta metadata;
  // metadata.labels and annotations as stored (nullptr when absent): v0.8+ copies them whole
  // into the ScaledObject (NewScaledObject(…, httpso.Labels, httpso.Annotations, …)).
  const nlohmann::json* stored_labels = nullptr;
  const nlohmann::json* stored_annotations = nullptr;
  HTTPScaledObjectSpec spec;
  HTTPScaledObjectStatus status;
};

/// The typed view of a stored HTTPScaledObject (the whole object). The view points into
/// `object`: it is valid while `object` is.
HTTPScaledObject parse_http_scaled_object(const nlohmann::json& object);

}  // namespace kcsim::httpv1alpha1
