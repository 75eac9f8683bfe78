#include "scaled_object_status.hpp"

#include "kcsim/k8s/types/decode.hpp"

namespace kcsim::kedav1alpha1 {
namespace {

using nlohmann::json;
using k8s::decode::member;
using k8s::decode::object_member;
using k8s::decode::string_member;

std::optional<std::int64_t> int_value(const json* m) {
  if (m && m->is_number_integer()) return m->get<std::int64_t>();
  return std::nullopt;
}

Condition parse_condition(const json& c) {
  Condition out;
  out.type = string_member(c, "type");
  out.status = string_member(c, "status");
  out.reason = string_member(c, "reason");
  out.message = string_member(c, "message");
  out.status_present = member(c, "status") != nullptr;
  return out;
}

}  // namespace

const Condition* find_condition(const std::optional<Conditions>& conditions, const std::string& type) {
  if (!conditions) return nullptr;
  for (const Condition& c : *conditions)
    if (c.type == type) return &c;
  return nullptr;
}

std::string condition_status(const std::optional<Conditions>& conditions, const std::string& type) {
  const Condition* c = find_condition(conditions, type);
  return c && c->status_present ? c->status : "Unknown";
}

ScaledObjectStatus parse_scaled_object_status(const json& object) {
  ScaledObjectStatus s;
  const json* status = object_member(object, "status");
  if (!status) return s;
  s.scale_target_kind = string_member(*status, "scaleTargetKind");
  if (const json* orig = member(*status, "originalReplicaCount")) {
    s.original_replica_count.present = true;
    s.original_replica_count.value = int_value(orig);
  }
  if (const json* t = member(*status, "lastActiveTime"); t && t->is_string()) s.last_active_time = t->get<std::string>();
  if (const json* names = member(*status, "externalMetricNames"); names && names->is_array())
    for (const json& n : *names)
      if (n.is_string()) s.external_metric_names.push_back(n.get<std::string>());
  s.hpa_name = string_member(*status, "hpaName");
  if (const json* conds = member(*status, "conditions"); conds && conds->is_array()) {
    Conditions& out = s.conditions.emplace();
    out.reserve(conds->size());
    for (const json& c : *conds) out.push_back(parse_condition(c));
  }
  if (const json* health = object_member(*status, "health"))
    for (auto it = health->begin(); it != health->end(); ++it) {
      HealthStatus h;
      h.number_of_failures = int_value(member(it.value(), "numberOfFailures"));
      h.status = string_member(it.value(), "status");
      s.health.emplace(it.key(), std::move(h));
    }
  s.paused_replica_count = int_value(member(*status, "pausedReplicaCount"));
  return s;
}

}  // namespace kcsim::kedav1alpha1
