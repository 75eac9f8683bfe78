// The HTML page of `kcsim run --html` (sim/timeline_html.cpp), as text: determinism, pod lanes
// and the chart of the last complete cycle. tests/html/ checks what a browser renders of it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "kcsim/runner.hpp"
#include "kcsim/scenario.hpp"

namespace kcsim {
namespace {

RunOutcome run_loop() {
  Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json");
  s.duration = hours(1);
  RunOptions o;
  o.html = true;
  return run_scenario(s, {}, o);
}

const RunOutcome& outcome() {
  static const RunOutcome out = run_loop();
  return out;
}

// The start tag of the chart of `window` ("run" or "cycle") and everything up to its </svg>.
std::string chart(const std::string& window) {
  const std::string& html = outcome().html;
  const std::size_t at = html.find("data-window=\"" + window + "\"");
  if (at == std::string::npos) return {};
  return html.substr(at, html.find("</svg>", at) - at);
}

std::set<std::string> pod_names(const std::string& svg) {
  std::set<std::string> names;
  const std::string key = "<rect class=\"pod\" data-pod=\"";
  for (std::size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    const std::size_t b = at + key.size();
    names.insert(svg.substr(b, svg.find('"', b) - b));
  }
  return names;
}

const json& loop_workload() {
  for (const json& w : outcome().report["workloads"])
    if (w["object"] == "Deployment/prod/immigranta-backend") return w;
  ADD_FAILURE() << "no workload immigranta-backend";
  static const json none = json::object();
  return none;
}

TEST(TimelineHtmlTest, SameRunGivesByteIdenticalPage) {
  const RunOutcome again = run_loop();
  EXPECT_FALSE(again.html.empty());
  EXPECT_EQ(again.html, outcome().html);
}

TEST(TimelineHtmlTest, WholeRunChartHasOneBarPerPod) {
  const std::string svg = chart("run");
  ASSERT_FALSE(svg.empty());
  const std::set<std::string> names = pod_names(svg);
  // Every pod has a fresh name (restart count 0, a new pod per cycle): one bar each.
  EXPECT_EQ(static_cast<std::int64_t>(names.size()), loop_workload()["pods"]["created"].get<std::int64_t>());
  for (const std::string& n : names) EXPECT_EQ(n.rfind("immigranta-backend-", 0), 0u) << n;
  EXPECT_EQ(svg.find("rect class=\"pod restarted\""), std::string::npos);
}

TEST(TimelineHtmlTest, CycleChartSpansTheChainAndNamesItsPods) {
  const std::string svg = chart("cycle");
  ASSERT_FALSE(svg.empty());
  // Both writers of the fight draw a step inside the last cycle.
  EXPECT_NE(svg.find("class=\"replicas-step\" data-manager=\"keda\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"replicas-step\" data-manager=\"argocd-controller\""), std::string::npos);
  // The pod the chain's ReplicaSet controller creates is drawn and labelled with its restarts.
  const json& chain = outcome().report["fights"][0]["chain"];
  std::string created;
  for (const json& step : chain) {
    const std::string action = step.value("action", "");
    if (action.rfind("creates Pod prod/", 0) == 0) created = action.substr(std::string("creates Pod prod/").size());
  }
  ASSERT_FALSE(created.empty()) << "the chain creates no pod";
  EXPECT_TRUE(pod_names(svg).count(created)) << created;
  EXPECT_NE(svg.find(">" + created + " (0 restarts)</text>"), std::string::npos) << created;
}

}  // namespace
}  // namespace kcsim
