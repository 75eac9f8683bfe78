// Unit tests of `argocd app diff` and `argocd app manifests` as `kcsim kubectl ... -- argocd`
// prints them (sim/views/argocd_app_diff.cpp), pinned to argo-cd v3.3's layout
// (cmd/argocd/commands/app.go findandPrintDiff, NewApplicationManifestsCommand; util/cli PrintDiff,
// which runs plain `diff LIVE TARGET`), and of the diff's normal format (sim/views/normal_diff.hpp)
// against GNU diffutils 3.8's output for the same files.
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../../sim/views/normal_diff.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

// --- diff's normal format: each expected text is what `diff a b` printed (GNU diffutils 3.8) ---

TEST(NormalDiff, MatchesGnuDiffOnChangesDeletionsAndAdditions) {
  EXPECT_EQ(normal_diff("a\nb\nc\n", "a\nB\nc\n"), "2c2\n< b\n---\n> B\n");
  EXPECT_EQ(normal_diff("a\nb\nc\nd\n", "a\nd\n"), "2,3d1\n< b\n< c\n");
  EXPECT_EQ(normal_diff("a\nd\n", "a\nb\nc\nd\n"), "1a2,3\n> b\n> c\n");
  EXPECT_EQ(normal_diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nB\nc\nd\ne\nf\ng\nh\ni\n"), "2c2\n< b\n---\n> B\n8a9\n> i\n");
  // A list item inserted before another: the shared "- name:" shape does not confuse the alignment.
  EXPECT_EQ(normal_diff("k: 1\n- name: a\n  v: 1\n- name: b\n  v: 2\n", "k: 1\n- name: a\n  v: 1\n- name: c\n  v: 3\n- name: b\n  v: 2\n"),
            "3a4,5\n> - name: c\n>   v: 3\n");
}

TEST(NormalDiff, WhereSeveralShortestScriptsExistItIsGnuDiffsChoice) {
  // b,a,a -> a,b: a plain forward Myers walk prints "1d0 < b" and "3c2 < a --- > b"; GNU diff's
  // middle-snake split and boundary shifting print this instead (same edit distance).
  EXPECT_EQ(normal_diff("b\na\na\n", "a\nb\n"), "1,2d0\n< b\n< a\n3a2\n> b\n");
  // A duplicated line deleted: GNU diff reports the later copy (the common head takes the first).
  EXPECT_EQ(normal_diff("x\nx\n", "x\n"), "2d1\n< x\n");
}

TEST(NormalDiff, AnEmptySideIsAllAdditionsOrAllDeletionsAndEqualTextsPrintNothing) {
  EXPECT_EQ(normal_diff("", "x\ny\n"), "0a1,2\n> x\n> y\n");
  EXPECT_EQ(normal_diff("x\ny\n", ""), "1,2d0\n< x\n< y\n");
  EXPECT_EQ(normal_diff("a\nb\n", "a\nb\n"), "");
}

// Applies a normal-format diff to `a`, as `patch` would: the result must be `b`.
std::string apply_normal_diff(const std::string& a, const std::string& diff) {
  std::vector<std::string> lines, out;
  for (std::size_t p = 0; p < a.size();) {
    const std::size_t e = a.find('\n', p);
    lines.push_back(a.substr(p, e - p));
    p = e + 1;
  }
  std::size_t next = 0;  // the first line of `a` not yet copied (0-based)
  std::istringstream in(diff);
  std::string cmd;
  while (std::getline(in, cmd)) {
    const std::size_t op = cmd.find_first_of("acd");
    const std::string left = cmd.substr(0, op);
    const std::size_t first = std::stoul(left), last = left.find(',') == std::string::npos ? first : std::stoul(left.substr(left.find(',') + 1));
    const std::size_t keep_until = cmd[op] == 'a' ? first : first - 1;  // lines before the change
    while (next < keep_until) out.push_back(lines[next++]);
    if (cmd[op] != 'a') next = last;  // the removed lines, printed as "< ..."
    std::string line;
    while (in.peek() == '<' || in.peek() == '-') std::getline(in, line);  // "< removed", "---"
    while (in.peek() == '>') {
      std::getline(in, line);
      out.push_back(line.substr(2));
    }
  }
  while (next < lines.size()) out.push_back(lines[next++]);
  std::string text;
  for (const std::string& l : out) text += l + "\n";
  return text;
}

TEST(NormalDiff, PatchingTheFirstTextWithTheDiffGivesTheSecond) {
  // A fixed pseudo-random sequence (mt19937's output is specified by the C++ standard), small
  // alphabets so that lines repeat and many alignments are possible.
  std::mt19937 rng(17);
  const std::vector<std::string> alphabet = {"a", "b", "- name: x", "  replicas: 1", "  replicas: 0", "}"};
  for (int t = 0; t < 500; ++t) {
    auto text = [&] {
      std::string s;
      for (std::uint32_t n = rng() % 30; n > 0; --n) s += alphabet[rng() % alphabet.size()] + "\n";
      return s;
    };
    const std::string a = text(), b = text();
    const std::string d = normal_diff(a, b);
    EXPECT_EQ(apply_normal_diff(a, d), b) << "a:\n" << a << "b:\n" << b << "diff:\n" << d;
    EXPECT_EQ(d.empty(), a == b);
  }
}

// --- argocd app diff / manifests on the bundled scenarios ----------------------------------------

struct At {
  std::unique_ptr<World> world;
  At(const std::string& scenario, Duration instant) {
    world = std::make_unique<World>(load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/" + scenario));
    world->run(SimTime{instant});
  }
  KubectlResult run(const std::vector<std::string>& args) const { return kubectl_exec(*world, args); }
};

TEST(ArgocdAppDiff, SixMinuteLoopShowsKedasZeroAgainstGitsOneWithExitStatusOne) {
  // At 1m30s KEDA has scaled the Deployment to 0 again after a self-heal; the controller's
  // comparison is OutOfSync on the Deployment alone. Line 131 of the live YAML (managedFields and
  // status included, creationTimestamp normalised away) is spec.replicas.
  const At at("six-minute-loop.json", seconds(90));
  ASSERT_EQ(at.run({"get", "deploy", "immigranta-backend", "-n", "prod", "-o", "jsonpath={.spec.replicas}"}).out, "0");
  const KubectlResult r = at.run({"argocd", "app", "diff", "immigranta-backend"});
  EXPECT_EQ(r.out,
            "\n"
            "===== apps/Deployment prod/immigranta-backend ======\n"
            "131c131\n"
            "<   replicas: 0\n"
            "---\n"
            ">   replicas: 1\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.status, 1);
  // --exit-code=false: the same difference, status 0.
  const KubectlResult quiet = at.run({"argocd", "app", "diff", "argocd/immigranta-backend", "--exit-code=false"});
  EXPECT_EQ(quiet.out, r.out);
  EXPECT_EQ(quiet.status, 0);
  // --diff-exit-code N (argocd's v3.4 reference): N instead of 1.
  EXPECT_EQ(at.run({"argocd", "app", "diff", "immigranta-backend", "--diff-exit-code", "21"}).status, 21);
  EXPECT_THROW(at.run({"argocd", "app", "diff", "immigranta-backend", "--diff-exit-code", "x"}), KubectlUsageError);
}

TEST(ArgocdAppDiff, TheLiveIgnoreFixPrintsNothingAndExitsZeroWhileReplicasIsZero) {
  // The fix applied live: ignoreDifferences on /spec/replicas. KEDA's 0 is then no difference.
  const At at("six-minute-loop-fix-live-ignore.json", seconds(90));
  ASSERT_EQ(at.run({"get", "deploy", "immigranta-backend", "-n", "prod", "-o", "jsonpath={.spec.replicas}"}).out, "0");
  const KubectlResult r = at.run({"argocd", "app", "diff", "immigranta-backend"});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.status, 0);
}

TEST(ArgocdAppDiff, BeforeTheFirstSyncEveryResourceIsMissingAndPrintedWhole) {
  const At at("six-minute-loop.json", Duration{0});
  const KubectlResult r = at.run({"argocd", "app", "diff", "immigranta-backend"});
  EXPECT_EQ(r.status, 1);
  // Three resources, each "0a1,N" and the target's lines as additions.
  EXPECT_EQ(r.out.rfind("\n===== apps/Deployment prod/immigranta-backend ======\n0a1,40\n> apiVersion: apps/v1\n> kind: Deployment\n", 0), 0u)
      << r.out.substr(0, 300);
  EXPECT_NE(r.out.find("\n===== /Service prod/immigranta-backend ======\n0a1,"), std::string::npos);
  EXPECT_NE(r.out.find("\n===== http.keda.sh/HTTPScaledObject prod/immigranta-backend ======\n0a1,"), std::string::npos);
  EXPECT_EQ(r.out.find("\n< "), std::string::npos);
}

TEST(ArgocdAppDiff, AMissingApplicationIsArgocdsNotFoundAndUnsupportedFlagsAreUsageErrors) {
  const At at("six-minute-loop.json", seconds(90));
  const KubectlResult r = at.run({"argocd", "app", "diff", "nope"});
  EXPECT_EQ(r.err, "FATA[0000] rpc error: code = NotFound desc = applications.argoproj.io \"nope\" not found\n");
  EXPECT_EQ(r.status, 20);
  EXPECT_THROW(at.run({"argocd", "app", "diff", "immigranta-backend", "--local", "dir"}), KubectlUsageError);
  EXPECT_THROW(at.run({"argocd", "app", "diff"}), KubectlUsageError);
}

TEST(ArgocdAppManifests, GitSourcePrintsEachTargetAsTheControllerComparesIt) {
  const At at("six-minute-loop.json", seconds(90));
  const KubectlResult r = at.run({"argocd", "app", "manifests", "immigranta-backend"});
  EXPECT_EQ(r.status, 0);
  // "---", the YAML, a blank line (fmt.Println("---"); fmt.Printf("%s\n", yaml)); the Service and
  // the HTTPScaledObject follow the Deployment in Git's order.
  const std::string service =
      "---\n"
      "apiVersion: v1\n"
      "kind: Service\n"
      "metadata:\n"
      "  annotations:\n"
      "    argocd.argoproj.io/tracking-id: immigranta-backend:/Service:prod/immigranta-backend\n"
      "  labels:\n"
      "    app.kubernetes.io/name: immigranta-backend\n"
      "  name: immigranta-backend\n"
      "  namespace: prod\n"
      "spec:\n"
      "  ports:\n"
      "  - name: http\n"
      "    port: 8080\n"
      "    targetPort: http\n"
      "  selector:\n"
      "    app.kubernetes.io/instance: immigranta-backend\n"
      "    app.kubernetes.io/name: immigranta-backend\n"
      "\n";
  EXPECT_EQ(r.out.rfind("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n"
                        "    argocd.argoproj.io/tracking-id: immigranta-backend:apps/Deployment:prod/immigranta-backend\n", 0),
            0u)
      << r.out.substr(0, 300);
  EXPECT_NE(r.out.find("\nspec:\n  replicas: 1\n"), std::string::npos);
  const std::size_t s = r.out.find("---\napiVersion: v1\n");
  ASSERT_NE(s, std::string::npos);
  EXPECT_EQ(r.out.substr(s, service.size()), service);
  EXPECT_EQ(r.out.substr(s + service.size(), 38), "---\napiVersion: http.keda.sh/v1alpha1\n");
  EXPECT_EQ(r.out.substr(r.out.size() - 2), "\n\n");
}

TEST(ArgocdAppManifests, LiveSourcePrintsTheClusterObjectsAndNullForMissingOnes) {
  const At later("six-minute-loop.json", seconds(90));
  const KubectlResult live = later.run({"argocd", "app", "manifests", "immigranta-backend", "--source", "live"});
  EXPECT_EQ(live.status, 0);
  EXPECT_EQ(live.out.rfind("---\napiVersion: apps/v1\nkind: Deployment\n", 0), 0u);
  EXPECT_NE(live.out.find("\n  managedFields:\n"), std::string::npos);
  EXPECT_NE(live.out.find("\nspec:\n  progressDeadlineSeconds: 600\n  replicas: 0\n"), std::string::npos) << live.out.substr(0, 2000);
  const At start("six-minute-loop.json", Duration{0});
  EXPECT_EQ(start.run({"argocd", "app", "manifests", "immigranta-backend", "--source=live"}).out, "---\nnull\n\n---\nnull\n\n---\nnull\n\n");
  const KubectlResult bad = start.run({"argocd", "app", "manifests", "immigranta-backend", "--source", "helm"});
  EXPECT_EQ(bad.err, "FATA[0000] Unknown source type 'helm'\n");
  EXPECT_EQ(bad.status, 1);
}

}  // namespace
}  // namespace kcsim
