// The loose decoding rules the typed views share (the rules of json_access.hpp's int_at and
// str_at, which the controllers used before): a member that is absent or of the wrong JSON type
// reads as the field's default, as Go's decoder leaves a field it could not set at its zero value
// and the API server's defaulting then fills it. Strict validation of manifests happens once when
// a scenario is read (sim/k8s/field_validation).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace kcsim::k8s::decode {

/// The member `key` of `o`, or nullptr when `o` is not an object or has no such member.
inline const nlohmann::json* member(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(key);
  return it == o.end() ? nullptr : &*it;
}

/// The member `key` when it is an object, else nullptr.
inline const nlohmann::json* object_member(const nlohmann::json& o, const char* key) {
  const nlohmann::json* m = member(o, key);
  return m && m->is_object() ? m : nullptr;
}

/// The integer member `key`, or `def` when absent or not an integer.
inline std::int64_t int_member(const nlohmann::json& o, const char* key, std::int64_t def = 0) {
  const nlohmann::json* m = member(o, key);
  return m && m->is_number_integer() ? m->get<std::int64_t>() : def;
}

/// The string member `key`, or `def` when absent or not a string.
inline std::string string_member(const nlohmann::json& o, const char* key, const char* def = "") {
  const nlohmann::json* m = member(o, key);
  return m && m->is_string() ? m->get<std::string>() : std::string(def);
}

/// The boolean member `key`; false when absent or not a boolean (Go's *bool nil reads as false).
inline bool bool_member(const nlohmann::json& o, const char* key) {
  const nlohmann::json* m = member(o, key);
  return m && m->is_boolean() && m->get<bool>();
}

}  // namespace kcsim::k8s::decode
