// The usage model: how much CPU and memory each container of a running pod uses, as the kubelet's
// resource metrics endpoint (/metrics/resource: cAdvisor's container_cpu_usage_seconds_total and
// container_memory_working_set_bytes) would report it. kcsim has no processes, so usage is a
// model (docs/models/metrics-server.md, "Usage"):
//
//   CPU (cumulative)  = ∫ cpu(t) dt + cpuPerRequest × requests completed + cpuPerInFlight × ∫ in-flight dt
//   memory (now)      = memory(t) + memoryPerInFlight × requests in flight
//
// cpu(t) and memory(t) are a constant or a profile over scenario time ("steps 0s=100m 10m=400m",
// "ramp 0s=100m 30m=800m"); the request terms come from the traffic model through PodLoad
// (include/kcsim/apiserver/pod_load.hpp) and go to the container that serves the traffic (the
// first, or kcsim.io/usage-container). Each term is set cluster-wide in
// settings.metrics-server.usage and per pod (template) by kcsim.io/* annotations. Integer
// arithmetic throughout: CPU in millicore-microseconds, memory in bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/apiserver/pod_load.hpp"
#include "kcsim/core/time.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim::models {

/// A usage level over scenario time.
class UsageProfile {
 public:
  /// "250m" (constant), "steps 0s=100m 10m=400m" (each value holds from its instant; before the
  /// first, the first), "ramp 0s=100m 30m=800m" (linear between points, flat outside). `bytes`:
  /// values are memory quantities in bytes (Quantity.Value), else CPU in millicores. nullopt with
  /// `why` set when the text does not parse.
  static std::optional<UsageProfile> parse(const std::string& text, bool bytes, std::string* why);
  static UsageProfile constant(std::int64_t value);

  std::int64_t at(SimTime t) const;
  /// The integral of the level over [a, b], in value × microseconds (exact, rounded down).
  std::int64_t integral(SimTime a, SimTime b) const;

 private:
  struct Point {
    SimTime at;
    std::int64_t value;
  };
  bool ramp_ = false;
  std::vector<Point> points_;  // at least one, increasing instants
};

/// The terms of the usage model for one container (or the defaults of settings.metrics-server.usage).
struct UsageTerms {
  UsageProfile cpu = UsageProfile::constant(0);  // millicores
  std::int64_t cpu_per_request = 0;              // millicore-seconds of CPU per completed request
  std::int64_t cpu_per_in_flight = 0;            // millicores per request in service
  std::optional<UsageProfile> memory;            // bytes; unset: the container's memory request
  std::int64_t memory_per_in_flight = 0;         // bytes per request in service
};

/// The kcsim.io/* annotations of the usage model, on a pod or its template.
inline constexpr const char* kUsageContainerAnnotation = "kcsim.io/usage-container";
inline constexpr const char* kCpuAnnotation = "kcsim.io/cpu";
inline constexpr const char* kCpuPerRequestAnnotation = "kcsim.io/cpu-per-request";
inline constexpr const char* kCpuPerInFlightAnnotation = "kcsim.io/cpu-per-inflight";
inline constexpr const char* kMemoryAnnotation = "kcsim.io/memory";
inline constexpr const char* kMemoryPerInFlightAnnotation = "kcsim.io/memory-per-inflight";

/// Reads one term ("cpu", "cpuPerRequest", "cpuPerInFlight", "memory", "memoryPerInFlight") from
/// its text into `terms`. Returns an error text ("" when it parsed).
std::string set_usage_term(UsageTerms& terms, const std::string& term, const json& value);

/// The terms of a pod's serving container: `defaults` overridden by the pod's annotations. An
/// annotation that does not parse keeps the default (the scenario's manifests are checked up front).
UsageTerms usage_terms_for(const json& pod, const UsageTerms& defaults);

/// Checks the usage annotations of a manifest (a Pod, or a workload's pod template); returns
/// {JSON pointer below `pointer`, error} of the first bad one, or an empty pointer.
std::pair<std::string, std::string> check_usage_annotations(const json& manifest, const std::string& pointer);

/// One container's point as the kubelet reports it at a scrape.
struct ContainerPoint {
  std::string name;
  SimTime start{};                  // state.running.startedAt
  std::int64_t cpu_cumulative = 0;  // millicore-microseconds since start
  std::int64_t memory_bytes = 0;    // working set now
};

/// The points of a pod's running containers at `now` (none when the pod is not Running).
/// `load`: the pod's request counters (nullopt: no request reached it).
std::vector<ContainerPoint> measure_pod(const json& pod, const UsageTerms& defaults,
                                        const std::optional<PodLoad::Counters>& load, std::int64_t epoch_unix_seconds,
                                        SimTime now);

}  // namespace kcsim::models
