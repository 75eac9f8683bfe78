// `kcsim run --stats`: the engine's event count on standard error, the figure docs/performance.md
// quotes for whole runs. It is a count, not a time, so it is deterministic like the report.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "cli_test_support.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace {

using kcsim::testing::run_kcsim;

TEST(RunStats, PrintsTheEngineEventCountOfTheRun) {
  const std::string path = std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json";
  const auto first = run_kcsim("run " + path + " --duration 30m --no-fixes --stats");
  ASSERT_EQ(first.status, 0) << first.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(first.err, m, std::regex("kcsim run: ([0-9]+) events over 30m0s simulated\n"))) << first.err;

  // The same number run_scenario reports for the same run.
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  kcsim::Scenario scenario = kcsim::parse_scenario(text.str(), path);
  scenario.duration = kcsim::minutes(30);
  const kcsim::RunOutcome outcome = kcsim::run_scenario(scenario, kcsim::RunLimits{});
  EXPECT_GT(outcome.events_processed, 0u);
  EXPECT_EQ(m[1].str(), std::to_string(outcome.events_processed));

  // Without --stats standard error stays empty; with it, a second run prints the same line.
  EXPECT_EQ(run_kcsim("run " + path + " --duration 30m --no-fixes").err, "");
  EXPECT_EQ(run_kcsim("run " + path + " --duration 30m --no-fixes --stats").err, first.err);
}

}  // namespace
