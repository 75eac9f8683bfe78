// Line and column of every value in a JSON text, by JSON pointer, so that errors found after
// parsing (a wrong type, an unknown field) can still name the place in the file.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "kcsim/json_access.hpp"

namespace kcsim {

struct TextPosition {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

/// Indexes a syntactically valid JSON text (call after a successful parse). Keys are RFC 6901
/// pointers ("" for the root).
std::map<std::string, TextPosition> index_json_positions(const std::string& text);

/// Line and column of a byte offset (for the parser's own syntax errors).
TextPosition position_of_offset(const std::string& text, std::size_t offset);


}  // namespace kcsim
