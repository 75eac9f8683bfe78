// The ReplicaSet controller model (models/kube/replicaset_controller.cpp): pod creation, the
// slow-start batches and burst limit, the scale-down victim order, and status.
#include <gtest/gtest.h>

#include <regex>

#include "../../models/kube/slow_start.hpp"
#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"

using namespace kcsim;
using kcsim::testing::at;
using kcsim::testing::EventLog;
using kcsim::testing::make_world;

namespace {

const std::set<std::string> kRsOnly = {"replicaset-controller"};
const std::set<std::string> kRsAndKubelet = {"replicaset-controller", "kubelet"};
const ObjectRef kRs{"ReplicaSet", "default", "web-abc"};

json replica_set(int replicas, const std::string& image = "nginx:1.25") {
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata", {{"name", "web-abc"}, {"namespace", "default"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", "web"}, {"tier", "front"}}}, {"annotations", {{"team", "a"}}}}},
              {"spec", {{"containers", json::array({{{"name", "app"}, {"image", image}}})}}}}}}}};
}

json scenario_with(const json& object) { return json{{"objects", json::array({object})}}; }

std::vector<ObjectPtr> pods(World& w) { return w.api().list("Pod", "default"); }

void set_replicas(World& w, int n) {
  json rs = *w.api().get(kRs);
  rs["spec"]["replicas"] = n;
  ASSERT_TRUE(w.api().update(rs, "kubectl").status.ok());
}

}  // namespace

TEST(ReplicaSetController, SlowStartBatchesDouble) {
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(models::slow_start_batches(10), (V{1, 2, 4, 3}));
  EXPECT_EQ(models::slow_start_batches(1), (V{1}));
  EXPECT_EQ(models::slow_start_batches(7), (V{1, 2, 4}));
  EXPECT_EQ(models::slow_start_batches(0), V{});
  const V burst = models::slow_start_batches(500);
  EXPECT_EQ(burst.back(), 245);  // 1 + 2 + ... + 128 = 255, then the remaining 245
  std::int64_t sum = 0;
  for (auto b : burst) sum += b;
  EXPECT_EQ(sum, 500);
}

TEST(ReplicaSetController, CreatesPodsFromTheTemplate) {
  json rs = replica_set(3);
  rs["spec"]["template"]["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "envoy"}});
  auto w = make_world(scenario_with(rs), kRsOnly);
  EventLog log(*w);
  w->run(at(seconds(1)));
  auto ps = pods(*w);
  ASSERT_EQ(ps.size(), 3u);
  const json owner = *w->api().get(kRs);
  std::set<std::string> names;
  for (const ObjectPtr& p : ps) {
    const std::string name = p->at("metadata")["name"];
    names.insert(name);
    EXPECT_TRUE(std::regex_match(name, std::regex("^web-abc-[bcdfghjklmnpqrstvwxz2456789]{5}$"))) << name;
    EXPECT_EQ(p->at("metadata")["labels"], (json{{"app", "web"}, {"tier", "front"}}));
    EXPECT_EQ(p->at("metadata")["annotations"]["team"], "a");
    const json& ref = p->at("metadata")["ownerReferences"][0];
    EXPECT_EQ(ref["kind"], "ReplicaSet");
    EXPECT_EQ(ref["name"], "web-abc");
    EXPECT_EQ(ref["uid"], owner["metadata"]["uid"]);
    EXPECT_EQ(ref["controller"], true);
    const json& spec = p->at("spec");
    EXPECT_EQ(spec["restartPolicy"], "Always");
    EXPECT_EQ(spec["terminationGracePeriodSeconds"], 30);
    EXPECT_EQ(spec["containers"][0]["imagePullPolicy"], "IfNotPresent");
    EXPECT_EQ(spec["containers"][1]["imagePullPolicy"], "Always");  // no tag means :latest
    EXPECT_EQ(p->at("status")["phase"], "Pending");
  }
  auto created = log.with_reason("SuccessfulCreate");
  ASSERT_EQ(created.size(), 3u);
  for (const auto& e : created) {
    EXPECT_EQ(e.kind, "ReplicaSet");
    EXPECT_EQ(e.name, "web-abc");
    EXPECT_EQ(e.component, "replicaset-controller");
    ASSERT_EQ(e.message.rfind("Created pod: ", 0), 0u);
    EXPECT_TRUE(names.count(e.message.substr(13))) << e.message;
  }
  const json st = w->api().get(kRs)->at("status");
  EXPECT_EQ(st["replicas"], 3);
  EXPECT_EQ(st["fullyLabeledReplicas"], 3);
  EXPECT_FALSE(st.contains("readyReplicas"));
  EXPECT_EQ(st["observedGeneration"], owner["metadata"]["generation"]);
}

TEST(ReplicaSetController, CreatesAtMost500PodsPerSync) {
  auto w = make_world(scenario_with(replica_set(600)), kRsOnly);
  w->run(at(milliseconds(1)));
  EXPECT_EQ(pods(*w).size(), 500u);
  w->run(at(seconds(1)));
  EXPECT_EQ(pods(*w).size(), 600u);
}

TEST(ReplicaSetController, TerminatingPodsAreNotCountedAndGoAway) {
  auto w = make_world(scenario_with(replica_set(3)), kRsAndKubelet);
  EventLog log(*w);
  w->run(at(seconds(20)));
  EXPECT_EQ(w->api().get(kRs)->at("status")["readyReplicas"], 3);
  EXPECT_EQ(w->api().get(kRs)->at("status")["availableReplicas"], 3);
  set_replicas(*w, 1);
  w->run(at(seconds(20) + milliseconds(50)));
  auto ps = pods(*w);
  EXPECT_EQ(ps.size(), 3u);
  int terminating = 0;
  for (const ObjectPtr& p : ps) terminating += p->at("metadata").contains("deletionTimestamp");
  EXPECT_EQ(terminating, 2);
  EXPECT_EQ(w->api().get(kRs)->at("status")["replicas"], 1);
  auto deleted = log.with_reason("SuccessfulDelete");
  ASSERT_EQ(deleted.size(), 2u);
  EXPECT_EQ(deleted[0].message.rfind("Deleted pod: web-abc-", 0), 0u);
  w->run(at(seconds(40)));
  EXPECT_EQ(pods(*w).size(), 1u);
  EXPECT_TRUE(log.with_reason("SuccessfulCreate").size() == 3u);  // no replacement for terminating pods
}

TEST(ReplicaSetController, AvailableAfterMinReadySeconds) {
  json rs = replica_set(2);
  rs["spec"]["minReadySeconds"] = 10;
  auto w = make_world(scenario_with(rs), kRsAndKubelet);
  // Pods are created at 0, ready at 6 s (no readiness probe), available once ready for 10 s.
  w->run(at(seconds(15)));
  EXPECT_EQ(w->api().get(kRs)->at("status")["readyReplicas"], 2);
  EXPECT_FALSE(w->api().get(kRs)->at("status").contains("availableReplicas"));
  w->run(at(seconds(18)));
  EXPECT_EQ(w->api().get(kRs)->at("status")["availableReplicas"], 2);
}

// --- scale-down victims -------------------------------------------------------------------------

namespace {

struct PodState {
  Duration created{0};
  std::string node;  // "" = unscheduled
  std::string phase = "Running";
  bool ready = true;
  Duration ready_since{0};
  std::int64_t restarts = 0;
  std::string deletion_cost = "";
};

PodState state(Duration created, const std::string& node, const std::string& phase = "Running", bool ready = true,
               Duration ready_since = Duration{0}) {
  PodState s;
  s.created = created;
  s.node = node;
  s.phase = phase;
  s.ready = ready;
  s.ready_since = ready_since;
  return s;
}

// Creates one pod per state (at its creation time, by raising spec.replicas), gives each its
// state, then at `decide` lowers spec.replicas by `remove` and returns the indexes of the pods
// the controller marked for deletion, and the pods' uids.
std::pair<std::set<std::size_t>, std::vector<std::string>> victims(const std::vector<PodState>& states,
                                                                   Duration decide, int remove = 1) {
  auto w = make_world(scenario_with(replica_set(0)), kRsOnly);
  std::vector<std::string> names, uids;
  for (std::size_t i = 0; i < states.size(); ++i) {
    w->run(at(states[i].created));
    set_replicas(*w, static_cast<int>(i + 1));
    w->run(at(states[i].created + milliseconds(10)));
    for (const ObjectPtr& p : pods(*w)) {
      const std::string n = p->at("metadata")["name"];
      if (std::find(names.begin(), names.end(), n) == names.end()) {
        names.push_back(n);
        uids.push_back(p->at("metadata")["uid"]);
      }
    }
  }
  EXPECT_EQ(names.size(), states.size());
  const Epoch& epoch = w->api().epoch();
  for (std::size_t i = 0; i < states.size(); ++i) {
    const PodState& s = states[i];
    json p = *w->api().get(ObjectRef{"Pod", "default", names[i]});
    if (!s.node.empty()) p["spec"]["nodeName"] = s.node;
    if (!s.deletion_cost.empty()) p["metadata"]["annotations"]["controller.kubernetes.io/pod-deletion-cost"] = s.deletion_cost;
    p = *w->api().update(p, "test").object;
    p["status"] = {{"phase", s.phase},
                   {"conditions",
                    json::array({{{"type", "Ready"},
                                  {"status", s.ready ? "True" : "False"},
                                  {"lastTransitionTime", epoch.rfc3339(SimTime{s.ready_since})}}})},
                   {"containerStatuses", json::array({{{"name", "app"}, {"restartCount", s.restarts}}})}};
    EXPECT_TRUE(w->api().update(p, "test", "status").status.ok());
  }
  w->run(at(decide));
  set_replicas(*w, static_cast<int>(states.size()) - remove);
  w->run(at(decide + milliseconds(10)));
  std::set<std::size_t> out;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (w->api().get(ObjectRef{"Pod", "default", names[i]})->at("metadata").contains("deletionTimestamp"))
      out.insert(i);
  return {out, uids};
}

}  // namespace

TEST(ReplicaSetVictims, UnscheduledBeforeScheduled) {
  auto [v, uids] = victims({state(seconds(0), "", "Pending", false), state(seconds(10), "node-1")}, seconds(100));
  EXPECT_EQ(v, (std::set<std::size_t>{0}));
}

TEST(ReplicaSetVictims, PendingBeforeRunning) {
  auto [v, uids] = victims({state(seconds(0), "node-1", "Pending", false), state(seconds(10), "node-2", "Running", false)},
                           seconds(100));
  EXPECT_EQ(v, (std::set<std::size_t>{0}));
}

TEST(ReplicaSetVictims, NotReadyBeforeReady) {
  auto [v, uids] = victims({state(seconds(0), "node-1", "Running", false), state(seconds(10), "node-2", "Running", true)},
                           seconds(100));
  EXPECT_EQ(v, (std::set<std::size_t>{0}));
}

TEST(ReplicaSetVictims, LowerDeletionCostFirst) {
  PodState a = state(seconds(0), "node-1"), b = state(seconds(10), "node-2");
  a.deletion_cost = "-5";
  b.deletion_cost = "10";
  auto [v, uids] = victims({a, b}, seconds(100));
  EXPECT_EQ(v, (std::set<std::size_t>{0}));
}

TEST(ReplicaSetVictims, MoreColocatedPodsFirst) {
  // Two on node-b, one on node-a: a node-b pod goes, the newer of the two.
  auto [v, uids] = victims({state(seconds(0), "node-b"), state(seconds(300), "node-b", "Running", true, seconds(300)),
                            state(seconds(600), "node-a", "Running", true, seconds(600))},
                           seconds(700));
  EXPECT_EQ(v, (std::set<std::size_t>{1}));
}

TEST(ReplicaSetVictims, ReadyForLessTimeFirst) {
  // Same node, both ready: ready 5 s ago (log2 bucket 32) goes before ready 600 s ago (39).
  auto [v, uids] = victims({state(seconds(0), "node-1", "Running", true, seconds(695)),
                            state(seconds(10), "node-1", "Running", true, seconds(100))},
                           seconds(700));
  EXPECT_EQ(v, (std::set<std::size_t>{0}));
}

TEST(ReplicaSetVictims, MoreRestartsFirst) {
  PodState a = state(seconds(0), "node-1"), b = state(seconds(10), "node-1");
  a.restarts = 3;
  auto [v, uids] = victims({a, b}, seconds(100));
  EXPECT_EQ(v, (std::set<std::size_t>{0}));
}

TEST(ReplicaSetVictims, NewerFirstInLogarithmicBuckets) {
  // Not ready, so rule 6 does not apply: ages 700 s (2^39 ns bucket) and 100 s (2^36): newer goes.
  auto [v, uids] = victims({state(seconds(0), "node-1", "Running", false), state(seconds(600), "node-1", "Running", false)},
                           seconds(700));
  EXPECT_EQ(v, (std::set<std::size_t>{1}));
}

TEST(ReplicaSetVictims, SameBucketFallsBackToUid) {
  // Ages 1000 s and 900 s are both in the 2^39 ns bucket: the lower UID goes (pseudo-random).
  auto [v, uids] = victims({state(seconds(0), "node-1", "Running", false), state(seconds(100), "node-1", "Running", false)},
                           seconds(1000));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(*v.begin(), uids[0] < uids[1] ? 0u : 1u);
}

TEST(ReplicaSetVictims, AllPodsWhenScalingToZero) {
  auto [v, uids] = victims({state(seconds(0), "node-1"), state(seconds(10), "node-2"), state(seconds(20), "node-3")},
                           seconds(100), 3);
  EXPECT_EQ(v.size(), 3u);
}

TEST(ReplicaSetController, RejectsUnknownSettings) {
  json s = scenario_with(replica_set(1));
  s["settings"]["replicaset-controller"] = {{"burstReplicas", 10}};
  EXPECT_THROW(make_world(s, kRsOnly), InputError);
}
