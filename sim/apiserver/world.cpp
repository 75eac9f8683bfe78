#include "kcsim/apiserver/world.hpp"

#include <fmt/format.h>

#include "../k8s/json_positions.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/apiserver/model.hpp"
#include "kcsim/apiserver/run_guard.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim {

World::World(Scenario scenario, RunLimits limits)
    : scenario_(std::move(scenario)), limits_(limits), claimed_(scenario_.timeline.size(), false) {
  try {
    construct();
  } catch (const InputError& e) {
    throw placed(e);
  }
}

InputError World::placed(const InputError& e) const {
  return e.file() == scenario_.file && scenario_.text ? with_position(e, *scenario_.text) : e;
}

void World::construct() {
  ApiServerOptions options;
  options.max_objects = limits_.max_objects;
  options.seed = scenario_.seed;
  const std::string& k8s = scenario_.versions.get("kubernetes");
  if (k8s.size() > 2) options.kubernetes_minor = std::atoi(k8s.c_str() + (k8s[0] == 'v' ? 3 : 2));
  if (scenario_.settings.contains("api-server")) {
    const json& s = scenario_.settings["api-server"];
    for (auto& [key, value] : s.items()) {
      if (key == "watchLatency") {
        options.watch_latency = read_duration(value, scenario_.file, "/settings/api-server/watchLatency");
      } else if (key == "elideNoOpEvents") {
        if (!value.is_boolean())
          throw InputError(scenario_.file, "/settings/api-server/elideNoOpEvents", "expected true or false",
                           describe_found(value));
        options.elide_no_op_events = value.get<bool>();
      } else {
        throw InputError(scenario_.file, "/settings/api-server/" + escape_pointer_token(key),
                         "expected watchLatency or elideNoOpEvents", fmt::format("unknown field \"{}\"", key));
      }
    }
  }
  engine_.set_event_limit(limits_.max_events);
  api_ = std::make_unique<ApiServer>(engine_, scenario_.epoch, options);

  // A scenario that asks for more pods at t = 0 than --max-objects allows stops now, with the
  // workload named, instead of after minutes and gigabytes of pod creation (a Deployment with
  // replicas: 1000000 reached the limit after 262 s and 3.1 GB).
  std::uint64_t desired = scenario_.objects.size();
  for (std::size_t i = 0; i < scenario_.objects.size(); ++i) {
    const json& obj = scenario_.objects[i];
    const std::string kind = obj.value("kind", "");
    if (kind != "Deployment" && kind != "ReplicaSet" && kind != "StatefulSet") continue;
    const std::int64_t replicas = int_at(obj, {"spec", "replicas"}, 1);  // validated: int32 >= 0
    desired += static_cast<std::uint64_t>(replicas);
    if (desired > limits_.max_objects)
      throw RunLimitError(fmt::format(
          "{}: /objects/{} ({}) asks for {} replicas: with the scenario's other objects the run would create more "
          "than {} objects (--max-objects); lower spec.replicas or raise --max-objects",
          scenario_.file, i, ObjectRef::of(obj).str(), replicas, limits_.max_objects));
  }

  // The objects live at t = 0, as if a person had applied them with kubectl (client-side apply).
  for (std::size_t i = 0; i < scenario_.objects.size(); ++i) {
    json obj = scenario_.objects[i];
    obj["metadata"]["annotations"][k8s::kLastAppliedConfigAnnotation] =
        scenario_.objects[i].dump() + "\n";
    WriteResult r = api_->create(std::move(obj), "kubectl-client-side-apply");
    if (!r.status.ok())
      throw InputError(scenario_.file, fmt::format("/objects/{}", i), "expected an object the API server accepts",
                       r.status.message);
  }

  // Every registered model runs, in name order; a model with settings {"enabled": false} is left
  // out, as if it were not installed in the cluster.
  for (const auto& [name, factory] : ModelRegistry::all()) {
    const json& s = settings(name);
    if (s.contains("enabled")) {
      if (!s["enabled"].is_boolean())
        throw InputError(scenario_.file, settings_pointer(name) + "/enabled", "expected true or false",
                         describe_found(s["enabled"]));
      if (!s["enabled"].get<bool>()) continue;
    }
    models_.push_back(factory(*this));
    if (auto* c = dynamic_cast<Controller*>(models_.back().get())) c->set_elide_no_op_events(options.elide_no_op_events);
  }
  for (auto& [name, value] : scenario_.settings.items()) {
    (void)value;
    if (name != "api-server" && !ModelRegistry::all().count(name)) {
      std::string known = "api-server";
      for (const auto& [n, f] : ModelRegistry::all()) known += ", " + n;
      throw InputError(scenario_.file, "/settings/" + escape_pointer_token(name),
                       "expected the name of a model (" + known + ")",
                       fmt::format("unknown model \"{}\"", name));
    }
  }
  // Controllers start after their start-up jitter (docs/models/timing.md); other models at t = 0.
  for (auto& m : models_) {
    if (auto* c = dynamic_cast<Controller*>(m.get())) c->launch();
    else m->start();
  }
  guard_ = std::make_unique<RunGuard>(*this, limits_);
  for (std::size_t i = 0; i < claimed_.size(); ++i)
    if (!claimed_[i])
      throw InputError(scenario_.file, scenario_.timeline[i].pointer + "/action",
                       "expected a known action (kubectl apply, kubectl scale, kubectl delete, ...)",
                       describe_found(scenario_.timeline[i].action));
}

World::~World() = default;

const json& World::settings(std::string_view model) const {
  static const json empty = json::object();
  auto it = scenario_.settings.find(std::string(model));
  return it == scenario_.settings.end() ? empty : *it;
}

std::string World::settings_pointer(std::string_view model) const {
  return "/settings/" + escape_pointer_token(std::string(model));
}

RandomStream World::stream(std::string_view agent_name) const {
  return RandomStream(scenario_.seed, agent_name);
}

void World::claim_action(std::size_t index) {
  if (index < claimed_.size()) claimed_[index] = true;
}

StopReason World::run(std::optional<SimTime> until) {
  StopReason stop;
  try {
    stop = engine_.run_until(until.value_or(SimTime{scenario_.duration}));
  } catch (const InputError& e) {
    throw placed(e);  // a timeline action that cannot apply (kubectl edit past a list's end)
  }
  // Only the API server stops the engine, when a create would pass max_objects.
  if (stop == StopReason::kStopped && api_->lifetimes().size() >= limits_.max_objects)
    throw RunLimitError(fmt::format(
        "{}: the run stopped at the object limit at t = {}: {} objects created (--max-objects); the scenario "
        "probably creates objects without bound (a huge replica count, a controller that never stops creating)",
        scenario_.file, format_go_duration(engine_.now().time_since_epoch()), limits_.max_objects));
  return stop;
}

void World::enable_invariant_checks() {
  InvariantOptions options;
  options.replicaset_convergence = model("replicaset-controller") != nullptr;
  guard_->enable_invariant_checks(options);
}

Model* World::model(std::string_view name) const {
  for (const auto& m : models_)
    if (m->name() == name) return m.get();
  return nullptr;
}

}  // namespace kcsim
