// A synthetic cluster of N services for scale runs and benchmarks (`kcsim generate fleet`):
// mixed traffic, KEDA (ScaledObject or the HTTP add-on's HTTPScaledObject) or HPA autoscaling,
// every service deployed by an ArgoCD Application from one Git repository, a chosen share of
// them with the six-minute-loop fight.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kcsim/scenario/scenario.hpp"

namespace kcsim {

struct FleetOptions {
  int services = 100;
  std::uint64_t seed = 1;
  /// Share of services whose Application lacks the ignoreDifferences fix, so that ArgoCD's
  /// self-heal fights their autoscaler over /spec/replicas (the six-minute loop). The count is
  /// round(services × fight_fraction), the services drawn from the seed.
  double fight_fraction = 0.1;
  /// Share of services scaled by the KEDA HTTP add-on (HTTPScaledObject, traffic through the
  /// interceptor); the others are split evenly between a KEDA ScaledObject and a plain HPA.
  double http_fraction = 0.4;
  /// "mixed" (idle, Poisson, bursts and diurnal in equal shares) or one of those four for all.
  std::string traffic = "mixed";
  /// The scenario's duration (a Go duration).
  std::string duration = "24h";
};

/// What the generator decided for one service (the scenario holds the same facts as objects).
struct FleetService {
  std::string ns;
  std::string name;
  std::string autoscaler;  // "http-add-on", "keda", "hpa"
  std::string traffic;     // "idle", "poisson", "bursts", "diurnal"
  bool fight = false;
};

struct Fleet {
  json scenario;  // a complete scenario document (docs/scenario-format.md)
  std::vector<FleetService> services;
};

/// Builds the fleet; the same options give the same document. Throws InputError (file
/// "kcsim generate fleet") for out-of-range options.
Fleet generate_fleet(const FleetOptions& options);

}  // namespace kcsim
