// See yaml_guard.hpp: finds "<root flow node or quoted scalar> ," at the top of a YAML document.
#include "yaml_guard.hpp"

#include <cstddef>

namespace kcsim {
namespace {

struct Cursor {
  const std::string& text;
  std::size_t i = 0;

  bool at_end() const { return i >= text.size(); }
  char peek() const { return text[i]; }
  bool at_line_start() const { return i == 0 || text[i - 1] == '\n'; }
  // "---" or "..." at column 1, followed by a blank or the end of the line.
  bool at_document_marker() const {
    if (!at_line_start() || i + 3 > text.size()) return false;
    const std::string m = text.substr(i, 3);
    if (m != "---" && m != "...") return false;
    return i + 3 == text.size() || text[i + 3] == ' ' || text[i + 3] == '\t' || text[i + 3] == '\n' ||
           text[i + 3] == '\r';
  }
  void skip_line() {
    while (!at_end() && peek() != '\n') ++i;
  }
  // Skips blanks, line breaks and comments; a '#' starts a comment at a line's start or after a blank.
  void skip_blanks_and_comments() {
    while (!at_end()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++i;
      } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
        skip_line();
      } else {
        return;
      }
    }
  }
  // Skips a quoted scalar starting at the quote; false if it never ends.
  bool skip_quoted() {
    const char q = text[i++];
    while (!at_end()) {
      const char c = text[i++];
      if (q == '"' && c == '\\') {
        ++i;
      } else if (c == q) {
        if (q == '\'' && !at_end() && peek() == '\'') {
          ++i;  // '' is an escaped quote in a single-quoted scalar
          continue;
        }
        return true;
      }
    }
    return false;
  }
  // Skips a flow collection starting at '{' or '['; false if it never closes.
  bool skip_flow() {
    int depth = 0;
    char previous = ' ';  // the last significant character, to tell a quote that opens a scalar
    while (!at_end()) {
      const char c = peek();
      if ((c == '"' || c == '\'') &&
          (previous == '{' || previous == '[' || previous == ',' || previous == ':' || previous == '?')) {
        if (!skip_quoted()) return false;
        previous = c;
        continue;
      }
      if (c == '#' && i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
        skip_line();
        continue;
      }
      ++i;
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') previous = c;
    }
    return false;
  }
};

YamlGuardFinding finding_at(const std::string& text, std::size_t offset) {
  YamlGuardFinding f;
  f.line = 1;
  std::size_t line_start = 0;
  for (std::size_t k = 0; k < offset; ++k)
    if (text[k] == '\n') {
      ++f.line;
      line_start = k + 1;
    }
  f.column = static_cast<int>(offset - line_start) + 1;
  f.expected = "nothing but a comment or the end of the document after its root node (a flow collection or quoted scalar)";
  f.found = "','";
  return f;
}

}  // namespace

std::optional<YamlGuardFinding> find_yaml_parser_trap(const std::string& text) {
  Cursor c{text};
  int document = 1;
  bool document_started = false;  // a leading "---" opens document 1, a later one the next
  while (!c.at_end()) {
    // The start of a document: skip directives, comments and the "---" marker.
    c.skip_blanks_and_comments();
    if (c.at_end()) break;
    if (c.at_line_start() && c.peek() == '%') {
      c.skip_line();
      continue;
    }
    if (c.at_document_marker()) {
      if (c.text.compare(c.i, 3, "---") == 0) {
        if (document_started) ++document;
        document_started = true;
      }
      c.i += 3;
      c.skip_blanks_and_comments();
      if (c.at_end()) break;
      if (c.at_document_marker()) continue;
    }
    document_started = true;
    const char first = c.peek();
    bool closed = true;
    bool root_is_flow_or_quoted = true;
    if (first == '{' || first == '[')
      closed = c.skip_flow();
    else if (first == '"' || first == '\'')
      closed = c.skip_quoted();
    else
      root_is_flow_or_quoted = false;
    if (!closed) return std::nullopt;  // unterminated: yaml-cpp reports it
    if (root_is_flow_or_quoted) {
      c.skip_blanks_and_comments();
      if (!c.at_end() && c.peek() == ',') {
        YamlGuardFinding f = finding_at(text, c.i);
        f.document = document;
        return f;
      }
    }
    // Move on to the next document marker.
    while (!c.at_end() && !c.at_document_marker()) {
      c.skip_line();
      if (!c.at_end()) ++c.i;
    }
  }
  return std::nullopt;
}

}  // namespace kcsim
