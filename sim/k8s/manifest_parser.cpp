// Parsing YAML and JSON manifests with positions (include/kcsim/k8s/manifest_parser.hpp).
//
// YAML goes through yaml-cpp's event parser rather than its node API: the events carry the mark
// (line, column) of every key and value, give the document index for free, and let us build the
// JSON tree directly, detect duplicate keys (which kubectl rejects: sigs.k8s.io/yaml decodes
// strictly, "mapping key ... already defined") and expand merge keys (`<<`, which go-yaml v2
// supports and yaml-cpp's node API does not).
#include "kcsim/k8s/manifest_parser.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "json_positions.hpp"
#include "yaml_guard.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/k8s/field_validation.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {

// --- Manifest ------------------------------------------------------------------------------------

SourcePos Manifest::position_of(const std::string& pointer) const {
  std::string p = pointer;
  for (;;) {
    auto it = positions.find(p);
    if (it != positions.end() && it->second.line > 0) return it->second;
    if (p.empty()) return pos;
    p = p.substr(0, p.rfind('/'));
  }
}

std::string Manifest::where(const std::string& pointer) const {
  const SourcePos p = position_of(pointer);
  if (p.line <= 0) return file;
  return fmt::format("{}:{}:{}", file, p.line, p.column);
}

std::string Manifest::document_label() const {
  std::string out = fmt::format("document {}", document + 1);
  if (!item_pointer.empty()) out += ", " + item_pointer;
  else if (item) out += fmt::format(", item {}", *item + 1);
  return out;
}

std::string ReadWarning::str() const {
  std::string where = file;
  if (pos.line > 0) where += fmt::format(":{}:{}", pos.line, pos.column);
  if (!pointer.empty()) return fmt::format("{}: {}: {}", where, pointer, message);
  return fmt::format("{}: document {}: {}", where, document + 1, message);
}

namespace {

// Alias expansion can make a small file huge ("billion laughs"); a namespace dump of thousands
// of objects stays far below this.
constexpr std::size_t kMaxNodesPerDocument = 5000000;

std::string escape_token(const std::string& token) { return escape_pointer_token(token); }

std::size_t count_nodes(const json& v) {
  std::size_t n = 1;
  if (v.is_structured())
    for (const json& c : v) n += count_nodes(c);
  return n;
}

// --- scalar resolution (gopkg.in/yaml.v2 resolve.go, as vendored by sigs.k8s.io/yaml) ------------

std::optional<json> parse_yaml_int(std::string plain) {
  plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
  if (plain.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (plain[0] == '+' || plain[0] == '-') {
    negative = plain[0] == '-';
    i = 1;
  }
  int base = 10;
  // strconv.ParseInt(s, 0, 64): 0x hex, 0o and a leading 0 octal, 0b binary.
  if (plain.size() > i + 1 && plain[i] == '0') {
    const char p = plain[i + 1];
    if (p == 'x' || p == 'X') base = 16, i += 2;
    else if (p == 'o' || p == 'O') base = 8, i += 2;
    else if (p == 'b' || p == 'B') base = 2, i += 2;
    else base = 8, i += 1;
  }
  if (i >= plain.size()) return std::nullopt;
  unsigned long long value = 0;
  for (; i < plain.size(); ++i) {
    const char c = plain[i];
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    if (d >= base) return std::nullopt;
    if (value > (~0ULL - static_cast<unsigned>(d)) / static_cast<unsigned>(base)) return std::nullopt;  // overflow
    value = value * static_cast<unsigned>(base) + static_cast<unsigned>(d);
  }
  if (negative) {
    if (value > 9223372036854775808ULL) return std::nullopt;
    if (value == 9223372036854775808ULL) return json(std::numeric_limits<std::int64_t>::min());
    return json(-static_cast<std::int64_t>(value));
  }
  if (value <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()))
    return json(static_cast<std::int64_t>(value));
  return json(static_cast<std::uint64_t>(value));
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (go-yaml v2 resolve.go yamlStyleFloat).
bool yaml_style_float(const std::string& s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

json resolve_plain(const std::string& s) {
  static const std::set<std::string> kNull = {"", "~", "null", "Null", "NULL"};
  static const std::set<std::string> kTrue = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const std::set<std::string> kFalse = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  if (kNull.count(s)) return nullptr;
  if (kTrue.count(s)) return true;
  if (kFalse.count(s)) return false;
  const char c = s[0];
  if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return s;
  if (auto i = parse_yaml_int(s)) return *i;
  // yaml.v2 yamlStyleFloat; .inf and .nan are kept as strings because JSON has no such numbers.
  std::string plain = s;
  plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
  if (yaml_style_float(plain)) {
    errno = 0;
    char* end = nullptr;
    const double d = std::strtod(plain.c_str(), &end);
    if (errno == 0 && end && *end == '\0') return d;
  }
  return s;
}

json resolve_scalar(const std::string& tag, const std::string& value) {
  if (tag == "?") return resolve_plain(value);
  if (tag == "!") return value;  // quoted or block scalar: always a string
  const auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return tag.size() >= s.size() && tag.compare(tag.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(":str") || ends(":binary") || ends(":timestamp")) return value;
  return resolve_plain(value);
}

// --- YAML events → JSON ---------------------------------------------------------------------------

struct YamlSyntaxError {
  YAML::Mark mark;
  std::string expected;
  std::string found;
};

class JsonBuilder final : public YAML::EventHandler {
 public:
  struct Document {
    json value;
    SourcePos pos;
    std::map<std::string, SourcePos> positions;
    bool empty = true;
  };

  explicit JsonBuilder(Document& doc) : doc_(doc) {}

  void OnDocumentStart(const YAML::Mark& mark) override { doc_.pos = to_pos(mark); }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (expecting_key()) return key_scalar(mark, "null");
    complete(json(nullptr), mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw YamlSyntaxError{mark, "expected a defined anchor", "an unknown alias"};
    if (expecting_key()) {
      if (!it->second.first.is_string())
        throw YamlSyntaxError{mark, "expected a string key", "an alias of a non-string value"};
      return key_scalar(mark, it->second.first.get<std::string>());
    }
    budget(it->second.second, mark);
    complete(json(it->second.first), mark, 0);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (expecting_key()) {
      key_scalar(mark, value);
      if (anchor) anchors_[anchor] = {json(value), 1};
      return;
    }
    budget(1, mark);
    complete(resolve_scalar(tag, value), mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(json::array(), mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(json::object(), mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    json value;
    std::string pointer;
    YAML::Mark mark;
    YAML::anchor_t anchor = 0;
    bool has_key = false;
    std::string key;
    YAML::Mark key_mark;
    std::set<std::string> merged;  // keys that came from a merge key and may be overridden
  };

  static SourcePos to_pos(const YAML::Mark& m) {
    if (m.is_null() || m.line < 0) return {};
    return {m.line + 1, m.column + 1};
  }

  bool expecting_key() const { return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().has_key; }

  void key_scalar(const YAML::Mark& mark, const std::string& key) {
    Frame& f = stack_.back();
    f.has_key = true;
    f.key = key;
    f.key_mark = mark;
  }

  void budget(std::size_t n, const YAML::Mark& mark) {
    nodes_ += n;
    if (nodes_ > kMaxNodesPerDocument)
      throw YamlSyntaxError{mark, fmt::format("expected at most {} values in one document", kMaxNodesPerDocument),
                            "more (aliases expanding into a huge document?)"};
  }

  // The pointer of the value about to be added to the top frame.
  std::string child_pointer() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    if (f.value.is_object()) return f.pointer + "/" + escape_token(f.key);
    return f.pointer + "/" + std::to_string(f.value.size());
  }

  void open(json value, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (expecting_key())
      throw YamlSyntaxError{mark, "expected a scalar mapping key", "a mapping or sequence used as a key"};
    budget(1, mark);
    Frame f;
    f.pointer = child_pointer();
    f.value = std::move(value);
    f.mark = mark;
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(f.value), f.mark, f.anchor);
  }

  void complete(json value, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor) anchors_[anchor] = {value, count_nodes(value)};
    doc_.empty = false;
    if (stack_.empty()) {
      doc_.value = std::move(value);
      if (doc_.pos.line == 0 || !mark.is_null()) doc_.pos = to_pos(mark);
      doc_.positions[""] = doc_.pos;
      return;
    }
    Frame& f = stack_.back();
    if (f.value.is_array()) {
      doc_.positions[child_pointer()] = to_pos(mark);
      f.value.push_back(std::move(value));
      return;
    }
    f.has_key = false;
    if (f.key == "<<") {
      // Merge key (YAML 1.1, supported by go-yaml v2): keys of the merged mapping(s) not already
      // present are added; explicit keys later in the mapping override them.
      auto merge_one = [&](const json& m) {
        if (!m.is_object()) throw YamlSyntaxError{f.key_mark, "expected a mapping or a list of mappings after <<", "something else"};
        for (auto it = m.begin(); it != m.end(); ++it)
          if (!f.value.contains(it.key())) {
            f.value[it.key()] = *it;
            f.merged.insert(it.key());
            doc_.positions[f.pointer + "/" + escape_token(it.key())] = to_pos(f.key_mark);
          }
      };
      if (value.is_array())
        for (const json& m : value) merge_one(m);
      else
        merge_one(value);
      return;
    }
    const std::string p = f.pointer + "/" + escape_token(f.key);
    if (f.value.contains(f.key) && !f.merged.count(f.key)) {
      const SourcePos first = doc_.positions.count(p) ? doc_.positions[p] : SourcePos{};
      throw YamlSyntaxError{f.key_mark,
                            fmt::format("expected each key once in a mapping (kubectl rejects duplicates); \"{}\" is "
                                        "first defined at line {}",
                                        f.key, first.line),
                            fmt::format("a second \"{}\"", f.key)};
    }
    f.merged.erase(f.key);
    doc_.positions[p] = to_pos(f.key_mark);
    f.value[f.key] = std::move(value);
  }

  Document& doc_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<json, std::size_t>> anchors_;
  std::size_t nodes_ = 0;
};

struct RawDocument {
  json value;
  SourcePos pos;
  std::map<std::string, SourcePos> positions;
};

bool looks_like_helm_template(const std::string& text) { return text.find("{{") != std::string::npos; }

std::vector<RawDocument> parse_yaml_documents(const std::string& text, const std::string& file) {
  const std::string hint = looks_like_helm_template(text)
                               ? " (the file contains \"{{\": an unrendered Helm template? run `helm template` first)"
                               : "";
  // libyaml checks the syntax first: yaml-cpp 0.7 loops forever on some invalid YAML (issue #9,
  // sim/yaml_guard.hpp). yaml-cpp still builds the JSON of a file libyaml accepts.
  if (const auto bad = check_yaml_syntax(text))
    throw InputError(file, fmt::format("document {}", bad->document), "expected " + bad->expected + hint, bad->found,
                     bad->line, bad->column);
  std::vector<RawDocument> out;
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::size_t index = 0;
  for (;; ++index) {
    JsonBuilder::Document doc;
    JsonBuilder builder(doc);
    try {
      if (!parser.HandleNextDocument(builder)) break;
    } catch (const YamlSyntaxError& e) {
      throw InputError(file, fmt::format("document {}", index + 1), e.expected + hint, e.found,
                       e.mark.line + 1, e.mark.column + 1);
    } catch (const YAML::Exception& e) {
      const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
      const int column = e.mark.is_null() ? 0 : e.mark.column + 1;
      throw InputError(file, fmt::format("document {}", index + 1), "expected valid YAML" + hint,
                       fmt::format("a syntax error ({})", e.msg), line, column);
    }
    out.push_back(RawDocument{doc.empty ? json(nullptr) : std::move(doc.value), doc.pos, std::move(doc.positions)});
  }
  return out;
}

std::vector<RawDocument> parse_json_document(const std::string& text, const std::string& file) {
  json value = parse_json_text(text, file, "document 1");
  RawDocument doc;
  for (const auto& [pointer, p] : index_json_positions(text)) doc.positions[pointer] = SourcePos{p.line, p.column};
  doc.pos = doc.positions[""];
  doc.value = std::move(value);
  return {std::move(doc)};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A list of objects, as kubectl recognises one: kind List, or a kind ending in List with items.
bool is_list(const json& obj) {
  const std::string kind = obj.value("kind", "");
  return kind == "List" || (ends_with(kind, "List") && obj.contains("items"));
}

// Positions under `prefix`, re-rooted.
std::map<std::string, SourcePos> rebase(const std::map<std::string, SourcePos>& positions, const std::string& prefix) {
  std::map<std::string, SourcePos> out;
  for (auto it = positions.lower_bound(prefix); it != positions.end(); ++it) {
    const std::string& p = it->first;
    if (p.compare(0, prefix.size(), prefix) != 0) break;
    if (p.size() == prefix.size()) out[""] = it->second;
    else if (p[prefix.size()] == '/') out[p.substr(prefix.size())] = it->second;
  }
  return out;
}

// The position of `pointer`, or of its nearest parent that has one.
SourcePos at_or_parent(const std::map<std::string, SourcePos>& positions, std::string pointer, SourcePos fallback) {
  for (;;) {
    auto it = positions.find(pointer);
    if (it != positions.end() && it->second.line > 0) return it->second;
    if (pointer.empty()) return fallback;
    pointer.resize(pointer.rfind('/'));
  }
}

// Checks one object; returns false (with a warning) when it is safe to skip.
bool check_object(const json& obj, const std::string& file, std::size_t document, const std::string& label,
                  const std::map<std::string, SourcePos>& positions, SourcePos pos, std::vector<ReadWarning>& warnings,
                  const VersionCheck& at_least) {
  auto fail = [&](const std::string& pointer, const std::string& expected, const std::string& found) {
    const SourcePos p = at_or_parent(positions, pointer, pos);
    throw InputError(file, pointer.empty() ? label : label + ", " + pointer, expected, found, p.line, p.column);
  };
  if (!obj.is_object())
    fail("", "expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name)", describe_found(obj));
  const bool has_api = obj.contains("apiVersion"), has_kind = obj.contains("kind");
  if (!has_api && !has_kind) {
    std::string what = "skipped: not a Kubernetes object (no apiVersion and no kind)";
    if (obj.contains("resources") || obj.contains("bases") || obj.contains("patches"))
      what += "; a kustomization? run `kustomize build` and import its output";
    else if (ends_with(file, "values.yaml") || ends_with(file, "values.yml"))
      what += "; a Helm values file? run `helm template` and import its output";
    warnings.push_back(ReadWarning{file, document, pos, what});
    return false;
  }
  for (const char* f : {"apiVersion", "kind"})
    if (!obj.contains(f) || !obj[f].is_string() || obj[f].get<std::string>().empty())
      fail(obj.contains(f) ? std::string("/") + f : "", fmt::format("expected {} (a non-empty string)", f),
           obj.contains(f) ? describe_found(obj[f]) : "nothing");
  const std::string kind = obj["kind"];
  const std::string api_version = obj["apiVersion"];
  if (api_version.rfind("kustomize.config.k8s.io/", 0) == 0 || (kind == "Chart" && api_version == "v2")) {
    warnings.push_back(ReadWarning{file, document, pos,
                                   fmt::format("skipped: a {} build file, not an object of the cluster (render it "
                                               "with `kustomize build` or `helm template` and import the output)",
                                               kind)});
    return false;
  }
  if (api_version == "kcsim/v1") {
    warnings.push_back(ReadWarning{file, document, pos,
                                   "skipped: a kcsim scenario, not a manifest (give it alone to explain or lint)"});
    return false;
  }
  if (is_list(obj)) return true;  // expanded by the caller
  if (!obj.contains("metadata") || !obj["metadata"].is_object())
    fail(obj.contains("metadata") ? "/metadata" : "", "expected metadata with a name",
         obj.contains("metadata") ? describe_found(obj["metadata"]) : "nothing");
  const json& md = obj["metadata"];
  if (!md.contains("name")) {
    if (md.contains("generateName")) {
      warnings.push_back(ReadWarning{file, document, pos,
                                     fmt::format("skipped: {} with generateName and no name (created anew at each "
                                                 "apply, kcsim cannot follow it)",
                                                 kind)});
      return false;
    }
    fail("/metadata", "expected metadata.name", "nothing");
  }
  if (!md["name"].is_string() || md["name"].get<std::string>().empty())
    fail("/metadata/name", "expected a non-empty string", describe_found(md["name"]));
  if (md.contains("namespace") && !md["namespace"].is_string())
    fail("/metadata/namespace", "expected a string", describe_found(md["namespace"]));
  // The API server's decoding: a field of the wrong type is refused, an unknown one dropped with a
  // warning (include/kcsim/k8s/field_validation.hpp).
  std::vector<UnknownField> unknown;
  try {
    unknown = check_fields(obj, file, "", at_least);
  } catch (const InputError& e) {
    fail(e.pointer(), e.expected(), e.found());
  }
  for (const UnknownField& u : unknown)
    warnings.push_back(ReadWarning{file, document, at_or_parent(positions, u.pointer, pos), u.message(),
                                   label + ", " + u.pointer});
  return true;
}

}  // namespace

std::vector<Manifest> parse_manifests(const std::string& text, const std::string& file,
                                      std::vector<ReadWarning>& warnings, const VersionCheck& at_least) {
  // An empty file (or only whitespace) holds no object, as `kubectl apply -f` treats it.
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  const bool is_json = ends_with(lower(file), ".json");
  std::vector<RawDocument> docs = is_json ? parse_json_document(text, file) : parse_yaml_documents(text, file);
  std::vector<Manifest> out;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    RawDocument& doc = docs[d];
    if (doc.value.is_null()) continue;  // an empty document (a leading `---`, comments only)
    const std::string label = fmt::format("document {}", d + 1);
    if (!check_object(doc.value, file, d, label, doc.positions, doc.pos, warnings, at_least)) continue;
    const std::string kind = doc.value["kind"];
    if (is_list(doc.value)) {
      // Lists inside lists are flattened as kubectl does, breadth first: the items of a list come
      // before the items of the lists it holds (k8s.io/cli-runtime pkg/resource/visitor.go
      // FlattenListVisitor, v0.32: nested lists are appended to the queue it walks).
      std::vector<std::string> lists{""};  // pointers of the lists still to expand
      for (std::size_t l = 0; l < lists.size(); ++l) {
        const std::string list = lists[l];
        const json& items = list.empty() ? doc.value["items"] : doc.value.at(json::json_pointer(list))["items"];
        if (!items.is_array()) {
          const SourcePos p = doc.positions.count(list + "/items") ? doc.positions[list + "/items"] : doc.pos;
          throw InputError(file, label + ", " + list + "/items", "expected an array of objects", describe_found(items),
                           p.line, p.column);
        }
        for (std::size_t i = 0; i < items.size(); ++i) {
          const std::string prefix = list + "/items/" + std::to_string(i);
          auto positions = rebase(doc.positions, prefix);
          const SourcePos ipos = positions.count("") ? positions[""] : doc.pos;
          const std::string item_label =
              list.empty() ? fmt::format("{}, item {}", label, i + 1) : fmt::format("{}, {}", label, prefix);
          if (!check_object(items[i], file, d, item_label, positions, ipos, warnings, at_least)) continue;
          if (is_list(items[i])) {
            lists.push_back(prefix);
            continue;
          }
          Manifest m;
          m.file = file;
          m.rel_path = file;
          m.document = d;
          m.item = i;
          if (!list.empty()) m.item_pointer = prefix;
          m.pos = ipos;
          m.object = items[i];
          m.positions = std::move(positions);
          out.push_back(std::move(m));
        }
      }
      continue;
    }
    Manifest m;
    m.file = file;
    m.rel_path = file;
    m.document = d;
    m.pos = doc.pos;
    m.object = std::move(doc.value);
    m.positions = std::move(doc.positions);
    out.push_back(std::move(m));
  }
  return out;
}


}  // namespace kcsim
