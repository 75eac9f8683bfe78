// Line and column of every value in a JSON text, by JSON pointer, so that errors found after
// parsing (a wrong type, an unknown field) can still name the place in the file.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/core/input_error.hpp"

namespace kcsim {

struct TextPosition {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

/// Indexes a syntactically valid JSON text (call after a successful parse). Keys are RFC 6901
/// pointers ("" for the root).
std::map<std::string, TextPosition> index_json_positions(const std::string& text);

/// The deepest nesting kcsim reads: the position index (and nlohmann's parser) recurse once per
/// level, so deeper input would overflow the stack instead of being reported.
constexpr int kMaxJsonDepth = 512;

/// The byte offset of the first '[' or '{' (outside strings) nested deeper than `max_depth`, or
/// std::string::npos. Call before parsing.
std::size_t find_nesting_deeper_than(const std::string& text, int max_depth = kMaxJsonDepth);

/// Line and column of a byte offset (for the parser's own syntax errors).
TextPosition position_of_offset(const std::string& text, std::size_t offset);

/// Parses a JSON text that kcsim reads from a file: nesting deeper than kMaxJsonDepth, syntax
/// errors and numbers beyond a double are InputErrors naming `file`, `pointer` (for example
/// "document 1") and, where known, the line and column.
nlohmann::json parse_json_text(const std::string& text, const std::string& file, const std::string& pointer = "");

/// `e` with the line and column of its pointer in `text` (or of the nearest parent that the text
/// has), for errors found after parsing; `e` itself when it already has a line.
InputError with_position(const InputError& e, const std::string& text);


}  // namespace kcsim
