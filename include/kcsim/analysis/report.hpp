// The report: computed after the run from the recorded history (writes, object lifetimes,
// events), never from counters sprinkled through the models.
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// The JSON report (docs/report-format.md). Keys are only ever added, never changed.
json build_report(const World& world);

/// The short human report printed by `kcsim run` (text format).
std::string render_text_report(const json& report);

/// Every Event of the run in `kubectl get events -A` layout (NAMESPACE, LAST SEEN, TYPE, REASON,
/// OBJECT, MESSAGE), sorted by creation time, ages relative to `at`.
std::string render_events_table(const World& world, SimTime at);

}  // namespace kcsim
