// `kcsim run --verify`: invariants of the simulated cluster, checked after every event.
// A model bug that leaves the cluster in a state Kubernetes never reaches (a negative replica
// count, a ReplicaSet that never gets its pods, an anonymous write, an Event about nothing)
// otherwise shows up only as a wrong report; with --verify it stops the run at the instant it
// happens, with status 4 (docs/reliability.md).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {

/// A broken invariant: what, about which object, at which instant.
class InvariantViolation : public std::runtime_error {
 public:
  InvariantViolation(SimTime at, std::string invariant, const std::string& detail);
  SimTime at() const { return at_; }
  /// The invariant's short name: "non-negative-replicas", "replicaset-convergence",
  /// "resource-version", "field-manager", "event-object".
  const std::string& invariant() const { return invariant_; }

 private:
  SimTime at_;
  std::string invariant_;
};

struct InvariantOptions {
  /// A ReplicaSet whose spec.replicas and pods have not changed for this long must have exactly
  /// spec.replicas active pods. The ReplicaSet controller acts on a watch event within
  /// milliseconds (replica_set.go syncReplicaSet, burst 500 per sync), so a minute of quiet
  /// without convergence is a bug, not latency.
  Duration convergence_window = minutes(1);
  /// Off when the scenario runs without the ReplicaSet controller (nothing converges then).
  bool replicaset_convergence = true;
  /// An Event may name an object deleted this long ago: kube-apiserver's --event-ttl default
  /// (1h) keeps Events about deleted objects that long.
  Duration deleted_object_grace = hours(1);
};

/// Per-object resourceVersion bookkeeping: every stored version of an object must carry a
/// resourceVersion larger than the previous one seen (etcd revisions only grow; Kubernetes
/// clients compare them for equality only, but kcsim's server derives them from one counter).
class ResourceVersionTracker {
 public:
  /// Records the version of `ref` seen at `at`; throws InvariantViolation unless it is larger
  /// than the last one recorded for `ref`.
  void observe(const ObjectRef& ref, std::uint64_t resource_version, SimTime at);
  /// The object was deleted: a later object of that name starts afresh.
  void forget(const ObjectRef& ref) { last_.erase(ref); }

 private:
  std::map<ObjectRef, std::uint64_t> last_;
};

/// Checks the API server's state incrementally: each call looks only at what was written (and
/// which Events were recorded) since the previous call, plus the ReplicaSets due for a
/// convergence check, so that checking after every event stays cheap.
class InvariantChecker {
 public:
  explicit InvariantChecker(const ApiServer& api, InvariantOptions options = {});
  /// Throws InvariantViolation at the first broken invariant.
  void check();

 private:
  struct ReplicaSetState {
    SimTime last_change;
    bool verified = false;
  };
  void check_object(const ObjectRef& ref, const json& object);
  void check_event(const EventRecord& event);
  void check_convergence();
  [[noreturn]] void fail(const std::string& invariant, const std::string& detail) const;

  const ApiServer& api_;
  InvariantOptions options_;
  std::size_t writes_seen_ = 0;
  std::size_t events_seen_ = 0;
  std::uint64_t global_rv_ = 0;
  ResourceVersionTracker versions_;
  std::map<ObjectRef, ObjectRef> pod_owner_;  // pod → its controlling ReplicaSet
  std::map<ObjectRef, ReplicaSetState> replicasets_;
};

}  // namespace kcsim
