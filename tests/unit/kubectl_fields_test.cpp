// Unit tests of fields as kubectl shows them from what the API server and the kubelet write:
// metadata.generation on pods (KEP-5067, Kubernetes 1.33), the time stamps of
// `kubectl logs --timestamps` (the kubelet's RFC3339NanoFixed) and an event's SUBOBJECT
// (involvedObject.fieldPath).
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

json web_pod() {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", "web-1"}, {"namespace", "prod"}}},
          {"spec", {{"containers", json::array({{{"name", "backend"}, {"image", "web:1"}}})}}}};
}

std::string generation_of_pod_after_an_update(int kubernetes_minor) {
  Engine engine;
  ApiServerOptions options;
  options.kubernetes_minor = kubernetes_minor;
  ApiServer api(engine, Epoch{}, options);
  EXPECT_TRUE(api.create(web_pod(), "test").status.ok());
  json updated = *api.get({"Pod", "prod", "web-1"});
  updated["spec"]["activeDeadlineSeconds"] = 60;  // a spec change: what bumps a generation
  EXPECT_TRUE(api.update(std::move(updated), "test").status.ok());
  Versions versions;
  versions.set("kubernetes", fmt::format("1.{}.0", kubernetes_minor));
  const KubectlResult r = kubectl_exec(api, versions, {"get", "pod", "web-1", "-n", "prod", "-o", "jsonpath={.metadata.generation}"});
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

TEST(PodGeneration, AbsentUpTo132) {
  // The pod registry strategy of 1.32 never sets metadata.generation, on create or update.
  EXPECT_EQ(generation_of_pod_after_an_update(32), "");
  EXPECT_EQ(generation_of_pod_after_an_update(28), "");
}

TEST(PodGeneration, FromKubernetes133CountsSpecChanges) {
  // KEP-5067: 1 on create, +1 on each spec change.
  EXPECT_EQ(generation_of_pod_after_an_update(33), "2");
}

TEST(KubectlLogs, TimestampsAlwaysHaveNineFractionalDigits) {
  // `kubectl logs --timestamps` prints the kubelet's time stamp of each line, written as
  // RFC3339NanoFixed ("2006-01-02T15:04:05.000000000Z07:00"): whole seconds and 400 ms keep
  // their zeros.
  Engine engine;
  ApiServer api(engine, Epoch{});
  json pod = web_pod();
  pod["status"] = {{"phase", "Running"},
                   {"containerStatuses",
                    json::array({{{"name", "backend"},
                                  {"ready", true},
                                  {"restartCount", 0},
                                  {"image", "web:1"},
                                  {"imageID", ""},
                                  {"state", {{"running", {{"startedAt", api.epoch().rfc3339(SimTime{seconds(55)})}}}}}}})}};
  ASSERT_TRUE(api.create(std::move(pod), "test").status.ok());
  engine.run_until(SimTime{minutes(2)});
  const json kubelet = {{"images",
                         {{"web:1",
                           {{"startupLog",
                             json::array({"starting", {{"after", "400ms"}, {"line", "listening on :8080"}}, {{"after", "1s"}, {"line", "ready"}}})}}}}}};
  const KubectlResult r = kubectl_exec(api, Versions{}, {"logs", "web-1", "-n", "prod", "--timestamps"}, &kubelet);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "2026-01-01T12:00:55.000000000Z starting\n"
            "2026-01-01T12:00:55.400000000Z listening on :8080\n"
            "2026-01-01T12:00:56.000000000Z ready\n");
}

TEST(KubectlEvents, SubobjectIsTheInvolvedObjectsFieldPath) {
  // printers.go printEvent -o wide: SUBOBJECT is involvedObject.fieldPath; the same reason and
  // message on two containers are two Events (client-go getEventKey has the fieldPath).
  Engine engine;
  ApiServer api(engine, Epoch{});
  ASSERT_TRUE(api.create(web_pod(), "test").status.ok());
  engine.run_until(SimTime{seconds(5)});
  api.record_event({"Pod", "prod", "web-1"}, "Normal", "Pulled", "Container image \"web:1\" already present on machine", "kubelet",
                   "node-1", "spec.containers{backend}");
  api.record_event({"Pod", "prod", "web-1"}, "Normal", "Pulled", "Container image \"web:1\" already present on machine", "kubelet",
                   "node-1", "spec.containers{sidecar}");
  engine.run_until(SimTime{seconds(20)});
  const KubectlResult r = kubectl_exec(api, Versions{}, {"get", "events", "-n", "prod", "-o", "wide"});
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string msg = "Container image \"web:1\" already present on machine";
  const std::string m(msg.size() + 3 - 7, ' ');  // MESSAGE padded to its widest cell plus 3
  const std::string nanos = fmt::format("{:x}", (Epoch{}.unix_seconds + 5) * 1000000000);
  const std::string nanos1 = fmt::format("{:x}", (Epoch{}.unix_seconds + 5) * 1000000000 + 1);  // makeEvent's collision rule
  EXPECT_EQ(r.out,
            "LAST SEEN   TYPE     REASON   OBJECT      SUBOBJECT                  SOURCE            MESSAGE" + m +
                "FIRST SEEN   COUNT   NAME\n"
                "15s         Normal   Pulled   pod/web-1   spec.containers{backend}   kubelet, node-1   " + msg + "   15s          1       web-1." + nanos + "\n"
                "15s         Normal   Pulled   pod/web-1   spec.containers{sidecar}   kubelet, node-1   " + msg + "   15s          1       web-1." + nanos1 + "\n");
}

TEST(KubectlJsonPath, RangeRunsItsActionsPerItemRelativeToIt) {
  // client-go util/jsonpath: {range PATH}...{end} renders its actions once per result of PATH,
  // paths inside relative to that result; ranges nest; several results of one path are joined
  // by a space.
  Engine engine;
  ApiServer api(engine, Epoch{});
  json a = web_pod();
  a["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "envoy:1"}});
  ASSERT_TRUE(api.create(a, "test").status.ok());
  json b = web_pod();
  b["metadata"]["name"] = "web-2";
  ASSERT_TRUE(api.create(b, "test").status.ok());
  auto get = [&](const std::string& jsonpath) {
    const KubectlResult r = kubectl_exec(api, Versions{}, {"get", "pods", "-n", "prod", "-o", "jsonpath=" + jsonpath});
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  };
  EXPECT_EQ(get(R"({range .items[*]}{.metadata.name}{"\t"}{.spec.containers[*].name}{"\n"}{end})"),
            "web-1\tbackend sidecar\n"
            "web-2\tbackend\n");
  EXPECT_EQ(get(R"({range .items[*]}{.metadata.name}:{range .spec.containers[*]} {.image}{end};{end})"),
            "web-1: web:1 envoy:1;web-2: web:1;");
  EXPECT_EQ(get(R"({range .items[?(@.metadata.name=="web-2")]}[{.metadata.name}]{end})"), "[web-2]");
  EXPECT_THROW(get("{range .items[*]}{.metadata.name}"), KubectlUsageError);
  EXPECT_THROW(get("{.metadata.name}{end}"), KubectlUsageError);
}

TEST(KubectlEvents, OwnPrinterSortedByLastTimeWithRepeats) {
  // kubectl events (pkg/cmd/events): sorted by last time, OBJECT "Kind/name" as the kind is
  // spelled, LAST SEEN "<last> (xN over <first>)" for a repeated event (getInterval).
  Engine engine;
  ApiServer api(engine, Epoch{});
  ASSERT_TRUE(api.create(web_pod(), "test").status.ok());
  const ObjectRef pod{"Pod", "prod", "web-1"};
  const std::string backoff = "Back-off restarting failed container backend";
  for (int t : {5, 10, 20, 40, 70}) {
    engine.run_until(SimTime{seconds(t)});
    if (t == 5) api.record_event(pod, "Normal", "Scheduled", "Successfully assigned prod/web-1 to node-1", "default-scheduler");
    else if (t == 20) api.record_event(pod, "Normal", "Pulled", "Container image \"web:1\" already present on machine", "kubelet", "node-1");
    else api.record_event(pod, "Warning", "BackOff", backoff, "kubelet", "node-1");
  }
  engine.run_until(SimTime{seconds(100)});
  auto run = [&](const std::vector<std::string>& args) { return kubectl_exec(api, Versions{}, args); };
  EXPECT_EQ(run({"events", "-n", "prod"}).out,
            "LAST SEEN           TYPE      REASON      OBJECT      MESSAGE\n"
            "95s                 Normal    Scheduled   Pod/web-1   Successfully assigned prod/web-1 to node-1\n"
            "80s                 Normal    Pulled      Pod/web-1   Container image \"web:1\" already present on machine\n"
            "30s (x3 over 90s)   Warning   BackOff     Pod/web-1   Back-off restarting failed container backend\n");
  EXPECT_EQ(run({"events", "-A", "--types", "Warning", "--for", "pod/web-1"}).out,
            "NAMESPACE   LAST SEEN           TYPE      REASON    OBJECT      MESSAGE\n"
            "prod        30s (x3 over 90s)   Warning   BackOff   Pod/web-1   Back-off restarting failed container backend\n");
  const KubectlResult none = run({"events"});
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, "No events found in default namespace.\n");
  EXPECT_EQ(run({"events", "-A", "--for", "deployment/web"}).err, "No events found.\n");
}

}  // namespace
}  // namespace kcsim
