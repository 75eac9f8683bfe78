// The external metrics API (external.metrics.k8s.io) as the HPA's external metrics client
// (kubernetes pkg/controller/podautoscaler/metrics/client.go GetExternalMetric) reaches it: an
// APIService served by an adapter. In kcsim KEDA's metrics adapter (keda-operator-metrics-apiserver,
// models/keda/keda_metrics_adapter.cpp) serves the metrics whose selector names a ScaledObject;
// any other External metric is read by its name from ExternalMetrics (external_metrics.hpp), the
// stand-in for a generic adapter. A World service (world.hpp, docs/architecture.md "Services"),
// provided by the model that serves the adapter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kcsim {

class ExternalMetricsAdapter {
 public:
  virtual ~ExternalMetricsAdapter() = default;
  /// Whether this adapter serves a metric with this metricSelector (a LabelSelector as JSON).
  virtual bool serves(const nlohmann::json& selector) const = 0;
  /// The sum of the metric's values in milli-units, or nullopt with `error` set as the API
  /// answers ("unable to fetch metrics from external metrics API: ...").
  virtual std::optional<std::int64_t> get(const std::string& ns, const std::string& metric,
                                          const nlohmann::json& selector, std::string& error) = 0;
};

class ExternalMetricsApi {
 public:
  /// Registers an adapter (not owned: the model that serves it outlives every query).
  void add(ExternalMetricsAdapter* adapter) { adapters_.push_back(adapter); }
  /// The first adapter that serves the selector, or null.
  ExternalMetricsAdapter* adapter_for(const nlohmann::json& selector) const {
    for (ExternalMetricsAdapter* a : adapters_)
      if (a->serves(selector)) return a;
    return nullptr;
  }

 private:
  std::vector<ExternalMetricsAdapter*> adapters_;
};

}  // namespace kcsim
