// kcsim run SCENARIO: run a scenario and print its report.
#include <iostream>
#include <utility>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/analysis/report.hpp"
#include "kcsim/views/text_report.hpp"
#include "kcsim/cli/progress_line.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/core/output_file.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kRunUsage = R"(Usage: kcsim run SCENARIO [options]

Runs SCENARIO (a JSON file, see docs/scenario-format.md) for its duration and prints a report.
The same scenario, seed and binary always give byte-identical output.

Options)";

}  // namespace

int run(const std::vector<std::string>& args) {
  po::options_description opts(kRunUsage);
  std::string duration, format = "text", output, events, timeline, html;
  Natural seed;
  opts.add_options()
      ("help,h", "show this help")
      ("duration", po::value(&duration), "simulated time to run (Go duration: 90m, 24h); default: the scenario's")
      ("seed", po::value(&seed), "random seed; default: the scenario's")
      ("format", po::value(&format)->default_value("text"), "report format: text or json")
      ("output,o", po::value(&output), "write the report to FILE instead of standard output ('-': standard output)")
      ("events", po::value(&events), "write every Event of the run to FILE, in 'kubectl get events -A' layout")
      ("timeline", po::value(&timeline),
       "write every change of spec.replicas, status.readyReplicas and pending requests of each Deployment to FILE (CSV)")
      ("timeline-requests", "with --timeline: add one row per request (arrival, workload, latency ms, status, cold start), in time order")
      ("html", po::value(&html), "write a self-contained HTML page (charts, fights, Events) to FILE")
      ("no-fixes", "do not re-run the scenario to check candidate fixes for each fight")
      ("check", "exit with status 1 when an expectation fails")
      ("max-events", po::value<Natural>(), "stop with status 3 after this many events (default 200000000)")
      ("max-objects", po::value<Natural>(), "stop with status 3 when the run would create more objects than this, Events not counted (default 150000)")
      ("max-memory", po::value<Natural>(), "stop with status 3 when kcsim's resident memory exceeds this many MiB (default: 3/4 of the RAM or cgroup limit)")
      ("verify", "check invariants after every event (docs/reliability.md); exit with status 4 at the first violation")
      ("stats", "after the run, print to standard error how many engine events it processed over how much simulated time (the figure docs/performance.md quotes)");
  po::variables_map vm;
  std::string scenario_path;
  if (const auto status = parse_scenario_command(args, opts, vm, scenario_path, "run"))
    return *status;
  if (format != "text" && format != "json")
    return usage_error(fmt::format("--format must be text or json, not \"{}\"", format));

  // The report last: every file is in place before standard output says the run is done.
  std::vector<OutputTarget> targets;
  if (!events.empty()) targets.push_back({"--events", events});
  if (!timeline.empty()) targets.push_back({"--timeline", timeline});
  if (!html.empty()) targets.push_back({"--html", html});
  targets.push_back({"-o", output});
  if (const auto conflict = conflicting_outputs(targets, {scenario_path})) return usage_error(*conflict);

  Scenario scenario = load_scenario(scenario_path);
  // Unknown manifest fields: the API server would drop them with a warning; the run goes on.
  for (const ReadWarning& w : scenario_warnings(scenario)) std::cerr << "kcsim: warning: " << w.str() << "\n";
  if (vm.count("duration")) {
    scenario.duration = read_duration(json(duration), "--duration", "");
    if (scenario.duration.count() == 0) return usage_error("--duration must be positive");
  }
  if (vm.count("seed")) scenario.seed = seed.value;
  RunLimits limits;
  if (vm.count("max-events")) limits.max_events = vm["max-events"].as<Natural>().value;
  if (vm.count("max-objects")) limits.max_objects = vm["max-objects"].as<Natural>().value;
  if (vm.count("max-memory")) {
    limits.max_memory_mib = vm["max-memory"].as<Natural>().value;
    if (limits.max_memory_mib == 0 || limits.max_memory_mib > (1ULL << 40))
      return usage_error("--max-memory must be a number of MiB between 1 and 2^40");
  }

  RunOptions run_options;
  run_options.check_fixes = !vm.count("no-fixes");  // only costs re-runs when there are fights
  run_options.timeline = !timeline.empty();
  run_options.timeline_requests = vm.count("timeline-requests") > 0;
  if (run_options.timeline_requests && timeline.empty()) return usage_error("--timeline-requests needs --timeline FILE");
  run_options.html = !html.empty();
  run_options.verify = vm.count("verify") > 0;
  run_options.events = !events.empty();
  const Duration simulated = scenario.duration;
  ProgressLine progress(scenario.file);
  run_options.progress = &progress;
  RunOutcome outcome = run_scenario(std::move(scenario), limits, run_options);
  progress.clear();
  const std::string report =
      format == "json" ? outcome.report.dump(2) + "\n" : render_text_report(outcome.report);
  std::vector<std::pair<OutputTarget, std::string>> files;
  for (OutputTarget& t : targets) {
    const std::string& content = t.option == "--events"     ? outcome.events_table
                                 : t.option == "--timeline" ? outcome.timeline_csv
                                 : t.option == "--html"     ? outcome.html
                                                            : report;
    files.emplace_back(std::move(t), content);
  }
  write_outputs(files);
  // Counts only, no wall time: the same scenario, seed and binary print the same line.
  if (vm.count("stats"))
    std::cerr << fmt::format("kcsim run: {} events over {} simulated\n", outcome.events_processed,
                             format_go_duration(simulated));
  if (vm.count("check") && !outcome.expectations_passed) return 1;
  return 0;
}

}  // namespace kcsim::cli
