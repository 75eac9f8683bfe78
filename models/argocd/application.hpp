// argoproj.io/v1alpha1 Application as the application controller reads it (argo-cd
// pkg/apis/application/v1alpha1/types.go, v3.x: Application, ApplicationSpec, ApplicationSource,
// ApplicationDestination, ApplicationStatus, SyncStatus, ComparedTo, OperationState, Operation,
// RetryStrategy, Backoff), parsed once per stored version (k8s/types/parsed_versions.hpp), the way
// the controller's typed informer reads `app.Spec.Source.RepoURL` and `app.Status.Sync.Status`.
//
// A view is read-only: writes still go through the API server as JSON bodies, built by the
// controller. Parts the controller compares or copies whole (the source into comparedTo and into
// an operation, ignoreDifferences, the operation itself) stay verbatim: pointers into the stored
// version, valid while the caller holds that version. Decoding is loose, as in decode.hpp: a
// member that is absent or of the wrong JSON type reads as its zero value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/object_ref.hpp"
#include "kcsim/k8s/types/object_meta.hpp"
#include "sync_policy.hpp"

namespace kcsim::argocd {

// types.go ApplicationSpec.RevisionHistoryLimit: "defaults to 10".
inline constexpr std::int64_t kDefaultRevisionHistoryLimit = 10;

// types.go ApplicationSource (a directory source: Helm and Kustomize are not modelled).
struct ApplicationSource {
  const json* raw = nullptr;  // the whole member, verbatim; nullptr when absent
  std::string repo_url, path, target_revision;
  bool directory_recurse = false;  // spec.source.directory.recurse
};

// types.go ApplicationDestination.
struct ApplicationDestination {
  const json* raw = nullptr;  // verbatim; nullptr when absent
  std::string namespace_;
};

struct ApplicationSpec {
  ApplicationSource source;
  bool has_sources = false;                  // spec.sources (multiple sources: not modelled)
  ApplicationDestination destination;
  const json* ignore_differences = nullptr;  // verbatim (argocd_diff.hpp parses it); nullptr when absent
  SyncPolicy sync_policy;                    // read_sync_policy of the spec
  const json* automated = nullptr;           // spec.syncPolicy.automated, verbatim
  const json* retry = nullptr;               // spec.syncPolicy.retry, verbatim (copied into operations)
  std::int64_t revision_history_limit = kDefaultRevisionHistoryLimit;
};

// types.go ComparedTo: what the last comparison was made against, verbatim.
struct ComparedTo {
  const json* source = nullptr;
  const json* destination = nullptr;
  const json* ignore_differences = nullptr;
};

struct SyncStatus {
  std::string status, revision;
  ComparedTo compared_to;
};

struct HealthStatus {
  std::string status;
  const json* last_transition_time = nullptr;  // verbatim (kept as persisted)
};

// types.go SyncOperation: what a sync operation asks for.
struct SyncOperation {
  std::string revision;
  const json* source = nullptr;        // verbatim; nullptr when absent or null
  bool prune = false;
  const json* sync_options = nullptr;  // verbatim
  const json* resources = nullptr;     // the selected resources, verbatim; nullptr unless an array
  std::int64_t auto_heal_attempts_count = 0;

  /// SyncOptions.HasOption.
  bool has_option(std::string_view option) const;
  /// A selective (partial) sync: a non-empty resources list.
  bool partial() const { return resources && !resources->empty(); }
};

// types.go Operation.
struct Operation {
  const json* raw = nullptr;  // verbatim; nullptr when absent
  SyncOperation sync;
  bool automated = false;  // initiatedBy.automated
  const json* retry = nullptr;  // verbatim (parse_retry_strategy reads it)
};

// types.go SyncOperationResult, as far as autoSync reads it.
struct SyncOperationResult {
  std::string revision;
  const json* source = nullptr;  // verbatim
};

// types.go OperationState, as stored in status.operationState.
struct OperationState {
  const json* raw = nullptr;  // the whole member, verbatim; nullptr unless an object
  std::string phase, message;
  std::optional<std::string> finished_at;  // RFC 3339 as persisted
  std::int64_t retry_count = 0;
  std::optional<SyncOperationResult> sync_result;  // absent or null: none
  Operation operation;                             // the operation this state is of
};

struct ApplicationStatus {
  const json* raw = nullptr;  // the whole status, verbatim; nullptr unless an object
  std::optional<std::string> reconciled_at;  // RFC 3339 as persisted
  SyncStatus sync;
  HealthStatus health;
  std::optional<OperationState> operation_state;
  const json* history = nullptr;  // status.history, verbatim; nullptr unless an array
};

struct Application {
  k8s::ObjectMeta metadata;
  ApplicationSpec spec;
  const json* operation = nullptr;  // the requested operation, verbatim; nullptr when absent or null
  ApplicationStatus status;

  ObjectRef ref() const { return ObjectRef{"Application", metadata.namespace_, metadata.name}; }
  /// metadata.annotations[key], or "" when not set.
  const std::string& annotation(const std::string& key) const {
    static const std::string kNone;
    const std::string* v = metadata.annotation(key);
    return v ? *v : kNone;
  }
};

// types.go Backoff and RetryStrategy, and RetryStrategy.NextRetryAt's wait.
struct RetryStrategy {
  std::int64_t limit = 0;  // < 0: retry forever
  Duration duration = seconds(5);       // DefaultSyncRetryDuration
  Duration max_duration = minutes(3);   // DefaultSyncRetryMaxDuration
  double factor = 2;                    // DefaultSyncRetryFactor

  /// The wait before retry number `retry_count` + 1: duration × factor^retry_count, capped at
  /// maxDuration when that is positive.
  Duration wait(std::int64_t retry_count) const;
};

/// An ApplicationSource (spec.source, or the source an operation or its result carries); `source`
/// must outlive the result. nullptr: no source.
ApplicationSource parse_application_source(const json* source);

/// An Operation (app.operation, or status.operationState.operation); `operation` must outlive the
/// result. nullptr or not an object: an empty operation.
Operation parse_operation(const json* operation);

/// The typed view of a stored Application (the whole object).
Application parse_application(const json& object);

/// An operation's retry strategy (operation.retry or spec.syncPolicy.retry); absent or not an
/// object: the defaults with limit 0. Durations are seconds (an integer or a string of digits)
/// or Go durations ("5s", "3m"); an unreadable one keeps its default.
RetryStrategy parse_retry_strategy(const json* retry);

}  // namespace kcsim::argocd
