// The error answers of `kcsim serve`: metav1.Status objects worded as kube-apiserver words them
// (k8s.io/apimachinery pkg/api/errors/errors.go NewNotFound, NewBadRequest, NewForbidden,
// NewConflict, NewInvalid, NewMethodNotSupported), shared by the reads (cluster_api.cpp) and the
// writes (write_requests.cpp).
#pragma once

#include <string>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/serve/cluster_api.hpp"

namespace kcsim {

struct ServedResource;

/// A JSON body as the API server sends it: compact, invalid UTF-8 replaced.
std::string to_body(const json& doc);

/// A Failure Status with `code`, `reason`, `message` and, unless null, `details`.
ApiResponse status_response(int code, const std::string& reason, const std::string& message, json details = nullptr);

/// The details of a Status about one object: {"name", "group" (unless core), "kind" (the plural)}.
json status_details(const ServedResource& r, const std::string& name);

/// The 404 of a path that names nothing served (the API server's NotFound handler).
ApiResponse path_not_found();

/// NewNotFound(qualifiedResource, name): `deployments.apps "web" not found`.
ApiResponse object_not_found(const ServedResource& r, const std::string& name);

/// NewBadRequest(message): 400 BadRequest.
ApiResponse bad_request(const std::string& message);

/// The API server's own answer to a write (ApiStatus: 404, 409, 422, ...) as a Status about the
/// object `name` of `r`.
ApiResponse status_of(const ApiStatus& status, const ServedResource& r, const std::string& name);

}  // namespace kcsim
