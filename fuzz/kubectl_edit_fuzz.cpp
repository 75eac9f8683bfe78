// Fuzz target: `kubectl edit` actions (models/actors/kubectl.cpp): the `set` map's keys are JSON
// pointers written by people and its values any JSON. Each input is one `set` object applied by a
// kubectl edit to a Deployment; the scenario then runs for two simulated minutes with --verify's
// invariants on, so a pointer that slips past validation and leaves a broken object in the API
// server (an array grown to 10^9 elements, a template that no longer matches its selector) is
// found as well as a crash.
#include "fuzz_support.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace {

const char* kScenario = R"({
  "apiVersion": "kcsim/v1", "kind": "Scenario", "metadata": {"name": "fuzz-kubectl-edit"}, "seed": 1,
  "duration": "2m",
  "objects": [
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
     "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
              "template": {"metadata": {"labels": {"app": "web"}},
                           "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                                    "ports": [{"containerPort": 80}]}]}}}}
  ],
  "timeline": [{"at": "30s", "action": "kubectl edit", "target": "deployment/web", "set": {}}]
})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kcsim;
  const json set = json::parse(fuzz::text_of(data, size), nullptr, /*allow_exceptions=*/false);
  if (!set.is_object()) return 0;
  json document = json::parse(kScenario);
  document["timeline"][0]["set"] = set;
  fuzz::expect_only_input_errors([&] {
    const Scenario scenario = parse_scenario(document.dump(), "fuzz.json");
    RunLimits limits;
    limits.max_events = 5000;
    limits.max_objects = 2000;
    RunOptions options;
    options.verify = true;
    (void)run_scenario(scenario, limits, options);
  });
  return 0;
}
