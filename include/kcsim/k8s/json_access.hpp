// Small read helpers for JSON documents (manifests, API objects) shared by the models and the
// tools, so that each does not carry its own copy.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kcsim {

/// The value at a path of object keys, or null when a key is missing or a step is not an object.
inline const nlohmann::json* find(const nlohmann::json& o, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &o;
  for (const char* k : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

/// The integer at a path, or `def` when absent or not an integer.
inline std::int64_t int_at(const nlohmann::json& o, std::initializer_list<const char*> path, std::int64_t def) {
  const nlohmann::json* v = find(o, path);
  return v && v->is_number_integer() ? v->get<std::int64_t>() : def;
}

/// The integer at a path, or nullopt when absent or not an integer (the same rule as int_at,
/// for callers that tell "absent" from any default).
inline std::optional<std::int64_t> maybe_int_at(const nlohmann::json& o, std::initializer_list<const char*> path) {
  const nlohmann::json* v = find(o, path);
  if (v && v->is_number_integer()) return v->get<std::int64_t>();
  return std::nullopt;
}

/// The string at a path, or `fallback` when absent or not a string.
inline std::string str_at(const nlohmann::json& o, std::initializer_list<const char*> path,
                          const std::string& fallback = std::string()) {
  const nlohmann::json* v = find(o, path);
  return v && v->is_string() ? v->get<std::string>() : fallback;
}

/// Escapes a key for an RFC 6901 JSON pointer ("~" → "~0", "/" → "~1").
inline std::string escape_pointer_token(const std::string& token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace kcsim
