// The pod usage model (models/kube/container_usage.cpp), the metrics-server model
// (models/metrics-server/metrics_server.cpp) and the HPA on Resource metrics end to end
// (models/kube/hpa_controller.cpp): docs/models/metrics-server.md and docs/models/keda-hpa.md
// "Resource metrics".
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "../../models/kube/container_usage.hpp"
#include "kcsim/apiserver/resource_metrics.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "model_test_support.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

using models::UsageProfile;
using testing::deployment;
using testing::EventLog;
using testing::make_world;

TEST(UsageProfile, ConstantStepsRamp) {
  std::string why;
  const auto c = UsageProfile::parse("250m", false, &why);
  ASSERT_TRUE(c) << why;
  EXPECT_EQ(c->at(SimTime{hours(3)}), 250);
  EXPECT_EQ(c->integral(SimTime{seconds(10)}, SimTime{seconds(20)}), 250LL * 10'000'000);

  const auto s = UsageProfile::parse("steps 0s=100m 10m=400m 20m=100m", false, &why);
  ASSERT_TRUE(s) << why;
  EXPECT_EQ(s->at(SimTime{minutes(9)}), 100);
  EXPECT_EQ(s->at(SimTime{minutes(10)}), 400);
  EXPECT_EQ(s->at(SimTime{minutes(25)}), 100);
  // 5 min at 100m then 5 min at 400m.
  EXPECT_EQ(s->integral(SimTime{minutes(5)}, SimTime{minutes(15)}), (100 + 400) * 300'000'000LL);

  const auto r = UsageProfile::parse("ramp 0s=0 100s=1000m", false, &why);
  ASSERT_TRUE(r) << why;
  EXPECT_EQ(r->at(SimTime{seconds(50)}), 500);
  EXPECT_EQ(r->at(SimTime{seconds(200)}), 1000);
  // The triangle under the ramp: 1000m × 100 s / 2, then 1000m flat for 100 s.
  EXPECT_EQ(r->integral(SimTime{}, SimTime{seconds(200)}), 500LL * 100'000'000 + 1000LL * 100'000'000);

  const auto m = UsageProfile::parse("128Mi", true, &why);
  ASSERT_TRUE(m) << why;
  EXPECT_EQ(m->at(SimTime{}), 134217728);

  EXPECT_FALSE(UsageProfile::parse("lots", false, &why));
  EXPECT_NE(why.find("expected a CPU quantity"), std::string::npos) << why;
  EXPECT_FALSE(UsageProfile::parse("steps 10m=1 5m=2", false, &why));
  EXPECT_NE(why.find("increasing time"), std::string::npos) << why;
}

// A Deployment "web" whose container "app" requests 100m CPU and 64Mi, with usage annotations.
json web(std::int64_t replicas, json annotations, bool requests = true) {
  json d = deployment({.replicas = replicas});
  d["spec"]["template"]["metadata"]["annotations"] = annotations;
  if (requests)
    d["spec"]["template"]["spec"]["containers"][0]["resources"] = {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}};
  return d;
}

json cpu_hpa(int min, int max, int target) {
  return json{{"apiVersion", "autoscaling/v2"},
              {"kind", "HorizontalPodAutoscaler"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}}},
              {"spec",
               {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
                {"minReplicas", min},
                {"maxReplicas", max},
                {"metrics", json::array({{{"type", "Resource"},
                                          {"resource", {{"name", "cpu"},
                                                        {"target", {{"type", "Utilization"},
                                                                    {"averageUtilization", target}}}}}}})}}}};
}

const std::set<std::string> kModels = {"horizontal-pod-autoscaler", "deployment-controller", "replicaset-controller",
                                       "kubelet", "metrics-server", "traffic"};

std::string top(const World& w) { return kubectl_exec(w, {"top", "pod"}).out + kubectl_exec(w, {"top", "pod"}).err; }

TEST(MetricsServer, NoMetricsBeforeTheFirstScrapesThenTheUsage) {
  json s = {{"objects", json::array({web(1, {{"kcsim.io/cpu", "150m"}, {"kcsim.io/memory", "40Mi"}})})},
            {"settings", {{"metrics-server", {{"enabled", true}}}}}};
  auto w = make_world(s, kModels);
  // The container starts at 6 s (workloads.md); the scrapes tick every 15 s from the process start.
  w->run(SimTime{seconds(12)});
  EXPECT_EQ(top(*w), "error: metrics not available yet\n");
  ASSERT_NE(w->service<ResourceMetricsApi>(), nullptr);
  EXPECT_TRUE(w->service<ResourceMetricsApi>()->pods().empty());
  w->run(SimTime{seconds(50)});
  const auto& pods = w->service<ResourceMetricsApi>()->pods();
  ASSERT_EQ(pods.size(), 1u);
  const ResourceMetricsApi::PodMetrics& pm = pods.begin()->second;
  ASSERT_EQ(pm.containers.size(), 1u);
  EXPECT_EQ(pm.containers[0].cpu_milli, 150);
  EXPECT_EQ(pm.containers[0].memory_bytes, 40 * 1024 * 1024);
  EXPECT_EQ(pm.window, seconds(15));  // two scrapes of a running container
  const std::string out = top(*w);
  EXPECT_TRUE(std::regex_search(out, std::regex("\nweb-[0-9a-z]+-[0-9a-z]+ +150m +40Mi +\n"))) << out;
}

TEST(MetricsServer, OnlyRunsWhenAnHpaNeedsIt) {
  // No HPA on a resource metric: no resource metrics API, no scrape.
  auto w = make_world({{"objects", json::array({web(1, json::object())})}}, kModels);
  w->run(SimTime{minutes(2)});
  EXPECT_EQ(w->service<ResourceMetricsApi>(), nullptr);
  // An HPA on CPU makes it run.
  auto w2 = make_world({{"objects", json::array({web(1, json::object()), cpu_hpa(1, 5, 50)})}}, kModels);
  w2->run(SimTime{minutes(2)});
  ASSERT_NE(w2->service<ResourceMetricsApi>(), nullptr);
  EXPECT_EQ(w2->service<ResourceMetricsApi>()->pods().size(), 1u);
}

TEST(MetricsServer, BadUsageAnnotationIsAnInputError) {
  try {
    make_world({{"objects", json::array({web(1, {{"kcsim.io/cpu-per-request", "a lot"}})})}}, kModels);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/objects/0/spec/template/metadata/annotations/kcsim.io~1cpu-per-request");
  }
}

// The HPA on CPU: the traffic's CPU (10 req/s × 30 ms of CPU = 300m) over pods requesting 100m
// each, target 50 %: the replica calculator settles at ceil(300 / 50) = 6 pods, and get hpa shows
// the utilization the way kubectl 1.32 does.
TEST(HpaResourceMetric, ScalesByTheReplicaCalculator) {
  json s = {{"objects", json::array({web(1, {{"kcsim.io/cpu-per-request", "30m"}}), cpu_hpa(1, 10, 50)})},
            {"traffic", json::array({{{"deployment", "default/web"},
                                      {"pattern", {{"type", "constant"}, {"rate", 10}}},
                                      {"serviceTime", {{"distribution", "constant"}, {"value", "20ms"}}}}})}};
  auto w = make_world(s, kModels);
  EventLog log(*w);
  w->run(SimTime{seconds(14)});
  EXPECT_NE(kubectl_exec(*w, {"get", "hpa"}).out.find("cpu: <unknown>/50%"), std::string::npos)
      << kubectl_exec(*w, {"get", "hpa"}).out;
  w->run(SimTime{minutes(12)});
  const ObjectPtr d = w->api().get({"Deployment", "default", "web"});
  EXPECT_EQ((*d)["spec"]["replicas"], 6);
  const ObjectPtr h = w->api().get({"HorizontalPodAutoscaler", "default", "web"});
  const json& current = (*h)["status"]["currentMetrics"][0];
  EXPECT_EQ(current["type"], "Resource");
  const int util = current["resource"]["current"]["averageUtilization"].get<int>();
  EXPECT_GE(util, 45);
  EXPECT_LE(util, 55);
  const std::string table = kubectl_exec(*w, {"get", "hpa"}).out;
  EXPECT_NE(table.find("cpu: " + std::to_string(util) + "%/50%"), std::string::npos) << table;
  bool reason = false;
  for (const auto& e : log.with_reason("SuccessfulRescale"))
    if (e.message.find("reason: cpu resource utilization (percentage of request) above target") != std::string::npos)
      reason = true;
  EXPECT_TRUE(reason);
}

// ContainerResource on the serving container of a pod with an idle sidecar, and an AverageValue
// memory target: the status entries, the TARGETS cells and the container-level reason.
TEST(HpaResourceMetric, ContainerResourceAndAverageValue) {
  json d = web(1, {{"kcsim.io/cpu-per-request", "30m"}, {"kcsim.io/memory", "100Mi"}});
  d["spec"]["template"]["spec"]["containers"].push_back(
      {{"name", "sidecar"}, {"image", "envoy"}, {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}}});
  json h = cpu_hpa(1, 10, 50);
  h["spec"]["metrics"] = json::array(
      {{{"type", "ContainerResource"},
        {"containerResource",
         {{"name", "cpu"}, {"container", "app"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}},
       {{"type", "Resource"},
        {"resource", {{"name", "memory"}, {"target", {{"type", "AverageValue"}, {"averageValue", "200Mi"}}}}}}});
  json s = {{"objects", json::array({d, h})},
            {"traffic", json::array({{{"deployment", "default/web"},
                                      {"pattern", {{"type", "constant"}, {"rate", 10}}},
                                      {"serviceTime", {{"distribution", "constant"}, {"value", "20ms"}}}}})}};
  auto w = make_world(s, kModels);
  EventLog log(*w);
  w->run(SimTime{minutes(12)});
  // The sidecar's request does not dilute a ContainerResource metric: 300m over the app
  // containers' 100m each at 50 % is 6 pods, as for a single-container pod.
  EXPECT_EQ((*w->api().get({"Deployment", "default", "web"}))["spec"]["replicas"], 6);
  const json& metrics = (*w->api().get({"HorizontalPodAutoscaler", "default", "web"}))["status"]["currentMetrics"];
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0]["type"], "ContainerResource");
  EXPECT_EQ(metrics[0]["containerResource"]["container"], "app");
  EXPECT_EQ(metrics[0]["containerResource"]["name"], "cpu");
  EXPECT_EQ(metrics[1]["type"], "Resource");
  // Memory: 100Mi for the app + the sidecar's request (64Mi, the default working set) per pod.
  EXPECT_EQ(metrics[1]["resource"]["current"]["averageValue"], "171966464");
  EXPECT_FALSE(metrics[1]["resource"]["current"].contains("averageUtilization"));
  const std::string table = kubectl_exec(*w, {"get", "hpa"}).out;
  EXPECT_NE(table.find("cpu: " + std::to_string(metrics[0]["containerResource"]["current"]["averageUtilization"].get<int>()) +
                       "%/50%, memory: 171966464/200Mi"),
            std::string::npos)
      << table;
  bool reason = false;
  for (const auto& e : log.with_reason("SuccessfulRescale"))
    if (e.message.find("reason: cpu container resource utilization (percentage of request) above target") !=
        std::string::npos)
      reason = true;
  EXPECT_TRUE(reason);
}

TEST(HpaResourceMetric, UpstreamErrorTexts) {
  // No metrics-server: the API is not registered.
  std::set<std::string> without = kModels;
  without.erase("metrics-server");
  auto w = make_world({{"objects", json::array({web(1, json::object()), cpu_hpa(1, 5, 50)})}}, without);
  EventLog log(*w);
  w->run(SimTime{minutes(1)});
  ASSERT_FALSE(log.with_reason("FailedGetResourceMetric").empty());
  EXPECT_EQ(log.with_reason("FailedGetResourceMetric")[0].message,
            "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from "
            "resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)");
  ASSERT_FALSE(log.with_reason("FailedComputeMetricsReplicas").empty());
  EXPECT_EQ(log.with_reason("FailedComputeMetricsReplicas")[0].message.rfind(
                "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: "
                "failed to get cpu utilization: ",
                0),
            0u);
  // Pods without a CPU request: calculateRequests' error, once metrics exist.
  auto w2 = make_world({{"objects", json::array({web(1, json::object(), false), cpu_hpa(1, 5, 50)})}}, kModels);
  EventLog log2(*w2);
  w2->run(SimTime{minutes(2)});
  bool missing = false;
  for (const auto& e : log2.with_reason("FailedGetResourceMetric"))
    if (std::regex_match(e.message, std::regex("failed to get cpu utilization: missing request for cpu in container app of "
                                       "Pod web-[0-9a-z]+-[0-9a-z]+")))
      missing = true;
  EXPECT_TRUE(missing);
}

}  // namespace
}  // namespace kcsim
