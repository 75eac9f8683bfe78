// The HPA's replica calculator for Resource and ContainerResource metrics, as a pure function of
// the pods and their samples: kubernetes pkg/controller/podautoscaler/replica_calculator.go
// (GetResourceReplicas, GetRawResourceReplicas → calcPlainMetricReplicas, groupPods,
// calculateRequests) and metrics/utilization.go (GetResourceUtilizationRatio,
// GetMetricUsageRatio), kubernetes master as read in 2026 (the per-direction tolerances of v1.33
// are one tolerance here, the HPAConfigurableTolerance gate being off by default). Used by the HPA
// controller (hpa_controller.cpp) and by the conformance test of upstream's own cases
// (tests/unit/replica_calculator_conformance_test.cpp). docs/models/keda-hpa.md, "Resource metrics".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <map>

#include "kcsim/apiserver/resource_metrics.hpp"
#include "kcsim/core/time.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// One pod's sample from the resource metrics API (metricsclient.PodMetric).
struct ResourceSample {
  std::int64_t value = 0;  // milli-units (Quantity.MilliValue)
  SimTime timestamp{};
  Duration window{};
};

/// What the calculator reads of one pod selected by the target's selector.
struct ResourcePod {
  std::string name;
  std::string phase;                   // status.phase
  bool deleting = false;               // metadata.deletionTimestamp set
  std::optional<SimTime> start_time;   // status.startTime
  bool has_ready_condition = false;
  std::string ready_status;            // the Ready condition's status: True, False, Unknown
  SimTime ready_transition{};          // its lastTransitionTime
  std::int64_t request = 0;            // milli-units, summed as calculateRequests does
  std::string request_error;           // calculateRequests' error for this pod, if any
};

/// The samples of the metrics client, by pod name (metricsclient.PodMetricsInfo). It may hold
/// pods the pod lister does not (a pod just deleted): upstream keeps those, and so does kcsim.
using ResourceSamples = std::map<std::string, ResourceSample>;

/// What the calculator reads of a Pod object: phase, deletion, start time, the Ready condition
/// and the request of `resource` (of `container`, or summed over the containers and the restartable
/// init containers, as calculateRequests), times from the scenario's epoch.
ResourcePod resource_pod(const json& pod, const std::string& resource, const std::string& container,
                         std::int64_t epoch_unix_seconds);

/// GetResourceMetric over the PodMetrics the API lists for the selector (`listed`, each with its
/// pod's name): getContainerMetrics for a container, else getPodMetrics (the sum over containers).
/// nullopt with `error` set as the client words it (nothing listed).
std::optional<ResourceSamples> resource_samples(
    const std::vector<std::pair<std::string, const ResourceMetricsApi::PodMetrics*>>& listed, const std::string& ns,
    const std::string& resource, const std::string& container, std::string& error);

struct ResourceProposal {
  std::int32_t replicas = 0;
  std::int32_t utilization = 0;  // percent of request (utilization targets only)
  std::int64_t raw = 0;          // average usage per pod, milli-units
  std::string error;             // the calculator's error text; empty when it computed
};

struct ResourceCalculator {
  double tolerance = 0.1;                              // --horizontal-pod-autoscaler-tolerance
  Duration cpu_initialization_period = minutes(5);     // --horizontal-pod-autoscaler-cpu-initialization-period
  Duration initial_readiness_delay = seconds(30);      // --horizontal-pod-autoscaler-initial-readiness-delay

  /// GetResourceReplicas (after the metrics client returned): a target utilization in percent.
  ResourceProposal utilization_replicas(std::int32_t current, std::int32_t target_utilization,
                                        const std::string& resource, const std::vector<ResourcePod>& pods,
                                        const ResourceSamples& samples, SimTime now) const;
  /// GetRawResourceReplicas: a target average value in milli-units.
  ResourceProposal raw_replicas(std::int32_t current, std::int64_t target, const std::string& resource,
                                const std::vector<ResourcePod>& pods, const ResourceSamples& samples,
                                SimTime now) const;
};

}  // namespace kcsim
