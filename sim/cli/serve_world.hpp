// The server part of `kcsim serve` and `kcsim exercise start --serve`: a World already run to
// its instant, served over the Kubernetes API on the loopback interface until SIGINT or SIGTERM
// (docs/serve.md).
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/serve/http_server.hpp"
#include "kcsim/serve/write_requests.hpp"

namespace kcsim::cli {

struct ServeWorldOptions {
  /// What is served, in the ready line and the kubeconfig's comment ("scenarios/x.json",
  /// "exercise oom-crashloop").
  std::string what;
  unsigned short port = 0;  // 0: a free port
  std::string kubeconfig;   // written once the port is known (refusals checked by the caller)
  /// Frozen at the instant (0), or running on at this many times wall-clock speed.
  double speed = 0;
  /// The time control (/kcsim/control); without it the cluster stays at its instant.
  bool time_control = true;
  /// The write verbs, served by these (they must outlive the call); null: read-only.
  WriteRequests* writes = nullptr;
  /// Why writes are refused when `writes` is null; empty: ClusterApi's (start with --allow-writes).
  std::string read_only_reason;
  /// No kcsim.io/* annotation in anything served (ClusterApi::hide_simulator_annotations).
  bool hide_simulator_annotations = false;
  /// The bearer token every request must carry (bearer_token.hpp); empty: a random one.
  std::string token;
  /// The connection and watch limits.
  HttpServerLimits limits;
};

/// Serves `world`, standing at simulated instant `instant`, as `options` say: listens, writes the
/// kubeconfig (mode 0600: it holds the token), prints the ready line on stdout and serves until
/// SIGINT or SIGTERM. Every request, the time control's included, needs the token. Throws
/// std::runtime_error (exit 3) when the port cannot be listened on.
void serve_world(World& world, Duration instant, const ServeWorldOptions& options);

}  // namespace kcsim::cli
