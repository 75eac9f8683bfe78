// The order in which a ReplicaSet deletes its pods on a scale-down: kubernetes
// pkg/controller/controller_utils.go ActivePodsWithRanks.Less (v1.28–v1.32) with the
// PodDeletionCost and LogarithmicScaleDown gates on (their defaults since v1.22), as a pure
// function of what it reads of two pods. Used by the ReplicaSet controller
// (replicaset_controller.cpp getPodsToDelete) and by the conformance test of upstream's own table
// (tests/unit/active_pods_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kcsim/k8s/types/pod.hpp"

namespace kcsim {

/// What ActivePodsWithRanks.Less reads of one pod, and its rank (the number of active pods of
/// the same owner on its node).
struct RankedPod {
  std::string node, uid;
  int phase = 0;  // podPhaseToOrdinal: Pending 0, Unknown 1, Running 2 (others 0)
  bool ready = false;
  std::optional<std::int64_t> ready_since;  // unix seconds; nullopt = the zero time
  std::optional<std::int64_t> created;      // unix seconds; nullopt = the zero time
  std::int64_t cost = 0;                    // controller.kubernetes.io/pod-deletion-cost
  std::int64_t rank = 0;
  std::int64_t restarts = 0, sidecar_restarts = 0;  // the highest restartCount of each kind
};

/// Reads a pod's typed view (include/kcsim/k8s/types/pod.hpp): spec.nodeName, status.phase, the Ready condition and its
/// lastTransitionTime, creationTimestamp, the deletion-cost annotation (an int32, else 0), the
/// highest restart count of the containers and of the sidecars (restartable init containers).
RankedPod ranked_pod(const k8s::Pod& pod, std::int64_t rank);

/// ActivePodsWithRanks.Less: true when `a` is to be deleted before `b`. `now_nanos` is
/// ActivePodsWithRanks.Now as Unix nanoseconds (ages compared by floor(log2(ns)),
/// logarithmicRankDiff; equal buckets fall back to the UIDs).
bool active_pods_with_ranks_less(const RankedPod& a, const RankedPod& b, std::int64_t now_nanos);

}  // namespace kcsim
