// Application sources that ArgoCD cannot load (issue #19, no silent no-ops): a repoURL that
// matches none of the repositories given, or a path that holds no file in the one it matches.
// The simulated controller reports the same as a ComparisonError; `kcsim lint` reports it from
// the manifests, in the same words (models/argocd/argocd_conditions.hpp).
#pragma once

#include <string>
#include <vector>

#include "kcsim/analysis/ownership_graph.hpp"
#include "kcsim/scenario/manifest_reader.hpp"

namespace kcsim {

/// One Git source of an Application, as ArgoCD reads `spec.source`.
struct AppSource {
  ObjectRef app;
  const Manifest* manifest = nullptr;  // the Application ArgoCD acts on (live, else declared, else Git)
  std::string pointer;                 // "/spec/source"
  std::string repo_url;
  std::string path;                    // normalised (include/kcsim/k8s/repo_path.hpp)
  std::string revision;                // targetRevision
};

/// A finding (rule app-source-error) for each source whose repository is not among the
/// repositories given, or whose path has no file in it. Says nothing when the repositories'
/// URLs are unknown (`lint DIR` without a URL): a source cannot be checked against them then.
std::vector<Finding> check_app_sources(const ManifestSet& set, const std::vector<AppSource>& sources);

}  // namespace kcsim
