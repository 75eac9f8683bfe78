// One vocabulary (issue #19): `kcsim run`, `kcsim explain`/`lint` and `kcsim exercise check` state
// the same facts about a scenario in the same words: the object and field, the writers, the period
// of a fight, and a one-off reset's field (include/kcsim/analysis/vocabulary.hpp).
#include <gtest/gtest.h>

#include <string>

#include "kcsim/analysis/ownership_graph.hpp"
#include "kcsim/analysis/vocabulary.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/cli/exercise_check.hpp"
#include "kcsim/cli/exercise_library.hpp"
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

// What `kcsim exercise check NAME` prints, for an empty answer.
std::string exercise_check_says(const std::string& name) {
  const Exercise ex = load_exercise(name);
  World world(exercise_scenario(ex), RunLimits{});
  world.run(SimTime{ex.at});
  const ExerciseAnswer answer;
  return check_feedback(ex, answer, score_answer(ex, answer), world);
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

TEST(Vocabulary, ExerciseCheckStatesTheSixMinuteLoopAsRunDoes) {
  const std::string check_says = exercise_check_says("six-minute-loop");
  const ObjectRef deployment{"Deployment", "prod", "immigranta-backend"};
  // The same sentence shape as the report's fight summary: writers, field, then the period.
  const std::string fact = writers_phrase({"argocd-controller", "keda"}) + " set " +
                           field_phrase(deployment, "/spec/replicas") + " back and forth";
  EXPECT_TRUE(has(check_says, fact)) << check_says;
  EXPECT_TRUE(has(check_says, period_phrase(seconds(300)))) << check_says;
  const json report = run_report("six-minute-loop.json");
  ASSERT_EQ(report["fights"].size(), 1u);
  EXPECT_TRUE(has(report["fights"][0]["summary"].get<std::string>(), fact));
}

TEST(Vocabulary, ExerciseCheckStatesAResetAsRunDoes) {
  // ArgoCD's sync of a new revision sets Git's replicas over the HPA's once: a reset, not a fight.
  const std::string check_says = exercise_check_says("argocd-sync-resets-hpa");
  const json report = run_report("argocd-sync-resets-hpa.json");
  ASSERT_FALSE(report["resets"].empty()) << report.dump(1);
  // The reset happened before the exercise's instant, so the check states it word for word.
  const std::string run_says = report["resets"][0]["summary"];
  EXPECT_TRUE(has(check_says, run_says)) << "run: " << run_says << "\ncheck:\n" << check_says;
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

// No silent no-op (issue #19): an Application source ArgoCD cannot load is a problem in the run's
// report and an error in lint, in the same words (the condition's message).
class RunAndLintReportASourceArgoCannotLoad : public ::testing::TestWithParam<const char*> {};

TEST_P(RunAndLintReportASourceArgoCannotLoad, InTheSameWords) {
  const std::string file = std::string(KCSIM_SOURCE_DIR) + "/tests/data/problems/" + GetParam();
  const json report = run_scenario(load_scenario(file), {}).report;
  ASSERT_EQ(report["problems"].size(), 1u) << report["problems"].dump(1);
  const json& problem = report["problems"][0];
  EXPECT_EQ(problem["condition"], "ComparisonError");
  const OwnershipGraph g(manifest_set_from_scenario(file));
  const Finding* lint = nullptr;
  for (const Finding& f : g.findings())
    if (f.rule == "app-source-error") lint = &f;
  ASSERT_NE(lint, nullptr);
  EXPECT_EQ(lint->severity, Severity::kError);
  EXPECT_EQ(lint->object, problem["object"].get<std::string>());
  EXPECT_TRUE(has(lint->message, problem["message"].get<std::string>()))
      << "lint: " << lint->message << "\nrun: " << problem["message"];
}

INSTANTIATE_TEST_SUITE_P(Problems, RunAndLintReportASourceArgoCannotLoad,
                         ::testing::Values("wrong-git-path.json", "wrong-repo-url.json"));

// A source that ArgoCD can load is not reported.
TEST(Vocabulary, LintDoesNotReportASourceArgoCanLoad) {
  const OwnershipGraph g(manifest_set_from_scenario(kScenarios + "/six-minute-loop.json"));
  for (const Finding& f : g.findings()) EXPECT_NE(f.rule, "app-source-error") << f.message;
}

}  // namespace
}  // namespace kcsim
