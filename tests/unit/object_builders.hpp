// Builders of the API objects unit tests need, so that each test file does not carry its own
// copy of the same JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kcsim::testing {

struct DeploymentOptions {
  std::string name = "web";
  std::string ns = "default";                 // "" leaves metadata.namespace out
  std::optional<std::int64_t> replicas = 1;   // nullopt leaves spec.replicas out (apps/v1 defaults it to 1)
  std::string image = "nginx";                // "" leaves the pod template without a spec
  bool labeled = false;                       // metadata.labels app=<name> as well
  nlohmann::json args = nullptr;              // the container's args, when not null
};

/// An apps/v1 Deployment selecting app=<name>, with those labels on its pod template (the
/// loader validates that the selector matches them, as apps/v1 ValidateDeploymentSpec does) and
/// one container "app". Usage: deployment({.name = "backend", .replicas = 3}).
inline nlohmann::json deployment(const DeploymentOptions& o = {}) {
  using nlohmann::json;
  const json labels = {{"app", o.name}};
  json d = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", o.name}}}};
  if (!o.ns.empty()) d["metadata"]["namespace"] = o.ns;
  if (o.labeled) d["metadata"]["labels"] = labels;
  if (o.replicas) d["spec"]["replicas"] = *o.replicas;
  d["spec"]["selector"] = {{"matchLabels", labels}};
  d["spec"]["template"]["metadata"]["labels"] = labels;
  if (!o.image.empty()) {
    json container = {{"name", "app"}, {"image", o.image}};
    if (!o.args.is_null()) container["args"] = o.args;
    d["spec"]["template"]["spec"]["containers"] = json::array({container});
  }
  return d;
}

}  // namespace kcsim::testing
