#include <gtest/gtest.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/cli/sweep_runner.hpp"

using namespace kcsim;

namespace {

const char* kScenario = R"({
  "apiVersion": "kcsim/v1", "kind": "Scenario", "metadata": {"name": "sweep-test"},
  "duration": "20m",
  "objects": [{"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
      "template": {"metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}],
  "timeline": [{"at": "5m", "action": "kubectl scale", "target": "deployment/web", "replicas": 3}]
})";

SweepOptions two_by_two() {
  SweepOptions o;
  o.variations.push_back(parse_variation("/timeline/0/replicas=2,4"));
  o.variations.push_back(parse_variation("Deployment/default/web:/spec/replicas=1,2"));
  return o;
}

}  // namespace

TEST(Sweep, ParsesListsAndRanges) {
  EXPECT_EQ(parse_variation("seed=1,2,3").values, (std::vector<json>{1, 2, 3}));
  EXPECT_EQ(parse_variation("versions.argocd=2.10.0,3.3.0").values, (std::vector<json>{"2.10.0", "3.3.0"}));
  EXPECT_EQ(parse_variation("x=1..7/3").values, (std::vector<json>{1, 4, 7}));
  EXPECT_EQ(parse_variation("x=60s..180s/60s").values, (std::vector<json>{"1m", "2m", "3m"}));
  EXPECT_EQ(parse_variation("x=3..6").values, (std::vector<json>{3, 4, 5, 6}));  // integers: a step of 1
  EXPECT_THROW(parse_variation("x=60s..180s"), InputError);                     // durations need theirs
  EXPECT_THROW(parse_variation("no-equals"), InputError);
  EXPECT_THROW(parse_variation("x=5..1/1"), InputError);
  EXPECT_THROW(parse_variation("x=1,,2"), InputError);
}

TEST(Sweep, AppliesPathsOfEveryForm) {
  json doc = json::parse(kScenario);
  apply_variation(doc, "Deployment/default/web:/spec/replicas", 5);
  apply_variation(doc, "settings.kubelet.nodes", 7);
  apply_variation(doc, "/seed", 9);
  EXPECT_EQ(doc["objects"][0]["spec"]["replicas"], 5);
  EXPECT_EQ(doc["settings"]["kubelet"]["nodes"], 7);
  EXPECT_EQ(doc["seed"], 9);
  EXPECT_THROW(apply_variation(doc, "Deployment/default/missing:/spec/replicas", 1), InputError);
}

TEST(Sweep, OneRowPerVariantWithTheVariantsFigures) {
  const json r = run_sweep(kScenario, "t.json", two_by_two());
  ASSERT_EQ(r["rows"].size(), 4u);
  // Order: the last --vary changes fastest. Pods created = initial replicas + scale-up delta.
  EXPECT_EQ(r["rows"][0]["values"]["/timeline/0/replicas"], 2);
  EXPECT_EQ(r["rows"][0]["values"]["Deployment/default/web:/spec/replicas"], 1);
  EXPECT_EQ(r["rows"][0]["pods_created"], 2.0);
  EXPECT_EQ(r["rows"][1]["pods_created"], 2.0);  // 2 initial, scaled to 2: none new
  EXPECT_EQ(r["rows"][2]["pods_created"], 4.0);
  EXPECT_EQ(r["rows"][3]["pods_created"], 4.0);
  for (const json& row : r["rows"]) EXPECT_EQ(row["fight"], false);
}

TEST(Sweep, OutputIsIdenticalWhateverTheNumberOfThreads) {
  SweepOptions one = two_by_two(), two = two_by_two();
  one.jobs = 1;
  two.jobs = 2;
  EXPECT_EQ(render_sweep(run_sweep(kScenario, "t.json", one), "json"),
            render_sweep(run_sweep(kScenario, "t.json", two), "json"));
}

TEST(Sweep, ShardsMergeIntoTheWholeSweep) {
  const json whole = run_sweep(kScenario, "t.json", two_by_two());
  std::vector<std::pair<std::string, json>> shards;
  for (int i = 0; i < 3; ++i) {
    SweepOptions o = two_by_two();
    o.shard_index = i;
    o.shard_count = 3;
    shards.emplace_back("shard" + std::to_string(i), run_sweep(kScenario, "t.json", o));
  }
  EXPECT_EQ(merge_sweeps(shards)["rows"], whole["rows"]);
  shards.pop_back();
  EXPECT_THROW(merge_sweeps(shards), InputError);  // a missing shard is an error, not a short table
}

TEST(Sweep, RepeatReportsMeanAndSpreadOverSeeds) {
  SweepOptions o;
  o.variations.push_back(parse_variation("/timeline/0/replicas=3"));
  o.repeat = 3;
  const json r = run_sweep(kScenario, "t.json", o);
  ASSERT_EQ(r["rows"].size(), 1u);
  EXPECT_EQ(r["rows"][0]["pods_created"], 3.0);
  EXPECT_EQ(r["rows"][0]["spread"]["pods_created"], json::array({3.0, 3.0}));
}

TEST(Sweep, CountsAreIntegersAndFiguresThatDoNotApplyAreEmpty) {
  // No fight and no traffic: the period and the cold-start p95 do not apply (null in JSON, empty
  // cells); the counts print as integers; the --vary columns are named by their last segment.
  const std::string csv = render_sweep(run_sweep(kScenario, "t.json", two_by_two()), "csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  // Both paths end in "replicas": each keeps its whole path.
  EXPECT_EQ(header, "/timeline/0/replicas,Deployment/default/web:/spec/replicas,fight,period_s,cycles,pods_created,"
                    "max_restart_count,cold_start_p95_s,failed_requests,replica_hours");
  SweepOptions one;
  one.variations.push_back(parse_variation("/timeline/0/replicas=2"));
  const std::string single = render_sweep(run_sweep(kScenario, "t.json", one), "csv");
  EXPECT_EQ(single.substr(0, single.find(',')), "replicas");
  const std::size_t first_row = csv.find('\n') + 1;
  EXPECT_EQ(csv.substr(first_row, csv.find('\n', first_row) - first_row).rfind("2,1,no,,0,2,0,,0,", 0), 0u)
      << csv;
  const json r = run_sweep(kScenario, "t.json", two_by_two());
  EXPECT_TRUE(r["rows"][0]["period_s"].is_null());
  EXPECT_TRUE(r["rows"][0]["cold_start_p95_s"].is_null());
}
