#include "hpa_behavior.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace kcsim {

HpaBehavior hpa_behavior_from_spec(const k8s::HorizontalPodAutoscalerBehavior& behavior,
                                   std::int32_t default_down_window_s) {
  // The generated rules have every member set but the scale-down window.
  const auto resolved = [](const k8s::HPAScalingRules& r, std::int32_t window_if_nil) {
    HpaScalingRules out;
    out.window = r.stabilization_window_seconds.value_or(window_if_nil);
    out.select = r.select_policy.value_or(k8s::kMaxChangePolicySelect);
    for (const k8s::HPAScalingPolicy& p : r.policies.value_or(std::vector<k8s::HPAScalingPolicy>{}))
      out.policies.push_back({p.type, p.value, p.period_seconds});
    return out;
  };
  HpaBehavior out;
  out.up = resolved(k8s::generate_hpa_scale_up_rules(behavior.scale_up), k8s::kScaleUpStabilizationSeconds);
  out.down = resolved(k8s::generate_hpa_scale_down_rules(behavior.scale_down), default_down_window_s);
  return out;
}

HpaBehavior hpa_behavior_from_spec(const nlohmann::json& behavior, std::int32_t default_down_window_s) {
  return hpa_behavior_from_spec(k8s::parse_horizontal_pod_autoscaler_behavior(behavior), default_down_window_s);
}

std::int32_t hpa_stabilize_recommendation(std::vector<HpaRecommendation>& recs, SimTime now, Duration window,
                                          std::int32_t proposal) {
  std::int32_t max_rec = proposal;
  bool found_old = false;
  std::size_t old_index = 0;
  const SimTime cutoff = now - window;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const HpaRecommendation& rec = recs[i];
    if (rec.at < cutoff) {
      found_old = true;
      old_index = i;
    } else if (rec.replicas > max_rec) {
      max_rec = rec.replicas;
    }
  }
  if (found_old) recs[old_index] = {proposal, now};
  else recs.push_back({proposal, now});
  return max_rec;
}

std::int32_t hpa_scale_up_limit(std::int32_t current, double factor) {
  return static_cast<std::int32_t>(std::max(factor * static_cast<double>(current), 4.0));
}

HpaLimited hpa_convert_desired_with_rules(std::int32_t current, std::int32_t desired, std::int32_t min_replicas,
                                          std::int32_t max_replicas, double factor) {
  const std::int32_t scale_up_limit = hpa_scale_up_limit(current, factor);
  std::int32_t max_allowed;
  std::string cond, reason;
  if (max_replicas > scale_up_limit) {
    max_allowed = scale_up_limit;
    cond = "ScaleUpLimit";
    reason = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    max_allowed = max_replicas;
    cond = "TooManyReplicas";
    reason = "the desired replica count is more than the maximum replica count";
  }
  if (desired < min_replicas)
    return {min_replicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count"};
  if (desired > max_allowed) return {max_allowed, cond, reason};
  return {desired, "DesiredWithinRange", "the desired count is within the acceptable range"};
}

HpaLimited hpa_stabilize_with_behaviors(std::vector<HpaRecommendation>& recs, const HpaBehavior& b, SimTime now,
                                        std::int32_t current, std::int32_t proposal) {
  const SimTime up_cutoff = now - seconds(b.up.window);
  const SimTime down_cutoff = now - seconds(b.down.window);
  std::int32_t up_rec = proposal, down_rec = proposal;
  bool found_old = false;
  std::size_t old_index = 0;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const HpaRecommendation& rec = recs[i];
    if (rec.at > up_cutoff) up_rec = std::min(rec.replicas, up_rec);
    if (rec.at > down_cutoff) down_rec = std::max(rec.replicas, down_rec);
    if (rec.at < up_cutoff && rec.at < down_cutoff) {
      found_old = true;
      old_index = i;
    }
  }
  std::int32_t stabilized = current;
  if (stabilized < up_rec) stabilized = up_rec;
  if (stabilized > down_rec) stabilized = down_rec;
  if (found_old) recs[old_index] = {proposal, now};
  else recs.push_back({proposal, now});
  if (proposal >= current)
    return {stabilized, "ScaleUpStabilized",
            "recent recommendations were lower than current one, applying the lowest recent recommendation"};
  return {stabilized, "ScaleDownStabilized",
          "recent recommendations were higher than current one, applying the highest recent recommendation"};
}

std::int32_t hpa_replicas_change_per_period(std::int32_t period_s, const std::vector<HpaScaleEvent>& events,
                                            SimTime now) {
  const SimTime cutoff = now - seconds(period_s);
  std::int32_t n = 0;
  for (const HpaScaleEvent& e : events)
    if (e.at > cutoff) n += e.change;
  return n;
}

std::int32_t hpa_scale_up_limit_with_rules(std::int32_t current, const std::vector<HpaScaleEvent>& up_events,
                                           const std::vector<HpaScaleEvent>& down_events, const HpaScalingRules& r,
                                           SimTime now) {
  if (r.select == "Disabled") return current;
  const bool min_sel = r.select == "Min";
  std::int32_t result = min_sel ? INT32_MAX : INT32_MIN;
  for (const HpaScalingPolicy& p : r.policies) {
    const std::int32_t start = current - hpa_replicas_change_per_period(p.period, up_events, now) +
                               hpa_replicas_change_per_period(p.period, down_events, now);
    std::int32_t proposed = 0;
    if (p.type == "Pods")
      proposed = start + p.value;
    else
      proposed = static_cast<std::int32_t>(
          std::ceil(static_cast<double>(start) * (1.0 + static_cast<double>(p.value) / 100.0)));
    result = min_sel ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

std::int32_t hpa_scale_down_limit_with_rules(std::int32_t current, const std::vector<HpaScaleEvent>& up_events,
                                             const std::vector<HpaScaleEvent>& down_events, const HpaScalingRules& r,
                                             SimTime now) {
  if (r.select == "Disabled") return current;
  const bool min_sel = r.select == "Min";
  std::int32_t result = min_sel ? INT32_MIN : INT32_MAX;
  for (const HpaScalingPolicy& p : r.policies) {
    const std::int32_t start = current - hpa_replicas_change_per_period(p.period, up_events, now) +
                               hpa_replicas_change_per_period(p.period, down_events, now);
    std::int32_t proposed = 0;
    if (p.type == "Pods")
      proposed = start - p.value;
    else
      proposed = static_cast<std::int32_t>(static_cast<double>(start) * (1.0 - static_cast<double>(p.value) / 100.0));
    result = min_sel ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

HpaLimited hpa_convert_desired_with_behavior_rate(std::int32_t current, std::int32_t desired,
                                                  std::int32_t min_replicas, std::int32_t max_replicas,
                                                  const HpaBehavior& b, const std::vector<HpaScaleEvent>& up_events,
                                                  const std::vector<HpaScaleEvent>& down_events, SimTime now) {
  if (desired > current) {
    const std::int32_t limit =
        std::max(hpa_scale_up_limit_with_rules(current, up_events, down_events, b.up, now), current);
    std::int32_t max_allowed = max_replicas;
    std::string r, msg;
    if (max_allowed > limit) {
      max_allowed = limit;
      r = "ScaleUpLimit";
      msg = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
      r = "TooManyReplicas";
      msg = "the desired replica count is more than the maximum replica count";
    }
    if (desired > max_allowed) return {max_allowed, r, msg};
  } else if (desired < current) {
    const std::int32_t limit =
        std::min(hpa_scale_down_limit_with_rules(current, up_events, down_events, b.down, now), current);
    std::int32_t min_allowed = min_replicas;
    std::string r, msg;
    if (min_allowed < limit) {
      min_allowed = limit;
      r = "ScaleDownLimit";
      msg = "the desired replica count is decreasing faster than the maximum scale rate";
    } else {
      r = "TooFewReplicas";
      msg = "the desired replica count is less than the minimum replica count";
    }
    if (desired < min_allowed) return {min_allowed, r, msg};
  }
  return {desired, "DesiredWithinRange", "the desired count is within the acceptable range"};
}

void hpa_store_scale_event(std::vector<HpaScaleEvent>& up_events, std::vector<HpaScaleEvent>& down_events,
                           const HpaBehavior* b, std::int32_t prev, std::int32_t next, SimTime now) {
  if (!b) return;  // no behavior: the events would never be read
  const bool up = next > prev;
  const HpaScalingRules& rules = up ? b->up : b->down;
  std::vector<HpaScaleEvent>& events = up ? up_events : down_events;
  std::int32_t longest = 0;
  for (const HpaScalingPolicy& p : rules.policies) longest = std::max(longest, p.period);
  const SimTime cutoff = now - seconds(longest);
  bool found = false;
  std::size_t index = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].at < cutoff) events[i].outdated = true;
    if (events[i].outdated) {
      found = true;
      index = i;
    }
  }
  const HpaScaleEvent e{up ? next - prev : prev - next, now, false};
  if (found) events[index] = e;
  else events.push_back(e);
}

}  // namespace kcsim
