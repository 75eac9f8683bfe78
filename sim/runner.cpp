#include "kcsim/runner.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "expectations.hpp"
#include "kcsim/report.hpp"

namespace kcsim {

RunOutcome run_scenario(const Scenario& scenario, RunLimits limits) {
  World world(scenario, limits);
  ExpectationChecker checker(world.scenario());
  RunOutcome out;
  for (SimTime t : checker.probe_times()) {
    out.stop = world.run(t);
    if (out.stop == StopReason::kEventLimit) break;
    checker.probe(world, t);
  }
  if (out.stop != StopReason::kEventLimit) out.stop = world.run();
  if (out.stop == StopReason::kEventLimit)
    throw std::runtime_error(fmt::format(
        "{}: the run stopped at the event limit ({} events) at t = {}: a controller is probably "
        "writing in a tight loop",
        scenario.file, limits.max_events, format_go_duration(world.engine().now().time_since_epoch())));
  out.events_processed = world.engine().events_processed();
  out.report = build_report(world);
  out.report["expectations"] = checker.results(world, out.report);
  for (const json& e : out.report["expectations"]) out.expectations_passed &= e["passed"].get<bool>();
  out.events_table = render_events_table(world, world.engine().now());
  return out;
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".kcsim-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error(fmt::format("cannot write {}", path));
    f << content;
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      throw std::runtime_error(fmt::format("cannot write {}", path));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(fmt::format("cannot write {}", path));
  }
}

}  // namespace kcsim
