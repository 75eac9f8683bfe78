// The Git repository model (models/git/git_repository.cpp): the "git" section and "git commit"
// timeline actions, deterministic commit SHAs, ls-remote at an instant, directory reads, and
// webhooks.
#include <gtest/gtest.h>

#include <regex>

#include "../../models/git/git_repository.hpp"
#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"

namespace kcsim {
namespace {

using testing::make_world;

constexpr const char* kRepo = "https://git.example.com/platform.git";

json cm(const std::string& name, const std::string& value = "1") {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"v", value}}}};
}

json scenario(json commits, json extra = json::object()) {
  json s = {{"git", {{"repoURL", kRepo}, {"commits", commits}}}};
  s.merge_patch(extra);
  return s;
}

GitService& git_of(World& w) {
  auto* g = dynamic_cast<GitService*>(w.model("git"));
  EXPECT_NE(g, nullptr);
  return *g;
}

const json kTwoCommits = json::parse(R"([
  {"at": "0s", "message": "initial", "files": {"apps/a/cm.yaml": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]}},
  {"at": "10m", "message": "second", "changes": {"apps/b/cm.yaml": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}}}
])");

TEST(GitRepository, ShasAreDeterministic40Hex) {
  auto w1 = make_world(scenario(kTwoCommits), {"git"});
  auto w2 = make_world(scenario(kTwoCommits), {"git"});
  auto a = git_of(*w1).resolve(kRepo, "HEAD", SimTime{minutes(20)});
  auto b = git_of(*w2).resolve(kRepo, "HEAD", SimTime{minutes(20)});
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_TRUE(std::regex_match(a.value->sha, std::regex("^[0-9a-f]{40}$")));
  EXPECT_EQ(a.value->sha, b.value->sha);
  auto other_seed = make_world(scenario(kTwoCommits, {{"seed", 2}}), {"git"});
  EXPECT_NE(git_of(*other_seed).resolve(kRepo, "HEAD", SimTime{minutes(20)}).value->sha, a.value->sha);
  auto first = git_of(*w1).resolve(kRepo, "main", SimTime{minutes(5)});
  EXPECT_NE(first.value->sha, a.value->sha);
}

TEST(GitRepository, LsRemoteSeesACommitFromItsInstant) {
  auto w = make_world(scenario(kTwoCommits), {"git"});
  GitService& g = git_of(*w);
  EXPECT_EQ(g.resolve(kRepo, "HEAD", SimTime{minutes(10) - microseconds(1)}).value->message, "initial");
  EXPECT_EQ(g.resolve(kRepo, "HEAD", SimTime{minutes(10)}).value->message, "second");
  EXPECT_EQ(g.resolve(kRepo, "refs/heads/main", SimTime{minutes(11)}).value->message, "second");
  // A commit SHA (or a 7+ digit prefix) resolves once pushed.
  const std::string sha = g.resolve(kRepo, "HEAD", SimTime{minutes(11)}).value->sha;
  EXPECT_FALSE(g.resolve(kRepo, sha, SimTime{minutes(1)}).ok());
  EXPECT_EQ(g.resolve(kRepo, sha.substr(0, 8), SimTime{minutes(11)}).value->sha, sha);
  auto missing = g.resolve(kRepo, "release", SimTime{minutes(11)});
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.error, "unable to resolve 'release' to a commit SHA");
  // URLs compare like ArgoCD's SameURL (case and ".git" aside; a trailing "/" differs).
  EXPECT_TRUE(g.has_repository("https://GIT.example.com/platform"));
  EXPECT_FALSE(g.has_repository("https://git.example.com/platform/"));
  EXPECT_FALSE(g.has_repository("https://git.example.com/other.git"));
}

TEST(GitRepository, DeltaCommitsAndDirectoryReads) {
  json commits = kTwoCommits;
  commits.push_back(json::parse(R"({"at": "20m", "message": "drop a", "changes": {"apps/a/cm.yaml": null}})"));
  auto w = make_world(scenario(commits), {"git"});
  GitService& g = git_of(*w);
  const std::string second = g.resolve(kRepo, "HEAD", SimTime{minutes(15)}).value->sha;
  const std::string third = g.resolve(kRepo, "HEAD", SimTime{minutes(25)}).value->sha;
  auto a = g.manifests(kRepo, second, "apps/a", false);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a.value->size(), 1u);
  EXPECT_EQ((*a.value)[0]["metadata"]["name"], "a");
  // Non-recursive reads only the directory itself; recursive reads the subtree.
  EXPECT_EQ(g.manifests(kRepo, second, "apps", false).value->size(), 0u);
  EXPECT_EQ(g.manifests(kRepo, second, "apps", true).value->size(), 2u);
  EXPECT_EQ(g.manifests(kRepo, second, "./apps/", true).value->size(), 2u);
  auto gone = g.manifests(kRepo, third, "apps/a", false);
  EXPECT_FALSE(gone.ok());
  EXPECT_EQ(gone.error, "apps/a: app path does not exist");
}

TEST(GitRepository, BranchesTagsAndTimelineCommits) {
  json commits = json::parse(R"([
    {"at": "0s", "message": "initial", "tags": ["v1"], "files": {"app/cm.yaml": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"v": "1"}}]}},
    {"at": "5m", "branch": "staging", "message": "staging change", "changes": {"app/cm.yaml": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"v": "2"}}]}}
  ])");
  json timeline = json::parse(R"([
    {"at": "7m", "action": "git commit", "message": "hotfix on main", "changes": {"app/cm.yaml": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"v": "3"}}]}}
  ])");
  auto w = make_world(scenario(commits, {{"timeline", timeline}}), {"git"});
  GitService& g = git_of(*w);
  auto staging = g.resolve(kRepo, "staging", SimTime{minutes(8)});
  ASSERT_TRUE(staging.ok());
  EXPECT_EQ((*g.manifests(kRepo, staging.value->sha, "app", false).value)[0]["data"]["v"], "2");
  auto main = g.resolve(kRepo, "HEAD", SimTime{minutes(8)});
  EXPECT_EQ(main.value->message, "hotfix on main");
  EXPECT_EQ((*g.manifests(kRepo, main.value->sha, "app", false).value)[0]["data"]["v"], "3");
  auto v1 = g.resolve(kRepo, "v1", SimTime{minutes(8)});
  EXPECT_EQ(v1.value->message, "initial");
  EXPECT_FALSE(g.resolve(kRepo, "staging", SimTime{minutes(4)}).ok());
}

class Pushes : public GitPushListener {
 public:
  explicit Pushes(World& w) : w_(w) {}
  void on_git_push(const std::string& url, const std::string& ref, const std::string& sha) override {
    seen.push_back({w_.engine().now(), url, ref, sha});
  }
  struct Push {
    SimTime at;
    std::string url, ref, sha;
  };
  std::vector<Push> seen;

 private:
  World& w_;
};

TEST(GitRepository, WebhookIsDeliveredAfterItsDelay) {
  json s = scenario(kTwoCommits);
  s["git"]["webhook"] = {{"delay", "2s"}};
  auto w = make_world(s, {"git"});
  Pushes pushes(*w);
  git_of(*w).subscribe(&pushes);
  w->run(SimTime{minutes(15)});
  ASSERT_EQ(pushes.seen.size(), 2u);
  EXPECT_EQ(pushes.seen[1].at, SimTime{minutes(10) + seconds(2)});
  EXPECT_EQ(pushes.seen[1].ref, "refs/heads/main");
  EXPECT_EQ(pushes.seen[1].sha, git_of(*w).resolve(kRepo, "HEAD", SimTime{minutes(15)}).value->sha);
}

TEST(GitRepository, SeveralRepositories) {
  json s = {{"git", json::array({{{"repoURL", kRepo}, {"commits", kTwoCommits}},
                                 {{"repoURL", "https://git.example.com/other.git"}, {"defaultBranch", "trunk"},
                                  {"commits", json::array({{{"at", "0s"}, {"files", {{"x.yaml", cm("x")}}}}})}}})}};
  auto w = make_world(s, {"git"});
  auto r = git_of(*w).resolve("https://git.example.com/other.git", "HEAD", SimTime{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value->branch, "trunk");
  EXPECT_EQ(git_of(*w).manifests("https://git.example.com/other.git", r.value->sha, "", false).value->size(), 1u);
}

TEST(GitRepository, FilesCanBeYamlText) {
  json commits = json::array({{{"at", "0s"},
                               {"files",
                                {{"app/all.yaml",
                                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  enabled: \"yes\"\n"
                                  "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"}}}}});
  auto w = make_world(scenario(commits), {"git"});
  GitService& g = git_of(*w);
  auto list = g.manifests(kRepo, g.resolve(kRepo, "HEAD", SimTime{}).value->sha, "app", false);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value->size(), 2u);
  EXPECT_EQ((*list.value)[0]["data"]["enabled"], "yes");
  EXPECT_EQ((*list.value)[1]["metadata"]["name"], "b");
  json bad = json::array({{{"at", "0s"}, {"files", {{"app/x.yaml", "apiVersion: v1\nkind: [\n"}}}}});
  try {
    make_world(scenario(bad), {"git"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/git/commits/0/files/app~1x.yaml");
  }
}

TEST(GitRepository, InputErrorsNameThePlace) {
  auto expect_error = [](json s, const std::string& pointer) {
    try {
      make_world(s, {"git"});
      ADD_FAILURE() << "expected an InputError at " << pointer;
    } catch (const InputError& e) {
      EXPECT_EQ(e.pointer(), pointer) << e.what();
    }
  };
  expect_error(scenario(json::parse(R"([{"at": "0s", "fles": {}}])")), "/git/commits/0/fles");
  expect_error(scenario(json::parse(R"([{"at": "0s", "files": {"a.yaml": [{"kind": "ConfigMap", "metadata": {"name": "a"}}]}}])")),
               "/git/commits/0/files/a.yaml/0/apiVersion");
  expect_error(scenario(json::parse(R"([{"at": "0s", "files": {}, "changes": {}}])")), "/git/commits/0/changes");
  expect_error(scenario(json::parse(R"([{"at": "soon"}])")), "/git/commits/0/at");
  expect_error(scenario(json::parse(R"([{"at": "0s", "sha": "xyz"}])")), "/git/commits/0/sha");
  expect_error(json{{"git", {{"commits", json::array()}}}}, "/git/repoURL");
  expect_error(json{{"timeline", json::parse(R"([{"at": "1m", "action": "git commit", "message": "x"}])")}},
               "/timeline/0/repoURL");
}

}  // namespace
}  // namespace kcsim
