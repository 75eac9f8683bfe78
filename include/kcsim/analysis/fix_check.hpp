// Verified fixes: candidate changes derived from a fight's writers, each checked by re-running
// the scenario with that change and looking whether a fight on the same object and field remains.
#pragma once

#include "kcsim/scenario/scenario.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// Candidate fixes for one fight, as changes to the scenario document (Scenario::raw):
/// [{change, patch, doc}] where doc is the changed document. Only candidates that change the
/// document are returned.
json candidate_fixes(const json& doc, const json& fight);

/// Sets report["fights"][i]["fixes"] = [{change, patch, stops_fight, cycles_after}] by re-running
/// `scenario` (same duration and seed) once per candidate. The re-runs never check fixes.
void add_verified_fixes(const Scenario& scenario, json& report, RunLimits limits = {});

}  // namespace kcsim
