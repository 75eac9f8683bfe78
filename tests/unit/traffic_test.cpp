// The traffic model (models/actors/traffic.cpp, models/actors/traffic_pattern.cpp): arrival patterns (rates
// checked statistically with fixed seeds), trace replay, service times, per-pod queueing, direct
// routing, records.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "kcsim/core/input_error.hpp"
#include "kcsim/analysis/report.hpp"
#include "model_test_support.hpp"
#include "object_builders.hpp"

using namespace kcsim;
using kcsim::testing::make_world;

namespace {

using kcsim::testing::deployment;

json pod(const std::string& name, bool ready = true) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
          {"status", {{"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

/// Traffic to Deployment default/web (no Service object: its selector finds the pods).
json scenario(json source, json objects = json::array(), const std::string& duration = "1h") {
  objects.push_back(deployment({.image = ""}));
  if (!source.contains("deployment") && !source.contains("service") && !source.contains("host"))
    source["deployment"] = "default/web";
  return {{"duration", duration}, {"objects", objects}, {"traffic", json::array({source})}};
}

std::unique_ptr<World> run(const json& s, std::optional<Duration> until = {}) {
  auto w = make_world(s, {"traffic"});
  if (until) w->run(SimTime{*until});
  else w->run();
  return w;
}

json requests(const World& w) {
  const json r = build_report(w);
  for (const json& wl : r["workloads"])
    if (wl["object"] == "Deployment/default/web") return wl.value("requests", json());
  return json();
}

std::uint64_t total(const World& w) { return requests(w).value("total", std::uint64_t{0}); }

json pattern(const std::string& type, double rate) { return {{"type", type}, {"rate", rate}}; }

}  // namespace

TEST(TrafficPattern, ConstantRateIsEvenlySpacedFromTheStart) {
  auto w = run(scenario({{"pattern", pattern("constant", 7.5)}, {"end", "10m"}}));
  EXPECT_EQ(total(*w), 4500u);  // 600 s × 7.5, the first at t = 0
  // Without pods, each is refused at once.
  EXPECT_EQ(requests(*w)["by_status"]["503"], 4500);
}

TEST(TrafficPattern, PoissonRateHoldsWithinFourSigma) {
  for (std::uint64_t seed : {1, 2, 3}) {
    json s = scenario({{"pattern", pattern("poisson", 20)}});
    s["seed"] = seed;
    auto w = run(s);
    const double n = static_cast<double>(total(*w));
    EXPECT_NEAR(n, 72000.0, 4 * std::sqrt(72000.0)) << "seed " << seed;
  }
}

TEST(TrafficPattern, SameSeedSameRequestsOtherSeedOthers) {
  json s = scenario({{"pattern", pattern("poisson", 3)}, {"serviceTime", {{"distribution", "exponential"}, {"mean", "30ms"}}}},
                    {pod("web-1")});
  auto a = run(s);
  auto b = run(s);
  EXPECT_EQ(build_report(*a).dump(), build_report(*b).dump());
  s["seed"] = 99;
  auto c = run(s);
  EXPECT_NE(total(*a), total(*c));
}

TEST(TrafficPattern, BurstsArriveOnlyInTheirOnWindows) {
  json s = scenario({{"pattern", {{"type", "bursts"}, {"rate", 10}, {"on", "1m"}, {"off", "9m"}, {"offset", "2m"},
                                  {"arrivals", "constant"}}}});
  auto w = make_world(s, {"traffic"});
  w->run(SimTime{minutes(2) - microseconds(1)});
  EXPECT_EQ(total(*w), 0u);
  w->run(SimTime{minutes(3)});
  EXPECT_EQ(total(*w), 600u);
  w->run(SimTime{minutes(12) - microseconds(1)});
  EXPECT_EQ(total(*w), 600u);
  w->run();
  EXPECT_EQ(total(*w), 6u * 600u);  // windows at 2, 12, 22, 32, 42, 52 min
}

TEST(TrafficPattern, PoissonBurstsAverageTheirRate) {
  json s = scenario({{"pattern", {{"type", "bursts"}, {"rate", 50}, {"on", "30s"}, {"off", "270s"}}}});
  auto w = run(s);
  const double expected = 50.0 * 30 * 12;  // 12 cycles of 5 min
  EXPECT_NEAR(static_cast<double>(total(*w)), expected, 4 * std::sqrt(expected));
}

TEST(TrafficPattern, DiurnalFollowsTheSinusoid) {
  // rate(t) = 10 + 8 cos(2π (t − 30m) / 2h): ∫ over the first hour = 36000 + 8 × 7200/π = 54335,
  // over the second 17665.
  json s = scenario({{"pattern", {{"type", "diurnal"}, {"mean", 10}, {"amplitude", 8}, {"period", "2h"}, {"peak", "30m"}}}},
                    json::array(), "2h");
  auto w = make_world(s, {"traffic"});
  w->run(SimTime{hours(1)});
  const double first = static_cast<double>(total(*w));
  w->run();
  const double second = static_cast<double>(total(*w)) - first;
  const double a = 36000.0 + 8.0 * 7200.0 / 3.14159265358979;
  EXPECT_NEAR(first, a, 4 * std::sqrt(a));
  EXPECT_NEAR(second, 72000.0 - a, 4 * std::sqrt(72000.0 - a));
}

TEST(TrafficPattern, StepsFollowTheSchedule) {
  json steps = json::array({{{"at", "0s"}, {"rate", 0}}, {{"at", "1m"}, {"rate", 5}}, {{"at", "3m"}, {"rate", 1}}});
  auto w = run(scenario({{"pattern", {{"type", "steps"}, {"steps", steps}, {"arrivals", "constant"}}}}, json::array(), "5m"));
  EXPECT_EQ(total(*w), 5u * 120u + 120u);
  json poisson = scenario({{"pattern", {{"type", "steps"}, {"steps", steps}}}}, json::array(), "5m");
  auto p = run(poisson);
  EXPECT_NEAR(static_cast<double>(total(*p)), 720.0, 4 * std::sqrt(720.0));
}

TEST(TrafficPattern, IdleSendsNothing) {
  auto w = run(scenario({{"pattern", {{"type", "idle"}}}}));
  EXPECT_EQ(total(*w), 0u);
}

TEST(TrafficPattern, TraceIsReplayedFromACsvFileBesideTheScenario) {
  const auto dir = std::filesystem::temp_directory_path() / "kcsim-traffic-test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "trace.csv");
    csv << "timestamp_ms,path\n# a comment\n0,/a\n250,/b\n250,/c\n\n1000.5,/d\n90000,/e\n";
  }
  json s = scenario({{"start", "10s"}, {"pattern", {{"type", "trace"}, {"file", "trace.csv"}, {"unit", "ms"}}}},
                    {pod("web-1")}, "1m");
  auto w = std::make_unique<World>(parse_scenario(
      [&] {
        json full = s;
        full["apiVersion"] = "kcsim/v1";
        full["kind"] = "Scenario";
        full["metadata"] = {{"name", "trace"}};
        for (const auto& [name, f] : ModelRegistry::all()) {
          (void)f;
          if (name != "traffic") full["settings"][name]["enabled"] = false;
        }
        return full.dump();
      }(),
      (dir / "scenario.json").string()));
  w->run(SimTime{seconds(10) - microseconds(1)});
  EXPECT_EQ(total(*w), 0u);
  w->run(SimTime{seconds(10)});
  EXPECT_EQ(total(*w), 1u);
  w->run(SimTime{milliseconds(10250)});
  EXPECT_EQ(total(*w), 3u);
  w->run(SimTime{microseconds(11000499)});
  EXPECT_EQ(total(*w), 3u);
  w->run();
  EXPECT_EQ(total(*w), 4u);  // the one at 10 s + 90 s is after the end
}

TEST(TrafficPattern, TraceErrorsNameTheFileAndLine) {
  const auto dir = std::filesystem::temp_directory_path() / "kcsim-traffic-test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "bad.csv");
    csv << "t\n1\n3\n2\n";
  }
  json s = scenario({{"pattern", {{"type", "trace"}, {"file", (dir / "bad.csv").string()}}}});
  try {
    make_world(s, {"traffic"});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir / "bad.csv").string());
    EXPECT_EQ(e.line(), 4);
    EXPECT_NE(e.expected().find("non-decreasing"), std::string::npos);
  }
}

TEST(TrafficPattern, BadPatternsAreInputErrorsWithTheirPointer) {
  for (const auto& [p, pointer] : std::vector<std::pair<json, std::string>>{
           {{{"type", "sometimes"}}, "/traffic/0/pattern/type"},
           {{{"type", "poisson"}, {"rate", -1}}, "/traffic/0/pattern/rate"},
           {{{"type", "bursts"}, {"rate", 1}, {"on", "0s"}, {"off", "1m"}}, "/traffic/0/pattern/on"},
           {{{"type", "constant"}, {"rate", 1}, {"burst", 2}}, "/traffic/0/pattern/burst"}}) {
    try {
      make_world(scenario({{"pattern", p}}), {"traffic"});
      ADD_FAILURE() << "expected an InputError for " << p.dump();
    } catch (const InputError& e) {
      EXPECT_EQ(e.pointer(), pointer);
    }
  }
}

TEST(TrafficServiceTime, DistributionsHaveTheirParameters) {
  auto p50 = [](const json& service_time) {
    auto w = run(scenario({{"pattern", pattern("poisson", 20)}, {"serviceTime", service_time}}, {pod("web-1")}));
    return requests(*w)["latency_ms"]["p50"].get<double>();
  };
  EXPECT_EQ(p50("30ms"), 30.0);
  EXPECT_EQ(p50({{"distribution", "constant"}, {"value", "45ms"}}), 45.0);
  // Exponential: median = mean × ln 2.
  EXPECT_NEAR(p50({{"distribution", "exponential"}, {"mean", "50ms"}}), 50.0 * std::log(2.0), 1.5);
  EXPECT_NEAR(p50({{"distribution", "lognormal"}, {"median", "80ms"}, {"sigma", 0.5}}), 80.0, 2.0);
}

TEST(TrafficPods, ConcurrencyPerPodQueuesTheRestInArrivalOrder) {
  // One pod serving one request at a time, 1 s each, a request every 0.5 s: the k-th waits k/2 s.
  auto w = run(scenario({{"pattern", pattern("constant", 2)}, {"end", "10s"}, {"serviceTime", "1s"},
                         {"concurrencyPerPod", 1}},
                        {pod("web-1")}, "30s"));
  const json q = requests(*w);
  EXPECT_EQ(q["total"], 20);
  EXPECT_EQ(q["succeeded"], 20);
  EXPECT_EQ(q["latency_ms"]["max"], 1000.0 + 19 * 500.0);  // served from 19 s to 20 s
  // Unlimited: every request takes exactly its service time.
  auto u = run(scenario({{"pattern", pattern("constant", 2)}, {"end", "10s"}, {"serviceTime", "1s"}}, {pod("web-1")}, "30s"));
  EXPECT_EQ(requests(*u)["latency_ms"]["max"], 1000.0);
}

TEST(TrafficPods, RequestsSpreadOverReadyPodsOnly) {
  auto w = run(scenario({{"pattern", pattern("constant", 10)}, {"end", "100s"}, {"serviceTime", "1s"}, {"concurrencyPerPod", 6}},
                        {pod("web-1"), pod("web-2"), pod("web-3", false)}, "2m"));
  // 10 in flight on average over two ready pods of 6 slots: hardly any queueing; with the
  // unready third pod counted it would never queue, with one pod it would queue without bound.
  const json q = requests(*w);
  EXPECT_EQ(q["succeeded"], 1000);
  EXPECT_LT(q["latency_ms"]["p50"].get<double>(), 1100.0);
  EXPECT_GT(q["latency_ms"]["max"].get<double>(), 1000.0);
}

TEST(TrafficRouting, NoEndpointsIs503AndAnUnroutedHostIs404) {
  json s = scenario({{"pattern", pattern("constant", 1)}, {"end", "10s"}});
  s["traffic"].push_back({{"host", "nobody.example.com"}, {"pattern", pattern("constant", 1)}, {"end", "5s"}});
  auto w = run(s);
  const json r = build_report(*w);
  EXPECT_EQ(requests(*w)["by_status"]["503"], 10);
  EXPECT_EQ(r["traffic"]["sources"][1]["failed"], 5);
  EXPECT_TRUE(r["traffic"]["sources"][1]["workload"].is_null());
}

TEST(TrafficRouting, AServiceSelectorDecidesTheEndpoints) {
  json svc = {{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata", {{"name", "front"}, {"namespace", "default"}}},
              {"spec", {{"selector", {{"app", "other"}}}}}};
  // The Service selects no pod: 503 although the Deployment's pods are ready.
  auto w = run(scenario({{"service", "default/front"}, {"deployment", "default/web"}, {"pattern", pattern("constant", 1)},
                         {"end", "5s"}},
                        {svc, pod("web-1")}));
  EXPECT_EQ(requests(*w)["by_status"]["503"], 5);
}

TEST(TrafficPods, ADeletedPodFailsWhatItServes) {
  json s = scenario({{"pattern", pattern("constant", 1)}, {"end", "10s"}, {"serviceTime", "30s"}}, {pod("web-1")}, "1m");
  auto w = make_world(s, {"traffic"});
  w->run(SimTime{seconds(20)});
  w->api().remove(ObjectRef{"Pod", "default", "web-1"}, "test", DeleteOptions{0});
  w->run();
  const json q = requests(*w);
  EXPECT_EQ(q["by_status"]["502"], 10);
  EXPECT_EQ(q["in_flight"], 0);
}

TEST(TrafficRecords, AreCappedWhileCountsAndPercentilesCoverEveryRequest) {
  json full = scenario({{"pattern", pattern("poisson", 20)}, {"end", "10m"},
                        {"serviceTime", {{"distribution", "lognormal"}, {"median", "40ms"}, {"sigma", 0.6}}}},
                       {pod("web-1")});
  json capped = full;
  capped["settings"]["traffic"] = {{"maxRecords", 100}};
  auto a = run(full);
  auto b = run(capped);
  const json ra = build_report(*a), rb = build_report(*b);
  EXPECT_FALSE(ra["traffic"]["records_truncated"].get<bool>());
  EXPECT_TRUE(rb["traffic"]["records_truncated"].get<bool>());
  EXPECT_EQ(rb["traffic"]["records"], 100);
  EXPECT_EQ(requests(*a)["total"], requests(*b)["total"]);
  EXPECT_EQ(requests(*a)["latency_ms"]["max"], requests(*b)["latency_ms"]["max"]);
  // The histogram's percentiles are within its 0.4 % resolution of the exact ones.
  for (const char* p : {"p50", "p95", "p99"}) {
    const double exact = requests(*a)["latency_ms"][p].get<double>();
    EXPECT_NEAR(requests(*b)["latency_ms"][p].get<double>(), exact, exact * 0.005) << p;
  }
}

TEST(TrafficRouting, WithoutTheAddOnHostRoutedServicesAreReachedDirectly) {
  json hso = {{"apiVersion", "http.keda.sh/v1alpha1"},
              {"kind", "HTTPScaledObject"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}}},
              {"spec", {{"hosts", {"web.example.com"}}, {"scaleTargetRef", {{"name", "web"}, {"service", "web"}}}}}};
  json svc = {{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}}},
              {"spec", {{"selector", {{"app", "web"}}}}}};
  json s = scenario({{"service", "default/web"}, {"pattern", pattern("constant", 1)}, {"end", "5s"}, {"serviceTime", "800ms"}},
                    {hso, svc, pod("web-1")});
  // The add-on switched off: no interceptor, so no 500 ms response-header timeout.
  auto w = run(s);
  EXPECT_EQ(requests(*w)["succeeded"], 5);
  auto with_addon = make_world(s, {"traffic", "http-add-on"});
  with_addon->run();
  EXPECT_EQ(requests(*with_addon)["by_status"]["502"], 5);
}
