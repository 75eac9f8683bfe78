// Identifies an object in the API server: kind, namespace and name.
#pragma once

#include <compare>
#include <string>

#include <nlohmann/json.hpp>

namespace kcsim {

using json = nlohmann::json;

/// Kind ("Deployment"), namespace ("" for cluster-scoped objects) and name. Ordered, so that
/// iterating a store never depends on a hash.
struct ObjectRef {
  std::string kind;
  std::string ns;
  std::string name;

  auto operator<=>(const ObjectRef&) const = default;
  bool operator==(const ObjectRef&) const = default;

  /// "Deployment/prod/immigranta-backend" (the report's object key); "Node//node-1" style is
  /// avoided: cluster-scoped objects print as "Node/node-1".
  std::string str() const;
  /// kubectl's "deployment/immigranta-backend" (lowercase kind) as in `get events` OBJECT.
  std::string kubectl_str() const;
  /// Parses "Kind/ns/name" or "Kind/name"; nullopt-like empty kind on failure.
  static ObjectRef parse(const std::string& text);
  /// Reads kind, metadata.namespace and metadata.name of a manifest.
  static ObjectRef of(const json& object);
};

/// The API group of a kind as it appears in apiVersion ("apps" for apps/v1, "" for v1).
std::string api_group(const std::string& api_version);

}  // namespace kcsim
