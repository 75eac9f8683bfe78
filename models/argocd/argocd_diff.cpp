// ArgoCD's desired-vs-live comparison (see argocd_diff.hpp for the upstream files it follows).
#include "argocd_diff.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/well_known.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

namespace kcsim::argocd {

// --- globs ------------------------------------------------------------------------------------

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with backtracking on the last '*'.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// --- JSON pointers ----------------------------------------------------------------------------

std::optional<std::vector<std::string>> parse_pointer(const std::string& pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  if (pointer[0] != '/') return std::nullopt;
  std::string token;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      out.push_back(token);
      token.clear();
      continue;
    }
    if (pointer[i] == '~') {
      if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return std::nullopt;
      token += pointer[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      token += pointer[i];
    }
  }
  return out;
}

// --- jq path expressions ------------------------------------------------------------------------

namespace {

struct JqParser {
  explicit JqParser(const std::string& text) : s(text) {}
  const std::string& s;
  std::size_t i = 0;
  std::string error;

  void ws() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool fail(const std::string& why) {
    if (error.empty()) error = fmt::format("{} at offset {} of \"{}\"", why, i, s);
    return false;
  }
  bool ident(std::string& out) {
    const std::size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    out = s.substr(start, i - start);
    return !out.empty() && !std::isdigit(static_cast<unsigned char>(out[0]));
  }
  bool quoted(std::string& out) {
    ws();
    if (i >= s.size() || s[i] != '"') return fail("expected a quoted string");
    // A JSON string literal.
    std::size_t j = i + 1;
    while (j < s.size() && s[j] != '"') j += (s[j] == '\\') ? 2 : 1;
    if (j >= s.size()) return fail("unterminated string");
    json v = json::parse(s.substr(i, j - i + 1), nullptr, false);
    if (v.is_discarded() || !v.is_string()) return fail("bad string");
    out = v.get<std::string>();
    i = j + 1;
    return true;
  }
  // Path term: '.' then fields/brackets; fills steps. `plain` = no iterate/select allowed (select lhs).
  bool path(std::vector<JqStep>& steps, bool plain) {
    ws();
    if (i >= s.size() || s[i] != '.') return fail("expected a path starting with '.'");
    ++i;
    bool first = true;
    for (;;) {
      if (i < s.size() && s[i] == '[') {
        ++i;
        ws();
        if (i < s.size() && s[i] == ']') {
          ++i;
          if (plain) return fail("iteration not allowed here");
          JqStep st;
          st.type = JqStep::Type::kIterate;
          steps.push_back(st);
          if (i < s.size() && s[i] == '?') ++i;
        } else if (i < s.size() && s[i] == '"') {
          JqStep st;
          if (!quoted(st.field)) return false;
          if (!eat(']')) return fail("expected ']'");
          steps.push_back(st);
        } else {
          const std::size_t start = i;
          if (i < s.size() && s[i] == '-') ++i;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
          if (start == i || (s[start] == '-' && start + 1 == i)) return fail("expected an index, a string or ']'");
          JqStep st;
          st.type = JqStep::Type::kIndex;
          st.index = std::stol(s.substr(start, i - start));
          if (!eat(']')) return fail("expected ']'");
          if (plain) return fail("index not allowed here");
          steps.push_back(st);
        }
        first = false;
        continue;
      }
      if (first) {
        // ".field", ."quoted" or "." alone
        if (i < s.size() && s[i] == '"') {
          JqStep st;
          if (!quoted(st.field)) return false;
          steps.push_back(st);
        } else {
          JqStep st;
          if (!ident(st.field)) {
            if (!st.field.empty()) return fail("bad field name");
            // "." alone (identity) is allowed only before brackets, handled above.
            if (steps.empty() && (i >= s.size() || s[i] != '[')) return fail("expected a field after '.'");
          } else {
            steps.push_back(st);
          }
        }
        first = false;
        continue;
      }
      if (i < s.size() && s[i] == '.') {
        ++i;
        JqStep st;
        if (i < s.size() && s[i] == '"') {
          if (!quoted(st.field)) return false;
        } else if (i < s.size() && s[i] == '[') {
          continue;  // ".[...]"
        } else if (!ident(st.field)) {
          return fail("expected a field name after '.'");
        }
        steps.push_back(st);
        continue;
      }
      return true;
    }
  }
  bool literal(json& out) {
    ws();
    const std::size_t start = i;
    if (i < s.size() && s[i] == '"') {
      std::string str;
      if (!quoted(str)) return false;
      out = str;
      return true;
    }
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '-')) ++i;
    out = json::parse(s.substr(start, i - start), nullptr, false);
    if (out.is_discarded() || out.is_object() || out.is_array()) return fail("expected a literal");
    return true;
  }
  bool select(std::vector<JqStep>& steps) {
    // "select(" already consumed
    JqStep st;
    st.type = JqStep::Type::kSelect;
    std::vector<JqStep> lhs;
    if (!path(lhs, true)) return false;
    for (const JqStep& l : lhs) st.lhs.push_back(l.field);
    ws();
    if (s.compare(i, 2, "==") == 0) st.equal = true;
    else if (s.compare(i, 2, "!=") == 0) st.equal = false;
    else return fail("expected == or !=");
    i += 2;
    if (!literal(st.literal)) return false;
    if (!eat(')')) return fail("expected ')'");
    steps.push_back(st);
    return true;
  }
  bool term(std::vector<JqStep>& steps) {
    ws();
    if (s.compare(i, 7, "select(") == 0) {
      i += 7;
      return select(steps);
    }
    return path(steps, false);
  }
  bool parse(std::vector<JqStep>& steps) {
    if (!term(steps)) return false;
    for (;;) {
      ws();
      if (i >= s.size()) return true;
      if (s[i] != '|') return fail("unsupported jq syntax (only path expressions, '|' and select(.f == v))");
      ++i;
      if (!term(steps)) return false;
    }
  }
};

// Merge keys of strategic merge patch for the lists that matter here (k8s.io/api patchMergeKey
// tags); "ports" is keyed by containerPort in a container and by port in a Service.
const char* merge_key_for(std::string_view field, const json& sample) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" || field == "volumes" ||
      field == "env" || field == "imagePullSecrets")
    return "name";
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  if (field == "hostAliases") return "ip";
  if (field == "conditions") return "type";
  if (field == "ports") return sample.is_object() && sample.contains("containerPort") ? "containerPort" : "port";
  return nullptr;
}

// The key of a list item for locating it again (merge key if known, else "name" when present).
json item_key_of(std::string_view field, const json& item) {
  if (!item.is_object()) return nullptr;
  if (const char* k = merge_key_for(field, item); k && item.contains(k)) return json{{k, item[k]}};
  if (item.contains("name")) return json{{"name", item["name"]}};
  return nullptr;
}

bool item_matches(const json& item, const json& key) {
  if (!item.is_object() || !key.is_object()) return false;
  for (auto& [k, v] : key.items())
    if (!item.contains(k) || item[k] != v) return false;
  return true;
}

// A node found by a jq path, with its concrete location.
struct Located {
  Path path;
  const json* node;
};

void eval_jq(const json& root, const std::vector<JqStep>& steps, std::vector<Located>& out) {
  std::vector<Located> cur{{Path{}, &root}};
  for (const JqStep& st : steps) {
    std::vector<Located> next;
    for (const Located& l : cur) {
      const json& n = *l.node;
      switch (st.type) {
        case JqStep::Type::kField:
          if (n.is_object() && n.contains(st.field)) {
            Located x{l.path, &n[st.field]};
            x.path.push_back(PathStep{st.field, false, 0, nullptr});
            next.push_back(std::move(x));
          }
          break;
        case JqStep::Type::kIndex:
          if (n.is_array()) {
            long idx = st.index < 0 ? static_cast<long>(n.size()) + st.index : st.index;
            if (idx >= 0 && idx < static_cast<long>(n.size())) {
              const std::string parent = l.path.empty() ? "" : l.path.back().field;
              Located x{l.path, &n[static_cast<std::size_t>(idx)]};
              x.path.push_back(PathStep{"", true, static_cast<std::size_t>(idx), item_key_of(parent, n[idx])});
              next.push_back(std::move(x));
            }
          }
          break;
        case JqStep::Type::kIterate:
          if (n.is_array()) {
            const std::string parent = l.path.empty() ? "" : l.path.back().field;
            for (std::size_t k = 0; k < n.size(); ++k) {
              Located x{l.path, &n[k]};
              x.path.push_back(PathStep{"", true, k, item_key_of(parent, n[k])});
              next.push_back(std::move(x));
            }
          } else if (n.is_object()) {
            for (auto it = n.begin(); it != n.end(); ++it) {
              Located x{l.path, &*it};
              x.path.push_back(PathStep{it.key(), false, 0, nullptr});
              next.push_back(std::move(x));
            }
          }
          break;
        case JqStep::Type::kSelect: {
          const json* v = &n;
          for (const std::string& f : st.lhs) {
            if (v && v->is_object() && v->contains(f)) v = &(*v)[f];
            else v = nullptr;
          }
          const json value = v ? *v : json(nullptr);
          if ((value == st.literal) == st.equal) next.push_back(l);
          break;
        }
      }
    }
    cur = std::move(next);
  }
  for (Located& l : cur)
    if (!l.path.empty()) out.push_back(std::move(l));
}

// Finds the node at a path in `doc` (list items by key when the step has one, else by index).
json* locate(json& doc, const Path& path, bool create) {
  json* n = &doc;
  for (const PathStep& st : path) {
    if (!st.is_index) {
      if (!n->is_object()) {
        if (!create || !n->is_null()) return nullptr;
        *n = json::object();
      }
      if (!n->contains(st.field)) {
        if (!create) return nullptr;
        (*n)[st.field] = nullptr;
      }
      n = &(*n)[st.field];
    } else {
      if (!n->is_array()) return nullptr;
      json* found = nullptr;
      if (!st.item_key.is_null()) {
        for (json& item : *n)
          if (item_matches(item, st.item_key)) {
            found = &item;
            break;
          }
      } else if (st.index < n->size()) {
        found = &(*n)[st.index];
      }
      if (!found) return nullptr;
      n = found;
    }
  }
  return n;
}

bool erase_at(json& doc, const Path& path) {
  if (path.empty()) return false;
  Path parent(path.begin(), path.end() - 1);
  json* p = locate(doc, parent, false);
  if (!p) return false;
  const PathStep& last = path.back();
  if (!last.is_index) {
    if (!p->is_object() || !p->contains(last.field)) return false;
    p->erase(last.field);
    return true;
  }
  if (!p->is_array()) return false;
  if (!last.item_key.is_null()) {
    for (std::size_t k = 0; k < p->size(); ++k)
      if (item_matches((*p)[k], last.item_key)) {
        p->erase(k);
        return true;
      }
    return false;
  }
  if (last.index >= p->size()) return false;
  p->erase(last.index);
  return true;
}

Path pointer_path(const json& doc, const std::vector<std::string>& tokens, bool* ok) {
  Path out;
  const json* n = &doc;
  *ok = true;
  for (const std::string& t : tokens) {
    if (n->is_object()) {
      if (!n->contains(t)) {
        *ok = false;
        return out;
      }
      out.push_back(PathStep{t, false, 0, nullptr});
      n = &(*n)[t];
    } else if (n->is_array()) {
      if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        *ok = false;
        return out;
      }
      const std::size_t idx = std::stoul(t);
      if (idx >= n->size()) {
        *ok = false;
        return out;
      }
      // A pointer addresses by index on every side, as a JSON patch "remove" would.
      out.push_back(PathStep{"", true, idx, nullptr});
      n = &(*n)[idx];
    } else {
      *ok = false;
      return out;
    }
  }
  return out;
}

// Removes what a pointer addresses from a document; returns the removed value's location.
std::optional<std::pair<Path, json>> remove_pointer(json& doc, const std::vector<std::string>& tokens) {
  bool ok = false;
  Path p = pointer_path(doc, tokens, &ok);
  if (!ok || p.empty()) return std::nullopt;
  json value = *locate(doc, p, false);
  erase_at(doc, p);
  return std::make_pair(std::move(p), std::move(value));
}

// Descending order of locations so that removing list items never shifts a later one.
bool path_greater(const Path& a, const Path& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i].is_index != b[i].is_index) return a[i].is_index > b[i].is_index;
    if (a[i].is_index) {
      if (a[i].index != b[i].index) return a[i].index > b[i].index;
    } else if (a[i].field != b[i].field) {
      return a[i].field > b[i].field;
    }
  }
  return a.size() > b.size();
}

std::vector<std::pair<Path, json>> remove_jq(json& doc, const JqPath& jq) {
  std::vector<Located> found;
  eval_jq(doc, jq.steps, found);
  std::vector<std::pair<Path, json>> removed;
  for (const Located& l : found) removed.emplace_back(l.path, *l.node);
  std::sort(removed.begin(), removed.end(), [](const auto& a, const auto& b) { return path_greater(a.first, b.first); });
  // Index-addressed removal (keys can repeat); descending order keeps indexes valid.
  for (const auto& [p, v] : removed) {
    Path by_index = p;
    for (PathStep& st : by_index) st.item_key = nullptr;
    erase_at(doc, by_index);
  }
  return removed;
}

// managedFieldsManagers: walks a FieldsV1 trie over live and desired together and removes the
// owned leaves whose values differ (typed.Comparison.Modified ∩ owned set).
void normalize_managed(const json& trie, json* live, json* target, Path& at,
                       std::vector<std::pair<Path, json>>& removed) {
  if (!trie.is_object() || !live || !target) return;
  for (auto it = trie.begin(); it != trie.end(); ++it) {
    const std::string& key = it.key();
    const json& child = it.value();
    if (key.size() < 2 || key[1] != ':') continue;
    if (key[0] == 'f') {
      const std::string field = key.substr(2);
      if (!live->is_object() || !target->is_object() || !live->contains(field) || !target->contains(field)) continue;
      json& l = (*live)[field];
      json& t = (*target)[field];
      at.push_back(PathStep{field, false, 0, nullptr});
      const bool leaf = child.is_object() && child.empty();
      if (leaf) {
        if (l != t) {
          removed.emplace_back(at, l);
          live->erase(field);
          target->erase(field);
        }
      } else {
        normalize_managed(child, &l, &t, at, removed);
      }
      at.pop_back();
    } else if (key[0] == 'k') {
      const json item_key = json::parse(key.substr(2), nullptr, false);
      if (item_key.is_discarded() || !live->is_array() || !target->is_array()) continue;
      json* li = nullptr;
      json* ti = nullptr;
      std::size_t li_index = 0;
      for (std::size_t k = 0; k < live->size(); ++k)
        if (item_matches((*live)[k], item_key)) {
          li = &(*live)[k];
          li_index = k;
          break;
        }
      for (json& item : *target)
        if (item_matches(item, item_key)) {
          ti = &item;
          break;
        }
      if (!li || !ti) continue;
      at.push_back(PathStep{"", true, li_index, item_key});
      normalize_managed(child, li, ti, at, removed);
      at.pop_back();
    }
  }
}

json remove_map_fields(const json& config, const json& live) {
  // gitops-engine diff.RemoveMapFields: keep only live fields that config has (maps only).
  if (!config.is_object() || !live.is_object()) return live;
  json out = json::object();
  for (auto it = config.begin(); it != config.end(); ++it) {
    auto l = live.find(it.key());
    if (l == live.end()) continue;
    out[it.key()] = (it->is_object() && l->is_object()) ? remove_map_fields(*it, *l) : *l;
  }
  return out;
}

json predict(const json* orig, const json& config, const json* live, bool strategic, std::string_view field) {
  if (config.is_object()) {
    if (!live || !live->is_object()) return config;
    json out = *live;
    if (orig && orig->is_object())
      for (auto it = orig->begin(); it != orig->end(); ++it)
        if (!config.contains(it.key())) out.erase(it.key());
    for (auto it = config.begin(); it != config.end(); ++it) {
      if (it->is_null()) {
        out.erase(it.key());
        continue;
      }
      const json* o = (orig && orig->is_object() && orig->contains(it.key())) ? &(*orig)[it.key()] : nullptr;
      const json* l = live->contains(it.key()) ? &(*live)[it.key()] : nullptr;
      out[it.key()] = predict(o, *it, l, strategic, it.key());
    }
    return out;
  }
  if (config.is_array() && strategic && live && live->is_array() && !config.empty()) {
    const char* key = merge_key_for(field, config.front());
    auto keyed = [&](const json& list) {
      return std::all_of(list.begin(), list.end(), [&](const json& x) { return x.is_object() && x.contains(key); });
    };
    if (key && keyed(config) && keyed(*live) && (!orig || !orig->is_array() || keyed(*orig))) {
      json out = json::array();
      auto find_in = [&](const json* list, const json& k) -> const json* {
        if (!list || !list->is_array()) return nullptr;
        for (const json& x : *list)
          if (x[key] == k) return &x;
        return nullptr;
      };
      for (const json& c : config) {
        const json* l = find_in(live, c[key]);
        const json* o = find_in(orig, c[key]);
        out.push_back(l ? predict(o, c, l, strategic, "") : c);
      }
      for (const json& l : *live) {
        if (find_in(&config, l[key])) continue;
        if (find_in(orig, l[key])) continue;  // removed from the config since the last apply
        out.push_back(l);
      }
      return out;
    }
  }
  return config;
}

}  // namespace

std::optional<JqPath> parse_jq_path(const std::string& text, std::string* error) {
  JqParser p(text);
  JqPath out;
  out.text = text;
  if (!p.parse(out.steps) || out.steps.empty()) {
    if (error) *error = p.error.empty() ? fmt::format("unsupported jq path expression \"{}\"", text) : p.error;
    return std::nullopt;
  }
  return out;
}

void set_customization_group_kind(json& rule, const std::string& group_kind) {
  if (group_kind == "all") {
    rule["group"] = "*";
    rule["kind"] = "*";
    return;
  }
  const auto us = group_kind.rfind('_');
  rule["group"] = us == std::string::npos ? "" : group_kind.substr(0, us);
  rule["kind"] = us == std::string::npos ? group_kind : group_kind.substr(us + 1);
}

std::vector<IgnoreRule> parse_ignore_differences(const json& list, std::string* error) {
  std::vector<IgnoreRule> rules;
  if (!list.is_array()) return rules;
  auto note = [&](const std::string& why) {
    if (error && error->empty()) *error = why;
  };
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& e = list[i];
    if (!e.is_object()) {
      note(fmt::format("ignoreDifferences[{}] is not an object", i));
      continue;
    }
    IgnoreRule r;
    auto str = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string(); };
    r.group = str("group");
    r.kind = str("kind");
    r.name = str("name");
    r.ns = str("namespace");
    if (e.contains("jsonPointers") && e["jsonPointers"].is_array())
      for (const json& p : e["jsonPointers"]) {
        if (!p.is_string() || !parse_pointer(p.get<std::string>())) {
          note(fmt::format("ignoreDifferences[{}]: invalid JSON pointer {}", i, p.dump()));
          continue;
        }
        r.json_pointers.push_back(p.get<std::string>());
      }
    if (e.contains("jqPathExpressions") && e["jqPathExpressions"].is_array())
      for (const json& q : e["jqPathExpressions"]) {
        std::string why;
        std::optional<JqPath> jq = q.is_string() ? parse_jq_path(q.get<std::string>(), &why) : std::nullopt;
        if (!jq) {
          note(fmt::format("ignoreDifferences[{}]: {}", i, why.empty() ? "jq expression is not a string" : why));
          continue;
        }
        r.jq_paths.push_back(std::move(*jq));
      }
    if (e.contains("managedFieldsManagers") && e["managedFieldsManagers"].is_array())
      for (const json& m : e["managedFieldsManagers"])
        if (m.is_string()) r.managers.push_back(m.get<std::string>());
    rules.push_back(std::move(r));
  }
  return rules;
}

IgnoreSet match_ignores(const std::vector<IgnoreRule>& rules, const std::string& group, const std::string& kind,
                        const std::string& name, const std::string& ns) {
  IgnoreSet out;
  for (const IgnoreRule& r : rules) {
    if (!glob_match(r.group, group) || !glob_match(r.kind, kind)) continue;
    if (!r.name.empty() && r.name != name) continue;
    if (!r.ns.empty() && r.ns != ns) continue;
    for (const std::string& p : r.json_pointers)
      if (std::find(out.json_pointers.begin(), out.json_pointers.end(), p) == out.json_pointers.end())
        out.json_pointers.push_back(p);
    for (const JqPath& q : r.jq_paths)
      if (std::none_of(out.jq_paths.begin(), out.jq_paths.end(), [&](const JqPath* x) { return x->text == q.text; }))
        out.jq_paths.push_back(&q);
    for (const std::string& m : r.managers)
      if (std::find(out.managers.begin(), out.managers.end(), m) == out.managers.end()) out.managers.push_back(m);
  }
  return out;
}

Normalized normalize(const json* live, const json* target, const json* last_applied, const IgnoreSet& ignores) {
  Normalized n;
  if (live) n.live = *live;
  if (target) n.target = *target;
  if (last_applied && last_applied->is_object()) n.last_applied = *last_applied;
  auto drop_creation = [](std::optional<json>& d) {
    if (d && d->is_object() && d->contains("metadata") && (*d)["metadata"].is_object())
      (*d)["metadata"].erase("creationTimestamp");
  };
  drop_creation(n.live);
  drop_creation(n.target);
  drop_creation(n.last_applied);
  std::vector<std::pair<Path, json>> removed;
  if (n.live && n.target && !ignores.managers.empty() && live->contains("metadata") &&
      (*live)["metadata"].contains("managedFields") && (*live)["metadata"]["managedFields"].is_array()) {
    for (const json& entry : (*live)["metadata"]["managedFields"]) {
      const std::string manager = entry.value("manager", "");
      if (std::find(ignores.managers.begin(), ignores.managers.end(), manager) == ignores.managers.end()) continue;
      if (!entry.contains("fieldsV1")) continue;
      Path at;
      normalize_managed(entry["fieldsV1"], &*n.live, &*n.target, at, removed);
    }
  }
  for (const std::string& pointer : ignores.json_pointers) {
    const auto tokens = parse_pointer(pointer);
    if (!tokens || tokens->empty()) continue;
    if (n.live)
      if (auto r = remove_pointer(*n.live, *tokens)) removed.push_back(std::move(*r));
    if (n.target) remove_pointer(*n.target, *tokens);
    if (n.last_applied) remove_pointer(*n.last_applied, *tokens);
  }
  for (const JqPath* jq : ignores.jq_paths) {
    if (n.live)
      for (auto& r : remove_jq(*n.live, *jq)) removed.push_back(std::move(r));
    if (n.target) remove_jq(*n.target, *jq);
    if (n.last_applied) remove_jq(*n.last_applied, *jq);
  }
  n.removed_from_live = std::move(removed);
  return n;
}

bool is_builtin_api(const std::string& api_version) {
  const std::string g = api_group(api_version);
  static const std::set<std::string> builtin = {
      "",          "apps",          "batch",        "autoscaling",           "policy",
      "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
      "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io", "extensions"};
  return builtin.count(g) > 0;
}

json predict_live(const json* last_applied, const json& config, const json& live, bool strategic) {
  return predict(last_applied && last_applied->is_object() ? last_applied : nullptr, config, &live, strategic, "");
}

bool is_modified(const Normalized& n, bool builtin) {
  if (!n.live || !n.target) return true;
  if (n.last_applied) return predict_live(&*n.last_applied, *n.target, *n.live, builtin) != *n.live;
  return remove_map_fields(*n.target, *n.live) != *n.target;
}

json create_merge_patch(const json& from, const json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  json patch = json::object();
  for (auto it = from.begin(); it != from.end(); ++it)
    if (!to.contains(it.key())) patch[it.key()] = nullptr;
  for (auto it = to.begin(); it != to.end(); ++it) {
    auto f = from.find(it.key());
    if (f == from.end()) {
      patch[it.key()] = *it;
    } else if (*f != *it) {
      if (f->is_object() && it->is_object()) patch[it.key()] = create_merge_patch(*f, *it);
      else patch[it.key()] = *it;
    }
  }
  return patch;
}

json respect_ignore_differences(const Normalized& n) {
  if (!n.target) return nullptr;
  json out = *n.target;
  if (!n.live) return out;
  for (const auto& [p, value] : n.removed_from_live) {
    if (p.empty()) continue;
    Path parent(p.begin(), p.end() - 1);
    json* where = locate(out, parent, true);
    if (!where) continue;
    const PathStep& last = p.back();
    if (!last.is_index) {
      if (where->is_null()) *where = json::object();
      if (where->is_object()) (*where)[last.field] = value;
    } else if (where->is_array()) {
      json* item = locate(out, p, false);
      if (item) *item = value;
    }
  }
  return out;
}

json last_applied_of(const json& live) {
  const json::json_pointer p("/metadata/annotations/" + escape_pointer_token(k8s::kLastAppliedConfigAnnotation));
  if (!live.contains(p) || !live.at(p).is_string()) return nullptr;
  json v = json::parse(live.at(p).get<std::string>(), nullptr, false);
  if (v.is_discarded() || !v.is_object()) return nullptr;
  return v;
}

}  // namespace kcsim::argocd
