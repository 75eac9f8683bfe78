// metav1.GetControllerOf (k8s.io/apimachinery v0.32 pkg/apis/meta/v1/controller_ref.go): the
// ownerReference of an object that has controller: true, or none.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kcsim {

/// The first entry of metadata.ownerReferences whose `controller` is true (the API server
/// allows one), or nullptr. A `controller` that is not a boolean counts as unset.
inline const nlohmann::json* controller_of(const nlohmann::json& obj) {
  if (!obj.is_object()) return nullptr;
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return nullptr;
  auto refs = md->find("ownerReferences");
  if (refs == md->end() || !refs->is_array()) return nullptr;
  for (const nlohmann::json& r : *refs) {
    if (!r.is_object()) continue;
    auto c = r.find("controller");
    if (c != r.end() && c->is_boolean() && c->get<bool>()) return &r;
  }
  return nullptr;
}

/// The controller reference when it names an owner of `kind`, else nullptr: the first check of
/// resolveControllerRef in the Deployment and ReplicaSet controllers (a controllerRef of another
/// kind is not theirs).
inline const nlohmann::json* controller_of_kind(const nlohmann::json& obj, std::string_view kind) {
  const nlohmann::json* ref = controller_of(obj);
  if (!ref) return nullptr;
  auto k = ref->find("kind");
  return k != ref->end() && k->is_string() && k->get_ref<const std::string&>() == kind ? ref : nullptr;
}

}  // namespace kcsim
