#include "kcsim/apiserver/invariants.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

std::string describe_instant(SimTime at) {
  return fmt::format("t = {}", format_go_duration(at.time_since_epoch()));
}

std::uint64_t resource_version_of(const json& object) {
  const std::string rv = str_at(object, {"metadata", "resourceVersion"});
  std::uint64_t n = 0;
  for (char c : rv) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

bool is_controller(const json& owner_reference) {
  const json* c = find(owner_reference, {"controller"});
  return c && c->is_boolean() && c->get<bool>();
}

// The controlling ReplicaSet of a pod (ownerReferences[controller=true, kind=ReplicaSet]).
std::optional<ObjectRef> controlling_replicaset(const ObjectRef& pod, const json& object) {
  const json* owners = find(object, {"metadata", "ownerReferences"});
  if (!owners || !owners->is_array()) return std::nullopt;
  for (const json& o : *owners) {
    if (o.is_object() && str_at(o, {"kind"}) == "ReplicaSet" && is_controller(o))
      return ObjectRef{"ReplicaSet", pod.ns, str_at(o, {"name"})};
  }
  return std::nullopt;
}

// replica_set.go / controller_utils.go FilterActivePods: neither terminating nor finished.
bool active_pod(const json& pod) {
  if (find(pod, {"metadata", "deletionTimestamp"})) return false;
  const std::string phase = str_at(pod, {"status", "phase"});
  return phase != "Succeeded" && phase != "Failed";
}

}  // namespace

InvariantViolation::InvariantViolation(SimTime at, std::string invariant, const std::string& detail)
    : std::runtime_error(fmt::format("invariant \"{}\" violated at {}: {}", invariant, describe_instant(at), detail)),
      at_(at),
      invariant_(std::move(invariant)) {}

void ResourceVersionTracker::observe(const ObjectRef& ref, std::uint64_t resource_version, SimTime at) {
  auto [it, inserted] = last_.try_emplace(ref, resource_version);
  if (inserted) return;
  if (resource_version <= it->second)
    throw InvariantViolation(at, "resource-version",
                             fmt::format("{} changed but its resourceVersion went from {} to {} (it must increase)",
                                         ref.str(), it->second, resource_version));
  it->second = resource_version;
}

InvariantChecker::InvariantChecker(const ApiServer& api, InvariantOptions options)
    : api_(api), options_(options) {}

void InvariantChecker::fail(const std::string& invariant, const std::string& detail) const {
  throw InvariantViolation(api_.now(), invariant, detail);
}

void InvariantChecker::check() {
  if (api_.resource_version() < global_rv_)
    fail("resource-version", fmt::format("the API server's resourceVersion went back from {} to {}", global_rv_,
                                         api_.resource_version()));
  global_rv_ = api_.resource_version();

  // Writes since the last call. An object written several times in one event is checked once,
  // in its final state: intermediate versions were only ever visible inside the event.
  const WriteRecords& writes = api_.writes();
  std::set<ObjectRef> touched;
  for (; writes_seen_ < writes.size(); ++writes_seen_) {
    const WriteRecord& w = writes[writes_seen_];
    if (w.manager().empty())
      fail("field-manager", fmt::format("a {} of {}{} has no field manager (every write names its manager, "
                                        "as metadata.managedFields requires)",
                                        w.operation(), w.object().str(), w.field().empty() ? "" : " " + w.field()));
    const bool pod_lifecycle = w.operation() == "Create" || w.operation() == "Delete" ||
                               w.field() == "/metadata/deletionTimestamp" || w.field() == "/status/phase";
    if (w.object().kind == "Pod" && pod_lifecycle) {
      if (auto it = pod_owner_.find(w.object()); it != pod_owner_.end()) {
        if (auto rs = replicasets_.find(it->second); rs != replicasets_.end()) rs->second = {api_.now(), false};
        if (w.operation() == "Delete") pod_owner_.erase(it);
      }
    }
    if (w.object().kind == "ReplicaSet" && (w.operation() == "Create" || w.field() == "/spec/replicas"))
      replicasets_[w.object()] = {api_.now(), false};
    if (w.operation() == "Delete") {
      versions_.forget(w.object());
      if (w.object().kind == "ReplicaSet") replicasets_.erase(w.object());
      touched.erase(w.object());
    } else {
      touched.insert(w.object());
    }
  }
  for (const ObjectRef& ref : touched)
    if (ObjectPtr obj = api_.get(ref)) check_object(ref, *obj);

  const std::vector<EventRecord>& events = api_.events();
  for (; events_seen_ < events.size(); ++events_seen_) check_event(events[events_seen_]);

  if (options_.replicaset_convergence) check_convergence();
}

void InvariantChecker::check_object(const ObjectRef& ref, const json& object) {
  const std::uint64_t rv = resource_version_of(object);
  if (rv == 0 || rv > api_.resource_version())
    fail("resource-version", fmt::format("{} has resourceVersion \"{}\" (the server is at {})", ref.str(),
                                         str_at(object, {"metadata", "resourceVersion"}), api_.resource_version()));
  versions_.observe(ref, rv, api_.now());

  // No negative replica count, desired or observed (apps/v1 validation rejects spec.replicas < 0
  // with "must be greater than or equal to 0"; a status count below zero is a counting bug).
  if (const json* r = find(object, {"spec", "replicas"}); r && r->is_number() && r->get<double>() < 0)
    fail("non-negative-replicas", fmt::format("{} has spec.replicas {}", ref.str(), r->dump()));
  if (const json* status = find(object, {"status"}); status && status->is_object()) {
    for (const auto& [key, value] : status->items()) {
      const bool count = key == "replicas" || (key.size() > 8 && key.ends_with("Replicas"));
      if (count && value.is_number() && value.get<double>() < 0)
        fail("non-negative-replicas", fmt::format("{} has status.{} {}", ref.str(), key, value.dump()));
    }
  }

  if (ref.kind == "Pod" && !pod_owner_.count(ref)) {
    if (auto rs = controlling_replicaset(ref, object)) {
      pod_owner_.emplace(ref, *rs);
      if (auto it = replicasets_.find(*rs); it != replicasets_.end()) it->second = {api_.now(), false};
    }
  }
}

void InvariantChecker::check_event(const EventRecord& event) {
  if (!event.has_involved) fail("event-object", fmt::format("Event {} has no involvedObject", event.event.name));
  const ObjectRef& ref = event.involved;
  if (api_.get(ref)) return;
  const std::vector<ObjectLifetime>& lifetimes = api_.lifetimes();
  for (auto it = lifetimes.rbegin(); it != lifetimes.rend(); ++it) {
    if (it->ref != ref) continue;
    if (it->deleted && api_.now() - *it->deleted <= options_.deleted_object_grace) return;
    break;
  }
  fail("event-object", fmt::format("Event {} (reason {}) is about {}, which does not exist and was not deleted "
                                   "in the last {}",
                                   event.event.name, event.reason, ref.str(),
                                   format_short_duration(options_.deleted_object_grace)));
}

void InvariantChecker::check_convergence() {
  const SimTime now = api_.now();
  for (auto& [ref, state] : replicasets_) {
    if (state.verified || now - state.last_change < options_.convergence_window) continue;
    state.verified = true;
    ObjectPtr rs = api_.get(ref);
    if (!rs || find(*rs, {"metadata", "deletionTimestamp"})) continue;
    const std::int64_t want = int_at(*rs, {"spec", "replicas"}, 1);
    std::int64_t active = 0;
    const std::string uid = str_at(*rs, {"metadata", "uid"});
    for (const ObjectPtr& pod : api_.list("Pod", ref.ns)) {
      const json* owners = find(*pod, {"metadata", "ownerReferences"});
      if (!owners || !owners->is_array()) continue;
      const bool owned = std::any_of(owners->begin(), owners->end(), [&](const json& o) {
        return o.is_object() && str_at(o, {"uid"}) == uid && is_controller(o);
      });
      if (owned && active_pod(*pod)) ++active;
    }
    if (active != want)
      fail("replicaset-convergence",
           fmt::format("{} wants {} replicas but has {} active pods, and neither changed for {} (since {})",
                       ref.str(), want, active, format_short_duration(now - state.last_change),
                       format_go_duration(state.last_change.time_since_epoch())));
  }
}

}  // namespace kcsim
