// Application sources ArgoCD cannot load, found from the manifests (app_sources.hpp).
#include "app_sources.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "../../models/argocd/argocd_conditions.hpp"
#include "../../models/git/git_repository.hpp"
#include "kcsim/analysis/vocabulary.hpp"
#include "kcsim/k8s/git_url.hpp"

namespace kcsim {
namespace {

bool under(const std::string& file, const std::string& dir) {
  return dir.empty() || (file.size() > dir.size() && file.compare(0, dir.size(), dir) == 0 && file[dir.size()] == '/');
}

// The Git side of a manifest set is the default branch's last commit (manifest_reader.hpp); a
// source that pins another branch, a tag or a commit may see other files, so only sources that
// follow the default branch are checked.
bool follows_default_branch(const std::string& revision) {
  return revision.empty() || revision == "HEAD" || revision == "main" || revision == "master";
}

}  // namespace

std::vector<Finding> check_app_sources(const ManifestSet& set, const std::vector<AppSource>& sources) {
  std::vector<Finding> out;
  std::vector<std::string> known;  // normalised URLs of the repositories given
  for (const auto& [url, dir] : set.repositories)
    if (!url.empty()) known.push_back(normalize_git_url_allow_invalid(url));
  if (known.empty()) return out;
  for (const AppSource& s : sources) {
    if (s.repo_url.empty()) continue;  // the API server's validation, not the repo-server's, refuses it
    const std::string url = normalize_git_url_allow_invalid(s.repo_url);
    // git.SameURL: equal once normalised (argo-cd util/git/git.go).
    const bool repo_known = std::find(known.begin(), known.end(), url) != known.end();
    std::string repo_error;
    if (!repo_known) {
      repo_error = repository_not_found_error(s.repo_url);
    } else if (follows_default_branch(s.revision)) {
      bool exists = false;
      for (const Manifest& m : set.git)
        if (normalize_git_url_allow_invalid(m.repo_url) == url && under(m.rel_path, s.path)) {
          exists = true;
          break;
        }
      // Only manifest files are read, so a path that holds only other files (a README) would be
      // reported too; ArgoCD would then sync nothing from it, which is as much a problem.
      if (!exists) repo_error = app_path_missing_error(s.path);
    }
    if (repo_error.empty()) continue;
    Finding f;
    f.rule = "app-source-error";
    f.severity = Severity::kError;
    f.object = s.app.str();
    f.title = fmt::format("ArgoCD cannot load the source of {}", object_phrase(s.app));
    f.message = fmt::format("ArgoCD sets ComparisonError on {}: {}. Nothing in it is synced or self-healed while "
                            "the error lasts.",
                            object_phrase(s.app), argocd::load_target_state_error(repo_error));
    f.location = s.manifest ? s.manifest->where(s.pointer + (repo_known ? "/path" : "/repoURL")) : "";
    if (s.manifest) f.evidence.push_back(Evidence{f.location, repo_known ? "the source path" : "the repoURL"});
    f.fixes.push_back(repo_known ? fmt::format("Point spec.source.path at a directory that exists in {}", s.repo_url)
                                 : "Point spec.source.repoURL at one of the repositories: " + [&] {
                                     std::string list;
                                     for (const auto& [u, d] : set.repositories) list += (list.empty() ? "" : ", ") + u;
                                     return list;
                                   }());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace kcsim
