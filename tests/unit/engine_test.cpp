#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "kcsim/core/engine.hpp"

using namespace kcsim;

namespace {
struct Recorder : Agent {
  Engine* engine = nullptr;
  std::vector<std::pair<std::int64_t, std::uint64_t>> seen;  // (time, payload)
  void on_event(std::uint32_t, std::uint64_t payload) override {
    seen.emplace_back(engine->now().time_since_epoch().count(), payload);
  }
};
}  // namespace

TEST(Engine, OrdersByTimeThenSchedulingOrder) {
  Engine e;
  Recorder r;
  r.engine = &e;
  e.schedule_at(SimTime{seconds(2)}, &r, 0, 1);
  e.schedule_at(SimTime{seconds(1)}, &r, 0, 2);
  e.schedule_at(SimTime{seconds(2)}, &r, 0, 3);
  e.schedule_at(SimTime{seconds(1)}, &r, 0, 4);
  e.run_until(SimTime{seconds(10)});
  std::vector<std::uint64_t> order;
  for (auto& [t, p] : r.seen) order.push_back(p);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 4, 1, 3}));
  EXPECT_EQ(e.now(), SimTime{seconds(10)});
}

TEST(Engine, RunUntilIncludesTheBoundaryAndStopsBeforeLaterEvents) {
  Engine e;
  Recorder r;
  r.engine = &e;
  e.schedule_at(SimTime{seconds(5)}, &r, 0, 1);
  e.schedule_at(SimTime{seconds(5) + microseconds(1)}, &r, 0, 2);
  EXPECT_EQ(e.run_until(SimTime{seconds(5)}), StopReason::kTimeReached);
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(e.pending(), 1u);
  EXPECT_EQ(e.run_until(SimTime{seconds(6)}), StopReason::kQueueEmpty);
  EXPECT_EQ(r.seen.size(), 2u);
}

TEST(Engine, CancelledAndRearmedTimersDoNotFire) {
  Engine e;
  Recorder r;
  r.engine = &e;
  TimerHandle a = e.make_timer(), b = e.make_timer();
  e.arm(a, SimTime{seconds(1)}, &r, 0, 10);
  e.arm(b, SimTime{seconds(2)}, &r, 0, 20);
  EXPECT_TRUE(e.armed(a));
  e.cancel(a);
  EXPECT_FALSE(e.armed(a));
  e.arm(b, SimTime{seconds(3)}, &r, 0, 21);  // re-arming replaces the earlier deadline
  EXPECT_EQ(e.deadline(b), SimTime{seconds(3)});
  e.run_until(SimTime{seconds(10)});
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(r.seen[0], std::make_pair(seconds(3).count(), std::uint64_t{21}));
  EXPECT_FALSE(e.armed(b));
}

TEST(Engine, EventLimitStopsARunaway) {
  struct Loop : Agent {
    Engine* e;
    void on_event(std::uint32_t, std::uint64_t) override { e->schedule_after(microseconds(1), this, 0); }
  } loop;
  Engine e;
  loop.e = &e;
  e.set_event_limit(1000);
  e.schedule_at(kTimeZero, &loop, 0);
  EXPECT_EQ(e.run_until(SimTime{hours(1)}), StopReason::kEventLimit);
  EXPECT_EQ(e.events_processed(), 1000u);
}

// Property test against a reference multiset: random schedules and cancellations pop in exactly
// the (time, sequence) order of the surviving events.
TEST(Engine, MatchesAReferenceOrderUnderRandomLoad) {
  Engine e;
  Recorder r;
  r.engine = &e;
  std::mt19937_64 gen(7);  // drives the test only; the engine has no randomness
  std::multiset<std::pair<std::int64_t, std::uint64_t>> expected;
  std::vector<TimerHandle> timers;
  std::vector<std::pair<std::int64_t, std::uint64_t>> timer_event(64, {-1, 0});
  for (int i = 0; i < 64; ++i) timers.push_back(e.make_timer());
  std::uint64_t id = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::int64_t t = static_cast<std::int64_t>(gen() % 1000);
    if (gen() % 3 == 0) {
      const std::size_t k = gen() % timers.size();
      if (timer_event[k].first >= 0) expected.erase(expected.find(timer_event[k]));
      if (gen() % 2) {
        e.arm(timers[k], SimTime{Duration{t}}, &r, 0, id);
        timer_event[k] = {t, id};
        expected.insert(timer_event[k]);
      } else {
        e.cancel(timers[k]);
        timer_event[k] = {-1, 0};
      }
    } else {
      e.schedule_at(SimTime{Duration{t}}, &r, 0, id);
      expected.insert({t, id});
    }
    ++id;
  }
  e.run_until(SimTime{Duration{2000}});
  std::vector<std::pair<std::int64_t, std::uint64_t>> want(expected.begin(), expected.end());
  EXPECT_EQ(r.seen, want);
}

TEST(Engine, ArmFirstRunsBeforeEverythingElseDueAtItsInstantWheneverArmed) {
  Engine e;
  Recorder r;
  r.engine = &e;
  TimerHandle late = e.make_timer(), early = e.make_timer();
  e.schedule_at(SimTime{seconds(2)}, &r, 0, 1);
  e.arm_first(late, SimTime{seconds(1)}, &r, 0, 99);
  e.arm_first(late, SimTime{seconds(2)}, &r, 0, 2);  // re-armed: the 1 s firing is cancelled
  e.schedule_at(SimTime{seconds(2)}, &r, 0, 3);
  e.arm_first(early, SimTime{seconds(2)}, &r, 0, 4);  // first timers among themselves: arming order
  e.run_until(SimTime{seconds(10)});
  std::vector<std::uint64_t> order;
  for (auto& [t, p] : r.seen) order.push_back(p);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 4, 1, 3}));
}

TEST(Engine, NothingDueNowTellsWhetherAnEventScheduledNowWouldRunNext) {
  struct Probe : Agent {
    Engine* engine = nullptr;
    std::vector<bool> answers;
    void on_event(std::uint32_t, std::uint64_t) override { answers.push_back(engine->nothing_due_now()); }
  } p;
  Engine e;
  p.engine = &e;
  e.schedule_at(SimTime{seconds(1)}, &p, 0);
  e.schedule_at(SimTime{seconds(1)}, &p, 0);
  e.schedule_at(SimTime{seconds(2)}, &p, 0);
  e.run_until(SimTime{seconds(10)});
  EXPECT_EQ(p.answers, (std::vector<bool>{false, true, true}));
}
