// The kind table (include/kcsim/k8s/kinds.hpp): namespaced as `kubectl api-resources` of
// Kubernetes v1.32 prints it, plus the CRDs kcsim knows.
#include "kcsim/k8s/kinds.hpp"

#include <set>

#include <gtest/gtest.h>

namespace kcsim {
namespace {

TEST(Kinds, ClusterScopedAsKubectlApiResourcesPrintsThem) {
  // The union of the five lists this table replaced (scenario loader, manifest reader, ownership
  // graph, ArgoCD, Flux): every one is cluster-scoped.
  for (const char* kind : {"Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                           "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass", "APIService",
                           "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ClusterIssuer",
                           "ClusterSecretStore", "ClusterTriggerAuthentication", "CSIDriver", "RuntimeClass"})
    EXPECT_TRUE(is_cluster_scoped(kind)) << kind;
  for (const char* kind : {"Pod", "Deployment", "Service", "ConfigMap", "Secret", "Role", "RoleBinding", "Ingress",
                           "PersistentVolumeClaim", "HorizontalPodAutoscaler", "ScaledObject", "HTTPScaledObject",
                           "Application", "AppProject", "Kustomization", "GitRepository", "Event", "Lease"})
    EXPECT_FALSE(is_cluster_scoped(kind)) << kind;
  // A kind kcsim does not know is namespaced, as most custom resources are.
  EXPECT_FALSE(is_cluster_scoped("Widget"));
  EXPECT_EQ(find_kind("Widget"), nullptr);
}

TEST(Kinds, NamesAndGroups) {
  const KindInfo* d = find_kind("Deployment");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->group(), "apps");
  EXPECT_EQ(d->plural, "deployments");
  EXPECT_EQ(d->short_names, std::vector<std::string>{"deploy"});
  EXPECT_EQ(find_kind("Endpoints")->plural, "endpoints");
  EXPECT_EQ(find_kind("Pod")->group(), "");
  EXPECT_EQ(find_kind("Application")->short_names, (std::vector<std::string>{"app", "apps"}));
  EXPECT_EQ(find_kind("CustomResourceDefinition")->short_names, (std::vector<std::string>{"crd", "crds"}));
}

TEST(Kinds, EveryRowOfTheApiResourcesTableIsReadInItsOrder) {
  // sim/k8s/api_resources.txt: 62 rows in the order kubectl resolves names, core first; the
  // singular is the lower-case kind; an empty SHORTNAMES cell is no short name.
  const std::vector<KindInfo>& kinds = known_kinds();
  ASSERT_EQ(kinds.size(), 62u);
  EXPECT_EQ(kinds.front().kind, "Pod");
  EXPECT_EQ(kinds.front().short_names, std::vector<std::string>{"po"});
  EXPECT_EQ(find_kind("HorizontalPodAutoscaler")->singular, "horizontalpodautoscaler");
  EXPECT_EQ(find_kind("HorizontalPodAutoscaler")->api_version, "autoscaling/v2");
  EXPECT_TRUE(find_kind("Secret")->short_names.empty());
  EXPECT_TRUE(find_kind("Secret")->namespaced);
  EXPECT_EQ(kinds.back().kind, "ClusterSecretStore");
  EXPECT_EQ(kinds.back().api_version, "external-secrets.io/v1beta1");
  EXPECT_FALSE(kinds.back().namespaced);
}

TEST(Kinds, EachKindAndNameOnce) {
  std::set<std::string> kinds, names;
  for (const KindInfo& k : known_kinds()) {
    EXPECT_TRUE(kinds.insert(k.kind).second) << k.kind;
    EXPECT_TRUE(names.insert(k.plural + "." + k.group()).second) << k.plural;
    EXPECT_FALSE(k.singular.empty()) << k.kind;
  }
}

}  // namespace
}  // namespace kcsim
