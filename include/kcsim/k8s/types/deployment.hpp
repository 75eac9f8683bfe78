// apps/v1 Deployment as kcsim's controllers read it (k8s.io/api v0.32 apps/v1/types.go), parsed
// once per stored version (parsed_versions.hpp). Only the fields the controllers read are typed;
// the selector and the pod template, which the Deployment controller copies and compares whole,
// stay verbatim: pointers into the stored version, valid while that version is held.
//
// Defaults are the API server's (pkg/apis/apps/v1/defaults.go SetDefaults_Deployment): a stored
// object that lacks a field, or holds a value of the wrong JSON type, reads as the defaulted one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kcsim/k8s/types/decode.hpp"
#include "kcsim/k8s/types/int_or_string.hpp"
#include "kcsim/k8s/types/object_meta.hpp"

namespace kcsim::k8s {

// apps/v1 defaults.go SetDefaults_Deployment.
inline constexpr std::int64_t kDefaultDeploymentReplicas = 1;
inline constexpr std::int64_t kDefaultRevisionHistoryLimit = 10;
inline constexpr std::int64_t kDefaultProgressDeadlineSeconds = 600;
inline constexpr const char* kDefaultMaxUnavailable = "25%";
inline constexpr const char* kDefaultMaxSurge = "25%";
// apps/v1 DeploymentStrategyType.
inline constexpr const char* kRecreateDeploymentStrategyType = "Recreate";
inline constexpr const char* kRollingUpdateDeploymentStrategyType = "RollingUpdate";

struct RollingUpdateDeployment {
  IntOrString max_unavailable = IntOrString::from_string(kDefaultMaxUnavailable);
  IntOrString max_surge = IntOrString::from_string(kDefaultMaxSurge);
};

struct DeploymentStrategy {
  std::string type = kRollingUpdateDeploymentStrategyType;
  RollingUpdateDeployment rolling_update;
};

struct DeploymentSpec {
  std::int64_t replicas = kDefaultDeploymentReplicas;
  const nlohmann::json* selector = nullptr;   // metav1.LabelSelector, verbatim; nullptr when absent
  const nlohmann::json* template_ = nullptr;  // PodTemplateSpec, verbatim; nullptr unless an object
  DeploymentStrategy strategy;
  std::int64_t min_ready_seconds = 0;
  std::int64_t revision_history_limit = kDefaultRevisionHistoryLimit;
  bool paused = false;
  std::int64_t progress_deadline_seconds = kDefaultProgressDeadlineSeconds;
};

struct DeploymentCondition {
  std::string type, status, last_update_time, last_transition_time, reason, message;
};

struct DeploymentStatus {
  std::int64_t observed_generation = 0, replicas = 0, updated_replicas = 0, ready_replicas = 0,
               available_replicas = 0, unavailable_replicas = 0;
  std::optional<std::int64_t> collision_count;
  std::vector<DeploymentCondition> conditions;

  /// deploymentutil.GetDeploymentCondition: the first condition of that type, or nullptr.
  const DeploymentCondition* condition(const std::string& type) const {
    for (const DeploymentCondition& c : conditions)
      if (c.type == type) return &c;
    return nullptr;
  }
};

struct Deployment {
  std::string api_version = "apps/v1";  // TypeMeta; apps/v1 when absent, the version kcsim serves
  ObjectMeta metadata;
  DeploymentSpec spec;
  DeploymentStatus status;
};

inline DeploymentSpec parse_deployment_spec(const nlohmann::json& spec) {
  using namespace decode;
  DeploymentSpec s;
  s.replicas = int_member(spec, "replicas", kDefaultDeploymentReplicas);
  s.selector = member(spec, "selector");
  s.template_ = object_member(spec, "template");
  if (const nlohmann::json* strategy = object_member(spec, "strategy")) {
    s.strategy.type = string_member(*strategy, "type", kRollingUpdateDeploymentStrategyType);
    if (const nlohmann::json* ru = object_member(*strategy, "rollingUpdate")) {
      if (auto v = parse_int_or_string(member(*ru, "maxUnavailable"))) s.strategy.rolling_update.max_unavailable = *v;
      if (auto v = parse_int_or_string(member(*ru, "maxSurge"))) s.strategy.rolling_update.max_surge = *v;
    }
  }
  s.min_ready_seconds = int_member(spec, "minReadySeconds", 0);
  s.revision_history_limit = int_member(spec, "revisionHistoryLimit", kDefaultRevisionHistoryLimit);
  s.paused = bool_member(spec, "paused");
  s.progress_deadline_seconds = int_member(spec, "progressDeadlineSeconds", kDefaultProgressDeadlineSeconds);
  return s;
}

inline DeploymentStatus parse_deployment_status(const nlohmann::json& status) {
  using namespace decode;
  DeploymentStatus s;
  s.observed_generation = int_member(status, "observedGeneration");
  s.replicas = int_member(status, "replicas");
  s.updated_replicas = int_member(status, "updatedReplicas");
  s.ready_replicas = int_member(status, "readyReplicas");
  s.available_replicas = int_member(status, "availableReplicas");
  s.unavailable_replicas = int_member(status, "unavailableReplicas");
  if (const nlohmann::json* c = member(status, "collisionCount"); c && c->is_number_integer())
    s.collision_count = c->get<std::int64_t>();
  if (const nlohmann::json* conds = member(status, "conditions"); conds && conds->is_array())
    for (const nlohmann::json& c : *conds) {
      if (!c.is_object()) continue;
      s.conditions.push_back(DeploymentCondition{
          string_member(c, "type"), string_member(c, "status"), string_member(c, "lastUpdateTime"),
          string_member(c, "lastTransitionTime"), string_member(c, "reason"), string_member(c, "message")});
    }
  return s;
}

/// The typed view of a stored Deployment (the whole object).
inline Deployment parse_deployment(const nlohmann::json& object) {
  Deployment d;
  d.api_version = decode::string_member(object, "apiVersion", "apps/v1");
  d.metadata = parse_object_meta(object);
  static const nlohmann::json kNone = nlohmann::json::object();
  const nlohmann::json* spec = decode::member(object, "spec");
  const nlohmann::json* status = decode::member(object, "status");
  d.spec = parse_deployment_spec(spec ? *spec : kNone);
  d.status = parse_deployment_status(status ? *status : kNone);
  return d;
}

}  // namespace kcsim::k8s
