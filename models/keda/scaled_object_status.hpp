// keda.sh/v1alpha1 ScaledObjectStatus as the KEDA operator model reads it (kedacore/keda
// apis/keda/v1alpha1/scaledobject_types.go ScaledObjectStatus and HealthStatus, condition_types.go
// Condition and Conditions; v2.13 to v2.20), parsed once per stored version of a ScaledObject
// (models/keda/keda_operator.cpp). A read view: the operator still writes status as JSON merge
// patches through the API server. Names follow the Go types; a Go pointer (`*int32`, `*metav1.Time`,
// a nil slice) is a std::optional, set when the member is present.
//
// Parsing is loose (include/kcsim/k8s/types/decode.hpp): a member that is absent or of the wrong
// JSON type reads as its zero value, as Go's decoder leaves a field it could not set. Two
// presences are kept beyond Go's types because the operator's decisions test them:
// originalReplicaCount present whatever its type (the reconcile records the target's replicas only
// when none is there) and a condition's status member present (a condition without one reads as
// Unknown).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kcsim::kedav1alpha1 {

/// condition_types.go Condition. An entry of status.conditions that is not an object reads as a
/// Condition with every member empty (it keeps its place in the list).
struct Condition {
  std::string type, status, reason, message;
  bool status_present = false;  // the entry has a status member (of any JSON type)
};

/// condition_types.go Conditions; nullopt is Go's nil slice (status.conditions absent, null or not
/// a list), which KEDA replaces with GetInitializedConditions before reading.
using Conditions = std::vector<Condition>;

/// The status of the first condition of `type` (Conditions.getCondition); "Unknown" when there is
/// none or it has no status member.
std::string condition_status(const std::optional<Conditions>& conditions, const std::string& type);

/// The first condition of `type`, or nullptr.
const Condition* find_condition(const std::optional<Conditions>& conditions, const std::string& type);

/// scaledobject_types.go HealthStatus: one metric's consecutive failures (fallback.go).
struct HealthStatus {
  std::optional<std::int64_t> number_of_failures;  // *int32
  std::string status;                              // HealthStatusType: "Happy" | "Failing"
};

/// A `*int32` status member: `value` when it holds an integer, `present` when it is stored at all.
struct OptionalInt32 {
  std::optional<std::int64_t> value;
  bool present = false;
};

struct ScaledObjectStatus {
  std::string scale_target_kind;                 // scaleTargetKind, GVKString of the target
  OptionalInt32 original_replica_count;          // originalReplicaCount
  std::optional<std::string> last_active_time;   // lastActiveTime, the RFC 3339 text as stored
  std::vector<std::string> external_metric_names;  // the string entries, in order
  std::string hpa_name;                          // hpaName
  std::optional<Conditions> conditions;
  std::map<std::string, HealthStatus> health;    // metric name → its health; an entry that is not
                                                 // an object reads as HealthStatus{}
  std::optional<std::int64_t> paused_replica_count;  // pausedReplicaCount
};

/// The status of a stored ScaledObject (the whole object); empty when it has none.
ScaledObjectStatus parse_scaled_object_status(const nlohmann::json& object);

}  // namespace kcsim::kedav1alpha1
