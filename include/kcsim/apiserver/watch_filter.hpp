// Watch events a watcher ignores, told from the event alone, are never queued for it.
#pragma once

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

/// Implemented, beside Watcher, by a watcher whose on_watch_event does nothing at all for some
/// events (no change to its state, no read, nothing scheduled) and can tell which from the event
/// alone: its type and its new and old versions, never its own state, which may change between
/// the write and the delivery. The API server does not queue those events for it. A delivery that
/// does nothing is an engine event that changes nothing, so leaving it out changes nothing either:
/// the watcher's other events keep their delivery instants and their order (issue #15, "fewer
/// events, exactly"). settings.api-server.elideNoOpEvents (default true) turns it off,
/// so that tests can compare both runs.
class WatchFilter {
 public:
  virtual ~WatchFilter() = default;
  /// True only when on_watch_event(event) would return without doing anything.
  virtual bool ignores(const WatchEvent& event) const = 0;
};

}  // namespace kcsim
