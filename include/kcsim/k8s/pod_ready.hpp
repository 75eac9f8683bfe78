// k8s.io/kubernetes v1.32 pkg/api/v1/pod/util.go GetPodReadyCondition and IsPodReady: the
// first status.conditions entry of type Ready, and whether its status is "True".
#pragma once

#include <nlohmann/json.hpp>

namespace kcsim {

/// The pod's first condition of type "Ready" (GetPodConditionFromList), or nullptr.
inline const nlohmann::json* pod_ready_condition(const nlohmann::json& pod) {
  if (!pod.is_object() || !pod.contains("status") || !pod["status"].is_object()) return nullptr;
  const nlohmann::json& status = pod["status"];
  auto conds = status.find("conditions");
  if (conds == status.end() || !conds->is_array()) return nullptr;
  for (const nlohmann::json& c : *conds)
    if (c.is_object() && c.contains("type") && c["type"] == "Ready") return &c;
  return nullptr;
}

/// IsPodReady: the Ready condition is "True".
inline bool is_pod_ready(const nlohmann::json& pod) {
  const nlohmann::json* c = pod_ready_condition(pod);
  return c && c->contains("status") && (*c)["status"] == "True";
}

}  // namespace kcsim
