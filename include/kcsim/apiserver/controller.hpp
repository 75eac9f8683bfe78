// The controller-runtime shape: watches feed a de-duplicating work queue of keys;
// reconcile(key) runs for each and may ask to be requeued after a delay. A reconcile takes
// simulated time (its API requests) and occupies one of the controller's workers meanwhile;
// docs/models/timing.md says how and why.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/model.hpp"

namespace kcsim {

/// A key is "namespace/name" (controller-runtime's NamespacedName.String()), or "name" for
/// cluster-scoped objects.
std::string key_of(const json& object);
std::string key_of(const ObjectRef& ref);
/// The object a key names, the inverse of key_of (client-go cache.SplitMetaNamespaceKey): the
/// part before the first "/" is the namespace; a key without "/" is a cluster-scoped name.
ObjectRef ref_of_key(std::string kind, std::string_view key);

class Controller : public Model, public Watcher {
 public:
  Controller(World& world, std::string name);

  /// Reconciles one key, at the END of the reconcile's duration (the instant its writes land).
  /// Returns a delay to requeue after (RequeueAfter), counted from that instant, or nullopt.
  virtual std::optional<Duration> reconcile(const std::string& key) = 0;

  /// Called when a worker takes the key, at the START of the reconcile: the live GETs a reconcile
  /// makes before computing (the HPA's GET /scale), whose answers reconcile() then uses. Reads
  /// from an informer cache need nothing here. Default: nothing.
  virtual void begin_reconcile(const std::string& /*key*/) {}

  /// Starts the controller: start() now, or after its start delay (settings.<model>.startDelay,
  /// else a draw in [0, start jitter) from the stream "<model>/start"). Called by the World.
  void launch();

  /// Settings every controller takes (docs/models/timing.md); a model's own settings reader skips
  /// them: enabled, reconcileDuration, startDelay.
  static bool is_controller_setting(const std::string& key);

  /// For a controller whose only settings are those three (its behaviour comes from its objects):
  /// an input error naming the first other field of settings.<model>. `who` completes the
  /// message: "(the deployment controller has no other settings)".
  void reject_unknown_settings(std::string_view who) const;

  /// The reconcile duration in effect (settings.<model>.reconcileDuration or the model's default).
  Duration reconcile_duration() const { return reconcile_duration_; }

  /// Default: enqueue key_of(event.object). Override to map events to other keys (a pod to its
  /// owner, a Deployment to the Applications that track it).
  void on_watch_event(const WatchEvent& event) override;

  void on_event(std::uint32_t kind, std::uint64_t payload) final;

  /// Runs the processing of a key in the engine event that queued it when that event would be
  /// the very next one anyway (settings.api-server.elideNoOpEvents, default true).
  void set_elide_no_op_events(bool on) { merge_events_ = on; }

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

  /// The model's default reconcile duration (settings.<model>.reconcileDuration overrides it).
  /// Call in the constructor, before read_controller_settings runs (it runs in launch()).
  void set_default_reconcile_duration(Duration d) { default_reconcile_duration_ = d; }
  /// Workers processing keys at once (client-go workers; a key is never in two at once).
  void set_workers(std::uint32_t n) { workers_ = n == 0 ? 1 : n; }
  /// The bound of the start jitter; Duration{0} starts at t = 0 (actors driven by the timeline).
  void set_start_jitter(Duration bound) { start_jitter_ = bound; }

  /// The default bound of the start jitter (docs/models/timing.md).
  static constexpr Duration kDefaultStartJitter = seconds(2);
  /// The default duration of one API request made by a reconcile (docs/models/timing.md).
  static constexpr Duration kRequestLatency = milliseconds(5);

 private:
  static constexpr std::uint32_t kProcess = 0;
  static constexpr std::uint32_t kRequeue = 1;
  static constexpr std::uint32_t kFinish = 2;
  static constexpr std::uint32_t kStart = 3;
  static constexpr std::uint32_t kUserKindBase = 16;

  std::uint32_t intern(const std::string& key);
  void enqueue_id(std::uint32_t id, bool last_act);
  void schedule_processing(bool last_act = false);
  void process_next();
  void read_controller_settings();
  void finish(std::uint32_t id);

  std::vector<std::string> keys_;
  std::map<std::string, std::uint32_t> key_ids_;
  std::vector<std::uint8_t> queued_;      // client-go's dirty set
  std::vector<std::uint8_t> processing_;  // client-go's processing set
  std::vector<TimerHandle> requeue_timers_;
  std::deque<std::uint32_t> queue_;
  bool processing_scheduled_ = false;
  bool merge_events_ = true;
  std::uint32_t workers_ = 1;
  std::uint32_t busy_ = 0;
  Duration default_reconcile_duration_ = kRequestLatency;
  Duration reconcile_duration_{0};
  Duration start_delay_{0};
  Duration start_jitter_ = kDefaultStartJitter;
};

}  // namespace kcsim
