// The Endpoints and EndpointSlices of Services (sim/views/cluster_objects.hpp).
//
// In a cluster the endpoints controller and the EndpointSlice controller keep, for each Service
// with a selector, the addresses of the pods it selects; `kubectl get endpoints` is how people see
// "no ready pod behind the Service". kcsim runs neither controller (no model reads them), so the
// objects are derived at the instant from the Services and pods, as the controllers would have
// written them once they caught up (upstream they follow a pod's change within milliseconds):
//  - which pods (kubernetes v1.32 pkg/controller/util/endpointslice ShouldPodBeInEndpoints): those
//    the selector matches in the Service's namespace that have a pod IP and are not Succeeded or
//    Failed; a terminating pod (deletionTimestamp set) only in EndpointSlices, or in Endpoints
//    with publishNotReadyAddresses.
//  - ports (pkg/api/v1/pod FindPort): each Service port's targetPort, a number as is, a name
//    resolved to the containerPort of that name and protocol (a pod without it is left out of
//    that port); no targetPort means the port itself (the API server's default).
//  - Endpoints (pkg/controller/endpoint/endpoints_controller.go syncService, then
//    RepackSubsets): one subset per set of resolved ports, ready pods (IsPodReady, or
//    publishNotReadyAddresses) under addresses and the others under notReadyAddresses, each
//    sorted by IP as bytes (addrsByIPAndUID). Labels: the Service's. Upstream orders a subset's
//    ports by a hash; kcsim keeps the Service's order.
//  - EndpointSlices (pkg/controller/endpointslice reconciler): one slice per set of resolved
//    ports, named generateName "<service>-" plus five characters of apimachinery's random
//    alphabet (drawn from the Service's uid here, so that a run always shows the same name), with
//    a placeholder slice without ports or endpoints when no pod qualifies (the reconciler turns
//    it into the first real slice, so the name stays). Conditions per endpoint (podToEndpoint):
//    serving = ready or publishNotReadyAddresses, terminating = deletionTimestamp set,
//    ready = publishNotReadyAddresses or (serving and not terminating).
// Not derived: Services without a selector (their Endpoints are the user's), the kubernetes
// Service's own endpoints, hostname/subdomain, topology hints, zones.
#include <algorithm>

#include <fmt/format.h>

#include "cluster_objects.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/name_suffix.hpp"
#include "kcsim/k8s/pod_ready.hpp"

namespace kcsim {
namespace {

struct Member {
  const json* pod;
  json ports;  // the resolved EndpointPorts, in the Service's order
};

// FindPort: the port number targetPort names in the pod, or nothing.
std::optional<std::int64_t> find_port(const json& pod, const json& service_port) {
  const json* target = find(service_port, {"targetPort"});
  if (!target || target->is_null()) return int_at(service_port, {"port"}, 0);
  if (target->is_number_integer()) return target->get<std::int64_t>();
  if (!target->is_string()) return std::nullopt;
  const std::string name = target->get<std::string>();
  if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::stoll(name);
  const std::string protocol = str_at(service_port, {"protocol"}, "TCP");
  if (const json* containers = find(pod, {"spec", "containers"}); containers && containers->is_array())
    for (const json& c : *containers)
      if (const json* ports = find(c, {"ports"}); ports && ports->is_array())
        for (const json& p : *ports)
          if (str_at(p, {"name"}) == name && str_at(p, {"protocol"}, "TCP") == protocol) return int_at(p, {"containerPort"}, 0);
  return std::nullopt;
}

json resolved_ports(const json& pod, const json& service) {
  json out = json::array();
  if (const json* ports = find(service, {"spec", "ports"}); ports && ports->is_array())
    for (const json& sp : *ports)
      if (const auto n = find_port(pod, sp))
        out.push_back({{"name", str_at(sp, {"name"})}, {"port", *n}, {"protocol", str_at(sp, {"protocol"}, "TCP")}});
  return out;
}

bool terminal(const json& pod) {
  const std::string phase = str_at(pod, {"status", "phase"});
  return phase == "Succeeded" || phase == "Failed";
}

bool terminating(const json& pod) {
  const json* d = find(pod, {"metadata", "deletionTimestamp"});
  return d && !d->is_null();
}

std::string pod_ip(const json& pod) {
  if (const json* ips = find(pod, {"status", "podIPs"}); ips && ips->is_array() && !ips->empty()) return str_at((*ips)[0], {"ip"});
  return str_at(pod, {"status", "podIP"});
}

bool selects(const json& service) {
  const json* sel = find(service, {"spec", "selector"});
  return sel && sel->is_object() && !sel->empty() && str_at(service, {"spec", "type"}) != "ExternalName";
}

bool publish_not_ready(const json& service) {
  const json* p = find(service, {"spec", "publishNotReadyAddresses"});
  return p && p->is_boolean() && p->get<bool>();
}

// Pods the Service selects that may be endpoints (ShouldPodBeInEndpoints), grouped by their
// resolved ports in order of first appearance.
std::vector<std::pair<json, std::vector<const json*>>> groups(const std::vector<ObjectPtr>& pods, const json& service,
                                                              bool include_terminating) {
  std::vector<std::pair<json, std::vector<const json*>>> out;
  for (const ObjectPtr& p : pods) {
    if (terminal(*p) || pod_ip(*p).empty() || (terminating(*p) && !include_terminating)) continue;
    json ports = resolved_ports(*p, service);
    const bool headless_without_ports = str_at(service, {"spec", "clusterIP"}) == "None" && ports.empty() &&
                                        (!find(service, {"spec", "ports"}) || find(service, {"spec", "ports"})->empty());
    if (ports.empty() && !headless_without_ports) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == ports; });
    if (it == out.end()) out.emplace_back(std::move(ports), std::vector<const json*>{p.get()});
    else it->second.push_back(p.get());
  }
  return out;
}

json target_ref(const json& pod) {
  return {{"kind", "Pod"},
          {"name", str_at(pod, {"metadata", "name"})},
          {"namespace", str_at(pod, {"metadata", "namespace"})},
          {"uid", str_at(pod, {"metadata", "uid"})}};
}

std::vector<ObjectPtr> services(const ApiServer& api, std::optional<std::string_view> ns) {
  std::vector<ObjectPtr> out;
  for (const ObjectPtr& s : ns ? api.list("Service", *ns) : api.list("Service")) {
    const std::string av = str_at(*s, {"apiVersion"});
    if ((av.empty() || av == "v1") && selects(*s)) out.push_back(s);
  }
  return out;
}

json service_labels(const json& service) {
  const json* l = find(service, {"metadata", "labels"});
  return l && l->is_object() ? *l : json::object();
}


std::vector<std::string> list_with_more(const std::vector<std::string>& all, std::size_t max, std::string& tail) {
  std::vector<std::string> head(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(max, all.size())));
  tail = all.size() > max ? fmt::format(" + {} more...", all.size() - max) : "";
  return head;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}

}  // namespace

std::vector<json> service_endpoints(const ApiServer& api, std::optional<std::string_view> ns) {
  std::vector<json> out;
  for (const ObjectPtr& svc : services(api, ns)) {
    const std::string svc_ns = str_at(*svc, {"metadata", "namespace"});
    const bool tolerate = publish_not_ready(*svc);
    json subsets = json::array();
    for (auto& [ports, pods] : groups(api.list("Pod", svc_ns, (*svc)["spec"]["selector"]), *svc, tolerate)) {
      json ready = json::array(), not_ready = json::array();
      for (const json* p : pods) {
        json address = {{"ip", pod_ip(*p)}, {"targetRef", target_ref(*p)}};
        if (const std::string node = str_at(*p, {"spec", "nodeName"}); !node.empty()) address["nodeName"] = node;
        (tolerate || is_pod_ready(*p) ? ready : not_ready).push_back(std::move(address));
      }
      auto by_ip = [](const json& a, const json& b) { return a["ip"].get<std::string>() < b["ip"].get<std::string>(); };
      std::stable_sort(ready.begin(), ready.end(), by_ip);
      std::stable_sort(not_ready.begin(), not_ready.end(), by_ip);
      json subset = json::object();
      if (!ready.empty()) subset["addresses"] = std::move(ready);
      if (!not_ready.empty()) subset["notReadyAddresses"] = std::move(not_ready);
      if (!ports.empty()) subset["ports"] = ports;
      subsets.push_back(std::move(subset));
    }
    json ep = {{"apiVersion", "v1"},
               {"kind", "Endpoints"},
               {"metadata",
                {{"creationTimestamp", (*svc)["metadata"].value("creationTimestamp", "")},
                 {"name", str_at(*svc, {"metadata", "name"})},
                 {"namespace", svc_ns}}}};
    if (json labels = service_labels(*svc); !labels.empty()) ep["metadata"]["labels"] = std::move(labels);
    if (!subsets.empty()) ep["subsets"] = std::move(subsets);
    out.push_back(std::move(ep));
  }
  return out;
}

std::vector<json> service_endpoint_slices(const ApiServer& api, std::optional<std::string_view> ns) {
  std::vector<json> out;
  for (const ObjectPtr& svc : services(api, ns)) {
    const std::string svc_ns = str_at(*svc, {"metadata", "namespace"});
    const std::string svc_name = str_at(*svc, {"metadata", "name"});
    const std::string uid = str_at(*svc, {"metadata", "uid"}, svc_ns + "/" + svc_name);
    const bool publish = publish_not_ready(*svc);
    auto slice_groups = groups(api.list("Pod", svc_ns, (*svc)["spec"]["selector"]), *svc, true);
    if (slice_groups.empty()) slice_groups.emplace_back(json::array(), std::vector<const json*>{});  // the placeholder
    for (std::size_t i = 0; i < slice_groups.size(); ++i) {
      const auto& [ports, pods] = slice_groups[i];
      json endpoints = json::array();
      for (const json* p : pods) {
        const bool serving = publish || is_pod_ready(*p);
        const bool term = terminating(*p);
        json e = {{"addresses", json::array({pod_ip(*p)})},
                  {"conditions", {{"ready", publish || (serving && !term)}, {"serving", serving}, {"terminating", term}}},
                  {"targetRef", target_ref(*p)}};
        if (const std::string node = str_at(*p, {"spec", "nodeName"}); !node.empty()) e["nodeName"] = node;
        endpoints.push_back(std::move(e));
      }
      json labels = service_labels(*svc);
      labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
      labels["kubernetes.io/service-name"] = svc_name;
      const std::string name = svc_name + "-" + k8s::name_suffix_from(i == 0 ? uid : uid + "/" + std::to_string(i));
      json slice = {{"addressType", "IPv4"},
                    {"apiVersion", "discovery.k8s.io/v1"},
                    {"endpoints", std::move(endpoints)},
                    {"kind", "EndpointSlice"},
                    {"metadata",
                     {{"creationTimestamp", (*svc)["metadata"].value("creationTimestamp", "")},
                      {"generateName", svc_name + "-"},
                      {"labels", std::move(labels)},
                      {"name", name},
                      {"namespace", svc_ns},
                      {"ownerReferences",
                       json::array({{{"apiVersion", "v1"},
                                     {"blockOwnerDeletion", true},
                                     {"controller", true},
                                     {"kind", "Service"},
                                     {"name", svc_name},
                                     {"uid", str_at(*svc, {"metadata", "uid"})}}})}}},
                    {"ports", ports}};
      if (slice["endpoints"].empty()) slice["endpoints"] = nullptr;  // Go: a nil slice is `null`
      if (slice["ports"].empty()) slice["ports"] = nullptr;
      out.push_back(std::move(slice));
    }
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return std::pair(a["metadata"]["namespace"].get<std::string>(), a["metadata"]["name"].get<std::string>()) <
           std::pair(b["metadata"]["namespace"].get<std::string>(), b["metadata"]["name"].get<std::string>());
  });
  return out;
}

std::string format_endpoints(const json& endpoints) {
  const json* subsets = find(endpoints, {"subsets"});
  if (!subsets || !subsets->is_array() || subsets->empty()) return "<none>";
  std::vector<std::string> all;
  for (const json& ss : *subsets) {
    const json* addresses = find(ss, {"addresses"});
    if (!addresses || !addresses->is_array()) continue;
    const json* ports = find(ss, {"ports"});
    if (!ports || !ports->is_array() || ports->empty()) {  // a headless Service without ports
      for (const json& a : *addresses) all.push_back(str_at(a, {"ip"}));
      continue;
    }
    for (const json& p : *ports)
      for (const json& a : *addresses) all.push_back(fmt::format("{}:{}", str_at(a, {"ip"}), int_at(p, {"port"}, 0)));
  }
  std::string tail;
  return join(list_with_more(all, 3, tail)) + tail;
}

std::string format_discovery_ports(const json& slice) {
  std::vector<std::string> all;
  if (const json* ports = find(slice, {"ports"}); ports && ports->is_array())
    for (const json& p : *ports) {
      if (const json* n = find(p, {"port"}); n && n->is_number_integer()) all.push_back(std::to_string(n->get<std::int64_t>()));
      else if (const json* nm = find(p, {"name"}); nm && nm->is_string()) all.push_back(nm->get<std::string>());
      else all.push_back("*");
    }
  std::string tail;
  const std::string s = join(list_with_more(all, 3, tail)) + tail;
  return s.empty() ? "<unset>" : s;
}

std::string format_discovery_endpoints(const json& slice) {
  std::vector<std::string> all;
  if (const json* eps = find(slice, {"endpoints"}); eps && eps->is_array())
    for (const json& e : *eps)
      if (const json* a = find(e, {"addresses"}); a && a->is_array())
        for (const json& ip : *a) all.push_back(ip.is_string() ? ip.get<std::string>() : "");
  std::string tail;
  const std::string s = join(list_with_more(all, 3, tail)) + tail;
  return s.empty() ? "<unset>" : s;
}

}  // namespace kcsim
