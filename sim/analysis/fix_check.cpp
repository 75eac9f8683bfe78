#include "kcsim/analysis/fix_check.hpp"

#include <functional>

#include <fmt/format.h>


namespace kcsim {
namespace {

bool same_object(const json& manifest, const ObjectRef& ref) {
  if (!manifest.is_object() || manifest.value("kind", "") != ref.kind || !manifest.contains("metadata") ||
      !manifest["metadata"].is_object())
    return false;
  const json& md = manifest["metadata"];
  return md.value("name", "") == ref.name && md.value("namespace", "default") == (ref.ns.empty() ? "default" : ref.ns);
}

// Calls f on every manifest of the document: objects, Git files (arrays of manifests) and the
// manifests of timeline actions.
void for_each_manifest(json& doc, bool objects, bool git, bool timeline, const std::function<void(json&)>& f) {
  if (objects && doc.contains("objects") && doc["objects"].is_array())
    for (json& o : doc["objects"]) f(o);
  if (git && doc.contains("git") && doc["git"].is_object() && doc["git"].contains("commits") &&
      doc["git"]["commits"].is_array())
    for (json& c : doc["git"]["commits"]) {
      if (!c.is_object() || !c.contains("files") || !c["files"].is_object()) continue;
      for (auto& [path, content] : c["files"].items()) {
        (void)path;
        if (content.is_array())
          for (json& m : content) f(m);
        else if (content.is_object())
          f(content);
      }
    }
  if (timeline && doc.contains("timeline") && doc["timeline"].is_array())
    for (json& a : doc["timeline"])
      if (a.is_object() && a.contains("manifest")) f(a["manifest"]);
}

bool erase_pointer(json& obj, const std::string& pointer) {
  const json::json_pointer p(pointer);
  if (!obj.contains(p)) return false;
  json& parent = obj[p.parent_pointer()];
  if (!parent.is_object()) return false;
  parent.erase(p.back());
  return true;
}

bool targets(const json& scaler, const ObjectRef& ref) {
  if (!scaler.is_object() || !scaler.contains("spec") || !scaler["spec"].is_object()) return false;
  const json& st = scaler["spec"].value("scaleTargetRef", json::object());
  const std::string ns = scaler.contains("metadata") ? scaler["metadata"].value("namespace", "default") : "default";
  return st.is_object() && st.value("name", "") == ref.name && st.value("kind", "Deployment") == ref.kind &&
         ns == (ref.ns.empty() ? "default" : ref.ns);
}

}  // namespace

json candidate_fixes(const json& doc, const json& fight) {
  const ObjectRef ref = ObjectRef::parse(fight.value("object", ""));
  const std::string field = fight.value("field", "");
  bool argocd = false, keda = false, kubectl = false;
  for (const json& w : fight.value("writers", json::array())) {
    const std::string m = w.get<std::string>();
    argocd |= m == "argocd-controller";
    keda |= m == "keda";
    kubectl |= m.rfind("kubectl", 0) == 0;
  }
  json out = json::array();
  auto candidate = [&](const std::string& change, const std::string& patch, const std::function<void(json&)>& edit) {
    json d = doc;
    edit(d);
    if (d != doc) out.push_back({{"change", change}, {"patch", patch}, {"doc", std::move(d)}});
  };
  std::string group = ref.kind == "Deployment" || ref.kind == "StatefulSet" || ref.kind == "ReplicaSet" ? "apps" : "";
  if (argocd) {
    candidate(fmt::format("ignore {} on {} in the live Application (ignoreDifferences + RespectIgnoreDifferences=true)",
                          field, ref.kind),
              fmt::format("objects[kind=Application].spec.ignoreDifferences += {{group: {}, kind: {}, jsonPointers: [{}]}}; "
                          "spec.syncPolicy.syncOptions += RespectIgnoreDifferences=true",
                          group.empty() ? "\"\"" : group, ref.kind, field),
              [&](json& d) {
                for_each_manifest(d, true, false, false, [&](json& m) {
                  if (!m.is_object() || m.value("kind", "") != "Application" || !m.contains("spec")) return;
                  json& spec = m["spec"];
                  if (!spec.contains("ignoreDifferences") || !spec["ignoreDifferences"].is_array())
                    spec["ignoreDifferences"] = json::array();
                  spec["ignoreDifferences"].push_back(
                      {{"group", group}, {"kind", ref.kind}, {"jsonPointers", json::array({field})}});
                  json& opts = spec["syncPolicy"]["syncOptions"];
                  if (!opts.is_array()) opts = json::array();
                  opts.push_back("RespectIgnoreDifferences=true");
                });
              });
  }
  if (keda && field == "/spec/replicas")
    candidate("set the KEDA minimum replicas to 1 (HTTPScaledObject replicas.min / ScaledObject minReplicaCount)",
              "HTTPScaledObject.spec.replicas.min = 1; ScaledObject.spec.minReplicaCount = 1 (objects and Git)",
              [&](json& d) {
                for_each_manifest(d, true, true, true, [&](json& m) {
                  if (!targets(m, ref)) return;
                  if (m.value("kind", "") == "HTTPScaledObject") m["spec"]["replicas"]["min"] = 1;
                  if (m.value("kind", "") == "ScaledObject") m["spec"]["minReplicaCount"] = 1;
                });
              });
  if (argocd)
    candidate(fmt::format("remove {} from the {} manifest in Git", field, ref.kind),
              fmt::format("git.commits[*].files[*][{}].{} removed", ref.str(), field), [&](json& d) {
                for_each_manifest(d, false, true, false, [&](json& m) {
                  if (same_object(m, ref)) erase_pointer(m, field);
                });
              });
  if (argocd)
    candidate("turn ArgoCD self-heal off", "objects[kind=Application].spec.syncPolicy.automated.selfHeal = false",
              [&](json& d) {
                for_each_manifest(d, true, false, false, [&](json& m) {
                  if (!m.is_object() || m.value("kind", "") != "Application") return;
                  const json::json_pointer p("/spec/syncPolicy/automated");
                  if (m.contains(p) && m[p].is_object()) m[p]["selfHeal"] = false;
                });
              });
  if (kubectl)
    candidate(fmt::format("remove {} from the manifest that kubectl applies", field),
              fmt::format("timeline[action=kubectl apply].manifest[{}].{} removed", ref.str(), field), [&](json& d) {
                for_each_manifest(d, false, false, true, [&](json& m) {
                  if (same_object(m, ref)) erase_pointer(m, field);
                });
              });
  return out;
}

}  // namespace kcsim
