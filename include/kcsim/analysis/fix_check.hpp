// Verified fixes: candidate changes derived from a fight's writers. Each is checked by re-running
// the scenario with that change and looking whether a fight on the same object and field remains:
// add_verified_fixes (include/kcsim/cli/runner.hpp), next to the run it repeats.
#pragma once

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// Candidate fixes for one fight, as changes to the scenario document (Scenario::raw):
/// [{change, patch, doc}] where doc is the changed document. Only candidates that change the
/// document are returned.
json candidate_fixes(const json& doc, const json& fight);

}  // namespace kcsim
