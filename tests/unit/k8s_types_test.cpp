// include/kcsim/k8s/types/{deployment,replica_set,pod,int_or_string}.hpp: the typed views the
// Deployment and ReplicaSet controllers and the kubelet read, parsed from stored objects with the API server's
// defaults (k8s.io/kubernetes v1.32 pkg/apis/apps/v1/defaults.go) and json_access.hpp's loose
// rules (absent or wrongly typed members read as the default).
#include <gtest/gtest.h>

#include "kcsim/k8s/label_selector.hpp"
#include "kcsim/k8s/types/deployment.hpp"
#include "kcsim/k8s/types/int_or_string.hpp"
#include "kcsim/k8s/types/pod.hpp"
#include "kcsim/k8s/types/replica_set.hpp"

namespace kcsim::k8s {
namespace {

using nlohmann::json;

TEST(DeploymentView, AbsentSpecMembersReadAsTheApiServerDefaults) {
  const Deployment d = parse_deployment(json::parse(R"({"kind": "Deployment", "metadata": {"name": "web"}})"));
  EXPECT_EQ(d.api_version, "apps/v1");
  EXPECT_EQ(d.metadata.name, "web");
  EXPECT_EQ(d.spec.replicas, 1);
  EXPECT_EQ(d.spec.strategy.type, "RollingUpdate");
  EXPECT_EQ(d.spec.strategy.rolling_update.max_surge, IntOrString::from_string("25%"));
  EXPECT_EQ(d.spec.strategy.rolling_update.max_unavailable, IntOrString::from_string("25%"));
  EXPECT_EQ(d.spec.revision_history_limit, 10);
  EXPECT_EQ(d.spec.progress_deadline_seconds, 600);
  EXPECT_EQ(d.spec.min_ready_seconds, 0);
  EXPECT_FALSE(d.spec.paused);
  EXPECT_EQ(d.spec.selector, nullptr);
  EXPECT_EQ(d.spec.template_, nullptr);
  EXPECT_EQ(d.status.replicas, 0);
  EXPECT_FALSE(d.status.collision_count.has_value());
  EXPECT_TRUE(d.status.conditions.empty());
}

TEST(DeploymentView, WronglyTypedMembersReadAsTheDefaults) {
  const Deployment d = parse_deployment(json::parse(R"({"spec": {
      "replicas": "3", "revisionHistoryLimit": 2.5, "progressDeadlineSeconds": null, "paused": "true",
      "minReadySeconds": false, "template": "x",
      "strategy": {"type": 7, "rollingUpdate": {"maxSurge": true, "maxUnavailable": 1.5}}},
    "status": {"replicas": "2", "collisionCount": "1", "conditions": ["Available", {"type": 3}]}})"));
  EXPECT_EQ(d.spec.replicas, 1);
  EXPECT_EQ(d.spec.revision_history_limit, 10);
  EXPECT_EQ(d.spec.progress_deadline_seconds, 600);
  EXPECT_FALSE(d.spec.paused);
  EXPECT_EQ(d.spec.min_ready_seconds, 0);
  EXPECT_EQ(d.spec.template_, nullptr);  // a template that is not an object is no template
  EXPECT_EQ(d.spec.strategy.type, "RollingUpdate");
  EXPECT_EQ(d.spec.strategy.rolling_update.max_surge, IntOrString::from_string("25%"));
  EXPECT_EQ(d.spec.strategy.rolling_update.max_unavailable, IntOrString::from_string("25%"));
  EXPECT_EQ(d.status.replicas, 0);
  EXPECT_FALSE(d.status.collision_count.has_value());
  ASSERT_EQ(d.status.conditions.size(), 1u);  // the entry that is not an object is skipped
  EXPECT_EQ(d.status.conditions[0].type, "");
}

TEST(DeploymentView, ReadsTheSetSpecAndKeepsSelectorAndTemplateVerbatim) {
  const json object = json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "generation": 4, "annotations": {"deployment.kubernetes.io/revision": "3"}},
    "spec": {"replicas": 0, "paused": true, "minReadySeconds": 5, "revisionHistoryLimit": 0,
             "progressDeadlineSeconds": 2147483647,
             "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}},
             "strategy": {"type": "Recreate", "rollingUpdate": {"maxSurge": 2, "maxUnavailable": "10%"}}},
    "status": {"observedGeneration": 3, "replicas": 2, "updatedReplicas": 1, "readyReplicas": 2,
               "availableReplicas": 2, "unavailableReplicas": 1, "collisionCount": 1,
               "conditions": [{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                               "lastUpdateTime": "2026-01-01T00:00:00Z", "lastTransitionTime": "2026-01-01T00:00:00Z",
                               "message": "m"}]}})");
  const Deployment d = parse_deployment(object);
  EXPECT_EQ(d.metadata.namespace_, "shop");
  EXPECT_EQ(d.metadata.generation, 4);
  EXPECT_EQ(d.spec.replicas, 0);
  EXPECT_TRUE(d.spec.paused);
  EXPECT_EQ(d.spec.min_ready_seconds, 5);
  EXPECT_EQ(d.spec.revision_history_limit, 0);
  EXPECT_EQ(d.spec.progress_deadline_seconds, 2147483647);
  EXPECT_EQ(d.spec.strategy.type, kRecreateDeploymentStrategyType);
  EXPECT_EQ(d.spec.strategy.rolling_update.max_surge, IntOrString::from_int(2));
  EXPECT_EQ(d.spec.strategy.rolling_update.max_unavailable, IntOrString::from_string("10%"));
  // Pointers into the stored object, not copies.
  EXPECT_EQ(d.spec.selector, &object["spec"]["selector"]);
  EXPECT_EQ(d.spec.template_, &object["spec"]["template"]);
  EXPECT_EQ(d.status.observed_generation, 3);
  EXPECT_EQ(d.status.updated_replicas, 1);
  EXPECT_EQ(d.status.unavailable_replicas, 1);
  EXPECT_EQ(d.status.collision_count, 1);
  ASSERT_NE(d.status.condition("Progressing"), nullptr);
  EXPECT_EQ(d.status.condition("Progressing")->reason, "NewReplicaSetAvailable");
  EXPECT_EQ(d.status.condition("Available"), nullptr);
}

TEST(ReplicaSetView, AbsentOrWronglyTypedReplicasDefaultToOne) {
  EXPECT_EQ(parse_replica_set(json::parse(R"({"spec": {}})")).spec.replicas, 1);
  EXPECT_EQ(parse_replica_set(json::parse(R"({"spec": {"replicas": "2"}})")).spec.replicas, 1);
  EXPECT_EQ(parse_replica_set(json::parse(R"({"spec": {"replicas": 0}})")).spec.replicas, 0);
  EXPECT_EQ(parse_replica_set(json::parse(R"({})")).spec.replicas, 1);
}

TEST(ReplicaSetView, StatusCountsAndVerbatimConditions) {
  const json object = json::parse(R"({"spec": {"template": {"metadata": {"labels": {"app": "web"}}}},
    "status": {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": "2", "availableReplicas": 1,
               "observedGeneration": 2, "conditions": [{"type": "ReplicaFailure"}]}})");
  const ReplicaSet rs = parse_replica_set(object);
  EXPECT_EQ(rs.status.replicas, 3);
  EXPECT_EQ(rs.status.fully_labeled_replicas, 3);
  EXPECT_EQ(rs.status.ready_replicas, 0);  // a string is not a count
  EXPECT_EQ(rs.status.available_replicas, 1);
  EXPECT_EQ(rs.status.observed_generation, 2);
  EXPECT_EQ(rs.status.conditions, &object["status"]["conditions"]);
  EXPECT_EQ(rs.status_object, &object["status"]);
  EXPECT_EQ(rs.spec.template_labels(), &object["spec"]["template"]["metadata"]["labels"]);
  EXPECT_EQ(parse_replica_set(json::parse(R"({"spec": {"template": {}}})")).spec.template_labels(), nullptr);
}

TEST(ReplicaSetView, ControllerRefIsTheOwnerReferenceWithControllerTrue) {
  const ReplicaSet rs = parse_replica_set(json::parse(R"({"metadata": {"ownerReferences": [
      {"kind": "Deployment", "name": "a", "uid": "u-a"},
      {"kind": "Deployment", "name": "b", "uid": "u-b", "controller": "true"},
      {"kind": "Deployment", "name": "c", "uid": "u-c", "controller": true, "blockOwnerDeletion": true}]}})"));
  ASSERT_EQ(rs.metadata.owner_references.size(), 3u);
  const OwnerReference* ref = rs.metadata.controller_ref();
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->name, "c");
  EXPECT_EQ(ref->uid, "u-c");
  EXPECT_TRUE(ref->block_owner_deletion);
  // Neither an unset nor a string "controller" makes an owner the controller.
  const ReplicaSet orphan = parse_replica_set(json::parse(R"({"metadata": {"ownerReferences": [
      {"kind": "Deployment", "name": "a", "uid": "u-a"}, {"kind": "Deployment", "name": "b", "controller": "true"}]}})"));
  EXPECT_EQ(orphan.metadata.controller_ref(), nullptr);
}

TEST(PodView, ReadyIsTheFirstReadyConditionBeingTrue) {
  const Pod p = parse_pod(json::parse(R"({"status": {"phase": "Running", "conditions": [
      "Ready", {"type": "PodScheduled", "status": "True"},
      {"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:05Z"},
      {"type": "Ready", "status": "False"}]}})"));
  ASSERT_NE(p.ready_condition(), nullptr);
  EXPECT_EQ(p.ready_condition()->last_transition_time, "2026-01-01T00:00:05Z");
  EXPECT_TRUE(p.ready());
  EXPECT_FALSE(parse_pod(json::parse(R"({"status": {"conditions": [{"type": "Ready", "status": true}]}})")).ready());
  EXPECT_FALSE(parse_pod(json::parse(R"({"status": {"conditions": {"type": "Ready"}}})")).ready());
}

TEST(PodView, ActiveUnlessSucceededFailedOrBeingDeleted) {
  EXPECT_TRUE(parse_pod(json::parse(R"({"status": {"phase": "Pending"}})")).active());
  EXPECT_TRUE(parse_pod(json::parse(R"({})")).active());
  EXPECT_FALSE(parse_pod(json::parse(R"({"status": {"phase": "Succeeded"}})")).active());
  EXPECT_FALSE(parse_pod(json::parse(R"({"status": {"phase": "Failed"}})")).active());
  EXPECT_FALSE(parse_pod(json::parse(R"({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}})")).active());
}

TEST(PodView, ContainerStatusesAndInitContainers) {
  const Pod p = parse_pod(json::parse(R"({
    "spec": {"nodeName": "node-1", "initContainers": [{"name": "proxy", "restartPolicy": "Always"}, {"name": "init"}, 3]},
    "status": {"containerStatuses": [{"name": "app", "restartCount": 4}, {"name": "side", "restartCount": "9"}, null],
               "initContainerStatuses": [{"name": "proxy", "restartCount": 2}]}})"));
  EXPECT_EQ(p.spec.node_name, "node-1");
  ASSERT_EQ(p.spec.init_containers.size(), 2u);
  EXPECT_EQ(p.spec.init_containers[0].restart_policy, kContainerRestartPolicyAlways);
  EXPECT_EQ(p.spec.init_containers[1].restart_policy, "");
  ASSERT_EQ(p.status.container_statuses.size(), 2u);
  EXPECT_EQ(p.status.container_statuses[0].restart_count, 4);
  EXPECT_EQ(p.status.container_statuses[1].restart_count, 0);
  ASSERT_EQ(p.status.init_container_statuses.size(), 1u);
  EXPECT_EQ(p.status.init_container_statuses[0].restart_count, 2);
}

TEST(PodView, ContainersWithPortsProbesAndResources) {
  const Pod p = parse_pod(json::parse(R"({
    "metadata": {"deletionGracePeriodSeconds": 5},
    "spec": {"restartPolicy": "OnFailure", "terminationGracePeriodSeconds": 45, "schedulerName": "custom",
             "containers": [
               {"name": "app", "image": "nginx:1.25", "imagePullPolicy": "Always",
                "ports": [{"name": "http", "containerPort": 8080}, {"containerPort": 9090}],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTPS"},
                                   "initialDelaySeconds": 2, "periodSeconds": 0, "failureThreshold": 5},
                "resources": {"limits": {"cpu": "1", "memory": 1024}, "requests": {"cpu": "500m"}}},
               {"name": "db", "image": "postgres", "readinessProbe": {"tcpSocket": {"port": 5432, "host": "db.local"}}}]},
    "status": {"phase": "Running", "podIP": "10.244.1.2"}})"));
  EXPECT_EQ(p.metadata.deletion_grace_period_seconds, 5);
  EXPECT_EQ(p.spec.restart_policy, kRestartPolicyOnFailure);
  EXPECT_EQ(p.spec.termination_grace_period_seconds, 45);
  EXPECT_EQ(p.spec.scheduler_name, "custom");
  EXPECT_EQ(p.status.pod_ip, "10.244.1.2");
  ASSERT_EQ(p.spec.containers.size(), 2u);
  const Container& app = p.spec.containers[0];
  EXPECT_EQ(app.image, "nginx:1.25");
  EXPECT_EQ(app.image_pull_policy, kPullAlways);
  ASSERT_EQ(app.ports.size(), 2u);
  EXPECT_EQ(app.ports[0].name, "http");
  EXPECT_EQ(app.ports[0].container_port, 8080);
  EXPECT_EQ(app.ports[1].name, "");
  ASSERT_TRUE(app.readiness_probe.has_value());
  const Probe& probe = *app.readiness_probe;
  ASSERT_TRUE(probe.http_get.has_value());
  EXPECT_FALSE(probe.tcp_socket.has_value());
  EXPECT_EQ(probe.http_get->path, "/healthz");
  EXPECT_EQ(probe.http_get->port, IntOrString::from_string("http"));
  EXPECT_EQ(probe.http_get->scheme, "HTTPS");
  EXPECT_EQ(probe.http_get->host, "");
  EXPECT_EQ(probe.initial_delay_seconds, 2);
  EXPECT_EQ(probe.period_seconds, 0);  // an explicit 0 stays 0; the reader decides
  EXPECT_EQ(probe.success_threshold, 1);
  EXPECT_EQ(probe.failure_threshold, 5);
  // Quantities as written: a JSON number in its JSON text.
  EXPECT_EQ(app.resources.limits, (ResourceList{{"cpu", "1"}, {"memory", "1024"}}));
  EXPECT_EQ(app.resources.requests, (ResourceList{{"cpu", "500m"}}));
  const Container& db = p.spec.containers[1];
  EXPECT_EQ(db.image_pull_policy, "");  // unset: the reader defaults it from the tag
  ASSERT_TRUE(db.readiness_probe.has_value());
  ASSERT_TRUE(db.readiness_probe->tcp_socket.has_value());
  EXPECT_EQ(db.readiness_probe->tcp_socket->port, IntOrString::from_int(5432));
  EXPECT_EQ(db.readiness_probe->tcp_socket->host, "db.local");
  EXPECT_EQ(db.readiness_probe->period_seconds, 10);  // absent: SetDefaults_Probe's 10
  EXPECT_EQ(db.readiness_probe->failure_threshold, 3);
}

TEST(PodView, MalformedContainerMembersDecodeAsEmpty) {
  EXPECT_TRUE(parse_pod(json::parse(R"({"spec": {"containers": {"name": "app"}}})")).spec.containers.empty());
  EXPECT_TRUE(parse_pod(json::parse(R"({"spec": {"containers": "app"}})")).spec.containers.empty());
  EXPECT_TRUE(parse_pod(json::parse(R"({"spec": []})")).spec.containers.empty());
  const Pod p = parse_pod(json::parse(R"({"metadata": {"deletionGracePeriodSeconds": "5"},
    "spec": {"terminationGracePeriodSeconds": 1.5, "containers": [3, null, "app",
      {"name": "a", "image": 7, "ports": {"name": "http"}, "readinessProbe": "yes", "resources": []},
      {"name": "b", "ports": [1, {"name": "x", "containerPort": "80"}],
       "readinessProbe": {"httpGet": {"port": 1.5}, "tcpSocket": [], "periodSeconds": "5"},
       "resources": {"limits": ["cpu"], "requests": {"cpu": null, "memory": true, "ephemeral-storage": "1Gi"}}}]}})"));
  EXPECT_FALSE(p.metadata.deletion_grace_period_seconds.has_value());
  EXPECT_FALSE(p.spec.termination_grace_period_seconds.has_value());
  ASSERT_EQ(p.spec.containers.size(), 2u);
  const Container& a = p.spec.containers[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.image, "");
  EXPECT_TRUE(a.ports.empty());
  EXPECT_FALSE(a.readiness_probe.has_value());
  EXPECT_TRUE(a.resources.limits.empty());
  const Container& b = p.spec.containers[1];
  ASSERT_EQ(b.ports.size(), 1u);
  EXPECT_EQ(b.ports[0].name, "x");
  EXPECT_EQ(b.ports[0].container_port, 0);
  ASSERT_TRUE(b.readiness_probe.has_value());
  ASSERT_TRUE(b.readiness_probe->http_get.has_value());
  EXPECT_FALSE(b.readiness_probe->http_get->port.has_value());
  EXPECT_FALSE(b.readiness_probe->tcp_socket.has_value());
  EXPECT_EQ(b.readiness_probe->period_seconds, 10);
  EXPECT_TRUE(b.resources.limits.empty());
  EXPECT_EQ(b.resources.requests, (ResourceList{{"ephemeral-storage", "1Gi"}}));
}

TEST(PodView, LabelsMatchASelectorLikeTheirJson) {
  const json pod = json::parse(R"({"metadata": {"labels": {"app": "web", "tier": "fe"}}})");
  const Pod p = parse_pod(pod);
  for (const char* sel : {R"({"matchLabels": {"app": "web"}})", R"({"matchLabels": {"app": "api"}})",
                          R"({"matchLabels": {"app": 1}})", R"({})",
                          R"({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]}]})",
                          R"({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["fe"]}]})",
                          R"({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]})",
                          R"({"matchExpressions": [{"key": "zone", "operator": "Exists"}]})"}) {
    EXPECT_EQ(selector_matches(json::parse(sel), p.metadata.labels), selector_matches(json::parse(sel), pod["metadata"]["labels"]))
        << sel;
  }
  EXPECT_TRUE(selector_matches(json::parse(R"({"matchLabels": {"app": "web"}})"), p.metadata.labels));
  EXPECT_FALSE(selector_matches(json::parse(R"({"matchLabels": {"app": "api"}})"), p.metadata.labels));
}

TEST(IntOrString, ScaledValueRoundsPercentagesAndRejectsWhatUpstreamRejects) {
  const auto scaled = [](const IntOrString& v, std::int64_t total, bool round_up) {
    return scaled_value_from_int_or_percent(&v, total, round_up);
  };
  EXPECT_EQ(scaled(IntOrString::from_int(3), 10, true), 3);
  EXPECT_EQ(scaled(IntOrString::from_string("25%"), 3, true), 1);   // 0.75 up
  EXPECT_EQ(scaled(IntOrString::from_string("25%"), 3, false), 0);  // 0.75 down
  EXPECT_EQ(scaled(IntOrString::from_string("50%"), 5, true), 3);
  // "invalid type: string is not a percentage" and a nil value: errors upstream.
  EXPECT_FALSE(scaled(IntOrString::from_string("2"), 10, true).has_value());
  EXPECT_FALSE(scaled(IntOrString::from_string("x%"), 8, true).has_value());
  EXPECT_FALSE(scaled(IntOrString::from_string("many"), 8, false).has_value());
  EXPECT_FALSE(scaled_value_from_int_or_percent(nullptr, 8, false).has_value());
  EXPECT_FALSE(parse_int_or_string(nullptr).has_value());
  const json fraction = 1.5;
  EXPECT_FALSE(parse_int_or_string(&fraction).has_value());
}

}  // namespace
}  // namespace kcsim::k8s
