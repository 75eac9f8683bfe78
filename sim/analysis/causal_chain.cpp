#include "kcsim/analysis/causal_chain.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "kcsim/analysis/vocabulary.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

std::string value_text(const json& v) {
  if (v.is_null()) return "(unset)";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Why a manager writes the disputed field. Each text ends with the page and section of docs/models/
// that states the rule with its upstream source, so that a reader of the report can follow it.
constexpr const char* kKedaRule = "(docs/models/keda-hpa.md, KEDA)";
constexpr const char* kArgoSelfHeal = "(docs/models/argocd-git.md, Automated sync and self-heal)";
constexpr const char* kArgoCompare = "(docs/models/argocd-git.md, Comparing)";

std::string field_rule(const WriteRecord& w) {
  const bool down = w.new_value().is_number_integer() && w.old_value().is_number_integer() &&
                    w.new_value().get<std::int64_t>() < w.old_value().get<std::int64_t>();
  const bool to_zero = w.new_value().is_number_integer() && w.new_value().get<std::int64_t>() == 0;
  if (w.manager() == "keda") {
    if (to_zero) return fmt::format("KEDA: triggers inactive and lastActiveTime + cooldownPeriod passed {}", kKedaRule);
    return fmt::format("KEDA: a trigger is active or replicas are below minReplicaCount, so the target is scaled to "
                       "max(minReplicaCount, 1) {}", kKedaRule);
  }
  if (w.manager() == "argocd-controller")
    return fmt::format("ArgoCD self-heal: OutOfSync, same revision, backoff wait elapsed {}", kArgoSelfHeal);
  if (w.manager() == "kube-controller-manager" && w.field() == "/spec/replicas")
    return down ? "HPA: desired = ceil(current x metric / target) is lower, after the scale-down stabilization window"
                : "HPA: desired = ceil(current x metric / target), clamped to [minReplicas, maxReplicas]";
  if (starts_with(w.manager(), "kubectl"))
    return w.operation() == "Apply" ? "kubectl apply --server-side: the manifest's value is applied"
                                  : "kubectl apply: the manifest's value replaces the live one";
  return fmt::format("{} writes the field ({})", w.manager(), w.operation());
}

std::string field_action(const WriteRecord& w) {
  const std::string through = w.subresource() == "scale" ? " through the scale subresource"
                              : w.operation() == "Apply" ? " by server-side apply"
                              : w.operation() == "Patch" ? " by a patch"
                                                       : " by an update";
  if (w.field() == "/spec/replicas")
    return fmt::format("scales {} {} -> {}{}", object_phrase(w.object()), value_text(w.old_value()), value_text(w.new_value()), through);
  return fmt::format("sets {} {} {} -> {}{}", object_phrase(w.object()), w.field(), value_text(w.old_value()), value_text(w.new_value()),
                     through);
}

// A chain is for reading: at most this many steps (issue #19). When a cycle has more, the steps
// that explain least go first: an Application's status, then pods, then ReplicaSets; the writes of
// the disputed field always stay.
constexpr std::size_t kMaxChainSteps = 10;

enum class Weight { kField = 0, kReplicaSet = 1, kPod = 2, kStatus = 3 };

struct Step {
  SimTime at;
  Weight weight;
  std::string actor, action, rule;
  std::string fold_key;  // consecutive steps with the same non-empty key fold into one
  int count = 1;
};

// The Application that manages the target, from its tracking annotation (argo-cd
// util/argo/resource_tracking.go: "<app>:<group>/<kind>:<namespace>/<name>") or instance label.
std::string tracking_app(const ApiServer& api, const ObjectRef& target) {
  const json* obj = nullptr;
  ObjectPtr live = api.get(target);
  if (live) obj = live.get();
  for (const ObjectLifetime& l : api.lifetimes())
    if (!obj && l.ref == target && l.last) obj = l.last.get();
  if (!obj) return "";
  const json* id = find(*obj, {"metadata", "annotations", "argocd.argoproj.io/tracking-id"});
  if (id && id->is_string()) return id->get<std::string>().substr(0, id->get<std::string>().find(':'));
  const json* label = find(*obj, {"metadata", "labels", "app.kubernetes.io/instance"});
  return label && label->is_string() ? label->get<std::string>() : "";
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
    if (auto it = out.find(std::make_pair(w.object(), w.field())); it != out.end()) it->second.push_back(&w);
  return out;
}

// The hand-overs of the field, as find_fights counts them.
std::vector<const WriteRecord*> handovers_of(const std::vector<const WriteRecord*>& list) {
  std::vector<const WriteRecord*> out;
  for (std::size_t i = 1; i < list.size(); ++i)
    if (list[i]->manager() != list[i - 1]->manager() && list[i]->new_value() != list[i - 1]->new_value())
      out.push_back(list[i]);
  return out;
}

json chain_for(const World& world, const json& fight, const FieldWrites& by_field) {
  const ApiServer& api = world.api();
  const std::pair<ObjectRef, std::string> key = fight_key(fight);
  const ObjectRef& target = key.first;
  const std::string& field = key.second;
  const auto& writes = api.writes();

  const std::vector<const WriteRecord*> handovers = handovers_of(by_field.at(key));
  if (handovers.size() < 3) return json::array();
  // The last complete cycle: from one hand-over to the next hand-over by the same manager.
  const WriteRecord* close = handovers.back();
  const WriteRecord* open = nullptr;
  for (std::size_t i = handovers.size() - 1; i-- > 0;)
    if (handovers[i]->manager() == close->manager()) {
      open = handovers[i];
      break;
    }
  if (!open) return json::array();
  const SimTime from = open->at(), to = close->at();
  const std::string app = tracking_app(api, target);

  // Writes only, at the instants they happened (Events carry whole seconds, and each of the ones
  // a chain would show restates a write: ScalingReplicaSet, SuccessfulCreate, OperationStarted ...).
  std::vector<Step> steps;
  const std::string prefix = target.name + "-";
  const auto first = std::partition_point(writes.begin(), writes.end(), [&](const WriteRecord& w) { return w.at() < from; });
  bool started = false;
  for (auto wit = first; wit != writes.end(); ++wit) {
    const WriteRecord& w = *wit;
    if (w.at() > to) break;
    // The chain starts with the write that opens the cycle: a write by one of the fight's writers.
    if (!started && &w != open) continue;
    started = true;
    if (w.object() == target && w.field() == field) {
      if (w.old_value() == w.new_value()) continue;
      steps.push_back({w.at(), Weight::kField, w.manager(), field_action(w), field_rule(w), ""});
      if (&w == close) break;
    } else if (w.object().ns == target.ns && w.object().kind == "ReplicaSet" && starts_with(w.object().name, prefix) &&
               w.field() == "/spec/replicas" && w.old_value() != w.new_value()) {
      steps.push_back({w.at(), Weight::kReplicaSet, w.manager(), field_action(w),
                       "Deployment controller: the ReplicaSet follows Deployment spec.replicas", ""});
    } else if (w.object().ns == target.ns && w.object().kind == "Pod" && starts_with(w.object().name, prefix) &&
               w.field().empty() && (w.operation() == "Create" || w.operation() == "Delete")) {
      const bool create = w.operation() == "Create";
      steps.push_back({w.at(), Weight::kPod, w.manager(),
                       fmt::format("{} Pod {}/{}", create ? "creates" : "deletes", w.object().ns, w.object().name),
                       create ? "ReplicaSet controller: pods < spec.replicas"
                              : (w.manager() == "kubelet" ? "kubelet: the pod was deleted and its containers stopped"
                                                        : "ReplicaSet controller: pods > spec.replicas"),
                       w.manager() + "|" + w.operation()});
    } else if (!app.empty() && w.object().kind == "Application" && w.object().name == app &&
               w.field() == "/status/sync/status" && w.new_value() == "OutOfSync" && w.old_value() != w.new_value()) {
      // The one status step that explains the next one: self-heal acts on OutOfSync. The other
      // status writes (readyReplicas, operation phases, back to Synced) restate the steps around them.
      steps.push_back({w.at(), Weight::kStatus, w.manager(),
                       fmt::format("sets {} /status/sync/status {} -> OutOfSync", object_phrase(w.object()), value_text(w.old_value())),
                       fmt::format("ArgoCD: a live field differs from the desired state in Git and is not ignored {}",
                                   kArgoCompare),
                       ""});
    }
  }
  // Consecutive pod creations (or deletions) by one manager are one step.
  std::vector<Step> folded;
  for (Step& s : steps) {
    if (!folded.empty() && !s.fold_key.empty() && folded.back().fold_key == s.fold_key) {
      ++folded.back().count;
      continue;
    }
    folded.push_back(std::move(s));
  }
  for (Step& s : folded)
    if (s.count > 1)
      s.action = fmt::format("{} {} Pods {}/{}..., from this instant on", s.fold_key.ends_with("Create") ? "creates" : "deletes",
                             s.count, target.ns, prefix);
  // At most kMaxChainSteps: drop the latest steps of the lightest kind first.
  for (int w = static_cast<int>(Weight::kStatus); folded.size() > kMaxChainSteps && w > 0; --w)
    for (std::size_t i = folded.size(); i-- > 0 && folded.size() > kMaxChainSteps;)
      if (static_cast<int>(folded[i].weight) == w) folded.erase(folded.begin() + static_cast<std::ptrdiff_t>(i));
  const Epoch& epoch = api.epoch();
  json chain = json::array();
  for (const Step& s : folded)
    chain.push_back({{"at", epoch.clock(s.at)},
                     {"at_s", std::round(to_seconds(s.at) * 1e3) / 1e3},
                     {"actor", s.actor},
                     {"action", s.action},
                     {"rule", s.rule}});
  return chain;
}

}  // namespace

json build_causal_chain(const World& world, const json& fight) {
  const json fights = json::array({fight});
  return chain_for(world, fight, field_writes(world.api(), fights));
}

void add_causal_chains(const World& world, json& fights) {
  if (fights.empty()) return;
  const FieldWrites by_field = field_writes(world.api(), fights);
  for (json& f : fights) f["chain"] = chain_for(world, f, by_field);
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
