// The report for people: the text `kcsim run` prints, and the Events of a run as kubectl lists them.
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// The short human report printed by `kcsim run` (text format).
std::string render_text_report(const json& report);

/// Every Event of the run in `kubectl get events -A` layout (NAMESPACE, LAST SEEN, TYPE, REASON,
/// OBJECT, MESSAGE), sorted by creation time, ages relative to `at`.
std::string render_events_table(const World& world, SimTime at);

}  // namespace kcsim
