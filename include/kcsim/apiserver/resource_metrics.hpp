// The resource metrics API (metrics.k8s.io/v1beta1 PodMetrics) as metrics-server serves it: for
// each pod it could compute usage for, the usage of each container over a window that ends at the
// pod's timestamp. The metrics-server model (models/metrics-server/metrics_server.cpp) writes it
// at every scrape; the HPA's resource metrics client and `kcsim kubectl top pod` read it. A World
// service (world.hpp, docs/architecture.md "Services"): it exists only in a run with a
// metrics-server, as the API exists only in a cluster with one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kcsim/core/time.hpp"

namespace kcsim {

class ResourceMetricsApi {
 public:
  struct ContainerMetrics {
    std::string name;
    std::int64_t cpu_milli = 0;     // millicores (Quantity.MilliValue of usage["cpu"])
    std::int64_t memory_bytes = 0;  // bytes (Quantity.Value of usage["memory"])
  };
  struct PodMetrics {
    SimTime timestamp{};  // the end of the window (the last scrape of the pod)
    Duration window{};    // the time between the two points the CPU rate comes from
    std::vector<ContainerMetrics> containers;
  };
  using Key = std::pair<std::string, std::string>;  // namespace, name

  /// The PodMetrics of one pod, or null (no metrics yet, or not running).
  const PodMetrics* pod(const std::string& ns, const std::string& name) const {
    auto it = pods_.find(Key{ns, name});
    return it == pods_.end() ? nullptr : &it->second;
  }
  /// Every pod with metrics, ordered by (namespace, name).
  const std::map<Key, PodMetrics>& pods() const { return pods_; }
  /// metrics-server's storage after a scrape: the new set replaces the old one.
  void replace(std::map<Key, PodMetrics> pods) { pods_ = std::move(pods); }

 private:
  std::map<Key, PodMetrics> pods_;
};

}  // namespace kcsim
