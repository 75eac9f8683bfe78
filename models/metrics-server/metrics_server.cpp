// metrics-server (kubernetes-sigs/metrics-server v0.7; pkg/server/server.go, pkg/storage/pod.go,
// pkg/storage/types.go read at commit 07472af): scrapes every kubelet's resource metrics and serves
// the resource metrics API (metrics.k8s.io) the HPA and `kubectl top` read. docs/models/metrics-server.md.
//
//  - Cadence: runScrape ticks once when the process starts, then on a time.Ticker of
//    --metric-resolution (15 s by default, settings.metrics-server.metricResolution). The process
//    starts after a start-up jitter in [0, 2 s) drawn from the stream "metrics-server/start", as a
//    controller's (docs/models/timing.md); the ticker never drifts.
//  - A scrape reads, for each Running pod, its running containers' cumulative CPU time and
//    working set (the usage model, models/kube/container_usage.hpp). The node scrapes of one tick
//    are taken to happen at the tick (upstream spreads them over the resolution and stamps each
//    point with cAdvisor's own time).
//  - podStorage.Store: a container's previous point is its last one, unless it restarted since
//    (then there is none); a container first seen between 10 s (freshContainerMinMetricsResolution)
//    and one resolution after it started gets its start as the previous point, with no CPU used.
//    GetMetrics: a pod has metrics only when every container of its last scrape has a previous
//    point; CPU is the rate between the two points (nanocores, truncated as the uint64
//    conversion), memory the last working set; timestamp the last point's, window their distance.
//    So a pod has no metrics before its first scrape, and usually none before its second.
//  - When it runs: with settings.metrics-server.enabled true, from the start; otherwise from the
//    moment an HPA with a Resource or ContainerResource metric exists (a cluster whose HPAs use only
//    External metrics behaves, and is simulated, the same with or without one, so such runs are
//    left exactly as they were). Until then there is no resource metrics API in the run.
//
// Settings (settings.metrics-server): enabled, metricResolution, usage {cpu, cpuPerRequest,
// cpuPerInFlight, memory, memoryPerInFlight} (the usage model's cluster-wide terms).
#include <map>

#include <fmt/format.h>

#include "../kube/container_usage.hpp"
#include "kcsim/apiserver/model.hpp"
#include "kcsim/apiserver/pod_load.hpp"
#include "kcsim/apiserver/resource_metrics.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim::models {
namespace {

// pkg/storage/pod.go freshContainerMinMetricsResolution.
constexpr Duration kFreshContainerMin = seconds(10);
// The start-up jitter of a process (docs/models/timing.md, Controller::kDefaultStartJitter).
constexpr Duration kStartJitter = seconds(2);

struct Point {
  SimTime timestamp{};
  SimTime start{};
  std::int64_t cpu_cumulative = 0;  // millicore-microseconds since start
  std::int64_t memory_bytes = 0;
};
using ContainerPoints = std::map<std::string, Point>;

bool uses_resource_metric(const json& hpa) {
  const json* metrics = find(hpa, {"spec", "metrics"});
  if (!metrics || !metrics->is_array()) return false;
  for (const json& m : *metrics)
    if (m.is_object() && (m.value("type", json()) == "Resource" || m.value("type", json()) == "ContainerResource"))
      return true;
  return false;
}

class MetricsServer final : public Model, public Watcher {
 public:
  explicit MetricsServer(World& world) : Model(world, "metrics-server") {
    read_settings();
    check_scenario_annotations();
    world.provide<PodLoad>();
  }

  void start() override {
    start_ = SimTime{world().stream(name() + "/start").uniform_duration(Duration{0}, kStartJitter)};
    if (forced_) {
      activate();
      return;
    }
    api().watch("HorizontalPodAutoscaler", this);
    for (const ObjectPtr& h : api().list("HorizontalPodAutoscaler"))
      if (uses_resource_metric(*h)) return activate();
  }

  void on_watch_event(const WatchEvent& e) override {
    if (!active_ && e.type != WatchEventType::kDeleted && uses_resource_metric(*e.object)) activate();
  }

  void on_event(std::uint32_t kind, std::uint64_t /*payload*/) override {
    if (kind != kScrape) return;
    scrape();
    engine().schedule_at(now() + resolution_, this, kScrape);
  }

 private:
  static constexpr std::uint32_t kScrape = 1;

  void read_settings() {
    const json& s = settings();
    const std::string& file = world().scenario().file;
    const std::string base = world().settings_pointer(name());
    for (auto& [key, value] : s.items()) {
      const std::string p = base + "/" + escape_pointer_token(key);
      if (key == "enabled") {
        forced_ = value.is_boolean() && value.get<bool>();
      } else if (key == "metricResolution") {
        resolution_ = read_duration(value, file, p);
        if (resolution_ < seconds(1))
          throw InputError(file, p, "expected a duration of at least 1s such as \"15s\"", describe_found(value));
      } else if (key == "usage") {
        if (!value.is_object()) throw InputError(file, p, "expected an object", describe_found(value));
        for (auto& [term, v] : value.items()) {
          const std::string tp = p + "/" + escape_pointer_token(term);
          if (term != "cpu" && term != "cpuPerRequest" && term != "cpuPerInFlight" && term != "memory" &&
              term != "memoryPerInFlight")
            throw InputError(file, tp, "expected one of cpu, cpuPerRequest, cpuPerInFlight, memory, memoryPerInFlight",
                             fmt::format("unknown field \"{}\"", term));
          if (const std::string why = set_usage_term(defaults_, term, v); !why.empty())
            throw InputError(file, tp, why, describe_found(v));
        }
      } else {
        throw InputError(file, p, "expected one of enabled, metricResolution, usage",
                         fmt::format("unknown field \"{}\"", key));
      }
    }
  }

  // The usage annotations of the scenario's manifests are checked up front, as the kubelet checks
  // its own: a typo is an input error with its place, not a silently idle pod.
  void check_scenario_annotations() const {
    const Scenario& sc = world().scenario();
    auto check = [&](const json& m, const std::string& pointer) {
      const auto [where, why] = check_usage_annotations(m, pointer);
      if (!where.empty()) {
        const json* v = nullptr;
        try {
          v = &m.at(json::json_pointer(where.substr(pointer.size())));
        } catch (...) {
        }
        throw InputError(sc.file, where, why, v ? describe_found(*v) : "an invalid value");
      }
    };
    for (std::size_t i = 0; i < sc.objects.size(); ++i) check(sc.objects[i], fmt::format("/objects/{}", i));
    for (const TimelineAction& a : sc.timeline)
      if (a.spec.is_object() && a.spec.contains("manifest")) check(a.spec["manifest"], a.pointer + "/manifest");
  }

  void activate() {
    active_ = true;
    api_ = &world().provide<ResourceMetricsApi>();
    load_ = world().service<PodLoad>();
    // The ticker's next tick: start_, start_ + resolution, ...
    SimTime next = start_;
    if (now() > next) {
      const auto k = ((now() - start_).count() + resolution_.count() - 1) / resolution_.count();
      next = start_ + Duration{k * resolution_.count()};
    }
    engine().schedule_at(next, this, kScrape);
  }

  void scrape() {
    const SimTime t = now();
    const std::int64_t epoch = api().epoch().unix_seconds;
    std::map<ResourceMetricsApi::Key, ContainerPoints> last, prev;
    for (const ObjectPtr& pod : api().list("Pod")) {
      const ObjectRef ref = ObjectRef::of(*pod);
      std::optional<PodLoad::Counters> counters;
      if (load_) counters = load_->read(ref.ns, ref.name, t);
      const std::vector<ContainerPoint> points = measure_pod(*pod, defaults_, counters, epoch, t);
      if (points.empty()) continue;
      const ResourceMetricsApi::Key key{ref.ns, ref.name};
      ContainerPoints& lp = last[key];
      ContainerPoints pp;
      const auto old_last = last_.find(key);
      const auto old_prev = prev_.find(key);
      for (const ContainerPoint& c : points) {
        const Point np{t, c.start, c.cpu_cumulative, c.memory_bytes};
        lp[c.name] = np;
        const Duration age = t - c.start;
        if (c.start < t && age < resolution_ && age >= kFreshContainerMin) {
          pp[c.name] = Point{c.start, c.start, 0, c.memory_bytes};
        } else if (old_last != last_.end()) {
          auto lc = old_last->second.find(c.name);
          if (lc != old_last->second.end() && c.start < lc->second.timestamp) {
            if (t > lc->second.timestamp) {
              pp[c.name] = lc->second;
            } else if (old_prev != prev_.end()) {
              auto pc = old_prev->second.find(c.name);
              if (pc != old_prev->second.end() && pc->second.timestamp < t) pp[c.name] = pc->second;
            }
          }
        }
      }
      if (!pp.empty()) prev[key] = std::move(pp);
    }
    last_ = std::move(last);
    prev_ = std::move(prev);
    api_->replace(metrics());
  }

  // podStorage.GetMetrics for every pod.
  std::map<ResourceMetricsApi::Key, ResourceMetricsApi::PodMetrics> metrics() const {
    std::map<ResourceMetricsApi::Key, ResourceMetricsApi::PodMetrics> out;
    for (const auto& [key, containers] : last_) {
      const auto p = prev_.find(key);
      if (p == prev_.end()) continue;
      ResourceMetricsApi::PodMetrics pm;
      bool all = true, first = true;
      for (const auto& [name, l] : containers) {
        const auto pc = p->second.find(name);
        if (pc == p->second.end()) {
          all = false;
          break;
        }
        const Point& pr = pc->second;
        const Duration window = l.timestamp - pr.timestamp;
        if (window.count() <= 0 || l.cpu_cumulative < pr.cpu_cumulative) continue;  // resourceUsage's errors
        // nanocores = uint64(ΔCPU / window seconds); the API's MilliValue rounds up.
        const __int128 nano = static_cast<__int128>(l.cpu_cumulative - pr.cpu_cumulative) * 1000000 / window.count();
        const auto milli = static_cast<std::int64_t>((nano + 999999) / 1000000);
        pm.containers.push_back({name, milli, l.memory_bytes});
        if (first || l.timestamp < pm.timestamp) {  // the earliest TimeInfo of the pod's containers
          pm.timestamp = l.timestamp;
          pm.window = window;
        }
        first = false;
      }
      if (all) out.emplace(key, std::move(pm));
    }
    return out;
  }

  bool forced_ = false;
  bool active_ = false;
  Duration resolution_ = seconds(15);
  SimTime start_{};
  UsageTerms defaults_;
  ResourceMetricsApi* api_ = nullptr;
  PodLoad* load_ = nullptr;
  std::map<ResourceMetricsApi::Key, ContainerPoints> last_, prev_;
};

KCSIM_REGISTER_MODEL(MetricsServer, "metrics-server");

}  // namespace
}  // namespace kcsim::models
