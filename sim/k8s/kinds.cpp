// The kind table (include/kcsim/k8s/kinds.hpp). Sources: `kubectl api-resources` of a
// Kubernetes v1.32 cluster (k8s.io/kubernetes v1.32, pkg/registry/*/rest storage: each
// resource's NamespaceScoped() and ShortNames()); the CRD manifests of kedacore/keda v2.16
// (config/crd/bases), kedacore/http-add-on v0.10 (config/crd/bases), argoproj/argo-cd v3.0
// (manifests/crds), fluxcd/flux2 v2.4 (the kustomize-, source- and helm-controller CRDs),
// cert-manager v1.16 (ClusterIssuer) and external-secrets v0.10 (ClusterSecretStore).
#include "kcsim/k8s/kinds.hpp"

#include <algorithm>
#include <map>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

std::string KindInfo::group() const { return api_group(api_version); }

const std::vector<KindInfo>& known_kinds() {
  static const std::vector<KindInfo> kKinds = {
      // core/v1
      {"Pod", "v1", "pods", "pod", {"po"}, true},
      {"Event", "v1", "events", "event", {"ev"}, true},
      {"Service", "v1", "services", "service", {"svc"}, true},
      {"ConfigMap", "v1", "configmaps", "configmap", {"cm"}, true},
      {"Secret", "v1", "secrets", "secret", {}, true},
      {"ServiceAccount", "v1", "serviceaccounts", "serviceaccount", {"sa"}, true},
      {"Endpoints", "v1", "endpoints", "endpoints", {"ep"}, true},
      {"Namespace", "v1", "namespaces", "namespace", {"ns"}, false},
      {"Node", "v1", "nodes", "node", {"no"}, false},
      {"PersistentVolume", "v1", "persistentvolumes", "persistentvolume", {"pv"}, false},
      {"PersistentVolumeClaim", "v1", "persistentvolumeclaims", "persistentvolumeclaim", {"pvc"}, true},
      {"LimitRange", "v1", "limitranges", "limitrange", {"limits"}, true},
      {"ResourceQuota", "v1", "resourcequotas", "resourcequota", {"quota"}, true},
      {"ReplicationController", "v1", "replicationcontrollers", "replicationcontroller", {"rc"}, true},
      {"PodTemplate", "v1", "podtemplates", "podtemplate", {}, true},
      // apps/v1
      {"Deployment", "apps/v1", "deployments", "deployment", {"deploy"}, true},
      {"ReplicaSet", "apps/v1", "replicasets", "replicaset", {"rs"}, true},
      {"StatefulSet", "apps/v1", "statefulsets", "statefulset", {"sts"}, true},
      {"DaemonSet", "apps/v1", "daemonsets", "daemonset", {"ds"}, true},
      {"ControllerRevision", "apps/v1", "controllerrevisions", "controllerrevision", {}, true},
      // autoscaling, batch, policy, networking, discovery, coordination
      {"HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers", "horizontalpodautoscaler", {"hpa"}, true},
      {"Job", "batch/v1", "jobs", "job", {}, true},
      {"CronJob", "batch/v1", "cronjobs", "cronjob", {"cj"}, true},
      {"PodDisruptionBudget", "policy/v1", "poddisruptionbudgets", "poddisruptionbudget", {"pdb"}, true},
      {"Ingress", "networking.k8s.io/v1", "ingresses", "ingress", {"ing"}, true},
      {"IngressClass", "networking.k8s.io/v1", "ingressclasses", "ingressclass", {}, false},
      {"NetworkPolicy", "networking.k8s.io/v1", "networkpolicies", "networkpolicy", {"netpol"}, true},
      {"EndpointSlice", "discovery.k8s.io/v1", "endpointslices", "endpointslice", {}, true},
      {"Lease", "coordination.k8s.io/v1", "leases", "lease", {}, true},
      // RBAC
      {"Role", "rbac.authorization.k8s.io/v1", "roles", "role", {}, true},
      {"RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", "rolebinding", {}, true},
      {"ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", "clusterrole", {}, false},
      {"ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings", "clusterrolebinding", {}, false},
      // cluster configuration
      {"StorageClass", "storage.k8s.io/v1", "storageclasses", "storageclass", {"sc"}, false},
      {"CSIDriver", "storage.k8s.io/v1", "csidrivers", "csidriver", {}, false},
      {"CSINode", "storage.k8s.io/v1", "csinodes", "csinode", {}, false},
      {"VolumeAttachment", "storage.k8s.io/v1", "volumeattachments", "volumeattachment", {}, false},
      {"PriorityClass", "scheduling.k8s.io/v1", "priorityclasses", "priorityclass", {"pc"}, false},
      {"RuntimeClass", "node.k8s.io/v1", "runtimeclasses", "runtimeclass", {}, false},
      {"CustomResourceDefinition", "apiextensions.k8s.io/v1", "customresourcedefinitions", "customresourcedefinition", {"crd", "crds"}, false},
      {"APIService", "apiregistration.k8s.io/v1", "apiservices", "apiservice", {}, false},
      {"MutatingWebhookConfiguration", "admissionregistration.k8s.io/v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", {}, false},
      {"ValidatingWebhookConfiguration", "admissionregistration.k8s.io/v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration", {}, false},
      {"ValidatingAdmissionPolicy", "admissionregistration.k8s.io/v1", "validatingadmissionpolicies", "validatingadmissionpolicy", {}, false},
      {"ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io/v1", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding", {}, false},
      {"CertificateSigningRequest", "certificates.k8s.io/v1", "certificatesigningrequests", "certificatesigningrequest", {"csr"}, false},
      {"FlowSchema", "flowcontrol.apiserver.k8s.io/v1", "flowschemas", "flowschema", {}, false},
      {"PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io/v1", "prioritylevelconfigurations", "prioritylevelconfiguration", {}, false},
      // KEDA
      {"ScaledObject", "keda.sh/v1alpha1", "scaledobjects", "scaledobject", {"so"}, true},
      {"ScaledJob", "keda.sh/v1alpha1", "scaledjobs", "scaledjob", {"sj"}, true},
      {"TriggerAuthentication", "keda.sh/v1alpha1", "triggerauthentications", "triggerauthentication", {"ta", "triggerauth"}, true},
      {"ClusterTriggerAuthentication", "keda.sh/v1alpha1", "clustertriggerauthentications", "clustertriggerauthentication", {"cta", "clustertriggerauth"}, false},
      // KEDA HTTP add-on
      {"HTTPScaledObject", "http.keda.sh/v1alpha1", "httpscaledobjects", "httpscaledobject", {"httpso"}, true},
      // Argo CD
      {"Application", "argoproj.io/v1alpha1", "applications", "application", {"app", "apps"}, true},
      {"AppProject", "argoproj.io/v1alpha1", "appprojects", "appproject", {"appproj", "appprojs"}, true},
      {"ApplicationSet", "argoproj.io/v1alpha1", "applicationsets", "applicationset", {"appset", "appsets"}, true},
      // Flux
      {"Kustomization", "kustomize.toolkit.fluxcd.io/v1", "kustomizations", "kustomization", {"ks"}, true},
      {"GitRepository", "source.toolkit.fluxcd.io/v1", "gitrepositories", "gitrepository", {"gitrepo"}, true},
      {"HelmRepository", "source.toolkit.fluxcd.io/v1", "helmrepositories", "helmrepository", {"helmrepo"}, true},
      {"HelmRelease", "helm.toolkit.fluxcd.io/v2", "helmreleases", "helmrelease", {"hr"}, true},
      // cluster-scoped CRDs that manifests often carry
      {"ClusterIssuer", "cert-manager.io/v1", "clusterissuers", "clusterissuer", {}, false},
      {"ClusterSecretStore", "external-secrets.io/v1beta1", "clustersecretstores", "clustersecretstore", {"css"}, false},
  };
  return kKinds;
}

const KindInfo* find_kind(std::string_view kind) {
  static const std::map<std::string, const KindInfo*, std::less<>> kByKind = [] {
    std::map<std::string, const KindInfo*, std::less<>> m;
    for (const KindInfo& k : known_kinds()) m.emplace(k.kind, &k);
    return m;
  }();
  auto it = kByKind.find(kind);
  return it == kByKind.end() ? nullptr : it->second;
}

bool is_cluster_scoped(std::string_view kind) {
  const KindInfo* k = find_kind(kind);
  return k && !k->namespaced;
}

}  // namespace kcsim
