// core/v1 Pod as kcsim's controllers read it (k8s.io/api v0.32 core/v1/types.go), parsed once per
// stored version (parsed_versions.hpp). Only the fields the controllers read are typed.
//
// Decoding is loose (decode.hpp): a member that is absent or of the wrong JSON type reads as its
// zero value; list entries that are not objects are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/k8s/types/decode.hpp"
#include "kcsim/k8s/types/object_meta.hpp"

namespace kcsim::k8s {

// core/v1 PodPhase.
inline constexpr const char* kPodPending = "Pending";
inline constexpr const char* kPodRunning = "Running";
inline constexpr const char* kPodSucceeded = "Succeeded";
inline constexpr const char* kPodFailed = "Failed";
inline constexpr const char* kPodUnknown = "Unknown";
// core/v1 ContainerRestartPolicy of a sidecar (an init container that keeps running).
inline constexpr const char* kContainerRestartPolicyAlways = "Always";

struct Container {
  std::string name;
  std::string restart_policy;  // init containers only; "" when unset
};

struct PodSpec {
  std::string node_name;
  std::vector<Container> init_containers;
};

struct PodCondition {
  std::string type, status, last_transition_time;
};

struct ContainerStatus {
  std::string name;
  std::int64_t restart_count = 0;
};

struct PodStatus {
  std::string phase;
  std::vector<PodCondition> conditions;
  std::vector<ContainerStatus> container_statuses, init_container_statuses;
};

struct Pod {
  ObjectMeta metadata;
  PodSpec spec;
  PodStatus status;

  /// podutil.GetPodReadyCondition: the first condition of type Ready, or nullptr.
  const PodCondition* ready_condition() const {
    for (const PodCondition& c : status.conditions)
      if (c.type == "Ready") return &c;
    return nullptr;
  }
  /// podutil.IsPodReady: the Ready condition's status is "True".
  bool ready() const {
    const PodCondition* c = ready_condition();
    return c && c->status == "True";
  }
  /// controller.IsPodActive: not Succeeded, not Failed, not being deleted.
  bool active() const {
    return status.phase != kPodSucceeded && status.phase != kPodFailed && !metadata.deletion_timestamp;
  }
};

namespace detail {
inline std::vector<ContainerStatus> parse_container_statuses(const nlohmann::json* list) {
  std::vector<ContainerStatus> out;
  if (!list || !list->is_array()) return out;
  for (const nlohmann::json& c : *list)
    if (c.is_object()) out.push_back(ContainerStatus{decode::string_member(c, "name"), decode::int_member(c, "restartCount")});
  return out;
}
}  // namespace detail

inline PodSpec parse_pod_spec(const nlohmann::json& spec) {
  PodSpec s;
  s.node_name = decode::string_member(spec, "nodeName");
  if (const nlohmann::json* inits = decode::member(spec, "initContainers"); inits && inits->is_array())
    for (const nlohmann::json& c : *inits)
      if (c.is_object())
        s.init_containers.push_back(Container{decode::string_member(c, "name"), decode::string_member(c, "restartPolicy")});
  return s;
}

inline PodStatus parse_pod_status(const nlohmann::json& status) {
  PodStatus s;
  s.phase = decode::string_member(status, "phase");
  if (const nlohmann::json* conds = decode::member(status, "conditions"); conds && conds->is_array())
    for (const nlohmann::json& c : *conds)
      if (c.is_object())
        s.conditions.push_back(PodCondition{decode::string_member(c, "type"), decode::string_member(c, "status"),
                                            decode::string_member(c, "lastTransitionTime")});
  s.container_statuses = detail::parse_container_statuses(decode::member(status, "containerStatuses"));
  s.init_container_statuses = detail::parse_container_statuses(decode::member(status, "initContainerStatuses"));
  return s;
}

/// The typed view of a stored Pod (the whole object).
inline Pod parse_pod(const nlohmann::json& object) {
  Pod p;
  p.metadata = parse_object_meta(object);
  static const nlohmann::json kNone = nlohmann::json::object();
  const nlohmann::json* spec = decode::member(object, "spec");
  const nlohmann::json* status = decode::member(object, "status");
  p.spec = parse_pod_spec(spec ? *spec : kNone);
  p.status = parse_pod_status(status ? *status : kNone);
  return p;
}

}  // namespace kcsim::k8s
