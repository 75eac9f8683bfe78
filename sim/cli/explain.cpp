// kcsim explain / kcsim lint: the ownership graph's analyses, in plain words (explain) or as a
// CI gate with machine-readable output (lint). docs/explain-lint.md.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "scenario_import.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/analysis/ownership_graph.hpp"
#include "kcsim/core/random.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/views/text_report.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/time.hpp"
#include "kcsim/core/output_file.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kExplainUsage = R"(Usage: kcsim explain PATH...|SCENARIO [options]

Reads manifests (YAML or JSON files and directories) or a kcsim scenario and answers, before
anything runs: who else writes the fields you declare? It prints every potential fight (two
writers of one field that can disagree), with the manifest lines that make each writer write,
the root cause when a fix in Git never reached the cluster, and the fixes.

Git or live? A directory with git/ and live/ subdirectories is read by that convention; --git
and --live say it explicitly; other objects are live when they carry what only the API server
writes (uid, resourceVersion, managedFields), else they count as applied with kubectl apply -f.

With --simulate it then runs the scenario (a scenario given, or the one `kcsim import` would write
from the manifests: idle traffic, today's version profiles) for --duration, and adds to each
predicted fight what the run measured on the same object and field: the writers, cycles and
period of the fight, the pods created and deleted (churn), the highest restart count, and the
cold starts of the requests served (none with idle traffic).

Options)";

constexpr const char* kLintUsage = R"(Usage: kcsim lint PATH...|SCENARIO [options]

The analyses of `kcsim explain` as a CI gate: exit status 1 when a finding is at or above
--fail-on (default: error, i.e. a potential fight or a source ArgoCD cannot load), 0 otherwise,
2 on bad input.
Rules: field-fight (error), field-reset-on-sync (warning), feedback-cycle (warning),
app-not-from-git (warning), app-spec-drift (warning), app-source-error (error: a repoURL or path
not in Git), app-not-in-git (note), unknown-field (warning: a field the API server would drop,
`unknown field "spec.minReplica"`).
A field of the wrong type (`maxReplicas: "10"`) is bad input.

Options)";

struct InputOptions {
  ManifestInputs inputs;
  std::string format, output;
};

void add_input_options(po::options_description& opts, InputOptions& o) {
  opts.add_options()
      ("git", po::value(&o.inputs.git)->composing(), "a Git working tree (repeatable); paths inside it are repository paths")
      ("live", po::value(&o.inputs.live)->composing(), "objects as the cluster has them, e.g. kubectl get -o yaml output (repeatable)")
      ("repo-url", po::value(&o.inputs.repo_url), "the URL of the --git tree (default: its .git/config origin, else the URL its Applications name)")
      ("namespace,n", po::value(&o.inputs.default_namespace)->default_value("default"), "namespace of applied objects that name none")
      ("strict", "treat warnings (skipped documents, unknown fields) as errors")
      ("output,o", po::value(&o.output), "write to FILE instead of standard output");
}

// "  - text" with continuation lines under the text.
std::string bullet(const std::string& text, std::size_t indent);

std::string wrap(const std::string& text, std::size_t indent, std::size_t width = 100) {
  std::string out, line;
  const std::string pad(indent, ' ');
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    if (!line.empty() && indent + line.size() + 1 + w.size() > width) {
      out += pad + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) out += pad + line + "\n";
  return out;
}

std::string bullet(const std::string& text, std::size_t indent) {
  std::string w = wrap(text, indent + 2);
  w.replace(0, indent + 2, std::string(indent, ' ') + "- ");
  return w;
}

bool is_fight(const Finding& f) { return f.rule == "field-fight" || f.rule == "field-reset-on-sync"; }

std::string input_label(const InputOptions& o) {
  std::vector<std::string> parts = o.inputs.paths;
  for (const auto& g : o.inputs.git) parts.push_back("--git " + g);
  for (const auto& l : o.inputs.live) parts.push_back("--live " + l);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// --- --simulate: the run's measurements beside the predictions --------------------------------

/// One run of the scenario behind the inputs (RunOutcome::report, docs/report-format.md).
struct Simulation {
  std::string scenario;  // the file, or "the imported scenario"
  std::string name;      // metadata.name
  Duration duration{};
  json report;
};

Simulation simulate(const ManifestSet& set, const OwnershipGraph& graph, const InputOptions& o,
                    const std::optional<std::string>& duration) {
  Simulation sim;
  Scenario scenario;
  if (!set.scenario_file.empty()) {
    scenario = load_scenario(set.scenario_file);
    sim.scenario = set.scenario_file;
  } else {
    // The same scenario `kcsim import` writes, built in memory.
    ImportSettings settings;
    settings.duration = duration.value_or("6h");
    const ImportedScenario imported = import_scenario(set, graph, o.inputs, settings);
    scenario = parse_scenario(imported.text, "<kcsim import>");
    sim.scenario = "the scenario `kcsim import` writes from these inputs";
  }
  if (duration) scenario.duration = read_duration(json(*duration), "--duration", "");
  sim.name = scenario.name;
  sim.duration = scenario.duration;
  sim.report = run_scenario(scenario).report;  // no fix checks: one run
  return sim;
}

std::set<std::string> managers_of(const Finding& f) {
  std::set<std::string> out;
  for (const std::string& w : f.writers) out.insert(w.substr(0, w.find(" (")));
  return out;
}

// The report's entries, by reference (json::value would copy the list).
const json& report_list(const Simulation& sim, const char* key) {
  static const json kEmpty = json::array();
  const json* list = find(sim.report, {key});
  return list && list->is_array() ? *list : kEmpty;
}

const json* measured_fight(const Simulation& sim, const Finding& f) {
  for (const json& m : report_list(sim, "fights"))
    if (m.value("object", "") == f.object && m.value("field", "") == f.field) return &m;
  return nullptr;
}

const json* workload_of(const Simulation& sim, const std::string& object) {
  for (const json& w : report_list(sim, "workloads"))
    if (w.value("object", "") == object) return &w;
  return nullptr;
}

// What the run measured for one predicted fight: {observed, samePair, fight, workload}.
json simulation_json(const Simulation& sim, const Finding& f) {
  json out = json::object();
  const json* m = measured_fight(sim, f);
  out["observed"] = m != nullptr;
  if (m) {
    const std::set<std::string> predicted = managers_of(f);
    std::set<std::string> measured;
    for (const json& w : (*m)["writers"]) measured.insert(w.get<std::string>());
    out["samePair"] = std::includes(measured.begin(), measured.end(), predicted.begin(), predicted.end());
    json fight = *m;
    fight.erase("chain");
    out["fight"] = fight;
  }
  if (const json* w = workload_of(sim, f.object)) {
    json wl = {{"pods", (*w)["pods"]}, {"replicas", (*w)["replicas"]}};
    if (w->contains("requests")) wl["requests"] = (*w)["requests"];
    if (w->contains("cold_start_s")) wl["cold_start_s"] = (*w)["cold_start_s"];
    out["workload"] = wl;
  }
  return out;
}

std::string seconds_text(const json& v) {
  const double s = v.is_number() ? v.get<double>() : 0.0;
  return fmt::format("{:.1f} s", s);
}

std::string render_simulation_text(const Simulation& sim, const Finding& f) {
  const json s = simulation_json(sim, f);
  std::string out = fmt::format("    Simulated ({} of {}):\n", format_go_duration(sim.duration), sim.name);
  if (s["observed"].get<bool>()) {
    const json& m = s["fight"];
    std::string writers;
    for (const json& w : m["writers"]) writers += (writers.empty() ? "" : " and ") + w.get<std::string>();
    out += wrap(fmt::format("fight measured between {}{}: {} cycle(s), period {} (first hand-over at {}, last at {}).",
                            writers, s["samePair"].get<bool>() ? "" : " (not the predicted pair)",
                            m["cycles"].get<std::int64_t>(), seconds_text(m["period_s"]), seconds_text(m["first_at_s"]),
                            seconds_text(m["last_at_s"])),
                6);
  } else {
    out += wrap(fmt::format("no fight measured on {} in this run (fewer than three hand-overs): the prediction needs "
                            "what the run does not contain (load above the minimum, a new Git revision, a manual sync, "
                            "a pipeline run); add it to the scenario's traffic or timeline to see it.",
                            f.field),
                6);
  }
  if (s.contains("workload")) {
    const json& w = s["workload"];
    const json& pods = w["pods"];
    const json& rep = w["replicas"];
    out += wrap(fmt::format("churn: {} pod(s) created, {} deleted, highest restart count {}; replicas {}..{}, mean {}.",
                            pods.value("created", 0), pods.value("deleted", 0), pods.value("max_restart_count", 0),
                            rep.value("min", 0), rep.value("max", 0), rep.value("mean", 0.0)),
                6);
    const std::int64_t requests = w.contains("requests") ? w["requests"].value("total", std::int64_t{0}) : 0;
    if (w.contains("cold_start_s") && w["cold_start_s"].value("count", std::int64_t{0}) > 0) {
      const json& c = w["cold_start_s"];
      out += wrap(fmt::format("cold starts: {} (p50 {}, p95 {}, max {}) for {} request(s).",
                              c.value("count", std::int64_t{0}), seconds_text(c["p50"]), seconds_text(c["p95"]),
                              seconds_text(c["max"]), requests),
                  6);
    } else if (requests > 0) {
      out += wrap(fmt::format("cold starts: none in {} request(s).", requests), 6);
    } else {
      out += wrap("cold starts: none measured (no request reached the workload in the run: idle traffic; add load "
                  "in the scenario's traffic to measure them).",
                  6);
    }
  }
  return out;
}

std::string render_explain_text(const OwnershipGraph& graph, const ManifestSet& set, const InputOptions& o,
                                const Simulation* sim) {
  const auto& findings = graph.findings();
  std::size_t fights = 0;
  for (const Finding& f : findings) fights += is_fight(f) ? 1 : 0;
  std::string out = fmt::format("kcsim explain {}\n", input_label(o));
  out += fmt::format("Read {} Git manifest(s), {} live object(s), {} applied manifest(s).\n", set.git.size(),
                     set.live.size(), set.declared.size());
  if (findings.empty()) {
    out += "\nNo potential fight: every field has one writer, or its writers agree.\n";
  } else {
    out += fmt::format("{} potential fight(s), {} other finding(s).\n", fights, findings.size() - fights);
  }
  std::size_t n = 0;
  std::map<std::string, std::size_t> root_causes;
  for (const Finding& f : findings) {
    ++n;
    out += "\n";
    const char* heading = f.rule == "field-fight" ? "FIGHT"
                          : f.rule == "field-reset-on-sync" ? "RESET ON SYNC"
                          : f.rule == "feedback-cycle" ? "CYCLE"
                          : f.rule == "app-spec-drift" ? "DRIFT"
                          : f.rule == "app-not-from-git" ? "NOT FROM GIT"
                                                         : "NOT IN GIT";
    out += fmt::format("{}. {} [{}, {}] {}\n", n, heading, to_string(f.severity), f.rule, f.title);
    out += wrap(f.message, 4);
    if (!f.evidence.empty()) {
      out += "    Evidence:\n";
      for (const Evidence& e : f.evidence)
        out += wrap(e.where.empty() ? e.text : fmt::format("{}  {}", e.where, e.text), 6);
    }
    if (!f.root_cause.empty()) {
      // Two fights on one field usually share their root cause: say it once.
      auto [it, first] = root_causes.emplace(f.root_cause, n);
      out += "    Root cause:\n";
      out += first ? wrap(f.root_cause, 6) : wrap(fmt::format("the same as in {}.", it->second), 6);
    }
    if (!f.fixes.empty()) {
      out += "    Fixes:\n";
      for (std::size_t i = 0; i < f.fixes.size(); ++i) {
        std::string w = wrap(fmt::format("{}) {}", i + 1, f.fixes[i]), 9);
        w.replace(0, 9, std::string(6, ' '));  // hanging indent under the number
        out += w;
      }
    }
    if (sim && is_fight(f)) out += render_simulation_text(*sim, f);
  }
  if (sim) {
    // Fights the run measured that no finding predicted (a writer the graph does not model).
    std::vector<std::string> unpredicted;
    for (const json& m : report_list(*sim, "fights")) {
      bool predicted = false;
      for (const Finding& f : findings)
        predicted = predicted || (is_fight(f) && f.object == m.value("object", "") && f.field == m.value("field", ""));
      if (!predicted) unpredicted.push_back(m.value("summary", ""));
    }
    out += fmt::format("\nSimulation: {} run for {} ({}): {} fight(s) measured.\n", sim->name,
                       format_go_duration(sim->duration), sim->scenario,
                       report_list(*sim, "fights").size());
    for (const std::string& u : unpredicted) out += bullet("not predicted from the manifests: " + u, 2);
    // The same sections, in the same words, as `kcsim run` prints them.
    out += render_resets(sim->report.value("resets", json::array()));
    out += render_problems(sim->report.value("problems", json::array()));
  }
  if (!graph.notes().empty()) {
    out += "\nNotes:\n";
    for (const std::string& note : graph.notes()) out += bullet(note, 2);
  }
  if (!set.warnings.empty()) {
    out += "\nWarnings (skipped documents, unknown fields):\n";
    for (const ReadWarning& w : set.warnings) out += bullet(w.str(), 2);
  }
  out += "\n";
  if (sim && !set.scenario_file.empty())
    out += fmt::format("The run's full report: kcsim run {} --duration {}\n", set.scenario_file,
                       format_go_duration(sim->duration));
  else if (sim)
    out += fmt::format("The run's full report: kcsim import {} --duration {} -o scenario.json && kcsim run scenario.json\n",
                       input_label(o), format_go_duration(sim->duration));
  else if (!set.scenario_file.empty())
    out += fmt::format("To see it happen: kcsim run {}\n", set.scenario_file);
  else
    out += fmt::format("To see it happen: kcsim import {} -o scenario.json && kcsim run scenario.json\n", input_label(o));
  return out;
}

json findings_json(const std::vector<Finding>& findings) {
  json out = json::array();
  for (const Finding& f : findings) out.push_back(f.to_json());
  return out;
}

json summary_json(const std::vector<Finding>& findings) {
  json s = {{"error", 0}, {"warning", 0}, {"note", 0}};
  for (const Finding& f : findings) s[to_string(f.severity)] = s[to_string(f.severity)].get<int>() + 1;
  return s;
}

void emit(const std::string& output, const std::string& text) {
  write_output(output, text);
}

bool parse_common(const std::vector<std::string>& args, po::options_description& opts, po::variables_map& vm,
                  InputOptions& o, int& status) {
  po::options_description hidden;
  hidden.add_options()("paths", po::value(&o.inputs.paths)->composing());
  po::positional_options_description pos;
  pos.add("paths", -1);
  if (const auto done = parse_command_line(args, opts, hidden, pos, vm)) {
    status = *done;
    return false;
  }
  o.inputs.strict = vm.count("strict") > 0;
  if (o.inputs.paths.empty() && o.inputs.git.empty() && o.inputs.live.empty()) {
    status = usage_error("expected manifest paths (files or directories), --git DIR, --live PATH or a scenario");
    return false;
  }
  std::vector<std::string> named = o.inputs.paths;
  named.insert(named.end(), o.inputs.git.begin(), o.inputs.git.end());
  named.insert(named.end(), o.inputs.live.begin(), o.inputs.live.end());
  if (const auto conflict = conflicting_outputs({{"-o", o.output}}, named)) {
    status = usage_error(*conflict);
    return false;
  }
  return true;
}

// "file:12:3" → (file, 12, 3).
struct Location {
  std::string file;
  int line = 0, column = 0;
};
Location parse_location(const std::string& where) {
  // The last two ":<digits>" parts are the line and column (a path may hold colons itself).
  auto number_before = [&](std::size_t end, std::size_t& colon) -> int {
    colon = where.rfind(':', end - 1);
    if (colon == std::string::npos || colon + 1 >= end) return -1;
    for (std::size_t i = colon + 1; i < end; ++i)
      if (where[i] < '0' || where[i] > '9') return -1;
    return std::stoi(where.substr(colon + 1, end - colon - 1));
  };
  if (where.empty()) return {where, 0, 0};
  std::size_t c2 = 0, c1 = 0;
  const int column = number_before(where.size(), c2);
  if (column < 0 || c2 == 0) return {where, 0, 0};
  const int line = number_before(c2, c1);
  if (line < 0) return {where, 0, 0};
  return {where.substr(0, c1), line, column};
}

std::string uri_of(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ') out += "%20";
    else if (c == '\\') out += '/';
    else out += c;
  }
  return out;
}

json sarif_location(const std::string& where) {
  const Location l = parse_location(where);
  json phys = {{"artifactLocation", {{"uri", uri_of(l.file)}}}};
  if (l.line > 0) phys["region"] = {{"startLine", l.line}, {"startColumn", l.column}};
  return {{"physicalLocation", phys}};
}

std::string sarif_level(Severity s) { return s == Severity::kError ? "error" : s == Severity::kWarning ? "warning" : "note"; }

std::string render_sarif(const std::vector<Finding>& findings, const std::map<std::string, Severity>& levels) {
  json rules = json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const RuleInfo& r : lint_rules()) {
    rule_index[r.id] = rules.size();
    const auto lv = levels.count(r.id) ? levels.at(r.id) : r.severity;
    rules.push_back({{"id", r.id},
                     {"shortDescription", {{"text", r.summary}}},
                     {"fullDescription", {{"text", r.help}}},
                     {"help", {{"text", r.help}}},
                     {"defaultConfiguration", {{"level", sarif_level(lv)}}}});
  }
  json results = json::array();
  for (const Finding& f : findings) {
    json r = {{"ruleId", f.rule},
              {"ruleIndex", rule_index[f.rule]},
              {"level", sarif_level(f.severity)},
              {"message", {{"text", f.title + ". " + f.message + (f.root_cause.empty() ? "" : " Root cause: " + f.root_cause)}}}};
    if (!f.location.empty()) r["locations"] = json::array({sarif_location(f.location)});
    json related = json::array();
    for (std::size_t i = 0; i < f.evidence.size(); ++i) {
      if (f.evidence[i].where.empty()) continue;
      json loc = sarif_location(f.evidence[i].where);
      loc["id"] = i;
      loc["message"] = {{"text", f.evidence[i].text}};
      related.push_back(loc);
    }
    if (!related.empty()) r["relatedLocations"] = related;
    std::string key = f.rule + "|" + f.object + "|" + f.field;
    for (const std::string& w : f.writers) key += "|" + w;
    r["partialFingerprints"] = {{"kcsimFinding/v1", fmt::format("{:016x}", fnv1a64(key))}};
    if (!f.fixes.empty()) r["properties"] = {{"fixes", f.fixes}, {"object", f.object}};
    results.push_back(r);
  }
  json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", json::array({{{"tool", {{"driver", {{"name", "kcsim"}, {"version", "0.1.0"}, {"rules", rules}}}}},
                                       {"results", results}}})}};
  return sarif.dump(2) + "\n";
}

}  // namespace

static int explain_impl(const std::vector<std::string>& args) {
  InputOptions o;
  po::options_description opts(kExplainUsage);
  opts.add_options()("help,h", "show this help")
      ("format", po::value(&o.format)->default_value("text"), "text, json, or dot (Graphviz: the contested fields, their writers, the GitOps chain)")
      ("graph", "with --format json: include the whole ownership graph (every field of every manifest: large)")
      ("simulate", "also run the scenario and add, to each predicted fight, the measured period, churn, restart count and cold starts")
      ("duration", po::value<std::string>(), "with --simulate: simulated time to run (Go duration; default: a scenario's own duration, 6h for manifests)");
  add_input_options(opts, o);
  po::variables_map vm;
  int status = 0;
  if (!parse_common(args, opts, vm, o, status)) return status;
  if (o.format != "text" && o.format != "json" && o.format != "dot")
    return usage_error(fmt::format("--format must be text, json or dot, not \"{}\"", o.format));
  const bool simulate_run = vm.count("simulate") > 0;
  std::optional<std::string> duration;
  if (vm.count("duration")) {
    if (!simulate_run) return usage_error("--duration is for --simulate (the run's length)");
    duration = vm["duration"].as<std::string>();
    std::string why;
    const auto d = parse_duration(*duration, &why);
    if (!d || d->count() <= 0)
      return usage_error(fmt::format("--duration: expected a positive Go duration such as 6h or 90m, not \"{}\"{}",
                                     *duration, why.empty() ? "" : ": " + why));
  }
  if (simulate_run && o.format == "dot") return usage_error("--simulate adds figures to text and json output, not dot");
  const ManifestSet set = load_manifest_set(o.inputs);
  const OwnershipGraph graph(set);
  std::optional<Simulation> sim;
  if (simulate_run) sim = simulate(set, graph, o, duration);
  if (o.format == "dot") {
    emit(o.output, graph.to_dot());
  } else if (o.format == "json") {
    json warnings = json::array();
    for (const ReadWarning& w : set.warnings) warnings.push_back(w.str());
    json out = {{"inputs", {{"git", set.git.size()}, {"live", set.live.size()}, {"declared", set.declared.size()}}},
                {"summary", summary_json(graph.findings())},
                {"findings", findings_json(graph.findings())},
                {"notes", graph.notes()},
                {"warnings", warnings}};
    if (vm.count("graph")) out["graph"] = graph.graph_json();
    if (sim) {
      for (std::size_t i = 0; i < graph.findings().size(); ++i)
        if (is_fight(graph.findings()[i])) out["findings"][i]["simulation"] = simulation_json(*sim, graph.findings()[i]);
      json fights = report_list(*sim, "fights");
      for (json& f : fights) f.erase("chain");
      out["simulation"] = {{"scenario", sim->name},
                           {"source", sim->scenario},
                           {"duration_s", to_seconds(sim->duration)},
                           {"fights", fights},
                           {"resets", sim->report.value("resets", json::array())},
                           {"problems", sim->report.value("problems", json::array())}};
    }
    emit(o.output, out.dump(2) + "\n");
  } else {
    emit(o.output, render_explain_text(graph, set, o, sim ? &*sim : nullptr));
  }
  return 0;
}

static int lint_impl(const std::vector<std::string>& args) {
  InputOptions o;
  std::vector<std::string> ignore, severity;
  std::string fail_on = "error";
  po::options_description opts(kLintUsage);
  opts.add_options()("help,h", "show this help")
      ("format", po::value(&o.format)->default_value("text"), "text (file:line:column: level: [rule] message), json, or sarif (SARIF 2.1.0 for code-scanning UIs)")
      ("ignore", po::value(&ignore)->composing(), "drop findings of RULE (repeatable, or comma-separated)")
      ("severity", po::value(&severity)->composing(), "RULE=LEVEL: change a rule's level (error, warning, note; repeatable)")
      ("fail-on", po::value(&fail_on)->default_value("error"), "exit 1 when a finding is at this level or above: error, warning or note")
      ("list-rules", "print the rules and their default levels, and exit");
  add_input_options(opts, o);
  if (std::find(args.begin(), args.end(), "--list-rules") != args.end()) {
    for (const RuleInfo& r : lint_rules()) std::cout << fmt::format("{:<22}{:<9}{}\n", r.id, to_string(r.severity), r.summary);
    return 0;
  }
  po::variables_map vm;
  int status = 0;
  if (!parse_common(args, opts, vm, o, status)) return status;
  if (o.format != "text" && o.format != "json" && o.format != "sarif")
    return usage_error(fmt::format("--format must be text, json or sarif, not \"{}\"", o.format));
  const auto threshold = parse_severity(fail_on);
  if (!threshold) return usage_error(fmt::format("--fail-on must be error, warning or note, not \"{}\"", fail_on));
  std::string known;
  for (const RuleInfo& r : lint_rules()) known += (known.empty() ? "" : ", ") + std::string(r.id);
  std::set<std::string> ignored;
  for (const std::string& list : ignore) {
    std::istringstream parts(list);
    for (std::string id; std::getline(parts, id, ',');) {
      if (id.empty()) continue;
      if (!find_rule(id)) return usage_error(fmt::format("--ignore: unknown rule \"{}\" (rules: {})", id, known));
      ignored.insert(id);
    }
  }
  std::map<std::string, Severity> levels;
  for (const std::string& s : severity) {
    const auto eq = s.find('=');
    const std::string id = s.substr(0, eq);
    if (eq == std::string::npos || !find_rule(id))
      return usage_error(fmt::format("--severity expects RULE=LEVEL with a known rule ({}), not \"{}\"", known, s));
    const auto level = parse_severity(s.substr(eq + 1));
    if (!level) return usage_error(fmt::format("--severity {}: the level must be error, warning or note", s));
    levels[id] = *level;
  }

  const ManifestSet set = load_manifest_set(o.inputs);
  // Unknown fields are findings (rule unknown-field); skipped documents stay on standard error.
  std::vector<Finding> unknown_fields;
  for (const ReadWarning& w : set.warnings) {
    if (w.pointer.empty()) {
      std::cerr << "kcsim: warning: " << w.str() << "\n";
      continue;
    }
    Finding f;
    f.rule = "unknown-field";
    f.severity = find_rule(f.rule)->severity;
    f.field = w.pointer;
    f.title = fmt::format("{}: {}", w.pointer, w.message);
    f.message = "The API server drops the field and only warns (fieldValidation=Warn), so the setting does nothing";
    f.location = w.pos.line > 0 ? fmt::format("{}:{}:{}", w.file, w.pos.line, w.pos.column) : w.file;
    unknown_fields.push_back(std::move(f));
  }
  const OwnershipGraph graph(set);
  std::vector<Finding> findings;
  std::vector<Finding> all = graph.findings();
  all.insert(all.end(), unknown_fields.begin(), unknown_fields.end());
  for (Finding f : all) {
    if (ignored.count(f.rule)) continue;
    if (auto it = levels.find(f.rule); it != levels.end()) f.severity = it->second;
    findings.push_back(std::move(f));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  bool fail = false;
  for (const Finding& f : findings) fail = fail || f.severity >= *threshold;

  if (o.format == "sarif") {
    emit(o.output, render_sarif(findings, levels));
  } else if (o.format == "json") {
    json out = {{"summary", summary_json(findings)}, {"failed", fail}, {"failOn", to_string(*threshold)},
                {"findings", findings_json(findings)}};
    emit(o.output, out.dump(2) + "\n");
  } else {
    std::string text;
    for (const Finding& f : findings) {
      text += fmt::format("{}: {}: [{}] {}\n", f.location.empty() ? f.object : f.location, to_string(f.severity),
                          f.rule, f.title);
      if (!f.root_cause.empty()) text += wrap("root cause: " + f.root_cause, 4);
      if (!f.fixes.empty()) text += wrap("fix: " + f.fixes.front(), 4);
    }
    const json s = summary_json(findings);
    text += fmt::format("kcsim lint: {} error(s), {} warning(s), {} note(s); {}\n", s["error"].get<int>(),
                        s["warning"].get<int>(), s["note"].get<int>(),
                        fail ? fmt::format("failing (--fail-on {})", to_string(*threshold)) : "passing");
    emit(o.output, text);
  }
  return fail ? 1 : 0;
}

int explain(const std::vector<std::string>& args) { return with_manifest_safety_net(&explain_impl, args); }

int lint(const std::vector<std::string>& args) { return with_manifest_safety_net(&lint_impl, args); }

}  // namespace kcsim::cli
