// The API server's defaulting of a decoded object, for the built-in kinds kcsim types: what a
// real cluster stores (and `kubectl get -o yaml` shows) for the fields a manifest leaves out.
//
// Upstream (kubernetes v1.32): pkg/apis/core/v1/defaults.go (SetDefaults_Pod, _PodSpec,
// _Container, _ContainerPort, _Probe, _HTTPGetAction, _Service, _SecretVolumeSource,
// _ConfigMapVolumeSource, _ProjectedVolumeSource, _ObjectFieldSelector), pkg/apis/apps/v1/
// defaults.go (SetDefaults_Deployment, _ReplicaSet), pkg/apis/autoscaling/v2/defaults.go
// (SetDefaults_HorizontalPodAutoscaler and its behavior). The codec applies them whenever a
// request body is decoded (create, update, the result of a patch or an apply), before the field
// manager runs: an Update-operation writer therefore owns the defaulted fields it sent nothing
// for, as `--show-managed-fields` shows on a real cluster; an applier owns only what it applied.
// Defaulting is idempotent: a defaulted object is unchanged by a second pass.
#pragma once

#include <nlohmann/json.hpp>

namespace kcsim::k8s {

/// Fills in the defaults of `object` by its apiVersion and kind; other kinds are left as they are.
void apply_defaults(nlohmann::json& object);

/// SetDefaults_PodSpec and the container defaults, for a pod template's spec (which, unlike a
/// Pod's, gets neither enableServiceLinks nor requests copied from limits).
void apply_pod_spec_defaults(nlohmann::json& spec);

}  // namespace kcsim::k8s
