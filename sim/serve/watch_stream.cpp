// One watch of `kcsim serve` (include/kcsim/serve/watch_stream.hpp).
#include "kcsim/serve/watch_stream.hpp"

#include <utility>

namespace kcsim {
namespace {

using Clock = std::chrono::steady_clock;

// cache_watcher.go nextBookmarkTime: a minute from now, or 2 s before the deadline if sooner;
// none when that is already past.
std::optional<Clock::time_point> next_bookmark_time(Clock::time_point now, Clock::time_point deadline) {
  Clock::time_point at = now + std::chrono::minutes(1);
  if (deadline - std::chrono::seconds(2) < at) at = deadline - std::chrono::seconds(2);
  if (at < now) return std::nullopt;
  return at;
}

}  // namespace

WatchStream::WatchStream(const WatchHistory& history, std::optional<std::uint64_t> from, std::vector<std::string> initial,
                         WatchStreamOptions options, Clock::time_point start)
    : history_(history), next_(from), initial_(std::move(initial)), options_(std::move(options)),
      deadline_(start + options_.timeout), first_(initial_.empty()) {
  if (options_.bookmark) next_bookmark_ = next_bookmark_time(start, deadline_);
}

std::string WatchStream::line(const char* type, const json& object) {
  // metav1.WatchEvent's field order: type, then object.
  return std::string("{\"type\":\"") + type + "\",\"object\":" + object.dump(-1, ' ', false, json::error_handler_t::replace) +
         "}\n";
}

bool WatchStream::poll(Clock::time_point now, std::string& out) {
  for (std::string& l : initial_) out += l;
  initial_.clear();
  if (!next_) return false;
  if (*next_ < history_.first_index()) {
    // Changes this watch had not sent yet were forgotten: the watch cache closes such a watcher
    // and the client lists again.
    return false;
  }
  for (; *next_ < history_.end_index(); ++*next_) {
    const RecordedChange& c = history_.at(*next_);
    const bool now_matches = options_.matches(*c.object);
    const bool before_matched = c.old && c.type != WatchEventType::kAdded && options_.matches(*c.old);
    const char* type = nullptr;
    switch (c.type) {
      case WatchEventType::kAdded:
        if (now_matches) type = "ADDED";
        break;
      case WatchEventType::kModified:
        if (now_matches) type = before_matched ? "MODIFIED" : "ADDED";
        else if (before_matched) type = "DELETED";
        break;
      case WatchEventType::kDeleted:
        if (now_matches) type = "DELETED";
        break;
    }
    if (type) {
      out += line(type, options_.encode(c.object, c.resource_version, first_));
      first_ = false;
    }
  }
  if (next_bookmark_ && now >= *next_bookmark_) {
    out += line("BOOKMARK", options_.bookmark(history_.resource_version()));
    first_ = false;
    next_bookmark_ = next_bookmark_time(now, deadline_);
    if (next_bookmark_ && *next_bookmark_ <= now) next_bookmark_.reset();  // one before the deadline
  }
  return now < deadline_;
}

}  // namespace kcsim
