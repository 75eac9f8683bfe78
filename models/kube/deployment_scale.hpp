// How the Deployment controller spreads a scaling event over its ReplicaSets, as a pure function
// of the typed views (include/kcsim/k8s/types): kubernetes pkg/controller/deployment/sync.go scale (v1.32) with
// deploymentutil.FindActiveOrLatest, IsSaturated, GetProportion and controller.ReplicaSetsBySizeNewer
// / ReplicaSetsBySizeOlder. Used by the Deployment controller (deployment_controller.cpp), which
// issues the writes in order and stops at the first failure, and by the conformance test of
// upstream's TestScale table (tests/unit/deployment_util_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kcsim/k8s/types/deployment.hpp"
#include "kcsim/k8s/types/replica_set.hpp"

namespace kcsim {

/// controller.ReplicaSetsByCreationTimestamp: true when `a` is older (creationTimestamp, then
/// name), the order the size orders below break ties by.
bool replica_set_older(const k8s::ReplicaSet& a, const k8s::ReplicaSet& b);

/// One write of the plan: a ReplicaSet (one of those given) and its new spec.replicas.
struct ReplicaSetScale {
  const k8s::ReplicaSet* rs = nullptr;
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
DeploymentScalePlan deployment_scale_plan(const k8s::Deployment& d, std::int64_t status_replicas,
                                          const k8s::ReplicaSet* new_rs, std::vector<const k8s::ReplicaSet*> old);

}  // namespace kcsim
