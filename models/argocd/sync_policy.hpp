// An Application's spec.syncPolicy as Argo CD reads it (argo-cd pkg/apis/application/v1alpha1
// types.go: SyncPolicy, SyncPolicyAutomated, SyncOptions; v3.x adds automated.enabled, whose
// explicit false turns automation off while keeping its settings). Read by the application
// controller model and by the analyses of manifests, so that both read a policy the same way.
#pragma once

#include <string>
#include <string_view>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim::argocd {

struct SyncPolicy {
  bool automated = false;  // spec.syncPolicy.automated is an object and not enabled: false
  bool prune = false;
  bool self_heal = false;
  bool allow_empty = false;
  const json* sync_options = nullptr;  // spec.syncPolicy.syncOptions (points into the spec read)

  /// SyncOptions.HasOption: the option ("RespectIgnoreDifferences=true") is in the list.
  bool has_option(std::string_view option) const;
};

/// SyncOptions.HasOption on a syncOptions list (spec.syncPolicy's or an operation's), verbatim.
bool has_sync_option(const json* sync_options, std::string_view option);

/// Whether spec.syncPolicy.automated (nullptr: absent) turns automation on: an object whose
/// `enabled` is not false.
bool automation_enabled(const json* automated);

/// The sync policy of an Application's spec (`spec` must outlive the result).
SyncPolicy read_sync_policy(const json& spec);

}  // namespace kcsim::argocd
