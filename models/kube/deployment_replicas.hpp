// The Deployment controller's replica arithmetic, as pure functions of the typed views
// (include/kcsim/k8s/types): kubernetes pkg/controller/deployment/util/deployment_util.go
// (ResolveFenceposts, MaxSurge, MaxUnavailable, NewRSNewReplicas, GetProportion,
// getReplicaSetFraction), v1.32 (getReplicaSetFraction's fallback for a max-replicas annotation of
// 0 as v1.33, v1.32 dividing by zero there). Used by the Deployment controller
// (deployment_controller.cpp) and by the conformance test of upstream's own tables
// (tests/unit/deployment_util_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include "kcsim/k8s/types/deployment.hpp"
#include "kcsim/k8s/types/int_or_string.hpp"
#include "kcsim/k8s/types/object_meta.hpp"
#include "kcsim/k8s/types/replica_set.hpp"

namespace kcsim {

/// An integer annotation of an object (deployment.kubernetes.io/desired-replicas, max-replicas):
/// decimal digits with an optional sign; nullopt when absent or not such a string.
std::optional<std::int64_t> annotation_int(const k8s::ObjectMeta& meta, const char* key);

/// What the controller reads for a rollingUpdate maxSurge / maxUnavailable whose typed view holds
/// a value validation would reject: a string holding an integer counts as that integer, any other
/// string that is not "<n>%" as SetDefaults_Deployment's "25%" (the typed view already reads a
/// missing value as "25%": kcsim's API server does not default objects).
k8s::IntOrString rolling_update_value_defaulted(const k8s::IntOrString& v);

struct Fenceposts {
  std::int64_t surge = 0, unavailable = 0;
};

/// ResolveFenceposts: surge rounds up, unavailable down, a nil value counts as 0
/// (intstrutil.ValueOrDefault), and both 0 give 1 unavailable so that a rollout can progress;
/// nullopt on an invalid value.
std::optional<Fenceposts> resolve_fenceposts(const k8s::IntOrString* max_surge,
                                             const k8s::IntOrString* max_unavailable, std::int64_t desired);

bool deployment_is_rolling_update(const k8s::Deployment& d);
/// MaxSurge: 0 for Recreate.
std::int64_t deployment_max_surge(const k8s::Deployment& d);
/// MaxUnavailable: 0 for Recreate or 0 replicas, never more than the replicas.
std::int64_t deployment_max_unavailable(const k8s::Deployment& d);

/// NewRSNewReplicas: Recreate takes the replicas at once; RollingUpdate grows the new
/// ReplicaSet up to replicas + maxSurge over all ReplicaSets (`all_replicas`, the sum of their
/// spec.replicas), never past the Deployment's replicas.
std::int64_t new_rs_new_replicas(const k8s::Deployment& d, std::int64_t all_replicas, std::int64_t new_rs_replicas);

/// getReplicaSetFraction: the change that keeps `rs`'s share of replicas + maxSurge, against the
/// deployment.kubernetes.io/max-replicas annotation (or `status_replicas` when it is missing or
/// 0), rounded half away from zero; the whole ReplicaSet when scaling to 0; 0 when nothing is
/// known.
std::int64_t replica_set_fraction(const k8s::Deployment& d, std::int64_t status_replicas, const k8s::ReplicaSet& rs);

/// GetProportion: the fraction, bounded by what is left to add (or remove); 0 for a missing or
/// empty ReplicaSet or nothing to do.
std::int64_t replica_set_proportion(const k8s::Deployment& d, std::int64_t status_replicas, const k8s::ReplicaSet* rs,
                                    std::int64_t to_add, std::int64_t added);

}  // namespace kcsim
