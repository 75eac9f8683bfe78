// Cost of an API server write: the scale-subresource update that autoscalers issue, on a
// realistic Deployment (managedFields, history recording, watch fan-out to one watcher).
#include <benchmark/benchmark.h>

#include "kcsim/apiserver/api_server.hpp"

namespace {

kcsim::json deployment() {
  return kcsim::json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
      "template": {"metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "app", "image": "example/web:1.0",
          "ports": [{"containerPort": 8080}],
          "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}}})");
}

struct NullWatcher final : kcsim::Watcher {
  std::size_t seen = 0;
  void on_watch_event(const kcsim::WatchEvent&) override { ++seen; }
};

void BM_ApiServerScaleWrite(benchmark::State& state) {
  kcsim::Engine engine;
  kcsim::ApiServer api(engine, kcsim::Epoch{});
  NullWatcher watcher;
  api.watch("Deployment", &watcher);
  api.create(deployment(), "kubectl-client-side-apply");
  const kcsim::ObjectRef ref{"Deployment", "default", "web"};
  std::int64_t replicas = 1;
  std::int64_t t = 0;
  for (auto _ : state) {
    replicas = replicas == 1 ? 2 : 1;
    api.update_scale(ref, replicas, "", (replicas & 1) ? "keda" : "kube-controller-manager");
    t += 1000;
    engine.run_until(kcsim::SimTime{kcsim::Duration{t}});  // delivers the watch event
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["writes_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ApiServerScaleWrite);

}  // namespace
