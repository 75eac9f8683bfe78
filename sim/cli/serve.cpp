// kcsim serve SCENARIO --at T: run the scenario to instant T and serve the cluster, frozen there,
// to the real kubectl over HTTP on the loopback interface (docs/cli.md, "kcsim serve"; issue #18).
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

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kServeUsage = R"(Usage: kcsim serve SCENARIO --at DURATION [--port N] [--kubeconfig FILE] [--seed N]

Runs SCENARIO to the instant --at (a Go duration from the start: 90s, 6m, 1h30m) and serves the
cluster, frozen at that instant, over the Kubernetes API on http://127.0.0.1:PORT, so that the
real kubectl can read it. Writes a kubeconfig whose current context points at the server, prints
one line when ready, and serves until SIGINT (Ctrl-C) or SIGTERM.

  kcsim serve scenarios/six-minute-loop.json --at 2h &
  KUBECONFIG=kcsim.kubeconfig kubectl get pods -n prod

Served (read-only): discovery, get and list of every kind with label and field selectors, the
tables of `kubectl get` (the columns kcsim kubectl prints), -o yaml/json, events, pod logs.
Writes are refused (405); watch is not served yet.

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

  // Listen first (the port is known only then), then write the kubeconfig that names it.
  const std::string host = "127.0.0.1";
  std::unique_ptr<ClusterApi> api;
  HttpServer server([&api](const ApiRequest& request) { return api->handle(request); }, host,
                    static_cast<unsigned short>(port.value));
  const std::string address = fmt::format("{}:{}", host, server.port());
  api = std::make_unique<ClusterApi>(world, address);
  write_output(kubeconfig, serve_kubeconfig("http://" + address, "kcsim",
                                            fmt::format("{} at {}", scenario_path, format_go_duration(instant))));

  std::cout << fmt::format("kcsim serve: {} at {} on http://{}; kubeconfig {} (KUBECONFIG={} kubectl get pods)\n", scenario_path,
                           format_go_duration(instant), address, kubeconfig, kubeconfig)
            << std::flush;
  const int signal = server.run(true);
  std::cerr << fmt::format("kcsim serve: stopped by {}\n", signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a request");
  return 0;
}

}  // namespace kcsim::cli
