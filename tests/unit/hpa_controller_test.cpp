// The HPA controller model (models/kube/hpa_controller.cpp) against docs/models/keda-hpa.md and
// kubernetes pkg/controller/podautoscaler: cadence, ScalingDisabled, the replica formulas, the
// legacy and behavior normalisations, conditions, events and managed fields. The workload
// controllers run too, so that /scale's status.replicas follows spec.replicas as on a cluster.
#include <gtest/gtest.h>

#include <set>

#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

using testing::deployment;

using testing::EventLog;
using testing::make_world;

const std::set<std::string> kModels = {"horizontal-pod-autoscaler", "metric-source", "deployment-controller",
                                       "replicaset-controller", "kubelet", "kubectl"};

// An HPA on Deployment web with one External metric "load" read from the metric source.
json hpa(int min, int max, json target, json behavior = json()) {
  json spec = {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
               {"minReplicas", min},
               {"maxReplicas", max},
               {"metrics", json::array({{{"type", "External"},
                                         {"external", {{"metric", {{"name", "load"}}}, {"target", target}}}}})}};
  if (!behavior.is_null()) spec["behavior"] = behavior;
  return json{{"apiVersion", "autoscaling/v2"},
              {"kind", "HorizontalPodAutoscaler"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}}},
              {"spec", spec}};
}

json average(int v) { return json{{"type", "AverageValue"}, {"averageValue", std::to_string(v)}}; }

json scenario(json objects, std::vector<std::pair<int, double>> points, json extra = json::object()) {
  json p = json::array();
  for (auto [t, v] : points) p.push_back({{"at", std::to_string(t) + "s"}, {"value", v}});
  json s = {{"objects", objects},
            {"settings", {{"metric-source", {{"metrics", {{"load", {{"points", p}}}}}}}}}};
  s.merge_patch(extra);
  return s;
}

using Writes = std::vector<std::pair<std::int64_t, std::int64_t>>;

// (second, new replicas) of every /spec/replicas change of Deployment web by the HPA.
Writes hpa_writes(const World& w) {
  Writes out;
  for (const WriteRecord& r : w.api().writes())
    if (r.object() == ObjectRef{"Deployment", "default", "web"} && r.field() == "/spec/replicas" &&
        r.manager() == "kube-controller-manager") {
      EXPECT_EQ(r.subresource(), "scale");
      out.emplace_back(r.at().time_since_epoch().count() / 1000000, r.new_value().get<std::int64_t>());
    }
  return out;
}

json hpa_status(const World& w) {
  return w.api().get(ObjectRef{"HorizontalPodAutoscaler", "default", "web"})->value("status", json());
}

json condition(const json& status, const std::string& type) {
  for (const json& c : status.value("conditions", json::array()))
    if (c.value("type", "") == type) return c;
  return json();
}

TEST(HpaController, ReconcilesOneSyncPeriodAfterItSeesTheHpaThenEverySyncPeriod) {
  // Legacy path, 1 replica, usage 100 for a per-pod target of 10: desired 10. The first
  // reconcile is at 15 s (AddRateLimited), limited to max(2×1, 4) = 4; then 8 at 30 s, 10 at 45 s.
  auto w = make_world(scenario(json::array({deployment({.replicas = 1}), hpa(1, 20, average(10))}), {{0, 100}}), kModels);
  EventLog log(*w);
  w->run(SimTime{minutes(2)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{15, 4}, {30, 8}, {45, 10}}));
  const auto rescales = log.with_reason("SuccessfulRescale");
  ASSERT_EQ(rescales.size(), 3u);
  EXPECT_EQ(rescales[0].message, "New size: 4; reason: external metric load(nil) above target");
  EXPECT_EQ(rescales[0].component, "horizontal-pod-autoscaler");
  EXPECT_EQ(rescales[0].kind, "HorizontalPodAutoscaler");
  const json st = hpa_status(*w);
  EXPECT_EQ(st["currentReplicas"], 10);
  EXPECT_EQ(st["desiredReplicas"], 10);
  EXPECT_EQ(condition(st, "ScalingActive")["reason"], "ValidMetricFound");
  EXPECT_EQ(condition(st, "ScalingLimited")["reason"], "DesiredWithinRange");
  EXPECT_EQ(st["currentMetrics"][0]["external"]["current"]["averageValue"], "10");
}

TEST(HpaController, ScaleUpLimitConditionWhileLimited) {
  auto w = make_world(scenario(json::array({deployment({.replicas = 1}), hpa(1, 20, average(10))}), {{0, 100}}), kModels);
  w->run(SimTime{seconds(20)});
  const json limited = condition(hpa_status(*w), "ScalingLimited");
  EXPECT_EQ(limited["status"], "True");
  EXPECT_EQ(limited["reason"], "ScaleUpLimit");
  EXPECT_EQ(limited["message"], "the desired replica count is increasing faster than the maximum scale rate");
}

TEST(HpaController, DoesNothingAtZeroReplicas) {
  auto w = make_world(scenario(json::array({deployment({.replicas = 0}), hpa(1, 20, average(10))}), {{0, 1000}}), kModels);
  EventLog log(*w);
  w->run(SimTime{minutes(5)});
  EXPECT_TRUE(hpa_writes(*w).empty());
  EXPECT_TRUE(log.with_reason("SuccessfulRescale").empty());
  const json st = hpa_status(*w);
  const json active = condition(st, "ScalingActive");
  EXPECT_EQ(active["status"], "False");
  EXPECT_EQ(active["reason"], "ScalingDisabled");
  EXPECT_EQ(active["message"], "scaling is disabled since the replica count of the target is zero");
  EXPECT_EQ(st["desiredReplicas"], 0);
  EXPECT_FALSE(st.contains("currentReplicas"));  // omitempty
}

TEST(HpaController, LegacyStabilizationKeepsTheMaximumOfTheWindow) {
  // 10 replicas at target; the load drops at 50 s (proposal 2 from 60 s on). The last proposal of
  // 10 was recorded at 45 s; it leaves the 300 s window only when it is strictly before the
  // cutoff, i.e. at the 360 s reconcile.
  auto w = make_world(scenario(json::array({deployment({.replicas = 10}), hpa(1, 20, average(10))}), {{0, 100}, {50, 20}}), kModels);
  EventLog log(*w);
  w->run(SimTime{seconds(350)});
  EXPECT_TRUE(hpa_writes(*w).empty());
  EXPECT_EQ(condition(hpa_status(*w), "AbleToScale")["reason"], "ScaleDownStabilized");
  w->run(SimTime{seconds(400)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{360, 2}}));
  const auto rescales = log.with_reason("SuccessfulRescale");
  ASSERT_EQ(rescales.size(), 1u);
  EXPECT_EQ(rescales[0].message, "New size: 2; reason: All metrics below target");
}

TEST(HpaController, WithinToleranceNothingChanges) {
  // 4 replicas, usage 43 for target 10 per pod: ratio 1.075, within 0.1.
  auto w = make_world(scenario(json::array({deployment({.replicas = 4}), hpa(1, 20, average(10))}), {{0, 43}}), kModels);
  w->run(SimTime{minutes(2)});
  EXPECT_TRUE(hpa_writes(*w).empty());
  // 45 → ratio 1.125: ceil(45 / 10) = 5.
  auto w2 = make_world(scenario(json::array({deployment({.replicas = 4}), hpa(1, 20, average(10))}), {{0, 45}}), kModels);
  w2->run(SimTime{minutes(2)});
  EXPECT_EQ(hpa_writes(*w2), (Writes{{15, 5}}));
}

TEST(HpaController, BehaviorPoliciesLimitTheScaleDownRate) {
  // scaleDown: window 60 s, at most 2 pods per 60 s. From 10 replicas with proposal 1 (load drops
  // at 50 s): the window holds 10 until 105 s, then 8, and 2 more every 60 s: 6 at 165 s, 4 at
  // 225 s, 2 at 285 s, 1 (min) at 345 s.
  json behavior = {{"scaleDown",
                    {{"stabilizationWindowSeconds", 60},
                     {"policies", json::array({{{"type", "Pods"}, {"value", 2}, {"periodSeconds", 60}}})}}}};
  auto w = make_world(scenario(json::array({deployment({.replicas = 10}), hpa(1, 20, average(10), behavior)}), {{0, 100}, {50, 10}}),
                      kModels);
  w->run(SimTime{seconds(150)});
  const json limited = condition(hpa_status(*w), "ScalingLimited");
  EXPECT_EQ(limited["status"], "True");
  EXPECT_EQ(limited["reason"], "ScaleDownLimit");
  w->run(SimTime{minutes(8)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{105, 8}, {165, 6}, {225, 4}, {285, 2}, {345, 1}}));
}

TEST(HpaController, DefaultScaleUpRulesWithABehavior) {
  // A behavior with only scaleDown set gets the default scaleUp rules: max(+4 pods, +100 %) per
  // 15 s. From 2 with proposal 20: 6, 12, 20.
  json behavior = {{"scaleDown", {{"stabilizationWindowSeconds", 0}}}};
  auto w = make_world(scenario(json::array({deployment({.replicas = 2}), hpa(1, 30, average(10), behavior)}), {{0, 200}}), kModels);
  w->run(SimTime{minutes(2)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{15, 6}, {30, 12}, {45, 20}}));
}

TEST(HpaController, ScaleDownWindowLeftUnsetInABehaviorIsTheDownscaleStabilizationSetting) {
  // maybeInitScaleDownStabilizationWindow: a behavior whose scaleDown sets no window gets the
  // controller's --horizontal-pod-autoscaler-downscale-stabilization (5 min by default). From 10
  // replicas, the load drops at 50 s (proposal 1 from the 60 s sync on): the proposal of 10 from
  // the 45 s sync leaves a 300 s window at 345 s, a 60 s one at 105 s.
  json behavior = {{"scaleDown", {{"policies", json::array({{{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}})}}}};
  json s = scenario(json::array({deployment({.replicas = 10}), hpa(1, 20, average(10), behavior)}), {{0, 100}, {50, 10}});
  auto w = make_world(s, kModels);
  w->run(SimTime{minutes(7)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{345, 1}}));
  s["settings"]["horizontal-pod-autoscaler"] = {{"downscaleStabilization", "60s"}};
  auto w2 = make_world(s, kModels);
  w2->run(SimTime{minutes(7)});
  EXPECT_EQ(hpa_writes(*w2), (Writes{{105, 1}}));
}

TEST(HpaController, SelectPolicyDisabledStopsThatDirection) {
  json behavior = {{"scaleDown", {{"selectPolicy", "Disabled"}}}};
  auto w = make_world(scenario(json::array({deployment({.replicas = 10}), hpa(1, 20, average(10), behavior)}), {{0, 10}}), kModels);
  w->run(SimTime{minutes(10)});
  EXPECT_TRUE(hpa_writes(*w).empty());
}

TEST(HpaController, ScaleUpStabilizationKeepsTheMinimum) {
  // scaleUp window 60 s: the proposals of 3 recorded at 15 s hold the scale-up until they leave
  // the window; a sample counts only when strictly After(now - 60 s), so at 75 s they no longer do.
  json behavior = {{"scaleUp", {{"stabilizationWindowSeconds", 60}}}};
  auto w = make_world(scenario(json::array({deployment({.replicas = 3}), hpa(1, 20, average(10), behavior)}), {{0, 30}, {20, 60}}),
                      kModels);
  w->run(SimTime{minutes(3)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{75, 6}}));
}

TEST(HpaController, ClampsToMinAndMaxWithTheirReasons) {
  auto w = make_world(scenario(json::array({deployment({.replicas = 1}), hpa(3, 5, average(10))}), {{0, 10}}), kModels);
  EventLog log(*w);
  w->run(SimTime{seconds(20)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{15, 3}}));
  ASSERT_EQ(log.with_reason("SuccessfulRescale").size(), 1u);
  EXPECT_EQ(log.with_reason("SuccessfulRescale")[0].message,
            "New size: 3; reason: Current number of replicas below Spec.MinReplicas");
  auto w2 = make_world(scenario(json::array({deployment({.replicas = 9}), hpa(3, 5, average(10))}), {{0, 10}}), kModels);
  EventLog log2(*w2);
  w2->run(SimTime{seconds(20)});
  EXPECT_EQ(hpa_writes(*w2), (Writes{{15, 5}}));
  EXPECT_EQ(log2.with_reason("SuccessfulRescale")[0].message,
            "New size: 5; reason: Current number of replicas above Spec.MaxReplicas");
}

TEST(HpaController, ExternalValueTargetAtZeroReplicasWithMinZero) {
  // minReplicas 0 (HPAScaleToZero): at 0 replicas the Value formula is ceil(usage / target).
  json target = {{"type", "Value"}, {"value", "50"}};
  auto w = make_world(scenario(json::array({deployment({.replicas = 0}), hpa(0, 10, target)}), {{0, 120}}), kModels);
  EventLog log(*w);
  w->run(SimTime{seconds(20)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{15, 3}}));
  EXPECT_EQ(hpa_status(*w)["currentMetrics"][0]["external"]["current"]["value"], "120");
}

TEST(HpaController, MissingMetricIsFailedGetExternalMetric) {
  auto w = make_world(scenario(json::array({deployment({.replicas = 2}), hpa(1, 10, average(10))}), {{600, 5}}), kModels);
  EventLog log(*w);
  w->run(SimTime{seconds(20)});
  EXPECT_TRUE(hpa_writes(*w).empty());
  EXPECT_EQ(condition(hpa_status(*w), "ScalingActive")["reason"], "FailedGetExternalMetric");
  EXPECT_EQ(log.with_reason("FailedGetExternalMetric").size(), 1u);
  const auto failed = log.with_reason("FailedComputeMetricsReplicas");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].message.rfind("invalid metrics (1 invalid out of 1), first error is: failed to get load external metric", 0), 0u);
}

TEST(HpaController, StatusIsWrittenOnlyWhenItChanges) {
  auto w = make_world(scenario(json::array({deployment({.replicas = 4}), hpa(1, 20, average(10))}), {{0, 40}}), kModels);
  w->run(SimTime{hours(1)});
  std::set<std::int64_t> instants;
  for (const WriteRecord& r : w->api().writes())
    if (r.object().kind == "HorizontalPodAutoscaler" && r.subresource() == "status") {
      EXPECT_EQ(r.manager(), "kube-controller-manager");
      instants.insert(r.at().time_since_epoch().count() / 1000000);
    }
  EXPECT_EQ(instants, (std::set<std::int64_t>{15}));
}

TEST(HpaController, InvalidSettingsAndSpecs) {
  json s = scenario(json::array({deployment({.replicas = 1})}), {{0, 0}});
  s["settings"]["horizontal-pod-autoscaler"] = {{"syncPeriod", "fast"}};
  try {
    make_world(s, kModels);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/horizontal-pod-autoscaler/syncPeriod");
  }
  s["settings"]["horizontal-pod-autoscaler"] = {{"tolerations", 0.1}};
  EXPECT_THROW(make_world(s, kModels), InputError);
  // A wrongly typed spec: the API server refuses it when the scenario is loaded...
  json bad = hpa(1, 10, average(10));
  bad["spec"]["maxReplicas"] = "ten";
  try {
    make_world(scenario(json::array({deployment({.replicas = 1}), bad}), {{0, 100}}), kModels);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/objects/1/spec/maxReplicas");
  }
  // ...and should one reach the controller anyway (written past validation): a Warning event,
  // no crash, no write.
  auto w = make_world(scenario(json::array({deployment({.replicas = 1})}), {{0, 100}}), kModels);
  ASSERT_TRUE(w->api().create(bad, "test").status.ok());
  EventLog log(*w);
  w->run(SimTime{minutes(1)});
  EXPECT_TRUE(hpa_writes(*w).empty());
  EXPECT_FALSE(log.with_reason("FailedConvertHPA").empty());
  // Malformed metric entries: each is an invalid metric, reported, never a crash.
  json odd = hpa(1, 10, average(10));
  odd["spec"]["metrics"] = json::array({{{"type", 5}}, {{"type", "External"}, {"external", "x"}},
                                        {{"type", "External"}, {"external", {{"metric", {{"name", 7}}}, {"target", 1}}}},
                                        {{"type", "Resource"}, {"resource", {{"name", "cpu"}}}}});
  // (Wrongly typed ones, {"type": 5}, are refused at load too: written past validation here.)
  EXPECT_THROW(make_world(scenario(json::array({deployment({.replicas = 1}), odd}), {{0, 100}}), kModels), InputError);
  auto w2 = make_world(scenario(json::array({deployment({.replicas = 1})}), {{0, 100}}), kModels);
  ASSERT_TRUE(w2->api().create(odd, "test").status.ok());
  EventLog log2(*w2);
  w2->run(SimTime{minutes(1)});
  EXPECT_TRUE(hpa_writes(*w2).empty());
  EXPECT_FALSE(log2.with_reason("FailedComputeMetricsReplicas").empty());
  EXPECT_FALSE(log2.with_reason("FailedGetResourceMetric").empty());
}

TEST(HpaController, SyncPeriodSetting) {
  json s = scenario(json::array({deployment({.replicas = 1}), hpa(1, 20, average(10))}), {{0, 100}});
  s["settings"]["horizontal-pod-autoscaler"] = {{"syncPeriod", "30s"}};
  auto w = make_world(s, kModels);
  w->run(SimTime{seconds(100)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{30, 4}, {60, 8}, {90, 10}}));
}

TEST(HpaController, ServesKedaMetricsThroughTheScaledObject) {
  // KEDA's HPA: metric s0-queue with the scaledobject.keda.sh/name selector resolves to the
  // trigger's metric "queue" (250 for a target of 100 per pod: 3 replicas).
  json so = {{"apiVersion", "keda.sh/v1alpha1"},
             {"kind", "ScaledObject"},
             {"metadata", {{"name", "web"}, {"namespace", "default"}}},
             {"spec",
              {{"scaleTargetRef", {{"name", "web"}}},
               {"minReplicaCount", 1},
               {"triggers", json::array({{{"type", "kcsim-metric"},
                                          {"metadata", {{"metricName", "queue"}, {"threshold", "100"}}}}})}}}};
  json s = {{"objects", json::array({deployment({.replicas = 1}), so})},
            {"settings", {{"metric-source", {{"metrics", {{"queue", {{"points", json::array({{{"at", "0s"}, {"value", 250}}})}}}}}}}}}};
  std::set<std::string> models = kModels;
  models.insert("keda");
  auto w = make_world(s, models);
  EventLog log(*w);
  w->run(SimTime{seconds(20)});
  EXPECT_EQ(hpa_writes(*w), (Writes{{15, 3}}));
  ASSERT_EQ(log.with_reason("SuccessfulRescale").size(), 1u);
  EXPECT_EQ(log.with_reason("SuccessfulRescale")[0].message,
            "New size: 3; reason: external metric s0-queue(&LabelSelector{MatchLabels:map[string]string{"
            "scaledobject.keda.sh/name: web,},MatchExpressions:[]LabelSelectorRequirement{},}) above target");
  EXPECT_EQ(log.with_reason("SuccessfulRescale")[0].name, "keda-hpa-web");
}

}  // namespace
}  // namespace kcsim
