// One-off resets (include/kcsim/analysis/resets.hpp): a value set back once is reported, a
// takeover is not, and a fight is reported as a fight, not as resets.
#include "kcsim/analysis/resets.hpp"

#include <gtest/gtest.h>

#include "kcsim/analysis/fights.hpp"

namespace kcsim {
namespace {

/// The records point into an interner, which must outlive them: one for the whole test program.
WriteInterner& interner() {
  static WriteInterner kept;
  return kept;
}

/// The API server records a Create as one write of the whole object (field "").
WriteRecord create(const std::string& manager) {
  return interner().record(kTimeZero, manager, ObjectRef{"Deployment", "prod", "web"}, "", WriteOperation::kCreate,
                           WriteSubresource::kNone);
}

WriteRecord replicas(std::int64_t at_s, const std::string& manager, int from, int to) {
  return interner().record(SimTime{seconds(at_s)}, manager, ObjectRef{"Deployment", "prod", "web"}, "/spec/replicas",
                           WriteOperation::kUpdate, WriteSubresource::kNone, from, to);
}

TEST(Resets, ASyncOverAnHpaAtPeakLoadIsOneReset) {
  // The HPA scaled to 10 under load; an ArgoCD sync puts Git's 3 back; the HPA answers with 6.
  const WriteRecords writes = {create("argocd-controller"),
                                           replicas(60, "kube-controller-manager", 3, 10),
                                           replicas(600, "argocd-controller", 10, 3),
                                           replicas(615, "kube-controller-manager", 3, 6)};
  EXPECT_TRUE(find_fights(writes).empty()) << "two hand-overs are not a fight";
  const json resets = find_resets(writes);
  ASSERT_EQ(resets.size(), 1u) << resets.dump(1);
  const json& r = resets[0];
  EXPECT_EQ(r["by"], "argocd-controller");
  EXPECT_EQ(r["over"], "kube-controller-manager");
  EXPECT_EQ(r["from"], 10);
  EXPECT_EQ(r["to"], 3);
  EXPECT_EQ(r["at_s"], 600.0);
  EXPECT_EQ(r["restored_at_s"], 615.0);
  EXPECT_EQ(r["restored_to"], 6);
  EXPECT_EQ(r["summary"],
            "argocd-controller reset /spec/replicas of Deployment prod/web from 10 to 3 at 10m0s; "
            "kube-controller-manager set it to 6 15s later");
}

TEST(Resets, ATakeoverWithoutAnAnswerIsNoReset) {
  // Applied with 1, then KEDA owns the field: nobody sets it back.
  const WriteRecords writes = {create("kubectl-client-side-apply"), replicas(300, "keda", 1, 0),
                                           replicas(900, "keda", 0, 1)};
  EXPECT_TRUE(find_resets(writes).empty());
}

TEST(Resets, AFightIsReportedAsAFightNotAsResets) {
  const WriteRecords writes = {replicas(0, "argocd-controller", 0, 1), replicas(300, "keda", 1, 0),
                                           replicas(305, "argocd-controller", 0, 1), replicas(605, "keda", 1, 0)};
  EXPECT_EQ(find_fights(writes).size(), 1u);
  EXPECT_TRUE(find_resets(writes).empty());
}

}  // namespace
}  // namespace kcsim
