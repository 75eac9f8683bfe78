// The simulated cluster at one instant, as `kcsim kubectl` and `kcsim serve` show it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <variant>

#include <boost/program_options.hpp>

#include "cli.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim::cli {

/// The run options of a command that shows the cluster at an instant (kubectl, serve), besides
/// its own --at: --seed, --start-time and --max-events, added to the command's options.
void add_run_options(boost::program_options::options_description& opts, Natural& seed);

/// A scenario ready to run to --at: loaded, --seed and --start-time applied, the instant read and
/// checked against its duration, --max-events as the limits.
struct InstantRun {
  Scenario scenario;
  Duration instant{};
  RunLimits limits;
};
/// The InstantRun, or the exit status of a usage error (printed) when --at is past the end.
std::variant<InstantRun, int> prepare_instant_run(const std::string& scenario_path, const std::string& at,
                                                  const Natural& seed, const boost::program_options::variables_map& vm);

/// Why `--at instant` cannot be shown ("--at 7h is after the end of the scenario (6h0m0s) ..."),
/// or nothing when it can.
std::optional<std::string> instant_problem(Duration instant, const Scenario& scenario);

/// Prints the scenario's warnings (unknown fields) on stderr, then runs it up to `instant`.
/// Throws std::runtime_error (exit 3) when the run stops at the event limit first.
std::unique_ptr<World> world_at(Scenario scenario, Duration instant, RunLimits limits);

}  // namespace kcsim::cli
