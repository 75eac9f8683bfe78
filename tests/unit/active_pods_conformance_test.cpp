// Conformance of the ReplicaSet's scale-down victim order (models/kube/active_pods_ranking.hpp)
// with upstream's own tables in kubernetes pkg/controller/controller_utils_test.go (the stored
// version read is not tied to a release; its cases exercise the ActivePodsWithRanks rules of
// v1.28–v1.32 that kcsim models, with PodDeletionCost and LogarithmicScaleDown on):
//  - TestSortingActivePodsWithRanks: its 11 equality and 16 inequality cases, pods built as the
//    test's pod() helper builds them (the Ready condition and one container status only when
//    ready) and read through their typed view (k8s::parse_pod) as the ReplicaSet controller reads
//    them, ranks as given, Now = the test's now;
//  - TestSortingActivePods: its one table (9 pods, the expected order) sorted from 20 shuffled
//    orders. Upstream sorts with ActivePods.Less (exact times, no ranks); the ReplicaSet uses
//    ActivePodsWithRanks.Less, which orders this table identically (equal ranks and costs, and
//    every pair of distinct times falls in different log2 buckets), so the table is run through
//    the function the ReplicaSet uses.
// Times are whole seconds here (metav1.Time's serialised precision); then1Month is 30 days
// before now (AddDate(0, -1, 0) is 28–31 days; every comparison is the same either way).
// docs/fidelity.md counts the cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "../../models/kube/active_pods_ranking.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {
namespace {

using nlohmann::json;

const Epoch kEpoch{};
const SimTime kNow{hours(24 * 40)};
const std::int64_t kNowNanos = kEpoch.unix_nanos(kNow);

const std::optional<SimTime> kZero;  // metav1.Time{}
const std::optional<SimTime> kThen1Month = kNow - hours(24 * 30);
const std::optional<SimTime> kThen2Hours = kNow - hours(2);
const std::optional<SimTime> kThen5Hours = kNow - hours(5);
const std::optional<SimTime> kThen8Hours = kNow - hours(8);

// The test's pod(name, node, phase, ready, restarts, readySince, created, annotations).
json pod(const std::string& name, const std::string& node, const std::string& phase, bool ready, int restarts,
         std::optional<SimTime> ready_since, std::optional<SimTime> created, const char* deletion_cost = nullptr) {
  json p = {{"metadata", {{"name", name}}}, {"spec", {{"nodeName", node}}}, {"status", {{"phase", phase}}}};
  if (created) p["metadata"]["creationTimestamp"] = kEpoch.rfc3339(*created);
  if (deletion_cost) p["metadata"]["annotations"] = {{"controller.kubernetes.io/pod-deletion-cost", deletion_cost}};
  if (ready) {
    json cond = {{"type", "Ready"}, {"status", "True"}};
    if (ready_since) cond["lastTransitionTime"] = kEpoch.rfc3339(*ready_since);
    p["status"]["conditions"] = json::array({cond});
    p["status"]["containerStatuses"] = json::array({{{"restartCount", restarts}}});
  }
  return p;
}

const json kUnscheduled = pod("unscheduled", "", "Pending", false, 0, kZero, kZero);
const json kScheduledPending = pod("pending", "node", "Pending", false, 0, kZero, kZero);
const json kUnknownPhase = pod("unknown-phase", "node", "Unknown", false, 0, kZero, kZero);
const json kRunningNotReady = pod("not-ready", "node", "Running", false, 0, kZero, kZero);
const json kReadyNoLastTransitionTime = pod("ready-no-last-transition-time", "node", "Running", true, 0, kZero, kZero);
const json kReadyNow = pod("ready-now", "node", "Running", true, 0, kNow, kNow);
const json kReadyThen = pod("ready-then", "node", "Running", true, 0, kThen1Month, kThen1Month);
const json kReadyNowHighRestarts = pod("ready-high-restarts", "node", "Running", true, 9001, kNow, kNow);
const json kReadyNowCreatedThen = pod("ready-now-created-then", "node", "Running", true, 0, kNow, kThen1Month);
const json kLowDeletionCost = pod("low-deletion-cost", "node", "Running", true, 0, kNow, kThen1Month, "10");
const json kHighDeletionCost = pod("high-deletion-cost", "node", "Running", true, 0, kNow, kThen1Month, "100");
const json kUnscheduled5Hours = pod("unscheduled-5-hours", "", "Pending", false, 0, kThen5Hours, kThen5Hours);
const json kUnscheduled8Hours = pod("unscheduled-10-hours", "", "Pending", false, 0, kThen8Hours, kThen8Hours);
const json kReady2Hours = pod("ready-2-hours", "", "Running", true, 0, kThen2Hours, kThen1Month);
const json kReady5Hours = pod("ready-5-hours", "", "Running", true, 0, kThen5Hours, kThen1Month);
const json kReady8Hours = pod("ready-10-hours", "", "Running", true, 0, kThen8Hours, kThen1Month);

bool less(const json& a, std::int64_t rank_a, const json& b, std::int64_t rank_b) {
  return active_pods_with_ranks_less(ranked_pod(k8s::parse_pod(a), rank_a), ranked_pod(k8s::parse_pod(b), rank_b),
                                     kNowNanos);
}

// --- equalityTests: neither pod is less than the other (ranks 1, 1) ---------------------------------
struct EqualityCase {
  const char* name;
  const json* p1;
  const json* p2;
};

class ActivePodsWithRanksEquality : public ::testing::TestWithParam<EqualityCase> {};

TEST_P(ActivePodsWithRanksEquality, MatchesUpstream) {
  const EqualityCase& c = GetParam();
  const json& p2 = c.p2 ? *c.p2 : *c.p1;
  EXPECT_FALSE(less(*c.p1, 1, p2, 1));
  EXPECT_FALSE(less(p2, 1, *c.p1, 1));
}

INSTANTIATE_TEST_SUITE_P(Upstream, ActivePodsWithRanksEquality,
                         ::testing::Values(EqualityCase{"0_unscheduled", &kUnscheduled, nullptr},
                                           EqualityCase{"1_scheduled_pending", &kScheduledPending, nullptr},
                                           EqualityCase{"2_unknown_phase", &kUnknownPhase, nullptr},
                                           EqualityCase{"3_running_not_ready", &kRunningNotReady, nullptr},
                                           EqualityCase{"4_ready_now_created_then", &kReadyNowCreatedThen, nullptr},
                                           EqualityCase{"5_ready_now", &kReadyNow, nullptr},
                                           EqualityCase{"6_ready_then", &kReadyThen, nullptr},
                                           EqualityCase{"7_ready_now_high_restarts", &kReadyNowHighRestarts, nullptr},
                                           EqualityCase{"8_ready_now_created_then", &kReadyNowCreatedThen, nullptr},
                                           // 5 h and 8 h old fall in the same log2 bucket (2^44 ns).
                                           EqualityCase{"9_unscheduled_5h_vs_8h", &kUnscheduled5Hours,
                                                        &kUnscheduled8Hours},
                                           EqualityCase{"10_ready_5h_vs_8h", &kReady5Hours, &kReady8Hours}),
                         [](const auto& info) { return std::string(info.param.name); });

// --- inequalityTests: lesser is deleted first, and greater is not less than lesser ------------------
struct InequalityCase {
  const char* name;
  const json* lesser;
  std::int64_t lesser_rank;
  const json* greater;
  std::int64_t greater_rank;
};

class ActivePodsWithRanksInequality : public ::testing::TestWithParam<InequalityCase> {};

TEST_P(ActivePodsWithRanksInequality, MatchesUpstream) {
  const InequalityCase& c = GetParam();
  EXPECT_TRUE(less(*c.lesser, c.lesser_rank, *c.greater, c.greater_rank));
  EXPECT_FALSE(less(*c.greater, c.greater_rank, *c.lesser, c.lesser_rank));
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, ActivePodsWithRanksInequality,
    ::testing::Values(
        InequalityCase{"0_unscheduled_before_scheduled", &kUnscheduled, 1, &kScheduledPending, 2},
        InequalityCase{"1_unscheduled_before_scheduled_whatever_rank", &kUnscheduled, 2, &kScheduledPending, 1},
        InequalityCase{"2_pending_before_unknown", &kScheduledPending, 1, &kUnknownPhase, 2},
        InequalityCase{"3_unknown_before_running", &kUnknownPhase, 1, &kRunningNotReady, 2},
        InequalityCase{"4_not_ready_before_ready", &kRunningNotReady, 1, &kReadyNoLastTransitionTime, 1},
        InequalityCase{"5_zero_ready_time_before_ready_now", &kReadyNoLastTransitionTime, 1, &kReadyNow, 1},
        InequalityCase{"6_higher_rank_first", &kReadyNow, 2, &kReadyNoLastTransitionTime, 1},
        InequalityCase{"7_ready_shorter_first", &kReadyNow, 1, &kReadyThen, 1},
        InequalityCase{"8_higher_rank_before_shorter_ready", &kReadyNow, 2, &kReadyThen, 1},
        InequalityCase{"9_more_restarts_first", &kReadyNowHighRestarts, 1, &kReadyNow, 1},
        InequalityCase{"10_higher_rank_before_restarts", &kReadyNow, 2, &kReadyNowHighRestarts, 1},
        InequalityCase{"11_newer_first", &kReadyNow, 1, &kReadyNowCreatedThen, 1},
        InequalityCase{"12_higher_rank_before_newer", &kReadyNowCreatedThen, 2, &kReadyNow, 1},
        InequalityCase{"13_lower_deletion_cost_first", &kLowDeletionCost, 2, &kHighDeletionCost, 1},
        InequalityCase{"15_ready_2h_before_5h", &kReady2Hours, 1, &kReady5Hours, 1}),
    [](const auto& info) { return std::string(info.param.name); });

// Known difference, inequality case 14: with the PodDeletionCost feature gate off, upstream
// ignores the annotation and the higher rank (2) goes first. kcsim has no feature gates; it runs
// with PodDeletionCost on (the default since v1.22), so the lower cost goes first whatever the
// rank. This records kcsim's order; the upstream case cannot be reproduced.
TEST(ActivePodsWithRanksKnownDifference, Inequality14PodDeletionCostGateOffNotModelled) {
  EXPECT_TRUE(less(kLowDeletionCost, 1, kHighDeletionCost, 2));
  EXPECT_FALSE(less(kHighDeletionCost, 2, kLowDeletionCost, 1));  // upstream, gate off: true
}

// --- TestSortingActivePods ("Sorts by active pod") --------------------------------------------------
json sorting_pod(const std::string& name, const std::string& node, const std::string& phase, bool ready,
                 std::optional<SimTime> ready_since, std::vector<int> restarts, std::optional<SimTime> created) {
  json p = {{"metadata", {{"name", name}}}, {"spec", {{"nodeName", node}}}, {"status", {{"phase", phase}}}};
  if (created) p["metadata"]["creationTimestamp"] = kEpoch.rfc3339(*created);
  if (ready) {
    json cond = {{"type", "Ready"}, {"status", "True"}};
    if (ready_since) cond["lastTransitionTime"] = kEpoch.rfc3339(*ready_since);
    p["status"]["conditions"] = json::array({cond});
  }
  if (!restarts.empty()) {
    p["status"]["containerStatuses"] = json::array();
    for (int r : restarts) p["status"]["containerStatuses"].push_back({{"restartCount", r}});
  }
  return p;
}

TEST(ActivePodsConformance, SortsByActivePod) {
  const std::vector<json> pods = {
      sorting_pod("unscheduled", "", "Pending", false, kZero, {}, kZero),
      sorting_pod("scheduledButPending", "bar", "Pending", false, kZero, {}, kZero),
      sorting_pod("unknownPhase", "foo", "Unknown", false, kZero, {}, kZero),
      sorting_pod("runningButNotReady", "foo", "Running", false, kZero, {}, kZero),
      sorting_pod("runningNoLastTransitionTime", "foo", "Running", true, kZero, {3, 0}, kZero),
      sorting_pod("runningWithLastTransitionTime", "foo", "Running", true, kNow, {3, 0}, kZero),
      sorting_pod("runningLongerTime", "foo", "Running", true, kThen1Month, {3, 0}, kZero),
      sorting_pod("lowerContainerRestartCount", "foo", "Running", true, kThen1Month, {2, 1}, kNow),
      sorting_pod("oldest", "foo", "Running", true, kThen1Month, {2, 1}, kThen1Month),
  };
  std::vector<std::string> want;
  for (const json& p : pods) want.push_back(p["metadata"]["name"]);
  std::mt19937 rng(16);  // a fixed seed: the result must not depend on the shuffle
  std::vector<std::size_t> idx(pods.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  for (int round = 0; round < 20; ++round) {
    std::shuffle(idx.begin(), idx.end(), rng);
    std::vector<std::pair<std::string, RankedPod>> ranked;
    for (std::size_t i : idx) ranked.emplace_back(pods[i]["metadata"]["name"], ranked_pod(k8s::parse_pod(pods[i]), 0));
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return active_pods_with_ranks_less(a.second, b.second, kNowNanos); });
    std::vector<std::string> got;
    for (const auto& [name, r] : ranked) got.push_back(name);
    EXPECT_EQ(got, want) << "round " << round;
  }
}

}  // namespace
}  // namespace kcsim
