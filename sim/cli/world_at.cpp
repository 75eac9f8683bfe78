#include "world_at.hpp"

#include <chrono>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "kcsim/cli/progress_line.hpp"
#include "kcsim/core/time.hpp"
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
      ("start-time", po::value<std::string>(),
       "the wall-clock time of t = 0 (RFC 3339 UTC, or `now`: the instant --at is the wall clock's "
       "now, so that ages kubectl computes itself read right); default: the scenario's startTime")
      ("max-events", po::value<Natural>(), "stop with status 3 after this many events (default 200000000)");
}

std::variant<InstantRun, int> prepare_instant_run(const std::string& scenario_path, const std::string& at,
                                                  const Natural& seed, const boost::program_options::variables_map& vm) {
  InstantRun run{load_scenario(scenario_path), read_duration(json(at), "--at", ""), {}};
  if (const auto problem = instant_problem(run.instant, run.scenario)) return usage_error(*problem);
  if (vm.count("seed")) run.scenario.seed = seed.value;
  if (vm.count("max-events")) run.limits.max_events = vm["max-events"].as<Natural>().value;
  if (vm.count("start-time")) {
    const std::string text = vm["start-time"].as<std::string>();
    if (text == "now") {
      // The one use of the wall clock in a run, asked for by name: the simulation itself is the
      // same run shifted in wall time (every instant is relative to t = 0).
      const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch()).count();
      run.scenario.epoch.unix_seconds =
          now_s - std::chrono::duration_cast<std::chrono::seconds>(run.instant).count();
    } else if (const auto t = parse_rfc3339(text)) {
      run.scenario.epoch.unix_seconds = *t;
    } else {
      return usage_error(fmt::format("--start-time {} is not a time: expected an RFC 3339 UTC time such as "
                                     "2026-01-01T12:00:00Z, or now", text));
    }
  }
  return run;
}

std::unique_ptr<World> world_at(Scenario scenario, Duration instant, RunLimits limits) {
  for (const ReadWarning& w : scenario_warnings(scenario)) std::cerr << "kcsim: warning: " << w.str() << "\n";
  auto world = std::make_unique<World>(std::move(scenario), limits);
  ProgressLine progress(world->scenario().file);
  if (run_to(*world, SimTime{instant}, &progress) == StopReason::kEventLimit)
    throw std::runtime_error(fmt::format(
        "{}: the run stopped at the event limit ({} events) at t = {}: a controller is probably writing in a tight loop",
        world->scenario().file, limits.max_events, format_go_duration(world->engine().now().time_since_epoch())));
  return world;
}

}  // namespace kcsim::cli
