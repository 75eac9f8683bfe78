// The report: computed after the run from the recorded history (writes, object lifetimes,
// events), never from counters sprinkled through the models.
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// The JSON report (docs/report-format.md). Keys are only ever added, never changed.
json build_report(const World& world);

}  // namespace kcsim
