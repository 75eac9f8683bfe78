// `describe hpa` (sim/views/kubectl_describe.hpp): k8s.io/kubectl v0.32.0 pkg/describe/describe.go
// describeHorizontalPodAutoscalerV2 and printDirectionBehavior. kubectl reads the autoscaling/v2
// form, which is how kcsim stores HorizontalPodAutoscalers; quantities print as stored (the
// models write them in canonical form, as Quantity.String() would).
#include <fmt/format.h>

#include "kubectl_describe.hpp"

namespace kcsim::kubectl_detail {
namespace {

// Go's %q for a plain metric name.
std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// (*resource.Quantity).String(): "<nil>" for an absent quantity.
std::string quantity_or_nil(const json* q) { return q && !q->is_null() ? quantity_str(q) : "<nil>"; }

// The i-th entry of status.currentMetrics, if it has the member `source` ("external", "pods", ...).
const json* current_of(const json& hpa, std::size_t i, const char* source) {
  const json& current = array_at(hpa, {"status", "currentMetrics"});
  if (i >= current.size()) return nullptr;
  const json* s = at(current[i], {source});
  return s && s->is_object() ? s : nullptr;
}

void describe_metric(PrefixWriter& w, const json& hpa, const json& metric, std::size_t i) {
  const std::string type = str(metric, {"type"});
  if (type == "External") {
    const json* cur = current_of(hpa, i, "external");
    const std::string name = go_quote(str(metric, {"external", "metric", "name"}));
    if (const json* avg = at(metric, {"external", "target", "averageValue"}); avg && !avg->is_null()) {
      std::string current = "<unknown>";
      if (cur && at(*cur, {"current", "averageValue"})) current = quantity_str(at(*cur, {"current", "averageValue"}));
      w.write(1, fmt::format("{} (target average value):\t{} / {}\n", name, current, quantity_str(avg)));
    } else {
      std::string current = "<unknown>";
      if (cur) current = quantity_or_nil(at(*cur, {"current", "value"}));
      w.write(1, fmt::format("{} (target value):\t{} / {}\n", name, current, quantity_or_nil(at(metric, {"external", "target", "value"}))));
    }
  } else if (type == "Pods") {
    const json* cur = current_of(hpa, i, "pods");
    const std::string current = cur ? quantity_or_nil(at(*cur, {"current", "averageValue"})) : "<unknown>";
    w.write(1, fmt::format("{} on pods:\t{} / {}\n", go_quote(str(metric, {"pods", "metric", "name"})), current,
                           quantity_or_nil(at(metric, {"pods", "target", "averageValue"}))));
  } else if (type == "Object") {
    const json* cur = current_of(hpa, i, "object");
    w.write(1, fmt::format("\"{}\" on {}/{} ", str(metric, {"object", "metric", "name"}), str(metric, {"object", "describedObject", "kind"}),
                           str(metric, {"object", "describedObject", "name"})));
    if (str(metric, {"object", "target", "type"}) == "AverageValue") {
      const std::string current = cur ? quantity_or_nil(at(*cur, {"current", "averageValue"})) : "<unknown>";
      w.write(0, fmt::format("(target average value):\t{} / {}\n", current, quantity_or_nil(at(metric, {"object", "target", "averageValue"}))));
    } else {
      const std::string current = cur ? quantity_or_nil(at(*cur, {"current", "value"})) : "<unknown>";
      w.write(0, fmt::format("(target value):\t{} / {}\n", current, quantity_or_nil(at(metric, {"object", "target", "value"}))));
    }
  } else if (type == "Resource" || type == "ContainerResource") {
    const bool container = type == "ContainerResource";
    const char* key = container ? "containerResource" : "resource";
    const json& source = *at(metric, {key});
    const json* cur = current_of(hpa, i, key);
    if (container)
      w.write(1, fmt::format("resource {} of container \"{}\" on pods", str(source, {"name"}), str(source, {"container"})));
    else
      w.write(1, fmt::format("resource {} on pods", str(source, {"name"})));
    if (const json* avg = at(source, {"target", "averageValue"}); avg && !avg->is_null()) {
      const std::string current = cur ? quantity_or_nil(at(*cur, {"current", "averageValue"})) : "<unknown>";
      w.write(0, fmt::format(":\t{} / {}\n", current, quantity_str(avg)));
    } else {
      std::string current = "<unknown>";
      if (cur && at(*cur, {"current", "averageUtilization"}))
        current = fmt::format("{}% ({})", integer(*cur, {"current", "averageUtilization"}), quantity_or_nil(at(*cur, {"current", "averageValue"})));
      std::string target = "<auto>";
      if (at(source, {"target", "averageUtilization"})) target = fmt::format("{}%", integer(source, {"target", "averageUtilization"}));
      // LEVEL_1 after text on the same line: upstream indents the rest of the line by two spaces.
      w.write(1, fmt::format("(as a percentage of request):\t{} / {}\n", current, target));
    }
  } else {
    w.write(1, fmt::format("<unknown metric type {}>\n", go_quote(type)));
  }
}

// printDirectionBehavior.
void describe_direction(PrefixWriter& w, const std::string& direction, const json* rules) {
  if (!rules || !rules->is_object()) return;
  w.write(1, direction + ":\n");
  if (at(*rules, {"stabilizationWindowSeconds"}))
    w.write(2, fmt::format("Stabilization Window: {} seconds\n", integer(*rules, {"stabilizationWindowSeconds"})));
  if (const json& policies = array_at(*rules, {"policies"}); !policies.empty()) {
    w.write(2, "Select Policy: " + str(*rules, {"selectPolicy"}, "Max") + "\n");
    w.write(2, "Policies:\n");
    for (const json& p : policies)
      w.write(3, fmt::format("- Type: {}\tValue: {}\tPeriod: {} seconds\n", str(p, {"type"}), integer(p, {"value"}), integer(p, {"periodSeconds"})));
  }
}

}  // namespace

std::string describe_hpa(const Ctx& ctx, const json& hpa, bool show_events) {
  PrefixWriter w;
  describe_object_header(w, hpa);
  w.write(0, "CreationTimestamp:\t" + rfc1123z(unix_us(at(hpa, {"metadata", "creationTimestamp"})).value_or(0) / 1000000) + "\n");
  const std::string kind = str(hpa, {"spec", "scaleTargetRef", "kind"});
  w.write(0, "Reference:\t" + kind + "/" + str(hpa, {"spec", "scaleTargetRef", "name"}) + "\n");
  w.write(0, "Metrics:\t( current / target )\n");
  const json& metrics = array_at(hpa, {"spec", "metrics"});
  for (std::size_t i = 0; i < metrics.size(); ++i) describe_metric(w, hpa, metrics[i], i);
  w.write(0, "Min replicas:\t" + (at(hpa, {"spec", "minReplicas"}) ? std::to_string(integer(hpa, {"spec", "minReplicas"})) : std::string("<unset>")) + "\n");
  w.write(0, fmt::format("Max replicas:\t{}\n", integer(hpa, {"spec", "maxReplicas"})));
  if (const json* b = at(hpa, {"spec", "behavior"}); b && b->is_object()) {
    w.write(0, "Behavior:\n");
    describe_direction(w, "Scale Up", at(*b, {"scaleUp"}));
    describe_direction(w, "Scale Down", at(*b, {"scaleDown"}));
  }
  w.write(0, fmt::format("{} pods:\t{} current / {} desired\n", kind, integer(hpa, {"status", "currentReplicas"}),
                         integer(hpa, {"status", "desiredReplicas"})));
  if (const json& conds = array_at(hpa, {"status", "conditions"}); !conds.empty()) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tReason\tMessage\n");
    w.write(1, "----\t------\t------\t-------\n");
    for (const json& c : conds)
      w.write(1, fmt::format("{}\t{}\t{}\t{}\n", str(c, {"type"}), str(c, {"status"}), str(c, {"reason"}), str(c, {"message"})));
  }
  if (show_events) describe_events(w, ctx, events_for(ctx, hpa));
  return tabbed_string(w);
}

}  // namespace kcsim::kubectl_detail
