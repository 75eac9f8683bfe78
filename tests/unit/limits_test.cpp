// Run limits (docs/reliability.md): a runaway scenario stops with status 3 and a message naming
// the limit, never by the operating system killing kcsim, and writes no report.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace {

using kcsim::testing::run_kcsim;
using kcsim::testing::test_dir;

// A Deployment of `replicas` pods (the ReplicaSet controller creates them 500 per sync).
std::string deployment_scenario(long long replicas) {
  nlohmann::json s = nlohmann::json::parse(R"({
    "apiVersion": "kcsim/v1", "kind": "Scenario", "metadata": {"name": "huge"}, "duration": "1h",
    "objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"},
                 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                          "template": {"metadata": {"labels": {"app": "web"}},
                                       "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}]
  })");
  s["objects"][0]["spec"]["replicas"] = replicas;
  const std::string path = test_dir() + "/scenario.json";
  std::ofstream(path) << s.dump(1);
  return path;
}

// Two writers that set the same field to different values every microsecond: a fight with no
// delay anywhere, the shape of two controllers without backoff.
std::string tight_loop_scenario() {
  const std::string path = test_dir() + "/tight-loop.json";
  std::ofstream(path) << R"({
    "apiVersion": "kcsim/v1", "kind": "Scenario", "metadata": {"name": "tight-loop"}, "duration": "1h",
    "objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"},
                 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                          "template": {"metadata": {"labels": {"app": "web"}},
                                       "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}],
    "settings": {"periodic-writer": {"writers": [
      {"manager": "up", "target": "Deployment/prod/web", "pointer": "/spec/replicas", "value": 2, "interval": "1us"},
      {"manager": "down", "target": "Deployment/prod/web", "pointer": "/spec/replicas", "value": 1, "interval": "1us"}]}}
  })";
  return path;
}

TEST(Limits, AMillionReplicaDeploymentStopsBeforeTheRun) {
  // The pods a scenario asks for at t = 0 are counted against --max-objects before any is made:
  // exit 3 at once, naming the workload (it took 262 s and 3.1 GB to reach the limit before).
  const std::string output = test_dir() + "/report.json";
  std::filesystem::remove(output);
  const std::string scenario = deployment_scenario(1000000);
  const auto r = run_kcsim("run " + scenario + " -o " + output, 10);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.err, "kcsim: " + scenario +
                       ": /objects/0 (Deployment/prod/web) asks for 1000000 replicas: with the scenario's other objects "
                       "the run would create more than 150000 objects (--max-objects); lower spec.replicas or raise "
                       "--max-objects\n");
  EXPECT_FALSE(std::filesystem::exists(output));
}

TEST(Limits, AScaleToAMillionStopsAtTheObjectLimit) {
  const std::string output = test_dir() + "/report.json";
  std::filesystem::remove(output);
  nlohmann::json s = nlohmann::json::parse(kcsim::testing::slurp(deployment_scenario(1)));
  s["timeline"] = nlohmann::json::array(
      {{{"at", "1m"}, {"action", "kubectl scale"}, {"target", "deployment/web"}, {"namespace", "prod"}, {"replicas", 1000000}}});
  std::ofstream(test_dir() + "/scale.json") << s.dump(1);
  const auto r = run_kcsim("run " + test_dir() + "/scale.json --max-objects 2000 -o " + output, 120);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("the run stopped at the object limit at t = "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2000 objects created (--max-objects)"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(output));
}

TEST(Limits, TheObjectLimitLetsASmallerDeploymentThrough) {
  const auto r = run_kcsim("run " + deployment_scenario(100) + " --max-objects 2000 --duration 2m --no-fixes", 120);
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Limits, GrowingMemoryStopsAtTheMemoryBudget) {
  // A budget far below what a million pods take (about 10 KiB each), the object limit out of
  // the way.
  const auto r = run_kcsim("run " + deployment_scenario(1000000) + " --max-objects 100000000 --max-memory 64", 300);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("the run stopped at the memory limit at t = "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("more than its budget of 64 MiB (--max-memory)"), std::string::npos) << r.err;
}

TEST(Limits, AnInvalidMemoryBudgetIsAUsageError) {
  const auto r = run_kcsim("run " + deployment_scenario(1) + " --max-memory 0");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--max-memory must be a number of MiB between 1 and 2^40"), std::string::npos) << r.err;
}

TEST(Limits, AControllerPairWritingEveryMicrosecondStopsAtTheEventLimit) {
  const auto r = run_kcsim("run " + tight_loop_scenario() + " --max-events 20000", 120);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("the run stopped at the event limit (20000 events) at t = "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a controller is probably writing in a tight loop"), std::string::npos) << r.err;
}

TEST(Limits, AHundredYearDurationIsTheLongestAccepted) {
  auto r = run_kcsim("run " + deployment_scenario(1) + " --duration 876001h");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--duration: expected a duration of at most 100 years"), std::string::npos) << r.err;
  // 100 years exactly is accepted; the event limit then bounds the work (the kubelet's and the
  // controllers' periodic work add up to more than 200 million events in a century).
  r = run_kcsim("run " + deployment_scenario(1) + " --duration 876000h --max-events 100000");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("event limit (100000 events)"), std::string::npos) << r.err;
}

}  // namespace
