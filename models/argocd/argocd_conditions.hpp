// The texts of the Application conditions the application controller sets, in one place, so that
// the simulated controller (models/argocd/argocd_application_controller.cpp) and `kcsim lint`
// (sim/analysis/app_sources.cpp) word the same condition the same way.
#pragma once

#include <string>

#include <fmt/format.h>

namespace kcsim::argocd {

/// ComparisonError when the repo-server cannot generate the manifests of a source: argo-cd
/// controller/state.go (v3.x) "Failed to load target state: failed to generate manifest for source
/// %d of %d: %w", around the repo-server's gRPC error ("rpc error: code = Unknown desc = ...").
inline std::string load_target_state_error(const std::string& repo_error, int source = 1, int sources = 1) {
  return fmt::format("Failed to load target state: failed to generate manifest for source {} of {}: rpc error: code = "
                     "Unknown desc = {}",
                     source, sources, repo_error);
}

}  // namespace kcsim::argocd
