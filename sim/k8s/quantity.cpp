#include "kcsim/k8s/quantity.hpp"

#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace kcsim {

std::optional<std::int64_t> quantity_milli(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>() * 1000;
  if (v.is_number()) return static_cast<std::int64_t>(std::ceil(v.get<double>() * 1000.0));
  if (!v.is_string()) return std::nullopt;
  std::string s = v.get<std::string>();
  static const std::vector<std::pair<std::string, double>> suffixes = {
      {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
      {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}, {"m", 1e-3}, {"k", 1e3},
      {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18}};
  double factor = 1.0;
  for (const auto& [suf, f] : suffixes) {
    if (s.size() > suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) {
      factor = f;
      s.resize(s.size() - suf.size());
      break;
    }
  }
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double n = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(n)) return std::nullopt;
  // Integers with the milli suffix are exact; everything else rounds up like MilliValue().
  const double milli = n * factor * 1000.0;
  const double r = std::round(milli);
  if (std::fabs(milli - r) < 1e-6) return static_cast<std::int64_t>(r);
  return static_cast<std::int64_t>(std::ceil(milli));
}

}  // namespace kcsim
