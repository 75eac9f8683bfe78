#include "kcsim/cli/sweep_runner.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/views/table.hpp"
#include "kcsim/k8s/json_pointer.hpp"

namespace kcsim {
namespace {

double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

json parse_value(const std::string& text) {
  json v = json::parse(text, nullptr, false);
  if (v.is_discarded()) return json(text);
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && (s[i] == '{' || s[i] == '[')) ++depth;
    if (i < s.size() && (s[i] == '}' || s[i] == ']')) --depth;
    if (i == s.size() || (s[i] == sep && depth == 0)) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// Metrics of one run, as numbers (NaN = not applicable: the period without a fight, the cold-start
// p95 where no workload measured one).
struct RunFigures {
  bool fight = false;
  double period_s = NAN, cycles = 0, pods_created = 0, max_restart_count = 0, cold_start_p95_s = NAN,
         failed_requests = 0, replica_hours = 0;
  bool expectations_passed = true;
};

RunFigures figures_of(const RunOutcome& out) {
  RunFigures f;
  const json& r = out.report;
  const json* main_fight = nullptr;
  for (const json& fight : r["fights"])
    if (!main_fight || fight["cycles"].get<double>() > (*main_fight)["cycles"].get<double>()) main_fight = &fight;
  if (main_fight) {
    f.fight = true;
    f.period_s = (*main_fight)["period_s"].get<double>();
    f.cycles = (*main_fight)["cycles"].get<double>();
  }
  for (const json& w : r["workloads"]) {
    f.pods_created += w["pods"]["created"].get<double>();
    f.max_restart_count = std::max(f.max_restart_count, w["pods"]["max_restart_count"].get<double>());
    f.replica_hours += w["replicas"]["replica_seconds"].get<double>() / 3600.0;
    // The p95 of the cold starts measured (a workload with none reports count 0 and p95 0).
    if (w.contains("cold_start_s") && w["cold_start_s"].contains("p95") && w["cold_start_s"].value("count", 0) > 0) {
      const double p95 = w["cold_start_s"]["p95"].get<double>();
      f.cold_start_p95_s = std::isnan(f.cold_start_p95_s) ? p95 : std::max(f.cold_start_p95_s, p95);
    }
    if (w.contains("requests") && w["requests"].contains("failed"))
      f.failed_requests += w["requests"]["failed"].get<double>();
  }
  f.expectations_passed = out.expectations_passed;
  return f;
}

const char* kNumericColumns[] = {"period_s", "cycles", "pods_created", "max_restart_count",
                                 "cold_start_p95_s", "failed_requests", "replica_hours"};

// The columns that count things: printed as integers when they are (a mean over --repeat seeds
// may not be).
bool is_count(const std::string& name) {
  return name == "cycles" || name == "pods_created" || name == "max_restart_count" || name == "failed_requests";
}

double figure(const RunFigures& f, const std::string& name) {
  if (name == "period_s") return f.period_s;
  if (name == "cycles") return f.cycles;
  if (name == "pods_created") return f.pods_created;
  if (name == "max_restart_count") return f.max_restart_count;
  if (name == "cold_start_p95_s") return f.cold_start_p95_s;
  if (name == "failed_requests") return f.failed_requests;
  return f.replica_hours;
}

}  // namespace

Variation parse_variation(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InputError("--vary", "", "expected PATH=V1,V2,... or PATH=LO..HI/STEP", describe_found(text));
  Variation v;
  v.path = text.substr(0, eq);
  const std::string values = text.substr(eq + 1);
  const auto dots = values.find("..");
  const auto slash = values.rfind('/');
  // A range: LO..HI/STEP, or LO..HI with a step of 1 for integers (durations need their step).
  const bool stepped = dots != std::string::npos && slash != std::string::npos && slash > dots;
  if (dots != std::string::npos && values.find(',') == std::string::npos) {
    const std::string lo = values.substr(0, dots),
                      hi = stepped ? values.substr(dots + 2, slash - dots - 2) : values.substr(dots + 2),
                      step = stepped ? values.substr(slash + 1) : std::string("1");
    // from_chars: no exception on "-" or on a number beyond int64 (fuzz_vary_path).
    auto as_int = [](const std::string& s, std::int64_t& out) {
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      return !s.empty() && ec == std::errc() && end == s.data() + s.size();
    };
    // The values LO, LO+STEP, ... <= HI, computed in unsigned arithmetic: HI - LO and the last
    // LO + i*STEP may not fit in int64 (-9e18..9e18/1), and must not overflow.
    auto range = [&](std::int64_t a, std::int64_t b, std::int64_t st, auto&& push) {
      if (st <= 0 || b < a) return false;
      const std::uint64_t count = (static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a)) / static_cast<std::uint64_t>(st);
      if (count >= 100000) return false;
      for (std::uint64_t i = 0; i <= count; ++i)
        push(static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + i * static_cast<std::uint64_t>(st)));
      return true;
    };
    std::int64_t a, b, st;
    if (as_int(lo, a) && as_int(hi, b) && as_int(step, st)) {
      if (!range(a, b, st, [&](std::int64_t x) { v.values.push_back(x); }))
        throw InputError("--vary", "", "expected LO <= HI and a positive STEP giving at most 100000 values", describe_found(text));
      return v;
    }
    if (!stepped)
      throw InputError("--vary", "", "expected a range of integers (1..5, a step of 1) or a range with its step (LO..HI/STEP: 60s..600s/60s)",
                       describe_found(text));
    auto da = parse_duration(lo), db = parse_duration(hi), ds = parse_duration(step);
    if (!da || !db || !ds ||
        !range(da->count(), db->count(), ds->count(),
               [&](std::int64_t x) { v.values.push_back(format_short_duration(Duration{x})); }))
      throw InputError("--vary", "", "expected a range of integers (1..5/1) or durations (60s..600s/60s)", describe_found(text));
    return v;
  }
  for (const std::string& item : split(values, ',')) {
    if (item.empty()) throw InputError("--vary", "", "expected no empty value in the list", describe_found(text));
    v.values.push_back(parse_value(item));
  }
  return v;
}

namespace {

// doc[pointer] = value, with every failure an InputError naming the --vary path: a malformed
// pointer ("~2"), a step through a string or number, and an array index past the end, which
// nlohmann's operator[] would honour by growing the array to that size ("/objects/999999999").
// All found by fuzz_vary_path.
void vary_at_pointer(json& doc, const std::string& pointer, const json& value, const std::string& path) {
  if (const auto problem = json_pointer_problem(pointer))
    throw InputError("--vary", "", "expected a path to a field of the scenario", *problem);
  if (const auto problem = set_at_pointer(doc, pointer, value))
    throw InputError("--vary", "", problem->expected, fmt::format("{} in {}", problem->found, describe_found(path)));
}

}  // namespace

void apply_variation(json& doc, const std::string& path, const json& value) {
  if (!path.empty() && path[0] == '/') {
    vary_at_pointer(doc, path, value, path);
    return;
  }
  const auto colon = path.find(":/");
  if (colon != std::string::npos) {
    const ObjectRef ref = ObjectRef::parse(path.substr(0, colon));
    if (doc.contains("objects") && doc["objects"].is_array())
      for (json& obj : doc["objects"]) {
        json probe = obj;
        if (probe.is_object() && probe.contains("metadata") && probe["metadata"].is_object() &&
            !probe["metadata"].contains("namespace"))
          probe["metadata"]["namespace"] = "default";
        if (probe.is_object() && probe.contains("kind") && probe.contains("metadata") && ObjectRef::of(probe) == ref) {
          vary_at_pointer(obj, path.substr(colon + 1), value, path);
          return;
        }
      }
    throw InputError("--vary", "", "expected an object of the scenario's \"objects\"", describe_found(path.substr(0, colon)));
  }
  std::string pointer;
  for (const std::string& part : split(path, '.')) {
    pointer += "/" + escape_pointer_token(part);
  }
  vary_at_pointer(doc, pointer, value, path);
}

std::size_t count_variants(const std::vector<Variation>& variations) {
  std::size_t variants = 1;
  for (const Variation& v : variations) {
    // Checked before multiplying: four ranges of 65,536 values wrapped the product to 0.
    if (v.values.size() > kMaxSweepVariants / variants)
      throw InputError("--vary", "", fmt::format("expected at most {} variants in all", kMaxSweepVariants),
                       fmt::format("more, with --vary {} ({} values)", v.path, v.values.size()));
    variants *= v.values.size();
  }
  return variants;
}

json run_sweep(const std::string& text, const std::string& file, const SweepOptions& options) {
  const json base = json::parse(text);
  const std::size_t variants = count_variants(options.variations);
  std::vector<std::size_t> mine;
  for (std::size_t i = 0; i < variants; ++i)
    if (static_cast<int>(i % static_cast<std::size_t>(options.shard_count)) == options.shard_index) mine.push_back(i);

  const std::size_t repeat = static_cast<std::size_t>(std::max(1, options.repeat));
  const std::size_t runs = mine.size() * repeat;
  std::vector<RunFigures> figures(runs);
  std::vector<json> values(mine.size());
  std::vector<std::exception_ptr> errors(runs);
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex progress_mutex;

  // Each run builds its own World from its own document: no state is shared between threads, so
  // the rows are the same whatever --jobs is.
  auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= runs) return;
      const std::size_t row = k / repeat, rep = k % repeat;
      try {
        json doc = base;
        std::size_t index = mine[row];
        json row_values = json::object();
        for (auto it = options.variations.rbegin(); it != options.variations.rend(); ++it) {
          const json& value = it->values[index % it->values.size()];
          index /= it->values.size();
          apply_variation(doc, it->path, value);
          row_values[it->path] = value;
        }
        // A seed the variation made a non-integer is left for parse_scenario to report.
        if (!doc.contains("seed") || doc["seed"].is_number_unsigned())
          doc["seed"] = doc.value("seed", std::uint64_t{1}) + rep;
        Scenario s = parse_scenario(doc.dump(), file);
        figures[k] = figures_of(run_scenario(s));
        if (rep == 0) values[row] = row_values;
      } catch (...) {
        errors[k] = std::current_exception();
      }
      const std::size_t d = ++done;
      if (options.progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        options.progress(d, runs);
      }
    }
  };
  const int jobs = std::max(1, options.jobs);
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);

  json result = {{"scenario", base["metadata"].value("name", "")},
                 {"variations", json::array()},
                 {"repeat", repeat},
                 {"shard", fmt::format("{}/{}", options.shard_index + 1, options.shard_count)},
                 {"variants", variants},
                 {"rows", json::array()}};
  for (const Variation& v : options.variations) result["variations"].push_back(v.path);
  for (std::size_t row = 0; row < mine.size(); ++row) {
    json r = {{"variant", mine[row]}, {"values", values[row]}};
    double fights = 0;
    bool passed = true;
    for (std::size_t rep = 0; rep < repeat; ++rep) {
      fights += figures[row * repeat + rep].fight;
      passed &= figures[row * repeat + rep].expectations_passed;
    }
    r["fight"] = repeat == 1 ? json(fights > 0) : json(round3(fights / static_cast<double>(repeat)));
    r["expectations_passed"] = passed;
    for (const char* name : kNumericColumns) {
      // Over the seeds where the figure applies; null (an empty cell) where it applies to none.
      double sum = 0, lo = INFINITY, hi = -INFINITY;
      std::size_t applicable = 0;
      for (std::size_t rep = 0; rep < repeat; ++rep) {
        const double x = figure(figures[row * repeat + rep], name);
        if (std::isnan(x)) continue;
        ++applicable;
        sum += x;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      r[name] = applicable ? json(round3(sum / static_cast<double>(applicable))) : json(nullptr);
      if (repeat > 1) r["spread"][name] = applicable ? json::array({round3(lo), round3(hi)}) : json::array({nullptr, nullptr});
    }
    result["rows"].push_back(std::move(r));
  }
  return result;
}

namespace {

// A figure's cell: empty where it does not apply (null), a count as an integer when it is one,
// anything else with three decimals.
std::string number_cell(const json& v, bool count) {
  if (!v.is_number()) return "";
  const double x = v.get<double>();
  if (count && x == std::floor(x) && std::abs(x) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(x));
  return fmt::format("{:.3f}", x);
}

// The column names of the --vary paths: each path's last segment ("selfHealBackoffCapSeconds" of
// /settings/argocd/selfHealBackoffCapSeconds, "cooldownPeriod" of
// ScaledObject/prod/web:/spec/cooldownPeriod, "argocd" of versions.argocd), or the whole path
// where two paths end alike.
std::vector<std::string> short_names(const json& variations) {
  std::vector<std::string> names;
  for (const json& p : variations) {
    const std::string path = p.get<std::string>();
    const std::size_t cut = path.find_last_of("/.:");
    std::string last = cut == std::string::npos ? path : path.substr(cut + 1);
    std::string name;  // RFC 6901: "~1" is "/", "~0" is "~"
    for (std::size_t i = 0; i < last.size(); ++i) {
      if (last[i] == '~' && i + 1 < last.size() && (last[i + 1] == '0' || last[i + 1] == '1')) {
        name += last[++i] == '1' ? '/' : '~';
      } else {
        name += last[i];
      }
    }
    names.push_back(name.empty() ? path : name);
  }
  std::vector<std::string> out = names;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (std::count(names.begin(), names.end(), names[i]) > 1) out[i] = variations[i].get<std::string>();
  return out;
}

}  // namespace

std::string render_sweep(const json& result, const std::string& format) {
  if (format == "json") return result.dump(2) + "\n";
  std::vector<std::string> header = short_names(result["variations"]);
  const bool repeated = result.value("repeat", 1) > 1;
  for (const char* c : {"fight", "period_s", "cycles", "pods_created", "max_restart_count",
                        "cold_start_p95_s", "failed_requests", "replica_hours"})
    header.push_back(c);
  std::vector<std::vector<std::string>> rows;
  auto cell = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  for (const json& r : result["rows"]) {
    std::vector<std::string> row;
    for (const json& p : result["variations"]) row.push_back(cell(r["values"][p.get<std::string>()]));
    row.push_back(r["fight"].is_boolean() ? (r["fight"].get<bool>() ? "yes" : "no") : cell(r["fight"]));
    for (const char* name : kNumericColumns) {
      std::string c = number_cell(r[name], is_count(name));
      if (repeated && format != "csv" && !r[name].is_null())
        c += fmt::format(" [{}..{}]", number_cell(r["spread"][name][0], is_count(name)),
                         number_cell(r["spread"][name][1], is_count(name)));
      row.push_back(c);
    }
    rows.push_back(std::move(row));
  }
  if (format == "csv") {
    auto quote = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    std::string out;
    for (std::size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + quote(header[i]);
    out += "\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + quote(row[i]);
      out += "\n";
    }
    return out;
  }
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> upper;
  const std::size_t paths = result["variations"].size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string h = header[i];
    // Paths stay as typed (they are case-sensitive); figure columns follow kubectl's uppercase.
    if (i >= paths) std::transform(h.begin(), h.end(), h.begin(), ::toupper);
    upper.push_back(h);
  }
  table.push_back(upper);
  for (auto& row : rows) table.push_back(row);
  return render_table(table);
}

namespace {

// A shard is read back from a file a user may have edited: every member that merge and
// render_sweep read is checked first, so a wrong type is an input error, not a crash.
void check_shard(const std::string& file, const json& shard) {
  auto fail = [&](const std::string& pointer, const std::string& expected, const json* found) {
    throw InputError(file, pointer, expected, found ? describe_found(*found) : "nothing");
  };
  auto member = [](const json& o, const char* key) { return o.is_object() && o.contains(key) ? &o[key] : nullptr; };
  if (!shard.is_object()) fail("", "expected the JSON output of 'kcsim sweep --format json'", &shard);
  const json* scenario = member(shard, "scenario");
  if (!scenario || !scenario->is_string()) fail("/scenario", "expected the scenario's name", scenario);
  const json* variations = member(shard, "variations");
  if (!variations || !variations->is_array()) fail("/variations", "expected an array of --vary paths", variations);
  for (std::size_t i = 0; i < variations->size(); ++i)
    if (!(*variations)[i].is_string()) fail(fmt::format("/variations/{}", i), "expected a --vary path", &(*variations)[i]);
  const json* repeat = member(shard, "repeat");
  if (!repeat || !repeat->is_number_unsigned() || *repeat < 1 || *repeat > 10000)
    fail("/repeat", "expected the --repeat count (1 to 10000)", repeat);
  const json* variants = member(shard, "variants");
  if (!variants || !variants->is_number_unsigned() || *variants < 1 || variants->get<std::uint64_t>() > kMaxSweepVariants)
    fail("/variants", fmt::format("expected the number of variants (1 to {})", kMaxSweepVariants), variants);
  const json* rows = member(shard, "rows");
  if (!rows || !rows->is_array()) fail("/rows", "expected an array of rows", rows);
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const json& r = (*rows)[i];
    const std::string at = fmt::format("/rows/{}", i);
    if (!r.is_object()) fail(at, "expected a row object", &r);
    const json* variant = member(r, "variant");
    if (!variant || !variant->is_number_unsigned() || *variant >= *variants)
      fail(at + "/variant", fmt::format("expected a variant number below {}", variants->get<std::uint64_t>()), variant);
    const json* values = member(r, "values");
    if (!values || !values->is_object()) fail(at + "/values", "expected an object of path: value", values);
    for (const json& path : *variations)
      if (!values->contains(path.get<std::string>()))
        fail(at + "/values/" + escape_pointer_token(path.get<std::string>()), "expected the variant's value", nullptr);
    const json* fight = member(r, "fight");
    if (!fight || !(fight->is_boolean() || fight->is_number())) fail(at + "/fight", "expected a boolean or a number", fight);
    for (const char* name : kNumericColumns) {
      const json* x = member(r, name);
      if (!x || !(x->is_number() || x->is_null())) fail(at + "/" + name, "expected a number or null", x);
      if (*repeat == 1) continue;
      const json* spread = member(r, "spread") ? member(r["spread"], name) : nullptr;
      const auto bound = [](const json& b) { return b.is_number() || b.is_null(); };
      if (!spread || !spread->is_array() || spread->size() != 2 || !bound((*spread)[0]) || !bound((*spread)[1]))
        fail(at + "/spread/" + name, "expected [min, max]", spread);
    }
  }
}

}  // namespace

json merge_sweeps(const std::vector<std::pair<std::string, json>>& shards) {
  if (shards.empty()) throw InputError("merge", "", "expected at least one shard file", "none");
  for (const auto& [file, shard] : shards) check_shard(file, shard);
  const json& first = shards.front().second;
  std::vector<json> rows;
  std::vector<bool> seen(first["variants"].get<std::size_t>(), false);
  for (const auto& [file, shard] : shards) {
    if (shard["scenario"] != first["scenario"] || shard["variations"] != first["variations"] ||
        shard["repeat"] != first["repeat"] || shard["variants"] != first["variants"])
      throw InputError(file, "", fmt::format("expected a shard of the same sweep as {}", shards.front().first),
                       "a different scenario, variations or repeat");
    for (const json& r : shard["rows"]) {
      const std::size_t v = r["variant"].get<std::size_t>();
      if (seen[v]) throw InputError(file, "/rows", "expected each variant once", fmt::format("variant {} twice", v));
      seen[v] = true;
      rows.push_back(r);
    }
  }
  for (std::size_t v = 0; v < seen.size(); ++v)
    if (!seen[v]) throw InputError("merge", "", "expected every variant of the sweep", fmt::format("variant {} missing (a shard is missing)", v));
  std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) { return a["variant"] < b["variant"]; });
  json out = first;
  out["shard"] = "all";
  out["rows"] = rows;
  return out;
}

}  // namespace kcsim
