// A progress line on standard error while long work runs (`kcsim run`, `kcsim kubectl` and
// `kcsim serve` reaching their instant, `kcsim sweep`): what a terminal user expects of a tool
// that takes more than a moment. Nothing when standard error is not a terminal (unless
// KCSIM_PROGRESS=1 asks for it, which also shows it from the start; KCSIM_PROGRESS=0 turns it
// off), nothing in the first second, then at most four updates a second, erased when the work
// ends. The wall clock is read here only, for
// the line; it never reaches the simulation or any output file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <optional>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::string what);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Whether anything will be printed (a terminal, or KCSIM_PROGRESS=1).
  bool active() const { return active_; }
  /// Simulated time reached of `end`, and the engine's event count so far:
  /// "six-minute-loop.json: 2h10m0s of 6h0m0s simulated (36 %), 410,000 events/s, about 3s left".
  void simulated(SimTime reached, Duration end, std::uint64_t events);
  /// Units of work done of `total`: "sweep: 12 of 40 runs (30 %), about 41s left".
  void count(std::size_t done, std::size_t total, const std::string& unit);
  /// Erases the line, if one was printed.
  void clear();

 private:
  bool due();
  void show(const std::string& text);

  std::string what_;
  bool active_ = false;
  bool quiet_start_ = true;  // nothing in the first second (KCSIM_PROGRESS=1 shows at once)
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

/// How often a run with a progress line returns to print it: 1/200 of the simulated duration,
/// at least one simulated second.
Duration progress_slice(Duration total);

/// world.run(until) (the scenario's end when `until` is empty); with an active progress line, in
/// slices of progress_slice, reporting after each. Running to intermediate instants gives the
/// same run: the engine runs the same events in the same order either way.
StopReason run_to(World& world, std::optional<SimTime> until, ProgressLine* progress);

}  // namespace kcsim::cli
