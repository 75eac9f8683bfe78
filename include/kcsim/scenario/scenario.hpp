// Reading a scenario: loading and validating a scenario file into a Scenario
// (include/kcsim/apiserver/scenario_spec.hpp; docs/scenario-format.md).
#pragma once

#include <string>
#include <vector>

#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/k8s/manifest_parser.hpp"

namespace kcsim {

/// Loads and validates a scenario file. Throws InputError (file, pointer, line:column for
/// syntax errors, expected, found), also for a field of the wrong type in a manifest of its
/// objects, `kubectl apply` actions or Git files (include/kcsim/k8s/field_validation.hpp).
Scenario load_scenario(const std::string& path);
/// Same, from text already read (`file` names it in messages).
Scenario parse_scenario(const std::string& text, const std::string& file);

/// The unknown fields of the manifests a scenario creates (its objects, its `kubectl apply`
/// actions' manifests, its Git files), which the API server would drop with a warning
/// (include/kcsim/k8s/field_validation.hpp): file = the scenario, pos = line:column in it,
/// pointer = the field's ("/objects/2/spec/minReplica"), message = the API server's wording
/// (`unknown field "spec.minReplica"`). For a scenario parse_scenario accepted.
std::vector<ReadWarning> scenario_warnings(const Scenario& s);

}  // namespace kcsim
