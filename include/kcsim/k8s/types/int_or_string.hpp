// intstr.IntOrString (k8s.io/apimachinery v0.32 pkg/util/intstr/intstr.go) and
// GetScaledValueFromIntOrPercent, as upstream defines them; what the Deployment controller reads
// where validation would have rejected a value is models/kube/deployment_replicas.hpp's
// rolling_update_value_defaulted.
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

/// intstr.GetScaledValueFromIntOrPercent: an integer as is, "<n>%" of `total` rounded up or down;
/// nullopt where upstream returns an error (a nil value, a string that is not a percentage).
inline std::optional<std::int64_t> scaled_value_from_int_or_percent(const IntOrString* v, std::int64_t total,
                                                                    bool round_up) {
  if (!v) return std::nullopt;  // "nil value for IntOrString"
  if (v->type == IntOrString::Type::kInt) return v->int_val;
  const std::string& s = v->str_val;
  if (s.empty() || s.back() != '%') return std::nullopt;  // "invalid type: string is not a percentage"
  const auto percent = parse_decimal(s.substr(0, s.size() - 1));
  if (!percent) return std::nullopt;
  const std::int64_t scaled = *percent * total;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

}  // namespace kcsim::k8s
