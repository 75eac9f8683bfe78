// What `kcsim kubectl get` reads (sim/views/cluster_objects.hpp): the store, with the kinds a
// real cluster holds and kcsim does not store added beside it. A stored object of a derived kind
// (a scenario's own Namespace manifest) wins over the derived one of the same name.
#include "cluster_objects.hpp"

#include <algorithm>
#include <set>

#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {

std::vector<ObjectPtr> ClusterObjects::derived(const std::string& kind, std::optional<std::string_view> ns) const {
  std::vector<json> objs;
  if (kind == "Namespace") objs = cluster_namespaces(api_);
  else if (kind == "Node") objs = cluster_nodes(api_, versions_, kubelet_settings_);
  else if (kind == "Endpoints") objs = service_endpoints(api_, ns);
  else if (kind == "EndpointSlice") objs = service_endpoint_slices(api_, ns);
  std::vector<ObjectPtr> out;
  out.reserve(objs.size());
  for (json& o : objs) out.push_back(std::make_shared<const json>(std::move(o)));
  return out;
}

ObjectPtr ClusterObjects::as_served(const ObjectPtr& o) const {
  if (!o || str_at(*o, {"kind"}) != "Service") return o;
  if (!cluster_ips_) cluster_ips_ = service_cluster_ips(api_);
  // The copy carries the managedFields the API server keeps beside the stored version
  // (stored_version.hpp), so that it prints as the version does.
  return std::make_shared<const json>(with_cluster_ip(*with_managed_fields(o), *cluster_ips_));
}

std::vector<ObjectPtr> ClusterObjects::list(const std::string& kind, std::optional<std::string_view> ns) const {
  std::vector<ObjectPtr> stored = ns ? api_.list(kind, *ns) : api_.list(kind);
  for (ObjectPtr& o : stored) o = as_served(o);
  std::vector<ObjectPtr> extra = derived(kind, ns);
  if (extra.empty()) return stored;
  auto key = [](const ObjectPtr& o) { return std::pair(str_at(*o, {"metadata", "namespace"}), str_at(*o, {"metadata", "name"})); };
  std::set<std::pair<std::string, std::string>> have;
  for (const ObjectPtr& o : stored) have.insert(key(o));
  for (ObjectPtr& o : extra)
    if (!have.count(key(o))) stored.push_back(std::move(o));
  // The API server lists by (namespace, name).
  std::stable_sort(stored.begin(), stored.end(), [&](const ObjectPtr& a, const ObjectPtr& b) { return key(a) < key(b); });
  return stored;
}

ObjectPtr ClusterObjects::get(const ObjectRef& ref) const {
  if (ObjectPtr o = api_.get(ref)) return as_served(o);
  for (ObjectPtr& o : derived(ref.kind, ref.ns.empty() ? std::nullopt : std::optional<std::string_view>(ref.ns)))
    if (str_at(*o, {"metadata", "name"}) == ref.name && str_at(*o, {"metadata", "namespace"}) == ref.ns) return o;
  return nullptr;
}

}  // namespace kcsim
