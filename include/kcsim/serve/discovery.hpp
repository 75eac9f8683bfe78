// What `kcsim serve` tells a client about the API it serves: the resources (the kind table,
// include/kcsim/k8s/kinds.hpp, and the kinds of a scenario's own custom resources) and the
// discovery documents kubectl reads before any request (client-go discovery: GET /version, /api,
// /apis, then /api/v1 and /apis/<group>/<version>). The document shapes are apimachinery's
// (pkg/apis/meta/v1/types.go: APIVersions, APIGroupList, APIResourceList; pkg/version Info).
//
// The aggregated discovery (apidiscovery.k8s.io/v2) is not served: kubectl 1.30+ asks for it in
// the Accept header of /api and /apis and, given plain application/json, reads the legacy
// documents instead (client-go discovery_client.go, the response's Content-Type decides).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"

namespace kcsim {

/// One resource as discovery lists it.
struct ServedResource {
  std::string kind;        // "Deployment"
  std::string group;       // "apps"; "" for the core group
  std::string version;     // "v1"
  std::string plural;      // "deployments"
  std::string singular;    // "deployment"
  std::vector<std::string> short_names;
  std::vector<std::string> categories;  // {"all"} for the members of `kubectl get all`
  bool namespaced = true;

  /// "apps/v1", "v1".
  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
};

/// The resources served: every kind of the kind table (so that `kubectl get hpa` finds the type
/// even when the scenario has none, as kcsim kubectl does), then the kinds of stored objects the
/// table does not know (a scenario's own CRDs), in the order of the kind table (core first).
std::vector<ServedResource> served_resources(const ApiServer& api);

/// The kinds with a scale subresource (apps Deployment, ReplicaSet, StatefulSet; core
/// ReplicationController), as kube-apiserver v1.32 serves them.
bool has_scale_subresource(const ServedResource& r);

/// The resource a request path names: group ("" for /api/v1), version and plural.
const ServedResource* find_served_resource(const std::vector<ServedResource>& resources, std::string_view group,
                                           std::string_view version, std::string_view plural);

/// GET /version: version.Info of the scenario's Kubernetes release ("v1.32.0").
json version_document(const Versions& versions);

/// GET /api: APIVersions (the core group's single version, v1).
json core_versions_document(const std::string& server_address);

/// GET /apis: APIGroupList of every group served but the core one, in the order of the kind table.
json group_list_document(const std::vector<ServedResource>& resources);

/// GET /api/v1, /apis/<group>/<version>: APIResourceList, or nothing for a group/version not served.
/// Pods also list their `pods/log` subresource, the scalable workloads their `scale`
/// subresource. `writes`: the write verbs are listed too (kcsim serve --allow-writes).
std::optional<json> resource_list_document(const std::vector<ServedResource>& resources, std::string_view group,
                                           std::string_view version, bool writes = false);

}  // namespace kcsim
