// Helpers for tests that run models in a small World: build one from a scenario with only the
// named models switched on, and record what the API server's watches deliver, with the
// simulated instant of delivery.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/model.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim::testing {

/// The controllers that take reconcileDuration and startDelay (docs/models/timing.md).
inline const std::set<std::string>& timed_controllers() {
  static const std::set<std::string> names = {"argocd", "deployment-controller", "flux", "horizontal-pod-autoscaler",
                                              "http-add-on", "keda", "kubelet", "replicaset-controller"};
  return names;
}

/// How a test World treats time: kExact runs every enabled controller with reconcileDuration 0 and
/// startDelay 0 (unless the scenario sets them), so that a test of one upstream rule can pin the
/// rule's instants on the exact grid; kRealistic keeps the defaults (durations, start jitter).
enum class Timing { kExact, kRealistic };

/// A World from `scenario` (apiVersion, kind, metadata, duration and seed are filled in when
/// absent). Every registered model not in `enabled` gets settings {"enabled": false}.
inline std::unique_ptr<World> make_world(json scenario, const std::set<std::string>& enabled,
                                         Timing timing = Timing::kExact) {
  if (!scenario.contains("apiVersion")) scenario["apiVersion"] = "kcsim/v1";
  if (!scenario.contains("kind")) scenario["kind"] = "Scenario";
  if (!scenario.contains("metadata")) scenario["metadata"] = {{"name", "test"}};
  if (!scenario.contains("duration")) scenario["duration"] = "1h";
  if (!scenario.contains("seed")) scenario["seed"] = 1;
  for (const auto& [name, factory] : ModelRegistry::all()) {
    (void)factory;
    if (!enabled.count(name)) {
      scenario["settings"][name]["enabled"] = false;
    } else if (timing == Timing::kExact && timed_controllers().count(name) &&
               (!scenario.contains("settings") || !scenario["settings"].contains(name) ||
                scenario["settings"][name].is_object())) {
      json& s = scenario["settings"][name];
      if (!s.contains("reconcileDuration")) s["reconcileDuration"] = "0s";
      if (!s.contains("startDelay")) s["startDelay"] = "0s";
    }
  }
  return std::make_unique<World>(parse_scenario(scenario.dump(), "test.json"));
}

inline SimTime at(Duration d) { return SimTime{d}; }

/// Watches a kind with no latency and keeps every event with its instant.
class Recorder : public Watcher {
 public:
  Recorder(World& world, const std::string& kind) : world_(world) {
    world.api().watch(kind, this, Duration{0});
  }
  void on_watch_event(const WatchEvent& event) override {
    seen.push_back({world_.engine().now(), event});
  }

  struct Seen {
    SimTime at;
    WatchEvent event;
  };
  std::vector<Seen> seen;

 private:
  World& world_;
};

/// Records Events (core/v1) as (instant, reason, message) in the order they were recorded,
/// repeats included (a repeat arrives as a modification with count + 1).
class EventLog : public Watcher {
 public:
  explicit EventLog(World& world) : world_(world) { world.api().watch("Event", this, Duration{0}); }
  void on_watch_event(const WatchEvent& event) override {
    if (event.type == WatchEventType::kDeleted) return;  // an Event expiring an hour after its last write
    const json& e = *event.object;
    entries.push_back({world_.engine().now(), e.value("reason", ""), e.value("message", ""),
                       e["involvedObject"].value("kind", ""), e["involvedObject"].value("name", ""),
                       e["source"].value("component", ""), e.value("type", "")});
  }

  struct Entry {
    SimTime at;
    std::string reason, message, kind, name, component, type;
  };
  std::vector<Entry> entries;

  std::vector<Entry> with_reason(const std::string& reason) const {
    std::vector<Entry> out;
    for (const Entry& e : entries)
      if (e.reason == reason) out.push_back(e);
    return out;
  }

 private:
  World& world_;
};

}  // namespace kcsim::testing
