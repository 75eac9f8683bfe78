// Engine::run_until stops at its instant even when a cancelled timer entry sits at the top of
// the queue (found while adding the --verify hook: a stale entry let step() run the next live
// event, past `until`, so that expectations probed at t saw the state of a later instant).
#include <gtest/gtest.h>

#include <vector>

#include "kcsim/core/engine.hpp"

namespace kcsim {
namespace {

struct Log : Agent {
  Engine* engine = nullptr;
  std::vector<std::int64_t> at;
  void on_event(std::uint32_t, std::uint64_t) override { at.push_back(engine->now().time_since_epoch().count()); }
};

TEST(EngineRunUntil, AStaleTimerEntryDoesNotLetALaterEventRunEarly) {
  Engine e;
  Log log;
  log.engine = &e;
  const TimerHandle t = e.make_timer();
  e.arm(t, SimTime{Duration{5}}, &log, 1);
  e.arm(t, SimTime{Duration{50}}, &log, 1);  // re-armed: the entry at 5 is now stale
  e.schedule_at(SimTime{Duration{20}}, &log, 2);
  e.run_until(SimTime{Duration{10}});
  EXPECT_TRUE(log.at.empty());
  EXPECT_EQ(e.now(), SimTime{Duration{10}});
  e.run_until(SimTime{Duration{60}});
  EXPECT_EQ(log.at, (std::vector<std::int64_t>{20, 50}));
}

}  // namespace
}  // namespace kcsim
