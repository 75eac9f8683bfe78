// KEDA's metrics adapter (keda-operator-metrics-apiserver; kedacore/keda pkg/provider/provider.go
// GetExternalMetric, pkg/fallback/fallback.go): serves the external metrics of the HPAs KEDA
// creates, whose metricSelector carries scaledobject.keda.sh/name. It finds the ScaledObject, the
// trigger whose HPA metric name ("s<i>-...") matches, and returns that trigger's source metric
// (keda_scalers.hpp); with spec.fallback, fallback.replicas × target once status.health counts
// more than failureThreshold failures. The KEDA model registers it with the external metrics API
// (include/kcsim/apiserver/external_metrics_api.hpp).
#pragma once

#include "kcsim/apiserver/external_metrics_api.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim::keda {

class KedaMetricsAdapter final : public ExternalMetricsAdapter {
 public:
  explicit KedaMetricsAdapter(World& world) : world_(world) {}
  bool serves(const json& selector) const override;
  std::optional<std::int64_t> get(const std::string& ns, const std::string& metric, const json& selector,
                                  std::string& error) override;

 private:
  World& world_;
};

}  // namespace kcsim::keda
