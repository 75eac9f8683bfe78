// See yaml_guard.hpp: the libyaml syntax check that runs before yaml-cpp.
//
// libyaml 0.2.5 (Debian 12's libyaml-dev; include/yaml.h) is used through its event API only:
// yaml_parser_parse until YAML_STREAM_END_EVENT or an error. It never builds nodes or expands
// aliases, so the check costs one pass over the text and memory bounded by the nesting depth.
#include "yaml_guard.hpp"

#include <algorithm>
#include <cstddef>
#include <new>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <yaml.h>

namespace kcsim {
namespace {

// Owns a yaml_parser_t reading from memory (libyaml does not copy the input).
class Parser {
 public:
  Parser(const std::string& text, std::size_t size) {
    if (!yaml_parser_initialize(&parser_)) throw std::bad_alloc();
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), size);
  }
  ~Parser() { yaml_parser_delete(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  yaml_parser_t* get() { return &parser_; }

 private:
  yaml_parser_t parser_{};
};

// Owns one event.
struct Event {
  yaml_event_t event{};
  ~Event() { yaml_event_delete(&event); }
};

// Which document the parser is in, 1-based, as manifest_parser.cpp numbers yaml-cpp's documents.
// Text after an implicitly ended document and before the next "---" belongs to that document
// (libyaml: "did not find expected <document start>"); text after an explicit "..." belongs to
// the next one.
struct DocumentCounter {
  int started = 0;
  bool ended_explicitly = false;

  void see(const yaml_event_t& e) {
    if (e.type == YAML_DOCUMENT_START_EVENT) {
      ++started;
      ended_explicitly = false;
    } else if (e.type == YAML_DOCUMENT_END_EVENT) {
      ended_explicitly = !e.data.document_end.implicit;
    }
  }
  int current() const { return std::max(1, started + (ended_explicitly ? 1 : 0)); }
};

bool starts_with_utf16_bom(const std::string& text) {
  return text.size() >= 2 && ((static_cast<unsigned char>(text[0]) == 0xFF && static_cast<unsigned char>(text[1]) == 0xFE) ||
                              (static_cast<unsigned char>(text[0]) == 0xFE && static_cast<unsigned char>(text[1]) == 0xFF));
}

// 1-based line and column (in characters) of byte `offset` of UTF-8 text, counting line breaks
// as libyaml does (libyaml 0.2.5 src/yaml_private.h IS_BREAK: CR LF, CR, LF, NEL U+0085,
// LS U+2028, PS U+2029) and not counting a leading byte order mark, which libyaml's reader skips.
std::pair<int, int> utf8_position(const std::string& text, std::size_t offset) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  std::size_t k = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line = 1, column = 1;
  offset = std::min(offset, text.size());
  while (k < offset) {
    std::size_t width = 1;
    if (byte(k) == '\r' && k + 1 < offset && byte(k + 1) == '\n') width = 2;
    const bool lf_or_cr = byte(k) == '\n' || byte(k) == '\r';
    const bool nel = byte(k) == 0xC2 && k + 1 < offset && byte(k + 1) == 0x85;
    const bool ls_ps = byte(k) == 0xE2 && k + 2 < offset && byte(k + 1) == 0x80 && (byte(k + 2) == 0xA8 || byte(k + 2) == 0xA9);
    if (lf_or_cr || nel || ls_ps) {
      ++line;
      column = 1;
      k += nel ? 2 : ls_ps ? 3 : width;
      continue;
    }
    if ((byte(k) & 0xC0) != 0x80) ++column;  // not a continuation byte: a new character
    ++k;
  }
  return {line, column};
}

std::string problem_text(const char* problem) { return problem ? problem : "an unknown error"; }

// What one pass of libyaml's parser over text[0, size) found.
struct Pass {
  std::optional<YamlGuardFinding> finding;  // a scanner, parser or nesting error
  bool reader_error = false;                // invalid UTF-8 or a control character, at byte `offset`
  std::size_t offset = 0;
  std::string reader_problem;  // "invalid leading UTF-8 octet #FF"
  int document = 1;            // where the pass stopped
};

Pass parse(const std::string& text, std::size_t size) {
  Parser parser(text, size);
  yaml_parser_t* p = parser.get();
  DocumentCounter documents;
  Pass pass;
  int depth = 0;
  for (;;) {
    Event e;
    if (!yaml_parser_parse(p, &e.event)) break;
    documents.see(e.event);
    const yaml_event_type_t type = e.event.type;
    if (type == YAML_STREAM_END_EVENT) {
      pass.document = documents.current();
      return pass;
    }
    if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
      if (++depth > kMaxYamlNesting) {
        YamlGuardFinding f;
        f.document = pass.document = documents.current();
        f.line = static_cast<int>(e.event.start_mark.line) + 1;
        f.column = static_cast<int>(e.event.start_mark.column) + 1;
        f.expected = fmt::format("YAML nested at most {} levels deep", kMaxYamlNesting);
        f.found = "deeper nesting";
        pass.finding = f;
        return pass;
      }
    } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
      --depth;
    }
  }
  if (p->error == YAML_MEMORY_ERROR) throw std::bad_alloc();
  pass.document = documents.current();
  if (p->error == YAML_READER_ERROR) {
    // libyaml gives a byte offset (problem_offset) and the offending octet or character
    // (problem_value, -1 when there is none) instead of a mark.
    pass.reader_error = true;
    pass.offset = p->problem_offset;
    pass.reader_problem = problem_text(p->problem);
    if (p->problem_value >= 0) pass.reader_problem += fmt::format(": 0x{:02X}", p->problem_value);
    return pass;
  }
  // A scanner or parser error: marks are 0-based (libyaml include/yaml.h, yaml_mark_t).
  YamlGuardFinding f;
  f.document = pass.document;
  f.line = static_cast<int>(p->problem_mark.line) + 1;
  f.column = static_cast<int>(p->problem_mark.column) + 1;
  f.expected = "valid YAML";
  std::string found = problem_text(p->problem);
  if (p->context) {
    found += fmt::format(", {}", p->context);
    if (p->context_mark.line != p->problem_mark.line || p->context_mark.column != p->problem_mark.column)
      found += fmt::format(" at line {}, column {}", p->context_mark.line + 1, p->context_mark.column + 1);
  }
  f.found = "a syntax error (" + found + ")";
  pass.finding = f;
  return pass;
}

// The start of the UTF-8 character that byte `offset` belongs to or ends ("invalid trailing
// UTF-8 octet" points at the byte after an incomplete sequence's lead byte).
std::size_t character_start(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  for (std::size_t back = 1; back <= 3 && back <= offset; ++back) {
    const auto b = static_cast<unsigned char>(text[offset - back]);
    if ((b & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    const std::size_t width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return width > back ? offset - back : offset;
  }
  return offset;
}

}  // namespace

std::optional<YamlGuardFinding> check_yaml_syntax(const std::string& text) {
  const Pass whole = parse(text, text.size());
  if (!whole.reader_error) return whole.finding;
  // libyaml's reader decodes the input ahead of the parser, a buffer at a time (libyaml 0.2.5
  // src/reader.c, yaml_parser_update_buffer), so a bad byte is reported before the events, and
  // the syntax errors, of the text that precedes it. Parsing that text alone gives the document
  // the byte is in, and any earlier syntax error, which is reported instead (most of the
  // fuzzer's files start with the ',' that hangs yaml-cpp and have invalid bytes further on).
  YamlGuardFinding f;
  f.expected = "valid YAML";
  if (starts_with_utf16_bom(text)) {  // offsets count UTF-16 bytes: no line and column from them
    f.document = parse(text, whole.offset).document;
    f.found = fmt::format("a syntax error ({} at byte {})", whole.reader_problem, whole.offset);
    return f;
  }
  const std::size_t cut = character_start(text, whole.offset);
  const Pass before = parse(text, cut);
  std::tie(f.line, f.column) = utf8_position(text, cut);
  if (before.finding && std::pair(before.finding->line, before.finding->column) < std::pair(f.line, f.column))
    return before.finding;
  f.document = before.document;
  f.found = "a syntax error (" + whole.reader_problem + ")";
  return f;
}

}  // namespace kcsim
