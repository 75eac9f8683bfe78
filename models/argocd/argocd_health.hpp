// Resource health as ArgoCD assesses it (gitops-engine pkg/health and the built-in Lua checks
// under argo-cd resource_customizations/), for the kinds kcsim simulates, and the application
// health aggregated from it (argo-cd controller/health.go setApplicationHealth).
#pragma once

#include <optional>
#include <string>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim::argocd {

struct Health {
  std::string status;   // Healthy, Progressing, Degraded, Suspended, Missing, Unknown
  std::string message;  // may be empty
};

/// The health of a live object, or nullopt when ArgoCD has no health check for its kind (then it
/// does not count towards the application's health). Implemented: apps/Deployment (exactly as
/// health_deployment.go), apps/ReplicaSet, apps/StatefulSet, apps/DaemonSet (simplified), v1
/// Pod (simplified), v1 Service, v1 PersistentVolumeClaim, autoscaling HorizontalPodAutoscaler,
/// keda.sh ScaledObject (resource_customizations/keda.sh/ScaledObject/health.lua).
std::optional<Health> resource_health(const json& live);

/// True when the kind has a health check (a missing object of a kind without one does not make
/// the application Missing).
bool has_health_check(const std::string& group, const std::string& kind);

/// gitops-engine health.IsWorse: Healthy < Suspended < Progressing < Missing < Degraded < Unknown.
bool is_worse(const std::string& current, const std::string& candidate);

}  // namespace kcsim::argocd
