// The simulated cluster at one instant, as `kcsim kubectl` and `kcsim serve` show it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim::cli {

/// Why `--at instant` cannot be shown ("--at 7h is after the end of the scenario (6h0m0s) ..."),
/// or nothing when it can.
std::optional<std::string> instant_problem(Duration instant, const Scenario& scenario);

/// Prints the scenario's warnings (unknown fields) on stderr, then runs it up to `instant`.
/// Throws std::runtime_error (exit 3) when the run stops at the event limit first.
std::unique_ptr<World> world_at(Scenario scenario, Duration instant, RunLimits limits);

}  // namespace kcsim::cli
