// The objects a real cluster holds that kcsim does not store, derived at one instant for kubectl
// (`kcsim kubectl ... get ns|nodes|endpoints|endpointslices|svc`): Namespaces, Nodes, the
// ClusterIPs the API server assigns to Services, and the Endpoints and EndpointSlices the
// endpoint controllers keep for each Service with a selector. The simulation never reads them
// (no model depends on them), so they are computed here, in the views, from what is stored:
// one file per kind of object (cluster_namespaces.cpp, cluster_nodes.cpp, service_cluster_ip.cpp,
// service_endpoints.cpp); ClusterObjects (cluster_objects.cpp) puts them beside the stored ones.
// docs/cli.md ("What a simulated cluster shows") lists what each shows and why.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"

namespace kcsim {

// --- cluster_namespaces.cpp ---
/// The Namespaces: the four every cluster has (default, kube-node-lease, kube-public,
/// kube-system) and each namespace an object was ever created in, sorted by name as the API
/// server lists them. Stored Namespace objects (a scenario's own manifests) are left to the store.
std::vector<json> cluster_namespaces(const ApiServer& api);

// --- cluster_nodes.cpp ---
/// The Nodes the kubelet model plays (settings.kubelet.nodes, node-1 .. node-N, and any other
/// spec.nodeName a pod was given), Ready, at the scenario's Kubernetes version; none when the
/// kubelet is disabled.
std::vector<json> cluster_nodes(const ApiServer& api, const Versions& versions, const json* kubelet_settings);

// --- service_cluster_ip.cpp ---
/// The service CIDR kcsim's API server allocates from (kubeadm's default --service-cluster-ip-range).
inline constexpr std::string_view kServiceCidr = "10.96.0.0/12";
/// spec.clusterIP of every Service ever created, by "namespace/name" at its latest creation:
/// "None" (headless), the address the manifest asked for, or one allocated from kServiceCidr;
/// ExternalName Services have none.
std::map<std::string, std::string> service_cluster_ips(const ApiServer& api);
/// The Service as the API server returns it: spec.clusterIP and spec.clusterIPs set.
json with_cluster_ip(const json& service, const std::map<std::string, std::string>& ips);

// --- service_endpoints.cpp ---
/// The Endpoints of each Service with a selector (the endpoints controller), in `ns` or all.
std::vector<json> service_endpoints(const ApiServer& api, std::optional<std::string_view> ns);
/// The EndpointSlices of each Service with a selector (the EndpointSlice controller).
std::vector<json> service_endpoint_slices(const ApiServer& api, std::optional<std::string_view> ns);
/// printers.go formatEndpoints(endpoints, nil): "<none>" without subsets, else up to three
/// "ip:port" of the ready addresses, then " + N more...".
std::string format_endpoints(const json& endpoints);
/// printers.go formatDiscoveryPorts and formatDiscoveryEndpoints ("<unset>" when empty).
std::string format_discovery_ports(const json& slice);
std::string format_discovery_endpoints(const json& slice);

// --- cluster_objects.cpp ---
/// What `kubectl get` reads: the store, plus the derived kinds above, and Services with their
/// ClusterIP. Derived objects are computed on first use.
class ClusterObjects {
 public:
  ClusterObjects(const ApiServer& api, const Versions& versions, const json* kubelet_settings)
      : api_(api), versions_(versions), kubelet_settings_(kubelet_settings) {}
  std::vector<ObjectPtr> list(const std::string& kind, std::optional<std::string_view> ns) const;
  ObjectPtr get(const ObjectRef& ref) const;

 private:
  ObjectPtr as_served(const ObjectPtr& o) const;
  std::vector<ObjectPtr> derived(const std::string& kind, std::optional<std::string_view> ns) const;

  const ApiServer& api_;
  const Versions& versions_;
  const json* kubelet_settings_;
  mutable std::optional<std::map<std::string, std::string>> cluster_ips_;
};

}  // namespace kcsim
