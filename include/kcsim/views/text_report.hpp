// The report for people: the text `kcsim run` prints, and the Events of a run as kubectl lists them.
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// The short human report printed by `kcsim run` (text format).
std::string render_text_report(const json& report);

/// The report's "Resets" and "Problems" sections ("" when empty): the same words in `kcsim run`
/// and `kcsim explain --simulate`.
std::string render_resets(const json& resets);
std::string render_problems(const json& problems);

/// Every Event of the run in `kubectl get events -A` layout (NAMESPACE, LAST SEEN, TYPE, REASON,
/// OBJECT, MESSAGE), sorted by creation time, ages relative to `at`.
std::string render_events_table(const World& world, SimTime at);

}  // namespace kcsim
