// The ArgoCD model (models/argocd/argocd_application_controller.cpp, models/argocd/argocd_diff.cpp) against
// docs/models/argocd-git.md and the upstream sources it names: the self-heal backoff and its
// reset rules per version, ignoreDifferences, RespectIgnoreDifferences, partial syncs,
// app-of-apps, the periodic refresh, event texts, and the self-heal fight with kubectl.
#include <gtest/gtest.h>

#include <set>

#include "../../models/argocd/argocd_diff.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

using testing::deployment;

// The Deployment the tests' Git repository holds (no namespace: the Application's destination gives it).
testing::DeploymentOptions backend(std::optional<std::int64_t> replicas, const std::string& image = "nginx:1.27") {
  return {.name = "backend", .ns = "", .replicas = replicas, .image = image, .labeled = true};
}

using testing::EventLog;
using testing::make_world;

constexpr const char* kRepo = "https://git.example.com/platform.git";

json application(const std::string& name, const std::string& path, json sync_policy, json ignore = nullptr) {
  json app = {{"apiVersion", "argoproj.io/v1alpha1"},
              {"kind", "Application"},
              {"metadata", {{"name", name}, {"namespace", "argocd"}}},
              {"spec",
               {{"project", "default"},
                {"source", {{"repoURL", kRepo}, {"path", path}, {"targetRevision", "HEAD"}}},
                {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", "prod"}}},
                {"syncPolicy", sync_policy}}}};
  if (!ignore.is_null()) app["spec"]["ignoreDifferences"] = ignore;
  return app;
}

json self_heal() { return {{"automated", {{"selfHeal", true}}}}; }

json git(json files, json extra_commits = json::array(), json repo_extra = json::object()) {
  json commits = json::array({{{"at", "0s"}, {"message", "initial"}, {"files", files}}});
  for (const json& c : extra_commits) commits.push_back(c);
  json repo = {{"repoURL", kRepo}, {"commits", commits}};
  repo.merge_patch(repo_extra);
  return repo;
}

// A writer that scales Deployment prod/backend to `value` through /scale every `interval`.
json scaler(const std::string& interval, int value = 0, const std::string& start = "30s") {
  return {{"writers", json::array({{{"manager", "cost-saver"},
                                    {"target", "Deployment/prod/backend"},
                                    {"pointer", "/spec/replicas"},
                                    {"method", "scale"},
                                    {"value", value},
                                    {"interval", interval},
                                    {"start", start}}})}};
}

const std::set<std::string> kArgo = {"argocd", "git", "kubectl", "periodic-writer"};
const std::set<std::string> kCluster = {"argocd",    "git",  "kubectl", "periodic-writer", "deployment-controller",
                                        "replicaset-controller", "kubelet"};

// Every operation ArgoCD starts: when, the operation, and the previous operation's state.
class OperationLog : public Watcher {
 public:
  explicit OperationLog(World& world) : world_(world) { world.api().watch("Application", this, Duration{0}); }
  void on_watch_event(const WatchEvent& e) override {
    const json& app = *e.object;
    const bool had = e.old && e.old->contains("operation") && !(*e.old)["operation"].is_null();
    const bool has = app.contains("operation") && !app["operation"].is_null();
    if (has && !had) {
      Started s;
      s.at = world_.engine().now();
      s.app = app["metadata"].value("name", "");
      s.operation = app["operation"];
      const json::json_pointer fin("/status/operationState/finishedAt");
      if (app.contains(fin)) {
        auto secs = parse_rfc3339(app.at(fin).get<std::string>());
        s.previous_finished = SimTime{seconds(*secs - world_.scenario().epoch.unix_seconds)};
      }
      started.push_back(std::move(s));
    }
  }
  struct Started {
    SimTime at;
    std::string app;
    json operation;
    std::optional<SimTime> previous_finished;  // a whole second, as persisted
    std::int64_t count() const { return operation["sync"].value("autoHealAttemptsCount", 0); }
    bool partial() const { return operation["sync"].contains("resources"); }
  };
  std::vector<Started> started;

 private:
  World& world_;
};

double secs(Duration d) { return to_seconds(d); }

// --- ignoreDifferences and the diff, on their own -------------------------------------------------

TEST(ArgocdDiff, OmittedGroupDoesNotMatchApps) {
  std::string err;
  auto rules = argocd::parse_ignore_differences(
      json::parse(R"([{"kind": "Deployment", "jsonPointers": ["/spec/replicas"]}])"), &err);
  EXPECT_TRUE(err.empty());
  EXPECT_TRUE(argocd::match_ignores(rules, "apps", "Deployment", "backend", "prod").empty());
  EXPECT_FALSE(argocd::match_ignores(rules, "", "Deployment", "backend", "prod").empty());
  auto with_group = argocd::parse_ignore_differences(
      json::parse(R"([{"group": "apps", "kind": "Deployment", "name": "backend", "jsonPointers": ["/spec/replicas"]}])"), &err);
  EXPECT_FALSE(argocd::match_ignores(with_group, "apps", "Deployment", "backend", "prod").empty());
  EXPECT_TRUE(argocd::match_ignores(with_group, "apps", "Deployment", "frontend", "prod").empty());
  EXPECT_TRUE(argocd::glob_match("*", "apps"));
  EXPECT_TRUE(argocd::glob_match("apps*", "apps"));
  EXPECT_FALSE(argocd::glob_match("", "apps"));
}

TEST(ArgocdDiff, JqPathsParseAndRemove) {
  std::string why;
  auto jq = argocd::parse_jq_path(".spec.replicas", &why);
  ASSERT_TRUE(jq) << why;
  auto sel = argocd::parse_jq_path(R"(.spec.template.spec.containers[] | select(.name == "app") | .image)", &why);
  ASSERT_TRUE(sel) << why;
  EXPECT_FALSE(argocd::parse_jq_path(".spec | length", &why));
  std::string err;
  auto rules = argocd::parse_ignore_differences(
      json::parse(R"([{"group": "apps", "kind": "Deployment",
        "jqPathExpressions": [".spec.replicas", ".spec.template.spec.containers[] | select(.name == \"app\") | .image"]}])"),
      &err);
  ASSERT_TRUE(err.empty()) << err;
  json live = deployment(backend(0, "nginx:1.28"));
  json target = deployment(backend(1, "nginx:1.27"));
  auto n = argocd::normalize(&live, &target, nullptr, argocd::match_ignores(rules, "apps", "Deployment", "backend", ""));
  EXPECT_FALSE(n.live->contains(json::json_pointer("/spec/replicas")));
  EXPECT_FALSE(n.target->contains(json::json_pointer("/spec/replicas")));
  EXPECT_FALSE(n.live->contains(json::json_pointer("/spec/template/spec/containers/0/image")));
  EXPECT_TRUE(n.live->contains(json::json_pointer("/spec/template/spec/containers/0/name")));
  EXPECT_FALSE(argocd::is_modified(n, true));
  // RespectIgnoreDifferences puts the live values back into the desired object.
  json desired = argocd::respect_ignore_differences(n);
  EXPECT_EQ(desired["spec"]["replicas"], 0);
  EXPECT_EQ(desired["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.28");
}

TEST(ArgocdDiff, JsonPointersAndManagedFieldsManagers) {
  std::string err;
  json live = deployment(backend(3));
  live["metadata"]["managedFields"] = json::parse(R"([
    {"manager": "argocd-controller", "operation": "Update", "apiVersion": "apps/v1",
     "fieldsV1": {"f:spec": {"f:template": {}}}},
    {"manager": "kube-controller-manager", "operation": "Update", "subresource": "scale", "apiVersion": "apps/v1",
     "fieldsV1": {"f:spec": {"f:replicas": {}}}}])");
  json target = deployment(backend(1));
  auto by_manager = argocd::parse_ignore_differences(
      json::parse(R"([{"group": "apps", "kind": "Deployment", "managedFieldsManagers": ["kube-controller-manager"]}])"), &err);
  auto n = argocd::normalize(&live, &target, nullptr, argocd::match_ignores(by_manager, "apps", "Deployment", "backend", ""));
  EXPECT_FALSE(argocd::is_modified(n, true));
  ASSERT_EQ(n.removed_from_live.size(), 1u);
  // A manager that does not own the field changes nothing.
  auto other = argocd::parse_ignore_differences(
      json::parse(R"([{"group": "apps", "kind": "Deployment", "managedFieldsManagers": ["keda"]}])"), &err);
  auto m = argocd::normalize(&live, &target, nullptr, argocd::match_ignores(other, "apps", "Deployment", "backend", ""));
  EXPECT_TRUE(argocd::is_modified(m, true));
  auto pointer = argocd::parse_ignore_differences(
      json::parse(R"([{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}])"), &err);
  auto p = argocd::normalize(&live, &target, nullptr, argocd::match_ignores(pointer, "apps", "Deployment", "backend", ""));
  EXPECT_FALSE(argocd::is_modified(p, true));
}

TEST(ArgocdDiff, ThreeWayComparisonAgainstLastApplied) {
  // replicas absent from Git and from last-applied: not compared.
  json target = deployment(backend(std::nullopt));
  json live = deployment(backend(0));
  json last = deployment(backend(std::nullopt));
  auto n = argocd::normalize(&live, &target, &last, {});
  EXPECT_FALSE(argocd::is_modified(n, true));
  // Still in last-applied: removing it from Git makes ArgoCD want it gone (the default).
  json last_with = deployment(backend(1));
  auto m = argocd::normalize(&live, &target, &last_with, {});
  EXPECT_TRUE(argocd::is_modified(m, true));
  // A field set in Git is compared.
  json target_set = deployment(backend(1));
  auto k = argocd::normalize(&live, &target_set, &last, {});
  EXPECT_TRUE(argocd::is_modified(k, true));
  // Extra live fields in a keyed list (a defaulted container field) do not count.
  json live_defaulted = deployment(backend(1));
  live_defaulted["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent";
  auto d = argocd::normalize(&live_defaulted, &target_set, &target_set, {});
  EXPECT_FALSE(argocd::is_modified(d, true));
}

// --- self-heal timing -----------------------------------------------------------------------------

struct HealRun {
  std::unique_ptr<World> world;
  std::unique_ptr<OperationLog> ops;
};

HealRun heal_run(const std::string& version, const std::string& writer_interval, Duration run_for,
                 json extra_commits = json::array(), json settings = json::object()) {
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}}, extra_commits,
                        {{"webhook", {{"delay", "0s"}}}})},
            {"objects", json::array({application("backend", "apps/backend", self_heal())})},
            {"versions", {{"argocd", version}}},
            {"settings", {{"periodic-writer", scaler(writer_interval)}, {"argocd", settings}}}};
  HealRun r;
  r.world = make_world(s, kArgo);
  r.ops = std::make_unique<OperationLog>(*r.world);
  r.world->run(SimTime{run_for});
  return r;
}

// Seconds from the previous operation's (persisted) finishedAt to each self-heal start.
std::vector<double> heal_waits(const OperationLog& log) {
  std::vector<double> out;
  for (const auto& s : log.started)
    if (s.partial() && s.previous_finished) out.push_back(secs(s.at - *s.previous_finished));
  return out;
}

TEST(ArgocdSelfHeal, BackoffSequenceV33) {
  auto r = heal_run("3.3.0", "1s", minutes(20));
  const auto& started = r.ops->started;
  ASSERT_GE(started.size(), 10u);
  EXPECT_FALSE(started[0].partial());  // the first sync of the revision
  const std::vector<double> expected = {0, 2, 6, 18, 54, 162, 300, 300};
  std::vector<double> waits = heal_waits(*r.ops);
  ASSERT_GE(waits.size(), expected.size());
  // n = 0: the first heal starts as soon as the writer's first drift (at 30 s) is seen.
  EXPECT_LT(waits[0], 30.3);
  for (std::size_t i = 1; i < expected.size(); ++i) {
    // The heal starts when the backoff since finishedAt has elapsed and the drift is seen (the
    // writer acts every second; detection takes the 5 ms watch and the 100 ms batch).
    EXPECT_GE(waits[i], expected[i]) << "heal " << i;
    EXPECT_LT(waits[i], expected[i] + 1.3) << "heal " << i;
  }
  std::vector<std::int64_t> counts;
  for (const auto& s : started)
    if (s.partial()) counts.push_back(s.count());
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(counts[i], static_cast<std::int64_t>(i + 1));
}

TEST(ArgocdSelfHeal, SettingsOverrideTheBackoff) {
  auto r = heal_run("3.3.0", "1s", minutes(5), json::array(),
                    {{"selfHealBackoffTimeoutSeconds", 1}, {"selfHealBackoffFactor", 2}, {"selfHealBackoffCapSeconds", 4}});
  std::vector<double> waits = heal_waits(*r.ops);
  const std::vector<double> expected = {0, 1, 2, 4, 4};
  ASSERT_GE(waits.size(), expected.size());
  for (std::size_t i = 1; i < expected.size(); ++i) {
    EXPECT_GE(waits[i], expected[i]);
    EXPECT_LT(waits[i], expected[i] + 1.3);
  }
}

TEST(ArgocdSelfHeal, V214CapIsNeverReached) {
  // v2.11.12–v2.14.9 step the backoff `for backOff.Steps > 0`, which stops at the cap: 162 s.
  auto r = heal_run("2.14.0", "1s", minutes(25));
  std::vector<double> waits = heal_waits(*r.ops);
  const std::vector<double> expected = {0, 2, 6, 18, 54, 162, 162, 162};
  ASSERT_GE(waits.size(), expected.size());
  for (std::size_t i = 1; i < expected.size(); ++i) {
    EXPECT_GE(waits[i], expected[i]) << i;
    EXPECT_LT(waits[i], expected[i] + 1.3) << i;
  }
}

TEST(ArgocdSelfHeal, LegacyFixedFiveSeconds) {
  auto r = heal_run("2.11.0", "1s", minutes(3));
  std::vector<double> waits = heal_waits(*r.ops);
  ASSERT_GE(waits.size(), 5u);
  for (std::size_t i = 1; i < waits.size(); ++i) {
    EXPECT_GE(waits[i], 5.0);
    EXPECT_LT(waits[i], 6.3);
  }
  for (const auto& s : r.ops->started) EXPECT_EQ(s.count(), 0) << "no attempt count before the backoff";
}

TEST(ArgocdSelfHeal, NewRevisionResetsTheCount) {
  json commit = {{"at", "3m"},
                 {"message", "bump image"},
                 {"changes", {{"apps/backend/deployment.yaml", json::array({deployment(backend(1, "nginx:1.28"))})}}}};
  auto r = heal_run("3.3.0", "1s", minutes(6), json::array({commit}));
  const auto& started = r.ops->started;
  std::size_t full = 0;
  for (std::size_t i = 1; i < started.size(); ++i)
    if (!started[i].partial()) full = i;
  ASSERT_GT(full, 0u) << "the new revision is synced";
  EXPECT_GE(started[full].at, SimTime{minutes(3)});
  EXPECT_EQ(started[full].count(), 0);
  ASSERT_GT(started.size(), full + 1);
  EXPECT_EQ(started[full + 1].count(), 1) << "the count starts again after a new revision";
  EXPECT_LT(secs(started[full + 1].at - *started[full + 1].previous_finished), 1.3);
  // Before the commit the count had grown.
  EXPECT_GE(started[full - 1].count(), 4);
}

TEST(ArgocdSelfHeal, ManualSyncResetsTheCount) {
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}})},
            {"objects", json::array({application("backend", "apps/backend", self_heal())})},
            {"settings", {{"periodic-writer", scaler("1s")}}},
            {"timeline", json::array({{{"at", "4m"}, {"action", "argocd app sync"}, {"app", "backend"}}})}};
  auto w = make_world(s, kArgo);
  OperationLog ops(*w);
  EventLog events(*w);
  w->run(SimTime{minutes(5)});
  std::size_t manual = 0;
  for (std::size_t i = 0; i < ops.started.size(); ++i)
    if (ops.started[i].operation["initiatedBy"].value("username", "") == "admin") manual = i;
  ASSERT_GT(manual, 0u);
  EXPECT_EQ(ops.started[manual].at, SimTime{minutes(4)});
  EXPECT_EQ(ops.started[manual].count(), 0);
  EXPECT_GE(ops.started[manual - 1].count(), 4);
  ASSERT_GT(ops.started.size(), manual + 1);
  EXPECT_EQ(ops.started[manual + 1].count(), 1);
  bool server_event = false;
  for (const auto& e : events.with_reason("OperationStarted"))
    if (e.message == "initiated sync to HEAD" && e.component == "argocd-server") server_event = true;
  EXPECT_TRUE(server_event);
}

TEST(ArgocdSelfHeal, CooldownResetV31ButNotV33) {
  // Drift every 400 s (> 330 s): v3.1 resets the count each time, v3.3 keeps counting.
  auto counts = [](const std::string& version) {
    auto r = heal_run(version, "400s", minutes(25));
    std::vector<std::int64_t> out;
    for (const auto& s : r.ops->started)
      if (s.partial()) out.push_back(s.count());
    return out;
  };
  EXPECT_EQ(counts("3.1.0"), (std::vector<std::int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(counts("3.3.0"), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(counts("3.2.0"), (std::vector<std::int64_t>{1, 1, 1, 1}));
}

// --- ignoreDifferences in the controller -------------------------------------------------------------

// Scales the Deployment to 0 at 2m by hand and reports (replicas at the end, sync status).
std::pair<std::int64_t, std::string> drift_with(json ignore) {
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}})},
            {"objects", json::array({application("backend", "apps/backend", self_heal(), ignore)})},
            {"timeline", json::array({{{"at", "2m"}, {"action", "kubectl scale"}, {"target", "deployment/backend"},
                                       {"namespace", "prod"}, {"replicas", 0}}})}};
  auto w = make_world(s, kArgo);
  w->run(SimTime{minutes(10)});
  ObjectPtr d = w->api().get({"Deployment", "prod", "backend"});
  ObjectPtr app = w->api().get({"Application", "argocd", "backend"});
  return {(*d)["spec"]["replicas"].get<std::int64_t>(), (*app)["status"]["sync"]["status"].get<std::string>()};
}

TEST(ArgocdIgnoreDifferences, JsonPointerKeepsTheDriftSynced) {
  auto [replicas, status] =
      drift_with(json::parse(R"([{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}])"));
  EXPECT_EQ(replicas, 0);
  EXPECT_EQ(status, "Synced");
}

TEST(ArgocdIgnoreDifferences, JqPathKeepsTheDriftSynced) {
  auto [replicas, status] =
      drift_with(json::parse(R"([{"group": "apps", "kind": "Deployment", "jqPathExpressions": [".spec.replicas"]}])"));
  EXPECT_EQ(replicas, 0);
  EXPECT_EQ(status, "Synced");
}

TEST(ArgocdIgnoreDifferences, ManagedFieldsManagerKeepsTheDriftSynced) {
  // kubectl scale writes through /scale as manager "kubectl".
  auto [replicas, status] =
      drift_with(json::parse(R"([{"group": "apps", "kind": "Deployment", "managedFieldsManagers": ["kubectl"]}])"));
  EXPECT_EQ(replicas, 0);
  EXPECT_EQ(status, "Synced");
}

TEST(ArgocdIgnoreDifferences, OmittedGroupDoesNotMatchAndSelfHealRestores) {
  auto [replicas, status] = drift_with(json::parse(R"([{"kind": "Deployment", "jsonPointers": ["/spec/replicas"]}])"));
  EXPECT_EQ(replicas, 1);
  EXPECT_EQ(status, "Synced");
}

TEST(ArgocdIgnoreDifferences, UnsupportedJqIsAnInputError) {
  json s = {{"objects", json::array({application("backend", "apps/backend", self_heal(),
                                                 json::parse(R"([{"group": "apps", "kind": "Deployment",
                                                   "jqPathExpressions": [".spec | length"]}])"))})}};
  try {
    make_world(s, kArgo);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/objects/0/spec/ignoreDifferences/0/jqPathExpressions/0");
  }
}

// --- what a sync applies ---------------------------------------------------------------------------

std::int64_t replicas_after_revision_sync(bool respect) {
  json policy = {{"automated", json::object()}};
  if (respect) policy["syncOptions"] = json::array({"RespectIgnoreDifferences=true"});
  json commit = {{"at", "5m"},
                 {"message", "new image"},
                 {"changes", {{"apps/backend/deployment.yaml", json::array({deployment(backend(1, "nginx:1.28"))})}}}};
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}}, json::array({commit}),
                        {{"webhook", {{"delay", "1s"}}}})},
            {"objects", json::array({application("backend", "apps/backend", policy,
                                                 json::parse(R"([{"group": "apps", "kind": "Deployment",
                                                   "jsonPointers": ["/spec/replicas"]}])"))})},
            {"timeline", json::array({{{"at", "2m"}, {"action", "kubectl scale"}, {"target", "deployment/backend"},
                                       {"namespace", "prod"}, {"replicas", 3}}})}};
  auto w = make_world(s, kArgo);
  w->run(SimTime{minutes(4)});
  EXPECT_EQ((*w->api().get({"Deployment", "prod", "backend"}))["spec"]["replicas"], 3) << "ignored drift stays";
  w->run(SimTime{minutes(8)});
  ObjectPtr d = w->api().get({"Deployment", "prod", "backend"});
  EXPECT_EQ((*d)["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.28") << "the revision was synced";
  return (*d)["spec"]["replicas"].get<std::int64_t>();
}

TEST(ArgocdSync, WithoutRespectIgnoreDifferencesARevisionSyncAppliesGitReplicas) {
  EXPECT_EQ(replicas_after_revision_sync(false), 1);
}

TEST(ArgocdSync, RespectIgnoreDifferencesKeepsLiveReplicas) { EXPECT_EQ(replicas_after_revision_sync(true), 3); }

TEST(ArgocdSync, SelfHealIsAPartialSyncOfOutOfSyncResources) {
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cfg"}}}, {"data", {{"a", "1"}}}};
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})},
                         {"apps/backend/config.yaml", json::array({cm})}})},
            {"objects", json::array({application("backend", "apps/backend", self_heal())})},
            {"timeline", json::array({{{"at", "2m"}, {"action", "kubectl scale"}, {"target", "deployment/backend"},
                                       {"namespace", "prod"}, {"replicas", 0}}})}};
  auto w = make_world(s, kArgo);
  OperationLog ops(*w);
  w->run(SimTime{minutes(5)});
  ASSERT_EQ(ops.started.size(), 2u);
  EXPECT_FALSE(ops.started[0].partial());
  EXPECT_EQ(ops.started[1].operation["sync"]["resources"],
            json::parse(R"([{"group": "apps", "kind": "Deployment", "name": "backend"}])"));
  std::size_t cm_writes = 0;
  for (const WriteRecord& r : w->api().writes())
    if (r.object() == ObjectRef{"ConfigMap", "prod", "cfg"} && r.manager() == "argocd-controller") {
      ++cm_writes;
      EXPECT_LT(r.at(), SimTime{seconds(2)});  // the first sync (1 s)
    }
  EXPECT_EQ(cm_writes, 1u) << "only the creation";
  EXPECT_EQ((*w->api().get({"Deployment", "prod", "backend"}))["spec"]["replicas"], 1);
  ObjectPtr app = w->api().get({"Application", "argocd", "backend"});
  EXPECT_EQ((*app)["status"]["operationState"]["syncResult"]["resources"][0]["message"], "deployment.apps/backend configured");
}

TEST(ArgocdSync, ServerSideApplyTakesOwnershipWithForce) {
  json policy = self_heal();
  policy["syncOptions"] = json::array({"ServerSideApply=true"});
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}})},
            {"objects", json::array({application("backend", "apps/backend", policy)})},
            {"timeline", json::array({{{"at", "2m"}, {"action", "kubectl scale"}, {"target", "deployment/backend"},
                                       {"namespace", "prod"}, {"replicas", 0}}})}};
  auto w = make_world(s, kArgo);
  w->run(SimTime{minutes(4)});
  ObjectPtr d = w->api().get({"Deployment", "prod", "backend"});
  EXPECT_EQ((*d)["spec"]["replicas"], 1);
  bool apply_entry = false;
  const ObjectPtr served = with_managed_fields(d);
  for (const json& e : (*served)["metadata"]["managedFields"])
    if (e["manager"] == "argocd-controller" && e["operation"] == "Apply") apply_entry = true;
  EXPECT_TRUE(apply_entry);
  EXPECT_FALSE((*d)["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));
}

// --- app-of-apps ----------------------------------------------------------------------------------

json child_app(json ignore) { return application("backend", "apps/backend", self_heal(), ignore); }

TEST(ArgocdAppOfApps, AGitChangeToAChildApplicationReachesItThroughTheParent) {
  const json ignore = json::parse(R"([{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}])");
  json commit = {{"at", "10m"}, {"message", "ignore replicas"}, {"changes", {{"apps/root/backend.yaml", json::array({child_app(ignore)})}}}};
  json root = application("root", "apps/root", self_heal());
  root["spec"]["destination"]["namespace"] = "argocd";
  json s = {{"git", git({{"apps/root/backend.yaml", json::array({child_app(nullptr)})},
                         {"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}},
                        json::array({commit}), {{"webhook", {{"delay", "1s"}}}})},
            {"objects", json::array({root})}};
  auto w = make_world(s, kArgo);
  w->run(SimTime{minutes(5)});
  ObjectPtr child = w->api().get({"Application", "argocd", "backend"});
  ASSERT_TRUE(child) << "the parent created the child Application";
  EXPECT_FALSE((*child)["spec"].contains("ignoreDifferences"));
  EXPECT_EQ((*child)["status"]["sync"]["status"], "Synced") << "and the child was reconciled as an app";
  EXPECT_TRUE(w->api().get({"Deployment", "prod", "backend"}));
  w->run(SimTime{minutes(12)});
  child = w->api().get({"Application", "argocd", "backend"});
  EXPECT_EQ((*child)["spec"]["ignoreDifferences"], ignore);
  EXPECT_EQ((*child)["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"],
            "root:argoproj.io/Application:argocd/backend");
}

TEST(ArgocdAppOfApps, AChildAppliedByHandNeverSeesTheGitChange) {
  const json ignore = json::parse(R"([{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}])");
  json commit = {{"at", "10m"}, {"message", "ignore replicas"}, {"changes", {{"apps/root/backend.yaml", json::array({child_app(ignore)})}}}};
  json s = {{"git", git({{"apps/root/backend.yaml", json::array({child_app(nullptr)})},
                         {"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}},
                        json::array({commit}), {{"webhook", {{"delay", "1s"}}}})},
            {"objects", json::array({child_app(nullptr)})}};
  auto w = make_world(s, kArgo);
  w->run(SimTime{minutes(30)});
  ObjectPtr child = w->api().get({"Application", "argocd", "backend"});
  EXPECT_FALSE((*child)["spec"].contains("ignoreDifferences"));
}

// --- periodic refresh -----------------------------------------------------------------------------

std::vector<double> reconcile_gaps(const std::string& version) {
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}})},
            {"objects", json::array({application("backend", "apps/backend", self_heal())})},
            {"versions", {{"argocd", version}}}};
  auto w = make_world(s, kArgo);
  w->run(SimTime{hours(2)});
  std::vector<double> times;
  for (const WriteRecord& r : w->api().writes())
    // From 10 minutes on: the first sync's own refresh (1 s in) shifts the phase at the start.
    if (r.object().kind == "Application" && r.field() == "/status/reconciledAt" && r.at() >= SimTime{minutes(10)})
      times.push_back(to_seconds(r.at()));
  std::vector<double> gaps;
  for (std::size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
  return gaps;
}

TEST(ArgocdRefresh, V3RefreshesEvery120sPlusJitterOnResyncTicks) {
  auto gaps = reconcile_gaps("3.3.0");
  ASSERT_GE(gaps.size(), 20u);
  ASSERT_LE(gaps.size(), 60u);
  bool short_gap = false, long_gap = false;
  for (double g : gaps) {
    EXPECT_GT(g, 119.0);  // reconciledAt is persisted in whole seconds
    EXPECT_LT(g, 300.0);
    if (g < 180) short_gap = true;
    if (g > 180) long_gap = true;
  }
  EXPECT_TRUE(short_gap && long_gap);
}

TEST(ArgocdRefresh, V2RefreshesEvery180s) {
  auto gaps = reconcile_gaps("2.14.0");
  ASSERT_GE(gaps.size(), 30u);
  for (double g : gaps) EXPECT_NEAR(g, 180.0, 0.01);
}

// --- events and the fight ----------------------------------------------------------------------------

TEST(ArgocdEvents, TextsSourceAndInvolvedObject) {
  auto run = [](const std::string& version) {
    json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}})},
              {"objects", json::array({application("backend", "apps/backend", self_heal())})},
              {"versions", {{"argocd", version}}},
              {"timeline", json::array({{{"at", "3m"}, {"action", "kubectl scale"}, {"target", "deployment/backend"},
                                         {"namespace", "prod"}, {"replicas", 0}}})}};
    auto w = make_world(s, kCluster);
    auto log = std::make_unique<EventLog>(*w);
    w->run(SimTime{minutes(6)});
    return std::make_pair(std::move(w), std::move(log));
  };
  auto [w, log] = run("3.4.0");
  ObjectPtr app = w->api().get({"Application", "argocd", "backend"});
  const std::string sha = (*app)["status"]["sync"]["revision"];
  ASSERT_EQ(sha.size(), 40u);
  auto started = log->with_reason("OperationStarted");
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[0].message, "Initiated automated sync to '" + sha + "'");
  EXPECT_EQ(started[0].component, "argocd-application-controller");
  EXPECT_EQ(started[0].kind, "Application");
  EXPECT_EQ(started[0].name, "backend");
  auto completed = log->with_reason("OperationCompleted");
  ASSERT_EQ(completed.size(), 2u);
  EXPECT_EQ(completed[0].message, "Sync operation to " + sha + " succeeded");
  EXPECT_EQ(completed[1].message, "Partial sync operation to " + sha + " succeeded");
  std::vector<std::string> updates;
  for (const auto& e : log->with_reason("ResourceUpdated")) updates.push_back(e.message);
  auto has = [&](const std::string& m) { return std::find(updates.begin(), updates.end(), m) != updates.end(); };
  EXPECT_TRUE(has("Updated sync status:  -> OutOfSync"));
  EXPECT_TRUE(has("Updated sync status: OutOfSync -> Synced"));
  EXPECT_TRUE(has("Updated sync status: Synced -> OutOfSync"));
  EXPECT_TRUE(has("Updated health status: Progressing -> Healthy"));
  EXPECT_TRUE(has("Updated health status: Healthy -> Progressing"));
  // v3.2.0–v3.2.9 and v3.3.0–v3.3.7 print the revision list (#24147, reverted by #27387).
  auto [w33, log33] = run("3.3.0");
  EXPECT_EQ(log33->with_reason("OperationStarted")[0].message, "Initiated automated sync to [" + sha + "]");
}

TEST(ArgocdFight, SelfHealRestoresGitReplicasRightAfterKubectlScale) {
  json s = {{"git", git({{"apps/backend/deployment.yaml", json::array({deployment(backend(1))})}})},
            {"objects", json::array({application("backend", "apps/backend", self_heal())})},
            {"timeline", json::array({{{"at", "5m"}, {"action", "kubectl scale"}, {"target", "deployment/backend"},
                                       {"namespace", "prod"}, {"replicas", 0}}})}};
  auto w = make_world(s, kCluster);
  OperationLog ops(*w);
  w->run(SimTime{minutes(10)});
  ASSERT_EQ(ops.started.size(), 2u);
  // n = 0 after the first (full) sync: the heal starts as soon as the drift is seen.
  EXPECT_GE(ops.started[1].at, SimTime{minutes(5)});
  EXPECT_LT(ops.started[1].at, SimTime{minutes(5) + milliseconds(300)});
  EXPECT_EQ(ops.started[1].count(), 1);
  std::vector<std::pair<double, std::int64_t>> writes;
  for (const WriteRecord& r : w->api().writes())
    if (r.object() == ObjectRef{"Deployment", "prod", "backend"} && r.field() == "/spec/replicas")
      writes.emplace_back(to_seconds(r.at()), r.new_value().get<std::int64_t>());
  ASSERT_GE(writes.size(), 2u);
  EXPECT_EQ(writes.back().second, 1);
  ObjectPtr d = w->api().get({"Deployment", "prod", "backend"});
  EXPECT_EQ((*d)["spec"]["replicas"], 1);
  EXPECT_EQ((*d)["status"]["readyReplicas"], 1);
}

TEST(ArgocdSettings, UnknownKeyAndWrongType) {
  json s = {{"settings", {{"argocd", {{"selfHealBackof", 2}}}}}};
  try {
    make_world(s, kArgo);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/argocd/selfHealBackof");
  }
  json t = {{"settings", {{"argocd", {{"selfHealBackoffCapSeconds", "300"}}}}}};
  try {
    make_world(t, kArgo);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/argocd/selfHealBackoffCapSeconds");
  }
}

TEST(ArgocdDeterminism, SameSeedSameHistory) {
  auto run = [] {
    auto r = heal_run("3.3.0", "1s", minutes(8));
    std::string out;
    for (const WriteRecord& w : r.world->api().writes())
      out += std::to_string(w.at().time_since_epoch().count()) + w.manager() + w.field() + w.new_value().dump() + "\n";
    return out;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace kcsim
