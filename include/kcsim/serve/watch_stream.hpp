// One watch of `kcsim serve` (GET .../RESOURCE?watch=true): the body kube-apiserver streams, one
// JSON watch event per line, {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}
// (apimachinery pkg/apis/meta/v1 WatchEvent; apiserver pkg/endpoints/handlers/watch.go writes each
// event, newline-terminated, and flushes), read from the WatchHistory as the simulation makes it.
//
// As the watch cache sends them (apiserver pkg/storage/cacher, Kubernetes v1.32): a change of an
// object that the watch's selectors match before and after is MODIFIED; one that comes to match
// is ADDED, one that stops matching DELETED (cache_watcher.go convertToWatchEvent). Bookmarks,
// when asked for, come roughly every minute and 2 s before the watch's deadline
// (cache_watcher.go nextBookmarkTime), with the current resourceVersion. The watch ends at its
// deadline (timeoutSeconds).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/watch_history.hpp"

namespace kcsim {

struct WatchStreamOptions {
  /// Whether an object (a version in the history) belongs to the watch: its resource, namespace
  /// and selectors.
  std::function<bool(const json&)> matches;
  /// The event's object as sent: the object, or a one-row Table for a Table watch, whose column
  /// definitions only the stream's first event carries (`first`; handlers/watch.go
  /// watchEmbeddedEncoder sets NoHeaders after the first object).
  std::function<json(const ObjectPtr& object, std::uint64_t resource_version, bool first)> encode;
  /// The object of a BOOKMARK event at a resourceVersion; unset: no bookmarks.
  std::function<json(std::uint64_t resource_version)> bookmark;
  std::chrono::steady_clock::duration timeout = std::chrono::seconds(1800);
};

class WatchStream : public ResponseStream {
 public:
  /// Sends `initial` (whole lines) first, then the history's changes from index `from`; ends
  /// after `initial` when `from` is empty (a watch refused with an ERROR event).
  WatchStream(const WatchHistory& history, std::optional<std::uint64_t> from, std::vector<std::string> initial,
              WatchStreamOptions options, std::chrono::steady_clock::time_point start);

  bool poll(std::chrono::steady_clock::time_point now, std::string& out) override;

  /// One line of a watch stream.
  static std::string line(const char* type, const json& object);

 private:
  const WatchHistory& history_;
  std::optional<std::uint64_t> next_;
  std::vector<std::string> initial_;
  WatchStreamOptions options_;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<std::chrono::steady_clock::time_point> next_bookmark_;
  bool first_ = true;  // nothing sent yet
};

}  // namespace kcsim
