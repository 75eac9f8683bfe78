// The Deployment controller's replica arithmetic, as pure functions of the objects: kubernetes
// pkg/controller/deployment/util/deployment_util.go (ResolveFenceposts, MaxSurge, MaxUnavailable,
// NewRSNewReplicas, GetProportion, getReplicaSetFraction) and k8s.io/apimachinery
// pkg/util/intstr (GetScaledValueFromIntOrPercent), v1.32 (getReplicaSetFraction's fallback for a
// max-replicas annotation of 0 as v1.33, v1.32 dividing by zero there). Used by the Deployment
// controller (deployment_controller.cpp) and by the conformance test of upstream's own tables
// (tests/unit/deployment_util_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace kcsim {

/// An integer annotation of an object (deployment.kubernetes.io/desired-replicas, max-replicas):
/// decimal digits with an optional sign; nullopt when absent or not such a string.
std::optional<std::int64_t> annotation_int(const nlohmann::json& obj, const char* key);

/// What the controller reads for a rollingUpdate maxSurge / maxUnavailable: the value as stored,
/// or SetDefaults_Deployment's "25%" where it is missing (kcsim's API server does not default
/// objects), also standing in for a value validation would reject; a string holding an integer
/// counts as that integer.
nlohmann::json rolling_update_value_defaulted(const nlohmann::json* v);

/// intstr.GetScaledValueFromIntOrPercent: an integer as is, "<n>%" of `total` rounded up or down;
/// nullopt where upstream returns an error (nil, a string that is not a percentage).
std::optional<std::int64_t> scaled_value_from_int_or_percent(const nlohmann::json* v, std::int64_t total,
                                                              bool round_up);

struct Fenceposts {
  std::int64_t surge = 0, unavailable = 0;
};

/// ResolveFenceposts: surge rounds up, unavailable down, a nil value counts as 0
/// (intstrutil.ValueOrDefault), and both 0 give 1 unavailable so that a rollout can progress;
/// nullopt on an invalid value.
std::optional<Fenceposts> resolve_fenceposts(const nlohmann::json* max_surge, const nlohmann::json* max_unavailable,
                                             std::int64_t desired);

/// Read from a Deployment object as stored (defaults applied: replicas 1, RollingUpdate, 25 %).
std::int64_t deployment_spec_replicas(const nlohmann::json& d);
bool deployment_is_rolling_update(const nlohmann::json& d);
/// MaxSurge: 0 for Recreate.
std::int64_t deployment_max_surge(const nlohmann::json& d);
/// MaxUnavailable: 0 for Recreate or 0 replicas, never more than the replicas.
std::int64_t deployment_max_unavailable(const nlohmann::json& d);

/// NewRSNewReplicas: Recreate takes the replicas at once; RollingUpdate grows the new
/// ReplicaSet up to replicas + maxSurge over all ReplicaSets (`all_replicas`, the sum of their
/// spec.replicas), never past the Deployment's replicas.
std::int64_t new_rs_new_replicas(const nlohmann::json& d, std::int64_t all_replicas, std::int64_t new_rs_replicas);

/// getReplicaSetFraction: the change that keeps `rs`'s share of replicas + maxSurge, against the
/// deployment.kubernetes.io/max-replicas annotation (or `status_replicas` when it is missing or
/// 0), rounded half away from zero; the whole ReplicaSet when scaling to 0; 0 when nothing is
/// known.
std::int64_t replica_set_fraction(const nlohmann::json& d, std::int64_t status_replicas, const nlohmann::json& rs);

/// GetProportion: the fraction, bounded by what is left to add (or remove); 0 for a missing or
/// empty ReplicaSet or nothing to do.
std::int64_t replica_set_proportion(const nlohmann::json& d, std::int64_t status_replicas, const nlohmann::json* rs,
                                    std::int64_t to_add, std::int64_t added);

}  // namespace kcsim
