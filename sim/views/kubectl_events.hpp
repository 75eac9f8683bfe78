// `kubectl events` (k8s.io/kubectl v1.32 pkg/cmd/events): its own printer, not `get events`'.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

/// The table `kubectl events` prints for `events` (already filtered by namespace, --for and
/// --types): sorted by each event's time (SortableEvents: series.lastObservedTime, else
/// lastTimestamp, else eventTime; equal times keep list order), columns [NAMESPACE] LAST SEEN
/// TYPE REASON OBJECT MESSAGE through the tabwriter (6, 4, 3). `since` renders an age (kubectl's
/// translateTimestampSince), `instant` reads a time stamp (Unix microseconds).
std::string kubectl_events_table(std::vector<ObjectPtr> events, const std::function<std::string(const json*)>& since,
                                 const std::function<std::optional<std::int64_t>(const json*)>& instant, bool all_namespaces,
                                 bool no_headers);

}  // namespace kcsim
