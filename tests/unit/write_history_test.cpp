// WriteHistory::kAnalyses (include/kcsim/apiserver/api_server.hpp): keeping only the records the analyses
// read must not change a single byte of what they produce, and must keep fewer records.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "kcsim/cli/fleet_generator.hpp"
#include "kcsim/analysis/report.hpp"
#include "kcsim/views/text_report.hpp"
#include "kcsim/views/timeline_html.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim {
namespace {

struct Outputs {
  std::string report, events, timeline, html;
  std::size_t records = 0;
};

Outputs run_with(const Scenario& scenario, WriteHistory history) {
  World world(scenario);
  world.api().set_write_history(history);
  world.run();
  Outputs o;
  const json report = build_report(world);
  o.report = report.dump();
  o.events = render_events_table(world, world.engine().now());
  o.timeline = render_timeline_csv(world);
  o.html = render_html_report(world, report);
  o.records = world.api().writes().size();
  return o;
}

void expect_same_outputs(const Scenario& scenario) {
  const Outputs full = run_with(scenario, WriteHistory::kFull);
  const Outputs kept = run_with(scenario, WriteHistory::kAnalyses);
  EXPECT_EQ(full.report, kept.report);
  EXPECT_EQ(full.events, kept.events);
  EXPECT_EQ(full.timeline, kept.timeline);
  EXPECT_EQ(full.html, kept.html);
  EXPECT_LT(kept.records * 2, full.records) << "kept " << kept.records << " of " << full.records;
}

TEST(WriteHistory, AnalysesHistoryGivesTheSameOutputsOnTheSixMinuteLoop) {
  std::ifstream in(std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json");
  std::ostringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str());
  doc["duration"] = "2h";
  expect_same_outputs(parse_scenario(doc.dump(), "six-minute-loop.json"));
}

TEST(WriteHistory, AnalysesHistoryGivesTheSameOutputsOnAFleet) {
  FleetOptions o;
  o.services = 12;
  o.seed = 4;
  o.fight_fraction = 0.25;
  o.duration = "1h";
  expect_same_outputs(parse_scenario(generate_fleet(o).scenario.dump(), "fleet.json"));
}

TEST(WriteHistory, KeepsWhatTheAnalysesRead) {
  const ObjectRef web{"Deployment", "prod", "web"};
  EXPECT_TRUE(needed_by_analyses(web, "/spec/replicas"));
  EXPECT_TRUE(needed_by_analyses(web, "/status/readyReplicas"));
  EXPECT_FALSE(needed_by_analyses(web, "/status/conditions/0/lastUpdateTime"));
  const ObjectRef pod{"Pod", "prod", "web-abc"};
  EXPECT_FALSE(needed_by_analyses(pod, "/status/phase"));
  EXPECT_TRUE(needed_by_analyses(pod, ""));  // a creation or a deletion
  const ObjectRef app{"Application", "argocd", "web"};
  EXPECT_TRUE(needed_by_analyses(app, "/status/sync/status"));
  EXPECT_FALSE(needed_by_analyses(app, "/status/reconciledAt"));
}

}  // namespace
}  // namespace kcsim
