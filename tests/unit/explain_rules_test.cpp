// kcsim explain names a rule that looks right but cannot match, with the reason (issue
// "Trustworthy outputs": the ignoreDifferences entry without `group` for an apps/ kind).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_test_support.hpp"

namespace fs = std::filesystem;

TEST(ExplainRules, IgnoreDifferencesWithoutGroupNeverMatchesADeployment) {
  const std::string dir = kcsim::testing::test_dir() + "/manifests";
  fs::remove_all(dir);
  fs::create_directories(dir + "/live");
  fs::copy(std::string(KCSIM_SOURCE_DIR) + "/tests/data/six-minute-loop/git", dir + "/git", fs::copy_options::recursive);
  // The live Application has the rule, but without `group: apps`: it matches only the core group.
  std::ofstream(dir + "/live/application.yaml") << R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: immigranta-backend
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/immigranta/gitops.git
    targetRevision: main
    path: apps/immigranta-backend
  destination:
    server: https://kubernetes.default.svc
    namespace: prod
  syncPolicy:
    automated:
      selfHeal: true
  ignoreDifferences:
    - kind: Deployment
      jsonPointers:
        - /spec/replicas
)";
  const auto r = kcsim::testing::run_kcsim("explain --format json " + dir, 60);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ignoreDifferences names /spec/replicas for kind Deployment but has no group: an entry matches "
                       "only the API group it names (none means the core group), so it never applies to apps Deployment"),
            std::string::npos)
      << r.out;
}
