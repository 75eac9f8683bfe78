// Conformance of the HPA's resource replica calculator (models/kube/resource_replicas.hpp) with
// upstream's own test table: the inputs and expected outputs of every GetResourceReplicas case of
// kubernetes pkg/controller/podautoscaler/replica_calculator_test.go (the version read in 2026,
// with container metrics and the max(100 %, target) fallback for missing pods), as data. The
// harness reproduces the facts of upstream's fake clients: pods "test-pod-<i>" with two containers
// "container1" and "container2", each requesting the pod's request; a Ready condition with the
// given status and no transition time; metrics with the zero timestamp and a one-minute window;
// "hot" pods started now and "cool" ones three minutes ago; a tolerance of 0.1, a CPU
// initialization period of 2 minutes and an initial readiness delay of 10 seconds (the test
// constants). Pods and metrics go through the same code as the HPA controller's: resource_pod
// (calculateRequests), resource_samples (the metrics client), then the calculator.
// docs/fidelity.md counts the cases.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "../../models/kube/resource_replicas.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {
namespace {

struct Case {
  const char* name = "";
  std::int32_t current = 0;
  std::int32_t expected = 0;
  const char* error = nullptr;  // a substring of the expected error
  std::vector<std::string> requests{};
  std::vector<std::vector<std::int64_t>> levels{};  // per metric item, per container
  std::int32_t target = 0;
  std::int32_t utilization = 0;
  std::int64_t value = 0;
  std::string container{};
  std::vector<std::string> readiness{};  // "True" / "False"
  std::string start{};                   // per pod: 'h' hot, 'c' cool, '0' the zero time
  std::vector<std::string> phase{};
  std::vector<bool> deleting{};
  std::vector<std::string> metric_pod_names{};
};

// makePodMetricLevels: the same level for both containers.
std::vector<std::vector<std::int64_t>> both(std::initializer_list<std::int64_t> levels) {
  std::vector<std::vector<std::int64_t>> out;
  for (std::int64_t l : levels) out.push_back({l, l});
  return out;
}
std::vector<std::string> ones(int n) { return std::vector<std::string>(static_cast<std::size_t>(n), "1.0"); }

const SimTime kNow{hours(1)};
const Epoch kEpoch{};

json pod_json(const Case& c, std::size_t i) {
  const std::string name = "test-pod-" + std::to_string(i);
  SimTime start{};
  if (i < c.start.size() && c.start[i] == 'h') start = kNow;
  if (i < c.start.size() && c.start[i] == 'c') start = kNow - minutes(3);
  json pod = {{"metadata", {{"name", name}, {"namespace", "test-namespace"}, {"labels", {{"name", "test-pod"}}}}},
              {"spec", {{"containers", json::array({{{"name", "container1"}}, {{"name", "container2"}}})}}},
              {"status",
               {{"phase", i < c.phase.size() ? c.phase[i] : "Running"},
                {"startTime", kEpoch.rfc3339(start)},
                {"conditions", json::array({{{"type", "Ready"},
                                             {"status", i < c.readiness.size() ? c.readiness[i] : "True"}}})}}}};
  if (i < c.deleting.size() && c.deleting[i]) pod["metadata"]["deletionTimestamp"] = kEpoch.rfc3339(kNow);
  if (i < c.requests.size())
    for (json& ct : pod["spec"]["containers"]) ct["resources"] = {{"requests", {{"cpu", c.requests[i]}}}};
  return pod;
}

std::vector<Case> cases() {
  std::vector<Case> v;
  auto add = [&](Case c) { v.push_back(std::move(c)); };
  add({.name = "DisjointResourcesMetrics", .current = 1, .error = "no metrics returned matched known pods",
       .requests = {"1.0"}, .levels = both({100}), .target = 100, .metric_pod_names = {"an-older-pod-name"}});
  add({.name = "ScaleUp", .current = 3, .expected = 5, .requests = ones(3), .levels = both({300, 500, 700}),
       .target = 30, .utilization = 50, .value = 2 * 500});
  add({.name = "ContainerScaleUp", .current = 3, .expected = 5, .requests = ones(3),
       .levels = {{1000, 300}, {1000, 500}, {1000, 700}}, .target = 30, .utilization = 50, .value = 500,
       .container = "container2"});
  add({.name = "ScaleUpUnreadyLessScale", .current = 3, .expected = 4, .requests = ones(3),
       .levels = both({300, 500, 700}), .target = 30, .utilization = 60, .value = 2 * 600,
       .readiness = {"False", "True", "True"}});
  add({.name = "ScaleUpContainerHotCpuLessScale", .current = 3, .expected = 4, .requests = ones(3),
       .levels = {{0, 300}, {0, 500}, {0, 700}}, .target = 30, .utilization = 60, .value = 600,
       .container = "container2", .start = "hcc"});
  add({.name = "ScaleUpHotCpuLessScale", .current = 3, .expected = 4, .requests = ones(3),
       .levels = both({300, 500, 700}), .target = 30, .utilization = 60, .value = 2 * 600, .start = "hcc"});
  add({.name = "ScaleUpUnreadyNoScale", .current = 3, .expected = 3, .requests = ones(3),
       .levels = both({400, 500, 700}), .target = 30, .utilization = 40, .value = 2 * 400,
       .readiness = {"True", "False", "False"}});
  add({.name = "ScaleHotCpuNoScale", .current = 3, .expected = 3, .requests = ones(3), .levels = both({400, 500, 700}),
       .target = 30, .utilization = 40, .value = 2 * 400, .readiness = {"True", "False", "False"}, .start = "chh"});
  add({.name = "ScaleUpIgnoresFailedPods", .current = 2, .expected = 4, .requests = ones(4), .levels = both({500, 700}),
       .target = 30, .utilization = 60, .value = 2 * 600, .readiness = {"True", "True", "False", "False"},
       .phase = {"Running", "Running", "Failed", "Failed"}});
  add({.name = "MissingContainerMetricScaleUpIgnoresFailedPods", .current = 2, .expected = 4, .requests = ones(4),
       .levels = {{1000, 500}, {9000, 700}, {1000}, {9000}}, .target = 30, .utilization = 60, .value = 600,
       .container = "container2", .readiness = {"True", "True", "False", "False"},
       .phase = {"Running", "Running", "Failed", "Failed"}});
  add({.name = "ScaleUpContainerIgnoresFailedPods", .current = 2, .expected = 4, .requests = ones(4),
       .levels = {{1000, 500}, {9000, 700}}, .target = 30, .utilization = 60, .value = 600, .container = "container2",
       .readiness = {"True", "True", "False", "False"}, .phase = {"Running", "Running", "Failed", "Failed"}});
  add({.name = "ScaleUpIgnoresDeletionPods", .current = 2, .expected = 4, .requests = ones(4),
       .levels = both({500, 700}), .target = 30, .utilization = 60, .value = 2 * 600,
       .readiness = {"True", "True", "False", "False"}, .phase = {"Running", "Running", "Running", "Running"},
       .deleting = {false, false, true, true}});
  add({.name = "ScaleUpContainerIgnoresDeletionPods", .current = 2, .expected = 4, .requests = ones(4),
       .levels = both({500, 700}), .target = 30, .utilization = 60, .value = 600, .container = "container1",
       .readiness = {"True", "True", "False", "False"}, .phase = {"Running", "Running", "Running", "Running"},
       .deleting = {false, false, true, true}});
  add({.name = "ScaleDown", .current = 5, .expected = 3, .requests = ones(5), .levels = both({100, 300, 500, 250, 250}),
       .target = 50, .utilization = 28, .value = 2 * 280});
  add({.name = "ContainerScaleDown", .current = 5, .expected = 3, .requests = ones(5),
       .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}}, .target = 50, .utilization = 28,
       .value = 280, .container = "container2"});
  add({.name = "ScaleDownExcludeUnreadyPods", .current = 5, .expected = 2, .requests = ones(5),
       .levels = both({100, 300, 500, 250, 250}), .target = 50, .utilization = 30, .value = 2 * 300,
       .readiness = {"True", "True", "True", "False", "False"}});
  add({.name = "ScaleDownContainerExcludeUnreadyPods", .current = 5, .expected = 2, .requests = ones(5),
       .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}}, .target = 50, .utilization = 30,
       .value = 300, .container = "container2", .readiness = {"True", "True", "True", "False", "False"}});
  add({.name = "ScaleDownExcludeUnscheduledPods", .current = 5, .expected = 1, .requests = ones(5), .levels = both({100}),
       .target = 50, .utilization = 10, .value = 2 * 100, .readiness = {"True", "False", "False", "False", "False"},
       .phase = {"Running", "Pending", "Pending", "Pending", "Pending"}});
  add({.name = "ScaleDownContainerExcludeUnscheduledPods", .current = 5, .expected = 1, .requests = ones(5),
       .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}}, .target = 50, .utilization = 10,
       .value = 100, .container = "container2", .readiness = {"True", "False", "False", "False", "False"},
       .phase = {"Running", "Pending", "Pending", "Pending", "Pending"}});
  add({.name = "ScaleDownIgnoreHotCpuPods", .current = 5, .expected = 2, .requests = ones(5),
       .levels = both({100, 300, 500, 250, 250}), .target = 50, .utilization = 30, .value = 2 * 300, .start = "ccchh"});
  add({.name = "ScaleDownContainerIgnoreHotCpuPods", .current = 5, .expected = 2, .requests = ones(5),
       .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 1000}, {1000, 1000}}, .target = 50,
       .utilization = 30, .value = 300, .container = "container2", .start = "ccchh"});
  add({.name = "ScaleDownIgnoresFailedPods", .current = 5, .expected = 3, .requests = ones(7),
       .levels = both({100, 300, 500, 250, 250}), .target = 50, .utilization = 28, .value = 2 * 280,
       .readiness = {"True", "True", "True", "True", "True", "False", "False"},
       .phase = {"Running", "Running", "Running", "Running", "Running", "Failed", "Failed"}});
  add({.name = "ScaleDownContainerIgnoresFailedPods", .current = 5, .expected = 3, .requests = ones(7),
       .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}}, .target = 50, .utilization = 28,
       .value = 280, .container = "container2",
       .readiness = {"True", "True", "True", "True", "True", "False", "False"},
       .phase = {"Running", "Running", "Running", "Running", "Running", "Failed", "Failed"}});
  add({.name = "ScaleDownIgnoresDeletionPods", .current = 5, .expected = 3, .requests = ones(7),
       .levels = both({100, 300, 500, 250, 250}), .target = 50, .utilization = 28, .value = 2 * 280,
       .readiness = {"True", "True", "True", "True", "True", "False", "False"},
       .phase = std::vector<std::string>(7, "Running"), .deleting = {false, false, false, false, false, true, true}});
  add({.name = "ScaleDownIgnoresDeletionPods_StillRunning", .current = 5, .expected = 3, .requests = ones(7),
       .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}}, .target = 50, .utilization = 28,
       .value = 280, .container = "container2",
       .readiness = {"True", "True", "True", "True", "True", "False", "False"},
       .phase = std::vector<std::string>(7, "Running"), .deleting = {false, false, false, false, false, true, true}});
  add({.name = "Tolerance", .current = 3, .expected = 3, .requests = {"0.9", "1.0", "1.1"},
       .levels = both({1010, 1030, 1020}), .target = 100, .utilization = 102, .value = 2 * 1020});
  add({.name = "SuperfluousMetrics", .current = 4, .expected = 24, .requests = ones(4),
       .levels = both({4000, 9500, 3000, 7000, 3200, 2000}), .target = 100, .utilization = 587, .value = 2 * 5875});
  add({.name = "MissingMetrics", .current = 4, .expected = 3, .requests = ones(4), .levels = both({400, 95}),
       .target = 100, .utilization = 24, .value = 495});
  add({.name = "EmptyMetrics", .current = 4,
       .error = "unable to get metrics for resource cpu: no metrics returned from resource metrics API",
       .requests = ones(3), .levels = {}, .target = 100});
  add({.name = "EmptyCPURequest", .current = 1, .error = "missing request for", .requests = {}, .levels = both({200}),
       .target = 100});
  add({.name = "MissingMetricsNoChangeEq", .current = 2, .expected = 2, .requests = ones(2), .levels = both({1000}),
       .target = 100, .utilization = 100, .value = 2 * 1000});
  add({.name = "MissingMetricsNoChangeGt", .current = 2, .expected = 2, .requests = ones(2), .levels = both({1900}),
       .target = 100, .utilization = 190, .value = 2 * 1900});
  add({.name = "MissingMetricsNoChangeLt", .current = 2, .expected = 2, .requests = ones(2), .levels = both({600}),
       .target = 100, .utilization = 60, .value = 2 * 600});
  add({.name = "MissingMetricsUnreadyChange", .current = 3, .expected = 3, .requests = ones(3),
       .levels = both({100, 450}), .target = 50, .utilization = 45, .value = 2 * 450,
       .readiness = {"False", "True", "True"}});
  add({.name = "MissingMetricsHotCpuNoChange", .current = 3, .expected = 3, .requests = ones(3),
       .levels = both({100, 450}), .target = 50, .utilization = 45, .value = 2 * 450, .start = "hcc"});
  add({.name = "MissingMetricsUnreadyScaleUp", .current = 3, .expected = 4, .requests = ones(3),
       .levels = both({100, 2000}), .target = 50, .utilization = 200, .value = 2 * 2000,
       .readiness = {"False", "True", "True"}});
  add({.name = "MissingMetricsHotCpuScaleUp", .current = 3, .expected = 4, .requests = ones(3),
       .levels = both({100, 2000}), .target = 50, .utilization = 200, .value = 2 * 2000,
       .readiness = {"False", "True", "True"}, .start = "hcc"});
  add({.name = "MissingMetricsUnreadyScaleDown", .current = 4, .expected = 3, .requests = ones(4),
       .levels = both({100, 100, 100}), .target = 50, .utilization = 10, .value = 2 * 100,
       .readiness = {"False", "True", "True", "True"}});
  add({.name = "MissingMetricsScaleDownTargetOver100", .current = 4, .expected = 2,
       .requests = {"1.0", "1.0", "2.0", "2.0"}, .levels = both({200, 100, 100}), .target = 300, .utilization = 6,
       .value = 2 * 100, .readiness = {"False", "True", "True", "True"}});
  add({.name = "DuringRollingUpdateWithMaxSurge", .current = 2, .expected = 2, .requests = ones(3),
       .levels = both({100, 100}), .target = 50, .utilization = 10, .value = 2 * 100,
       .phase = {"Running", "Running", "Running"}});
  // TestReplicaCalcComputedToleranceAlgImplementation: its figures computed as upstream's test does.
  {
    const std::int32_t start_pods = 10;
    const std::int64_t used = start_pods * 150;
    const auto requested = static_cast<std::int32_t>(2 * used);
    const auto requested_to_used = static_cast<double>(requested / static_cast<std::int32_t>(used));
    const std::int32_t per_pod = requested / start_pods;
    std::vector<std::string> requests;
    for (int d : {100, -100, 10, -10, 2, -2, 1, -1, 0, 0}) requests.push_back(std::to_string(per_pod + d) + "m");
    double target = std::fabs(1 / (requested_to_used * (1 - 0.1))) + .01;
    const double used_ratio = static_cast<double>(used) / (static_cast<double>(requested) * target);
    add({.name = "ComputedToleranceAlgImplementation", .current = start_pods,
         .expected = static_cast<std::int32_t>(std::ceil(used_ratio * start_pods)), .requests = requests,
         .levels = both({150, 150, 150, 150, 150, 150, 150, 150, 150, 150}),
         .target = static_cast<std::int32_t>(target * 100),
         .utilization = static_cast<std::int32_t>(used * 100) / requested, .value = 2 * used / 10});
    target = std::fabs(1 / (requested_to_used * (1 - 0.1))) + .004;
    Case again = v.back();
    again.name = "ComputedToleranceAlgImplementation_NoScale";
    again.target = static_cast<std::int32_t>(target * 100);
    again.expected = start_pods;
    add(again);
  }
  return v;
}

class ReplicaCalculatorConformance : public ::testing::TestWithParam<Case> {};

TEST_P(ReplicaCalculatorConformance, MatchesUpstream) {
  const Case& c = GetParam();
  // The pods of the fake pod lister: currentReplicas, or more when podPhase lists more.
  const std::size_t n = std::max<std::size_t>(static_cast<std::size_t>(c.current), c.phase.size());
  std::vector<ResourcePod> pods;
  for (std::size_t i = 0; i < n; ++i) pods.push_back(resource_pod(pod_json(c, i), "cpu", c.container, kEpoch.unix_seconds));
  // The fake metrics API: every level is listed, whatever the pods.
  std::vector<ResourceMetricsApi::PodMetrics> items;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < c.levels.size(); ++i) {
    ResourceMetricsApi::PodMetrics pm;
    pm.timestamp = SimTime{};  // the test's zero timestamp
    pm.window = minutes(1);
    for (std::size_t j = 0; j < 2; ++j) {
      if (j < c.levels[i].size()) pm.containers.push_back({"container" + std::to_string(j + 1), c.levels[i][j], 0});
      else pm.containers.push_back({"", 0, 0});  // a zero ContainerMetrics, as make() leaves it
    }
    items.push_back(pm);
    names.push_back(i < c.metric_pod_names.size() ? c.metric_pod_names[i] : "test-pod-" + std::to_string(i));
  }
  std::vector<std::pair<std::string, const ResourceMetricsApi::PodMetrics*>> listed;
  for (std::size_t i = 0; i < items.size(); ++i) listed.emplace_back(names[i], &items[i]);

  std::string error;
  const auto samples = resource_samples(listed, "test-namespace", "cpu", c.container, error);
  ResourceProposal p;
  if (!samples) {
    p.error = "unable to get metrics for resource cpu: " + error;
  } else {
    const ResourceCalculator calc{0.1, minutes(2), seconds(10)};
    p = calc.utilization_replicas(c.current, c.target, "cpu", pods, *samples, kNow);
  }
  if (c.error) {
    EXPECT_NE(p.error.find(c.error), std::string::npos) << "error: " << p.error;
    return;
  }
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.replicas, c.expected);
  EXPECT_EQ(p.utilization, c.utilization);
  EXPECT_EQ(p.raw, c.value);
}

INSTANTIATE_TEST_SUITE_P(Upstream, ReplicaCalculatorConformance, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// TestCalculatePodRequests of the same file: the request a pod contributes (resource_pod).
struct RequestCase {
  const char* name = "";
  json containers;
  json init_containers;
  std::string container;
  std::int64_t expected = 0;
  std::string error;
};

class CalculatePodRequestsConformance : public ::testing::TestWithParam<RequestCase> {};

TEST_P(CalculatePodRequestsConformance, MatchesUpstream) {
  const RequestCase& c = GetParam();
  json pod = {{"metadata", {{"name", "test-pod"}, {"namespace", "test-namespace"}}},
              {"spec", {{"containers", c.containers}}}};
  if (!c.init_containers.is_null()) pod["spec"]["initContainers"] = c.init_containers;
  const ResourcePod p = resource_pod(pod, "cpu", c.container, kEpoch.unix_seconds);
  EXPECT_EQ(p.request_error, c.error);
  if (c.error.empty()) {
    EXPECT_EQ(p.request, c.expected);
  }
}

json cpu_container(const char* name, const char* request) {
  return {{"name", name}, {"resources", {{"requests", {{"cpu", request}}}}}};
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, CalculatePodRequestsConformance,
    ::testing::Values(
        RequestCase{"PodWithRegularContainers",
                    json::array({cpu_container("container1", "100m"), cpu_container("container2", "50m")}), json(), "",
                    150, ""},
        RequestCase{"CalculateRequestsWithSpecialContainer",
                    json::array({cpu_container("container1", "100m"), cpu_container("container2", "50m")}), json(),
                    "container1", 100, ""},
        RequestCase{"ContainerMissingRequests", json::array({{{"name", "container1"}}}), json(), "", 0,
                    "missing request for cpu in container container1 of Pod test-pod"},
        RequestCase{"PodWithRestartableInitContainers", json::array({cpu_container("container1", "100m")}),
                    json::array({cpu_container("init-container1", "20m"),
                                 [] {
                                   json c = cpu_container("restartable-container1", "50m");
                                   c["restartPolicy"] = "Always";
                                   return c;
                                 }()}),
                    "", 150, ""}),
    [](const ::testing::TestParamInfo<RequestCase>& info) { return std::string(info.param.name); });

// GetRawResourceReplicas (an AverageValue target): calcPlainMetricReplicas over the pods' usage.
TEST(ReplicaCalculatorRaw, AverageValueTargets) {
  std::vector<ResourcePod> pods;
  ResourceSamples samples;
  for (int i = 0; i < 3; ++i) {
    ResourcePod p;
    p.name = "p" + std::to_string(i);
    p.phase = "Running";
    p.has_ready_condition = true;
    p.ready_status = "True";
    p.start_time = SimTime{};
    pods.push_back(p);
  }
  samples["p0"] = {300, SimTime{}, minutes(1)};
  samples["p1"] = {500, SimTime{}, minutes(1)};
  samples["p2"] = {700, SimTime{}, minutes(1)};
  const ResourceCalculator calc{0.1, minutes(2), seconds(10)};
  // average 500m against 250m: ratio 2, ceil(2 × 3) = 6.
  ResourceProposal r = calc.raw_replicas(3, 250, "cpu", pods, samples, kNow);
  EXPECT_EQ(r.replicas, 6);
  EXPECT_EQ(r.raw, 500);
  // within the tolerance: 500 against 480 → ratio 1.04, keep 3.
  EXPECT_EQ(calc.raw_replicas(3, 480, "cpu", pods, samples, kNow).replicas, 3);
  // a missing pod on a scale-down counts as exactly the target: (300 + 500 + 1000)/3 = 600 of 1000.
  samples.erase("p2");
  r = calc.raw_replicas(3, 1000, "cpu", pods, samples, kNow);
  EXPECT_EQ(r.raw, 400);
  EXPECT_EQ(r.replicas, 2);  // new ratio (300+500+1000)/3/1000 = 0.6, ceil(0.6 × 3) = 2
}

}  // namespace
}  // namespace kcsim
