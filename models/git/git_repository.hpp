// The Git repositories of a scenario, as the GitOps controllers see them.
//
// Git is not a Kubernetes object, so this is the one channel besides the API server between
// models: ArgoCD's repo-server and Flux's source-controller read Git, and here they do so
// through this interface, which the "git" model (models/git/git_repository.cpp) implements and
// provides as a World service: world().service<GitService>() (docs/architecture.md, "Services").
// A controller asks what a `git
// ls-remote` returns at an instant (resolve) and what the tree of a commit holds (manifests);
// the history is fixed by the scenario (its "git" section and "git commit" timeline actions),
// so both are pure functions of (repository, revision, instant). docs/models/argocd-git.md
// describes the scenario format.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kcsim/k8s/git_url.hpp"
#include "kcsim/k8s/object_ref.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {

/// A Git host's push notification (a webhook), delivered `webhook.delay` after the commit.
class GitPushListener {
 public:
  virtual ~GitPushListener() = default;
  /// `repo_url` as the scenario spells it; `ref` is "refs/heads/<branch>" or "refs/tags/<tag>".
  virtual void on_git_push(const std::string& repo_url, const std::string& ref, const std::string& sha) = 0;
};

/// One resolved commit.
struct GitRevision {
  std::string sha;      // 40 lowercase hex digits
  std::string branch;   // the branch the commit was made on
  std::string message;  // commit message (first line is the subject)
  SimTime at{};         // when it was pushed
};

/// A result or an error text, as the repo-server would report it.
template <class T>
struct GitResult {
  std::optional<T> value;
  std::string error;
  bool ok() const { return value.has_value(); }
};

class GitService {
 public:
  virtual ~GitService() = default;

  /// True if a repository with this URL exists (URLs compare as ArgoCD's git.SameURL does:
  /// same_git_url, include/kcsim/k8s/git_url.hpp).
  virtual bool has_repository(const std::string& repo_url) const = 0;

  /// `git ls-remote` at instant `at`: resolves "" / "HEAD" (the default branch), a branch name
  /// ("main", "refs/heads/main"), a tag, or a commit SHA (full, or a unique prefix of 7+ hex
  /// digits) to a commit pushed at or before `at`.
  virtual GitResult<GitRevision> resolve(const std::string& repo_url, const std::string& revision,
                                         SimTime at) const = 0;

  /// The manifests of a directory at a commit, in file-name order and, within a file, in
  /// document order. `path` is relative to the repository root ("" or "." = the root); only
  /// files named *.yaml, *.yml or *.json count. With `recurse` false only the files directly in
  /// the directory are read (ArgoCD's directory source default); with true, the whole subtree
  /// (ArgoCD `directory.recurse: true`, and Flux's generated kustomization). A directory that
  /// holds no file at all is an error "<path>: app path does not exist".
  virtual GitResult<std::vector<json>> manifests(const std::string& repo_url, const std::string& sha,
                                                 const std::string& path, bool recurse) const = 0;

  /// The ids of a repository's commits in the order the scenario's history lists them (what
  /// `git log` shows: kcsim's `git` view of an exercise); empty for an unknown repository.
  virtual std::vector<std::string> commit_shas(const std::string& repo_url) const = 0;

  /// Registers for webhook pushes (in registration order; see GitPushListener).
  virtual void subscribe(GitPushListener* listener) = 0;
};

/// The repo-server's words for a repoURL it does not know and for a source path with no file
/// (argo-cd reposerver/repository/repository.go and util/io/path.Path, v3.x), so that the
/// simulated ArgoCD and `kcsim lint` say the same thing.
std::string repository_not_found_error(const std::string& repo_url);
std::string app_path_missing_error(const std::string& path);

}  // namespace kcsim
