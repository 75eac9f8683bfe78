// The Deployment controller model (models/kube/deployment_controller.cpp): ReplicaSet names and
// hashes, scaling events by Kubernetes version, rollouts and status.
#include <gtest/gtest.h>

#include <ostream>
#include <regex>

#include "../../models/kube/pod_template_hash.hpp"
#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"
#include "object_builders.hpp"

using namespace kcsim;
using kcsim::testing::at;
using kcsim::testing::EventLog;
using kcsim::testing::make_world;

namespace {

using kcsim::testing::deployment;

const std::set<std::string> kDeploymentOnly = {"deployment-controller"};
const std::set<std::string> kWorkloads = {"deployment-controller", "replicaset-controller", "kubelet"};

json scenario_with(const json& object, const std::string& k8s = "1.32.0") {
  return json{{"versions", {{"kubernetes", k8s}}}, {"objects", json::array({object})}};
}

std::vector<ObjectPtr> replica_sets(World& w) { return w.api().list("ReplicaSet", "default"); }

ObjectPtr get_deploy(World& w) { return w.api().get(ObjectRef{"Deployment", "default", "web"}); }

// Changes the Deployment's pod template as a person with kubectl would.
void set_image(World& w, const std::string& image) {
  json d = *get_deploy(w);
  d["spec"]["template"]["spec"]["containers"][0]["image"] = image;
  ASSERT_TRUE(w.api().update(d, "kubectl-client-side-apply").status.ok());
}

const json* condition(const json& status, const std::string& type) {
  if (!status.contains("conditions")) return nullptr;
  for (const json& c : status["conditions"])
    if (c.value("type", "") == type) return &c;
  return nullptr;
}

std::int64_t ready_live_pods(World& w) {
  std::int64_t n = 0;
  for (const ObjectPtr& p : w.api().list("Pod", "default")) {
    if (p->at("metadata").contains("deletionTimestamp") || !p->contains("status")) continue;
    if (const json* c = condition(p->at("status"), "Ready"); c && (*c)["status"] == "True") ++n;
  }
  return n;
}

}  // namespace

TEST(DeploymentController, CreatesReplicaSetNamedByPodTemplateHash) {
  auto w = make_world(scenario_with(deployment({.replicas = 3, .image = "nginx:1.25"})), kDeploymentOnly);
  EventLog log(*w);
  w->run(at(seconds(1)));
  auto rss = replica_sets(*w);
  ASSERT_EQ(rss.size(), 1u);
  const json& rs = *rss[0];
  const json d = *get_deploy(*w);
  const std::string name = rs["metadata"]["name"];
  EXPECT_TRUE(std::regex_match(name, std::regex("^web-[4-9bcdf]{1,10}$"))) << name;
  const std::string hash = name.substr(4);
  EXPECT_EQ(hash, models::compute_pod_template_hash(d["spec"]["template"], std::nullopt));
  EXPECT_EQ(rs["metadata"]["labels"], (json{{"app", "web"}, {"pod-template-hash", hash}}));
  EXPECT_EQ(rs["spec"]["selector"]["matchLabels"], (json{{"app", "web"}, {"pod-template-hash", hash}}));
  EXPECT_EQ(rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"], hash);
  EXPECT_EQ(rs["spec"]["replicas"], 3);
  const json& owner = rs["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "Deployment");
  EXPECT_EQ(owner["name"], "web");
  EXPECT_EQ(owner["uid"], d["metadata"]["uid"]);
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ(owner["blockOwnerDeletion"], true);
  const json& ann = rs["metadata"]["annotations"];
  EXPECT_EQ(ann["deployment.kubernetes.io/revision"], "1");
  EXPECT_EQ(ann["deployment.kubernetes.io/desired-replicas"], "3");
  EXPECT_EQ(ann["deployment.kubernetes.io/max-replicas"], "4");  // 3 + ceil(25 % of 3)
  EXPECT_FALSE(ann.contains("kubectl.kubernetes.io/last-applied-configuration"));
  EXPECT_EQ(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");

  auto scaling = log.with_reason("ScalingReplicaSet");
  ASSERT_EQ(scaling.size(), 1u);
  EXPECT_EQ(scaling[0].message, "Scaled up replica set " + name + " from 0 to 3");
  EXPECT_EQ(scaling[0].kind, "Deployment");
  EXPECT_EQ(scaling[0].name, "web");
  EXPECT_EQ(scaling[0].component, "deployment-controller");
}

TEST(DeploymentController, PodTemplateHashIsStableAndUsesTheSafeAlphabet) {
  // rand.SafeEncodeString maps decimal digits to 4 5 6 7 8 9 b c d f; the reference's example.
  EXPECT_EQ(models::safe_encode_string("3315798711"), "7759cfdc55");
  EXPECT_EQ(models::safe_encode_string("0123456789"), "456789bcdf");
  const json t1 = deployment({.replicas = 3, .image = "nginx:1.25"})["spec"]["template"];
  json t2 = t1;
  t2["spec"]["containers"][0]["image"] = "nginx:1.26";
  const std::string h1 = models::compute_pod_template_hash(t1, std::nullopt);
  EXPECT_EQ(h1, models::compute_pod_template_hash(json::parse(t1.dump()), std::nullopt));
  EXPECT_NE(h1, models::compute_pod_template_hash(t2, std::nullopt));
  EXPECT_NE(h1, models::compute_pod_template_hash(t1, 1));
  for (const std::string& h : {h1, models::compute_pod_template_hash(t2, std::nullopt),
                               models::compute_pod_template_hash(t1, 7)})
    EXPECT_TRUE(std::regex_match(h, std::regex("^[4-9bcdf]{1,10}$"))) << h;
  // The replica count is not part of the template: scaling keeps the hash.
  auto w = make_world(scenario_with(deployment({.replicas = 3, .image = "nginx:1.25"})), kDeploymentOnly);
  w->run(at(seconds(1)));
  const std::string before = replica_sets(*w)[0]->at("metadata")["name"];
  ASSERT_TRUE(w->api().update_scale(ObjectRef{"Deployment", "default", "web"}, 7, "", "kubectl").status.ok());
  w->run(at(seconds(2)));
  auto rss = replica_sets(*w);
  ASSERT_EQ(rss.size(), 1u);
  EXPECT_EQ(rss[0]->at("metadata")["name"], before);
  EXPECT_EQ(rss[0]->at("spec")["replicas"], 7);
}

struct VersionCase {
  std::string version, created, up, down;
};
// The test's name in CTest shows the version, not the struct's bytes.
void PrintTo(const VersionCase& c, std::ostream* os) { *os << "Kubernetes " << c.version; }

class ScalingEventText : public ::testing::TestWithParam<VersionCase> {};

TEST_P(ScalingEventText, FollowsTheKubernetesVersion) {
  const VersionCase& c = GetParam();
  auto w = make_world(scenario_with(deployment({.replicas = 3, .image = "nginx:1.25"}), c.version), kDeploymentOnly);
  EventLog log(*w);
  w->run(at(seconds(5)));
  const std::string rs = replica_sets(*w)[0]->at("metadata")["name"];
  const ObjectRef ref{"Deployment", "default", "web"};
  ASSERT_TRUE(w->api().update_scale(ref, 5, "", "kubectl").status.ok());
  w->run(at(seconds(10)));
  ASSERT_TRUE(w->api().update_scale(ref, 0, "", "kubectl").status.ok());
  w->run(at(seconds(15)));
  auto scaling = log.with_reason("ScalingReplicaSet");
  ASSERT_EQ(scaling.size(), 3u);
  auto fill = [&](std::string text) { return std::regex_replace(text, std::regex("RS"), rs); };
  EXPECT_EQ(scaling[0].message, fill(c.created));
  EXPECT_EQ(scaling[1].message, fill(c.up));
  EXPECT_EQ(scaling[2].message, fill(c.down));
  EXPECT_EQ(replica_sets(*w)[0]->at("metadata")["annotations"]["deployment.kubernetes.io/desired-replicas"], "0");
}

INSTANTIATE_TEST_SUITE_P(
    Versions, ScalingEventText,
    ::testing::Values(VersionCase{"1.32.0", "Scaled up replica set RS from 0 to 3",
                                  "Scaled up replica set RS from 3 to 5", "Scaled down replica set RS from 5 to 0"},
                      VersionCase{"1.31.4", "Scaled up replica set RS to 3", "Scaled up replica set RS to 5 from 3",
                                  "Scaled down replica set RS to 0 from 5"},
                      VersionCase{"1.28.0", "Scaled up replica set RS to 3", "Scaled up replica set RS to 5 from 3",
                                  "Scaled down replica set RS to 0 from 5"}),
    [](const ::testing::TestParamInfo<VersionCase>& info) {
      std::string name = "v" + info.param.version;
      for (char& ch : name)
        if (ch == '.') ch = '_';
      return name;
    });

TEST(DeploymentController, ReplicasDefaultToOneAndZeroIsAllowed) {
  {
    auto w = make_world(scenario_with(deployment({.replicas = std::nullopt, .image = "nginx:1.25"})), kDeploymentOnly);
    w->run(at(seconds(1)));
    auto rss = replica_sets(*w);
    ASSERT_EQ(rss.size(), 1u);
    EXPECT_EQ(rss[0]->at("spec")["replicas"], 1);
    EXPECT_EQ(rss[0]->at("metadata")["annotations"]["deployment.kubernetes.io/max-replicas"], "2");
  }
  {
    auto w = make_world(scenario_with(deployment({.replicas = 0, .image = "nginx:1.25"})), kWorkloads);
    EventLog log(*w);
    w->run(at(seconds(30)));
    auto rss = replica_sets(*w);
    ASSERT_EQ(rss.size(), 1u);
    EXPECT_EQ(rss[0]->at("spec")["replicas"], 0);
    EXPECT_TRUE(log.with_reason("ScalingReplicaSet").empty());
    EXPECT_TRUE(w->api().list("Pod", "default").empty());
    const json st = get_deploy(*w)->at("status");
    EXPECT_FALSE(st.contains("replicas"));  // omitempty, as Go serialises zero counts
    ASSERT_TRUE(condition(st, "Available"));
    EXPECT_EQ((*condition(st, "Available"))["status"], "True");
    EXPECT_EQ((*condition(st, "Progressing"))["reason"], "NewReplicaSetAvailable");
  }
}

TEST(DeploymentController, StatusReportsAvailabilityAndIsOnlyWrittenOnChange) {
  auto w = make_world(scenario_with(deployment({.replicas = 3, .image = "nginx:1.25"})), kWorkloads);
  w->run(at(seconds(1)));
  {
    const json st = get_deploy(*w)->at("status");
    ASSERT_TRUE(condition(st, "Available"));
    EXPECT_EQ((*condition(st, "Available"))["status"], "False");
    EXPECT_EQ((*condition(st, "Available"))["reason"], "MinimumReplicasUnavailable");
    EXPECT_EQ((*condition(st, "Available"))["message"], "Deployment does not have minimum availability.");
    // The new ReplicaSet's pods exist (status.updatedReplicas went up): progress.
    const std::string rs = replica_sets(*w)[0]->at("metadata")["name"];
    EXPECT_EQ((*condition(st, "Progressing"))["reason"], "ReplicaSetUpdated");
    EXPECT_EQ((*condition(st, "Progressing"))["message"], "ReplicaSet \"" + rs + "\" is progressing.");
  }
  w->run(at(seconds(30)));
  const json d = *get_deploy(*w);
  const json& st = d["status"];
  EXPECT_EQ(st["replicas"], 3);
  EXPECT_EQ(st["updatedReplicas"], 3);
  EXPECT_EQ(st["readyReplicas"], 3);
  EXPECT_EQ(st["availableReplicas"], 3);
  EXPECT_EQ(st["observedGeneration"], d["metadata"]["generation"]);
  EXPECT_FALSE(st.contains("unavailableReplicas"));
  const std::string rs = replica_sets(*w)[0]->at("metadata")["name"];
  ASSERT_EQ(st["conditions"].size(), 2u);
  EXPECT_EQ(st["conditions"][0]["type"], "Available");  // moved last when it changed, then Progressing
  EXPECT_EQ(st["conditions"][0]["reason"], "MinimumReplicasAvailable");
  EXPECT_EQ(st["conditions"][0]["message"], "Deployment has minimum availability.");
  EXPECT_EQ(st["conditions"][1]["type"], "Progressing");
  EXPECT_EQ(st["conditions"][1]["reason"], "NewReplicaSetAvailable");
  EXPECT_EQ(st["conditions"][1]["message"], "ReplicaSet \"" + rs + "\" has successfully progressed.");

  // Nothing changes any more: the controller writes nothing (the kube-controller-manager's
  // status writes would otherwise show up in every analysis).
  const std::size_t writes = w->api().writes().size();
  w->run(at(minutes(10)));
  for (std::size_t i = writes; i < w->api().writes().size(); ++i) {
    EXPECT_NE(w->api().writes()[i].manager(), "kube-controller-manager") << w->api().writes()[i].object().str();
  }
  // All writes by the controllers use the kube-controller-manager field manager.
  for (const WriteRecord& rec : w->api().writes()) {
    if (rec.object().kind == "ReplicaSet" || (rec.object().kind == "Deployment" && rec.subresource() == "status")) {
      EXPECT_EQ(rec.manager(), "kube-controller-manager");
    }
  }
}

TEST(DeploymentController, RollingUpdateRespectsSurgeAndUnavailable) {
  auto w = make_world(scenario_with(deployment({.replicas = 4, .image = "nginx:1.25"})), kWorkloads);
  EventLog log(*w);
  w->run(at(seconds(30)));
  ASSERT_EQ(ready_live_pods(*w), 4);
  const std::string old_rs = replica_sets(*w)[0]->at("metadata")["name"];
  const std::size_t events_before = log.with_reason("ScalingReplicaSet").size();
  set_image(*w, "nginx:1.26");
  // maxSurge 25 % of 4 = 1 (up), maxUnavailable 25 % of 4 = 1 (down): never more than 5 pods
  // wanted, never fewer than 3 ready.
  for (SimTime t = at(seconds(30)); t < at(seconds(120)); t += milliseconds(50)) {
    w->run(t);
    std::int64_t wanted = 0;
    for (const ObjectPtr& rs : replica_sets(*w)) wanted += rs->at("spec")["replicas"].get<std::int64_t>();
    ASSERT_LE(wanted, 5) << "at " << to_seconds(t);
    ASSERT_GE(ready_live_pods(*w), 3) << "at " << to_seconds(t);
  }
  auto rss = replica_sets(*w);
  ASSERT_EQ(rss.size(), 2u);
  const json& new_rs = rss[0]->at("metadata")["name"] == old_rs ? *rss[1] : *rss[0];
  const json& old = rss[0]->at("metadata")["name"] == old_rs ? *rss[0] : *rss[1];
  const std::string new_name = new_rs["metadata"]["name"];
  EXPECT_EQ(new_rs["spec"]["replicas"], 4);
  EXPECT_EQ(old["spec"]["replicas"], 0);
  EXPECT_EQ(new_rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2");
  const json d = *get_deploy(*w);
  EXPECT_EQ(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2");
  EXPECT_EQ(d["status"]["updatedReplicas"], 4);
  EXPECT_EQ(d["status"]["availableReplicas"], 4);
  EXPECT_EQ((*condition(d["status"], "Progressing"))["message"],
            "ReplicaSet \"" + new_name + "\" has successfully progressed.");
  auto scaling = log.with_reason("ScalingReplicaSet");
  ASSERT_GE(scaling.size(), events_before + 2);
  EXPECT_EQ(scaling[events_before].message, "Scaled up replica set " + new_name + " from 0 to 1");
  EXPECT_EQ(scaling[events_before + 1].message, "Scaled down replica set " + old_rs + " from 4 to 3");
  for (const ObjectPtr& p : w->api().list("Pod", "default"))
    EXPECT_EQ(p->at("spec")["containers"][0]["image"], "nginx:1.26");
}

TEST(DeploymentController, ScalingDuringAStuckRolloutIsProportional) {
  json d = deployment({.replicas = 10, .image = "nginx:1.25"});
  auto w = make_world(scenario_with(d), kWorkloads);
  EventLog log(*w);
  w->run(at(seconds(30)));
  const std::string old_rs = replica_sets(*w)[0]->at("metadata")["name"];
  // The new version never becomes ready: its readiness probe never succeeds.
  json live = *get_deploy(*w);
  live["spec"]["template"]["metadata"]["annotations"]["kcsim.io/app-startup"] = "10h";
  live["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {{"tcpSocket", {{"port", 80}}}};
  ASSERT_TRUE(w->api().update(live, "kubectl-client-side-apply").status.ok());
  w->run(at(seconds(90)));
  auto sizes = [&] {
    std::map<std::string, std::int64_t> out;
    for (const ObjectPtr& rs : replica_sets(*w)) out[rs->at("metadata")["name"]] = rs->at("spec")["replicas"];
    return out;
  };
  // maxSurge ceil(2.5) = 3, maxUnavailable floor(2.5) = 2: the new ReplicaSet gets 3 then 5,
  // the old one goes down to 8 and the rollout waits.
  auto before = sizes();
  ASSERT_EQ(before.size(), 2u);
  std::string new_rs;
  for (auto& [name, n] : before)
    if (name != old_rs) new_rs = name;
  EXPECT_EQ(before[old_rs], 8);
  EXPECT_EQ(before[new_rs], 5);
  const std::size_t events_before = log.with_reason("ScalingReplicaSet").size();
  ASSERT_TRUE(w->api().update_scale(ObjectRef{"Deployment", "default", "web"}, 20, "", "kubectl").status.ok());
  w->run(at(seconds(91)));
  // sync.go scale: 25 allowed (20 + 5), 12 to add; old 8 × 25 / 13 → 15, new 5 × 25 / 13 → 10.
  auto after = sizes();
  EXPECT_EQ(after[old_rs], 15);
  EXPECT_EQ(after[new_rs], 10);
  auto scaling = log.with_reason("ScalingReplicaSet");
  ASSERT_GE(scaling.size(), events_before + 2);
  EXPECT_EQ(scaling[events_before].message, "Scaled up replica set " + old_rs + " from 8 to 15");
  EXPECT_EQ(scaling[events_before + 1].message, "Scaled up replica set " + new_rs + " from 5 to 10");
}

TEST(DeploymentController, RecreateStopsOldPodsBeforeTheNewReplicaSet) {
  json d = deployment({.replicas = 2, .image = "nginx:1.25"});
  d["spec"]["strategy"] = {{"type", "Recreate"}};
  auto w = make_world(scenario_with(d), kWorkloads);
  kcsim::testing::Recorder rs_events(*w, "ReplicaSet");
  kcsim::testing::Recorder pod_events(*w, "Pod");
  w->run(at(seconds(30)));
  set_image(*w, "nginx:1.26");
  w->run(at(seconds(60)));
  SimTime last_old_pod_gone = kTimeZero, new_rs_created = kTimeZero;
  for (const auto& s : pod_events.seen)
    if (s.event.type == WatchEventType::kDeleted) last_old_pod_gone = std::max(last_old_pod_gone, s.at);
  for (const auto& s : rs_events.seen)
    if (s.event.type == WatchEventType::kAdded) new_rs_created = s.at;
  EXPECT_GT(last_old_pod_gone, at(seconds(30)));
  EXPECT_GE(new_rs_created, last_old_pod_gone);
  EXPECT_EQ(ready_live_pods(*w), 2);
  for (const ObjectPtr& p : w->api().list("Pod", "default"))
    EXPECT_EQ(p->at("spec")["containers"][0]["image"], "nginx:1.26");
}

TEST(DeploymentController, OldReplicaSetsBeyondTheHistoryLimitAreDeleted) {
  json d = deployment({.replicas = 1, .image = "nginx:1.25"});
  d["spec"]["revisionHistoryLimit"] = 1;
  auto w = make_world(scenario_with(d), kWorkloads);
  w->run(at(seconds(30)));
  for (const char* image : {"nginx:1.26", "nginx:1.27", "nginx:1.28"}) {
    set_image(*w, image);
    w->run(w->engine().now() + seconds(60));
  }
  // The new ReplicaSet (revision 4) and one old one (revision 3) remain.
  std::set<std::string> revisions;
  for (const ObjectPtr& rs : replica_sets(*w))
    revisions.insert(rs->at("metadata")["annotations"]["deployment.kubernetes.io/revision"].get<std::string>());
  EXPECT_EQ(revisions, (std::set<std::string>{"3", "4"}));
}

TEST(DeploymentController, RejectsUnknownSettings) {
  json s = scenario_with(deployment({.replicas = 3, .image = "nginx:1.25"}));
  s["settings"]["deployment-controller"] = {{"workers", 5}};
  try {
    make_world(s, kDeploymentOnly);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/deployment-controller/workers");
  }
}
