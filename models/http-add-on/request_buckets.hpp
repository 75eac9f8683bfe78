// The HTTP add-on's request-rate ring buffer: a windowed average of request counts in buckets of
// `granularity`, with the exact arithmetic of kedacore/http-add-on pkg/queue/bucketing.go
// (RequestsBuckets, itself derived from Knative's TimedFloat64Buckets), checked at tags v0.8.0,
// v0.10.0, v0.13.0 and v0.15.0. Re-implemented here from the description, not copied.
//
// Used twice, as upstream does, depending on the add-on version:
//  - v0.8–v0.13: the interceptor records +1 per request as it enters the counting middleware and
//    the scaler reads WindowAverage(now) at every 500 ms ping (pkg/queue/queue.go Memory.Increase);
//  - v0.14+: the scaler records, at every ping, the growth of the interceptors' monotonic request
//    counters since the previous ping (scaler/queue_pinger.go fetchAndSaveCounts, PR #1557).
#pragma once

#include <cstdint>
#include <vector>

#include "kcsim/core/time.hpp"

namespace kcsim {

class RequestBuckets {
 public:
  /// roundToNDigits(3, ·): math.Floor up to v0.12, math.Round from v0.13 (PR #1483).
  enum class Rounding { kFloor, kNearest };

  /// `window` and `granularity` must be positive; granularity is used in whole seconds, because
  /// upstream's timeToIndex divides Unix seconds by int(granularity.Seconds()).
  RequestBuckets(Duration window, Duration granularity, Rounding rounding);

  /// Record(now, value). Times are absolute microseconds since the Unix epoch: upstream
  /// truncates wall-clock time (time.Time.Truncate) and indexes by Unix seconds.
  void record(std::int64_t unix_us, std::int64_t value);
  /// WindowAverage(now): the average count per bucket over the buckets written since the first
  /// write (at most the whole ring), 0 once nothing was written for a whole window.
  double window_average(std::int64_t unix_us) const;

  /// The state a run of Record(t, 0) calls at every scaler tick up to and including `unix_us`
  /// leaves behind, computed in closed form (the ticks are closer together than a bucket, so
  /// every bucket is visited). Lets the scaler skip idle ticks and still match the tick-by-tick
  /// result exactly (see http_add_on.cpp, "Eliding idle ticks").
  void advance_idle(std::int64_t unix_us);

  /// Sum of the counts currently in the ring (0 means the average is 0 now and until the next
  /// non-zero record).
  std::int64_t window_total() const { return window_total_; }
  Duration window() const { return window_; }
  Duration granularity() const { return granularity_; }

 private:
  std::int64_t truncate(std::int64_t unix_us) const;
  std::int64_t index(std::int64_t unix_us) const;
  double round3(double x) const;
  double buckets_written() const;

  Duration window_;
  Duration granularity_;
  std::int64_t gran_us_;
  std::int64_t gran_s_;
  Rounding rounding_;
  std::vector<std::int64_t> buckets_;
  // Go's zero time.Time is represented by "never": a time so far in the past that every
  // difference with it exceeds any window, as time.Sub saturates upstream.
  static constexpr std::int64_t kNever = INT64_MIN / 4;
  std::int64_t first_write_ = kNever;
  std::int64_t last_write_ = kNever;
  std::int64_t window_total_ = 0;
};

}  // namespace kcsim
