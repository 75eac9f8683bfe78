// The server part of `kcsim serve` and `kcsim exercise start --serve` (sim/cli/serve_world.hpp).
//
// Threading: one thread. The HTTP server's loop runs the requests, the watches' polls, the time
// control and, every 10 ms, the simulation up to the instant the wall clock says (LiveRun), so a
// request always sees the cluster between two engine events and nothing races. Running to T1 then
// to T2 processes the same events in the same order as one run to T2 (Engine::run_until runs
// every event due by the instant, in (time, sequence) order; nothing runs in between but reads),
// so the served run is `kcsim run`'s run, paced.
#include "serve_world.hpp"

#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "kcsim/core/output_file.hpp"
#include "kcsim/core/time.hpp"
#include "kcsim/serve/bearer_token.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/http_server.hpp"
#include "kcsim/serve/kubeconfig.hpp"
#include "kcsim/serve/live_run.hpp"
#include "kcsim/serve/tls_identity.hpp"
#include "kcsim/serve/watch_history.hpp"

namespace kcsim::cli {

void serve_world(World& world, Duration instant, const ServeWorldOptions& options) {
  // Recorded from the instant on: watches resume from any resourceVersion since.
  WatchHistory history(world.api());

  // Listen first (the port is known only then), then write the kubeconfig that names it.
  const std::string host = "127.0.0.1";
  std::unique_ptr<ClusterApi> api;
  std::unique_ptr<LiveRun> live;
  const std::string token = options.token.empty() ? random_bearer_token() : options.token;
  // HTTPS: kubectl sends the token only to an https server (tls_identity.hpp).
  const TlsIdentity identity = self_signed_tls_identity();
  HttpServer server(
      [&api, &live, &token](const ApiRequest& request) {
        // Authentication comes first, as in kube-apiserver's filter chain: nothing, not even
        // discovery or the time control, is answered without the token.
        if (!bearer_token_matches(request.authorization, token)) return unauthorized_response();
        const auto now = std::chrono::steady_clock::now();
        if (live && LiveRun::is_control(request.target)) return live->control(request, now);
        // A write lands at the instant the clock has reached: the run catches up first, so that
        // under --speed it is not made at the last tick's instant (up to 10 ms of wall time back).
        if (live && is_write_method(request.method)) live->tick(now);
        return api->handle(request);
      },
      host, options.port, options.limits, &identity);
  const std::string address = fmt::format("{}:{}", host, server.port());
  api = std::make_unique<ClusterApi>(world, address, &history);
  if (options.writes) api->allow_writes(options.writes);
  if (options.hide_simulator_annotations) api->hide_simulator_annotations();
  if (!options.read_only_reason.empty()) api->read_only_reason(options.read_only_reason);
  if (options.time_control) live = std::make_unique<LiveRun>(world, history, options.speed, std::chrono::steady_clock::now());
  write_output(options.kubeconfig,
               serve_kubeconfig("https://" + address, "kcsim", fmt::format("{} at {}", options.what, format_go_duration(instant)), token,
                                identity.certificate_pem),
               0600);

  const std::string pace =
      (options.speed > 0 ? fmt::format(" running at {}x", options.speed) : "") + (options.writes ? ", writes allowed," : "");
  std::cout << fmt::format("kcsim serve: {} at {}{} on https://{}; kubeconfig {} (KUBECONFIG={} kubectl get pods)\n", options.what,
                           format_go_duration(instant), pace, address, options.kubeconfig, options.kubeconfig)
            << std::flush;
  if (live)
    server.every(std::chrono::milliseconds(10), [&] {
      if (const auto stopped = live->tick(std::chrono::steady_clock::now()))
        std::cerr << "kcsim serve: " << *stopped << "; serving that instant\n";
    });
  const int signal = server.run(true);
  std::cerr << fmt::format("kcsim serve: stopped by {}\n", signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a request");
}

}  // namespace kcsim::cli
