// The mutating admission plugins a default kube-apiserver runs on a Pod create, after the
// defaulting (kcsim/k8s/defaults.hpp) and after the field manager: what they add is owned by no
// field manager, as on a real cluster (kube-controller-manager's entry of a ReplicaSet's pod has
// no f:tolerations, f:volumes or f:serviceAccountName).
//
// Upstream (kubernetes v1.32): plugin/pkg/admission/serviceaccount/admission.go (the service
// account and its projected token volume, kube-api-access-<5 characters>),
// plugin/pkg/admission/defaulttolerationseconds/admission.go (300 s for not-ready and
// unreachable), plugin/pkg/admission/priority/admission.go (no PriorityClass and no global
// default: priority 0, PreemptLowerPriority).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace kcsim {

/// Mutates a Pod being created as the three plugins do. `uid` is the Pod's new uid: the token
/// volume's name suffix, which upstream draws at random, is drawn from it, so that a run always
/// names it the same way without taking a draw from the API server's name stream.
void admit_pod_create(nlohmann::json& pod, std::string_view uid);

}  // namespace kcsim
