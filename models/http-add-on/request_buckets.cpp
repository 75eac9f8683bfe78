#include "request_buckets.hpp"

#include <algorithm>
#include <cmath>

namespace kcsim {

RequestBuckets::RequestBuckets(Duration window, Duration granularity, Rounding rounding)
    : window_(window), rounding_(rounding) {
  // Whole seconds, at least one (see the header): upstream indexes buckets by Unix seconds divided
  // by int(granularity.Seconds()), which is only consistent for whole seconds.
  gran_s_ = std::max<std::int64_t>(1, granularity.count() / 1000000);
  gran_us_ = gran_s_ * 1000000;
  granularity_ = Duration{gran_us_};
  if (window_ < granularity_) window_ = granularity_;
  // nb := math.Ceil(float64(window) / float64(granularity))
  const std::int64_t n = (window_.count() + gran_us_ - 1) / gran_us_;
  buckets_.assign(static_cast<std::size_t>(n), 0);
}

std::int64_t RequestBuckets::truncate(std::int64_t unix_us) const {
  // time.Time.Truncate rounds down to a multiple of the granularity. Upstream measures from Go's
  // zero time; for granularities that divide a day this is the same as from the Unix epoch.
  std::int64_t q = unix_us / gran_us_;
  if (unix_us % gran_us_ < 0) --q;
  return q * gran_us_;
}

std::int64_t RequestBuckets::index(std::int64_t unix_us) const {
  // int(tm.Unix()) / int(t.granularity.Seconds())
  std::int64_t secs = unix_us / 1000000;
  if (unix_us % 1000000 < 0) --secs;
  return secs / gran_s_;
}

double RequestBuckets::round3(double x) const {
  const double scaled = x * 1000.0;
  return (rounding_ == Rounding::kFloor ? std::floor(scaled) : std::round(scaled)) / 1000.0;
}

double RequestBuckets::buckets_written() const {
  // math.Min(float64(lastWrite.Sub(firstWrite)/granularity)+1, float64(len(buckets)))
  const double since_first = static_cast<double>((last_write_ - first_write_) / gran_us_) + 1.0;
  return std::min(since_first, static_cast<double>(buckets_.size()));
}

double RequestBuckets::window_average(std::int64_t unix_us) const {
  const std::int64_t now = truncate(unix_us);
  const std::int64_t d = now - last_write_;
  if (d <= 0) return round3(static_cast<double>(window_total_) / buckets_written());
  if (d < window_.count()) {
    // Nothing was written for less than a window: leave out the buckets between the last write
    // and now, which still hold counts from the previous turn of the ring.
    const std::int64_t st = index(last_write_);
    const std::int64_t e = index(now);
    const auto len = static_cast<std::int64_t>(buckets_.size());
    std::int64_t ret = window_total_;
    for (std::int64_t i = st + 1; i <= e; ++i) ret -= buckets_[static_cast<std::size_t>(i % len)];
    return round3(static_cast<double>(ret) / buckets_written());
  }
  return 0.0;  // nothing for a whole window
}

void RequestBuckets::record(std::int64_t unix_us, std::int64_t value) {
  const std::int64_t bucket_time = truncate(unix_us);
  const std::int64_t write_idx = index(unix_us);
  const auto len = static_cast<std::int64_t>(buckets_.size());
  if (last_write_ != bucket_time) {
    if (bucket_time + window_.count() > last_write_) {
      if (first_write_ == kNever || first_write_ > bucket_time) first_write_ = bucket_time;
      if (bucket_time > last_write_) {
        if (bucket_time - last_write_ >= window_.count()) {
          // More than a window since the last write: start over.
          first_write_ = bucket_time;
          std::fill(buckets_.begin(), buckets_.end(), 0);
          window_total_ = 0;
        } else {
          // Clear the buckets skipped since the last write (they hold the previous turn).
          for (std::int64_t i = index(last_write_) + 1; i <= write_idx; ++i) {
            auto& b = buckets_[static_cast<std::size_t>(i % len)];
            window_total_ -= b;
            b = 0;
          }
        }
        last_write_ = bucket_time;
      }
    } else {
      return;  // older than the window: dropped
    }
  }
  buckets_[static_cast<std::size_t>(write_idx % len)] += value;
  window_total_ += value;
}

void RequestBuckets::advance_idle(std::int64_t unix_us) {
  const std::int64_t bucket_time = truncate(unix_us);
  if (last_write_ == kNever || bucket_time <= last_write_) return;
  const auto len = static_cast<std::int64_t>(buckets_.size());
  if (gran_us_ >= window_.count()) {
    // Each tick that enters a new bucket is a whole window after the previous write: every such
    // Record starts over, so the last one leaves first = last = its bucket.
    first_write_ = bucket_time;
    std::fill(buckets_.begin(), buckets_.end(), 0);
    window_total_ = 0;
  } else if (index(bucket_time) - index(last_write_) >= len) {
    // One bucket at a time, never a whole window apart: buckets are cleared in turn and the first
    // write stays where it was.
    std::fill(buckets_.begin(), buckets_.end(), 0);
    window_total_ = 0;
  } else {
    for (std::int64_t i = index(last_write_) + 1; i <= index(bucket_time); ++i) {
      auto& b = buckets_[static_cast<std::size_t>(i % len)];
      window_total_ -= b;
      b = 0;
    }
  }
  last_write_ = bucket_time;
}

}  // namespace kcsim
