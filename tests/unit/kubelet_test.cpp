// The kubelet and scheduler model (models/kube/kubelet.cpp): the pod lifecycle and its timings,
// image pulls, probes, crashes with CrashLoopBackOff, and graceful termination.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"

using namespace kcsim;
using kcsim::testing::at;
using kcsim::testing::EventLog;
using kcsim::testing::make_world;

namespace {

const std::set<std::string> kKubelet = {"kubelet"};

json pod(const std::string& name = "web", const json& annotations = json::object(),
         const std::string& image = "nginx:1.25") {
  json p = {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", "default"}}},
            {"spec", {{"containers", json::array({{{"name", "app"}, {"image", image}}})}}}};
  if (!annotations.empty()) p["metadata"]["annotations"] = annotations;
  return p;
}

json with_probe(json p) {
  p["spec"]["containers"][0]["readinessProbe"] = {{"httpGet", {{"path", "/healthz"}, {"port", 8080}}}};
  return p;
}

json scenario(std::vector<json> objects, json settings = json::object(), const std::string& k8s = "1.32.0") {
  json s = {{"versions", {{"kubernetes", k8s}}}, {"objects", objects}};
  if (!settings.empty()) s["settings"]["kubelet"] = settings;
  return s;
}

ObjectPtr get_pod(World& w, const std::string& name = "web") {
  return w.api().get(ObjectRef{"Pod", "default", name});
}

const json* condition(const json& p, const std::string& type) {
  if (!p.contains("status") || !p["status"].contains("conditions")) return nullptr;
  const json& st = p["status"];
  for (const json& c : st["conditions"])
    if (c.value("type", "") == type) return &c;
  return nullptr;
}

// kubectl's STATUS column for the states this model produces (printers.go printPod).
std::string kubectl_status(const json& p) {
  if (p["metadata"].contains("deletionTimestamp")) return "Terminating";
  const json st = p.value("status", json::object());
  std::string reason = st.value("phase", "Pending");
  for (const json& c : st.value("containerStatuses", json::array())) {
    if (c["state"].contains("waiting") && c["state"]["waiting"].contains("reason"))
      reason = c["state"]["waiting"]["reason"];
    else if (c["state"].contains("terminated"))
      reason = c["state"]["terminated"].value("reason", "Error");
  }
  return reason;
}

std::string kubectl_ready(const json& p) {
  int ready = 0;
  for (const json& c : p.value("status", json::object()).value("containerStatuses", json::array()))
    ready += c.value("ready", false);
  return std::to_string(ready) + "/" + std::to_string(p["spec"]["containers"].size());
}

std::vector<double> times_of(const std::vector<EventLog::Entry>& es) {
  std::vector<double> out;
  for (const auto& e : es) out.push_back(to_seconds(e.at));
  return out;
}

}  // namespace

TEST(Kubelet, PodGoesPendingContainerCreatingRunningThenReady) {
  auto w = make_world(scenario({with_probe(pod())}), kKubelet);
  EventLog log(*w);
  struct Sample {
    double t;
    std::string status, ready;
  };
  const std::vector<Sample> expected = {{0.5, "Pending", "0/1"},           {1.5, "ContainerCreating", "0/1"},
                                        {5.5, "ContainerCreating", "0/1"}, {6.5, "Running", "0/1"},
                                        {10.5, "Running", "0/1"},          {11.5, "Running", "1/1"}};
  for (const Sample& s : expected) {
    w->run(at(microseconds(static_cast<std::int64_t>(s.t * 1e6))));
    const json p = *get_pod(*w);
    EXPECT_EQ(kubectl_status(p), s.status) << "at " << s.t;
    EXPECT_EQ(kubectl_ready(p), s.ready) << "at " << s.t;
  }
  const json p = *get_pod(*w);
  EXPECT_EQ(p["spec"]["nodeName"], "node-1");
  EXPECT_EQ(p["status"]["hostIP"], "172.18.0.2");
  EXPECT_EQ(p["status"]["podIP"], "10.244.1.2");
  EXPECT_EQ(p["status"]["startTime"], "2026-01-01T12:00:01Z");
  EXPECT_EQ(p["status"]["qosClass"], "BestEffort");
  const json& cs = p["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["image"], "docker.io/library/nginx:1.25");
  EXPECT_TRUE(std::regex_match(cs["containerID"].get<std::string>(), std::regex("^containerd://[0-9a-f]{64}$")));
  EXPECT_TRUE(std::regex_match(cs["imageID"].get<std::string>(),
                               std::regex("^docker.io/library/nginx@sha256:[0-9a-f]{64}$")));
  EXPECT_EQ(cs["state"]["running"]["startedAt"], "2026-01-01T12:00:06Z");
  EXPECT_EQ(cs["started"], true);
  EXPECT_EQ((*condition(p, "Ready"))["lastTransitionTime"], "2026-01-01T12:00:11Z");
  EXPECT_EQ((*condition(p, "PodScheduled"))["lastTransitionTime"], "2026-01-01T12:00:01Z");
  EXPECT_EQ((*condition(p, "PodReadyToStartContainers"))["lastTransitionTime"], "2026-01-01T12:00:02Z");
  EXPECT_EQ(p["status"]["conditions"][0]["type"], "PodReadyToStartContainers");

  auto one = [&](const std::string& reason) {
    auto es = log.with_reason(reason);
    EXPECT_EQ(es.size(), 1u) << reason;
    return es.empty() ? EventLog::Entry{} : es[0];
  };
  auto scheduled = one("Scheduled");
  EXPECT_EQ(scheduled.message, "Successfully assigned default/web to node-1");
  EXPECT_EQ(scheduled.component, "default-scheduler");
  EXPECT_EQ(to_seconds(scheduled.at), 1.0);
  auto pulling = one("Pulling");
  EXPECT_EQ(pulling.message, "Pulling image \"nginx:1.25\"");
  EXPECT_EQ(pulling.component, "kubelet");
  EXPECT_EQ(to_seconds(pulling.at), 2.0);
  auto pulled = one("Pulled");
  EXPECT_TRUE(std::regex_match(pulled.message, std::regex("^Successfully pulled image \"nginx:1\\.25\" in 3s \\(3s "
                                                          "including waiting\\)\\. Image size: [0-9]+ bytes\\.$")))
      << pulled.message;
  EXPECT_EQ(to_seconds(pulled.at), 5.0);
  EXPECT_EQ(one("Created").message, "Created container app");
  auto started = one("Started");
  EXPECT_EQ(started.message, "Started container app");
  EXPECT_EQ(to_seconds(started.at), 6.0);
  // The probe run at container start fails: the app answers from 11 s.
  auto unhealthy = one("Unhealthy");
  EXPECT_EQ(unhealthy.type, "Warning");
  EXPECT_EQ(unhealthy.message,
            "Readiness probe failed: Get \"http://10.244.1.2:8080/healthz\": dial tcp 10.244.1.2:8080: connect: "
            "connection refused");
}

TEST(Kubelet, ContainerEventsNameTheContainerAndProbesResolveNamedPorts) {
  // prober.go: the URL of an HTTP probe has the number of a named port (probe.ResolveContainerPort);
  // every container event is recorded on the container's reference, involvedObject.fieldPath
  // "spec.containers{backend}" (container/ref.go GenerateContainerRef), shown by kubectl as
  // SUBOBJECT. The scheduler's event is about the pod as a whole: no fieldPath.
  json p = pod();
  p["spec"]["containers"][0]["name"] = "backend";
  p["spec"]["containers"][0]["ports"] = json::array({{{"name", "http"}, {"containerPort", 8080}, {"protocol", "TCP"}}});
  p["spec"]["containers"][0]["readinessProbe"] = {{"httpGet", {{"path", "/healthz"}, {"port", "http"}}}};
  auto w = make_world(scenario({p}), kKubelet);
  w->run(at(seconds(12)));
  std::map<std::string, std::string> field_path;  // reason → involvedObject.fieldPath
  std::string unhealthy;
  for (const ObjectPtr& e : w->api().list("Event", "default")) {
    field_path[(*e)["reason"]] = (*e)["involvedObject"].value("fieldPath", "");
    if ((*e)["reason"] == "Unhealthy") unhealthy = (*e)["message"];
  }
  EXPECT_EQ(unhealthy,
            "Readiness probe failed: Get \"http://10.244.1.2:8080/healthz\": dial tcp 10.244.1.2:8080: connect: "
            "connection refused");
  for (const char* reason : {"Pulling", "Pulled", "Created", "Started", "Unhealthy"})
    EXPECT_EQ(field_path[reason], "spec.containers{backend}") << reason;
  EXPECT_EQ(field_path.at("Scheduled"), "");
}

TEST(Kubelet, TcpProbeResolvesANamedPortAndAnUnknownNameStaysAName) {
  // prober.go: a TCP probe dials the pod's IP unless a host is set; a port name that none of the
  // container's ports has is left as it is (findPortByName fails, the name is then read as is).
  json p = pod();
  p["spec"]["containers"][0]["ports"] =
      json::array({{{"name", "metrics"}, {"containerPort", 9090}}, {{"name", "db"}, {"containerPort", 5432}}});
  p["spec"]["containers"][0]["readinessProbe"] = {{"tcpSocket", {{"port", "db"}}}};
  json q = pod("other");
  q["spec"]["containers"][0]["readinessProbe"] = {{"tcpSocket", {{"port", "nope"}, {"host", "10.0.0.9"}}}};
  auto w = make_world(scenario({p, q}), kKubelet);
  w->run(at(seconds(12)));
  std::map<std::string, std::string> unhealthy;  // pod → the first Unhealthy message
  for (const ObjectPtr& e : w->api().list("Event", "default"))
    if ((*e)["reason"] == "Unhealthy") unhealthy.emplace((*e)["involvedObject"]["name"], (*e)["message"]);
  const std::string ip = (*get_pod(*w, "web"))["status"]["podIP"];
  EXPECT_EQ(unhealthy["web"], "Readiness probe failed: dial tcp " + ip + ":5432: connect: connection refused");
  EXPECT_EQ(unhealthy["other"], "Readiness probe failed: dial tcp 10.0.0.9:nope: connect: connection refused");
}

TEST(Kubelet, QosClassFromTheContainersRequestsAndLimits) {
  // BestEffort without cpu or memory requests and limits; Guaranteed when every container,
  // init containers included, limits both and requests what it limits; else Burstable.
  auto with_resources = [](const std::string& name, const json& app, const json& init = nullptr) {
    json p = pod(name);
    p["spec"]["containers"][0]["resources"] = app;
    if (!init.is_null())
      p["spec"]["initContainers"] = json::array({{{"name", "init"}, {"image", "busybox:1.36"}, {"resources", init}}});
    return p;
  };
  const json both = {{"cpu", "500m"}, {"memory", "128Mi"}};
  auto w = make_world(scenario({with_resources("guaranteed", {{"limits", both}, {"requests", both}}),
                                with_resources("limits-only", {{"limits", both}}),
                                with_resources("cpu-only", {{"limits", {{"cpu", "1"}}}, {"requests", {{"cpu", "1"}}}}),
                                with_resources("other-request", {{"limits", both}, {"requests", {{"cpu", "250m"}}}}),
                                with_resources("init-unlimited", {{"limits", both}}, {{"requests", {{"cpu", "1"}}}}),
                                with_resources("gpu-only", {{"limits", {{"nvidia.com/gpu", "1"}}}})}),
                      kKubelet);
  w->run(at(seconds(3)));
  const std::map<std::string, std::string> expected = {
      {"guaranteed", "Guaranteed"}, {"limits-only", "Guaranteed"},     {"cpu-only", "Burstable"},
      {"other-request", "Burstable"}, {"init-unlimited", "Burstable"}, {"gpu-only", "BestEffort"}};
  for (const auto& [name, qos] : expected) EXPECT_EQ((*get_pod(*w, name))["status"]["qosClass"], qos) << name;
}

TEST(Kubelet, ProbeTimingFollowsSettings) {
  json p = with_probe(pod());
  p["spec"]["containers"][0]["readinessProbe"]["periodSeconds"] = 3;
  p["spec"]["containers"][0]["readinessProbe"]["successThreshold"] = 2;
  auto w = make_world(scenario({p}, {{"appStartup", "4s"}, {"imagePull", "2s"}}), kKubelet);
  // Admitted at 1 s, probe ticks at 4, 7, 10, 13 s; started at 5 s (1 + 1 + 2 + 1); up at 9 s;
  // successes at 10 and 13 s → ready at 13 s.
  w->run(at(milliseconds(12900)));
  EXPECT_EQ(kubectl_ready(*get_pod(*w)), "0/1");
  w->run(at(milliseconds(13100)));
  EXPECT_EQ(kubectl_ready(*get_pod(*w)), "1/1");
}

TEST(Kubelet, NoReadinessProbeMeansReadyWhenStarted) {
  auto w = make_world(scenario({pod()}), kKubelet);
  w->run(at(milliseconds(5900)));
  EXPECT_EQ(kubectl_ready(*get_pod(*w)), "0/1");
  w->run(at(milliseconds(6100)));
  EXPECT_EQ(kubectl_ready(*get_pod(*w)), "1/1");
  EXPECT_EQ((*condition(*get_pod(*w), "Ready"))["status"], "True");
}

TEST(Kubelet, SecondPodOnANodeFindsTheImage) {
  for (bool cache : {true, false}) {
    auto w = make_world(scenario({pod("a")}, {{"nodes", 1}, {"imageCache", cache}}), kKubelet);
    EventLog log(*w);
    w->run(at(seconds(20)));
    ASSERT_TRUE(w->api().create(pod("b"), "kubectl").status.ok());
    w->run(at(seconds(40)));
    auto pulled = log.with_reason("Pulled");
    ASSERT_EQ(pulled.size(), 2u);
    if (cache) {
      EXPECT_EQ(pulled[1].message, "Container image \"nginx:1.25\" already present on machine");
      // Seen through the watch 5 ms after its creation at 20 s; scheduled 1 s later.
      EXPECT_NEAR(to_seconds(pulled[1].at), 22.005, 1e-9);
    } else {
      EXPECT_EQ(pulled[1].message.rfind("Successfully pulled image \"nginx:1.25\" in 3s", 0), 0u);
    }
  }
}

TEST(Kubelet, PullPolicyAlwaysPullsAgainQuickly) {
  json b = pod("b");
  b["spec"]["containers"][0]["imagePullPolicy"] = "Always";
  auto w = make_world(scenario({pod("a")}, {{"nodes", 1}}), kKubelet);
  EventLog log(*w);
  w->run(at(seconds(20)));
  ASSERT_TRUE(w->api().create(b, "kubectl").status.ok());
  w->run(at(seconds(40)));
  auto pulled = log.with_reason("Pulled");
  ASSERT_EQ(pulled.size(), 2u);
  EXPECT_EQ(pulled[1].message.rfind("Successfully pulled image \"nginx:1.25\" in 300ms (300ms including waiting)", 0),
            0u)
      << pulled[1].message;
}

TEST(Kubelet, PullsOnANodeAreSerialized) {
  auto w = make_world(scenario({pod("a"), pod("b")}, {{"nodes", 1}}), kKubelet);
  EventLog log(*w);
  w->run(at(seconds(20)));
  auto pulled = log.with_reason("Pulled");
  ASSERT_EQ(pulled.size(), 2u);
  EXPECT_EQ(to_seconds(pulled[0].at), 5.0);
  EXPECT_EQ(pulled[1].message.rfind("Successfully pulled image \"nginx:1.25\" in 300ms (3.3s including waiting)", 0),
            0u)
      << pulled[1].message;
  EXPECT_EQ(to_seconds(pulled[1].at), 5.3);
}

TEST(Kubelet, SchedulerSpreadsPodsOverNodes) {
  std::vector<json> pods;
  for (int i = 0; i < 6; ++i) {
    std::string name = "p";
    name += std::to_string(i);  // (not "p" + ...: GCC 12 -Wrestrict false positive)
    pods.push_back(pod(name));
  }
  auto w = make_world(scenario(pods), kKubelet);
  EventLog log(*w);
  w->run(at(seconds(10)));
  std::map<std::string, int> per_node;
  for (const ObjectPtr& p : w->api().list("Pod", "default")) ++per_node[p->at("spec")["nodeName"]];
  EXPECT_EQ(per_node, (std::map<std::string, int>{{"node-1", 2}, {"node-2", 2}, {"node-3", 2}}));
  auto scheduled = log.with_reason("Scheduled");
  ASSERT_EQ(scheduled.size(), 6u);
  EXPECT_EQ(scheduled[0].message, "Successfully assigned default/p0 to node-1");
  EXPECT_EQ(scheduled[1].message, "Successfully assigned default/p1 to node-2");
  EXPECT_EQ(scheduled[3].message, "Successfully assigned default/p3 to node-1");
}

TEST(Kubelet, CrashLoopBackOffDoublesAndKeepsThePod) {
  auto w = make_world(scenario({pod("web", {{"kcsim.io/crash-after", "30s"}})}), kKubelet);
  EventLog log(*w);
  const std::string uid = get_pod(*w)->at("metadata")["uid"];
  // Started at 6 s; crashes 30 s after every start. Restarts: at once, then after 10, 20, 40,
  // 80, 160 s back-off, then 300 s (the cap).
  w->run(at(seconds(67) + milliseconds(500)));
  {
    const json p = *get_pod(*w);
    EXPECT_EQ(kubectl_status(p), "Error");
    EXPECT_EQ(p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 1);
    EXPECT_EQ(p["status"]["containerStatuses"][0]["restartCount"], 1);
  }
  w->run(at(seconds(70)));
  {
    const json p = *get_pod(*w);
    EXPECT_EQ(kubectl_status(p), "CrashLoopBackOff");
    EXPECT_EQ(p["status"]["phase"], "Running");
    const json& cs = p["status"]["containerStatuses"][0];
    EXPECT_EQ(cs["state"]["waiting"]["message"],
              "back-off 10s restarting failed container=app pod=web_default(" + uid + ")");
    EXPECT_EQ(cs["lastState"]["terminated"]["reason"], "Error");
    EXPECT_EQ(cs["lastState"]["terminated"]["finishedAt"], "2026-01-01T12:01:07Z");
    EXPECT_EQ(cs["ready"], false);
  }
  w->run(at(minutes(15)));
  EXPECT_EQ(get_pod(*w)->at("metadata")["uid"], uid);  // the same pod all along
  EXPECT_EQ(times_of(log.with_reason("Started")),
            (std::vector<double>{6, 37, 78, 129, 200, 311, 502, 833}));
  auto backoff = log.with_reason("BackOff");
  ASSERT_FALSE(backoff.empty());
  EXPECT_EQ(backoff[0].type, "Warning");
  EXPECT_EQ(backoff[0].message, "Back-off restarting failed container app in pod web_default(" + uid + ")");
  EXPECT_EQ(get_pod(*w)->at("status")["containerStatuses"][0]["restartCount"], 7);
  w->run(at(seconds(835)));
  EXPECT_EQ(get_pod(*w)->at("status")["containerStatuses"][0]["restartCount"], 7);
  w->run(at(seconds(866)));
  EXPECT_EQ(get_pod(*w)->at("status")["containerStatuses"][0]["state"]["waiting"]["message"].get<std::string>().rfind(
                "back-off 5m0s restarting", 0),
            0u);
}

TEST(Kubelet, OomKilledReasonAndExitCode) {
  auto w = make_world(
      scenario({pod("web", {{"kcsim.io/crash-after", "1m"}, {"kcsim.io/crash-reason", "OOMKilled"}})}), kKubelet);
  w->run(at(seconds(66) + milliseconds(500)));
  const json p = *get_pod(*w);
  EXPECT_EQ(kubectl_status(p), "OOMKilled");
  w->run(at(seconds(80)));
  const json& last = get_pod(*w)->at("status")["containerStatuses"][0]["lastState"]["terminated"];
  EXPECT_EQ(last["reason"], "OOMKilled");
  EXPECT_EQ(last["exitCode"], 137);
  EXPECT_EQ(last["startedAt"], "2026-01-01T12:00:06Z");
  EXPECT_EQ(last["finishedAt"], "2026-01-01T12:01:06Z");
}

TEST(Kubelet, BackOffIsForgottenAfterTenMinutesOfRunning) {
  auto w = make_world(scenario({pod("web", {{"kcsim.io/crash-after", "11m"}})}), kKubelet);
  EventLog log(*w);
  w->run(at(hours(1)));
  EXPECT_TRUE(log.with_reason("BackOff").empty());
  EXPECT_EQ(times_of(log.with_reason("Started")), (std::vector<double>{6, 667, 1328, 1989, 2650, 3311}));
}

TEST(Kubelet, CrashLimitStopsTheCrashes) {
  auto w = make_world(scenario({pod("web", {{"kcsim.io/crash-after", "10s"}, {"kcsim.io/crash-limit", "2"}})}),
                      kKubelet);
  w->run(at(minutes(10)));
  const json p = *get_pod(*w);
  EXPECT_EQ(p["status"]["containerStatuses"][0]["restartCount"], 2);
  EXPECT_EQ(kubectl_status(p), "Running");
  EXPECT_EQ(kubectl_ready(p), "1/1");
}

TEST(Kubelet, GracefulTerminationTakesTheShutdownTime) {
  auto w = make_world(scenario({pod()}), kKubelet);
  EventLog log(*w);
  w->run(at(seconds(20)));
  ASSERT_TRUE(w->api().remove(ObjectRef{"Pod", "default", "web"}, "kubectl").status.ok());
  w->run(at(seconds(20) + milliseconds(900)));
  ASSERT_TRUE(get_pod(*w));
  EXPECT_EQ(kubectl_status(*get_pod(*w)), "Terminating");
  auto killing = log.with_reason("Killing");
  ASSERT_EQ(killing.size(), 1u);
  EXPECT_EQ(killing[0].message, "Stopping container app");
  w->run(at(seconds(21) + milliseconds(100)));
  EXPECT_FALSE(get_pod(*w));
  const ObjectLifetime* life = nullptr;
  for (const ObjectLifetime& l : w->api().lifetimes())
    if (l.ref == ObjectRef{"Pod", "default", "web"}) life = &l;
  ASSERT_TRUE(life && life->deleted);
  EXPECT_GE(*life->deleted, at(seconds(21)));
  EXPECT_LE(*life->deleted, at(seconds(21) + milliseconds(50)));
  const json& cs = life->last->at("status")["containerStatuses"][0];
  EXPECT_EQ(cs["state"]["terminated"]["exitCode"], 0);
  EXPECT_EQ(life->last->at("status")["phase"], "Succeeded");
}

TEST(Kubelet, ShutdownLongerThanTheGracePeriodIsKilled) {
  json p = pod("web", {{"kcsim.io/shutdown", "60s"}});
  p["spec"]["terminationGracePeriodSeconds"] = 10;
  auto w = make_world(scenario({p}), kKubelet);
  w->run(at(seconds(20)));
  ASSERT_TRUE(w->api().remove(ObjectRef{"Pod", "default", "web"}, "kubectl").status.ok());
  w->run(at(seconds(29)));
  EXPECT_TRUE(get_pod(*w));
  w->run(at(seconds(31)));
  EXPECT_FALSE(get_pod(*w));
  for (const ObjectLifetime& l : w->api().lifetimes())
    if (l.ref == ObjectRef{"Pod", "default", "web"}) {
      EXPECT_EQ(l.last->at("status")["containerStatuses"][0]["state"]["terminated"]["exitCode"], 137);
      EXPECT_EQ(l.last->at("status")["phase"], "Failed");
    }
}

TEST(Kubelet, OlderVersionsOmitNewerFields) {
  auto w = make_world(scenario({pod()}, json::object(), "1.28.0"), kKubelet);
  EventLog log(*w);
  w->run(at(seconds(10)));
  auto pulled = log.with_reason("Pulled");
  ASSERT_EQ(pulled.size(), 1u);
  EXPECT_EQ(pulled[0].message, "Successfully pulled image \"nginx:1.25\" in 3s (3s including waiting)");
  EXPECT_FALSE(condition(*get_pod(*w), "PodReadyToStartContainers"));
}

TEST(Kubelet, RejectsBadSettingsAndAnnotations) {
  auto pointer_of = [](const json& s) {
    try {
      make_world(s, kKubelet);
    } catch (const InputError& e) {
      return e.pointer();
    }
    return std::string("no error");
  };
  EXPECT_EQ(pointer_of(scenario({pod()}, {{"nodes", "three"}})), "/settings/kubelet/nodes");
  EXPECT_EQ(pointer_of(scenario({pod()}, {{"imagePull", "fast"}})), "/settings/kubelet/imagePull");
  EXPECT_EQ(pointer_of(scenario({pod()}, {{"bogus", 1}})), "/settings/kubelet/bogus");
  EXPECT_EQ(pointer_of(scenario({pod()}, {{"images", {{"nginx:1.25", {{"pull", true}}}}}})),
            "/settings/kubelet/images/nginx:1.25/pull");
  EXPECT_EQ(pointer_of(scenario({pod("web", {{"kcsim.io/crash-after", "soon"}})})),
            "/objects/0/metadata/annotations/kcsim.io~1crash-after");
  EXPECT_EQ(pointer_of(scenario({pod("web", {{"kcsim.io/crash-reason", "Segfault"}})})),
            "/objects/0/metadata/annotations/kcsim.io~1crash-reason");
}
