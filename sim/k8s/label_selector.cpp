#include "kcsim/k8s/label_selector.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "kcsim/k8s/json_access.hpp"

namespace kcsim {

namespace {

// LabelSelectorAsSelector(selector).Matches(labels), with `label(key)` the value of a label (a
// const json* or const std::string*, nullptr when unset) and `equal(value, label)` the comparison
// of a selector value with it.
template <class Label, class Equal>
bool matches(const nlohmann::json& selector, Label label, Equal equal) {
  using nlohmann::json;
  if (const json* ml = find(selector, {"matchLabels"}); ml && ml->is_object())
    for (auto& [k, v] : ml->items()) {
      const auto* l = label(k);
      if (!l || !equal(v, *l)) return false;
    }
  if (const json* me = find(selector, {"matchExpressions"}); me && me->is_array())
    for (const json& e : *me) {
      if (!e.is_object()) return false;
      const auto* l = label(str_at(e, {"key"}));
      const std::string op = str_at(e, {"operator"});
      const json* values = find(e, {"values"});
      const bool in = l && values && values->is_array() &&
                      std::any_of(values->begin(), values->end(), [&](const json& v) { return equal(v, *l); });
      if ((op == "In" && !in) || (op == "NotIn" && in) || (op == "Exists" && !l) || (op == "DoesNotExist" && l))
        return false;
    }
  return true;
}

}  // namespace

bool selector_matches(const nlohmann::json& selector, const nlohmann::json& labels) {
  using nlohmann::json;
  auto label = [&](const std::string& k) -> const json* {
    if (!labels.is_object()) return nullptr;
    auto it = labels.find(k);
    return it == labels.end() ? nullptr : &*it;
  };
  return matches(selector, label, [](const json& v, const json& l) { return v == l; });
}

bool selector_matches(const nlohmann::json& selector, const std::map<std::string, std::string>& labels) {
  auto label = [&](const std::string& k) -> const std::string* {
    auto it = labels.find(k);
    return it == labels.end() ? nullptr : &it->second;
  };
  return matches(selector, label, [](const nlohmann::json& v, const std::string& l) {
    return v.is_string() && v.get_ref<const std::string&>() == l;
  });
}

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }

// k8s.io/apimachinery/pkg/util/validation: qualifiedNameFmt "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]",
// at most 63 characters (IsQualifiedName's name part, and IsValidLabelValue when not empty).
bool is_qualified_name_part(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(s.front())) || !std::isalnum(static_cast<unsigned char>(s.back()))) return false;
  return std::all_of(s.begin(), s.end(), name_char);
}

// IsDNS1123Subdomain: at most 253 characters of lowercase dot-separated labels.
bool is_dns1123_subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string label = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty()) return false;
    auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lower_alnum(label.front()) || !lower_alnum(label.back())) return false;
    for (char c : label)
      if (!lower_alnum(c) && c != '-') return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

// validateLabelKey: IsQualifiedName ("prefix/name" or "name").
bool valid_label_key(const std::string& key) {
  const std::size_t slash = key.find('/');
  if (slash == std::string::npos) return is_qualified_name_part(key);
  if (key.find('/', slash + 1) != std::string::npos) return false;
  return is_dns1123_subdomain(key.substr(0, slash)) && is_qualified_name_part(key.substr(slash + 1));
}

// validateLabelValue: IsValidLabelValue.
bool valid_label_value(const std::string& v) { return v.empty() || is_qualified_name_part(v); }

}  // namespace

std::optional<std::string> label_selector_string(const nlohmann::json& selector) {
  using nlohmann::json;
  if (!selector.is_object()) return std::string();  // nil: labels.Nothing(), printed ""
  std::vector<std::pair<std::string, std::string>> reqs;  // (key, Requirement.String())
  if (const json* ml = find(selector, {"matchLabels"}); ml && !ml->is_null()) {
    if (!ml->is_object()) return std::nullopt;
    for (auto it = ml->begin(); it != ml->end(); ++it) {
      if (!it->is_string() || !valid_label_key(it.key()) || !valid_label_value(it->get<std::string>())) return std::nullopt;
      reqs.emplace_back(it.key(), it.key() + "=" + it->get<std::string>());
    }
  }
  if (const json* me = find(selector, {"matchExpressions"}); me && !me->is_null()) {
    if (!me->is_array()) return std::nullopt;
    for (const json& e : *me) {
      if (!e.is_object()) return std::nullopt;
      const json* k = find(e, {"key"});
      const json* o = find(e, {"operator"});
      if (!k || !k->is_string() || !o || !o->is_string()) return std::nullopt;
      const std::string key = k->get<std::string>(), op = o->get<std::string>();
      std::vector<std::string> values;
      if (const json* v = find(e, {"values"}); v && !v->is_null()) {
        if (!v->is_array()) return std::nullopt;
        for (const json& s : *v) {
          if (!s.is_string() || !valid_label_value(s.get<std::string>())) return std::nullopt;
          values.push_back(s.get<std::string>());
        }
      }
      if (!valid_label_key(key)) return std::nullopt;
      std::sort(values.begin(), values.end());  // Requirement.String prints them sorted
      std::string joined;
      for (const std::string& v : values) joined += (joined.empty() ? "" : ",") + v;
      if (op == "In" || op == "NotIn") {
        if (values.empty()) return std::nullopt;  // "for 'in', 'notin' operators, values set can't be empty"
        reqs.emplace_back(key, key + (op == "In" ? " in (" : " notin (") + joined + ")");
      } else if (op == "Exists" || op == "DoesNotExist") {
        if (!values.empty()) return std::nullopt;  // "values set must be empty for exists and does not exist"
        reqs.emplace_back(key, op == "Exists" ? key : "!" + key);
      } else {
        return std::nullopt;  // "is not a valid label selector operator"
      }
    }
  }
  // internalSelector.Add sorts by key (ByKey); matchLabels come first among equal keys.
  std::stable_sort(reqs.begin(), reqs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& r : reqs) out += (out.empty() ? "" : ",") + r.second;
  return out;
}

std::string format_label_selector(const nlohmann::json& selector) {
  const auto s = label_selector_string(selector);
  if (!s) return "<error>";
  return s->empty() ? "<none>" : *s;
}

}  // namespace kcsim
