// Fuzz target: the expectations evaluator (sim/scenario/expectations.cpp): every shape of
// expectation — object and list samples with pointers and aggregates, report paths such as
// "workloads[Deployment/default/web].pods.created", events with regular expressions, min/max/
// equals/matches — checked at load and then evaluated against a real run. The run (a bundled
// scenario, once) is shared by all inputs; each input brings only its "expectations" array, so the
// fuzzer spends its time in the evaluator instead of in the simulation.
#include <fstream>
#include <memory>
#include <sstream>

#include "fuzz_support.hpp"
#include "kcsim/analysis/report.hpp"
#include "../sim/scenario/expectations.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace {

using namespace kcsim;

// The scenario whose run every input's expectations are evaluated against.
struct Baseline {
  json document;  // the scenario, as JSON, with its own expectations removed
  std::unique_ptr<Scenario> scenario;
  std::unique_ptr<World> world;
  json report;
};

const Baseline& baseline() {
  static const Baseline b = [] {
    Baseline out;
    std::ifstream in(KCSIM_FUZZ_BASELINE_SCENARIO);
    std::stringstream text;
    text << in.rdbuf();
    out.document = json::parse(text.str());
    out.document.erase("expectations");
    out.document["duration"] = "1h";  // four cycles of the loop: every kind of write and Event
    out.scenario = std::make_unique<Scenario>(parse_scenario(out.document.dump(), "baseline.json"));
    out.world = std::make_unique<World>(*out.scenario, RunLimits{});
    out.world->run();
    out.report = build_report(*out.world);
    return out;
  }();
  return b;
}

}  // namespace

// Runs the baseline before the first input, outside libFuzzer's per-input -timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)baseline();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Baseline& b = baseline();
  // The input is a scenario document (the seeds are the bundled scenarios); only its
  // "expectations" member is used.
  const json input = json::parse(fuzz::text_of(data, size), nullptr, /*allow_exceptions=*/false);
  if (!input.is_object() || !input.contains("expectations")) return 0;
  json document = b.document;
  document["expectations"] = input["expectations"];
  fuzz::expect_only_input_errors([&] {
    const Scenario scenario = parse_scenario(document.dump(), "fuzz.json");
    ExpectationChecker checker(scenario);
    // The state probes read the finished run (the world stands at its end); what is fuzzed is
    // the reading of objects and lists, not when it happens.
    for (SimTime t : checker.probe_times()) checker.probe(*b.world, t);
    (void)checker.results(*b.world, b.report);
  });
  return 0;
}
