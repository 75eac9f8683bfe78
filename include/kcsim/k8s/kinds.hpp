// The kinds kcsim knows, once: API group/version, resource names and whether objects of the kind
// live in a namespace. The built-in kinds are as `kubectl api-resources` of Kubernetes v1.32
// prints them (NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND; the singular is the discovery
// document's singularName); the custom resources are those of the CRDs the projects kcsim models
// install (KEDA v2.16 keda.sh, HTTP add-on v0.10 http.keda.sh, Argo CD v3 argoproj.io, Flux v2
// toolkit.fluxcd.io) and two cluster-scoped CRDs that manifests often carry (cert-manager's
// ClusterIssuer, External Secrets' ClusterSecretStore).
//
// One table for every reader: the scenario loader and the manifest reader (whether to default
// metadata.namespace), ArgoCD and Flux (whether to set the destination namespace), the ownership
// graph, the API server's resource names and `kcsim kubectl` (resource names and short names).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kcsim {

struct KindInfo {
  std::string kind;         // "Deployment"
  std::string api_version;  // "apps/v1" (the preferred version)
  std::string plural;       // "deployments"
  std::string singular;     // "deployment"
  std::vector<std::string> short_names;  // {"deploy"}
  bool namespaced = true;

  /// The API group ("apps"; "" for the core group).
  std::string group() const;
};

/// Every known kind, in the order `kcsim kubectl` resolves resource names (core first).
const std::vector<KindInfo>& known_kinds();

/// The entry for a kind, or nullptr when kcsim does not know it (a scenario's own CRD).
const KindInfo* find_kind(std::string_view kind);

/// True for the known kinds whose objects have no namespace (Namespace, ClusterRole, ...). A kind
/// kcsim does not know is taken as namespaced, as most custom resources are.
bool is_cluster_scoped(std::string_view kind);

}  // namespace kcsim
