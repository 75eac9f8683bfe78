// The Namespaces of a simulated cluster (sim/views/cluster_objects.hpp).
//
// kcsim stores no Namespace unless a scenario declares one, yet every object lives in one and
// `kubectl get ns` is among the first commands of an incident. What it shows:
//  - the four namespaces the API server creates in every cluster (kubernetes v1.32
//    pkg/controlplane/controller/systemnamespaces: kube-system, kube-public, kube-node-lease and
//    default). They were
//    created before the scenario began; the scenario's start is the earliest instant kcsim
//    knows, so that is their creationTimestamp. Their contents (CoreDNS, kube-proxy, the node
//    Leases) are not simulated: `get pods -n kube-system` finds nothing.
//  - each namespace an object was ever created in, created when its first object was (the
//    NamespaceLifecycle admission plugin refuses objects in a namespace that does not exist, so
//    it existed by then; `kubectl apply` of a namespaced manifest set creates it just before).
// All are Active (nothing deletes a namespace in kcsim). Each carries the label
// kubernetes.io/metadata.name that the API server sets on every namespace (v1.22+,
// pkg/registry/core/namespace/strategy.go PrepareForCreate) and spec.finalizers [kubernetes]
// (the namespace registry's default). The table is printers.go printNamespace: NAME STATUS AGE.
#include <algorithm>
#include <map>

#include "cluster_objects.hpp"

namespace kcsim {

std::vector<json> cluster_namespaces(const ApiServer& api) {
  std::map<std::string, SimTime> created;  // name → creation; a std::map lists them sorted
  for (const char* system : {"default", "kube-node-lease", "kube-public", "kube-system"}) created.emplace(system, kTimeZero);
  for (const ObjectLifetime& l : api.lifetimes()) {
    if (l.ref.ns.empty()) continue;
    auto [it, inserted] = created.emplace(l.ref.ns, l.created);
    if (!inserted) it->second = std::min(it->second, l.created);
  }
  std::vector<json> out;
  out.reserve(created.size());
  for (const auto& [name, at] : created) {
    out.push_back({{"apiVersion", "v1"},
                   {"kind", "Namespace"},
                   {"metadata",
                    {{"creationTimestamp", api.epoch().rfc3339(at)},
                     {"labels", {{"kubernetes.io/metadata.name", name}}},
                     {"name", name}}},
                   {"spec", {{"finalizers", json::array({"kubernetes"})}}},
                   {"status", {{"phase", "Active"}}}});
  }
  return out;
}

}  // namespace kcsim
