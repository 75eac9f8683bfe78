// The KEDA scale executor's decision for one evaluation of a ScaledObject, as pure functions:
// kedacore/keda pkg/scaling/executor/scale_scaledobjects.go RequestScale (the switch on
// isActive / isError / replicas / minReplicaCount / idleReplicaCount / fallback and the
// paused-scale-in/out annotations), scaleToZeroOrIdle's cooldown, and the Active condition it
// leaves, v2.13–v2.20 (docs/models/keda-hpa.md). The paused-replicas annotation is applied by the
// operator's reconcile in kcsim, not here. Used by the KEDA operator (keda_operator.cpp), which
// performs the writes, events and status patch, and by the conformance test of upstream's own
// table (tests/unit/keda_scale_executor_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kcsim/core/time.hpp"

namespace kcsim::keda {

/// What RequestScale reads of the ScaledObject's spec and annotations.
struct ScaleDecisionSpec {
  std::optional<std::int32_t> min, idle;  // minReplicaCount (nil: 0), idleReplicaCount
  bool fallback = false;                  // spec.fallback set
  std::int32_t fallback_replicas = 0;
  bool pause_in = false, pause_out = false;  // autoscaling.keda.sh/paused-scale-in / -out
};

enum class ScaleWrite { kNone, kActivate, kDeactivate, kMin, kFallback };
enum class ReadyChange { kNone, kPartialTriggerError, kTriggerError };

struct ScaleDecision {
  ScaleWrite write = ScaleWrite::kNone;  // kActivate: scaleFromZeroOrIdle; kDeactivate: scaleToZeroOrIdle
  std::int64_t target = 0;
  bool cooldown = false;             // scaleToZeroOrIdle waited for the cooldown
  bool refresh_last_active = false;  // active with nothing to scale: updateLastActiveTime
  ReadyChange ready = ReadyChange::kNone;
};

/// scaleToZeroOrIdle's test: lastActiveTime + cooldownPeriod strictly before now; a nil
/// lastActiveTime means now before v2.14 (`initial_cooldown_rule` false) and creationTimestamp +
/// initialCooldownPeriod from v2.14 (a zero creationTimestamp counting as the epoch).
bool scale_in_due(std::optional<SimTime> last_active, std::optional<SimTime> created, std::int64_t cooldown_s,
                  std::int64_t initial_cooldown_s, bool initial_cooldown_rule, SimTime now);

/// RequestScale's switch for `current` replicas: active → from zero or idle to max(min, 1) unless
/// scale-out is paused, else a partial error, else refresh lastActiveTime; inactive → wait for the
/// fallback, or a trigger error, or (above idle, or above 0 with min 0) to idle or min once
/// `due` unless scale-in is paused, or up to min without idle. `fallback_written_directly`: v2.16
/// and earlier scale to fallback.replicas here.
ScaleDecision request_scale_decision(bool active, bool error, std::int64_t current, const ScaleDecisionSpec& spec,
                                     bool due, bool fallback_written_directly);

struct ActiveCondition {
  std::string status, reason, message;
};

/// The Active condition RequestScale leaves, from the one it found (`current`: True, False or
/// Unknown): up to v2.19 ScalerCooldown while cooling down, ScalerNotActive after a deactivation,
/// then ScalerActive / ScalerNotActive when the condition is Unknown or disagrees with `active`;
/// from v2.20 set up front. `set` is nullopt when the condition is left as it is; `patched` when
/// the real code would have patched status.
struct ActiveConditionUpdate {
  std::optional<ActiveCondition> set;
  bool patched = false;
};
ActiveConditionUpdate active_condition_update(const std::string& current, bool active, bool cooldown, bool deactivated,
                                              bool v220);

}  // namespace kcsim::keda
