#include "http_scaled_object.hpp"

#include "http_add_on_profile.hpp"
#include "kcsim/k8s/types/decode.hpp"

namespace kcsim::httpv1alpha1 {
namespace {

using nlohmann::json;
using k8s::decode::int_member;
using k8s::decode::member;
using k8s::decode::object_member;
using k8s::decode::string_member;

OptionalInt32 optional_int32(const json& o, const char* key) {
  OptionalInt32 v;
  v.stored = member(o, key);
  if (v.stored && v.stored->is_number_integer()) v.value = v.stored->get<std::int64_t>();
  return v;
}

// The string entries of the list member `key`; none when it is absent or not a list.
std::vector<std::string> string_list(const json& o, const char* key) {
  std::vector<std::string> out;
  const json* list = member(o, key);
  if (!list || !list->is_array()) return out;
  for (const json& e : *list)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

// A metav1.Duration member; `def` when absent, not a string or not a non-negative Go duration.
Duration duration_member(const json& o, const char* key, Duration def) {
  const json* m = member(o, key);
  return m ? object_duration(*m).value_or(def) : def;
}

ScaleTargetRef parse_scale_target_ref(const json& ref) {
  ScaleTargetRef r;
  r.name = string_member(ref, "name");
  r.deployment = string_member(ref, "deployment");
  r.api_version = string_member(ref, "apiVersion");
  r.kind = string_member(ref, "kind");
  r.service = string_member(ref, "service");
  r.port = int_member(ref, "port");
  r.stored_api_version = member(ref, "apiVersion");
  r.stored_kind = member(ref, "kind");
  return r;
}

ScalingMetricSpec parse_scaling_metric(const json& sm) {
  ScalingMetricSpec s;
  if (const json* c = member(sm, "concurrency")) {
    s.concurrency.emplace();
    s.concurrency->target_value = int_member(*c, "targetValue", kDefaultTargetValue);
  }
  if (const json* r = member(sm, "requestRate")) {
    RateMetricSpec& rate = s.request_rate.emplace();
    rate.target_value = int_member(*r, "targetValue", kDefaultTargetValue);
    rate.window = duration_member(*r, "window", kDefaultRateWindow);
    rate.granularity = duration_member(*r, "granularity", kDefaultRateGranularity);
  }
  return s;
}

HTTPScaledObjectSpec parse_spec(const json& spec) {
  HTTPScaledObjectSpec s;
  s.host = string_member(spec, "host");
  s.hosts = string_list(spec, "hosts");
  s.path_prefixes = string_list(spec, "pathPrefixes");
  if (const json* ref = object_member(spec, "scaleTargetRef")) s.scale_target_ref = parse_scale_target_ref(*ref);
  if (const json* replicas = object_member(spec, "replicas")) {
    s.replicas.min = optional_int32(*replicas, "min");
    s.replicas.max = optional_int32(*replicas, "max");
  }
  s.target_pending_requests = optional_int32(spec, "targetPendingRequests").value;
  s.scaledown_period = optional_int32(spec, "scaledownPeriod");
  s.initial_cooldown_period = optional_int32(spec, "initialCooldownPeriod");
  if (const json* sm = object_member(spec, "scalingMetric")) s.scaling_metric = parse_scaling_metric(*sm);
  return s;
}

HTTPScaledObjectStatus parse_status(const json& status) {
  HTTPScaledObjectStatus s;
  s.target_workload = string_member(status, "targetWorkload");
  s.target_service = string_member(status, "targetService");
  const json* conditions = member(status, "conditions");
  if (!conditions || !conditions->is_array()) return s;
  for (const json& c : *conditions) {
    if (!c.is_object()) continue;
    HTTPScaledObjectCondition& v = s.conditions.emplace_back();
    v.type = string_member(c, "type");
    v.status = string_member(c, "status");
    v.reason = string_member(c, "reason");
    v.message = string_member(c, "message");
    if (const json* t = member(c, "lastTransitionTime"); t && !t->is_null()) v.last_transition_time = t;
    v.stored = &c;
  }
  return s;
}

}  // namespace

HTTPScaledObject parse_http_scaled_object(const json& object) {
  HTTPScaledObject h;
  h.metadata = k8s::parse_object_meta(object);
  if (const json* md = object_member(object, "metadata")) {
    h.stored_labels = member(*md, "labels");
    h.stored_annotations = member(*md, "annotations");
  }
  if (const json* spec = object_member(object, "spec")) h.spec = parse_spec(*spec);
  if (const json* status = object_member(object, "status")) h.status = parse_status(*status);
  return h;
}

}  // namespace kcsim::httpv1alpha1
