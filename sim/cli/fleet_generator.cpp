// The fleet generator: N services in the shapes of the project's scenarios, one Git repository,
// one ArgoCD Application per service. Every draw comes from the "fleet-generator" stream, so the
// same options give the same scenario.
#include "kcsim/cli/fleet_generator.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/core/random.hpp"

namespace kcsim {
namespace {

const std::string kOrigin = "kcsim generate fleet";
const std::string kRepo = "https://git.fleet.example/platform/deploy.git";
constexpr int kServicesPerNamespace = 50;
constexpr int kMaxServices = 60000;  // traffic sources and workloads are 16-bit indices

const char* const kTrafficKinds[] = {"idle", "poisson", "bursts", "diurnal"};

std::string seconds_text(double s) { return fmt::format("{}s", static_cast<std::int64_t>(std::llround(s))); }

// Rounds to two decimals so that the document stays short and readable.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

json deployment(const FleetService& s, int index) {
  const json labels = {{"app.kubernetes.io/name", s.name}, {"app.kubernetes.io/instance", s.name}};
  return json{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", s.name}, {"namespace", s.ns}, {"labels", labels}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", labels}}},
        {"template",
         {{"metadata", {{"labels", labels}}},
          {"spec",
           {{"containers",
             json::array({{{"name", "app"},
                           {"image", fmt::format("registry.fleet.example/{}:1.{}.0", s.name, index % 10)},
                           {"ports", json::array({{{"name", "http"}, {"containerPort", 8080}}})},
                           {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}}})}}}}}}}};
}

json service(const FleetService& s) {
  return json{{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata", {{"name", s.name}, {"namespace", s.ns}}},
              {"spec",
               {{"selector", {{"app.kubernetes.io/name", s.name}, {"app.kubernetes.io/instance", s.name}}},
                {"ports", json::array({{{"name", "http"}, {"port", 8080}, {"targetPort", "http"}}})}}}};
}

std::string host_of(const FleetService& s) { return fmt::format("{}.{}.fleet.example", s.name, s.ns); }

// A daily load curve for a metric-source series (docs/models/keda-hpa.md): low at night, high
// in working hours, repeating every 24 h.
json daily_series(RandomStream& rng, double low, double high) {
  const int from = 6 + static_cast<int>(rng.uniform_int(4));  // 06:00..09:00
  const int to = from + 8 + static_cast<int>(rng.uniform_int(4));
  return json{{"points", json::array({{{"at", "0s"}, {"value", round2(low)}},
                                      {{"at", fmt::format("{}h", from)}, {"value", round2(high)}},
                                      {{"at", fmt::format("{}h", to)}, {"value", round2(low)}}})},
              {"repeat", "24h"}};
}

json traffic_pattern(RandomStream& rng, const std::string& kind) {
  // Rates stay low (a fraction of a request per second on average): a fleet week is about the
  // controllers, and every request is an event and a 32-byte record.
  if (kind == "poisson") return {{"type", "poisson"}, {"rate", round2(rng.uniform(0.02, 0.5))}};
  if (kind == "bursts")
    return {{"type", "bursts"},
            {"rate", round2(rng.uniform(2.0, 20.0))},
            {"on", seconds_text(60.0 * static_cast<double>(1 + rng.uniform_int(5)))},
            {"off", seconds_text(60.0 * static_cast<double>(25 + rng.uniform_int(91)))},
            {"offset", seconds_text(60.0 * static_cast<double>(rng.uniform_int(60)))}};
  if (kind == "diurnal") {
    const double mean = rng.uniform(0.05, 0.5);
    return {{"type", "diurnal"},
            {"mean", round2(mean)},
            {"amplitude", round2(mean * rng.uniform(0.5, 1.0))},
            {"period", "24h"},
            {"peak", fmt::format("{}h", 10 + rng.uniform_int(8))}};
  }
  return {{"type", "idle"}};
}

}  // namespace

Fleet generate_fleet(const FleetOptions& o) {
  if (o.services < 1 || o.services > kMaxServices)
    throw InputError(kOrigin, "", fmt::format("--services between 1 and {}", kMaxServices), std::to_string(o.services));
  if (!(o.fight_fraction >= 0.0 && o.fight_fraction <= 1.0))
    throw InputError(kOrigin, "", "--fight-fraction between 0 and 1", fmt::format("{}", o.fight_fraction));
  if (!(o.http_fraction >= 0.0 && o.http_fraction <= 1.0))
    throw InputError(kOrigin, "", "--http-fraction between 0 and 1", fmt::format("{}", o.http_fraction));
  const bool mixed = o.traffic == "mixed";
  if (!mixed && std::find(std::begin(kTrafficKinds), std::end(kTrafficKinds), o.traffic) == std::end(kTrafficKinds))
    throw InputError(kOrigin, "", "--traffic mixed, idle, poisson, bursts or diurnal", "\"" + o.traffic + "\"");

  RandomStream rng(o.seed, "fleet-generator");
  const int n = o.services;

  // Exactly round(n × fraction) fighting services, drawn by a partial Fisher–Yates shuffle.
  const int fights = static_cast<int>(std::llround(n * o.fight_fraction));
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  for (int i = 0; i < fights; ++i) {
    const int j = i + static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(n - i)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  std::vector<bool> fight(static_cast<std::size_t>(n), false);
  for (int i = 0; i < fights; ++i) fight[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = true;

  Fleet fleet;
  json objects = json::array();
  json files = json::object();
  json metrics = json::object();
  json traffic = json::array();
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < n; ++i) {
    FleetService s;
    s.name = fmt::format("svc-{:04d}", i + 1);
    s.ns = fmt::format("team-{:02d}", i / kServicesPerNamespace);
    s.fight = fight[static_cast<std::size_t>(i)];
    const double pick = rng.uniform();
    s.autoscaler = pick < o.http_fraction ? "http-add-on"
                   : pick < o.http_fraction + (1.0 - o.http_fraction) / 2.0 ? "keda"
                                                                            : "hpa";
    s.traffic = mixed ? kTrafficKinds[rng.uniform_int(4)] : o.traffic;
    // An HTTP service with traffic scales up and the add-on's HPA takes /spec/replicas from Git's
    // 1, which self-heal would also put back: the fight needs no traffic to show, so the fighting
    // HTTP services of a mixed fleet are idle (the incident's own shape).
    if (mixed && s.fight && s.autoscaler == "http-add-on") s.traffic = "idle";

    json manifests = json::array({deployment(s, i), service(s)});
    const int max_replicas = 3 + static_cast<int>(rng.uniform_int(8));
    if (s.autoscaler == "http-add-on") {
      ++counts[0];
      // min 0 only when idle (or fighting): with traffic, KEDA's 0 <-> 1 and the HPA's 1 <-> N
      // would hand /spec/replicas back and forth between two managers every burst, which the
      // fight detector counts (docs/report-format.md); min 1 leaves it to the HPA alone.
      const int min = (s.fight || s.traffic == "idle") ? 0 : 1;
      manifests.push_back(json{
          {"apiVersion", "http.keda.sh/v1alpha1"},
          {"kind", "HTTPScaledObject"},
          {"metadata", {{"name", s.name}, {"namespace", s.ns}}},
          {"spec",
           {{"hosts", json::array({host_of(s)})},
            {"scaleTargetRef",
             {{"name", s.name}, {"kind", "Deployment"}, {"apiVersion", "apps/v1"}, {"service", s.name}, {"port", 8080}}},
            {"replicas", {{"min", min}, {"max", max_replicas}}},
            {"scalingMetric", {{"concurrency", {{"targetValue", 5 + static_cast<int>(rng.uniform_int(16))}}}}}}}});
    } else if (s.autoscaler == "keda") {
      ++counts[1];
      const std::string metric = s.name + "-queue";
      // Fighting: no load at all, so KEDA scales the Deployment to zero and self-heal puts Git's
      // 1 back (six-minute-loop.json). Otherwise a daily curve above the activation threshold.
      metrics[metric] = s.fight ? json{{"points", json::array({{{"at", "0s"}, {"value", 0}}})}}
                                : daily_series(rng, rng.uniform(1.0, 10.0), rng.uniform(20.0, 80.0));
      manifests.push_back(json{
          {"apiVersion", "keda.sh/v1alpha1"},
          {"kind", "ScaledObject"},
          {"metadata", {{"name", s.name}, {"namespace", s.ns}}},
          {"spec",
           {{"scaleTargetRef", {{"name", s.name}}},
            {"minReplicaCount", s.fight ? 0 : 1},
            {"maxReplicaCount", max_replicas},
            {"triggers",
             json::array({{{"type", "kcsim-metric"}, {"metadata", {{"metricName", metric}, {"threshold", "10"}}}}})}}}});
    } else {
      ++counts[2];
      const std::string metric = s.name + "-rps";
      metrics[metric] = daily_series(rng, rng.uniform(1.0, 10.0), rng.uniform(20.0, 80.0));
      // Fighting: minReplicas 2 against Git's replicas 1 (argocd-vs-hpa.json).
      manifests.push_back(json{
          {"apiVersion", "autoscaling/v2"},
          {"kind", "HorizontalPodAutoscaler"},
          {"metadata", {{"name", s.name}, {"namespace", s.ns}}},
          {"spec",
           {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", s.name}}},
            {"minReplicas", s.fight ? 2 : 1},
            {"maxReplicas", max_replicas},
            {"metrics", json::array({{{"type", "External"},
                                      {"external",
                                       {{"metric", {{"name", metric}}},
                                        {"target", {{"type", "AverageValue"}, {"averageValue", "10"}}}}}}})}}}});
    }
    const std::string path = fmt::format("services/{}/{}", s.ns, s.name);
    files[path + "/manifests.yaml"] = std::move(manifests);

    json sync_options = json::array({"CreateNamespace=true"});
    json app_spec = {
        {"project", "default"},
        {"source", {{"repoURL", kRepo}, {"path", path}, {"targetRevision", "HEAD"}}},
        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", s.ns}}},
    };
    if (!s.fight) {
      // The fix of six-minute-loop-fix-live-ignore.json: the autoscaler owns /spec/replicas.
      sync_options.push_back("RespectIgnoreDifferences=true");
      app_spec["ignoreDifferences"] =
          json::array({{{"group", "apps"}, {"kind", "Deployment"}, {"jsonPointers", json::array({"/spec/replicas"})}}});
    }
    app_spec["syncPolicy"] = {{"automated", {{"prune", true}, {"selfHeal", true}}}, {"syncOptions", sync_options}};
    objects.push_back(json{{"apiVersion", "argoproj.io/v1alpha1"},
                           {"kind", "Application"},
                           {"metadata", {{"name", s.name}, {"namespace", "argocd"}}},
                           {"spec", std::move(app_spec)}});

    if (s.traffic != "idle") {
      json source = {{"name", s.name}, {"pattern", traffic_pattern(rng, s.traffic)}};
      if (s.autoscaler == "http-add-on") source["host"] = host_of(s);
      else source["service"] = s.ns + "/" + s.name;
      source["serviceTime"] = {{"distribution", "lognormal"},
                               {"median", fmt::format("{}ms", 20 + rng.uniform_int(180))},
                               {"sigma", 0.3}};
      traffic.push_back(std::move(source));
    }
    fleet.services.push_back(std::move(s));
  }

  json scenario = {
      {"apiVersion", "kcsim/v1"},
      {"kind", "Scenario"},
      {"metadata",
       {{"name", fmt::format("fleet-{}", n)},
        {"description",
         fmt::format("A generated fleet (kcsim generate fleet --services {} --seed {} --fight-fraction {} "
                     "--http-fraction {} --traffic {}): {} services deployed by ArgoCD Applications from one Git "
                     "repository; {} scaled by the KEDA HTTP add-on, {} by a KEDA ScaledObject, {} by an HPA. "
                     "{} of them fight: their Application lacks the ignoreDifferences rule on /spec/replicas, so "
                     "self-heal puts Git's replicas: 1 back against the autoscaler; the others carry the rule.",
                     n, o.seed, o.fight_fraction, o.http_fraction, o.traffic, n, counts[0], counts[1], counts[2],
                     fights)}}},
      {"seed", o.seed},
      {"duration", o.duration},
      {"startTime", "2026-03-02T00:00:00Z"},
      {"objects", std::move(objects)},
      {"git",
       {{"repoURL", kRepo},
        {"commits", json::array({{{"at", "0s"}, {"message", fmt::format("fleet of {} services", n)}, {"files", files}}})}}},
  };
  if (!metrics.empty()) scenario["settings"] = {{"metric-source", {{"metrics", std::move(metrics)}}}};
  if (!traffic.empty()) scenario["traffic"] = std::move(traffic);
  fleet.scenario = std::move(scenario);
  return fleet;
}

}  // namespace kcsim
