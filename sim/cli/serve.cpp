// kcsim serve SCENARIO --at T [--speed X]: run the scenario to instant T and serve the cluster to
// the real kubectl over HTTP on the loopback interface, frozen there or running on at X times
// wall-clock speed (docs/cli.md, "kcsim serve"; issue #18). The serving is serve_world's, which
// `kcsim exercise start --serve` shares.
#include <cmath>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "serve_world.hpp"
#include "world_at.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/core/output_file.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/serve/bearer_token.hpp"
#include "kcsim/serve/kubeconfig.hpp"
#include "kcsim/serve/write_record.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kServeUsage = R"(Usage: kcsim serve SCENARIO --at DURATION [--speed X] [--allow-writes [--record FILE]] [--port N] [--kubeconfig FILE] [--token TOKEN] [--seed N] [--start-time T]

Runs SCENARIO to the instant --at (a Go duration from the start: 0s, 90s, 6m, 1h30m) and serves
the cluster over the Kubernetes API on https://127.0.0.1:PORT, so that the real kubectl can read
it: frozen at that instant, or with --speed X running on from it at X times wall-clock speed
(--speed 60: a simulated minute per second) up to the scenario's end, where it stays. Writes a
kubeconfig whose current context points at the server, prints one line when ready, and serves
until SIGINT (Ctrl-C) or SIGTERM.

  kcsim serve scenarios/six-minute-loop.json --at 2h &
  KUBECONFIG=kcsim.kubeconfig kubectl get pods -n prod
  kcsim serve scenarios/six-minute-loop.json --at 0s --speed 300 &
  KUBECONFIG=kcsim.kubeconfig kubectl get pods -n prod -w

Served: discovery, get and list of every kind with label and field selectors and paging (limit
and continue, as kubectl get asks 500 at a time), the tables of `kubectl get` (the columns kcsim
kubectl prints), -o yaml/json, events, pod logs, the scale subresource, and watch (kubectl get
-w; resourceVersion, bookmarks, 410 Expired before the history, which starts at --at). The run
is the run `kcsim run` makes, event for event.

Every request needs the server's bearer token (Authorization: Bearer TOKEN), else it is answered
401 Unauthorized: a new random token at each start, or --token's, written into the kubeconfig
(mode 0600), from which kubectl and client libraries take it. HTTPS only (kubectl sends a token
to no http server): the certificate is self-signed, new at each start, and in the kubeconfig as
the cluster's certificate-authority-data. For curl:

  TOKEN=$(KUBECONFIG=kcsim.kubeconfig kubectl config view --raw -o jsonpath='{.users[0].user.token}')
  curl -k -H "Authorization: Bearer $TOKEN" https://127.0.0.1:PORT/version

Limits, answered as kube-apiserver answers them: a request body of at most 3 MiB (413), at most
--max-connections connections and --max-watches watches at once (429 with Retry-After: 1).

Writes (kubectl apply, apply --server-side, scale, patch, edit, label, annotate, delete, create -f)
are refused with 403 Forbidden unless --allow-writes. Allowed, each is made by the simulated API
server at the instant the clock stands at, under the fieldManager the client sends, and the
controllers react as time runs on (frozen: when the time control moves the clock). --record FILE
saves, on exit, the scenario with those writes in its timeline (kubectl apply/scale/patch/delete
actions at their instants), a scenario that `kcsim run` replays. A dry run (dryRun=All: kubectl
apply/scale/delete/create --dry-run=server, kubectl diff) is checked and answered as if made,
and changes and records nothing. See docs/serve.md.

Time control (frozen or running): GET /kcsim/control gives the clock's state; POST
/kcsim/control?action=pause, resume (&speed=X), step (to the next change the API server makes),
jump (&to=DURATION from the start, or &by=DURATION; never backwards):

  curl -k -H "Authorization: Bearer $TOKEN" -X POST 'https://127.0.0.1:PORT/kcsim/control?action=jump&to=1h'

The kubeconfig is overwritten only if kcsim wrote it (its first line says so): kcsim refuses to
replace any other file, such as your own ~/.kube/config.

Exit status: 0 after SIGINT or SIGTERM; 2 for a bad command line or scenario, or a kubeconfig
kcsim will not overwrite; 3 when a run limit stops the run or the port or kubeconfig cannot be
used.

Options)";

}  // namespace

int serve(const std::vector<std::string>& args) {
  po::options_description opts(kServeUsage);
  std::string at, kubeconfig = "kcsim.kubeconfig", record;
  Natural seed, port, max_connections{512}, max_watches{256};
  std::string token;
  opts.add_options()
      ("help,h", "show this help")
      ("at", po::value(&at), "the instant to serve (Go duration from the start; at most the scenario's duration)")
      ("speed", po::value<std::string>(), "run on from --at at this many times wall-clock speed (a number > 0; default: frozen)")
      ("port", po::value(&port), "the TCP port on 127.0.0.1 (default 0: a free port)")
      ("kubeconfig", po::value(&kubeconfig), "the kubeconfig to write (default ./kcsim.kubeconfig; mode 0600)")
      ("token", po::value(&token), "the bearer token requests must carry (default: a new random one at each start)")
      ("max-connections", po::value(&max_connections), "connections open at once; more are answered 429 (default 512)")
      ("max-watches", po::value(&max_watches), "watches open at once; more are answered 429 (default 256)")
      ("allow-writes", "serve the write verbs (create, update, patch, apply, scale, delete); default: read-only")
      ("record", po::value(&record), "with --allow-writes: on exit, write the scenario with the writes made as timeline actions to FILE");
  add_run_options(opts, seed);
  po::variables_map vm;
  std::string scenario_path;
  if (const auto status = parse_scenario_command(args, opts, vm, scenario_path, "serve", "serve: {}"))
    return *status;
  if (!vm.count("at")) return usage_error("serve needs --at DURATION, the instant to serve (for example --at 6m)");
  if (port.value > 65535) return usage_error(fmt::format("--port {} is not a TCP port (0 to 65535)", port.value));
  if (kubeconfig.empty() || kubeconfig == "-") return usage_error("--kubeconfig needs a file name");
  if (vm.count("token"))
    if (const auto problem = bearer_token_problem(token)) return usage_error(*problem);
  if (max_connections.value < 1 || max_watches.value < 1)
    return usage_error("--max-connections and --max-watches need a number of at least 1");
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

  const bool allow_writes = vm.count("allow-writes") > 0;
  if (vm.count("record") && !allow_writes) return usage_error("--record needs --allow-writes: a read-only server makes no writes to record");
  if (vm.count("record") && (record.empty() || record == "-")) return usage_error("--record needs a file name");
  std::vector<OutputTarget> outputs = {{"--kubeconfig", kubeconfig}};
  if (!record.empty()) outputs.push_back({"--record", record});
  if (const auto conflict = conflicting_outputs(outputs, {scenario_path})) return usage_error(*conflict);
  // Checked before the run: a refusal should not cost the run.
  if (const auto refusal = serve_kubeconfig_refusal(kubeconfig)) {
    std::cerr << "kcsim: " << *refusal << "\n";
    return 2;
  }

  auto prepared = prepare_instant_run(scenario_path, at, seed, vm);
  if (const int* status = std::get_if<int>(&prepared)) return *status;
  auto& [scenario, instant, limits] = std::get<InstantRun>(prepared);
  const std::unique_ptr<World> at_instant = world_at(std::move(scenario), instant, limits);
  World& world = *at_instant;
  WriteRequests writes(world);
  ServeWorldOptions options;
  options.what = scenario_path;
  options.port = static_cast<unsigned short>(port.value);
  options.kubeconfig = kubeconfig;
  options.speed = speed;
  options.token = token;
  options.limits.max_connections = max_connections.value;
  options.limits.max_watches = max_watches.value;
  if (allow_writes) options.writes = &writes;
  serve_world(world, instant, options);
  if (!record.empty()) {
    std::vector<std::string> left_out;
    const json doc = scenario_with_writes(world.scenario().raw, world.scenario().seed, writes.recorded(), left_out);
    for (const std::string& w : left_out) std::cerr << "kcsim serve: --record leaves out " << w << "\n";
    write_output(record, doc.dump(2) + "\n");
    std::cerr << fmt::format("kcsim serve: recorded {} write{} in {}\n", writes.recorded().size() - left_out.size(),
                             writes.recorded().size() - left_out.size() == 1 ? "" : "s", record);
  }
  return 0;
}

}  // namespace kcsim::cli
