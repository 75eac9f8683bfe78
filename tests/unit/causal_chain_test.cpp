// The causal chain, verified fixes, timeline CSV and HTML page of a fight (six-minute-loop, 2 h).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace kcsim {
namespace {

const RunOutcome& outcome() {
  static const RunOutcome out = [] {
    Scenario s = load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json");
    s.duration = hours(2);
    RunOptions o;
    o.check_fixes = true;
    o.timeline = true;
    o.html = true;
    return run_scenario(s, {}, o);
  }();
  return out;
}

const json& fight() {
  const json& fights = outcome().report["fights"];
  EXPECT_FALSE(fights.empty());
  return fights.at(0);
}

TEST(CausalChainTest, KedaScalesToZeroThenArgoCdRestores) {
  const json& chain = fight().at("chain");
  ASSERT_FALSE(chain.empty());
  std::ptrdiff_t keda = -1, argo = -1;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const json& s = chain[i];
    EXPECT_FALSE(s.value("rule", "").empty());
    EXPECT_FALSE(s.value("at", "").empty());
    const std::string action = s.value("action", "");
    if (keda < 0 && s["actor"] == "keda" && action.find("1 -> 0") != std::string::npos) keda = static_cast<std::ptrdiff_t>(i);
    if (keda >= 0 && argo < 0 && s["actor"] == "argocd-controller" && action.find("0 -> 1") != std::string::npos)
      argo = static_cast<std::ptrdiff_t>(i);
  }
  ASSERT_GE(keda, 0);
  ASSERT_GT(argo, keda);
  EXPECT_NE(chain[keda]["rule"].get<std::string>().find("cooldownPeriod"), std::string::npos);
  EXPECT_NE(chain[argo]["rule"].get<std::string>().find("self-heal"), std::string::npos);
}

TEST(CausalChainTest, TheChainIsShortStartsWithAWriterAndFollowsRealInstants) {
  const json& f = fight();
  const json& chain = f.at("chain");
  ASSERT_FALSE(chain.empty());
  EXPECT_LE(chain.size(), 10u);
  const json& writers = f.at("writers");
  const std::string first_actor = chain.at(0).value("actor", "");
  EXPECT_NE(std::find(writers.begin(), writers.end(), first_actor), writers.end()) << chain.dump(1);
  EXPECT_NE(chain.at(0).value("action", "").find("scales Deployment prod/immigranta-backend"), std::string::npos);
  for (std::size_t i = 1; i < chain.size(); ++i)
    EXPECT_LE(chain[i - 1]["at_s"].get<double>(), chain[i]["at_s"].get<double>()) << chain.dump(1);
  // Writes only, at their real instants: no Event (whole seconds, restating a write).
  for (const json& s : chain) EXPECT_EQ(s.value("action", "").find("records Event"), std::string::npos) << s.dump();
}

TEST(CausalChainTest, TheSteadyPeriodAndTheRampAreSeparate) {
  // ArgoCD v3.3's self-heal backoff: 0, 2, 6, 18, 54, 162 s, then 300 s. The steady period is
  // the cap; the ramp lists the shorter cycles before it, growing towards the cap.
  const json& f = fight();
  EXPECT_NEAR(f.at("period_s").get<double>(), 300.0, 2.0);
  const json& ramp = f.at("ramp_s");
  ASSERT_GE(ramp.size(), 4u) << f.dump();
  EXPECT_LT(ramp.front().get<double>(), ramp.back().get<double>()) << ramp.dump();
  for (const json& r : ramp) EXPECT_LT(r.get<double>(), 299.0) << ramp.dump();
  EXPECT_NE(f.value("summary", "").find("one cycle every 5m0s after a ramp of"), std::string::npos) << f.value("summary", "");
}

TEST(CausalChainTest, FixesAreCheckedByReRuns) {
  const json& fixes = fight().at("fixes");
  bool ignore = false, min1 = false, selfheal_seen = false;
  for (const json& f : fixes) {
    const std::string c = f.value("change", "");
    if (c.find("ignoreDifferences") != std::string::npos) ignore = f["stops_fight"].get<bool>();
    if (c.find("minimum replicas to 1") != std::string::npos) min1 = f["stops_fight"].get<bool>();
    if (c.find("self-heal off") != std::string::npos) selfheal_seen = f.contains("stops_fight");
  }
  EXPECT_TRUE(ignore);
  EXPECT_TRUE(min1);
  EXPECT_TRUE(selfheal_seen);
}

TEST(CausalChainTest, TheAppOfAppsFixComesFirstAsTheRootCause) {
  // The live Application was applied by hand and lacks the rule its own manifest in Git has
  // (apps/prod/immigranta-backend.yaml): a parent Application deploying apps/prod is the root-cause
  // fix, the one exercises/six-minute-loop.json and `kcsim explain` give.
  const json& fixes = fight().at("fixes");
  ASSERT_FALSE(fixes.empty());
  const json& first = fixes.at(0);
  EXPECT_EQ(first.value("change", ""),
            "deploy the Applications in Git's apps/prod through an app-of-apps parent Application root-prod, so that "
            "the Git version of Application/argocd/immigranta-backend reaches the cluster");
  EXPECT_EQ(first.value("role", ""), "root cause");
  EXPECT_TRUE(first.value("stops_fight", false));
}

TEST(CausalChainTest, EachFixSaysWhatItGivesUpAndWhatItCosts) {
  const json& fixes = fight().at("fixes");
  const json* self_heal_off = nullptr;
  const json* min1 = nullptr;
  for (const json& f : fixes) {
    EXPECT_FALSE(f.value("caveat", "").empty()) << f.dump();
    const std::string c = f.value("change", "");
    if (c == "turn ArgoCD self-heal off") self_heal_off = &f;
    if (c.find("minimum replicas to 1") != std::string::npos) min1 = &f;
  }
  ASSERT_NE(self_heal_off, nullptr);
  ASSERT_NE(min1, nullptr);
  EXPECT_EQ(self_heal_off->value("role", ""), "gives something up");
  EXPECT_NE(self_heal_off->value("caveat", "").find("drift correction for the whole Application"), std::string::npos);
  EXPECT_EQ(min1->value("role", ""), "gives something up");
  // The price is measured by the re-run: a pod at all times costs about the whole 2 h in
  // replica-seconds, against the few seconds each short-lived pod of the loop costs.
  const json& price = min1->at("price");
  EXPECT_GT(price["after"]["replica_seconds"].get<double>(), 6000.0);
  EXPECT_LT(price["before"]["replica_seconds"].get<double>(), 1000.0);
  EXPECT_GT(price["before"]["pods_created"].get<std::int64_t>(), price["after"]["pods_created"].get<std::int64_t>());
}

TEST(CausalChainTest, TimelineCsvHasKedaWrites) {
  const std::string& csv = outcome().timeline_csv;
  EXPECT_EQ(csv.rfind("time_s,clock,object,field,value,manager\n", 0), 0u);
  EXPECT_NE(csv.find("Deployment/prod/immigranta-backend,spec.replicas,0,keda"), std::string::npos);
}

TEST(CausalChainTest, HtmlHasTheChart) {
  const std::string& html = outcome().html;
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("class=\"replicas-step\" data-manager=\"keda\""), std::string::npos);
  EXPECT_NE(html.find("class=\"replicas-step\" data-manager=\"argocd-controller\""), std::string::npos);
  EXPECT_NE(html.find("class=\"ready-line\""), std::string::npos);
  // Self-contained: nothing is loaded from elsewhere (the one inline script only measures).
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

}  // namespace
}  // namespace kcsim
