// Whole runs through the runner API that `kcsim run` uses (include/kcsim/cli/runner.hpp): the
// six-minute loop over a long span, generated fleets (docs/performance.md), issue #3's 200 HTTP
// services with bursty traffic, and a sweep of the six-minute loop through the sweep API.
//
// Each is one iteration with a manual time (the wall time of the run, read from
// std::chrono::steady_clock around it) and counters:
//   sim_per_real   simulated seconds per wall second
//   events_per_s   engine events per wall second
//   cpu_s          CPU seconds of the process over the run (getrusage user + system): on a
//                  shared machine the wall time grows with the load, this much less
//   sim_per_cpu    simulated seconds per CPU second
//   peak_rss_MiB   getrusage(RUSAGE_SELF).ru_maxrss: the process's peak so far, so run a long
//                  benchmark alone (--benchmark_filter) to read its own peak
//   full_span_s    for a benchmark that simulates a shorter span than its target: the wall time
//                  extrapolated linearly to the target span (what the name says it stands for)
// The simulated span is the benchmark's last argument, in hours.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "kcsim/cli/fleet_generator.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/cli/sweep_runner.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

kcsim::RunLimits bench_limits() {
  kcsim::RunLimits limits;
  limits.max_events = std::uint64_t{1} << 40;  // a fleet week is far beyond `kcsim run`'s default
  return limits;
}

// Runs `document` for `hours` simulated hours and reports the counters; `target_hours` is the
// span the benchmark stands for (for full_span_s).
void run_document(benchmark::State& state, kcsim::json document, std::int64_t hours, std::int64_t target_hours) {
  document["duration"] = std::to_string(hours) + "h";
  const kcsim::Scenario scenario = kcsim::parse_scenario(document.dump(), "bench.json");
  for (auto _ : state) {
    const double cpu0 = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const kcsim::RunOutcome out = kcsim::run_scenario(scenario, bench_limits());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu0;
    state.SetIterationTime(wall);
    benchmark::DoNotOptimize(out.report);
    const double simulated = static_cast<double>(hours) * 3600.0;
    state.counters["sim_hours"] = static_cast<double>(hours);
    state.counters["events"] = static_cast<double>(out.events_processed);
    state.counters["events_per_s"] = static_cast<double>(out.events_processed) / wall;
    state.counters["sim_per_real"] = simulated / wall;
    state.counters["cpu_s"] = cpu;
    state.counters["sim_per_cpu"] = simulated / cpu;
    state.counters["full_span_s"] = wall * static_cast<double>(target_hours) / static_cast<double>(hours);
    state.counters["peak_rss_MiB"] = peak_rss_mib();
    state.counters["fights"] = static_cast<double>(out.report["fights"].size());
  }
}

kcsim::json six_minute_loop() {
  return kcsim::json::parse(read_file(std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json"));
}

// The six-minute loop; target 365 simulated days in under 1 s.
void BM_SixMinuteLoop(benchmark::State& state) { run_document(state, six_minute_loop(), state.range(0), 365 * 24); }
BENCHMARK(BM_SixMinuteLoop)->ArgName("hours")->Arg(24)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// A generated fleet (kcsim generate fleet --services N --seed 1, default fractions); target one
// simulated week. Arguments: services, hours.
void BM_Fleet(benchmark::State& state) {
  kcsim::FleetOptions o;
  o.services = static_cast<int>(state.range(0));
  run_document(state, kcsim::generate_fleet(o).scenario, state.range(1), 7 * 24);
}
BENCHMARK(BM_Fleet)
    ->ArgNames({"services", "hours"})
    ->Args({100, 1})
    ->Args({300, 1})
    ->Args({1000, 1})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Issue #3: 200 services behind the KEDA HTTP add-on with bursty traffic, no fight
// (kcsim generate fleet --services 200 --http-fraction 1 --traffic bursts --fight-fraction 0).
void BM_Http200Bursty(benchmark::State& state) {
  kcsim::FleetOptions o;
  o.services = 200;
  o.http_fraction = 1.0;
  o.fight_fraction = 0.0;
  o.traffic = "bursts";
  run_document(state, kcsim::generate_fleet(o).scenario, state.range(0), 7 * 24);
}
BENCHMARK(BM_Http200Bursty)->ArgName("hours")->Arg(2)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// A sweep of the six-minute loop, 24 h per variant, on 2 threads, variants differing by seed
// (`kcsim sweep six-minute-loop.json --vary seed=1..N/1 --jobs 2`); target 1,000 variants in
// under 20 s. Argument: variants.
void BM_Sweep(benchmark::State& state) {
  kcsim::json document = six_minute_loop();
  document["duration"] = "24h";
  const std::string text = document.dump();
  kcsim::SweepOptions options;
  options.jobs = 2;
  options.variations.push_back(kcsim::parse_variation("seed=1.." + std::to_string(state.range(0)) + "/1"));
  for (auto _ : state) {
    const double cpu0 = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const kcsim::json result = kcsim::run_sweep(text, "bench.json", options);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.counters["cpu_s"] = cpu_seconds() - cpu0;
    state.SetIterationTime(wall);
    benchmark::DoNotOptimize(result);
    const double variants = static_cast<double>(result["rows"].size());
    state.counters["variants"] = variants;
    state.counters["variants_per_s"] = variants / wall;
    state.counters["full_span_s"] = wall * 1000.0 / variants;
    state.counters["peak_rss_MiB"] = peak_rss_mib();
  }
}
BENCHMARK(BM_Sweep)->ArgName("variants")->Arg(20)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
