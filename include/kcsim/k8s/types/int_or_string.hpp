// intstr.IntOrString (k8s.io/apimachinery v0.32 pkg/util/intstr/intstr.go) and
// GetScaledValueFromIntOrPercent, as the Deployment controller reads maxSurge and maxUnavailable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kcsim::k8s {

struct IntOrString {
  enum class Type { kInt, kString };
  Type type = Type::kInt;
  std::int64_t int_val = 0;
  std::string str_val;

  static IntOrString from_int(std::int64_t v) { return IntOrString{Type::kInt, v, {}}; }
  static IntOrString from_string(std::string s) { return IntOrString{Type::kString, 0, std::move(s)}; }
  bool operator==(const IntOrString&) const = default;
};

/// An integer or a string; nullopt for anything else (absent, null, a fraction, a boolean).
inline std::optional<IntOrString> parse_int_or_string(const nlohmann::json* v) {
  if (v && v->is_number_integer()) return IntOrString::from_int(v->get<std::int64_t>());
  if (v && v->is_string()) return IntOrString::from_string(v->get<std::string>());
  return std::nullopt;
}

/// A decimal integer as Go's strconv.Atoi reads one (an optional sign, at most 19 characters),
/// or nullopt.
inline std::optional<std::int64_t> parse_decimal(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  return std::stoll(s);
}

/// GetScaledValueFromIntOrPercent: an integer as is, "N%" of `total` rounded up or down. A string
/// that is neither (rejected by validation upstream) reads as `fallback_percent` %.
inline std::int64_t scaled_value_from_int_or_percent(const IntOrString& v, std::int64_t total, bool round_up,
                                                     std::int64_t fallback_percent) {
  if (v.type == IntOrString::Type::kInt) return v.int_val;
  std::int64_t percent = fallback_percent;
  const std::string& s = v.str_val;
  if (!s.empty() && s.back() == '%') {
    if (auto p = parse_decimal(s.substr(0, s.size() - 1))) percent = *p;
  } else if (auto p = parse_decimal(s)) {
    return *p;
  }
  const std::int64_t scaled = percent * total;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

}  // namespace kcsim::k8s
