// One-off resets from the write history: a field that one manager set and another manager set
// back, too few times to be a fight (kcsim lint calls the cause field-reset-on-sync). A sync of
// replicas: 3 over an HPA at 10 replicas is the event a what-if exists to show, and a fight's
// three hand-overs are not needed to see it.
#pragma once

#include <vector>

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

/// Finds resets in the recorded writes of the fields find_fights considers (spec fields and
/// labels of objects other than Pods and Events), on fields that are not fights (fewer than
/// three hand-overs). A reset is a write by manager B that changes a value manager A wrote,
/// after which A writes the field again: A's value was overridden and A noticed. Returns
/// [{object, field, by (B), over (A), at_s, from, to, restored_at_s, restored_to, summary}],
/// ordered by object, field, then time.
json find_resets(const WriteRecords& writes);

}  // namespace kcsim
