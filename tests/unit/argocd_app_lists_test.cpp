// Unit tests of `argocd app history` and `argocd app resources` as `kcsim kubectl ... -- argocd`
// prints them (sim/views/argocd_app_history.cpp), against a public transcript where one exists
// and otherwise against argo-cd's cmd/argocd/commands (v2.8.0 to v3.5.0).
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

struct ArgoCluster {
  Engine engine;
  std::unique_ptr<ApiServer> api = std::make_unique<ApiServer>(engine, Epoch{*parse_rfc3339("2023-01-18T21:30:00Z")});
  Versions versions;

  void create(json o) {
    const WriteResult r = api->create(std::move(o), "test");
    ASSERT_TRUE(r.status.ok()) << r.status.message;
  }
  KubectlResult run(const std::vector<std::string>& args) { return kubectl_exec(*api, versions, args); }
};

json history_entry(int id, const std::string& deployed_at, const std::string& revision) {
  return {{"id", id},
          {"deployedAt", deployed_at},
          {"revision", revision},
          {"source", {{"repoURL", "https://github.com/victormartinez/argocd-demo.git"}, {"path", "k8s"}, {"targetRevision", "HEAD"}}}};
}

// The demo Application of a public transcript (kind cluster, 18 Jan 2023, CET): three syncs of
// HEAD, two of commit 02ceb24..., one of b4b4d8c...; a Service and a Deployment.
void demo_app(ArgoCluster& c) {
  c.create({{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "simple-service"}, {"namespace", "default"}}}, {"spec", json::object()}});
  c.create({{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "simple-deployment"}, {"namespace", "default"}}},
            {"spec", {{"selector", {{"matchLabels", {{"app", "simple"}}}}}, {"template", {{"metadata", {{"labels", {{"app", "simple"}}}}}}}}}});
  c.create({{"apiVersion", "argoproj.io/v1alpha1"},
            {"kind", "Application"},
            {"metadata", {{"name", "demo"}, {"namespace", "argocd"}}},
            {"spec", {{"project", "default"}, {"source", {{"repoURL", "https://github.com/victormartinez/argocd-demo.git"}, {"path", "k8s"}, {"targetRevision", "HEAD"}}}}},
            {"status",
             {{"history",
               json::array({history_entry(0, "2023-01-18T21:33:19Z", "02ceb24d1f0e6c4b8a9f3e2d7c6b5a4f3e2d1c0b"),
                            history_entry(1, "2023-01-18T21:37:19Z", "02ceb24d1f0e6c4b8a9f3e2d7c6b5a4f3e2d1c0b"),
                            history_entry(2, "2023-01-18T21:40:57Z", "b4b4d8c0a1b2c3d4e5f60718293a4b5c6d7e8f90")})},
              {"resources",
               json::array({{{"version", "v1"}, {"kind", "Service"}, {"namespace", "default"}, {"name", "simple-service"}, {"status", "Synced"}},
                            {{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}, {"namespace", "default"}, {"name", "simple-deployment"}, {"status", "Synced"}},
                            {{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}, {"namespace", "default"}, {"name", "not-created-yet"}, {"status", "OutOfSync"}}})}}}});
}

TEST(ArgocdAppHistory, BeforeArgoCd211OneTableMatchesATranscript) {
  // `argocd app history demo` from the transcript, times in UTC instead of CET:
  //   ID  DATE                           REVISION
  //   0   2023-01-18 22:33:19 +0100 CET  HEAD (02ceb24)
  // printApplicationHistoryTable before v2.11.0: ID DATE REVISION, the targetRevision with the
  // first 7 characters of the revision, tabwriter (0, 0, 2).
  ArgoCluster c;
  c.versions.set("argocd", "2.10.0");
  demo_app(c);
  const KubectlResult r = c.run({"argocd", "app", "history", "demo"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "ID  DATE                           REVISION\n"
            "0   2023-01-18 21:33:19 +0000 UTC  HEAD (02ceb24)\n"
            "1   2023-01-18 21:37:19 +0000 UTC  HEAD (02ceb24)\n"
            "2   2023-01-18 21:40:57 +0000 UTC  HEAD (b4b4d8c)\n");
}

TEST(ArgocdAppHistory, FromArgoCd211GroupedBySource) {
  // v2.11.0 to v3.5.0: one group per repository, "SOURCE\t<repoURL>" before its ID DATE
  // REVISION header; the SOURCE line's URL is text after the last tab, so it does not widen the
  // DATE column. -o id prints the ids only.
  ArgoCluster c;
  c.versions.set("argocd", "3.3.0");
  demo_app(c);
  EXPECT_EQ(c.run({"argocd", "app", "history", "demo"}).out,
            "SOURCE  https://github.com/victormartinez/argocd-demo.git\n"
            "ID      DATE                           REVISION\n"
            "0       2023-01-18 21:33:19 +0000 UTC  HEAD (02ceb24)\n"
            "1       2023-01-18 21:37:19 +0000 UTC  HEAD (02ceb24)\n"
            "2       2023-01-18 21:40:57 +0000 UTC  HEAD (b4b4d8c)\n");
  EXPECT_EQ(c.run({"argocd", "app", "history", "argocd/demo", "-o", "id"}).out, "0\n1\n2\n");
  const KubectlResult missing = c.run({"argocd", "app", "history", "nope"});
  EXPECT_EQ(missing.status, 20);
  EXPECT_EQ(missing.err, "FATA[0000] rpc error: code = NotFound desc = applications.argoproj.io \"nope\" not found\n");
}

TEST(ArgocdAppResources, ListsTheTreesTopNodesSortedByFullName) {
  // app_resources.go printResources, default output: GROUP KIND NAMESPACE NAME ORPHANED of the
  // tree's nodes without parents, sorted as ApplicationTree.Normalize sorts them
  // ("group/kind/namespace/name": the core group's empty name first); a managed resource that
  // does not exist is no node. --orphaned: only orphaned nodes, none without orphan monitoring.
  ArgoCluster c;
  demo_app(c);
  EXPECT_EQ(c.run({"argocd", "app", "resources", "demo"}).out,
            "GROUP  KIND        NAMESPACE  NAME               ORPHANED\n"
            "       Service     default    simple-service     No\n"
            "apps   Deployment  default    simple-deployment  No\n");
  EXPECT_EQ(c.run({"argocd", "app", "resources", "demo", "--orphaned"}).out, "GROUP  KIND  NAMESPACE  NAME  ORPHANED\n");
}

}  // namespace
}  // namespace kcsim
