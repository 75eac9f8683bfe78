#include "active_pods_ranking.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdlib>

#include "kcsim/core/time.hpp"

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

RankedPod ranked_pod(const k8s::Pod& pod, std::int64_t rank) {
  RankedPod r;
  r.node = pod.spec.node_name;
  r.uid = pod.metadata.uid;
  r.phase = pod.status.phase == k8s::kPodRunning ? 2 : pod.status.phase == k8s::kPodUnknown ? 1 : 0;
  r.ready = pod.ready();
  if (r.ready) r.ready_since = parse_rfc3339(pod.ready_condition()->last_transition_time);
  r.created = parse_rfc3339(pod.metadata.creation_timestamp);
  // GetDeletionCostFromPodAnnotations: an int32; anything else counts as 0.
  if (const std::string* c = pod.metadata.annotation(kDeletionCost)) {
    char* end = nullptr;
    const long long v = std::strtoll(c->c_str(), &end, 10);
    if (!c->empty() && end && *end == '\0' && v >= INT32_MIN && v <= INT32_MAX) r.cost = v;
  }
  r.rank = rank;
  for (const k8s::ContainerStatus& c : pod.status.container_statuses) r.restarts = std::max(r.restarts, c.restart_count);
  // Sidecars: init containers with restartPolicy Always.
  for (const k8s::ContainerStatus& c : pod.status.init_container_statuses) {
    const bool sidecar =
        std::any_of(pod.spec.init_containers.begin(), pod.spec.init_containers.end(), [&](const k8s::Container& ic) {
          return ic.name == c.name && ic.restart_policy == k8s::kContainerRestartPolicyAlways;
        });
    if (sidecar) r.sidecar_restarts = std::max(r.sidecar_restarts, c.restart_count);
  }
  return r;
}

}  // namespace kcsim
