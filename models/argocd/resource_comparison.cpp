// One managed resource as Argo CD's controller compares it and its CLI shows it
// (models/argocd/resource_comparison.hpp).
#include "resource_comparison.hpp"

#include <fmt/format.h>

#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/kinds.hpp"

namespace kcsim::argocd {

std::string tracking_method(const std::string& argocd_version, const json& argocd_settings) {
  if (argocd_settings.is_object())
    if (auto it = argocd_settings.find("trackingMethod"); it != argocd_settings.end() && it->is_string())
      return it->get<std::string>();
  return compare_versions(argocd_version, "3.0.0") >= 0 ? "annotation" : "label";
}

std::vector<IgnoreRule> customization_rules(const json& customizations) {
  json rules = json::array();
  if (customizations.is_object()) {
    for (auto it = customizations.begin(); it != customizations.end(); ++it) {
      json rule = json::object();
      set_customization_group_kind(rule, it.key());
      if (const json* ids = find(*it, {"ignoreDifferences"}); ids && ids->is_object())
        for (auto g = ids->begin(); g != ids->end(); ++g) rule[g.key()] = *g;
      rules.push_back(std::move(rule));
    }
  }
  std::string error;
  return parse_ignore_differences(rules, &error);
}

std::string tracking_id(const std::string& app, const std::string& group, const std::string& kind,
                        const std::string& ns, const std::string& name) {
  return fmt::format("{}:{}/{}:{}/{}", app, group, kind, ns, name);
}

void prepare_target(json& m, const std::string& app_name, const std::string& dest_ns, const std::string& tracking) {
  const std::string kind = m.value("kind", "");
  if (!is_cluster_scoped(kind) && str_at(m, {"metadata", "namespace"}).empty()) m["metadata"]["namespace"] = dest_ns;
  if (is_cluster_scoped(kind)) m["metadata"].erase("namespace");
  if (tracking == "label" || tracking == "annotation+label") m["metadata"]["labels"][kInstanceLabel] = app_name;
  if (tracking != "label")
    m["metadata"]["annotations"][kTrackingAnnotation] =
        tracking_id(app_name, api_group(m.value("apiVersion", "")), kind, str_at(m, {"metadata", "namespace"}),
                    str_at(m, {"metadata", "name"}));
}

bool has_sync_option_annotation(const json& obj, std::string_view option) {
  const std::string v = str_at(obj, {"metadata", "annotations", "argocd.argoproj.io/sync-options"});
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t end = v.find(',', start);
    if (end == std::string::npos) end = v.size();
    std::string item = v.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == option) return true;
    start = end + 1;
  }
  return false;
}

void normalize_tracking(Normalized& n, const std::string& tracking) {
  if (tracking == "label" || !n.live || !n.target) return;
  if (str_at(*n.live, {"metadata", "labels", kInstanceLabel}).empty()) return;
  const std::string id = str_at(*n.target, {"metadata", "annotations", kTrackingAnnotation});
  if (!id.empty()) (*n.live)["metadata"]["annotations"][kTrackingAnnotation] = id;
  if (str_at(*n.target, {"metadata", "labels", kInstanceLabel}).empty()) {
    (*n.live)["metadata"]["labels"].erase(kInstanceLabel);
    if ((*n.live)["metadata"]["labels"].empty()) (*n.live)["metadata"].erase("labels");
  }
}

ResourceComparison compare_resource(const json& live, const json& target, const json& last_applied, const IgnoreSet& ignores,
                                    bool server_side, const std::string& tracking) {
  ResourceComparison c{normalize(&live, &target, last_applied.is_null() ? nullptr : &last_applied, ignores), false};
  normalize_tracking(c.norm, tracking);
  if (server_side) {
    // Structured-merge diff: what a forced apply of desired would change.
    c.modified = predict_live(nullptr, *c.norm.target, *c.norm.live, true) != *c.norm.live;
  } else {
    c.modified = is_modified(c.norm, is_builtin_api(target.value("apiVersion", "")));
  }
  return c;
}

json predicted_live(const ResourceComparison& c, bool server_side) {
  const Normalized& n = c.norm;
  if (!n.live || !n.target) return nullptr;
  if (server_side) return predict_live(nullptr, *n.target, *n.live, true);
  const bool builtin = is_builtin_api(n.target->value("apiVersion", ""));
  return predict_live(n.last_applied ? &*n.last_applied : &*n.target, *n.target, *n.live, builtin);
}

}  // namespace kcsim::argocd
