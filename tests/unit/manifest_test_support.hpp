// Helpers for the tests of the ownership graph and of `kcsim explain` / `kcsim lint`: a manifest
// set built from YAML texts with the origin of each (Git, live, applied), and the findings of one
// rule or the potential fights. (Running the executable: cli_test_support.hpp.)
#pragma once

#include <string>
#include <vector>

#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/analysis/ownership_graph.hpp"

namespace kcsim::testing {

/// One YAML text: where it comes from and its path (a repository path for Git).
struct Doc {
  ManifestOrigin origin;
  std::string path;
  std::string text;
};

/// The manifest set of `docs`, as load_manifest_set would sort them; Git files belong to `repo`.
inline ManifestSet make_set(const std::vector<Doc>& docs, const std::string& repo = "https://git.example/r.git") {
  ManifestSet set;
  for (const Doc& d : docs) {
    auto ms = parse_manifests(d.text, d.path, set.warnings);
    for (Manifest& m : ms) {
      m.origin = d.origin;
      m.rel_path = d.path;
      if (d.origin == ManifestOrigin::kGit) m.repo_url = repo;
      if (d.origin == ManifestOrigin::kGit) set.git.push_back(m);
      else if (d.origin == ManifestOrigin::kLive) set.live.push_back(m);
      else set.declared.push_back(m);
    }
  }
  set.repositories[repo] = "";
  return set;
}

inline std::vector<const Finding*> by_rule(const OwnershipGraph& g, const std::string& rule) {
  std::vector<const Finding*> out;
  for (const Finding& f : g.findings())
    if (f.rule == rule) out.push_back(&f);
  return out;
}

/// The potential fights (field-fight and field-reset-on-sync).
inline std::vector<const Finding*> fights_of(const OwnershipGraph& g) {
  std::vector<const Finding*> out;
  for (const Finding& f : g.findings())
    if (f.rule == "field-fight" || f.rule == "field-reset-on-sync") out.push_back(&f);
  return out;
}

}  // namespace kcsim::testing
