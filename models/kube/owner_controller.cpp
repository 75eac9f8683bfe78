#include "owner_controller.hpp"

#include <fmt/format.h>

namespace kcsim::models {

OwnerController::OwnerController(World& world, std::string name, std::string kind,
                                 std::vector<std::string> owned_kinds)
    : Controller(world, std::move(name)), kind_(std::move(kind)), owned_kinds_(std::move(owned_kinds)) {
  set_workers(5);  // --concurrent-deployment-syncs, --concurrent-replicaset-syncs (default 5)
  reject_unknown_settings(fmt::format("the {} has no other settings", this->name()));
}

void OwnerController::start() {
  watch(kind_);
  for (const std::string& kind : owned_kinds_) watch(kind);
  for (const ObjectPtr& o : api().list(kind_)) enqueue(key_of(*o));
}

bool OwnerController::ignores(const WatchEvent& event) const {
  const json& object = *event.object;
  const std::string kind = object.value("kind", "");
  return kind != kind_ && ignores_owned(event, object, kind);
}

void OwnerController::on_watch_event(const WatchEvent& event) {
  const json& object = *event.object;
  const std::string kind = object.value("kind", "");
  if (kind == kind_) enqueue(key_of(object));
  else on_owned_event(event, object, kind);
}

}  // namespace kcsim::models
