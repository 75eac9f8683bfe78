#include "deployment_replicas.hpp"

#include <algorithm>
#include <string>

#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

std::optional<std::int64_t> parse_int(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  return std::stoll(s);
}

constexpr const char* kMaxReplicas = "deployment.kubernetes.io/max-replicas";

}  // namespace

std::optional<std::int64_t> annotation_int(const nlohmann::json& obj, const char* key) {
  const nlohmann::json* a = find(obj, {"metadata", "annotations", key});
  if (!a || !a->is_string()) return std::nullopt;
  return parse_int(a->get<std::string>());
}

nlohmann::json rolling_update_value_defaulted(const nlohmann::json* v) {
  if (v && v->is_number_integer()) return *v;
  if (v && v->is_string()) {
    const std::string s = v->get<std::string>();
    if (!s.empty() && s.back() == '%') {
      if (parse_int(s.substr(0, s.size() - 1))) return *v;
    } else if (auto p = parse_int(s)) {
      return *p;
    }
  }
  return "25%";
}

std::optional<std::int64_t> scaled_value_from_int_or_percent(const nlohmann::json* v, std::int64_t total,
                                                              bool round_up) {
  if (!v) return std::nullopt;  // "nil value for IntOrString"
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (!v->is_string()) return std::nullopt;
  const std::string s = v->get<std::string>();
  if (s.empty() || s.back() != '%') return std::nullopt;  // "invalid type: string is not a percentage"
  const auto percent = parse_int(s.substr(0, s.size() - 1));
  if (!percent) return std::nullopt;
  const std::int64_t scaled = *percent * total;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

std::optional<Fenceposts> resolve_fenceposts(const nlohmann::json* max_surge, const nlohmann::json* max_unavailable,
                                             std::int64_t desired) {
  const nlohmann::json zero = 0;
  const auto surge = scaled_value_from_int_or_percent(max_surge ? max_surge : &zero, desired, true);
  if (!surge) return std::nullopt;
  const auto unavailable = scaled_value_from_int_or_percent(max_unavailable ? max_unavailable : &zero, desired, false);
  if (!unavailable) return std::nullopt;
  Fenceposts f{*surge, *unavailable};
  if (f.surge == 0 && f.unavailable == 0) f.unavailable = 1;
  return f;
}

std::int64_t deployment_spec_replicas(const nlohmann::json& d) { return int_at(d, {"spec", "replicas"}, 1); }

bool deployment_is_rolling_update(const nlohmann::json& d) {
  return str_at(d, {"spec", "strategy", "type"}) != "Recreate";
}

namespace {
Fenceposts deployment_fenceposts(const nlohmann::json& d) {
  const nlohmann::json* ru = find(d, {"spec", "strategy", "rollingUpdate"});
  const nlohmann::json surge = rolling_update_value_defaulted(ru ? find(*ru, {"maxSurge"}) : nullptr);
  const nlohmann::json unavailable = rolling_update_value_defaulted(ru ? find(*ru, {"maxUnavailable"}) : nullptr);
  return *resolve_fenceposts(&surge, &unavailable, deployment_spec_replicas(d));  // defaulted: never invalid
}
}  // namespace

std::int64_t deployment_max_surge(const nlohmann::json& d) {
  return deployment_is_rolling_update(d) ? deployment_fenceposts(d).surge : 0;
}

std::int64_t deployment_max_unavailable(const nlohmann::json& d) {
  if (!deployment_is_rolling_update(d) || deployment_spec_replicas(d) == 0) return 0;
  return std::min(deployment_fenceposts(d).unavailable, deployment_spec_replicas(d));
}

std::int64_t new_rs_new_replicas(const nlohmann::json& d, std::int64_t all_replicas, std::int64_t new_rs_replicas) {
  const std::int64_t replicas = deployment_spec_replicas(d);
  if (!deployment_is_rolling_update(d)) return replicas;
  const nlohmann::json surge_value =
      rolling_update_value_defaulted(find(d, {"spec", "strategy", "rollingUpdate", "maxSurge"}));
  const std::int64_t surge = *scaled_value_from_int_or_percent(&surge_value, replicas, true);
  const std::int64_t max_total = replicas + surge;
  if (all_replicas >= max_total) return new_rs_replicas;
  const std::int64_t up = std::min(max_total - all_replicas, replicas - new_rs_replicas);
  return new_rs_replicas + up;
}

std::int64_t replica_set_fraction(const nlohmann::json& d, std::int64_t status_replicas, const nlohmann::json& rs) {
  const std::int64_t rs_replicas = int_at(rs, {"spec", "replicas"}, 1);
  const std::int64_t replicas = deployment_spec_replicas(d);
  if (replicas == 0) return -rs_replicas;
  const std::int64_t deployment_replicas = replicas + deployment_max_surge(d);
  std::int64_t annotated = annotation_int(rs, kMaxReplicas).value_or(0);
  // A missing annotation, or one set to 0 by a third party, falls back to the Deployment's
  // status.replicas (v1.33; v1.32 divides by the 0); nothing known, no change.
  if (annotated <= 0) annotated = status_replicas;
  if (annotated <= 0) return 0;
  // integer.RoundToInt32 rounds half away from zero; both factors are positive here.
  const std::int64_t num = rs_replicas * deployment_replicas;
  return (2 * num + annotated) / (2 * annotated) - rs_replicas;
}

std::int64_t replica_set_proportion(const nlohmann::json& d, std::int64_t status_replicas, const nlohmann::json* rs,
                                    std::int64_t to_add, std::int64_t added) {
  if (!rs || int_at(*rs, {"spec", "replicas"}, 1) == 0 || to_add == 0 || to_add == added) return 0;
  const std::int64_t fraction = replica_set_fraction(d, status_replicas, *rs);
  const std::int64_t allowed = to_add - added;
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

}  // namespace kcsim
