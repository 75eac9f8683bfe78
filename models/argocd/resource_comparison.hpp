// One managed resource as Argo CD's application controller compares it (controller/state.go
// CompareAppState, one iteration of its per-resource loop) and as the argocd CLI shows that
// comparison (`argocd app diff`, `argocd app manifests`: cmd/argocd/commands/app.go). The
// controller (argocd_application_controller.cpp) and kcsim's `argocd app diff` view
// (sim/views/argocd_app_diff.cpp) both call these functions, so the CLI prints exactly the
// difference the simulated controller acts on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "argocd_diff.hpp"

namespace kcsim::argocd {

inline constexpr const char* kTrackingAnnotation = "argocd.argoproj.io/tracking-id";
inline constexpr const char* kInstanceLabel = "app.kubernetes.io/instance";

/// The tracking method in force: settings.argocd.trackingMethod, else the release's default
/// ("annotation" from v3.0.0, "label" before: argo-cd docs operator-manual/upgrading/2.14-3.0.md).
std::string tracking_method(const std::string& argocd_version, const json& argocd_settings);

/// The system-level ignore rules of settings.argocd.resourceCustomizations ({"apps_Deployment":
/// {"ignoreDifferences": {...}}, "all": ...}), already validated by the controller when it read
/// the scenario (argo-cd util/settings settings.go, resource.customizations.ignoreDifferences).
std::vector<IgnoreRule> customization_rules(const json& customizations);

/// "<app>:<group>/<kind>:<namespace>/<name>" (argo-cd util/argo resource_tracking.go BuildAppInstanceValue).
std::string tracking_id(const std::string& app, const std::string& group, const std::string& kind,
                        const std::string& ns, const std::string& name);

/// A Git manifest as the controller compares it: the destination namespace where a namespaced
/// object has none (DeduplicateTargetObjects), none on a cluster-scoped one, and the app's
/// tracking label and/or annotation (resourceTracking.SetAppInstance).
void prepare_target(json& manifest, const std::string& app_name, const std::string& dest_ns, const std::string& tracking);

/// Whether the object's argocd.argoproj.io/sync-options annotation lists `option`
/// ("ServerSideApply=true,Prune=false").
bool has_sync_option_annotation(const json& obj, std::string_view option);

/// resourceTracking.Normalize: a live object still carrying the old instance label compares as
/// if it had the desired object's tracking.
void normalize_tracking(Normalized& n, const std::string& tracking);

/// The comparison of one resource present in Git and live: the normalised documents and whether
/// live differs from what applying desired would give. `live` should carry its managedFields when
/// a managedFieldsManagers rule or a document that names them needs them; `last_applied` is the
/// parsed last-applied configuration, or null. `server_side` is ServerSideApply=true on the app or
/// the object: the structured-merge diff of a forced apply.
struct ResourceComparison {
  Normalized norm;
  bool modified = false;
};
ResourceComparison compare_resource(const json& live, const json& target, const json& last_applied, const IgnoreSet& ignores,
                                    bool server_side, const std::string& tracking);

/// What live would become on a sync, as gitops-engine's diff predicts it (DiffResult.PredictedLive)
/// and `argocd app diff` prints it against the normalised live: the three-way merge against
/// last-applied, or against desired itself when there is none (TwoWayDiff calls ThreeWayDiff with
/// desired as the original), or a forced apply of desired with server-side apply.
json predicted_live(const ResourceComparison& c, bool server_side);

}  // namespace kcsim::argocd
