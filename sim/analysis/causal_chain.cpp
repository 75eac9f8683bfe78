#include "kcsim/analysis/causal_chain.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace kcsim {
namespace {

std::string plain(const ObjectRef& ref) {
  return ref.ns.empty() ? fmt::format("{} {}", ref.kind, ref.name) : fmt::format("{} {}/{}", ref.kind, ref.ns, ref.name);
}

std::string value_text(const json& v) {
  if (v.is_null()) return "(unset)";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Why a manager writes the disputed field (docs/models/keda-hpa.md, docs/models/argocd-git.md).
// The texts' "(keda-hpa.md 1.4)" / "(argocd-k8s.md 1.4)" tags are output, left as they are.
std::string field_rule(const WriteRecord& w) {
  const bool down = w.new_value.is_number_integer() && w.old_value.is_number_integer() &&
                    w.new_value.get<std::int64_t>() < w.old_value.get<std::int64_t>();
  const bool to_zero = w.new_value.is_number_integer() && w.new_value.get<std::int64_t>() == 0;
  if (w.manager == "keda") {
    if (to_zero) return "KEDA: triggers inactive and lastActiveTime + cooldownPeriod passed (keda-hpa.md 1.4)";
    return "KEDA: a trigger is active or replicas are below minReplicaCount, so the target is scaled to "
           "max(minReplicaCount, 1) (keda-hpa.md 1.4)";
  }
  if (w.manager == "argocd-controller")
    return "ArgoCD self-heal: OutOfSync, same revision, backoff wait elapsed (argocd-k8s.md 1.4)";
  if (w.manager == "kube-controller-manager" && w.field == "/spec/replicas")
    return down ? "HPA: desired = ceil(current x metric / target) is lower, after the scale-down stabilization window"
                : "HPA: desired = ceil(current x metric / target), clamped to [minReplicas, maxReplicas]";
  if (starts_with(w.manager, "kubectl"))
    return w.operation == "Apply" ? "kubectl apply --server-side: the manifest's value is applied"
                                  : "kubectl apply: the manifest's value replaces the live one";
  return fmt::format("{} writes the field ({})", w.manager, w.operation);
}

std::string field_action(const WriteRecord& w) {
  const std::string through = w.subresource == "scale" ? " through the scale subresource"
                              : w.operation == "Apply" ? " by server-side apply"
                              : w.operation == "Patch" ? " by a patch"
                                                       : " by an update";
  if (w.field == "/spec/replicas")
    return fmt::format("scales {} {} -> {}{}", plain(w.object), value_text(w.old_value), value_text(w.new_value), through);
  return fmt::format("sets {} {} {} -> {}{}", plain(w.object), w.field, value_text(w.old_value), value_text(w.new_value),
                     through);
}

struct Step {
  SimTime at;
  int order;  // tie-break: history order
  json step;
};

std::string event_rule(const std::string& reason, const std::string& message) {
  if (reason == "KEDAScaleTargetDeactivated") return "KEDA: all triggers inactive (keda-hpa.md 1.4)";
  if (reason == "KEDAScaleTargetActivated") return "KEDA: a trigger became active (keda-hpa.md 1.4)";
  if (reason == "ResourceUpdated" && message.find("-> OutOfSync") != std::string::npos)
    return "ArgoCD: a live field differs from the desired state in Git and is not ignored (argocd-k8s.md 1.4)";
  if (reason == "ResourceUpdated") return "ArgoCD: the comparison result changed";
  if (reason == "OperationStarted") return "ArgoCD automated sync with selfHeal: OutOfSync at the same revision (argocd-k8s.md 1.4)";
  if (reason == "OperationCompleted") return "ArgoCD: the sync operation applied the Git manifests";
  if (reason == "ScalingReplicaSet") return "Deployment controller: the ReplicaSet follows Deployment spec.replicas";
  if (reason == "SuccessfulCreate") return "ReplicaSet controller: pods < spec.replicas";
  if (reason == "SuccessfulDelete") return "ReplicaSet controller: pods > spec.replicas";
  if (reason == "SuccessfulRescale") return "HPA: the metrics give a new desired replica count";
  return "";
}

// One Event as the chains read it, parsed once per report: a fleet's report builds a chain per
// fight, and re-reading every Event's JSON for each fight made the report quadratic in services.
struct EventStep {
  SimTime at;
  std::size_t index;  // position in ApiServer::events(): the tie-break order of the original scan
  std::string reason, message, rule, kind, name, ns, component;
};

// The Events that can take part in a chain (a known rule, a parseable time), sorted by time.
std::vector<EventStep> index_events(const ApiServer& api) {
  std::vector<EventStep> out;
  const std::vector<EventRecord>& events = api.events();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventRecord& ev = events[i];
    std::string rule = event_rule(ev.reason, ev.message);
    if (rule.empty()) continue;
    const std::optional<SimTime> at = ev.last ? ev.last : ev.first;
    if (!at) continue;
    out.push_back({*at, i, ev.reason, ev.message, std::move(rule), ev.involved.kind, ev.involved.name,
                   ev.involved.ns, ev.component.empty() ? "?" : ev.component});
  }
  std::stable_sort(out.begin(), out.end(), [](const EventStep& a, const EventStep& b) { return a.at < b.at; });
  return out;
}

// The writes of each fought-over field, in time order, from one pass over the history for all
// fights (one scan per fight made a fleet's report grow with its size squared).
using FieldWrites = std::map<std::pair<ObjectRef, std::string>, std::vector<const WriteRecord*>>;

std::pair<ObjectRef, std::string> fight_key(const json& fight) {
  return {ObjectRef::parse(fight.value("object", "")), fight.value("field", "")};
}

FieldWrites field_writes(const ApiServer& api, const json& fights) {
  FieldWrites out;
  for (const json& f : fights) out[fight_key(f)];
  for (const WriteRecord& w : api.writes())
    if (auto it = out.find(std::make_pair(w.object, w.field)); it != out.end()) it->second.push_back(&w);
  return out;
}

json chain_for(const World& world, const json& fight, const std::vector<EventStep>& event_steps,
               const FieldWrites& by_field) {
  const ApiServer& api = world.api();
  const std::pair<ObjectRef, std::string> key = fight_key(fight);
  const ObjectRef& target = key.first;
  const std::string& field = key.second;
  const auto& writes = api.writes();

  // The hand-overs of the field, as find_fights counts them.
  const std::vector<const WriteRecord*>& list = by_field.at(key);
  std::vector<const WriteRecord*> handovers;
  for (std::size_t i = 1; i < list.size(); ++i)
    if (list[i]->manager != list[i - 1]->manager && list[i]->new_value != list[i - 1]->new_value)
      handovers.push_back(list[i]);
  if (handovers.size() < 3) return json::array();
  // The last complete cycle: from one hand-over to the next hand-over by the same manager.
  const WriteRecord* close = handovers.back();
  const WriteRecord* open = nullptr;
  for (std::size_t i = handovers.size() - 1; i-- > 0;)
    if (handovers[i]->manager == close->manager) {
      open = handovers[i];
      break;
    }
  if (!open) return json::array();
  const SimTime from = open->at, to = close->at;

  const Epoch& epoch = api.epoch();
  std::vector<Step> steps;
  int order = 0;
  auto add = [&](SimTime at, const std::string& actor, const std::string& action, const std::string& rule) {
    steps.push_back({at, order++,
                     json{{"at", epoch.clock(at)},
                          {"at_s", std::round(to_seconds(at) * 1e3) / 1e3},
                          {"actor", actor},
                          {"action", action},
                          {"rule", rule}}});
  };
  const std::string prefix = target.name + "-";
  // The history is in time order: start at the cycle's first write instead of scanning it all.
  const auto first = std::partition_point(writes.begin(), writes.end(), [&](const WriteRecord& w) { return w.at < from; });
  for (auto wit = first; wit != writes.end(); ++wit) {
    const WriteRecord& w = *wit;
    if (w.at > to) break;
    if (w.object == target && w.field == field) {
      if (w.old_value == w.new_value) continue;
      add(w.at, w.manager, field_action(w), field_rule(w));
    } else if (w.object.ns == target.ns && w.object.kind == "ReplicaSet" && starts_with(w.object.name, prefix) &&
               w.field == "/spec/replicas" && w.old_value != w.new_value) {
      add(w.at, w.manager, field_action(w), "Deployment controller: the ReplicaSet follows Deployment spec.replicas");
    } else if (w.object.ns == target.ns && w.object.kind == "Pod" && starts_with(w.object.name, prefix) &&
               w.field.empty() && (w.operation == "Create" || w.operation == "Delete")) {
      add(w.at, w.manager,
          fmt::format("{} Pod {}/{}", w.operation == "Create" ? "creates" : "deletes", w.object.ns, w.object.name),
          w.operation == "Create" ? "ReplicaSet controller: pods < spec.replicas"
                                  : (w.manager == "kubelet" ? "kubelet: the pod was deleted and its containers stopped"
                                                            : "ReplicaSet controller: pods > spec.replicas"));
    } else if (w.object == target && w.field == "/status/readyReplicas" && w.old_value != w.new_value) {
      add(w.at, w.manager, fmt::format("sets {} status.readyReplicas {} -> {}", plain(w.object), value_text(w.old_value),
                                       value_text(w.new_value)),
          "Deployment controller: counts the ready pods of its ReplicaSets");
    } else if (w.object.kind == "Application" && w.old_value != w.new_value &&
               (w.field == "/status/sync/status" || w.field == "/status/operationState/phase")) {
      add(w.at, w.manager,
          fmt::format("sets {} {} {} -> {}", plain(w.object), w.field, value_text(w.old_value), value_text(w.new_value)),
          w.field == "/status/sync/status"
              ? "ArgoCD: compares the live objects with the Git manifests (argocd-k8s.md 1.4)"
              : "ArgoCD: sync operation progress (argocd-k8s.md 1.4)");
    }
  }
  // Events (second precision; a repeated Event keeps only its last occurrence), in the order of
  // ApiServer::events() like the steps above (the sort below breaks ties by that order).
  const auto lo = std::partition_point(event_steps.begin(), event_steps.end(),
                                       [&](const EventStep& e) { return e.at + seconds(1) <= from; });
  std::vector<const EventStep*> in_cycle;
  for (auto it = lo; it != event_steps.end() && it->at <= to; ++it) {
    const EventStep& e = *it;
    const bool related = (e.kind == target.kind && e.name == target.name && e.ns == target.ns) ||
                         (e.ns == target.ns && (e.kind == "ReplicaSet" || e.kind == "Pod") && starts_with(e.name, prefix)) ||
                         (e.ns == target.ns && (e.kind == "ScaledObject" || e.kind == "HorizontalPodAutoscaler")) ||
                         e.kind == "Application";
    if (related) in_cycle.push_back(&e);
  }
  std::sort(in_cycle.begin(), in_cycle.end(), [](const EventStep* a, const EventStep* b) { return a->index < b->index; });
  for (const EventStep* e : in_cycle)
    add(e->at, e->component,
        fmt::format("records Event {} on {} {}{}: \"{}\"", e->reason, e->kind, e->ns.empty() ? "" : e->ns + "/", e->name,
                    e->message),
        e->rule);
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return std::tie(a.at, a.order) < std::tie(b.at, b.order); });
  json chain = json::array();
  for (Step& s : steps) chain.push_back(std::move(s.step));
  return chain;
}

}  // namespace

json build_causal_chain(const World& world, const json& fight) {
  const json fights = json::array({fight});
  return chain_for(world, fight, index_events(world.api()), field_writes(world.api(), fights));
}

void add_causal_chains(const World& world, json& fights) {
  if (fights.empty()) return;
  const std::vector<EventStep> event_steps = index_events(world.api());
  const FieldWrites by_field = field_writes(world.api(), fights);
  for (json& f : fights) f["chain"] = chain_for(world, f, event_steps, by_field);
}

std::string render_causal_chain(const json& chain, const std::string& indent) {
  std::string out;
  std::size_t n = 0;
  for (const json& s : chain)
    out += fmt::format("{}{}. {} {} {}\n{}   because {}\n", indent, ++n, s.value("at", ""), s.value("actor", ""),
                       s.value("action", ""), indent, s.value("rule", ""));
  return out;
}

}  // namespace kcsim
