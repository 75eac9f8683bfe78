// How the Deployment controller spreads a scaling event over its ReplicaSets, as a pure function
// of the objects: kubernetes pkg/controller/deployment/sync.go scale (v1.32) with
// deploymentutil.FindActiveOrLatest, IsSaturated, GetProportion and controller.ReplicaSetsBySizeNewer
// / ReplicaSetsBySizeOlder. Used by the Deployment controller (deployment_controller.cpp), which
// issues the writes in order and stops at the first failure, and by the conformance test of
// upstream's TestScale table (tests/unit/deployment_util_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kcsim {

/// One write of the plan: a ReplicaSet (one of those given) and its new spec.replicas.
struct ReplicaSetScale {
  const nlohmann::json* rs = nullptr;
  std::int64_t size = 0;
  bool record_event = false;  // scaleReplicaSetAndRecordEvent; else scaleReplicaSet with `operation`
};

struct DeploymentScalePlan {
  std::vector<ReplicaSetScale> writes;
  std::string operation;  // "up", "down" or "" (the proportional writes' scalingOperation)
};

/// sync.go scale: a single active ReplicaSet (or, with none active, the newest) takes the whole
/// count; a saturated new ReplicaSet scales the active old ones to 0; otherwise a RollingUpdate
/// Deployment spreads replicas + maxSurge proportionally over the active ReplicaSets, largest
/// first (newer first when scaling up, older first when scaling down), the leftover going to the
/// first. `status_replicas` is the Deployment's status.replicas (getReplicaSetFraction's fallback).
DeploymentScalePlan deployment_scale_plan(const nlohmann::json& d, std::int64_t status_replicas,
                                          const nlohmann::json* new_rs, std::vector<const nlohmann::json*> old);

}  // namespace kcsim
