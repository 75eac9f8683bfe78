// A syntax check of YAML text with libyaml, before yaml-cpp 0.7 parses it.
#pragma once

#include <optional>
#include <string>

namespace kcsim {

struct YamlGuardFinding {
  int document = 1;  // 1-based, as `---` separates them
  int line = 0;      // 1-based; 0 when unknown (a reader error in UTF-16 text)
  int column = 0;    // 1-based, in characters
  std::string expected;
  std::string found;
};

/// Nesting (sequences and mappings inside each other) beyond which the check stops with a
/// finding. yaml-cpp 0.7 refuses deeper documents anyway, but with a bare "bad file": its
/// DeepRecursion guard (include/yaml-cpp/depthguard.h: max_depth = 2000) counts several frames
/// per level, and measured here it fails from 498 nested block mappings and 500 nested flow
/// sequences. 480 stays below both, so the message names the real cause; libyaml 0.2.5 has no
/// limit of its own, so its stacks would grow with the file.
inline constexpr int kMaxYamlNesting = 480;

/// Runs libyaml's parser (yaml_parser_parse, libyaml 0.2.5) over the whole stream and returns its
/// first error, with the document (1-based), line and column where it is, or nothing when libyaml
/// accepts the text.
///
/// Why: yaml-cpp 0.7.0 (Debian 12) never returns, allocating until the process dies, on a class
/// of invalid input: a ',' where it expects a document's root node or after a root node ended
/// (",", "---\n,", "- a\n,", "!tag ,", "{},", ...; found by fuzz_manifest_reader, issue #9).
/// libyaml rejects all of them. It is the C parser that go-yaml (which kubectl decodes manifests
/// with, through sigs.k8s.io/yaml) was ported from, so a file it rejects is one kubectl rejects:
/// checking with it first removes the whole class instead of one shape at a time.
std::optional<YamlGuardFinding> check_yaml_syntax(const std::string& text);

}  // namespace kcsim
