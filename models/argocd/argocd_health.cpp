// ArgoCD resource health (see argocd_health.hpp). Messages are upstream's format strings
// (gitops-engine pkg/health/health_*.go as of argo-cd 37ee0097).
#include "argocd_health.hpp"

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"

namespace kcsim::argocd {
namespace {

const json* condition(const json& obj, const std::string& type) {
  const json::json_pointer p("/status/conditions");
  if (!obj.contains(p) || !obj.at(p).is_array()) return nullptr;
  for (const json& c : obj.at(p))
    if (c.is_object() && c.value("type", "") == type) return &c;
  return nullptr;
}

Health deployment_health(const json& d) {
  if (d.contains("spec") && d["spec"].value("paused", false)) return {"Suspended", "Deployment is paused"};
  const std::int64_t generation = int_at(d, {"metadata", "generation"}, 0);
  const std::int64_t observed = int_at(d, {"status", "observedGeneration"}, 0);
  if (generation > observed)
    return {"Progressing", "Waiting for rollout to finish: observed deployment generation less than desired generation"};
  const std::int64_t updated = int_at(d, {"status", "updatedReplicas"}, 0);
  const std::int64_t replicas = int_at(d, {"status", "replicas"}, 0);
  const std::int64_t available = int_at(d, {"status", "availableReplicas"}, 0);
  const auto spec_replicas = maybe_int_at(d, {"spec", "replicas"});
  if (const json* c = condition(d, "Progressing"); c && c->value("reason", "") == "ProgressDeadlineExceeded")
    return {"Degraded", fmt::format("Deployment \"{}\" exceeded its progress deadline",
                                    d["metadata"].value("name", ""))};
  if (spec_replicas && updated < *spec_replicas)
    return {"Progressing", fmt::format("Waiting for rollout to finish: {} out of {} new replicas have been updated...",
                                       updated, *spec_replicas)};
  if (replicas > updated)
    return {"Progressing",
            fmt::format("Waiting for rollout to finish: {} old replicas are pending termination...", replicas - updated)};
  if (available < updated)
    return {"Progressing",
            fmt::format("Waiting for rollout to finish: {} of {} updated replicas are available...", available, updated)};
  return {"Healthy", ""};
}

Health replicaset_health(const json& rs) {
  const std::int64_t generation = int_at(rs, {"metadata", "generation"}, 0);
  const std::int64_t observed = int_at(rs, {"status", "observedGeneration"}, 0);
  if (generation > observed)
    return {"Progressing", "Waiting for rollout to finish: observed replica set generation less than desired generation"};
  if (const json* c = condition(rs, "ReplicaFailure"); c && c->value("status", "") == "True")
    return {"Degraded", c->value("message", "")};
  const auto spec_replicas = maybe_int_at(rs, {"spec", "replicas"});
  const std::int64_t available = int_at(rs, {"status", "availableReplicas"}, 0);
  if (spec_replicas && available < *spec_replicas)
    return {"Progressing", fmt::format("Waiting for rollout to finish: {} out of {} new replicas are available...",
                                       available, *spec_replicas)};
  return {"Healthy", ""};
}

Health statefulset_health(const json& s) {
  const std::int64_t generation = int_at(s, {"metadata", "generation"}, 0);
  const std::int64_t observed = int_at(s, {"status", "observedGeneration"}, 0);
  if (observed == 0 || generation > observed) return {"Progressing", "Waiting for statefulset spec update to be observed..."};
  const auto spec_replicas = maybe_int_at(s, {"spec", "replicas"});
  const std::int64_t ready = int_at(s, {"status", "readyReplicas"}, 0);
  if (spec_replicas && ready < *spec_replicas)
    return {"Progressing", fmt::format("Waiting for {} pods to be ready...", *spec_replicas - ready)};
  const json::json_pointer strategy("/spec/updateStrategy/type");
  const std::string type = s.contains(strategy) && s.at(strategy).is_string() ? s.at(strategy).get<std::string>() : "";
  const std::int64_t updated = int_at(s, {"status", "updatedReplicas"}, 0);
  if (type == "RollingUpdate" && s.contains(json::json_pointer("/spec/updateStrategy/rollingUpdate"))) {
    const auto partition = maybe_int_at(s, {"spec", "updateStrategy", "rollingUpdate", "partition"});
    if (spec_replicas && partition && updated < *spec_replicas - *partition)
      return {"Progressing", fmt::format("Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
                                         updated, *spec_replicas - *partition)};
    return {"Healthy", fmt::format("partitioned roll out complete: {} new pods have been updated...", updated)};
  }
  if (type == "OnDelete") return {"Healthy", fmt::format("statefulset has {} ready pods", ready)};
  const std::string update_rev = s.contains(json::json_pointer("/status/updateRevision"))
                                     ? s.at(json::json_pointer("/status/updateRevision")).get<std::string>() : "";
  const std::string current_rev = s.contains(json::json_pointer("/status/currentRevision"))
                                      ? s.at(json::json_pointer("/status/currentRevision")).get<std::string>() : "";
  if (update_rev != current_rev)
    return {"Progressing", fmt::format("waiting for statefulset rolling update to complete {} pods at revision {}...",
                                       int_at(s, {"status", "updatedReplicas"}, 0), update_rev)};
  return {"Healthy", fmt::format("statefulset rolling update complete {} pods at revision {}...",
                                 int_at(s, {"status", "currentReplicas"}, 0), current_rev)};
}

Health daemonset_health(const json& d) {
  const std::int64_t generation = int_at(d, {"metadata", "generation"}, 0);
  const std::int64_t observed = int_at(d, {"status", "observedGeneration"}, 0);
  if (generation > observed) return {"Progressing", "Waiting for rollout to finish: observed daemon set generation less than desired generation"};
  const std::int64_t desired = int_at(d, {"status", "desiredNumberScheduled"}, 0);
  const std::int64_t updated = int_at(d, {"status", "updatedNumberScheduled"}, 0);
  const std::int64_t available = int_at(d, {"status", "numberAvailable"}, 0);
  if (updated < desired)
    return {"Progressing", fmt::format("Waiting for daemon set {} rollout to finish: {} out of {} new pods have been updated...",
                                       d["metadata"].value("name", ""), updated, desired)};
  if (available < desired)
    return {"Progressing", fmt::format("Waiting for daemon set {} rollout to finish: {} of {} updated pods are available...",
                                       d["metadata"].value("name", ""), available, desired)};
  return {"Healthy", ""};
}

Health pod_health(const json& p) {
  const json status = p.value("status", json::object());
  const std::string phase = status.value("phase", "");
  const std::string message = status.value("message", "");
  if (status.contains("containerStatuses") && status["containerStatuses"].is_array()) {
    std::string msgs;
    bool degraded = false;
    for (const json& cs : status["containerStatuses"]) {
      const json::json_pointer w("/state/waiting/reason");
      if (!cs.contains(w)) continue;
      const std::string reason = cs.at(w).get<std::string>();
      auto ends = [&](const std::string& s) { return reason.size() >= s.size() && reason.compare(reason.size() - s.size(), s.size(), s) == 0; };
      if (reason.rfind("Err", 0) == 0 || ends("Error") || ends("BackOff")) {
        degraded = true;
        if (!msgs.empty()) msgs += ", ";
        msgs += cs.at(json::json_pointer("/state/waiting")).value("message", "");
      }
    }
    if (degraded) return {"Degraded", msgs};
  }
  if (phase == "Pending") return {"Progressing", message};
  if (phase == "Succeeded") return {"Healthy", message};
  if (phase == "Failed") return {"Degraded", message};
  if (phase == "Running") {
    if (const json* c = condition(p, "Ready"); c && c->value("status", "") == "True") return {"Healthy", message};
    return {"Progressing", message};
  }
  return {"Unknown", message};
}

Health hpa_health(const json& h) {
  const json::json_pointer p("/status/conditions");
  if (!h.contains(p) || !h.at(p).is_array()) return {"Progressing", "Waiting to Autoscale"};
  static const std::pair<const char*, const char*> degraded[] = {
      {"AbleToScale", "FailedGetScale"},
      {"AbleToScale", "FailedUpdateScale"},
      {"ScalingActive", "FailedGetResourceMetric"},
      {"ScalingActive", "FailedGetObjectMetric"},
      {"ScalingActive", "FailedGetPodsMetric"},
      {"ScalingActive", "FailedGetExternalMetric"},
      {"ScalingActive", "FailedComputeMetricsReplicas"},
      {"ScalingActive", "InvalidSelector"}};
  for (const json& c : h.at(p))
    for (const auto& [type, reason] : degraded)
      if (c.value("type", "") == type && c.value("reason", "") == reason) return {"Degraded", c.value("message", "")};
  for (const json& c : h.at(p)) {
    const std::string type = c.value("type", "");
    if ((type == "AbleToScale" || type == "ScalingLimited") && c.value("status", "") == "True")
      return {"Healthy", c.value("message", "")};
  }
  return {"Progressing", "Waiting to Autoscale"};
}

Health scaledobject_health(const json& so) {
  // resource_customizations/keda.sh/ScaledObject/health.lua
  bool healthy = false, degraded = false, suspended = false;
  std::string message;
  const json::json_pointer p("/status/conditions");
  if (so.contains(p) && so.at(p).is_array())
    for (const json& c : so.at(p)) {
      const std::string type = c.value("type", ""), status = c.value("status", "");
      if (status == "False" && type == "Ready") message = c.value("message", ""), degraded = true;
      if (status == "True" && type == "Ready") message = c.value("message", ""), healthy = true;
      if (status == "True" && type == "Paused") message = c.value("message", ""), suspended = true;
      if (status == "True" && type == "Fallback") message = c.value("message", ""), degraded = true;
    }
  if (degraded) return {"Degraded", message};
  if (healthy && !suspended) return {"Healthy", message};
  if (healthy && suspended) return {"Suspended", message};
  return {"Progressing", "Creating HorizontalPodAutoscaler Object"};
}

}  // namespace

bool has_health_check(const std::string& group, const std::string& kind) {
  if (group == "apps") return kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" || kind == "DaemonSet";
  if (group.empty()) return kind == "Service" || kind == "Pod" || kind == "PersistentVolumeClaim";
  if (group == "autoscaling") return kind == "HorizontalPodAutoscaler";
  if (group == "keda.sh") return kind == "ScaledObject";
  return false;
}

std::optional<Health> resource_health(const json& live) {
  if (!live.is_object()) return std::nullopt;
  const std::string kind = live.value("kind", "");
  const std::string group = api_group(live.value("apiVersion", ""));
  if (!has_health_check(group, kind)) return std::nullopt;
  if (live.contains(json::json_pointer("/metadata/deletionTimestamp")) &&
      !live.at(json::json_pointer("/metadata/deletionTimestamp")).is_null())
    return Health{"Progressing", "Pending deletion"};
  if (kind == "Deployment") return deployment_health(live);
  if (kind == "ReplicaSet") return replicaset_health(live);
  if (kind == "StatefulSet") return statefulset_health(live);
  if (kind == "DaemonSet") return daemonset_health(live);
  if (kind == "Pod") return pod_health(live);
  if (kind == "Service") {
    if (live.contains("spec") && live["spec"].value("type", "") == "LoadBalancer") {
      const json::json_pointer p("/status/loadBalancer/ingress");
      if (!live.contains(p) || !live.at(p).is_array() || live.at(p).empty()) return Health{"Progressing", ""};
    }
    return Health{"Healthy", ""};
  }
  if (kind == "PersistentVolumeClaim") {
    const std::string phase = live.contains("status") ? live["status"].value("phase", "") : "";
    if (phase == "Lost") return Health{"Degraded", ""};
    if (phase == "Pending") return Health{"Progressing", ""};
    if (phase == "Bound") return Health{"Healthy", ""};
    return Health{"Unknown", ""};
  }
  if (kind == "HorizontalPodAutoscaler") return hpa_health(live);
  if (kind == "ScaledObject") return scaledobject_health(live);
  return std::nullopt;
}

bool is_worse(const std::string& current, const std::string& candidate) {
  static const char* order[] = {"Healthy", "Suspended", "Progressing", "Missing", "Degraded", "Unknown"};
  int ci = 0, ni = 0;
  for (int i = 0; i < 6; ++i) {
    if (current == order[i]) ci = i;
    if (candidate == order[i]) ni = i;
  }
  return ni > ci;
}

}  // namespace kcsim::argocd
