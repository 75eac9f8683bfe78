// kcsim sweep SCENARIO --vary PATH=V1,V2 ...: what-if variants in one table; kcsim merge: join
// the shards of a sweep run as a Kubernetes Indexed Job.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/cli/progress_line.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/cli/sweep_runner.hpp"
#include "kcsim/core/input_file.hpp"
#include "kcsim/core/output_file.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kSweepUsage = R"(Usage: kcsim sweep SCENARIO --vary PATH=VALUES [--vary ...] [options]

Runs every combination of the --vary values (and --repeat seeds) of SCENARIO and prints one row
per variant: fight yes/no, period, cycles, pods created, restart count, cold-start p95, failed
requests, replica-hours. Output is byte-identical whatever --jobs is.

PATH: a JSON pointer into the scenario (/settings/argocd/selfHealBackoffCapSeconds), a field of one
of its objects (ScaledObject/prod/web:/spec/cooldownPeriod), or a dotted path (seed,
versions.argocd). VALUES: a list (60,120,300 or "0.9.0,0.10.0"), a range of integers (1..5, step 1;
1..9/2) or of durations with their step (60s..600s/60s). Columns are named by the path's last
segment; a figure that does not apply (no fight: no period) is an empty cell.

Options)";

std::string read_text(const std::string& path) { return read_input_file(path, "file"); }

}  // namespace

int sweep(const std::vector<std::string>& args) {
  po::options_description opts(kSweepUsage);
  std::vector<std::string> varies;
  std::string format = "text", output, shard;
  int repeat = 1, jobs = 1;
  opts.add_options()
      ("help,h", "show this help")
      ("vary", po::value(&varies)->composing(), "PATH=VALUES, repeatable")
      ("repeat", po::value(&repeat)->default_value(1), "runs per variant with seeds seed, seed+1, ...; rows show the mean and [min..max]")
      ("jobs,j", po::value(&jobs)->default_value(1), "variants run in parallel threads")
      ("shard", po::value(&shard), "I/N: run only the I-th of N slices (1-based), for an Indexed Job")
      ("format", po::value(&format)->default_value("text"), "text, csv or json (json is what kcsim merge reads)")
      ("output,o", po::value(&output), "write to FILE instead of standard output");
  po::variables_map vm;
  std::string scenario_path;
  if (const auto status = parse_scenario_command(args, opts, vm, scenario_path, "sweep"))
    return *status;
  if (format != "text" && format != "csv" && format != "json")
    return usage_error(fmt::format("--format must be text, csv or json, not \"{}\"", format));
  if (repeat < 1 || repeat > 10000) return usage_error("--repeat must be between 1 and 10000");
  if (jobs < 1 || jobs > 256) return usage_error("--jobs must be between 1 and 256");
  SweepOptions options;
  options.repeat = repeat;
  options.jobs = jobs;
  if (!shard.empty()) {
    int i = 0, n = 0;
    char extra = 0;
    if (std::sscanf(shard.c_str(), "%d/%d%c", &i, &n, &extra) != 2 || n < 1 || i < 1 || i > n)
      return usage_error(fmt::format("--shard must be I/N with 1 <= I <= N, not \"{}\"", shard));
    options.shard_index = i - 1;
    options.shard_count = n;
  }
  for (const std::string& v : varies) options.variations.push_back(parse_variation(v));
  const std::string& path = scenario_path;
  if (const auto conflict = conflicting_outputs({{"-o", output}}, {path})) return usage_error(*conflict);
  const std::string text = read_text(path);
  // Validate the unvaried scenario first, so its errors are reported once, with positions.
  // Its unknown manifest fields are reported once too (the variations do not add fields).
  for (const ReadWarning& w : scenario_warnings(parse_scenario(text, path)))
    std::cerr << "kcsim: warning: " << w.str() << "\n";
  for (const Variation& v : options.variations) {
    json probe = json::parse(text);
    apply_variation(probe, v.path, v.values.front());
  }
  ProgressLine progress("sweep");
  if (progress.active())
    options.progress = [&progress](std::size_t done, std::size_t total) { progress.count(done, total, "runs"); };
  const json result = run_sweep(text, path, options);
  progress.clear();
  const std::string rendered = render_sweep(result, format);
  write_output(output, rendered);
  return 0;
}

int merge(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "Usage: kcsim merge [--format text|csv|json] [-o FILE] SHARD.json...\n\n"
                 "Joins the JSON outputs of 'kcsim sweep --shard I/N --format json' into one\n"
                 "result, rows in variant order. Fails (status 2) if a shard is missing or belongs\n"
                 "to another sweep.\n";
    return args.empty() ? 2 : 0;
  }
  std::string format = "text", output;
  std::vector<std::pair<std::string, json>> shards;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--format" && i + 1 < args.size()) format = args[++i];
    else if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) output = args[++i];
    else if (!args[i].empty() && args[i][0] == '-') return usage_error(fmt::format("unknown option \"{}\"", args[i]));
    else {
      json doc = json::parse(read_text(args[i]), nullptr, false);
      if (doc.is_discarded()) throw InputError(args[i], "", "expected JSON from 'kcsim sweep --format json'", "invalid JSON");
      shards.emplace_back(args[i], std::move(doc));
    }
  }
  if (format != "text" && format != "csv" && format != "json")
    return usage_error(fmt::format("--format must be text, csv or json, not \"{}\"", format));
  std::vector<std::string> inputs;
  for (const auto& [file, _] : shards) inputs.push_back(file);
  if (const auto conflict = conflicting_outputs({{"-o", output}}, inputs)) return usage_error(*conflict);
  const std::string rendered = render_sweep(merge_sweeps(shards), format);
  write_output(output, rendered);
  return 0;
}

}  // namespace kcsim::cli
