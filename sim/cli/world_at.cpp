#include "world_at.hpp"

#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "kcsim/scenario/scenario.hpp"

namespace kcsim::cli {

std::optional<std::string> instant_problem(Duration instant, const Scenario& scenario) {
  if (instant <= scenario.duration) return std::nullopt;
  return fmt::format("--at {} is after the end of the scenario ({}); raise its \"duration\" or pick an earlier instant",
                     format_go_duration(instant), format_go_duration(scenario.duration));
}

std::unique_ptr<World> world_at(Scenario scenario, Duration instant, RunLimits limits) {
  for (const ReadWarning& w : scenario_warnings(scenario)) std::cerr << "kcsim: warning: " << w.str() << "\n";
  auto world = std::make_unique<World>(std::move(scenario), limits);
  if (world->run(SimTime{instant}) == StopReason::kEventLimit)
    throw std::runtime_error(fmt::format(
        "{}: the run stopped at the event limit ({} events) at t = {}: a controller is probably writing in a tight loop",
        world->scenario().file, limits.max_events, format_go_duration(world->engine().now().time_since_epoch())));
  return world;
}

}  // namespace kcsim::cli
