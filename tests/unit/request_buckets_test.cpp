// The HTTP add-on's request-rate ring (models/http-add-on/request_buckets.hpp): upstream's arithmetic
// (kedacore/http-add-on pkg/queue/bucketing.go) and the closed-form replay of idle scaler ticks.
#include <gtest/gtest.h>

#include <vector>

#include "../../models/http-add-on/request_buckets.hpp"
#include "kcsim/core/random.hpp"

using namespace kcsim;

namespace {

constexpr std::int64_t kEpoch = 1767268800LL * 1000000;  // a whole second, as Unix times are
std::int64_t at_s(double s) { return kEpoch + static_cast<std::int64_t>(s * 1e6); }

}  // namespace

TEST(RequestBuckets, AveragesOverTheBucketsWrittenSinceTheFirstWrite) {
  RequestBuckets b(minutes(1), seconds(1), RequestBuckets::Rounding::kFloor);
  for (int s = 0; s < 10; ++s) b.record(at_s(s + 0.25), 5);
  // 50 requests over 10 one-second buckets: 5 per second, not 50/60.
  EXPECT_DOUBLE_EQ(b.window_average(at_s(9.9)), 5.0);
  // Less than a window after the last write: the total over the same 10 buckets.
  EXPECT_DOUBLE_EQ(b.window_average(at_s(30)), 5.0);
  // A whole window after the last write: nothing.
  EXPECT_DOUBLE_EQ(b.window_average(at_s(9 + 60)), 0.0);
  EXPECT_GT(b.window_average(at_s(9 + 59.9)), 0.0);
}

TEST(RequestBuckets, RoundsToThreeDigitsDownBeforeV013AndToNearestAfter) {
  RequestBuckets floor(minutes(1), seconds(1), RequestBuckets::Rounding::kFloor);
  RequestBuckets nearest(minutes(1), seconds(1), RequestBuckets::Rounding::kNearest);
  for (RequestBuckets* b : {&floor, &nearest}) {
    b->record(at_s(0), 2);
    b->record(at_s(2), 0);  // three buckets written: 2/3
  }
  EXPECT_DOUBLE_EQ(floor.window_average(at_s(2)), 0.666);
  EXPECT_DOUBLE_EQ(nearest.window_average(at_s(2)), 0.667);
}

TEST(RequestBuckets, AWriteAfterAWholeWindowStartsOver) {
  RequestBuckets b(seconds(10), seconds(1), RequestBuckets::Rounding::kFloor);
  for (int s = 0; s < 10; ++s) b.record(at_s(s), 1);
  b.record(at_s(30), 4);
  // One bucket written since the restart.
  EXPECT_DOUBLE_EQ(b.window_average(at_s(30.5)), 4.0);
  EXPECT_EQ(b.window_total(), 4);
}

// advance_idle must leave exactly the state that a Record(t, 0) at every skipped 500 ms tick
// leaves: checked against the tick-by-tick ring on random traffic, for a window longer than a
// bucket and for a one-bucket window (where every tick into a new bucket starts over).
TEST(RequestBuckets, ReplayingIdleTicksEqualsRecordingZeroAtEveryTick) {
  struct Shape {
    Duration window, granularity;
  };
  for (Shape shape : {Shape{minutes(1), seconds(1)}, Shape{seconds(10), seconds(2)}, Shape{seconds(1), seconds(1)},
                      Shape{seconds(5), seconds(5)}}) {
    RandomStream rng(7, "buckets");
    RequestBuckets ticked(shape.window, shape.granularity, RequestBuckets::Rounding::kNearest);
    RequestBuckets elided(shape.window, shape.granularity, RequestBuckets::Rounding::kNearest);
    const std::int64_t tick = 500000;
    std::int64_t last_elided = at_s(0);
    ticked.record(last_elided, 0);
    elided.record(last_elided, 0);
    for (std::int64_t t = last_elided + tick; t < at_s(3600); t += tick) {
      // Bursts of activity separated by long idle stretches.
      const bool busy = (t / 1000000 / 120) % 3 == 0 && rng.uniform() < 0.6;
      const std::int64_t delta = busy ? static_cast<std::int64_t>(rng.uniform_int(20)) : 0;
      ticked.record(t, delta);
      if (delta > 0 || rng.uniform() < 0.01) {
        if (t - last_elided > tick) elided.advance_idle(t - tick);
        elided.record(t, delta);
        last_elided = t;
        ASSERT_DOUBLE_EQ(elided.window_average(t), ticked.window_average(t)) << "at " << (t - kEpoch) / 1e6;
        ASSERT_EQ(elided.window_total(), ticked.window_total());
      }
    }
  }
}
