// apps/v1 ReplicaSet as kcsim's controllers read it (k8s.io/api v0.32 apps/v1/types.go), parsed
// once per stored version (parsed_versions.hpp). The selector and the pod template, which the
// controllers match, copy and compare whole, stay verbatim: pointers into the stored version,
// valid while that version is held. So does the status's condition list, which the ReplicaSet
// controller writes back as it found it.
//
// Defaults are the API server's (pkg/apis/apps/v1/defaults.go SetDefaults_ReplicaSet): a stored
// object that lacks a field, or holds a value of the wrong JSON type, reads as the defaulted one.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "kcsim/k8s/types/decode.hpp"
#include "kcsim/k8s/types/object_meta.hpp"

namespace kcsim::k8s {

// apps/v1 defaults.go SetDefaults_ReplicaSet: spec.replicas 1.
inline constexpr std::int64_t kDefaultReplicaSetReplicas = 1;

struct ReplicaSetSpec {
  std::int64_t replicas = kDefaultReplicaSetReplicas;
  std::int64_t min_ready_seconds = 0;
  const nlohmann::json* selector = nullptr;   // metav1.LabelSelector, verbatim; nullptr when absent
  const nlohmann::json* template_ = nullptr;  // PodTemplateSpec, verbatim; nullptr when absent

  /// spec.template.metadata.labels, verbatim; nullptr when absent.
  const nlohmann::json* template_labels() const {
    const nlohmann::json* meta = template_ ? decode::member(*template_, "metadata") : nullptr;
    return meta ? decode::member(*meta, "labels") : nullptr;
  }
};

struct ReplicaSetStatus {
  std::int64_t replicas = 0, fully_labeled_replicas = 0, ready_replicas = 0, available_replicas = 0,
               observed_generation = 0;
  const nlohmann::json* conditions = nullptr;  // []ReplicaSetCondition, verbatim; nullptr when absent
};

struct ReplicaSet {
  std::string api_version = "apps/v1";  // TypeMeta; apps/v1 when absent, the version kcsim serves
  ObjectMeta metadata;
  ReplicaSetSpec spec;
  ReplicaSetStatus status;
  const nlohmann::json* status_object = nullptr;  // the whole stored status, verbatim (a write's base)
};

inline ReplicaSetSpec parse_replica_set_spec(const nlohmann::json& spec) {
  using namespace decode;
  ReplicaSetSpec s;
  s.replicas = int_member(spec, "replicas", kDefaultReplicaSetReplicas);
  s.min_ready_seconds = int_member(spec, "minReadySeconds", 0);
  s.selector = member(spec, "selector");
  s.template_ = member(spec, "template");
  return s;
}

inline ReplicaSetStatus parse_replica_set_status(const nlohmann::json& status) {
  using namespace decode;
  ReplicaSetStatus s;
  s.replicas = int_member(status, "replicas");
  s.fully_labeled_replicas = int_member(status, "fullyLabeledReplicas");
  s.ready_replicas = int_member(status, "readyReplicas");
  s.available_replicas = int_member(status, "availableReplicas");
  s.observed_generation = int_member(status, "observedGeneration");
  s.conditions = member(status, "conditions");
  return s;
}

/// The typed view of a stored ReplicaSet (the whole object).
inline ReplicaSet parse_replica_set(const nlohmann::json& object) {
  ReplicaSet rs;
  rs.api_version = decode::string_member(object, "apiVersion", "apps/v1");
  rs.metadata = parse_object_meta(object);
  static const nlohmann::json kNone = nlohmann::json::object();
  const nlohmann::json* spec = decode::member(object, "spec");
  rs.status_object = decode::member(object, "status");
  rs.spec = parse_replica_set_spec(spec ? *spec : kNone);
  rs.status = parse_replica_set_status(rs.status_object ? *rs.status_object : kNone);
  return rs;
}

}  // namespace kcsim::k8s
