#include "kcsim/k8s/name_suffix.hpp"

#include <cstdint>

namespace kcsim::k8s {

std::string name_suffix_from(std::string_view seed) {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : seed) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::string s;
  for (int i = 0; i < 5; ++i) {
    s += kAlphabet[h % kAlphabet.size()];
    h /= kAlphabet.size();
  }
  return s;
}

}  // namespace kcsim::k8s
