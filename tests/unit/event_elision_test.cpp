// Fewer events, exactly (issue #15): every elision of engine events leaves every output as it
// was. Each bundled scenario runs with the elisions (settings.api-server.elideNoOpEvents, the
// default) and without them (every event run); the report, the events table, the timeline CSV
// and the HTML page must be byte-identical, and the elided run must process fewer events where
// there is something to elide. The elisions: watch events their watcher ignores
// (watch_filter.hpp), a controller's processing event run in the event that queued the key when
// it would be the next event anyway (controller.cpp), Event-expiry firings for Events written
// again since (api_server.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace kcsim {
namespace {

struct Pair {
  RunOutcome elided, every;
};

Pair run_both(Scenario s) {
  RunOptions o;
  o.timeline = true;
  o.html = true;
  Pair p;
  p.elided = run_scenario(s, {}, o);
  s.settings["api-server"]["elideNoOpEvents"] = false;
  p.every = run_scenario(s, {}, o);
  return p;
}

void expect_same_outputs(const Pair& p, const std::string& what) {
  EXPECT_EQ(p.elided.report.dump(), p.every.report.dump()) << what;
  EXPECT_EQ(p.elided.events_table, p.every.events_table) << what;
  EXPECT_EQ(p.elided.timeline_csv, p.every.timeline_csv) << what;
  EXPECT_EQ(p.elided.html, p.every.html) << what;
  EXPECT_LE(p.elided.events_processed, p.every.events_processed) << what;
}

std::vector<std::string> bundled_scenarios() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(KCSIM_SOURCE_DIR) + "/scenarios"))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(EventElision, EveryBundledScenarioGivesTheSameOutputs) {
  const std::vector<std::string> files = bundled_scenarios();
  ASSERT_GE(files.size(), 10u);
  for (const std::string& file : files) expect_same_outputs(run_both(load_scenario(file)), file);
}

TEST(EventElision, TheSixMinuteLoopSkipsThePodStatusDeliveries) {
  Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json");
  s.duration = hours(2);
  const Pair p = run_both(s);
  expect_same_outputs(p, "six-minute-loop, 2 h");
  // Each cycle's pod is written about six times after its creation (binding, kubelet status
  // writes, deletion mark, final deletion); the Deployment controller ignores all of them but the
  // deletion, the kubelet its own status writes. 22 cycles in 2 h.
  EXPECT_GE(p.every.events_processed - p.elided.events_processed, 22u * 6u);
}

TEST(EventElision, ARecreateDeploymentStillSeesItsPodsDeleted) {
  // The Deployment controller's one pod handler (deletePod, for Recreate) is not elided.
  Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json");
  ASSERT_EQ(s.objects.at(0).value("kind", ""), "Deployment");
  s.objects[0]["spec"]["strategy"] = {{"type", "Recreate"}};
  const Pair p = run_both(s);
  expect_same_outputs(p, "kubectl-scale, Recreate");
  EXPECT_LT(p.elided.events_processed, p.every.events_processed);
}

TEST(EventElision, EventsThatExpireDoSoAtTheSameInstants) {
  // kubectl-scale's Events (5 m to 25 m) expire an hour after their last write, within 3 h; the
  // events table at the end shows what is left.
  Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json");
  s.duration = hours(3);
  const Pair p = run_both(s);
  expect_same_outputs(p, "kubectl-scale, 3 h");
  EXPECT_LT(p.elided.events_processed, p.every.events_processed);
}

TEST(EventElision, AnHpaSyncIsOneEventWhenNothingElseIsDue) {
  // The HPA's 15 s resync: its requeue timer and the processing of its key were two events.
  Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/hpa-behavior.json");
  const Pair p = run_both(s);
  expect_same_outputs(p, "hpa-behavior");
  const auto syncs = static_cast<std::uint64_t>(to_seconds(s.duration) / 15.0);
  EXPECT_GE(p.every.events_processed - p.elided.events_processed, syncs / 2);
}

}  // namespace
}  // namespace kcsim
