#include "kcsim/analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "kcsim/analysis/causal_chain.hpp"
#include "kcsim/analysis/fights.hpp"
#include "kcsim/analysis/problems.hpp"
#include "kcsim/analysis/resets.hpp"
#include "kcsim/apiserver/model.hpp"

namespace kcsim {
namespace {

// Fixed precision for every floating-point figure, so output never depends on printing
// shortest-round-trip digits (README.md, Determinism).
double fixed(double x, int digits = 3) {
  const double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
}

std::int64_t replicas_of(const json& obj) {
  const json::json_pointer p("/spec/replicas");
  return obj.contains(p) && obj.at(p).is_number_integer() ? obj.at(p).get<std::int64_t>() : 1;
}

// A piecewise-constant signal over [start, end], from its value at start and its changes.
struct StepSignal {
  std::int64_t initial = 0;
  std::vector<std::pair<SimTime, std::int64_t>> changes;  // in time order
};

const json* owner_named(const json& obj, const std::string& kind) {
  const json::json_pointer p("/metadata/ownerReferences");
  if (!obj.contains(p)) return nullptr;
  for (const json& ref : obj.at(p))
    if (ref.value("kind", "") == kind) return &ref;
  return nullptr;
}

// What workload_report reads of the whole history, indexed once per report: scanning every write
// and every lifetime for each Deployment made a fleet's report grow with its size squared.
struct WorkloadIndex {
  std::map<ObjectRef, std::vector<const WriteRecord*>> replica_writes;  // spec/ready replicas, in order
  std::map<std::pair<std::string, std::string>, std::set<std::string>> replicasets;  // (ns, Deployment uid) → names
  std::map<std::pair<std::string, std::string>, std::vector<const ObjectLifetime*>> pods;  // (ns, ReplicaSet) → pods

  explicit WorkloadIndex(const ApiServer& api) {
    for (const WriteRecord& w : api.writes())
      if (w.object().kind == "Deployment" && (w.field() == "/spec/replicas" || w.field() == "/status/readyReplicas"))
        replica_writes[w.object()].push_back(&w);
    for (const ObjectLifetime& l : api.lifetimes()) {
      if (l.ref.kind == "ReplicaSet") {
        if (const json* owner = owner_named(*l.last, "Deployment"))
          replicasets[{l.ref.ns, owner->value("uid", "")}].insert(l.ref.name);
      } else if (l.ref.kind == "Pod") {
        if (const json* owner = owner_named(*l.last, "ReplicaSet")) pods[{l.ref.ns, owner->value("name", "")}].push_back(&l);
      }
    }
  }
};

json workload_report(const World& world, const WorkloadIndex& index, const ObjectLifetime& deploy) {
  const SimTime end = SimTime{world.scenario().duration};
  const SimTime start = deploy.created;
  const SimTime stop = deploy.deleted ? *deploy.deleted : end;

  StepSignal spec, ready;
  bool spec_first = true;
  bool ready_first = true;
  static const std::vector<const WriteRecord*> kNoWrites;
  const auto found = index.replica_writes.find(deploy.ref);
  for (const WriteRecord* wp : found == index.replica_writes.end() ? kNoWrites : found->second) {
    const WriteRecord& w = *wp;
    if (w.at() < start || w.at() > stop) continue;
    if (w.field() == "/spec/replicas") {
      if (spec_first) spec.initial = w.old_value().is_number_integer() ? w.old_value().get<std::int64_t>() : 1;
      spec_first = false;
      spec.changes.emplace_back(w.at(), w.new_value().is_number_integer() ? w.new_value().get<std::int64_t>() : 1);
    } else if (w.field() == "/status/readyReplicas") {
      if (ready_first) ready.initial = w.old_value().is_number_integer() ? w.old_value().get<std::int64_t>() : 0;
      ready_first = false;
      ready.changes.emplace_back(w.at(), w.new_value().is_number_integer() ? w.new_value().get<std::int64_t>() : 0);
    }
  }
  if (spec_first) spec.initial = replicas_of(*deploy.last);

  // Walk both signals together over [start, stop].
  std::int64_t cur_spec = spec.initial, cur_ready = ready.initial;
  std::int64_t min_r = cur_spec, max_r = cur_spec;
  // Besides ready_fraction (ready >= wanted, so 0 of 0 counts as ready): the time nothing was
  // wanted (spec.replicas 0), and the time replicas were wanted but none was ready: no ready
  // endpoint behind the Service, so a request waits or fails (a cold start, a crash loop).
  double replica_us = 0.0, ready_us = 0.0, zero_us = 0.0, unready_wanted_us = 0.0;
  SimTime t = start;
  std::size_t i = 0, j = 0;
  while (true) {
    SimTime next = stop;
    if (i < spec.changes.size()) next = std::min(next, spec.changes[i].first);
    if (j < ready.changes.size()) next = std::min(next, ready.changes[j].first);
    const double span = static_cast<double>((next - t).count());
    replica_us += span * static_cast<double>(cur_spec);
    if (cur_ready >= cur_spec) ready_us += span;
    if (cur_spec == 0) zero_us += span;
    else if (cur_ready <= 0) unready_wanted_us += span;
    t = next;
    if (t >= stop && i >= spec.changes.size() && j >= ready.changes.size()) break;
    bool advanced = false;
    while (i < spec.changes.size() && spec.changes[i].first == t) {
      cur_spec = spec.changes[i++].second;
      min_r = std::min(min_r, cur_spec);
      max_r = std::max(max_r, cur_spec);
      advanced = true;
    }
    while (j < ready.changes.size() && ready.changes[j].first == t) {
      cur_ready = ready.changes[j++].second;
      advanced = true;
    }
    if (!advanced && t >= stop) break;
  }
  const double lifetime_us = static_cast<double>((stop - start).count());

  // Pods of the Deployment: those owned by one of its ReplicaSets.
  std::int64_t created = 0, deleted = 0, max_restarts = 0;
  const auto rss = index.replicasets.find({deploy.ref.ns, deploy.uid});
  if (rss != index.replicasets.end()) {
    for (const std::string& rs : rss->second) {
      const auto pods = index.pods.find({deploy.ref.ns, rs});
      if (pods == index.pods.end()) continue;
      for (const ObjectLifetime* l : pods->second) {
        ++created;
        if (l->deleted) ++deleted;
        std::int64_t restarts = 0;
        const json::json_pointer cs("/status/containerStatuses");
        if (l->last->contains(cs))
          for (const json& c : l->last->at(cs)) restarts += c.value("restartCount", 0);
        max_restarts = std::max(max_restarts, restarts);
      }
    }
  }

  return json{
      {"object", deploy.ref.str()},
      {"replicas",
       {{"min", min_r},
        {"max", max_r},
        {"final", cur_spec},
        {"mean", lifetime_us > 0 ? fixed(replica_us / lifetime_us) : 0.0},
        {"replica_seconds", fixed(replica_us / 1e6)}}},
      {"pods", {{"created", created}, {"deleted", deleted}, {"max_restart_count", max_restarts}}},
      {"ready_fraction", lifetime_us > 0 ? fixed(ready_us / lifetime_us, 4) : 0.0},
      {"availability",
       {{"at_zero_s", fixed(zero_us / 1e6)},
        {"no_ready_pod_while_wanted_s", fixed(unready_wanted_us / 1e6)},
        {"at_zero_fraction", lifetime_us > 0 ? fixed(zero_us / lifetime_us, 4) : 0.0},
        {"no_ready_pod_while_wanted_fraction", lifetime_us > 0 ? fixed(unready_wanted_us / lifetime_us, 4) : 0.0}}}};
}

bool counts_as_field_write(const WriteRecord& w) {
  if (w.field().empty()) return false;
  if (w.object().kind == "Pod" || w.object().kind == "Event") return false;
  // Fields people and controllers declare; status is each object's own controller's.
  return w.field().rfind("/spec", 0) == 0 || w.field().rfind("/metadata/labels", 0) == 0 ||
         w.field().rfind("/metadata/annotations", 0) == 0;
}

}  // namespace

json build_report(const World& world) {
  const Scenario& s = world.scenario();
  json report = {{"scenario", s.name},
                 {"seed", s.seed},
                 {"duration_s", fixed(to_seconds(s.duration))},
                 {"fights", find_fights(world.api().writes())},
                 {"resets", find_resets(world.api().writes())},
                 {"problems", find_problems(world)},
                 {"workloads", json::array()},
                 {"writes", json::array()},
                 {"expectations", json::array()}};
  add_causal_chains(world, report["fights"]);
  const WorkloadIndex index(world.api());
  for (const ObjectLifetime& l : world.api().lifetimes())
    if (l.ref.kind == "Deployment") report["workloads"].push_back(workload_report(world, index, l));
  std::sort(report["workloads"].begin(), report["workloads"].end(),
            [](const json& a, const json& b) { return a["object"] < b["object"]; });

  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts;
  for (const WriteRecord& w : world.api().writes())
    if (counts_as_field_write(w)) ++counts[{w.object().str(), w.field(), w.manager()}];
  for (const auto& [key, n] : counts)
    report["writes"].push_back({{"manager", std::get<2>(key)},
                                {"object", std::get<0>(key)},
                                {"field", std::get<1>(key)},
                                {"count", n}});
  for (const auto& m : world.models()) m->contribute_report(report);
  return report;
}

}  // namespace kcsim
