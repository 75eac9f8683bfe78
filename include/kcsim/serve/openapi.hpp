// The OpenAPI v3 documents `kcsim serve` gives kubectl: enough for the writes, not for
// `kubectl explain`. Before `kubectl apply`, `create`, `edit`, `replace` and `patch` send an
// object, kubectl (cli-runtime pkg/resource query_param_verifier_v3.go, v1.32) reads
// GET /openapi/v3 (the group versions, each with its serverRelativeURL) and then the document of
// the object's group version, and asks the server to validate the object (fieldValidation) when
// the PATCH operation of the kind lists that parameter; without the documents it stops with
// "failed to download openapi". So each group version's document holds, for each kind served, the
// PATCH operation of its object path with its x-kubernetes-group-version-kind and the
// fieldValidation parameter, and no schemas (components.schemas is empty): kubectl then computes
// patches from its compiled-in types, as it does for a type the schema lacks.
#pragma once

#include <optional>
#include <string_view>

#include "kcsim/serve/discovery.hpp"

namespace kcsim {

/// GET /openapi/v3: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1"}, ...}}.
json openapi_v3_root(const std::vector<ServedResource>& resources);

/// GET /openapi/v3/api/v1, /openapi/v3/apis/GROUP/VERSION; nothing for one not served.
std::optional<json> openapi_v3_group_version(const std::vector<ServedResource>& resources, std::string_view group,
                                             std::string_view version, const Versions& versions);

}  // namespace kcsim
