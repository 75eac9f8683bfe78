#include "scale_decision.hpp"

namespace kcsim::keda {

bool scale_in_due(std::optional<SimTime> last_active, std::optional<SimTime> created, std::int64_t cooldown_s,
                  std::int64_t initial_cooldown_s, bool initial_cooldown_rule, SimTime now) {
  if (last_active) return *last_active + seconds(cooldown_s) < now;
  if (!initial_cooldown_rule) return true;  // "LastActiveTime can be nil ... ignore the cooldown"
  return created.value_or(kTimeZero) + seconds(initial_cooldown_s) < now;
}

ScaleDecision request_scale_decision(bool active, bool error, std::int64_t current, const ScaleDecisionSpec& spec,
                                     bool due, bool fallback_written_directly) {
  ScaleDecision d;
  const std::int64_t min = spec.min.value_or(0);
  if (active) {
    if ((spec.idle && current < min) || current == 0) {
      if (!spec.pause_out) {  // scaleFromZeroOrIdle
        d.write = ScaleWrite::kActivate;
        d.target = min > 0 ? min : 1;
      }
    } else if (error) {
      d.ready = ReadyChange::kPartialTriggerError;
    } else {
      d.refresh_last_active = true;
    }
  } else {
    if (error && spec.fallback && spec.fallback_replicas != 0) {
      if (fallback_written_directly) {  // doFallbackScaling
        d.write = ScaleWrite::kFallback;
        d.target = spec.fallback_replicas;
      }
    } else if (error && !spec.fallback) {
      d.ready = ReadyChange::kTriggerError;
    } else if ((spec.idle && current > *spec.idle) || (current > 0 && min == 0)) {
      if (!spec.pause_in) {  // scaleToZeroOrIdle
        if (due) {
          d.write = ScaleWrite::kDeactivate;
          d.target = spec.idle ? *spec.idle : min;  // getIdleOrMinimumReplicaCount
        } else {
          d.cooldown = true;
        }
      }
    } else if (!spec.idle && current < min) {
      d.write = ScaleWrite::kMin;  // "Successfully set ScaleTarget replicas count to ScaledObject minReplicaCount"
      d.target = min;
    }
  }
  return d;
}

ActiveConditionUpdate active_condition_update(const std::string& current, bool active, bool cooldown, bool deactivated,
                                              bool v220) {
  static const char* kActiveMsg = "Scaling is performed because triggers are active";
  static const char* kNotActiveMsg = "Scaling is not performed because triggers are not active";
  static const char* kCooldownMsg = "Scaler cooling down because triggers are not active";
  ActiveConditionUpdate u;
  if (v220) {
    // main / v2.20: set up front, then overridden by scaleToZeroOrIdle.
    if (active) u.set = ActiveCondition{"True", "ScalerActive", kActiveMsg};
    else if (cooldown) u.set = ActiveCondition{"False", "ScalerCooldown", kCooldownMsg};
    else u.set = ActiveCondition{"False", "ScalerNotActive", kNotActiveMsg};
    return u;
  }
  std::string s = current;
  if (cooldown) {
    u.set = ActiveCondition{"False", "ScalerCooldown", kCooldownMsg};
    s = "False";
    u.patched = true;
  }
  if (deactivated) {
    u.set = ActiveCondition{"False", "ScalerNotActive", kNotActiveMsg};
    s = "False";
    u.patched = true;
  }
  // "if condition.IsUnknown() || condition.IsTrue() != isActive"
  if (s == "Unknown" || (s == "True") != active) {
    u.set = active ? ActiveCondition{"True", "ScalerActive", kActiveMsg}
                   : ActiveCondition{"False", "ScalerNotActive", kNotActiveMsg};
    u.patched = true;
  }
  return u;
}

}  // namespace kcsim::keda
