// Unit tests of the objects kcsim derives for kubectl rather than stores
// (sim/views/cluster_objects.hpp): `get ns`, `get nodes`, Services' ClusterIPs, `get endpoints`
// and `get endpointslices`. Layouts are kubernetes v1.32 pkg/printers/internalversion/printers.go
// (printNamespace, printNode, printService, printEndpoints/formatEndpoints, printEndpointSlice/
// formatDiscoveryPorts/formatDiscoveryEndpoints/listWithMoreString) through cli-runtime's
// tabwriter (6, 4, 3).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

struct Cluster {
  Engine engine;
  std::unique_ptr<ApiServer> api;
  Versions versions;
  json kubelet = json::object();

  Cluster() { api = std::make_unique<ApiServer>(engine, Epoch{1767268800}); }
  void advance_to(Duration d) { engine.run_until(SimTime{d}); }
  ObjectPtr create(json o) {
    WriteResult r = api->create(std::move(o), "test");
    EXPECT_TRUE(r.status.ok()) << r.status.message;
    return r.object;
  }
  KubectlResult run(const std::vector<std::string>& args) { return kubectl_exec(*api, versions, args, &kubelet); }
  std::string out(const std::vector<std::string>& args) {
    const KubectlResult r = run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
  }
};

// A pod of app=web with a container port named http (8080), bound to `node`, with `ip`.
json web_pod(const std::string& name, const std::string& ns, const std::string& ip, bool ready, const std::string& node = "node-1") {
  json p = {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", "web"}}}}},
            {"spec",
             {{"nodeName", node},
              {"containers", json::array({{{"name", "backend"}, {"image", "web:1"},
                                           {"ports", json::array({{{"name", "http"}, {"containerPort", 8080}, {"protocol", "TCP"}}})}}})}}},
            {"status", {{"phase", "Running"}}}};
  if (!ip.empty()) {
    p["status"]["podIP"] = ip;
    p["status"]["podIPs"] = json::array({{{"ip", ip}}});
  }
  p["status"]["conditions"] = json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}});
  return p;
}

json service(const std::string& name, const std::string& ns, const json& spec) {
  return {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", name}, {"namespace", ns}}}, {"spec", spec}};
}

json web_service(const std::string& ns = "prod") {
  return service("web", ns,
                 {{"type", "ClusterIP"},
                  {"selector", {{"app", "web"}}},
                  {"ports", json::array({{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}, {"targetPort", "http"}}})}});
}

TEST(KubectlGetNamespaces, SystemNamespacesAndEveryNamespaceInUse) {
  // Namespaces are cluster-scoped: listed whatever -n says, never "in default namespace". The
  // system namespaces date from the scenario's start; prod from its first object (10 s later).
  Cluster c;
  c.advance_to(seconds(10));
  c.create(web_pod("web-1", "prod", "", false));
  c.advance_to(minutes(5));
  const std::string table =
      "NAME              STATUS   AGE\n"
      "default           Active   5m\n"
      "kube-node-lease   Active   5m\n"
      "kube-public       Active   5m\n"
      "kube-system       Active   5m\n"
      "prod              Active   4m50s\n";
  EXPECT_EQ(c.out({"get", "ns"}), table);
  EXPECT_EQ(c.out({"get", "namespaces", "-n", "prod"}), table);
  EXPECT_EQ(c.out({"get", "namespace", "prod"}),
            "NAME   STATUS   AGE\n"
            "prod   Active   4m50s\n");
  // The API server's labels and finalizer on every namespace.
  EXPECT_EQ(c.out({"get", "ns", "prod", "-o", "yaml"}),
            "apiVersion: v1\n"
            "kind: Namespace\n"
            "metadata:\n"
            "  creationTimestamp: \"2026-01-01T12:00:10Z\"\n"
            "  labels:\n"
            "    kubernetes.io/metadata.name: prod\n"
            "  name: prod\n"
            "spec:\n"
            "  finalizers:\n"
            "  - kubernetes\n"
            "status:\n"
            "  phase: Active\n");
  const KubectlResult missing = c.run({"get", "ns", "staging"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "Error from server (NotFound): namespaces \"staging\" not found\n");
}

TEST(KubectlGetNamespaces, AStoredNamespaceIsShownAsStored) {
  Cluster c;
  c.create({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "prod"}, {"labels", {{"team", "a"}}}}}});
  c.advance_to(minutes(1));
  EXPECT_EQ(c.out({"get", "ns", "prod", "-o", "jsonpath={.metadata.labels.team}"}), "a");
  EXPECT_EQ(c.out({"get", "ns", "-o", "name"}),
            "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\nnamespace/prod\n");
}

TEST(KubectlGetNodes, TheKubeletsNodesAtTheScenariosVersion) {
  Cluster c;
  c.kubelet = {{"nodes", 2}};
  c.versions.set("kubernetes", "1.31");
  c.advance_to(hours(2));
  EXPECT_EQ(c.out({"get", "nodes"}),
            "NAME     STATUS   ROLES    AGE    VERSION\n"
            "node-1   Ready    <none>   120m   v1.31.0\n"
            "node-2   Ready    <none>   120m   v1.31.0\n");
  // -o wide: the kubelet model's host IPs; what kcsim does not model prints as printNode does
  // for an empty field.
  EXPECT_EQ(c.out({"get", "no", "node-2", "-o", "wide"}),
            "NAME     STATUS   ROLES    AGE    VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE    KERNEL-VERSION   CONTAINER-RUNTIME\n"
            "node-2   Ready    <none>   120m   v1.31.0   172.18.0.3    <none>        <unknown>   <unknown>        <unknown>\n");
  EXPECT_EQ(c.out({"get", "node", "node-1", "-o", "jsonpath={.spec.podCIDR} {.status.nodeInfo.kubeletVersion}"}),
            "10.244.1.0/24 v1.31.0");
}

TEST(KubectlGetNodes, DefaultsAndADisabledKubelet) {
  Cluster c;
  c.advance_to(seconds(30));
  EXPECT_EQ(c.out({"get", "nodes", "-o", "name"}), "node/node-1\nnode/node-2\nnode/node-3\n");
  EXPECT_EQ(c.out({"get", "nodes", "-o", "jsonpath={.items[0].status.nodeInfo.kubeletVersion}"}), "v1.32.0");
  c.kubelet = {{"enabled", false}};
  const KubectlResult none = c.run({"get", "nodes"});
  EXPECT_EQ(none.out, "");
  // A cluster-scoped kind says no namespace: the real kubectl 1.32.4 against `kcsim serve` prints
  // exactly this for `get nodes` on a cluster without nodes.
  EXPECT_EQ(none.err, "No resources found\n");
}

TEST(KubectlGetServices, ClusterIPFromTheServiceCidrNoneWhenHeadless) {
  Cluster c;
  c.create(web_service());
  c.create(service("db", "prod", {{"clusterIP", "None"}, {"selector", {{"app", "db"}}}, {"ports", json::array({{{"port", 5432}}})}}));
  c.create(service("fixed", "prod", {{"clusterIP", "10.96.0.50"}, {"ports", json::array({{{"port", 443}, {"protocol", "TCP"}}})}}));
  c.advance_to(minutes(3));
  const std::string ip = c.out({"get", "svc", "web", "-n", "prod", "-o", "jsonpath={.spec.clusterIP}"});
  // The dynamic band of 10.96.0.0/12: above the 256 static addresses (10.96.0.1 .. 10.96.1.0),
  // below the broadcast address.
  unsigned a = 0, b = 0, x = 0, y = 0;
  ASSERT_EQ(std::sscanf(ip.c_str(), "%u.%u.%u.%u", &a, &b, &x, &y), 4) << ip;
  const unsigned offset = ((b - 96) << 16) + (x << 8) + y - 1;
  EXPECT_EQ(a, 10u);
  EXPECT_GE(b, 96u);
  EXPECT_LE(b, 111u);
  EXPECT_GE(offset, 256u);
  EXPECT_LT(offset, (1u << 20) - 2);
  EXPECT_EQ(c.out({"get", "svc", "web", "-n", "prod", "-o", "jsonpath={.spec.clusterIPs[0]}"}), ip);
  // tabwriter: the column is as wide as its widest cell plus 3.
  auto cell = [w = std::max<std::size_t>(ip.size(), 10) + 3](const std::string& s) { return s + std::string(w - s.size(), ' '); };
  EXPECT_EQ(c.out({"get", "svc", "-n", "prod"}),
            "NAME    TYPE        " + cell("CLUSTER-IP") + "EXTERNAL-IP   PORT(S)    AGE\n" +
            "db      ClusterIP   " + cell("None") + "<none>        5432/TCP   3m\n" +
            "fixed   ClusterIP   " + cell("10.96.0.50") + "<none>        443/TCP    3m\n" +
            "web     ClusterIP   " + cell(ip) + "<none>        80/TCP     3m\n");
}

TEST(KubectlGetServices, AddressesAreStableAndDistinct) {
  // The same Service keeps its address at every instant; two Services never share one.
  Cluster c;
  c.create(web_service("prod"));
  c.create(web_service("staging"));
  c.advance_to(minutes(1));
  const std::string prod = c.out({"get", "svc", "web", "-n", "prod", "-o", "jsonpath={.spec.clusterIP}"});
  const std::string staging = c.out({"get", "svc", "web", "-n", "staging", "-o", "jsonpath={.spec.clusterIP}"});
  EXPECT_NE(prod, staging);
  c.create(service("late", "prod", {{"ports", json::array({{{"port", 80}}})}}));
  c.advance_to(hours(1));
  EXPECT_EQ(c.out({"get", "svc", "web", "-n", "prod", "-o", "jsonpath={.spec.clusterIP}"}), prod);
}

TEST(KubectlGetEndpoints, ReadyPodsBehindTheServiceByResolvedPort) {
  Cluster c;
  c.create(web_service());
  c.create(service("idle", "prod", {{"selector", {{"app", "idle"}}}, {"ports", json::array({{{"port", 80}}})}}));
  c.create(service("external", "prod", {{"ports", json::array({{{"port", 80}}})}}));  // no selector: none derived
  c.create(web_pod("web-a", "prod", "10.244.1.25", true));
  c.create(web_pod("web-b", "prod", "10.244.2.7", false, "node-2"));
  c.create(web_pod("web-c", "prod", "", false));  // no IP yet: in neither
  c.advance_to(minutes(2));
  // formatEndpoints: ready addresses with the targetPort resolved (http → 8080); <none> without
  // subsets (no pod at all).
  EXPECT_EQ(c.out({"get", "endpoints", "-n", "prod"}),
            "NAME   ENDPOINTS          AGE\n"
            "idle   <none>             2m\n"
            "web    10.244.1.25:8080   2m\n");
  EXPECT_EQ(c.out({"get", "ep", "web", "-n", "prod", "-o", "jsonpath={.subsets[0].notReadyAddresses[0].ip}"}), "10.244.2.7");
  // EndpointSlices list every endpoint, ready or not; a Service without pods has a placeholder.
  const std::string slices = c.out({"get", "endpointslices", "-n", "prod"});
  const std::string web_slice = c.out({"get", "endpointslices", "-n", "prod", "-l", "kubernetes.io/service-name=web", "-o", "name"});
  ASSERT_EQ(web_slice.rfind("endpointslice.discovery.k8s.io/web-", 0), 0u) << web_slice;
  const std::string web_name = web_slice.substr(31, web_slice.size() - 32);
  ASSERT_EQ(web_name.size(), 9u);
  const std::string idle_name = c.out({"get", "endpointslices", "-n", "prod", "-l", "kubernetes.io/service-name=idle",
                                       "-o", "jsonpath={.items[0].metadata.name}"});
  ASSERT_EQ(idle_name.size(), 10u);
  EXPECT_EQ(slices,
            "NAME         ADDRESSTYPE   PORTS     ENDPOINTS                AGE\n"
            + idle_name + "   IPv4          <unset>   <unset>                  2m\n"
            + web_name + "    IPv4          8080      10.244.1.25,10.244.2.7   2m\n");
  EXPECT_EQ(c.out({"get", "endpointslice", web_name, "-n", "prod",
                   "-o", "jsonpath={.endpoints[*].targetRef.name} {.endpoints[*].conditions.ready}"}),
            "web-a web-b true false");
}

TEST(KubectlGetEndpoints, NoReadyPodLeavesTheColumnEmpty) {
  // A subset with only notReadyAddresses: formatEndpoints joins no address, an empty cell.
  Cluster c;
  c.create(web_service());
  c.create(web_pod("web-b", "prod", "10.244.2.7", false));
  c.advance_to(seconds(40));
  EXPECT_EQ(c.out({"get", "endpoints", "web", "-n", "prod"}),
            "NAME   ENDPOINTS   AGE\n"
            "web                40s\n");
}

TEST(KubectlGetEndpoints, MoreThanThreeAddresses) {
  Cluster c;
  c.create(web_service());
  for (int i = 1; i <= 5; ++i) c.create(web_pod("web-" + std::to_string(i), "prod", "10.244.1." + std::to_string(i + 1), true));
  c.advance_to(seconds(5));
  EXPECT_EQ(c.out({"get", "ep", "-n", "prod", "-o", "custom-columns=E:.subsets[0].addresses[*].ip"}),
            "E\n10.244.1.2,10.244.1.3,10.244.1.4,10.244.1.5,10.244.1.6\n");
  EXPECT_EQ(c.out({"get", "ep", "-n", "prod"}),
            "NAME   ENDPOINTS                                                     AGE\n"
            "web    10.244.1.2:8080,10.244.1.3:8080,10.244.1.4:8080 + 2 more...   5s\n");
}

TEST(KubectlGetEndpoints, DeprecationWarningFromKubernetes133) {
  Cluster c;
  c.create(web_service());
  c.advance_to(seconds(5));
  EXPECT_EQ(c.run({"get", "ep", "-n", "prod"}).err, "");
  c.versions.set("kubernetes", "1.33.1");
  const KubectlResult r = c.run({"get", "ep", "-n", "prod"});
  EXPECT_EQ(r.err, "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
  EXPECT_EQ(r.out, "NAME   ENDPOINTS   AGE\nweb    <none>      5s\n");
  EXPECT_EQ(c.run({"get", "endpointslices", "-n", "prod"}).err, "");
}

}  // namespace
}  // namespace kcsim
