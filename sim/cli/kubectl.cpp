// kcsim kubectl SCENARIO --at T -- ARGS...: run the scenario to instant T and print what kubectl
// (or `argocd app get`) would print then (docs/cli.md, "kcsim kubectl").
#include <iostream>
#include <optional>
#include <stdexcept>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "world_at.hpp"
#include "kcsim/cli/kubectl_script.hpp"
#include "kcsim/core/input_file.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "kcsim/apiserver/world.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kKubectlUsage = R"(Usage: kcsim kubectl SCENARIO --at DURATION [--until DURATION] [--seed N] [--start-time T] -- ARGS...
       kcsim kubectl SCENARIO --script FILE [--seed N] [--start-time T]

Runs SCENARIO to the instant --at (a Go duration from the start: 90s, 6m, 1h30m) and prints what
`kubectl ARGS...` would print at that instant, ages included. ARGS may also be
`argocd app get|history|resources|diff|manifests NAME` for Argo CD's CLI views of an Application.

--script FILE (- = standard input) runs several commands against one run of SCENARIO: one a
line, `INSTANT [--] ARGS...` (words split as a shell splits them, quotes included), instants
never decreasing; blank lines and # comments are skipped. The run goes forward once; each
command's output follows a "# at INSTANT" and a "$ COMMAND" line, a blank line between
commands, its standard error after its standard output (as a terminal shows them). A line kcsim
cannot read is reported with its FILE:LINE before anything runs; a command it cannot interpret
stops the script at its line (status 2 both). Example script:
  # KEDA's 0 against Git's 1
  5m get deploy -n prod
  5m argocd app diff immigranta-backend
  6m -- get pods -n prod -o wide

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
argocd app resources NAME [--orphaned], argocd app diff NAME [--exit-code=false] [--diff-exit-code N] [-N NS],
argocd app manifests NAME [--source git|live].

Examples:
  kcsim kubectl scenarios/kubectl-scale.json --at 6m -- get pods -o wide
  kcsim kubectl scenarios/kubectl-scale.json --at 6m -- get events --sort-by=.lastTimestamp
  kcsim kubectl scenarios/kubectl-scale.json --at 6m -- get deploy web -o yaml --show-managed-fields
  kcsim kubectl scenarios/six-minute-loop.json --at 0s --until 1h -- get pods -n prod -w
  kcsim kubectl scenarios/six-minute-loop.json --at 1m30s -- argocd app diff immigranta-backend
  printf '1m get deploy -n prod\n2m get deploy -n prod\n' | kcsim kubectl scenarios/six-minute-loop.json --script -

Exit status: kubectl's own (0, or 1 for NotFound and unknown resource types; 20 for argocd's
errors; `argocd app diff`: 1 when it found a difference); with --script, the highest status of
its commands; 2 for a command line or a script line kcsim cannot interpret; 3 when a run limit
stops the run.

Options)";

// --script FILE: parse every line first (a bad one is reported before anything runs), then run
// the world once through the instants.
int run_script(const std::string& scenario_path, const std::string& path, const Natural& seed, const po::variables_map& vm) {
  auto prepared = prepare_instant_run(scenario_path, "0s", seed, vm);
  if (const int* status = std::get_if<int>(&prepared)) return *status;
  auto& [scenario, instant, limits] = std::get<InstantRun>(prepared);
  const std::string file = path == "-" ? "<stdin>" : path;
  const std::string text = path == "-" ? read_input_stream(std::cin, file) : read_input_file(path, "kubectl script file");
  const std::vector<ScriptCommand> commands = parse_kubectl_script(text, file, scenario.duration);
  if (commands.empty()) return usage_error(fmt::format("{}: the script holds no command (one `INSTANT [--] ARGS...` a line)", file));
  const std::unique_ptr<World> world = world_at(std::move(scenario), commands.front().at, limits);
  return run_kubectl_script(*world, commands, file, std::cout, limits.max_events);
}

}  // namespace

int kubectl(const std::vector<std::string>& args) {
  // Everything after "--" is kubectl's.
  const DashDashSplit split = split_at_dashdash(args);

  po::options_description opts(kKubectlUsage);
  std::string at, until, script;
  Natural seed;
  opts.add_options()
      ("help,h", "show this help")
      ("at", po::value(&at), "the instant to show (Go duration from the start; at most the scenario's duration)")
      ("until", po::value(&until), "get -w / --watch-only: the instant the watch ends (from --at to the scenario's duration; default: the duration)")
      ("script", po::value(&script), "run the commands of FILE (- = standard input), one `INSTANT [--] ARGS...` a line, against one run");
  add_run_options(opts, seed);
  po::variables_map vm;
  std::string scenario_path;
  if (const auto status = parse_scenario_command(split.own, opts, vm, scenario_path, "kubectl",
                                                 "kubectl: {} (kubectl's own arguments go after \"--\")"))
    return *status;
  if (vm.count("script")) {
    if (vm.count("at") || vm.count("until") || split.has_dashdash)
      return usage_error("--script takes the instants and commands from its FILE: no --at, --until or \"--\" ARGS with it");
    return run_script(scenario_path, script, seed, vm);
  }
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
