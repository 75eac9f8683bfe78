// The words every command uses for the same finding: `kcsim run` (fights, resets, causal chains),
// `kcsim explain` and `kcsim lint` (the ownership graph) name an object, a field, its writers and
// a period with these functions, so that they state the same fact in the same words (issue #19).
#pragma once

#include <string>
#include <vector>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// "Deployment prod/web" (kind, then namespace/name): the form people say.
std::string object_phrase(const ObjectRef& ref);

/// "/spec/replicas of Deployment prod/web".
std::string field_phrase(const ObjectRef& ref, const std::string& field);

/// "keda", "argocd-controller and keda", "a, b and c".
std::string writers_phrase(const std::vector<std::string>& managers);

/// "one cycle every 5m0s": a fight's period, measured (run) or predicted (explain), in Go's
/// duration format rounded to whole seconds.
std::string period_phrase(Duration period);

}  // namespace kcsim
