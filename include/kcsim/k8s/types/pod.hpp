// core/v1 Pod as kcsim's controllers and the kubelet model read it (k8s.io/api v0.32
// core/v1/types.go), parsed once per stored version (parsed_versions.hpp). Only the fields that
// are read are typed; sim/k8s/types/pod.cpp parses them.
//
// Decoding is loose (decode.hpp): a member that is absent or of the wrong JSON type reads as its
// zero value; list entries that are not objects are skipped. Where upstream's defaulting
// (pkg/apis/core/v1/defaults.go) gives an absent member a value the readers need, the field
// starts at that value, or is optional when the reader tells absence apart.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/k8s/types/int_or_string.hpp"
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
// core/v1 RestartPolicy (of the pod) and PullPolicy.
inline constexpr const char* kRestartPolicyAlways = "Always";
inline constexpr const char* kRestartPolicyOnFailure = "OnFailure";
inline constexpr const char* kPullAlways = "Always";
inline constexpr const char* kPullNever = "Never";

/// core/v1 ResourceList: resource name → quantity. The quantity is kept as written (a JSON
/// string as is, a JSON number in its JSON text): the kubelet model's QoS class compares a
/// request with its limit as written.
using ResourceList = std::map<std::string, std::string>;

struct ResourceRequirements {
  ResourceList limits, requests;
};

struct ContainerPort {
  std::string name;
  std::int64_t container_port = 0;  // 0: absent (validation requires 1-65535)
};

// The handlers the kubelet model's prober reports on; exec and grpc probes are not typed (the
// model only tells that the probe has neither of these).
struct HTTPGetAction {
  std::string path;
  std::optional<IntOrString> port;  // nullopt: absent or neither an integer nor a string
  std::string host;                 // "": the pod's IP (prober/prober.go)
  std::string scheme;               // "": HTTP (defaults.go SetDefaults_HTTPGetAction)
};

struct TCPSocketAction {
  std::optional<IntOrString> port;
  std::string host;
};

struct ProbeHandler {
  std::optional<HTTPGetAction> http_get;
  std::optional<TCPSocketAction> tcp_socket;
};

/// core/v1 Probe; ProbeHandler is inlined in upstream's JSON, a base here, so that
/// probe.http_get reads as upstream's probe.HTTPGet. An absent period or threshold starts at
/// defaults.go's value (SetDefaults_Probe); an explicit 0 stays 0.
struct Probe : ProbeHandler {
  std::int64_t initial_delay_seconds = 0;
  std::int64_t period_seconds = 10;
  std::int64_t success_threshold = 1;
  std::int64_t failure_threshold = 3;
};

struct Container {
  std::string name;
  std::string image;
  std::string image_pull_policy;  // "": defaulted from the image's tag (image_name.hpp default_pull_policy)
  std::vector<ContainerPort> ports;
  ResourceRequirements resources;
  std::optional<Probe> readiness_probe;  // *Probe: nullopt when absent or not an object
  std::string restart_policy;            // init containers only; "" when unset
};

struct PodSpec {
  std::vector<Container> init_containers, containers;
  std::string restart_policy;  // "": Always (defaults.go SetDefaults_PodSpec)
  std::optional<std::int64_t> termination_grace_period_seconds;
  std::string node_name;
  std::string scheduler_name;  // "": default-scheduler
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
  std::string pod_ip;
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

PodSpec parse_pod_spec(const nlohmann::json& spec);
PodStatus parse_pod_status(const nlohmann::json& status);
/// The typed view of a stored Pod (the whole object).
Pod parse_pod(const nlohmann::json& object);

}  // namespace kcsim::k8s
