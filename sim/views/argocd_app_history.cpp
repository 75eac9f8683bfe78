// `argocd app history APPNAME` and `argocd app resources APPNAME` (sim/views/kubectl_context.hpp):
// what the Argo CD CLI prints from the Application's status.history and from its resource tree.
// Source: argo-cd cmd/argocd/commands/app.go printApplicationHistoryTable and
// NewApplicationHistoryCommand, and cmd/argocd/commands/app_resources.go printResources and
// NewApplicationListResourcesCommand, read at v2.8.0, v2.10.0, v2.11.0, v2.13.0, v3.0.0, v3.3.0
// and v3.5.0. Both through text/tabwriter (0, 0, 2).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "kubectl_context.hpp"

namespace kcsim::kubectl_detail {
namespace {

KubectlResult app_not_found(const std::string& name) {
  return {"", fmt::format("FATA[0000] rpc error: code = NotFound desc = applications.argoproj.io \"{}\" not found\n", name), 20};
}

// printApplicationHistoryTable. From Argo CD 2.11 the entries are grouped by source repository,
// each group headed "SOURCE\t<repoURL>" and separated by a blank line; before, one ID DATE
// REVISION table. REVISION is the targetRevision, followed by the first seven characters of the
// resolved revision when it has at least seven. DATE is deployedAt as Go's time.Time.String()
// prints it (in the CLI's time zone; kcsim prints UTC, as everywhere).
std::string history_table(const Ctx& ctx, const json& app) {
  struct Row {
    std::int64_t id;
    std::string date, revision;
  };
  std::vector<std::string> keys;  // repository URLs in order of first appearance
  std::map<std::string, std::vector<Row>> rows;
  auto add = [&](const std::string& repo, const Row& row) {
    if (!rows.count(repo)) keys.push_back(repo);
    rows[repo].push_back(row);
  };
  for (const json& h : array_at(app, {"status", "history"})) {
    const std::string date = go_time_string(at(h, {"deployedAt"}));
    if (const json& sources = array_at(h, {"sources"}); at(h, {"sources"}) && at(h, {"sources"})->is_array()) {
      const json& revisions = array_at(h, {"revisions"});
      for (std::size_t i = 0; i < sources.size(); ++i) {
        std::string rev = str(sources[i], {"targetRevision"});
        if (revisions.size() == sources.size() && revisions[i].is_string() && revisions[i].get<std::string>().size() >= 7)
          rev += " (" + revisions[i].get<std::string>().substr(0, 7) + ")";
        add(str(sources[i], {"repoURL"}), {integer(h, {"id"}), date, rev});
      }
    } else {
      std::string rev = str(h, {"source", "targetRevision"});
      if (const std::string r = str(h, {"revision"}); r.size() >= 7) rev += " (" + r.substr(0, 7) + ")";
      add(str(h, {"source", "repoURL"}), {integer(h, {"id"}), date, rev});
    }
  }
  std::string text;
  if (!ctx.versions.at_least("argocd", "2.11")) {
    text = "ID\tDATE\tREVISION\n";
    for (const json& h : array_at(app, {"status", "history"})) {
      std::string rev = str(h, {"source", "targetRevision"});
      if (const std::string r = str(h, {"revision"}); r.size() >= 7) rev += " (" + r.substr(0, 7) + ")";
      text += fmt::format("{}\t{}\t{}\n", integer(h, {"id"}), go_time_string(at(h, {"deployedAt"})), rev);
    }
    return go_tabwriter(text, 0, 2);
  }
  for (std::size_t k = 0; k < keys.size(); ++k) {
    text += "SOURCE\t" + keys[k] + "\n";
    text += "ID\tDATE\tREVISION\n";
    for (const Row& r : rows[keys[k]]) text += fmt::format("{}\t{}\t{}\n", r.id, r.date, r.revision);
    if (k + 1 < keys.size()) text += "\n";
  }
  return go_tabwriter(text, 0, 2);
}

// printResources, default output: the nodes of the resource tree without parents, in the order
// ApplicationTree.Normalize gives them (by "group/kind/namespace/name"), ORPHANED "No"; then the
// orphaned nodes, "Yes". The tree's nodes without parents are the Application's managed resources
// that exist in the cluster (status.resources, looked up live) and have no owner references.
// Orphaned resources are reported only when the AppProject monitors them, which kcsim does not
// simulate: there are none.
std::string resources_table(const Ctx& ctx, const json& app, bool list_managed) {
  std::string text = "GROUP\tKIND\tNAMESPACE\tNAME\tORPHANED\n";
  std::vector<std::pair<std::string, const json*>> nodes;
  for (const json& r : array_at(app, {"status", "resources"})) {
    const ObjectPtr live = ctx.api.get({str(r, {"kind"}), str(r, {"namespace"}), str(r, {"name"})});
    if (!live || !array_at(*live, {"metadata", "ownerReferences"}).empty()) continue;
    nodes.emplace_back(fmt::format("{}/{}/{}/{}", str(r, {"group"}), str(r, {"kind"}), str(r, {"namespace"}), str(r, {"name"})), &r);
  }
  std::stable_sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (list_managed)
    for (const auto& [full_name, r] : nodes)
      text += fmt::format("{}\t{}\t{}\t{}\tNo\n", str(*r, {"group"}), str(*r, {"kind"}), str(*r, {"namespace"}), str(*r, {"name"}));
  return go_tabwriter(text, 0, 2);
}

}  // namespace

KubectlResult run_argocd_app_lists(const Ctx& ctx, const std::vector<std::string>& args) {
  const std::string verb = args.at(1);
  const std::vector<std::string> rest(args.begin() + 2, args.end());
  const Parsed p = verb == "history"
                       ? parse_flags(rest, {{"app-namespace", 'N', true}, {"output", 'o', true}, {"server", 0, true}}, "argocd app history")
                       : parse_flags(rest, {{"orphaned", 0, false}, {"output", 0, true}, {"project", 0, true}, {"server", 0, true}},
                                     "argocd app resources");
  if (p.positional.size() != 1) throw KubectlUsageError(fmt::format("argocd app {} takes exactly one APPNAME", verb));
  // argo.ParseFromQualifiedName: "NS/NAME", else -N (history only; resources passes ""), else the
  // control plane's namespace.
  std::string app_name = p.positional[0], app_ns = verb == "history" ? p.get("app-namespace", "argocd") : "argocd";
  if (const std::size_t slash = app_name.find('/'); slash != std::string::npos) {
    app_ns = app_name.substr(0, slash);
    app_name = app_name.substr(slash + 1);
  }
  const ObjectPtr app = ctx.api.get({"Application", app_ns, app_name});
  if (!app) return app_not_found(app_name);
  KubectlResult result;
  if (verb == "history") {
    const std::string output = p.get("output", "wide");
    if (output == "id") {
      for (const json& h : array_at(*app, {"status", "history"})) result.out += fmt::format("{}\n", integer(h, {"id"}));
    } else if (output == "wide" || output.empty()) {
      result.out = history_table(ctx, *app);
    } else {
      throw KubectlUsageError(fmt::format("unknown output format: {} (argocd app history supports wide, id)", output));
    }
    return result;
  }
  const std::string output = p.get("output");
  if (!output.empty())
    throw KubectlUsageError(fmt::format("kcsim prints `argocd app resources` in its default layout only, not --output {}", output));
  // listAll unless --orphaned was given: managed nodes unless only orphaned ones are asked for.
  const bool only_orphaned = p.has("orphaned") && p.flag("orphaned");
  result.out = resources_table(ctx, *app, !only_orphaned);
  return result;
}

}  // namespace kcsim::kubectl_detail
