// A scenario as a run sees it: the objects live at t = 0, settings, versions, a timeline of
// actions and the expectations (docs/scenario-format.md). The World holds one and the models read
// it; reading and validating one from a file is the scenario layer's job
// (include/kcsim/scenario/scenario.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// The component versions a scenario declares; absent components get today's releases.
class Versions {
 public:
  /// Defaults: kubernetes 1.32.0, keda 2.18.0, http-add-on 0.10.0, argocd 3.3.0.
  Versions();
  void set(const std::string& component, const std::string& version) { v_[component] = version; }
  const std::string& get(const std::string& component) const;
  /// Compares dotted numeric versions ("2.17.1" < "2.18"); a leading "v" is ignored.
  bool at_least(const std::string& component, const std::string& version) const;
  const std::map<std::string, std::string>& all() const { return v_; }

 private:
  std::map<std::string, std::string> v_;
};

/// Compares dotted versions: negative, zero or positive like strcmp.
int compare_versions(const std::string& a, const std::string& b);

/// One timeline entry: an action at an instant, handled by the model that claims it.
struct TimelineAction {
  SimTime at;
  std::string action;  // "kubectl apply", "kubectl scale", "kubectl delete", "git commit", ...
  json spec;           // the whole entry as written
  std::string pointer; // "/timeline/3"
};

struct Scenario {
  std::string file;  // path as given, for messages
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  Duration duration = hours(1);
  Epoch epoch;
  Versions versions;
  json settings = json::object();      // settings.<model name> → that model's settings
  std::vector<json> objects;           // manifests live at t = 0, in file order
  std::vector<TimelineAction> timeline;  // sorted by time, stable
  json expectations = json::array();
  json raw;  // the whole document (models read their own sections, e.g. "git", "traffic"); a run
             // without fix checks drops its "objects", which only the fix checks read (runner.cpp)
  /// The file's text, so that an error a model finds later (a setting, a timeline action) can
  /// name its line and column (World adds them).
  std::shared_ptr<const std::string> text;
};

/// Reads a duration field: a Go duration string ("5m30s") or a non-negative integer number of
/// seconds. Throws InputError naming `pointer`.
Duration read_duration(const json& value, const std::string& file, const std::string& pointer);

}  // namespace kcsim
