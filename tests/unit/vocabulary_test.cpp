// One vocabulary (issue #19): `kcsim run` and `kcsim explain`/`lint` state the same facts about a
// scenario in the same words: the object and field, the writers, the period of a fight, and a
// one-off reset's field (include/kcsim/analysis/vocabulary.hpp).
#include <gtest/gtest.h>

#include <string>

#include "kcsim/analysis/ownership_graph.hpp"
#include "kcsim/analysis/vocabulary.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace kcsim {
namespace {

const std::string kScenarios = std::string(KCSIM_SOURCE_DIR) + "/scenarios";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json run_report(const std::string& name) {
  const Scenario s = load_scenario(kScenarios + "/" + name);
  return run_scenario(s, {}).report;
}

const Finding* finding(const OwnershipGraph& g, const std::string& rule, const std::string& field) {
  for (const Finding& f : g.findings())
    if (f.rule == rule && f.field == field) return &f;
  return nullptr;
}

TEST(Vocabulary, Phrases) {
  EXPECT_EQ(object_phrase(ObjectRef{"Deployment", "prod", "web"}), "Deployment prod/web");
  EXPECT_EQ(object_phrase(ObjectRef{"Namespace", "", "prod"}), "Namespace prod");
  EXPECT_EQ(field_phrase(ObjectRef{"Deployment", "prod", "web"}, "/spec/replicas"), "/spec/replicas of Deployment prod/web");
  EXPECT_EQ(writers_phrase({"keda"}), "keda");
  EXPECT_EQ(writers_phrase({"argocd-controller", "keda"}), "argocd-controller and keda");
  EXPECT_EQ(writers_phrase({"a", "b", "c"}), "a, b and c");
  // Rounded to whole seconds: a measured period of 300.4 s and a predicted one of 300 s read alike.
  EXPECT_EQ(period_phrase(milliseconds(300400)), "one cycle every 5m0s");
  EXPECT_EQ(period_phrase(seconds(300)), "one cycle every 5m0s");
}

TEST(Vocabulary, RunAndExplainStateTheSixMinuteLoopAlike) {
  const json report = run_report("six-minute-loop.json");
  ASSERT_EQ(report["fights"].size(), 1u);
  const std::string run_says = report["fights"][0]["summary"];
  const OwnershipGraph g(manifest_set_from_scenario(kScenarios + "/six-minute-loop.json"));
  const Finding* fight = finding(g, "field-fight", "/spec/replicas");
  ASSERT_NE(fight, nullptr);
  const std::string explain_says = fight->message;
  const ObjectRef deployment{"Deployment", "prod", "immigranta-backend"};
  for (const std::string& fact : {field_phrase(deployment, "/spec/replicas"), period_phrase(seconds(300))}) {
    EXPECT_TRUE(has(run_says, fact)) << fact << "\nrun: " << run_says;
    EXPECT_TRUE(has(explain_says, fact)) << fact << "\nexplain: " << explain_says;
  }
  EXPECT_TRUE(has(run_says, writers_phrase({"argocd-controller", "keda"}))) << run_says;
}

TEST(Vocabulary, RunAndLintStateAResetAlike) {
  const json report = run_report("argocd-sync-resets-hpa.json");
  EXPECT_TRUE(report["fights"].empty()) << report["fights"].dump(1);
  ASSERT_EQ(report["resets"].size(), 1u) << report["resets"].dump(1);
  const std::string run_says = report["resets"][0]["summary"];
  const OwnershipGraph g(manifest_set_from_scenario(kScenarios + "/argocd-sync-resets-hpa.json"));
  const Finding* reset = finding(g, "field-reset-on-sync", "/spec/replicas");
  ASSERT_NE(reset, nullptr);
  const std::string fact = field_phrase(ObjectRef{"Deployment", "shop", "orders-api"}, "/spec/replicas");
  EXPECT_TRUE(has(run_says, fact)) << run_says;
  EXPECT_TRUE(has(reset->message, fact)) << reset->message;
  EXPECT_TRUE(has(run_says, "argocd-controller reset")) << run_says;
}

}  // namespace
}  // namespace kcsim
