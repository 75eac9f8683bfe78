// Problems (include/kcsim/analysis/problems.hpp): a what-if that silently does nothing says why,
// in the text and the JSON report, and `kcsim run --check` fails on it.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace {

using kcsim::testing::run_kcsim;

std::string data(const std::string& file) { return std::string(KCSIM_SOURCE_DIR) + "/tests/data/problems/" + file; }

struct Case {
  const char* file;
  const char* object;
  const char* controller;
  const char* condition;  // "Type" or "Type=Status Reason"
  const char* message_start;
};

class ProblemScenario : public ::testing::TestWithParam<Case> {};

TEST_P(ProblemScenario, IsReportedInTextAndJsonAndFailsCheck) {
  const Case& c = GetParam();
  const auto json_run = run_kcsim("run " + data(c.file) + " --no-fixes --format json", 60);
  ASSERT_EQ(json_run.status, 0) << json_run.err;
  const nlohmann::json report = nlohmann::json::parse(json_run.out);
  ASSERT_EQ(report["problems"].size(), 1u) << report["problems"].dump(1);
  const nlohmann::json& p = report["problems"][0];
  EXPECT_EQ(p["object"], c.object);
  EXPECT_EQ(p["controller"], c.controller);
  const std::string condition = p.contains("reason") ? p["condition"].get<std::string>() + "=" +
                                                           p["status"].get<std::string>() + " " +
                                                           p["reason"].get<std::string>()
                                                     : p["condition"].get<std::string>();
  EXPECT_EQ(condition, c.condition);
  EXPECT_EQ(p["message"].get<std::string>().rfind(c.message_start, 0), 0u) << p["message"];

  const auto text_run = run_kcsim("run " + data(c.file) + " --no-fixes --check", 60);
  EXPECT_EQ(text_run.status, 1) << "--check passes a scenario with a problem it does not expect";
  EXPECT_NE(text_run.out.find(std::string("\nProblems: what the controllers report they cannot do, at the end of the run\n  ") +
                              c.object + " (" + c.controller + "): " + c.condition + "\n    " + c.message_start),
            std::string::npos)
      << text_run.out;
  EXPECT_NE(text_run.out.find("[FAILED] no controller reports a problem"), std::string::npos) << text_run.out;
}

INSTANTIATE_TEST_SUITE_P(
    Problems, ProblemScenario,
    ::testing::Values(
        // argo-cd reposerver: "<path>: app path does not exist" inside the ComparisonError.
        Case{"wrong-git-path.json", "Application/argocd/immigranta-backend", "argocd-application-controller",
             "ComparisonError", "Failed to load target state: failed to generate manifest for source 1 of 1: rpc error"},
        Case{"wrong-repo-url.json", "Application/argocd/immigranta-backend", "argocd-application-controller",
             "ComparisonError", "Failed to load target state: failed to generate manifest for source 1 of 1: rpc error"},
        Case{"hpa-cpu-without-usage.json", "HorizontalPodAutoscaler/default/api", "horizontal-pod-autoscaler",
             "ScalingActive=False FailedGetResourceMetric", "the HPA was unable to compute the replica count"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      for (char& ch : name)
        if (ch == '-') ch = '_';
      return name;
    });

TEST(Problems, AScenarioThatExpectsItsProblemPassesCheck) {
  const std::string dir = kcsim::testing::test_dir();
  nlohmann::json s = nlohmann::json::parse(kcsim::testing::slurp(data("wrong-git-path.json")));
  s["expectations"] = nlohmann::json::array(
      {{{"description", "ArgoCD reports the missing path"}, {"report", "problems.length"}, {"equals", 1}}});
  std::ofstream(dir + "/expected.json") << s.dump();
  const auto r = run_kcsim("run " + dir + "/expected.json --no-fixes --check", 60);
  EXPECT_EQ(r.status, 0) << r.out;
}

TEST(Problems, TheBundledLoopHasNone) {
  const auto r = run_kcsim("run " + std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json --no-fixes --format json", 60);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["problems"], nlohmann::json::array());
}

}  // namespace

namespace {

std::string section(const std::string& text, const std::string& title) {
  const auto start = text.find("\n" + title);
  if (start == std::string::npos) return "";
  const auto end = text.find("\n\n", start + 1);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

TEST(Problems, RunAndExplainSimulateWordThemTheSame) {
  const std::string scenario = data("wrong-git-path.json");
  const auto run = run_kcsim("run " + scenario + " --no-fixes", 60);
  const auto explain = run_kcsim("explain --simulate " + scenario, 60);
  ASSERT_EQ(run.status, 0) << run.err;
  ASSERT_TRUE(explain.status == 0 || explain.status == 1) << explain.err;
  const std::string from_run = section(run.out, "Problems:");
  ASSERT_FALSE(from_run.empty()) << run.out;
  EXPECT_EQ(section(explain.out, "Problems:"), from_run) << explain.out;
}
