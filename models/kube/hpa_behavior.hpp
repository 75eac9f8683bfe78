// The HPA's normalisation of a desired replica count: stabilisation over recent recommendations
// and the scale-rate limits, with and without spec.behavior, as pure functions of the
// controller's memory (recommendations, scale events) and the instant. kubernetes
// pkg/controller/podautoscaler/horizontal.go (stabilizeRecommendation,
// convertDesiredReplicasWithRules, calculateScaleUpLimit, stabilizeRecommendationWithBehaviors,
// convertDesiredReplicasWithBehaviorRate, calculateScaleUpLimitWithScalingRules,
// calculateScaleDownLimitWithBehaviors, getReplicasChangePerPeriod, storeScaleEvent,
// markScaleEventsOutdated) and pkg/apis/autoscaling/v2/defaults.go (GenerateHPAScaleUpRules,
// GenerateHPAScaleDownRules), v1.31–v1.33. Used by the HPA controller (hpa_controller.cpp), which
// turns the reasons into conditions, and by the conformance test of upstream's own tables
// (tests/unit/hpa_behavior_conformance_test.cpp). docs/models/keda-hpa.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/types/horizontal_pod_autoscaler.hpp"

namespace kcsim {

/// autoscalingv2.HPAScalingPolicy.
struct HpaScalingPolicy {
  std::string type;  // Pods | Percent
  std::int32_t value = 0;
  std::int32_t period = 0;  // periodSeconds
};

/// autoscalingv2.HPAScalingRules after defaulting (the window always resolved).
struct HpaScalingRules {
  std::int32_t window = 0;     // stabilizationWindowSeconds
  std::string select = "Max";  // Max | Min | Disabled
  std::vector<HpaScalingPolicy> policies;
};

struct HpaBehavior {
  HpaScalingRules up, down;
};

/// timestampedRecommendation.
struct HpaRecommendation {
  std::int32_t replicas;
  SimTime at;
};

/// timestampedScaleEvent.
struct HpaScaleEvent {
  std::int32_t change;
  SimTime at;
  bool outdated = false;
};

/// A normalised count and the reason/message of the condition it sets.
struct HpaLimited {
  std::int32_t replicas;
  std::string reason;
  std::string message;
};

/// GenerateHPAScaleUpRules / GenerateHPAScaleDownRules over spec.behavior (the defaults are
/// k8s::generate_hpa_scale_{up,down}_rules, include/kcsim/k8s/types/horizontal_pod_autoscaler.hpp):
/// each direction's given fields replace the defaults (up: Pods 4 and Percent 100 per 15 s,
/// window 0; down: Percent 100 per 15 s), selectPolicy defaults to Max; a scale-down window left
/// nil takes the controller's --horizontal-pod-autoscaler-downscale-stabilization
/// (maybeInitScaleDownStabilizationWindow), `default_down_window_s`.
HpaBehavior hpa_behavior_from_spec(const k8s::HorizontalPodAutoscalerBehavior& behavior,
                                   std::int32_t default_down_window_s);
/// The same over spec.behavior as JSON (an object; anything else reads as an empty behavior).
HpaBehavior hpa_behavior_from_spec(const nlohmann::json& behavior, std::int32_t default_down_window_s);

/// stabilizeRecommendation (behavior nil): the highest recommendation within `window` before
/// `now`, this proposal included; the last sample strictly older than the window is overwritten by
/// this one, else it is appended.
std::int32_t hpa_stabilize_recommendation(std::vector<HpaRecommendation>& recs, SimTime now, Duration window,
                                          std::int32_t proposal);

/// calculateScaleUpLimit: max(factor × current, 4); upstream's scaleUpLimitFactor is 2.
std::int32_t hpa_scale_up_limit(std::int32_t current, double factor = 2.0);

/// convertDesiredReplicasWithRules (behavior nil): clamp to [minReplicas, min(maxReplicas,
/// scale-up limit)], with the ScalingLimited reason.
HpaLimited hpa_convert_desired_with_rules(std::int32_t current, std::int32_t desired, std::int32_t min_replicas,
                                          std::int32_t max_replicas, double factor = 2.0);

/// stabilizeRecommendationWithBehaviors: the current count brought within [the lowest
/// recommendation of the scale-up window, the highest of the scale-down window] (both including
/// the proposal); records the proposal, reusing a sample older than both windows. The reason is
/// ScaleUpStabilized when the proposal is at least the current count, else ScaleDownStabilized.
HpaLimited hpa_stabilize_with_behaviors(std::vector<HpaRecommendation>& recs, const HpaBehavior& b, SimTime now,
                                        std::int32_t current, std::int32_t proposal);

/// getReplicasChangePerPeriod: the sum of the changes of events strictly after now − period.
std::int32_t hpa_replicas_change_per_period(std::int32_t period_s, const std::vector<HpaScaleEvent>& events,
                                            SimTime now);

enum class HpaScaleDirection { kUp, kDown };

/// calculateScaleUpLimitWithScalingRules and calculateScaleDownLimitWithBehaviors, one rule read
/// in either direction: the replica count the rules allow from `current`.
std::int32_t hpa_scale_limit_with_rules(HpaScaleDirection direction, std::int32_t current,
                                        const std::vector<HpaScaleEvent>& up_events,
                                        const std::vector<HpaScaleEvent>& down_events, const HpaScalingRules& rules,
                                        SimTime now);

/// convertDesiredReplicasWithBehaviorRate: clamp to the rate limits (never past the current count
/// in the other direction) and to minReplicas / maxReplicas.
HpaLimited hpa_convert_desired_with_behavior_rate(std::int32_t current, std::int32_t desired,
                                                  std::int32_t min_replicas, std::int32_t max_replicas,
                                                  const HpaBehavior& b, const std::vector<HpaScaleEvent>& up_events,
                                                  const std::vector<HpaScaleEvent>& down_events, SimTime now);

/// storeScaleEvent: nothing without a behavior (`b` null); else the events of the direction older
/// than its longest policy period are marked outdated and the last outdated one is overwritten by
/// this change, or it is appended.
void hpa_store_scale_event(std::vector<HpaScaleEvent>& up_events, std::vector<HpaScaleEvent>& down_events,
                           const HpaBehavior* b, std::int32_t prev, std::int32_t next, SimTime now);

}  // namespace kcsim
