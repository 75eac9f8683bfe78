#include "kcsim/cli/progress_line.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace kcsim::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kQuietStart = std::chrono::seconds(1);
constexpr auto kInterval = std::chrono::milliseconds(250);

// KCSIM_PROGRESS=1: asked for, shown from the start; 0: never; unset: on a terminal.
const char* setting() { return std::getenv("KCSIM_PROGRESS"); }
bool forced() { return setting() && std::strcmp(setting(), "1") == 0; }
bool wanted() {
  if (setting() && std::strcmp(setting(), "0") == 0) return false;
  return forced() || ::isatty(STDERR_FILENO) == 1;
}

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string seconds_left(double fraction_done, Clock::duration elapsed) {
  if (fraction_done <= 0.0) return "";
  const double total = std::chrono::duration<double>(elapsed).count() / fraction_done;
  const auto left = static_cast<std::int64_t>(std::max(0.0, total - std::chrono::duration<double>(elapsed).count()) + 0.5);
  return fmt::format(", about {} left", format_go_duration(std::chrono::seconds(left)));
}

}  // namespace

ProgressLine::ProgressLine(std::string what)
    : what_(std::move(what)), active_(wanted()), quiet_start_(!forced()), start_(Clock::now()), last_(start_) {}

ProgressLine::~ProgressLine() { clear(); }

bool ProgressLine::due() {
  if (!active_) return false;
  const auto now = Clock::now();
  if ((quiet_start_ && now - start_ < kQuietStart) || (shown_ && now - last_ < kInterval)) return false;
  last_ = now;
  return true;
}

void ProgressLine::show(const std::string& text) {
  // \r and "erase to the end of the line" (ECMA-48 EL), so a shorter line leaves nothing behind.
  std::fprintf(stderr, "\r%s\033[K", text.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::simulated(SimTime reached, Duration end, std::uint64_t events) {
  if (!due()) return;
  const auto elapsed = Clock::now() - start_;
  const double fraction = end.count() > 0 ? static_cast<double>(reached.time_since_epoch().count()) / static_cast<double>(end.count()) : 0.0;
  const double wall = std::chrono::duration<double>(elapsed).count();
  show(fmt::format("{}: {} of {} simulated ({:.0f} %), {} events/s{}", what_, format_go_duration(reached.time_since_epoch()),
                   format_go_duration(end), fraction * 100.0, with_commas(static_cast<std::uint64_t>(events / std::max(wall, 1e-3))),
                   seconds_left(fraction, elapsed)));
}

void ProgressLine::count(std::size_t done, std::size_t total, const std::string& unit) {
  if (!due()) return;
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  show(fmt::format("{}: {} of {} {} ({:.0f} %){}", what_, done, total, unit, fraction * 100.0,
                   seconds_left(fraction, Clock::now() - start_)));
}

void ProgressLine::clear() {
  if (!shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

Duration progress_slice(Duration total) {
  return std::max<Duration>(total / 200, std::chrono::seconds(1));
}

StopReason run_to(World& world, std::optional<SimTime> until, ProgressLine* progress) {
  if (!progress || !progress->active()) return world.run(until);
  const SimTime end = until ? *until : SimTime{world.scenario().duration};
  const Duration slice = progress_slice(end.time_since_epoch());
  for (SimTime t = world.engine().now() + slice; t < end; t += slice) {
    const StopReason stop = world.run(t);
    if (stop == StopReason::kEventLimit || stop == StopReason::kStopped) return stop;
    progress->simulated(world.engine().now(), end.time_since_epoch(), world.engine().events_processed());
  }
  const StopReason stop = world.run(until);
  progress->clear();
  return stop;
}

}  // namespace kcsim::cli
