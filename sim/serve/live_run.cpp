// The simulated clock of `kcsim serve` (include/kcsim/serve/live_run.hpp).
#include "kcsim/serve/live_run.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/serve/request_target.hpp"

namespace kcsim {
namespace {

ApiResponse control_error(int code, const std::string& reason, const std::string& message) {
  const json status = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
                       {"message", message}, {"reason", reason}, {"code", code}};
  return {code, "application/json", status.dump()};
}

}  // namespace

LiveRun::LiveRun(World& world, WatchHistory& history, double speed, Clock::time_point now)
    : world_(world), history_(history), speed_(speed), paused_(speed <= 0), wall_anchor_(now),
      sim_anchor_(world.engine().now()), end_(SimTime{world.scenario().duration}) {}

bool LiveRun::is_control(const std::string& target) {
  const Target t = parse_target(target);
  return t.segments.size() == 2 && t.segments[0] == "kcsim" && t.segments[1] == "control";
}

void LiveRun::run_to(SimTime instant) {
  if (stopped_) return;
  instant = std::min(instant, end_);
  try {
    if (world_.run(instant) == StopReason::kEventLimit)
      stopped_ = fmt::format("the run stopped at the event limit at t = {}",
                             format_go_duration(world_.engine().now().time_since_epoch()));
  } catch (const std::exception& e) {
    stopped_ = fmt::format("the run stopped: {}", e.what());
  }
}

void LiveRun::catch_up(Clock::time_point now) {
  if (paused_ || stopped_ || world_.engine().now() >= end_) return;
  // The simulated instant the wall clock has reached, in whole microseconds.
  const double elapsed_us = std::chrono::duration<double, std::micro>(now - wall_anchor_).count() * speed_;
  const SimTime target = sim_anchor_ + Duration{static_cast<std::int64_t>(std::min(elapsed_us, 9.0e18))};
  if (target > world_.engine().now()) run_to(target);
}

std::optional<std::string> LiveRun::tick(Clock::time_point now) {
  catch_up(now);
  if (stopped_ && !stop_reported_) {
    stop_reported_ = true;
    return stopped_;
  }
  return std::nullopt;
}

ApiResponse LiveRun::state() const {
  json doc = {{"instant", format_go_duration(world_.engine().now().time_since_epoch())},
              {"end", format_go_duration(end_.time_since_epoch())},
              {"paused", paused_},
              {"speed", speed_},
              {"resourceVersion", std::to_string(world_.api().resource_version())}};
  if (stopped_) doc["stopped"] = *stopped_;
  return {200, "application/json", doc.dump()};
}

ApiResponse LiveRun::control(const ApiRequest& request, Clock::time_point now) {
  if (request.method == "GET" || request.method == "HEAD") {
    catch_up(now);
    return state();
  }
  if (request.method != "POST")
    return control_error(405, "MethodNotAllowed", "the time control takes GET (its state) and POST ?action=...");
  const Target t = parse_target(request.target);
  const std::string action = param(t, "action");
  catch_up(now);  // what the clock has run so far, before it changes
  if (action == "pause") {
    paused_ = true;
  } else if (action == "resume") {
    if (const std::string text = param(t, "speed"); !text.empty()) {
      std::size_t used = 0;
      double speed = 0;
      try {
        speed = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || !std::isfinite(speed) || speed <= 0 || speed > 1e6)
        return control_error(400, "BadRequest", fmt::format("speed {} is not a speed: expected a number above 0 and at most 1000000", text));
      speed_ = speed;
    }
    if (speed_ <= 0)
      return control_error(400, "BadRequest", "resume needs a speed (resume&speed=60): the server was started without --speed");
    paused_ = false;
  } else if (action == "step") {
    paused_ = true;
    history_.set_on_change([this] { world_.engine().stop(); });
    run_to(end_);
    history_.set_on_change(nullptr);
  } else if (action == "jump") {
    const std::string to = param(t, "to"), by = param(t, "by");
    if (to.empty() == by.empty()) return control_error(400, "BadRequest", "jump needs to=DURATION (from the start) or by=DURATION");
    Duration d{0};
    try {
      d = read_duration(json(to.empty() ? by : to), to.empty() ? "by" : "to", "");
    } catch (const InputError& e) {
      return control_error(400, "BadRequest", e.what());
    }
    const SimTime target = to.empty() ? world_.engine().now() + d : SimTime{d};
    if (target < world_.engine().now())
      return control_error(400, "BadRequest", fmt::format("cannot jump back to {}: the cluster is at {} (time runs forward only)",
                                                           format_go_duration(target.time_since_epoch()),
                                                           format_go_duration(world_.engine().now().time_since_epoch())));
    run_to(target);
  } else {
    return control_error(400, "BadRequest", fmt::format("unknown action \"{}\": expected pause, resume, step or jump", action));
  }
  // The clock goes on from where the run now is.
  wall_anchor_ = now;
  sim_anchor_ = world_.engine().now();
  return state();
}

}  // namespace kcsim
