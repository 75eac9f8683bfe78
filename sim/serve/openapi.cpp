// The OpenAPI v3 documents of `kcsim serve` (include/kcsim/serve/openapi.hpp).
#include "kcsim/serve/openapi.hpp"

#include <set>

namespace kcsim {
namespace {

std::string gv_path(const ServedResource& r) { return r.group.empty() ? "api/v1" : "apis/" + r.group + "/" + r.version; }

}  // namespace

json openapi_v3_root(const std::vector<ServedResource>& resources) {
  json paths = json::object();
  for (const ServedResource& r : resources) paths[gv_path(r)] = {{"serverRelativeURL", "/openapi/v3/" + gv_path(r)}};
  return {{"paths", paths}};
}

std::optional<json> openapi_v3_group_version(const std::vector<ServedResource>& resources, std::string_view group,
                                             std::string_view version, const Versions& versions) {
  json paths = json::object();
  for (const ServedResource& r : resources) {
    if (r.group != group || r.version != version) continue;
    const std::string path = "/" + gv_path(r) + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.plural + "/{name}";
    // The query parameters kube-apiserver documents for PATCH (apiserver pkg/endpoints/installer.go).
    json params = json::array();
    for (const char* name : {"dryRun", "fieldManager", "fieldValidation", "force"})
      params.push_back({{"name", name}, {"in", "query"}, {"schema", {{"type", name == std::string("force") ? "boolean" : "string"}, {"uniqueItems", true}}}});
    paths[path] = {{"patch",
                    {{"operationId", "patch" + r.kind},
                     {"parameters", params},
                     {"responses", {{"200", {{"description", "OK"}}}}},
                     {"x-kubernetes-action", "patch"},
                     {"x-kubernetes-group-version-kind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}}}}};
  }
  if (paths.empty()) return std::nullopt;
  return json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes"}, {"version", version_document(versions)["gitVersion"]}}},
              {"paths", paths},
              {"components", {{"schemas", json::object()}}}};
}

}  // namespace kcsim
