// The Git history of a scenario, replayed once: the commits of each repository of its "git"
// section and its "git commit" timeline actions, in push order, each with the tree it leaves.
// The git model serves it (models/git/git_repository.cpp), `kcsim git` prints it
// (sim/views/git_view.cpp) and the manifest reader reads its default branch
// (sim/scenario/manifest_reader.cpp); docs/models/argocd-git.md describes the rules:
//
//  - push order: by time; at equal times the section's commits (in their order) before the
//    timeline's (in theirs);
//  - a timeline commit belongs to the repository its repoURL names (ArgoCD's git.SameURL,
//    include/kcsim/k8s/git_url.hpp), or to the only repository when it names none;
//  - `files` replaces the branch's tree, `changes` edits it (null deletes a file), a commit with
//    neither keeps it; a branch's first commit starts from the default branch's tree as it is
//    then (an empty tree before the first commit);
//  - paths are compared as Git does (normalize_repo_path: no "./", leading or trailing "/").
//
// The replay trusts its input: the git model validates the section and the actions when the
// World is built (a scenario that reaches the other readers has been through it), and what it
// would refuse is skipped here.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kcsim/apiserver/scenario_spec.hpp"

namespace kcsim {

/// A file of a tree, as the scenario gives it: a manifest, an array of them, or YAML text.
struct GitFile {
  const json* value = nullptr;  // inside Scenario::raw or a TimelineAction's spec
  std::string key;              // the path as written ("./apps/web.yaml")
  std::string pointer;          // "/git/commits/0/files/apps~1web.yaml"
};

/// Normalised path → file. Commits that leave a tree unchanged share it.
using GitTree = std::map<std::string, GitFile>;

struct GitHistoryCommit {
  SimTime at{};
  const json* spec = nullptr;  // the commit object (a section entry or the timeline action)
  std::string pointer;         // "/git/commits/0", "/timeline/3"
  std::string branch;          // `branch`, or the repository's default branch
  std::shared_ptr<const GitTree> tree;
};

struct GitHistoryRepository {
  std::string url;
  std::string default_branch = "main";
  std::string pointer;                      // "/git" or "/git/1"
  std::vector<GitHistoryCommit> commits;    // push order
};

/// The repositories of sc.raw["git"] (one object or an array), in order, with their commits.
/// Section commits' `at` are read with read_duration (InputError on a bad one).
std::vector<GitHistoryRepository> git_history(const Scenario& sc);

}  // namespace kcsim
