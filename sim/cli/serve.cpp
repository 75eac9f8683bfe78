// kcsim serve SCENARIO --at T [--speed X]: run the scenario to instant T and serve the cluster to
// the real kubectl over HTTP on the loopback interface, frozen there or running on at X times
// wall-clock speed (docs/cli.md, "kcsim serve"; issue #18).
//
// Threading: one thread. The HTTP server's loop runs the requests, the watches' polls and, every
// 10 ms, the simulation up to the instant the wall clock says (World::run to that instant), so a
// request always sees the cluster between two engine events and nothing races. Running to T1 then
// to T2 processes the same events in the same order as one run to T2 (Engine::run_until runs
// every event due by the instant, in (time, sequence) order; nothing runs in between but reads),
// so the served run is `kcsim run`'s run, paced.
#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "world_at.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/core/output_file.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/http_server.hpp"
#include "kcsim/serve/kubeconfig.hpp"
#include "kcsim/serve/watch_history.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kServeUsage = R"(Usage: kcsim serve SCENARIO --at DURATION [--speed X] [--port N] [--kubeconfig FILE] [--seed N]

Runs SCENARIO to the instant --at (a Go duration from the start: 0s, 90s, 6m, 1h30m) and serves
the cluster over the Kubernetes API on http://127.0.0.1:PORT, so that the real kubectl can read
it: frozen at that instant, or with --speed X running on from it at X times wall-clock speed
(--speed 60: a simulated minute per second) up to the scenario's end, where it stays. Writes a
kubeconfig whose current context points at the server, prints one line when ready, and serves
until SIGINT (Ctrl-C) or SIGTERM.

  kcsim serve scenarios/six-minute-loop.json --at 2h &
  KUBECONFIG=kcsim.kubeconfig kubectl get pods -n prod
  kcsim serve scenarios/six-minute-loop.json --at 0s --speed 300 &
  KUBECONFIG=kcsim.kubeconfig kubectl get pods -n prod -w

Served (read-only): discovery, get and list of every kind with label and field selectors, the
tables of `kubectl get` (the columns kcsim kubectl prints), -o yaml/json, events, pod logs, and
watch (kubectl get -w; resourceVersion, bookmarks, 410 Expired before the history, which starts
at --at). The run is the run `kcsim run` makes, event for event. Writes are refused (405).

The kubeconfig is overwritten only if kcsim wrote it (its first line says so): kcsim refuses to
replace any other file, such as your own ~/.kube/config.

Exit status: 0 after SIGINT or SIGTERM; 2 for a bad command line or scenario, or a kubeconfig
kcsim will not overwrite; 3 when a run limit stops the run or the port or kubeconfig cannot be
used.

Options)";

}  // namespace

int serve(const std::vector<std::string>& args) {
  po::options_description opts(kServeUsage);
  std::string at, kubeconfig = "kcsim.kubeconfig";
  Natural seed, port;
  opts.add_options()
      ("help,h", "show this help")
      ("at", po::value(&at), "the instant to serve (Go duration from the start; at most the scenario's duration)")
      ("speed", po::value<std::string>(), "run on from --at at this many times wall-clock speed (a number > 0; default: frozen)")
      ("port", po::value(&port), "the TCP port on 127.0.0.1 (default 0: a free port)")
      ("kubeconfig", po::value(&kubeconfig), "the kubeconfig to write (default ./kcsim.kubeconfig)")
      ("seed", po::value(&seed), "random seed; default: the scenario's")
      ("max-events", po::value<Natural>(), "stop with status 3 after this many events (default 200000000)");
  po::variables_map vm;
  std::string scenario_path;
  if (const auto status = parse_scenario_command(args, opts, vm, scenario_path, "serve", "serve: {}"))
    return *status;
  if (!vm.count("at")) return usage_error("serve needs --at DURATION, the instant to serve (for example --at 6m)");
  if (port.value > 65535) return usage_error(fmt::format("--port {} is not a TCP port (0 to 65535)", port.value));
  if (kubeconfig.empty() || kubeconfig == "-") return usage_error("--kubeconfig needs a file name");
  double speed = 0;
  if (vm.count("speed")) {
    const std::string text = vm["speed"].as<std::string>();
    std::size_t used = 0;
    try {
      speed = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || !std::isfinite(speed) || speed <= 0 || speed > 1e6)
      return usage_error(fmt::format("--speed {} is not a speed: expected a number above 0 and at most 1000000 (60: a simulated minute per second)", text));
  }

  if (const auto conflict = conflicting_outputs({{"--kubeconfig", kubeconfig}}, {scenario_path})) return usage_error(*conflict);
  // Checked before the run: a refusal should not cost the run.
  if (const auto refusal = serve_kubeconfig_refusal(kubeconfig)) {
    std::cerr << "kcsim: " << *refusal << "\n";
    return 2;
  }

  Scenario scenario = load_scenario(scenario_path);
  const Duration instant = read_duration(json(at), "--at", "");
  if (const auto problem = instant_problem(instant, scenario)) return usage_error(*problem);
  if (vm.count("seed")) scenario.seed = seed.value;
  RunLimits limits;
  if (vm.count("max-events")) limits.max_events = vm["max-events"].as<Natural>().value;
  const std::unique_ptr<World> at_instant = world_at(std::move(scenario), instant, limits);
  World& world = *at_instant;
  // Recorded from --at on: watches resume from any resourceVersion since.
  WatchHistory history(world.api());

  // Listen first (the port is known only then), then write the kubeconfig that names it.
  const std::string host = "127.0.0.1";
  std::unique_ptr<ClusterApi> api;
  HttpServer server([&api](const ApiRequest& request) { return api->handle(request); }, host,
                    static_cast<unsigned short>(port.value));
  const std::string address = fmt::format("{}:{}", host, server.port());
  api = std::make_unique<ClusterApi>(world, address, &history);
  write_output(kubeconfig, serve_kubeconfig("http://" + address, "kcsim",
                                            fmt::format("{} at {}", scenario_path, format_go_duration(instant))));

  const std::string pace = speed > 0 ? fmt::format(" running at {}x", speed) : "";
  std::cout << fmt::format("kcsim serve: {} at {}{} on http://{}; kubeconfig {} (KUBECONFIG={} kubectl get pods)\n", scenario_path,
                           format_go_duration(instant), pace, address, kubeconfig, kubeconfig)
            << std::flush;
  if (speed > 0) {
    const SimTime end{world.scenario().duration};
    const auto wall_start = std::chrono::steady_clock::now();
    bool running = true;
    server.every(std::chrono::milliseconds(10), [&] {
      if (!running) return;
      // The simulated instant the wall clock has reached, in whole microseconds.
      const double elapsed_us =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - wall_start).count() * speed;
      const Duration target_offset{static_cast<std::int64_t>(std::min(elapsed_us, 9.0e18))};
      SimTime target = SimTime{instant} + target_offset;
      if (target >= end) target = end;
      if (target <= world.engine().now()) return;
      try {
        if (world.run(target) == StopReason::kEventLimit) {
          std::cerr << fmt::format("kcsim serve: the run stopped at the event limit ({} events) at t = {}; serving that instant\n",
                                   limits.max_events, format_go_duration(world.engine().now().time_since_epoch()));
          running = false;
        }
      } catch (const std::exception& e) {
        std::cerr << "kcsim serve: the run stopped: " << e.what() << "; serving that instant\n";
        running = false;
      }
      if (target >= end) running = false;  // the scenario's end: the final state stays served
    });
  }
  const int signal = server.run(true);
  std::cerr << fmt::format("kcsim serve: stopped by {}\n", signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a request");
  return 0;
}

}  // namespace kcsim::cli
