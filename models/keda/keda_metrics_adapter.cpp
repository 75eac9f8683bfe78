#include "keda_metrics_adapter.hpp"

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"
#include "keda_scalers.hpp"

namespace kcsim::keda {
namespace {

json::json_pointer scaled_object_label() {
  return json::json_pointer("/matchLabels/" + escape_pointer_token(kScaledObjectNameLabel));
}

}  // namespace

bool KedaMetricsAdapter::serves(const json& selector) const {
  const json::json_pointer so_label = scaled_object_label();
  return selector.is_object() && selector.contains(so_label) && selector.at(so_label).is_string();
}

std::optional<std::int64_t> KedaMetricsAdapter::get(const std::string& ns, const std::string& metric,
                                                    const json& selector, std::string& error) {
  const std::string so_name = selector.at(scaled_object_label()).get<std::string>();
  ObjectPtr so = world_.api().get(ObjectRef{"ScaledObject", ns, so_name});
  if (!so) {
    error = fmt::format("unable to fetch metrics from external metrics API: scaledobjects.keda.sh \"{}\" not found",
                        so_name);
    return std::nullopt;
  }
  std::string why;
  auto triggers = read_triggers(*so, world_.api(), &why);
  if (!triggers) {
    error = "unable to fetch metrics from external metrics API: " + why;
    return std::nullopt;
  }
  for (const Trigger& t : *triggers) {
    if (t.hpa_metric != metric) continue;
    if (auto sample = world_.metrics().read(t.source_metric)) return to_milli(sample->value);
    // pkg/fallback/fallback.go: after more than failureThreshold failures, the adapter answers
    // fallback.replicas × target instead of the error.
    const json::json_pointer fb("/spec/fallback");
    const json::json_pointer health("/status/health/" + escape_pointer_token(metric) + "/numberOfFailures");
    if (so->contains(fb) && so->at(fb).is_object()) {
      const json& f = so->at(fb);
      const std::int64_t replicas = f.value("replicas", 0);
      const std::int64_t threshold = f.value("failureThreshold", 0);
      const std::int64_t failures =
          so->contains(health) && so->at(health).is_number_integer() ? so->at(health).get<std::int64_t>() : 0;
      if (replicas > 0 && failures > threshold) return to_milli(t.target) * replicas;
    }
    error = fmt::format("unable to fetch metrics from external metrics API: error getting metric {} from scaler: "
                        "no value published for {}", metric, t.source_metric);
    return std::nullopt;
  }
  error = fmt::format("unable to fetch metrics from external metrics API: no matching metrics found for {}", metric);
  return std::nullopt;
}

}  // namespace kcsim::keda
