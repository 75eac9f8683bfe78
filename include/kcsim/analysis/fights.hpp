// Fight detection from the write history: a field whose value is set back and forth by two or
// more managers at least three times.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

/// Hand-overs that make a field a fight rather than a one-off reset (resets.hpp).
inline constexpr std::size_t kFightHandovers = 3;

/// Whether a write can be part of a fight or a reset: a spec field or a label of an object other
/// than a Pod or an Event.
bool is_disputable_write(const WriteRecord& w);

/// The disputable writes (is_disputable_write) grouped by (object, field), each group in time
/// order: what find_fights and find_resets both read.
using WritesByField = std::map<std::pair<ObjectRef, std::string>, std::vector<const WriteRecord*>>;
WritesByField disputable_writes_by_field(const WriteRecords& writes);

/// Hand-overs in one field's writes (in time order): writes by a manager other than the previous
/// writer that change the value.
std::size_t count_handovers(const std::vector<const WriteRecord*>& writes);

/// Finds fights in the recorded writes of spec fields (and labels) of non-Pod objects.
///  - A hand-over is a write by a manager other than the previous writer of the field that
///    changes its value. A field with at least three hand-overs among two or more managers is a
///    fight.
///  - cycles: hand-overs / 2 (a cycle is one hand-over there and one back), rounded down.
///  - period_s: the median time between successive writes of the same value by the same manager.
///  - first_at_s / last_at_s: the first and last hand-over.
/// Returns [{object, field, writers (sorted), cycles, period_s, first_at_s, last_at_s, summary}],
/// ordered by object then field.
json find_fights(const WriteRecords& writes);

}  // namespace kcsim
