#include "kcsim/apiserver/controller.hpp"

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {

std::string key_of(const json& object) {
  const json& meta = object.at("metadata");
  const std::string name = meta.value("name", "");
  const std::string ns = meta.value("namespace", "");
  return ns.empty() ? name : ns + "/" + name;
}

std::string key_of(const ObjectRef& ref) { return ref.ns.empty() ? ref.name : ref.ns + "/" + ref.name; }

ObjectRef ref_of_key(std::string kind, std::string_view key) {
  const std::size_t slash = key.find('/');
  if (slash == std::string_view::npos) return ObjectRef{std::move(kind), "", std::string(key)};
  return ObjectRef{std::move(kind), std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

Controller::Controller(World& world, std::string name) : Model(world, std::move(name)) {}

bool Controller::is_controller_setting(const std::string& key) {
  return key == "enabled" || key == "reconcileDuration" || key == "startDelay";
}

void Controller::reject_unknown_settings(std::string_view who) const {
  for (auto it = settings().begin(); it != settings().end(); ++it)
    if (!is_controller_setting(it.key()))
      throw InputError(world().scenario().file, world().settings_pointer(name()) + "/" + escape_pointer_token(it.key()),
                       fmt::format("expected enabled, reconcileDuration or startDelay ({})", who),
                       fmt::format("unknown field \"{}\"", it.key()));
}

void Controller::read_controller_settings() {
  reconcile_duration_ = default_reconcile_duration_;
  const json& s = settings();
  const std::string& file = world().scenario().file;
  const std::string base = world().settings_pointer(name());
  std::optional<Duration> start_delay;
  if (s.contains("reconcileDuration"))
    reconcile_duration_ = read_duration(s["reconcileDuration"], file, base + "/reconcileDuration");
  if (s.contains("startDelay")) start_delay = read_duration(s["startDelay"], file, base + "/startDelay");
  if (start_delay) {
    start_jitter_ = Duration{0};
    start_delay_ = *start_delay;
  } else if (start_jitter_ > Duration{0}) {
    // A stream of its own, so that the draw never shifts the model's other draws.
    RandomStream stream = world().stream(name() + "/start");
    start_delay_ = stream.uniform_duration(Duration{0}, start_jitter_);
  } else {
    start_delay_ = Duration{0};
  }
}

void Controller::launch() {
  read_controller_settings();
  if (start_delay_ <= Duration{0}) {
    start();
    return;
  }
  engine().schedule_at(now() + start_delay_, this, kStart, 0);
}

void Controller::watch(std::string kind, std::optional<Duration> latency) {
  api().watch(std::move(kind), this, latency);
}

void Controller::on_watch_event(const WatchEvent& event) { enqueue(key_of(*event.object)); }

std::uint32_t Controller::intern(const std::string& key) {
  auto [it, inserted] = key_ids_.try_emplace(key, static_cast<std::uint32_t>(keys_.size()));
  if (inserted) {
    keys_.push_back(key);
    queued_.push_back(0);
    processing_.push_back(0);
    requeue_timers_.push_back(TimerHandle{});
  }
  return it->second;
}

// `last_act`: the caller is the last thing the current engine event does. Then, when no other
// event is due at this instant, the processing event would be the very next one to run, on the
// state the current event leaves: it runs here instead, one engine event less and nothing else
// changed (issue #15, "fewer events, exactly"; tests/unit/event_elision_test.cpp). A requeue
// timer's firing and the processing of its key are then one event, as are a reconcile's end and
// the start of the next key's.
void Controller::schedule_processing(bool last_act) {
  if (processing_scheduled_ || queue_.empty() || busy_ >= workers_) return;
  if (last_act && merge_events_ && engine().nothing_due_now()) {
    process_next();
    return;
  }
  processing_scheduled_ = true;
  engine().schedule_at(now(), this, kProcess, 0);
}

void Controller::enqueue(const std::string& key) { enqueue_id(intern(key), false); }

void Controller::enqueue_id(std::uint32_t id, bool last_act) {
  // A key already waiting in the queue is not added twice (client-go workqueue "dirty" set); a
  // key being processed is added again when its reconcile is done (the "processing" set).
  if (queued_[id]) return;
  queued_[id] = 1;
  if (processing_[id]) return;
  queue_.push_back(id);
  schedule_processing(last_act);
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

void Controller::finish(std::uint32_t id) {
  // processNextWorkItem: reconcile, then Done(key) (a key added meanwhile goes back in the
  // queue), then the requeue counted from now, the end of the reconcile.
  const std::string key = keys_[id];
  const std::optional<Duration> requeue = reconcile(key);
  processing_[id] = 0;
  --busy_;
  if (queued_[id]) queue_.push_back(id);
  if (requeue) enqueue_after(key, *requeue);
  schedule_processing(true);
}

void Controller::on_event(std::uint32_t kind, std::uint64_t payload) {
  if (kind == kRequeue) {
    enqueue_id(static_cast<std::uint32_t>(payload), true);
    return;
  }
  if (kind >= kUserKindBase) {
    on_timer(kind - kUserKindBase, payload);
    return;
  }
  if (kind == kStart) {
    start();
    return;
  }
  if (kind == kFinish) {
    finish(static_cast<std::uint32_t>(payload));
    return;
  }
  // kProcess: one key per event, so that other agents' events at the same instant interleave in
  // scheduling order, as concurrent controllers would.
  processing_scheduled_ = false;
  process_next();
}

void Controller::process_next() {
  if (queue_.empty() || busy_ >= workers_) return;
  const std::uint32_t id = queue_.front();
  queue_.pop_front();
  queued_[id] = 0;
  if (reconcile_duration_ <= Duration{0}) {
    // Zero duration: the reconcile reads and writes at the instant it starts (kcsim before #16).
    const std::string key = keys_[id];
    begin_reconcile(key);
    if (auto requeue = reconcile(key)) enqueue_after(key, *requeue);
    schedule_processing(true);
    return;
  }
  processing_[id] = 1;
  ++busy_;
  begin_reconcile(keys_[id]);
  engine().schedule_at(now() + reconcile_duration_, this, kFinish, id);
  schedule_processing(true);
}

}  // namespace kcsim
