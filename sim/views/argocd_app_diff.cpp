// `argocd app diff APPNAME` and `argocd app manifests APPNAME` (sim/views/kubectl_context.hpp):
// the Application's managed resources as the controller compares them, live against Git.
//
// Upstream (argo-cd cmd/argocd/commands/app.go, read at v3.3): both commands read the server's
// ManagedResources, one entry per resource in the order of the controller's reconciliation (the
// Git manifests in order, then the live objects that only the tracking ties to the app).
//  - diff (NewApplicationDiffCommand, findandPrintDiff): for each entry whose comparison is
//    Modified, or that is missing on one side, prints "\n===== <group>/<Kind> <namespace>/<name> ======\n"
//    and then what util/cli PrintDiff prints: it writes the YAML (sigs.k8s.io/yaml) of the
//    normalised live object and of the predicted live object (DiffResult.PredictedLive; the target
//    itself when one side is missing) to two temporary files and runs `diff LIVE TARGET`, the
//    normal format (normal_diff.hpp). Exit status 1 (--diff-exit-code, in the v3.4 reference)
//    when a difference was printed and --exit-code (default true), else 0.
//  - manifests (NewApplicationManifestsCommand): "---\n", then each entry's target state (--source
//    git, the default) or live state (--source live) as YAML and a blank line; "null" for a side
//    that does not exist.
// kcsim computes the entries at the instant asked, with the controller's own comparison
// (models/argocd/resource_comparison.hpp) of the live objects with the Git manifests of the
// revision the Application last compared to (status.sync.revision): the diff a refresh at that
// instant would find. Argo CD's CLI shows the controller's cached comparison, which can be up to
// one refresh older. Secrets are printed as stored (upstream masks their data values).
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "../../models/argocd/resource_comparison.hpp"
#include "../../models/git/git_repository.hpp"
#include "kubectl_context.hpp"
#include "normal_diff.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/views/yaml_writer.hpp"

namespace kcsim::kubectl_detail {
namespace {

constexpr const char* kHookAnnotation = "argocd.argoproj.io/hook";

// One entry of ManagedResources: the documents `diff` and `manifests` print.
struct Managed {
  std::string group, kind, ns, name;
  ObjectPtr live;         // null when missing
  json target;            // null when not in Git (the controller would prune it)
  bool modified = false;  // the controller's comparison
  json normalized_live;   // NormalizedLiveState
  json predicted_live;    // PredictedLiveState
};

bool has_sync_option(const json& app, const std::string& option) {
  for (const json& o : array_at(app, {"spec", "syncPolicy", "syncOptions"}))
    if (o.is_string() && o.get<std::string>() == option) return true;
  return false;
}

// The entries of CompareAppState for `app` at ctx's instant.
std::vector<Managed> managed_resources(const Ctx& ctx, const json& app) {
  static const json kNoSettings = json::object();
  const json& settings = ctx.argocd_settings ? *ctx.argocd_settings : kNoSettings;
  const std::string tracking = argocd::tracking_method(ctx.versions.get("argocd"), settings);
  const std::string app_name = str(app, {"metadata", "name"});
  const std::string dest_ns = str(app, {"spec", "destination", "namespace"});

  // Desired state: the manifests of the compared revision (an Application whose source cannot be
  // read has none, as the controller's failed comparison has none).
  std::vector<json> manifests;
  const json* source = at(app, {"spec", "source"});
  if (ctx.git && source && !at(app, {"spec", "sources"})) {
    const std::string url = str(*source, {"repoURL"});
    std::string sha = str(app, {"status", "sync", "revision"});
    if (sha.empty() && ctx.git->has_repository(url)) {
      const auto rev = ctx.git->resolve(url, str(*source, {"targetRevision"}), ctx.api.now());
      if (rev.ok()) sha = rev.value->sha;
    }
    if (!sha.empty() && ctx.git->has_repository(url)) {
      auto files = ctx.git->manifests(url, sha, str(*source, {"path"}), boolean(*source, {"directory", "recurse"}));
      if (files.ok()) manifests = std::move(*files.value);
    }
  }

  std::vector<Managed> out;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::size_t> seen;
  for (json& m : manifests) {
    if (!str(m, {"metadata", "annotations", kHookAnnotation}).empty()) continue;  // hooks: not modelled
    argocd::prepare_target(m, app_name, dest_ns, tracking);
    Managed r;
    r.group = api_group(m.value("apiVersion", ""));
    r.kind = m.value("kind", "");
    r.ns = str(m, {"metadata", "namespace"});
    r.name = str(m, {"metadata", "name"});
    r.target = std::move(m);
    const auto key = std::make_tuple(r.group, r.kind, r.ns, r.name);
    if (auto s = seen.find(key); s != seen.end()) {
      out[s->second] = std::move(r);  // DeduplicateTargetObjects: the later one wins
      continue;
    }
    seen[key] = out.size();
    out.push_back(std::move(r));
  }
  for (Managed& r : out) {
    const ObjectPtr live = ctx.api.get(ObjectRef{r.kind, r.ns, r.name});
    if (live && api_group(live->value("apiVersion", "")) == r.group) r.live = live;
  }
  // The live objects only the tracking ties to the app: status.resources lists them as
  // requiresPruning (in its group/kind/namespace/name order).
  for (const json& s : array_at(app, {"status", "resources"})) {
    if (!boolean(s, {"requiresPruning"})) continue;
    const auto key = std::make_tuple(str(s, {"group"}), str(s, {"kind"}), str(s, {"namespace"}), str(s, {"name"}));
    if (seen.count(key)) continue;
    const ObjectPtr live = ctx.api.get(ObjectRef{str(s, {"kind"}), str(s, {"namespace"}), str(s, {"name"})});
    if (!live || api_group(live->value("apiVersion", "")) != std::get<0>(key)) continue;
    Managed r;
    std::tie(r.group, r.kind, r.ns, r.name) = key;
    r.live = live;
    seen[key] = out.size();
    out.push_back(std::move(r));
  }

  std::string ignore_error;
  std::vector<argocd::IgnoreRule> rules =
      argocd::parse_ignore_differences(at(app, {"spec", "ignoreDifferences"}) ? *at(app, {"spec", "ignoreDifferences"}) : json(),
                                       &ignore_error);
  if (const json* c = at(settings, {"resourceCustomizations"})) {
    std::vector<argocd::IgnoreRule> system = argocd::customization_rules(*c);
    rules.insert(rules.end(), system.begin(), system.end());
  }
  const bool ssa_app = has_sync_option(app, "ServerSideApply=true");
  for (Managed& r : out) {
    const argocd::IgnoreSet ignores = argocd::match_ignores(rules, r.group, r.kind, r.name, r.ns);
    if (!r.live) {
      r.modified = true;
      continue;
    }
    const ObjectPtr live = with_managed_fields(r.live);
    if (r.target.is_null()) {
      r.modified = true;
      r.normalized_live = *argocd::normalize(live.get(), nullptr, nullptr, ignores).live;
      continue;
    }
    const bool server_side = ssa_app || argocd::has_sync_option_annotation(r.target, "ServerSideApply=true");
    const argocd::ResourceComparison c =
        argocd::compare_resource(*live, r.target, argocd::last_applied_of(*live), ignores, server_side, tracking);
    r.modified = c.modified;
    r.normalized_live = *c.norm.live;
    r.predicted_live = argocd::predicted_live(c, server_side);
  }
  return out;
}

// sigs.k8s.io/yaml of a document as the CLI prints it ("" for none: PrintDiff's empty file).
std::string yaml_of(const Ctx& ctx, const json& doc) {
  if (doc.is_null()) return "";
  return to_yaml(ctx.hide_simulator_annotations ? without_simulator_annotations(doc) : doc);
}

}  // namespace

KubectlResult run_argocd_app_diff(const Ctx& ctx, const std::vector<std::string>& args) {
  const std::string verb = args.at(1);
  const std::vector<std::string> rest(args.begin() + 2, args.end());
  const bool diff = verb == "diff";
  const Parsed p = diff ? parse_flags(rest,
                                      {{"app-namespace", 'N', true}, {"exit-code", 0, false}, {"diff-exit-code", 0, true}, {"refresh", 0, false},
                                       {"hard-refresh", 0, false}, {"server", 0, true}, {"local", 0, true},
                                       {"revision", 0, true}, {"server-side-generate", 0, false}},
                                      "argocd app diff")
                        : parse_flags(rest, {{"source", 0, true}, {"revision", 0, true}, {"local", 0, true}, {"server", 0, true}},
                                      "argocd app manifests");
  if (p.positional.size() != 1) throw KubectlUsageError(fmt::format("argocd app {} takes exactly one APPNAME", verb));
  for (const char* unsupported : {"local", "revision", "server-side-generate"})
    if (p.has(unsupported))
      throw KubectlUsageError(fmt::format("kcsim's `argocd app {}` compares with the revision the Application last compared to; "
                                          "--{} is not supported",
                                          verb, unsupported));
  const std::string source = p.get("source", "git");
  if (source != "git" && source != "live")
    return {"", fmt::format("FATA[0000] Unknown source type '{}'\n", source), 1};
  // argo.ParseFromQualifiedName: "NS/NAME", else -N (diff; manifests passes ""), else the
  // control plane's namespace.
  std::string app_name = p.positional[0], app_ns = diff ? p.get("app-namespace", "argocd") : "argocd";
  if (app_ns.empty()) app_ns = "argocd";
  if (const std::size_t slash = app_name.find('/'); slash != std::string::npos) {
    app_ns = app_name.substr(0, slash);
    app_name = app_name.substr(slash + 1);
  }
  const ObjectPtr app = ctx.api.get({"Application", app_ns, app_name});
  if (!app) return {"", fmt::format("FATA[0000] rpc error: code = NotFound desc = applications.argoproj.io \"{}\" not found\n", app_name), 20};

  const std::vector<Managed> resources = managed_resources(ctx, *app);
  KubectlResult result;
  if (!diff) {
    for (const Managed& r : resources) {
      json doc = source == "git" ? r.target : r.live ? *with_managed_fields(r.live) : json();
      const std::string yaml = doc.is_null() ? "null\n" : yaml_of(ctx, doc);
      result.out += "---\n" + yaml + "\n";
    }
    return result;
  }
  bool found = false;
  for (const Managed& r : resources) {
    if (!r.modified) continue;
    found = true;
    result.out += fmt::format("\n===== {}/{} {}/{} ======\n", r.group, r.kind, r.ns, r.name);
    // Both sides present: normalised live against predicted live; otherwise the one that exists.
    const json& target = r.live && !r.target.is_null() ? r.predicted_live : r.target;
    result.out += normal_diff(yaml_of(ctx, r.normalized_live), yaml_of(ctx, target));
  }
  // --exit-code (default true): --diff-exit-code (default 1) when a difference was found.
  int diff_status = 1;
  if (p.has("diff-exit-code")) {
    const std::string v = p.get("diff-exit-code");
    std::size_t used = 0;
    try {
      diff_status = std::stoi(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (v.empty() || used != v.size())
      throw KubectlUsageError(fmt::format("invalid argument \"{}\" for \"--diff-exit-code\" flag: expected an integer", v));
  }
  if (found && (!p.has("exit-code") || p.flag("exit-code"))) result.status = diff_status;
  return result;
}

}  // namespace kcsim::kubectl_detail
