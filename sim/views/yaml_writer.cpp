// kubectl's -o yaml and -o json serialisations (see include/kcsim/views/yaml_writer.hpp).
//
// The YAML half mirrors the go-yaml v2 encoder (encode.go stringv/floatv, resolve.go) and the
// libyaml emitter it ports (emitterc.go): the same state (column, indent stack, whitespace and
// indention flags), the same scalar analysis and style choice, the same writers. Only the parts
// kubectl reaches are here: block mappings and sequences, empty flow collections, and scalars of
// implicit tags.
#include "kcsim/views/yaml_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace kcsim {
namespace {

using nlohmann::json;

// --- UTF-8 helpers (yamlprivateh.go) ---------------------------------------------------------------

int utf8_width(unsigned char c) {
  if ((c & 0x80) == 0x00) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;  // invalid lead byte: step one byte (go-yaml would have base64-encoded the string)
}

unsigned char at(const std::string& s, std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; }

bool is_space(const std::string& s, std::size_t i) { return at(s, i) == ' '; }
bool is_blank(const std::string& s, std::size_t i) { return at(s, i) == ' ' || at(s, i) == '\t'; }
bool is_break(const std::string& s, std::size_t i) {
  const unsigned char c = at(s, i);
  return c == '\r' || c == '\n' || (c == 0xC2 && at(s, i + 1) == 0x85) ||
         (c == 0xE2 && at(s, i + 1) == 0x80 && (at(s, i + 2) == 0xA8 || at(s, i + 2) == 0xA9));
}
bool is_z(const std::string& s, std::size_t i) { return i >= s.size() || at(s, i) == 0; }
bool is_blankz(const std::string& s, std::size_t i) { return is_blank(s, i) || is_break(s, i) || is_z(s, i); }
bool is_printable(const std::string& s, std::size_t i) {
  const unsigned char b = at(s, i), b1 = at(s, i + 1), b2 = at(s, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) || (b > 0xC2 && b < 0xED) ||
         (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}
// go-yaml's is_bom(value, i) looks at the start of the value whatever i is.
bool starts_with_bom(const std::string& s) { return at(s, 0) == 0xEF && at(s, 1) == 0xBB && at(s, 2) == 0xBF; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// --- resolve.go: would this text read back as something other than a string? ------------------------

// Go's strconv.ParseInt/ParseUint(s, 0, 64) after underscores were removed.
bool go_parses_as_integer(const std::string& s) {
  std::size_t i = 0;
  bool negative = false, sign = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    sign = true;
    ++i;
  }
  int base = 10;
  if (i + 1 < s.size() && s[i] == '0') {
    const char p = static_cast<char>(s[i + 1] | 0x20);
    if (p == 'x') base = 16, i += 2;
    else if (p == 'o') base = 8, i += 2;
    else if (p == 'b') base = 2, i += 2;
    else base = 8, i += 1;
  }
  if (i >= s.size()) return base == 8 && s.size() - (sign ? 1 : 0) == 1;  // "0", "+0", "-0"
  unsigned __int128 v = 0;
  for (; i < s.size(); ++i) {
    int d;
    const char c = s[i];
    if (is_digit(c)) d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > (static_cast<unsigned __int128>(1) << 64)) return false;
  }
  const unsigned __int128 int64_max = (static_cast<unsigned __int128>(1) << 63) - 1;
  if (negative) return v <= int64_max + 1;
  if (v <= int64_max) return true;
  return !sign && v <= (static_cast<unsigned __int128>(1) << 64) - 1;  // ParseUint takes no sign
}

// Skips an exponent ("e" or "E", a sign, digits) at i if there is one; false when its digits are
// missing.
bool skip_exponent(const std::string& s, std::size_t& i) {
  if (i >= s.size() || (s[i] != 'e' && s[i] != 'E')) return true;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t d = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i != d;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ and ParseFloat succeeds (no overflow).
bool yaml_style_float(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
  } else {
    const std::size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
  }
  if (!skip_exponent(s, i)) return false;
  if (i != s.size()) return false;
  return !std::isinf(std::strtod(s.c_str(), nullptr));
}

// Reads 1 or 2 digits (Go's getnum with fixed=false).
bool getnum(const std::string& s, std::size_t& i, int& out) {
  if (i >= s.size() || !is_digit(s[i])) return false;
  out = s[i++] - '0';
  if (i < s.size() && is_digit(s[i])) out = out * 10 + (s[i++] - '0');
  return true;
}

// parseTimestamp: the formats "2006-1-2T15:4:5.999999999Z07:00" (T or t), "2006-1-2 15:4:5.999999999"
// and "2006-1-2", with Go's range checks.
bool parses_as_timestamp(const std::string& s) {
  if (s.size() < 5) return false;
  for (int k = 0; k < 4; ++k)
    if (!is_digit(s[k])) return false;
  if (s[4] != '-') return false;
  const int year = std::stoi(s.substr(0, 4));
  std::size_t i = 5;
  int month, day;
  if (!getnum(s, i, month) || month < 1 || month > 12) return false;
  if (i >= s.size() || s[i++] != '-') return false;
  if (!getnum(s, i, day)) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = month == 2 && leap ? 29 : kDays[month - 1];
  if (day < 1 || day > max_day) return false;
  if (i == s.size()) return true;  // "2006-1-2"
  const char sep = s[i++];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  int hh, mm, ss;
  if (!getnum(s, i, hh) || hh > 23) return false;
  if (i >= s.size() || s[i++] != ':') return false;
  if (!getnum(s, i, mm) || mm > 59) return false;
  if (i >= s.size() || s[i++] != ':') return false;
  if (!getnum(s, i, ss) || ss > 59) return false;
  if (i < s.size() && (s[i] == '.' || s[i] == ',') && i + 1 < s.size() && is_digit(s[i + 1])) {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (sep == ' ') return i == s.size();
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  // ±hh:mm
  if (i + 6 != s.size() || (s[i] != '+' && s[i] != '-')) return false;
  return is_digit(s[i + 1]) && is_digit(s[i + 2]) && s[i + 3] == ':' && is_digit(s[i + 4]) && is_digit(s[i + 5]) &&
         (s[i + 1] - '0') * 10 + (s[i + 2] - '0') <= 23 && (s[i + 4] - '0') * 10 + (s[i + 5] - '0') <= 59;
}

// ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ (encode.go isBase60Float: quoted for YAML 1.1
// readers).
bool is_base60_float(const std::string& s) {
  if (s.empty()) return false;
  const char c0 = s[0];
  if (!(c0 == '+' || c0 == '-' || is_digit(c0)) || s.find(':') == std::string::npos) return false;
  std::size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  if (i >= s.size() || !is_digit(s[i])) return false;
  ++i;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    // [0-5]?[0-9]
    if (i < s.size() && is_digit(s[i]) && i + 1 < s.size() && is_digit(s[i + 1]) && s[i] <= '5') i += 2;
    else if (i < s.size() && is_digit(s[i])) i += 1;
    else return false;
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

// resolve("", s) returns a tag other than !!str, or the string is a base-60 float.
bool needs_quotes_to_stay_string(const std::string& s) {
  if (s.empty()) return true;  // null
  const char c = s[0];
  char hint = 0;
  if (c == '+' || c == '-') hint = 'S';
  else if (is_digit(c)) hint = 'D';
  else if (std::string_view("yYnNtTfFoO~").find(c) != std::string_view::npos) hint = 'M';
  else if (c == '.') hint = '.';
  if (hint != 0) {
    static const char* const kResolved[] = {
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO",
        "false", "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"};
    for (const char* r : kResolved)
      if (s == r) return true;
    if (hint == '.') {
      // strconv.ParseFloat of ".5", ".5e3"
      std::size_t i = 1;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i == 1) return false;
      if (!skip_exponent(s, i)) return false;
      return i == s.size() && !std::isinf(std::strtod(s.c_str(), nullptr));
    }
    if (hint == 'D' || hint == 'S') {
      if (parses_as_timestamp(s)) return true;
      std::string plain;
      plain.reserve(s.size());
      for (char ch : s)
        if (ch != '_') plain += ch;
      if (go_parses_as_integer(plain)) return true;
      if (yaml_style_float(plain)) return true;
    }
  }
  return is_base60_float(s);
}

// --- numbers -----------------------------------------------------------------------------------------

// Shortest round-trip digits and decimal exponent of a finite, non-zero double: value =
// 0.d1d2d3... × 10^dp (strconv's decimal digits and decimal point position).
void shortest_digits(double f, std::string& digits, int& dp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific);
  std::string s(buf, res.ptr);
  const std::size_t e = s.find('e');
  const int exp10 = std::stoi(s.substr(e + 1));
  digits.clear();
  for (std::size_t i = 0; i < e; ++i)
    if (is_digit(s[i])) digits += s[i];
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  dp = exp10 + 1;
}

// The 'f' form of 0.digits × 10^dp with no trailing zeros beyond the digits (strconv's fmtF at
// the shortest precision), appended to `out`.
void append_fixed(std::string& out, const std::string& digits, int dp) {
  if (dp <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-dp), '0') + digits;
  } else if (static_cast<std::size_t>(dp) >= digits.size()) {
    out += digits + std::string(static_cast<std::size_t>(dp) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(dp)) + "." + digits.substr(static_cast<std::size_t>(dp));
  }
}

// json.Marshal of a float64 (encoding/json floatEncoder): 'f' format, or 'e' below 1e-6 and from
// 1e21, with "e-07" cleaned to "e-7".
std::string go_json_float(double f) {
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  std::string digits;
  int dp;
  shortest_digits(f, digits, dp);
  const double a = std::fabs(f);
  std::string out = f < 0 ? "-" : "";
  if (a < 1e-6 || a >= 1e21) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int exp = dp - 1;
    out += exp < 0 ? "e-" : "e+";
    out += std::to_string(std::abs(exp));
    return out;
  }
  append_fixed(out, digits, dp);
  return out;
}

// A JSON number as a Go program holding the decoded value sees it: integral floats within int64
// are integers (what json.Marshal then yaml.Unmarshal, or unstructured decoding, produce).
bool float_is_int64(double f) { return std::isfinite(f) && f == std::floor(f) && std::fabs(f) < 9.2e18; }

// --- the emitter -------------------------------------------------------------------------------------

enum class Style { kPlain, kSingle, kDouble, kLiteral };

struct Analysis {
  bool multiline = false;
  bool flow_plain_allowed = false;
  bool block_plain_allowed = false;
  bool single_quoted_allowed = false;
  bool block_allowed = false;
};

// yaml_emitter_analyze_scalar.
Analysis analyze(const std::string& value) {
  Analysis a;
  if (value.empty()) {
    a.block_plain_allowed = true;
    a.single_quoted_allowed = true;
    return a;
  }
  bool block_indicators = false, flow_indicators = false, line_breaks = false, special_characters = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false;
  bool preceded_by_whitespace = true, followed_by_whitespace = false, previous_space = false, previous_break = false;

  if (value.size() >= 3 && (value.compare(0, 3, "---") == 0 || value.compare(0, 3, "...") == 0)) {
    block_indicators = true;
    flow_indicators = true;
  }
  for (std::size_t i = 0, w = 0; i < value.size(); i += w) {
    w = static_cast<std::size_t>(utf8_width(at(value, i)));
    followed_by_whitespace = i + w >= value.size() || is_blank(value, i + w);
    const char c = value[i];
    // A flow indicator, and a block indicator too when `block`.
    const auto indicator = [&](bool block) {
      flow_indicators = true;
      if (block) block_indicators = true;
    };
    if (i == 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*': case '!':
        case '|': case '>': case '\'': case '"': case '%': case '@': case '`': indicator(true); break;
        case '?': case ':': indicator(followed_by_whitespace); break;
        case '-': if (followed_by_whitespace) indicator(true); break;
        default: break;
      }
    } else {
      switch (c) {
        case ',': case '?': case '[': case ']': case '{': case '}': indicator(false); break;
        case ':': indicator(followed_by_whitespace); break;
        case '#': if (preceded_by_whitespace) indicator(true); break;
        default: break;
      }
    }
    if (!is_printable(value, i)) special_characters = true;  // unicode output is on
    if (is_space(value, i)) {
      if (i == 0) leading_space = true;
      if (i + w == value.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(value, i)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (i + w == value.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = is_blankz(value, i);
  }
  a.multiline = line_breaks;
  a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = true;
  if (leading_space || leading_break || trailing_space || trailing_break) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
  }
  if (trailing_space) a.block_allowed = false;
  if (break_space) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
  }
  if (space_break || special_characters) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
    a.block_allowed = false;
  }
  if (line_breaks) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
  }
  if (flow_indicators) a.flow_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

class Emitter {
 public:
  std::string take() { return std::move(out_); }

  void emit_document(const json& root) {
    emit_node(root, /*root=*/true, false, false, false);
    // yaml_emitter_emit_document_end: an implicit end only breaks the line.
    write_indent();
  }

 private:
  static constexpr int kBestIndent = 2;
  static constexpr int kBestWidth = 80;

  std::string out_;
  int column_ = 0;
  int indent_ = -1;
  std::vector<int> indents_;
  bool whitespace_ = true;
  bool indention_ = true;
  bool mapping_context_ = false;
  bool simple_key_context_ = false;

  void put(char c) {
    out_ += c;
    ++column_;
  }
  void put_break() {
    out_ += '\n';
    column_ = 0;
  }
  // Copies one (UTF-8) character; the column counts characters.
  void write(const std::string& s, std::size_t& i) {
    const std::size_t w = std::min<std::size_t>(static_cast<std::size_t>(utf8_width(at(s, i))), s.size() - i);
    out_.append(s, i, w);
    i += w;
    ++column_;
  }
  void write_all(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t w = std::min<std::size_t>(static_cast<std::size_t>(utf8_width(static_cast<unsigned char>(s[i]))), s.size() - i);
      out_.append(s.substr(i, w));
      i += w;
      ++column_;
    }
  }
  void write_break(const std::string& s, std::size_t& i) {
    if (s[i] == '\n') {
      put_break();
      ++i;
    } else {
      write(s, i);
      column_ = 0;
    }
  }

  void increase_indent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0) indent_ = flow ? kBestIndent : 0;
    else if (!indentless) indent_ += kBestIndent;
  }
  void pop_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  void write_indent() {
    const int indent = std::max(indent_, 0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
    while (column_ < indent) put(' ');
    whitespace_ = true;
    indention_ = true;
  }

  void write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace, bool is_indention) {
    if (need_whitespace && !whitespace_) put(' ');
    write_all(indicator);
    whitespace_ = is_whitespace;
    indention_ = indention_ && is_indention;
  }

  void emit_node(const json& v, bool /*root*/, bool /*sequence*/, bool mapping, bool simple_key) {
    mapping_context_ = mapping;
    simple_key_context_ = simple_key;
    if (v.is_object()) {
      if (v.empty()) return emit_empty_flow("{", "}");
      return emit_block_mapping(v);
    }
    if (v.is_array()) {
      if (v.empty()) return emit_empty_flow("[", "]");
      return emit_block_sequence(v);
    }
    std::string text;
    Style requested = Style::kPlain;
    scalar_text(v, text, requested);
    emit_scalar(text, requested);
  }

  void emit_empty_flow(std::string_view open, std::string_view close) {
    write_indicator(open, true, true, false);
    increase_indent(true, false);
    pop_indent();
    write_indicator(close, false, false, false);
  }

  void emit_block_sequence(const json& v) {
    increase_indent(false, mapping_context_ && !indention_);
    for (const json& item : v) {
      write_indent();
      write_indicator("-", true, false, true);
      emit_node(item, false, true, false, false);
    }
    pop_indent();
  }

  void emit_block_mapping(const json& v) {
    std::vector<const std::string*> keys;
    keys.reserve(v.size());
    for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(&it.key());
    std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return yaml_key_less(*a, *b); });
    increase_indent(false, false);
    for (const std::string* key : keys) {
      write_indent();
      const json& value = v.at(*key);
      const Analysis ka = analyze(*key);
      const json key_node(*key);
      if (!ka.multiline && key->size() <= 128) {  // yaml_emitter_check_simple_key
        emit_node(key_node, false, false, true, true);
        write_indicator(":", false, false, false);
      } else {
        write_indicator("?", true, false, true);
        emit_node(key_node, false, false, true, false);
        write_indent();
        write_indicator(":", true, false, true);
      }
      emit_node(value, false, false, true, false);
    }
    pop_indent();
  }

  // The text and requested style of a scalar, as encode.go marshals it.
  static void scalar_text(const json& v, std::string& text, Style& style) {
    style = Style::kPlain;
    switch (v.type()) {
      case json::value_t::null: text = "null"; return;
      case json::value_t::boolean: text = v.get<bool>() ? "true" : "false"; return;
      case json::value_t::number_integer: text = std::to_string(v.get<std::int64_t>()); return;
      case json::value_t::number_unsigned: text = std::to_string(v.get<std::uint64_t>()); return;
      case json::value_t::number_float: {
        const double f = v.get<double>();
        if (float_is_int64(f)) text = std::to_string(static_cast<std::int64_t>(f));
        else if (std::isnan(f)) text = ".nan";
        else if (std::isinf(f)) text = f > 0 ? ".inf" : "-.inf";
        else text = go_format_float_g(f);
        return;
      }
      case json::value_t::string: {
        text = v.get<std::string>();
        if (text.find('\n') != std::string::npos) style = Style::kLiteral;
        else if (needs_quotes_to_stay_string(text)) style = Style::kDouble;
        return;
      }
      default: text = v.dump(); return;
    }
  }

  // yaml_emitter_emit_scalar with yaml_emitter_select_scalar_style (implicit tags, block context).
  void emit_scalar(const std::string& value, Style style) {
    const Analysis a = analyze(value);
    if (simple_key_context_ && a.multiline) style = Style::kDouble;
    if (style == Style::kPlain) {
      if (!a.block_plain_allowed) style = Style::kSingle;
      if (value.empty() && simple_key_context_) style = Style::kSingle;
    }
    if (style == Style::kSingle && !a.single_quoted_allowed) style = Style::kDouble;
    if (style == Style::kLiteral && (!a.block_allowed || simple_key_context_)) style = Style::kDouble;

    increase_indent(true, false);
    const bool allow_breaks = !simple_key_context_;
    switch (style) {
      case Style::kPlain: write_plain(value, allow_breaks); break;
      case Style::kSingle: write_single_quoted(value, allow_breaks); break;
      case Style::kDouble: write_double_quoted(value, allow_breaks); break;
      case Style::kLiteral: write_literal(value); break;
    }
    pop_indent();
  }

  // yaml_emitter_write_plain_scalar and yaml_emitter_write_single_quoted share one walk: a space
  // may become a line break past the best width, a break is written as breaks; the quoted form
  // doubles its quote and never breaks at its first or last character.
  void write_plain(const std::string& value, bool allow_breaks) { write_unescaped(value, allow_breaks, false); }
  void write_single_quoted(const std::string& value, bool allow_breaks) { write_unescaped(value, allow_breaks, true); }

  void write_unescaped(const std::string& value, bool allow_breaks, bool single_quoted) {
    if (single_quoted) write_indicator("'", true, false, false);
    else if (!whitespace_) put(' ');
    bool spaces = false, breaks = false;
    for (std::size_t i = 0; i < value.size();) {
      if (is_space(value, i)) {
        const bool inner = !single_quoted || (i > 0 && i + 1 < value.size());
        if (allow_breaks && !spaces && column_ > kBestWidth && inner && !is_space(value, i + 1)) {
          write_indent();
          ++i;
        } else {
          write(value, i);
        }
        spaces = true;
      } else if (is_break(value, i)) {
        if (!breaks && value[i] == '\n') put_break();
        write_break(value, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        if (single_quoted && value[i] == '\'') put('\'');
        write(value, i);
        indention_ = false;
        spaces = false;
        breaks = false;
      }
    }
    if (single_quoted) write_indicator("'", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_double_quoted(const std::string& value, bool allow_breaks) {
    bool spaces = false;
    write_indicator("\"", true, false, false);
    const bool bom = starts_with_bom(value);
    for (std::size_t i = 0; i < value.size();) {
      const unsigned char c = at(value, i);
      if (!is_printable(value, i) || bom || is_break(value, i) || c == '"' || c == '\\') {
        int w = utf8_width(c);
        char32_t v = 0;
        if ((c & 0x80) == 0x00) v = c & 0x7F;
        else if ((c & 0xE0) == 0xC0) v = c & 0x1F;
        else if ((c & 0xF0) == 0xE0) v = c & 0x0F;
        else if ((c & 0xF8) == 0xF0) v = c & 0x07;
        else w = 1, v = c;
        for (int k = 1; k < w; ++k) v = (v << 6) + (at(value, i + static_cast<std::size_t>(k)) & 0x3F);
        i += static_cast<std::size_t>(w);
        put('\\');
        switch (v) {
          case 0x00: put('0'); break;
          case 0x07: put('a'); break;
          case 0x08: put('b'); break;
          case 0x09: put('t'); break;
          case 0x0A: put('n'); break;
          case 0x0B: put('v'); break;
          case 0x0C: put('f'); break;
          case 0x0D: put('r'); break;
          case 0x1B: put('e'); break;
          case 0x22: put('"'); break;
          case 0x5C: put('\\'); break;
          case 0x85: put('N'); break;
          case 0xA0: put('_'); break;
          case 0x2028: put('L'); break;
          case 0x2029: put('P'); break;
          default: {
            int digits;
            if (v <= 0xFF) put('x'), digits = 2;
            else if (v <= 0xFFFF) put('u'), digits = 4;
            else put('U'), digits = 8;
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) {
              const int d = static_cast<int>((v >> k) & 0x0F);
              put(static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10));
            }
          }
        }
        spaces = false;
      } else if (is_space(value, i)) {
        if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i + 1 < value.size()) {
          write_indent();
          if (is_space(value, i + 1)) put('\\');
          ++i;
        } else {
          write(value, i);
        }
        spaces = true;
      } else {
        write(value, i);
        spaces = false;
      }
    }
    write_indicator("\"", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_literal(const std::string& value) {
    write_indicator("|", true, false, false);
    // yaml_emitter_write_block_scalar_hints
    if (is_space(value, 0) || is_break(value, 0)) write_indicator(std::string(1, static_cast<char>('0' + kBestIndent)), false, false, false);
    std::string chomp;
    if (value.empty()) {
      chomp = "-";
    } else {
      std::size_t i = value.size() - 1;
      while (i > 0 && (at(value, i) & 0xC0) == 0x80) --i;
      if (!is_break(value, i)) {
        chomp = "-";
      } else if (i == 0) {
        chomp = "+";
      } else {
        --i;
        while (i > 0 && (at(value, i) & 0xC0) == 0x80) --i;
        if (is_break(value, i)) chomp = "+";
      }
    }
    if (!chomp.empty()) write_indicator(chomp, false, false, false);
    put_break();
    indention_ = true;
    whitespace_ = true;
    bool breaks = true;
    for (std::size_t i = 0; i < value.size();) {
      if (is_break(value, i)) {
        write_break(value, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(value, i);
        indention_ = false;
        breaks = false;
      }
    }
  }
};

// --- Go JSON -----------------------------------------------------------------------------------------

void go_json_string(const std::string& s, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '<': case '>': case '&':
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    if (c == 0xE2 && at(s, i + 1) == 0x80 && (at(s, i + 2) == 0xA8 || at(s, i + 2) == 0xA9)) {
      out += at(s, i + 2) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 3;
      continue;
    }
    const std::size_t w = std::min<std::size_t>(static_cast<std::size_t>(utf8_width(c)), s.size() - i);
    out.append(s, i, w);
    i += w;
  }
  out += '"';
}

void go_json(const json& v, std::string_view indent, int depth, std::string& out, bool compact = false) {
  auto newline = [&](int d) {
    if (compact) return;
    out += '\n';
    for (int k = 0; k < d; ++k) out += indent;
  };
  switch (v.type()) {
    case json::value_t::object:
    case json::value_t::array: {
      const bool object = v.is_object();
      if (v.empty()) {
        out += object ? "{}" : "[]";
        return;
      }
      out += object ? '{' : '[';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {  // std::map: bytewise key order, as Go sorts
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        if (object) {
          go_json_string(it.key(), out);
          out += compact ? ":" : ": ";
        }
        go_json(it.value(), indent, depth + 1, out, compact);
      }
      newline(depth);
      out += object ? '}' : ']';
      return;
    }
    case json::value_t::string: go_json_string(v.get_ref<const std::string&>(), out); return;
    case json::value_t::number_float: {
      const double f = v.get<double>();
      if (float_is_int64(f)) out += std::to_string(static_cast<std::int64_t>(f));
      else if (!std::isfinite(f)) out += "null";
      else out += go_json_float(f);
      return;
    }
    default: out += v.dump(); return;
  }
}

}  // namespace

bool yaml_key_less(const std::string& a, const std::string& b) {
  // sorter.go keyList.Less for two strings, rune by rune.
  auto runes = [](const std::string& s) {
    std::vector<char32_t> r;
    for (std::size_t i = 0; i < s.size();) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      int w = utf8_width(c);
      char32_t v = c;
      if (w == 2) v = c & 0x1F;
      else if (w == 3) v = c & 0x0F;
      else if (w == 4) v = c & 0x07;
      for (int k = 1; k < w && i + static_cast<std::size_t>(k) < s.size(); ++k)
        v = (v << 6) + (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
      r.push_back(v);
      i += static_cast<std::size_t>(w);
    }
    return r;
  };
  auto is_letter = [](char32_t c) {
    // unicode.IsLetter: ASCII letters, and (approximately) any non-ASCII character that is not a
    // digit, space or punctuation of Latin-1.
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
    return c != 0xD7 && c != 0xF7;
  };
  auto is_dig = [](char32_t c) { return c >= '0' && c <= '9'; };
  const std::vector<char32_t> ar = runes(a), br = runes(b);
  for (std::size_t i = 0; i < ar.size() && i < br.size(); ++i) {
    if (ar[i] == br[i]) continue;
    const bool al = is_letter(ar[i]), bl = is_letter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    std::int64_t an = 0, bn = 0;
    if (ar[i] == '0' || br[i] == '0') {
      for (std::size_t j = i; j-- > 0 && is_dig(ar[j]);) {
        if (ar[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    std::size_t ai = i, bi = i;
    for (; ai < ar.size() && is_dig(ar[ai]); ++ai) an = an * 10 + static_cast<std::int64_t>(ar[ai] - '0');
    for (; bi < br.size() && is_dig(br[bi]); ++bi) bn = bn * 10 + static_cast<std::int64_t>(br[bi] - '0');
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.size() < br.size();
}

std::string go_format_float_g(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  std::string digits;
  int dp;
  shortest_digits(f, digits, dp);
  std::string out = f < 0 ? "-" : "";
  const int exp = dp - 1;
  if (exp < -4 || exp >= 6) {  // shortest: the %e/%f decision uses precision 6
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    const int e = std::abs(exp);
    if (e < 10) out += '0';
    out += std::to_string(e);
    return out;
  }
  append_fixed(out, digits, dp);
  return out;
}

std::string to_yaml(const nlohmann::json& value) {
  Emitter e;
  e.emit_document(value);
  return e.take();
}

std::string to_go_json(const nlohmann::json& value, std::string_view indent) {
  std::string out;
  go_json(value, indent, 0, out);
  return out;
}

std::string to_go_json_compact(const nlohmann::json& value) {
  std::string out;
  go_json(value, "", 0, out, /*compact=*/true);
  return out;
}

}  // namespace kcsim
