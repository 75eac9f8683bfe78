// The public incidents of docs/explain-lint.md ("Incident coverage", 1-6, with their upstream
// issues), each predicted from its manifests by the ownership graph
// (sim/analysis/ownership_graph.cpp), and the clean manifests that must give no finding.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/analysis/ownership_graph.hpp"
#include "manifest_test_support.hpp"

namespace kcsim {
namespace {

using testing::by_rule;
using testing::Doc;
using testing::fights_of;
using testing::make_set;

const std::string kData = std::string(KCSIM_SOURCE_DIR) + "/tests/data";
const std::string kScenarios = std::string(KCSIM_SOURCE_DIR) + "/scenarios";

constexpr ManifestOrigin kGit = ManifestOrigin::kGit;
constexpr ManifestOrigin kLive = ManifestOrigin::kLive;
constexpr ManifestOrigin kApplied = ManifestOrigin::kDeclared;

// A Deployment `web`; `replicas` < 0 leaves the field out.
std::string deployment(int replicas, const std::string& ns = "") {
  std::string md = ns.empty() ? "{name: web}" : "{name: web, namespace: " + ns + "}";
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: " + md + "\nspec:\n" +
         (replicas >= 0 ? "  replicas: " + std::to_string(replicas) + "\n" : "") +
         "  selector: {matchLabels: {app: web}}\n"
         "  template:\n    metadata: {labels: {app: web}}\n"
         "    spec: {containers: [{name: web, image: \"nginx:1.27\"}]}\n";
}

std::string hpa(int min, int max, const std::string& ns = "") {
  std::string md = ns.empty() ? "{name: web}" : "{name: web, namespace: " + ns + "}";
  return "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: " + md + "\nspec: {minReplicas: " +
         std::to_string(min) + ", maxReplicas: " + std::to_string(max) +
         ", scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}\n";
}

// A ScaledObject for `web`; min < 0 leaves minReplicaCount out (KEDA's default 0).
std::string scaled_object(int min, int max) {
  return "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n" +
         (min >= 0 ? "  minReplicaCount: " + std::to_string(min) + "\n" : std::string()) +
         "  maxReplicaCount: " + std::to_string(max) + "\n  triggers: [{type: cpu, metadata: {value: \"50\"}}]\n";
}

std::string http_scaled_object(int min, int max) {
  return "apiVersion: http.keda.sh/v1alpha1\nkind: HTTPScaledObject\nmetadata: {name: web}\nspec:\n"
         "  hosts: [web.example]\n  scaleTargetRef: {name: web, kind: Deployment, apiVersion: apps/v1, service: web, "
         "port: 8080}\n  replicas: {min: " +
         std::to_string(min) + ", max: " + std::to_string(max) + "}\n";
}

// The Application `web` deploying Git path web/ into namespace prod.
std::string application(const std::string& sync_policy, const std::string& ignore = "") {
  return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n"
         "  source: {repoURL: https://git.example/r.git, path: web}\n  destination: {namespace: prod}\n" +
         sync_policy + ignore;
}

const char* kSelfHeal = "  syncPolicy:\n    automated: {selfHeal: true}\n";
const char* kSelfHealRespect = "  syncPolicy:\n    automated: {selfHeal: true}\n    syncOptions: [RespectIgnoreDifferences=true]\n";
const char* kAutoSyncOnly = "  syncPolicy:\n    automated: {prune: true}\n";
const char* kIgnoreReplicas = "  ignoreDifferences:\n  - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}\n";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool has_writer(const Finding& f, const std::string& prefix) {
  return std::any_of(f.writers.begin(), f.writers.end(), [&](const std::string& w) { return w.rfind(prefix, 0) == 0; });
}

// An ArgoCD-deployed web/ directory: the live Application and the Git files.
ManifestSet argocd_set(const std::string& app, const std::vector<std::string>& git_files) {
  std::vector<Doc> docs = {{kLive, "live/app.yaml", app}};
  for (std::size_t i = 0; i < git_files.size(); ++i) docs.push_back({kGit, "web/" + std::to_string(i) + ".yaml", git_files[i]});
  return make_set(docs);
}

// --- 1. KEDA scale-to-zero against ArgoCD self-heal: the six-minute loop --------------------------

TEST(PeerIncidents, SixMinuteLoopKedaAgainstSelfHealWithTheFixStuckInGit) {
  // The detailed assertions are in ownership_graph_test.cpp (SixMinuteLoopFightAndItsRootCause).
  ManifestInputs in;
  in.paths = {kData + "/six-minute-loop"};
  const OwnershipGraph g(load_manifest_set(in));
  const Finding* keda = nullptr;
  for (const Finding* f : by_rule(g, "field-fight"))
    if (has_writer(*f, "keda (") && has_writer(*f, "argocd-controller (")) keda = f;
  ASSERT_NE(keda, nullptr);
  EXPECT_EQ(keda->field, "/spec/replicas");
  EXPECT_TRUE(has(keda->root_cause, "applied by hand")) << keda->root_cause;
  // An app-of-apps parent closes the gap: the fixed variant has no fight.
  in.paths = {kData + "/six-minute-loop-fixed"};
  EXPECT_TRUE(fights_of(OwnershipGraph(load_manifest_set(in))).empty());
}

// --- 2. ArgoCD self-heal against the HPA's minReplicas (argo-cd #5105) ----------------------------

TEST(PeerIncidents, SelfHealAgainstHpaMinReplicas) {
  for (const auto& [git_replicas, hpa_min] : {std::pair{1, 2}, std::pair{2, 4}}) {
    SCOPED_TRACE("Git replicas " + std::to_string(git_replicas) + ", HPA minReplicas " + std::to_string(hpa_min));
    const OwnershipGraph g(argocd_set(application(kSelfHeal), {deployment(git_replicas), hpa(hpa_min, 10)}));
    const auto fights = by_rule(g, "field-fight");
    ASSERT_EQ(fights.size(), 1u);
    EXPECT_EQ(fights[0]->object, "Deployment/prod/web");
    EXPECT_EQ(fights[0]->field, "/spec/replicas");
    EXPECT_EQ(fights[0]->writers, (std::vector<std::string>{"argocd-controller (Application/argocd/web)",
                                                            "kube-controller-manager (HorizontalPodAutoscaler/prod/web)"}));
    EXPECT_TRUE(has(fights[0]->message, "never goes below " + std::to_string(hpa_min) + ", argocd-controller sets " +
                                            std::to_string(git_replicas)))
        << fights[0]->message;
    // The two fixes the incident reports.
    ASSERT_GE(fights[0]->fixes.size(), 2u);
    EXPECT_TRUE(has(fights[0]->fixes[0], "ignoreDifferences")) << fights[0]->fixes[0];
    EXPECT_TRUE(has(fights[0]->fixes[1], "Remove /spec/replicas from the manifest in Git")) << fights[0]->fixes[1];
  }
  // Without self-heal, automated sync resets it only when it syncs (a new revision).
  const OwnershipGraph on_sync(argocd_set(application(kAutoSyncOnly), {deployment(1), hpa(2, 10)}));
  EXPECT_TRUE(by_rule(on_sync, "field-fight").empty());
  EXPECT_EQ(by_rule(on_sync, "field-reset-on-sync").size(), 1u);
}

TEST(PeerIncidents, SelfHealAgainstHpaFixesGiveNoFinding) {
  // Fix 1: ignoreDifferences with RespectIgnoreDifferences=true.
  const OwnershipGraph ignored(argocd_set(application(kSelfHealRespect, kIgnoreReplicas), {deployment(1), hpa(2, 10)}));
  EXPECT_TRUE(fights_of(ignored).empty());
  // Fix 2: no replicas in Git.
  const OwnershipGraph absent(argocd_set(application(kSelfHeal), {deployment(-1), hpa(2, 10)}));
  EXPECT_TRUE(fights_of(absent).empty());
}

// --- 3. `kubectl apply` on every deploy against the HPA (kubernetes #66385, #25238) ---------------

TEST(PeerIncidents, KubectlApplyOnEveryDeployResetsHpaScaledReplicas) {
  for (int min : {5, 10}) {
    SCOPED_TRACE("HPA minReplicas " + std::to_string(min));
    const OwnershipGraph g(make_set({{kApplied, "deploy.yaml", deployment(1, "default")},
                                     {kApplied, "hpa.yaml", hpa(min, 2 * min, "default")}}));
    const auto resets = by_rule(g, "field-reset-on-sync");
    ASSERT_EQ(resets.size(), 1u);
    EXPECT_TRUE(by_rule(g, "field-fight").empty());  // the pipeline writes only when it runs
    EXPECT_EQ(resets[0]->writers[1], "kubectl-client-side-apply (kubectl apply -f deploy.yaml)");
    EXPECT_TRUE(has(resets[0]->message, "never goes below " + std::to_string(min) + ", kubectl-client-side-apply sets 1"))
        << resets[0]->message;
    EXPECT_TRUE(has(resets[0]->location, "deploy.yaml:5:3")) << resets[0]->location;  // the replicas line
    EXPECT_TRUE(has(resets[0]->fixes[0], "Remove /spec/replicas from the applied manifest")) << resets[0]->fixes[0];
  }
  const OwnershipGraph fixed(make_set({{kApplied, "deploy.yaml", deployment(-1, "default")},
                                       {kApplied, "hpa.yaml", hpa(5, 10, "default")}}));
  EXPECT_TRUE(fights_of(fixed).empty());
}

// --- 4. ignoreDifferences without RespectIgnoreDifferences=true (argo-cd #6520, #7820) ------------

TEST(PeerIncidents, IgnoreDifferencesWithoutRespectStillResetsOnEverySync) {
  const OwnershipGraph g(argocd_set(application(kSelfHeal, kIgnoreReplicas), {deployment(1), hpa(2, 10)}));
  // The diff is hidden, so self-heal does not fight continuously...
  EXPECT_TRUE(by_rule(g, "field-fight").empty());
  // ...but each sync that applies the Deployment writes Git's value.
  const auto resets = by_rule(g, "field-reset-on-sync");
  ASSERT_EQ(resets.size(), 1u);
  EXPECT_TRUE(has(resets[0]->message, "without RespectIgnoreDifferences=true every sync that applies this object"))
      << resets[0]->message;
  EXPECT_TRUE(has(resets[0]->message, "a new Git revision")) << resets[0]->message;
  bool names_sync_option = false;
  for (const std::string& fix : resets[0]->fixes) names_sync_option |= has(fix, "RespectIgnoreDifferences=true");
  EXPECT_TRUE(names_sync_option);
  // With the sync option, nothing.
  const OwnershipGraph respected(argocd_set(application(kSelfHealRespect, kIgnoreReplicas), {deployment(1), hpa(2, 10)}));
  EXPECT_TRUE(fights_of(respected).empty());
}

// --- 5. KEDA with and without replicas in the manifest under auto-sync (keda #3052, #5572) --------

TEST(PeerIncidents, KedaWithoutReplicasInTheManifestIsNoFight) {
  const OwnershipGraph g(argocd_set(application(kSelfHeal), {deployment(-1), scaled_object(-1, 5)}));
  EXPECT_TRUE(fights_of(g).empty());
}

TEST(PeerIncidents, KedaWithReplicasOneUnderAutoSyncFightsForever) {
  const OwnershipGraph g(argocd_set(application(kSelfHeal), {deployment(1), scaled_object(-1, 5)}));
  const auto fights = by_rule(g, "field-fight");
  ASSERT_EQ(fights.size(), 2u);  // against KEDA (idle: 0) and against its HPA (under load: 1..5)
  const Finding* idle = has_writer(*fights[0], "keda (") ? fights[0] : fights[1];
  EXPECT_TRUE(has_writer(*idle, "keda (ScaledObject/prod/web)"));
  EXPECT_TRUE(has(idle->message, "when idle, keda sets 0 and argocd-controller sets 1")) << idle->message;
  EXPECT_TRUE(has(idle->message, "Expect a loop while the workload is idle")) << idle->message;
}

// --- 6. Legacy self-heal re-syncing every few seconds (argo-cd #16290, v2.7) -----------------------

std::string controller_statefulset(const std::string& tag) {
  return "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: argocd-application-controller, namespace: argocd, "
         "uid: a1}\nspec:\n  selector: {matchLabels: {app: c}}\n  template:\n    metadata: {labels: {app: c}}\n"
         "    spec: {containers: [{name: c, image: \"quay.io/argoproj/argocd:" +
         tag + "\"}]}\n";
}

TEST(PeerIncidents, LegacySelfHealResyncsEverySecondsOnAFieldTheClusterChanges) {
  std::vector<Doc> docs = {{kLive, "live/app.yaml", application(kSelfHeal)},
                           {kLive, "live/controller.yaml", controller_statefulset("v2.7.14")},
                           {kGit, "web/deploy.yaml", deployment(2)},
                           {kGit, "web/hpa.yaml", hpa(3, 10)}};
  const OwnershipGraph legacy(make_set(docs));
  const auto fights = by_rule(legacy, "field-fight");
  ASSERT_EQ(fights.size(), 1u);
  EXPECT_TRUE(has(fights[0]->message, "ArgoCD v2.7.14")) << fights[0]->message;
  EXPECT_TRUE(has(fights[0]->message, "no self-heal backoff: it re-syncs 5 s after its previous sync")) << fights[0]->message;
  EXPECT_TRUE(has(fights[0]->message, "the resync period is seconds")) << fights[0]->message;
  EXPECT_TRUE(has(fights[0]->message, "live/controller.yaml")) << fights[0]->message;  // where the version came from

  // The backoff releases (and its backports) say so instead.
  for (const char* tag : {"v2.14.0", "v2.12.7", "v3.3.0"}) {
    docs[1].text = controller_statefulset(tag);
    const OwnershipGraph current(make_set(docs));
    ASSERT_EQ(by_rule(current, "field-fight").size(), 1u);
    const std::string& msg = by_rule(current, "field-fight")[0]->message;
    EXPECT_FALSE(has(msg, "resync period is seconds")) << tag << ": " << msg;
    EXPECT_TRUE(has(msg, "backs off between consecutive self-heals")) << tag << ": " << msg;
  }
  docs[1].text = controller_statefulset("v2.12.6");  // before the backport to 2.12
  EXPECT_TRUE(has(by_rule(OwnershipGraph(make_set(docs)), "field-fight")[0]->message, "resync period is seconds"));

  // The backoff turned off in argocd-cmd-params-cm: the fixed timeout (default 0 there).
  docs[1] = {kLive, "live/params.yaml",
             "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cmd-params-cm, namespace: argocd}\n"
             "data: {controller.self.heal.backoff.timeout.seconds: \"0\"}\n"};
  EXPECT_TRUE(has(by_rule(OwnershipGraph(make_set(docs)), "field-fight")[0]->message, "re-syncs 0 s after"));

  // Without anything that names the release, explain says it cannot tell.
  docs.erase(docs.begin() + 1);
  const OwnershipGraph unknown(make_set(docs));
  const std::string& msg = by_rule(unknown, "field-fight")[0]->message;
  EXPECT_FALSE(has(msg, "Self-heal timing")) << msg;
  bool noted = false;
  for (const std::string& n : unknown.notes()) noted |= has(n, "The ArgoCD version is not in these inputs");
  EXPECT_TRUE(noted);
}

TEST(PeerIncidents, LegacySelfHealScenarioPredictsTheFastLoop) {
  // The scenario names its release (versions.argocd 2.10.0): the prediction uses it.
  const OwnershipGraph g(manifest_set_from_scenario(kScenarios + "/argocd-legacy-selfheal.json"));
  const Finding* keda = nullptr;
  for (const Finding* f : by_rule(g, "field-fight"))
    if (has_writer(*f, "keda (")) keda = f;
  ASSERT_NE(keda, nullptr);
  EXPECT_TRUE(has(keda->message, "ArgoCD v2.10.0 (versions.argocd in")) << keda->message;
  EXPECT_TRUE(has(keda->message, "Expect a fast loop while the workload is idle")) << keda->message;
  EXPECT_FALSE(has(keda->message, "the self-heal backoff cap")) << keda->message;
  // The main scenario runs today's release: the six-minute loop, whose period `kcsim run` measures
  // as the 300 s self-heal backoff cap (scenarios/six-minute-loop.json's expectations).
  const OwnershipGraph today(manifest_set_from_scenario(kScenarios + "/six-minute-loop.json"));
  bool backoff_cap = false;
  for (const Finding* f : by_rule(today, "field-fight"))
    backoff_cap |= has(f->message, "one cycle every 5m0s, the self-heal backoff cap");
  EXPECT_TRUE(backoff_cap);
}

// --- clean manifests: no finding -------------------------------------------------------------------

TEST(CleanManifests, AutoscalerWhoseWholeRangeIsGitsValue) {
  // HPA minReplicas = maxReplicas = 1 and Git's replicas: 1: both always write 1.
  EXPECT_TRUE(fights_of(OwnershipGraph(argocd_set(application(kSelfHeal), {deployment(1), hpa(1, 1)}))).empty());
  // KEDA min = max = 1: no scale to zero (minReplicaCount 1), its HPA holds 1.
  EXPECT_TRUE(fights_of(OwnershipGraph(argocd_set(application(kSelfHeal), {deployment(1), scaled_object(1, 1)}))).empty());
  // The HTTP add-on's ScaledObject with replicas.min = max = 1 likewise.
  EXPECT_TRUE(
      fights_of(OwnershipGraph(argocd_set(application(kSelfHeal), {deployment(1), http_scaled_object(1, 1)}))).empty());
  // And a kubectl pipeline that applies the same value.
  EXPECT_TRUE(fights_of(OwnershipGraph(make_set({{kApplied, "deploy.yaml", deployment(3, "default")},
                                                 {kApplied, "hpa.yaml", hpa(3, 3, "default")}})))
                  .empty());
}

TEST(CleanManifests, ReplicasAbsentFromGitOrIgnoredWithRespect) {
  for (const std::string& scaler : {hpa(2, 10), scaled_object(-1, 5), http_scaled_object(0, 3)}) {
    EXPECT_TRUE(fights_of(OwnershipGraph(argocd_set(application(kSelfHeal), {deployment(-1), scaler}))).empty()) << scaler;
    EXPECT_TRUE(
        fights_of(OwnershipGraph(argocd_set(application(kSelfHealRespect, kIgnoreReplicas), {deployment(1), scaler})))
            .empty())
        << scaler;
  }
}

TEST(CleanManifests, MinimumOneWithGitsOneIsStillAFightUnderLoad) {
  // The converse of the clean case: the autoscaler's minimum equals Git's value, but its range
  // goes higher; the first time traffic scales it above 1, self-heal puts 1 back.
  const OwnershipGraph with_hpa(argocd_set(application(kSelfHeal), {deployment(1), hpa(1, 5)}));
  const auto fights = by_rule(with_hpa, "field-fight");
  ASSERT_EQ(fights.size(), 1u);
  EXPECT_TRUE(has(fights[0]->message, "they agree on 1 only while the load is low: as soon as traffic makes "
                                      "kube-controller-manager scale above 1 (it may go up to 5), argocd-controller "
                                      "sets it back to 1"))
      << fights[0]->message;
  // KEDA with minReplicaCount 1: no idle loop (KEDA never scales to 0), but its HPA fights under load.
  const OwnershipGraph with_keda(argocd_set(application(kSelfHeal), {deployment(1), scaled_object(1, 5)}));
  const auto keda_fights = by_rule(with_keda, "field-fight");
  ASSERT_EQ(keda_fights.size(), 1u);
  EXPECT_TRUE(has_writer(*keda_fights[0], "kube-controller-manager (HorizontalPodAutoscaler/prod/keda-hpa-web)"));
  EXPECT_TRUE(has(keda_fights[0]->message, "as soon as traffic makes kube-controller-manager scale above 1"))
      << keda_fights[0]->message;
  EXPECT_FALSE(has(keda_fights[0]->message, "when idle")) << keda_fights[0]->message;
}

}  // namespace
}  // namespace kcsim
