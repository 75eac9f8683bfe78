// The report's availability keys (sim/analysis/report.cpp): "fully ready" counts 0 ready of 0
// wanted as ready, so the report also says how long nothing was wanted and how long replicas were
// wanted with no pod ready (no ready endpoint behind a Service: a request waits or fails).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace kcsim {
namespace {

using json = nlohmann::json;

// scenarios/kubectl-scale.json: created at 1 replica, `kubectl scale` to 3 at 5m, to 0 at 15m,
// to 2 at 25m, 40m long. The instants at which readyReplicas reached each target come from the
// run's own timeline CSV, so the expected spans are read, not assumed.
TEST(ReportAvailability, TimeAtZeroAndWithoutAReadyPodAreSeparate) {
  const std::string dir = testing::test_dir();
  const std::string scenario = KCSIM_SOURCE_DIR "/scenarios/kubectl-scale.json";
  const testing::CliResult r = testing::run_kcsim("run " + scenario + " --no-fixes --format json --timeline " + dir + "/t.csv");
  ASSERT_EQ(r.status, 0) << r.err;
  const json w = json::parse(r.out)["workloads"][0];
  // When readyReplicas first became non-zero after each time replicas went from 0 (creation) or
  // to a value from 0 (the scale at 25m).
  std::ifstream csv(dir + "/t.csv");
  std::string line;
  std::vector<double> first_ready;
  bool waiting = true;
  while (std::getline(csv, line)) {
    if (line.find(",status.readyReplicas,") == std::string::npos && line.find(",spec.replicas,") == std::string::npos) continue;
    const double t = std::stod(line.substr(0, line.find(',')));
    if (line.find(",spec.replicas,0,") != std::string::npos) waiting = true;
    if (waiting && line.find(",status.readyReplicas,") != std::string::npos &&
        line.find(",status.readyReplicas,,") == std::string::npos) {
      first_ready.push_back(t);
      waiting = false;
    }
  }
  ASSERT_EQ(first_ready.size(), 2u);
  const json& a = w["availability"];
  EXPECT_DOUBLE_EQ(a["at_zero_s"].get<double>(), 600.0);  // 15m to 25m
  EXPECT_NEAR(a["no_ready_pod_while_wanted_s"].get<double>(), first_ready[0] + (first_ready[1] - 1500.0), 0.002);
  EXPECT_DOUBLE_EQ(a["at_zero_fraction"].get<double>(), 0.25);
  // The old key is unchanged in meaning: it includes the time at zero.
  EXPECT_GT(w["ready_fraction"].get<double>(), a["at_zero_fraction"].get<double>());
  const testing::CliResult text = testing::run_kcsim("run " + scenario + " --no-fixes");
  EXPECT_NE(text.out.find("    fully ready 98.5% of the time\n"
                          "    at zero replicas 25.0% of the time (10m0s); no ready pod while replicas were wanted 1.0% (24s)\n"),
            std::string::npos)
      << text.out;
}

}  // namespace
}  // namespace kcsim
