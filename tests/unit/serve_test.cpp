// kcsim serve (issue #18): the Kubernetes API of a frozen simulated cluster over HTTP, driven by
// a minimal Boost.Beast client in-process, and by the real kubectl when one is on the PATH.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <sstream>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cli_test_support.hpp"
#include "serve_test_support.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/http_server.hpp"
#include "kcsim/serve/kubeconfig.hpp"
#include "kcsim/serve/live_run.hpp"
#include "kcsim/serve/watch_history.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "kcsim/views/simulator_annotations.hpp"

extern char** environ;

namespace kcsim {
namespace {

using testing::find_kubectl;
using testing::Reply;
using testing::request;
using testing::ServeProcess;
namespace http = boost::beast::http;

// The kubectl-scale scenario at 6m: a Deployment scaled by kubectl, its pods, ReplicaSets, Events.
constexpr const char* kScenarioFile = KCSIM_SOURCE_DIR "/scenarios/kubectl-scale.json";

// A World run to an instant and served on a free port of 127.0.0.1 by a thread of the test; with
// `record_from`, its watch history recorded from that instant on.
class ServedWorld {
 public:
  ServedWorld(const std::string& file, Duration at, std::optional<Duration> record_from = std::nullopt)
      : world_(load_scenario(file)),
        server_([this](const ApiRequest& r) { return api_->handle(r); }, "127.0.0.1", 0) {
    if (record_from) {
      world_.run(SimTime{*record_from});
      history_ = std::make_unique<WatchHistory>(world_.api());
      recorded_from_rv_ = world_.api().resource_version();
    }
    world_.run(SimTime{at});
    api_ = std::make_unique<ClusterApi>(world_, "127.0.0.1:" + std::to_string(server_.port()), history_.get());
    thread_ = std::thread([this] { server_.run(false); });
  }
  ~ServedWorld() {
    server_.stop();
    thread_.join();
  }
  unsigned short port() const { return server_.port(); }
  const World& world() const { return world_; }
  std::uint64_t recorded_from_rv() const { return recorded_from_rv_; }

 private:
  World world_;
  std::unique_ptr<WatchHistory> history_;
  std::uint64_t recorded_from_rv_ = 0;
  std::unique_ptr<ClusterApi> api_;
  HttpServer server_;
  std::thread thread_;
};

// What kubectl prints for a Table (cli-runtime tableprinter.go): the columns of priority 0, upper
// case, then each row's cells, through the (6, 4, 3) tabwriter.
std::string print_table(const json& table) {
  std::vector<std::size_t> keep;
  std::string text;
  const json& cols = table["columnDefinitions"];
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i]["priority"] == 0) keep.push_back(i);
  for (std::size_t k = 0; k < keep.size(); ++k) text += cols[keep[k]]["name"].get<std::string>() + (k + 1 < keep.size() ? "\t" : "\n");
  for (const json& row : table["rows"])
    for (std::size_t k = 0; k < keep.size(); ++k)
      text += row["cells"][keep[k]].get<std::string>() + (k + 1 < keep.size() ? "\t" : "\n");
  return go_tabwriter(text, 6, 3);
}

constexpr const char* kTableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

TEST(Serve, DiscoveryListsVersionGroupsAndResourcesAsKubectlReadsThem) {
  ServedWorld served(kScenarioFile, minutes(6));
  const json version = request(served.port(), "/version").doc();
  EXPECT_EQ(version["gitVersion"], "v1.32.0");  // the scenario's Kubernetes (the default, 1.32.0)
  EXPECT_EQ(version["major"], "1");
  EXPECT_EQ(version["minor"], "32");

  const json api = request(served.port(), "/api").doc();
  EXPECT_EQ(api["kind"], "APIVersions");
  EXPECT_EQ(api["versions"], json::array({"v1"}));

  const json apis = request(served.port(), "/apis").doc();
  EXPECT_EQ(apis["kind"], "APIGroupList");
  ASSERT_FALSE(apis["groups"].empty());
  EXPECT_EQ(apis["groups"][0]["name"], "apps");
  EXPECT_EQ(apis["groups"][0]["preferredVersion"]["groupVersion"], "apps/v1");

  const json core = request(served.port(), "/api/v1").doc();
  EXPECT_EQ(core["kind"], "APIResourceList");
  EXPECT_EQ(core["groupVersion"], "v1");
  const json& pods = core["resources"][0];
  EXPECT_EQ(pods["name"], "pods");
  EXPECT_EQ(pods["singularName"], "pod");
  EXPECT_EQ(pods["kind"], "Pod");
  EXPECT_EQ(pods["namespaced"], true);
  EXPECT_EQ(pods["shortNames"], json::array({"po"}));
  EXPECT_EQ(pods["categories"], json::array({"all"}));
  EXPECT_EQ(pods["verbs"], json::array({"get", "list"}));
  EXPECT_EQ(core["resources"][1]["name"], "pods/log");

  const json apps = request(served.port(), "/apis/apps/v1").doc();
  bool deployments = false;
  for (const json& r : apps["resources"])
    if (r["name"] == "deployments") deployments = r["shortNames"] == json::array({"deploy"}) && r["kind"] == "Deployment";
  EXPECT_TRUE(deployments) << apps.dump();
  EXPECT_EQ(request(served.port(), "/apis/nope.example.com/v1").status, 404);
}

TEST(Serve, ListAndGetReturnTheStoredObjects) {
  ServedWorld served(kScenarioFile, minutes(6));
  const ApiServer& api = served.world().api();
  const json list = request(served.port(), "/api/v1/namespaces/default/pods").doc();
  EXPECT_EQ(list["kind"], "PodList");
  EXPECT_EQ(list["apiVersion"], "v1");
  EXPECT_EQ(list["metadata"]["resourceVersion"], std::to_string(api.resource_version()));
  const std::vector<ObjectPtr> pods = api.list("Pod", "default");
  ASSERT_FALSE(pods.empty());
  ASSERT_EQ(list["items"].size(), pods.size());
  // As the API server serves them: managedFields in place (stored_version.hpp), and present.
  for (std::size_t i = 0; i < pods.size(); ++i) {
    EXPECT_EQ(list["items"][i], *with_managed_fields(pods[i]));
    EXPECT_FALSE(list["items"][i]["metadata"]["managedFields"].empty());
  }

  // All namespaces, and one object by name.
  EXPECT_EQ(request(served.port(), "/api/v1/pods").doc()["items"].size(), api.list("Pod").size());
  const std::string name = (*pods[0])["metadata"]["name"];
  EXPECT_EQ(request(served.port(), "/api/v1/namespaces/default/pods/" + name).doc(), *with_managed_fields(pods[0]));
  const ObjectPtr deploy = api.list("Deployment", "default").at(0);
  const std::string deploy_name = (*deploy)["metadata"]["name"];
  EXPECT_EQ(request(served.port(), "/apis/apps/v1/namespaces/default/deployments/" + deploy_name).doc(),
            *with_managed_fields(deploy));

  // Selectors: a label that only the Deployment's pods carry, a name, an unsupported field.
  const json& labels = (*pods[0])["metadata"]["labels"];
  ASSERT_TRUE(labels.is_object() && !labels.empty());
  const std::string key = labels.begin().key(), value = labels.begin().value();
  EXPECT_EQ(request(served.port(), "/api/v1/namespaces/default/pods?labelSelector=" + key + "%3D" + value).doc()["items"].size(),
            api.list("Pod", "default", json{{key, value}}).size());
  EXPECT_EQ(request(served.port(), "/api/v1/namespaces/default/pods?labelSelector=" + key + "%3Dnope").doc()["items"].size(), 0u);
  const json by_name = request(served.port(), "/api/v1/pods?fieldSelector=metadata.name%3D" + name).doc();
  ASSERT_EQ(by_name["items"].size(), 1u);
  EXPECT_EQ(by_name["items"][0]["metadata"]["name"], name);
  EXPECT_EQ(request(served.port(), "/api/v1/pods?fieldSelector=metadata.name!%3D" + name).doc()["items"].size(),
            api.list("Pod").size() - 1);
  const Reply unsupported = request(served.port(), "/api/v1/pods?fieldSelector=spec.nope%3Dx");
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_EQ(unsupported.doc()["message"], "field label not supported: spec.nope");
}

TEST(Serve, NotFoundIsAKubernetesStatus) {
  ServedWorld served(kScenarioFile, minutes(6));
  const Reply pod = request(served.port(), "/api/v1/namespaces/default/pods/nope");
  EXPECT_EQ(pod.status, 404);
  EXPECT_EQ(pod.doc(), json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
      "message":"pods \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404})"));
  const Reply deploy = request(served.port(), "/apis/apps/v1/namespaces/default/deployments/nope");
  EXPECT_EQ(deploy.status, 404);
  EXPECT_EQ(deploy.doc()["message"], "deployments.apps \"nope\" not found");
  EXPECT_EQ(deploy.doc()["details"]["group"], "apps");
  const Reply path = request(served.port(), "/api/v1/widgets");
  EXPECT_EQ(path.status, 404);
  EXPECT_EQ(path.doc()["message"], "the server could not find the requested resource");
  // A read-only server refuses a write as kube-apiserver refuses a user who may not write (403),
  // and a method no resource takes with 405.
  const Reply post = request(served.port(), "/api/v1/namespaces/default/pods", "application/json", http::verb::post);
  EXPECT_EQ(post.status, 403);
  EXPECT_EQ(post.doc()["reason"], "Forbidden");
  EXPECT_EQ(post.doc()["message"], "pods is forbidden: kcsim serve is read-only; start it with --allow-writes to write");
  const Reply options = request(served.port(), "/api/v1/namespaces/default/pods", "application/json", http::verb::options);
  EXPECT_EQ(options.status, 405);
  EXPECT_EQ(options.doc()["reason"], "MethodNotAllowed");
}

TEST(Serve, TablesPrintAsKcsimKubectlPrints) {
  ServedWorld served(kScenarioFile, minutes(6));
  for (const auto& [path, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"/api/v1/namespaces/default/pods", {"get", "pods"}},
           {"/apis/apps/v1/namespaces/default/deployments", {"get", "deploy"}},
           {"/apis/apps/v1/namespaces/default/replicasets", {"get", "rs"}},
           {"/api/v1/namespaces/default/events", {"get", "events"}}}) {
    const Reply reply = request(served.port(), path, kTableAccept);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const json table = reply.doc();
    EXPECT_EQ(table["kind"], "Table");
    EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
    ASSERT_FALSE(table["rows"].empty()) << path;
    // Each row carries its object's metadata (kubectl's NAMESPACE and LABELS columns).
    EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    EXPECT_TRUE(table["rows"][0]["object"]["metadata"].contains("name"));
    EXPECT_EQ(print_table(table), kubectl_exec(served.world(), args).out) << path;
  }
  // Wide columns have priority 1; the NAME column is the one kubectl prefixes with the kind.
  const json pods = request(served.port(), "/api/v1/namespaces/default/pods", kTableAccept).doc();
  EXPECT_EQ(pods["columnDefinitions"][0]["name"], "NAME");
  EXPECT_EQ(pods["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(pods["columnDefinitions"][5]["name"], "IP");
  EXPECT_EQ(pods["columnDefinitions"][5]["priority"], 1);
  // Only v1beta1 asked for: a v1beta1 Table.
  EXPECT_EQ(request(served.port(), "/api/v1/namespaces/default/pods", "application/json;as=Table;v=v1beta1;g=meta.k8s.io").doc()["apiVersion"],
            "meta.k8s.io/v1beta1");
}

TEST(Serve, PodLogIsKcsimKubectlLogs) {
  // oom-crashloop: the container's startup lines, the current run and the one before the OOM kill.
  ServedWorld served(KCSIM_SOURCE_DIR "/scenarios/oom-crashloop.json", minutes(10));
  const std::vector<ObjectPtr> pods = served.world().api().list("Pod", "prod");
  ASSERT_EQ(pods.size(), 1u);
  const std::string pod = (*pods[0])["metadata"]["name"];
  const std::string container = (*pods[0])["spec"]["containers"][0]["name"];
  const std::string path = "/api/v1/namespaces/prod/pods/" + pod + "/log?container=" + container;
  const Reply current = request(served.port(), path);
  EXPECT_EQ(current.status, 200);
  EXPECT_EQ(current.content_type, "text/plain");
  EXPECT_NE(current.body.find(" INFO  ready\n"), std::string::npos) << current.body;
  EXPECT_EQ(current.body, kubectl_exec(served.world(), {"logs", pod, "-n", "prod"}).out);
  const Reply previous = request(served.port(), path + "&previous=true&tailLines=2&timestamps=true");
  EXPECT_EQ(previous.body, kubectl_exec(served.world(), {"logs", pod, "-n", "prod", "-p", "--tail", "2", "--timestamps"}).out);
  EXPECT_EQ(std::count(previous.body.begin(), previous.body.end(), '\n'), 2);
  const Reply missing = request(served.port(), "/api/v1/namespaces/prod/pods/nope/log");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.doc()["message"], "pods \"nope\" not found");
  const Reply bad_container = request(served.port(), "/api/v1/namespaces/prod/pods/" + pod + "/log?container=nope");
  EXPECT_EQ(bad_container.status, 400);
  EXPECT_EQ(bad_container.doc()["message"], "container nope is not valid for pod " + pod);
}

TEST(Serve, NamespacesOfTheObjectsExistAsInACluster) {
  // The scenario declares no Namespace object; the namespaces its objects live in, and the four a
  // cluster starts with, are served (kubectl asks for the namespace of an object it did not find).
  ServedWorld served(kScenarioFile, minutes(6));
  ASSERT_TRUE(served.world().api().list("Namespace").empty());
  const json list = request(served.port(), "/api/v1/namespaces").doc();
  std::vector<std::string> names;
  for (const json& ns : list["items"]) names.push_back(ns["metadata"]["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"default", "kube-node-lease", "kube-public", "kube-system"}));
  const Reply def = request(served.port(), "/api/v1/namespaces/default");
  EXPECT_EQ(def.status, 200);
  EXPECT_EQ(def.doc()["status"]["phase"], "Active");
  EXPECT_EQ(def.doc()["metadata"]["labels"]["kubernetes.io/metadata.name"], "default");
  EXPECT_EQ(request(served.port(), "/api/v1/namespaces/nope").status, 404);
}

// The lines of a watch stream, each a watch event.
std::vector<json> watch_events(const std::string& body) {
  std::vector<json> out;
  for (std::size_t start = 0; start < body.size();) {
    std::size_t nl = body.find('\n', start);
    if (nl == std::string::npos) nl = body.size();
    if (nl > start) out.push_back(json::parse(body.substr(start, nl - start)));
    start = nl + 1;
  }
  return out;
}

std::string event_type(WatchEventType t) {
  return t == WatchEventType::kAdded ? "ADDED" : t == WatchEventType::kModified ? "MODIFIED" : "DELETED";
}

// What an informer of the simulation receives for Pods, delivered in the instant of the write.
class PodLog : public Watcher {
 public:
  struct Entry {
    std::string type, ns, name, rv;
  };
  void on_watch_event(const WatchEvent& e) override {
    const json& m = (*e.object)["metadata"];
    entries.push_back({event_type(e.type), m["namespace"].get<std::string>(), m["name"].get<std::string>(),
                       m["resourceVersion"].get<std::string>()});
  }
  std::vector<Entry> entries;
};

// Compares a streamed watch with what the simulation's own watcher received: same changes, same
// order, the same versions; a deletion carries a revision of its own, above the last version's.
void expect_same_pod_changes(const std::vector<json>& streamed, const std::vector<PodLog::Entry>& expected, std::size_t count) {
  ASSERT_GE(streamed.size(), count);
  ASSERT_GE(expected.size(), count);
  std::uint64_t last_rv = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const json& m = streamed[i]["object"]["metadata"];
    EXPECT_EQ(streamed[i]["type"], expected[i].type) << i;
    EXPECT_EQ(m["namespace"], expected[i].ns) << i;
    EXPECT_EQ(m["name"], expected[i].name) << i;
    const std::uint64_t rv = std::stoull(m["resourceVersion"].get<std::string>());
    if (expected[i].type == "DELETED") EXPECT_GT(rv, std::stoull(expected[i].rv)) << i;
    else EXPECT_EQ(m["resourceVersion"], expected[i].rv) << i;
    EXPECT_GT(rv, last_rv) << i;
    last_rv = rv;
  }
}

TEST(Serve, WatchFromAResourceVersionStreamsTheChangesTheApiServerMade) {
  const std::string file = KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json";
  // The same scenario run with a watcher of its own from 6m to 26m (four periods of the loop).
  World reference(load_scenario(file));
  reference.run(SimTime{minutes(6)});
  const std::uint64_t rv_at_6m = reference.api().resource_version();
  PodLog log;
  reference.api().watch("Pod", &log, Duration{0});
  reference.run(SimTime{minutes(26)});
  ASSERT_GE(log.entries.size(), 20u) << log.entries.size();  // pods created, changed and deleted

  ServedWorld served(file, minutes(26), minutes(6));
  EXPECT_EQ(served.recorded_from_rv(), rv_at_6m);
  const Reply r = request(served.port(), "/api/v1/pods?watch=true&resourceVersion=" + std::to_string(rv_at_6m) + "&timeoutSeconds=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const std::vector<json> events = watch_events(r.body);
  EXPECT_EQ(events.size(), log.entries.size());
  expect_same_pod_changes(events, log.entries, log.entries.size());

  // From a later version: only what follows it; in one namespace: only its pods.
  const std::string mid_rv = events[4]["object"]["metadata"]["resourceVersion"];
  const std::vector<json> later =
      watch_events(request(served.port(), "/api/v1/namespaces/prod/pods?watch=1&resourceVersion=" + mid_rv + "&timeoutSeconds=1").body);
  std::vector<PodLog::Entry> expected_later;
  for (std::size_t i = 5; i < log.entries.size(); ++i)
    if (log.entries[i].ns == "prod") expected_later.push_back(log.entries[i]);
  EXPECT_EQ(later.size(), expected_later.size());
  expect_same_pod_changes(later, expected_later, expected_later.size());
}

TEST(Serve, WatchWithASelectorSeesObjectsComeAndGo) {
  // A pod that starts Running comes into a status.phase=Running watch as ADDED; one that stops
  // matching leaves it as DELETED (the watch cache's rule), so that each ADDED is a pod turning
  // Running and precedes that pod's DELETED.
  ServedWorld served(KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json", minutes(26), minutes(6));
  const std::vector<json> events = watch_events(
      request(served.port(), "/api/v1/namespaces/prod/pods?watch=true&fieldSelector=status.phase%3DRunning&resourceVersion=" +
                                 std::to_string(served.recorded_from_rv()) + "&timeoutSeconds=1")
          .body);
  ASSERT_FALSE(events.empty());
  // The pods Running when the history starts.
  World at_6m(load_scenario(KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json"));
  at_6m.run(SimTime{minutes(6)});
  std::set<std::string> running;
  for (const ObjectPtr& p : at_6m.api().list("Pod", "prod"))
    if ((*p)["status"].value("phase", "") == "Running") running.insert((*p)["metadata"]["name"].get<std::string>());
  int added = 0;
  for (const json& e : events) {
    const std::string name = e["object"]["metadata"]["name"];
    if (e["type"] == "ADDED") {
      ++added;
      EXPECT_EQ(e["object"]["status"]["phase"], "Running") << name;
      EXPECT_TRUE(running.insert(name).second) << name;
    } else if (e["type"] == "DELETED") {
      EXPECT_EQ(running.erase(name), 1u) << name;
    } else {
      EXPECT_EQ(e["type"], "MODIFIED");
      EXPECT_EQ(e["object"]["status"]["phase"], "Running") << name;
      EXPECT_EQ(running.count(name), 1u) << name;
    }
  }
  EXPECT_GE(added, 1);
}

TEST(Serve, WatchWithoutResourceVersionStartsWithTheCurrentState) {
  ServedWorld served(kScenarioFile, minutes(12), minutes(12));
  const json list = request(served.port(), "/api/v1/namespaces/default/pods").doc();
  ASSERT_FALSE(list["items"].empty());
  for (const std::string rv : {"", "&resourceVersion=0"}) {
    const std::vector<json> events =
        watch_events(request(served.port(), "/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1" + rv).body);
    ASSERT_EQ(events.size(), list["items"].size()) << rv;
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i]["type"], "ADDED");
      EXPECT_EQ(events[i]["object"], list["items"][i]);
    }
  }
  // kubectl get -w: each event's object is a Table of one row, the row the list's Table has; the
  // first alone carries the column definitions (kube-apiserver's NoHeaders after the first).
  const json table = request(served.port(), "/api/v1/namespaces/default/pods", kTableAccept).doc();
  const std::vector<json> rows =
      watch_events(request(served.port(), "/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1", kTableAccept).body);
  ASSERT_EQ(rows.size(), table["rows"].size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["object"]["kind"], "Table");
    EXPECT_EQ(rows[i]["object"]["columnDefinitions"], i == 0 ? table["columnDefinitions"] : json(nullptr)) << i;
    ASSERT_EQ(rows[i]["object"]["rows"].size(), 1u);
    EXPECT_EQ(rows[i]["object"]["rows"][0], table["rows"][i]);
  }
}

TEST(Serve, WatchFromBeforeTheHistoryIsGone) {
  // The history starts where serving starts (here 6m): an older resourceVersion is 410 Expired,
  // sent as kube-apiserver's watch cache sends it, an ERROR event in a 200 stream.
  ServedWorld served(KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json", minutes(6), minutes(6));
  const std::uint64_t floor = served.recorded_from_rv();
  ASSERT_GT(floor, 5u);
  const Reply r = request(served.port(), "/api/v1/pods?watch=true&resourceVersion=5");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    "\"message\":\"too old resource version: 5 (" + std::to_string(floor) + ")\",\"reason\":\"Expired\",\"code\":410}}\n");
  // From the floor itself: nothing has changed since, nothing is sent.
  EXPECT_EQ(request(served.port(), "/api/v1/pods?watch=true&timeoutSeconds=1&resourceVersion=" + std::to_string(floor)).body, "");
  EXPECT_EQ(request(served.port(), "/api/v1/pods?watch=true&resourceVersion=abc").status, 400);
}

TEST(Serve, WatchBookmarksComeBeforeTheDeadline) {
  // A bookmark 2 s before the deadline (timeoutSeconds 3), with the current resourceVersion and
  // an empty object of the kind; none unless asked for.
  ServedWorld served(KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json", minutes(6), minutes(6));
  const std::string rv = std::to_string(served.world().api().resource_version());
  const auto start = std::chrono::steady_clock::now();
  const std::vector<json> events = watch_events(
      request(served.port(), "/apis/apps/v1/deployments?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=" + rv).body);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2900));  // the watch lasts its timeout
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], json::parse(R"({"type":"BOOKMARK","object":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"resourceVersion":")" +
                                   rv + R"(","creationTimestamp":null}}})"));
  EXPECT_EQ(request(served.port(), "/apis/apps/v1/deployments?watch=true&timeoutSeconds=3&resourceVersion=" + rv).body, "");
}

// What the simulation's own catch-all watcher sees first: the instant of the first change.
class FirstChange : public Watcher {
 public:
  explicit FirstChange(const Engine& engine) : engine_(engine) {}
  void on_watch_event(const WatchEvent&) override {
    if (!at) at = engine_.now();
  }
  std::optional<SimTime> at;

 private:
  const Engine& engine_;
};

json control(LiveRun& live, const std::string& method, const std::string& target, std::chrono::steady_clock::time_point now,
             int expected_status = 200) {
  ApiRequest request;
  request.method = method;
  request.target = target;
  request.accept = "application/json";
  const ApiResponse r = live.control(request, now);
  EXPECT_EQ(r.status, expected_status) << target << ": " << r.body;
  return json::parse(r.body);
}

// kcsim exercise start --serve: the simulator's kcsim.io/* annotations (oom-crashloop's
// kcsim.io/crash-after on the pod template, hence on every pod) would give the cause away. Hidden,
// they are in no LIST, no Table, no GET and no watch event, with their managedFields entries; the
// rest of the object is served as stored. The same requests served as stored show them.
TEST(Serve, HiddenSimulatorAnnotationsAreInNoListTableOrWatchEvent) {
  World world(load_scenario(KCSIM_SOURCE_DIR "/scenarios/oom-crashloop.json"));
  world.run(SimTime{minutes(1)});
  WatchHistory history(world.api());
  const std::string rv_at_1m = std::to_string(world.api().resource_version());
  world.run(SimTime{minutes(20)});  // the container is OOM-killed and restarted: the pod changes
  ClusterApi as_stored(world, "127.0.0.1:1", &history);
  ClusterApi hidden(world, "127.0.0.1:1", &history);
  hidden.hide_simulator_annotations();

  const auto body = [](const ClusterApi& api, const std::string& target, const std::string& accept = "application/json") {
    ApiRequest request;
    request.target = target;
    request.accept = accept;
    ApiResponse response = api.handle(request);
    EXPECT_EQ(response.status, 200) << target << "\n" << response.body;
    if (response.stream) {
      // A watch: everything the history holds is sent at the first poll; none ends the stream.
      std::string out;
      response.stream->poll(std::chrono::steady_clock::now(), out);
      return out;
    }
    return response.body;
  };
  const std::string pods = "/api/v1/namespaces/prod/pods";
  const std::string deployments = "/apis/apps/v1/namespaces/prod/deployments";
  const std::string watch = pods + "?watch=true&resourceVersion=" + rv_at_1m;
  for (const auto& [target, accept] : std::vector<std::pair<std::string, std::string>>{
           {pods, "application/json"},
           {deployments, "application/json"},
           {deployments + "/immigranta-backend", "application/json"},
           {pods + "?includeObject=Object", kTableAccept},
           {deployments, kTableAccept},  // PartialObjectMetadata: the annotations and managedFields
           {watch, "application/json"},
           {watch + "&includeObject=Object", kTableAccept}}) {
    const std::string stored = body(as_stored, target, accept), served = body(hidden, target, accept);
    EXPECT_NE(stored.find("kcsim.io/crash-after"), std::string::npos) << target << " " << accept;
    EXPECT_EQ(served.find("kcsim.io/"), std::string::npos) << target << " " << accept << "\n" << served;
  }
  // The managedFields entry of the annotation goes with it; the memory limit stays.
  EXPECT_NE(body(as_stored, deployments + "/immigranta-backend").find("\"f:kcsim.io/crash-after\""), std::string::npos);
  const json deployment = json::parse(body(hidden, deployments + "/immigranta-backend"));
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"], "512Mi");
  EXPECT_EQ(deployment, without_simulator_annotations(*with_managed_fields(world.api().get({"Deployment", "prod", "immigranta-backend"}))));
  // The watch sent the pod's changes since 1m: the restarts.
  const std::vector<json> events = watch_events(body(hidden, watch));
  ASSERT_GE(events.size(), 2u);
  for (const json& e : events) EXPECT_EQ(e["object"]["kind"], "Pod");
}

TEST(Serve, TimeControlPausesResumesStepsAndJumps) {
  const std::string file = KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json";
  World world(load_scenario(file));
  world.run(SimTime{minutes(6)});
  WatchHistory history(world.api());
  const auto t0 = std::chrono::steady_clock::now();
  LiveRun live(world, history, 0, t0);  // no --speed: paused at 6m
  json state = control(live, "GET", "/kcsim/control", t0);
  EXPECT_EQ(state["instant"], "6m0s");
  EXPECT_EQ(state["end"], "6h0m0s");
  EXPECT_EQ(state["paused"], true);
  EXPECT_EQ(control(live, "POST", "/kcsim/control?action=resume", t0, 400)["message"],
            "resume needs a speed (resume&speed=60): the server was started without --speed");

  // step: to the end of the engine event that makes the next change, as a watcher of the same
  // run sees it.
  World reference(load_scenario(file));
  reference.run(SimTime{minutes(6)});
  FirstChange first(reference.engine());
  reference.api().watch("", &first, Duration{0});
  reference.api().watch("Event", &first, Duration{0});
  reference.run(SimTime{minutes(20)});
  ASSERT_TRUE(first.at);
  state = control(live, "POST", "/kcsim/control?action=step", t0);
  EXPECT_EQ(state["instant"], format_go_duration(first.at->time_since_epoch()));
  EXPECT_GE(history.end_index(), 1u);

  // jump: the cluster is the one a straight run to the instant gives.
  World straight(load_scenario(file));
  straight.run(SimTime{minutes(10)});
  state = control(live, "POST", "/kcsim/control?action=jump&to=10m", t0);
  EXPECT_EQ(state["instant"], "10m0s");
  EXPECT_EQ(state["resourceVersion"], std::to_string(straight.api().resource_version()));
  EXPECT_EQ(control(live, "POST", "/kcsim/control?action=jump&to=5m", t0, 400)["message"],
            "cannot jump back to 5m0s: the cluster is at 10m0s (time runs forward only)");
  EXPECT_EQ(control(live, "POST", "/kcsim/control?action=jump&by=30s", t0)["instant"], "10m30s");

  // resume at 600x: a wall-clock second later the run is 10 simulated minutes further; paused, it stays.
  EXPECT_EQ(control(live, "POST", "/kcsim/control?action=resume&speed=600", t0)["paused"], false);
  live.tick(t0 + std::chrono::seconds(1));
  EXPECT_EQ(control(live, "GET", "/kcsim/control", t0 + std::chrono::seconds(1))["instant"], "20m30s");
  EXPECT_EQ(control(live, "POST", "/kcsim/control?action=pause", t0 + std::chrono::seconds(1))["instant"], "20m30s");
  live.tick(t0 + std::chrono::seconds(5));
  EXPECT_EQ(control(live, "GET", "/kcsim/control", t0 + std::chrono::seconds(5))["instant"], "20m30s");
  // The clock never passes the scenario's end.
  EXPECT_EQ(control(live, "POST", "/kcsim/control?action=jump&to=7h", t0)["instant"], "6h0m0s");
  EXPECT_EQ(control(live, "POST", "/kcsim/control?action=rewind", t0, 400)["message"],
            "unknown action \"rewind\": expected pause, resume, step or jump");
  EXPECT_EQ(control(live, "DELETE", "/kcsim/control", t0, 405)["reason"], "MethodNotAllowed");
}

TEST(Serve, KubeconfigIsOverwrittenOnlyWhenKcsimWroteIt) {
  const std::string dir = testing::test_dir();
  const std::string ours = dir + "/ours", theirs = dir + "/theirs", missing = dir + "/missing";
  std::ofstream(ours) << serve_kubeconfig("http://127.0.0.1:1", "kcsim", "t.json at 6m", "s3cr3t");
  std::ofstream(theirs) << "apiVersion: v1\nkind: Config\n";
  std::filesystem::remove(missing);
  EXPECT_EQ(serve_kubeconfig_refusal(ours), std::nullopt);
  EXPECT_EQ(serve_kubeconfig_refusal(missing), std::nullopt);
  ASSERT_TRUE(serve_kubeconfig_refusal(theirs).has_value());
  EXPECT_NE(serve_kubeconfig_refusal(theirs)->find("was not written by kcsim serve"), std::string::npos);
  const std::string text = serve_kubeconfig("http://127.0.0.1:1", "kcsim", "t.json at 6m", "s3cr3t");
  EXPECT_EQ(text.rfind(kKubeconfigMarker, 0), 0u);
  EXPECT_NE(text.find("    server: http://127.0.0.1:1\n"), std::string::npos);
  EXPECT_NE(text.find("current-context: kcsim\n"), std::string::npos);

  // The command refuses before running anything, and leaves the file as it was.
  const testing::CliResult refused = testing::run_kcsim("serve " + std::string(kScenarioFile) + " --at 1m --kubeconfig " + theirs);
  EXPECT_EQ(refused.status, 2);
  EXPECT_EQ(refused.err, "kcsim: --kubeconfig " + theirs +
                             " exists and was not written by kcsim serve (it may be your own kubeconfig); name another file, or remove this one\n");
  EXPECT_EQ(testing::slurp(theirs), "apiVersion: v1\nkind: Config\n");
}

TEST(ServeCommand, ServesUntilSigtermAndWritesTheKubeconfig) {
  const std::string dir = testing::test_dir();
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  std::filesystem::remove(kubeconfig);
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--kubeconfig", kubeconfig});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  const std::string address = "https://127.0.0.1:" + std::to_string(serve.port());
  EXPECT_EQ(serve.ready_line(), "kcsim serve: " + std::string(kScenarioFile) + " at 6m0s on " + address + "; kubeconfig " +
                                    kubeconfig + " (KUBECONFIG=" + kubeconfig + " kubectl get pods)\n");
  const std::string config = testing::slurp(kubeconfig);
  EXPECT_EQ(config.rfind(kKubeconfigMarker, 0), 0u);
  EXPECT_NE(config.find("    server: " + address + "\n"), std::string::npos) << config;
  EXPECT_EQ(serve.request("/version").doc()["gitVersion"], "v1.32.0");
  EXPECT_EQ(serve.stop(), 0);
  EXPECT_EQ(serve.err(), "kcsim serve: stopped by SIGTERM\n");
}

TEST(ServeCommand, RealKubectlPrintsWhatKcsimKubectlPrints) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: the comparison with the real kubectl is skipped";
  const std::string dir = testing::test_dir();
  const std::string scenario = KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json";
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  ServeProcess serve(dir, {scenario, "--at", "2h", "--kubeconfig", kubeconfig});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  for (const std::string args : {"get pods -n prod", "get deploy -n prod", "get events -n prod", "get rs -n prod -o wide",
                                 "get pods -A", "get deploy,hpa -n prod", "get pods -n prod --show-labels",
                                 "get deploy immigranta-backend -n prod -o yaml", "get pods -n prod -o json",
                                 "get scaledobjects -A", "get applications -A", "get pod nope -n prod",
                                 "get pods -n prod -l app=nope", "get pods -n prod -o wide", "get all -n prod",
                                 "get hpa -A", "get pods -n prod --field-selector status.phase=Running"}) {
    const std::string real_cmd = "timeout 60 " + *kubectl + " --kubeconfig " + kubeconfig + " --cache-dir " + dir + "/cache " + args +
                                 " >" + dir + "/real.out 2>" + dir + "/real.err";
    const int raw = std::system(real_cmd.c_str());
    const int real_status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    const testing::CliResult sim = testing::run_kcsim("kubectl " + scenario + " --at 2h -- " + args, 60);
    EXPECT_EQ(testing::slurp(dir + "/real.out"), sim.out) << "kubectl " << args;
    EXPECT_EQ(testing::slurp(dir + "/real.err"), sim.err) << "kubectl " << args;
    EXPECT_EQ(real_status, sim.status) << "kubectl " << args;
  }
  EXPECT_EQ(serve.stop(), 0);
}

// --speed: the served run is `kcsim run`'s run, paced by the wall clock. A watch from the
// resourceVersion of --at sees the changes the simulation's own watcher sees, in order, however
// fast or slow the machine.
TEST(ServeCommand, SpeedRunsTheSameRunLive) {
  const std::string dir = testing::test_dir();
  const std::string file = KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json";
  World reference(load_scenario(file));
  reference.run(SimTime{minutes(6)});
  const std::uint64_t rv_at_6m = reference.api().resource_version();
  PodLog log;
  reference.api().watch("Pod", &log, Duration{0});
  reference.run(SimTime{hours(1)});

  ServeProcess serve(dir, {file, "--at", "6m", "--speed", "300", "--kubeconfig", dir + "/kcsim.kubeconfig"});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  EXPECT_NE(serve.ready_line().find(" at 6m0s running at 300x on https://127.0.0.1:"), std::string::npos) << serve.ready_line();
  // 3 s of wall time: some 15 simulated minutes (at least a few, on a loaded machine).
  const Reply r = serve.request("/api/v1/pods?watch=true&timeoutSeconds=3&resourceVersion=" + std::to_string(rv_at_6m));
  const std::vector<json> events = watch_events(r.body);
  ASSERT_GE(events.size(), 4u) << r.body;
  expect_same_pod_changes(events, log.entries, events.size());
  // A read sees the simulated instant the run has reached: past the watch's last change.
  const json list = serve.request("/api/v1/pods").doc();
  EXPECT_GE(std::stoull(list["metadata"]["resourceVersion"].get<std::string>()),
            std::stoull(events.back()["object"]["metadata"]["resourceVersion"].get<std::string>()));
  // The time control over HTTP: paused, the cluster stays at its instant.
  const Reply paused = serve.request("/kcsim/control?action=pause", "application/json", http::verb::post);
  EXPECT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.doc()["paused"], true);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(serve.request("/kcsim/control").doc()["instant"], paused.doc()["instant"]);
  EXPECT_EQ(serve.request("/kcsim/control?action=jump&to=5h").doc()["instant"], paused.doc()["instant"]);  // GET changes nothing
  const Reply jumped = serve.request("/kcsim/control?action=jump&to=5h", "application/json", http::verb::post);
  EXPECT_EQ(jumped.doc()["instant"], "5h0m0s");
  EXPECT_EQ(serve.stop(), 0);
}

TEST(ServeCommand, SpeedIsANumberAboveZero) {
  for (const std::string speed : {"0", "-1", "fast", "1e9"}) {
    const testing::CliResult r = testing::run_kcsim("serve " + std::string(kScenarioFile) + " --at 1m --speed " + speed);
    EXPECT_EQ(r.status, 2) << speed;
    EXPECT_NE(r.err.find("--speed " + speed + " is not a speed: expected a number above 0"), std::string::npos) << r.err;
  }
}

// `kubectl get pods -w` during a --speed run: the real kubectl lists, then watches (a Table watch
// from the list's resourceVersion) and prints the pods the six-minute loop creates and deletes.
TEST(ServeCommand, RealKubectlWatchesPodsComeAndGo) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: kubectl get -w is not tried";
  const std::string dir = testing::test_dir();
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  ServeProcess serve(dir, {KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json", "--at", "0s", "--speed", "300", "--kubeconfig", kubeconfig});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  // Some 6 s of wall time (30 simulated minutes, six periods of the loop).
  const std::string cmd = "timeout 6 " + *kubectl + " --kubeconfig " + kubeconfig + " --cache-dir " + dir +
                          "/cache get pods -n prod -w --output-watch-events >" + dir + "/watch.out 2>" + dir + "/watch.err";
  const int raw = std::system(cmd.c_str());
  EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 124) << testing::slurp(dir + "/watch.err");  // stopped by timeout
  const std::string out = testing::slurp(dir + "/watch.out");
  EXPECT_EQ(out.rfind("EVENT", 0), 0u) << out;  // the header of --output-watch-events
  std::set<std::string> added, deleted;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string type, name;
    words >> type >> name;
    if (type == "ADDED") added.insert(name);
    if (type == "DELETED") deleted.insert(name);
  }
  // Pods seen created and then deleted (the loop keeps none for long: none is listed at 0s).
  int created_and_deleted = 0;
  for (const std::string& name : deleted) created_and_deleted += added.count(name) ? 1 : 0;
  EXPECT_GE(deleted.size(), 1u) << out;
  EXPECT_GE(created_and_deleted, 2) << out;
  EXPECT_EQ(testing::slurp(dir + "/watch.err"), "");
  EXPECT_EQ(serve.stop(), 0);
}

}  // namespace
}  // namespace kcsim
