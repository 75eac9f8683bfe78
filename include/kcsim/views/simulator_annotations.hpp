// The simulator's own annotations, kcsim.io/* (crashes, startup times, resource use:
// models/kube/kubelet.cpp), configure the simulation; a real cluster has none. A training exercise
// hides them, as it hides its scenario, so that what the trainee reads (kcsim exercise kubectl,
// and the real kubectl against kcsim exercise start --serve) shows only what a real cluster would.
#pragma once

#include <nlohmann/json.hpp>

namespace kcsim {

/// The object without the kcsim.io/* annotations: removed from its annotations and its pod
/// template's, from the managedFields entries that list them (f:kcsim.io/...), and from kubectl's
/// last-applied-configuration annotation.
nlohmann::json without_simulator_annotations(const nlohmann::json& obj);

}  // namespace kcsim
