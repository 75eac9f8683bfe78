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

void add_run_options(boost::program_options::options_description& opts, Natural& seed) {
  namespace po = boost::program_options;
  opts.add_options()
      ("seed", po::value(&seed), "random seed; default: the scenario's")
      ("max-events", po::value<Natural>(), "stop with status 3 after this many events (default 200000000)");
}

std::variant<InstantRun, int> prepare_instant_run(const std::string& scenario_path, const std::string& at,
                                                  const Natural& seed, const boost::program_options::variables_map& vm) {
  InstantRun run{load_scenario(scenario_path), read_duration(json(at), "--at", ""), {}};
  if (const auto problem = instant_problem(run.instant, run.scenario)) return usage_error(*problem);
  if (vm.count("seed")) run.scenario.seed = seed.value;
  if (vm.count("max-events")) run.limits.max_events = vm["max-events"].as<Natural>().value;
  return run;
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
