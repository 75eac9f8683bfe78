// Conformance of the Deployment controller's replica arithmetic (models/kube/deployment_replicas.hpp)
// with upstream's own tables in kubernetes pkg/controller/deployment/util/deployment_util_test.go
// (the stored version read, v1.33-era: TestGetReplicaSetFraction arrived with
// DeploymentReplicaSetTerminatingReplicas; the other tables are unchanged since v1.2x):
// TestResolveFenceposts, TestMaxUnavailable, TestNewRSNewReplicas, TestGetReplicaSetFraction;
// and pkg/controller/deployment/sync_test.go TestScale (same era), run through the plan of
// models/kube/deployment_scale.hpp: the ReplicaSets carry the desired-replicas / max-replicas
// annotations of the old Deployment as the test sets them (SetReplicasAnnotations), and the
// sizes after the plan's writes are compared, ignoring the writes the table marks wasntUpdated.
// Deployments and ReplicaSets are built as the tables build them (generateDeployment's
// RollingUpdate strategy, intstr values as JSON integers or strings) and read through their typed
// views (k8s::parse_deployment, k8s::parse_replica_set) as the controller reads them.
// docs/fidelity.md counts the cases.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <vector>
#include <optional>
#include <string>

#include "../../models/kube/deployment_replicas.hpp"
#include "../../models/kube/deployment_scale.hpp"

namespace kcsim {
namespace {

using k8s::IntOrString;
using nlohmann::json;

k8s::Deployment deployment(const json& d) { return k8s::parse_deployment(d); }

std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// --- TestResolveFenceposts ---------------------------------------------------------------------------
struct FencepostCase {
  const char* name;
  std::optional<std::string> surge, unavailable;  // intstr.FromString, nil when absent
  std::int64_t desired;
  std::int64_t expect_surge, expect_unavailable;
  bool expect_error;
};

class ResolveFencepostsConformance : public ::testing::TestWithParam<FencepostCase> {};

TEST_P(ResolveFencepostsConformance, MatchesUpstream) {
  const FencepostCase& c = GetParam();
  const IntOrString surge = IntOrString::from_string(c.surge.value_or(""));
  const IntOrString unavailable = IntOrString::from_string(c.unavailable.value_or(""));
  const auto f = resolve_fenceposts(c.surge ? &surge : nullptr, c.unavailable ? &unavailable : nullptr, c.desired);
  EXPECT_EQ(!f.has_value(), c.expect_error);
  // Upstream returns 0, 0 with its error.
  EXPECT_EQ(f ? f->surge : 0, c.expect_surge);
  EXPECT_EQ(f ? f->unavailable : 0, c.expect_unavailable);
}

INSTANTIATE_TEST_SUITE_P(Upstream, ResolveFencepostsConformance,
                         ::testing::Values(FencepostCase{"0", "0%", "0%", 0, 0, 1, false},
                                           FencepostCase{"1", "39%", "39%", 10, 4, 3, false},
                                           FencepostCase{"2", "oops", "39%", 10, 0, 0, true},
                                           FencepostCase{"3", "55%", "urg", 10, 0, 0, true},
                                           FencepostCase{"4", std::nullopt, "39%", 10, 0, 3, false},
                                           FencepostCase{"5", "39%", std::nullopt, 10, 4, 0, false},
                                           FencepostCase{"6", std::nullopt, std::nullopt, 10, 0, 1, false}),
                         [](const auto& info) { return std::string(info.param.name); });

// What the controller reads where the API server would have defaulted or rejected the value.
TEST(RollingUpdateValueDefaulted, AsTheControllerReadsIt) {
  // A missing value: the typed view's SetDefaults_Deployment "25%".
  const IntOrString missing = deployment(json{{"spec", json::object()}}).spec.strategy.rolling_update.max_surge;
  EXPECT_EQ(rolling_update_value_defaulted(missing), IntOrString::from_string("25%"));
  const IntOrString pct = IntOrString::from_string("39%"), n = IntOrString::from_int(3);
  EXPECT_EQ(rolling_update_value_defaulted(pct), pct);
  EXPECT_EQ(rolling_update_value_defaulted(n), n);
  EXPECT_EQ(rolling_update_value_defaulted(IntOrString::from_string("7")), IntOrString::from_int(7));
  EXPECT_EQ(rolling_update_value_defaulted(IntOrString::from_string("oops")), IntOrString::from_string("25%"));
}

// --- TestMaxUnavailable ------------------------------------------------------------------------------
json rolling(std::int64_t replicas, json max_unavailable, json max_surge = 1) {
  return {{"spec",
           {{"replicas", replicas},
            {"strategy",
             {{"type", "RollingUpdate"},
              {"rollingUpdate", {{"maxSurge", max_surge}, {"maxUnavailable", max_unavailable}}}}}}}};
}

struct MaxUnavailableCase {
  const char* name;
  json deployment;
  std::int64_t expected;
};

class MaxUnavailableConformance : public ::testing::TestWithParam<MaxUnavailableCase> {};

TEST_P(MaxUnavailableConformance, MatchesUpstream) {
  EXPECT_EQ(deployment_max_unavailable(deployment(GetParam().deployment)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, MaxUnavailableConformance,
    ::testing::Values(
        MaxUnavailableCase{"maxUnavailable less than replicas", rolling(10, 5), 5},
        MaxUnavailableCase{"maxUnavailable equal replicas", rolling(10, 10), 10},
        MaxUnavailableCase{"maxUnavailable greater than replicas", rolling(5, 10), 5},
        MaxUnavailableCase{"maxUnavailable with replicas is 0", rolling(0, 10), 0},
        MaxUnavailableCase{"maxUnavailable with Recreate deployment strategy",
                           json{{"spec", {{"strategy", {{"type", "Recreate"}}}}}}, 0},
        MaxUnavailableCase{"maxUnavailable less than replicas with percents", rolling(10, "50%"), 5},
        MaxUnavailableCase{"maxUnavailable equal replicas with percents", rolling(10, "100%"), 10},
        MaxUnavailableCase{"maxUnavailable greater than replicas with percents", rolling(5, "100%"), 5}),
    [](const auto& info) { return test_name(info.param.name); });

// --- TestNewRSNewReplicas: allRSs is one ReplicaSet of 5 (rs5), the new one is not in it ---------
struct NewRsCase {
  const char* name;
  const char* strategy;
  std::int64_t dep_replicas, new_rs_replicas, max_surge, expected;
};

class NewRSNewReplicasConformance : public ::testing::TestWithParam<NewRsCase> {};

TEST_P(NewRSNewReplicasConformance, MatchesUpstream) {
  const NewRsCase& c = GetParam();
  json d = rolling(c.dep_replicas, 1, c.max_surge);
  d["spec"]["strategy"]["type"] = c.strategy;
  EXPECT_EQ(new_rs_new_replicas(deployment(d), 5, c.new_rs_replicas), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Upstream, NewRSNewReplicasConformance,
                         ::testing::Values(NewRsCase{"can not scale up - to newRSReplicas", "RollingUpdate", 1, 5, 1, 5},
                                           NewRsCase{"scale up - to depReplicas", "RollingUpdate", 6, 2, 10, 6},
                                           NewRsCase{"recreate - to depReplicas", "Recreate", 3, 1, 1, 3}),
                         [](const auto& info) { return test_name(info.param.name); });

// --- TestGetReplicaSetFraction -----------------------------------------------------------------------
struct FractionCase {
  const char* name;
  std::int64_t dep_replicas, dep_status_replicas, dep_max_surge, rs_replicas;
  std::optional<std::string> max_replicas_annotation;
  std::int64_t expected;
};

class GetReplicaSetFractionConformance : public ::testing::TestWithParam<FractionCase> {};

TEST_P(GetReplicaSetFractionConformance, MatchesUpstream) {
  const FractionCase& c = GetParam();
  json d = rolling(c.dep_replicas, 1, c.dep_max_surge);
  d["status"] = {{"replicas", c.dep_status_replicas}};
  json rs = {{"spec", {{"replicas", c.rs_replicas}}}};
  if (c.max_replicas_annotation)
    rs["metadata"]["annotations"] = {{"deployment.kubernetes.io/max-replicas", *c.max_replicas_annotation}};
  EXPECT_EQ(replica_set_fraction(deployment(d), c.dep_status_replicas, k8s::parse_replica_set(rs)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, GetReplicaSetFractionConformance,
    ::testing::Values(
        FractionCase{"empty deployment always scales to 0", 0, 0, 0, 10, std::nullopt, -10},
        FractionCase{"unsynced deployment does not scale when max-replicas annotation is missing", 10, 0, 0, 5,
                     std::nullopt, 0},
        FractionCase{"unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0", 10, 0, 0,
                     5, "0", 0},
        FractionCase{"scale up by 1 5 when max-replicas annotation is missing", 120, 100, 0, 50, std::nullopt, 10},
        FractionCase{"scale up by 1 5 when max-replicas annotation is incorrectly set to 0", 120, 100, 0, 50, "0", 10},
        FractionCase{"scale up by 1 5 should increase RS replicas by 1 5", 120, 0, 0, 50, "100", 10},
        FractionCase{"scale up with maxSurge by 1 5", 120, 0, 10, 50, "110", 9},
        FractionCase{"scale down by 1 6 should decrease RS replicas by 1 6", 10, 0, 0, 6, "12", -1},
        FractionCase{"scale down with maxSurge by 1 6", 100, 0, 10, 50, "130", -8}),
    [](const auto& info) { return test_name(info.param.name); });

// GetProportion bounds the fraction by what is left to add or remove.
TEST(GetProportion, BoundedByWhatIsLeft) {
  const k8s::Deployment d = deployment(rolling(120, 1, 0));
  const k8s::ReplicaSet rs = k8s::parse_replica_set(
      {{"spec", {{"replicas", 50}}}, {"metadata", {{"annotations", {{"deployment.kubernetes.io/max-replicas", "100"}}}}}});
  EXPECT_EQ(replica_set_proportion(d, 0, &rs, 20, 0), 10);   // the fraction
  EXPECT_EQ(replica_set_proportion(d, 0, &rs, 20, 15), 5);   // only 5 left to add
  EXPECT_EQ(replica_set_proportion(d, 0, &rs, 20, 20), 0);   // nothing left
  EXPECT_EQ(replica_set_proportion(d, 0, nullptr, 20, 0), 0);
}


// --- sync_test.go TestScale ---------------------------------------------------------------------------
// newDeployment(name, replicas, nil, maxSurge, maxUnavailable, selector): RollingUpdate, surge and
// unavailable 0 unless given.
json new_deployment(std::int64_t replicas, std::int64_t surge = 0, std::int64_t unavailable = 0) {
  return rolling(replicas, unavailable, surge);
}

const char* kNewTimestamp = "2016-05-20T02:00:00Z";
const char* kOldTimestamp = "2016-05-20T01:00:00Z";
const char* kOlderTimestamp = "2016-05-20T00:00:00Z";

struct TestRs {
  std::string name;
  std::int64_t replicas;
  const char* created;
};

struct ScaleCase {
  const char* name;
  json deployment, old_deployment;
  std::optional<TestRs> new_rs;
  std::vector<TestRs> old_rss;
  std::optional<std::int64_t> expected_new;
  std::vector<std::int64_t> expected_old;
  std::set<std::string> wasnt_updated = {};
  std::map<std::string, std::int64_t> desired_annotations = {};
};

class ScaleConformance : public ::testing::TestWithParam<ScaleCase> {};

TEST_P(ScaleConformance, MatchesUpstream) {
  const ScaleCase& c = GetParam();
  const k8s::Deployment old_deployment = deployment(c.old_deployment);
  auto make = [&](const TestRs& t) {
    std::int64_t desired = old_deployment.spec.replicas;
    if (auto it = c.desired_annotations.find(t.name); it != c.desired_annotations.end()) desired = it->second;
    const std::int64_t max = desired + deployment_max_surge(old_deployment);
    return k8s::parse_replica_set(json{{"metadata",
                 {{"name", t.name},
                  {"creationTimestamp", t.created},
                  {"annotations",
                   {{"deployment.kubernetes.io/desired-replicas", std::to_string(desired)},
                    {"deployment.kubernetes.io/max-replicas", std::to_string(max)}}}}},
                {"spec", {{"replicas", t.replicas}}}});
  };
  std::optional<k8s::ReplicaSet> new_rs;
  if (c.new_rs) new_rs = make(*c.new_rs);
  std::vector<k8s::ReplicaSet> old;
  for (const TestRs& t : c.old_rss) old.push_back(make(t));
  std::vector<const k8s::ReplicaSet*> old_ptrs;
  for (const k8s::ReplicaSet& o : old) old_ptrs.push_back(&o);
  const DeploymentScalePlan plan =
      deployment_scale_plan(deployment(c.deployment), 0, new_rs ? &*new_rs : nullptr, old_ptrs);
  std::map<const k8s::ReplicaSet*, std::int64_t> size;
  if (new_rs) size[&*new_rs] = c.new_rs->replicas;
  for (std::size_t i = 0; i < old.size(); ++i) size[&old[i]] = c.old_rss[i].replicas;
  for (const ReplicaSetScale& w : plan.writes) {
    ASSERT_TRUE(size.count(w.rs));
    if (!c.wasnt_updated.count(w.rs->metadata.name)) size[w.rs] = w.size;
  }
  if (c.expected_new && new_rs) {
    EXPECT_EQ(size[&*new_rs], *c.expected_new) << "new";
  }
  ASSERT_EQ(c.expected_old.size(), old.size());
  for (std::size_t i = 0; i < old.size(); ++i) EXPECT_EQ(size[&old[i]], c.expected_old[i]) << c.old_rss[i].name;
}

std::vector<ScaleCase> scale_cases() {
  const auto v1n = [](std::int64_t n) { return TestRs{"foo-v1", n, kNewTimestamp}; };
  const auto v1o = [](std::int64_t n) { return TestRs{"foo-v1", n, kOldTimestamp}; };
  const auto v1oo = [](std::int64_t n) { return TestRs{"foo-v1", n, kOlderTimestamp}; };
  const auto v2n = [](std::int64_t n) { return TestRs{"foo-v2", n, kNewTimestamp}; };
  const auto v2o = [](std::int64_t n) { return TestRs{"foo-v2", n, kOldTimestamp}; };
  const auto v3n = [](std::int64_t n) { return TestRs{"foo-v3", n, kNewTimestamp}; };
  return {
      {"normal scaling event: 10 -> 12", new_deployment(12), new_deployment(10), v1n(10), {}, 12, {}},
      {"normal scaling event: 10 -> 5", new_deployment(5), new_deployment(10), v1n(10), {}, 5, {}},
      {"proportional scaling: 5 -> 10", new_deployment(10), new_deployment(5), v2n(2), {v1o(3)}, 4, {6}},
      {"proportional scaling: 5 -> 3", new_deployment(3), new_deployment(5), v2n(2), {v1o(3)}, 1, {2}},
      {"proportional scaling: 9 -> 4", new_deployment(4), new_deployment(9), v2n(8), {v1o(1)}, 4, {0}},
      {"proportional scaling: 7 -> 10", new_deployment(10), new_deployment(7), v3n(2), {v2o(3), v1oo(2)}, 3, {4, 3}},
      {"proportional scaling: 13 -> 8", new_deployment(8), new_deployment(13), v3n(2), {v2o(8), v1oo(3)}, 1, {5, 2}},
      {"leftover distribution: 3 -> 4", new_deployment(4), new_deployment(3), v3n(1), {v2o(1), v1oo(1)}, 2, {1, 1}},
      {"leftover distribution: 3 -> 2", new_deployment(2), new_deployment(3), v3n(1), {v2o(1), v1oo(1)}, 1, {1, 0}},
      {"proportional scaling (no new rs): 4 -> 5", new_deployment(5), new_deployment(4), std::nullopt,
       {v2o(2), v1oo(2)}, std::nullopt, {3, 2}},
      {"proportional scaling: 6 -> 0", new_deployment(0), new_deployment(6), v3n(3), {v2o(2), v1oo(1)}, 0, {0, 0}},
      {"proportional scaling: 0 -> 6", new_deployment(6), new_deployment(6), v3n(0), {v2o(0), v1oo(0)}, 6, {0, 0},
       {"foo-v2", "foo-v1"}},
      {"failed rs update", new_deployment(5), new_deployment(5), v3n(2), {v2o(1), v1oo(1)}, 2, {2, 1},
       {"foo-v3", "foo-v1"}, {{"foo-v2", 3}}},
      {"deployment with surge pods", new_deployment(20, 2), new_deployment(10, 2), v2n(6), {v1o(6)}, 11, {11}},
      {"change both surge and size", new_deployment(50, 6), new_deployment(10, 3), v2n(5), {v1o(8)}, 22, {34}},
      // updatedTemplate(14): the template differs, which scale does not read.
      {"change both size and template", new_deployment(14), new_deployment(10), std::nullopt, {v2n(7), v1o(3)},
       std::nullopt, {10, 4}},
      // The new ReplicaSet has availableReplicas 0: not saturated.
      {"saturated but broken new replica set does not affect old pods", new_deployment(2, 1, 1),
       new_deployment(2, 1, 1), v2n(2), {v1o(1)}, 2, {1}},
  };
}

INSTANTIATE_TEST_SUITE_P(Upstream, ScaleConformance, ::testing::ValuesIn(scale_cases()),
                         [](const auto& info) { return test_name(info.param.name); });

}  // namespace
}  // namespace kcsim
