// Unit tests of `kcsim kubectl`: kubectl's table, describe, top and -o yaml/json layouts, and
// `argocd app get`. Each layout is pinned against real output (the sample and its source are
// quoted beside the test) or, where no public sample exists, against the printer's source.
#include "kcsim/views/kubectl_view.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/views/yaml_writer.hpp"

namespace kcsim {
namespace {

// A bare API server (no models) whose clock the test moves.
struct Cluster {
  Engine engine;
  std::unique_ptr<ApiServer> api;
  Versions versions;

  explicit Cluster(std::int64_t epoch_unix_seconds = 1767268800) {
    api = std::make_unique<ApiServer>(engine, Epoch{epoch_unix_seconds});
  }
  void advance_to(Duration d) { engine.run_until(SimTime{d}); }
  std::string stamp(Duration d) const { return api->epoch().rfc3339(SimTime{d}); }
  ObjectPtr create(json o) {
    o["metadata"].erase("resourceVersion");
    o["metadata"].erase("uid");
    o["metadata"].erase("creationTimestamp");
    WriteResult r = api->create(std::move(o), "test");
    EXPECT_TRUE(r.status.ok()) << r.status.message;
    return r.object;
  }
  void event(const std::string& kind, const std::string& ns, const std::string& name, const std::string& type,
             const std::string& reason, const std::string& message, const std::string& component) {
    api->record_event({kind, ns, name}, type, reason, message, component);
  }
  KubectlResult run(const std::vector<std::string>& args) { return kubectl_exec(*api, versions, args); }
  std::string out(const std::vector<std::string>& args) {
    const KubectlResult r = run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  }
};

json container_status(const std::string& name, bool ready, const json& state, int restarts = 0) {
  return {{"name", name}, {"ready", ready}, {"restartCount", restarts}, {"state", state}, {"image", "nginx"}, {"imageID", ""}};
}

// A pod as the API server stores it on create (PodStrategy.PrepareForCreate sets phase Pending).
json pod(const std::string& name, const std::string& ns = "default", const json& labels = {{"app", "nginx"}}) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
          {"spec", {{"containers", json::array({{{"name", "nginx"}, {"image", "nginx"}}})}}},
          {"status", {{"phase", "Pending"}}}};
}

json running_pod(const Cluster& c, const std::string& name, const std::string& ns = "default") {
  json p = pod(name, ns);
  p["spec"]["nodeName"] = "kube-worker-1";
  p["status"] = {{"phase", "Running"},
                 {"podIP", "10.88.0.3"},
                 {"podIPs", json::array({{{"ip", "10.88.0.3"}}})},
                 {"containerStatuses", json::array({container_status("nginx", true, {{"running", {{"startedAt", c.stamp(seconds(1))}}}})})}};
  return p;
}

// --- Go's text/tabwriter ------------------------------------------------------------------------------

TEST(GoTabwriter, KubectlTableSettingsMatchTheDeploymentDocs) {
  // kubernetes/website content/en/docs/concepts/workloads/controllers/deployment.md:
  //   NAME               READY   UP-TO-DATE   AVAILABLE   AGE
  //   nginx-deployment   3/3     3            3           18s
  // cli-runtime printers.GetNewTabWriter: minwidth 6, padding 3.
  EXPECT_EQ(go_tabwriter("NAME\tREADY\tUP-TO-DATE\tAVAILABLE\tAGE\nnginx-deployment\t3/3\t3\t3\t18s\n", 6, 3),
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
            "nginx-deployment   3/3     3            3           18s\n");
}

TEST(GoTabwriter, ColumnsAlignOnlyOverConsecutiveLinesThatHaveThem) {
  // kubernetes/website .../debug-application/debug-running-pod.md, `kubectl describe pod`:
  //   Status:       Running
  //   IP:           10.88.0.3
  //   IPs:
  //     IP:           10.88.0.3
  //     IP:           2001:db8::1
  //   Controlled By:  ReplicaSet/nginx-deployment-67d4bdd6f5
  // "IPs:" has no tab, so the lines after it form a new column block (describe: minwidth 0, padding 2).
  EXPECT_EQ(go_tabwriter("Annotations:\t<none>\nStatus:\tRunning\nIP:\t10.88.0.3\nIPs:\n  IP:\t10.88.0.3\n  IP:\t2001:db8::1\n"
                         "Controlled By:\tReplicaSet/nginx-deployment-67d4bdd6f5\n",
                         0, 2),
            "Annotations:  <none>\n"
            "Status:       Running\n"
            "IP:           10.88.0.3\n"
            "IPs:\n"
            "  IP:           10.88.0.3\n"
            "  IP:           2001:db8::1\n"
            "Controlled By:  ReplicaSet/nginx-deployment-67d4bdd6f5\n");
  // A tab-terminated last cell is padded too (kubectl top), and an unterminated last line keeps no newline.
  EXPECT_EQ(go_tabwriter("NAME\tCPU\t\nab\t1m\t\nx", 6, 3), "NAME   CPU   \nab     1m    \nx");
}

// --- -o yaml and -o json ---------------------------------------------------------------------------------

TEST(YamlWriter, PodFromTheDocsPrintsByteForByte) {
  // kubernetes/website .../debug-application/debug-running-pod.md, `kubectl get pod ... -o yaml`
  // (real output: timestamps and "True" double-quoted, lastProbeTime: null, lastState: {},
  // 2001:db8::1 plain, list items at their key's indentation).
  const json pod_json = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"2022-02-17T21:51:01Z","generateName":"nginx-deployment-67d4bdd6f5-","labels":{"app":"nginx","pod-template-hash":"67d4bdd6f5"},"name":"nginx-deployment-67d4bdd6f5-w6kd7","namespace":"default","ownerReferences":[{"apiVersion":"apps/v1","blockOwnerDeletion":true,"controller":true,"kind":"ReplicaSet","name":"nginx-deployment-67d4bdd6f5","uid":"7d41dfd4-84c0-4be4-88ab-cedbe626ad82"}],"resourceVersion":"1364","uid":"a6501da1-0447-4262-98eb-c03d4002222e"},"spec":{"containers":[{"image":"nginx","imagePullPolicy":"Always","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"500m","memory":"128Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","volumeMounts":[{"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","name":"kube-api-access-bgsgp","readOnly":true}]}],"dnsPolicy":"ClusterFirst","enableServiceLinks":true,"nodeName":"kube-worker-1","preemptionPolicy":"PreemptLowerPriority","priority":0,"restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"serviceAccount":"default","serviceAccountName":"default","terminationGracePeriodSeconds":30,"tolerations":[{"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},{"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}],"volumes":[{"name":"kube-api-access-bgsgp","projected":{"defaultMode":420,"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"items":[{"key":"ca.crt","path":"ca.crt"}],"name":"kube-root-ca.crt"}},{"downwardAPI":{"items":[{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"},"path":"namespace"}]}}]}}]},"status":{"conditions":[{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:01Z","status":"True","type":"Initialized"},{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:06Z","status":"True","type":"Ready"},{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:06Z","status":"True","type":"ContainersReady"},{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:01Z","status":"True","type":"PodScheduled"}],"containerStatuses":[{"containerID":"containerd://5403af59a2b46ee5a23fb0ae4b1e077f7ca5c5fb7af16e1ab21c00e0e616462a","image":"docker.io/library/nginx:latest","imageID":"docker.io/library/nginx@sha256:2834dc507516af02784808c5f48b7cbe38b8ed5d0f4837f16e78d00deb7e7767","lastState":{},"name":"nginx","ready":true,"restartCount":0,"started":true,"state":{"running":{"startedAt":"2022-02-17T21:51:05Z"}}}],"hostIP":"192.168.0.113","phase":"Running","podIP":"10.88.0.3","podIPs":[{"ip":"10.88.0.3"},{"ip":"2001:db8::1"}],"qosClass":"Guaranteed","startTime":"2022-02-17T21:51:01Z"}})");
  const std::string expected = R"(apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2022-02-17T21:51:01Z"
  generateName: nginx-deployment-67d4bdd6f5-
  labels:
    app: nginx
    pod-template-hash: 67d4bdd6f5
  name: nginx-deployment-67d4bdd6f5-w6kd7
  namespace: default
  ownerReferences:
  - apiVersion: apps/v1
    blockOwnerDeletion: true
    controller: true
    kind: ReplicaSet
    name: nginx-deployment-67d4bdd6f5
    uid: 7d41dfd4-84c0-4be4-88ab-cedbe626ad82
  resourceVersion: "1364"
  uid: a6501da1-0447-4262-98eb-c03d4002222e
spec:
  containers:
  - image: nginx
    imagePullPolicy: Always
    name: nginx
    ports:
    - containerPort: 80
      protocol: TCP
    resources:
      limits:
        cpu: 500m
        memory: 128Mi
      requests:
        cpu: 500m
        memory: 128Mi
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access-bgsgp
      readOnly: true
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: kube-worker-1
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
  - effect: NoExecute
    key: node.kubernetes.io/unreachable
    operator: Exists
    tolerationSeconds: 300
  volumes:
  - name: kube-api-access-bgsgp
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken:
          expirationSeconds: 3607
          path: token
      - configMap:
          items:
          - key: ca.crt
            path: ca.crt
          name: kube-root-ca.crt
      - downwardAPI:
          items:
          - fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
            path: namespace
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:01Z"
    status: "True"
    type: Initialized
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:06Z"
    status: "True"
    type: Ready
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:06Z"
    status: "True"
    type: ContainersReady
  - lastProbeTime: null
    lastTransitionTime: "2022-02-17T21:51:01Z"
    status: "True"
    type: PodScheduled
  containerStatuses:
  - containerID: containerd://5403af59a2b46ee5a23fb0ae4b1e077f7ca5c5fb7af16e1ab21c00e0e616462a
    image: docker.io/library/nginx:latest
    imageID: docker.io/library/nginx@sha256:2834dc507516af02784808c5f48b7cbe38b8ed5d0f4837f16e78d00deb7e7767
    lastState: {}
    name: nginx
    ready: true
    restartCount: 0
    started: true
    state:
      running:
        startedAt: "2022-02-17T21:51:05Z"
  hostIP: 192.168.0.113
  phase: Running
  podIP: 10.88.0.3
  podIPs:
  - ip: 10.88.0.3
  - ip: 2001:db8::1
  qosClass: Guaranteed
  startTime: "2022-02-17T21:51:01Z"
)";
  EXPECT_EQ(to_yaml(pod_json), expected);
}

TEST(YamlWriter, DeploymentListPrintsByteForByte) {
  // A public `kubectl get deploy -o yaml` transcript (cx0110/cx0110.github.io,
  // content/blog/cloud-native/deploy.md): a List; "25%" stays plain; creationTimestamp: null;
  // resources: {}; a 79-column message is not folded; selfLink: "".
  const json list = json::parse(R"({"apiVersion":"v1","items":[{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"deployment.kubernetes.io/revision":"1"},"creationTimestamp":"2022-02-27T09:09:17Z","generation":1,"name":"nginx-deployment","namespace":"default","resourceVersion":"283237","uid":"40894933-618b-4d47-a270-b02e10435f14"},"spec":{"progressDeadlineSeconds":600,"replicas":1,"revisionHistoryLimit":10,"selector":{"matchLabels":{"app":"nginx"}},"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx","imagePullPolicy":"Always","name":"nginx","readinessProbe":{"exec":{"command":["cat","/tmp/healthy"]},"failureThreshold":3,"initialDelaySeconds":5,"periodSeconds":5,"successThreshold":1,"timeoutSeconds":1},"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}},"status":{"availableReplicas":1,"conditions":[{"lastTransitionTime":"2022-02-27T09:09:17Z","lastUpdateTime":"2022-02-27T09:11:22Z","message":"ReplicaSet \"nginx-deployment-57586646f7\" has successfully progressed.","reason":"NewReplicaSetAvailable","status":"True","type":"Progressing"},{"lastTransitionTime":"2022-02-28T03:49:39Z","lastUpdateTime":"2022-02-28T03:49:39Z","message":"Deployment has minimum availability.","reason":"MinimumReplicasAvailable","status":"True","type":"Available"}],"observedGeneration":1,"readyReplicas":1,"replicas":1,"updatedReplicas":1}}],"kind":"List","metadata":{"resourceVersion":"","selfLink":""}})");
  const std::string expected = R"(apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    annotations:
      deployment.kubernetes.io/revision: "1"
    creationTimestamp: "2022-02-27T09:09:17Z"
    generation: 1
    name: nginx-deployment
    namespace: default
    resourceVersion: "283237"
    uid: 40894933-618b-4d47-a270-b02e10435f14
  spec:
    progressDeadlineSeconds: 600
    replicas: 1
    revisionHistoryLimit: 10
    selector:
      matchLabels:
        app: nginx
    strategy:
      rollingUpdate:
        maxSurge: 25%
        maxUnavailable: 25%
      type: RollingUpdate
    template:
      metadata:
        creationTimestamp: null
        labels:
          app: nginx
      spec:
        containers:
        - image: nginx
          imagePullPolicy: Always
          name: nginx
          readinessProbe:
            exec:
              command:
              - cat
              - /tmp/healthy
            failureThreshold: 3
            initialDelaySeconds: 5
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
    - lastTransitionTime: "2022-02-27T09:09:17Z"
      lastUpdateTime: "2022-02-27T09:11:22Z"
      message: ReplicaSet "nginx-deployment-57586646f7" has successfully progressed.
      reason: NewReplicaSetAvailable
      status: "True"
      type: Progressing
    - lastTransitionTime: "2022-02-28T03:49:39Z"
      lastUpdateTime: "2022-02-28T03:49:39Z"
      message: Deployment has minimum availability.
      reason: MinimumReplicasAvailable
      status: "True"
      type: Available
    observedGeneration: 1
    readyReplicas: 1
    replicas: 1
    updatedReplicas: 1
kind: List
metadata:
  resourceVersion: ""
  selfLink: ""
)";
  EXPECT_EQ(to_yaml(list), expected);
}

TEST(YamlWriter, FoldsLongScalarsPastColumn80LikeKubectl) {
  // A public `kubectl get pod -o yaml` transcript of a Pending pod: the single-quoted message
  // (it has ": ") is folded at the first space past column 80, continuation lines indented two
  // more than the key:
  //   status:
  //     conditions:
  //     - lastProbeTime: null
  //       lastTransitionTime: "2025-09-02T01:33:52Z"
  //       message: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.
  //         preemption: 0/1 nodes are available: 1 No preemption victims found for incoming
  //         pod.'
  //       reason: Unschedulable
  const json status = {
      {"status",
       {{"conditions",
         json::array({{{"lastProbeTime", nullptr},
                       {"lastTransitionTime", "2025-09-02T01:33:52Z"},
                       {"message",
                        "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are "
                        "available: 1 No preemption victims found for incoming pod."},
                       {"reason", "Unschedulable"}}})}}}};
  EXPECT_EQ(to_yaml(status),
            "status:\n"
            "  conditions:\n"
            "  - lastProbeTime: null\n"
            "    lastTransitionTime: \"2025-09-02T01:33:52Z\"\n"
            "    message: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.\n"
            "      preemption: 0/1 nodes are available: 1 No preemption victims found for incoming\n"
            "      pod.'\n"
            "    reason: Unschedulable\n");
  // Plain scalars fold the same way (emitterc.go yaml_emitter_write_plain_scalar).
  const std::string words = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq";
  EXPECT_EQ(to_yaml(json{{"message", words}}),
            "message: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n"
            "  pppp qqqq\n");
}

TEST(YamlWriter, QuotesAStringOnlyWhenGoYamlWould) {
  // go-yaml v2 encode.go stringv + emitterc.go yaml_emitter_select_scalar_style: double quotes
  // when the text would read back as another type, single quotes when it cannot be plain.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"true", "\"true\""},         {"True", "\"True\""},     {"yes", "\"yes\""},        {"on", "\"on\""},
      {"n", "\"n\""},               {"null", "\"null\""},     {"~", "\"~\""},            {"", "\"\""},
      {"123", "\"123\""},           {"0x1F", "\"0x1F\""},     {"1_000", "\"1_000\""},    {"1.5", "\"1.5\""},
      {".5", "\".5\""},             {"1e3", "\"1e3\""},       {".inf", "\".inf\""},      {"12:30", "\"12:30\""},
      {"2026-01-01", "\"2026-01-01\""}, {"2026-01-01T12:00:00Z", "\"2026-01-01T12:00:00Z\""},
      {"nil", "nil"},               {"25%", "25%"},           {"-x", "-x"},              {"x#y", "x#y"},
      {"it's", "it's"},             {"a,b", "a,b"},           {"http://x:80/y", "http://x:80/y"},
      {"10.88.0.3", "10.88.0.3"},   {"2001:db8::1", "2001:db8::1"}, {"é", "é"},
      {"a: b", "'a: b'"},           {"key:", "'key:'"},       {"- x", "'- x'"},          {"-", "'-'"},
      {"*", "'*'"},                 {"&a", "'&a'"},           {"!x", "'!x'"},            {"#x", "'#x'"},
      {"x #y", "'x #y'"},           {"[x]", "'[x]'"},         {"{x}", "'{x}'"},          {"@x", "'@x'"},
      {"%x", "'%x'"},               {"`x", "'`x'"},           {"'q'", "'''q'''"},        {"\"q\"", "'\"q\"'"},
      {" lead", "' lead'"},         {"trail ", "'trail '"},   {"---", "'---'"},
      {"a\tb", "\"a\\tb\""},        {"a\x01", "\"a\\x01\""},  {"\xF0\x9F\x98\x80", "\"\\U0001F600\""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(to_yaml(json{{"k", in}}), "k: " + want + "\n") << "for " << json(in).dump();
  // Keys follow the same rules.
  EXPECT_EQ(to_yaml(json{{"true", 1}, {"a b", 2}}), "a b: 2\n\"true\": 1\n");
}

TEST(YamlWriter, MultiLineStringsAreLiteralBlocks) {
  // kubectl prints the last-applied-configuration annotation (JSON plus a newline) as "|".
  EXPECT_EQ(to_yaml(json{{"metadata", {{"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{\"a\":1}\n"}}}}}}),
            "metadata:\n"
            "  annotations:\n"
            "    kubectl.kubernetes.io/last-applied-configuration: |\n"
            "      {\"a\":1}\n");
  EXPECT_EQ(to_yaml(json{{"a", "x\ny"}}), "a: |-\n  x\n  y\n");
  EXPECT_EQ(to_yaml(json{{"a", "x\n\n"}}), "a: |+\n  x\n\n");
  EXPECT_EQ(to_yaml(json{{"a", " lead\nx\n"}}), "a: |2\n   lead\n  x\n");
  EXPECT_EQ(to_yaml(json{{"a", "x\n\ny\n"}}), "a: |\n  x\n\n  y\n");
  // A space before a line break rules the block style out: double quotes with escapes.
  EXPECT_EQ(to_yaml(json{{"a", "x \ny"}}), "a: \"x \\ny\"\n");
  EXPECT_EQ(to_yaml(json::array({"x\ny\n"})), "- |\n  x\n  y\n");
}

TEST(YamlWriter, KeysInGoYamlOrderAndNumbersAsGoPrintsThem) {
  // sorter.go keyList.Less: non-letters before letters, digit runs compared as numbers.
  EXPECT_EQ(to_yaml(json{{"b", 1}, {"a10", 1}, {"a9", 1}, {"a1", 1}, {"a", 1}, {"A", 1}, {"_x", 1}, {".", 1}}),
            ".: 1\n_x: 1\nA: 1\na: 1\na1: 1\na9: 1\na10: 1\nb: 1\n");
  EXPECT_TRUE(yaml_key_less("f:metadata", "f:spec"));
  EXPECT_TRUE(yaml_key_less(".", "f:app"));
  // JSON → Go → YAML: integral floats are integers; other floats use strconv 'g'.
  EXPECT_EQ(to_yaml(json{{"a", 3.0}, {"b", 0.5}, {"c", 1e-7}, {"d", 1e20}, {"e", 1234567.5}, {"f", -3}, {"g", nullptr},
                         {"h", false}, {"i", 18446744073709551615ULL}}),
            "a: 3\nb: 0.5\nc: 1e-07\nd: 1e+20\ne: 1.2345675e+06\nf: -3\ng: null\nh: false\ni: 18446744073709551615\n");
  EXPECT_EQ(to_yaml(json::object()), "{}\n");
  EXPECT_EQ(to_yaml(json{{"a", json::array()}, {"b", json::object()}}), "a: []\nb: {}\n");
}

TEST(YamlWriter, GoJsonIsKubectlsJsonPrinter) {
  // kubectl -o json: json.MarshalIndent(obj, "", "    ") + "\n"; encoding/json escapes <, > and &.
  EXPECT_EQ(to_go_json(json{{"b", json::array({1, "x<y>&z"})}, {"a", json::object()}, {"c", json::array()}, {"d", 0.5}}),
            "{\n"
            "    \"a\": {},\n"
            "    \"b\": [\n"
            "        1,\n"
            "        \"x\\u003cy\\u003e\\u0026z\"\n"
            "    ],\n"
            "    \"c\": [],\n"
            "    \"d\": 0.5\n"
            "}");
  EXPECT_EQ(to_go_json_compact(json{{"a", json::array({1, 2})}, {"b", "\n"}}), "{\"a\":[1,2],\"b\":\"\\n\"}");
}

// --- kubectl get -----------------------------------------------------------------------------------------

TEST(KubectlView, GetPodsMatchesTheDocsSample) {
  // kubernetes/website .../debug-application/debug-running-pod.md:
  //   NAME                                READY   STATUS    RESTARTS   AGE
  //   nginx-deployment-67d4bdd6f5-cx2nz   1/1     Running   0          13s
  //   nginx-deployment-67d4bdd6f5-w6kd7   1/1     Running   0          13s
  Cluster c;
  c.create(running_pod(c, "nginx-deployment-67d4bdd6f5-w6kd7"));
  c.create(running_pod(c, "nginx-deployment-67d4bdd6f5-cx2nz"));
  c.advance_to(seconds(13));
  EXPECT_EQ(c.out({"get", "pods"}),
            "NAME                                READY   STATUS    RESTARTS   AGE\n"
            "nginx-deployment-67d4bdd6f5-cx2nz   1/1     Running   0          13s\n"
            "nginx-deployment-67d4bdd6f5-w6kd7   1/1     Running   0          13s\n");
  // printPod with -o wide: IP NODE NOMINATED NODE READINESS GATES.
  EXPECT_EQ(c.out({"get", "pods", "-o", "wide", "-l", "app=nginx"}),
            "NAME                                READY   STATUS    RESTARTS   AGE   IP          NODE            NOMINATED NODE   READINESS GATES\n"
            "nginx-deployment-67d4bdd6f5-cx2nz   1/1     Running   0          13s   10.88.0.3   kube-worker-1   <none>           <none>\n"
            "nginx-deployment-67d4bdd6f5-w6kd7   1/1     Running   0          13s   10.88.0.3   kube-worker-1   <none>           <none>\n");
  // A single name, kubectl's flag spellings, and the kubectl prefix.
  EXPECT_EQ(c.out({"kubectl", "-n", "default", "get", "pod", "nginx-deployment-67d4bdd6f5-cx2nz", "--no-headers"}),
            "nginx-deployment-67d4bdd6f5-cx2nz   1/1   Running   0     13s\n");
}

TEST(KubectlView, PodStatusColumnFollowsPrintPod) {
  // printers.go printPod: a waiting reason wins, restarts "N (<age> ago)" after a termination,
  // "Terminating" once deletionTimestamp is set.
  Cluster c;
  json creating = pod("creating");
  creating["status"] = {{"phase", "Pending"},
                        {"containerStatuses", json::array({container_status("nginx", false, {{"waiting", {{"reason", "ContainerCreating"}}}})})}};
  c.create(creating);
  c.create(pod("pending"));
  json crashing = pod("crashing");
  json cs = container_status("nginx", false, {{"waiting", {{"reason", "CrashLoopBackOff"}}}}, 3);
  cs["lastState"] = {{"terminated", {{"exitCode", 1}, {"reason", "Error"}, {"startedAt", c.stamp(seconds(50))}, {"finishedAt", c.stamp(seconds(60))}}}};
  crashing["status"] = {{"phase", "Running"}, {"containerStatuses", json::array({cs})}};
  c.create(crashing);
  json notready = running_pod(c, "notready");
  notready["status"]["containerStatuses"][0]["ready"] = false;
  c.create(notready);
  c.create(running_pod(c, "stopping"));
  c.advance_to(seconds(105));
  ASSERT_TRUE(c.api->remove({"Pod", "default", "stopping"}, "test").status.ok());
  EXPECT_EQ(c.out({"get", "pods"}),
            "NAME       READY   STATUS              RESTARTS      AGE\n"
            "crashing   0/1     CrashLoopBackOff    3 (45s ago)   105s\n"
            "creating   0/1     ContainerCreating   0             105s\n"
            "notready   0/1     Running             0             105s\n"
            "pending    0/1     Pending             0             105s\n"
            "stopping   1/1     Terminating         0             105s\n");
}

TEST(KubectlView, DeploymentAndReplicaSetTablesMatchTheDocs) {
  // kubernetes/website content/en/docs/concepts/workloads/controllers/deployment.md:
  //   NAME               READY   UP-TO-DATE   AVAILABLE   AGE
  //   nginx-deployment   3/3     3            3           18s
  //   NAME                          DESIRED   CURRENT   READY   AGE
  //   nginx-deployment-75675f5897   3         3         3       18s
  Cluster c;
  const json template_spec = {{"metadata", {{"labels", {{"app", "nginx"}}}}},
                              {"spec", {{"containers", json::array({{{"name", "nginx"}, {"image", "nginx:1.14.2"}}})}}}};
  // The ReplicaSet's template carries the hash its selector names (apps/v1 validation).
  json rs_template = template_spec;
  rs_template["metadata"]["labels"]["pod-template-hash"] = "75675f5897";
  c.create({{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "nginx-deployment"}, {"namespace", "default"}}},
            {"spec", {{"replicas", 3}, {"selector", {{"matchLabels", {{"app", "nginx"}}}}}, {"template", template_spec}}},
            {"status", {{"readyReplicas", 3}, {"updatedReplicas", 3}, {"availableReplicas", 3}, {"replicas", 3}}}});
  c.create({{"apiVersion", "apps/v1"},
            {"kind", "ReplicaSet"},
            {"metadata", {{"name", "nginx-deployment-75675f5897"}, {"namespace", "default"}}},
            {"spec",
             {{"replicas", 3},
              {"selector", {{"matchLabels", {{"app", "nginx"}, {"pod-template-hash", "75675f5897"}}}}},
              {"template", rs_template}}},
            {"status", {{"readyReplicas", 3}, {"replicas", 3}}}});
  c.advance_to(seconds(18));
  EXPECT_EQ(c.out({"get", "deployments"}),
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
            "nginx-deployment   3/3     3            3           18s\n");
  EXPECT_EQ(c.out({"get", "rs"}),
            "NAME                          DESIRED   CURRENT   READY   AGE\n"
            "nginx-deployment-75675f5897   3         3         3       18s\n");
  EXPECT_EQ(c.out({"get", "deploy", "-o", "wide"}),
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES         SELECTOR\n"
            "nginx-deployment   3/3     3            3           18s   nginx        nginx:1.14.2   app=nginx\n");
  // Several kinds: one table each, a blank line between, names prefixed "kind.group/" (get.go
  // multipleGVKsRequested); -o name likewise.
  EXPECT_EQ(c.out({"get", "deploy,rs"}),
            "NAME                               READY   UP-TO-DATE   AVAILABLE   AGE\n"
            "deployment.apps/nginx-deployment   3/3     3            3           18s\n"
            "\n"
            "NAME                                          DESIRED   CURRENT   READY   AGE\n"
            "replicaset.apps/nginx-deployment-75675f5897   3         3         3       18s\n");
  EXPECT_EQ(c.out({"get", "all", "-o", "name"}),
            "deployment.apps/nginx-deployment\nreplicaset.apps/nginx-deployment-75675f5897\n");
}

TEST(KubectlView, EventsMatchAPublicSample) {
  // syaning/syaning.github.io src/learn/kubernetes/resources/event.md, `kubectl get event`:
  //   LAST SEEN   TYPE      REASON             OBJECT                       MESSAGE
  //   3m33s       Warning   FailedScheduling   pod/nginx-66f9f9cfd5-2w97n   0/1 nodes are available: 1 Insufficient cpu.
  //   3m33s       Warning   FailedScheduling   pod/nginx-66f9f9cfd5-7dzb8   0/1 nodes are available: 1 Insufficient cpu.
  //   3m33s       Warning   FailedScheduling   pod/nginx-66f9f9cfd5-wn9ph   0/1 nodes are available: 1 Insufficient cpu.
  Cluster c;
  for (const char* name : {"nginx-66f9f9cfd5-wn9ph", "nginx-66f9f9cfd5-2w97n", "nginx-66f9f9cfd5-7dzb8"}) {
    c.create(pod(name));
    c.event("Pod", "default", name, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.", "default-scheduler");
  }
  c.advance_to(seconds(213));
  EXPECT_EQ(c.out({"get", "events"}),
            "LAST SEEN   TYPE      REASON             OBJECT                       MESSAGE\n"
            "3m33s       Warning   FailedScheduling   pod/nginx-66f9f9cfd5-2w97n   0/1 nodes are available: 1 Insufficient cpu.\n"
            "3m33s       Warning   FailedScheduling   pod/nginx-66f9f9cfd5-7dzb8   0/1 nodes are available: 1 Insufficient cpu.\n"
            "3m33s       Warning   FailedScheduling   pod/nginx-66f9f9cfd5-wn9ph   0/1 nodes are available: 1 Insufficient cpu.\n");
}

TEST(KubectlView, EventsAcrossNamespacesSortedAndWide) {
  Cluster c;
  c.create(pod("b", "prod"));
  c.event("Pod", "prod", "b", "Normal", "Scheduled", "Successfully assigned prod/b to node-1", "default-scheduler");
  c.advance_to(seconds(30));
  c.create(pod("a", "default"));
  c.event("Pod", "default", "a", "Normal", "Scheduled", "Successfully assigned default/a to node-1", "default-scheduler");
  c.advance_to(seconds(40));
  c.event("Pod", "prod", "b", "Normal", "Scheduled", "Successfully assigned prod/b to node-1", "default-scheduler");
  c.advance_to(seconds(100));
  // Default: API list order (namespace, then name); NAMESPACE first with -A (tableprinter.go).
  EXPECT_EQ(c.out({"get", "events", "-A"}),
            "NAMESPACE   LAST SEEN   TYPE     REASON      OBJECT   MESSAGE\n"
            "default     70s         Normal   Scheduled   pod/a    Successfully assigned default/a to node-1\n"
            "prod        60s         Normal   Scheduled   pod/b    Successfully assigned prod/b to node-1\n");
  // --sort-by on creation time puts prod/b (created at 0 s) first.
  EXPECT_EQ(c.out({"get", "events", "-A", "--sort-by=.metadata.creationTimestamp", "--no-headers"}),
            "prod      60s   Normal   Scheduled   pod/b   Successfully assigned prod/b to node-1\n"
            "default   70s   Normal   Scheduled   pod/a   Successfully assigned default/a to node-1\n");
  // -o wide: SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME (printEvent); the repeat merged (count 2).
  const std::string wide = c.out({"get", "events", "-n", "prod", "-o", "wide"});
  EXPECT_EQ(wide.substr(0, wide.find('\n')),
            "LAST SEEN   TYPE     REASON      OBJECT   SUBOBJECT   SOURCE              MESSAGE                                  FIRST SEEN   COUNT   NAME");
  EXPECT_NE(wide.find("60s         Normal   Scheduled   pod/b                default-scheduler   Successfully assigned prod/b to node-1   100s         2       b."),
            std::string::npos)
      << wide;
}

TEST(KubectlView, HpaTargetsFollowFormatHPAMetrics) {
  // printers.go formatHPAMetrics ("%s: %s/%s" for resources since Kubernetes 1.27); a public
  // transcript of the HPA walkthrough:
  //   NAME         REFERENCE               TARGETS       MINPODS   MAXPODS   REPLICAS   AGE
  //   php-apache   Deployment/php-apache   cpu: 0%/50%   1         10        1          20h
  Cluster c;
  json cpu_metric = {{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}};
  c.create({{"apiVersion", "autoscaling/v2"},
            {"kind", "HorizontalPodAutoscaler"},
            {"metadata", {{"name", "php-apache"}, {"namespace", "default"}}},
            {"spec",
             {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "php-apache"}}},
              {"minReplicas", 1},
              {"maxReplicas", 10},
              {"metrics", json::array({cpu_metric})}}},
            {"status",
             {{"currentReplicas", 1},
              {"currentMetrics", json::array({{{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"current", {{"averageUtilization", 0}}}}}}})}}}});
  // KEDA's HPA: an External metric with an AverageValue target and no current value yet, plus
  // two more metrics ("+ 1 more...").
  json external = {{"type", "External"},
                   {"external", {{"metric", {{"name", "s0-prometheus"}}}, {"target", {{"type", "AverageValue"}, {"averageValue", "5"}}}}}};
  c.create({{"apiVersion", "autoscaling/v2"},
            {"kind", "HorizontalPodAutoscaler"},
            {"metadata", {{"name", "keda-hpa-web"}, {"namespace", "default"}}},
            {"spec",
             {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
              {"minReplicas", 1},
              {"maxReplicas", 100},
              {"metrics", json::array({external, cpu_metric, cpu_metric})}}},
            {"status", {{"currentReplicas", 0}}}});
  c.advance_to(hours(20));
  EXPECT_EQ(c.out({"get", "hpa"}),
            "NAME           REFERENCE               TARGETS                                             MINPODS   MAXPODS   REPLICAS   AGE\n"
            "keda-hpa-web   Deployment/web          <unknown>/5 (avg), cpu: <unknown>/50% + 1 more...   1         100       0          20h\n"
            "php-apache     Deployment/php-apache   cpu: 0%/50%                                         1         10        1          20h\n");
}

json scaled_object() {
  return {{"apiVersion", "keda.sh/v1alpha1"},
          {"kind", "ScaledObject"},
          {"metadata", {{"name", "web"}, {"namespace", "default"}}},
          {"spec",
           {{"scaleTargetRef", {{"name", "web"}}},
            {"minReplicaCount", 0},
            {"maxReplicaCount", 10},
            {"triggers", json::array({{{"type", "prometheus"}, {"metadata", json::object()}}, {{"type", "cron"}, {"metadata", json::object()}}})}}},
          {"status",
           {{"scaleTargetKind", "apps/v1.Deployment"},
            {"triggersTypes", "prometheus,cron"},
            {"conditions",
             json::array({{{"type", "Ready"}, {"status", "True"}},
                          {{"type", "Active"}, {"status", "False"}},
                          {{"type", "Fallback"}, {"status", "False"}}})}}}};
}

TEST(KubectlView, ScaledObjectColumnsAreKedasPrinterColumns) {
  // kedacore/keda config/crd/bases/keda.sh_scaledobjects.yaml (v2.16 and later):
  // ScaleTargetKind ScaleTargetName Min Max Ready Active Fallback Paused Triggers Authentications
  // Age; a missing value prints as an empty cell (the apiextensions table convertor).
  Cluster c;
  c.create(scaled_object());
  c.advance_to(minutes(5));
  EXPECT_EQ(c.out({"get", "so"}),
            "NAME   SCALETARGETKIND      SCALETARGETNAME   MIN   MAX   READY   ACTIVE   FALLBACK   PAUSED   TRIGGERS          AUTHENTICATIONS   AGE\n"
            "web    apps/v1.Deployment   web               0     10    True    False    False               prometheus,cron                     5m\n");
  // Before 2.16 the columns were read from spec.triggers (first result only) and sat after Max.
  c.versions.set("keda", "2.15.0");
  EXPECT_EQ(c.out({"get", "scaledobjects.keda.sh"}),
            "NAME   SCALETARGETKIND      SCALETARGETNAME   MIN   MAX   TRIGGERS     AUTHENTICATION   READY   ACTIVE   FALLBACK   PAUSED   AGE\n"
            "web    apps/v1.Deployment   web               0     10    prometheus                    True    False    False               5m\n");
}

TEST(KubectlView, HttpScaledObjectAndApplicationColumns) {
  // kedacore/http-add-on config/crd/bases/http.keda.sh_httpscaledobjects.yaml (v0.10: Active by
  // reason; v0.12 and later: Ready by type); argo-cd manifests/crds/application-crd.yaml (Sync
  // Status, Health Status; Revision and Project with -o wide).
  Cluster c;
  c.create({{"apiVersion", "http.keda.sh/v1alpha1"},
            {"kind", "HTTPScaledObject"},
            {"metadata", {{"name", "web"}, {"namespace", "default"}}},
            {"spec", {{"replicas", {{"min", 0}, {"max", 10}}}}},
            {"status",
             {{"targetWorkload", "apps/v1/Deployment/web"},
              {"targetService", "web:80"},
              {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}, {"reason", "HTTPScaledObjectIsReady"}}})}}}});
  c.create({{"apiVersion", "argoproj.io/v1alpha1"},
            {"kind", "Application"},
            {"metadata", {{"name", "guestbook"}, {"namespace", "argocd"}}},
            {"spec", {{"project", "default"}}},
            {"status", {{"sync", {{"status", "OutOfSync"}, {"revision", "5c2d89b7e0f2c8a3f9d3c1e2b4a5d6e7f8091a2b"}}}, {"health", {{"status", "Progressing"}}}}}});
  c.advance_to(minutes(3));
  EXPECT_EQ(c.out({"get", "httpso"}),
            "NAME   TARGETWORKLOAD           TARGETSERVICE   MINREPLICAS   MAXREPLICAS   AGE   ACTIVE\n"
            "web    apps/v1/Deployment/web   web:80          0             10            3m    True\n");
  c.versions.set("http-add-on", "0.12.0");
  EXPECT_EQ(c.out({"get", "httpscaledobject", "--no-headers"}),
            "web   apps/v1/Deployment/web   web:80   0     10    3m    True\n");
  EXPECT_EQ(c.out({"get", "app", "-n", "argocd"}),
            "NAME        SYNC STATUS   HEALTH STATUS\n"
            "guestbook   OutOfSync     Progressing\n");
  EXPECT_EQ(c.out({"get", "applications", "-n", "argocd", "-o", "wide"}),
            "NAME        SYNC STATUS   HEALTH STATUS   REVISION                                   PROJECT\n"
            "guestbook   OutOfSync     Progressing     5c2d89b7e0f2c8a3f9d3c1e2b4a5d6e7f8091a2b   default\n");
}

TEST(KubectlView, YamlAndJsonOmitManagedFieldsUnlessAsked) {
  Cluster c;
  c.create({{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "web"}, {"namespace", "default"}}},
            {"spec", {{"replicas", 1}}}});
  ASSERT_TRUE(c.api->update_scale({"Deployment", "default", "web"}, 0, "", "keda").status.ok());
  const std::string plain = c.out({"get", "deploy", "web", "-o", "yaml"});
  EXPECT_EQ(plain.find("managedFields"), std::string::npos) << plain;
  EXPECT_EQ(plain.substr(0, 52), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  cre");
  const std::string shown = c.out({"get", "deploy", "web", "-o", "yaml", "--show-managed-fields"});
  // The scale writer's entry, as `kubectl get -o yaml --show-managed-fields` lists it.
  EXPECT_NE(shown.find("  - apiVersion: apps/v1\n"
                       "    fieldsType: FieldsV1\n"
                       "    fieldsV1:\n"
                       "      f:spec:\n"
                       "        f:replicas: {}\n"
                       "    manager: keda\n"
                       "    operation: Update\n"
                       "    subresource: scale\n"
                       "    time: \"2026-01-01T12:00:00Z\"\n"),
            std::string::npos)
      << shown;
  const std::string js = c.out({"get", "deploy", "web", "-o", "json"});
  EXPECT_EQ(js.rfind("{\n    \"apiVersion\": \"apps/v1\",\n    \"kind\": \"Deployment\",\n    \"metadata\": {\n", 0), 0u) << js;
  EXPECT_EQ(js.find("managedFields"), std::string::npos);
  EXPECT_EQ(js.back(), '\n');
  EXPECT_NE(c.out({"get", "deploy", "web", "-o", "json", "--show-managed-fields"}).find("\"managedFields\": ["), std::string::npos);
  // Several objects (or none) print as a List (get.go printGeneric).
  EXPECT_EQ(c.out({"get", "pods", "-o", "yaml"}), "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n");
  EXPECT_EQ(c.out({"get", "deploy", "-o", "jsonpath={.items[*].metadata.name} {.items[0].spec.replicas}"}), "web 0");
}

TEST(KubectlView, CustomColumnsAndSelectors) {
  // customcolumn.go: tab-separated through the table tabwriter, <none> for a missing value.
  Cluster c;
  json a = running_pod(c, "web-1");
  a["status"]["containerStatuses"][0]["restartCount"] = 4;
  c.create(a);
  c.create(pod("web-2", "default", {{"app", "web"}, {"tier", "front"}}));
  c.create(pod("other", "prod", {{"app", "other"}}));
  EXPECT_EQ(c.out({"get", "pods", "-o", "custom-columns=NAME:.metadata.name,RESTARTS:.status.containerStatuses[0].restartCount"}),
            "NAME    RESTARTS\n"
            "web-1   4\n"
            "web-2   <none>\n");
  EXPECT_EQ(c.out({"get", "pods", "-l", "tier=front", "-o", "name"}), "pod/web-2\n");
  // -A lists in (namespace, name) order.
  EXPECT_EQ(c.out({"get", "pods", "-l", "app in (other,web)", "-A", "-o", "name"}), "pod/web-2\npod/other\n");
  EXPECT_EQ(c.out({"get", "pods", "-l", "!tier", "-o", "name"}), "pod/web-1\n");
  EXPECT_EQ(c.out({"get", "pods", "--field-selector", "status.phase=Running", "-o", "name"}), "pod/web-1\n");
  EXPECT_EQ(c.out({"get", "pods", "--show-labels", "-n", "prod"}),
            "NAME    READY   STATUS    RESTARTS   AGE   LABELS\n"
            "other   0/1     Pending   0          0s    app=other\n");
  // Nothing found: kubectl's message on standard error, exit 0.
  const KubectlResult none = c.run({"get", "deploy", "-n", "prod"});
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, "No resources found in prod namespace.\n");
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(c.run({"get", "deploy", "-A"}).err, "No resources found\n");
}

TEST(KubectlView, KubectlErrorsAndUsageErrors) {
  Cluster c;
  c.create(pod("web-1"));
  const KubectlResult missing = c.run({"get", "pod", "nope"});
  EXPECT_EQ(missing.err, "Error from server (NotFound): pods \"nope\" not found\n");
  EXPECT_EQ(missing.status, 1);
  const KubectlResult deploy = c.run({"get", "deploy", "web"});
  EXPECT_EQ(deploy.err, "Error from server (NotFound): deployments.apps \"web\" not found\n");
  const KubectlResult unknown = c.run({"get", "foo"});
  EXPECT_EQ(unknown.err, "error: the server doesn't have a resource type \"foo\"\n");
  EXPECT_EQ(unknown.status, 1);
  const KubectlResult across = c.run({"get", "pod", "web-1", "-A"});
  EXPECT_EQ(across.err, "error: a resource cannot be retrieved by name across all namespaces\n");
  const KubectlResult sort = c.run({"get", "pods", "--sort-by=.status.nothing"});
  EXPECT_EQ(sort.err, "error: couldn't find any field with path \"{.status.nothing}\" in the list of objects\n");
  EXPECT_EQ(c.run({"frobnicate"}).err, "error: unknown command \"frobnicate\" for \"kubectl\"\n");
  EXPECT_THROW(c.run({"get", "pods", "--bogus"}), KubectlUsageError);
  EXPECT_THROW(c.run({"get", "pods", "-o", "go-template={{.}}"}), KubectlUsageError);
  EXPECT_THROW(c.run({"get", "pods", "-w"}), KubectlUsageError);
  EXPECT_THROW(c.run({"scale", "deploy/web", "--replicas=0"}), KubectlUsageError);
  EXPECT_THROW(c.run({"get", "pods", "-n"}), KubectlUsageError);
  EXPECT_THROW(c.run({}), KubectlUsageError);
}

// --- kubectl describe pod ------------------------------------------------------------------------------

TEST(KubectlView, DescribePodMatchesTheDocsSample) {
  // kubernetes/website content/en/docs/tasks/debug/debug-application/debug-running-pod.md,
  // `kubectl describe pod nginx-deployment-67d4bdd6f5-w6kd7`, the pod whose -o yaml is in
  // YamlWriter.PodFromTheDocsPrintsByteForByte. Adapted: times in UTC (kcsim prints +0000, the
  // sample was taken at -0500), and the "Service Account:" line, which the sample predates: the
  // serviceaccount admission plugin gives the pod the default account, and kubectl 1.32 prints
  // it. ConfigMapOptional is kubectl 1.32's wording.
  const std::int64_t epoch = *parse_rfc3339("2022-02-17T21:51:01Z");
  Cluster c(epoch);
  json p = json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"nginx-deployment-67d4bdd6f5-","labels":{"app":"nginx","pod-template-hash":"67d4bdd6f5"},"name":"nginx-deployment-67d4bdd6f5-w6kd7","namespace":"default","ownerReferences":[{"apiVersion":"apps/v1","blockOwnerDeletion":true,"controller":true,"kind":"ReplicaSet","name":"nginx-deployment-67d4bdd6f5","uid":"7d41dfd4-84c0-4be4-88ab-cedbe626ad82"}]},"spec":{"containers":[{"image":"nginx","imagePullPolicy":"Always","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"500m","memory":"128Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","volumeMounts":[{"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","name":"kube-api-access-bgsgp","readOnly":true}]}],"dnsPolicy":"ClusterFirst","enableServiceLinks":true,"nodeName":"kube-worker-1","preemptionPolicy":"PreemptLowerPriority","priority":0,"restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30,"tolerations":[{"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},{"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}],"volumes":[{"name":"kube-api-access-bgsgp","projected":{"defaultMode":420,"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"items":[{"key":"ca.crt","path":"ca.crt"}],"name":"kube-root-ca.crt"}},{"downwardAPI":{"items":[{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"},"path":"namespace"}]}}]}}]},"status":{"conditions":[{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:01Z","status":"True","type":"Initialized"},{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:06Z","status":"True","type":"Ready"},{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:06Z","status":"True","type":"ContainersReady"},{"lastProbeTime":null,"lastTransitionTime":"2022-02-17T21:51:01Z","status":"True","type":"PodScheduled"}],"containerStatuses":[{"containerID":"containerd://5403af59a2b46ee5a23fb0ae4b1e077f7ca5c5fb7af16e1ab21c00e0e616462a","image":"docker.io/library/nginx:latest","imageID":"docker.io/library/nginx@sha256:2834dc507516af02784808c5f48b7cbe38b8ed5d0f4837f16e78d00deb7e7767","lastState":{},"name":"nginx","ready":true,"restartCount":0,"started":true,"state":{"running":{"startedAt":"2022-02-17T21:51:05Z"}}}],"hostIP":"192.168.0.113","phase":"Running","podIP":"10.88.0.3","podIPs":[{"ip":"10.88.0.3"},{"ip":"2001:db8::1"}],"qosClass":"Guaranteed","startTime":"2022-02-17T21:51:01Z"}})");
  const std::string name = "nginx-deployment-67d4bdd6f5-w6kd7";
  c.create(p);
  c.event("Pod", "default", name, "Normal", "Scheduled", "Successfully assigned default/" + name + " to kube-worker-1", "default-scheduler");
  c.advance_to(seconds(3));
  c.event("Pod", "default", name, "Normal", "Pulling", "Pulling image \"nginx\"", "kubelet");
  c.advance_to(seconds(4));
  c.event("Pod", "default", name, "Normal", "Pulled", "Successfully pulled image \"nginx\" in 1.146417389s", "kubelet");
  c.event("Pod", "default", name, "Normal", "Created", "Created container nginx", "kubelet");
  c.event("Pod", "default", name, "Normal", "Started", "Started container nginx", "kubelet");
  c.advance_to(seconds(34));
  EXPECT_EQ(c.out({"describe", "pod", name}), R"(Name:             nginx-deployment-67d4bdd6f5-w6kd7
Namespace:        default
Priority:         0
Service Account:  default
Node:             kube-worker-1/192.168.0.113
Start Time:       Thu, 17 Feb 2022 21:51:01 +0000
Labels:           app=nginx
                  pod-template-hash=67d4bdd6f5
Annotations:      <none>
Status:           Running
IP:               10.88.0.3
IPs:
  IP:           10.88.0.3
  IP:           2001:db8::1
Controlled By:  ReplicaSet/nginx-deployment-67d4bdd6f5
Containers:
  nginx:
    Container ID:   containerd://5403af59a2b46ee5a23fb0ae4b1e077f7ca5c5fb7af16e1ab21c00e0e616462a
    Image:          nginx
    Image ID:       docker.io/library/nginx@sha256:2834dc507516af02784808c5f48b7cbe38b8ed5d0f4837f16e78d00deb7e7767
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 17 Feb 2022 21:51:05 +0000
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:        500m
      memory:     128Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-bgsgp (ro)
Conditions:
  Type              Status
  Initialized       True 
  Ready             True 
  ContainersReady   True 
  PodScheduled      True 
Volumes:
  kube-api-access-bgsgp:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Guaranteed
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  34s   default-scheduler  Successfully assigned default/nginx-deployment-67d4bdd6f5-w6kd7 to kube-worker-1
  Normal  Pulling    31s   kubelet            Pulling image "nginx"
  Normal  Pulled     30s   kubelet            Successfully pulled image "nginx" in 1.146417389s
  Normal  Created    30s   kubelet            Created container nginx
  Normal  Started    30s   kubelet            Started container nginx
)");
}

TEST(KubectlView, DescribeShowsRestartsProbesAndRepeatedEvents) {
  // describe.go: Last State for a terminated container, DescribeProbe's attributes (kubectl
  // 1.32 "#success"; "successThreshold" from 1.37), "<age> (xN over <age>)" for a merged event,
  // and "Events:  <none>" joining the block above it (a tab-terminated cell on every line from
  // "      MODE:" down to "Events:" makes one column block).
  Cluster c;
  json p = pod("web-1", "default", {{"app", "web"}});
  p["spec"]["containers"][0]["readinessProbe"] = {{"httpGet", {{"path", "/healthz"}, {"port", 8080}}}, {"periodSeconds", 5}};
  p["spec"]["containers"][0]["env"] = json::array({{{"name", "MODE"}, {"value", "fast"}}});
  p["spec"]["automountServiceAccountToken"] = false;  // no token volume: "Mounts: <none>"
  json cs = container_status("nginx", false, {{"waiting", {{"reason", "CrashLoopBackOff"}}}}, 2);
  cs["lastState"] = {{"terminated", {{"exitCode", 137}, {"reason", "OOMKilled"}, {"startedAt", c.stamp(seconds(10))}, {"finishedAt", c.stamp(seconds(40))}}}};
  p["status"] = {{"phase", "Running"}, {"containerStatuses", json::array({cs})}};
  c.create(p);
  c.create(pod("quiet"));
  c.advance_to(seconds(40));
  c.event("Pod", "default", "web-1", "Warning", "BackOff", "Back-off restarting failed container nginx in pod web-1", "kubelet");
  c.advance_to(seconds(100));
  c.event("Pod", "default", "web-1", "Warning", "BackOff", "Back-off restarting failed container nginx in pod web-1", "kubelet");
  c.advance_to(seconds(130));
  const std::string d = c.out({"describe", "pods", "web-1"});
  EXPECT_NE(d.find("    State:          Waiting\n"
                   "      Reason:       CrashLoopBackOff\n"
                   "    Last State:     Terminated\n"
                   "      Reason:       OOMKilled\n"
                   "      Exit Code:    137\n"
                   "      Started:      Thu, 01 Jan 2026 12:00:10 +0000\n"
                   "      Finished:     Thu, 01 Jan 2026 12:00:40 +0000\n"
                   "    Ready:          False\n"
                   "    Restart Count:  2\n"
                   "    Readiness:      http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3\n"
                   "    Environment:\n"
                   "      MODE:      fast\n"
                   "    Mounts:      <none>\n"
                   "Volumes:         <none>\n"
                   "QoS Class:       BestEffort\n"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("  Warning  BackOff  30s (x2 over 90s)  kubelet  Back-off restarting failed container nginx in pod web-1\n"), std::string::npos) << d;
  c.versions.set("kubernetes", "1.37.0");
  EXPECT_NE(c.out({"describe", "pod/web-1"}).find("period=5s successThreshold=1 failureThreshold=3"), std::string::npos);
  const std::string quiet = c.out({"describe", "pod", "quiet"});
  // The DefaultTolerationSeconds admission plugin gave every pod its two tolerations.
  EXPECT_NE(quiet.find("Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
                       "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
                       "Events:                      <none>\n"),
            std::string::npos)
      << quiet;
  // Without a name: every pod, separated by a blank line pair (describe.go); "Service Account:"
  // (the default one, from admission) sets the width of the first block.
  EXPECT_NE(c.out({"describe", "pods"}).find("\n\n\nName:             web-1\n"), std::string::npos);
  EXPECT_THROW(c.run({"describe", "service", "web"}), KubectlUsageError);  // a describer kcsim has not written
  EXPECT_EQ(c.run({"describe", "pod", "nope"}).err, "Error from server (NotFound): pods \"nope\" not found\n");
}

// --- kubectl top pod ------------------------------------------------------------------------------------

TEST(KubectlView, TopPodUsesRequestsAndMetricsPrinterLayout) {
  // metricsutil/metrics_printer.go: every cell is tab-terminated (so the last column is padded
  // too); CPU in millicores, memory in Mi. kcsim has no usage model: usage = requests.
  Cluster c;
  json a = running_pod(c, "a");
  a["spec"]["containers"][0]["resources"] = {{"requests", {{"cpu", "250m"}, {"memory", "64Mi"}}}};
  c.create(a);
  json b = running_pod(c, "b");
  b["spec"]["containers"] = json::array({{{"name", "app"}, {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "32Mi"}}}}}},
                                         {{"name", "sidecar"}, {"resources", {{"requests", {{"cpu", "0.15"}, {"memory", "16Mi"}}}}}}});
  b["status"]["containerStatuses"] =
      json::array({container_status("app", true, {{"running", {{"startedAt", c.stamp(seconds(1))}}}}),
                   container_status("sidecar", true, {{"running", {{"startedAt", c.stamp(seconds(1))}}}})});
  c.create(b);
  c.create(pod("pending"));
  c.advance_to(seconds(31));  // metrics from 30 s after the containers started (1 s)
  EXPECT_EQ(c.out({"top", "pod"}),
            "NAME   CPU(cores)   MEMORY(bytes)   \n"
            "a      250m         64Mi            \n"
            "b      250m         48Mi            \n");
  EXPECT_EQ(c.out({"top", "pods", "--containers", "--sort-by", "memory", "-l", "app=nginx"}),
            "POD   NAME      CPU(cores)   MEMORY(bytes)   \n"
            "a     nginx     250m         64Mi            \n"
            "b     app       100m         32Mi            \n"
            "b     sidecar   150m         16Mi            \n");
  c.advance_to(minutes(3));
  EXPECT_EQ(c.run({"top", "pod", "pending"}).err, "error: Metrics not available for pod default/pending, age: 3m0s\n");
  EXPECT_THROW(c.run({"top", "node"}), KubectlUsageError);
}

TEST(KubectlView, TopPodShowsNoMetricsBeforeTheSecondScrape) {
  // metrics-server reports a container after two scrapes (--metric-resolution 15s) since it
  // started; kubectl top_pod.go verifyEmptyMetrics: a named pod younger than
  // metricsCreationDelay (2 min) without metrics is "metrics not available yet".
  Cluster c;
  c.create(running_pod(c, "old"));  // started at 1 s
  c.advance_to(seconds(60));
  json young = running_pod(c, "young");
  young["status"]["containerStatuses"][0]["state"]["running"]["startedAt"] = c.stamp(seconds(52));
  c.create(young);
  const KubectlResult named = c.run({"top", "pod", "young"});
  EXPECT_EQ(named.status, 1);
  EXPECT_EQ(named.out, "");
  EXPECT_EQ(named.err, "error: metrics not available yet\n");
  EXPECT_EQ(c.out({"top", "pod"}),
            "NAME   CPU(cores)   MEMORY(bytes)   \n"
            "old    0m           0Mi             \n");
  c.advance_to(seconds(82));
  EXPECT_EQ(c.out({"top", "pod", "young"}),
            "NAME    CPU(cores)   MEMORY(bytes)   \n"
            "young   0m           0Mi             \n");
}

// --- argocd app get -------------------------------------------------------------------------------------

TEST(KubectlView, ArgocdAppGetFollowsTheCli) {
  // argo-cd cmd/argocd/commands/app.go: printAppSummaryTable prints "%-20s%s\n" lines; the
  // resources table is a tabwriter(0, 0, 2) with GROUP KIND NAMESPACE NAME STATUS HEALTH HOOK
  // MESSAGE, resources not in the last sync sorted by group/kind/namespace/name. The docs'
  // older sample (docs/getting_started.md) shows the same %-20s alignment:
  //   Sync Policy:        <none>
  //   Sync Status:        OutOfSync from  (1ff8a67)
  Cluster c;
  c.create({{"apiVersion", "argoproj.io/v1alpha1"},
            {"kind", "Application"},
            {"metadata", {{"name", "guestbook"}, {"namespace", "argocd"}}},
            {"spec",
             {{"project", "default"},
              {"source", {{"repoURL", "https://github.com/argoproj/argocd-example-apps.git"}, {"targetRevision", "HEAD"}, {"path", "guestbook"}}},
              {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", "default"}}},
              {"syncPolicy", {{"automated", {{"selfHeal", true}}}}}}},
            {"status",
             {{"sync", {{"status", "Synced"}, {"revision", "5c2d89b7e0f2c8a3f9d3c1e2b4a5d6e7f8091a2b"}}},
              {"health", {{"status", "Healthy"}}},
              {"resources",
               json::array({{{"group", "apps"}, {"kind", "Deployment"}, {"namespace", "default"}, {"name", "guestbook-ui"}, {"status", "Synced"}, {"health", {{"status", "Healthy"}}}},
                            {{"kind", "Service"}, {"namespace", "default"}, {"name", "guestbook-ui"}, {"status", "Synced"}, {"health", {{"status", "Healthy"}}}}})}}}});
  EXPECT_EQ(c.out({"argocd", "app", "get", "guestbook"}),
            "Name:               argocd/guestbook\n"
            "Project:            default\n"
            "Server:             https://kubernetes.default.svc\n"
            "Namespace:          default\n"
            "URL:                https://localhost:8080/applications/guestbook\n"
            "Source:\n"
            "- Repo:             https://github.com/argoproj/argocd-example-apps.git\n"
            "  Target:           HEAD\n"
            "  Path:             guestbook\n"
            "SyncWindow:         Sync Allowed\n"
            "Sync Policy:        Automated\n"
            "Sync Status:        Synced to HEAD (5c2d89b)\n"
            "Health Status:      Healthy\n"
            "\n"
            "GROUP  KIND        NAMESPACE  NAME          STATUS  HEALTH   HOOK  MESSAGE\n"
            "       Service     default    guestbook-ui  Synced  Healthy        \n"
            "apps   Deployment  default    guestbook-ui  Synced  Healthy        \n");
  // Argo CD 3 keeps resource health in its cache (status.resourceHealthSource: appTree) and
  // argocd-server fills it in from the live objects (server/application inferResourcesStatusHealth).
  json app = *c.api->get({"Application", "argocd", "guestbook"});
  app["status"]["resourceHealthSource"] = "appTree";
  for (json& r : app["status"]["resources"]) r.erase("health");
  ASSERT_TRUE(c.api->update(app, "argocd-application-controller", "status").status.ok());
  c.create({{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "guestbook-ui"}, {"namespace", "default"}}}, {"spec", {{"type", "ClusterIP"}}}});
  const std::string tree = c.out({"argocd", "app", "get", "argocd/guestbook"});
  EXPECT_NE(tree.find("       Service     default    guestbook-ui  Synced  Healthy        \n"
                      "apps   Deployment  default    guestbook-ui  Synced  Missing        \n"),
            std::string::npos)
      << tree;
  const KubectlResult missing = c.run({"argocd", "app", "get", "nope"});
  EXPECT_EQ(missing.status, 20);
  EXPECT_EQ(missing.err, "FATA[0000] rpc error: code = NotFound desc = applications.argoproj.io \"nope\" not found\n");
  EXPECT_EQ(c.out({"argocd", "app", "get", "guestbook", "-o", "yaml"}).substr(0, 33), "apiVersion: argoproj.io/v1alpha1\n");
}

// --- a whole World, and the command line -------------------------------------------------------------

const char* kScenario = R"({
  "apiVersion": "kcsim/v1", "kind": "Scenario", "metadata": {"name": "t"}, "seed": 1, "duration": "10m",
  "objects": [{"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
               "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}]
})";

TEST(KubectlView, RendersAWorldAtAnInstant) {
  World world(parse_scenario(kScenario, "t.json"));
  world.run(SimTime{minutes(2)});
  const std::string deploy = kubectl_view(world, {"get", "deploy"});
  EXPECT_EQ(deploy,
            "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
            "web    1/1     1            1           2m\n");
  const std::string pods = kubectl_view(world, {"get", "pods", "-l", "app=web"});
  EXPECT_EQ(pods.substr(0, pods.find('\n')), "NAME                   READY   STATUS    RESTARTS   AGE");
  // The pod was created after the controllers' start-up jitter and reconciles (docs/models/timing.md),
  // so at 2m it is not yet two minutes old: kubectl prints whole seconds below 2m.
  EXPECT_NE(pods.find("   1/1     Running   0          119s\n"), std::string::npos) << pods;
  EXPECT_NE(kubectl_view(world, {"get", "events", "--sort-by=.lastTimestamp"}).find("ScalingReplicaSet   deployment/web"),
            std::string::npos);
  EXPECT_EQ(kubectl_view(world, {"get", "pod", "nope"}), "Error from server (NotFound): pods \"nope\" not found\n");
}

struct CommandResult {
  int status = -1;
  std::string out, err;
};

CommandResult run_kcsim(const std::string& args) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "kcsim_kubectl_view_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const int rc = std::system((std::string(KCSIM_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string()).c_str());
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

TEST(KubectlCommand, ExitStatusesAndOutput) {
  const std::string scenario = std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json";
  CommandResult ok = run_kcsim("kubectl " + scenario + " --at 6m -- get deploy");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out.substr(0, ok.out.find('\n')), "NAME   READY   UP-TO-DATE   AVAILABLE   AGE");
  CommandResult missing = run_kcsim("kubectl " + scenario + " --at 6m -- get pod nope");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "Error from server (NotFound): pods \"nope\" not found\n");
  CommandResult unknown = run_kcsim("kubectl " + scenario + " --at 6m -- get foo");
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err, "error: the server doesn't have a resource type \"foo\"\n");
  CommandResult bad_flag = run_kcsim("kubectl " + scenario + " --at 6m -- get pods --bogus");
  EXPECT_EQ(bad_flag.status, 2);
  EXPECT_NE(bad_flag.err.find("unknown flag: --bogus"), std::string::npos) << bad_flag.err;
  EXPECT_EQ(run_kcsim("kubectl " + scenario + " -- get pods").status, 2);           // no --at
  EXPECT_EQ(run_kcsim("kubectl " + scenario + " --at 2h -- get pods").status, 2);   // past the end
  EXPECT_EQ(run_kcsim("kubectl " + scenario + " --at 6m").status, 2);               // no command
  EXPECT_EQ(run_kcsim("kubectl " + scenario + " --at 6x -- get pods").status, 2);   // bad duration
}

}  // namespace
}  // namespace kcsim
