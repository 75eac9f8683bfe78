// `kcsim kubectl ... rollout history deployment/NAME [--revision=N]` (sim/views/kubectl_context.hpp):
// a Deployment's revisions, read from its ReplicaSets. Source: k8s.io/kubectl v0.32.0
// pkg/cmd/rollout/rollout_history.go (Run: the name printer with the operation
// "with revision #N\n<history>" or "\n<history>") and pkg/polymorphichelpers/history.go
// (DeploymentHistoryViewer.ViewHistory, printTemplate, tabbedString with tabwriter (0, 8, 2)),
// cli-runtime pkg/printers/name.go printObj ("deployment.apps/NAME OPERATION").
#include <map>

#include <fmt/format.h>

#include "kubectl_describe.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim::kubectl_detail {
namespace {

constexpr const char* kChangeCause = "kubernetes.io/change-cause";

// ViewHistory. Each ReplicaSet of the Deployment (the old ones, then the new one) gives its
// revision (deploymentutil.Revision: the deployment.kubernetes.io/revision annotation, 0 when
// absent; a value that does not parse is skipped, with a klog warning upstream that kcsim leaves
// out) and its pod template, into which the ReplicaSet's change-cause annotation is copied. A later
// ReplicaSet with the same revision replaces an earlier one.
KubectlResult view_history(const Ctx& ctx, const json& deployment, std::int64_t revision) {
  std::map<std::int64_t, json> history;  // revision → pod template
  const DeploymentReplicaSets sets = deployment_replica_sets(ctx, deployment);
  std::vector<ObjectPtr> all = sets.old_sets;
  if (sets.new_set) all.push_back(sets.new_set);
  for (const ObjectPtr& rs : all) {
    std::int64_t v = 0;
    if (const json* a = at(*rs, {"metadata", "annotations", k8s::kRevisionAnnotation}); a && a->is_string()) {
      const std::string text = a->get<std::string>();
      std::size_t used = 0;
      try {
        v = std::stoll(text, &used);
      } catch (...) {
        continue;
      }
      if (used != text.size()) continue;
    }
    json tmpl = rs->value("spec", json::object()).value("template", json::object());
    if (const std::string cause = str(*rs, {"metadata", "annotations", kChangeCause}); !cause.empty())
      tmpl["metadata"]["annotations"][kChangeCause] = cause;
    history[v] = std::move(tmpl);
  }
  KubectlResult result;
  const std::string name = "deployment.apps/" + name_of(deployment);
  if (history.empty()) {
    result.out = name + " \nNo rollout history found.\n";
    return result;
  }
  if (revision > 0) {
    const auto it = history.find(revision);
    if (it == history.end()) {
      result.err = "error: unable to find the specified revision\n";
      result.status = 1;
      return result;
    }
    // printTemplate writes DescribePodTemplate straight to the buffer: no tabwriter, tabs kept.
    PrefixWriter w;
    describe_pod_template(w, ctx, &it->second);
    result.out = fmt::format("{} with revision #{}\n{}\n", name, revision, w.text);
    return result;
  }
  std::string table = "REVISION\tCHANGE-CAUSE\n";
  for (const auto& [r, tmpl] : history) {
    std::string cause = str(tmpl, {"metadata", "annotations", kChangeCause});
    table += fmt::format("{}\t{}\n", r, cause.empty() ? "<none>" : cause);
  }
  result.out = name + " \n" + go_tabwriter(table, 0, 2) + "\n";
  return result;
}

}  // namespace

// kubectl rollout history (TYPE NAME | TYPE/NAME | TYPE) [-n NS] [--revision=N]. Deployments only:
// StatefulSets and DaemonSets keep their history in ControllerRevisions, which kcsim does not
// simulate. The other rollout verbs change state (put them in the scenario's timeline) or wait.
KubectlResult run_rollout(const Ctx& ctx, const std::vector<std::string>& args) {
  const Parsed p = parse_flags(args, {{"namespace", 'n', true}, {"revision", 0, true}}, "kubectl rollout history");
  if (p.positional.empty() || p.positional[0] != "history")
    throw KubectlUsageError("kcsim kubectl supports `rollout history` only (status, undo, restart, pause and resume act on the cluster "
                            "or wait: put them in the scenario's timeline)");
  KubectlResult result;
  std::int64_t revision = 0;
  if (p.has("revision")) {
    const std::string text = p.get("revision");
    std::size_t used = 0;
    try {
      revision = std::stoll(text, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != text.size())
      throw KubectlUsageError(fmt::format("invalid argument \"{}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", text, text));
    if (revision < 0) return {"", fmt::format("error: revision must be a positive integer: {}\n", revision), 1};
  }
  std::vector<std::string> rest(p.positional.begin() + 1, p.positional.end());
  if (rest.empty()) return {"", "error: required resource not specified\n", 1};
  std::string type = rest[0];
  std::vector<std::string> names(rest.begin() + 1, rest.end());
  if (const std::size_t slash = type.find('/'); slash != std::string::npos) {
    names.insert(names.begin(), type.substr(slash + 1));
    type = type.substr(0, slash);
  }
  const auto res = resolve_resource(ctx.api, type);
  if (!res) return {"", fmt::format("error: the server doesn't have a resource type \"{}\"\n", type), 1};
  if (res->kind != "Deployment")
    throw KubectlUsageError(fmt::format("kcsim kubectl shows the rollout history of deployments only, not {}", res->plural));
  const std::string ns = p.get("namespace", "default");
  std::vector<ObjectPtr> deployments;
  if (names.empty()) deployments = ctx.api.list("Deployment", ns);  // none: nothing printed, as the visitor visits none
  for (const std::string& n : names) {
    if (const ObjectPtr d = ctx.api.get({"Deployment", ns, n})) deployments.push_back(d);
    else result.err += not_found(*res, n), result.status = 1;
  }
  for (const ObjectPtr& d : deployments) {
    const KubectlResult one = view_history(ctx, *d, revision);
    result.out += one.out;
    result.err += one.err;
    if (one.status) result.status = one.status;
  }
  return result;
}

}  // namespace kcsim::kubectl_detail
