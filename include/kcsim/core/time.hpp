// Simulated time: integer microseconds, never floating point, never the wall clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kcsim {

/// A span of simulated time, in integer microseconds.
using Duration = std::chrono::duration<std::int64_t, std::micro>;

/// The clock of a simulation: its epoch is the scenario's start (t = 0).
struct SimClock {
  using rep = std::int64_t;
  using period = std::micro;
  using duration = Duration;
  using time_point = std::chrono::time_point<SimClock, Duration>;
  static constexpr bool is_steady = true;
};

/// An instant of simulated time: microseconds since the scenario's start.
using SimTime = SimClock::time_point;

constexpr SimTime kTimeZero{};
constexpr Duration kNoDelay{0};

constexpr Duration microseconds(std::int64_t n) { return Duration{n}; }
constexpr Duration milliseconds(std::int64_t n) { return Duration{n * 1000}; }
constexpr Duration seconds(std::int64_t n) { return Duration{n * 1000000}; }
constexpr Duration minutes(std::int64_t n) { return seconds(n * 60); }
constexpr Duration hours(std::int64_t n) { return minutes(n * 60); }

/// Seconds since the start, as a double (for reports only; never for ordering).
inline double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1e6; }
inline double to_seconds(SimTime t) { return to_seconds(t.time_since_epoch()); }

/// Parses a Go `time.ParseDuration` string: a possibly signed sequence of decimal numbers, each with
/// an optional fraction and a unit among "ns", "us", "µs", "ms", "s", "m", "h" ("300ms", "1.5h",
/// "5m30s"). Go has no day unit, so "2d" is rejected, as kubectl and every Kubernetes controller
/// flag reject it. A plain "0" is accepted. Values finer than a microsecond are rejected rather
/// than silently rounded. On failure returns nullopt and, if `error` is set, says why.
std::optional<Duration> parse_duration(std::string_view text, std::string* error = nullptr);

/// Formats like Go's `time.Duration.String()`: "5m0s", "1h0m0s", "300ms", "1.5s", "0s".
std::string format_go_duration(Duration d);

/// Formats a short human duration for reports: "5m01s" style is NOT used; this is Go's
/// String() with trailing zero units removed ("5m", "1h", "5m1s", "300ms").
std::string format_short_duration(Duration d);

/// Formats an age exactly as kubectl does (k8s.io/apimachinery/pkg/util/duration.HumanDuration,
/// v1.28): "119s", "5m59s", "6m", "179m", "3h5m", "47h", "2d3h", "400d",
/// "2y10d"; ages below -1 s are "<invalid>".
std::string format_age(Duration age);

/// The wall-clock anchor of a scenario: t = 0 corresponds to `unix_seconds` (UTC).
struct Epoch {
  std::int64_t unix_seconds = 1767268800;  // 2026-01-01T12:00:00Z

  /// RFC 3339 in UTC with second precision ("2026-01-01T12:05:00Z"), as Kubernetes
  /// serialises metav1.Time.
  std::string rfc3339(SimTime t) const;
  /// RFC 3339 with microseconds ("2026-01-01T12:05:00.000100Z"), as metav1.MicroTime.
  std::string rfc3339_micro(SimTime t) const;
  /// Clock time of day with milliseconds when non-zero ("12:05:00", "12:05:00.100").
  std::string clock(SimTime t) const;
  /// Unix nanoseconds of an instant (for event names `<object>.<hex nanos>`).
  std::int64_t unix_nanos(SimTime t) const;
};

/// Parses an RFC 3339 UTC timestamp ("2026-01-01T12:00:00Z") into Unix seconds.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace kcsim
