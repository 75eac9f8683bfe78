// A kcsim scenario built from manifests: what `kcsim import` writes and what `kcsim explain
// --simulate` runs (the same function, so that the two never disagree). Defined in
// sim/cli/import.cpp; docs/explain-lint.md describes the sections it fills.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/analysis/ownership_graph.hpp"

namespace kcsim::cli {

struct ImportSettings {
  std::string name;              // metadata.name; "" = from the first input path
  std::string duration = "1h";   // a Go duration, already validated
  bool expect_no_fights = false; // add the expectation fights.length == 0
};

struct ImportedScenario {
  std::string text;                // the scenario document (JSON, keys in reading order)
  std::vector<std::string> notes;  // what was left out or assumed, sorted
  std::size_t objects = 0, repositories = 0, traffic_sources = 0;
};

/// The scenario for `set` (read from `inputs`), with idle traffic and today's version profiles.
/// The caller validates it (parse_scenario) before writing or running it.
ImportedScenario import_scenario(const ManifestSet& set, const OwnershipGraph& graph, const ManifestInputs& inputs,
                                 const ImportSettings& settings);

}  // namespace kcsim::cli
