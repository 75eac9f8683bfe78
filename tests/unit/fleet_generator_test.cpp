// The fleet generator (sim/cli/fleet_generator.cpp): a generated fleet loads, runs, fights exactly
// where it was generated with the fight, and is the same document for the same seed.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cli_test_support.hpp"
#include "kcsim/cli/fleet_generator.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/cli/runner.hpp"

namespace kcsim {
namespace {

FleetOptions twenty(std::uint64_t seed) {
  FleetOptions o;
  o.services = 20;
  o.seed = seed;
  o.fight_fraction = 0.25;
  o.http_fraction = 0.4;
  o.duration = "1h";
  return o;
}

TEST(FleetGenerator, SameSeedSameDocumentOtherSeedAnother) {
  const Fleet a = generate_fleet(twenty(7));
  const Fleet b = generate_fleet(twenty(7));
  const Fleet c = generate_fleet(twenty(8));
  EXPECT_EQ(a.scenario.dump(), b.scenario.dump());
  EXPECT_NE(a.scenario.dump(), c.scenario.dump());
}

TEST(FleetGenerator, ExactFightCountAndEveryAutoscalerAndTraffic) {
  FleetOptions o = twenty(3);
  o.services = 200;
  o.fight_fraction = 0.1;
  const Fleet f = generate_fleet(o);
  ASSERT_EQ(f.services.size(), 200u);
  int fights = 0;
  std::set<std::string> autoscalers, traffic;
  for (const FleetService& s : f.services) {
    fights += s.fight;
    autoscalers.insert(s.autoscaler);
    traffic.insert(s.traffic);
  }
  EXPECT_EQ(fights, 20);
  EXPECT_EQ(autoscalers, (std::set<std::string>{"hpa", "http-add-on", "keda"}));
  EXPECT_EQ(traffic, (std::set<std::string>{"bursts", "diurnal", "idle", "poisson"}));
  // One Application per service, each Application with the ignoreDifferences fix iff it does
  // not fight.
  ASSERT_EQ(f.scenario["objects"].size(), 200u);
  for (std::size_t i = 0; i < f.services.size(); ++i)
    EXPECT_EQ(f.scenario["objects"][i]["spec"].contains("ignoreDifferences"), !f.services[i].fight) << i;
}

TEST(FleetGenerator, HttpOnlyBurstyFleet) {
  FleetOptions o = twenty(5);
  o.http_fraction = 1.0;
  o.traffic = "bursts";
  const Fleet f = generate_fleet(o);
  for (const FleetService& s : f.services) {
    EXPECT_EQ(s.autoscaler, "http-add-on");
    EXPECT_EQ(s.traffic, "bursts");
  }
  ASSERT_EQ(f.scenario["traffic"].size(), 20u);
  for (const json& t : f.scenario["traffic"]) EXPECT_EQ(t["pattern"]["type"], "bursts");
}

TEST(FleetGenerator, BadOptionsAreInputErrors) {
  FleetOptions o = twenty(1);
  o.services = 0;
  EXPECT_THROW(generate_fleet(o), InputError);
  o = twenty(1);
  o.fight_fraction = 1.5;
  EXPECT_THROW(generate_fleet(o), InputError);
  o = twenty(1);
  o.traffic = "steady";
  EXPECT_THROW(generate_fleet(o), InputError);
}

// Runs 20 services for an hour: the report's fights are exactly on the Deployments of the
// services generated with the fight, and a second run of the same document is byte-identical.
TEST(FleetGenerator, ADurationThatRunWouldRejectIsRefusedAndNothingIsWritten) {
  const std::string out = testing::test_dir() + "/fleet.json";
  std::filesystem::remove(out);
  const auto bad = testing::run_kcsim("generate fleet --services 2 --duration 7d -o " + out);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--duration"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("unknown unit \"d\""), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(testing::run_kcsim("generate fleet --services 2 --duration 0s -o " + out).status, 2);
  EXPECT_FALSE(std::filesystem::exists(out));
  // What it accepts, `kcsim run` loads.
  ASSERT_EQ(testing::run_kcsim("generate fleet --services 2 --duration 168h -o " + out).status, 0);
  EXPECT_EQ(testing::run_kcsim("run " + out + " --duration 1m --no-fixes").status, 0);
}

TEST(FleetGenerator, TwentyServicesFightExactlyWhereGenerated) {
  const Fleet f = generate_fleet(twenty(11));
  const std::string text = f.scenario.dump();
  const RunOutcome first = run_scenario(parse_scenario(text, "fleet.json"));
  std::set<std::string> expected, found;
  for (const FleetService& s : f.services)
    if (s.fight) expected.insert(ObjectRef{"Deployment", s.ns, s.name}.str());
  ASSERT_EQ(expected.size(), 5u);
  for (const json& fight : first.report["fights"]) {
    EXPECT_EQ(fight["field"], "/spec/replicas");
    found.insert(fight["object"].get<std::string>());
  }
  EXPECT_EQ(found, expected);
  const RunOutcome second = run_scenario(parse_scenario(text, "fleet.json"));
  EXPECT_EQ(first.report.dump(), second.report.dump());
  EXPECT_EQ(first.events_table, second.events_table);
}

}  // namespace
}  // namespace kcsim
