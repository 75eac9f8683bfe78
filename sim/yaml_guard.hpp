// A pre-parse check for input that makes yaml-cpp 0.7 loop forever.
#pragma once

#include <optional>
#include <string>

namespace kcsim {

struct YamlGuardFinding {
  int document = 1;  // 1-based, as `---` separates them
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string expected;
  std::string found;
};

/// yaml-cpp 0.7.0 (Debian 12) never returns, allocating until the process dies, when a document's
/// root node is a flow collection or a quoted scalar followed by a ',' ("{},", "[1] , 2",
/// "'x',"): found by fuzz_manifest_reader (fuzz/open-findings had a 4 KB file that took 24 GB).
/// Such a document is invalid YAML either way, so it is rejected here, before yaml-cpp sees it.
std::optional<YamlGuardFinding> find_yaml_parser_trap(const std::string& text);

}  // namespace kcsim
