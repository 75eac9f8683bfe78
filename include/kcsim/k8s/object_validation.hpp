// The API server's validation of the fields kcsim's controllers read, applied to the objects a
// scenario creates (its "objects" and `kubectl apply` manifests): a value the real API server
// refuses is an input error here, never a silent default ("replicas": "3" used to run as 1). The
// decoding of every field comes first (include/kcsim/k8s/field_validation.hpp).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/k8s/field_validation.hpp"

namespace kcsim {

/// Throws InputError(file, pointer + the field's pointer, ...) on the first field of `obj` that
/// kube-apiserver v1.32 would refuse: the integer fields of Deployments, ReplicaSets,
/// StatefulSets and HorizontalPodAutoscalers (a string, a fraction or a number past int32 is a
/// decode error; a negative count fails validation), and a workload's selector that does not
/// match its pod template's labels (apps/v1 ValidateDeploymentSpec); then every field of a kind
/// kcsim models against its schema (include/kcsim/k8s/field_validation.hpp): a value of the wrong
/// JSON type throws, the unknown fields are returned for the caller to warn about (at the component
/// versions `at_least` answers for; empty: any version kcsim models).
std::vector<UnknownField> validate_object(const nlohmann::json& obj, const std::string& file, const std::string& pointer,
                                          const VersionCheck& at_least = {});

}  // namespace kcsim
