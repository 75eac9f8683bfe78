#include "deployment_replicas.hpp"
#include "kcsim/k8s/well_known.hpp"

#include <algorithm>
#include <string>

namespace kcsim {
namespace {

using k8s::IntOrString;

Fenceposts deployment_fenceposts(const k8s::Deployment& d) {
  const k8s::RollingUpdateDeployment& ru = d.spec.strategy.rolling_update;
  const IntOrString surge = rolling_update_value_defaulted(ru.max_surge);
  const IntOrString unavailable = rolling_update_value_defaulted(ru.max_unavailable);
  return *resolve_fenceposts(&surge, &unavailable, d.spec.replicas);  // defaulted: never invalid
}

}  // namespace

std::optional<std::int64_t> annotation_int(const k8s::ObjectMeta& meta, const char* key) {
  const std::string* a = meta.annotation(key);
  return a ? k8s::parse_decimal(*a) : std::nullopt;
}

IntOrString rolling_update_value_defaulted(const IntOrString& v) {
  if (v.type == IntOrString::Type::kInt) return v;
  const std::string& s = v.str_val;
  if (!s.empty() && s.back() == '%') {
    if (k8s::parse_decimal(s.substr(0, s.size() - 1))) return v;
  } else if (auto p = k8s::parse_decimal(s)) {
    return IntOrString::from_int(*p);
  }
  return IntOrString::from_string(k8s::kDefaultMaxSurge);  // "25%", maxUnavailable's default too
}

std::optional<Fenceposts> resolve_fenceposts(const IntOrString* max_surge, const IntOrString* max_unavailable,
                                             std::int64_t desired) {
  const IntOrString zero = IntOrString::from_int(0);
  const auto surge = k8s::scaled_value_from_int_or_percent(max_surge ? max_surge : &zero, desired, true);
  if (!surge) return std::nullopt;
  const auto unavailable =
      k8s::scaled_value_from_int_or_percent(max_unavailable ? max_unavailable : &zero, desired, false);
  if (!unavailable) return std::nullopt;
  Fenceposts f{*surge, *unavailable};
  if (f.surge == 0 && f.unavailable == 0) f.unavailable = 1;
  return f;
}

bool deployment_is_rolling_update(const k8s::Deployment& d) {
  return d.spec.strategy.type != k8s::kRecreateDeploymentStrategyType;
}

std::int64_t deployment_max_surge(const k8s::Deployment& d) {
  return deployment_is_rolling_update(d) ? deployment_fenceposts(d).surge : 0;
}

std::int64_t deployment_max_unavailable(const k8s::Deployment& d) {
  if (!deployment_is_rolling_update(d) || d.spec.replicas == 0) return 0;
  return std::min(deployment_fenceposts(d).unavailable, d.spec.replicas);
}

std::int64_t new_rs_new_replicas(const k8s::Deployment& d, std::int64_t all_replicas, std::int64_t new_rs_replicas) {
  const std::int64_t replicas = d.spec.replicas;
  if (!deployment_is_rolling_update(d)) return replicas;
  const IntOrString surge_value = rolling_update_value_defaulted(d.spec.strategy.rolling_update.max_surge);
  const std::int64_t surge = *k8s::scaled_value_from_int_or_percent(&surge_value, replicas, true);
  const std::int64_t max_total = replicas + surge;
  if (all_replicas >= max_total) return new_rs_replicas;
  const std::int64_t up = std::min(max_total - all_replicas, replicas - new_rs_replicas);
  return new_rs_replicas + up;
}

std::int64_t replica_set_fraction(const k8s::Deployment& d, std::int64_t status_replicas, const k8s::ReplicaSet& rs) {
  const std::int64_t rs_replicas = rs.spec.replicas;
  const std::int64_t replicas = d.spec.replicas;
  if (replicas == 0) return -rs_replicas;
  const std::int64_t deployment_replicas = replicas + deployment_max_surge(d);
  std::int64_t annotated = annotation_int(rs.metadata, k8s::kMaxReplicasAnnotation).value_or(0);
  // A missing annotation, or one set to 0 by a third party, falls back to the Deployment's
  // status.replicas (v1.33; v1.32 divides by the 0); nothing known, no change.
  if (annotated <= 0) annotated = status_replicas;
  if (annotated <= 0) return 0;
  // integer.RoundToInt32 rounds half away from zero; both factors are positive here.
  const std::int64_t num = rs_replicas * deployment_replicas;
  return (2 * num + annotated) / (2 * annotated) - rs_replicas;
}

std::int64_t replica_set_proportion(const k8s::Deployment& d, std::int64_t status_replicas, const k8s::ReplicaSet* rs,
                                    std::int64_t to_add, std::int64_t added) {
  if (!rs || rs->spec.replicas == 0 || to_add == 0 || to_add == added) return 0;
  const std::int64_t fraction = replica_set_fraction(d, status_replicas, *rs);
  const std::int64_t allowed = to_add - added;
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

}  // namespace kcsim
