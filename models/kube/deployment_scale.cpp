#include "deployment_scale.hpp"

#include <algorithm>

#include "deployment_replicas.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim {

// RFC 3339 strings of one format order chronologically.
bool replica_set_older(const k8s::ReplicaSet& a, const k8s::ReplicaSet& b) {
  const std::string& ta = a.metadata.creation_timestamp;
  const std::string& tb = b.metadata.creation_timestamp;
  if (ta != tb) return ta < tb;
  return a.metadata.name < b.metadata.name;
}

namespace {

using Doc = const k8s::ReplicaSet*;

std::int64_t replicas_of(Doc rs) { return rs ? rs->spec.replicas : 0; }
bool older(Doc a, Doc b) { return replica_set_older(*a, *b); }

std::vector<Doc> filter_active(const std::vector<Doc>& in) {
  std::vector<Doc> out;
  for (Doc rs : in)
    if (rs && replicas_of(rs) > 0) out.push_back(rs);
  return out;
}

// deploymentutil.FindActiveOrLatest.
Doc find_active_or_latest(Doc new_rs, std::vector<Doc> old) {
  if (!new_rs && old.empty()) return nullptr;
  std::sort(old.begin(), old.end(), [](Doc a, Doc b) { return older(b, a); });
  std::vector<Doc> all = old;
  all.push_back(new_rs);
  const std::vector<Doc> active = filter_active(all);
  if (active.empty()) return new_rs ? new_rs : old.front();
  if (active.size() == 1) return active.front();
  return nullptr;
}

// deploymentutil.IsSaturated.
bool is_saturated(const k8s::Deployment& d, Doc rs) {
  if (!rs) return false;
  const auto v = annotation_int(rs->metadata, k8s::kDesiredReplicasAnnotation);
  if (!v) return false;
  const std::int64_t replicas = d.spec.replicas;
  return replicas_of(rs) == replicas && *v == replicas && rs->status.available_replicas == replicas;
}

}  // namespace

DeploymentScalePlan deployment_scale_plan(const k8s::Deployment& d, std::int64_t status_replicas,
                                          const k8s::ReplicaSet* new_rs, std::vector<const k8s::ReplicaSet*> old) {
  DeploymentScalePlan plan;
  const std::int64_t replicas = d.spec.replicas;
  if (Doc target = find_active_or_latest(new_rs, old)) {
    if (replicas_of(target) != replicas) plan.writes.push_back({target, replicas, true});
    return plan;
  }
  if (is_saturated(d, new_rs)) {
    for (Doc rs : filter_active(old)) plan.writes.push_back({rs, 0, true});
    return plan;
  }
  if (!deployment_is_rolling_update(d)) return plan;
  std::vector<Doc> all = old;
  all.push_back(new_rs);
  all = filter_active(all);
  const std::int64_t allowed = replicas > 0 ? replicas + deployment_max_surge(d) : 0;
  std::int64_t sum = 0;
  for (Doc rs : all) sum += replicas_of(rs);
  const std::int64_t to_add = allowed - sum;
  if (to_add > 0) {
    // ReplicaSetsBySizeNewer: larger first, then newer first.
    std::stable_sort(all.begin(), all.end(), [](Doc a, Doc b) {
      if (replicas_of(a) != replicas_of(b)) return replicas_of(a) > replicas_of(b);
      return older(b, a);
    });
    plan.operation = "up";
  } else if (to_add < 0) {
    // ReplicaSetsBySizeOlder: larger first, then older first.
    std::stable_sort(all.begin(), all.end(), [](Doc a, Doc b) {
      if (replicas_of(a) != replicas_of(b)) return replicas_of(a) > replicas_of(b);
      return older(a, b);
    });
    plan.operation = "down";
  }
  std::int64_t added = 0;
  std::vector<std::int64_t> sizes;
  for (Doc rs : all) {
    if (to_add != 0) {
      const std::int64_t p = replica_set_proportion(d, status_replicas, rs, to_add, added);
      sizes.push_back(replicas_of(rs) + p);
      added += p;
    } else {
      sizes.push_back(replicas_of(rs));
    }
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i == 0 && to_add != 0) sizes[0] = std::max<std::int64_t>(0, sizes[0] + to_add - added);
    plan.writes.push_back({all[i], sizes[i], false});
  }
  return plan;
}

}  // namespace kcsim
