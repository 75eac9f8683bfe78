// Expectations: what a scenario says the real controllers would do, checked after (and during)
// the run. docs/scenario-format.md lists the forms.
#pragma once

#include <vector>

#include "kcsim/scenario/scenario.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// Checks the expectations' shapes at load time; throws InputError with the JSON pointer.
void validate_expectations(const Scenario& scenario);

/// Evaluates expectations. State expectations ("at") are sampled while the run passes their
/// instants; the rest read the report and the recorded events afterwards.
class ExpectationChecker {
 public:
  explicit ExpectationChecker(const Scenario& scenario);

  /// The distinct instants at which state must be sampled, ascending.
  std::vector<SimTime> probe_times() const;
  /// Samples every state expectation due at `t` (call after world.run(t)).
  void probe(const World& world, SimTime t);
  /// [{description, passed, detail}] in file order.
  json results(const World& world, const json& report) const;

 private:
  const Scenario& scenario_;
  std::vector<json> sampled_;  // per expectation: the observed value of an "at" expectation
};

/// Reads a report path such as "workloads[Deployment/default/web].pods.created",
/// "fights.length" or "writes[manager=keda,field=/spec/replicas].count". Returns null if absent.
json report_value(const json& report, const std::string& path);

}  // namespace kcsim
