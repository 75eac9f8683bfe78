// The HTML page of `kcsim run --html` (sim/views/timeline_html.cpp), as text: determinism, pod lanes
// and the chart of the last complete cycle. tests/html/ checks what a browser renders of it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"

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

// --- request rows (--timeline-requests) and latency dots, on the http-add-on cold-start scenario

RunOutcome run_traffic(const std::string& scenario, bool requests) {
  const Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/" + scenario);
  RunOptions o;
  o.timeline = true;
  o.timeline_requests = requests;
  o.html = true;
  return run_scenario(s, {}, o);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Totals of the report's workloads: responses (succeeded + failed) and cold starts.
std::pair<std::int64_t, std::int64_t> answered_and_cold(const json& report) {
  std::int64_t answered = 0, cold = 0;
  for (const json& w : report["workloads"])
    if (w.contains("requests")) {
      answered += w["requests"]["succeeded"].get<std::int64_t>() + w["requests"]["failed"].get<std::int64_t>();
      cold += w["requests"]["cold_starts"].get<std::int64_t>();
    }
  return {answered, cold};
}

TEST(TimelineCsvTest, RequestRowsOnlyWithTheFlag) {
  const RunOutcome plain = run_traffic("http-add-on-cold-start.json", false);
  const RunOutcome with = run_traffic("http-add-on-cold-start.json", true);
  EXPECT_EQ(plain.timeline_csv.find(",request,"), std::string::npos);
  EXPECT_EQ(lines(plain.timeline_csv).front(), "time_s,clock,object,field,value,manager");
  const std::vector<std::string> rows = lines(with.timeline_csv);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front(), "time_s,clock,object,field,value,manager,status,cold_start");
  // Without the request rows and the two empty columns, the replica rows are those of the plain run.
  std::string replica_rows = "time_s,clock,object,field,value,manager\n";
  std::int64_t requests = 0, cold = 0;
  double last_time = -1.0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const double t = std::stod(rows[i]);
    EXPECT_GE(t, last_time) << "row " << i << " out of time order: " << rows[i];
    last_time = t;
    if (rows[i].find(",request,") != std::string::npos) {
      ++requests;
      if (rows[i].ends_with(",yes")) ++cold;
      else EXPECT_TRUE(rows[i].ends_with(",no")) << rows[i];
    } else {
      ASSERT_TRUE(rows[i].ends_with(",,")) << rows[i];
      replica_rows += rows[i].substr(0, rows[i].size() - 2) + "\n";
    }
  }
  EXPECT_EQ(replica_rows, plain.timeline_csv);
  ASSERT_FALSE(with.report["traffic"]["records_truncated"].get<bool>());
  const auto [answered, cold_starts] = answered_and_cold(with.report);
  EXPECT_GT(answered, 0);
  EXPECT_GT(cold_starts, 0);
  EXPECT_EQ(requests, answered);
  EXPECT_EQ(requests, with.report["traffic"]["records"].get<std::int64_t>());
  EXPECT_EQ(cold, cold_starts);
}

TEST(TimelineCsvTest, EachDeploymentStartsWithItsReplicasAsCreated) {
  // The six-minute loop: ArgoCD's first sync creates the Deployment with Git's replicas: 1, and
  // KEDA scales it to 0 20 ms later. The first row is the creation, so a plot starts at 1.
  Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json");
  s.duration = minutes(10);
  RunOptions o;
  o.timeline = true;
  const std::vector<std::string> rows = lines(run_scenario(s, {}, o).timeline_csv);
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[1], "1.580,12:00:01.579816,Deployment/prod/immigranta-backend,spec.replicas,1,argocd-controller");
  EXPECT_EQ(rows[2], "1.600,12:00:01.599816,Deployment/prod/immigranta-backend,spec.replicas,0,keda");
}

TEST(TimelineCsvTest, PendingRequestRowsFollowEachWorkloadsWaitingRequests) {
  const RunOutcome run = run_traffic("http-add-on-cold-start.json", false);
  std::map<std::string, std::int64_t> last;           // workload → last pending count
  std::map<std::string, std::int64_t> rises_from_zero;
  for (const std::string& row : lines(run.timeline_csv)) {
    std::vector<std::string> cells;
    std::istringstream in(row);
    for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
    if (cells.size() < 5 || cells[3] != "pending_requests") continue;
    const std::int64_t value = std::stoll(cells[4]);
    EXPECT_GE(value, 0) << row;
    const std::int64_t before = last.count(cells[2]) ? last[cells[2]] : 0;
    EXPECT_NE(value, before) << "a row without a change: " << row;
    if (before == 0 && value > 0) ++rises_from_zero[cells[2]];
    last[cells[2]] = value;
  }
  std::size_t workloads_with_cold_starts = 0;
  for (const json& w : run.report["workloads"]) {
    const std::int64_t cold = w["cold_start_s"]["count"].get<std::int64_t>();
    if (cold == 0) continue;
    ++workloads_with_cold_starts;
    const std::string object = w["object"];
    // Every cold start began with a request waiting at zero ready pods; all were answered by the end.
    EXPECT_GE(rises_from_zero[object], cold) << object;
    EXPECT_EQ(last[object], 0) << object;
  }
  EXPECT_GT(workloads_with_cold_starts, 0u);
}

TEST(TimelineHtmlTest, ColdStartScenarioDrawsLatencyDotsWithColdStartsMarked) {
  const RunOutcome out = run_traffic("http-add-on-cold-start.json", false);
  const auto [answered, cold_starts] = answered_and_cold(out.report);
  ASSERT_GT(cold_starts, 0);
  // Few requests: none thinned; one dot each, cold ones (failed or not) marked.
  EXPECT_EQ(out.html.find("drawn as"), std::string::npos);
  const std::size_t cold_dots = count_of(out.html, "class=\"req cold\"") + count_of(out.html, "class=\"req failed cold\"");
  const std::size_t plain_dots = count_of(out.html, "class=\"req\"") + count_of(out.html, "class=\"req failed\"");
  EXPECT_EQ(static_cast<std::int64_t>(cold_dots), cold_starts);
  EXPECT_EQ(static_cast<std::int64_t>(cold_dots + plain_dots), answered);
  EXPECT_NE(out.html.find("<svg class=\"latency\" data-workload=\"Deployment/apps/patient\""), std::string::npos);
  EXPECT_NE(out.html.find("data-latency-rendered"), std::string::npos);  // the load-time check
  EXPECT_EQ(run_traffic("http-add-on-cold-start.json", false).html, out.html);
}

TEST(TimelineHtmlTest, ManyRequestsAreThinnedKeepingEveryColdStart) {
  const RunOutcome out = run_traffic("keda-scale-to-zero.json", false);
  const auto [answered, cold_starts] = answered_and_cold(out.report);
  ASSERT_GT(answered, 5000) << "the scenario no longer has enough requests to thin";
  const std::size_t dots = count_of(out.html, "<circle class=\"req") + count_of(out.html, "<rect class=\"req");
  EXPECT_LE(dots, 5000u);
  EXPECT_GT(dots, 1000u);
  const std::size_t cold_dots = count_of(out.html, "class=\"req cold\"") + count_of(out.html, "class=\"req failed cold\"");
  EXPECT_EQ(static_cast<std::int64_t>(cold_dots), cold_starts);
  EXPECT_NE(out.html.find(fmt::format("{} requests, drawn as {} dots", answered, dots)), std::string::npos);
}

TEST(TimelineHtmlTest, RunWithoutTrafficHasNoLatencyChart) {
  EXPECT_EQ(outcome().html.find("svg class=\"latency\""), std::string::npos);
  EXPECT_EQ(outcome().html.find("data-latency-rendered"), std::string::npos);
  EXPECT_EQ(outcome().html.find("svg.latency"), std::string::npos);
}

TEST(TimelineHtmlTest, AOneOffResetIsListedInItsDeploymentsSection) {
  // scenarios/argocd-sync-resets-hpa.json: one ArgoCD sync at peak load sets the HPA's replicas
  // back once; the report's "resets" has it, and the page lists its summary word for word in the
  // Deployment's section, before the whole-run chart.
  Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/argocd-sync-resets-hpa.json");
  RunOptions o;
  o.html = true;
  const RunOutcome out = run_scenario(s, {}, o);
  ASSERT_EQ(out.report["resets"].size(), 1u) << out.report["resets"].dump(1);
  const json& reset = out.report["resets"][0];
  const std::string item = "<li class=\"reset\">" + reset["summary"].get<std::string>() + "</li>";
  const std::size_t at = out.html.find(item);
  ASSERT_NE(at, std::string::npos) << "the page does not list the reset: " << item;
  const std::size_t section = out.html.rfind("<h2>", at);
  ASSERT_NE(section, std::string::npos);
  EXPECT_EQ(out.html.substr(section, out.html.find("</h2>", section) - section), "<h2>" + reset["object"].get<std::string>());
  EXPECT_LT(at, out.html.find("data-window=\"run\"", section)) << "the reset comes before the chart";
  EXPECT_EQ(outcome().html.find("class=\"reset\""), std::string::npos) << "the six-minute loop has a fight, no reset";
}

}  // namespace
}  // namespace kcsim
