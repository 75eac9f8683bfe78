// Reading a scenario: loading and validating a scenario file into a Scenario
// (include/kcsim/apiserver/scenario_spec.hpp; docs/scenario-format.md).
#pragma once

#include <string>

#include "kcsim/apiserver/scenario_spec.hpp"

namespace kcsim {

/// Loads and validates a scenario file. Throws InputError (file, pointer, line:column for
/// syntax errors, expected, found).
Scenario load_scenario(const std::string& path);
/// Same, from text already read (`file` names it in messages).
Scenario parse_scenario(const std::string& text, const std::string& file);

}  // namespace kcsim
