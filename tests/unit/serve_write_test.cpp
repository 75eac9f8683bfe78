// kcsim serve --allow-writes (issue #18): writes from real clients join the simulation. The
// strategic merge patch and the --record translation on their own; the REST verbs in-process;
// then the real kubectl (when one is on the PATH) scaling, applying, patching, editing, labelling,
// annotating and deleting, each output compared with what kubectl 1.32 prints against
// kube-apiserver, each write found under its field manager, and the record replayed.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cli_test_support.hpp"
#include "serve_test_support.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/strategic_merge_patch.hpp"
#include "kcsim/serve/write_record.hpp"
#include "kcsim/serve/write_requests.hpp"

namespace kcsim {
namespace {

using testing::CliResult;
using testing::find_kubectl;
using testing::ServeProcess;

constexpr const char* kScenarioFile = KCSIM_SOURCE_DIR "/scenarios/kubectl-scale.json";

// --- strategic merge patch ---------------------------------------------------------------------

const json kDeployment = json::parse(R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "finalizers": ["a"]},
  "spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
           "template": {"spec": {
             "containers": [
               {"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80, "name": "http"}],
                "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "args": ["x", "y"]},
               {"name": "sidecar", "image": "envoy"}],
             "tolerations": [{"key": "k1"}]}}}})");

TEST(StrategicMergePatch, MergesContainersEnvAndPortsByTheirMergeKeys) {
  // k8s.io/api core/v1: containers by name, env by name, ports by containerPort; args (no
  // strategy) and tolerations (no strategy) are replaced.
  const json patch = json::parse(R"({"spec": {"template": {"spec": {
      "containers": [{"name": "app", "image": "nginx:1.28", "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}],
                      "ports": [{"containerPort": 8080}], "args": ["z"]}],
      "tolerations": [{"key": "k2"}]}}}})");
  const json out = strategic_merge_patch(kDeployment, patch, "Deployment");
  const json& containers = out["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);  // the sidecar stays
  EXPECT_EQ(containers[0]["image"], "nginx:1.28");
  EXPECT_EQ(containers[1]["name"], "sidecar");
  EXPECT_EQ(containers[0]["env"], json::parse(R"([{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}])"));
  EXPECT_EQ(containers[0]["ports"], json::parse(R"([{"containerPort":80,"name":"http"},{"containerPort":8080}])"));
  EXPECT_EQ(containers[0]["args"], json::parse(R"(["z"])"));
  EXPECT_EQ(out["spec"]["template"]["spec"]["tolerations"], json::parse(R"([{"key":"k2"}])"));
}

TEST(StrategicMergePatch, DirectivesDeleteReplaceRetainAndOrder) {
  // kubectl edit's patch for an image change carries $setElementOrder; $patch: delete removes an
  // element by its key; $retainKeys drops the fields of a union not kept (a Deployment's
  // strategy switched to Recreate); $deleteFromPrimitiveList removes a finalizer.
  const json patch = json::parse(R"({
      "metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["b"]},
      "spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"},
               "template": {"spec": {
                 "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
                 "containers": [{"name": "app", "env": [{"name": "A", "$patch": "delete"}]}]}}}})");
  const json out = strategic_merge_patch(kDeployment, patch, "Deployment");
  EXPECT_EQ(out["metadata"]["finalizers"], json::parse(R"(["b"])"));
  EXPECT_EQ(out["spec"]["strategy"], json::parse(R"({"type":"Recreate"})"));
  const json& containers = out["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["name"], "sidecar");
  EXPECT_EQ(containers[1]["env"], json::parse(R"([{"name":"B","value":"2"}])"));
  // A list replaced whole by `$patch: replace`, a map field removed by null.
  const json replaced = strategic_merge_patch(
      kDeployment, json::parse(R"({"spec": {"strategy": null, "template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "only", "image": "x"}]}}}})"),
      "Deployment");
  EXPECT_FALSE(replaced["spec"].contains("strategy"));
  EXPECT_EQ(replaced["spec"]["template"]["spec"]["containers"], json::parse(R"([{"image":"x","name":"only"}])"));
  // An element of a keyed list without its key is the upstream error.
  EXPECT_THROW(strategic_merge_patch(kDeployment, json::parse(R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})"), "Deployment"),
               std::invalid_argument);
}

// --- the record ----------------------------------------------------------------------------------

TEST(WriteRecord, MergePatchBetweenTwoVersionsNamesWhatChanged) {
  json after = kDeployment;
  after["metadata"]["labels"]["team"] = "sre";
  after["metadata"]["resourceVersion"] = "99";  // server-set: not part of the patch
  after["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28";
  after["spec"].erase("strategy");
  after["status"] = {{"replicas", 3}};
  EXPECT_EQ(merge_patch_between(kDeployment, after),
            json::parse(R"({"metadata":{"labels":{"team":"sre"}},"spec":{"strategy":null,"template":{"spec":{"containers":)" +
                        after["spec"]["template"]["spec"]["containers"].dump() + "}}}}"));
}

TEST(WriteRecord, WritesGoAfterTheTimelineEntriesTheyFollow) {
  const json raw = json::parse(R"({"seed": 1, "timeline": [{"at": "5m", "action": "kubectl scale"}, {"at": "15m", "action": "kubectl scale"}]})");
  std::vector<RecordedWrite> writes = {{SimTime{minutes(5)}, {{"action", "kubectl patch"}, {"namespace", "default"}, {"target", "deployment/web"}}},
                                       {SimTime{minutes(6) + milliseconds(250)}, {{"action", "kubectl delete"}, {"namespace", "default"}, {"target", "pod/p"}}},
                                       {SimTime{minutes(7)}, {{"action", "kubectl delete"}, {"namespace", ""}, {"target", "namespace/x"}}}};
  std::vector<std::string> left_out;
  const json doc = scenario_with_writes(raw, 7, writes, left_out);
  EXPECT_EQ(doc["seed"], 7);
  const json& t = doc["timeline"];
  ASSERT_EQ(t.size(), 4u) << t.dump();
  EXPECT_EQ(t[0]["at"], "5m");  // the scenario's own 5m entry ran before the write made at 5m
  EXPECT_EQ(t[1]["action"], "kubectl patch");
  EXPECT_EQ(t[1]["at"], "5m0s");
  EXPECT_EQ(t[2]["at"], "6m0.25s");
  EXPECT_EQ(t[3]["at"], "15m");
  ASSERT_EQ(left_out.size(), 1u);
  EXPECT_EQ(left_out[0], "kubectl delete namespace/x at 7m0s (cluster-scoped: the timeline takes namespaced objects)");
}

// --- the REST verbs, in-process ----------------------------------------------------------------------

ApiRequest make_request(const std::string& method, const std::string& target, const std::string& content_type = "",
                        const std::string& body = "") {
  ApiRequest r;
  r.method = method;
  r.target = target;
  r.accept = "application/json";
  r.content_type = content_type;
  r.body = body;
  r.user_agent = "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07";
  return r;
}

TEST(ServeWrites, ReadOnlyServerRefusesWritesWithForbidden) {
  World world(load_scenario(kScenarioFile));
  world.run(SimTime{minutes(6)});
  const ClusterApi api(world, "127.0.0.1:1");
  const ApiResponse r = api.handle(make_request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                                                "application/merge-patch+json", R"({"spec":{"replicas":5}})"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json::parse(r.body),
            json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"web\" is forbidden: kcsim serve is read-only; start it with --allow-writes to write","reason":"Forbidden","details":{"name":"web","group":"apps","kind":"deployments"},"code":403})"));
  EXPECT_EQ((*world.api().get({"Deployment", "default", "web"}))["spec"]["replicas"], 3);
}

TEST(ServeWrites, VerbsAnswerAsKubeApiserverDoes) {
  World world(load_scenario(kScenarioFile));
  world.run(SimTime{minutes(6)});
  WriteRequests writes(world);
  ClusterApi api(world, "127.0.0.1:1");
  api.allow_writes(&writes);
  const std::string deploy = "/apis/apps/v1/namespaces/default/deployments/web";
  // The Scale, then a PUT of it with a stale resourceVersion: 409 in kube-apiserver's words.
  const json scale = json::parse(api.handle(make_request("GET", deploy + "/scale")).body);
  EXPECT_EQ(scale["kind"], "Scale");
  EXPECT_EQ(scale["apiVersion"], "autoscaling/v1");
  EXPECT_EQ(scale["spec"]["replicas"], 3);
  EXPECT_EQ(scale["status"]["selector"], "app=web");
  json stale = scale;
  stale["spec"]["replicas"] = 4;
  stale["metadata"]["resourceVersion"] = "1";
  const ApiResponse conflict = api.handle(make_request("PUT", deploy + "/scale", "application/json", stale.dump()));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json::parse(conflict.body)["message"],
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again");
  json fresh = scale;
  fresh["spec"]["replicas"] = 4;
  const ApiResponse scaled = api.handle(make_request("PUT", deploy + "/scale?fieldManager=hand", "application/json", fresh.dump()));
  EXPECT_EQ(scaled.status, 200) << scaled.body;
  EXPECT_EQ(json::parse(scaled.body)["spec"]["replicas"], 4);
  // The write happened at the served instant, under the manager asked for.
  const WriteRecord& w = world.api().writes().back();
  EXPECT_EQ(w.manager(), "hand");
  EXPECT_EQ(w.subresource(), "scale");
  EXPECT_EQ(w.at(), SimTime{minutes(6)});
  // 404 for a missing object, 422 for a negative scale, 415 for a strategic merge patch of a
  // custom resource and for a patch type the server does not know.
  EXPECT_EQ(api.handle(make_request("PATCH", "/apis/apps/v1/namespaces/default/deployments/nope", "application/merge-patch+json", "{}")).body,
            R"({"apiVersion":"v1","code":404,"details":{"group":"apps","kind":"deployments","name":"nope"},"kind":"Status","message":"deployments.apps \"nope\" not found","metadata":{},"reason":"NotFound","status":"Failure"})");
  fresh["spec"]["replicas"] = -1;
  EXPECT_EQ(api.handle(make_request("PUT", deploy + "/scale", "application/json", fresh.dump())).status, 422);
  const ApiResponse unsupported = api.handle(make_request("PATCH", deploy, "text/plain", "{}"));
  EXPECT_EQ(unsupported.status, 415);
  EXPECT_EQ(json::parse(unsupported.body)["message"],
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
            "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml");
  // Server-side apply needs a field manager (apiserver handlers/patch.go).
  const ApiResponse no_manager = api.handle(make_request("PATCH", deploy, "application/apply-patch+yaml",
                                                         R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}})"));
  EXPECT_EQ(no_manager.status, 422);
  EXPECT_EQ(json::parse(no_manager.body)["message"],
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
  // A JSON patch whose test fails changes nothing: 422.
  EXPECT_EQ(api.handle(make_request("PATCH", deploy, "application/json-patch+json", R"([{"op":"test","path":"/spec/replicas","value":9}])")).status, 422);
  // Without a fieldManager, the manager is the User-Agent's first word (kubectl scale sends none).
  EXPECT_EQ(api.handle(make_request("PATCH", deploy + "/scale", "application/merge-patch+json", R"({"spec":{"replicas":2}})")).status, 200);
  EXPECT_EQ(world.api().writes().back().manager(), "kubectl");
  ASSERT_EQ(writes.recorded().size(), 2u);
  EXPECT_EQ(writes.recorded()[1].action,
            json::parse(R"({"action":"kubectl scale","target":"deployment/web","namespace":"default","replicas":2,"fieldManager":"kubectl","description":"served: scale subresource, manager kubectl"})"));
}

// --- the real kubectl ------------------------------------------------------------------------------

class Kubectl {
 public:
  Kubectl(std::string binary, std::string dir) : binary_(std::move(binary)), dir_(std::move(dir)) {}
  CliResult operator()(const std::string& args, const std::string& env = "") const {
    const std::string cmd = env + " timeout 60 " + binary_ + " --kubeconfig " + dir_ + "/kcsim.kubeconfig --cache-dir " + dir_ +
                            "/cache " + args + " >" + dir_ + "/k.out 2>" + dir_ + "/k.err";
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, testing::slurp(dir_ + "/k.out"), testing::slurp(dir_ + "/k.err")};
  }

 private:
  std::string binary_, dir_;
};

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The managedFields entry of (manager, operation, subresource) of an object, or null.
json managed_entry(const json& object, const std::string& manager, const std::string& operation, const std::string& subresource = "") {
  for (const json& e : object["metadata"]["managedFields"])
    if (e["manager"] == manager && e["operation"] == operation && e.value("subresource", "") == subresource) return e["fieldsV1"];
  return nullptr;
}

TEST(ServeWritesKubectl, WithoutAllowWritesKubectlIsForbidden) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: the refusal of a write is not tried with kubectl";
  const std::string dir = testing::test_dir();
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--kubeconfig", dir + "/kcsim.kubeconfig"});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  const Kubectl k(*kubectl, dir);
  const CliResult r = k("scale deploy/web --replicas=5");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "Error from server (Forbidden): deployments.apps \"web\" is forbidden: kcsim serve is read-only; start it with "
                   "--allow-writes to write\n");
  EXPECT_EQ(k("get deploy web -o jsonpath={.spec.replicas}").out, "3");
  const testing::CliResult no_writes = testing::run_kcsim("serve " + std::string(kScenarioFile) + " --at 6m --record " + dir + "/r.json");
  EXPECT_EQ(no_writes.status, 2);
  EXPECT_NE(no_writes.err.find("--record needs --allow-writes"), std::string::npos) << no_writes.err;
  // The record never replaces the scenario it serves (the output-file rules).
  const testing::CliResult over_input =
      testing::run_kcsim("serve " + std::string(kScenarioFile) + " --at 6m --allow-writes --record " + std::string(kScenarioFile));
  EXPECT_EQ(over_input.status, 2) << over_input.err;
  EXPECT_EQ(serve.stop(), 0);
}

// Frozen at 6m: every write kubectl makes lands at 6m, under the manager kubectl 1.32 sends
// (kubectl -v=8 shows them: scale: PATCH .../scale application/merge-patch+json, no fieldManager,
// so the User-Agent's "kubectl"; apply: PATCH application/strategic-merge-patch+json
// ?fieldManager=kubectl-client-side-apply; apply --server-side: PATCH application/apply-patch+yaml
// ?fieldManager=kubectl&force=false; patch: kubectl-patch with the --type's content type; edit:
// strategic merge patch, kubectl-edit; label, annotate: merge patch, kubectl-label,
// kubectl-annotate; delete: DELETE with a DeleteOptions body, no manager). Then the clock jumps
// to 8m: the controllers react, and the --record file replayed by kcsim shows the same cluster.
TEST(ServeWritesKubectl, RealKubectlWritesJoinTheSimulationAndReplay) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: kubectl's writes are not tried";
  const std::string dir = testing::test_dir();
  const std::string record = dir + "/investigation.json";
  std::filesystem::remove(record);
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--allow-writes", "--record", record, "--kubeconfig", dir + "/kcsim.kubeconfig"});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  EXPECT_NE(serve.ready_line().find(" at 6m0s, writes allowed, on https://127.0.0.1:"), std::string::npos) << serve.ready_line();
  const Kubectl k(*kubectl, dir);
  auto get_web = [&] { return json::parse(k("get deploy web -o json --show-managed-fields").out); };
  auto expect_ok = [&](const std::string& args, const std::string& out, const std::string& env = "") {
    const CliResult r = k(args, env);
    EXPECT_EQ(r.out, out) << "kubectl " << args << "\n" << r.err;
    EXPECT_EQ(r.err, "") << "kubectl " << args;
    EXPECT_EQ(r.status, 0) << "kubectl " << args;
  };

  expect_ok("scale deploy/web --replicas=5", "deployment.apps/web scaled\n");
  json web = get_web();
  EXPECT_EQ(web["spec"]["replicas"], 5);
  EXPECT_EQ(managed_entry(web, "kubectl", "Update", "scale"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  const std::string stale = k("get deploy web -o yaml").out;

  // Client-side apply of the scenario's manifest with a new image.
  write_file(dir + "/web.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels:
    app: web
spec:
  replicas: 5
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.28
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            path: /
            port: 80
          periodSeconds: 5
)");
  expect_ok("apply -f " + dir + "/web.yaml", "deployment.apps/web configured\n");
  web = get_web();
  EXPECT_EQ(web["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.28");
  const json csa = managed_entry(web, "kubectl-client-side-apply", "Update");
  ASSERT_FALSE(csa.is_null());
  EXPECT_TRUE(csa["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"app\"}"].contains("f:image")) << csa.dump();

  expect_ok("patch deploy web --type=merge -p '{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}'", "deployment.apps/web patched\n");
  expect_ok("patch deploy web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]'", "deployment.apps/web patched\n");
  expect_ok("patch deploy web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}}'",
            "deployment.apps/web patched\n");
  web = get_web();
  EXPECT_EQ(web["spec"]["replicas"], 4);
  EXPECT_EQ(web["metadata"]["labels"]["tier"], "front");
  const json& app = web["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(app["env"], json::parse(R"([{"name":"A","value":"1"}])"));
  EXPECT_EQ(app["ports"], json::parse(R"([{"containerPort":80,"protocol":"TCP"}])"));  // the strategic patch merged the container
  const json patched = managed_entry(web, "kubectl-patch", "Update");
  EXPECT_TRUE(patched["f:spec"].contains("f:replicas")) << patched.dump();
  EXPECT_TRUE(patched["f:metadata"]["f:labels"].contains("f:tier")) << patched.dump();
  EXPECT_TRUE(managed_entry(web, "kubectl", "Update", "scale").is_null());  // spec.replicas moved to kubectl-patch

  // kubectl edit through an editor script, as KUBE_EDITOR runs it.
  write_file(dir + "/editor.sh", "#!/bin/sh\nsed -i 's/image: nginx:1.28/image: nginx:1.29/' \"$1\"\n");
  std::filesystem::permissions(dir + "/editor.sh", std::filesystem::perms::owner_all);
  expect_ok("edit deploy web", "deployment.apps/web edited\n", "KUBE_EDITOR=" + dir + "/editor.sh");
  expect_ok("label deploy web team=sre", "deployment.apps/web labeled\n");
  expect_ok("annotate deploy web note=hi", "deployment.apps/web annotated\n");
  web = get_web();
  EXPECT_EQ(web["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.29");
  EXPECT_TRUE(managed_entry(web, "kubectl-edit", "Update")["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"app\"}"].contains("f:image"));
  EXPECT_EQ(managed_entry(web, "kubectl-label", "Update"), json::parse(R"({"f:metadata":{"f:labels":{"f:team":{}}}})"));
  EXPECT_EQ(managed_entry(web, "kubectl-annotate", "Update"), json::parse(R"({"f:metadata":{"f:annotations":{"f:note":{}}}})"));

  // Server-side apply: a conflict on spec.replicas (owned by kubectl-patch), worded as
  // kube-apiserver words it, then taken with --force-conflicts.
  write_file(dir + "/replicas.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 6\n");
  const CliResult conflict = k("apply --server-side -f " + dir + "/replicas.yaml");
  EXPECT_EQ(conflict.status, 1);
  EXPECT_EQ(conflict.err.substr(0, conflict.err.find('\n')),
            "error: Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1: .spec.replicas");
  expect_ok("apply --server-side --force-conflicts -f " + dir + "/replicas.yaml", "deployment.apps/web serverside-applied\n");
  web = get_web();
  EXPECT_EQ(web["spec"]["replicas"], 6);
  EXPECT_EQ(managed_entry(web, "kubectl", "Apply"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  write_file(dir + "/settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n");
  expect_ok("apply --server-side -f " + dir + "/settings.yaml", "configmap/settings serverside-applied\n");

  // kubectl replace of the version read before: the optimistic lock's 409.
  write_file(dir + "/stale.yaml", stale);
  const CliResult replaced = k("replace -f " + dir + "/stale.yaml");
  EXPECT_EQ(replaced.status, 1);
  EXPECT_EQ(replaced.err, "Error from server (Conflict): error when replacing \"" + dir +
                              "/stale.yaml\": Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; "
                              "please apply your changes to the latest version and try again\n");
  const CliResult missing = k("patch deploy nope --type=merge -p '{}'");
  EXPECT_EQ(missing.err, "Error from server (NotFound): deployments.apps \"nope\" not found\n");

  // A kind outside the timeline's short list of aliases: created with kubectl create -f (JSON,
  // manager kubectl-create), then labelled.
  write_file(dir + "/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: x\n");
  expect_ok("create -f " + dir + "/secret.yaml", "secret/db created\n");
  expect_ok("label secret db team=sre", "secret/db labeled\n");

  // A pod deleted gracefully: marked at 6m, gone once the kubelet has stopped it.
  const std::string pod = k("get pods -o name").out.substr(0, k("get pods -o name").out.find('\n'));
  ASSERT_EQ(pod.rfind("pod/", 0), 0u) << pod;
  expect_ok("delete " + pod + " --wait=false", "pod \"" + pod.substr(4) + "\" deleted\n");
  EXPECT_EQ(k("get " + pod + " -o jsonpath={.metadata.deletionTimestamp}").out, "2026-01-01T12:06:30Z");

  // The world stays frozen at 6m until the time control moves it; then the controllers react.
  EXPECT_EQ(serve.request("/kcsim/control").doc()["instant"], "6m0s");
  const testing::Reply jumped = serve.request("/kcsim/control?action=jump&to=8m", "application/json", testing::http::verb::post);
  EXPECT_EQ(jumped.doc()["instant"], "8m0s");
  const std::string live = k("get deploy,rs,pods -o wide").out;
  const std::string live_secret = k("get secret db --show-labels").out;
  EXPECT_NE(live_secret.find("team=sre"), std::string::npos) << live_secret;
  EXPECT_NE(live.find("deployment.apps/web   6/6"), std::string::npos) << live;
  EXPECT_EQ(k("get " + pod).err, "Error from server (NotFound): pods \"" + pod.substr(4) + "\" not found\n");
  EXPECT_EQ(serve.stop(), 0);
  EXPECT_NE(serve.err().find("kcsim serve: recorded 13 writes in " + record + "\n"), std::string::npos) << serve.err();

  // The record: the scenario with the writes in its timeline, each under its manager.
  const json doc = json::parse(testing::slurp(record));
  std::vector<std::string> managers;
  for (const json& a : doc["timeline"])
    if (a.contains("description")) managers.push_back(a["action"].get<std::string>() + " " + a.value("fieldManager", "-"));
  EXPECT_EQ(managers, (std::vector<std::string>{"kubectl scale kubectl", "kubectl patch kubectl-client-side-apply", "kubectl patch kubectl-patch",
                                                "kubectl patch kubectl-patch", "kubectl patch kubectl-patch", "kubectl patch kubectl-edit",
                                                "kubectl patch kubectl-label", "kubectl patch kubectl-annotate",
                                                // the forced apply of spec.replicas alone (kubectl's migration
                                                // of the last-applied annotation after it changes only
                                                // managedFields: not recorded)
                                                "kubectl patch kubectl",
                                                "kubectl apply kubectl", "kubectl apply kubectl-create", "kubectl patch kubectl-label",
                                                "kubectl delete -"}));
  // Replayed by kcsim, it is the same cluster at 8m, byte for byte in kubectl's words.
  const CliResult replay = testing::run_kcsim("kubectl " + record + " --at 8m -- get deploy,rs,pods -o wide", 60);
  EXPECT_EQ(replay.err, "");
  EXPECT_EQ(replay.out, live);
  EXPECT_EQ(testing::run_kcsim("run " + record, 60).status, 0);
  EXPECT_EQ(testing::run_kcsim("kubectl " + record + " --at 8m -- get secret db --show-labels", 60).out, live_secret);
}

// A watcher sees a write from kubectl as the MODIFIED event it is.
TEST(ServeWritesKubectl, WatchersSeeTheWrites) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: the watch of a kubectl write is not tried";
  const std::string dir = testing::test_dir();
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--allow-writes", "--kubeconfig", dir + "/kcsim.kubeconfig"});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  const std::string rv = serve.request("/apis/apps/v1/deployments").doc()["metadata"]["resourceVersion"];
  testing::Reply watched;
  std::thread watcher([&] {
    watched = serve.request("/apis/apps/v1/namespaces/default/deployments?watch=true&timeoutSeconds=3&resourceVersion=" + rv);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const CliResult r = Kubectl(*kubectl, dir)("label deploy web team=sre");
  watcher.join();
  EXPECT_EQ(r.out, "deployment.apps/web labeled\n") << r.err;
  std::istringstream lines(watched.body);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line)) << watched.body;
  const json event = json::parse(line);
  EXPECT_EQ(event["type"], "MODIFIED");
  EXPECT_EQ(event["object"]["metadata"]["labels"]["team"], "sre");
  EXPECT_EQ(std::stoull(event["object"]["metadata"]["resourceVersion"].get<std::string>()), std::stoull(rv) + 1);
  EXPECT_EQ(serve.stop(), 0);
}

}  // namespace
}  // namespace kcsim

namespace kcsim {
namespace {

// Under --speed a write lands at the instant the running clock has reached when it arrives (the
// run catches up first), between the instants read before and after it, and --record keeps that
// instant to the microsecond.
TEST(ServeWritesKubectl, UnderSpeedAWriteLandsAtTheRunningInstant) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: a write during a --speed run is not tried";
  const std::string dir = testing::test_dir();
  const std::string record = dir + "/live.json";
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--speed", "60", "--allow-writes", "--record", record, "--kubeconfig",
                           dir + "/kcsim.kubeconfig"});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  auto instant = [&] {
    return read_duration(serve.request("/kcsim/control").doc()["instant"], "", "");
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const Duration before = instant();
  const CliResult r = Kubectl(*kubectl, dir)("scale deploy/web --replicas=5");
  EXPECT_EQ(r.out, "deployment.apps/web scaled\n") << r.err;
  const Duration after = instant();
  EXPECT_GT(before, minutes(6));
  EXPECT_EQ(serve.stop(), 0);
  const json doc = json::parse(testing::slurp(record));
  std::optional<Duration> at;
  for (const json& a : doc["timeline"])
    if (a.contains("description")) at = read_duration(a["at"], "", "");
  ASSERT_TRUE(at) << doc["timeline"].dump();
  EXPECT_GE(*at, before);
  EXPECT_LE(*at, after);
}

}  // namespace
}  // namespace kcsim
