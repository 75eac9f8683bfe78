// Problems: the conditions a real controller sets when it cannot do its job, read from the
// objects at the end of a run, so that a what-if that silently does nothing says why (an
// Application whose path is not in Git, an HPA whose metric is unavailable, a ScaledObject
// without its target).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kcsim {

class World;

/// One entry per failing condition of a live object at the end of the run, sorted by object:
/// {"object": "HorizontalPodAutoscaler/prod/web", "controller": "horizontal-pod-autoscaler",
///  "condition": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
///  "message": "the HPA was unable to compute ...", "since": "2026-..."}.
/// The failing conditions, by kind (each the controller's own words):
///   Application (ArgoCD): ComparisonError, InvalidSpecError, SyncError;
///   HorizontalPodAutoscaler: AbleToScale=False, ScalingActive=False (but for ScalingDisabled,
///     the normal state of an HPA whose target was scaled to zero);
///   ScaledObject, HTTPScaledObject (KEDA), Kustomization (Flux): Ready=False.
nlohmann::json find_problems(const World& world);

/// Whether a scenario's expectations speak of problems (a "report" path starting with
/// "problems"): then they are expected, and `kcsim run --check` does not fail on them.
bool expects_problems(const nlohmann::json& expectations);

}  // namespace kcsim
