// `kcsim run --verify` (include/kcsim/apiserver/invariants.hpp): each invariant is provoked through direct
// misuse of the API server (or a fake model writing what no real controller writes) and must be
// reported, with the instant and the object; a healthy history must pass.
#include "kcsim/apiserver/invariants.hpp"

#include <gtest/gtest.h>

#include "kcsim/core/engine.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

using testing::deployment;

json replicaset(const std::string& name, std::int64_t replicas) {
  json rs = deployment({.name = name, .ns = "prod", .replicas = replicas, .image = ""});
  rs["kind"] = "ReplicaSet";
  return rs;
}

json pod_of(const json& rs, const std::string& name) {
  return json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata",
               {{"name", name},
                {"namespace", "prod"},
                {"ownerReferences",
                 json::array({{{"apiVersion", "apps/v1"},
                               {"kind", "ReplicaSet"},
                               {"name", rs["metadata"]["name"]},
                               {"uid", rs["metadata"]["uid"]},
                               {"controller", true}}})}}},
              {"spec", {{"containers", json::array({{{"name", "app"}, {"image", "nginx"}}})}}}};
}

// The invariant a check throws for, or "" when it passes.
std::string violated(InvariantChecker& checker) {
  try {
    checker.check();
  } catch (const InvariantViolation& v) {
    return v.invariant();
  }
  return "";
}

struct Cluster {
  Engine engine;
  ApiServer api{engine, Epoch{}};
  InvariantChecker checker{api};
  // Moves simulated time forward with nothing happening.
  void advance_to(Duration d) { engine.run_until(SimTime{d}); }
};

TEST(Invariants, AHealthyHistoryPasses) {
  Cluster c;
  ASSERT_TRUE(c.api.create(deployment({.ns = "prod", .image = ""}), "kubectl").status.ok());
  EXPECT_EQ(violated(c.checker), "");
  for (int replicas : {2, 3, 0}) {
    ASSERT_TRUE(c.api.merge_patch({"Deployment", "prod", "web"}, {{"spec", {{"replicas", replicas}}}}, "kubectl").status.ok());
    EXPECT_EQ(violated(c.checker), "") << replicas;
  }
  c.api.record_event({"Deployment", "prod", "web"}, "Normal", "Scaled", "scaled", "kubectl");
  EXPECT_EQ(violated(c.checker), "");
}

TEST(Invariants, NegativeSpecReplicasAreReported) {
  Cluster c;
  ASSERT_TRUE(c.api.create(deployment({.ns = "prod", .image = ""}), "kubectl").status.ok());
  EXPECT_EQ(violated(c.checker), "");
  ASSERT_TRUE(c.api.merge_patch({"Deployment", "prod", "web"}, {{"spec", {{"replicas", -1}}}}, "broken").status.ok());
  try {
    c.checker.check();
    FAIL() << "no violation";
  } catch (const InvariantViolation& v) {
    EXPECT_EQ(v.invariant(), "non-negative-replicas");
    EXPECT_NE(std::string(v.what()).find("Deployment/prod/web has spec.replicas -1"), std::string::npos) << v.what();
    EXPECT_NE(std::string(v.what()).find("at t = 0s"), std::string::npos) << v.what();
  }
}

TEST(Invariants, NegativeStatusReplicasAreReported) {
  Cluster c;
  ASSERT_TRUE(c.api.create(deployment({.ns = "prod", .image = ""}), "kubectl").status.ok());
  EXPECT_EQ(violated(c.checker), "");
  c.advance_to(seconds(5));
  ASSERT_TRUE(c.api.merge_patch({"Deployment", "prod", "web"}, {{"status", {{"readyReplicas", -2}}}}, "broken", "status")
                  .status.ok());
  try {
    c.checker.check();
    FAIL() << "no violation";
  } catch (const InvariantViolation& v) {
    EXPECT_EQ(v.invariant(), "non-negative-replicas");
    EXPECT_NE(std::string(v.what()).find("status.readyReplicas -2"), std::string::npos) << v.what();
    EXPECT_NE(std::string(v.what()).find("at t = 5s"), std::string::npos) << v.what();
  }
}

TEST(Invariants, AWriteWithoutAFieldManagerIsReported) {
  Cluster c;
  ASSERT_TRUE(c.api.create(deployment({.ns = "prod", .image = ""}), "kubectl").status.ok());
  EXPECT_EQ(violated(c.checker), "");
  ASSERT_TRUE(c.api.merge_patch({"Deployment", "prod", "web"}, {{"spec", {{"replicas", 2}}}}, "").status.ok());
  EXPECT_EQ(violated(c.checker), "field-manager");
}

TEST(Invariants, AResourceVersionThatDoesNotIncreaseIsReported) {
  // The API server derives every resourceVersion from one counter, so no sequence of requests
  // can make it go back: the tracker the checker uses is fed directly, as a server restored
  // from an old etcd snapshot would feed it.
  ResourceVersionTracker t;
  const ObjectRef ref{"Deployment", "prod", "web"};
  t.observe(ref, 5, SimTime{});
  t.observe(ref, 9, SimTime{});
  try {
    t.observe(ref, 9, SimTime{seconds(3)});
    FAIL() << "no violation";
  } catch (const InvariantViolation& v) {
    EXPECT_EQ(v.invariant(), "resource-version");
    EXPECT_NE(std::string(v.what()).find("went from 9 to 9"), std::string::npos) << v.what();
  }
  EXPECT_THROW(t.observe(ref, 4, SimTime{}), InvariantViolation);
  t.forget(ref);  // deleted: a new object of that name starts afresh
  EXPECT_NO_THROW(t.observe(ref, 4, SimTime{}));
}

TEST(Invariants, AnEventAboutAnObjectThatNeverExistedIsReported) {
  Cluster c;
  c.api.record_event({"Deployment", "prod", "ghost"}, "Normal", "ScalingReplicaSet", "Scaled up", "broken");
  try {
    c.checker.check();
    FAIL() << "no violation";
  } catch (const InvariantViolation& v) {
    EXPECT_EQ(v.invariant(), "event-object");
    EXPECT_NE(std::string(v.what()).find("is about Deployment/prod/ghost"), std::string::npos) << v.what();
  }
}

TEST(Invariants, AnEventAboutARecentlyDeletedObjectPassesAnOldOneDoesNot) {
  Cluster c;
  ASSERT_TRUE(c.api.create(deployment({.ns = "prod", .image = ""}), "kubectl").status.ok());
  ASSERT_TRUE(c.api.remove({"Deployment", "prod", "web"}, "kubectl").status.ok());
  c.advance_to(minutes(59));
  c.api.record_event({"Deployment", "prod", "web"}, "Normal", "Late", "within the event TTL", "test");
  EXPECT_EQ(violated(c.checker), "");
  c.advance_to(minutes(61));
  c.api.record_event({"Deployment", "prod", "web"}, "Normal", "Later", "past the event TTL", "test");
  EXPECT_EQ(violated(c.checker), "event-object");
}

TEST(Invariants, AReplicaSetShortOfPodsOnceQuietIsReported) {
  // No ReplicaSet controller runs here: the "controller" is this test, which creates one pod of
  // the two wanted and then stops, as a broken controller would.
  Cluster c;
  const WriteResult rs = c.api.create(replicaset("web-abc", 2), "kube-controller-manager");
  ASSERT_TRUE(rs.status.ok());
  ASSERT_TRUE(c.api.create(pod_of(*rs.object, "web-abc-1"), "kube-controller-manager").status.ok());
  EXPECT_EQ(violated(c.checker), "");
  c.advance_to(seconds(59));  // inside the convergence window: still allowed to catch up
  EXPECT_EQ(violated(c.checker), "");
  c.advance_to(seconds(61));
  try {
    c.checker.check();
    FAIL() << "no violation";
  } catch (const InvariantViolation& v) {
    EXPECT_EQ(v.invariant(), "replicaset-convergence");
    EXPECT_NE(std::string(v.what()).find("ReplicaSet/prod/web-abc wants 2 replicas but has 1 active pods"),
              std::string::npos)
        << v.what();
  }
}

TEST(Invariants, AReplicaSetWithItsPodsPassesAndTerminatingPodsDoNotCount) {
  Cluster c;
  const WriteResult rs = c.api.create(replicaset("web-abc", 2), "kube-controller-manager");
  ASSERT_TRUE(rs.status.ok());
  for (const char* name : {"web-abc-1", "web-abc-2"})
    ASSERT_TRUE(c.api.create(pod_of(*rs.object, name), "kube-controller-manager").status.ok());
  c.advance_to(minutes(2));
  EXPECT_EQ(violated(c.checker), "");
  // A graceful delete leaves the pod terminating (deletionTimestamp): no longer active.
  ASSERT_TRUE(c.api.remove({"Pod", "prod", "web-abc-2"}, "kube-controller-manager").status.ok());
  EXPECT_EQ(violated(c.checker), "");
  c.advance_to(minutes(4));
  EXPECT_EQ(violated(c.checker), "replicaset-convergence");
}

TEST(Invariants, RunVerifyStopsAFakeControllerWritingNegativeReplicas) {
  // periodic-writer stands in for a broken controller: it merge-patches spec.replicas to -1,
  // which the real API server's validation would refuse and kcsim's stores.
  const json scenario = json::parse(R"({
    "apiVersion": "kcsim/v1", "kind": "Scenario", "metadata": {"name": "broken"}, "duration": "10m",
    "objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"},
                 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                          "template": {"metadata": {"labels": {"app": "web"}},
                                       "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}],
    "settings": {"periodic-writer": {"writers": [{"manager": "broken", "target": "Deployment/prod/web",
        "pointer": "/spec/replicas", "value": -1, "interval": "5m", "start": "2m"}]}}
  })");
  const Scenario s = parse_scenario(scenario.dump(), "broken.json");
  RunOptions verify;
  verify.verify = true;
  try {
    run_scenario(s, RunLimits{}, verify);
    FAIL() << "no violation";
  } catch (const InvariantViolation& v) {
    EXPECT_EQ(v.invariant(), "non-negative-replicas");
    EXPECT_EQ(v.at(), SimTime{minutes(2)});
  }
  EXPECT_NO_THROW(run_scenario(s, RunLimits{}, RunOptions{}));  // without --verify nobody notices
}

}  // namespace
}  // namespace kcsim
