// Seeded random streams with the project's own distributions (the standard library's
// distributions are not reproducible across implementations).
#pragma once

#include <cstdint>
#include <string_view>

#include "kcsim/core/time.hpp"

namespace kcsim {

/// xoshiro256** seeded through SplitMix64 from hash(seed, stream name). Each agent owns one
/// stream named after itself, so adding an agent never perturbs another agent's draws.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::string_view name);

  std::uint64_t next_u64();
  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n) without modulo bias; n > 0.
  std::uint64_t uniform_int(std::uint64_t n);
  /// Uniform duration in [lo, hi).
  Duration uniform_duration(Duration lo, Duration hi);
  double exponential(double mean);
  /// Normal via the Box–Muller transform (deterministic: no cached second value across calls
  /// is hidden from the caller — the spare is kept in the stream object).
  double normal(double mean, double stddev);
  /// exp(normal(mu, sigma)): mu and sigma of the underlying normal.
  double lognormal(double mu, double sigma);

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

/// FNV-1a 64-bit of a string (stable across platforms), used to derive stream seeds.
std::uint64_t fnv1a64(std::string_view text, std::uint64_t basis = 0xcbf29ce484222325ULL);

}  // namespace kcsim
