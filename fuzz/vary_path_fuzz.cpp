// Fuzz target: `kcsim sweep --vary PATH=VALUES` (include/kcsim/cli/sweep_runner.hpp): the argument parser
// (lists, ranges "LO..HI/STEP", JSON values) and the path resolver that writes a value into a
// scenario document (JSON pointer, "Kind/namespace/name:POINTER", dotted path). The first line
// of the input is the --vary argument; each value is applied to a small fixed scenario.
#include "fuzz_support.hpp"
#include "kcsim/cli/sweep_runner.hpp"

namespace {

const char* kDocument = R"({
  "apiVersion": "kcsim/v1", "kind": "Scenario", "metadata": {"name": "fuzz"}, "seed": 1,
  "duration": "10m", "versions": {"argocd": "3.3.0"},
  "settings": {"keda": {"pollingInterval": 30}},
  "objects": [
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"},
     "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "app"}]}}}},
    {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "web", "namespace": "prod"},
     "spec": {"cooldownPeriod": 300}}
  ]
})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kcsim;
  std::string text = fuzz::text_of(data, size);
  text = text.substr(0, text.find('\n'));
  fuzz::expect_only_input_errors([&] {
    const Variation v = parse_variation(text);
    const json base = json::parse(kDocument);
    for (const json& value : v.values) {
      json doc = base;
      fuzz::expect_only_input_errors([&] { apply_variation(doc, v.path, value); });
    }
  });
  return 0;
}
