#include "kcsim/views/timeline_html.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "kcsim/analysis/causal_chain.hpp"
#include "kcsim/apiserver/model.hpp"
#include "kcsim/apiserver/request_log.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "chart_marks.hpp"

namespace kcsim {
namespace {

bool is_replica_field(const WriteRecord& w) {
  return w.object().kind == "Deployment" && (w.field() == "/spec/replicas" || w.field() == "/status/readyReplicas") &&
         w.old_value() != w.new_value();
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
// Chart geometry (px): a 1000-column plot of spec.replicas over `kPlotHeight`, then one lane per
// concurrently living pod, then the time axis.
constexpr int kWidth = 1000, kLeft = 40, kTop = 10, kPlotHeight = 150, kLaneGap = 8, kAxisHeight = 30;
constexpr std::size_t kMaxEventRows = 2000;
// Above this many pods in one chart, lanes are drawn at pixel resolution (one bar per run of
// occupied pixel columns) instead of one bar per pod, so that a simulated week stays light.
constexpr std::size_t kMaxPodBars = 1500;
// A pod bar is at least this wide, so that a pod of a few seconds stays visible in a long run.
constexpr double kMinBarWidth = 1.5;

struct Change {
  SimTime at;
  std::int64_t value;
  std::string manager;
};

/// The time span a chart covers.
struct Window {
  SimTime t0, t1;
  double span_us() const { return std::max<double>(1.0, static_cast<double>((t1 - t0).count())); }
  double x(SimTime t) const { return kLeft + static_cast<double>((t - t0).count()) / span_us() * kWidth; }
  long column(SimTime t) const { return static_cast<long>(static_cast<double>((t - t0).count()) / span_us() * kWidth); }
};

// At most 4 changes per pixel column (first, lowest, highest, last), so that a simulated week
// stays light while the envelope of the line is kept.
std::vector<Change> downsample(const std::vector<Change>& in, const Window& w) {
  if (in.size() <= 4 * kWidth) return in;
  std::vector<Change> out;
  std::size_t i = 0;
  while (i < in.size()) {
    const long col = w.column(in[i].at);
    std::size_t j = i, lo = i, hi = i;
    while (j < in.size() && w.column(in[j].at) == col) {
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

/// One pod of a Deployment, from its recorded lifetime.
struct PodSpan {
  std::string name;
  SimTime created, gone;  // gone: deletion, or the end of the run
  bool deleted = false;
  std::int64_t restarts = 0;
  std::size_t lane = 0;
};

const json* owner_of_kind(const json& obj, const std::string& kind) {
  const json::json_pointer p("/metadata/ownerReferences");
  if (!obj.contains(p) || !obj.at(p).is_array()) return nullptr;
  for (const json& ref : obj.at(p))
    if (ref.value("kind", "") == kind) return &ref;
  return nullptr;
}

/// Pods owned by the Deployment's ReplicaSets (matched by owner uid, as the garbage collector
/// does), in creation order, each assigned to the first lane free at its creation.
std::vector<PodSpan> pods_of(const ApiServer& api, const ObjectRef& deploy, SimTime end) {
  std::set<std::string> deploy_uids, replicasets;
  for (const ObjectLifetime& l : api.lifetimes())
    if (l.ref == deploy) deploy_uids.insert(l.uid);
  for (const ObjectLifetime& l : api.lifetimes()) {
    if (l.ref.kind != "ReplicaSet" || l.ref.ns != deploy.ns) continue;
    const json* owner = owner_of_kind(*l.last, "Deployment");
    if (owner && deploy_uids.count(owner->value("uid", ""))) replicasets.insert(l.uid);
  }
  std::vector<PodSpan> pods;
  for (const ObjectLifetime& l : api.lifetimes()) {
    if (l.ref.kind != "Pod" || l.ref.ns != deploy.ns) continue;
    const json* owner = owner_of_kind(*l.last, "ReplicaSet");
    if (!owner || !replicasets.count(owner->value("uid", ""))) continue;
    PodSpan p{l.ref.name, l.created, l.deleted ? *l.deleted : end, l.deleted.has_value(), 0, 0};
    const json::json_pointer cs("/status/containerStatuses");
    if (l.last->contains(cs) && l.last->at(cs).is_array())
      for (const json& c : l.last->at(cs)) p.restarts += c.value("restartCount", 0);
    pods.push_back(std::move(p));
  }
  std::stable_sort(pods.begin(), pods.end(), [](const PodSpan& a, const PodSpan& b) { return a.created < b.created; });
  std::vector<SimTime> lane_free;  // when each lane's last pod is gone
  for (PodSpan& p : pods) {
    std::size_t lane = 0;
    while (lane < lane_free.size() && lane_free[lane] > p.created) ++lane;
    if (lane == lane_free.size()) lane_free.push_back(p.gone);
    lane_free[lane] = p.gone;
    p.lane = lane;
  }
  return pods;
}

std::string axis_label(const Epoch& epoch, SimTime t, const Window& w) {
  if (w.t1 - w.t0 <= Duration{std::int64_t{86400} * 1000000}) return epoch.clock(t).substr(0, 8);  // hh:mm:ss
  std::string s = epoch.rfc3339(t);  // "2026-03-02T12:00:00Z" -> "03-02 12:00"
  return s.size() >= 16 ? s.substr(5, 5) + " " + s.substr(11, 5) : s;
}

// Runs once the page has rendered: measures what the browser actually laid out (getBBox, so a
// zero-size element counts as not drawn) and records it as data-* attributes, for a person
// reading the DOM and for the headless-browser test (tests/html/).
constexpr const char* kRenderCheckScript = R"(<script>
addEventListener('load', function () {
  function drawn(e) { var b = e.getBBox(); return b.width > 0 || b.height > 0; }
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var steps = 0, managers = {}, pods = 0;
    svg.querySelectorAll('path.replicas-step').forEach(function (p) {
      if (!drawn(p)) return;
      steps++;
      managers[p.getAttribute('data-manager')] = getComputedStyle(p).stroke;
    });
    svg.querySelectorAll('rect.pod').forEach(function (r) {
      var b = r.getBBox();
      if (b.width > 0 && b.height > 0) pods++;
    });
    svg.setAttribute('data-drawn-steps', steps);
    svg.setAttribute('data-drawn-managers', Object.keys(managers).sort().map(function (m) {
      return m + '=' + managers[m];
    }).join(';'));
    svg.setAttribute('data-drawn-pods', pods);
    svg.setAttribute('data-drawn-width', Math.round(svg.getBoundingClientRect().width));
    ['sync', 'commit'].forEach(function (kind) {
      var n = 0;
      svg.querySelectorAll('line.mark.' + kind).forEach(function (l) {
        if (drawn(l)) n += parseInt(l.getAttribute('data-count'), 10);
      });
      svg.setAttribute('data-drawn-' + kind + 's', n);
    });
    svg.setAttribute('data-bottom', Math.round(svg.getBoundingClientRect().bottom + scrollY));
  });
  document.querySelectorAll('div.fight.summary').forEach(function (d) {
    d.setAttribute('data-bottom', Math.round(d.getBoundingClientRect().bottom + scrollY));
  });
  var shown = function (e) { return e.getBoundingClientRect().height > 0; };
  var body = document.body;
  body.setAttribute('data-chain-steps', Array.prototype.filter.call(document.querySelectorAll('ol.chain li'), shown).length);
  body.setAttribute('data-fixes', Array.prototype.filter.call(document.querySelectorAll('ul.fixes li'), shown).length);
  body.setAttribute('data-event-rows', Array.prototype.filter.call(document.querySelectorAll('table.events tr.event'), shown).length);
  body.setAttribute('data-rendered', 'yes');
});
</script>
)";

// Only on pages with request latency dots, so that a run without traffic keeps its page as it was.
constexpr const char* kLatencyStyle =
    "svg.latency{border:1px solid #ccc;border-top:0;background:#fff;display:block}\n"
    ".req{fill:#1f77b4;fill-opacity:.45} .req.cold{fill:#ff7f0e;fill-opacity:1} .req.failed{fill:#d62728;fill-opacity:1}\n";
constexpr const char* kLatencyCheckScript = R"(<script>
addEventListener('load', function () {
  function drawn(e) { var b = e.getBBox(); return b.width > 0 && b.height > 0; }
  function count(svg, sel) { return Array.prototype.filter.call(svg.querySelectorAll(sel), drawn).length; }
  document.querySelectorAll('svg.latency').forEach(function (svg) {
    svg.setAttribute('data-drawn-dots', count(svg, '.req'));
    svg.setAttribute('data-drawn-cold', count(svg, '.req.cold'));
    svg.setAttribute('data-drawn-failed', count(svg, '.req.failed'));
    var cold = svg.querySelector('.req.cold:not(.failed)');
    svg.setAttribute('data-cold-fill', cold ? getComputedStyle(cold).fill : '');
  });
  document.body.setAttribute('data-latency-rendered', 'yes');
});
</script>
)";

}  // namespace

namespace {

/// Every recorded request of the run, with its workload's object name, in arrival order (ties:
/// response order, the order they were recorded in). Pointers into the models' own records.
struct RequestRow {
  const RequestRecord* rec;
  const std::string* object;  // null when the request reached no workload
};
struct RequestRows {
  std::vector<RequestLog> logs;  // keeps the workload names alive
  std::vector<RequestRow> rows;
  bool truncated = false;
};
RequestRows request_rows(const World& world) {
  RequestRows out;
  for (const auto& m : world.models()) {
    RequestLog log = m->request_log();
    if (!log.records.empty() || log.truncated) out.logs.push_back(std::move(log));
  }
  for (const RequestLog& log : out.logs) {
    out.truncated |= log.truncated;
    for (const RequestRecord& r : log.records)
      out.rows.push_back({&r, r.workload < log.workloads.size() ? &log.workloads[r.workload] : nullptr});
  }
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [](const RequestRow& a, const RequestRow& b) { return a.rec->arrival_us < b.rec->arrival_us; });
  return out;
}

/// A change of the number of requests waiting for a pod (held at the interceptor or queued for a
/// busy pod) of one workload: what the HTTP add-on's scaler counts. Derived from the answered
/// requests: each waited from its arrival until a pod began serving it (or its response, when
/// none did).
struct PendingChange {
  std::int64_t at_us;
  const std::string* object;
  std::int64_t value;  // the count after the change
};

std::vector<PendingChange> pending_changes(const RequestRows& reqs) {
  struct Delta {
    std::int64_t at_us;
    const std::string* object;
    int step;
  };
  std::vector<Delta> deltas;
  for (const RequestRow& q : reqs.rows) {
    if (!q.object) continue;
    const std::int64_t until = q.rec->start_us >= 0 ? q.rec->start_us : q.rec->end_us;
    if (until <= q.rec->arrival_us) continue;  // served at once: never pending
    deltas.push_back({q.rec->arrival_us, q.object, +1});
    deltas.push_back({until, q.object, -1});
  }
  std::stable_sort(deltas.begin(), deltas.end(), [](const Delta& a, const Delta& b) {
    return a.at_us != b.at_us ? a.at_us < b.at_us : *a.object < *b.object;
  });
  std::vector<PendingChange> out;
  std::map<std::string, std::int64_t> count;
  for (std::size_t i = 0; i < deltas.size();) {
    // One row per (instant, workload): the net change of everything that happened then.
    std::size_t j = i;
    std::int64_t net = 0;
    while (j < deltas.size() && deltas[j].at_us == deltas[i].at_us && *deltas[j].object == *deltas[i].object)
      net += deltas[j++].step;
    if (net != 0) out.push_back({deltas[i].at_us, deltas[i].object, count[*deltas[i].object] += net});
    i = j;
  }
  return out;
}

}  // namespace

std::string render_timeline_csv(const World& world, bool requests) {
  const Epoch& epoch = world.api().epoch();
  std::string out = requests ? "time_s,clock,object,field,value,manager,status,cold_start\n"
                             : "time_s,clock,object,field,value,manager\n";
  const RequestRows reqs = request_rows(world);
  const std::vector<PendingChange> pending = pending_changes(reqs);
  std::size_t next_request = 0, next_pending = 0;
  const char* tail = requests ? ",," : "";
  // Request and pending rows strictly before `before_us`, in time order (requests first).
  auto flush = [&](std::int64_t before_us) {
    for (;;) {
      const bool have_request = requests && next_request < reqs.rows.size() &&
                                reqs.rows[next_request].rec->arrival_us < before_us;
      const bool have_pending = next_pending < pending.size() && pending[next_pending].at_us < before_us;
      if (!have_request && !have_pending) return;
      if (have_request &&
          (!have_pending || reqs.rows[next_request].rec->arrival_us <= pending[next_pending].at_us)) {
        const RequestRow& q = reqs.rows[next_request++];
        const SimTime at{Duration{q.rec->arrival_us}};
        out += fmt::format("{:.3f},{},{},request,{:.3f},,{},{}\n", to_seconds(at), epoch.clock(at),
                           q.object ? csv_cell(*q.object) : std::string(),
                           static_cast<double>(q.rec->latency_us()) / 1000.0, q.rec->status,
                           q.rec->cold() ? "yes" : "no");
      } else {
        const PendingChange& p = pending[next_pending++];
        const SimTime at{Duration{p.at_us}};
        out += fmt::format("{:.3f},{},{},pending_requests,{},{}\n", to_seconds(at), epoch.clock(at), csv_cell(*p.object),
                           p.value, tail);
      }
    }
  };
  // The starting row of each Deployment: spec.replicas as created (the old value of its first
  // change, or its last version's when it never changed; 1, the API server's default, when unset),
  // at the creation's instant, written by its creator.
  std::map<ObjectRef, json> created_replicas;
  for (const WriteRecord& w : world.api().writes())
    if (w.object().kind == "Deployment" && w.field() == "/spec/replicas" && !created_replicas.count(w.object()))
      created_replicas[w.object()] = w.old_value();
  for (const ObjectLifetime& l : world.api().lifetimes())
    if (l.ref.kind == "Deployment" && l.last && !created_replicas.count(l.ref))
      if (const json* r = find(*l.last, {"spec", "replicas"})) created_replicas[l.ref] = *r;
  for (const WriteRecord& w : world.api().writes()) {
    if (w.object().kind == "Deployment" && w.field().empty() && w.operation() == "Create") {
      flush(w.at().time_since_epoch().count());
      const auto it = created_replicas.find(w.object());
      const json value = it == created_replicas.end() || it->second.is_null() ? json(1) : it->second;
      out += fmt::format("{:.3f},{},{},spec.replicas,{},{}{}\n", to_seconds(w.at()), epoch.clock(w.at()),
                         csv_cell(w.object().str()), csv_cell(value.dump()), csv_cell(w.manager()), tail);
      continue;
    }
    if (!is_replica_field(w)) continue;
    flush(w.at().time_since_epoch().count());
    out += fmt::format("{:.3f},{},{},{},{},{}{}\n", to_seconds(w.at()), epoch.clock(w.at()), csv_cell(w.object().str()),
                       w.field() == "/spec/replicas" ? "spec.replicas" : "status.readyReplicas",
                       w.new_value().is_null() ? std::string() : csv_cell(w.new_value().dump()), csv_cell(w.manager()), tail);
  }
  flush(std::numeric_limits<std::int64_t>::max());
  return out;
}

namespace {

/// Everything one chart needs about one Deployment.
struct WorkloadSeries {
  std::vector<Change> spec, ready;  // in write order
  std::int64_t spec_initial = 1;
  std::vector<PodSpan> pods;
};

/// The changes inside [w.t0, w.t1], and the change in effect at w.t0 (or none).
std::vector<Change> in_window(const std::vector<Change>& all, const Window& w, std::optional<Change>& before) {
  std::vector<Change> out;
  for (const Change& c : all) {
    if (c.at < w.t0) before = c;
    else if (c.at <= w.t1) out.push_back(c);
  }
  return out;
}

// Sync and commit marks: a vertical line over the replicas plot per mark; past kMaxMarkLines in
// one chart, one line per pixel column and kind, its tooltip counting what it stands for.
constexpr std::size_t kMaxMarkLines = 1000;

std::string render_marks(const std::vector<ChartMark>& all, const Window& w) {
  std::vector<const ChartMark*> marks;
  for (const ChartMark& m : all)
    if (m.at >= w.t0 && m.at <= w.t1) marks.push_back(&m);
  std::string out;
  const auto line = [&](ChartMark::Kind kind, double x, std::size_t count, const std::string& title) {
    out += fmt::format("<line class=\"mark {}\" data-count=\"{}\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\">"
                       "<title>{}</title></line>\n",
                       kind == ChartMark::kSync ? "sync" : "commit", count, x, kTop, x, kTop + kPlotHeight, esc(title));
  };
  if (marks.size() <= kMaxMarkLines) {
    for (const ChartMark* m : marks) line(m->kind, w.x(m->at), 1, m->label);
    return out;
  }
  for (const ChartMark::Kind kind : {ChartMark::kCommit, ChartMark::kSync}) {
    for (std::size_t i = 0; i < marks.size();) {
      if (marks[i]->kind != kind) { ++i; continue; }
      const long col = w.column(marks[i]->at);
      std::size_t n = 0, j = i;
      const ChartMark* last = marks[i];
      for (; j < marks.size() && w.column(marks[j]->at) == col; ++j)
        if (marks[j]->kind == kind) { ++n; last = marks[j]; }
      line(kind, kLeft + static_cast<double>(col), n,
           n == 1 ? marks[i]->label : fmt::format("{} {} in this pixel column; the last: {}", n,
                                                  kind == ChartMark::kSync ? "syncs" : "commits", last->label));
      i = j;
    }
  }
  return out;
}

std::string render_chart(const Epoch& epoch, const ObjectRef& d, const WorkloadSeries& ws, const Window& w,
                         const std::string& role, const std::map<std::string, std::string>& colour,
                         const std::vector<ChartMark>& marks) {
  std::optional<Change> spec_before, ready_before;
  const std::vector<Change> spec_all = in_window(ws.spec, w, spec_before);
  const std::vector<Change> ready_all = in_window(ws.ready, w, ready_before);
  const std::vector<Change> s = downsample(spec_all, w);
  const std::vector<Change> r = downsample(ready_all, w);
  std::vector<const PodSpan*> pods;
  for (const PodSpan& p : ws.pods)
    if (p.gone >= w.t0 && p.created <= w.t1) pods.push_back(&p);
  std::size_t lanes = 0;
  for (const PodSpan* p : pods) lanes = std::max(lanes, p->lane + 1);

  std::int64_t ymax = 1;
  const std::int64_t spec0 = spec_before ? spec_before->value : ws.spec_initial;
  const std::int64_t ready0 = ready_before ? ready_before->value : 0;
  ymax = std::max({ymax, spec0, ready0});
  for (const Change& c : s) ymax = std::max(ymax, c.value);
  for (const Change& c : r) ymax = std::max(ymax, c.value);
  auto y = [&](std::int64_t v) {
    return kTop + kPlotHeight - static_cast<double>(v) / static_cast<double>(ymax) * (kPlotHeight - 10);
  };
  const int lane_h = lanes <= 12 ? 14 : std::max(3, 168 / static_cast<int>(lanes));
  const int lanes_top = kTop + kPlotHeight + kLaneGap;
  const int lanes_bottom = lanes_top + static_cast<int>(lanes) * lane_h;
  const int height = lanes_bottom + kAxisHeight;
  const int width = kLeft + kWidth + 10;

  std::string out = fmt::format(
      "<svg class=\"chart\" data-workload=\"{0}\" data-window=\"{1}\" xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{2}\" height=\"{3}\" viewBox=\"0 0 {2} {3}\" role=\"img\" aria-label=\"replicas and pods of {0}\">\n",
      esc(d.str()), role, width, height);
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/><line class=\"axis\" x1=\"{0}\" "
                     "y1=\"{3}\" x2=\"{0}\" y2=\"{1}\"/>\n",
                     kLeft, kTop + kPlotHeight, kLeft + kWidth, kTop);
  for (std::int64_t v = 0; v <= ymax; v += std::max<std::int64_t>(1, ymax / 5))
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"end\">{}</text>\n", kLeft - 4,
                       y(v) + 3, v);
  for (int k = 0; k <= 4; ++k) {
    const SimTime t = w.t0 + Duration{static_cast<std::int64_t>(w.span_us() * k / 4)};
    out += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3}\" font-size=\"10\" text-anchor=\"{4}\">{5}</text>\n",
                       w.x(t), kTop, lanes_bottom, lanes_bottom + 14, k == 0 ? "start" : k == 4 ? "end" : "middle",
                       esc(axis_label(epoch, t, w)));
  }

  out += render_marks(marks, w);

  // spec.replicas: one path per manager; each change draws the vertical step at its time and
  // the horizontal run until the next change, in the colour of the manager that wrote it. The
  // run before the first change is the value in effect at the window's start.
  std::map<std::string, std::string> paths;
  const double first_x = s.empty() ? w.x(w.t1) : w.x(s.front().at);
  if (spec_before)
    paths[spec_before->manager] += fmt::format("M{:.1f} {:.1f}H{:.1f}", w.x(w.t0), y(spec0), first_x);
  else
    out += fmt::format("<path class=\"replicas-initial\" stroke=\"#bbb\" fill=\"none\" d=\"M{:.1f} {:.1f}H{:.1f}\"/>\n",
                       w.x(w.t0), y(spec0), first_x);
  std::int64_t prev = spec0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const SimTime until = i + 1 < s.size() ? s[i + 1].at : w.t1;
    paths[s[i].manager] += fmt::format("M{:.1f} {:.1f}V{:.1f}H{:.1f}", w.x(s[i].at), y(prev), y(s[i].value), w.x(until));
    prev = s[i].value;
  }
  for (const auto& [m, d_attr] : paths)
    out += fmt::format("<path class=\"replicas-step\" data-manager=\"{}\" stroke=\"{}\" d=\"{}\"><title>spec.replicas "
                       "written by {}</title></path>\n",
                       esc(m), colour.at(m), d_attr, esc(m));
  std::string rp = fmt::format("M{:.1f} {:.1f}", w.x(w.t0), y(ready0));
  for (const Change& c : r) rp += fmt::format("H{:.1f}V{:.1f}", w.x(c.at), y(c.value));
  rp += fmt::format("H{:.1f}", w.x(w.t1));
  out += "<path class=\"ready-line\" d=\"" + rp + "\"><title>status.readyReplicas</title></path>\n";

  // Pod lanes: a bar per pod from creation to deletion (or the end of the run), named by pod
  // when the name fits inside the bar, after it or before it; restarted pods in orange.
  auto lane_y = [&](std::size_t lane) { return lanes_top + static_cast<int>(lane) * lane_h; };
  const double t0x = w.x(w.t0), t1x = w.x(w.t1);
  if (pods.size() <= kMaxPodBars) {
    // Room for a name: from the bar's end to the next bar of its lane, or else from the previous
    // bar's end to the bar's start.
    std::vector<double> next_start(pods.size(), t1x), prev_end(pods.size(), t0x);
    for (std::size_t i = 0; i < pods.size(); ++i)
      for (std::size_t j = i + 1; j < pods.size(); ++j)
        if (pods[j]->lane == pods[i]->lane) {
          next_start[i] = std::max(t0x, w.x(pods[j]->created));
          prev_end[j] = std::min(t1x, w.x(pods[i]->gone));
          break;
        }
    for (std::size_t i = 0; i < pods.size(); ++i) {
      const PodSpan& p = *pods[i];
      const double x0 = std::max(t0x, w.x(p.created)), x1 = std::min(t1x, w.x(p.gone));
      out += fmt::format("<rect class=\"pod{}\" data-pod=\"{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\">"
                         "<title>{}: created {}, {} {}, restarts {}</title></rect>\n",
                         p.restarts > 0 ? " restarted" : "", esc(p.name), x0, lane_y(p.lane),
                         std::max(kMinBarWidth, x1 - x0), lane_h - 2, esc(p.name), epoch.clock(p.created),
                         p.deleted ? "deleted" : "still there at", epoch.clock(p.gone), p.restarts);
      const std::string label = fmt::format("{} ({} restarts)", p.name, p.restarts);
      const double label_w = 5.5 * static_cast<double>(label.size()) + 4;  // 10 px sans-serif
      const double after = std::max(x0 + kMinBarWidth, x1) + 3;
      if (lane_h >= 12 && x1 - x0 > label_w + 3)
        out += fmt::format("<text class=\"pod-name\" x=\"{:.1f}\" y=\"{}\" font-size=\"10\">{}</text>\n",
                           x0 + 3, lane_y(p.lane) + lane_h - 4, esc(label));
      else if (lane_h >= 12 && next_start[i] - after > label_w)
        out += fmt::format("<text class=\"pod-name\" x=\"{:.1f}\" y=\"{}\" font-size=\"10\">{}</text>\n",
                           after, lane_y(p.lane) + lane_h - 4, esc(label));
      else if (lane_h >= 12 && x0 - 3 - prev_end[i] > label_w)
        out += fmt::format("<text class=\"pod-name\" x=\"{:.1f}\" y=\"{}\" font-size=\"10\" "
                           "text-anchor=\"end\">{}</text>\n",
                           x0 - 3, lane_y(p.lane) + lane_h - 4, esc(label));
    }
  } else {
    // Too many pods for one bar each: per lane, the runs of pixel columns in which a pod lived.
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      std::vector<bool> used(kWidth + 1, false);
      std::size_t n = 0;
      for (const PodSpan* p : pods) {
        if (p->lane != lane) continue;
        ++n;
        const long c0 = std::clamp<long>(w.column(std::max(p->created, w.t0)), 0, kWidth);
        const long c1 = std::clamp<long>(w.column(std::min(p->gone, w.t1)), 0, kWidth);
        for (long c = c0; c <= c1; ++c) used[static_cast<std::size_t>(c)] = true;
      }
      for (int c = 0; c <= kWidth;) {
        if (!used[static_cast<std::size_t>(c)]) { ++c; continue; }
        int e = c;
        while (e + 1 <= kWidth && used[static_cast<std::size_t>(e + 1)]) ++e;
        out += fmt::format("<rect class=\"pod merged\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>lane {}: "
                           "{} pods in all, drawn at pixel resolution</title></rect>\n",
                           kLeft + c, lane_y(lane), e - c + 1, lane_h - 2, lane + 1, n);
        c = e + 1;
      }
    }
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\" class=\"lanes-label\">pods</text>\n",
                     kLeft - 4, lanes_top + 10);
  out += "</svg>\n";
  if (spec_all.size() > s.size() || ready_all.size() > r.size())
    out += fmt::format("<p class=\"note\">{} spec.replicas and {} readyReplicas changes, drawn as {} and {} points "
                       "(at most 4 per pixel column: first, lowest, highest, last).</p>\n",
                       spec_all.size(), ready_all.size(), s.size(), r.size());
  if (pods.size() > kMaxPodBars)
    out += fmt::format("<p class=\"note\">{} pods: lanes drawn at pixel resolution instead of one bar per pod.</p>\n",
                       pods.size());
  return out;
}

// Request latency dots: at most this many per workload; past it, every cold start and failure
// and the kSlowestKept slowest requests are kept, and an even stride of the rest.
constexpr std::size_t kMaxLatencyDots = 5000, kSlowestKept = 500;
constexpr int kLatencyHeight = 110;

/// One workload's requests (arrival order) as a dot per request: x = arrival, y = latency on a
/// log axis (1 ms to the slowest); cold starts orange and larger, failures red squares.
std::string render_latency(const Epoch& epoch, const ObjectRef& d, const std::vector<const RequestRecord*>& all,
                           const Window& w) {
  std::vector<const RequestRecord*> dots;
  std::size_t stride = 1, slowest = 0;
  if (all.size() <= kMaxLatencyDots) {
    dots = all;
  } else {
    std::vector<char> keep(all.size(), 0);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i]->cold() || !all[i]->ok()) keep[i] = 1, ++kept;
    std::vector<std::size_t> rest;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (!keep[i]) rest.push_back(i);
    // The slowest (ties: the earlier arrival), then every stride-th of the others.
    std::vector<std::size_t> by_latency = rest;
    const std::size_t slow = std::min(kSlowestKept, by_latency.size());
    std::partial_sort(by_latency.begin(), by_latency.begin() + static_cast<std::ptrdiff_t>(slow), by_latency.end(),
                      [&](std::size_t a, std::size_t b) {
                        return all[a]->latency_us() != all[b]->latency_us() ? all[a]->latency_us() > all[b]->latency_us()
                                                                            : a < b;
                      });
    for (std::size_t k = 0; k < slow; ++k) keep[by_latency[k]] = 1, ++kept;
    slowest = slow;
    const std::size_t budget = kept < kMaxLatencyDots ? kMaxLatencyDots - kept : 0;
    stride = budget == 0 ? rest.size() + 1 : (rest.size() + budget - 1) / budget;
    for (std::size_t k = 0; k < rest.size(); k += stride) keep[rest[k]] = 1;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (keep[i]) dots.push_back(all[i]);
  }
  std::int64_t max_us = 1000;
  for (const RequestRecord* r : all) max_us = std::max(max_us, r->latency_us());
  const double top_ms = std::pow(10.0, std::ceil(std::log10(static_cast<double>(max_us) / 1000.0)));
  const int plot_top = 8, plot_h = kLatencyHeight - 8 - 22;
  auto y = [&](double ms) {
    const double f = std::log10(std::max(1.0, ms)) / std::max(1.0, std::log10(top_ms));
    return plot_top + plot_h - f * plot_h;
  };
  const int width = kLeft + kWidth + 10;
  std::string out = fmt::format(
      "<svg class=\"latency\" data-workload=\"{0}\" data-requests=\"{1}\" data-dots=\"{2}\" xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{3}\" height=\"{4}\" viewBox=\"0 0 {3} {4}\" role=\"img\" aria-label=\"request latency of {0}\">\n",
      esc(d.str()), all.size(), dots.size(), width, kLatencyHeight);
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/><line class=\"axis\" x1=\"{0}\" "
                     "y1=\"{3}\" x2=\"{0}\" y2=\"{1}\"/>\n",
                     kLeft, plot_top + plot_h, kLeft + kWidth, plot_top);
  for (double ms = 1.0; ms <= top_ms; ms *= 10.0)
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\"/><text x=\"{3}\" "
                       "y=\"{4:.1f}\" font-size=\"9\" text-anchor=\"end\">{5}</text>\n",
                       kLeft, y(ms), kLeft + kWidth, kLeft - 4, y(ms) + 3,
                       ms >= 1000.0 ? fmt::format("{:.0f}s", ms / 1000.0) : fmt::format("{:.0f}ms", ms));
  for (int k = 0; k <= 4; ++k) {
    const SimTime t = w.t0 + Duration{static_cast<std::int64_t>(w.span_us() * k / 4)};
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"{}\">{}</text>\n", w.x(t),
                       plot_top + plot_h + 14, k == 0 ? "start" : k == 4 ? "end" : "middle", esc(axis_label(epoch, t, w)));
  }
  // Plain dots first, so that cold starts and failures are drawn over them.
  std::string plain, marked;
  for (const RequestRecord* r : dots) {
    const double x = w.x(SimTime{Duration{r->arrival_us}});
    const double ms = static_cast<double>(r->latency_us()) / 1000.0;
    if (!r->ok())
      marked += fmt::format("<rect class=\"req failed{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"4\" height=\"4\"><title>{} "
                            "status {}, {:.3f} ms{}</title></rect>\n",
                            r->cold() ? " cold" : "", x - 2, y(ms) - 2, epoch.clock(SimTime{Duration{r->arrival_us}}),
                            r->status, ms, r->cold() ? ", cold start" : "");
    else if (r->cold())
      marked += fmt::format("<circle class=\"req cold\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\"><title>{} status {}, {:.3f} "
                            "ms, cold start</title></circle>\n",
                            x, y(ms), epoch.clock(SimTime{Duration{r->arrival_us}}), r->status, ms);
    else
      plain += fmt::format("<circle class=\"req\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"1.2\"/>\n", x, y(ms));
  }
  out += plain + marked;
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">latency</text>\n", kLeft - 4,
                     kLatencyHeight - 4);
  out += "</svg>\n";
  if (dots.size() < all.size())
    out += fmt::format("<p class=\"note\">{} requests, drawn as {} dots: every cold start and failure, the {} slowest "
                       "others and one in {} of the rest (in arrival order).</p>\n",
                       all.size(), dots.size(), slowest, stride);
  return out;
}

/// The span of a fight's last complete cycle (its chain), padded by a tenth on each side.
std::optional<Window> cycle_window(const json& fight, SimTime end) {
  const json chain = fight.value("chain", json::array());
  if (!chain.is_array() || chain.size() < 2) return std::nullopt;
  const double a = chain.front().value("at_s", 0.0), b = chain.back().value("at_s", 0.0);
  const double pad = std::max(10.0, (b - a) / 10.0);
  // Whole seconds, so that the axis reads in round clock times.
  const auto at_second = [](double sec) { return SimTime{Duration{static_cast<std::int64_t>(sec) * 1000000}}; };
  Window w{std::max(kTimeZero, at_second(std::max(0.0, std::floor(a - pad)))), std::min(end, at_second(std::ceil(b + pad)))};
  if (w.t1 <= w.t0) return std::nullopt;
  return w;
}

}  // namespace

std::string render_html_report(const World& world, const json& report) {
  const ApiServer& api = world.api();
  const Epoch& epoch = api.epoch();
  const SimTime end{world.scenario().duration};
  // Each Deployment's requests, in arrival order (none, and nothing of them on the page, for a
  // run without traffic).
  const RequestRows requests = request_rows(world);
  std::map<std::string, std::vector<const RequestRecord*>> requests_of;
  for (const RequestRow& q : requests.rows)
    if (q.object) requests_of[*q.object].push_back(q.rec);

  // Managers of spec.replicas, for colours (sorted, so colours are deterministic).
  std::set<std::string> managers;
  std::map<ObjectRef, WorkloadSeries> series;
  std::set<ObjectRef> seen_spec;
  for (const WriteRecord& w : api.writes()) {
    if (!is_replica_field(w)) continue;
    WorkloadSeries& ws = series[w.object()];
    if (w.field() == "/spec/replicas") {
      managers.insert(w.manager());
      if (seen_spec.insert(w.object()).second) ws.spec_initial = int_or(w.old_value(), 1);
      ws.spec.push_back({w.at(), int_or(w.new_value(), 1), w.manager()});
    } else {
      ws.ready.push_back({w.at(), int_or(w.new_value(), 0), w.manager()});
    }
  }
  std::map<std::string, std::string> colour;
  std::size_t n = 0;
  for (const std::string& m : managers) colour[m] = kPalette[n++ % std::size(kPalette)];

  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kcsim: {0}</title>\n<style>\n"
      "body{{font-family:sans-serif;margin:1.5em;color:#222}} h1{{font-size:1.4em}} h2{{font-size:1.15em;margin-top:2em}}\n"
      "h3{{font-size:1em;margin:1em 0 .3em}}\n"
      ".fight{{background:#fff4f4;border-left:4px solid #d62728;padding:.4em .8em;margin:.6em 0}}\n"
      ".resets{{background:#fffaf0;border-left:4px solid #ff7f0e;padding:.4em .8em;margin:.6em 0}}\n"
      "ol.chain{{font-size:.9em}} ol.chain li{{margin:.1em 0}} .rule{{color:#666;font-size:.9em}} .at{{font-family:monospace}}\n"
      "svg.chart{{border:1px solid #ccc;background:#fff;display:block}} .replicas-step{{fill:none;stroke-width:2}}\n"
      ".ready-line{{fill:none;stroke:#888;stroke-width:1.5;stroke-dasharray:4 3}} .axis{{stroke:#999;stroke-width:1}}\n"
      ".grid{{stroke:#eee;stroke-width:1}} rect.pod{{fill:#7fbf7f}} rect.pod.restarted{{fill:#ff9f40}}\n"
      "rect.pod.merged{{fill:#a8d5a8}} .pod-name{{fill:#333}} .note{{color:#555;font-size:.85em}}\n"
      "line.mark{{stroke-width:1}} line.mark.sync{{stroke:#9467bd;stroke-dasharray:2 2}} line.mark.commit{{stroke:#8c564b}}\n"
      ".legend span{{display:inline-block;margin-right:1.2em}} .swatch{{display:inline-block;width:1.2em;height:.3em;"
      "vertical-align:middle;margin-right:.3em}}\n"
      "table.events{{border-collapse:collapse;font-size:.85em}} table.events td,table.events th{{border:1px solid #ddd;"
      "padding:2px 6px;text-align:left}} .ok{{color:#2ca02c}} .no{{color:#d62728}}\n"
      "{4}</style></head><body>\n<h1>kcsim: {0}</h1>\n<p>seed {1}, {2} simulated, starting {3}</p>\n",
      esc(report.value("scenario", "")), report.value("seed", 0), format_short_duration(world.scenario().duration),
      esc(epoch.rfc3339(kTimeZero)), requests.rows.empty() ? "" : kLatencyStyle);

  // A fight is shown in two parts: its summary (with the first fix, the root cause's) above the
  // chart, so that both fit in the first screen, and its chain and every fix below it.
  auto fight_summary_html = [&](const json& f) {
    std::string h = "<div class=\"fight summary\"><p><b>" + esc(f.value("summary", "")) + "</b></p>\n";
    if (f.contains("fixes") && !f["fixes"].empty()) {
      const json& x = f["fixes"][0];
      h += fmt::format("<p>First fix: {} <span class=\"{}\">{}</span> (all fixes, checked by re-runs, below the "
                       "charts)</p>\n",
                       esc(x.value("change", "")), x.value("stops_fight", false) ? "ok" : "no",
                       x.value("stops_fight", false) ? "stops the fight" : "does not stop it");
    }
    return h + "</div>\n";
  };
  auto fight_html = [&](const json& f) {
    std::string h = "<div class=\"fight\">";
    if (f.contains("chain") && !f["chain"].empty()) {
      h += "<p>The last complete cycle:</p><ol class=\"chain\">\n";
      for (const json& s : f["chain"])
        h += fmt::format("<li><span class=\"at\">{}</span> <b>{}</b> {} <span class=\"rule\">(because {})</span></li>\n",
                         esc(s.value("at", "")), esc(s.value("actor", "")), esc(s.value("action", "")),
                         esc(s.value("rule", "")));
      h += "</ol>\n";
    }
    if (f.contains("fixes") && !f["fixes"].empty()) {
      h += "<p>Fixes, each checked by a re-run (the root cause first):</p><ul class=\"fixes\">\n";
      for (const json& x : f["fixes"]) {
        std::string detail;
        if (x.contains("role")) detail += fmt::format("<br><i>{}</i>: {}", esc(x.value("role", "")), esc(x.value("caveat", "")));
        if (x.contains("price") && x["price"].is_object())
          detail += fmt::format("<br>price: {:.0f} &rarr; {:.0f} replica-seconds, {} &rarr; {} pods created",
                                x["price"]["before"].value("replica_seconds", 0.0),
                                x["price"]["after"].value("replica_seconds", 0.0),
                                x["price"]["before"].value("pods_created", std::int64_t{0}),
                                x["price"]["after"].value("pods_created", std::int64_t{0}));
        h += fmt::format("<li>{} <span class=\"{}\">{}</span>{}</li>\n", esc(x.value("change", "")),
                         x.value("stops_fight", false) ? "ok" : "no",
                         x.value("stops_fight", false)
                             ? std::string("stops the fight")
                             : fmt::format("does not stop it ({} cycles after)",
                                           x["cycles_after"].is_number() ? x["cycles_after"].dump() : "?"),
                         detail);
      }
      h += "</ul>\n";
    }
    return h == "<div class=\"fight\">" ? std::string() : h + "</div>\n";
  };

  const json all_fights = report.value("fights", json::array());
  // One-off resets (report "resets"): a value one manager set, set back once by another. Shown in
  // their object's section under the fights, the rest in a section of their own.
  const json all_resets = report.value("resets", json::array());
  auto resets_html = [&](const std::vector<const json*>& resets) {
    if (resets.empty()) return std::string();
    std::string h = "<div class=\"resets\"><p><b>Resets: a value one manager set, set back by another (too few "
                    "times for a fight)</b></p><ul>\n";
    for (const json* r : resets) h += "<li class=\"reset\">" + esc(r->value("summary", "")) + "</li>\n";
    return h + "</ul></div>\n";
  };
  std::set<std::string> resets_shown;
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
    out += "<span><i class=\"swatch\" style=\"background:#888\"></i>ready replicas (dashed)</span>"
           "<span><i class=\"swatch\" style=\"background:#7fbf7f;height:.8em\"></i>pod lifetime</span>"
           "<span><i class=\"swatch\" style=\"background:#ff9f40;height:.8em\"></i>pod with restarts</span>"
           "<span><i class=\"swatch\" style=\"background:#9467bd;width:.15em;height:.9em\"></i>ArgoCD sync</span>"
           "<span><i class=\"swatch\" style=\"background:#8c564b;width:.15em;height:.9em\"></i>Git commit</span></p>\n";
  }
  for (const ObjectRef& d : deployments) {
    WorkloadSeries& ws = series[d];
    if (!seen_spec.count(d)) {
      const json::json_pointer replicas("/spec/replicas");
      for (const ObjectLifetime& l : api.lifetimes())
        if (l.ref == d && l.last->contains(replicas)) ws.spec_initial = int_or(l.last->at(replicas), 1);
    }
    ws.pods = pods_of(api, d, end);
    out += "<h2>" + esc(d.str()) + "</h2>\n";
    std::optional<Window> zoom;
    std::vector<const json*> fights;
    for (const json& f : all_fights)
      if (f.value("object", "") == d.str()) {
        out += fight_summary_html(f);
        fights.push_back(&f);
        shown.insert(f.value("object", "") + f.value("field", ""));
        if (!zoom) zoom = cycle_window(f, end);
      }
    std::vector<const json*> resets;
    for (const json& r : all_resets)
      if (r.value("object", "") == d.str()) resets.push_back(&r);
    out += resets_html(resets);
    resets_shown.insert(d.str());
    const std::vector<ChartMark> marks = chart_marks(world, d);
    out += "<h3>The whole run</h3>\n";
    out += render_chart(epoch, d, ws, Window{kTimeZero, end}, "run", colour, marks);
    if (auto it = requests_of.find(d.str()); it != requests_of.end())
      out += render_latency(epoch, d, it->second, Window{kTimeZero, end});
    for (const json* f : fights) out += fight_html(*f);
    if (zoom) {
      out += fmt::format("<h3>The last complete cycle ({} to {})</h3>\n", epoch.clock(zoom->t0), epoch.clock(zoom->t1));
      out += render_chart(epoch, d, ws, *zoom, "cycle", colour, marks);
    }
  }
  for (const json& f : all_fights)
    if (!shown.count(f.value("object", "") + f.value("field", "")))
      out += "<h2>" + esc(f.value("object", "")) + "</h2>\n" + fight_summary_html(f) + fight_html(f);
  std::vector<const json*> other_resets;
  for (const json& r : all_resets)
    if (!resets_shown.count(r.value("object", ""))) other_resets.push_back(&r);
  if (!other_resets.empty()) out += "<h2>Other resets</h2>\n" + resets_html(other_resets);

  std::vector<const EventRecord*> events;
  for (const EventRecord& ev : api.events()) events.push_back(&ev);
  std::stable_sort(events.begin(), events.end(),
                   [](const EventRecord* a, const EventRecord* b) { return a->created < b->created; });
  const auto timestamp = [&epoch](const std::optional<SimTime>& t) { return t ? epoch.rfc3339(*t) : std::string(); };
  out += fmt::format("<h2>Events ({})</h2>\n", events.size());
  if (events.size() > kMaxEventRows)
    out += fmt::format("<p class=\"note\">showing the first {} of {} Events; `kcsim run --events FILE` writes them all.</p>\n",
                       kMaxEventRows, events.size());
  out += "<table class=\"events\"><tr><th>FIRST</th><th>LAST</th><th>COUNT</th><th>NAMESPACE</th><th>TYPE</th>"
         "<th>REASON</th><th>OBJECT</th><th>SOURCE</th><th>MESSAGE</th></tr>\n";
  for (std::size_t i = 0; i < events.size() && i < kMaxEventRows; ++i) {
    const EventRecord& ev = *events[i];
    out += fmt::format("<tr class=\"event\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}/{}</td>"
                       "<td>{}</td><td>{}</td></tr>\n",
                       esc(timestamp(ev.first)), esc(timestamp(ev.last)), ev.count, esc(ev.event.ns), esc(ev.type),
                       esc(ev.reason), esc(ev.involved.kind), esc(ev.involved.name), esc(ev.component),
                       esc(ev.message));
  }
  out += "</table>\n";
  out += kRenderCheckScript;
  if (!requests_of.empty()) out += kLatencyCheckScript;
  out += "</body></html>\n";
  return out;
}

}  // namespace kcsim
