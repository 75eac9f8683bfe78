// Field validation as the API server does it when a manifest is created or applied: the strict
// decoding of kube-apiserver (fieldValidation=Warn, the server's default and kubectl's since 1.27;
// k8s.io/apiserver pkg/endpoints/handlers, sigs.k8s.io/json strict errors) and, for custom
// resources, the pruning of fields their CRD's schema does not declare
// (k8s.io/apiextensions-apiserver pkg/apiserver/schema/pruning), against the tables of
// include/kcsim/k8s/field_schema.hpp:
//
//  - a member the kind does not declare is kept out of the object by the real API server and
//    reported as a warning, `unknown field "spec.minReplica"` (kubectl prints it as
//    `Warning: unknown field "spec.minReplica"`), with the path in sigs.k8s.io/json's form:
//    dotted, list items as `[i]` ("spec.template.spec.containers[0].imagePullPolicyy");
//  - a value of the wrong JSON type is refused: for built-in kinds a decode error ("json: cannot
//    unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type
//    int32", Go's encoding/json UnmarshalTypeError), for custom resources an OpenAPI validation
//    error ("spec.maxReplicaCount in body must be of type integer: \"string\""). kcsim throws an
//    InputError (exit status 2) naming the field, what was expected and what was found.
//
// null is accepted everywhere (Go's decoder leaves the field unset; the CRD pruning drops it).
// Kinds without a table are not checked.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kcsim {

/// A member of a manifest that its kind does not declare.
struct UnknownField {
  std::string pointer;  // RFC 6901 pointer inside the object ("/spec/minReplica")
  std::string path;     // the API server's path ("spec.minReplica")
  /// The API server's warning: `unknown field "spec.minReplica"`.
  std::string message() const;
};

/// True when the version of `component` ("keda", "http-add-on", "argocd", "kubernetes") that the
/// manifest is applied to is at least `version`. Empty: the version is not known, and a field of
/// any version kcsim models is accepted.
using VersionCheck = std::function<bool(const std::string& component, const std::string& version)>;

/// Checks the fields of `obj` against its kind's schema, at the versions `at_least` answers for (a
/// field the component's version does not have yet, or no longer, is unknown as any other). Throws InputError(file, pointer + the
/// field's pointer, "expected <type> for <path>, as the API server decodes it", found) on the first
/// value of the wrong type; returns the unknown fields. Both in the order of the walk: members by
/// name (nlohmann::json keeps an object's members sorted), list items by index.
std::vector<UnknownField> check_fields(const nlohmann::json& obj, const std::string& file, const std::string& pointer,
                                       const VersionCheck& at_least = {});

}  // namespace kcsim
