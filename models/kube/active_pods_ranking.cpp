#include "active_pods_ranking.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdlib>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/pod_ready.hpp"

namespace kcsim {
namespace {

constexpr const char* kDeletionCost = "controller.kubernetes.io/pod-deletion-cost";

// controller_utils.go logarithmicRankDiff: ages in nanoseconds, compared by floor(log2).
std::int64_t log_rank(std::int64_t t_unix, std::int64_t now_nanos) {
  const std::int64_t d = now_nanos - t_unix * 1'000'000'000LL;
  return d > 0 ? static_cast<std::int64_t>(std::bit_width(static_cast<std::uint64_t>(d))) - 1 : -1;
}

}  // namespace

bool active_pods_with_ranks_less(const RankedPod& a, const RankedPod& b, std::int64_t now_nanos) {
  if (a.node != b.node && (a.node.empty() || b.node.empty())) return a.node.empty();
  if (a.phase != b.phase) return a.phase < b.phase;
  if (a.ready != b.ready) return !a.ready;
  if (a.cost != b.cost) return a.cost < b.cost;
  if (a.rank != b.rank) return a.rank > b.rank;
  // afterOrZero: a zero time counts as later than any other.
  auto by_time = [&](const std::optional<std::int64_t>& ta, const std::optional<std::int64_t>& tb) {
    if (!ta || !tb) return !ta;
    const std::int64_t diff = log_rank(*ta, now_nanos) - log_rank(*tb, now_nanos);
    if (diff == 0) return a.uid < b.uid;
    return diff < 0;
  };
  if (a.ready && b.ready && a.ready_since != b.ready_since) return by_time(a.ready_since, b.ready_since);
  if (a.restarts != b.restarts) return a.restarts > b.restarts;
  if (a.sidecar_restarts != b.sidecar_restarts) return a.sidecar_restarts > b.sidecar_restarts;
  if (a.created != b.created) return by_time(a.created, b.created);
  return false;
}

RankedPod ranked_pod(const nlohmann::json& pod, std::int64_t rank) {
  RankedPod r;
  r.node = str_at(pod, {"spec", "nodeName"});
  r.uid = str_at(pod, {"metadata", "uid"});
  const std::string phase = str_at(pod, {"status", "phase"});
  r.phase = phase == "Running" ? 2 : phase == "Unknown" ? 1 : 0;
  r.ready = is_pod_ready(pod);
  if (r.ready)
    if (const nlohmann::json* c = pod_ready_condition(pod)) r.ready_since = parse_rfc3339(c->value("lastTransitionTime", ""));
  r.created = parse_rfc3339(str_at(pod, {"metadata", "creationTimestamp"}));
  // GetDeletionCostFromPodAnnotations: an int32; anything else counts as 0.
  if (const nlohmann::json* c = find(pod, {"metadata", "annotations", kDeletionCost}); c && c->is_string()) {
    const std::string s = *c;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end && *end == '\0' && v >= INT32_MIN && v <= INT32_MAX) r.cost = v;
  }
  r.rank = rank;
  if (const nlohmann::json* cs = find(pod, {"status", "containerStatuses"}); cs && cs->is_array())
    for (const nlohmann::json& c : *cs) r.restarts = std::max(r.restarts, int_at(c, {"restartCount"}, 0));
  // Sidecars: init containers with restartPolicy Always.
  if (const nlohmann::json* ics = find(pod, {"status", "initContainerStatuses"}); ics && ics->is_array()) {
    const nlohmann::json* inits = find(pod, {"spec", "initContainers"});
    for (const nlohmann::json& c : *ics) {
      bool sidecar = false;
      if (inits && inits->is_array())
        for (const nlohmann::json& ic : *inits)
          if (ic.value("name", "") == c.value("name", "") && ic.value("restartPolicy", "") == "Always") sidecar = true;
      if (sidecar) r.sidecar_restarts = std::max(r.sidecar_restarts, int_at(c, {"restartCount"}, 0));
    }
  }
  return r;
}

}  // namespace kcsim
