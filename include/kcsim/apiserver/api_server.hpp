// The API server: the one shared state. Models never call each other; they read and write here.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kcsim/apiserver/write_record.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/k8s/object_ref.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {

/// Objects are immutable once stored: every version is a fresh shared pointer, so a watch event
/// and a reader share one copy.
using ObjectPtr = std::shared_ptr<const json>;

/// The outcome of a request, with Kubernetes' HTTP code, reason and message
/// (409 "Conflict", 404 "NotFound", 422 "Invalid", 400 "BadRequest").
struct ApiStatus {
  int code = 200;
  std::string reason;
  std::string message;
  bool ok() const { return code < 300; }
};

struct WriteResult {
  ApiStatus status;
  ObjectPtr object;  // the stored object after the write; null on failure
};

/// What the `scale` subresource (autoscaling/v1 Scale) shows.
struct Scale {
  std::int64_t spec_replicas = 0;
  std::int64_t status_replicas = 0;
  std::string selector;          // status.selector, label-selector string form
  std::string resource_version;  // of the parent object
};

enum class WatchEventType { kAdded, kModified, kDeleted };

struct WatchEvent {
  WatchEventType type;
  ObjectPtr object;  // the new version (for kDeleted: the last version)
  ObjectPtr old;     // the previous version (null for kAdded)
};

/// Receives watch events. Delivery is after the watcher's latency and strictly in write order.
class Watcher {
 public:
  virtual ~Watcher() = default;
  virtual void on_watch_event(const WatchEvent& event) = 0;
};

/// What ApiServer::writes() keeps. A long run writes status leaves (pod conditions, ArgoCD's
/// operation state ...) by the million; the analyses read only a few kinds of record, so a run
/// that needs no more keeps only those and its memory stops growing with every status write.
enum class WriteHistory {
  kFull,      // every leaf change (the default: tests, `kcsim run --verify`)
  kAnalyses,  // only the records needed_by_analyses() accepts (run_scenario without --verify)
};

/// Whether the report, the fight finder, the causal chains, the timeline and the HTML page read
/// this record (sim/analysis/report.cpp, fights.cpp, causal_chain.cpp, timeline_html.cpp): creations and
/// deletions; spec, labels and annotations of everything but Pods and Events; a Deployment's
/// status.readyReplicas; an Application's status.sync.status and status.operationState.phase.
/// `field` is the record's JSON pointer ("" for a creation or a deletion).
bool needed_by_analyses(const ObjectRef& object, std::string_view field);

/// Creation and deletion of an object, with its last version (for pod churn and restart counts).
struct ObjectLifetime {
  ObjectRef ref;
  std::string uid;
  SimTime created;
  std::optional<SimTime> deleted;
  /// The last stored version; for a deleted Pod only its metadata (without managedFields),
  /// status.phase and container statuses, so that pod churn does not keep whole pods.
  ObjectPtr last;
};

/// One Event as the analyses read it (the `--events` table, causal chains, expectations, the
/// HTML page, `--verify`). The Event object expires from the store after
/// ApiServerOptions::event_ttl, as in a real cluster; this record stays, so that a long run keeps
/// a few hundred bytes per Event instead of the whole object. Times are the object's, whole seconds.
struct EventRecord {
  ObjectRef event;            // Event/<namespace>/<name>
  bool has_involved = false;  // involvedObject is an object (always, for record_event)
  ObjectRef involved;         // involvedObject kind, namespace, name
  std::string type, reason, message;
  std::string component;  // source.component; "" when absent
  std::optional<SimTime> created, first, last;  // metadata.creationTimestamp, firstTimestamp, lastTimestamp
  std::int64_t count = 1;
};

struct DeleteOptions {
  /// Pods: the grace period; unset = the pod's terminationGracePeriodSeconds (default 30).
  /// A pod with a grace period > 0 is only marked (metadata.deletionTimestamp) and stays until
  /// the kubelet deletes it with grace 0. Other kinds are removed at once.
  std::optional<std::int64_t> grace_period_seconds;
};

struct ApiServerOptions {
  /// Watch delivery latency unless a watcher asks for its own.
  Duration watch_latency = milliseconds(5);
  /// Runaway guard: creating more objects than this fails with 422 and stops the run.
  std::size_t max_objects = 2000000;
  /// The Kubernetes minor version (event texts vary by version).
  int kubernetes_minor = 32;
  /// Seed of the server's own random stream ("api-server"), used for generateName suffixes.
  std::uint64_t seed = 1;
  /// How long an Event object stays after its last write: kube-apiserver --event-ttl, default
  /// 1h (cmd/kube-apiserver/app/options/options.go); the Event registry sets this TTL on every
  /// create and update (pkg/registry/core/event/storage/storage.go). events() keeps every record.
  Duration event_ttl = hours(1);
  /// Leave out engine events that provably change nothing (settings.api-server.elideNoOpEvents,
  /// default true; issue #15): watch events their watcher ignores (watch_filter.hpp), expiry
  /// timer firings whose Events were written again since. false runs every one, for the tests
  /// that compare both runs.
  bool elide_no_op_events = true;
};

/// Everything about field ownership follows server-side apply
/// (k8s.io/apimachinery/pkg/util/managedfields;
/// https://kubernetes.io/docs/reference/using-api/server-side-apply/):
///  - metadata.managedFields holds one entry per (manager, operation, subresource) with
///    apiVersion, time (RFC 3339, seconds), fieldsType FieldsV1 and fieldsV1 in the
///    `f:spec: {f:replicas: {}}` form; lists whose items all carry `name` are keyed as
///    `k:{"name":"..."}`, other lists are atomic.
///  - Update/patch: fields whose value changed move to the writer; its entry's time is refreshed
///    only when it changed something.
///  - Apply: the applied fields are owned by the applier; a field owned by another manager with a
///    different value is a conflict (409 with Kubernetes' message) unless force, which takes it.
///    Fields the applier owned before and no longer applies are released (and removed from the
///    object if nobody else owns them).
///  - The scale subresource writes spec.replicas of the parent; the writer's entry
///    (subresource "scale") gets f:spec.f:replicas and that field is removed from every other
///    manager's entry (apimachinery scalehandler.go ToParent).
/// resourceVersion is a global counter (string of a decimal integer); generation increments on
/// changes outside metadata and status; uid and creationTimestamp are set on create.
class ApiServer : public Agent {
 public:
  ApiServer(Engine& engine, Epoch epoch, ApiServerOptions options = {});
  ~ApiServer() override;

  // --- reads ---------------------------------------------------------------
  ObjectPtr get(const ObjectRef& ref) const;  // null when absent
  /// Objects of a kind, optionally in one namespace and matching a label selector
  /// (matchLabels form as JSON object, or null for all), ordered by (namespace, name).
  std::vector<ObjectPtr> list(std::string_view kind, std::optional<std::string_view> ns = {},
                              const json& match_labels = nullptr) const;
  std::optional<Scale> get_scale(const ObjectRef& ref) const;

  // --- writes (all recorded) --------------------------------------------------
  /// Creates; metadata.generateName is honoured (5 chars from the apimachinery alphabet drawn
  /// from the API server's own random stream). 409 AlreadyExists if present.
  WriteResult create(json object, const std::string& manager);
  /// Replaces (PUT). If metadata.resourceVersion is set and stale: 409 with Kubernetes' message
  /// "Operation cannot be fulfilled on deployments.apps \"x\": the object has been modified; please
  /// apply your changes to the latest version and try again". subresource "status" only changes
  /// status (and keeps spec); "" keeps status.
  WriteResult update(json object, const std::string& manager, std::string_view subresource = "");
  /// JSON merge patch (RFC 7386) of spec/metadata, or of status when subresource is "status".
  WriteResult merge_patch(const ObjectRef& ref, const json& patch, const std::string& manager,
                          std::string_view subresource = "", std::string_view operation = "Update");
  /// Server-side apply (create if absent).
  WriteResult apply(const json& object, const std::string& manager, bool force);
  /// PUT .../scale: sets spec.replicas, checking resource_version when non-empty.
  WriteResult update_scale(const ObjectRef& ref, std::int64_t replicas,
                           const std::string& resource_version, const std::string& manager);
  /// Deletes (see DeleteOptions); objects owned through ownerReferences are garbage-collected
  /// (background propagation) in the same instant.
  WriteResult remove(const ObjectRef& ref, const std::string& manager, DeleteOptions options = {});

  // --- watches -----------------------------------------------------------------
  /// Registers a watch on a kind ("" = every kind). Events are delivered through the engine
  /// `latency` after the write (or the server default), in order.
  void watch(std::string kind, Watcher* watcher, std::optional<Duration> latency = {});

  // --- core/v1 Events (client-go tools/record semantics) ---------------------------
  /// Records an Event on `involved`. An identical event (same source component, object, type,
  /// reason, message) is merged: count += 1, lastTimestamp = now. Events are stored as objects
  /// of kind "Event" named "<involved name>.<hex unix nanos>" in the involved object's namespace.
  /// `field_path` is involvedObject.fieldPath, the part of the object the event is about (the
  /// kubelet's container events: "spec.containers{backend}"); it is part of the identity of
  /// an event (client-go getEventKey) but not of the aggregation key.
  void record_event(const ObjectRef& involved, std::string_view type, std::string_view reason,
                    std::string_view message, std::string_view source_component,
                    std::string_view source_host = "", std::string_view field_path = "");

  // --- history, for the analyses ------------------------------------------------
  const WriteRecords& writes() const { return writes_; }
  /// Chooses what writes() keeps from now on (WriteHistory).
  void set_write_history(WriteHistory mode) { history_ = mode; }
  /// Every object ever created, in creation order, with its last version.
  const std::vector<ObjectLifetime>& lifetimes() const { return lifetimes_; }
  /// Every Event ever recorded (its latest state), in creation order, including those whose
  /// object has expired.
  const std::vector<EventRecord>& events() const;

  SimTime now() const { return engine_.now(); }
  const Epoch& epoch() const { return epoch_; }
  const ApiServerOptions& options() const { return options_; }
  std::uint64_t resource_version() const { return resource_version_; }

  void on_event(std::uint32_t kind, std::uint64_t payload) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Engine& engine_;
  Epoch epoch_;
  ApiServerOptions options_;
  std::uint64_t resource_version_ = 0;
  WriteInterner write_interner_;  // what writes_ point to: declared first, destroyed last
  WriteRecords writes_;
  WriteHistory history_ = WriteHistory::kFull;
  std::vector<ObjectLifetime> lifetimes_;
};

/// The Kubernetes resource name of a kind ("deployments.apps", "pods", "applications.argoproj.io")
/// as used in error messages.
std::string resource_name(const std::string& kind, const std::string& api_version);

}  // namespace kcsim
