// `describe deployment` and `describe replicaset` (sim/views/kubectl_describe.hpp), and the
// Deployment's ReplicaSets that `describe` and `rollout history` read. Source: k8s.io/kubectl
// v0.32.0 pkg/describe/describe.go (describeDeployment, printReplicaSetsByLabels,
// describeReplicaSet, getPodStatusForController) and pkg/util/deployment/deployment.go
// (GetAllReplicaSets, listReplicaSets, findNewReplicaSet, equalIgnoreHash, findOldReplicaSets).
#include <algorithm>

#include <fmt/format.h>

#include "kcsim/k8s/label_selector.hpp"
#include "kubectl_describe.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim::kubectl_detail {
namespace {

// equalIgnoreHash: the templates equal once the pod-template-hash label is dropped from both
// (semantic DeepEqual: an empty label map is the same as none).
bool equal_ignore_hash(json a, json b) {
  for (json* t : {&a, &b}) {
    if (!t->is_object() || !t->contains("metadata") || !(*t)["metadata"].is_object()) continue;
    json& md = (*t)["metadata"];
    if (md.contains("labels") && md["labels"].is_object()) {
      md["labels"].erase(k8s::kPodTemplateHashLabel);
      if (md["labels"].empty()) md.erase("labels");
    }
    if (md.empty()) t->erase("metadata");
  }
  return a == b;
}

// An IntOrString as intstr.String() prints it.
std::string int_or_percent(const json* v, const std::string& def) {
  if (!v || v->is_null()) return def;
  return v->is_string() ? v->get<std::string>() : go_sprint(*v);
}

// The status conditions as describeDeployment and describeReplicaSet print them.
void describe_workload_conditions(PrefixWriter& w, const json& obj) {
  const json& conds = array_at(obj, {"status", "conditions"});
  if (conds.empty()) return;
  w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
  w.write(1, "----\t------\t------\n");
  for (const json& c : conds) w.write(1, fmt::format("{} \t{}\t{}\n", str(c, {"type"}), str(c, {"status"}), str(c, {"reason"})));
}

// printReplicaSetsByLabels: "name (current/desired replicas created)", or "<none>".
std::string replica_sets_line(const std::vector<ObjectPtr>& sets) {
  std::vector<std::string> parts;
  for (const ObjectPtr& rs : sets)
    parts.push_back(fmt::format("{} ({}/{} replicas created)", name_of(*rs), integer(*rs, {"status", "replicas"}), integer(*rs, {"spec", "replicas"}, 1)));
  return parts.empty() ? "<none>" : join(parts, ", ");
}

}  // namespace

DeploymentReplicaSets deployment_replica_sets(const Ctx& ctx, const json& deployment) {
  DeploymentReplicaSets out;
  const json* selector = at(deployment, {"spec", "selector"});
  const std::string uid = str(deployment, {"metadata", "uid"});
  std::vector<ObjectPtr> owned;
  for (const ObjectPtr& rs : ctx.api.list("ReplicaSet", namespace_of(deployment))) {
    const json* labels = at(*rs, {"metadata", "labels"});
    if (!selector || !kcsim::selector_matches(*selector, labels ? *labels : json::object())) continue;
    // metav1.IsControlledBy: the controller reference names the Deployment's uid.
    bool controlled = false;
    for (const json& ref : array_at(*rs, {"metadata", "ownerReferences"}))
      if (boolean(ref, {"controller"}) && str(ref, {"uid"}) == uid) controlled = true;
    if (controlled) owned.push_back(rs);
  }
  // replicaSetsByCreationTimestamp: by creation time, names breaking ties.
  std::stable_sort(owned.begin(), owned.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
    const auto ta = unix_us(at(*a, {"metadata", "creationTimestamp"})).value_or(0);
    const auto tb = unix_us(at(*b, {"metadata", "creationTimestamp"})).value_or(0);
    return ta != tb ? ta < tb : name_of(*a) < name_of(*b);
  });
  const json* tmpl = at(deployment, {"spec", "template"});
  for (const ObjectPtr& rs : owned) {
    const json* t = at(*rs, {"spec", "template"});
    if (!out.new_set && tmpl && t && equal_ignore_hash(*tmpl, *t)) out.new_set = rs;
    else out.old_sets.push_back(rs);
  }
  return out;
}

// describeDeployment. The API server defaults what kcsim's models may leave unset (replicas 1,
// strategy RollingUpdate with 25% / 25%): printed as the defaulted object would show them.
std::string describe_deployment(const Ctx& ctx, const json& d, bool show_events) {
  PrefixWriter w;
  w.write(0, "Name:\t" + name_of(d) + "\n");
  w.write(0, "Namespace:\t" + namespace_of(d) + "\n");
  const auto created = unix_us(at(d, {"metadata", "creationTimestamp"}));
  w.write(0, "CreationTimestamp:\t" + rfc1123z(created.value_or(0) / 1000000) + "\n");
  describe_labels(w, "Labels", at(d, {"metadata", "labels"}));
  describe_annotations(w, "Annotations", at(d, {"metadata", "annotations"}));
  const json* selector = at(d, {"spec", "selector"});
  w.write(0, "Selector:\t" + (selector ? label_selector_string(*selector).value_or("") : std::string()) + "\n");
  w.write(0, fmt::format("Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n", integer(d, {"spec", "replicas"}, 1),
                         integer(d, {"status", "updatedReplicas"}), integer(d, {"status", "replicas"}),
                         integer(d, {"status", "availableReplicas"}), integer(d, {"status", "unavailableReplicas"})));
  const std::string strategy = str(d, {"spec", "strategy", "type"}, "RollingUpdate");
  w.write(0, "StrategyType:\t" + strategy + "\n");
  w.write(0, fmt::format("MinReadySeconds:\t{}\n", integer(d, {"spec", "minReadySeconds"})));
  if (strategy == "RollingUpdate" || at(d, {"spec", "strategy", "rollingUpdate"}))
    w.write(0, fmt::format("RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                           int_or_percent(at(d, {"spec", "strategy", "rollingUpdate", "maxUnavailable"}), "25%"),
                           int_or_percent(at(d, {"spec", "strategy", "rollingUpdate", "maxSurge"}), "25%")));
  describe_pod_template(w, ctx, at(d, {"spec", "template"}));
  describe_workload_conditions(w, d);
  const DeploymentReplicaSets sets = deployment_replica_sets(ctx, d);
  if (!sets.old_sets.empty() || sets.new_set) {
    w.write(0, "OldReplicaSets:\t" + replica_sets_line(sets.old_sets) + "\n");
    w.write(0, "NewReplicaSet:\t" + replica_sets_line(sets.new_set ? std::vector<ObjectPtr>{sets.new_set} : std::vector<ObjectPtr>{}) + "\n");
  }
  if (show_events) describe_events(w, ctx, events_for(ctx, d));
  return tabbed_string(w);
}

// describeReplicaSet; Pods Status counts the pods the selector selects whose controller is this
// ReplicaSet (getPodStatusForController), by phase.
std::string describe_replicaset(const Ctx& ctx, const json& rs, bool show_events) {
  PrefixWriter w;
  w.write(0, "Name:\t" + name_of(rs) + "\n");
  w.write(0, "Namespace:\t" + namespace_of(rs) + "\n");
  const json* selector = at(rs, {"spec", "selector"});
  w.write(0, "Selector:\t" + (selector ? format_label_selector(*selector) : std::string("<none>")) + "\n");
  describe_labels(w, "Labels", at(rs, {"metadata", "labels"}));
  describe_annotations(w, "Annotations", at(rs, {"metadata", "annotations"}));
  if (const std::string by = controlled_by(rs); !by.empty()) w.write(0, "Controlled By:\t" + by + "\n");
  w.write(0, fmt::format("Replicas:\t{} current / {} desired\n", integer(rs, {"status", "replicas"}), integer(rs, {"spec", "replicas"}, 1)));
  int running = 0, waiting = 0, succeeded = 0, failed = 0;
  const std::string uid = str(rs, {"metadata", "uid"});
  for (const ObjectPtr& pod : ctx.api.list("Pod", namespace_of(rs))) {
    const json* labels = at(*pod, {"metadata", "labels"});
    if (!selector || !kcsim::selector_matches(*selector, labels ? *labels : json::object())) continue;
    bool mine = false;
    for (const json& ref : array_at(*pod, {"metadata", "ownerReferences"}))
      if (boolean(ref, {"controller"})) mine = str(ref, {"uid"}) == uid;
    if (!mine) continue;
    const std::string phase = str(*pod, {"status", "phase"});
    if (phase == "Running") ++running;
    else if (phase == "Pending") ++waiting;
    else if (phase == "Succeeded") ++succeeded;
    else if (phase == "Failed") ++failed;
  }
  w.write(0, fmt::format("Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n", running, waiting, succeeded, failed));
  describe_pod_template(w, ctx, at(rs, {"spec", "template"}));
  describe_workload_conditions(w, rs);
  if (show_events) describe_events(w, ctx, events_for(ctx, rs));
  return tabbed_string(w);
}

}  // namespace kcsim::kubectl_detail
