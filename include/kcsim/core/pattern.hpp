// Regular expressions from user input (expectations' "matches", "events.message"), matched in
// time linear in the text with RE2: std::regex backtracks, so "^(a+)+$" on 41 characters ran for
// minutes and "^(a|b)*$" on 20,000 characters overflowed the stack.
//
// Syntax: RE2's (https://github.com/google/re2/wiki/Syntax), which covers what people write in
// ECMAScript patterns (classes, \d \w \s \b, anchors, groups, alternation, lazy and counted
// repetition) but not backreferences or lookaround; a pattern using those is an input error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace kcsim {

class Pattern {
 public:
  /// The compiled pattern, or nothing with `*error` set to RE2's reason ("missing ): (a").
  static std::optional<Pattern> compile(const std::string& text, std::string* error);

  /// Whether the pattern matches somewhere in `text` (as std::regex_search).
  bool search(std::string_view text) const;

 private:
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace kcsim
