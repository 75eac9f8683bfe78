// The ownership graph's analyses (sim/analysis/ownership_graph.cpp) and `kcsim explain` / `kcsim lint`.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/analysis/ownership_graph.hpp"
#include "cli_test_support.hpp"
#include "manifest_test_support.hpp"

namespace kcsim {
namespace {

using testing::by_rule;
using testing::CliResult;
using testing::Doc;
using testing::make_set;
using testing::run_kcsim;

const std::string kData = std::string(KCSIM_SOURCE_DIR) + "/tests/data";

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
)";

std::string app(const std::string& extra_spec, const std::string& name = "web", const std::string& path = "web") {
  return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: " + name +
         ", namespace: argocd}\nspec:\n  source: {repoURL: https://git.example/r.git, path: " + path +
         "}\n  destination: {namespace: prod}\n" + extra_spec;
}

const char* kSelfHeal = "  syncPolicy:\n    automated: {selfHeal: true}\n";

const char* kScaledObject = R"(apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: web}
spec:
  scaleTargetRef: {name: web}
  maxReplicaCount: 5
  triggers: [{type: cpu, metadata: {value: "50"}}]
)";

TEST(OwnershipGraph, SixMinuteLoopFightAndItsRootCause) {
  ManifestInputs in;
  in.paths = {kData + "/six-minute-loop"};
  const OwnershipGraph g(load_manifest_set(in));
  const auto fights = by_rule(g, "field-fight");
  ASSERT_EQ(fights.size(), 2u);  // ArgoCD against KEDA (idle), and against KEDA's HPA (under load)
  const Finding* keda = nullptr;
  for (const Finding* f : fights)
    if (std::find(f->writers.begin(), f->writers.end(), "keda (ScaledObject/prod/immigranta-backend)") != f->writers.end())
      keda = f;
  ASSERT_NE(keda, nullptr);
  EXPECT_EQ(keda->severity, Severity::kError);
  EXPECT_EQ(keda->object, "Deployment/prod/immigranta-backend");
  EXPECT_EQ(keda->field, "/spec/replicas");
  EXPECT_EQ(keda->writers[0], "argocd-controller (Application/argocd/immigranta-backend)");
  EXPECT_NE(keda->message.find("when idle, keda sets 0 and argocd-controller sets 1"), std::string::npos) << keda->message;
  EXPECT_NE(keda->message.find("six-minute loop"), std::string::npos);
  // Evidence: the manifest line that declares the field.
  EXPECT_NE(keda->location.find("git/apps/immigranta-backend/immigranta-backend.yaml:38:3"), std::string::npos)
      << keda->location;
  // The root cause: the fix is in Git, but the live Application was applied by hand.
  EXPECT_NE(keda->root_cause.find("The fix is already in Git"), std::string::npos) << keda->root_cause;
  EXPECT_NE(keda->root_cause.find("nothing deploys argocd/applications/immigranta-backend.yaml"), std::string::npos)
      << keda->root_cause;
  EXPECT_NE(keda->root_cause.find("kubectl-client-side-apply"), std::string::npos) << keda->root_cause;
  ASSERT_FALSE(keda->fixes.empty());
  EXPECT_NE(keda->fixes[0].find("app-of-apps"), std::string::npos) << keda->fixes[0];
  const auto not_from_git = by_rule(g, "app-not-from-git");
  ASSERT_EQ(not_from_git.size(), 1u);
  EXPECT_EQ(not_from_git[0]->severity, Severity::kWarning);
  const auto drift = by_rule(g, "app-spec-drift");
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_NE(drift[0]->message.find("/spec/ignoreDifferences"), std::string::npos) << drift[0]->message;
  // The KEDA writer and its HPA cooperate: no finding between them.
  for (const Finding& f : g.findings()) {
    if (f.writers.size() == 2) {
      EXPECT_NE(f.writers[0].substr(0, 4), "keda");
    }
  }
}

TEST(OwnershipGraph, FixedVariantHasNoFight) {
  ManifestInputs in;
  in.paths = {kData + "/six-minute-loop-fixed"};
  const OwnershipGraph g(load_manifest_set(in));
  for (const Finding& f : g.findings()) EXPECT_NE(f.severity, Severity::kError) << f.title;
  EXPECT_TRUE(by_rule(g, "field-fight").empty());
  EXPECT_TRUE(by_rule(g, "app-spec-drift").empty());
  // The root is applied by hand, which is how a bootstrap root starts: a note, not a warning.
  const auto root = by_rule(g, "app-not-from-git");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0]->object, "Application/argocd/root");
  EXPECT_EQ(root[0]->severity, Severity::kNote);
  // ArgoCD writes /spec/replicas only at creation (RespectIgnoreDifferences).
  const auto v = g.vertex("field:Deployment/prod/immigranta-backend#/spec/replicas");
  ASSERT_TRUE(v.has_value());
  bool on_create = false;
  for (auto e : boost::make_iterator_range(boost::in_edges(*v, g.graph())))
    if (g.graph()[boost::source(e, g.graph())].label == "argocd-controller")
      on_create = g.graph()[e].mode == WriteMode::kOnCreate;
  EXPECT_TRUE(on_create);
}

TEST(OwnershipGraph, IgnoreDifferencesWithoutRespectResetsOnSync) {
  const std::string ignore =
      std::string(kSelfHeal) + "  ignoreDifferences:\n  - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}\n";
  const OwnershipGraph g(make_set({{ManifestOrigin::kLive, "live/app.yaml", app(ignore)},
                                   {ManifestOrigin::kGit, "web/deploy.yaml", kDeployment},
                                   {ManifestOrigin::kGit, "web/so.yaml", kScaledObject}}));
  EXPECT_TRUE(by_rule(g, "field-fight").empty());
  const auto resets = by_rule(g, "field-reset-on-sync");
  // Against KEDA (minReplicaCount defaults to 0: idle 0) and against KEDA's HPA (1..5 under load).
  ASSERT_EQ(resets.size(), 2u);
  EXPECT_EQ(resets[0]->object, "Deployment/prod/web");
  EXPECT_EQ(resets[0]->severity, Severity::kWarning);
}

TEST(OwnershipGraph, JqPathAndManagedFieldsManagersIgnores) {
  const std::string jq = std::string(kSelfHeal) +
                         "    syncOptions: [RespectIgnoreDifferences=true]\n"
                         "  ignoreDifferences:\n  - {group: apps, kind: Deployment, jqPathExpressions: [.spec.replicas]}\n";
  const OwnershipGraph a(make_set({{ManifestOrigin::kLive, "app.yaml", app(jq)},
                                   {ManifestOrigin::kGit, "web/deploy.yaml", kDeployment},
                                   {ManifestOrigin::kGit, "web/so.yaml", kScaledObject}}));
  EXPECT_TRUE(by_rule(a, "field-fight").empty());
  EXPECT_TRUE(by_rule(a, "field-reset-on-sync").empty());
  // managedFieldsManagers names only the HPA's manager: KEDA's own 1 -> 0 still fights.
  const std::string mgr = std::string(kSelfHeal) +
                          "    syncOptions: [RespectIgnoreDifferences=true]\n"
                          "  ignoreDifferences:\n  - {group: apps, kind: Deployment, managedFieldsManagers: [kube-controller-manager]}\n";
  const OwnershipGraph b(make_set({{ManifestOrigin::kLive, "app.yaml", app(mgr)},
                                   {ManifestOrigin::kGit, "web/deploy.yaml", kDeployment},
                                   {ManifestOrigin::kGit, "web/so.yaml", kScaledObject}}));
  const auto fights = by_rule(b, "field-fight");
  ASSERT_EQ(fights.size(), 1u);
  EXPECT_EQ(fights[0]->writers[1], "keda (ScaledObject/prod/web)");
}

TEST(OwnershipGraph, ApplyPipelineAgainstHpa) {
  const char* hpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec: {minReplicas: 2, maxReplicas: 6, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}
)";
  std::string deploy = kDeployment;
  deploy.replace(deploy.find("{name: web}"), 11, "{name: web, namespace: default}");
  const OwnershipGraph g(make_set({{ManifestOrigin::kDeclared, "deploy.yaml", deploy},
                                   {ManifestOrigin::kDeclared, "hpa.yaml", hpa}}));
  const auto resets = by_rule(g, "field-reset-on-sync");
  ASSERT_EQ(resets.size(), 1u);
  EXPECT_NE(resets[0]->message.find("never goes below 2"), std::string::npos) << resets[0]->message;
  EXPECT_NE(resets[0]->fixes[0].find("Remove /spec/replicas"), std::string::npos);
}

TEST(OwnershipGraph, TwoAutoscalersOnOneTargetFight) {
  const char* hpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-cpu, namespace: prod}
spec: {maxReplicas: 4, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}
)";
  std::string so = kScaledObject;
  so.replace(so.find("{name: web}"), 11, "{name: web, namespace: prod}");
  const OwnershipGraph g(make_set({{ManifestOrigin::kLive, "hpa.yaml", hpa}, {ManifestOrigin::kLive, "so.yaml", so}}));
  const auto fights = by_rule(g, "field-fight");
  ASSERT_EQ(fights.size(), 2u);  // the user's HPA against KEDA, and against KEDA's HPA
  EXPECT_NE(fights[0]->fixes[0].find("one autoscaler"), std::string::npos);
}

TEST(OwnershipGraph, FluxDriftCorrectionAndIfNotPresent) {
  const char* flux = R"(apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: repo, namespace: flux-system}
spec: {url: https://git.example/r.git, interval: 1m}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec: {path: ./web, interval: 10m, sourceRef: {kind: GitRepository, name: repo}, targetNamespace: prod}
)";
  const char* hpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec: {maxReplicas: 4, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}
)";
  const OwnershipGraph g(make_set({{ManifestOrigin::kLive, "flux.yaml", flux},
                                   {ManifestOrigin::kGit, "web/deploy.yaml", kDeployment},
                                   {ManifestOrigin::kGit, "web/hpa.yaml", hpa}}));
  const auto fights = by_rule(g, "field-fight");
  ASSERT_EQ(fights.size(), 1u);
  EXPECT_EQ(fights[0]->writers[0], "kube-controller-manager (HorizontalPodAutoscaler/prod/web)");
  EXPECT_EQ(fights[0]->writers[1], "kustomize-controller (Kustomization/flux-system/web)");
  std::string quiet = kDeployment;
  quiet.replace(quiet.find("{name: web}"), 11, "{name: web, annotations: {kustomize.toolkit.fluxcd.io/ssa: IfNotPresent}}");
  const OwnershipGraph h(make_set({{ManifestOrigin::kLive, "flux.yaml", flux},
                                   {ManifestOrigin::kGit, "web/deploy.yaml", quiet},
                                   {ManifestOrigin::kGit, "web/hpa.yaml", hpa}}));
  EXPECT_TRUE(by_rule(h, "field-fight").empty());
}

TEST(OwnershipGraph, AppOfAppsAndApplicationSetDeployFromGit) {
  const std::string root = app(kSelfHeal, "root", "apps");
  const std::string child = app(kSelfHeal, "web", "web");
  const char* appset = R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: envs, namespace: argocd}
spec:
  generators:
  - list: {elements: [{env: staging}, {env: prod}]}
  template:
    metadata: {name: 'web-{{env}}'}
    spec:
      source: {repoURL: https://git.example/r.git, path: 'envs/{{env}}'}
      destination: {namespace: '{{env}}'}
      syncPolicy: {automated: {selfHeal: true}}
)";
  const OwnershipGraph g(make_set({{ManifestOrigin::kLive, "root.yaml", root},
                                   {ManifestOrigin::kGit, "apps/web.yaml", child},
                                   {ManifestOrigin::kGit, "apps/envs.yaml", appset},
                                   {ManifestOrigin::kGit, "web/deploy.yaml", kDeployment},
                                   {ManifestOrigin::kGit, "envs/prod/deploy.yaml", kDeployment}}));
  EXPECT_TRUE(by_rule(g, "app-not-from-git").empty());
  EXPECT_EQ(by_rule(g, "app-not-in-git").size(), 1u);  // the root
  // The ApplicationSet's prod Application deploys envs/prod into namespace prod, where the
  // root's child also deploys web: two ArgoCD writers with equal values do not disagree.
  EXPECT_TRUE(by_rule(g, "field-fight").empty());
  EXPECT_TRUE(g.vertex("object:Application/argocd/web-prod").has_value());
  EXPECT_TRUE(g.vertex("object:Application/argocd/web-staging").has_value());
}

TEST(OwnershipGraph, TwoApplicationsDisagreeOnOneObject) {
  std::string other = kDeployment;
  other.replace(other.find("replicas: 1"), 11, "replicas: 4");
  const OwnershipGraph g(make_set({{ManifestOrigin::kLive, "a.yaml", app(kSelfHeal, "a", "a")},
                                   {ManifestOrigin::kLive, "b.yaml", app(kSelfHeal, "b", "b")},
                                   {ManifestOrigin::kGit, "a/deploy.yaml", kDeployment},
                                   {ManifestOrigin::kGit, "b/deploy.yaml", other}}));
  const auto fights = by_rule(g, "field-fight");
  ASSERT_EQ(fights.size(), 1u);
  EXPECT_EQ(fights[0]->field, "/spec/replicas");
  EXPECT_NE(fights[0]->message.find("sets /spec/replicas to 1"), std::string::npos) << fights[0]->message;
}

TEST(OwnershipGraph, FeedbackCycleThroughTwoGitOpsTools) {
  // Application a deploys the Flux Kustomization k, which deploys Application a.
  const char* kust = R"(apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: k, namespace: flux-system}
spec: {path: ./argo, interval: 5m, sourceRef: {kind: GitRepository, name: repo}}
)";
  std::string a = app(kSelfHeal, "a", "flux");
  a += "  revisionHistoryLimit: 3\n";
  const OwnershipGraph g(make_set({{ManifestOrigin::kLive, "a.yaml", a},
                                   {ManifestOrigin::kGit, "flux/k.yaml", kust},
                                   {ManifestOrigin::kGit, "argo/a.yaml", app(kSelfHeal, "a", "flux")}}));
  const auto cycles = by_rule(g, "feedback-cycle");
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0]->writers.size(), 2u);
  // And the live Application differs from the Git one that Flux applies: a fight on its field.
  EXPECT_FALSE(by_rule(g, "app-spec-drift").empty());
}

TEST(OwnershipGraph, DestinationNamespaceAndDeterministicOrder) {
  std::vector<Doc> docs = {{ManifestOrigin::kLive, "app.yaml", app(kSelfHeal)},
                           {ManifestOrigin::kGit, "web/deploy.yaml", kDeployment},
                           {ManifestOrigin::kGit, "web/so.yaml", kScaledObject}};
  const OwnershipGraph a(make_set(docs));
  std::reverse(docs.begin(), docs.end());
  const OwnershipGraph b(make_set(docs));
  EXPECT_TRUE(a.vertex("field:Deployment/prod/web#/spec/replicas").has_value());
  EXPECT_EQ(a.graph_json().dump(), b.graph_json().dump());
  // Vertices are inserted in id order.
  const json vs = a.graph_json()["vertices"];
  for (std::size_t i = 1; i < vs.size(); ++i) EXPECT_LT(vs[i - 1]["id"].get<std::string>(), vs[i]["id"].get<std::string>());
  json fa = json::array(), fb = json::array();
  for (const Finding& f : a.findings()) fa.push_back(f.to_json());
  for (const Finding& f : b.findings()) fb.push_back(f.to_json());
  EXPECT_EQ(fa, fb);
  const std::string dot = a.to_dot();
  EXPECT_NE(dot.find("digraph kcsim_ownership"), std::string::npos);
  EXPECT_NE(dot.find("color=red"), std::string::npos);
}

TEST(OwnershipGraph, LiveObjectsTrackedByAnApplicationWithoutGit) {
  // Only `kubectl get -o yaml` output: the Deployment's last-applied-configuration says what
  // ArgoCD applied.
  const char* live = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  uid: 0b6e2a4c-1
  annotations:
    argocd.argoproj.io/tracking-id: "web:apps/Deployment:prod/web"
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod"},"spec":{"replicas":2}}'
spec:
  replicas: 0
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: web, namespace: prod, uid: 0b6e2a4c-2}
spec: {scaleTargetRef: {name: web}}
)";
  const OwnershipGraph g(make_set({{ManifestOrigin::kLive, "app.yaml", app(kSelfHeal)}, {ManifestOrigin::kLive, "ns.yaml", live}}));
  EXPECT_FALSE(by_rule(g, "field-fight").empty());
}

// --- the commands -----------------------------------------------------------------------------

TEST(ExplainCommand, NamesTheFightAndTheHandAppliedApplication) {
  const CliResult r = run_kcsim("explain " + kData + "/six-minute-loop");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("FIGHT [error, field-fight] Deployment/prod/immigranta-backend /spec/replicas"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Root cause:"), std::string::npos);
  EXPECT_NE(r.out.find("applied by hand"), std::string::npos);
  EXPECT_NE(r.out.find("RespectIgnoreDifferences=true"), std::string::npos);
  EXPECT_NE(r.out.find("kcsim import"), std::string::npos);
}

TEST(ExplainCommand, JsonAndDotFormats) {
  const CliResult j = run_kcsim("explain --format json --graph " + kData + "/six-minute-loop");
  ASSERT_EQ(j.status, 0) << j.err;
  const json doc = json::parse(j.out);
  EXPECT_EQ(doc["summary"]["error"], 2);
  EXPECT_EQ(doc["findings"][0]["rule"], "field-fight");
  EXPECT_TRUE(doc["graph"]["vertices"].is_array());
  const CliResult d = run_kcsim("explain --format dot " + kData + "/six-minute-loop");
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(d.out.rfind("digraph", 0), 0u);
}

TEST(ExplainCommand, SimulateMeasuresThePredictedFight) {
  // The manifests are imported into a scenario in memory and run; the figures come from that run.
  const CliResult j = run_kcsim("explain --simulate --duration 2h --format json " + kData + "/six-minute-loop");
  ASSERT_EQ(j.status, 0) << j.err;
  const json doc = json::parse(j.out);
  EXPECT_EQ(doc["simulation"]["duration_s"], 7200.0);
  const json* keda = nullptr;
  for (const json& f : doc["findings"])
    if (f["rule"] == "field-fight" && f["writers"][1] == "keda (ScaledObject/prod/immigranta-backend)") keda = &f;
  ASSERT_NE(keda, nullptr);
  const json& sim = (*keda)["simulation"];
  ASSERT_TRUE(sim["observed"].get<bool>()) << sim.dump();
  EXPECT_TRUE(sim["samePair"].get<bool>()) << sim.dump();
  // The run's fight is on the predicted object and field, between the predicted managers.
  EXPECT_EQ(sim["fight"]["object"], (*keda)["object"]);
  EXPECT_EQ(sim["fight"]["field"], "/spec/replicas");
  EXPECT_EQ(sim["fight"]["writers"], json({"argocd-controller", "keda"}));
  const double period = sim["fight"]["period_s"].get<double>();
  EXPECT_GE(period, 240.0);
  EXPECT_LE(period, 420.0);
  // Churn: a new pod for each 0 -> 1 (the run may end, or have begun, between the hand-overs of
  // one cycle); idle traffic, so no request and no cold start.
  const std::int64_t cycles = sim["fight"]["cycles"].get<std::int64_t>();
  EXPECT_GE(cycles, 3);
  EXPECT_GE(sim["workload"]["pods"]["created"].get<std::int64_t>(), cycles - 1);
  EXPECT_EQ(sim["workload"]["pods"]["max_restart_count"], 0);  // a new pod each time: restart count 0
  EXPECT_EQ(sim["workload"]["requests"]["total"], 0);
  EXPECT_EQ(sim["workload"]["cold_start_s"]["count"], 0);
  // The text form says the same.
  const CliResult t = run_kcsim("explain --simulate --duration 2h " + kData + "/six-minute-loop");
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("Simulated (2h0m0s of six-minute-loop):"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("fight measured between argocd-controller and keda: " + std::to_string(cycles) + " cycle(s)"),
            std::string::npos)
      << t.out;
  EXPECT_NE(t.out.find("cold starts: none measured"), std::string::npos) << t.out;
}

TEST(ExplainCommand, SimulateAScenarioWithItsVersionProfile) {
  // A pre-backoff ArgoCD (v2.10.0): predicted to resync within seconds, and the run agrees: the
  // loop runs at KEDA's polling interval, far below the six-minute loop's period.
  const CliResult r = run_kcsim("explain --simulate --duration 20m --format json " +
                                    std::string(KCSIM_SOURCE_DIR) + "/scenarios/argocd-legacy-selfheal.json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json doc = json::parse(r.out);
  bool checked = false;
  for (const json& f : doc["findings"]) {
    if (f["rule"] != "field-fight" || f["writers"][1].get<std::string>().rfind("keda (", 0) != 0) continue;
    EXPECT_NE(f["message"].get<std::string>().find("the resync period is seconds"), std::string::npos);
    ASSERT_TRUE(f["simulation"]["observed"].get<bool>()) << f.dump();
    EXPECT_LT(f["simulation"]["fight"]["period_s"].get<double>(), 60.0) << f.dump();
    checked = true;
  }
  EXPECT_TRUE(checked) << r.out;
}

TEST(ExplainCommand, SimulateOptionErrors) {
  EXPECT_EQ(run_kcsim("explain --duration 1h " + kData + "/six-minute-loop").status, 2);
  const CliResult bad = run_kcsim("explain --simulate --duration soon " + kData + "/six-minute-loop");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--duration"), std::string::npos) << bad.err;
  EXPECT_EQ(run_kcsim("explain --simulate --format dot " + kData + "/six-minute-loop").status, 2);
}

TEST(LintCommand, ExitOneOnTheLoopZeroOnTheFix) {
  const CliResult bad = run_kcsim("lint " + kData + "/six-minute-loop");
  EXPECT_EQ(bad.status, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find(": error: [field-fight]"), std::string::npos) << bad.out;
  const CliResult good = run_kcsim("lint " + kData + "/six-minute-loop-fixed");
  EXPECT_EQ(good.status, 0) << good.out << good.err;
  // Rules can be ignored or re-levelled.
  EXPECT_EQ(run_kcsim("lint --ignore field-fight " + kData + "/six-minute-loop").status, 0);
  EXPECT_EQ(run_kcsim("lint --severity field-fight=warning " + kData + "/six-minute-loop").status, 0);
  EXPECT_EQ(run_kcsim("lint --fail-on warning " + kData + "/six-minute-loop-fixed").status, 0);
  EXPECT_EQ(run_kcsim("lint --ignore no-such-rule " + kData + "/six-minute-loop").status, 2);
}

TEST(LintCommand, Sarif) {
  const CliResult r = run_kcsim("lint --format sarif " + kData + "/six-minute-loop");
  EXPECT_EQ(r.status, 1);
  const json s = json::parse(r.out);
  EXPECT_EQ(s["version"], "2.1.0");
  const json& run = s["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "kcsim");
  ASSERT_FALSE(run["results"].empty());
  const json& first = run["results"][0];
  EXPECT_EQ(first["ruleId"], "field-fight");
  EXPECT_EQ(first["level"], "error");
  EXPECT_EQ(first["locations"][0]["physicalLocation"]["region"]["startLine"], 38);
}

}  // namespace
}  // namespace kcsim
