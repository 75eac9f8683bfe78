// A path inside a Git repository as Git, ArgoCD (spec.source.path) and Flux (spec.path) compare
// them: no leading "./" or "/", no trailing "/", and "." for the root becomes "".
#pragma once

#include <string>

namespace kcsim {

inline std::string normalize_repo_path(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path == ".") path.clear();
  return path;
}

}  // namespace kcsim
