#include "kcsim/views/text_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "kcsim/analysis/causal_chain.hpp"
#include "kcsim/core/time.hpp"
#include "kcsim/views/table.hpp"

namespace kcsim {

std::string render_problems(const json& problems) {
  if (!problems.is_array() || problems.empty()) return "";
  std::string out = "\nProblems: what the controllers report they cannot do, at the end of the run\n";
  for (const json& p : problems) {
    const std::string condition =
        p.contains("reason") ? fmt::format("{}={} {}", p["condition"].get<std::string>(), p.value("status", ""),
                                           p["reason"].get<std::string>())
                             : p["condition"].get<std::string>();
    out += fmt::format("  {} ({}): {}\n", p["object"].get<std::string>(), p["controller"].get<std::string>(), condition);
    out += fmt::format("    {}\n", p["message"].get<std::string>());
  }
  return out;
}

std::string render_resets(const json& resets) {
  if (!resets.is_array() || resets.empty()) return "";
  std::string out = "\nResets: a value one manager set, set back by another (too few times for a fight)\n";
  for (const json& x : resets) out += "  " + x["summary"].get<std::string>() + "\n";
  return out;
}

std::string render_text_report(const json& r) {
  std::string out = fmt::format("scenario {} (seed {}, {} simulated)\n", r["scenario"].get<std::string>(),
                                r["seed"].get<std::uint64_t>(),
                                format_short_duration(Duration{static_cast<std::int64_t>(r["duration_s"].get<double>() * 1e6)}));
  if (r.contains("fights") && !r["fights"].empty()) {
    out += "\nFights\n";
    for (const json& f : r["fights"]) {
      out += "  " + f.value("summary", f.dump()) + "\n";
      if (f.contains("chain") && !f["chain"].empty()) {
        out += "    The last complete cycle:\n";
        out += render_causal_chain(f["chain"], "      ");
      }
      if (f.contains("fixes") && !f["fixes"].empty()) {
        out += "    Fixes, each checked by a re-run (the root cause first):\n";
        for (const json& x : f["fixes"]) {
          out += fmt::format("      [{}] {}{}\n", x.value("stops_fight", false) ? "stops the fight" : "still fights",
                             x.value("change", ""),
                             x.value("stops_fight", false) || !x["cycles_after"].is_number()
                                 ? std::string()
                                 : fmt::format(" ({} cycles after)", x["cycles_after"].get<std::int64_t>()));
          if (x.contains("role"))
            out += fmt::format("        {}: {}\n", x.value("role", ""), x.value("caveat", ""));
          if (x.contains("price") && x["price"].is_object()) {
            const json& b = x["price"]["before"];
            const json& a = x["price"]["after"];
            out += fmt::format("        price: {:.0f} -> {:.0f} replica-seconds, {} -> {} pods created\n",
                               b.value("replica_seconds", 0.0), a.value("replica_seconds", 0.0),
                               b.value("pods_created", std::int64_t{0}), a.value("pods_created", std::int64_t{0}));
          }
        }
      }
    }
  } else if (r.contains("fights")) {
    out += "\nNo fights: no field was set back and forth by two or more managers.\n";
  }
  if (r.contains("resets")) out += render_resets(r["resets"]);
  if (r.contains("problems")) out += render_problems(r["problems"]);
  out += "\nWorkloads\n";
  for (const json& w : r["workloads"]) {
    const json& rep = w["replicas"];
    const json& pods = w["pods"];
    out += fmt::format("  {}\n", w["object"].get<std::string>());
    out += fmt::format("    replicas: min {} max {} final {} mean {:.3f} ({:.0f} replica-seconds)\n",
                       rep["min"].get<std::int64_t>(), rep["max"].get<std::int64_t>(),
                       rep["final"].get<std::int64_t>(), rep["mean"].get<double>(),
                       rep["replica_seconds"].get<double>());
    out += fmt::format("    pods: {} created, {} deleted, max restart count {}\n",
                       pods["created"].get<std::int64_t>(), pods["deleted"].get<std::int64_t>(),
                       pods["max_restart_count"].get<std::int64_t>());
    out += fmt::format("    fully ready {:.1f}% of the time\n", w["ready_fraction"].get<double>() * 100.0);
    if (const auto a = w.find("availability"); a != w.end()) {
      // "Fully ready" counts 0 ready of 0 wanted as ready: say how much of it was time at zero,
      // and how long replicas were wanted with none ready (no ready endpoint behind a Service).
      const double zero_s = a->value("at_zero_s", 0.0), unready_s = a->value("no_ready_pod_while_wanted_s", 0.0);
      out += fmt::format("    at zero replicas {:.1f}% of the time ({}); no ready pod while replicas were wanted {:.1f}% ({})\n",
                         a->value("at_zero_fraction", 0.0) * 100.0, format_go_duration(std::chrono::seconds(std::llround(zero_s))),
                         a->value("no_ready_pod_while_wanted_fraction", 0.0) * 100.0,
                         format_go_duration(std::chrono::seconds(std::llround(unready_s))));
    }
    if (w.contains("requests")) {
      const json& q = w["requests"];
      out += fmt::format("    requests: {} total, {} succeeded, {} failed, {} waited for a cold start\n",
                         q.value("total", 0), q.value("succeeded", 0), q.value("failed", 0),
                         q.value("cold_starts", 0));
      if (q.contains("latency_ms") && q["latency_ms"].is_object())
        out += fmt::format("    latency ms: p50 {} p95 {} p99 {} max {}\n", q["latency_ms"].value("p50", 0.0),
                           q["latency_ms"].value("p95", 0.0), q["latency_ms"].value("p99", 0.0),
                           q["latency_ms"].value("max", 0.0));
    }
    if (w.contains("cold_start_s") && w["cold_start_s"].value("count", 0) > 0) {
      const json& c = w["cold_start_s"];
      out += fmt::format("    cold starts: {} (p50 {}s, p95 {}s, max {}s)\n", c.value("count", 0),
                         c.value("p50", 0.0), c.value("p95", 0.0), c.value("max", 0.0));
    }
  }
  if (!r["writes"].empty()) {
    out += "\nWrites (manager, object, field, count)\n";
    std::vector<std::vector<std::string>> rows = {{"MANAGER", "OBJECT", "FIELD", "WRITES"}};
    for (const json& w : r["writes"])
      rows.push_back({w["manager"], w["object"], w["field"], std::to_string(w["count"].get<std::int64_t>())});
    std::string table = render_table(rows);
    std::size_t pos = 0;
    while (pos < table.size()) {
      const std::size_t nl = table.find('\n', pos);
      out += "  " + table.substr(pos, nl - pos + 1);
      pos = nl + 1;
    }
  }
  if (!r["expectations"].empty()) {
    std::size_t passed = 0;
    for (const json& e : r["expectations"]) passed += e["passed"].get<bool>();
    out += fmt::format("\nExpectations: {} of {} hold\n", passed, r["expectations"].size());
    for (const json& e : r["expectations"]) {
      out += fmt::format("  [{}] {}\n", e["passed"].get<bool>() ? "ok" : "FAILED", e["description"].get<std::string>());
      if (e.contains("detail")) out += "         " + e["detail"].get<std::string>() + "\n";
    }
  }
  return out;
}

std::string render_events_table(const World& world, SimTime at) {
  std::vector<const EventRecord*> events;
  for (const EventRecord& ev : world.api().events()) events.push_back(&ev);
  std::stable_sort(events.begin(), events.end(),
                   [](const EventRecord* a, const EventRecord* b) { return a->created < b->created; });
  std::vector<std::vector<std::string>> rows = {{"NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}};
  for (const EventRecord* ev : events) {
    std::string kind = ev->involved.kind;
    std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
    const std::optional<SimTime> last = ev->last ? ev->last : ev->first;
    const std::string age = last ? format_age(at - *last) : "<unknown>";
    rows.push_back({ev->event.ns, age, ev->type, ev->reason, kind + "/" + ev->involved.name, ev->message});
  }
  return render_table(rows);
}

}  // namespace kcsim
