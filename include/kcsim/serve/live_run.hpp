// The simulated clock of `kcsim serve`: frozen at --at, or running on at --speed X times
// wall-clock speed, and the time control (`/kcsim/control`: pause, resume, step, jump) that a
// trainer or a script uses to move it (docs/cli.md, "kcsim serve").
//
// The run is always the run `kcsim run` makes: the clock only decides up to which instant
// World::run has gone, and running to one instant then to a later one processes the same engine
// events in the same order as one run to the later one (Engine::run_until; stopping after an
// event and going on is the same too). Everything is called on the HTTP server's one thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/watch_history.hpp"

namespace kcsim {

class LiveRun {
 public:
  using Clock = std::chrono::steady_clock;

  /// `world` is at the instant served first; `speed` 0 keeps it there (paused) until a resume
  /// with a speed. The run never goes past the scenario's duration.
  LiveRun(World& world, WatchHistory& history, double speed, Clock::time_point now);

  /// Runs the simulation up to the instant the wall clock has reached, unless paused. Returns,
  /// once, why the run stopped for good (a run limit): the last instant stays served.
  std::optional<std::string> tick(Clock::time_point now);

  /// GET /kcsim/control: the clock's state. POST /kcsim/control?action=A:
  ///  - pause: the clock stops (reads keep seeing this instant);
  ///  - resume[&speed=X]: it runs on from here at the speed (X > 0; default the last one);
  ///  - step: paused, the run goes on to the end of the next engine event that changes the API
  ///    server (the next watch event), or to the scenario's end;
  ///  - jump&to=DURATION (an instant from the start) or jump&by=DURATION: runs there at once
  ///    (never backwards), keeping the clock paused or running.
  /// The answer is the state, as JSON: {"instant":"6m0s","end":"6h0m0s","paused":false,
  /// "speed":300,"resourceVersion":"385"} (and "stopped": the reason once a run limit stopped it).
  ApiResponse control(const ApiRequest& request, Clock::time_point now);

  /// Whether a request target is the time control's.
  static bool is_control(const std::string& target);

 private:
  void catch_up(Clock::time_point now);
  void run_to(SimTime instant);
  ApiResponse state() const;

  World& world_;
  WatchHistory& history_;
  double speed_;
  bool paused_;
  Clock::time_point wall_anchor_;
  SimTime sim_anchor_;
  SimTime end_;
  std::optional<std::string> stopped_;
  bool stop_reported_ = false;
};

}  // namespace kcsim
