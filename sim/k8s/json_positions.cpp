#include "json_positions.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

class Scanner {
 public:
  explicit Scanner(const std::string& text) : text_(text) {}

  void run(std::map<std::string, TextPosition>& out) {
    out_ = &out;
    skip_ws();
    value("");
  }

 private:
  void skip_ws() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        break;
      }
      ++pos_;
    }
  }
  TextPosition here() const {
    return {line_, static_cast<int>(pos_ - line_start_) + 1};
  }
  std::string string_token() {
    const std::size_t start = pos_;
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
    ++pos_;
    // Decode escapes with the real parser. A token the scanner misread (text it cannot follow,
    // found by fuzz_scenario_loader) names no member: positions are only a help for messages.
    const nlohmann::json token = nlohmann::json::parse(text_.substr(start, pos_ - start), nullptr, false);
    return token.is_string() ? token.get<std::string>() : std::string();
  }
  void value(const std::string& pointer) {
    (*out_)[pointer] = here();
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      // An object's members or an array's elements, each followed by ',' or the closing bracket.
      const bool object = c == '{';
      ++pos_;
      skip_ws();
      if (pos_ < text_.size() && text_[pos_] == (object ? '}' : ']')) {
        ++pos_;
        return;
      }
      for (std::size_t i = 0; pos_ < text_.size(); ++i) {
        skip_ws();
        if (object) {
          const std::string key = string_token();
          skip_ws();
          ++pos_;  // ':'
          skip_ws();
          value(pointer + "/" + escape_pointer_token(key));
        } else {
          value(pointer + "/" + std::to_string(i));
        }
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        ++pos_;  // the closing bracket
        return;
      }
    } else if (c == '"') {
      string_token();
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
             text_[pos_] != ']' && text_[pos_] != ' ' && text_[pos_] != '\n' &&
             text_[pos_] != '\t' && text_[pos_] != '\r')
        ++pos_;
    }
  }

  const std::string& text_;
  std::map<std::string, TextPosition>* out_ = nullptr;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
};

// Builds the document from nlohmann's SAX events, refusing a key that appears twice in one
// object: nlohmann's own parser keeps the last silently, where the YAML reader (and Kubernetes'
// strict decoding, "duplicate field") refuses it.
class StrictDom final : public nlohmann::json_sax<nlohmann::json> {
 public:
  using json = nlohmann::json;
  json root;
  std::string duplicate;  // the pointer of the first duplicate key, when there is one
  std::string duplicate_key;

  bool null() override { return put(nullptr); }
  bool boolean(bool v) override { return put(v); }
  bool number_integer(number_integer_t v) override { return put(v); }
  bool number_unsigned(number_unsigned_t v) override { return put(v); }
  bool number_float(number_float_t v, const string_t&) override { return put(v); }
  bool string(string_t& v) override { return put(std::move(v)); }
  bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    json& object = *stack_.back();
    path_.back() = escape_pointer_token(k);
    if (object.contains(k)) {
      for (const std::string& token : path_) duplicate += "/" + token;
      duplicate_key = k;
      return false;  // stops the parse
    }
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    // Rethrown as its own type (parse_error, or out_of_range for "1e400"), as json::parse does.
    if (const auto* p = dynamic_cast<const json::parse_error*>(&e)) throw *p;
    if (const auto* r = dynamic_cast<const json::out_of_range*>(&e)) throw *r;
    throw json::other_error::create(0, e.what(), nullptr);
  }

 private:
  json* slot(json&& v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      path_.back() = std::to_string(parent.size());
      parent.push_back(std::move(v));
      return &parent.back();
    }
    return &(parent[key_] = std::move(v));
  }
  bool put(json&& v) {
    slot(std::move(v));
    return true;
  }
  bool open(json&& container) {
    stack_.push_back(slot(std::move(container)));
    path_.emplace_back();
    return true;
  }
  bool close() {
    stack_.pop_back();
    path_.pop_back();
    return true;
  }

  std::vector<json*> stack_;
  std::vector<std::string> path_;  // per open container, the pointer token of its current member
  std::string key_;
};

}  // namespace

std::map<std::string, TextPosition> index_json_positions(const std::string& text) {
  std::map<std::string, TextPosition> out;
  Scanner(text).run(out);
  return out;
}

TextPosition position_of_offset(const std::string& text, std::size_t offset) {
  TextPosition p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::size_t find_nesting_deeper_than(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string::npos;
}

nlohmann::json parse_json_text(const std::string& text, const std::string& file, const std::string& pointer) {
  // nlohmann's parser recurses once per nesting level: reject deep nesting before it overflows
  // the stack (found by fuzz_manifest_reader: 200,000 nested '[').
  if (const std::size_t deep = find_nesting_deeper_than(text); deep != std::string::npos) {
    const TextPosition pos = position_of_offset(text, deep);
    throw InputError(file, pointer, fmt::format("expected JSON nested at most {} levels deep", kMaxJsonDepth),
                     "deeper nesting", pos.line, pos.column);
  }
  try {
    StrictDom dom;
    if (!nlohmann::json::sax_parse(text, &dom) && !dom.duplicate.empty()) {
      // The positions index keeps the last occurrence of a pointer: the duplicate's.
      const auto positions = index_json_positions(text);
      const auto it = positions.find(dom.duplicate);
      const TextPosition pos = it == positions.end() ? TextPosition{0, 0} : it->second;
      throw InputError(file, pointer + dom.duplicate, "expected each key once in an object",
                       fmt::format("a second \"{}\"", dom.duplicate_key), pos.line, pos.column);
    }
    return std::move(dom.root);
  } catch (const nlohmann::json::parse_error& e) {
    const TextPosition pos = position_of_offset(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
    // parsing object - unexpected '}'; expected string literal" → keep the part after the colon.
    const auto colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    throw InputError(file, pointer, "expected valid JSON: " + what, "", pos.line, pos.column);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond a double ("1e400"): out_of_range.406, not a parse_error, and without a
    // position (found by fuzz_scenario_loader; it ended in std::terminate).
    std::string what = e.what();
    what = what.substr(what.find(']') + 2);
    throw InputError(file, pointer, "expected valid JSON: " + what, "");
  }
}

InputError with_position(const InputError& e, const std::string& text) {
  if (e.line() > 0) return e;
  const auto positions = index_json_positions(text);
  for (std::string p = e.pointer();; p = p.substr(0, p.rfind('/'))) {
    if (const auto it = positions.find(p); it != positions.end())
      return InputError(e.file(), e.pointer(), e.expected(), e.found(), it->second.line, it->second.column);
    if (p.empty()) return e;
  }
}

}  // namespace kcsim
