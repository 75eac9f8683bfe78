// Unit tests of `kcsim kubectl describe` for workloads, autoscalers and custom resources,
// `rollout history` and `logs TYPE/NAME`. Each layout is pinned against a published sample
// (quoted beside the test, with what kubectl 1.32 prints differently) or, where no public sample
// exists, against the describer's source: k8s.io/kubectl v0.32.0 pkg/describe/describe.go.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

// A bare API server (no models) whose clock the test moves.
struct Cluster {
  Engine engine;
  std::unique_ptr<ApiServer> api;
  Versions versions;
  json kubelet = json::object();

  explicit Cluster(std::int64_t epoch_unix_seconds = 1767268800) { api = std::make_unique<ApiServer>(engine, Epoch{epoch_unix_seconds}); }
  void advance_to(Duration d) { engine.run_until(SimTime{d}); }
  std::string stamp(Duration d) const { return api->epoch().rfc3339(SimTime{d}); }
  ObjectPtr create(json o) {
    WriteResult r = api->create(std::move(o), "test");
    EXPECT_TRUE(r.status.ok()) << r.status.message;
    return r.object;
  }
  void event(const std::string& kind, const std::string& ns, const std::string& name, const std::string& type,
             const std::string& reason, const std::string& message, const std::string& component) {
    api->record_event({kind, ns, name}, type, reason, message, component);
  }
  KubectlResult run(const std::vector<std::string>& args) { return kubectl_exec(*api, versions, args, &kubelet); }
  std::string out(const std::vector<std::string>& args) {
    const KubectlResult r = run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  }
};

json owner(const ObjectPtr& o) {
  return json::array({{{"apiVersion", (*o)["apiVersion"]},
                       {"kind", (*o)["kind"]},
                       {"name", (*o)["metadata"]["name"]},
                       {"uid", (*o)["metadata"]["uid"]},
                       {"controller", true},
                       {"blockOwnerDeletion", true}}});
}

// The objects of a public transcript of kubectl 1.31 on minikube (a tutorial's `kubectl describe
// rs` and `kubectl describe deployments`, 15 Nov 2024, +0530): Deployment testdeploy (3 replicas,
// maxUnavailable 0, maxSurge 1, minReadySeconds 10, nginx:latest with limits), its ReplicaSet
// testdeploy-674857b948 and three running pods. Times here are UTC: the Deployment is created at
// 10:14:52 (15:44:52 +0530), at t = 0.
struct TestDeploy {
  ObjectPtr deployment, rs;
};

json testdeploy_template(bool with_hash) {
  json labels = {{"environment", "test"}};
  if (with_hash) labels["pod-template-hash"] = "674857b948";
  return {{"metadata", {{"labels", labels}}},
          {"spec",
           {{"containers",
             json::array({{{"name", "nginx"}, {"image", "nginx:latest"}, {"resources", {{"limits", {{"cpu", "500m"}, {"memory", "256Mi"}}}}}}})}}}};
}

TestDeploy testdeploy(Cluster& c) {
  TestDeploy t;
  t.deployment = c.create({{"apiVersion", "apps/v1"},
                           {"kind", "Deployment"},
                           {"metadata",
                            {{"name", "testdeploy"},
                             {"namespace", "default"},
                             {"labels", {{"environment", "test"}}},
                             {"annotations", {{"deployment.kubernetes.io/revision", "1"}}}}},
                           {"spec",
                            {{"replicas", 3},
                             {"minReadySeconds", 10},
                             {"selector", {{"matchLabels", {{"environment", "test"}}}}},
                             {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 0}, {"maxSurge", 1}}}}},
                             {"template", testdeploy_template(false)}}},
                           {"status",
                            {{"replicas", 3},
                             {"updatedReplicas", 3},
                             {"readyReplicas", 3},
                             {"availableReplicas", 3},
                             {"conditions",
                              json::array({{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"}},
                                           {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"}}})}}}});
  t.rs = c.create({{"apiVersion", "apps/v1"},
                   {"kind", "ReplicaSet"},
                   {"metadata",
                    {{"name", "testdeploy-674857b948"},
                     {"namespace", "default"},
                     {"labels", {{"environment", "test"}, {"pod-template-hash", "674857b948"}}},
                     {"annotations",
                      {{"deployment.kubernetes.io/desired-replicas", "3"},
                       {"deployment.kubernetes.io/max-replicas", "4"},
                       {"deployment.kubernetes.io/revision", "1"}}},
                     {"ownerReferences", owner(t.deployment)}}},
                   {"spec",
                    {{"replicas", 3},
                     {"selector", {{"matchLabels", {{"environment", "test"}, {"pod-template-hash", "674857b948"}}}}},
                     {"template", testdeploy_template(true)}}},
                   {"status", {{"replicas", 3}, {"readyReplicas", 3}, {"availableReplicas", 3}}}});
  for (const char* suffix : {"kjjc7", "lq2xv", "tldkt"}) {
    json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata",
                 {{"name", std::string("testdeploy-674857b948-") + suffix},
                  {"namespace", "default"},
                  {"labels", {{"environment", "test"}, {"pod-template-hash", "674857b948"}}},
                  {"ownerReferences", owner(t.rs)}}},
                {"spec", testdeploy_template(true)["spec"]},
                {"status", {{"phase", "Running"}}}};
    pod["spec"]["nodeName"] = "minikube";
    c.create(pod);
  }
  return t;
}

const char* const kTestDeployTemplate = R"(Pod Template:
  Labels:  environment=test
           pod-template-hash=674857b948
  Containers:
   nginx:
    Image:      nginx:latest
    Port:       <none>
    Host Port:  <none>
    Limits:
      cpu:         500m
      memory:      256Mi
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
)";

TEST(KubectlDescribe, ReplicaSetMatchesAKubectl131Transcript) {
  // describe.go describeReplicaSet: the transcript's text byte for byte (ages as printed: the
  // three SuccessfulCreate events 2m13s before the command).
  Cluster c(*parse_rfc3339("2024-11-15T10:14:52Z"));
  testdeploy(c);
  c.advance_to(seconds(1));
  for (const char* suffix : {"kjjc7", "lq2xv", "tldkt"})
    c.event("ReplicaSet", "default", "testdeploy-674857b948", "Normal", "SuccessfulCreate",
            std::string("Created pod: testdeploy-674857b948-") + suffix, "replicaset-controller");
  c.advance_to(seconds(1 + 133));
  EXPECT_EQ(c.out({"describe", "rs", "testdeploy-674857b948"}), std::string(R"(Name:           testdeploy-674857b948
Namespace:      default
Selector:       environment=test,pod-template-hash=674857b948
Labels:         environment=test
                pod-template-hash=674857b948
Annotations:    deployment.kubernetes.io/desired-replicas: 3
                deployment.kubernetes.io/max-replicas: 4
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/testdeploy
Replicas:       3 current / 3 desired
Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed
)") + kTestDeployTemplate + R"(Events:
  Type    Reason            Age    From                   Message
  ----    ------            ----   ----                   -------
  Normal  SuccessfulCreate  2m13s  replicaset-controller  Created pod: testdeploy-674857b948-kjjc7
  Normal  SuccessfulCreate  2m13s  replicaset-controller  Created pod: testdeploy-674857b948-lq2xv
  Normal  SuccessfulCreate  2m13s  replicaset-controller  Created pod: testdeploy-674857b948-tldkt
)");
}

TEST(KubectlDescribe, DeploymentMatchesAKubectl131Transcript) {
  // describe.go describeDeployment, with the transcript's event that repeated: "2m46s (x2 over
  // 6m9s)". The template is the Deployment's (no pod-template-hash label).
  Cluster c(*parse_rfc3339("2024-11-15T10:14:52Z"));
  testdeploy(c);
  c.event("Deployment", "default", "testdeploy", "Normal", "ScalingReplicaSet", "Scaled up replica set testdeploy-674857b948 to 3",
          "deployment-controller");
  c.advance_to(seconds(369 - 166));
  c.event("Deployment", "default", "testdeploy", "Normal", "ScalingReplicaSet", "Scaled up replica set testdeploy-674857b948 to 3",
          "deployment-controller");
  c.advance_to(seconds(369));
  std::string tmpl = kTestDeployTemplate;
  tmpl.erase(tmpl.find("           pod-template-hash=674857b948\n"), std::string("           pod-template-hash=674857b948\n").size());
  const std::string expected = R"(Name:                   testdeploy
Namespace:              default
CreationTimestamp:      Fri, 15 Nov 2024 10:14:52 +0000
Labels:                 environment=test
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               environment=test
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        10
RollingUpdateStrategy:  0 max unavailable, 1 max surge
)" + tmpl + R"(Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   testdeploy-674857b948 (3/3 replicas created)
Events:
  Type    Reason             Age                   From                   Message
  ----    ------             ----                  ----                   -------
  Normal  ScalingReplicaSet  2m46s (x2 over 6m9s)  deployment-controller  Scaled up replica set testdeploy-674857b948 to 3
)";
  EXPECT_EQ(c.out({"describe", "deployments"}), expected);
  // The other ways to name it: TYPE NAME, TYPE/NAME, short name.
  EXPECT_EQ(c.out({"describe", "deploy", "testdeploy"}), expected);
  EXPECT_EQ(c.out({"describe", "deployment/testdeploy"}), expected);
  // A name that matches nothing exactly describes every object it prefixes, each followed by a
  // newline (pkg/cmd/describe DescribeMatchingResources); TYPE/NAME is never a prefix.
  EXPECT_EQ(c.out({"describe", "deploy", "test"}), expected + "\n");
  EXPECT_EQ(c.run({"describe", "deploy/test"}).err, "Error from server (NotFound): deployments.apps \"test\" not found\n");
  EXPECT_EQ(c.run({"describe", "deploy", "nope"}).err, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
  // --show-events=false: no Events section at all.
  EXPECT_EQ(c.out({"describe", "deploy", "testdeploy", "--show-events=false"}), expected.substr(0, expected.find("Events:\n")));
}

TEST(KubectlDescribe, DeploymentListsEveryOldReplicaSetAndDefaultsTheStrategy) {
  // describeDeployment reads GetAllReplicaSetsInChunks' allOldRSs: old ReplicaSets scaled to 0
  // are listed, oldest first. A Deployment stored without strategy shows the API server's
  // defaults (RollingUpdate, 25% / 25%).
  Cluster c;
  const ObjectPtr d = c.create({{"apiVersion", "apps/v1"},
                                {"kind", "Deployment"},
                                {"metadata", {{"name", "web"}, {"namespace", "prod"}}},
                                {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "web:2"}}})}}}}}}}});
  auto rs = [&](const std::string& hash, const std::string& image, int replicas) {
    c.create({{"apiVersion", "apps/v1"},
              {"kind", "ReplicaSet"},
              {"metadata", {{"name", "web-" + hash}, {"namespace", "prod"}, {"labels", {{"app", "web"}, {"pod-template-hash", hash}}}, {"ownerReferences", owner(d)}}},
              {"spec",
               {{"replicas", replicas},
                {"selector", {{"matchLabels", {{"app", "web"}, {"pod-template-hash", hash}}}}},
                {"template", {{"metadata", {{"labels", {{"app", "web"}, {"pod-template-hash", hash}}}}}, {"spec", {{"containers", json::array({{{"name", "web"}, {"image", image}}})}}}}}}},
              {"status", {{"replicas", replicas}}}});
  };
  rs("5d8f7b9c6a", "web:1", 0);
  c.advance_to(seconds(10));
  rs("7c9d8e6f5b", "web:2", 2);
  c.advance_to(seconds(20));
  rs("6b7c5d4e3f", "web:3", 0);
  const std::string out = c.out({"describe", "deploy", "web", "-n", "prod"});
  EXPECT_NE(out.find("StrategyType:           RollingUpdate\nMinReadySeconds:        0\nRollingUpdateStrategy:  25% max unavailable, 25% max surge\n"),
            std::string::npos)
      << out;
  // Without status conditions, no line without a tab separates the template's last lines from
  // OldReplicaSets, so the tabwriter aligns them as one column block.
  EXPECT_NE(out.find("  Tolerations:     <none>\n"
                     "OldReplicaSets:    web-5d8f7b9c6a (0/0 replicas created), web-6b7c5d4e3f (0/0 replicas created)\n"
                     "NewReplicaSet:     web-7c9d8e6f5b (2/2 replicas created)\n"
                     "Events:            <none>\n"),
            std::string::npos)
      << out;
}

TEST(KubectlDescribe, HpaMatchesAKedaTranscript) {
  // describeHorizontalPodAutoscalerV2 on the HPA KEDA 2.12 made for a ScaledObject, from a public
  // transcript (Kafka consumer scaled to zero, 6 Jan 2024): an External metric with an
  // AverageValue target and no current value, the conditions table, three events.
  Cluster c(*parse_rfc3339("2024-01-06T10:34:41Z"));
  c.create({{"apiVersion", "autoscaling/v2"},
            {"kind", "HorizontalPodAutoscaler"},
            {"metadata",
             {{"name", "keda-hpa-kafka-scaledobject"},
              {"namespace", "default"},
              {"labels",
               {{"app.kubernetes.io/managed-by", "keda-operator"},
                {"app.kubernetes.io/name", "keda-hpa-kafka-scaledobject"},
                {"app.kubernetes.io/part-of", "kafka-scaledobject"},
                {"app.kubernetes.io/version", "2.12.0"},
                {"scaledobject.keda.sh/name", "kafka-scaledobject"}}}}},
            {"spec",
             {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "kafka-consumer"}}},
              {"minReplicas", 1},
              {"maxReplicas", 100},
              {"metrics",
               json::array({{{"type", "External"},
                             {"external",
                              {{"metric", {{"name", "s0-kafka-myTopic"}, {"selector", {{"matchLabels", {{"scaledobject.keda.sh/name", "kafka-scaledobject"}}}}}}},
                               {"target", {{"type", "AverageValue"}, {"averageValue", "5"}}}}}}})}}},
            {"status",
             {{"currentReplicas", 0},
              {"desiredReplicas", 0},
              {"conditions",
               json::array({{{"type", "AbleToScale"}, {"status", "True"}, {"reason", "SucceededGetScale"}, {"message", "the HPA controller was able to get the target's current scale"}},
                            {{"type", "ScalingActive"}, {"status", "False"}, {"reason", "ScalingDisabled"}, {"message", "scaling is disabled since the replica count of the target is zero"}},
                            {{"type", "ScalingLimited"}, {"status", "True"}, {"reason", "TooFewReplicas"}, {"message", "the desired replica count is less than the minimum replica count"}}})}}}});
  const std::string sel = "s0-kafka-myTopic(&LabelSelector{MatchLabels:map[string]string{scaledobject.keda.sh/name: kafka-scaledobject,},MatchExpressions:[]LabelSelectorRequirement{},})";
  c.advance_to(seconds(100));
  c.event("HorizontalPodAutoscaler", "default", "keda-hpa-kafka-scaledobject", "Normal", "SuccessfulRescale",
          "New size: 4; reason: external metric " + sel + " above target", "horizontal-pod-autoscaler");
  c.advance_to(seconds(115));
  c.event("HorizontalPodAutoscaler", "default", "keda-hpa-kafka-scaledobject", "Normal", "SuccessfulRescale",
          "New size: 5; reason: external metric " + sel + " above target", "horizontal-pod-autoscaler");
  c.advance_to(seconds(671));
  c.event("HorizontalPodAutoscaler", "default", "keda-hpa-kafka-scaledobject", "Normal", "SuccessfulRescale",
          "New size: 1; reason: All metrics below target", "horizontal-pod-autoscaler");
  c.advance_to(seconds(699));
  EXPECT_EQ(c.out({"describe", "hpa", "keda-hpa-kafka-scaledobject"}), R"(Name:                                         keda-hpa-kafka-scaledobject
Namespace:                                    default
Labels:                                       app.kubernetes.io/managed-by=keda-operator
                                              app.kubernetes.io/name=keda-hpa-kafka-scaledobject
                                              app.kubernetes.io/part-of=kafka-scaledobject
                                              app.kubernetes.io/version=2.12.0
                                              scaledobject.keda.sh/name=kafka-scaledobject
Annotations:                                  <none>
CreationTimestamp:                            Sat, 06 Jan 2024 10:34:41 +0000
Reference:                                    Deployment/kafka-consumer
Metrics:                                      ( current / target )
  "s0-kafka-myTopic" (target average value):  <unknown> / 5
Min replicas:                                 1
Max replicas:                                 100
Deployment pods:                              0 current / 0 desired
Conditions:
  Type            Status  Reason             Message
  ----            ------  ------             -------
  AbleToScale     True    SucceededGetScale  the HPA controller was able to get the target's current scale
  ScalingActive   False   ScalingDisabled    scaling is disabled since the replica count of the target is zero
  ScalingLimited  True    TooFewReplicas     the desired replica count is less than the minimum replica count
Events:
  Type    Reason             Age    From                       Message
  ----    ------             ----   ----                       -------
  Normal  SuccessfulRescale  9m59s  horizontal-pod-autoscaler  New size: 4; reason: external metric )" + sel + R"( above target
  Normal  SuccessfulRescale  9m44s  horizontal-pod-autoscaler  New size: 5; reason: external metric )" + sel + R"( above target
  Normal  SuccessfulRescale  28s    horizontal-pod-autoscaler  New size: 1; reason: All metrics below target
)");
}

TEST(KubectlDescribe, HpaMetricKindsAndBehaviorFollowTheDescriber) {
  // describeHorizontalPodAutoscalerV2 per metric type (no public sample combines them): a
  // current value when status.currentMetrics has one at the same index; Resource utilization as
  // "45% (45m) / 70%" after "resource cpu on pods  (as a percentage of request):" (a LEVEL_1
  // write in the middle of the line); printDirectionBehavior with the default select policy Max.
  // The API server's autoscaling/v2 defaulting gives minReplicas 1 and completes the behavior
  // with the default scale-up rules, so a real cluster never shows "<unset>" here.
  Cluster c;
  c.create({{"apiVersion", "autoscaling/v2"},
            {"kind", "HorizontalPodAutoscaler"},
            {"metadata", {{"name", "web"}, {"namespace", "default"}}},
            {"spec",
             {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
              {"maxReplicas", 10},
              {"behavior", {{"scaleDown", {{"stabilizationWindowSeconds", 300}, {"policies", json::array({{{"type", "Pods"}, {"value", 1}, {"periodSeconds", 60}}})}}}}},
              {"metrics",
               json::array({{{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 70}}}}}},
                            {{"type", "External"}, {"external", {{"metric", {{"name", "queue"}}}, {"target", {{"type", "Value"}, {"value", "30"}}}}}},
                            {{"type", "Pods"}, {"pods", {{"metric", {{"name", "rps"}}}, {"target", {{"type", "AverageValue"}, {"averageValue", "10"}}}}}}})}}},
            {"status",
             {{"currentReplicas", 2},
              {"desiredReplicas", 3},
              {"currentMetrics",
               json::array({{{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"current", {{"averageUtilization", 45}, {"averageValue", "45m"}}}}}},
                            {{"type", "External"}, {"external", {{"metric", {{"name", "queue"}}}, {"current", {{"value", "42"}}}}}}})}}}});
  c.advance_to(seconds(30));
  const std::string out = c.out({"describe", "hpa", "web", "--show-events=false"});
  EXPECT_EQ(out, R"(Name:                                                  web
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Thu, 01 Jan 2026 12:00:00 +0000
Reference:                                             Deployment/web
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  45% (45m) / 70%
  "queue" (target value):                              42 / 30
  "rps" on pods:                                       <unknown> / 10
Min replicas:                                          1
Max replicas:                                          10
Behavior:
  Scale Up:
    Stabilization Window: 0 seconds
    Select Policy: Max
    Policies:
      - Type: Pods     Value: 4    Period: 15 seconds
      - Type: Percent  Value: 100  Period: 15 seconds
  Scale Down:
    Stabilization Window: 300 seconds
    Select Policy: Max
    Policies:
      - Type: Pods  Value: 1  Period: 60 seconds
Deployment pods:    2 current / 3 desired
)");
}

TEST(KubectlDescribe, CustomResourcesUseTheGenericLayout) {
  // genericDescriber: Name, Namespace, Labels, Annotations, then every field of the object in
  // byte order with smartLabelFor's labels ("apiVersion" -> "API Version", "minReplicaCount" ->
  // "Min Replica Count", names with digits or dots as they are), lists element after element,
  // managedFields left out, then Events.
  Cluster c;
  c.create({{"apiVersion", "keda.sh/v1alpha1"},
            {"kind", "ScaledObject"},
            {"metadata", {{"name", "web"}, {"namespace", "prod"}, {"labels", {{"app", "web"}}}}},
            {"spec",
             {{"scaleTargetRef", {{"name", "web"}}},
              {"minReplicaCount", 0},
              {"cooldownPeriod", 300},
              {"triggers", json::array({{{"type", "prometheus"}, {"metadata", {{"threshold", "5"}, {"query", "sum(rate(x[1m]))"}}}}})}}},
            {"status",
             {{"originalReplicaCount", 1},
              {"hpaName", "keda-hpa-web"},
              {"externalMetricNames", json::array({"s0-prometheus"})},
              {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}, {"reason", "ScaledObjectReady"}, {"message", "ScaledObject is defined correctly and is ready for scaling"}}})}}}});
  c.advance_to(seconds(5));
  c.event("ScaledObject", "prod", "web", "Normal", "KEDAScalersStarted", "Started scalers watch", "keda-operator");
  c.advance_to(seconds(65));
  const ObjectPtr so = c.api->get({"ScaledObject", "prod", "web"});
  const std::string uid = (*so)["metadata"]["uid"], rv = (*so)["metadata"]["resourceVersion"];
  EXPECT_EQ(c.out({"describe", "scaledobject", "web", "-n", "prod"}), R"(Name:         web
Namespace:    prod
Labels:       app=web
Annotations:  <none>
API Version:  keda.sh/v1alpha1
Kind:         ScaledObject
Metadata:
  Creation Timestamp:  2026-01-01T12:00:00Z
  Generation:          1
  Resource Version:    )" + rv + R"(
  UID:                 )" + uid + R"(
Spec:
  Cooldown Period:    300
  Min Replica Count:  0
  Scale Target Ref:
    Name:  web
  Triggers:
    Metadata:
      Query:      sum(rate(x[1m]))
      Threshold:  5
    Type:         prometheus
Status:
  Conditions:
    Message:  ScaledObject is defined correctly and is ready for scaling
    Reason:   ScaledObjectReady
    Status:   True
    Type:     Ready
  External Metric Names:
    s0-prometheus
  Hpa Name:                keda-hpa-web
  Original Replica Count:  1
Events:
  Type    Reason              Age   From           Message
  ----    ------              ----  ----           -------
  Normal  KEDAScalersStarted  60s   keda-operator  Started scalers watch
)");
}

TEST(KubectlDescribe, KindsWithTheirOwnDescriberAreRefusedNotMisprinted) {
  // describerMap has a describer for Services, ConfigMaps, ...: kcsim has not written those, so
  // it says so (exit 2) rather than print them in the generic layout kubectl would not use.
  Cluster c;
  c.create({{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "web"}, {"namespace", "default"}}}, {"spec", json::object()}});
  EXPECT_THROW(c.run({"describe", "svc", "web"}), KubectlUsageError);
  EXPECT_EQ(c.run({"describe", "nosuchkind", "x"}).err, "error: the server doesn't have a resource type \"nosuchkind\"\n");
}

// --- rollout history -----------------------------------------------------------------------------

TEST(KubectlRolloutHistory, ListsRevisionsWithTheirChangeCause) {
  // A public transcript of `kubectl rollout history deploy NAME` (minikube, ltqb/k8sinaction
  // examples/rs_deployment/test_rs_deploy.md): the name printer's "deployment.apps/NAME " with the
  // operation's leading newline, the table through tabwriter (0, 8, 2), and a blank line.
  Cluster c;
  const ObjectPtr d = c.create({{"apiVersion", "apps/v1"},
                                {"kind", "Deployment"},
                                {"metadata", {{"name", "web"}, {"namespace", "default"}}},
                                {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "busybox"}}})}}}}}}}});
  auto rs = [&](const std::string& hash, const std::string& image, const std::string& revision, const std::string& cause) {
    json annotations = {{"deployment.kubernetes.io/revision", revision}};
    if (!cause.empty()) annotations["kubernetes.io/change-cause"] = cause;
    c.create({{"apiVersion", "apps/v1"},
              {"kind", "ReplicaSet"},
              {"metadata",
               {{"name", "web-" + hash}, {"namespace", "default"}, {"labels", {{"app", "web"}, {"pod-template-hash", hash}}}, {"annotations", annotations}, {"ownerReferences", owner(d)}}},
              {"spec",
               {{"replicas", 0},
                {"selector", {{"matchLabels", {{"app", "web"}, {"pod-template-hash", hash}}}}},
                {"template", {{"metadata", {{"labels", {{"app", "web"}, {"pod-template-hash", hash}}}}}, {"spec", {{"containers", json::array({{{"name", "web"}, {"image", image}}})}}}}}}}});
  };
  rs("6f8b9c7d5e", "nginx", "2", "");
  rs("7d9c8b6a4f", "busybox", "3", "kubectl apply --cluster=minikube --filename=simple_deploy.yaml --record=true");
  EXPECT_EQ(c.out({"rollout", "history", "deploy", "web"}),
            "deployment.apps/web \n"
            "REVISION  CHANGE-CAUSE\n"
            "2         <none>\n"
            "3         kubectl apply --cluster=minikube --filename=simple_deploy.yaml --record=true\n"
            "\n");
  EXPECT_EQ(c.out({"rollout", "history", "deployment/web"}), c.out({"rollout", "history", "deploy", "web"}));
  // --revision=N: "with revision #N" and the pod template as DescribePodTemplate writes it,
  // straight to the output (printTemplate uses no tabwriter: the tabs stay), with the
  // ReplicaSet's change-cause among the template's annotations.
  EXPECT_EQ(c.out({"rollout", "history", "deploy/web", "--revision=3"}),
            "deployment.apps/web with revision #3\n"
            "Pod Template:\n"
            "  Labels:\tapp=web\n"
            "\tpod-template-hash=7d9c8b6a4f\n"
            "  Annotations:\tkubernetes.io/change-cause: kubectl apply --cluster=minikube --filename=simple_deploy.yaml --record=true\n"
            "  Containers:\n"
            "   web:\n"
            "    Image:\tbusybox\n"
            "    Port:\t<none>\n"
            "    Host Port:\t<none>\n"
            "    Environment:\t<none>\n"
            "    Mounts:\t<none>\n"
            "  Volumes:\t<none>\n"
            "  Node-Selectors:\t<none>\n"
            "  Tolerations:\t<none>\n"
            "\n");
  const KubectlResult missing = c.run({"rollout", "history", "deploy/web", "--revision=9"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "error: unable to find the specified revision\n");
  EXPECT_EQ(c.run({"rollout", "history", "deploy/nope"}).err, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
  EXPECT_THROW(c.run({"rollout", "undo", "deploy/web"}), KubectlUsageError);
}

// --- logs TYPE/NAME --------------------------------------------------------------------------------

TEST(KubectlLogs, DeploymentReadsThePodKubectlPicksAndSaysWhich) {
  // logsForObjectWithClient: the pods the Deployment's selector selects, sorted by
  // podutils.ByLogging (assigned, Running, ready, ready longest, most restarts, oldest); with
  // several, "Found N pods, using pod/NAME" on standard error.
  Cluster c;
  c.kubelet = {{"images", {{"web:1", {{"startupLog", json::array({"listening on :8080"})}}}}}};
  c.create({{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "web"}, {"namespace", "prod"}}},
            {"spec", {{"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}}}}}});
  auto pod = [&](const std::string& name, const std::string& node, const std::string& phase, bool ready, Duration ready_at) {
    json status = {{"phase", phase}};
    if (phase == "Running") {
      status["containerStatuses"] = json::array({{{"name", "web"}, {"ready", ready}, {"restartCount", 0}, {"state", {{"running", {{"startedAt", c.stamp(ready_at)}}}}}}});
      status["conditions"] = json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}, {"lastTransitionTime", c.stamp(ready_at)}}});
    }
    json spec = {{"containers", json::array({{{"name", "web"}, {"image", "web:1"}}})}};
    if (!node.empty()) spec["nodeName"] = node;
    c.create({{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}, {"namespace", "prod"}, {"labels", {{"app", "web"}}}}}, {"spec", spec}, {"status", status}});
  };
  pod("web-a", "", "Pending", false, seconds(0));            // unassigned: last
  pod("web-b", "node-1", "Running", true, seconds(20));      // ready since 20 s
  pod("web-c", "node-2", "Running", true, seconds(10));      // ready longest: first
  pod("web-d", "node-1", "Running", false, seconds(5));      // running, not ready
  c.advance_to(seconds(60));
  const KubectlResult r = c.run({"logs", "deploy/web", "-n", "prod"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "Found 4 pods, using pod/web-c\n");
  EXPECT_EQ(r.out, "listening on :8080\n");
  EXPECT_EQ(c.run({"logs", "deployment/nope", "-n", "prod"}).err, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
  // No pod selected: kubectl waits --pod-running-timeout (20s) for one, then gives up.
  c.create({{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "idle"}, {"namespace", "prod"}}}, {"spec", {{"selector", {{"matchLabels", {{"app", "idle"}}}}}, {"template", {{"metadata", {{"labels", {{"app", "idle"}}}}}}}}}});
  const KubectlResult none = c.run({"logs", "deploy/idle", "-n", "prod"});
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(none.err, "error: timed out waiting for the condition\n");
}

TEST(KubectlLogs, DefaultContainerAnnotationAndTheDefaultedNote) {
  // logsForObjectWithClient: without -c, the kubectl.kubernetes.io/default-container annotation
  // names the container; else the first one, with "Defaulted container" listing every container
  // as podcmd.AllContainerNames does (init containers after the others, marked "(init)").
  Cluster c;
  c.kubelet = {{"images", {{"app:1", {{"startupLog", json::array({"app up"})}}}, {"proxy:1", {{"startupLog", json::array({"proxy up"})}}}}}};
  auto running = [&](const std::string& name) {
    return json{{"name", name}, {"ready", true}, {"restartCount", 0}, {"state", {{"running", {{"startedAt", c.stamp(seconds(1))}}}}}};
  };
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "web-1"}, {"namespace", "default"}}},
              {"spec",
               {{"initContainers", json::array({{{"name", "migrate"}, {"image", "app:1"}}})},
                {"containers", json::array({{{"name", "app"}, {"image", "app:1"}}, {{"name", "proxy"}, {"image", "proxy:1"}}})}}},
              {"status", {{"phase", "Running"}, {"containerStatuses", json::array({running("app"), running("proxy")})}}}};
  c.create(pod);
  pod["metadata"]["name"] = "web-2";
  pod["metadata"]["annotations"] = {{"kubectl.kubernetes.io/default-container", "proxy"}};
  c.create(pod);
  c.advance_to(seconds(30));
  const KubectlResult first = c.run({"logs", "web-1"});
  EXPECT_EQ(first.err, "Defaulted container \"app\" out of: app, proxy, migrate (init)\n");
  EXPECT_EQ(first.out, "app up\n");
  const KubectlResult annotated = c.run({"logs", "web-2"});
  EXPECT_EQ(annotated.err, "");
  EXPECT_EQ(annotated.out, "proxy up\n");
}

}  // namespace
}  // namespace kcsim
