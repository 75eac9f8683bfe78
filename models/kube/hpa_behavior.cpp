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

namespace {
// The bounds of a conversion and the words of each, alike in convertDesiredReplicasWithRules and
// convertDesiredReplicasWithBehaviorRate: the rate limit where it is tighter than the HPA's
// maxReplicas (minReplicas), else that bound.
HpaLimited upper_bound(std::int32_t max_replicas, std::int32_t rate_limit) {
  if (max_replicas > rate_limit)
    return {rate_limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"};
  return {max_replicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count"};
}

HpaLimited lower_bound(std::int32_t min_replicas, std::int32_t rate_limit) {
  if (min_replicas < rate_limit)
    return {rate_limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate"};
  return {min_replicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count"};
}

HpaLimited within_range(std::int32_t desired) {
  return {desired, "DesiredWithinRange", "the desired count is within the acceptable range"};
}
}  // namespace

HpaLimited hpa_convert_desired_with_rules(std::int32_t current, std::int32_t desired, std::int32_t min_replicas,
                                          std::int32_t max_replicas, double factor) {
  const HpaLimited upper = upper_bound(max_replicas, hpa_scale_up_limit(current, factor));
  if (desired < min_replicas) return lower_bound(min_replicas, min_replicas);  // no rate limit going down
  if (desired > upper.replicas) return upper;
  return within_range(desired);
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

std::int32_t hpa_scale_limit_with_rules(HpaScaleDirection direction, std::int32_t current,
                                        const std::vector<HpaScaleEvent>& up_events,
                                        const std::vector<HpaScaleEvent>& down_events, const HpaScalingRules& r,
                                        SimTime now) {
  if (r.select == "Disabled") return current;
  const bool up = direction == HpaScaleDirection::kUp;
  // selectPolicy Max picks the policy that allows the most change (the largest count going up,
  // the smallest going down), Min the least.
  const bool keep_larger = up == (r.select != "Min");
  std::int32_t result = keep_larger ? INT32_MIN : INT32_MAX;
  for (const HpaScalingPolicy& p : r.policies) {
    const std::int32_t start = current - hpa_replicas_change_per_period(p.period, up_events, now) +
                               hpa_replicas_change_per_period(p.period, down_events, now);
    const double percent = static_cast<double>(p.value) / 100.0;
    std::int32_t proposed = 0;
    if (p.type == "Pods")
      proposed = up ? start + p.value : start - p.value;
    else if (up)  // rounded up going up, truncated going down, as upstream converts each
      proposed = static_cast<std::int32_t>(std::ceil(static_cast<double>(start) * (1.0 + percent)));
    else
      proposed = static_cast<std::int32_t>(static_cast<double>(start) * (1.0 - percent));
    result = keep_larger ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

HpaLimited hpa_convert_desired_with_behavior_rate(std::int32_t current, std::int32_t desired,
                                                  std::int32_t min_replicas, std::int32_t max_replicas,
                                                  const HpaBehavior& b, const std::vector<HpaScaleEvent>& up_events,
                                                  const std::vector<HpaScaleEvent>& down_events, SimTime now) {
  if (desired > current) {
    const HpaLimited upper = upper_bound(
        max_replicas,
        std::max(hpa_scale_limit_with_rules(HpaScaleDirection::kUp, current, up_events, down_events, b.up, now), current));
    if (desired > upper.replicas) return upper;
  } else if (desired < current) {
    const HpaLimited lower = lower_bound(
        min_replicas,
        std::min(hpa_scale_limit_with_rules(HpaScaleDirection::kDown, current, up_events, down_events, b.down, now),
                 current));
    if (desired < lower.replicas) return lower;
  }
  return within_range(desired);
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
