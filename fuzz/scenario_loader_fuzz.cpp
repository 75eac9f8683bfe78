// Fuzz target: the scenario loader (sim/scenario/scenario.cpp: JSON syntax, positions, every section's
// validation, expectations). scenario_run_fuzz.cpp goes further and runs what loads.
#include "fuzz_support.hpp"
#include "kcsim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kcsim;
  fuzz::expect_only_input_errors([&] { (void)parse_scenario(fuzz::text_of(data, size), "fuzz.json"); });
  return 0;
}
