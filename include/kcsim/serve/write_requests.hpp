// The writes of `kcsim serve --allow-writes` (docs/serve.md, "Writes"): the REST verbs kubectl
// and client libraries use, carried out by the simulated API server at the instant the served
// clock stands at, so that the simulation's controllers see them as any other write (issue #18).
//
//  - POST   .../RESOURCE              create (ApiServer::create), 201 Created
//  - PUT    .../RESOURCE/NAME         update with the resourceVersion precondition (ApiServer::update)
//  - PATCH  .../RESOURCE/NAME         by Content-Type: application/merge-patch+json (RFC 7386,
//           ApiServer::merge_patch), application/json-patch+json (RFC 6902) and
//           application/strategic-merge-patch+json (strategic_merge_patch.hpp, built-in kinds),
//           both applied to the stored object then written as an update, and
//           application/apply-patch+yaml (server-side apply, ApiServer::apply; `force`)
//  - GET/PUT/PATCH .../RESOURCE/NAME/scale   the autoscaling/v1 Scale (ApiServer::update_scale)
//  - DELETE .../RESOURCE/NAME         gracePeriodSeconds from the query or a DeleteOptions body
//
// A dry run (?dryRun=All: kubectl apply/scale/delete/create --dry-run=server, kubectl diff) is
// checked as the write would be and answered with what the write would have answered, but
// nothing is written: the store, its resourceVersion, the watches, the write history and the
// recorded writes stay as they were (apiserver pkg/registry/generic/registry/dryrun.go). kcsim
// computes the answer beside the simulated API server rather than through it, so the dry run
// checks what this file checks (the body, names and namespaces, existence, AlreadyExists, the
// resourceVersion precondition, the patch, the scale) but not the API server's own validation
// (a workload's selector) nor managedFields, and a created object has no uid. A server-side
// apply dry run is refused with 400 (its field ownership and conflicts are the API server's).
//
// The field manager is the `fieldManager` query parameter, else the User-Agent up to its first
// "/" ("kubectl"), as kube-apiserver defaults it (apiserver pkg/endpoints/handlers/rest.go
// managerOrUserAgent). Each write that changes the cluster is kept as a scenario timeline action
// (write_record.hpp) for `kcsim serve --record`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/discovery.hpp"
#include "kcsim/serve/request_target.hpp"

namespace kcsim {

/// Whether an HTTP method writes (POST, PUT, PATCH, DELETE).
bool is_write_method(const std::string& method);

/// GET .../NAME/scale: the object's autoscaling/v1 Scale, or 404.
ApiResponse scale_response(const ApiServer& api, const ServedResource& r, const std::string& ns, const std::string& name);

/// The answer to a write when writes are not allowed: 403 Forbidden, as kube-apiserver's
/// authorizer refuses a user (`deployments.apps "web" is forbidden: REASON`), REASON saying why
/// (ClusterApi::read_only_reason).
ApiResponse writes_refused(const ServedResource& r, const std::optional<std::string>& name, const std::string& reason);

/// One write that changed the cluster, as a timeline action of the scenario format
/// (docs/scenario-format.md, "timeline"), `at` the simulated instant it was made.
struct RecordedWrite {
  SimTime at;
  json action;
};

class WriteRequests {
 public:
  /// Writes to `world` (which must outlive this) at the instant its engine stands at.
  explicit WriteRequests(World& world);

  /// Carries out a write to resource `r`: `ns` (namespaced resources), `name` (absent: the
  /// collection), `subresource` ("scale" only).
  ApiResponse handle(const ApiRequest& request, const Target& target, const ServedResource& r,
                     const std::optional<std::string>& ns, const std::optional<std::string>& name,
                     const std::optional<std::string>& subresource);

  /// The writes made, in order.
  const std::vector<RecordedWrite>& recorded() const { return recorded_; }

 private:
  ApiResponse create(const ApiRequest& request, const ServedResource& r, const std::optional<std::string>& ns,
                     const std::string& manager);
  ApiResponse update(const ApiRequest& request, const ServedResource& r, const ObjectRef& ref, const std::string& manager);
  ApiResponse patch(const ApiRequest& request, const Target& target, const ServedResource& r, const ObjectRef& ref,
                    const std::string& manager);
  ApiResponse scale(const ApiRequest& request, const ServedResource& r, const ObjectRef& ref, const std::string& manager);
  ApiResponse remove(const ApiRequest& request, const Target& target, const ServedResource& r, const ObjectRef& ref,
                     const std::string& manager);
  void record(json action);
  ApiResponse dry_run_update(const ServedResource& r, const ObjectRef& ref, const ObjectPtr& before, json next);

  World& world_;
  bool dry_run_ = false;  // the request being handled is a dry run
  std::vector<RecordedWrite> recorded_;
};

}  // namespace kcsim
