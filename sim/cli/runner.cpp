#include "kcsim/cli/runner.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "../scenario/expectations.hpp"
#include "kcsim/analysis/fix_check.hpp"
#include "kcsim/analysis/problems.hpp"
#include "kcsim/analysis/report.hpp"
#include "kcsim/views/text_report.hpp"
#include "kcsim/cli/progress_line.hpp"
#include "kcsim/views/timeline_html.hpp"

namespace kcsim {

RunOutcome run_scenario(const Scenario& scenario, RunLimits limits) { return run_scenario(scenario, limits, RunOptions{}); }

RunOutcome run_scenario(const Scenario& scenario, RunLimits limits, const RunOptions& options) {
  return run_scenario(Scenario(scenario), limits, options);
}

namespace {
constexpr std::size_t kKeepTextBytes = std::size_t{8} << 20;  // 8 MiB: about 1,700 fleet services
}  // namespace

RunOutcome run_scenario(Scenario&& moved, RunLimits limits, const RunOptions& options) {
  // The document's objects are read again only by the fix checks (candidate_fixes edits them);
  // the World creates the validated copies (Scenario::objects). Without fix checks a fleet's
  // objects were held twice for the whole run (docs/performance.md, "Fleet memory, third pass").
  if (!options.check_fixes && moved.raw.is_object()) moved.raw.erase("objects");
  // The file's text is kept so that an error a model finds during the run can name its line and
  // column beside the JSON pointer. A generated fleet's file is tens of megabytes (46 MB for
  // 10,000 services), kept for the whole run for an error that, past the loading checks, almost
  // never comes: above kKeepTextBytes such an error names the file and the JSON pointer only.
  if (moved.text && moved.text->size() > kKeepTextBytes) moved.text.reset();
  World world(std::move(moved), limits);
  const Scenario& scenario = world.scenario();
  if (options.verify) world.enable_invariant_checks();
  // The invariant checker reads every write; without it, keep only what the report reads
  // (WriteHistory, docs/performance.md): memory then grows with the analysed writes only.
  if (!options.verify) world.api().set_write_history(WriteHistory::kAnalyses);
  ExpectationChecker checker(world.scenario());
  RunOutcome out;
  for (SimTime t : checker.probe_times()) {
    out.stop = world.run(t);
    if (out.stop == StopReason::kEventLimit) break;
    checker.probe(world, t);
  }
  if (out.stop != StopReason::kEventLimit) out.stop = cli::run_to(world, std::nullopt, options.progress);
  if (out.stop == StopReason::kEventLimit)
    throw RunLimitError(fmt::format(
        "{}: the run stopped at the event limit ({} events) at t = {}: a controller is probably "
        "writing in a tight loop",
        scenario.file, limits.max_events, format_go_duration(world.engine().now().time_since_epoch())));
  out.events_processed = world.engine().events_processed();
  out.report = build_report(world);
  out.report["expectations"] = checker.results(world, out.report);
  // A problem no expectation speaks of fails --check: a what-if that silently does nothing (an
  // Application path not in Git, an HPA without its metric) must not pass.
  if (!out.report["problems"].empty() && !expects_problems(world.scenario().expectations))
    out.report["expectations"].push_back(
        {{"description", "no controller reports a problem (a scenario that expects one names \"problems\" in an expectation)"},
         {"passed", false},
         {"detail", fmt::format("{} problem(s): see Problems", out.report["problems"].size())}});
  for (const json& e : out.report["expectations"]) out.expectations_passed &= e["passed"].get<bool>();
  if (options.events) out.events_table = render_events_table(world, world.engine().now());
  // Fix checks re-run the scenario with RunOptions{} (no fix checks), so they never recurse.
  if (options.check_fixes && !out.report["fights"].empty()) add_verified_fixes(scenario, out.report, limits);
  if (options.timeline) out.timeline_csv = render_timeline_csv(world, options.timeline_requests);
  if (options.html) out.html = render_html_report(world, out.report);
  return out;
}

namespace {

// The figures of a fight's workload that a fix can cost or save: replica-seconds (what the
// cluster pays for) and pods created (each a cold start). Null when the fight's object is not a
// workload of the report.
json workload_price(const json& report, const json& object) {
  if (!report.contains("workloads") || !report["workloads"].is_array()) return nullptr;
  for (const json& w : report["workloads"])
    if (w.value("object", "") == object)
      return {{"replica_seconds", w["replicas"].value("replica_seconds", 0.0)},
              {"pods_created", w["pods"].value("created", std::int64_t{0})}};
  return nullptr;
}

}  // namespace

void add_verified_fixes(const Scenario& scenario, json& report, RunLimits limits) {
  if (!report.contains("fights") || !report["fights"].is_array()) return;
  for (json& fight : report["fights"]) {
    json fixes = json::array();
    const json before = workload_price(report, fight["object"]);
    for (json& c : candidate_fixes(scenario.raw, fight)) {
      json fix = {{"change", c["change"]}, {"patch", c["patch"]}, {"role", c["role"]}, {"caveat", c["caveat"]}};
      try {
        Scenario s = parse_scenario(c["doc"].dump(), scenario.file);
        s.duration = scenario.duration;
        s.seed = scenario.seed;
        RunOptions rerun;  // never checks fixes: no recursion
        rerun.events = false;
        const RunOutcome after = run_scenario(std::move(s), limits, rerun);
        std::int64_t cycles = 0;
        bool remains = false;
        for (const json& f : after.report["fights"])
          if (f["object"] == fight["object"] && f["field"] == fight["field"]) {
            remains = true;
            cycles = f["cycles"].get<std::int64_t>();
          }
        fix["stops_fight"] = !remains;
        fix["cycles_after"] = cycles;
        const json price_after = workload_price(after.report, fight["object"]);
        if (before.is_object() && price_after.is_object()) fix["price"] = {{"before", before}, {"after", price_after}};
      } catch (const std::exception& e) {
        fix["stops_fight"] = false;
        fix["cycles_after"] = nullptr;
        fix["error"] = e.what();
      }
      fixes.push_back(std::move(fix));
    }
    fight["fixes"] = std::move(fixes);
  }
}

}  // namespace kcsim
