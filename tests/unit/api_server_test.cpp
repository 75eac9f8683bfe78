// Unit tests of the API server: store, concurrency, field ownership, scale, deletion, watches,
// Events and the recorded history.
#include "kcsim/apiserver/api_server.hpp"

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/engine.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

using testing::deployment;

// The Deployment most tests write: labelled, one container with args.
testing::DeploymentOptions web_options(const std::string& name, std::int64_t replicas, const std::string& ns = "prod") {
  return {.name = name, .ns = ns, .replicas = replicas, .image = "nginx:1.27", .labeled = true, .args = {"--port", "80"}};
}

json pod(const std::string& name, const std::string& ns = "prod") {
  return json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", ns}}},
              {"spec", {{"containers", json::array({{{"name", "app"}, {"image", "nginx"}}})}}}};
}

json owner_ref(const json& owner) {
  return json{{"apiVersion", owner["apiVersion"]},
              {"kind", owner["kind"]},
              {"name", owner["metadata"]["name"]},
              {"uid", owner["metadata"]["uid"]},
              {"controller", true},
              {"blockOwnerDeletion", true}};
}

// A version as a client receives it, managedFields in place (the API server keeps them beside the
// stored document: stored_version.hpp); kept alive for the references a test takes into it.
const json& served(const ObjectPtr& version) {
  static std::vector<ObjectPtr> kept;
  kept.push_back(with_managed_fields(version));
  return *kept.back();
}

const json* entry_of(const json& obj, const std::string& manager, const std::string& operation,
                     const std::string& subresource = "") {
  const json& meta = obj["metadata"];
  if (!meta.contains("managedFields")) return nullptr;
  for (const json& e : meta["managedFields"]) {
    if (e["manager"] == manager && e["operation"] == operation && e.value("subresource", "") == subresource)
      return &e;
  }
  return nullptr;
}

std::int64_t rv_of(const json& obj) { return std::stoll(obj["metadata"]["resourceVersion"].get<std::string>()); }

struct Seen {
  SimTime at;
  WatchEventType type;
  std::string name;
  std::int64_t replicas;
  ObjectPtr object;  // kept alive, so that identity comparisons mean something
};

class Recorder : public Watcher {
 public:
  explicit Recorder(Engine& engine) : engine_(engine) {}
  void on_watch_event(const WatchEvent& event) override {
    const json& o = *event.object;
    seen.push_back(Seen{engine_.now(), event.type, o["metadata"].value("name", ""),
                        o.contains("spec") ? o["spec"].value("replicas", std::int64_t{-1}) : -1, event.object});
  }
  std::vector<Seen> seen;

 private:
  Engine& engine_;
};

class ApiServerTest : public ::testing::Test {
 protected:
  ApiServerTest() : api(engine, Epoch{}) {}
  ObjectPtr create(json obj, const std::string& manager = "kubectl") {
    WriteResult r = api.create(std::move(obj), manager);
    EXPECT_TRUE(r.status.ok()) << r.status.message;
    return r.object;
  }
  void advance(Duration d) { engine.run_until(engine.now() + d); }

  Engine engine;
  ApiServer api;
  const ObjectRef web{"Deployment", "prod", "web"};
};

// --- ObjectRef and names ------------------------------------------------------------------------

TEST(ObjectRefTest, PrintsParsesAndReadsManifests) {
  const ObjectRef ref{"Deployment", "prod", "web"};
  EXPECT_EQ(ref.str(), "Deployment/prod/web");
  EXPECT_EQ(ref.kubectl_str(), "deployment/web");
  EXPECT_EQ((ObjectRef{"Node", "", "node-1"}).str(), "Node/node-1");
  EXPECT_EQ(ObjectRef::parse("Deployment/prod/web"), ref);
  EXPECT_EQ(ObjectRef::parse("Node/node-1"), (ObjectRef{"Node", "", "node-1"}));
  EXPECT_TRUE(ObjectRef::parse("garbage").kind.empty());
  EXPECT_TRUE(ObjectRef::parse("a/b/c/d").kind.empty());
  EXPECT_EQ(ObjectRef::of(deployment(web_options("web", 1))), ref);
  EXPECT_EQ(api_group("apps/v1"), "apps");
  EXPECT_EQ(api_group("v1"), "");
  EXPECT_EQ(api_group("keda.sh/v1alpha1"), "keda.sh");
}

TEST(ResourceNameTest, NamesKnownKindsAndGuessesOthers) {
  EXPECT_EQ(resource_name("Deployment", "apps/v1"), "deployments.apps");
  EXPECT_EQ(resource_name("Deployment", ""), "deployments.apps");
  EXPECT_EQ(resource_name("Pod", "v1"), "pods");
  EXPECT_EQ(resource_name("ReplicaSet", "apps/v1"), "replicasets.apps");
  EXPECT_EQ(resource_name("HorizontalPodAutoscaler", "autoscaling/v2"), "horizontalpodautoscalers.autoscaling");
  EXPECT_EQ(resource_name("ScaledObject", "keda.sh/v1alpha1"), "scaledobjects.keda.sh");
  EXPECT_EQ(resource_name("HTTPScaledObject", "http.keda.sh/v1alpha1"), "httpscaledobjects.http.keda.sh");
  EXPECT_EQ(resource_name("Application", "argoproj.io/v1alpha1"), "applications.argoproj.io");
  EXPECT_EQ(resource_name("Event", "v1"), "events");
  EXPECT_EQ(resource_name("Ingress", "networking.k8s.io/v1"), "ingresses.networking.k8s.io");
  EXPECT_EQ(resource_name("NetworkPolicy", "networking.k8s.io/v1"), "networkpolicies.networking.k8s.io");
}

// --- store -----------------------------------------------------------------------------------------

TEST_F(ApiServerTest, CreateGetListOrderingAndLabelSelection) {
  for (const char* name : {"zeta", "alpha", "mid"}) create(deployment(web_options(name, 1, "prod")));
  create(deployment(web_options("first", 1, "dev")));
  json labelled = pod("p1");
  labelled["metadata"]["labels"] = {{"app", "web"}, {"tier", "front"}};
  create(labelled);
  json other = pod("p2");
  other["metadata"]["labels"] = {{"app", "db"}};
  create(other);

  ASSERT_TRUE(api.get(ObjectRef{"Deployment", "prod", "mid"}));
  EXPECT_FALSE(api.get(ObjectRef{"Deployment", "prod", "nope"}));

  std::vector<std::string> names;
  for (const auto& d : api.list("Deployment")) names.push_back((*d)["metadata"]["namespace"].get<std::string>() + "/" + (*d)["metadata"]["name"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"dev/first", "prod/alpha", "prod/mid", "prod/zeta"}));
  EXPECT_EQ(api.list("Deployment", "prod").size(), 3u);
  EXPECT_EQ(api.list("Deployment", "dev").size(), 1u);
  EXPECT_TRUE(api.list("Deployment", "nowhere").empty());
  EXPECT_TRUE(api.list("Service").empty());

  auto web = api.list("Pod", "prod", json{{"app", "web"}});
  ASSERT_EQ(web.size(), 1u);
  EXPECT_EQ((*web[0])["metadata"]["name"], "p1");
  EXPECT_EQ(api.list("Pod", std::nullopt, json{{"app", "web"}, {"tier", "front"}}).size(), 1u);
  EXPECT_TRUE(api.list("Pod", "prod", json{{"app", "web"}, {"tier", "back"}}).empty());
  EXPECT_EQ(api.list("Pod", "prod", nullptr).size(), 2u);
}

TEST_F(ApiServerTest, CreateSetsServerMetadataAndCreatorOwnership) {
  advance(seconds(90));
  ObjectPtr d = create(deployment(web_options("web", 3)), "kubectl-client-side-apply");
  const json& meta = served(d)["metadata"];
  EXPECT_EQ(meta["creationTimestamp"], "2026-01-01T12:01:30Z");
  EXPECT_EQ(meta["generation"], 1);
  EXPECT_EQ(meta["resourceVersion"], "1");
  const std::string uid = meta["uid"];
  ASSERT_EQ(uid.size(), 36u);
  EXPECT_EQ(uid[8], '-');
  EXPECT_EQ(uid[14], '4');

  ASSERT_EQ(meta["managedFields"].size(), 1u);
  const json& e = meta["managedFields"][0];
  EXPECT_EQ(e["manager"], "kubectl-client-side-apply");
  EXPECT_EQ(e["operation"], "Update");
  EXPECT_EQ(e["apiVersion"], "apps/v1");
  EXPECT_EQ(e["fieldsType"], "FieldsV1");
  EXPECT_EQ(e["time"], "2026-01-01T12:01:30Z");
  EXPECT_FALSE(e.contains("subresource"));
  // As kubectl shows a created Deployment: maps that did not exist before carry ".", the Go value
  // structs (spec, template) do not, LabelSelector is atomic, keyed list items carry ".", and
  // args (a list of strings) is atomic. The creator owns the API server's defaults too
  // (progressDeadlineSeconds, strategy, dnsPolicy, ...): the field manager runs on the decoded,
  // defaulted object (handlers/create.go).
  const json expected = json::parse(R"({
    "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
    "f:spec": {
      "f:progressDeadlineSeconds": {},
      "f:replicas": {},
      "f:revisionHistoryLimit": {},
      "f:selector": {},
      "f:strategy": {"f:rollingUpdate": {".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}, "f:type": {}},
      "f:template": {
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:args": {}, "f:image": {},
                     "f:imagePullPolicy": {}, "f:name": {}, "f:resources": {}, "f:terminationMessagePath": {},
                     "f:terminationMessagePolicy": {}}},
                   "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {},
                   "f:terminationGracePeriodSeconds": {}}
      }
    }
  })");
  EXPECT_EQ(e["fieldsV1"], expected) << e["fieldsV1"].dump(2);
}

TEST_F(ApiServerTest, CreateOfExistingObjectIs409AlreadyExists) {
  create(deployment(web_options("web", 1)));
  WriteResult r = api.create(deployment(web_options("web", 2)), "kubectl");
  EXPECT_EQ(r.status.code, 409);
  EXPECT_EQ(r.status.reason, "AlreadyExists");
  EXPECT_EQ(r.status.message, "deployments.apps \"web\" already exists");
  EXPECT_FALSE(r.object);
  EXPECT_EQ((*api.get(web))["spec"]["replicas"], 1);
}

TEST_F(ApiServerTest, AWorkloadWhoseSelectorMissesItsTemplateIs422Invalid) {
  // What a GitOps controller may apply from Git (the loader refuses it in a scenario's own
  // objects): apps/v1 validation refuses it on create and on update, in kube-apiserver's words.
  json d = deployment(web_options("web", 1));
  d["spec"]["template"]["metadata"]["labels"] = {{"app", "web"}, {"tier", "x"}};
  d["spec"]["selector"] = {{"matchLabels", {{"app", "other"}}}};
  WriteResult r = api.create(d, "argocd-controller");
  EXPECT_EQ(r.status.code, 422);
  EXPECT_EQ(r.status.reason, "Invalid");
  EXPECT_EQ(r.status.message,
            "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
            "map[string]string{\"app\":\"web\", \"tier\":\"x\"}: `selector` does not match template `labels`");
  EXPECT_FALSE(api.get(web));
  create(deployment(web_options("web", 1)));
  json broken = *api.get(web);
  broken["spec"]["template"]["metadata"]["labels"] = {{"app", "renamed"}};
  r = api.update(broken, "argocd-controller");
  EXPECT_EQ(r.status.code, 422);
  EXPECT_EQ((*api.get(web))["spec"]["template"]["metadata"]["labels"]["app"], "web");
}

TEST_F(ApiServerTest, GenerateNameDrawsFiveCharsFromTheApimachineryAlphabet) {
  json p = pod("");
  p["metadata"].erase("name");
  p["metadata"]["generateName"] = "web-7759cfdc55-";
  ObjectPtr a = create(p);
  ObjectPtr b = create(p);
  const std::string na = (*a)["metadata"]["name"], nb = (*b)["metadata"]["name"];
  EXPECT_NE(na, nb);
  for (const std::string& n : {na, nb}) {
    ASSERT_EQ(n.size(), std::string("web-7759cfdc55-").size() + 5);
    EXPECT_EQ(n.rfind("web-7759cfdc55-", 0), 0u);
    for (char c : n.substr(n.size() - 5)) EXPECT_NE(std::string("bcdfghjklmnpqrstvwxz2456789").find(c), std::string::npos);
  }
  // Deterministic: another server with the same seed draws the same names; another seed differs.
  Engine e2;
  ApiServer same(e2, Epoch{});
  EXPECT_EQ((*same.create(p, "x").object)["metadata"]["name"], na);
  ApiServerOptions options;
  options.seed = 42;
  Engine e3;
  ApiServer other(e3, Epoch{}, options);
  EXPECT_NE((*other.create(p, "x").object)["metadata"]["name"], na);
  // The base is truncated to 58 characters.
  json longp = p;
  longp["metadata"]["generateName"] = std::string(70, 'a');
  ObjectPtr l = create(longp);
  EXPECT_EQ((*l)["metadata"]["name"].get<std::string>().size(), 63u);
  // Neither a name nor a generateName: 422.
  json bad = pod("");
  bad["metadata"].erase("name");
  EXPECT_EQ(api.create(bad, "x").status.code, 422);
}

TEST_F(ApiServerTest, ResourceVersionIsAGlobalStrictlyIncreasingCounter) {
  std::vector<std::int64_t> rvs;
  rvs.push_back(rv_of(*create(deployment(web_options("web", 1)))));
  rvs.push_back(rv_of(*create(pod("p"))));
  json d = *api.get(web);
  d["spec"]["replicas"] = 2;
  rvs.push_back(rv_of(*api.update(d, "m").object));
  rvs.push_back(rv_of(*api.update_scale(web, 5, "", "keda").object));
  rvs.push_back(rv_of(*api.merge_patch(web, json{{"metadata", {{"labels", {{"x", "y"}}}}}}, "m").object));
  api.record_event(web, "Normal", "Test", "hello", "tester");
  rvs.push_back(rv_of(*api.get(api.events().back().event)));
  rvs.push_back(rv_of(*api.apply(deployment(web_options("web", 7)), "argocd-controller", true).object));
  for (std::size_t i = 1; i < rvs.size(); ++i) EXPECT_GT(rvs[i], rvs[i - 1]);
  EXPECT_EQ(api.resource_version(), static_cast<std::uint64_t>(rvs.back()));
  // A deletion consumes a revision too.
  api.remove(ObjectRef{"Pod", "prod", "p"}, "m", DeleteOptions{0});
  EXPECT_GT(api.resource_version(), static_cast<std::uint64_t>(rvs.back()));
}

TEST_F(ApiServerTest, GenerationBumpsOnSpecChangesOnly) {
  create(deployment(web_options("web", 1)));
  create(pod("p"));
  auto gen = [&](const ObjectRef& r) { return (*api.get(r))["metadata"]["generation"].get<int>(); };
  json d = *api.get(web);
  d["spec"]["replicas"] = 2;
  api.update(d, "m");
  EXPECT_EQ(gen(web), 2);
  // Labels are metadata: no bump.
  api.merge_patch(web, json{{"metadata", {{"labels", {{"team", "a"}}}}}}, "m");
  EXPECT_EQ(gen(web), 2);
  // Status writes never bump.
  json s = *api.get(web);
  s["status"] = {{"replicas", 2}, {"readyReplicas", 2}};
  api.update(s, "kube-controller-manager", "status");
  EXPECT_EQ(gen(web), 2);
  // Deployment annotations do (pkg/registry/apps/deployment/strategy.go).
  api.merge_patch(web, json{{"metadata", {{"annotations", {{"note", "x"}}}}}}, "m");
  EXPECT_EQ(gen(web), 3);
  // ... but not on other kinds.
  create(json{{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "s"}, {"namespace", "prod"}}},
              {"spec", {{"ports", json::array({{{"port", 80}}})}}}});
  const ObjectRef svc{"Service", "prod", "s"};
  api.merge_patch(svc, json{{"metadata", {{"annotations", {{"note", "x"}}}}}}, "m");
  EXPECT_EQ(gen(svc), 1);
  // Pods have no generation before Kubernetes 1.33 (KEP-5067), not even after a spec change.
  const ObjectRef p{"Pod", "prod", "p"};
  api.merge_patch(p, json{{"spec", {{"activeDeadlineSeconds", 60}}}}, "m");
  EXPECT_FALSE((*api.get(p))["metadata"].contains("generation"));
  // The scale subresource changes spec.
  api.update_scale(web, 4, "", "keda");
  EXPECT_EQ(gen(web), 4);
  // An update that changes nothing changes nothing.
  api.update(*api.get(web), "m");
  EXPECT_EQ(gen(web), 4);
}

TEST_F(ApiServerTest, StaleUpdateIs409WithKubernetesMessage) {
  create(deployment(web_options("web", 1)));
  json mine = *api.get(web);
  json theirs = *api.get(web);
  theirs["spec"]["replicas"] = 2;
  ASSERT_TRUE(api.update(theirs, "kube-controller-manager").status.ok());
  mine["spec"]["replicas"] = 3;
  WriteResult r = api.update(mine, "argocd-controller");
  EXPECT_EQ(r.status.code, 409);
  EXPECT_EQ(r.status.reason, "Conflict");
  EXPECT_EQ(r.status.message,
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please "
            "apply your changes to the latest version and try again");
  EXPECT_FALSE(r.object);
  EXPECT_EQ((*api.get(web))["spec"]["replicas"], 2);
  // Without a resourceVersion the write is unconditional.
  mine["metadata"].erase("resourceVersion");
  EXPECT_TRUE(api.update(mine, "argocd-controller").status.ok());
  EXPECT_EQ((*api.get(web))["spec"]["replicas"], 3);
  // A pod uses the core resource name.
  create(pod("p"));
  json p = *api.get(ObjectRef{"Pod", "prod", "p"});
  p["metadata"]["resourceVersion"] = "1";
  EXPECT_EQ(api.update(p, "kubelet").status.message,
            "Operation cannot be fulfilled on pods \"p\": the object has been modified; please apply your "
            "changes to the latest version and try again");
}

TEST_F(ApiServerTest, UpdateOfMissingObjectIs404) {
  WriteResult r = api.update(deployment(web_options("ghost", 1)), "m");
  EXPECT_EQ(r.status.code, 404);
  EXPECT_EQ(r.status.reason, "NotFound");
  EXPECT_EQ(r.status.message, "deployments.apps \"ghost\" not found");
  EXPECT_EQ(api.merge_patch(ObjectRef{"Pod", "prod", "x"}, json::object(), "m").status.message,
            "pods \"x\" not found");
  EXPECT_EQ(api.remove(ObjectRef{"Pod", "prod", "x"}, "m").status.code, 404);
  EXPECT_EQ(api.update_scale(ObjectRef{"Deployment", "prod", "x"}, 1, "", "m").status.message,
            "deployments.apps \"x\" not found");
}

TEST_F(ApiServerTest, StatusIsASubresource) {
  create(deployment(web_options("web", 1)));
  json s = *api.get(web);
  s["status"] = {{"replicas", 1}};
  s["spec"]["replicas"] = 9;  // ignored by a status write
  s["metadata"]["labels"]["evil"] = "yes";  // labels too (deploymentStatusStrategy)
  s["metadata"]["annotations"] = {{"deployment.kubernetes.io/revision", "1"}};
  ASSERT_TRUE(api.update(s, "kube-controller-manager", "status").status.ok());
  json now = served(api.get(web));
  EXPECT_EQ(now["status"]["replicas"], 1);
  EXPECT_EQ(now["spec"]["replicas"], 1);
  EXPECT_FALSE(now["metadata"]["labels"].contains("evil"));
  EXPECT_EQ(now["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
  const json* st = entry_of(now, "kube-controller-manager", "Update", "status");
  ASSERT_TRUE(st);
  EXPECT_EQ((*st)["fieldsV1"],
            json::parse(R"({"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},
                            "f:status":{"f:replicas":{}}})")) << (*st)["fieldsV1"].dump();
  // A main-resource update keeps the stored status whatever it sends.
  now["status"] = {{"replicas", 42}};
  now["spec"]["replicas"] = 2;
  ASSERT_TRUE(api.update(now, "kubectl-edit").status.ok());
  EXPECT_EQ((*api.get(web))["status"]["replicas"], 1);
  EXPECT_EQ((*api.get(web))["spec"]["replicas"], 2);
  // Status patches touch status only.
  api.merge_patch(web, json{{"status", {{"readyReplicas", 1}}}, {"spec", {{"replicas", 7}}}}, "kcm", "status");
  EXPECT_EQ((*api.get(web))["status"], json({{"replicas", 1}, {"readyReplicas", 1}}));
  EXPECT_EQ((*api.get(web))["spec"]["replicas"], 2);
}

TEST_F(ApiServerTest, NoOpWritesAreNotStored) {
  create(deployment(web_options("web", 1)));
  const std::uint64_t rv = api.resource_version();
  const std::size_t writes = api.writes().size();
  Recorder rec(engine);
  api.watch("Deployment", &rec);
  EXPECT_TRUE(api.update(*api.get(web), "m").status.ok());
  EXPECT_TRUE(api.merge_patch(web, json{{"spec", {{"replicas", 1}}}}, "m").status.ok());
  EXPECT_TRUE(api.update_scale(web, 1, "", "keda").status.ok());
  advance(seconds(1));
  EXPECT_EQ(api.resource_version(), rv);
  EXPECT_EQ(api.writes().size(), writes);
  EXPECT_TRUE(rec.seen.empty());
}

// --- scale subresource ----------------------------------------------------------------------------

TEST_F(ApiServerTest, UpdateScaleWithStaleResourceVersionIs409) {
  create(deployment(web_options("web", 1)));
  const std::string rv = (*api.get(web))["metadata"]["resourceVersion"];
  ASSERT_TRUE(api.update_scale(web, 2, rv, "kube-controller-manager").status.ok());
  WriteResult r = api.update_scale(web, 3, rv, "keda");
  EXPECT_EQ(r.status.code, 409);
  EXPECT_EQ(r.status.message,
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please "
            "apply your changes to the latest version and try again");
  EXPECT_EQ(api.get_scale(web)->spec_replicas, 2);
  // The current resourceVersion, or none, succeeds.
  EXPECT_TRUE(api.update_scale(web, 3, api.get_scale(web)->resource_version, "keda").status.ok());
  EXPECT_TRUE(api.update_scale(web, 4, "", "keda").status.ok());
  EXPECT_EQ(api.get_scale(web)->spec_replicas, 4);
}

TEST_F(ApiServerTest, GetScaleReadsReplicasAndSelector) {
  json d = deployment(web_options("web", 1));
  d["spec"].erase("replicas");
  d["spec"]["selector"]["matchExpressions"] = json::array({{{"key", "tier"}, {"operator", "In"}, {"values", {"b", "a"}}}});
  d["spec"]["template"]["metadata"]["labels"]["tier"] = "a";  // apps/v1: the selector must select the template
  create(d);
  auto s = api.get_scale(web);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->spec_replicas, 1);  // apps/v1 default
  EXPECT_EQ(s->status_replicas, 0);
  EXPECT_EQ(s->selector, "app=web,tier in (a,b)");
  EXPECT_EQ(s->resource_version, (*api.get(web))["metadata"]["resourceVersion"]);
  json st = *api.get(web);
  st["status"] = {{"replicas", 3}, {"selector", "app=web"}};
  api.update(st, "kcm", "status");
  s = api.get_scale(web);
  EXPECT_EQ(s->status_replicas, 3);
  EXPECT_EQ(s->selector, "app=web");
  EXPECT_FALSE(api.get_scale(ObjectRef{"Deployment", "prod", "none"}));
}

TEST_F(ApiServerTest, ScaleSubresourceTakesReplicasFromTheApplier) {
  ASSERT_TRUE(api.apply(deployment(web_options("web", 1)), "argocd-controller", true).status.ok());
  const json* argo = entry_of(served(api.get(web)), "argocd-controller", "Apply");
  ASSERT_TRUE(argo);
  ASSERT_TRUE((*argo)["fieldsV1"]["f:spec"].contains("f:replicas"));

  advance(minutes(5));
  WriteResult r = api.update_scale(web, 0, "", "keda");
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  const json& obj = served(r.object);
  EXPECT_EQ(obj["spec"]["replicas"], 0);
  const json* keda = entry_of(obj, "keda", "Update", "scale");
  ASSERT_TRUE(keda);
  EXPECT_EQ(*keda, json::parse(R"({"apiVersion":"apps/v1","fieldsType":"FieldsV1",
      "fieldsV1":{"f:spec":{"f:replicas":{}}},"manager":"keda","operation":"Update",
      "subresource":"scale","time":"2026-01-01T12:05:00Z"})"));
  argo = entry_of(obj, "argocd-controller", "Apply");
  ASSERT_TRUE(argo);
  EXPECT_FALSE((*argo)["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_TRUE((*argo)["fieldsV1"]["f:spec"].contains("f:template"));
  EXPECT_EQ((*argo)["time"], "2026-01-01T12:00:00Z");

  // A second scale writer steals it again; the first one's entry, left empty, is dropped.
  advance(seconds(15));
  r = api.update_scale(web, 3, "", "kube-controller-manager");
  EXPECT_FALSE(entry_of(served(r.object), "keda", "Update", "scale"));
  EXPECT_TRUE(entry_of(served(r.object), "kube-controller-manager", "Update", "scale"));
}

// --- server-side apply ---------------------------------------------------------------------------------

TEST_F(ApiServerTest, ApplyConflictBetweenTwoAppliersIs409WithKubernetesMessage) {
  ASSERT_TRUE(api.apply(deployment(web_options("web", 1)), "argocd-controller", false).status.ok());
  WriteResult r = api.apply(deployment(web_options("web", 3)), "helm", false);
  EXPECT_EQ(r.status.code, 409);
  EXPECT_EQ(r.status.reason, "Conflict");
  EXPECT_EQ(r.status.message, "Apply failed with 1 conflict: conflict with \"argocd-controller\": .spec.replicas");
  EXPECT_EQ((*api.get(web))["spec"]["replicas"], 1);
}

TEST_F(ApiServerTest, ApplyConflictWithAnUpdaterNamesSubresourceAndVersion) {
  ASSERT_TRUE(api.apply(deployment(web_options("web", 1)), "argocd-controller", false).status.ok());
  api.update_scale(web, 0, "", "kube-controller-manager");
  WriteResult r = api.apply(deployment(web_options("web", 1)), "argocd-controller", false);
  EXPECT_EQ(r.status.code, 409);
  // internal/conflict.go printManager; Update owners print their apiVersion (manager identifiers
  // carry no time, so there is no " at <time>").
  EXPECT_EQ(r.status.message,
            "Apply failed with 1 conflict: conflict with \"kube-controller-manager\" with subresource \"scale\" "
            "using apps/v1: .spec.replicas");
}

TEST_F(ApiServerTest, ApplyWithSeveralConflictsUsesThePluralMessage) {
  ASSERT_TRUE(api.apply(deployment(web_options("web", 1)), "argocd-controller", false).status.ok());
  json edited = *api.get(web);
  edited["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:edited";
  edited["metadata"]["labels"]["app"] = "other";
  ASSERT_TRUE(api.update(edited, "kubectl-edit").status.ok());
  json mine = deployment(web_options("web", 5));
  mine["metadata"]["labels"]["app"] = "mine";
  mine["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:mine";
  WriteResult r = api.apply(mine, "helm", false);
  EXPECT_EQ(r.status.code, 409);
  EXPECT_EQ(r.status.message,
            "Apply failed with 3 conflicts: conflicts with \"argocd-controller\":\n"
            "- .spec.replicas\n"
            "conflicts with \"kubectl-edit\" using apps/v1:\n"
            "- .metadata.labels.app\n"
            "- .spec.template.spec.containers[name=\"app\"].image")
      << r.status.message;
}

TEST_F(ApiServerTest, ForcedApplyTakesOwnership) {
  ASSERT_TRUE(api.apply(deployment(web_options("web", 1)), "argocd-controller", false).status.ok());
  api.update_scale(web, 0, "", "keda");
  WriteResult r = api.apply(deployment(web_options("web", 1)), "argocd-controller", true);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  EXPECT_EQ((*r.object)["spec"]["replicas"], 1);
  EXPECT_FALSE(entry_of(served(r.object), "keda", "Update", "scale"));  // its only field was taken
  EXPECT_TRUE((*entry_of(served(r.object), "argocd-controller", "Apply"))["fieldsV1"]["f:spec"].contains("f:replicas"));
}

TEST_F(ApiServerTest, ApplyingTheSameValueSharesOwnership) {
  ASSERT_TRUE(api.apply(deployment(web_options("web", 2)), "argocd-controller", false).status.ok());
  WriteResult r = api.apply(deployment(web_options("web", 2)), "helm", false);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  const json* a = entry_of(served(r.object), "argocd-controller", "Apply");
  const json* h = entry_of(served(r.object), "helm", "Apply");
  ASSERT_TRUE(a && h);
  EXPECT_TRUE((*a)["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_TRUE((*h)["fieldsV1"]["f:spec"].contains("f:replicas"));
  // Apply entries list only what was applied: no "." on maps, "." on keyed items.
  EXPECT_EQ((*h)["fieldsV1"]["f:metadata"], json::parse(R"({"f:labels":{"f:app":{}}})"));
  EXPECT_EQ((*h)["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"],
            json::parse(R"({"k:{\"name\":\"app\"}":{".":{},"f:args":{},"f:image":{},"f:name":{}}})"));
  // Now a different value from one of them conflicts with the other.
  EXPECT_EQ(api.apply(deployment(web_options("web", 3)), "helm", false).status.code, 409);
}

TEST_F(ApiServerTest, FieldsNoLongerAppliedAreReleased) {
  json first = deployment(web_options("web", 1));
  first["metadata"]["annotations"] = {{"owned-by-argo", "yes"}, {"shared", "v"}};
  ASSERT_TRUE(api.apply(first, "argocd-controller", false).status.ok());
  json other = deployment(web_options("web", 1));
  other["metadata"]["annotations"] = {{"shared", "v"}};
  ASSERT_TRUE(api.apply(other, "helm", false).status.ok());

  // argocd stops applying replicas and both annotations.
  json second = deployment(web_options("web", 1));
  second["spec"].erase("replicas");
  WriteResult r = api.apply(second, "argocd-controller", false);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  const json& obj = served(r.object);
  // Nobody else owned "owned-by-argo": removed from the object.
  EXPECT_FALSE(obj["metadata"]["annotations"].contains("owned-by-argo"));
  // "shared" and spec.replicas are still owned by helm: kept.
  EXPECT_EQ(obj["metadata"]["annotations"]["shared"], "v");
  EXPECT_EQ(obj["spec"]["replicas"], 1);
  const json* a = entry_of(obj, "argocd-controller", "Apply");
  ASSERT_TRUE(a);
  EXPECT_FALSE((*a)["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_FALSE((*a)["fieldsV1"]["f:metadata"].contains("f:annotations"));

  // helm stops applying replicas too: now nobody owns it, so it is removed, and the defaulting of
  // the result sets it to 1 again, owned by no one (the Server-Side Apply documentation: a field
  // no manager owns any more is reset to its default).
  json helm2 = deployment(web_options("web", 1));
  helm2["spec"].erase("replicas");
  helm2["spec"]["replicas"] = 2;
  ASSERT_TRUE(api.apply(helm2, "helm", false).status.ok());
  helm2["spec"].erase("replicas");
  r = api.apply(helm2, "helm", false);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ((*r.object)["spec"]["replicas"], 1);
  for (const json& e : served(r.object)["metadata"]["managedFields"])
    EXPECT_FALSE(e["fieldsV1"]["f:spec"].contains("f:replicas")) << e.dump();
  EXPECT_FALSE((*r.object)["metadata"].contains("annotations"));
}

TEST_F(ApiServerTest, ApplyRemovesAKeyedListItemItNoLongerApplies) {
  json two = deployment(web_options("web", 1));
  two["spec"]["template"]["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "envoy:1"}});
  ASSERT_TRUE(api.apply(two, "argocd-controller", false).status.ok());
  ASSERT_EQ((*api.get(web))["spec"]["template"]["spec"]["containers"].size(), 2u);
  WriteResult r = api.apply(deployment(web_options("web", 1)), "argocd-controller", false);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  const json& containers = (*r.object)["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0]["name"], "app");
  const json& owned = (*entry_of(served(r.object), "argocd-controller", "Apply"))["fieldsV1"]["f:spec"]["f:template"]
                          ["f:spec"]["f:containers"];
  EXPECT_FALSE(owned.contains("k:{\"name\":\"sidecar\"}"));
  EXPECT_TRUE(owned.contains("k:{\"name\":\"app\"}"));
}

TEST_F(ApiServerTest, ClientSideApplyPatchTakesReplicasBackFromTheScaleWriter) {
  create(deployment(web_options("web", 1)), "argocd-controller");
  api.update_scale(web, 0, "", "keda");
  ASSERT_TRUE(entry_of(served(api.get(web)), "keda", "Update", "scale"));
  // ArgoCD's self-heal (client-side apply = a patch recorded as Update) sets replicas back.
  WriteResult r = api.merge_patch(web, json{{"spec", {{"replicas", 1}}}}, "argocd-controller");
  ASSERT_TRUE(r.status.ok());
  EXPECT_FALSE(entry_of(served(r.object), "keda", "Update", "scale"));
  EXPECT_TRUE((*entry_of(served(r.object), "argocd-controller", "Update"))["fieldsV1"]["f:spec"].contains("f:replicas"));
  // The history shows the fight: keda 1 -> 0, argocd 0 -> 1.
  std::vector<std::tuple<std::string, json, json>> fight;
  for (const WriteRecord& w : api.writes())
    if (w.field() == "/spec/replicas") fight.emplace_back(w.manager(), w.old_value(), w.new_value());
  EXPECT_EQ(fight, (std::vector<std::tuple<std::string, json, json>>{{"keda", 1, 0}, {"argocd-controller", 0, 1}}));
}

TEST_F(ApiServerTest, ApplyCreatesAbsentObjectsWithAnApplyEntry) {
  WriteResult r = api.apply(deployment(web_options("web", 2)), "argocd-controller", false);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.status.code, 201);
  const json& mf = served(r.object)["metadata"]["managedFields"];
  ASSERT_EQ(mf.size(), 1u);
  EXPECT_EQ(mf[0]["operation"], "Apply");
  EXPECT_EQ(mf[0]["manager"], "argocd-controller");
  EXPECT_EQ(api.writes().back().operation(), "Create");
}

TEST_F(ApiServerTest, ManagedFieldsTimeIsRefreshedOnlyWhenTheManagerChangesSomething) {
  create(deployment(web_options("web", 1)), "kubectl-client-side-apply");
  advance(minutes(1));
  json d = *api.get(web);
  d["spec"]["replicas"] = 2;
  api.update(d, "kube-controller-manager");
  EXPECT_EQ((*entry_of(served(api.get(web)), "kube-controller-manager", "Update"))["time"], "2026-01-01T12:01:00Z");
  // The creator's entry lost spec.replicas but keeps its time.
  const json* creator = entry_of(served(api.get(web)), "kubectl-client-side-apply", "Update");
  EXPECT_EQ((*creator)["time"], "2026-01-01T12:00:00Z");
  EXPECT_FALSE((*creator)["fieldsV1"]["f:spec"].contains("f:replicas"));

  // An update by kcm that only changes a field someone else owns refreshes kcm's time.
  advance(minutes(1));
  d = *api.get(web);
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2";
  api.update(d, "kube-controller-manager");
  EXPECT_EQ((*entry_of(served(api.get(web)), "kube-controller-manager", "Update"))["time"], "2026-01-01T12:02:00Z");
  // An update that only removes a field: written, but the writer took nothing, so no refresh.
  advance(minutes(1));
  d = *api.get(web);
  d["spec"]["template"]["spec"]["containers"][0].erase("args");
  ASSERT_TRUE(api.update(d, "kube-controller-manager").status.ok());
  EXPECT_EQ((*entry_of(served(api.get(web)), "kube-controller-manager", "Update"))["time"], "2026-01-01T12:02:00Z");

  // Apply refreshes on every apply that writes ...
  api.apply(deployment(web_options("web", 2)), "argocd-controller", true);
  advance(minutes(1));
  json cfg = deployment(web_options("web", 2));
  cfg["metadata"]["labels"]["extra"] = "1";
  api.apply(cfg, "argocd-controller", true);
  EXPECT_EQ((*entry_of(served(api.get(web)), "argocd-controller", "Apply"))["time"], "2026-01-01T12:04:00Z");
  // ... but an apply that changes neither the object nor ownership writes nothing (1.18+).
  const std::uint64_t rv = api.resource_version();
  advance(minutes(1));
  ASSERT_TRUE(api.apply(cfg, "argocd-controller", true).status.ok());
  EXPECT_EQ(api.resource_version(), rv);
  EXPECT_EQ((*entry_of(served(api.get(web)), "argocd-controller", "Apply"))["time"], "2026-01-01T12:04:00Z");
}

TEST_F(ApiServerTest, ManagedFieldsAreInTheApiserverOrder) {
  create(deployment(web_options("web", 1)), "kubectl-client-side-apply");
  advance(minutes(1));
  api.update_scale(web, 2, "", "keda");
  advance(minutes(1));
  json s = *api.get(web);
  s["status"] = {{"replicas", 2}};
  api.update(s, "kube-controller-manager", "status");
  advance(minutes(1));
  json cfg = deployment(web_options("web", 2));
  cfg["metadata"]["labels"]["x"] = "y";
  ASSERT_TRUE(api.apply(cfg, "argocd-controller", false).status.ok());
  // sortEncodedManagedFields: operation (Apply < Update), then time, then manager.
  std::vector<std::string> order;
  for (const json& e : served(api.get(web))["metadata"]["managedFields"])
    order.push_back(e["manager"].get<std::string>() + "/" + e["operation"].get<std::string>());
  EXPECT_EQ(order, (std::vector<std::string>{"argocd-controller/Apply", "kubectl-client-side-apply/Update",
                                             "keda/Update", "kube-controller-manager/Update"}));
}

// The API server keeps each version's managedFields beside its document (stored_version.hpp):
// every version reads back exactly the managedFields its write gave it, through an Update that
// moves ownership, an Apply, a scale and a status write, and an older version a watcher still
// holds keeps its own after later writes.
TEST_F(ApiServerTest, ManagedFieldsKeptBesideTheDocumentReadBackAsWritten) {
  const json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod"},
    "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
            "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}})");
  const auto managed = [](const ObjectPtr& v) { return (*with_managed_fields(v))["metadata"]["managedFields"]; };
  const json template_fields = json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},
    "f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}})");
  const auto entry = [](const char* manager, const char* operation, const char* subresource, const char* time,
                        const json& fields) {
    json e = {{"apiVersion", "apps/v1"}, {"fieldsType", "FieldsV1"}, {"fieldsV1", fields},
              {"manager", manager},      {"operation", operation},   {"time", time}};
    if (*subresource) e["subresource"] = subresource;
    return e;
  };

  const ObjectPtr created = create(d, "kubectl-client-side-apply");
  // The stored document has none; the version reads back the creator's entry.
  EXPECT_FALSE((*created)["metadata"].contains("managedFields"));
  EXPECT_FALSE((*api.get(web))["metadata"].contains("managedFields"));
  EXPECT_TRUE(has_managed_fields_beside(created));
  // The creator (an Update) also owns what the API server defaulted (handlers/create.go runs the
  // field manager on the decoded object); an applier owns only what it applied.
  const json owned_defaults = json::parse(R"({"f:spec":{"f:progressDeadlineSeconds":{},"f:revisionHistoryLimit":{},
    "f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},
    "f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{"f:imagePullPolicy":{},"f:resources":{},
      "f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},
      "f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}})");
  const auto with_defaults = [&](json fields) {
    fields.merge_patch(owned_defaults);
    return fields;
  };
  const json creator_fields = with_defaults({{"f:spec", {{"f:replicas", json::object()}, {"f:selector", json::object()},
                                                         {"f:template", template_fields}}}});
  EXPECT_EQ(managed(created), json::array({entry("kubectl-client-side-apply", "Update", "", "2026-01-01T12:00:00Z",
                                                 creator_fields)}))
      << managed(created).dump();

  // An Apply of the same replicas and template with an annotation: shared fields, an own entry.
  advance(minutes(1));
  json cfg = d;
  cfg["metadata"]["annotations"] = {{"team", "a"}};
  const WriteResult applied = api.apply(cfg, "argocd-controller", true);
  ASSERT_TRUE(applied.status.ok()) << applied.status.message;
  // An applied configuration's set marks no map as a member (typed ToFieldSet of the config).
  json applied_template = template_fields;
  applied_template["f:metadata"]["f:labels"].erase(".");
  const json applied_fields = {{"f:metadata", {{"f:annotations", {{"f:team", json::object()}}}}},
                               {"f:spec", {{"f:replicas", json::object()}, {"f:selector", json::object()},
                                           {"f:template", applied_template}}}};
  const json creator_after_apply = creator_fields;
  EXPECT_EQ(managed(applied.object),
            json::array({entry("argocd-controller", "Apply", "", "2026-01-01T12:01:00Z", applied_fields),
                         entry("kubectl-client-side-apply", "Update", "", "2026-01-01T12:00:00Z", creator_after_apply)}))
      << managed(applied.object).dump();

  // The scale subresource: keda's scale entry takes spec.replicas from everyone. Entries are in
  // the apiserver's order: operation, then time.
  advance(minutes(1));
  const WriteResult scaled = api.update_scale(web, 0, "", "keda");
  ASSERT_TRUE(scaled.status.ok()) << scaled.status.message;
  json applied_no_replicas = applied_fields;
  applied_no_replicas["f:spec"].erase("f:replicas");
  json creator_no_replicas = creator_after_apply;
  creator_no_replicas["f:spec"].erase("f:replicas");
  const json replicas = {{"f:spec", {{"f:replicas", json::object()}}}};
  EXPECT_EQ(managed(scaled.object),
            json::array({entry("argocd-controller", "Apply", "", "2026-01-01T12:01:00Z", applied_no_replicas),
                         entry("kubectl-client-side-apply", "Update", "", "2026-01-01T12:00:00Z", creator_no_replicas),
                         entry("keda", "Update", "scale", "2026-01-01T12:02:00Z", replicas)}))
      << managed(scaled.object).dump();

  // An Update (merge patch) that changes spec.replicas moves it to the patcher; keda's entry, left
  // empty, goes.
  advance(minutes(1));
  const WriteResult patched = api.merge_patch(web, json{{"spec", {{"replicas", 2}}}}, "hpa-owner");
  ASSERT_TRUE(patched.status.ok()) << patched.status.message;
  EXPECT_EQ(managed(patched.object),
            json::array({entry("argocd-controller", "Apply", "", "2026-01-01T12:01:00Z", applied_no_replicas),
                         entry("kubectl-client-side-apply", "Update", "", "2026-01-01T12:00:00Z", creator_no_replicas),
                         entry("hpa-owner", "Update", "", "2026-01-01T12:03:00Z", replicas)}))
      << managed(patched.object).dump();

  // A status write adds the status writer's entry and changes no other.
  advance(minutes(1));
  json status = *api.get(web);
  status["status"] = {{"replicas", 2}};
  const WriteResult st = api.update(status, "kube-controller-manager", "status");
  ASSERT_TRUE(st.status.ok()) << st.status.message;
  json expected = managed(patched.object);
  expected.push_back(entry("kube-controller-manager", "Update", "status", "2026-01-01T12:04:00Z",
                           {{"f:status", {{"f:replicas", json::object()}}}}));
  EXPECT_EQ(managed(st.object), expected) << managed(st.object).dump();
  EXPECT_FALSE((*st.object)["metadata"].contains("managedFields"));

  // Older versions still read back their own.
  EXPECT_EQ(managed(created), json::array({entry("kubectl-client-side-apply", "Update", "", "2026-01-01T12:00:00Z",
                                                 creator_fields)}));
  EXPECT_EQ(managed(scaled.object)[2]["manager"], "keda");
  // A client that sends managedFields back changes nothing: the server keeps the stored ones.
  json echoed = *with_managed_fields(api.get(web));
  echoed["metadata"]["managedFields"] = json::array();
  echoed["metadata"]["labels"] = {{"tier", "web"}};
  const WriteResult relabelled = api.update(echoed, "labeller");
  ASSERT_TRUE(relabelled.status.ok()) << relabelled.status.message;
  ASSERT_EQ(managed(relabelled.object).size(), 5u);
  EXPECT_EQ(managed(relabelled.object)[3]["manager"], "kube-controller-manager");
  EXPECT_EQ(managed(relabelled.object)[4]["manager"], "labeller");
  EXPECT_EQ(managed(relabelled.object)[4]["fieldsV1"], json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:tier":{}}}})"));
}

// Sets no version uses any more leave the server's table of shared sets from time to time (every
// few thousand new sets); the versions that still use theirs read them back whole. Each of these
// ReplicaSets has its own set (its owner's uid is a key of it), enough for several sweeps.
TEST_F(ApiServerTest, ManagedFieldsSetsSurviveTheSweepOfUnusedOnes) {
  ObjectPtr owner = create(deployment(web_options("web", 1)));
  std::vector<std::pair<ObjectPtr, std::string>> kept;  // each live ReplicaSet's version, its owner key
  for (int i = 0; i < 10000; ++i) {
    json o = owner_ref(*owner);
    o["uid"] = fmt::format("uid-{}", i);
    const std::string name = fmt::format("rs-{}", i);
    ObjectPtr rs = create({{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
                           {"metadata", {{"name", name}, {"namespace", "prod"}, {"ownerReferences", json::array({o})}}},
                           {"spec", {{"replicas", 1}}}},
                          "kube-controller-manager");
    if (i % 2 == 0) {
      ASSERT_TRUE(api.remove(ObjectRef{"ReplicaSet", "prod", name}, "m").status.ok());
    } else {
      kept.emplace_back(rs, fmt::format("k:{{\"uid\":\"uid-{}\"}}", i));
    }
  }
  for (const auto& [rs, key] : kept) {
    const ObjectPtr read = with_managed_fields(rs);
    const json& mf = (*read)["metadata"]["managedFields"];
    ASSERT_EQ(mf.size(), 1u) << key;
    const json& refs = mf[0]["fieldsV1"]["f:metadata"]["f:ownerReferences"];
    ASSERT_EQ(refs.size(), 2u) << mf.dump();  // "." and the owner's key
    EXPECT_TRUE(refs.contains(key)) << mf.dump();
  }
}

TEST_F(ApiServerTest, OwnerReferencesAreKeyedByUid) {
  ObjectPtr owner = create(deployment(web_options("web", 1)));
  json rs = {{"apiVersion", "apps/v1"},
             {"kind", "ReplicaSet"},
             {"metadata", {{"name", "web-abc"}, {"namespace", "prod"}, {"ownerReferences", json::array({owner_ref(*owner)})}}},
             {"spec", {{"replicas", 1}}}};
  ObjectPtr r = create(rs, "kube-controller-manager");
  const std::string key = "k:{\"uid\":\"" + (*owner)["metadata"]["uid"].get<std::string>() + "\"}";
  const json& f = served(r)["metadata"]["managedFields"][0]["fieldsV1"]["f:metadata"]["f:ownerReferences"];
  ASSERT_TRUE(f.contains(key)) << f.dump();
  EXPECT_TRUE(f[key].contains("."));
  EXPECT_TRUE(f[key].contains("f:controller"));
}

// --- merge patch ------------------------------------------------------------------------------------

TEST_F(ApiServerTest, MergePatchFollowsRfc7386AndRecordsTheOperation) {
  json d = deployment(web_options("web", 1));
  d["metadata"]["annotations"] = {{"a", "1"}, {"b", "2"}};
  create(d);
  WriteResult r = api.merge_patch(
      web, json{{"metadata", {{"annotations", {{"a", nullptr}, {"c", "3"}}}}}, {"spec", {{"replicas", 4}}}},
      "kubectl-patch");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ((*r.object)["metadata"]["annotations"], json({{"b", "2"}, {"c", "3"}}));
  EXPECT_EQ((*r.object)["spec"]["replicas"], 4);
  const json* e = entry_of(served(r.object), "kubectl-patch", "Update");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["fieldsV1"], json::parse(R"({"f:metadata":{"f:annotations":{"f:c":{}}},"f:spec":{"f:replicas":{}}})"));
  std::set<std::string> fields;
  for (const WriteRecord& w : api.writes())
    if (w.operation() == "Patch") fields.insert(w.field());
  EXPECT_EQ(fields, (std::set<std::string>{"/metadata/annotations/a", "/metadata/annotations/c", "/spec/replicas"}));
  // A patch carrying a stale resourceVersion is refused.
  EXPECT_EQ(api.merge_patch(web, json{{"metadata", {{"resourceVersion", "1"}}}}, "m").status.code, 409);
  // The operation recorded in managedFields can be set (e.g. a client that reports Apply).
  r = api.merge_patch(web, json{{"spec", {{"replicas", 6}}}}, "custom", "", "Apply");
  EXPECT_TRUE(entry_of(served(r.object), "custom", "Apply"));
}

// --- watches -----------------------------------------------------------------------------------------

TEST_F(ApiServerTest, WatchDeliversEveryWriteInOrderAfterTheLatency) {
  Recorder rec(engine);
  api.watch("Deployment", &rec, milliseconds(50));
  create(deployment(web_options("web", 1)));
  advance(milliseconds(10));
  api.update_scale(web, 2, "", "keda");
  api.update_scale(web, 3, "", "keda");
  advance(milliseconds(45));
  ASSERT_EQ(rec.seen.size(), 1u);  // the create, at 50 ms
  EXPECT_EQ(rec.seen[0].at, kTimeZero + milliseconds(50));
  EXPECT_EQ(rec.seen[0].type, WatchEventType::kAdded);
  advance(milliseconds(100));
  ASSERT_EQ(rec.seen.size(), 3u);
  EXPECT_EQ(rec.seen[1].at, kTimeZero + milliseconds(60));
  EXPECT_EQ(rec.seen[1].replicas, 2);
  EXPECT_EQ(rec.seen[2].replicas, 3);
  EXPECT_EQ(rec.seen[2].type, WatchEventType::kModified);
  // Other kinds are not delivered to this watcher.
  create(pod("p"));
  advance(seconds(1));
  EXPECT_EQ(rec.seen.size(), 3u);
}

TEST_F(ApiServerTest, WatchersShareVersionsAndNeverReorder) {
  Recorder slow(engine), fast(engine), all(engine), events(engine);
  api.watch("Deployment", &slow, milliseconds(100));
  api.watch("Deployment", &fast, milliseconds(1));
  api.watch("", &all);  // server default latency
  api.watch("Event", &events);
  create(deployment(web_options("web", 1)));
  for (int i = 2; i <= 6; ++i) {
    advance(milliseconds(3));
    api.update_scale(web, i, "", "keda");
  }
  api.record_event(web, "Normal", "ScalingReplicaSet", "Scaled up", "deployment-controller");
  advance(seconds(1));
  ASSERT_EQ(slow.seen.size(), 6u);
  ASSERT_EQ(fast.seen.size(), 6u);
  ASSERT_EQ(all.seen.size(), 6u);  // Events are not sent to "" watchers
  ASSERT_EQ(events.seen.size(), 1u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(slow.seen[i].replicas, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(fast.seen[i].replicas, static_cast<std::int64_t>(i + 1));
    // One stored version, shared by every watcher.
    EXPECT_EQ(slow.seen[i].object, fast.seen[i].object);
    EXPECT_EQ(all.seen[i].object, fast.seen[i].object);
    if (i > 0) {
      EXPECT_GE(slow.seen[i].at, slow.seen[i - 1].at);
    }
  }
  EXPECT_EQ(fast.seen[1].at, kTimeZero + milliseconds(4));
  EXPECT_EQ(slow.seen[5].at, kTimeZero + milliseconds(115));
}

class Rewriter : public Watcher {
 public:
  Rewriter(ApiServer& api, Engine& engine) : api_(api), engine_(engine) {}
  void on_watch_event(const WatchEvent& event) override {
    const json& o = *event.object;
    seen.emplace_back(engine_.now(), o["spec"].value("replicas", -1));
    // Writing from inside a delivery queues behind what is already queued.
    if (seen.size() == 1) api_.update_scale(ObjectRef::of(o), 100, "", "reactor");
  }
  std::vector<std::pair<SimTime, std::int64_t>> seen;

 private:
  ApiServer& api_;
  Engine& engine_;
};

TEST_F(ApiServerTest, ALaterWriteNeverOvertakesAnEarlierOneForTheSameWatcher) {
  Rewriter rw(api, engine);
  api.watch("Deployment", &rw, milliseconds(20));
  create(deployment(web_options("web", 1)));
  advance(milliseconds(5));
  api.update_scale(web, 2, "", "keda");
  advance(seconds(1));
  ASSERT_EQ(rw.seen.size(), 3u);
  EXPECT_EQ(rw.seen[0].second, 1);
  EXPECT_EQ(rw.seen[1].second, 2);
  EXPECT_EQ(rw.seen[2].second, 100);
  EXPECT_LE(rw.seen[0].first, rw.seen[1].first);
  EXPECT_LE(rw.seen[1].first, rw.seen[2].first);
  EXPECT_EQ(rw.seen[2].first, kTimeZero + milliseconds(40));
}

// --- Events ------------------------------------------------------------------------------------------

TEST_F(ApiServerTest, IdenticalEventsAreMergedWithCountAndLastTimestamp) {
  create(deployment(web_options("web", 1)));
  advance(seconds(10));
  api.record_event(web, "Normal", "ScalingReplicaSet", "Scaled up replica set web-1 from 0 to 1",
                   "deployment-controller");
  advance(minutes(2));
  api.record_event(web, "Normal", "ScalingReplicaSet", "Scaled up replica set web-1 from 0 to 1",
                   "deployment-controller");
  api.record_event(web, "Normal", "ScalingReplicaSet", "Scaled up replica set web-1 from 0 to 1",
                   "deployment-controller");
  api.record_event(web, "Normal", "ScalingReplicaSet", "Scaled down replica set web-1 from 1 to 0",
                   "deployment-controller");
  api.record_event(web, "Normal", "ScalingReplicaSet", "Scaled up replica set web-1 from 0 to 1", "other-component");
  const auto& events = api.events();
  ASSERT_EQ(events.size(), 3u);
  const json& e = *api.get(events[0].event);
  EXPECT_EQ(e["count"], 3);
  EXPECT_EQ(e["firstTimestamp"], "2026-01-01T12:00:10Z");
  EXPECT_EQ(e["lastTimestamp"], "2026-01-01T12:02:10Z");
  EXPECT_EQ(e["apiVersion"], "v1");
  EXPECT_EQ(e["kind"], "Event");
  EXPECT_EQ(e["type"], "Normal");
  EXPECT_EQ(e["reason"], "ScalingReplicaSet");
  EXPECT_EQ(e["source"], json({{"component", "deployment-controller"}}));
  EXPECT_EQ(e["reportingComponent"], "deployment-controller");
  EXPECT_EQ(e["metadata"]["namespace"], "prod");
  // <involved name>.<hex unix nanos>: 2026-01-01T12:00:10Z = 1767268810 s.
  EXPECT_EQ(e["metadata"]["name"], "web.1886999e8aad6400") << e["metadata"]["name"];
  const json& io = e["involvedObject"];
  EXPECT_EQ(io["kind"], "Deployment");
  EXPECT_EQ(io["name"], "web");
  EXPECT_EQ(io["namespace"], "prod");
  EXPECT_EQ(io["apiVersion"], "apps/v1");
  EXPECT_EQ(io["uid"], (*api.get(web))["metadata"]["uid"]);
  EXPECT_EQ(events[1].count, 1);
  EXPECT_EQ(events[2].component, "other-component");
  // The record the analyses keep says what the object says.
  EXPECT_EQ(events[0].count, 3);
  EXPECT_EQ(events[0].first, kTimeZero + seconds(10));
  EXPECT_EQ(events[0].last, kTimeZero + seconds(130));
  EXPECT_EQ(events[0].involved, web);
  EXPECT_EQ(events[0].reason, "ScalingReplicaSet");
  EXPECT_EQ(events[0].message, "Scaled up replica set web-1 from 0 to 1");
  // Events are stored objects, listed like any kind, and never in the write history.
  EXPECT_EQ(api.list("Event", "prod").size(), 3u);
  for (const WriteRecord& w : api.writes()) EXPECT_NE(w.object().kind, "Event");
}

TEST_F(ApiServerTest, EventsInTheSameNanosecondGetDistinctNames) {
  create(deployment(web_options("web", 1)));
  api.record_event(web, "Normal", "A", "one", "c");
  api.record_event(web, "Normal", "B", "two", "c");
  const auto& events = api.events();
  ASSERT_EQ(events.size(), 2u);
  const std::string base = fmt::format("web.{:x}", Epoch{}.unix_nanos(kTimeZero));
  EXPECT_EQ(events[0].event.name, base);
  EXPECT_EQ(events[1].event.name, fmt::format("web.{:x}", Epoch{}.unix_nanos(kTimeZero) + 1));
}

TEST_F(ApiServerTest, TenSimilarEventsAreAggregated) {
  create(deployment(web_options("web", 1)));
  for (int i = 0; i < 12; ++i) {
    advance(seconds(1));
    api.record_event(web, "Normal", "ScalingReplicaSet", "Scaled to " + std::to_string(i), "deployment-controller");
  }
  const auto& events = api.events();
  ASSERT_EQ(events.size(), 10u);  // 9 distinct, then one combined event counted 3 times
  EXPECT_EQ(events[9].message, "(combined from similar events): Scaled to 11");
  EXPECT_EQ(events[9].count, 3);
}

TEST_F(ApiServerTest, AnEventExpiresAnHourAfterItsLastWriteAndItsRecordStays) {
  create(deployment(web_options("web", 1)));
  Recorder rec(engine);
  api.watch("Event", &rec);
  api.record_event(web, "Normal", "A", "first", "c");
  advance(minutes(40));
  api.record_event(web, "Normal", "A", "first", "c");  // the repeat restarts the TTL
  api.record_event(web, "Normal", "B", "second", "c");
  const ObjectRef a = api.events()[0].event;
  const ObjectRef b = api.events()[1].event;
  advance(minutes(60) - microseconds(1));
  EXPECT_TRUE(api.get(a));
  EXPECT_TRUE(api.get(b));
  const std::uint64_t rv = api.resource_version();
  advance(microseconds(1));  // 12:40 + 1h: both were last written at 12:40
  EXPECT_FALSE(api.get(a));
  EXPECT_FALSE(api.get(b));
  EXPECT_EQ(api.list("Event", "prod").size(), 0u);
  EXPECT_EQ(api.resource_version(), rv + 2);  // an etcd lease expiry is a revision of its own
  advance(milliseconds(10));
  ASSERT_FALSE(rec.seen.empty());
  EXPECT_EQ(rec.seen.back().type, WatchEventType::kDeleted);
  // The analyses still see both, with their counts.
  ASSERT_EQ(api.events().size(), 2u);
  EXPECT_EQ(api.events()[0].count, 2);
  EXPECT_EQ(api.events()[0].last, kTimeZero + minutes(40));
}

TEST_F(ApiServerTest, ARepeatAfterExpiryCreatesTheEventAgainWithItsCount) {
  create(deployment(web_options("web", 1)));
  api.record_event(web, "Warning", "BackOff", "Back-off restarting failed container", "kubelet");
  api.record_event(web, "Warning", "BackOff", "Back-off restarting failed container", "kubelet");
  const ObjectRef ref = api.events()[0].event;
  advance(minutes(61));
  ASSERT_FALSE(api.get(ref));
  api.record_event(web, "Warning", "BackOff", "Back-off restarting failed container", "kubelet");
  // client-go recordEvent: the patch fails with NotFound, so the Event is created again, same name.
  ObjectPtr again = api.get(ref);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["count"], 3);
  EXPECT_EQ((*again)["firstTimestamp"], "2026-01-01T12:00:00Z");
  EXPECT_EQ((*again)["lastTimestamp"], "2026-01-01T13:01:00Z");
  EXPECT_EQ((*again)["metadata"]["creationTimestamp"], "2026-01-01T13:01:00Z");
  ASSERT_EQ(api.events().size(), 1u);
  EXPECT_EQ(api.events()[0].count, 3);
}

// Keeps every watch event whole, with the version it replaces.
class EventWatcher : public Watcher {
 public:
  void on_watch_event(const WatchEvent& event) override { seen.push_back(event); }
  std::vector<WatchEvent> seen;
};

// The recorder's Events are kept as compact records and made into JSON when read
// (api_server.cpp CompactEvent): get, list and watch events show the whole object
// record.makeEvent builds, through repeats, expiry and creation again; a write by anyone else
// turns the Event into a stored document that the recorder's next repeat patches.
TEST_F(ApiServerTest, ARecordedEventReadsAsTheWholeObjectTheRecorderSends) {
  create(deployment(web_options("web", 1)));
  EventWatcher watcher;
  api.watch("Event", &watcher);
  advance(seconds(10));
  const json deploy = *api.get(web);
  const auto record = [&] {
    api.record_event(web, "Warning", "FailedCreate", "exceeded quota", "replicaset-controller", "node-1",
                     "spec.template");
  };
  record();
  ASSERT_EQ(api.events().size(), 1u);
  const ObjectRef ref = api.events()[0].event;
  const json first = *api.get(ref);
  json expected = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata",
       {{"name", ref.name},
        {"namespace", "prod"},
        {"uid", first["metadata"]["uid"]},
        {"resourceVersion", std::to_string(api.resource_version())},
        {"creationTimestamp", "2026-01-01T12:00:10Z"}}},
      {"involvedObject",
       {{"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"name", "web"},
        {"namespace", "prod"},
        {"fieldPath", "spec.template"},
        {"resourceVersion", deploy["metadata"]["resourceVersion"]},
        {"uid", deploy["metadata"]["uid"]}}},
      {"reason", "FailedCreate"},
      {"message", "exceeded quota"},
      {"type", "Warning"},
      {"source", {{"component", "replicaset-controller"}, {"host", "node-1"}}},
      {"firstTimestamp", "2026-01-01T12:00:10Z"},
      {"lastTimestamp", "2026-01-01T12:00:10Z"},
      {"count", 1},
      {"eventTime", nullptr},
      {"reportingComponent", "replicaset-controller"},
      {"reportingInstance", "node-1"}};
  EXPECT_EQ(first, expected) << first.dump(2);
  EXPECT_EQ(first["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_NE(first["metadata"]["uid"], deploy["metadata"]["uid"]);

  advance(minutes(2));
  record();  // a repeat: count, lastTimestamp and resourceVersion move
  expected["count"] = 2;
  expected["lastTimestamp"] = "2026-01-01T12:02:10Z";
  expected["metadata"]["resourceVersion"] = std::to_string(api.resource_version());
  EXPECT_EQ(*api.get(ref), expected) << api.get(ref)->dump(2);
  const auto listed = api.list("Event", "prod");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(*listed[0], expected);

  advance(milliseconds(10));
  ASSERT_EQ(watcher.seen.size(), 2u);
  EXPECT_EQ(watcher.seen[0].type, WatchEventType::kAdded);
  EXPECT_EQ(*watcher.seen[0].object, first);
  EXPECT_FALSE(watcher.seen[0].old);
  EXPECT_EQ(watcher.seen[1].type, WatchEventType::kModified);
  EXPECT_EQ(*watcher.seen[1].object, expected);
  ASSERT_TRUE(watcher.seen[1].old);
  EXPECT_EQ(*watcher.seen[1].old, first);

  advance(minutes(61));  // expired at 13:02:10: DELETED with its last version
  EXPECT_FALSE(api.get(ref));
  ASSERT_EQ(watcher.seen.size(), 3u);
  EXPECT_EQ(watcher.seen[2].type, WatchEventType::kDeleted);
  EXPECT_EQ(*watcher.seen[2].object, expected);

  record();  // created again under its name, with a new uid and creationTimestamp
  const json again = *api.get(ref);
  EXPECT_NE(again["metadata"]["uid"], first["metadata"]["uid"]);
  expected["metadata"]["uid"] = again["metadata"]["uid"];
  expected["metadata"]["creationTimestamp"] = "2026-01-01T13:03:10Z";
  expected["metadata"]["resourceVersion"] = std::to_string(api.resource_version());
  expected["count"] = 3;
  expected["lastTimestamp"] = "2026-01-01T13:03:10Z";
  EXPECT_EQ(again, expected) << again.dump(2);
  EXPECT_EQ(api.events()[0].created, kTimeZero + seconds(10));  // the log keeps its first creation

  // kubectl edit of the Event: the edited document is kept, and the recorder's repeat patches it.
  ASSERT_TRUE(api.merge_patch(ref, {{"message", "edited"}}, "kubectl-edit").status.ok());
  EXPECT_EQ((*api.get(ref))["message"], "edited");
  EXPECT_EQ(api.events()[0].message, "edited");
  record();
  const json patched = *api.get(ref);
  EXPECT_EQ(patched["count"], 4);
  EXPECT_EQ(patched["message"], "exceeded quota");
  EXPECT_EQ(patched["metadata"]["uid"], again["metadata"]["uid"]);
  EXPECT_EQ(api.events()[0].count, 4);
  ASSERT_TRUE(api.remove(ref, "kubectl").status.ok());
  EXPECT_FALSE(api.get(ref));
}

TEST_F(ApiServerTest, ADeletedPodKeepsOnlyWhatTheAnalysesRead) {
  create(pod("p"));
  const ObjectRef p{"Pod", "prod", "p"};
  json status = *api.get(p);
  status["status"] = {{"phase", "Running"},
                      {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})},
                      {"containerStatuses", json::array({{{"name", "app"}, {"restartCount", 2}}})}};
  ASSERT_TRUE(api.update(status, "kubelet", "status").status.ok());
  ASSERT_TRUE(api.remove(p, "m", DeleteOptions{0}).status.ok());
  const json& last = *api.lifetimes()[0].last;
  EXPECT_EQ(last["metadata"]["name"], "p");
  EXPECT_FALSE(last["metadata"].contains("managedFields"));
  EXPECT_FALSE(has_managed_fields_beside(api.lifetimes()[0].last));
  EXPECT_FALSE(last.contains("spec"));
  EXPECT_EQ(last["status"], json({{"phase", "Running"},
                                  {"containerStatuses", json::array({{{"name", "app"}, {"restartCount", 2}}})}}));
}

// --- deletion ----------------------------------------------------------------------------------------

TEST_F(ApiServerTest, PodDeletionIsGraceful) {
  create(pod("p"));
  const ObjectRef p{"Pod", "prod", "p"};
  Recorder rec(engine);
  api.watch("Pod", &rec);
  advance(seconds(1));
  WriteResult r = api.remove(p, "replicaset-controller");
  ASSERT_TRUE(r.status.ok());
  ObjectPtr marked = api.get(p);
  ASSERT_TRUE(marked);
  EXPECT_EQ((*marked)["metadata"]["deletionTimestamp"], "2026-01-01T12:00:31Z");
  EXPECT_EQ((*marked)["metadata"]["deletionGracePeriodSeconds"], 30);
  // The registry bumps a generation on graceful deletion only when there is one: pods have none
  // before Kubernetes 1.33 (KEP-5067), the default version here.
  EXPECT_FALSE((*marked)["metadata"].contains("generation"));
  // A second delete is a no-op success.
  const std::uint64_t rv = api.resource_version();
  EXPECT_TRUE(api.remove(p, "replicaset-controller").status.ok());
  EXPECT_EQ(api.resource_version(), rv);
  advance(seconds(1));
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].type, WatchEventType::kModified);
  // The kubelet finishes with grace 0.
  advance(seconds(29));
  ASSERT_TRUE(api.remove(p, "kubelet", DeleteOptions{0}).status.ok());
  EXPECT_FALSE(api.get(p));
  advance(seconds(1));
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_EQ(rec.seen[1].type, WatchEventType::kDeleted);
  ASSERT_EQ(api.lifetimes().size(), 1u);
  EXPECT_EQ(api.lifetimes()[0].deleted, kTimeZero + seconds(31));
  // A pod's own terminationGracePeriodSeconds is honoured; other kinds go at once.
  json q = pod("q");
  q["spec"]["terminationGracePeriodSeconds"] = 5;
  create(q);
  api.remove(ObjectRef{"Pod", "prod", "q"}, "m");
  EXPECT_EQ((*api.get(ObjectRef{"Pod", "prod", "q"}))["metadata"]["deletionGracePeriodSeconds"], 5);
  create(deployment(web_options("web", 1)));
  api.remove(web, "m");
  EXPECT_FALSE(api.get(web));
}

TEST_F(ApiServerTest, DeletingAnOwnerGarbageCollectsItsDependents) {
  ObjectPtr d = create(deployment(web_options("web", 1)));
  json rs = {{"apiVersion", "apps/v1"},
             {"kind", "ReplicaSet"},
             {"metadata", {{"name", "web-abc"}, {"namespace", "prod"}, {"ownerReferences", json::array({owner_ref(*d)})}}},
             {"spec", {{"replicas", 2}}}};
  ObjectPtr r = create(rs, "kube-controller-manager");
  for (const char* name : {"web-abc-1", "web-abc-2"}) {
    json p = pod(name);
    p["metadata"]["ownerReferences"] = json::array({owner_ref(*r)});
    create(p, "kube-controller-manager");
  }
  // A pod also owned by something still alive survives.
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "keep"}, {"namespace", "prod"}}}};
  ObjectPtr keep = create(cm);
  json shared = pod("shared");
  shared["metadata"]["ownerReferences"] = json::array({owner_ref(*r), owner_ref(*keep)});
  create(shared);

  advance(seconds(5));
  ASSERT_TRUE(api.remove(web, "kubectl").status.ok());
  EXPECT_FALSE(api.get(web));
  EXPECT_FALSE(api.get(ObjectRef{"ReplicaSet", "prod", "web-abc"}));
  for (const char* name : {"web-abc-1", "web-abc-2"}) {
    ObjectPtr p = api.get(ObjectRef{"Pod", "prod", name});
    ASSERT_TRUE(p) << name;  // terminating, not gone
    EXPECT_EQ((*p)["metadata"]["deletionTimestamp"], "2026-01-01T12:00:35Z");
  }
  EXPECT_FALSE((*api.get(ObjectRef{"Pod", "prod", "shared"}))["metadata"].contains("deletionTimestamp"));
  bool gc_recorded = false;
  for (const WriteRecord& w : api.writes())
    if (w.manager() == "generic-garbage-collector" && w.object().kind == "ReplicaSet" && w.operation() == "Delete")
      gc_recorded = true;
  EXPECT_TRUE(gc_recorded);
}

TEST_F(ApiServerTest, FinalizersHoldDeletionUntilRemoved) {
  json app = {{"apiVersion", "argoproj.io/v1alpha1"},
              {"kind", "Application"},
              {"metadata",
               {{"name", "web"}, {"namespace", "argocd"}, {"finalizers", {"resources-finalizer.argocd.argoproj.io"}}}},
              {"spec", {{"project", "default"}}}};
  create(app);
  const ObjectRef ref{"Application", "argocd", "web"};
  ASSERT_TRUE(api.remove(ref, "kubectl").status.ok());
  ASSERT_TRUE(api.get(ref));
  EXPECT_TRUE((*api.get(ref))["metadata"].contains("deletionTimestamp"));
  ASSERT_TRUE(api.merge_patch(ref, json{{"metadata", {{"finalizers", nullptr}}}}, "argocd-application-controller")
                  .status.ok());
  EXPECT_FALSE(api.get(ref));
  EXPECT_TRUE(api.lifetimes()[0].deleted.has_value());
}

// --- history ------------------------------------------------------------------------------------------

TEST_F(ApiServerTest, WritesRecordFieldOldAndNewValues) {
  advance(seconds(1));
  create(deployment(web_options("web", 1)), "kubectl");
  ASSERT_EQ(api.writes().size(), 1u);
  EXPECT_EQ(api.writes()[0].operation(), "Create");
  EXPECT_EQ(api.writes()[0].field(), "");
  EXPECT_EQ(api.writes()[0].at(), kTimeZero + seconds(1));

  advance(seconds(1));
  api.update_scale(web, 0, "", "keda");
  const WriteRecord& s = api.writes().back();
  EXPECT_EQ(s.manager(), "keda");
  EXPECT_EQ(s.object(), web);
  EXPECT_EQ(s.field(), "/spec/replicas");
  EXPECT_EQ(s.operation(), "Update");
  EXPECT_EQ(s.subresource(), "scale");
  EXPECT_EQ(s.old_value(), 1);
  EXPECT_EQ(s.new_value(), 0);
  EXPECT_EQ(s.at(), kTimeZero + seconds(2));

  json st = *api.get(web);
  st["status"] = {{"readyReplicas", 1}};
  api.update(st, "kube-controller-manager", "status");
  EXPECT_EQ(api.writes().back().field(), "/status/readyReplicas");
  EXPECT_EQ(api.writes().back().subresource(), "status");
  EXPECT_TRUE(api.writes().back().old_value().is_null());

  // RFC 6901 escaping, removals, and no server-managed metadata.
  const std::size_t before = api.writes().size();
  api.merge_patch(web, json{{"metadata", {{"annotations", {{"deployment.kubernetes.io/revision", "2"}, {"a~b", "x"}}}}}}, "m");
  api.merge_patch(web, json{{"metadata", {{"annotations", {{"a~b", nullptr}}}}}}, "m");
  std::vector<std::tuple<std::string, json, json>> recs;
  for (std::size_t i = before; i < api.writes().size(); ++i)
    recs.emplace_back(api.writes()[i].field(), api.writes()[i].old_value(), api.writes()[i].new_value());
  EXPECT_EQ(recs, (std::vector<std::tuple<std::string, json, json>>{
                      {"/metadata/annotations/a~0b", nullptr, "x"},
                      {"/metadata/annotations/deployment.kubernetes.io~1revision", nullptr, "2"},
                      {"/metadata/annotations/a~0b", "x", nullptr}}));

  api.remove(web, "kubectl");
  EXPECT_EQ(api.writes().back().operation(), "Delete");
  EXPECT_EQ(api.writes().back().field(), "");
}

TEST_F(ApiServerTest, LifetimesFollowEveryVersion) {
  create(deployment(web_options("web", 1)));
  create(pod("p"));
  api.update_scale(web, 3, "", "keda");
  ASSERT_EQ(api.lifetimes().size(), 2u);
  const ObjectLifetime& l = api.lifetimes()[0];
  EXPECT_EQ(l.ref, web);
  EXPECT_EQ(l.uid, (*api.get(web))["metadata"]["uid"]);
  EXPECT_EQ(l.last, api.get(web));
  EXPECT_FALSE(l.deleted);
  advance(seconds(3));
  api.remove(web, "kubectl");
  EXPECT_EQ(api.lifetimes()[0].deleted, kTimeZero + seconds(3));
  EXPECT_EQ((*api.lifetimes()[0].last)["spec"]["replicas"], 3);
  // Re-creating the same name is a new lifetime.
  create(deployment(web_options("web", 1)));
  EXPECT_EQ(api.lifetimes().size(), 3u);
  EXPECT_NE(api.lifetimes()[2].uid, api.lifetimes()[0].uid);
}

TEST(ApiServerLimitsTest, CreatingBeyondMaxObjectsIs422AndStopsTheRun) {
  Engine engine;
  ApiServerOptions options;
  options.max_objects = 2;
  ApiServer api(engine, Epoch{}, options);
  EXPECT_TRUE(api.create(pod("a"), "m").status.ok());
  EXPECT_TRUE(api.create(pod("b"), "m").status.ok());
  WriteResult r = api.create(pod("c"), "m");
  EXPECT_EQ(r.status.code, 422);
  EXPECT_NE(r.status.message.find("max_objects"), std::string::npos);
  EXPECT_FALSE(api.get(ObjectRef{"Pod", "prod", "c"}));
}

}  // namespace
}  // namespace kcsim
