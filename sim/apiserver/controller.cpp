#include "kcsim/apiserver/controller.hpp"

namespace kcsim {

std::string key_of(const json& object) {
  const json& meta = object.at("metadata");
  const std::string name = meta.value("name", "");
  const std::string ns = meta.value("namespace", "");
  return ns.empty() ? name : ns + "/" + name;
}

std::string key_of(const ObjectRef& ref) { return ref.ns.empty() ? ref.name : ref.ns + "/" + ref.name; }

Controller::Controller(World& world, std::string name) : Model(world, std::move(name)) {}

void Controller::watch(std::string kind, std::optional<Duration> latency) {
  api().watch(std::move(kind), this, latency);
}

void Controller::on_watch_event(const WatchEvent& event) { enqueue(key_of(*event.object)); }

std::uint32_t Controller::intern(const std::string& key) {
  auto [it, inserted] = key_ids_.try_emplace(key, static_cast<std::uint32_t>(keys_.size()));
  if (inserted) {
    keys_.push_back(key);
    queued_.push_back(0);
    requeue_timers_.push_back(TimerHandle{});
  }
  return it->second;
}

void Controller::schedule_processing() {
  if (processing_scheduled_ || queue_.empty()) return;
  processing_scheduled_ = true;
  engine().schedule_at(now(), this, kProcess, 0);
}

void Controller::enqueue(const std::string& key) {
  const std::uint32_t id = intern(key);
  // A key already waiting in the queue is not added twice (client-go workqueue "dirty" set).
  if (queued_[id]) return;
  queued_[id] = 1;
  queue_.push_back(id);
  schedule_processing();
}

void Controller::enqueue_after(const std::string& key, Duration delay) {
  if (delay <= Duration{0}) {
    enqueue(key);
    return;
  }
  const std::uint32_t id = intern(key);
  TimerHandle& timer = requeue_timers_[id];
  if (!timer.valid()) timer = engine().make_timer();
  const SimTime at = now() + delay;
  // client-go delaying queue: a key already waiting keeps the earlier of the two deadlines.
  if (engine().armed(timer) && engine().deadline(timer) <= at) return;
  engine().arm(timer, at, this, kRequeue, id);
}

void Controller::forget(const std::string& key) {
  auto it = key_ids_.find(key);
  if (it == key_ids_.end()) return;
  engine().cancel(requeue_timers_[it->second]);
}

void Controller::on_event(std::uint32_t kind, std::uint64_t payload) {
  if (kind == kRequeue) {
    enqueue(keys_[payload]);
    return;
  }
  if (kind >= kUserKindBase) {
    on_timer(kind - kUserKindBase, payload);
    return;
  }
  // kProcess: one key per event, so that other agents' events at the same instant interleave in
  // scheduling order, as concurrent controllers would.
  processing_scheduled_ = false;
  if (queue_.empty()) return;
  const std::uint32_t id = queue_.front();
  queue_.pop_front();
  queued_[id] = 0;
  const std::string key = keys_[id];
  if (auto requeue = reconcile(key)) enqueue_after(key, *requeue);
  schedule_processing();
}

}  // namespace kcsim
