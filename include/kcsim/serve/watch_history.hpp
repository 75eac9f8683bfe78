// The watch history of `kcsim serve`: every change the simulated API server makes from the
// instant the server starts, with the revision (resourceVersion) of each, as kube-apiserver's
// watch cache keeps them for watches that resume from a resourceVersion
// (k8s.io/apiserver pkg/storage/cacher/watch_cache.go, Kubernetes v1.32).
//
// It takes nothing from the simulation: it is registered as a watcher of every kind that is also
// a WatchFilter ignoring every event, so the API server hands it each change synchronously, at the
// write, and queues no delivery (watch_filter.hpp): the run stays the run `kcsim run` makes, event
// for event. (With settings.api-server.elideNoOpEvents false the API server queues the
// deliveries; they do nothing but are engine events, and a DELETED event then carries the
// revision of the object's last version instead of the deletion's.)
#pragma once

#include <cstdint>
#include <deque>
#include <functional>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/watch_filter.hpp"

namespace kcsim {

/// One change, as a watch sends it.
struct RecordedChange {
  WatchEventType type;
  ObjectPtr object;  // the new version; DELETED: the last one, with the deletion's resourceVersion
  ObjectPtr old;     // the previous version; null for ADDED
  std::uint64_t resource_version;
};

class WatchHistory : public Watcher, public WatchFilter {
 public:
  /// The watch cache's upper bound in Kubernetes v1.32 (cacher.go defaultUpperBoundCapacity,
  /// 100 * 1024 events): beyond it the oldest changes are forgotten.
  static constexpr std::size_t kDefaultCapacity = 100 * 1024;

  /// Starts recording `api`'s changes from now on (its current resourceVersion is the floor).
  explicit WatchHistory(ApiServer& api, std::size_t capacity = kDefaultCapacity);

  void on_watch_event(const WatchEvent& event) override;
  /// Records the change (the side effect the API server does not see) and answers true.
  bool ignores(const WatchEvent& event) const override;

  /// A watch from a resourceVersion below this is too old (410 Expired, "too old resource version:
  /// RV (floor)"): the revision just before the oldest change kept.
  std::uint64_t floor() const { return floor_; }
  /// Changes are numbered from 0 in recording order; those below first_index() are forgotten.
  std::uint64_t first_index() const { return first_index_; }
  std::uint64_t end_index() const { return first_index_ + changes_.size(); }
  const RecordedChange& at(std::uint64_t index) const { return changes_[index - first_index_]; }
  /// The index of the first change kept with a resourceVersion above `rv` (end_index() if none).
  std::uint64_t first_after(std::uint64_t rv) const;
  /// The API server's current resourceVersion (what a bookmark carries).
  std::uint64_t resource_version() const { return api_.resource_version(); }
  /// Called after each change is recorded, within the write (LiveRun's step stops the engine
  /// there); null for none.
  void set_on_change(std::function<void()> on_change) { on_change_ = std::move(on_change); }

 private:
  void record(const WatchEvent& event, std::uint64_t rv) const;

  const ApiServer& api_;
  std::size_t capacity_;
  mutable std::deque<RecordedChange> changes_;
  mutable std::uint64_t first_index_ = 0;
  mutable std::uint64_t floor_;
  std::function<void()> on_change_;
};

}  // namespace kcsim
