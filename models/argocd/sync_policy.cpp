#include "sync_policy.hpp"

namespace kcsim::argocd {

bool has_sync_option(const json* sync_options, std::string_view option) {
  if (!sync_options || !sync_options->is_array()) return false;
  for (const json& o : *sync_options)
    if (o.is_string() && o.get_ref<const std::string&>() == option) return true;
  return false;
}

bool SyncPolicy::has_option(std::string_view option) const { return has_sync_option(sync_options, option); }

bool automation_enabled(const json* automated) {
  if (!automated || !automated->is_object()) return false;
  const json* enabled = find(*automated, {"enabled"});
  return !(enabled && enabled->is_boolean() && !enabled->get<bool>());
}

SyncPolicy read_sync_policy(const json& spec) {
  SyncPolicy p;
  p.sync_options = find(spec, {"syncPolicy", "syncOptions"});
  const json* automated = find(spec, {"syncPolicy", "automated"});
  p.automated = automation_enabled(automated);
  if (!p.automated) return p;
  const auto flag = [automated](const char* name) {
    const json* v = find(*automated, {name});
    return v && v->is_boolean() && v->get<bool>();
  };
  p.prune = flag("prune");
  p.self_heal = flag("selfHeal");
  p.allow_empty = flag("allowEmpty");
  return p;
}

}  // namespace kcsim::argocd
