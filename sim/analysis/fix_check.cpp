#include "kcsim/analysis/fix_check.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"


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

// The roles of a fix, in the order the report lists them: the cause itself, a change that stops
// the fight but leaves the cause, and a change that stops it by giving something up.
constexpr const char* kRootCause = "root cause";
constexpr const char* kWorkaround = "workaround";
constexpr const char* kGivesUp = "gives something up";

// The `git` section and a Git file alike hold one object or an array of them.
std::vector<const json*> one_or_many(const json& v) {
  std::vector<const json*> out;
  if (v.is_array())
    for (const json& item : v) out.push_back(&item);
  else if (v.is_object())
    out.push_back(&v);
  return out;
}

// An Application of `objects` whose own manifest is in Git (by name and namespace) and differs
// from it: the live one was applied by hand (the six-minute loop's cause).
struct GitApplication {
  ObjectRef ref;
  std::string repo_url, file, dir;
};

std::vector<GitApplication> applications_in_git(const json& doc) {
  std::vector<GitApplication> out;
  if (!doc.contains("objects") || !doc["objects"].is_array() || !doc.contains("git")) return out;
  const json& git = doc["git"];
  const std::vector<const json*> repos = one_or_many(git);
  for (const json& live : doc["objects"]) {
    if (!live.is_object() || live.value("kind", "") != "Application") continue;
    const std::string name = str_at(live, {"metadata", "name"});
    const std::string ns = str_at(live, {"metadata", "namespace"});
    for (const json* repo : repos) {
      if (!repo->is_object() || !repo->contains("commits") || !(*repo)["commits"].is_array()) continue;
      std::optional<GitApplication> found;
      for (const json& commit : (*repo)["commits"]) {
        for (const char* section : {"files", "changes"}) {
          if (!commit.is_object() || !commit.contains(section) || !commit[section].is_object()) continue;
          for (const auto& [path, content] : commit[section].items()) {
            for (const json* m : one_or_many(content))
              if (m->is_object() && m->value("kind", "") == "Application" && str_at(*m, {"metadata", "name"}) == name &&
                  (str_at(*m, {"metadata", "namespace"}) == ns || str_at(*m, {"metadata", "namespace"}).empty()) &&
                  m->value("spec", json()) != live.value("spec", json()))
                found = GitApplication{ObjectRef{"Application", ns, name}, repo->value("repoURL", ""), path,
                                       path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/'))};
          }
        }
      }
      if (found && !found->dir.empty() && !found->repo_url.empty()) out.push_back(std::move(*found));
    }
  }
  return out;
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
  auto candidate = [&](const std::string& change, const std::string& patch, const char* role, const std::string& caveat,
                       const std::function<void(json&)>& edit) {
    json d = doc;
    edit(d);
    if (d != doc)
      out.push_back({{"change", change}, {"patch", patch}, {"role", role}, {"caveat", caveat}, {"doc", std::move(d)}});
  };
  std::string group = ref.kind == "Deployment" || ref.kind == "StatefulSet" || ref.kind == "ReplicaSet" ? "apps" : "";
  if (argocd) {
    // The root cause first: a live Application applied by hand that differs from its own
    // manifest in Git. An app-of-apps parent makes ArgoCD apply the Git version (and keep it).
    for (const GitApplication& g : applications_in_git(doc)) {
      const std::string base = g.dir.substr(g.dir.rfind('/') == std::string::npos ? 0 : g.dir.rfind('/') + 1);
      const std::string parent = "root-" + (base.empty() ? std::string("apps") : base);
      candidate(fmt::format("deploy the Applications in Git's {} through an app-of-apps parent Application {}, so that "
                            "the Git version of {} reaches the cluster",
                            g.dir, parent, g.ref.str()),
                fmt::format("objects += Application {}/{} {{source: {} path {} HEAD, automated selfHeal}}", g.ref.ns,
                            parent, g.repo_url, g.dir),
                kRootCause,
                fmt::format("the live {} was applied by hand and differs from its manifest in Git ({}); "
                            "from now on the parent keeps every Application in {} as Git says, so a hand edit of "
                            "them is reverted",
                            g.ref.str(), g.file, g.dir),
                [&](json& d) {
                  if (!d.contains("objects") || !d["objects"].is_array()) return;
                  for (const json& o : d["objects"])
                    if (o.is_object() && o.value("kind", "") == "Application" &&
                        str_at(o, {"spec", "source", "path"}) == g.dir &&
                        str_at(o, {"spec", "source", "repoURL"}) == g.repo_url)
                      return;  // a parent already deploys that directory
                  d["objects"].push_back(
                      {{"apiVersion", "argoproj.io/v1alpha1"},
                       {"kind", "Application"},
                       {"metadata", {{"name", parent}, {"namespace", g.ref.ns}}},
                       {"spec",
                        {{"project", "default"},
                         {"source", {{"repoURL", g.repo_url}, {"path", g.dir}, {"targetRevision", "HEAD"}}},
                         {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", g.ref.ns}}},
                         {"syncPolicy", {{"automated", {{"prune", false}, {"selfHeal", true}}}}}}}});
                });
    }
    candidate(fmt::format("ignore {} on {} in the live Application (ignoreDifferences + RespectIgnoreDifferences=true)",
                          field, ref.kind),
              fmt::format("objects[kind=Application].spec.ignoreDifferences += {{group: {}, kind: {}, jsonPointers: [{}]}}; "
                          "spec.syncPolicy.syncOptions += RespectIgnoreDifferences=true",
                          group.empty() ? "\"\"" : group, ref.kind, field),
              kWorkaround,
              "changes the cluster only: the next apply of the Application without the rule (from Git or by hand) "
              "brings the fight back, so the same rule belongs in the Application's manifest",
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
              kGivesUp,
              "no scale to zero: a pod runs at all times (see the price); the two writers agree only while "
              "KEDA wants Git's value, so under load, when KEDA scales above it, self-heal sets Git's value back "
              "again (scenarios/six-minute-loop-fix-min-replicas.json)",
              [&](json& d) {
                for_each_manifest(d, true, true, true, [&](json& m) {
                  if (!targets(m, ref)) return;
                  if (m.value("kind", "") == "HTTPScaledObject") m["spec"]["replicas"]["min"] = 1;
                  if (m.value("kind", "") == "ScaledObject") m["spec"]["minReplicaCount"] = 1;
                });
              });
  if (argocd)
    candidate(fmt::format("remove {} from the {} manifest in Git", field, ref.kind),
              fmt::format("git.commits[*].files[*][{}].{} removed", ref.str(), field), kRootCause,
              "the autoscaler alone sets the field from then on, as ArgoCD's documentation advises for a "
              "workload under an autoscaler; a new object starts at the API server's default (1 replica) until "
              "the autoscaler acts",
              [&](json& d) {
                for_each_manifest(d, false, true, false, [&](json& m) {
                  if (same_object(m, ref)) erase_pointer(m, field);
                });
              });
  if (argocd)
    candidate("turn ArgoCD self-heal off", "objects[kind=Application].spec.syncPolicy.automated.selfHeal = false",
              kGivesUp,
              "no drift correction for the whole Application: any hand change to any of its resources stays "
              "until the next sync (a new Git revision or a manual sync), which also resets this field once",
              [&](json& d) {
                for_each_manifest(d, true, false, false, [&](json& m) {
                  if (!m.is_object() || m.value("kind", "") != "Application") return;
                  const json::json_pointer p("/spec/syncPolicy/automated");
                  if (m.contains(p) && m[p].is_object()) m[p]["selfHeal"] = false;
                });
              });
  if (kubectl)
    candidate(fmt::format("remove {} from the manifest that kubectl applies", field),
              fmt::format("timeline[action=kubectl apply].manifest[{}].{} removed", ref.str(), field), kRootCause,
              "the pipeline's manifest no longer sets the field; the autoscaler alone sets it",
              [&](json& d) {
                for_each_manifest(d, false, false, true, [&](json& m) {
                  if (same_object(m, ref)) erase_pointer(m, field);
                });
              });
  return out;
}

}  // namespace kcsim
