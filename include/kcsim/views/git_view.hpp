// What `git` would print in a clone of a scenario's repository at one simulated instant:
// `git log`, `git ls-files`, `git show REV:PATH` (kcsim exercise git, docs/exercises.md). A
// trainee compares the live Application (`kubectl get application -o yaml`) with its file in Git.
#pragma once

#include <string>
#include <vector>

namespace kcsim {

class World;

/// Standard output, standard error and the exit status (git's own: 128 for fatal errors).
struct GitViewResult {
  std::string out;
  std::string err;
  int status = 0;
};

/// Runs one git command line against the repository (the scenario's `git` section plus its
/// `git commit` timeline actions) as pushed at or before the world's current instant. Only the
/// first repository of a scenario with several is shown. Supported: `log [--oneline] [-n N]`,
/// `ls-files`, `show REV:PATH` (REV: HEAD, a branch, a tag or a commit id prefix; PATH a file or
/// a directory). Throws std::invalid_argument for other commands (a usage error).
GitViewResult git_view(const World& world, const std::vector<std::string>& args);

}  // namespace kcsim
