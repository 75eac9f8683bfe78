// The controller-runtime shape: watches feed a de-duplicating work queue of keys;
// reconcile(key) runs for each and may ask to be requeued after a delay.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/model.hpp"

namespace kcsim {

/// A key is "namespace/name" (controller-runtime's NamespacedName.String()), or "name" for
/// cluster-scoped objects.
std::string key_of(const json& object);
std::string key_of(const ObjectRef& ref);

class Controller : public Model, public Watcher {
 public:
  Controller(World& world, std::string name);

  /// Reconciles one key. Returns a delay to requeue after (RequeueAfter), or nullopt.
  virtual std::optional<Duration> reconcile(const std::string& key) = 0;

  /// Default: enqueue key_of(event.object). Override to map events to other keys (a pod to its
  /// owner, a Deployment to the Applications that track it).
  void on_watch_event(const WatchEvent& event) override;

  void on_event(std::uint32_t kind, std::uint64_t payload) final;

 protected:
  /// Watches a kind through the API server (delivery latency: the server's default or given).
  void watch(std::string kind, std::optional<Duration> latency = {});
  /// Adds a key now; a key already queued (and not yet being processed) is not added twice.
  void enqueue(const std::string& key);
  /// Adds a key after a delay. As client-go's AddAfter: an earlier pending deadline wins.
  void enqueue_after(const std::string& key, Duration delay);
  /// Cancels a pending enqueue_after of a key (not a key already in the queue).
  void forget(const std::string& key);

  /// Own timers for things that are not keyed requeues. `kind` values are the model's own.
  TimerHandle new_timer() { return engine().make_timer(); }
  void arm(TimerHandle t, SimTime at, std::uint32_t kind, std::uint64_t payload = 0) {
    engine().arm(t, at, this, kind + kUserKindBase, payload);
  }
  void schedule(SimTime at, std::uint32_t kind, std::uint64_t payload = 0) {
    engine().schedule_at(at, this, kind + kUserKindBase, payload);
  }
  virtual void on_timer(std::uint32_t /*kind*/, std::uint64_t /*payload*/) {}

 private:
  static constexpr std::uint32_t kProcess = 0;
  static constexpr std::uint32_t kRequeue = 1;
  static constexpr std::uint32_t kUserKindBase = 16;

  std::uint32_t intern(const std::string& key);
  void schedule_processing();

  std::vector<std::string> keys_;
  std::map<std::string, std::uint32_t> key_ids_;
  std::vector<std::uint8_t> queued_;
  std::vector<TimerHandle> requeue_timers_;
  std::deque<std::uint32_t> queue_;
  bool processing_scheduled_ = false;
};

}  // namespace kcsim
