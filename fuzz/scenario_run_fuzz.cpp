// Fuzz target: a scenario that loads is run — the World built from it (every model validates
// its settings in its constructor and start()), then a short run under tight limits — so that
// a scenario that loads but makes a model misbehave is found too.
#include "fuzz_support.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kcsim;
  fuzz::expect_only_input_errors([&] {
    Scenario scenario = parse_scenario(fuzz::text_of(data, size), "fuzz.json");
    // Short and small: the fuzzer looks for crashes, not for long runs (-timeout catches hangs).
    // Under ASan+UBSan at -O1 an event costs up to about 1 ms on a loaded 2-core machine: 20,000
    // events (a legitimate 15 s self-heal loop reaches that in 25 simulated minutes) took more
    // than the 10 s -timeout, a slow unit rather than a hang. 5,000 events stay well inside it.
    if (scenario.duration > minutes(10)) scenario.duration = minutes(10);
    RunLimits limits;
    limits.max_events = 5000;
    limits.max_objects = 2000;
    RunOptions options;  // no fix re-runs, no HTML
    options.verify = true;  // a model that breaks an invariant is a finding too
    (void)run_scenario(scenario, limits, options);
  });
  return 0;
}
