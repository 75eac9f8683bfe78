// kcsim serve's dry runs (issue #18): ?dryRun=All on create, update, patch, scale and delete is
// checked and answered as the write would be, and nothing changes: not the store, not its
// resourceVersion, not the write history, not the recorded writes. In-process, then with the real
// kubectl's --dry-run=server, whose output is what kubectl 1.32 prints against kube-apiserver.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_test_support.hpp"
#include "serve_test_support.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/write_requests.hpp"

namespace kcsim {
namespace {

using testing::find_kubectl;
using testing::ServeProcess;

constexpr const char* kScenarioFile = KCSIM_SOURCE_DIR "/scenarios/kubectl-scale.json";

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

// Everything a dry run must leave as it was.
struct Unchanged {
  explicit Unchanged(const World& w, const WriteRequests& writes)
      : world(w), recorded(writes), rv(w.api().resource_version()), history(w.api().writes().size()),
        web(*w.api().get({"Deployment", "default", "web"})) {}
  void check(const std::string& what) const {
    EXPECT_EQ(world.api().resource_version(), rv) << what;
    EXPECT_EQ(world.api().writes().size(), history) << what;
    EXPECT_TRUE(recorded.recorded().empty()) << what;
    EXPECT_EQ(*world.api().get({"Deployment", "default", "web"}), web) << what;
  }
  const World& world;
  const WriteRequests& recorded;
  std::uint64_t rv;
  std::size_t history;
  json web;
};

TEST(ServeDryRun, EachVerbAnswersAsIfDoneAndChangesNothing) {
  World world(load_scenario(kScenarioFile));
  world.run(SimTime{minutes(6)});
  WriteRequests writes(world);
  ClusterApi api(world, "127.0.0.1:1");
  api.allow_writes(&writes);
  const Unchanged unchanged(world, writes);
  const std::string deploy = "/apis/apps/v1/namespaces/default/deployments/web";
  const json stored = *with_managed_fields(world.api().get({"Deployment", "default", "web"}));

  // Scale: the Scale as it would be.
  const ApiResponse scaled = api.handle(make_request("PATCH", deploy + "/scale?dryRun=All", "application/merge-patch+json",
                                                     R"({"spec":{"replicas":7}})"));
  ASSERT_EQ(scaled.status, 200) << scaled.body;
  EXPECT_EQ(json::parse(scaled.body)["spec"]["replicas"], 7);
  EXPECT_EQ(json::parse(scaled.body)["status"]["replicas"], 3);
  unchanged.check("scale");

  // Strategic merge patch (kubectl apply --dry-run=server): the patched object, generation + 1,
  // the stored resourceVersion.
  const ApiResponse patched = api.handle(make_request(
      "PATCH", deploy + "?dryRun=All&fieldManager=kubectl-client-side-apply", "application/strategic-merge-patch+json",
      R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}})"));
  ASSERT_EQ(patched.status, 200) << patched.body;
  const json p = json::parse(patched.body);
  EXPECT_EQ(p["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.28");
  EXPECT_EQ(p["spec"]["template"]["spec"]["containers"][0]["ports"], stored["spec"]["template"]["spec"]["containers"][0]["ports"]);
  EXPECT_EQ(p["metadata"]["resourceVersion"], stored["metadata"]["resourceVersion"]);
  EXPECT_EQ(p["metadata"]["generation"], stored["metadata"]["generation"].get<int>() + 1);
  EXPECT_EQ(p["status"], stored["status"]);
  unchanged.check("strategic merge patch");
  // A label only: generation as it was.
  const json labelled = json::parse(api.handle(make_request("PATCH", deploy + "?dryRun=All", "application/merge-patch+json",
                                                            R"({"metadata":{"labels":{"tier":"front"}}})")).body);
  EXPECT_EQ(labelled["metadata"]["labels"]["tier"], "front");
  EXPECT_EQ(labelled["metadata"]["generation"], stored["metadata"]["generation"]);
  unchanged.check("merge patch");

  // Update with a stale resourceVersion: the conflict a real update gets.
  json stale = stored;
  stale["metadata"]["resourceVersion"] = "1";
  const ApiResponse conflict = api.handle(make_request("PUT", deploy + "?dryRun=All", "application/json", stale.dump()));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json::parse(conflict.body)["message"],
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to "
            "the latest version and try again");
  json fresh = stored;
  fresh["spec"]["replicas"] = 9;
  const ApiResponse updated = api.handle(make_request("PUT", deploy + "?dryRun=All", "application/json", fresh.dump()));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["spec"]["replicas"], 9);
  unchanged.check("update");

  // Create: 201 with the object; an existing name is AlreadyExists.
  const std::string cm = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"a":"1"}})";
  const ApiResponse created = api.handle(make_request("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", "application/json", cm));
  ASSERT_EQ(created.status, 201) << created.body;
  const json c = json::parse(created.body);
  EXPECT_EQ(c["metadata"]["namespace"], "default");
  EXPECT_EQ(c["metadata"]["creationTimestamp"], world.api().epoch().rfc3339(world.engine().now()));
  EXPECT_EQ(world.api().get({"ConfigMap", "default", "settings"}), nullptr);
  const ApiResponse exists = api.handle(make_request("POST", "/apis/apps/v1/namespaces/default/deployments?dryRun=All", "application/json",
                                                     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}})"));
  EXPECT_EQ(exists.status, 409);
  EXPECT_EQ(json::parse(exists.body)["reason"], "AlreadyExists");
  unchanged.check("create");

  // Delete: a pod is marked with its grace period (the answer is the object), a Deployment is
  // gone (Status Success); neither is.
  const ObjectPtr pod = world.api().list("Pod", std::string_view("default"))[0];
  const std::string pod_name = (*pod)["metadata"]["name"];
  // kubectl delete --dry-run=server sends it in the DeleteOptions body.
  const ApiResponse pod_deleted = api.handle(make_request("DELETE", "/api/v1/namespaces/default/pods/" + pod_name, "application/json",
                                                          R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","dryRun":["All"]})"));
  ASSERT_EQ(pod_deleted.status, 200) << pod_deleted.body;
  EXPECT_EQ(json::parse(pod_deleted.body)["metadata"]["deletionGracePeriodSeconds"], 30);
  EXPECT_EQ(json::parse(pod_deleted.body)["metadata"]["deletionTimestamp"], world.api().epoch().rfc3339(world.engine().now() + seconds(30)));
  const ApiResponse deleted = api.handle(make_request("DELETE", deploy + "?dryRun=All", "application/json", R"({"propagationPolicy":"Background"})"));
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(json::parse(deleted.body)["status"], "Success");
  EXPECT_EQ(json::parse(deleted.body)["details"]["uid"], stored["metadata"]["uid"]);
  EXPECT_EQ(*world.api().get({"Pod", "default", pod_name}), *pod);
  unchanged.check("delete");

  // Only "All"; a server-side apply dry run is not served.
  const ApiResponse bad = api.handle(make_request("DELETE", deploy + "?dryRun=Yes"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(json::parse(bad.body)["message"],
            "DeleteOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Yes\"}: supported values: \"All\"");
  const ApiResponse ssa = api.handle(make_request("PATCH", deploy + "?dryRun=All&fieldManager=kubectl", "application/apply-patch+yaml",
                                                  R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}})"));
  EXPECT_EQ(ssa.status, 400);
  unchanged.check("refused");

  // The same write without dryRun is made, and recorded.
  ASSERT_EQ(api.handle(make_request("PATCH", deploy + "/scale", "application/merge-patch+json", R"({"spec":{"replicas":7}})")).status, 200);
  EXPECT_EQ((*world.api().get({"Deployment", "default", "web"}))["spec"]["replicas"], 7);
  EXPECT_EQ(writes.recorded().size(), 1u);
}

TEST(ServeDryRunKubectl, ServerDryRunsPrintWhatKubectlPrintsAndChangeNothing) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: kubectl's --dry-run=server is not tried";
  const std::string dir = testing::test_dir();
  const std::string record = dir + "/record.json";
  std::filesystem::remove(record);
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--allow-writes", "--record", record, "--kubeconfig", dir + "/kcsim.kubeconfig"});
  ASSERT_NE(serve.port(), 0) << serve.err();
  auto k = [&](const std::string& args) {
    const std::string cmd = "timeout 60 " + *kubectl + " --kubeconfig " + dir + "/kcsim.kubeconfig --cache-dir " + dir + "/cache " +
                            args + " >" + dir + "/k.out 2>" + dir + "/k.err";
    const int raw = std::system(cmd.c_str());
    return testing::CliResult{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, testing::slurp(dir + "/k.out"), testing::slurp(dir + "/k.err")};
  };
  auto expect_ok = [&](const std::string& args, const std::string& out) {
    const testing::CliResult r = k(args);
    EXPECT_EQ(r.out, out) << "kubectl " << args << "\n" << r.err;
    EXPECT_EQ(r.err, "") << "kubectl " << args;
    EXPECT_EQ(r.status, 0) << "kubectl " << args;
  };
  const std::string everything = "get deploy,rs,pods,cm -A -o json --show-managed-fields";
  const std::string before = k(everything).out;
  const json state = serve.request("/kcsim/control").doc();
  const std::string pod = k("get pods -o jsonpath={.items[0].metadata.name}").out;
  ASSERT_FALSE(pod.empty());

  std::ofstream(dir + "/web.yaml") << R"(apiVersion: apps/v1
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
)";
  std::ofstream(dir + "/cm.yaml") << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: \"1\"\n";
  expect_ok("apply --dry-run=server -f " + dir + "/web.yaml", "deployment.apps/web configured (server dry run)\n");
  expect_ok("apply --dry-run=server -f " + dir + "/cm.yaml", "configmap/settings created (server dry run)\n");
  expect_ok("create --dry-run=server -f " + dir + "/cm.yaml", "configmap/settings created (server dry run)\n");
  expect_ok("scale deploy/web --replicas=5 --dry-run=server", "deployment.apps/web scaled (server dry run)\n");
  expect_ok("label deploy web tier=front --dry-run=server", "deployment.apps/web labeled (server dry run)\n");
  expect_ok("delete pod " + pod + " --dry-run=server", "pod \"" + pod + "\" deleted (server dry run)\n");
  expect_ok("delete deploy web --dry-run=server", "deployment.apps \"web\" deleted (server dry run)\n");
  // kubectl patch -o prints the server's answer: the object as it would be.
  const testing::CliResult shown = k("patch deploy web --type=merge -p '{\"spec\":{\"replicas\":6}}' --dry-run=server -o jsonpath={.spec.replicas}");
  EXPECT_EQ(shown.out, "6") << shown.err;

  // Nothing changed: the objects, the resourceVersion, and (after the stop) the record.
  EXPECT_EQ(k(everything).out, before);
  EXPECT_EQ(serve.request("/kcsim/control").doc()["resourceVersion"], state["resourceVersion"]);
  EXPECT_EQ(serve.stop(), 0);
  EXPECT_NE(serve.err().find("kcsim serve: recorded 0 writes in " + record), std::string::npos) << serve.err();
  EXPECT_EQ(json::parse(testing::slurp(record))["timeline"], json::parse(testing::slurp(kScenarioFile))["timeline"]);
}

}  // namespace
}  // namespace kcsim
