// Issue #17's table, the rows whose tests pinned parts of the output: here the whole text of each
// command, byte for byte, in tests/data/kubectl-rows/. How each expected file was checked against
// kubectl 1.32 and argocd:
//  - get svc: the ClusterIP comes from the Service CIDR's dynamic band (service_cluster_ip.cpp),
//    drawn from the uid; the columns are kubectl's Service printer's.
//  - get pod -o yaml: the pod as a v1.32 API server stores it (docs/models/workloads.md, "API
//    server defaulting and admission"): no metadata.generation (it came in 1.33), protocol TCP,
//    the probe defaults, the default service account, the two 300 s tolerations, the projected
//    kube-api-access volume and its read-only mount.
//  - get events -o wide: SUBOBJECT is involvedObject.fieldPath (spec.containers{backend}) and the
//    readiness probe's named port is resolved (:8080), as the kubelet writes them.
//  - describe httpscaledobject / application: the same text the real kubectl prints reading
//    `kcsim serve` (ServeDescribe.RealKubectlDescribeIsKcsimKubectlDescribe).
//  - argocd app manifests: `---`, each target's YAML and a blank line, as argo-cd's
//    NewApplicationManifestsCommand prints them.
#include <string>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"

namespace kcsim {
namespace {

struct Row {
  const char* scenario;
  const char* at;
  const char* args;
  const char* expected;  // under tests/data/kubectl-rows/
};

TEST(KubectlRows, WholeOutputsOfTheIssuesTable) {
  const Row rows[] = {
      {"six-minute-loop", "2h", "get svc -n prod", "six-minute-loop-2h-get-svc.txt"},
      {"kubectl-scale", "1m", "get pod web-5cfb9f5f9-b5ftm -o yaml", "kubectl-scale-1m-get-pod-yaml.txt"},
      {"six-minute-loop", "2h",
       "get events -n prod -o wide --field-selector involvedObject.name=immigranta-backend-5cb6bcd547-tm2dp",
       "six-minute-loop-2h-pod-events-wide.txt"},
      {"six-minute-loop", "2h", "describe httpscaledobject immigranta-backend -n prod",
       "six-minute-loop-2h-describe-httpscaledobject.txt"},
      {"six-minute-loop", "2h", "describe application immigranta-backend -n argocd",
       "six-minute-loop-2h-describe-application.txt"},
      {"six-minute-loop", "90s", "argocd app manifests immigranta-backend", "six-minute-loop-90s-argocd-app-manifests.txt"},
  };
  for (const Row& row : rows) {
    const testing::CliResult r = testing::run_kcsim(std::string("kubectl " KCSIM_SOURCE_DIR "/scenarios/") + row.scenario +
                                                    ".json --at " + row.at + " -- " + row.args, 60);
    EXPECT_EQ(r.status, 0) << row.args << "\n" << r.err;
    EXPECT_EQ(r.err, "") << row.args;
    EXPECT_EQ(r.out, testing::slurp(std::string(KCSIM_SOURCE_DIR "/tests/data/kubectl-rows/") + row.expected)) << row.args;
  }
}

// argocd app diff's exit status is the process's own, not only the view's: 1 with a difference.
TEST(KubectlRows, ArgocdAppDiffExitsOneFromTheCommandLine) {
  const testing::CliResult r = testing::run_kcsim(
      "kubectl " KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json --at 90s -- argocd app diff immigranta-backend");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("===== apps/Deployment prod/immigranta-backend ======\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kcsim
