// kcsim kubectl SCENARIO --at T -- ARGS...: run the scenario to instant T and print what kubectl
// (or `argocd app get`) would print then (docs/cli.md, "kcsim kubectl").
#include <iostream>
#include <optional>
#include <stdexcept>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "world_at.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "kcsim/apiserver/world.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kKubectlUsage = R"(Usage: kcsim kubectl SCENARIO --at DURATION [--until DURATION] [--seed N] [--start-time T] -- ARGS...

Runs SCENARIO to the instant --at (a Go duration from the start: 90s, 6m, 1h30m) and prints what
`kubectl ARGS...` would print at that instant, ages included. ARGS may also be
`argocd app get|history|resources NAME` for Argo CD's CLI views of an Application.

get -w (--watch), --watch-only and --output-watch-events print the list at --at, then one line per
watch event, as kubectl prints them while it watches, until the instant --until (default: the
scenario's end), where the simulated watch stops: a real one runs until it is interrupted.

Supported: get TYPE [NAME...] (-n, -A, -l, --field-selector, -o wide|yaml|json|name|
custom-columns=...|jsonpath=..., --sort-by, --show-managed-fields, --show-labels, --no-headers,
-w/--watch, --watch-only, --output-watch-events (watching to --until);
TYPE also ns, nodes, endpoints, endpointslices, which kcsim derives: see docs/cli.md),
describe pod|deploy|rs|hpa|scaledobject|httpscaledobject|application (and other custom
resources) [NAME...] (-n, -A, -l, --show-events=false; a NAME with no exact match describes every
object it prefixes), top pod [NAME], logs POD|deploy/NAME|rs/NAME|svc/NAME [-c C] [-p]
[--timestamps] [--tail N], rollout history deploy/NAME [--revision=N],
events [-n NS|-A] [--for TYPE/NAME] [--types Normal,Warning],
argocd app get NAME [-o wide|yaml|json] [--show-operation], argocd app history NAME [-o id],
argocd app resources NAME [--orphaned].

Examples:
  kcsim kubectl scenarios/kubectl-scale.json --at 6m -- get pods -o wide
  kcsim kubectl scenarios/kubectl-scale.json --at 6m -- get events --sort-by=.lastTimestamp
  kcsim kubectl scenarios/kubectl-scale.json --at 6m -- get deploy web -o yaml --show-managed-fields
  kcsim kubectl scenarios/six-minute-loop.json --at 0s --until 1h -- get pods -n prod -w

Exit status: kubectl's own (0, or 1 for NotFound and unknown resource types; 20 for argocd's
errors); 2 for a command line kcsim cannot interpret; 3 when a run limit stops the run.

Options)";

}  // namespace

int kubectl(const std::vector<std::string>& args) {
  // Everything after "--" is kubectl's.
  const DashDashSplit split = split_at_dashdash(args);

  po::options_description opts(kKubectlUsage);
  std::string at, until;
  Natural seed;
  opts.add_options()
      ("help,h", "show this help")
      ("at", po::value(&at), "the instant to show (Go duration from the start; at most the scenario's duration)")
      ("until", po::value(&until), "get -w / --watch-only: the instant the watch ends (from --at to the scenario's duration; default: the duration)");
  add_run_options(opts, seed);
  po::variables_map vm;
  std::string scenario_path;
  if (const auto status = parse_scenario_command(split.own, opts, vm, scenario_path, "kubectl",
                                                 "kubectl: {} (kubectl's own arguments go after \"--\")"))
    return *status;
  if (!vm.count("at")) return usage_error("kubectl needs --at DURATION, the instant to show (for example --at 6m)");
  if (!split.has_dashdash || split.tool.empty())
    return usage_error("kubectl needs the kubectl command after \"--\" (for example: -- get pods)");

  auto prepared = prepare_instant_run(scenario_path, at, seed, vm);
  if (const int* status = std::get_if<int>(&prepared)) return *status;
  auto& [scenario, instant, limits] = std::get<InstantRun>(prepared);
  Duration end = scenario.duration;
  if (vm.count("until")) {
    end = read_duration(json(until), "--until", "");
    if (end < instant)
      return usage_error(fmt::format("--until {} is before --at {}: the watch runs from --at to --until",
                                     format_go_duration(end), format_go_duration(instant)));
    if (end > scenario.duration)
      return usage_error(fmt::format("--until {} is after the end of the scenario ({}); raise its \"duration\" or pick an earlier instant",
                                     format_go_duration(end), format_go_duration(scenario.duration)));
  }
  const std::unique_ptr<World> at_instant = world_at(std::move(scenario), instant, limits);
  World& world = *at_instant;

  KubectlResult result;
  try {
    // get -w: the watch runs the world on to --until (or the scenario's end).
    // A copy, not the structured binding: clang 14 cannot capture a binding in a lambda (C++20 P1091).
    const std::uint64_t max_events = limits.max_events;
    auto run_to_end = [&world, end, max_events] {
      if (world.run(SimTime{end}) == StopReason::kEventLimit)
        throw std::runtime_error(fmt::format(
            "{}: the run stopped at the event limit ({} events) at t = {}: a controller is probably writing in a tight loop",
            world.scenario().file, max_events, format_go_duration(world.engine().now().time_since_epoch())));
    };
    if (std::optional<KubectlResult> watched = kubectl_watch(world, split.tool, run_to_end)) {
      result = std::move(*watched);
    } else {
      if (vm.count("until"))
        return usage_error("--until is for `get -w`, `--watch` or `--watch-only`: other commands show the one instant --at");
      result = kubectl_exec(world, split.tool);
    }
  } catch (const KubectlUsageError& e) {
    return usage_error(fmt::format("kubectl: {}", e.what()));
  }
  std::cout << result.out << std::flush;
  std::cerr << result.err;
  return result.status;
}

}  // namespace kcsim::cli
