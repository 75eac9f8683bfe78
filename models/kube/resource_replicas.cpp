#include "resource_replicas.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/pod_ready.hpp"
#include "kcsim/k8s/quantity.hpp"

namespace kcsim {
namespace {

struct Groups {
  std::int32_t ready = 0;
  std::vector<const ResourcePod*> unready, missing;
  std::map<std::string, std::int64_t> metrics;  // the samples left after removing ignored and unready pods
};

// groupPods, then removeMetricsForPods for the ignored and the unready ones.
Groups group_pods(const std::vector<ResourcePod>& pods, const ResourceSamples& samples, const std::string& resource,
                  Duration cpu_init, Duration readiness_delay, SimTime now) {
  Groups g;
  for (const auto& [name, sample] : samples) g.metrics[name] = sample.value;
  std::vector<std::string> removed;
  for (const ResourcePod& p : pods) {
    if (p.deleting || p.phase == "Failed") {  // ignored
      removed.push_back(p.name);
      continue;
    }
    if (p.phase == "Pending") {
      g.unready.push_back(&p);
      removed.push_back(p.name);
      continue;
    }
    const auto sample = samples.find(p.name);
    if (sample == samples.end()) {
      g.missing.push_back(&p);
      continue;
    }
    const ResourceSample* metric = &sample->second;
    if (resource == "cpu") {
      bool unready;
      if (!p.has_ready_condition || !p.start_time) {
        unready = true;
      } else if (*p.start_time + cpu_init > now) {
        // Within the initialisation period: unready, or no full window since the last transition.
        unready = p.ready_status == "False" || metric->timestamp < p.ready_transition + metric->window;
      } else {
        // Unready and never ready since it started.
        unready = p.ready_status == "False" && *p.start_time + readiness_delay > p.ready_transition;
      }
      if (unready) {
        g.unready.push_back(&p);
        removed.push_back(p.name);
        continue;
      }
    }
    ++g.ready;
  }
  for (const std::string& name : removed) g.metrics.erase(name);  // removeMetricsForPods
  return g;
}

bool within(double tolerance, double ratio) { return (1.0 - tolerance) <= ratio && ratio <= (1.0 + tolerance); }

// GetResourceReplicas and GetRawResourceReplicas begin alike: a selector with no pods is an error,
// then groupPods, and no pod left with metrics is another error. Sets `error` and returns false
// then.
bool group(const std::vector<ResourcePod>& pods, const ResourceSamples& samples, const std::string& resource,
           const ResourceCalculator& calculator, SimTime now, Groups& g, std::string& error) {
  if (pods.empty()) {
    error = "no pods returned by selector while calculating replica count";
    return false;
  }
  g = group_pods(pods, samples, resource, calculator.cpu_initialization_period, calculator.initial_readiness_delay,
                 now);
  if (g.metrics.empty()) {
    error = "did not receive metrics for targeted pods (pods might be unready)";
    return false;
  }
  return true;
}

// ... and end alike once the missing and unready pods are counted in (`ratio` before, `rebalanced`
// after): the current count within the tolerance or when the direction reverses, else the ceiling
// of rebalanced × pods with metrics, never against the first ratio's direction.
std::int32_t rebalanced_replicas(double tolerance, std::int32_t current, double ratio, double rebalanced,
                                 std::size_t pods_with_metrics) {
  if (within(tolerance, rebalanced) || (ratio < 1.0 && rebalanced > 1.0) || (ratio > 1.0 && rebalanced < 1.0))
    return current;
  const auto replicas = static_cast<std::int32_t>(std::ceil(rebalanced * static_cast<double>(pods_with_metrics)));
  return ((rebalanced < 1.0 && replicas > current) || (rebalanced > 1.0 && replicas < current)) ? current : replicas;
}

// GetResourceUtilizationRatio.
struct Utilization {
  double ratio = 0;
  std::int32_t utilization = 0;
  std::int64_t raw = 0;
  bool ok = false;
};
Utilization utilization_ratio(const std::map<std::string, std::int64_t>& metrics,
                              const std::map<std::string, std::int64_t>& requests, std::int32_t target) {
  std::int64_t metrics_total = 0, requests_total = 0, entries = 0;
  for (const auto& [pod, value] : metrics) {
    auto r = requests.find(pod);
    if (r == requests.end()) continue;
    metrics_total += value;
    requests_total += r->second;
    ++entries;
  }
  Utilization u;
  if (requests_total == 0) return u;
  u.ok = true;
  u.utilization = static_cast<std::int32_t>((metrics_total * 100) / requests_total);
  u.ratio = static_cast<double>(u.utilization) / static_cast<double>(target);
  u.raw = metrics_total / entries;
  return u;
}

// GetMetricUsageRatio.
std::pair<double, std::int64_t> usage_ratio(const std::map<std::string, std::int64_t>& metrics, std::int64_t target) {
  std::int64_t total = 0;
  for (const auto& [pod, value] : metrics) total += value;
  const std::int64_t usage = total / static_cast<std::int64_t>(metrics.size());
  return {static_cast<double>(usage) / static_cast<double>(target), usage};
}

std::optional<SimTime> instant(const json* v, std::int64_t epoch) {
  if (!v || !v->is_string()) return std::nullopt;
  const auto unix = parse_rfc3339(v->get<std::string>());
  if (!unix) return std::nullopt;
  return SimTime{seconds(*unix - epoch)};
}

}  // namespace

ResourcePod resource_pod(const json& pod, const std::string& resource, const std::string& container,
                         std::int64_t epoch) {
  ResourcePod p;
  p.name = str_at(pod, {"metadata", "name"});
  p.deleting = find(pod, {"metadata", "deletionTimestamp"}) != nullptr;
  p.phase = str_at(pod, {"status", "phase"});
  p.start_time = instant(find(pod, {"status", "startTime"}), epoch);
  if (const json* ready = pod_ready_condition(pod)) {
    p.has_ready_condition = true;
    p.ready_status = str_at(*ready, {"status"});
    p.ready_transition = instant(find(*ready, {"lastTransitionTime"}), epoch).value_or(SimTime{});
  }
  // calculateRequests (calculatePodRequestsFromContainers): the named container, or the sum over
  // the containers and the restartable init containers; the first without a request is the error.
  // (Pod-level requests, KEP-2837, are not modelled.)
  std::vector<const json*> containers;
  if (const json* cs = find(pod, {"spec", "containers"}); cs && cs->is_array())
    for (const json& c : *cs) containers.push_back(&c);
  if (const json* cs = find(pod, {"spec", "initContainers"}); cs && cs->is_array())
    for (const json& c : *cs)
      if (c.is_object() && c.value("restartPolicy", json()) == "Always") containers.push_back(&c);
  for (const json* c : containers) {
    const std::string name = c->is_object() ? c->value("name", std::string()) : std::string();
    if (!container.empty() && name != container) continue;
    const json* q = find(*c, {"resources", "requests", resource.c_str()});
    const auto milli = q ? quantity_milli(*q) : std::nullopt;
    if (!milli) {
      p.request_error = fmt::format("missing request for {} in container {} of Pod {}", resource, name, p.name);
      return p;
    }
    p.request += *milli;
    if (!container.empty()) return p;  // container names are unique in a pod
  }
  if (!container.empty()) p.request_error = fmt::format("container {} not found in Pod {}", container, p.name);
  return p;
}

std::optional<ResourceSamples> resource_samples(
    const std::vector<std::pair<std::string, const ResourceMetricsApi::PodMetrics*>>& listed, const std::string& /*ns*/,
    const std::string& resource, const std::string& container, std::string& error) {
  if (listed.empty()) {
    error = "no metrics returned from resource metrics API";
    return std::nullopt;
  }
  auto value = [&](const ResourceMetricsApi::ContainerMetrics& c) -> std::optional<std::int64_t> {
    if (resource == "cpu") return c.cpu_milli;
    if (resource == "memory") return c.memory_bytes * 1000;  // Quantity.MilliValue()
    return std::nullopt;                                     // metrics-server reports cpu and memory only
  };
  ResourceSamples out;
  for (const auto& [name, pm] : listed) {
    if (!container.empty()) {
      // getContainerMetrics: a pod whose metrics lack the container is logged ("Missing container
      // metric") and left out, so the calculator counts it as missing. (Earlier releases failed the
      // whole list with "failed to get container metrics: container C not present in metrics for
      // pod NS/P"; upstream's test MissingContainerMetricScaleUpIgnoresFailedPods pins the newer rule.)
      for (const auto& c : pm->containers)
        if (c.name == container) {
          if (const auto v = value(c)) out[name] = ResourceSample{*v, pm->timestamp, pm->window};
          break;
        }
    } else {
      // getPodMetrics: the sum over containers; a pod without containers or values is left out.
      bool missing = pm->containers.empty();
      std::int64_t sum = 0;
      for (const auto& c : pm->containers) {
        const auto v = value(c);
        if (!v) {
          missing = true;
          break;
        }
        sum += *v;
      }
      if (!missing) out[name] = ResourceSample{sum, pm->timestamp, pm->window};
    }
  }
  return out;
}

ResourceProposal ResourceCalculator::utilization_replicas(std::int32_t current, std::int32_t target,
                                                          const std::string& resource,
                                                          const std::vector<ResourcePod>& pods,
                                                          const ResourceSamples& samples, SimTime now) const {
  ResourceProposal out;
  Groups g;
  if (!group(pods, samples, resource, *this, now, g, out.error)) return out;
  std::map<std::string, std::int64_t> requests;
  for (const ResourcePod& p : pods) {
    if (!p.request_error.empty()) {
      out.error = p.request_error;
      return out;
    }
    requests[p.name] = p.request;
  }
  const Utilization u = utilization_ratio(g.metrics, requests, target);
  if (!u.ok) {
    out.error = "no metrics returned matched known pods";
    return out;
  }
  out.utilization = u.utilization;
  out.raw = u.raw;
  const bool scale_up_with_unready = !g.unready.empty() && u.ratio > 1.0;
  if (!scale_up_with_unready && g.missing.empty()) {
    out.replicas = within(tolerance, u.ratio) ? current
                                              : static_cast<std::int32_t>(std::ceil(u.ratio * static_cast<double>(g.ready)));
    return out;
  }
  if (!g.missing.empty()) {
    if (u.ratio < 1.0) {
      // Scale-down: a missing pod uses its whole request (or the target, above 100 %).
      const std::int64_t fallback = std::max<std::int64_t>(100, target);
      for (const ResourcePod* p : g.missing) g.metrics[p->name] = requests[p->name] * fallback / 100;
    } else if (u.ratio > 1.0) {
      for (const ResourcePod* p : g.missing) g.metrics[p->name] = 0;  // scale-up: it uses nothing
    }
  }
  if (scale_up_with_unready)
    for (const ResourcePod* p : g.unready) g.metrics[p->name] = 0;
  const Utilization n = utilization_ratio(g.metrics, requests, target);
  if (!n.ok) {
    out.error = "no metrics returned matched known pods";
    return out;
  }
  out.replicas = rebalanced_replicas(tolerance, current, u.ratio, n.ratio, g.metrics.size());
  return out;
}

ResourceProposal ResourceCalculator::raw_replicas(std::int32_t current, std::int64_t target, const std::string& resource,
                                                  const std::vector<ResourcePod>& pods,
                                                  const ResourceSamples& samples, SimTime now) const {
  ResourceProposal out;
  Groups g;
  if (!group(pods, samples, resource, *this, now, g, out.error)) return out;
  const auto [ratio, usage] = usage_ratio(g.metrics, target);
  out.raw = usage;
  const bool scale_up_with_unready = !g.unready.empty() && ratio > 1.0;
  if (!scale_up_with_unready && g.missing.empty()) {
    out.replicas = within(tolerance, ratio) ? current
                                            : static_cast<std::int32_t>(std::ceil(ratio * static_cast<double>(g.ready)));
    return out;
  }
  if (!g.missing.empty()) {
    if (ratio < 1.0) {
      for (const ResourcePod* p : g.missing) g.metrics[p->name] = target;  // exactly the target
    } else if (ratio > 1.0) {
      for (const ResourcePod* p : g.missing) g.metrics[p->name] = 0;
    }
  }
  if (scale_up_with_unready)
    for (const ResourcePod* p : g.unready) g.metrics[p->name] = 0;
  const double new_ratio = usage_ratio(g.metrics, target).first;
  out.replicas = rebalanced_replicas(tolerance, current, ratio, new_ratio, g.metrics.size());
  return out;
}

}  // namespace kcsim
