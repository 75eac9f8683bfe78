#include "kcsim/timeline_html.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "kcsim/causal_chain.hpp"

namespace kcsim {
namespace {

bool is_replica_field(const WriteRecord& w) {
  return w.object.kind == "Deployment" && (w.field == "/spec/replicas" || w.field == "/status/readyReplicas") &&
         w.old_value != w.new_value;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  return out;
}

std::int64_t int_or(const json& v, std::int64_t dflt) { return v.is_number_integer() ? v.get<std::int64_t>() : dflt; }

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
constexpr int kWidth = 1000, kHeight = 220, kLeft = 40, kTop = 10;
constexpr std::size_t kMaxEventRows = 2000;

struct Change {
  SimTime at;
  std::int64_t value;
  std::string manager;
};

// At most 4 changes per pixel column (first, lowest, highest, last), so that a simulated week
// stays light while the envelope of the line is kept.
std::vector<Change> downsample(const std::vector<Change>& in, SimTime end) {
  if (in.size() <= 4 * kWidth) return in;
  std::vector<Change> out;
  const double span = std::max<double>(1.0, static_cast<double>(end.time_since_epoch().count()));
  std::size_t i = 0;
  while (i < in.size()) {
    const auto col = static_cast<long>(static_cast<double>(in[i].at.time_since_epoch().count()) / span * kWidth);
    std::size_t j = i, lo = i, hi = i;
    while (j < in.size() &&
           static_cast<long>(static_cast<double>(in[j].at.time_since_epoch().count()) / span * kWidth) == col) {
      if (in[j].value < in[lo].value) lo = j;
      if (in[j].value > in[hi].value) hi = j;
      ++j;
    }
    std::set<std::size_t> keep = {i, lo, hi, j - 1};
    for (std::size_t k : keep) out.push_back(in[k]);
    i = j;
  }
  return out;
}

}  // namespace

std::string render_timeline_csv(const World& world) {
  const Epoch& epoch = world.api().epoch();
  std::string out = "time_s,clock,object,field,value,manager\n";
  for (const WriteRecord& w : world.api().writes()) {
    if (!is_replica_field(w)) continue;
    out += fmt::format("{:.3f},{},{},{},{},{}\n", to_seconds(w.at), epoch.clock(w.at), csv_cell(w.object.str()),
                       w.field == "/spec/replicas" ? "spec.replicas" : "status.readyReplicas",
                       w.new_value.is_null() ? std::string() : csv_cell(w.new_value.dump()), csv_cell(w.manager));
  }
  return out;
}

std::string render_html_report(const World& world, const json& report) {
  const ApiServer& api = world.api();
  const Epoch& epoch = api.epoch();
  const SimTime end{world.scenario().duration};
  const double end_us = std::max<double>(1.0, static_cast<double>(end.time_since_epoch().count()));

  // Managers of spec.replicas, for colours (sorted, so colours are deterministic).
  std::set<std::string> managers;
  std::map<ObjectRef, std::vector<Change>> spec, ready;
  std::map<ObjectRef, std::int64_t> spec_initial;
  for (const WriteRecord& w : api.writes()) {
    if (!is_replica_field(w)) continue;
    if (w.field == "/spec/replicas") {
      managers.insert(w.manager);
      if (!spec_initial.count(w.object)) spec_initial[w.object] = int_or(w.old_value, 1);
      spec[w.object].push_back({w.at, int_or(w.new_value, 1), w.manager});
    } else {
      ready[w.object].push_back({w.at, int_or(w.new_value, 0), w.manager});
    }
  }
  std::map<std::string, std::string> colour;
  std::size_t n = 0;
  for (const std::string& m : managers) colour[m] = kPalette[n++ % std::size(kPalette)];

  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kcsim: {0}</title>\n<style>\n"
      "body{{font-family:sans-serif;margin:1.5em;color:#222}} h1{{font-size:1.4em}} h2{{font-size:1.15em;margin-top:2em}}\n"
      ".fight{{background:#fff4f4;border-left:4px solid #d62728;padding:.4em .8em;margin:.6em 0}}\n"
      "ol.chain li{{margin:.15em 0}} .rule{{color:#555;font-size:.9em}} .at{{font-family:monospace}}\n"
      "svg.chart{{border:1px solid #ccc;background:#fff}} .replicas-step{{fill:none;stroke-width:2}}\n"
      ".ready-line{{fill:none;stroke:#888;stroke-width:1.5;stroke-dasharray:4 3}} .axis{{stroke:#999;stroke-width:1}}\n"
      ".legend span{{display:inline-block;margin-right:1.2em}} .swatch{{display:inline-block;width:1.2em;height:.3em;"
      "vertical-align:middle;margin-right:.3em}}\n"
      "table.events{{border-collapse:collapse;font-size:.85em}} table.events td,table.events th{{border:1px solid #ddd;"
      "padding:2px 6px;text-align:left}} .ok{{color:#2ca02c}} .no{{color:#d62728}}\n"
      "</style></head><body>\n<h1>kcsim: {0}</h1>\n<p>seed {1}, {2} simulated, starting {3}</p>\n",
      esc(report.value("scenario", "")), report.value("seed", 0), format_short_duration(world.scenario().duration),
      esc(epoch.rfc3339(kTimeZero)));

  auto fight_html = [&](const json& f) {
    std::string h = "<div class=\"fight\"><p><b>" + esc(f.value("summary", "")) + "</b></p>\n";
    if (f.contains("chain") && !f["chain"].empty()) {
      h += "<p>The last complete cycle:</p><ol class=\"chain\">\n";
      for (const json& s : f["chain"])
        h += fmt::format("<li><span class=\"at\">{}</span> <b>{}</b> {}<br><span class=\"rule\">because {}</span></li>\n",
                         esc(s.value("at", "")), esc(s.value("actor", "")), esc(s.value("action", "")),
                         esc(s.value("rule", "")));
      h += "</ol>\n";
    }
    if (f.contains("fixes") && !f["fixes"].empty()) {
      h += "<p>Fixes, each checked by a re-run:</p><ul class=\"fixes\">\n";
      for (const json& x : f["fixes"])
        h += fmt::format("<li>{} <span class=\"{}\">{}</span></li>\n", esc(x.value("change", "")),
                         x.value("stops_fight", false) ? "ok" : "no",
                         x.value("stops_fight", false)
                             ? std::string("stops the fight")
                             : fmt::format("does not stop it ({} cycles after)",
                                           x["cycles_after"].is_number() ? x["cycles_after"].dump() : "?"));
      h += "</ul>\n";
    }
    return h + "</div>\n";
  };

  std::set<std::string> shown;
  std::vector<ObjectRef> deployments;
  for (const ObjectLifetime& l : api.lifetimes())
    if (l.ref.kind == "Deployment" && std::find(deployments.begin(), deployments.end(), l.ref) == deployments.end())
      deployments.push_back(l.ref);
  std::sort(deployments.begin(), deployments.end());
  if (!managers.empty()) {
    out += "<p class=\"legend\">spec.replicas written by: ";
    for (const auto& [m, c] : colour)
      out += fmt::format("<span data-manager=\"{0}\"><i class=\"swatch\" style=\"background:{1}\"></i>{0}</span>",
                         esc(m), c);
    out += "<span><i class=\"swatch\" style=\"background:#888\"></i>ready replicas (dashed)</span></p>\n";
  }
  for (const ObjectRef& d : deployments) {
    out += "<h2>" + esc(d.str()) + "</h2>\n";
    for (const json& f : report.value("fights", json::array()))
      if (f.value("object", "") == d.str()) {
        out += fight_html(f);
        shown.insert(f.value("object", "") + f.value("field", ""));
      }
    const std::vector<Change> s = downsample(spec[d], end);
    const std::vector<Change> r = downsample(ready[d], end);
    std::int64_t ymax = 1;
    for (const Change& c : s) ymax = std::max(ymax, c.value);
    for (const Change& c : r) ymax = std::max(ymax, c.value);
    const std::int64_t init = spec_initial.count(d) ? spec_initial[d] : 1;
    ymax = std::max(ymax, init);
    auto x = [&](SimTime t) { return kLeft + static_cast<double>(t.time_since_epoch().count()) / end_us * kWidth; };
    auto y = [&](std::int64_t v) {
      return kTop + kHeight - static_cast<double>(v) / static_cast<double>(ymax) * (kHeight - 10);
    };
    out += fmt::format("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
                       "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"replicas of {}\">\n",
                       kLeft + kWidth + 10, kTop + kHeight + 30, kLeft + kWidth + 10, kTop + kHeight + 30, esc(d.str()));
    out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/><line class=\"axis\" x1=\"{0}\" "
                       "y1=\"{3}\" x2=\"{0}\" y2=\"{1}\"/>\n",
                       kLeft, kTop + kHeight, kLeft + kWidth, kTop);
    for (std::int64_t v = 0; v <= ymax; v += std::max<std::int64_t>(1, ymax / 5))
      out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"end\">{}</text>\n", kLeft - 4,
                         y(v) + 3, v);
    for (int k = 0; k <= 4; ++k) {
      const SimTime t{Duration{static_cast<std::int64_t>(end_us * k / 4)}};
      out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>\n", x(t),
                         kTop + kHeight + 14, esc(epoch.clock(t)));
    }
    // spec.replicas: one path per manager; each change draws the vertical step at its time and
    // the horizontal run until the next change, in the colour of the manager that wrote it.
    std::map<std::string, std::string> paths;
    std::int64_t prev = init;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const SimTime until = i + 1 < s.size() ? s[i + 1].at : end;
      paths[s[i].manager] += fmt::format("M{:.1f} {:.1f}V{:.1f}H{:.1f}", x(s[i].at), y(prev), y(s[i].value), x(until));
      prev = s[i].value;
    }
    if (!s.empty())
      out += fmt::format("<path class=\"replicas-initial\" stroke=\"#bbb\" fill=\"none\" d=\"M{:.1f} {:.1f}H{:.1f}\"/>\n",
                         x(kTimeZero), y(init), x(s.front().at));
    for (const auto& [m, d_attr] : paths)
      out += fmt::format("<path class=\"replicas-step\" data-manager=\"{}\" stroke=\"{}\" d=\"{}\"><title>spec.replicas "
                         "written by {}</title></path>\n",
                         esc(m), colour[m], d_attr, esc(m));
    std::string rp = fmt::format("M{:.1f} {:.1f}", x(kTimeZero), y(0));
    for (const Change& c : r) rp += fmt::format("H{:.1f}V{:.1f}", x(c.at), y(c.value));
    rp += fmt::format("H{:.1f}", x(end));
    out += "<path class=\"ready-line\" d=\"" + rp + "\"><title>status.readyReplicas</title></path>\n</svg>\n";
    if (spec[d].size() > s.size() || ready[d].size() > r.size())
      out += fmt::format("<p class=\"note\">{} spec.replicas and {} readyReplicas changes, drawn as {} and {} points "
                         "(at most 4 per pixel column: first, lowest, highest, last).</p>\n",
                         spec[d].size(), ready[d].size(), s.size(), r.size());
  }
  for (const json& f : report.value("fights", json::array()))
    if (!shown.count(f.value("object", "") + f.value("field", ""))) out += "<h2>" + esc(f.value("object", "")) + "</h2>\n" + fight_html(f);

  std::vector<ObjectPtr> events = api.events();
  std::stable_sort(events.begin(), events.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
    return a->at("metadata").value("creationTimestamp", "") < b->at("metadata").value("creationTimestamp", "");
  });
  out += fmt::format("<h2>Events ({})</h2>\n", events.size());
  if (events.size() > kMaxEventRows)
    out += fmt::format("<p class=\"note\">showing the first {} of {} Events; `kcsim run --events FILE` writes them all.</p>\n",
                       kMaxEventRows, events.size());
  out += "<table class=\"events\"><tr><th>FIRST</th><th>LAST</th><th>COUNT</th><th>NAMESPACE</th><th>TYPE</th>"
         "<th>REASON</th><th>OBJECT</th><th>SOURCE</th><th>MESSAGE</th></tr>\n";
  for (std::size_t i = 0; i < events.size() && i < kMaxEventRows; ++i) {
    const json& ev = *events[i];
    const json inv = ev.value("involvedObject", json::object());
    const json src = ev.value("source", json::object());
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td>"
                       "<td>{}</td></tr>\n",
                       esc(ev.value("firstTimestamp", "")), esc(ev.value("lastTimestamp", "")), ev.value("count", 1),
                       esc(ev["metadata"].value("namespace", "")), esc(ev.value("type", "")), esc(ev.value("reason", "")),
                       esc(inv.value("kind", "")), esc(inv.value("name", "")), esc(src.value("component", "")),
                       esc(ev.value("message", "")));
  }
  out += "</table>\n</body></html>\n";
  return out;
}

}  // namespace kcsim
