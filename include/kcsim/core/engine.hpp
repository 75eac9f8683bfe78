// The discrete-event engine: one pending-event set ordered by (time, sequence).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kcsim/core/time.hpp"

namespace kcsim {

/// Anything that receives events. Agents are owned elsewhere (by the World) and outlive the engine's
/// use of them. `kind` and `payload` are the agent's own: the engine never interprets them.
class Agent {
 public:
  virtual ~Agent() = default;
  virtual void on_event(std::uint32_t kind, std::uint64_t payload) = 0;
};

/// Called after every event run by run_until, when set: run limits and `kcsim run --verify`
/// (World). It may throw to end the run; the engine is then left as it was after the event.
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void after_event() = 0;
};

/// A cancellable timer slot. Re-arming a slot cancels what it held; cancellation is lazy (the
/// popped event carries the slot's generation and is skipped when stale), as in ns-3.
struct TimerHandle {
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t slot = kNone;
  bool valid() const { return slot != kNone; }
};

/// One pending event: a 48-byte POD. No allocation per event, no std::function.
struct PendingEvent {
  std::int64_t at;       // microseconds since t = 0
  std::uint64_t seq;     // scheduling order: ties at one instant resolve first-scheduled-first
  Agent* target;
  std::uint64_t payload;
  std::uint32_t kind;
  std::uint32_t slot;    // TimerHandle::kNone for plain events
  std::uint32_t gen;     // timer generation when armed
};

/// Why a run stopped.
enum class StopReason { kTimeReached, kQueueEmpty, kEventLimit, kStopped };

/// The engine. Single-threaded; deterministic: the same schedule calls give the same order.
class Engine {
 public:
  Engine();

  SimTime now() const { return SimTime{Duration{now_}}; }

  /// Schedules a plain (non-cancellable) event. `at` earlier than now() is clamped to now().
  void schedule_at(SimTime at, Agent* target, std::uint32_t kind, std::uint64_t payload = 0);
  void schedule_after(Duration d, Agent* target, std::uint32_t kind, std::uint64_t payload = 0) {
    schedule_at(now() + d, target, kind, payload);
  }

  /// Allocates a timer slot (done once per timer, at set-up, not per event).
  TimerHandle make_timer();
  /// Arms (or re-arms) a timer; a previous arming of the slot is cancelled.
  void arm(TimerHandle timer, SimTime at, Agent* target, std::uint32_t kind,
           std::uint64_t payload = 0);
  /// As arm(), but the timer runs before every event armed or scheduled with arm() or
  /// schedule_at() due at the same instant, whenever it was armed (timers armed so run among
  /// themselves in arming order). For what happens at an instant whatever else does, so that when
  /// it is armed does not matter: the end of an Event's TTL.
  void arm_first(TimerHandle timer, SimTime at, Agent* target, std::uint32_t kind,
                 std::uint64_t payload = 0);
  void cancel(TimerHandle timer);
  bool armed(TimerHandle timer) const;
  /// The instant the timer fires; meaningful only when armed().
  SimTime deadline(TimerHandle timer) const;

  /// Processes the next event; returns false when none is left.
  bool step();
  /// Processes every event with time <= `until`, then sets now() to `until`.
  StopReason run_until(SimTime until);
  /// Makes run_until return after the current event.
  void stop() { stop_requested_ = true; }

  /// A run that processes more events than this stops with kEventLimit (runaway scenarios).
  void set_event_limit(std::uint64_t limit) { event_limit_ = limit; }
  std::uint64_t events_processed() const { return processed_; }
  /// Sets (or clears, with null) the observer called after each event of run_until.
  void set_observer(EventObserver* observer) { observer_ = observer; }
  std::size_t pending() const { return heap_.size(); }
  /// True when no pending event is due at now(): an event scheduled at now() by the event being
  /// run would be the next to run. (A cancelled timer entry due now counts as due: false is the
  /// safe answer.)
  bool nothing_due_now() const { return heap_.empty() || heap_[0].at > now_; }

 private:
  struct TimerSlot {
    std::uint32_t gen = 0;
    bool armed = false;
    std::int64_t at = 0;
  };
  void push(const PendingEvent& e);
  PendingEvent pop();

  std::vector<PendingEvent> heap_;  // implicit 4-ary min-heap on (at, seq)
  std::vector<TimerSlot> timers_;
  std::int64_t now_ = 0;
  // Sequence numbers: arm_first's below 2^63, the others' from 2^63 (the order is what counts).
  std::uint64_t next_first_seq_ = 0;
  std::uint64_t next_seq_ = std::uint64_t{1} << 63;
  std::uint64_t processed_ = 0;
  std::uint64_t event_limit_ = std::numeric_limits<std::uint64_t>::max();
  bool stop_requested_ = false;
  EventObserver* observer_ = nullptr;
};

}  // namespace kcsim
