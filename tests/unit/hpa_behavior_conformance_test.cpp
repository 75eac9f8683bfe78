// Conformance of the HPA's normalisation (models/kube/hpa_behavior.hpp) with upstream's own test
// tables, their inputs and expected outputs as data:
//  - kubernetes pkg/controller/podautoscaler/horizontal_test.go (the v1.32-era file, without the
//    configurable tolerance of v1.33; stored version read: commit 003e862):
//    TestNormalizeDesiredReplicas, TestNormalizeDesiredReplicasWithBehavior,
//    TestConvertDesiredReplicasWithRules, TestCalculateScaleUpLimitWithScalingRules,
//    TestCalculateScaleDownLimitWithBehaviors, TestScalingWithRules, TestStoreScaleEvents;
//  - kubernetes pkg/apis/autoscaling/v2/defaults_test.go (same era): TestGenerateScaleUpRules,
//    TestGenerateScaleDownRules.
// Upstream's tables place recommendations and scale events at time.Now() minus an age and then
// call the function a few microseconds later; here they sit at kNow minus the same age and the
// function runs at kNow. No case sits exactly on a window's edge except where both readings agree
// (an event exactly one period old is outside the period either way). generateScalingRules and
// generateEventsUniformDistribution are reproduced as the facts they produce (select Max; events
// in the middle of equal segments of the period). docs/fidelity.md counts the cases.
#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "../../models/kube/hpa_behavior.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {
namespace {

using nlohmann::json;

const SimTime kNow{hours(3)};

std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

struct Rec {
  std::int32_t replicas;
  Duration age;
};
std::vector<HpaRecommendation> recs_at(const std::vector<Rec>& in) {
  std::vector<HpaRecommendation> out;
  for (const Rec& r : in) out.push_back({r.replicas, kNow - r.age});
  return out;
}

// generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow): select Max,
// a Pods policy when pods != 0, a Percent policy when percent != 0.
json scaling_rules(int pods, int pods_period, int percent, int percent_period, int window) {
  json r = {{"stabilizationWindowSeconds", window}, {"selectPolicy", "Max"}, {"policies", json::array()}};
  if (pods != 0) r["policies"].push_back({{"type", "Pods"}, {"value", pods}, {"periodSeconds", pods_period}});
  if (percent != 0)
    r["policies"].push_back({{"type", "Percent"}, {"value", percent}, {"periodSeconds", percent_period}});
  return r;
}

// generateEventsUniformDistribution(changes, period): event i in the middle of the i-th of
// len(changes) equal segments, counted back from now (the first is the oldest).
std::vector<HpaScaleEvent> uniform_events(const std::vector<int>& changes, int period_s) {
  std::vector<HpaScaleEvent> out;
  const double segment = static_cast<double>(period_s) / static_cast<double>(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    // time.Duration(float64) truncates, then × time.Second.
    const auto age_s = static_cast<std::int64_t>(static_cast<double>(period_s) -
                                                 segment * static_cast<double>(i + 1) + segment / 2);
    out.push_back({changes[i], kNow - seconds(age_s), false});
  }
  return out;
}

// --- TestNormalizeDesiredReplicas (stabilizeRecommendation, 5-minute window) ----------------------
struct LegacyStabilizeCase {
  const char* name;
  std::vector<Rec> recs;
  std::int32_t proposal;
  std::int32_t expected;
  std::size_t log_length;
};

class NormalizeDesiredReplicasConformance : public ::testing::TestWithParam<LegacyStabilizeCase> {};

TEST_P(NormalizeDesiredReplicasConformance, MatchesUpstream) {
  const LegacyStabilizeCase& c = GetParam();
  std::vector<HpaRecommendation> recs = recs_at(c.recs);
  EXPECT_EQ(hpa_stabilize_recommendation(recs, kNow, minutes(5), c.proposal), c.expected);
  EXPECT_EQ(recs.size(), c.log_length);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, NormalizeDesiredReplicasConformance,
    ::testing::Values(LegacyStabilizeCase{"empty log", {}, 5, 5, 1},
                      LegacyStabilizeCase{"stabilize", {{4, minutes(2)}, {5, minutes(1)}}, 3, 5, 3},
                      LegacyStabilizeCase{"no stabilize", {{1, minutes(2)}, {2, minutes(1)}}, 3, 3, 3},
                      LegacyStabilizeCase{"no stabilize - old recommendations", {{10, minutes(10)}, {9, minutes(9)}},
                                          3, 3, 2},
                      LegacyStabilizeCase{"stabilize - old recommendations",
                                          {{10, minutes(10)}, {4, minutes(1)}, {5, minutes(2)}, {9, minutes(9)}},
                                          3, 5, 4}),
    [](const auto& info) { return test_name(info.param.name); });

// --- TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors) --------------
struct BehaviorStabilizeCase {
  const char* name;
  std::vector<Rec> recs;
  std::int32_t current;
  std::int32_t proposal;
  std::int32_t expected;
  std::optional<std::vector<std::int32_t>> expected_recs;  // unchecked when upstream gives none
  std::int32_t up_window = 0;
  std::int32_t down_window = 0;
};

class NormalizeDesiredReplicasWithBehaviorConformance : public ::testing::TestWithParam<BehaviorStabilizeCase> {};

TEST_P(NormalizeDesiredReplicasWithBehaviorConformance, MatchesUpstream) {
  const BehaviorStabilizeCase& c = GetParam();
  std::vector<HpaRecommendation> recs = recs_at(c.recs);
  HpaBehavior b;  // the test sets only the two windows
  b.up.window = c.up_window;
  b.down.window = c.down_window;
  EXPECT_EQ(hpa_stabilize_with_behaviors(recs, b, kNow, c.current, c.proposal).replicas, c.expected);
  if (c.expected_recs) {
    std::vector<std::int32_t> got;
    for (const HpaRecommendation& r : recs) got.push_back(r.replicas);
    EXPECT_EQ(got, *c.expected_recs);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, NormalizeDesiredReplicasWithBehaviorConformance,
    ::testing::Values(
        BehaviorStabilizeCase{"empty recommendations for scaling down", {}, 100, 5, 5, {{5}}},
        BehaviorStabilizeCase{"simple scale down stabilization", {{4, minutes(2)}, {5, minutes(1)}}, 100, 3, 5,
                              {{4, 5, 3}}, 0, 60 * 3},
        BehaviorStabilizeCase{"simple scale up stabilization", {{4, minutes(2)}, {5, minutes(1)}}, 1, 7, 4,
                              {{4, 5, 7}}, 60 * 5, 0},
        BehaviorStabilizeCase{"no scale down stabilization", {{1, minutes(2)}, {2, minutes(1)}}, 100, 3, 3,
                              {{1, 2, 3}}, 60 * 5, 0},
        BehaviorStabilizeCase{"no scale up stabilization", {{4, minutes(2)}, {5, minutes(1)}}, 1, 3, 3, {{4, 5, 3}},
                              0, 60 * 5},
        BehaviorStabilizeCase{"no scale down stabilization, reuse recommendation element",
                              {{10, minutes(10)}, {9, minutes(9)}}, 100, 3, 3, {{10, 3}}},
        BehaviorStabilizeCase{"no scale up stabilization, reuse recommendation element",
                              {{10, minutes(10)}, {9, minutes(9)}}, 1, 100, 100, {{10, 100}}},
        BehaviorStabilizeCase{"scale down stabilization, reuse one of obsolete recommendation element",
                              {{10, minutes(10)}, {4, minutes(1)}, {5, minutes(2)}, {9, minutes(9)}}, 100, 3, 5,
                              {{10, 4, 5, 3}}, 0, 3 * 60},
        BehaviorStabilizeCase{"scale up stabilization, reuse one of obsolete recommendation element",
                              {{10, minutes(100)}, {6, minutes(1)}, {5, minutes(2)}, {9, minutes(3)}}, 1, 100, 5,
                              {{100, 6, 5, 9}}, 300, 0},
        BehaviorStabilizeCase{"scale up and down stabilization, do not scale up when prenormalized rec goes down",
                              {{2, minutes(100)}, {3, minutes(3)}}, 2, 1, 2, std::nullopt, 300, 300},
        BehaviorStabilizeCase{"scale up and down stabilization, do not scale down when prenormalized rec goes up",
                              {{2, minutes(100)}, {1, minutes(3)}}, 2, 3, 2, std::nullopt, 300, 300}),
    [](const auto& info) { return test_name(info.param.name); });

// --- TestConvertDesiredReplicasWithRules (behavior nil) ---------------------------------------------
// The test file's init() sets scaleUpLimitFactor = 8 ("so we don't accidentally run into it"):
// calculateScaleUpLimit(3) is then max(8 × 3, 4) = 24.
struct RulesCase {
  const char* name;
  std::int32_t current, desired, min, max, expected;
  const char* condition;
};

class ConvertDesiredReplicasWithRulesConformance : public ::testing::TestWithParam<RulesCase> {};

TEST_P(ConvertDesiredReplicasWithRulesConformance, MatchesUpstream) {
  const RulesCase& c = GetParam();
  const HpaLimited l = hpa_convert_desired_with_rules(c.current, c.desired, c.min, c.max, 8.0);
  EXPECT_EQ(l.replicas, c.expected);
  EXPECT_EQ(l.reason, c.condition);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, ConvertDesiredReplicasWithRulesConformance,
    ::testing::Values(
        RulesCase{"prenormalized desired replicas within range", 5, 7, 3, 8, 7, "DesiredWithinRange"},
        RulesCase{"prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, "TooFewReplicas"},
        RulesCase{"prenormalized desired zeroed replicas within range", 1, 0, 0, 10, 0, "DesiredWithinRange"},
        RulesCase{"maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10,
                  "TooManyReplicas"},
        RulesCase{"scaleUpLimit is the limit because scaleUpLimit < maxReplicas", 3, 1000, 1, 2000, 24,
                  "ScaleUpLimit"}),
    [](const auto& info) { return test_name(info.param.name); });

// The production factor (scaleUpLimitFactor = 2.0, scaleUpLimitMinimum = 4.0 in horizontal.go), as
// the controller runs it.
TEST(HpaScaleUpLimit, ProductionFactor) {
  EXPECT_EQ(hpa_scale_up_limit(1), 4);
  EXPECT_EQ(hpa_scale_up_limit(3), 6);
  EXPECT_EQ(hpa_scale_up_limit(10), 20);
}

// --- TestCalculateScaleUpLimitWithScalingRules / TestCalculateScaleDownLimitWithBehaviors ----------
TEST(CalculateScaleLimitConformance, UpWithMinPolicy) {
  const HpaScalingRules r{300, "Min", {{"Pods", 2, 60}, {"Percent", 50, 60}}};
  EXPECT_EQ(hpa_scale_limit_with_rules(HpaScaleDirection::kUp, 1, {}, {}, r, kNow), 2);
}

TEST(CalculateScaleLimitConformance, DownWithMinPolicy) {
  const HpaScalingRules r{300, "Min", {{"Pods", 2, 60}, {"Percent", 50, 60}}};
  EXPECT_EQ(hpa_scale_limit_with_rules(HpaScaleDirection::kDown, 5, {}, {}, r, kNow), 3);
}

// --- TestScalingWithRules (convertDesiredReplicasWithBehaviorRate) ----------------------------------
struct BehaviorRateCase {
  const char* name;
  std::vector<HpaScaleEvent> up_events, down_events;
  std::int32_t min, max;
  json up_rules, down_rules;  // null: GenerateHPAScale*Rules(nil), the defaults
  std::int32_t current, desired, expected;
  const char* condition;
};

class ScalingWithRulesConformance : public ::testing::TestWithParam<BehaviorRateCase> {};

TEST_P(ScalingWithRulesConformance, MatchesUpstream) {
  const BehaviorRateCase& c = GetParam();
  json spec = json::object();
  if (!c.up_rules.is_null()) spec["scaleUp"] = c.up_rules;
  if (!c.down_rules.is_null()) spec["scaleDown"] = c.down_rules;
  const HpaBehavior b = hpa_behavior_from_spec(spec, 300);
  const HpaLimited l =
      hpa_convert_desired_with_behavior_rate(c.current, c.desired, c.min, c.max, b, c.up_events, c.down_events, kNow);
  EXPECT_EQ(l.replicas, c.expected);
  EXPECT_EQ(l.reason, c.condition);
}

std::vector<BehaviorRateCase> scaling_with_rules_cases() {
  const json none;
  const auto e159 = [] { return uniform_events({1, 5, 9}, 120); };
  const auto e_outdated = [] { return uniform_events({8, 12, 9, 11}, 120); };
  std::vector<BehaviorRateCase> v = {
      {"prenormalized desired replicas within range", {}, {}, 3, 8, none, none, 5, 7, 7, "DesiredWithinRange"},
      {"prenormalized desired replicas < minReplicas", {}, {}, 2, 8, none, none, 3, 1, 2, "TooFewReplicas"},
      {"prenormalized desired replicas within range when minReplicas is 0", {}, {}, 0, 10, none, none, 1, 0, 0,
       "DesiredWithinRange"},
      {"maxReplicas is the limit because maxReplicas < scaleUpLimit", {}, {}, 1, 10, none, none, 20, 1000, 10,
       "TooManyReplicas"},
      {"desired replica count is more than the maximum replica count", {}, {}, 100, 150, none, none, 100, 1000, 150,
       "TooManyReplicas"},
      {"scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", {}, {}, 1, 2000,
       scaling_rules(0, 0, 1, 60, 0), none, 3, 1000, 4, "ScaleUpLimit"},
      // Upstream marks this case testThis and returns before running it; its expectation holds here.
      {"scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", {}, {}, 3, 2000,
       none, scaling_rules(20, 60, 0, 0, 0), 1000, 3, 980, "ScaleDownLimit"},
      {"scaleUp with default behavior", {}, {}, 1, 1000, none, none, 10, 50, 20, "ScaleUpLimit"},
      {"scaleUp with pods policy larger than percent policy", {}, {}, 1, 1000, scaling_rules(100, 60, 100, 60, 0), none,
       10, 500, 110, "ScaleUpLimit"},
      {"scaleUp with percent policy larger than pods policy", {}, {}, 1, 1000, scaling_rules(2, 60, 100, 60, 0), none,
       10, 500, 20, "ScaleUpLimit"},
      {"scaleUp with spec MaxReplicas limitation with large pod policy", {}, {}, 1, 1000,
       scaling_rules(100, 60, 0, 0, 0), none, 10, 50, 50, "DesiredWithinRange"},
      {"scaleUp with spec MaxReplicas limitation with large percent policy", {}, {}, 1, 1000,
       scaling_rules(10000, 60, 0, 0, 0), none, 10, 50, 50, "DesiredWithinRange"},
      {"scaleUp with pod policy limitation", {}, {}, 1, 1000, scaling_rules(30, 60, 0, 0, 0), none, 10, 50, 40,
       "ScaleUpLimit"},
      {"scaleUp with percent policy limitation", {}, {}, 1, 1000, scaling_rules(0, 0, 200, 60, 0), none, 10, 50, 30,
       "ScaleUpLimit"},
      {"scaleDown with percent policy larger than pod policy", {}, {}, 1, 1000, none, scaling_rules(20, 60, 1, 60, 300),
       100, 2, 80, "ScaleDownLimit"},
      {"scaleDown with pod policy larger than percent policy", {}, {}, 1, 1000, none, scaling_rules(2, 60, 1, 60, 300),
       100, 2, 98, "ScaleDownLimit"},
      {"scaleDown with spec MinReplicas=nil limitation with large pod policy", {}, {}, 1, 1000, none,
       scaling_rules(100, 60, 0, 0, 300), 10, 0, 1, "TooFewReplicas"},
      {"scaleDown with spec MinReplicas limitation with large pod policy", {}, {}, 1, 1000, none,
       scaling_rules(100, 60, 0, 0, 300), 10, 0, 1, "TooFewReplicas"},
      {"scaleDown with spec MinReplicas limitation with large percent policy", {}, {}, 5, 1000, none,
       scaling_rules(0, 0, 100, 60, 300), 10, 2, 5, "TooFewReplicas"},
      {"scaleDown with pod policy limitation", {}, {}, 1, 1000, none, scaling_rules(5, 60, 0, 0, 300), 10, 2, 5,
       "ScaleDownLimit"},
      {"scaleDown with percent policy limitation", {}, {}, 1, 1000, none, scaling_rules(0, 0, 50, 60, 300), 10, 5, 5,
       "DesiredWithinRange"},
      {"scaleUp with spec MaxReplicas limitation with large pod policy and events", e159(), {}, 1, 200,
       scaling_rules(300, 60, 0, 0, 0), none, 100, 500, 200, "TooManyReplicas"},
      {"scaleUp with spec MaxReplicas limitation with large percent policy and events", e159(), {}, 1, 200,
       scaling_rules(0, 0, 10000, 60, 0), none, 100, 500, 200, "TooManyReplicas"},
      {"scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", e159(),
       {}, 1, 1000, scaling_rules(5, 120, 0, 0, 0), none, 100, 500, 100, "ScaleUpLimit"},
      {"scaleUp with pod policy and previous scale up events", e159(), {}, 1, 1000, scaling_rules(150, 120, 0, 0, 0),
       none, 100, 500, 235, "ScaleUpLimit"},
      {"scaleUp with percent policy and previous scale up events", e159(), {}, 1, 1000,
       scaling_rules(0, 0, 200, 120, 0), none, 100, 500, 255, "ScaleUpLimit"},
      {"scaleUp with percent policy and previous scale up and down events", uniform_events({4}, 120),
       uniform_events({2}, 120), 1, 1000, scaling_rules(0, 0, 300, 300, 0), none, 6, 24, 16, "ScaleUpLimit"},
      {"scaleDown with default policy and previous events", {}, e159(), 1, 1000, none, none, 10, 5, 5,
       "DesiredWithinRange"},
      {"scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", {}, e159(), 1, 1000,
       none, scaling_rules(115, 120, 0, 0, 300), 100, 0, 1, "TooFewReplicas"},
      {"scaleDown with spec MinReplicas limitation with large pod policy and previous events", {}, e159(), 5, 1000,
       none, scaling_rules(130, 120, 0, 0, 300), 100, 0, 5, "TooFewReplicas"},
      {"scaleDown with spec MinReplicas limitation with large percent policy and previous events", {}, e159(), 5, 1000,
       none, scaling_rules(0, 0, 100, 120, 300), 100, 2, 5, "TooFewReplicas"},
      {"scaleDown with pod policy limitation and previous events", {}, e159(), 1, 1000, none,
       scaling_rules(5, 120, 0, 0, 300), 100, 2, 100, "ScaleDownLimit"},
      {"scaleDown with percent policy limitation and previous events", {}, uniform_events({2, 4, 6}, 120), 1, 1000,
       none, scaling_rules(0, 0, 50, 120, 300), 100, 0, 56, "ScaleDownLimit"},
      {"scaleDown with percent policy and previous scale up and down events", uniform_events({2}, 120),
       uniform_events({4}, 120), 1, 1000, none, scaling_rules(0, 0, 50, 180, 0), 10, 1, 6, "ScaleDownLimit"},
      {"scaleDown with previous events preventing further scale down", {}, uniform_events({10, 10, 10}, 120), 1, 1000,
       none, scaling_rules(0, 0, 10, 120, 300), 100, 0, 100, "ScaleDownLimit"},
      {"scaleDown with with previous events still allowing more scale down", {}, uniform_events({10, 10, 10}, 120), 1,
       1000, none, scaling_rules(0, 0, 1000, 120, 300), 10, 5, 5, "DesiredWithinRange"},
      {"check outdated flag for events for one behavior for up", e_outdated(), {}, 1, 1000,
       scaling_rules(1000, 60, 0, 0, 0), none, 100, 200, 200, "DesiredWithinRange"},
      {"check that events were not marked outdated for two different policies in the behavior for up", e_outdated(),
       {}, 1, 1000, scaling_rules(1000, 120, 100, 60, 0), none, 100, 200, 200, "DesiredWithinRange"},
      {"check that events were marked outdated for two different policies in the behavior for up", e_outdated(), {}, 1,
       1000, scaling_rules(1000, 30, 100, 60, 0), none, 100, 200, 200, "DesiredWithinRange"},
      {"check outdated flag for events for one behavior for down", {}, e_outdated(), 1, 1000, none,
       scaling_rules(1000, 60, 0, 0, 300), 100, 5, 5, "DesiredWithinRange"},
      {"check that events were not marked outdated for two different policies in the behavior for down", {},
       e_outdated(), 1, 1000, none, scaling_rules(1000, 120, 100, 60, 300), 100, 5, 5, "DesiredWithinRange"},
      {"check that events were marked outdated for two different policies in the behavior for down", {}, e_outdated(),
       1, 1000, none, scaling_rules(1000, 30, 100, 60, 300), 100, 5, 5, "DesiredWithinRange"},
  };
  return v;
}

INSTANTIATE_TEST_SUITE_P(Upstream, ScalingWithRulesConformance, ::testing::ValuesIn(scaling_with_rules_cases()),
                         [](const auto& info) { return test_name(info.param.name); });

// --- TestStoreScaleEvents (getReplicasChangePerPeriod, storeScaleEvent) -----------------------------
struct StoreCase {
  const char* name;
  std::vector<Rec> prev;  // (change, age)
  std::vector<std::pair<std::int32_t, bool>> expected;  // (change, outdated)
  json rules;  // null: no behavior
  std::int32_t expected_change;
};

class StoreScaleEventsConformance : public ::testing::TestWithParam<StoreCase> {};

TEST_P(StoreScaleEventsConformance, MatchesUpstream) {
  const StoreCase& c = GetParam();
  for (const bool up : {true, false}) {
    SCOPED_TRACE(up ? "up" : "down");
    std::vector<HpaScaleEvent> prev;
    for (const Rec& r : c.prev) prev.push_back({r.replicas, kNow - r.age, false});
    std::vector<HpaScaleEvent> up_events, down_events;
    (up ? up_events : down_events) = prev;
    EXPECT_EQ(hpa_replicas_change_per_period(60, prev, kNow), c.expected_change);
    std::optional<HpaBehavior> b;
    if (!c.rules.is_null()) b = hpa_behavior_from_spec(json{{up ? "scaleUp" : "scaleDown", c.rules}}, 300);
    hpa_store_scale_event(up_events, down_events, b ? &*b : nullptr, 10, up ? 10 + 5 : 10 - 5, kNow);
    const std::vector<HpaScaleEvent>& got = up ? up_events : down_events;
    ASSERT_EQ(got.size(), c.expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].change, c.expected[i].first) << i;
      EXPECT_EQ(got[i].outdated, c.expected[i].second) << i;
    }
    EXPECT_TRUE((up ? down_events : up_events).empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, StoreScaleEventsConformance,
    ::testing::Values(
        StoreCase{"empty entries with default behavior", {}, {}, json(), 0},
        StoreCase{"empty entries with two-policy-behavior", {}, {{5, false}}, scaling_rules(10, 60, 100, 60, 0), 0},
        StoreCase{"one outdated entry to be kept untouched without behavior", {{7, seconds(61)}}, {{7, false}}, json(),
                  0},
        StoreCase{"one outdated entry to be replaced with behavior", {{7, seconds(61)}}, {{5, false}},
                  scaling_rules(10, 60, 100, 60, 0), 0},
        StoreCase{"one actual entry to be not touched with behavior", {{7, seconds(58)}}, {{7, false}, {5, false}},
                  scaling_rules(10, 60, 100, 60, 0), 7},
        StoreCase{"two entries, one of them to be replaced", {{7, seconds(61)}, {6, seconds(59)}},
                  {{5, false}, {6, false}}, scaling_rules(10, 60, 0, 0, 0), 6},
        StoreCase{"replace one entry, use policies with different periods",
                  {{8, seconds(29)}, {6, seconds(59)}, {7, seconds(61)}, {9, seconds(61)}},
                  {{8, false}, {6, false}, {7, true}, {5, false}}, scaling_rules(10, 60, 100, 30, 0), 14},
        StoreCase{"two entries, both actual", {{7, seconds(58)}, {6, seconds(59)}}, {{7, false}, {6, false}, {5, false}},
                  scaling_rules(10, 120, 100, 30, 0), 13}),
    [](const auto& info) { return test_name(info.param.name); });

// --- defaults_test.go: TestGenerateScaleUpRules / TestGenerateScaleDownRules ------------------------
struct GenerateCase {
  const char* name;
  bool up;
  json rules;
  std::vector<HpaScalingPolicy> policies;
  std::optional<std::int32_t> window;  // nil: left to the controller's downscale window
  const char* select;
};

class GenerateScaleRulesConformance : public ::testing::TestWithParam<GenerateCase> {};

// The rules as upstream's test builds them: a Pods policy when pods or its period is set, a
// Percent one likewise, the window and selectPolicy when given.
json given_rules(int pods, int pods_period, int percent, int percent_period, std::optional<int> window,
                 const char* select) {
  json r = json::object();
  if (window) r["stabilizationWindowSeconds"] = *window;
  if (select) r["selectPolicy"] = select;
  if (pods != 0 || pods_period != 0 || percent != 0 || percent_period != 0) r["policies"] = json::array();
  if (pods != 0 || pods_period != 0)
    r["policies"].push_back({{"type", "Pods"}, {"value", pods}, {"periodSeconds", pods_period}});
  if (percent != 0 || percent_period != 0)
    r["policies"].push_back({{"type", "Percent"}, {"value", percent}, {"periodSeconds", percent_period}});
  return r;
}

TEST_P(GenerateScaleRulesConformance, MatchesUpstream) {
  const GenerateCase& c = GetParam();
  // A downscale window no case names, so that "nil" shows as the controller's default.
  constexpr std::int32_t kControllerDownWindow = 777;
  const HpaBehavior b = hpa_behavior_from_spec(json{{c.up ? "scaleUp" : "scaleDown", c.rules}}, kControllerDownWindow);
  const HpaScalingRules& r = c.up ? b.up : b.down;
  ASSERT_EQ(r.policies.size(), c.policies.size());
  for (std::size_t i = 0; i < r.policies.size(); ++i) {
    EXPECT_EQ(r.policies[i].type, c.policies[i].type);
    EXPECT_EQ(r.policies[i].value, c.policies[i].value);
    EXPECT_EQ(r.policies[i].period, c.policies[i].period);
  }
  EXPECT_EQ(r.window, c.window.value_or(kControllerDownWindow));
  EXPECT_EQ(r.select, c.select);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, GenerateScaleRulesConformance,
    ::testing::Values(
        GenerateCase{"Down_Default values", false, given_rules(0, 0, 0, 0, std::nullopt, nullptr),
                     {{"Percent", 100, 15}}, std::nullopt, "Max"},
        GenerateCase{"Down_All parameters are specified", false, given_rules(1, 2, 3, 4, 25, "Max"),
                     {{"Pods", 1, 2}, {"Percent", 3, 4}}, 25, "Max"},
        GenerateCase{"Down_Percent policy is specified", false, given_rules(0, 0, 1, 2, std::nullopt, "Min"),
                     {{"Percent", 1, 2}}, std::nullopt, "Min"},
        GenerateCase{"Down_Pods policy is specified", false, given_rules(3, 4, 0, 0, std::nullopt, nullptr),
                     {{"Pods", 3, 4}}, std::nullopt, "Max"},
        GenerateCase{"Up_Default values", true, given_rules(0, 0, 0, 0, std::nullopt, nullptr),
                     {{"Pods", 4, 15}, {"Percent", 100, 15}}, 0, "Max"},
        GenerateCase{"Up_All parameters are specified", true, given_rules(1, 2, 3, 4, 25, "Max"),
                     {{"Pods", 1, 2}, {"Percent", 3, 4}}, 25, "Max"},
        GenerateCase{"Up_Pod policy is specified", true, given_rules(1, 2, 0, 0, std::nullopt, "Min"),
                     {{"Pods", 1, 2}}, 0, "Min"},
        GenerateCase{"Up_Percent policy is specified", true, given_rules(0, 0, 7, 10, std::nullopt, nullptr),
                     {{"Percent", 7, 10}}, 0, "Max"},
        GenerateCase{"Up_Pod policy and stabilization window are specified", true,
                     given_rules(4, 2, 0, 0, 25, nullptr), {{"Pods", 4, 2}}, 25, "Max"},
        GenerateCase{"Up_Percent policy and stabilization window are specified", true,
                     given_rules(0, 0, 7, 60, 25, nullptr), {{"Percent", 7, 60}}, 25, "Max"}),
    [](const auto& info) { return test_name(info.param.name); });

}  // namespace
}  // namespace kcsim
