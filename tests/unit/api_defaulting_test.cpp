// The API server's defaulting (kcsim/k8s/defaults.hpp) and the Pod admission plugins
// (sim/apiserver/pod_admission.hpp): what a real v1.32 cluster stores for the fields a manifest
// leaves out, and who owns them in managedFields.
#include <string>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"
#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/k8s/defaults.hpp"

namespace kcsim {
namespace {

json minimal_deployment() {
  return json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"prod"},
    "spec":{"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{"labels":{"app":"web"}},
        "spec":{"containers":[{"name":"web","image":"nginx:1.27",
          "ports":[{"containerPort":8080,"name":"http"}],
          "readinessProbe":{"httpGet":{"port":"http"}}}]}}}})");
}

json minimal_pod() {
  return json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"prod"},
    "spec":{"containers":[{"name":"app","image":"nginx","resources":{"limits":{"cpu":"1","memory":"1Gi"},
      "requests":{"cpu":"250m"}}}]}})");
}

const json* entry_of(const json& obj, const std::string& manager, const std::string& operation) {
  for (const json& e : obj["metadata"]["managedFields"])
    if (e["manager"] == manager && e["operation"] == operation) return &e;
  return nullptr;
}

class ApiDefaultingTest : public ::testing::Test {
 protected:
  ApiDefaultingTest() : api(engine, Epoch{}) {}
  json stored(const ObjectRef& ref) { return *with_managed_fields(api.get(ref)); }

  Engine engine;
  ApiServer api;
  const ObjectRef web{"Deployment", "prod", "web"};
};

// apps/v1 SetDefaults_Deployment, SetDefaults_PodSpec, _Container, _ContainerPort, _Probe,
// _HTTPGetAction: the spec `kubectl get deploy -o yaml` shows after `kubectl create` of the manifest.
TEST_F(ApiDefaultingTest, DeploymentIsStoredWithAppsV1Defaults) {
  ASSERT_TRUE(api.create(minimal_deployment(), "kubectl-create").status.ok());
  const json d = stored(web);
  EXPECT_EQ(d["spec"], json::parse(R"({"replicas":1,"revisionHistoryLimit":10,"progressDeadlineSeconds":600,
    "selector":{"matchLabels":{"app":"web"}},
    "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
    "template":{"metadata":{"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"web","image":"nginx:1.27","imagePullPolicy":"IfNotPresent",
          "ports":[{"containerPort":8080,"name":"http","protocol":"TCP"}],
          "readinessProbe":{"httpGet":{"port":"http","path":"/","scheme":"HTTP"},"timeoutSeconds":1,
            "periodSeconds":10,"successThreshold":1,"failureThreshold":3},
          "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
        "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",
        "securityContext":{},"terminationGracePeriodSeconds":30}}})"))
      << d["spec"].dump(2);
}

// handlers/create.go runs the field manager on the decoded, so defaulted, object: an
// Update-operation creator owns the defaults too (f:progressDeadlineSeconds, f:strategy, ...).
TEST_F(ApiDefaultingTest, AnUpdateCreatorOwnsTheDefaultedFields) {
  ASSERT_TRUE(api.create(minimal_deployment(), "kubectl-client-side-apply").status.ok());
  const json d = stored(web);
  const json* e = entry_of(d, "kubectl-client-side-apply", "Update");
  ASSERT_TRUE(e);
  const json& spec = (*e)["fieldsV1"]["f:spec"];
  for (const char* f : {"f:replicas", "f:progressDeadlineSeconds", "f:revisionHistoryLimit"})
    EXPECT_TRUE(spec.contains(f)) << f << "\n" << spec.dump(2);
  EXPECT_EQ(spec["f:strategy"], json::parse(R"({"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}})"));
  const json& pod_spec = spec["f:template"]["f:spec"];
  for (const char* f : {"f:dnsPolicy", "f:restartPolicy", "f:schedulerName", "f:securityContext",
                        "f:terminationGracePeriodSeconds"})
    EXPECT_TRUE(pod_spec.contains(f)) << f;
  const json& container = pod_spec["f:containers"]["k:{\"name\":\"web\"}"];
  for (const char* f : {"f:imagePullPolicy", "f:resources", "f:terminationMessagePath", "f:terminationMessagePolicy"})
    EXPECT_TRUE(container.contains(f)) << f << "\n" << container.dump(2);
}

// An applier owns what it applied only; the defaults are stored but owned by no one.
TEST_F(ApiDefaultingTest, AnApplierOwnsOnlyWhatItApplied) {
  ASSERT_TRUE(api.apply(minimal_deployment(), "argocd-controller", false).status.ok());
  const json d = stored(web);
  EXPECT_EQ(d["spec"]["progressDeadlineSeconds"], 600);
  const json* e = entry_of(d, "argocd-controller", "Apply");
  ASSERT_TRUE(e);
  const json& spec = (*e)["fieldsV1"]["f:spec"];
  for (const char* f : {"f:replicas", "f:progressDeadlineSeconds", "f:revisionHistoryLimit", "f:strategy"})
    EXPECT_FALSE(spec.contains(f)) << f;
  EXPECT_FALSE(spec["f:template"]["f:spec"].contains("f:dnsPolicy"));
}

// A client that sends the manifest again, without the defaults, changes nothing: the new object
// is defaulted before it is compared, so there is no write and no new resourceVersion.
TEST_F(ApiDefaultingTest, AnUpdateWithoutTheDefaultsIsNoChange) {
  ASSERT_TRUE(api.create(minimal_deployment(), "kubectl").status.ok());
  const std::string rv = stored(web)["metadata"]["resourceVersion"];
  json again = minimal_deployment();
  again["metadata"]["resourceVersion"] = rv;
  ASSERT_TRUE(api.update(again, "kubectl-replace").status.ok());
  EXPECT_EQ(stored(web)["metadata"]["resourceVersion"], rv);
  EXPECT_FALSE(entry_of(stored(web), "kubectl-replace", "Update"));
}

// SetDefaults_Pod (requests from limits, key by key; enableServiceLinks), then the admission
// plugins: the default service account and its token volume, the 300 s NoExecute tolerations,
// priority 0. The creator owns the defaults but nothing admission added.
TEST_F(ApiDefaultingTest, PodIsDefaultedThenAdmitted) {
  const WriteResult r = api.create(minimal_pod(), "kube-controller-manager");
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  const json p = *with_managed_fields(r.object);
  const json& spec = p["spec"];
  const json& c = spec["containers"][0];
  EXPECT_EQ(c["imagePullPolicy"], "Always");  // no tag: latest
  EXPECT_EQ(c["resources"]["requests"], json::parse(R"({"cpu":"250m","memory":"1Gi"})"));
  EXPECT_EQ(spec["enableServiceLinks"], true);
  EXPECT_EQ(spec["serviceAccountName"], "default");
  EXPECT_EQ(spec["serviceAccount"], "default");
  EXPECT_EQ(spec["priority"], 0);
  EXPECT_EQ(spec["preemptionPolicy"], "PreemptLowerPriority");
  EXPECT_EQ(spec["tolerations"], json::parse(R"([
    {"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},
    {"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}])"));
  ASSERT_EQ(spec["volumes"].size(), 1u);
  const std::string volume = spec["volumes"][0]["name"];
  EXPECT_EQ(volume.size(), std::string("kube-api-access-").size() + 5) << volume;
  EXPECT_EQ(volume.rfind("kube-api-access-", 0), 0u) << volume;
  EXPECT_EQ(spec["volumes"][0]["projected"]["sources"][0],
            json::parse(R"({"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}})"));
  EXPECT_EQ(c["volumeMounts"], json::array({{{"mountPath", "/var/run/secrets/kubernetes.io/serviceaccount"},
                                              {"name", volume},
                                              {"readOnly", true}}}));
  const json* e = entry_of(p, "kube-controller-manager", "Update");
  ASSERT_TRUE(e);
  const json& owned = (*e)["fieldsV1"]["f:spec"];
  for (const char* f : {"f:enableServiceLinks", "f:dnsPolicy", "f:restartPolicy", "f:securityContext"})
    EXPECT_TRUE(owned.contains(f)) << f << "\n" << owned.dump(2);
  for (const char* f : {"f:tolerations", "f:volumes", "f:serviceAccountName", "f:priority", "f:preemptionPolicy"})
    EXPECT_FALSE(owned.contains(f)) << f << "\n" << owned.dump(2);
}

// A pod that opts out of the token, or names its account, keeps its choice.
TEST_F(ApiDefaultingTest, PodWithoutTokenMountGetsNoVolume) {
  json pod = minimal_pod();
  pod["spec"]["automountServiceAccountToken"] = false;
  pod["spec"]["serviceAccountName"] = "builder";
  const WriteResult r = api.create(pod, "kubectl");
  ASSERT_TRUE(r.status.ok());
  EXPECT_FALSE(r.object->at("spec").contains("volumes"));
  EXPECT_EQ(r.object->at("spec")["serviceAccount"], "builder");
}

TEST(ApiDefaults, ExplicitValuesStayAndDefaultingIsIdempotent) {
  json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},
    "spec":{"replicas":0,"strategy":{"type":"Recreate"},"template":{"spec":{"restartPolicy":"Never",
      "containers":[{"name":"a","image":"repo/app@sha256:abc","imagePullPolicy":"Always",
        "livenessProbe":{"tcpSocket":{"port":80},"timeoutSeconds":5,"periodSeconds":0}},
        {"name":"b","image":"repo/app:latest"},{"name":"c","image":"repo/app@sha256:abc"}]}}}})");
  k8s::apply_defaults(d);
  const json once = d;
  k8s::apply_defaults(d);
  EXPECT_EQ(d, once);
  EXPECT_EQ(d["spec"]["replicas"], 0);
  EXPECT_EQ(d["spec"]["strategy"], json::parse(R"({"type":"Recreate"})"));  // no rollingUpdate for Recreate
  const json& cs = d["spec"]["template"]["spec"]["containers"];
  EXPECT_EQ(d["spec"]["template"]["spec"]["restartPolicy"], "Never");
  EXPECT_EQ(cs[0]["imagePullPolicy"], "Always");
  EXPECT_EQ(cs[0]["livenessProbe"], json::parse(R"({"tcpSocket":{"port":80},"timeoutSeconds":5,"periodSeconds":10,
    "successThreshold":1,"failureThreshold":3})"));  // a zero int32 is Go's unset
  EXPECT_EQ(cs[1]["imagePullPolicy"], "Always");
  EXPECT_EQ(cs[2]["imagePullPolicy"], "IfNotPresent");
  EXPECT_FALSE(d["spec"]["template"]["spec"].contains("enableServiceLinks"));  // a Pod's default, not a template's
}

TEST(ApiDefaults, ServicePortsGetProtocolAndTargetPort) {
  json s = json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
    "spec":{"selector":{"app":"web"},"ports":[{"port":80},{"port":443,"targetPort":"https","protocol":"UDP"}]}})");
  k8s::apply_defaults(s);
  EXPECT_EQ(s["spec"], json::parse(R"({"selector":{"app":"web"},"sessionAffinity":"None","type":"ClusterIP",
    "internalTrafficPolicy":"Cluster","ports":[{"port":80,"protocol":"TCP","targetPort":80},
    {"port":443,"protocol":"UDP","targetPort":"https"}]})"));
}

// autoscaling/v2: minReplicas 1, 80 % CPU without metrics, a behavior completed only if given.
TEST(ApiDefaults, HpaBehaviorIsCompletedOnlyWhenGiven) {
  json h = json::parse(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"},
    "spec":{"maxReplicas":10,"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"}}})");
  json without = h;
  k8s::apply_defaults(without);
  EXPECT_EQ(without["spec"]["minReplicas"], 1);
  EXPECT_EQ(without["spec"]["metrics"], json::parse(R"([{"type":"Resource","resource":{"name":"cpu",
    "target":{"type":"Utilization","averageUtilization":80}}}])"));
  EXPECT_FALSE(without["spec"].contains("behavior"));
  h["spec"]["behavior"] = json::parse(R"({"scaleDown":{"stabilizationWindowSeconds":60}})");
  k8s::apply_defaults(h);
  EXPECT_EQ(h["spec"]["behavior"], json::parse(R"({
    "scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Max",
      "policies":[{"type":"Percent","value":100,"periodSeconds":15}]},
    "scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max",
      "policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]}})"));
}


// The row of issue #17's table: `kubectl get deploy -o yaml` shows the defaults as the API server
// applies them (strategy, revisionHistoryLimit, progressDeadlineSeconds, protocol, the probe's
// defaults, terminationMessagePath, ...), here for scenarios/kubectl-scale.json's Deployment,
// created by `kubectl apply` from a manifest that sets none of them.
TEST(ApiDefaultsKubectl, DeploymentYamlShowsTheDefaults) {
  const testing::CliResult r =
      testing::run_kcsim("kubectl " KCSIM_SOURCE_DIR "/scenarios/kubectl-scale.json --at 1m -- get deploy web -o yaml");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, R"(apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.27","name":"app","ports":[{"containerPort":80}],"readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":5}}]}}}}
  creationTimestamp: "2026-01-01T12:00:00Z"
  generation: 1
  labels:
    app: web
  name: web
  namespace: default
  resourceVersion: "23"
  uid: 0d1a7c6d-d2bd-4e74-8e56-008e87c82999
spec:
  progressDeadlineSeconds: 600
  replicas: 1
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27
        imagePullPolicy: IfNotPresent
        name: app
        ports:
        - containerPort: 80
          protocol: TCP
        readinessProbe:
          failureThreshold: 3
          httpGet:
            path: /
            port: 80
            scheme: HTTP
          periodSeconds: 5
          successThreshold: 1
          timeoutSeconds: 1
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 1
  conditions:
  - lastTransitionTime: "2026-01-01T12:00:12Z"
    lastUpdateTime: "2026-01-01T12:00:12Z"
    message: Deployment has minimum availability.
    reason: MinimumReplicasAvailable
    status: "True"
    type: Available
  - lastTransitionTime: "2026-01-01T12:00:00Z"
    lastUpdateTime: "2026-01-01T12:00:12Z"
    message: ReplicaSet "web-5cfb9f5f9" has successfully progressed.
    reason: NewReplicaSetAvailable
    status: "True"
    type: Progressing
  observedGeneration: 1
  readyReplicas: 1
  replicas: 1
  updatedReplicas: 1
)");
}

}  // namespace
}  // namespace kcsim
