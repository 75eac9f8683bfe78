// The Nodes of a simulated cluster (sim/views/cluster_objects.hpp).
//
// The kubelet model (models/kube/kubelet.cpp) plays node-1 .. node-N (settings.kubelet.nodes,
// default 3) and binds pods to them; it stores no Node object, so `kubectl get nodes` is
// derived here from the same settings, in the same order and with the same addresses:
//  - node i (from 1) has InternalIP 172.18.0.(i+1) (the kubelet's hostIP) and podCIDR
//    10.244.i.0/24 (its pods' IPs, as the node IPAM controller hands out a kind cluster's);
//    a pod bound to another node name (spec.nodeName in its manifest) adds that node after them.
//  - all are Ready and schedulable worker nodes: no node-role.kubernetes.io/* label, so ROLES
//    is <none> (printers.go findNodeRoles). A real cluster has a control-plane node too; kcsim
//    runs no pod there and does not show it.
//  - status.nodeInfo.kubeletVersion is the scenario's Kubernetes version ("v1.32.0"); the
//    operating system image, kernel and container runtime are not modelled and left empty,
//    which `-o wide` prints as <unknown> (printNode).
//  - created at the scenario's start, the earliest instant kcsim knows.
// Without a kubelet (settings.kubelet.enabled false) there is no node.
#include <fmt/format.h>

#include "cluster_objects.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

// "1.32" → "v1.32.0", "v1.32.3" → "v1.32.3": a kubelet reports its full semantic version.
std::string kubelet_version(const std::string& v) {
  std::string s = !v.empty() && v[0] == 'v' ? v.substr(1) : v;
  if (std::count(s.begin(), s.end(), '.') == 1) s += ".0";
  return "v" + s;
}

json node(const ApiServer& api, const std::string& name, std::size_t index, const std::string& version) {
  const std::string ip = fmt::format("172.18.0.{}", index + 2);
  const std::string cidr = fmt::format("10.244.{}.0/24", index + 1);
  const std::string created = api.epoch().rfc3339(kTimeZero);
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"creationTimestamp", created},
            {"labels",
             {{"beta.kubernetes.io/arch", "amd64"},
              {"beta.kubernetes.io/os", "linux"},
              {"kubernetes.io/arch", "amd64"},
              {"kubernetes.io/hostname", name},
              {"kubernetes.io/os", "linux"}}},
            {"name", name}}},
          {"spec", {{"podCIDR", cidr}, {"podCIDRs", json::array({cidr})}}},
          {"status",
           {{"addresses", json::array({{{"address", ip}, {"type", "InternalIP"}}, {{"address", name}, {"type", "Hostname"}}})},
            {"conditions",
             json::array({{{"lastTransitionTime", created},
                           {"message", "kubelet is posting ready status"},
                           {"reason", "KubeletReady"},
                           {"status", "True"},
                           {"type", "Ready"}}})},
            {"nodeInfo", {{"architecture", "amd64"}, {"kubeletVersion", version}, {"operatingSystem", "linux"}}}}}};
}

}  // namespace

std::vector<json> cluster_nodes(const ApiServer& api, const Versions& versions, const json* kubelet_settings) {
  std::int64_t count = 3;  // the kubelet model's default
  if (kubelet_settings && kubelet_settings->is_object()) {
    if (const json* e = find(*kubelet_settings, {"enabled"}); e && e->is_boolean() && !e->get<bool>()) return {};
    count = int_at(*kubelet_settings, {"nodes"}, 3);
  }
  std::vector<std::string> names;
  for (std::int64_t i = 1; i <= count; ++i) names.push_back(fmt::format("node-{}", i));
  for (const ObjectPtr& pod : api.list("Pod")) {
    const std::string n = str_at(*pod, {"spec", "nodeName"});
    if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  const std::string version = kubelet_version(versions.get("kubernetes"));
  std::vector<json> out;
  for (std::size_t i = 0; i < names.size(); ++i) out.push_back(node(api, names[i], i, version));
  // The API server lists by name.
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["metadata"]["name"] < b["metadata"]["name"]; });
  return out;
}

}  // namespace kcsim
