// metav1.ObjectMeta and metav1.OwnerReference as the controllers read them (k8s.io/apimachinery
// v0.32 pkg/apis/meta/v1/types.go), parsed once from a stored object version. A typed view is
// read-only: controllers still write through the API server with JSON bodies, and the stored
// version stays the one source of truth. Members kcsim does not read (managedFields) are not
// parsed here.
//
// Parsing follows the loose rules the JSON helpers had (json_access.hpp): a member that is absent
// or of the wrong type reads as its zero value, as Go's decoder leaves a field it could not set.
// Strict validation of manifests happens once when a scenario is read (sim/k8s/field_validation).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/k8s/types/decode.hpp"

namespace kcsim::k8s {

struct OwnerReference {
  std::string api_version, kind, name, uid;
  bool controller = false;  // *bool: nil and false read the same (metav1.IsControlledBy)
  bool block_owner_deletion = false;
};

struct ObjectMeta {
  std::string name, namespace_, uid, resource_version;
  std::int64_t generation = 0;
  std::string creation_timestamp;                 // RFC 3339 text as stored
  std::optional<std::string> deletion_timestamp;  // set once deletion has begun
  std::optional<std::int64_t> deletion_grace_period_seconds;
  std::map<std::string, std::string> labels, annotations;
  std::vector<OwnerReference> owner_references;
  std::vector<std::string> finalizers;

  /// metav1.GetControllerOf: the ownerReference with controller: true, or nullptr.
  const OwnerReference* controller_ref() const {
    for (const OwnerReference& r : owner_references)
      if (r.controller) return &r;
    return nullptr;
  }
  /// The annotation's value, or nullptr when it is not set.
  const std::string* annotation(const std::string& key) const {
    auto it = annotations.find(key);
    return it == annotations.end() ? nullptr : &it->second;
  }
};

namespace detail {
inline void read_string_map(const nlohmann::json& o, const char* key, std::map<std::string, std::string>& out) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_object()) return;
  for (auto m = it->begin(); m != it->end(); ++m)
    if (m.value().is_string()) out.emplace(m.key(), m.value().get<std::string>());
}
}  // namespace detail

/// The metadata of a stored object (the whole object, not its `metadata` member).
inline ObjectMeta parse_object_meta(const nlohmann::json& object) {
  ObjectMeta m;
  if (!object.is_object()) return m;
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return m;
  const nlohmann::json& j = *md;
  m.name = decode::string_member(j, "name");
  m.namespace_ = decode::string_member(j, "namespace");
  m.uid = decode::string_member(j, "uid");
  m.resource_version = decode::string_member(j, "resourceVersion");
  m.generation = decode::int_member(j, "generation");
  m.creation_timestamp = decode::string_member(j, "creationTimestamp");
  if (auto d = j.find("deletionTimestamp"); d != j.end() && d->is_string()) m.deletion_timestamp = d->get<std::string>();
  if (auto g = j.find("deletionGracePeriodSeconds"); g != j.end() && g->is_number_integer())
    m.deletion_grace_period_seconds = g->get<std::int64_t>();
  detail::read_string_map(j, "labels", m.labels);
  detail::read_string_map(j, "annotations", m.annotations);
  if (auto refs = j.find("ownerReferences"); refs != j.end() && refs->is_array()) {
    for (const nlohmann::json& r : *refs) {
      if (!r.is_object()) continue;
      OwnerReference o;
      o.api_version = decode::string_member(r, "apiVersion");
      o.kind = decode::string_member(r, "kind");
      o.name = decode::string_member(r, "name");
      o.uid = decode::string_member(r, "uid");
      if (auto c = r.find("controller"); c != r.end() && c->is_boolean()) o.controller = c->get<bool>();
      if (auto b = r.find("blockOwnerDeletion"); b != r.end() && b->is_boolean()) o.block_owner_deletion = b->get<bool>();
      m.owner_references.push_back(std::move(o));
    }
  }
  if (auto f = j.find("finalizers"); f != j.end() && f->is_array())
    for (const nlohmann::json& s : *f)
      if (s.is_string()) m.finalizers.push_back(s.get<std::string>());
  return m;
}

}  // namespace kcsim::k8s
