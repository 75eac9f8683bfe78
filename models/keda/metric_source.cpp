// A generic metric source: the value of an external metric over time (a queue length, a request
// rate, a cron window), standing in for Prometheus, SQS, a cron scaler and the like. It publishes
// into world().metrics(), the stand-in for the external metrics API, where KEDA's "kcsim-metric"
// and "prometheus" triggers (models/keda/keda_scalers.hpp) and plain HPA External metrics read it.
//
// Settings (settings.metric-source):
//
//   "metrics": {
//     "<name>": {
//       "points": [{"at": "0s", "value": 0}, {"at": "10m", "value": 250}, ...],
//       "interpolation": "step" | "linear",   // default "step"
//       "step": "1s",                         // publication granularity of linear ramps
//       "repeat": "24h"                       // optional: the pattern repeats with this period
//     }
//   }
//
// and the timeline action {"at": "12m", "action": "metric set", "metric": "<name>", "value": 3}.
//
// Semantics, chosen so that a scenario reads the way it is written:
//  - "step": the value jumps at each point and holds until the next. "linear": the value ramps
//    between consecutive points, republished every `step`; after the last point it holds.
//  - Before the first point the metric does not exist: a reader gets nothing, which KEDA treats
//    as a scaler error and the HPA as FailedGetExternalMetric.
//  - With "repeat", every point must lie in [0, repeat) and cycle k shifts them by k × repeat.
//  - The published activity flag is value > 0 (an external scaler's IsActive with no threshold);
//    KEDA's kcsim-metric trigger applies its own activationThreshold to the value instead.
//  - A change at instant t is visible to every evaluation at t: publications are scheduled at
//    least one cycle (or the whole run) ahead, so they precede, at equal times, the timers other
//    models arm later (the engine breaks ties in scheduling order).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/core/input_error.hpp"

namespace kcsim {
namespace {

class MetricSource final : public Controller {
 public:
  explicit MetricSource(World& world) : Controller(world, "metric-source") {
    set_start_jitter(Duration{0});  // the scenario's own clock: its points and actions are exact
    read_settings();
    const auto& timeline = world.scenario().timeline;
    for (std::size_t i = 0; i < timeline.size(); ++i) {
      const TimelineAction& a = timeline[i];
      if (a.action != "metric set") continue;
      validate_action(a);
      world.claim_action(i);
      actions_.push_back(i);
    }
    // Scheduled now, before any other model's start(), so that at equal instants a new value is
    // published before anyone evaluates (see the header comment).
    for (std::size_t m = 0; m < series_.size(); ++m) {
      schedule_cycle(m, 0);
      if (series_[m].repeat.count() > 0) {
        schedule_cycle(m, 1);
        schedule(SimTime{series_[m].repeat}, kPlanCycle, m);
      }
    }
    for (std::size_t i : actions_) schedule(world.scenario().timeline[i].at, kAction, i);
  }

  std::optional<Duration> reconcile(const std::string&) override { return std::nullopt; }

 private:
  static constexpr std::uint32_t kPublish = 0;
  static constexpr std::uint32_t kPlanCycle = 1;
  static constexpr std::uint32_t kAction = 2;

  struct Publication {
    Duration offset;  // within a cycle
    double value;
  };
  struct Series {
    std::string name;
    std::vector<Publication> publications;  // in time order
    Duration repeat{0};
  };

  [[noreturn]] void fail(const std::string& pointer, const std::string& expected, const json& found) const {
    throw InputError(world().scenario().file, world().settings_pointer(name()) + pointer, expected,
                     describe_found(found));
  }
  [[noreturn]] void fail_text(const std::string& pointer, const std::string& expected, const std::string& found) const {
    throw InputError(world().scenario().file, world().settings_pointer(name()) + pointer, expected, found);
  }

  Duration duration_at(const json& v, const std::string& pointer) const {
    return read_duration(v, world().scenario().file, world().settings_pointer(name()) + pointer);
  }

  void read_settings() {
    const json& s = settings();
    for (auto& [key, value] : s.items()) {
      if (key == "enabled") continue;
      if (key != "metrics")
        fail_text("/" + escape_pointer_token(key), "expected one of enabled, metrics", fmt::format("unknown field \"{}\"", key));
      if (!value.is_object()) fail("/metrics", "expected an object of metric name: {points, interpolation, step, repeat}", value);
    }
    if (!s.contains("metrics")) return;
    for (auto& [metric, spec] : s["metrics"].items()) {
      const std::string base = "/metrics/" + escape_pointer_token(metric);
      if (metric.empty()) fail_text(base, "expected a non-empty metric name", "\"\"");
      if (!spec.is_object()) fail(base, "expected {points, interpolation?, step?, repeat?}", spec);
      for (auto& [k, v] : spec.items()) {
        (void)v;
        if (k != "points" && k != "interpolation" && k != "step" && k != "repeat")
          fail_text(base + "/" + escape_pointer_token(k), "expected one of points, interpolation, step, repeat",
                    fmt::format("unknown field \"{}\"", k));
      }
      std::string interpolation = "step";
      if (spec.contains("interpolation")) {
        const json& v = spec["interpolation"];
        if (!v.is_string() || (v != "step" && v != "linear"))
          fail(base + "/interpolation", "expected \"step\" or \"linear\"", v);
        interpolation = v.get<std::string>();
      }
      Duration step = seconds(1);
      if (spec.contains("step")) {
        step = duration_at(spec["step"], base + "/step");
        if (step.count() == 0) fail(base + "/step", "expected a positive duration", spec["step"]);
      }
      Series series;
      series.name = metric;
      if (spec.contains("repeat")) {
        series.repeat = duration_at(spec["repeat"], base + "/repeat");
        if (series.repeat.count() == 0) fail(base + "/repeat", "expected a positive duration", spec["repeat"]);
      }
      if (!spec.contains("points") || !spec["points"].is_array() || spec["points"].empty())
        fail_text(base + "/points", "expected a non-empty array of {at, value}",
                  spec.contains("points") ? describe_found(spec["points"]) : "nothing");
      std::vector<std::pair<Duration, double>> points;
      const json& list = spec["points"];
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string p = base + "/points/" + std::to_string(i);
        const json& pt = list[i];
        if (!pt.is_object()) fail(p, "expected {\"at\": duration, \"value\": number}", pt);
        for (auto& [k, v] : pt.items()) {
          (void)v;
          if (k != "at" && k != "value")
            fail_text(p + "/" + escape_pointer_token(k), "expected at and value", fmt::format("unknown field \"{}\"", k));
        }
        if (!pt.contains("at")) fail_text(p + "/at", "expected the instant of the point (a duration)", "nothing");
        const Duration at = duration_at(pt["at"], p + "/at");
        if (!pt.contains("value") || !pt["value"].is_number())
          fail_text(p + "/value", "expected a number", pt.contains("value") ? describe_found(pt["value"]) : "nothing");
        if (!points.empty() && at <= points.back().first)
          fail(p + "/at", "expected points in strictly increasing time order", pt["at"]);
        if (series.repeat.count() > 0 && at >= series.repeat)
          fail(p + "/at", "expected an instant before the repeat period", pt["at"]);
        points.emplace_back(at, pt["value"].get<double>());
      }
      for (std::size_t i = 0; i < points.size(); ++i) {
        series.publications.push_back({points[i].first, points[i].second});
        if (interpolation != "linear" || i + 1 == points.size()) continue;
        const auto [t0, v0] = points[i];
        const auto [t1, v1] = points[i + 1];
        const double span = static_cast<double>((t1 - t0).count());
        for (Duration t = t0 + step; t < t1; t += step) {
          const double f = static_cast<double>((t - t0).count()) / span;
          series.publications.push_back({t, v0 + (v1 - v0) * f});
        }
      }
      series_.push_back(std::move(series));
    }
  }

  void validate_action(const TimelineAction& a) const {
    auto bad = [&](const std::string& field, const std::string& expected, const std::string& found) {
      throw InputError(world().scenario().file, a.pointer + "/" + field, expected, found);
    };
    for (auto& [k, v] : a.spec.items()) {
      (void)v;
      if (k != "at" && k != "action" && k != "description" && k != "metric" && k != "value")
        bad(k, "expected one of at, action, description, metric, value", fmt::format("unknown field \"{}\"", k));
    }
    if (!a.spec.contains("metric") || !a.spec["metric"].is_string() || a.spec["metric"].get<std::string>().empty())
      bad("metric", "expected the metric's name", a.spec.contains("metric") ? describe_found(a.spec["metric"]) : "nothing");
    if (!a.spec.contains("value") || !a.spec["value"].is_number())
      bad("value", "expected a number", a.spec.contains("value") ? describe_found(a.spec["value"]) : "nothing");
  }

  void schedule_cycle(std::size_t m, std::uint64_t cycle) {
    const Series& s = series_[m];
    const Duration base = s.repeat * static_cast<std::int64_t>(cycle);
    for (std::size_t i = 0; i < s.publications.size(); ++i) {
      const SimTime at{base + s.publications[i].offset};
      if (at > SimTime{world().scenario().duration}) break;
      if (at == kTimeZero) {
        publish(s.name, s.publications[i].value);  // visible to everything that runs at t = 0
        continue;
      }
      schedule(at, kPublish, (static_cast<std::uint64_t>(m) << 32) | i);
    }
  }

  void publish(const std::string& metric, double value) {
    world().metrics().publish(metric, value, value > 0.0, now());
  }

  void on_timer(std::uint32_t kind, std::uint64_t payload) override {
    if (kind == kPublish) {
      const Series& s = series_[payload >> 32];
      publish(s.name, s.publications[payload & 0xffffffffu].value);
    } else if (kind == kPlanCycle) {
      // At the start of cycle k, cycle k + 1 is scheduled: a full period ahead of its instants.
      Series& s = series_[payload];
      const std::uint64_t k = static_cast<std::uint64_t>(now().time_since_epoch() / s.repeat);
      if (SimTime{s.repeat * static_cast<std::int64_t>(k + 1)} > SimTime{world().scenario().duration}) return;
      schedule_cycle(payload, k + 1);
      schedule(now() + s.repeat, kPlanCycle, payload);
    } else if (kind == kAction) {
      const TimelineAction& a = world().scenario().timeline[payload];
      publish(a.spec["metric"].get<std::string>(), a.spec["value"].get<double>());
    }
  }

  std::vector<Series> series_;
  std::vector<std::size_t> actions_;
};

KCSIM_REGISTER_MODEL(MetricSource, "metric-source");

}  // namespace
}  // namespace kcsim
