// The watch history of `kcsim serve` (include/kcsim/serve/watch_history.hpp).
#include "kcsim/serve/watch_history.hpp"

#include <algorithm>
#include <string>

#include "kcsim/apiserver/stored_version.hpp"

namespace kcsim {

WatchHistory::WatchHistory(ApiServer& api, std::size_t capacity)
    : api_(api), capacity_(std::max<std::size_t>(capacity, 1)), floor_(api.resource_version()) {
  api.watch("", this, Duration{0});
  api.watch("Event", this, Duration{0});  // the catch-all watch leaves Events out
}

void WatchHistory::on_watch_event(const WatchEvent& event) {
  // Only when the API server does not elide (elideNoOpEvents false): the change is delivered
  // later, so the deletion's own revision is gone; the stream keeps its order of revisions.
  std::uint64_t rv = 0;
  if (event.object && event.object->contains("metadata")) {
    const json& m = (*event.object)["metadata"];
    if (m.contains("resourceVersion") && m["resourceVersion"].is_string())
      rv = std::stoull(m["resourceVersion"].get<std::string>());
  }
  if (!changes_.empty()) rv = std::max(rv, changes_.back().resource_version);
  record(event, rv);
}

bool WatchHistory::ignores(const WatchEvent& event) const {
  // Called within the write: the API server's resourceVersion is this change's revision (a
  // deletion is a revision of its own, api_server.cpp finalize_removal).
  record(event, api_.resource_version());
  return true;
}

void WatchHistory::record(const WatchEvent& event, std::uint64_t rv) const {
  // Objects as the API server serves them, managedFields in place (stored_version.hpp).
  ObjectPtr object = with_managed_fields(event.object);
  if (event.type == WatchEventType::kDeleted && object) {
    // kube-apiserver sends the deleted object with the deletion's resourceVersion.
    auto copy = std::make_shared<json>(*object);
    (*copy)["metadata"]["resourceVersion"] = std::to_string(rv);
    object = std::move(copy);
  }
  changes_.push_back({event.type, std::move(object), with_managed_fields(event.old), rv});
  if (changes_.size() > capacity_) {
    changes_.pop_front();
    ++first_index_;
    floor_ = changes_.front().resource_version - 1;
  }
  if (on_change_) on_change_();
}

std::uint64_t WatchHistory::first_after(std::uint64_t rv) const {
  const auto it = std::upper_bound(changes_.begin(), changes_.end(), rv,
                                   [](std::uint64_t v, const RecordedChange& c) { return v < c.resource_version; });
  return first_index_ + static_cast<std::uint64_t>(it - changes_.begin());
}

}  // namespace kcsim
