// One run of a scenario, start to report: what `kcsim run` does, reusable by sweeps and by the
// fix checks that re-run a scenario with one change.
#pragma once

#include <optional>
#include <string>

#include "kcsim/scenario/scenario.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim {

namespace cli {
class ProgressLine;
}

struct RunOutcome {
  json report;              // build_report + "expectations"
  std::string events_table; // kubectl get events -A layout at the end of the run
  bool expectations_passed = true;
  StopReason stop = StopReason::kTimeReached;
  std::uint64_t events_processed = 0;
  std::string timeline_csv;  // when RunOptions::timeline
  std::string html;          // when RunOptions::html
};

/// What a run produces besides the report (`kcsim run --timeline/--html/--no-fixes`).
struct RunOptions {
  bool check_fixes = false;  // re-run the scenario once per candidate fix of each fight
  bool timeline = false;     // fill RunOutcome::timeline_csv
  bool timeline_requests = false;  // ... with one row per request too (--timeline-requests)
  bool html = false;         // fill RunOutcome::html
  bool events = true;        // fill RunOutcome::events_table (`kcsim run` only with --events)
  bool verify = false;       // check the invariants after every event (invariants.hpp)
  cli::ProgressLine* progress = nullptr;  // the main run reports to it (progress_line.hpp)
};

/// Runs a loaded scenario to its duration. Throws InputError for invalid model settings,
/// RunLimitError when a run limit stops it (events, objects, memory), InvariantViolation when
/// options.verify finds a broken invariant.
RunOutcome run_scenario(const Scenario& scenario, RunLimits limits = {});
RunOutcome run_scenario(const Scenario& scenario, RunLimits limits, const RunOptions& options);
/// Same, handing the scenario to the run's World instead of copying it (a fleet's scenario is
/// hundreds of megabytes once parsed).
RunOutcome run_scenario(Scenario&& scenario, RunLimits limits, const RunOptions& options);

/// Sets report["fights"][i]["fixes"] = [{change, patch, stops_fight, cycles_after}] by re-running
/// `scenario` (same duration and seed) once per candidate fix (candidate_fixes, fix_check.hpp).
/// The re-runs never check fixes.
void add_verified_fixes(const Scenario& scenario, json& report, RunLimits limits = {});

}  // namespace kcsim
