// Request arrival processes and service-time distributions for the "traffic" model, read from a
// scenario's `traffic` section (docs/models/http-add-on-traffic.md). Every draw comes from the
// caller's RandomStream (the model's own stream) through the project's distributions, so a
// scenario gives the same requests on every platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/k8s/object_ref.hpp"
#include "kcsim/core/random.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {

/// Where errors point: the scenario file, the JSON pointer of the pattern, and the directory
/// trace files are relative to.
struct PatternContext {
  std::string file;
  std::string pointer;
  std::string base_dir;
};

/// When requests arrive. A stateful generator: next() returns arrivals in increasing order.
class ArrivalProcess {
 public:
  enum class Type { kIdle, kConstant, kPoisson, kBursts, kDiurnal, kSteps, kTrace };

  /// Parses a `pattern` object. Throws InputError.
  static ArrivalProcess parse(const json& spec, const PatternContext& ctx);

  /// Restarts the process for arrivals in [start, end).
  void reset(SimTime start, SimTime end);
  /// The next arrival, or nullopt when there is none before `end`. Allocates nothing.
  std::optional<SimTime> next(RandomStream& rng);
  /// Expected number of arrivals in [start, end) (for sizing buffers only).
  double expected_count() const;

  Type type() const { return type_; }

 private:
  struct Step {
    SimTime at;
    double rate;
  };
  struct Segment {
    SimTime start, end;
    double rate;
  };
  Segment segment_at(SimTime t) const;
  double rate_at(SimTime t) const;  // diurnal

  Type type_ = Type::kIdle;
  bool constant_spacing_ = false;  // evenly spaced arrivals instead of Poisson ones
  double rate_ = 0.0;              // requests per second (constant, poisson, bursts)
  Duration on_{}, off_{}, offset_{};
  double mean_ = 0.0, amplitude_ = 0.0;  // diurnal
  Duration period_{}, peak_{};
  std::vector<Step> steps_;
  std::vector<std::int64_t> trace_us_;   // offsets from the source's start

  // State.
  SimTime start_{}, end_{};
  SimTime cursor_{};        // the last arrival, or where the search resumes
  bool inclusive_ = true;   // an arrival may fall exactly on cursor_ (segment starts)
  SimTime seg_start_{};     // evenly spaced arrivals: the current segment and how many so far
  std::int64_t seg_k_ = 0;
  std::size_t trace_pos_ = 0;
};

/// How long a pod works on one request.
class ServiceTime {
 public:
  enum class Distribution { kConstant, kExponential, kLognormal };
  /// Parses `serviceTime`: a duration string (constant) or {"distribution": ..., ...}.
  static ServiceTime parse(const json& spec, const PatternContext& ctx);
  Duration draw(RandomStream& rng) const;

 private:
  Distribution dist_ = Distribution::kConstant;
  double value_us_ = 50000.0;  // constant value / exponential mean / lognormal median
  double sigma_ = 0.0;
};

/// Reads a trace: one request timestamp per line in the first column of a CSV file (an optional
/// header line, `#` comments and blank lines are skipped), in `unit` ("s", "ms" or "us"), sorted.
/// Returns offsets in microseconds. Throws InputError naming the file and line.
std::vector<std::int64_t> read_trace(const std::string& path, const std::string& unit, const PatternContext& ctx);

}  // namespace kcsim
