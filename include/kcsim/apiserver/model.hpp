// A model: one agent of the simulated cluster (a controller, the kubelet, a person with kubectl,
// Git, traffic). Models talk to each other only through the API server, and through the World's
// services for what is not an API object (World::service<T>(), docs/architecture.md "Services").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kcsim/core/engine.hpp"
#include "kcsim/core/random.hpp"
#include "kcsim/apiserver/request_log.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim {

class Model : public Agent {
 public:
  Model(World& world, std::string name);
  ~Model() override = default;

  /// Called once at t = 0, after every model is constructed, in registry (name) order.
  virtual void start() {}
  /// Adds this model's parts to the report once the run is over (e.g. request latencies).
  /// The report is built from recorded history; never from ad-hoc counters of other models.
  virtual void contribute_report(json& /*report*/) const {}
  /// The requests this model recorded (only traffic has any), for the run's artefacts
  /// (`kcsim run --timeline-requests`, the HTML latency dots). A view: call it after the run.
  virtual RequestLog request_log() const { return {}; }

  const std::string& name() const { return name_; }

 protected:
  World& world() { return world_; }
  const World& world() const { return world_; }
  ApiServer& api() { return world_.api(); }
  Engine& engine() { return world_.engine(); }
  SimTime now() const { return world_.engine().now(); }
  RandomStream& rng() { return rng_; }
  /// This model's settings (settings.<name> in the scenario; {} if absent).
  const json& settings() const { return world_.settings(name_); }

 private:
  World& world_;
  std::string name_;
  RandomStream rng_;
};

using ModelFactory = std::unique_ptr<Model> (*)(World&);

/// Name → factory, ordered by name. Registration is static (KCSIM_REGISTER_MODEL), in the
/// manner of OMNeT++'s Define_Module.
class ModelRegistry {
 public:
  static void add(const char* name, ModelFactory factory);
  static const std::map<std::string, ModelFactory>& all();
};

namespace detail {
struct ModelRegistrar {
  ModelRegistrar(const char* name, ModelFactory factory) { ModelRegistry::add(name, factory); }
};
}  // namespace detail

}  // namespace kcsim

/// Registers a model type under a name: the last line of models/<name>.cpp, inside the
/// namespace that declares the type.
#define KCSIM_REGISTER_MODEL(Type, name_literal)                                              \
  static ::kcsim::detail::ModelRegistrar kcsim_registrar_##Type(                             \
      name_literal, [](::kcsim::World& w) -> std::unique_ptr<::kcsim::Model> {                \
        return std::make_unique<Type>(w);                                                     \
      })
