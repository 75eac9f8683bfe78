#include "kcsim/k8s/types/horizontal_pod_autoscaler.hpp"

#include <utility>

#include "kcsim/k8s/quantity.hpp"
#include "kcsim/k8s/types/decode.hpp"

namespace kcsim::k8s {
namespace {

using nlohmann::json;

// The shared member readers (decode.hpp); the optional integers below tell absent from 0.
using decode::member;
using decode::object_member;
using decode::string_member;

std::optional<std::int32_t> int32_member(const json& o, const char* key) {
  const json* m = member(o, key);
  if (!m || !m->is_number_integer()) return std::nullopt;
  return m->get<std::int32_t>();
}

std::optional<std::int64_t> int64_member(const json& o, const char* key) {
  const json* m = member(o, key);
  if (!m || !m->is_number_integer()) return std::nullopt;
  return m->get<std::int64_t>();
}

/// A *resource.Quantity member in milli-units: engaged when present, 0 when it is not a quantity
/// (the head of the header says why).
std::optional<std::int64_t> quantity_member(const json& o, const char* key) {
  const json* m = member(o, key);
  if (!m) return std::nullopt;
  return quantity_milli(*m).value_or(0);
}

CrossVersionObjectReference parse_reference(const json& o) {
  return {string_member(o, "kind"), string_member(o, "name"), string_member(o, "apiVersion")};
}

MetricIdentifier parse_identifier(const json& o) {
  MetricIdentifier id;
  id.name = string_member(o, "name");
  if (const json* s = member(o, "selector")) id.selector = *s;
  return id;
}

// The three values a MetricTarget and a MetricValueStatus share.
template <class T>
T with_values(T v, const json& o) {
  v.value = quantity_member(o, "value");
  v.average_value = quantity_member(o, "averageValue");
  v.average_utilization = int32_member(o, "averageUtilization");
  return v;
}

MetricTarget parse_target(const json& o) {
  MetricTarget t;
  t.type = string_member(o, "type");
  return with_values(std::move(t), o);
}

MetricValueStatus parse_value_status(const json& o) { return with_values(MetricValueStatus{}, o); }

const json& or_empty(const json* o) {
  static const json empty = json::object();
  return o ? *o : empty;
}

// autoscaling/v2 mirrors each *MetricSource with a *MetricStatus: the same identity of the metric
// (a resource name, a container, a metric identifier, a described object, as the source type has
// them) with a current value in place of the target. One reader for both: `read_value` reads the
// target or the current value of a source object into it.
template <class Source, class ReadValue>
std::optional<Source> read_source(const json& metric, const char* member_name, ReadValue read_value) {
  const json* o = object_member(metric, member_name);
  if (!o) return std::nullopt;
  Source s;
  if constexpr (requires(Source& x) { x.name; }) s.name = string_member(*o, "name");
  if constexpr (requires(Source& x) { x.container; }) s.container = string_member(*o, "container");
  if constexpr (requires(Source& x) { x.metric; }) s.metric = parse_identifier(or_empty(object_member(*o, "metric")));
  if constexpr (requires(Source& x) { x.described_object; })
    s.described_object = parse_reference(or_empty(object_member(*o, "describedObject")));
  read_value(s, *o);
  return s;
}

// The four sources whose reading the spec and the status share (External's spec is validated first).
template <class Metric, class ReadValue>
Metric read_metric(const json& o, ReadValue read_value) {
  Metric m;
  m.type = string_member(o, "type");
  m.resource = read_source<typename decltype(m.resource)::value_type>(o, "resource", read_value);
  m.container_resource =
      read_source<typename decltype(m.container_resource)::value_type>(o, "containerResource", read_value);
  m.pods = read_source<typename decltype(m.pods)::value_type>(o, "pods", read_value);
  m.object = read_source<typename decltype(m.object)::value_type>(o, "object", read_value);
  return m;
}

MetricSpec parse_metric_spec(const json& o) {
  const auto target = [](auto& s, const json& src) { s.target = parse_target(or_empty(object_member(src, "target"))); };
  MetricSpec m = read_metric<MetricSpec>(o, target);
  if (const json* e = member(o, "external")) {
    const json* metric = member(*e, "metric");
    const json* target = member(*e, "target");
    const json* name = metric ? member(*metric, "name") : nullptr;
    if (!e->is_object())
      m.external_error = "invalid external metric source: spec.metrics[].external must be an object";
    else if ((metric && !metric->is_object()) || (target && !target->is_object()) || (name && !name->is_string()))
      m.external_error = "invalid external metric source: metric and target must be objects, metric.name a string";
    else
      m.external = ExternalMetricSource{parse_identifier(or_empty(metric)), parse_target(or_empty(target))};
  }
  return m;
}

MetricStatus parse_metric_status(const json& o) {
  const auto current = [](auto& s, const json& src) {
    s.current = parse_value_status(or_empty(object_member(src, "current")));
  };
  MetricStatus m = read_metric<MetricStatus>(o, current);
  m.external = read_source<ExternalMetricStatus>(o, "external", current);
  return m;
}

HPAScalingRules parse_rules(const json& o) {
  HPAScalingRules r;
  r.stabilization_window_seconds = int32_member(o, "stabilizationWindowSeconds");
  if (const json* s = member(o, "selectPolicy"); s && s->is_string()) r.select_policy = s->get<std::string>();
  if (const json* ps = member(o, "policies"); ps && ps->is_array()) {
    r.policies.emplace();
    for (const json& p : *ps)
      r.policies->push_back({string_member(p, "type"), int32_member(p, "value").value_or(0),
                             int32_member(p, "periodSeconds").value_or(0)});
  }
  return r;
}

// The checks kcsim's HPA controller has always made before it reads a spec, in their order and
// wording (the API server's validation, pkg/apis/autoscaling/validation, refuses the same objects
// with its own words).
std::string spec_problem(const json* spec) {
  if (!spec || !spec->is_object()) return "spec must be an object";
  const json* ref = member(*spec, "scaleTargetRef");
  const json* kind = ref ? member(*ref, "kind") : nullptr;
  const json* name = ref ? member(*ref, "name") : nullptr;
  if (!ref || !ref->is_object() || !kind || !kind->is_string() || !name || !name->is_string())
    return "spec.scaleTargetRef must have string kind and name";
  const json* max = member(*spec, "maxReplicas");
  if (!max || !max->is_number_integer()) return "spec.maxReplicas must be an integer";
  if (const json* min = member(*spec, "minReplicas"); min && !min->is_null() && !min->is_number_integer())
    return "spec.minReplicas must be an integer";
  if (const json* metrics = member(*spec, "metrics"); metrics && !metrics->is_null() && !metrics->is_array())
    return "spec.metrics must be a list";
  const json* b = member(*spec, "behavior");
  if (!b || b->is_null()) return "";
  if (!b->is_object()) return "spec.behavior must be an object";
  for (const char* dir : {"scaleUp", "scaleDown"}) {
    const json* r = member(*b, dir);
    if (!r || r->is_null()) continue;
    const std::string p = std::string("spec.behavior.") + dir;
    if (!r->is_object()) return p + " must be an object";
    if (const json* w = member(*r, "stabilizationWindowSeconds"); w && !w->is_null() && !w->is_number_integer())
      return p + ".stabilizationWindowSeconds must be an integer";
    if (const json* s = member(*r, "selectPolicy");
        s && !s->is_null() && (!s->is_string() || (*s != "Max" && *s != "Min" && *s != "Disabled")))
      return p + ".selectPolicy must be Max, Min or Disabled";
    const json* policies = member(*r, "policies");
    if (!policies || policies->is_null()) continue;
    if (!policies->is_array()) return p + ".policies must be a list";
    for (const json& pol : *policies) {
      const json* type = member(pol, "type");
      if (!pol.is_object() || !type || (*type != "Pods" && *type != "Percent"))
        return p + ".policies[].type must be Pods or Percent";
      const json* value = member(pol, "value");
      if (!value || !value->is_number_integer() || value->get<std::int64_t>() <= 0)
        return p + ".policies[].value must be a positive integer";
      const json* period = member(pol, "periodSeconds");
      if (!period || !period->is_number_integer() || period->get<std::int64_t>() <= 0 ||
          period->get<std::int64_t>() > 1800)
        return p + ".policies[].periodSeconds must be an integer in (0, 1800]";
    }
  }
  return "";
}

HorizontalPodAutoscalerSpec parse_spec(const json& s) {
  HorizontalPodAutoscalerSpec spec;
  spec.scale_target_ref = parse_reference(or_empty(object_member(s, "scaleTargetRef")));
  spec.min_replicas = int32_member(s, "minReplicas");
  spec.max_replicas = int32_member(s, "maxReplicas").value_or(0);
  if (const json* ms = member(s, "metrics"); ms && ms->is_array())
    for (const json& m : *ms) spec.metrics.push_back(parse_metric_spec(m));
  if (const json* b = object_member(s, "behavior")) spec.behavior = parse_horizontal_pod_autoscaler_behavior(*b);
  return spec;
}

HorizontalPodAutoscalerStatus parse_status(const json& s) {
  HorizontalPodAutoscalerStatus status;
  status.observed_generation = int64_member(s, "observedGeneration");
  if (const json* t = member(s, "lastScaleTime"); t && t->is_string()) status.last_scale_time = t->get<std::string>();
  status.current_replicas = int32_member(s, "currentReplicas").value_or(0);
  status.desired_replicas = int32_member(s, "desiredReplicas").value_or(0);
  if (const json* ms = member(s, "currentMetrics"); ms && ms->is_array())
    for (const json& m : *ms) status.current_metrics.push_back(parse_metric_status(m));
  if (const json* cs = member(s, "conditions"); cs && cs->is_array())
    for (const json& c : *cs) {
      if (!c.is_object()) continue;
      status.conditions.push_back({string_member(c, "type"), string_member(c, "status"),
                                   string_member(c, "lastTransitionTime"), string_member(c, "reason"),
                                   string_member(c, "message")});
    }
  return status;
}

HPAScalingRules copy_hpa_scaling_rules(const std::optional<HPAScalingRules>& from, HPAScalingRules to) {
  if (!from) return to;
  if (from->select_policy) to.select_policy = from->select_policy;
  if (from->stabilization_window_seconds) to.stabilization_window_seconds = from->stabilization_window_seconds;
  if (from->policies) to.policies = from->policies;
  return to;
}

}  // namespace

HorizontalPodAutoscaler parse_horizontal_pod_autoscaler(const json& object) {
  HorizontalPodAutoscaler hpa;
  hpa.metadata = parse_object_meta(object);
  const json* spec = member(object, "spec");
  hpa.spec_error = spec_problem(spec);
  hpa.spec = parse_spec(or_empty(spec));
  hpa.status = parse_status(or_empty(object_member(object, "status")));
  return hpa;
}

HorizontalPodAutoscalerBehavior parse_horizontal_pod_autoscaler_behavior(const json& b) {
  HorizontalPodAutoscalerBehavior behavior;
  if (const json* up = object_member(b, "scaleUp")) behavior.scale_up = parse_rules(*up);
  if (const json* down = object_member(b, "scaleDown")) behavior.scale_down = parse_rules(*down);
  return behavior;
}

HPAScalingRules generate_hpa_scale_up_rules(const std::optional<HPAScalingRules>& from) {
  HPAScalingRules defaults;
  defaults.stabilization_window_seconds = kScaleUpStabilizationSeconds;
  defaults.select_policy = kMaxChangePolicySelect;
  defaults.policies = std::vector<HPAScalingPolicy>{{"Pods", kScaleUpLimitMinimumPods, kScaleUpPeriodSeconds},
                                                    {"Percent", kScaleUpLimitPercent, kScaleUpPeriodSeconds}};
  return copy_hpa_scaling_rules(from, std::move(defaults));
}

HPAScalingRules generate_hpa_scale_down_rules(const std::optional<HPAScalingRules>& from) {
  HPAScalingRules defaults;
  defaults.select_policy = kMaxChangePolicySelect;
  defaults.policies = std::vector<HPAScalingPolicy>{{"Percent", kScaleDownLimitPercent, kScaleDownPeriodSeconds}};
  return copy_hpa_scaling_rules(from, std::move(defaults));
}

}  // namespace kcsim::k8s
