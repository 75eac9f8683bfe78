#include "kcsim/analysis/problems.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim {
namespace {

using nlohmann::json;

// Which conditions mean "cannot do its job", per kind. Sources: ArgoCD
// pkg/apis/application/v1alpha1/types.go (ApplicationConditionComparisonError, ...InvalidSpecError,
// ...SyncError, v3.2); Kubernetes pkg/controller/podautoscaler/horizontal.go (setCondition on
// AbleToScale/ScalingActive, v1.32); KEDA apis/keda/v1alpha1/condition_types.go (Ready) and the
// HTTP add-on's operator (Ready); Flux fluxcd/pkg/apis/meta (ReadyCondition).
bool failing(const std::string& kind, const json& c) {
  const std::string type = str_at(c, {"type"}), status = str_at(c, {"status"}), reason = str_at(c, {"reason"});
  if (kind == "Application") return type == "ComparisonError" || type == "InvalidSpecError" || type == "SyncError";
  if (kind == "HorizontalPodAutoscaler")
    return status == "False" && (type == "AbleToScale" || (type == "ScalingActive" && reason != "ScalingDisabled"));
  return type == "Ready" && status == "False";
}

const char* controller_of(const std::string& kind) {
  if (kind == "Application") return "argocd-application-controller";
  if (kind == "HorizontalPodAutoscaler") return "horizontal-pod-autoscaler";
  if (kind == "ScaledObject") return "keda-operator";
  if (kind == "HTTPScaledObject") return "keda-add-ons-http-operator";
  if (kind == "Kustomization") return "kustomize-controller";
  return nullptr;
}

}  // namespace

json find_problems(const World& world) {
  json out = json::array();
  for (const ObjectLifetime& l : world.api().lifetimes()) {
    if (l.deleted || !l.last) continue;
    const char* controller = controller_of(l.ref.kind);
    if (!controller) continue;
    const json* conditions = find(*l.last, {"status", "conditions"});
    if (!conditions || !conditions->is_array()) continue;
    for (const json& c : *conditions) {
      if (!c.is_object() || !failing(l.ref.kind, c)) continue;
      json p = {{"object", l.ref.str()},
                {"controller", controller},
                {"condition", str_at(c, {"type"})},
                {"message", str_at(c, {"message"})}};
      if (c.contains("status")) p["status"] = str_at(c, {"status"});
      if (c.contains("reason")) p["reason"] = str_at(c, {"reason"});
      if (const std::string since = str_at(c, {"lastTransitionTime"}); !since.empty()) p["since"] = since;
      out.push_back(std::move(p));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["object"] < b["object"]; });
  return out;
}

bool expects_problems(const json& expectations) {
  for (const json& e : expectations)
    if (e.is_object() && e.contains("report") && e["report"].is_string() && e["report"].get<std::string>().rfind("problems", 0) == 0)
      return true;
  return false;
}

}  // namespace kcsim
