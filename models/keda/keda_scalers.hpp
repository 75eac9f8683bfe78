// KEDA's scalers as kcsim sees them: which external metric a ScaledObject trigger reads, what it
// is called in the HPA KEDA generates, its target and its activation rule. Shared by the KEDA
// operator (models/keda/keda_operator.cpp), which polls the triggers, and the HPA controller
// (models/kube/hpa_controller.cpp), whose External metrics KEDA's metrics adapter serves.
//
// Trigger types understood (kedacore/keda controllers/keda/hpa.go getScaledObjectMetricSpecs,
// pkg/scalers/; http-add-on pkg/k8s/scaledobject.go, scaler/handlers.go; activation thresholds:
// https://keda.sh/docs/2.17/concepts/scaling-deployments/#activating-and-scaling-thresholds):
//
//  - "kcsim-metric": a generic metric of the metric-source model (standing in for Prometheus, SQS,
//    cron ...). metadata: metricName (required), threshold (the HPA target, required as in
//    KEDA's metric scalers), activationThreshold (default 0). Active iff
//    value > activationThreshold (strict, as pkg/scalers/prometheus_scaler.go). HPA metric name
//    "s<i>-<normalized metricName>".
//  - "prometheus": a real KEDA Prometheus trigger pasted unchanged. The metric-source series it
//    reads is named by metadata.query, verbatim. Same activation rule; HPA metric name
//    "s<i>-prometheus" (prometheus_scaler.go GetMetricSpecForScaling).
//  - "external-push" / "external": the HTTP add-on's external scaler. metadata: scalerAddress,
//    httpScaledObject: NAME. Reads metric "http-<namespace>/<NAME>" published by the add-on
//    model; active is the published activity flag (KEDA applies no threshold:
//    pkg/scalers/external_scaler.go). The target is the add-on's GetMetricSpec answer, read from
//    the HTTPScaledObject (targetPendingRequests, default 100, overridden by
//    scalingMetric.concurrency.targetValue, overridden by scalingMetric.requestRate.targetValue;
//    http-add-on scaler/handlers.go). HPA metric name "s<i>-http-<ns>_002F<name>" (handlers.go
//    GetMetricSpec).
//    "external-push" also subscribes to the push stream; "external" is polled only.
//  - "cpu" / "memory": a Resource metric in the HPA (metadata.value, metricType Utilization by
//    default). They have no activity of their own; if every trigger is cpu/memory the
//    ScaledObject is always active (scale_handler.go getScaledObjectState).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/external_metrics.hpp"

namespace kcsim::keda {

inline constexpr const char* kScaledObjectNameLabel = "scaledobject.keda.sh/name";

struct Trigger {
  std::size_t index = 0;
  std::string type;
  std::string source_metric;  // key in ExternalMetrics ("" for cpu/memory)
  std::string hpa_metric;     // External metric name in the HPA ("" for cpu/memory)
  std::string metric_type = "AverageValue";  // AverageValue | Value | Utilization (cpu/memory)
  double target = 0.0;
  double activation = 0.0;
  bool push = false;          // external-push: subscribes to the stream
  bool uses_flag = false;     // activity is the published flag, not value > activation
  bool resource = false;      // cpu / memory
};

/// A number given as a JSON number or a numeric string (KEDA metadata values are strings).
inline std::optional<double> parse_number(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(d)) return std::nullopt;
  return d;
}

/// pkg/util/normalize_string.go NormalizeString (KEDA main): / . : % ( ) become '-'.
inline std::string normalize(std::string s) {
  for (char& c : s)
    if (c == '/' || c == '.' || c == ':' || c == '%' || c == '(' || c == ')') c = '-';
  return s;
}

/// The add-on's metric name escaping: '/' becomes "_002F" (http-add-on scaler/handlers.go).
inline std::string escape_http_metric(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '/') out += "_002F";
    else out += c;
  }
  return out;
}

/// obj[key] when obj is an object and the value a string, else "" (never throws).
inline std::string str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

inline std::string metadata_string(const json& md, const char* key) {
  if (!md.is_object() || !md.contains(key)) return "";
  const json& v = md[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return "";
}

/// The target the HTTP add-on's GetMetricSpec reports for an HTTPScaledObject.
inline double http_target(const ApiServer& api, const std::string& ns, const std::string& name) {
  double target = 100.0;
  ObjectPtr hso = api.get(ObjectRef{"HTTPScaledObject", ns, name});
  if (!hso) return target;
  const json spec = hso->value("spec", json::object());
  if (!spec.is_object()) return target;
  if (spec.contains("targetPendingRequests"))
    if (auto n = parse_number(spec["targetPendingRequests"])) target = *n;
  const json::json_pointer conc("/scalingMetric/concurrency/targetValue");
  const json::json_pointer rate("/scalingMetric/requestRate/targetValue");
  if (spec.contains(conc))
    if (auto n = parse_number(spec.at(conc))) target = *n;
  if (spec.contains(rate))
    if (auto n = parse_number(spec.at(rate))) target = *n;
  return target;
}

/// Reads spec.triggers of a ScaledObject. On an invalid trigger, returns nullopt and says why in
/// `error` (KEDA's "ScaledObject doesn't have correct triggers specification").
inline std::optional<std::vector<Trigger>> read_triggers(const json& so, const ApiServer& api,
                                                         std::string* error = nullptr) {
  auto fail = [&](const std::string& why) -> std::optional<std::vector<Trigger>> {
    if (error) *error = why;
    return std::nullopt;
  };
  const std::string ns = so.at("metadata").value("namespace", "default");
  const json::json_pointer p("/spec/triggers");
  if (!so.contains(p) || !so.at(p).is_array() || so.at(p).empty())
    return fail("no triggers defined in the ScaledObject/ScaledJob");
  std::vector<Trigger> out;
  const json& list = so.at(p);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& t = list[i];
    if (!t.is_object() || !t.contains("type") || !t["type"].is_string())
      return fail("triggers[" + std::to_string(i) + "].type must be a string");
    Trigger tr;
    tr.index = i;
    tr.type = t["type"].get<std::string>();
    const json md = t.value("metadata", json::object());
    if (!md.is_object()) return fail("triggers[" + std::to_string(i) + "].metadata must be an object");
    if (t.contains("metricType")) {
      if (!t["metricType"].is_string())
        return fail("triggers[" + std::to_string(i) + "].metricType must be a string");
      tr.metric_type = t["metricType"].get<std::string>();
    }
    const std::string prefix = "s" + std::to_string(i) + "-";
    if (tr.type == "cpu" || tr.type == "memory") {
      tr.resource = true;
      if (!t.contains("metricType")) tr.metric_type = "Utilization";
      auto v = parse_number(md.value("value", json()));
      if (!v) return fail("no value given in metadata of " + tr.type + " trigger");
      tr.target = *v;
      out.push_back(std::move(tr));
      continue;
    }
    if (tr.metric_type != "AverageValue" && tr.metric_type != "Value")
      return fail("metricType " + tr.metric_type +
                  " is not supported for external metrics (use AverageValue or Value)");
    if (tr.type == "kcsim-metric" || tr.type == "prometheus") {
      const char* key = tr.type == "prometheus" ? "query" : "metricName";
      tr.source_metric = metadata_string(md, key);
      if (tr.source_metric.empty())
        return fail(std::string("no ") + key + " given in metadata of trigger " + std::to_string(i));
      tr.hpa_metric = prefix + (tr.type == "prometheus" ? std::string("prometheus") : normalize(tr.source_metric));
      auto th = parse_number(md.value("threshold", json()));
      if (!th) return fail("no threshold given in metadata of trigger " + std::to_string(i));
      tr.target = *th;
      if (md.contains("activationThreshold")) {
        auto a = parse_number(md["activationThreshold"]);
        if (!a) return fail("activationThreshold of trigger " + std::to_string(i) + " is not a number");
        tr.activation = *a;
      }
      out.push_back(std::move(tr));
      continue;
    }
    if (tr.type == "external-push" || tr.type == "external") {
      const std::string hso = metadata_string(md, "httpScaledObject");
      if (hso.empty())
        return fail("trigger " + std::to_string(i) + " (" + tr.type +
                    "): kcsim models only the HTTP add-on's external scaler; metadata.httpScaledObject is required");
      tr.source_metric = "http-" + ns + "/" + hso;
      tr.hpa_metric = prefix + escape_http_metric(tr.source_metric);
      tr.push = tr.type == "external-push";
      tr.uses_flag = true;
      tr.target = http_target(api, ns, hso);
      out.push_back(std::move(tr));
      continue;
    }
    return fail("no scaler found for type: " + tr.type);
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t j = i + 1; j < out.size(); ++j)
      if (!out[i].hpa_metric.empty() && out[i].hpa_metric == out[j].hpa_metric)
        return fail("metricName " + out[i].hpa_metric + " defined multiple times in ScaledObject");
  return out;
}

/// int64(x * 1000) as KEDA's GetMetricTargetMili (truncation toward zero).
inline std::int64_t to_milli(double x) { return static_cast<std::int64_t>(x * 1000.0); }

/// resource.Quantity's canonical DecimalSI form of a milli-value: "1500m", "2", "100k".
inline std::string format_milli_quantity(std::int64_t milli) {
  if (milli % 1000 != 0) return std::to_string(milli) + "m";
  std::int64_t v = milli / 1000;
  static const char* suffix[] = {"", "k", "M", "G", "T", "P", "E"};
  int e = 0;
  while (v != 0 && v % 1000 == 0 && e < 6) {
    v /= 1000;
    ++e;
  }
  return std::to_string(v) + suffix[e];
}

}  // namespace kcsim::keda
