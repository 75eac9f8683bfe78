#include "kcsim/core/random.hpp"

#include <cmath>

namespace kcsim {
namespace {

// SplitMix64 (Steele, Lea, Flood 2014): expands one 64-bit seed into xoshiro's state.
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

constexpr double kTwoPi = 6.283185307179586476925286766559;

}  // namespace

std::uint64_t fnv1a64(std::string_view text, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

RandomStream::RandomStream(std::uint64_t seed, std::string_view name) {
  // The stream depends on (seed, name) only: agents never share or perturb each other's draws.
  std::uint64_t x = fnv1a64(name) ^ (seed * 0x9e3779b97f4a7c15ULL);
  for (auto& s : s_) s = splitmix64(x);
}

// xoshiro256** 1.0 (Blackman and Vigna, 2018).
std::uint64_t RandomStream::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double RandomStream::uniform() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

std::uint64_t RandomStream::uniform_int(std::uint64_t n) {
  // Lemire's nearly-divisionless method with rejection: no modulo bias.
  __uint128_t m = static_cast<__uint128_t>(next_u64()) * n;
  std::uint64_t low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

Duration RandomStream::uniform_duration(Duration lo, Duration hi) {
  if (hi <= lo) return lo;
  return lo + Duration{static_cast<std::int64_t>(
                  uniform_int(static_cast<std::uint64_t>((hi - lo).count())))};
}

double RandomStream::exponential(double mean) {
  // Inversion; 1 - u is in (0, 1] so the log is finite.
  return -mean * std::log(1.0 - uniform());
}

double RandomStream::normal(double mean, double stddev) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + stddev * spare_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(kTwoPi * u2);
  has_spare_ = true;
  return mean + stddev * r * std::cos(kTwoPi * u2);
}

double RandomStream::lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }

}  // namespace kcsim
