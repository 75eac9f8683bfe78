// The world of one run: the engine, the API server, the models, the scenario.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "kcsim/apiserver/external_metrics.hpp"
#include "kcsim/core/random.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/core/input_error.hpp"

namespace kcsim {

class Model;

/// The limits that stop a runaway scenario (docs/reliability.md): each throws RunLimitError
/// (kcsim exits with status 3) instead of letting the run exhaust time or memory.
struct RunLimits {
  std::uint64_t max_events = 200'000'000;
  // Objects created over the run, Events not counted. Kubernetes' own scalability thresholds
  // stop at 150,000 pods per cluster (kubernetes.io, "Considerations for large clusters").
  std::size_t max_objects = 150'000;
  std::uint64_t max_memory_mib = 0;      // 0: default_memory_budget_bytes() (run_guard.hpp)
};

/// A run limit stopped the run (events, objects, memory).
class RunLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunGuard;
struct InvariantOptions;

/// Owns everything a run touches. Models are built from the registry in name order, so that the
/// set of models and their start order never depends on a hash.
class World {
 public:
  /// Builds the API server, creates the scenario's objects at t = 0 (as manager "kubectl",
  /// as if a person had applied them), instantiates every registered model and starts them.
  /// Throws InputError for a model's invalid settings or an unclaimed timeline action.
  explicit World(Scenario scenario, RunLimits limits = {});
  ~World();

  Engine& engine() { return engine_; }
  const Engine& engine() const { return engine_; }
  ApiServer& api() { return *api_; }
  const ApiServer& api() const { return *api_; }
  const Scenario& scenario() const { return scenario_; }
  const Versions& versions() const { return scenario_.versions; }
  /// The external metrics API and push streams (see external_metrics.hpp).
  ExternalMetrics& metrics() { return metrics_; }

  /// Services: the few things models share that are not API objects in Kubernetes either (the
  /// resource metrics API metrics-server serves, the load the kubelet measures, Git); see
  /// docs/architecture.md, "Services". One instance of each type per run. The model that serves
  /// it calls provide<T>(args...) (which creates it from args, or returns the one already there, args
  /// unused); the models and
  /// views that use it call service<T>(), null when no model of this run provides it (no
  /// metrics-server: no resource metrics API, as in a cluster without one).
  template <class T, class... Args>
  T& provide(Args&&... args) {
    if (T* existing = service<T>()) return *existing;
    std::shared_ptr<T> created = std::make_shared<T>(std::forward<Args>(args)...);
    services_.push_back(Service{&service_key<T>, created});
    return *created;
  }
  /// A model that is itself the service (the git model is Git, as ArgoCD's repo-server and
  /// Flux's source-controller see it) registers itself; the World does not own it.
  template <class T>
  void provide(T& implementation) {
    if (service<T>()) throw std::logic_error("two models provide one service");
    services_.push_back(Service{&service_key<T>, std::shared_ptr<T>(std::shared_ptr<T>(), &implementation)});
  }
  template <class T>
  T* service() {
    for (const Service& s : services_)
      if (s.key == &service_key<T>) return static_cast<T*>(s.object.get());
    return nullptr;
  }
  template <class T>
  const T* service() const {
    return const_cast<World*>(this)->service<T>();
  }

  /// settings.<model> of the scenario, or an empty object.
  const json& settings(std::string_view model) const;
  /// The JSON pointer of settings.<model> ("/settings/keda"), for error messages.
  std::string settings_pointer(std::string_view model) const;
  /// A random stream for an agent: derived from (seed, name) only.
  RandomStream stream(std::string_view agent_name) const;

  /// A model marks a timeline action as its own (so unknown actions can be reported).
  void claim_action(std::size_t index);

  /// Runs until the scenario's duration (or `until` if given). Returns why it stopped. Throws
  /// RunLimitError at the object or memory limit, InvariantViolation with --verify.
  StopReason run(std::optional<SimTime> until = {});
  /// `kcsim run --verify`: check the invariants (invariants.hpp) after every event.
  void enable_invariant_checks();

  const std::vector<std::unique_ptr<Model>>& models() const { return models_; }
  /// The model registered under `name`, or null.
  Model* model(std::string_view name) const;

 private:
  void construct();
  /// `e` with its line and column in the scenario file, when it names the scenario.
  InputError placed(const InputError& e) const;

  Scenario scenario_;
  RunLimits limits_;
  Engine engine_;
  std::unique_ptr<ApiServer> api_;
  ExternalMetrics metrics_;
  // One address per service type: the key of services_ (looked up, never iterated in key order).
  template <class T>
  static inline char service_key = 0;  // not const: a writable object is never merged with another
  struct Service {
    const void* key;
    std::shared_ptr<void> object;
  };
  std::vector<Service> services_;  // declared before models_: outlives the models that use it
  std::vector<std::unique_ptr<Model>> models_;
  std::vector<bool> claimed_;
  std::unique_ptr<RunGuard> guard_;
};

}  // namespace kcsim
