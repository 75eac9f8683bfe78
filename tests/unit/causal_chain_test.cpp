// The causal chain, verified fixes, timeline CSV and HTML page of a fight (six-minute-loop, 2 h).
#include <gtest/gtest.h>

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
