#include "kcsim/k8s/label_selector.hpp"

#include <algorithm>

#include "kcsim/k8s/json_access.hpp"

namespace kcsim {

bool selector_matches(const nlohmann::json& selector, const nlohmann::json& labels) {
  using nlohmann::json;
  auto label = [&](const std::string& k) -> const json* {
    if (!labels.is_object()) return nullptr;
    auto it = labels.find(k);
    return it == labels.end() ? nullptr : &*it;
  };
  if (const json* ml = find(selector, {"matchLabels"}); ml && ml->is_object())
    for (auto& [k, v] : ml->items()) {
      const json* l = label(k);
      if (!l || *l != v) return false;
    }
  if (const json* me = find(selector, {"matchExpressions"}); me && me->is_array())
    for (const json& e : *me) {
      if (!e.is_object()) return false;
      const json* l = label(str_at(e, {"key"}));
      const std::string op = str_at(e, {"operator"});
      const json* values = find(e, {"values"});
      const bool in = l && values && values->is_array() && std::find(values->begin(), values->end(), *l) != values->end();
      if ((op == "In" && !in) || (op == "NotIn" && in) || (op == "Exists" && !l) || (op == "DoesNotExist" && l))
        return false;
    }
  return true;
}

}  // namespace kcsim
