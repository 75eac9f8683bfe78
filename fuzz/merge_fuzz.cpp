// Fuzz target: `kcsim merge` (merge_sweeps and render_sweep in sim/cli/sweep_runner.cpp): shard
// files are JSON written by `kcsim sweep --shard I/N --format json`, or by anyone. The input is a
// JSON array of shard documents; they are merged and the result rendered in every format.
#include "fuzz_support.hpp"
#include "kcsim/cli/sweep_runner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kcsim;
  const json input = json::parse(fuzz::text_of(data, size), nullptr, /*allow_exceptions=*/false);
  if (!input.is_array()) return 0;
  std::vector<std::pair<std::string, json>> shards;
  for (std::size_t i = 0; i < input.size(); ++i) shards.emplace_back("shard-" + std::to_string(i) + ".json", input[i]);
  fuzz::expect_only_input_errors([&] {
    const json merged = merge_sweeps(shards);
    for (const char* format : {"text", "csv", "json"}) (void)render_sweep(merged, format);
  });
  return 0;
}
