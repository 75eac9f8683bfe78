// The work each pod does, as counters: what the kubelet's resource metrics (cAdvisor's cumulative
// CPU time and working set) are derived from in kcsim. The traffic model counts the requests a pod
// serves as it serves them; the usage model (models/kube/container_usage.hpp) turns the counters
// into CPU and memory usage when metrics-server scrapes. Not an API object in Kubernetes either:
// a World service (world.hpp, docs/architecture.md "Services"), provided by the metrics-server
// model, so that a run without one counts nothing.
//
// The traffic hot path only touches a preallocated slot (no allocation per request); the time
// integral of the requests in service is kept exactly, in microseconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/core/time.hpp"

namespace kcsim {

class PodLoad {
 public:
  struct Counters {
    std::uint32_t in_flight = 0;    // requests a pod is working on now
    std::uint64_t completed = 0;    // requests whose service finished (the pod did their work)
    std::int64_t in_flight_us = 0;  // the integral of in_flight over time, in microseconds
    SimTime at{};                   // the instant in_flight_us is brought up to
  };

  /// The slot of a pod ("namespace/name"), created on first use: once per pod, never per request.
  std::uint32_t slot(const std::string& ns, const std::string& name) {
    const std::string key = ns + "/" + name;
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    const auto s = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
    index_.emplace(key, s);
    return s;
  }
  /// A request enters service at the pod.
  void started(std::uint32_t slot, SimTime now) {
    Counters& c = advance(slot, now);
    ++c.in_flight;
  }
  /// A request leaves service: `completed` when the pod finished its work (not when it was cut off).
  void finished(std::uint32_t slot, SimTime now, bool completed) {
    Counters& c = advance(slot, now);
    if (c.in_flight > 0) --c.in_flight;
    if (completed) ++c.completed;
  }
  /// A pod's counters brought up to `now`; nullopt when no request ever reached it.
  std::optional<Counters> read(const std::string& ns, const std::string& name, SimTime now) const {
    auto it = index_.find(ns + "/" + name);
    if (it == index_.end()) return std::nullopt;
    Counters c = slots_[it->second];
    c.in_flight_us += static_cast<std::int64_t>(c.in_flight) * (now - c.at).count();
    c.at = now;
    return c;
  }

 private:
  Counters& advance(std::uint32_t slot, SimTime now) {
    Counters& c = slots_[slot];
    c.in_flight_us += static_cast<std::int64_t>(c.in_flight) * (now - c.at).count();
    c.at = now;
    return c;
  }

  std::vector<Counters> slots_;
  std::map<std::string, std::uint32_t> index_;
};

}  // namespace kcsim
