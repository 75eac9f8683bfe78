// The body of a status-subresource update (PUT .../status) built from the object a controller
// holds, without copying the rest of it.
#pragma once

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// What ApiServer::update(..., "status") reads of its object: apiVersion, kind, name, namespace,
/// the resourceVersion precondition, the status and (for the apps workloads, whose status
/// strategy keeps them) the annotations. The status strategy takes everything else from the
/// stored object (pkg/registry/*/strategy.go PrepareForUpdate of each status strategy), so a
/// controller need not copy its whole object to write the status.
json status_update_body(const json& object, json status);

}  // namespace kcsim
