// Whole runs through the runner API that `kcsim run` uses (include/kcsim/cli/runner.hpp): the
// six-minute loop over a long span, with its fix checks, and its memory growth per simulated
// hour; generated fleets (docs/performance.md), issue #3's 200 HTTP services with bursty traffic,
// and a sweep of the six-minute loop through the sweep API.
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
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "kcsim/cli/fleet_generator.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/cli/sweep_runner.hpp"
#include "kcsim/apiserver/world.hpp"

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

// The six-minute loop with the default fix checks (`kcsim run` without --no-fixes: one re-run per
// candidate fix of the fight); issue #15's target: 30 simulated days in at most 1.5 s.
void BM_SixMinuteLoopWithFixes(benchmark::State& state) {
  kcsim::json document = six_minute_loop();
  const std::int64_t hours = state.range(0);
  document["duration"] = std::to_string(hours) + "h";
  const kcsim::Scenario scenario = kcsim::parse_scenario(document.dump(), "bench.json");
  kcsim::RunOptions options;
  options.check_fixes = true;
  options.events = false;
  for (auto _ : state) {
    const double cpu0 = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const kcsim::RunOutcome out = kcsim::run_scenario(scenario, bench_limits(), options);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(wall);
    benchmark::DoNotOptimize(out.report);
    state.counters["cpu_s"] = cpu_seconds() - cpu0;
    state.counters["fixes"] = static_cast<double>(out.report["fights"].empty() ? 0 : out.report["fights"][0]["fixes"].size());
    state.counters["full_span_s"] = wall * 30.0 * 24.0 / static_cast<double>(hours);
  }
}
BENCHMARK(BM_SixMinuteLoopWithFixes)->ArgName("hours")->Arg(24)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// The resident memory of the process now (/proc/self/statm), in MiB.
double current_rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// How the loop's memory grows with simulated time: the resident set after 6 h and after the
// benchmark's span, one World run on; issue #15's target: at most 0.05 MiB per simulated hour.
// An upper bound: the allocator may keep freed pages.
void BM_SixMinuteLoopMemoryGrowth(benchmark::State& state) {
  kcsim::json document = six_minute_loop();
  const std::int64_t hours = state.range(0);
  document["duration"] = std::to_string(hours) + "h";
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    kcsim::World world(kcsim::parse_scenario(document.dump(), "bench.json"), bench_limits());
    world.api().set_write_history(kcsim::WriteHistory::kAnalyses);  // as `kcsim run` keeps it
    world.run(kcsim::kTimeZero + kcsim::hours(6));
    const double at_6h = current_rss_mib();
    world.run();
    const double at_end = current_rss_mib();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    state.counters["rss_6h_MiB"] = at_6h;
    state.counters["rss_end_MiB"] = at_end;
    state.counters["growth_MiB_per_h"] = (at_end - at_6h) / static_cast<double>(hours - 6);
  }
}
BENCHMARK(BM_SixMinuteLoopMemoryGrowth)->ArgName("hours")->Arg(48)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

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
