// The KEDA HTTP add-on model (models/http-add-on/http_add_on.cpp with the interceptor path of
// models/actors/traffic.cpp): the generated ScaledObject per version, the scaler's metric and activity,
// the interceptor's timeouts per version, cold starts, and the equivalence of eliding idle ticks.
#include <gtest/gtest.h>

#include <algorithm>

#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/analysis/report.hpp"
#include "model_test_support.hpp"

using namespace kcsim;
using kcsim::testing::make_world;

namespace {

const char* kMetric = "http-default/web";

json hso(const json& spec_extra = json::object()) {
  json spec = {{"hosts", {"web.example.com"}},
               {"scaleTargetRef", {{"name", "web"}, {"kind", "Deployment"}, {"apiVersion", "apps/v1"},
                                   {"service", "web"}, {"port", 80}}},
               {"replicas", {{"min", 0}, {"max", 10}}}};
  spec.update(spec_extra);
  return {{"apiVersion", "http.keda.sh/v1alpha1"},
          {"kind", "HTTPScaledObject"},
          {"metadata", {{"name", "web"}, {"namespace", "default"}, {"labels", {{"team", "a"}}}}},
          {"spec", spec}};
}

json service() {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", "web"}, {"namespace", "default"}}},
          {"spec", {{"selector", {{"app", "web"}}}, {"ports", {{{"port", 80}}}}}}};
}

json ready_pod(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", {{{"name", "app"}, {"image", "nginx"}}}}}},
          {"status", {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

/// A Deployment that no controller runs in the add-on-only tests (the report lists requests
/// under the Deployment's workload entry).
json idle_deployment() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"namespace", "default"}}},
          {"spec",
           {{"replicas", 0},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}}}}}};
}

/// A scenario with the add-on and the traffic model only (no KEDA, no controllers, no kubelet):
/// pods, when there are any, are objects written by the test.
json addon_scenario(const std::string& version, json objects, json traffic = json::array()) {
  objects.push_back(idle_deployment());
  json s = {{"versions", {{"http-add-on", version}}}, {"objects", objects}, {"duration", "1h"}};
  if (!traffic.empty()) s["traffic"] = traffic;
  return s;
}

json rate_metric(int target, const char* window) {
  json rate = {{"targetValue", target}, {"window", window}, {"granularity", "1s"}};
  return json{{"requestRate", rate}};
}

json full_scenario_for_cold_start() {
  json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "web"}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
      {"spec",
       {{"replicas", 0},
        {"selector", {{"matchLabels", {{"app", "web"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec",
           {{"containers",
             {{{"name", "app"}, {"image", "nginx:1.27"},
               {"readinessProbe", {{"httpGet", {{"path", "/"}, {"port", 80}}}, {"periodSeconds", 1}}}}}}}}}}}}};
  return {{"duration", "5m"},
          {"objects", {deployment, service(), hso()}},
          {"traffic", {{{"host", "web.example.com"}, {"start", "60s"}, {"end", "61s"},
                        {"pattern", {{"type", "constant"}, {"rate", 1}}}, {"serviceTime", "10ms"}}}},
          {"settings", {{"http-add-on", {{"interceptor", {{"waitTimeout", "60s"}}}}}, {"kubelet", {{"appStartup", "20s"}}}}}};
}

const std::set<std::string> kFullModelsForColdStart = {"http-add-on", "traffic", "keda", "horizontal-pod-autoscaler",
                                                       "deployment-controller", "replicaset-controller", "kubelet"};

ObjectPtr scaled_object(World& w) { return w.api().get(ObjectRef{"ScaledObject", "default", "web"}); }

const json* workload_requests(const json& report, const std::string& object) {
  for (const json& w : report["workloads"])
    if (w["object"] == object && w.contains("requests")) return &w["requests"];
  return nullptr;
}

}  // namespace

// --- generated ScaledObject ------------------------------------------------------------------

TEST(HttpAddOnOperator, GeneratesTheScaledObjectOfV010) {
  json h = hso({{"scaledownPeriod", 600}, {"initialCooldownPeriod", 30}, {"replicas", {{"min", 1}, {"max", 7}}}});
  auto w = make_world(addon_scenario("0.10.0", {h}), {"http-add-on"});
  w->run(SimTime{seconds(1)});
  ObjectPtr so = scaled_object(*w);
  ASSERT_TRUE(so);
  const json& spec = (*so)["spec"];
  EXPECT_EQ(spec["pollingInterval"], 15);
  EXPECT_EQ(spec["cooldownPeriod"], 600);
  EXPECT_EQ(spec["initialCooldownPeriod"], 30);
  EXPECT_EQ(spec["minReplicaCount"], 1);
  EXPECT_EQ(spec["maxReplicaCount"], 7);
  EXPECT_EQ(spec["advanced"]["restoreToOriginalReplicaCount"], true);
  EXPECT_EQ(spec["scaleTargetRef"], (json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}));
  ASSERT_EQ(spec["triggers"].size(), 1u);
  EXPECT_EQ(spec["triggers"][0]["type"], "external-push");
  EXPECT_EQ(spec["triggers"][0]["metadata"],
            (json{{"scalerAddress", "keda-add-ons-http-external-scaler.keda:9090"}, {"httpScaledObject", "web"}}));
  // Owned (controller reference) by the HTTPScaledObject, with its labels (v0.8+).
  const json& owner = (*so)["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "HTTPScaledObject");
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ(owner["uid"], w->api().get(ObjectRef{"HTTPScaledObject", "default", "web"})->at("metadata")["uid"]);
  EXPECT_EQ((*so)["metadata"]["labels"]["team"], "a");
  // Written by the operator's field manager.
  EXPECT_EQ((*with_managed_fields(so))["metadata"]["managedFields"][0]["manager"], "keda-add-ons-http-operator");
}

TEST(HttpAddOnOperator, LeavesUnsetFieldsToKedasDefaults) {
  json h = hso();
  h["spec"].erase("replicas");
  auto w = make_world(addon_scenario("0.10.0", {h}), {"http-add-on"});
  w->run(SimTime{seconds(1)});
  const json& spec = (*scaled_object(*w))["spec"];
  // cooldownPeriod nil → KEDA's 300 s; min/max nil → KEDA's 0 / 100 (http-add-on
  // pkg/k8s/scaledobject.go NewScaledObject).
  EXPECT_FALSE(spec.contains("cooldownPeriod"));
  EXPECT_FALSE(spec.contains("minReplicaCount"));
  EXPECT_FALSE(spec.contains("maxReplicaCount"));
  EXPECT_FALSE(spec.contains("initialCooldownPeriod"));
}

TEST(HttpAddOnOperator, OldReleasesPollEverySecondAndKeyTriggersByHost) {
  json h = hso({{"scaledownPeriod", 120}});
  h["spec"]["scaleTargetRef"] = {{"deployment", "web"}, {"service", "web"}, {"port", 80}};
  {
    auto w = make_world(addon_scenario("0.6.0", {h}), {"http-add-on"});
    w->run(SimTime{seconds(1)});
    const json& spec = (*scaled_object(*w))["spec"];
    EXPECT_EQ(spec["pollingInterval"], 1);
    EXPECT_EQ(spec["cooldownPeriod"], 120);
    EXPECT_EQ(spec["scaleTargetRef"], (json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}));
    EXPECT_EQ(spec["triggers"][0]["metadata"]["hosts"], "web.example.com");
    EXPECT_FALSE(spec["triggers"][0]["metadata"].contains("httpScaledObject"));
    EXPECT_FALSE((*scaled_object(*w))["metadata"].contains("labels"));  // copied from v0.8
  }
  {
    // v0.4.0: scaledownPeriod existed but the template dropped it; the trigger names the host.
    json h4 = h;
    h4["spec"].erase("hosts");
    h4["spec"]["host"] = "web.example.com";
    auto w = make_world(addon_scenario("0.4.0", {h4}), {"http-add-on"});
    w->run(SimTime{seconds(1)});
    const json& spec = (*scaled_object(*w))["spec"];
    EXPECT_EQ(spec["pollingInterval"], 1);
    EXPECT_FALSE(spec.contains("cooldownPeriod"));
    EXPECT_EQ(spec["minReplicaCount"], 0);
    EXPECT_EQ(spec["maxReplicaCount"], 10);
    EXPECT_EQ(spec["triggers"][0]["metadata"]["host"], "web.example.com");
  }
  {
    auto w = make_world(addon_scenario("0.7.0", {h}), {"http-add-on"});
    w->run(SimTime{seconds(1)});
    EXPECT_EQ((*scaled_object(*w))["spec"]["pollingInterval"], 15);
  }
}

TEST(HttpAddOnOperator, PutsBackAnEditedOrDeletedScaledObject) {
  json s = addon_scenario("0.10.0", {hso({{"replicas", {{"min", 0}, {"max", 10}}}})});
  s["timeline"] = {{{"at", "10s"}, {"action", "kubectl patch"}, {"target", "scaledobject/web"},
                    {"patch", {{"spec", {{"minReplicaCount", 3}}}}}},
                   {{"at", "20s"}, {"action", "kubectl delete"}, {"target", "scaledobject/web"}}};
  auto w = make_world(s, {"http-add-on", "kubectl"});
  w->run(SimTime{seconds(11)});
  EXPECT_EQ((*scaled_object(*w))["spec"]["minReplicaCount"], 0);
  w->run(SimTime{seconds(21)});
  ASSERT_TRUE(scaled_object(*w));
  EXPECT_GT(scaled_object(*w)->at("metadata")["creationTimestamp"], "2026-01-01T12:00:19Z");
}

TEST(HttpAddOnOperator, SkipAnnotationMeansNoScaledObject) {
  json h = hso();
  h["metadata"]["annotations"]["httpscaledobject.keda.sh/skip-scaledobject-creation"] = "true";
  auto w = make_world(addon_scenario("0.10.0", {h}), {"http-add-on"});
  w->run(SimTime{seconds(1)});
  EXPECT_FALSE(scaled_object(*w));
}

TEST(HttpAddOnOperator, StatusConditionsFollowTheVersion) {
  {
    auto w = make_world(addon_scenario("0.10.0", {hso()}), {"http-add-on"});
    w->run(SimTime{seconds(1)});
    ObjectPtr h = w->api().get(ObjectRef{"HTTPScaledObject", "default", "web"});
    std::vector<std::string> reasons;
    for (const json& c : (*h)["status"]["conditions"]) reasons.push_back(c["reason"]);
    EXPECT_EQ(reasons, (std::vector<std::string>{"PendingCreation", "AppScaledObjectCreated", "HTTPScaledObjectIsReady"}));
    EXPECT_EQ((*h)["metadata"]["finalizers"], json::array({"httpscaledobject.http.keda.sh"}));
    EXPECT_EQ((*h)["status"]["targetWorkload"], "apps/v1/Deployment/web");
    EXPECT_EQ((*h)["status"]["targetService"], "web:80");
  }
  {
    auto w = make_world(addon_scenario("0.13.0", {hso()}), {"http-add-on"});
    w->run(SimTime{seconds(1)});
    ObjectPtr h = w->api().get(ObjectRef{"HTTPScaledObject", "default", "web"});
    ASSERT_EQ((*h)["status"]["conditions"].size(), 1u);
    EXPECT_EQ((*h)["status"]["conditions"][0]["reason"], "Reconciled");
    EXPECT_EQ((*h)["status"]["conditions"][0]["message"], "ScaledObject created and configured");
  }
}

TEST(HttpAddOnOperator, DeletingTheHttpScaledObjectRemovesItsFinalizerAndScaledObject) {
  json s = addon_scenario("0.10.0", {hso()});
  s["timeline"] = {{{"at", "10s"}, {"action", "kubectl delete"}, {"target", "httpscaledobject/web"}}};
  auto w = make_world(s, {"http-add-on", "kubectl"});
  w->run(SimTime{seconds(12)});
  EXPECT_FALSE(w->api().get(ObjectRef{"HTTPScaledObject", "default", "web"}));
  EXPECT_FALSE(scaled_object(*w));
}

TEST(HttpAddOnOperator, FieldManagerCanBeSet) {
  json s = addon_scenario("0.12.0", {hso()});
  s["settings"]["http-add-on"] = {{"fieldManager", "init"}};
  auto w = make_world(s, {"http-add-on"});
  w->run(SimTime{seconds(1)});
  EXPECT_EQ((*with_managed_fields(scaled_object(*w)))["metadata"]["managedFields"][0]["manager"], "init");
}

TEST(HttpAddOnOperator, RejectsUnknownSettings) {
  json s = addon_scenario("0.10.0", {hso()});
  s["settings"]["http-add-on"] = {{"elideIdleTick", false}};
  try {
    make_world(s, {"http-add-on"});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/http-add-on/elideIdleTick");
  }
}

// --- the scaler's metric --------------------------------------------------------------------

TEST(HttpAddOnScaler, ConcurrencyCountsRequestsHeldAtZeroEndpoints) {
  // 10 requests a second from t = 1 s to a Service with no pods; the chart's 20 s wait keeps them
  // all held. The 500 ms pinger sees every request that arrived before its instant.
  json s = addon_scenario("0.10.0", {service(), hso()},
                          {{{"host", "web.example.com"}, {"start", "1s"}, {"pattern", {{"type", "constant"}, {"rate", 10}}}}});
  s["settings"]["http-add-on"] = {{"interceptor", {{"waitTimeout", "20s"}}}};
  auto w = make_world(s, {"http-add-on", "traffic"});
  w->run(SimTime{milliseconds(900)});
  auto m = w->metrics().read(kMetric);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->value, 0.0);
  EXPECT_FALSE(m->active);
  w->run(SimTime{milliseconds(2700)});
  // Ping at 2.5 s: arrivals at 1.0, 1.1, ..., 2.4 (the one at 2.5 is not yet counted).
  m = w->metrics().read(kMetric);
  EXPECT_EQ(m->value, 15.0);
  EXPECT_TRUE(m->active);
  EXPECT_EQ(m->updated, SimTime{milliseconds(2500)});
}

TEST(HttpAddOnScaler, RequestRateModeReportsTheWindowAverageUntilTheWindowPasses) {
  json h = hso({{"scalingMetric", rate_metric(10, "1m")}});
  json s = addon_scenario("0.10.0", {service(), ready_pod("web-1"), h},
                          {{{"host", "web.example.com"}, {"start", "10s"}, {"end", "20s"},
                            {"pattern", {{"type", "constant"}, {"rate", 4}}}, {"serviceTime", "10ms"}}});
  auto w = make_world(s, {"http-add-on", "traffic"});
  w->run(SimTime{seconds(15)});
  EXPECT_EQ(w->metrics().read(kMetric)->value, 4.0);  // 4 per second bucket
  w->run(SimTime{seconds(45)});
  auto m = w->metrics().read(kMetric);
  EXPECT_GT(m->value, 0.0);  // within a window of the last request: still active
  EXPECT_TRUE(m->active);
  w->run(SimTime{seconds(81)});
  m = w->metrics().read(kMetric);
  EXPECT_EQ(m->value, 0.0);
  EXPECT_FALSE(m->active);
}

TEST(HttpAddOnScaler, V014ComputesTheRateFromRequestCountsAtEachPing) {
  json h = hso({{"scalingMetric", rate_metric(10, "1m")}});
  json s = addon_scenario("0.14.0", {service(), ready_pod("web-1"), h},
                          {{{"host", "web.example.com"}, {"start", "10s"}, {"end", "40s"},
                            {"pattern", {{"type", "constant"}, {"rate", 6}}}, {"serviceTime", "10ms"}}});
  auto w = make_world(s, {"http-add-on", "traffic"});
  w->run(SimTime{seconds(35)});
  // The ring started at the first ping (0.5 s): 35 s of buckets, 25 of them with 6 requests.
  auto m = w->metrics().read(kMetric);
  ASSERT_TRUE(m);
  EXPECT_GT(m->value, 0.0);
  EXPECT_LE(m->value, 6.0);
  w->run(SimTime{seconds(120)});
  EXPECT_EQ(w->metrics().read(kMetric)->value, 0.0);
}

// --- interceptor timeouts per version -------------------------------------------------------

namespace {
json timeout_run(const std::string& version, const json& settings, json h = hso()) {
  json s = addon_scenario(version, {service(), h},
                          {{{"host", "web.example.com"}, {"start", "1s"}, {"end", "2s"},
                            {"pattern", {{"type", "constant"}, {"rate", 5}}}}});
  if (!settings.is_null()) s["settings"]["http-add-on"] = settings;
  s["duration"] = "2m";
  auto w = make_world(s, {"http-add-on", "traffic"});
  w->run();
  return build_report(*w);
}
}  // namespace

TEST(Interceptor, WaitTimeoutIs502After1500msInV06ToV012) {
  const json r = timeout_run("0.10.0", nullptr);
  const json* q = workload_requests(r, "Deployment/default/web");
  ASSERT_TRUE(q) << r.dump();
  EXPECT_EQ((*q)["total"], 5);
  EXPECT_EQ((*q)["by_status"]["502"], 5);
  EXPECT_EQ((*q)["cold_starts"], 5);
  EXPECT_EQ((*q)["latency_ms"]["max"], 1500.0);
}

TEST(Interceptor, WaitTimeoutIs20sInV013) {
  const json r = timeout_run("0.13.0", nullptr);
  const json* q = workload_requests(r, "Deployment/default/web");
  EXPECT_EQ((*q)["by_status"]["502"], 5);
  EXPECT_EQ((*q)["latency_ms"]["p50"], 20000.0);
}

TEST(Interceptor, V014WaitsWithoutDeadlineUnlessConfiguredThenAnswers504) {
  {
    const json r = timeout_run("0.14.0", nullptr);
    const json* q = workload_requests(r, "Deployment/default/web");
    EXPECT_EQ((*q)["failed"], 0);
    EXPECT_EQ((*q)["in_flight"], 5);  // still waiting at the end
  }
  {
    const json r = timeout_run("0.14.0", {{"interceptor", {{"waitTimeout", "3s"}}}});
    const json* q = workload_requests(r, "Deployment/default/web");
    EXPECT_EQ((*q)["by_status"]["504"], 5);
    EXPECT_EQ((*q)["latency_ms"]["max"], 3000.0);
  }
}

TEST(Interceptor, HttpScaledObjectTimeoutsOverrideFromV011) {
  json h = hso({{"timeouts", {{"conditionWait", "4s"}, {"responseHeader", "1s"}}}});
  const json r = timeout_run("0.11.0", nullptr, h);
  EXPECT_EQ((*workload_requests(r, "Deployment/default/web"))["latency_ms"]["max"], 4000.0);
  // v0.10 has no spec.timeouts: the code default applies.
  const json r10 = timeout_run("0.10.0", nullptr, h);
  EXPECT_EQ((*workload_requests(r10, "Deployment/default/web"))["latency_ms"]["max"], 1500.0);
}

TEST(Interceptor, ResponseHeaderTimeoutFailsSlowResponses) {
  json s = addon_scenario("0.10.0", {service(), ready_pod("web-1"), hso()},
                          {{{"host", "web.example.com"}, {"start", "1s"}, {"end", "3s"},
                            {"pattern", {{"type", "constant"}, {"rate", 2}}}, {"serviceTime", "800ms"}}});
  auto w = make_world(s, {"http-add-on", "traffic"});
  w->run();
  const json r = build_report(*w);
  const json* q = workload_requests(r, "Deployment/default/web");
  // The v0.6–v0.13 default of 500 ms: every 800 ms answer is a 502 after 500 ms.
  EXPECT_EQ((*q)["by_status"]["502"], 4);
  EXPECT_EQ((*q)["latency_ms"]["max"], 500.0);
  EXPECT_EQ((*q)["cold_starts"], 0);
}

TEST(Interceptor, ColdStartLastsUntilTheFirstReadyEndpoint) {
  // Requests from 1 s; the test makes a pod Ready at 6 s. The interceptor sees it after the
  // API server's watch latency (5 ms); every held request is then forwarded.
  json s = addon_scenario("0.10.0", {service(), hso()},
                          {{{"host", "web.example.com"}, {"start", "1s"}, {"end", "10s"},
                            {"pattern", {{"type", "constant"}, {"rate", 2}}}, {"serviceTime", "20ms"}}});
  s["settings"]["http-add-on"] = {{"interceptor", {{"waitTimeout", "20s"}}}};
  auto w = make_world(s, {"http-add-on", "traffic"});
  w->run(SimTime{seconds(6)});
  ASSERT_TRUE(w->api().create(ready_pod("web-1"), "kubelet").status.ok());
  w->run();
  const json r = build_report(*w);
  const json* q = workload_requests(r, "Deployment/default/web");
  EXPECT_EQ((*q)["succeeded"], 18);
  EXPECT_EQ((*q)["cold_starts"], 11);  // arrivals at 1.0 .. 6.0 s
  EXPECT_EQ((*q)["latency_ms"]["max"], 5025.0);  // held 1.0 → 6.005, then 20 ms of service
  const json* cold = nullptr;
  for (const json& wl : r["workloads"])
    if (wl["object"] == "Deployment/default/web") cold = &wl["cold_start_s"];
  ASSERT_TRUE(cold);
  EXPECT_EQ((*cold)["count"], 1);
  EXPECT_EQ((*cold)["max"], 5.005);
}

TEST(Interceptor, ColdStartIsThePodsReadinessTimeWithTheWholeChain) {
  // KEDA, the controllers and the kubelet: the first request at 60 s waits for KEDA's 0 -> 1, the
  // ReplicaSet's pod, and the kubelet's start-up (appStartup 20 s here); its latency is the time
  // from its arrival to the pod's Ready condition as the interceptor sees it, plus its service.
  json s = full_scenario_for_cold_start();
  auto w = make_world(s, kFullModelsForColdStart);
  kcsim::testing::Recorder pods(*w, "Pod");
  w->run();
  std::optional<SimTime> ready;
  for (const auto& seen : pods.seen) {
    const json& obj = *seen.event.object;
    if (ready || !obj.contains("status") || !obj["status"].contains("conditions")) continue;
    for (const json& c : obj["status"]["conditions"])
      if (c["type"] == "Ready" && c["status"] == "True") ready = seen.at;
  }
  ASSERT_TRUE(ready);
  const json r = build_report(*w);
  const json* q = workload_requests(r, "Deployment/default/web");
  ASSERT_TRUE(q);
  EXPECT_EQ((*q)["failed"], 0);
  // Ready at `ready` (zero-latency recorder); the interceptor's watch adds the API server's 5 ms.
  const double expected_s = to_seconds(*ready + milliseconds(5) - SimTime{seconds(60)});
  // ≤ 0.7 s to KEDA's push, then scheduling 1 s + sandbox 1 s + pull 3 s + start 1 s + app 20 s
  // + the 1 s readiness probe period.
  EXPECT_GT(expected_s, 26.0);
  EXPECT_LT(expected_s, 27.8);
  for (const json& wl : r["workloads"])
    if (wl["object"] == "Deployment/default/web") {
      EXPECT_EQ(wl["cold_start_s"]["count"], 1);
      EXPECT_NEAR(wl["cold_start_s"]["max"].get<double>(), expected_s, 0.0011);
    }
  EXPECT_NEAR((*q)["latency_ms"]["max"].get<double>(), expected_s * 1000.0 + 10.0, 1.1);
}

// --- eliding idle ticks ---------------------------------------------------------------------

namespace {

/// Runs `scenario` twice, eliding idle ticks and not, and compares everything the run wrote.
void expect_same_with_and_without_elision(json scenario, const std::set<std::string>& models) {
  std::vector<std::unique_ptr<World>> worlds;
  std::vector<json> reports;
  for (bool elide : {true, false}) {
    json s = scenario;
    s["settings"]["http-add-on"]["elideIdleTicks"] = elide;
    worlds.push_back(make_world(s, models));
    worlds.back()->run();
    reports.push_back(build_report(*worlds.back()));
  }
  const auto& a = worlds[0]->api().writes();
  const auto& b = worlds[1]->api().writes();
  ASSERT_GT(a.size(), 0u);
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    ASSERT_EQ(a[i].at(), b[i].at()) << "write " << i << " " << a[i].object().str() << a[i].field() << " by "
                                    << a[i].manager() << " vs " << b[i].object().str() << b[i].field() << " by "
                                    << b[i].manager();
    ASSERT_EQ(a[i].manager(), b[i].manager()) << "write " << i;
    ASSERT_EQ(a[i].object(), b[i].object()) << "write " << i;
    ASSERT_EQ(a[i].field(), b[i].field()) << "write " << i;
    ASSERT_EQ(a[i].new_value(), b[i].new_value()) << "write " << i << " " << a[i].field();
  }
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(reports[0].dump(), reports[1].dump());
  // And the point of it: far fewer events.
  EXPECT_LT(worlds[0]->engine().events_processed(), worlds[1]->engine().events_processed());
}

json full_scenario(const std::string& keda, const std::string& addon, const json& scaling_metric) {
  json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "web"}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", {{"app", "web"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec",
           {{"containers",
             {{{"name", "app"}, {"image", "nginx:1.27"},
               {"readinessProbe", {{"httpGet", {{"path", "/"}, {"port", 80}}}, {"periodSeconds", 1}}}}}}}}}}}}};
  json h = hso({{"scaledownPeriod", 120}, {"scalingMetric", scaling_metric}});
  json s = {{"versions", {{"keda", keda}, {"http-add-on", addon}}},
            {"duration", "2h"},
            {"seed", 3},
            {"objects", {deployment, service(), h}},
            {"traffic",
             {{{"host", "web.example.com"},
               {"pattern", {{"type", "bursts"}, {"rate", 3}, {"on", "90s"}, {"off", "28m30s"}, {"offset", "7m"}}},
               {"serviceTime", {{"distribution", "exponential"}, {"mean", "40ms"}}},
               {"concurrencyPerPod", 4}}}},
            {"settings", {{"http-add-on", {{"interceptor", {{"waitTimeout", "30s"}}}}}}},
            {"timeline",
             {{{"at", "50m"}, {"action", "kubectl scale"}, {"target", "deployment/web"}, {"replicas", 2}}}}};
  return s;
}

const std::set<std::string> kFullModels = {"http-add-on", "traffic", "keda", "horizontal-pod-autoscaler",
                                           "deployment-controller", "replicaset-controller", "kubelet", "kubectl"};

}  // namespace

TEST(HttpAddOnElision, SameHistoryOnKeda218WhereInactivePushesAreIgnored) {
  expect_same_with_and_without_elision(full_scenario("2.18.0", "0.10.0", {{"concurrency", {{"targetValue", 2}}}}),
                                       kFullModels);
}

TEST(HttpAddOnElision, SameHistoryOnKeda217WhereInactivePushesAct) {
  // Every inactive push runs KEDA's scale-to-zero check: the kubectl scale to 2 at 50 m (on the
  // 200 ms grid) is undone by the next push, in both runs.
  expect_same_with_and_without_elision(full_scenario("2.17.0", "0.10.0", {{"concurrency", {{"targetValue", 2}}}}),
                                       kFullModels);
}

TEST(HttpAddOnElision, SameHistoryWithRequestRateInTheInterceptorAndInTheScaler) {
  const json rate = rate_metric(2, "30s");
  expect_same_with_and_without_elision(full_scenario("2.17.0", "0.12.0", rate), kFullModels);
  expect_same_with_and_without_elision(full_scenario("2.18.0", "0.14.0", rate), kFullModels);
}

TEST(HttpAddOnElision, EachStreamIsElidedOnItsOwnBesideABusyOne) {
  // A second service, "api", idle but for a kubectl scale at 20 m, beside the bursty "web": while
  // web's stream pushes, api's pushes are skipped unless they can act (on 2.17 an inactive push
  // runs KEDA's scale-to-zero check, which undoes the scale). Same history as tick by tick.
  for (const char* keda : {"2.17.0", "2.18.0"}) {
    json s = full_scenario(keda, "0.10.0", {{"concurrency", {{"targetValue", 2}}}});
    json objects = s["objects"];
    for (const json& o : s["objects"]) {
      std::string text = o.dump();
      for (std::string::size_type p = text.find("web"); p != std::string::npos; p = text.find("web", p + 3))
        text.replace(p, 3, "api");
      objects.push_back(json::parse(text));
    }
    s["objects"] = objects;
    s["timeline"].push_back(
        {{"at", "20m"}, {"action", "kubectl scale"}, {"target", "deployment/api"}, {"replicas", 1}});
    expect_same_with_and_without_elision(s, kFullModels);
  }
}

TEST(HttpAddOnElision, AnIdleServiceCostsAlmostNothingForAWeek) {
  json s = full_scenario("2.18.0", "0.10.0", {{"concurrency", {{"targetValue", 2}}}});
  s["traffic"] = json::array();
  s.erase("timeline");
  s["duration"] = "168h";
  auto w = make_world(s, kFullModels);
  w->run();
  // Tick by tick the scaler alone would cost 7 events a second (4.2 million in a week); KEDA's and
  // the HPA's own 15 s loops are what is left.
  EXPECT_LT(w->engine().events_processed(), 200000u);
  EXPECT_EQ(w->api().get(ObjectRef{"Deployment", "default", "web"})->at("spec")["replicas"], 0);
}
