// Discovery documents of `kcsim serve` (include/kcsim/serve/discovery.hpp).
#include "kcsim/serve/discovery.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "kcsim/core/text.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {
namespace {

// The resources whose REST storage declares the category "all" in Kubernetes v1.32 (each
// registry's Categories(): pkg/registry/core/{pod,replicationcontroller,service}/storage,
// pkg/registry/apps/*/storage, pkg/registry/autoscaling/horizontalpodautoscaler/storage,
// pkg/registry/batch/{job,cronjob}/storage): what `kubectl get all` lists.
bool in_category_all(const std::string& group, const std::string& plural) {
  static const std::set<std::pair<std::string, std::string>> kAll = {
      {"", "pods"},           {"", "replicationcontrollers"}, {"", "services"},
      {"apps", "daemonsets"}, {"apps", "deployments"},        {"apps", "replicasets"},
      {"apps", "statefulsets"}, {"autoscaling", "horizontalpodautoscalers"},
      {"batch", "cronjobs"},  {"batch", "jobs"}};
  return kAll.count({group, plural}) > 0;
}

std::pair<std::string, std::string> split_group_version(const std::string& api_version) {
  const std::size_t slash = api_version.find('/');
  if (slash == std::string::npos) return {"", api_version};
  return {api_version.substr(0, slash), api_version.substr(slash + 1)};
}

// The verbs a frozen cluster serves: reads only.
json read_verbs() { return json::array({"get", "list"}); }

// With --allow-writes, the verbs kube-apiserver lists for a resource whose storage does all
// (apiserver pkg/endpoints/installer.go; deletecollection is not served).
json all_verbs() { return json::array({"create", "delete", "get", "list", "patch", "update", "watch"}); }

}  // namespace

std::vector<ServedResource> served_resources(const ApiServer& api) {
  std::vector<ServedResource> out;
  std::set<std::pair<std::string, std::string>> known;  // (group, kind)
  for (const KindInfo& k : known_kinds()) {
    ServedResource r;
    r.kind = k.kind;
    std::tie(r.group, r.version) = split_group_version(k.api_version);
    r.plural = k.plural;
    r.singular = k.singular;
    r.short_names = k.short_names;
    r.namespaced = k.namespaced;
    if (in_category_all(r.group, r.plural)) r.categories = {"all"};
    known.insert({r.group, r.kind});
    out.push_back(std::move(r));
  }
  // A scenario's own custom resources: the kind and apiVersion of the objects stored, the plural
  // as the API server names it (lower-case kind + "s", resource_name), cluster scope from the
  // objects (a stored object without a namespace is cluster-scoped).
  std::map<std::pair<std::string, std::string>, ServedResource> extra;
  for (const ObjectLifetime& l : api.lifetimes()) {
    if (!l.last || !l.last->contains("apiVersion") || !(*l.last)["apiVersion"].is_string()) continue;
    const std::string av = (*l.last)["apiVersion"].get<std::string>();
    const auto [group, version] = split_group_version(av);
    if (known.count({group, l.ref.kind}) || extra.count({group, l.ref.kind})) continue;
    ServedResource r;
    r.kind = l.ref.kind;
    r.group = group;
    r.version = version;
    const std::string qualified = resource_name(l.ref.kind, av);
    r.plural = qualified.substr(0, qualified.find('.'));
    r.singular = lower(l.ref.kind);
    r.namespaced = !l.ref.ns.empty();
    extra.emplace(std::make_pair(group, l.ref.kind), std::move(r));
  }
  for (auto& [key, r] : extra) out.push_back(std::move(r));
  return out;
}

bool has_scale_subresource(const ServedResource& r) {
  return (r.group == "apps" && (r.kind == "Deployment" || r.kind == "ReplicaSet" || r.kind == "StatefulSet")) ||
         (r.group.empty() && r.kind == "ReplicationController");
}

const ServedResource* find_served_resource(const std::vector<ServedResource>& resources, std::string_view group,
                                           std::string_view version, std::string_view plural) {
  for (const ServedResource& r : resources)
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  return nullptr;
}

json version_document(const Versions& versions) {
  // "1.32" or "1.32.4" → major 1, minor 32, gitVersion v1.32.0 / v1.32.4.
  std::string v = versions.get("kubernetes");
  if (!v.empty() && v[0] == 'v') v = v.substr(1);
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = v.find('.', start);
    parts.push_back(v.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  while (parts.size() < 3) parts.push_back("0");
  return {{"major", parts[0]},
          {"minor", parts[1]},
          {"gitVersion", "v" + parts[0] + "." + parts[1] + "." + parts[2]},
          {"gitCommit", "kcsim"},
          {"gitTreeState", "clean"},
          {"buildDate", "1970-01-01T00:00:00Z"},
          {"goVersion", "kcsim"},
          {"compiler", "kcsim"},
          {"platform", "linux/amd64"}};
}

json core_versions_document(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", json::array({"v1"})},
          {"serverAddressByClientCIDRs", json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}})}};
}

json group_list_document(const std::vector<ServedResource>& resources) {
  json groups = json::array();
  std::vector<std::string> seen;
  for (const ServedResource& r : resources) {
    if (r.group.empty() || std::find(seen.begin(), seen.end(), r.group) != seen.end()) continue;
    seen.push_back(r.group);
    const json gv = {{"groupVersion", r.group_version()}, {"version", r.version}};
    groups.push_back({{"name", r.group}, {"versions", json::array({gv})}, {"preferredVersion", gv}});
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<json> resource_list_document(const std::vector<ServedResource>& resources, std::string_view group,
                                           std::string_view version, bool writes) {
  json list = json::array();
  for (const ServedResource& r : resources) {
    if (r.group != group || r.version != version) continue;
    json entry = {{"name", r.plural},     {"singularName", r.singular}, {"namespaced", r.namespaced},
                  {"kind", r.kind},       {"verbs", writes ? all_verbs() : read_verbs()}};
    if (!r.short_names.empty()) entry["shortNames"] = r.short_names;
    if (!r.categories.empty()) entry["categories"] = r.categories;
    list.push_back(entry);
    if (r.group.empty() && r.plural == "pods")
      list.push_back({{"name", "pods/log"}, {"singularName", ""}, {"namespaced", true}, {"kind", "Pod"}, {"verbs", json::array({"get"})}});
    // The scale subresource: kubectl scale's scale client finds the Scale kind it speaks here
    // (client-go scale discovery kind resolver: group autoscaling, version v1, kind Scale).
    if (has_scale_subresource(r))
      list.push_back({{"name", r.plural + "/scale"}, {"singularName", ""}, {"namespaced", true}, {"group", "autoscaling"},
                      {"version", "v1"}, {"kind", "Scale"},
                      {"verbs", writes ? json::array({"get", "patch", "update"}) : json::array({"get"})}});
  }
  if (list.empty()) return std::nullopt;
  const std::string gv = group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return json{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", list}};
}

}  // namespace kcsim
