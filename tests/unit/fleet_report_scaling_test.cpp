// The report of a generated fleet grows with its services, not with their square (#19): a fight's
// causal chain names only the fighting service's own objects, and the text report of four times
// the services is about four times as long (docs/performance.md, Fleet memory and report size).
#include <gtest/gtest.h>

#include <string>

#include "kcsim/cli/fleet_generator.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/views/text_report.hpp"

namespace kcsim {
namespace {

// Every service fights, so that each one adds a fight with its chain to the report.
RunOutcome run_fleet(int services) {
  FleetOptions o;
  o.services = services;
  o.seed = 19;
  o.fight_fraction = 1.0;
  o.duration = "10m";
  return run_scenario(parse_scenario(generate_fleet(o).scenario.dump(), "fleet.json"));
}

// "svc-0007" from "Deployment team-00/svc-0007".
std::string service_of(const std::string& object) { return object.substr(object.rfind('/') + 1); }

// Whether `action` names an object of `service`: the service's Deployment, Application, autoscaler
// ("…/svc-0007 "), or one of its ReplicaSets and Pods ("…/svc-0007-6bb554b65b-cdjjk").
bool names_service(const std::string& action, const std::string& service) {
  for (const char* after : {" ", "-"})
    if (action.find("/" + service + after) != std::string::npos) return true;
  return action.size() > service.size() + 1 && action.ends_with("/" + service);
}

TEST(FleetReportScaling, EachChainStaysWithinItsService) {
  const RunOutcome out = run_fleet(12);
  ASSERT_EQ(out.report["fights"].size(), 12u);
  for (const json& fight : out.report["fights"]) {
    const std::string service = service_of(fight["object"].get<std::string>());
    ASSERT_FALSE(fight["chain"].empty()) << service;
    for (const json& step : fight["chain"])
      EXPECT_TRUE(names_service(step["action"].get<std::string>(), service))
          << "the chain of " << service << " has a step about another service: " << step["action"];
  }
}

TEST(FleetReportScaling, TextReportGrowsInProportionToTheServices) {
  const RunOutcome small = run_fleet(10);
  const RunOutcome large = run_fleet(40);
  ASSERT_EQ(small.report["fights"].size(), 10u);
  ASSERT_EQ(large.report["fights"].size(), 40u);
  const double per_service_small = static_cast<double>(render_text_report(small.report).size()) / 10.0;
  const double per_service_large = static_cast<double>(render_text_report(large.report).size()) / 40.0;
  // The same mix of services: bytes per service within 20% (a chain that pulled in the steps of
  // other services would make the larger fleet's bytes per service grow with its size).
  EXPECT_LT(per_service_large, per_service_small * 1.2);
  EXPECT_GT(per_service_large, per_service_small * 0.8);
}

}  // namespace
}  // namespace kcsim
