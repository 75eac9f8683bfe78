// The interceptor's request counts per host key, as its admin endpoint (`GET /queue`) serves them
// to the external scaler (kedacore/http-add-on pkg/queue/queue.go Memory; interceptor/admin.go).
//
// Two models share this state: "traffic" carries the interceptor's data path and counts requests
// in and out; "http-add-on" runs the external scaler, whose pinger reads the counts every 500 ms.
// In a cluster that is an HTTP call between two pods, not an API object, so it does not go through
// the API server; it is a World service (docs/architecture.md, "Services"), obtained with of().
//
// Reads are "just before" an instant: a ping at t sees every change made before t and none made
// at t itself. The engine orders events at one instant by scheduling order, which differs between
// a tick-by-tick run and one that skips idle ticks; reading the left limit makes a ping's result
// independent of that order (and so the two runs identical). Upstream has no such rule: a ping
// and a request at the same nanosecond race.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "kcsim/core/time.hpp"
#include "request_buckets.hpp"

namespace kcsim {

class World;

/// Told of every change of any queue (the scaler uses it to wake up after idle periods).
class QueueListener {
 public:
  virtual ~QueueListener() = default;
  virtual void on_queue_change(SimTime now) = 0;
};

/// One host key: the namespace/name of an HTTPScaledObject (upstream keys counts by it since
/// v0.8; earlier releases keyed them by host).
struct InterceptorQueue {
  std::string key;
  SimTime created{};
  /// In flight: +1 when a request enters the counting middleware, −1 when its handler returns,
  /// including the time it is held waiting for a ready endpoint (http-add-on interceptor: the
  /// Counting middleware runs before the endpoint wait; pkg/queue/queue.go).
  std::int64_t concurrency = 0;
  /// Requests ever counted (v0.14+ `RequestCount`, the scaler derives the rate from it).
  std::int64_t requests = 0;

  // Values at the start of the instant `instant` (the last instant anything changed).
  SimTime instant{Duration{-1}};
  std::int64_t concurrency_at_instant = 0;
  std::int64_t requests_at_instant = 0;

  // v0.8–v0.13: the interceptor's own rate buckets (Memory.rpsMap), fed one Record per request.
  // Records made at the current instant wait in `pending` so that reads stay left limits.
  std::optional<RequestBuckets> buckets;
  SimTime pending_at{};
  std::int64_t pending = 0;
};

class InterceptorQueues {
 public:
  /// The queues of `world`: its InterceptorQueues service, created on first use (it lives as long
  /// as the World, past every model).
  static InterceptorQueues& of(World& world);

  explicit InterceptorQueues(std::int64_t epoch_unix_seconds) : epoch_us_(epoch_unix_seconds * 1000000) {}

  /// EnsureKey: the key's queue, created (at `now`, with zero counts) if absent.
  InterceptorQueue& ensure(const std::string& key, SimTime now);
  InterceptorQueue* find(const std::string& key);
  const InterceptorQueue* find(const std::string& key) const;
  /// Every queue, by key.
  const std::map<std::string, std::unique_ptr<InterceptorQueue>>& queues() const { return queues_; }
  /// UpdateBuckets (v0.8–v0.13): fresh buckets when the window or granularity changed.
  void configure_rate(InterceptorQueue& q, Duration window, Duration granularity,
                      RequestBuckets::Rounding rounding);

  void increase(InterceptorQueue& q, SimTime now);
  void decrease(InterceptorQueue& q, SimTime now);

  /// Left limits at `t` (t is now or later than every change).
  std::int64_t concurrency_before(const InterceptorQueue& q, SimTime t) const;
  std::int64_t requests_before(const InterceptorQueue& q, SimTime t) const;
  /// RequestsBuckets.WindowAverage(t) over the requests counted before t (v0.8–v0.13); 0 when the
  /// queue has no buckets.
  double rate_before(InterceptorQueue& q, SimTime t);

  std::int64_t unix_us(SimTime t) const { return epoch_us_ + t.time_since_epoch().count(); }

  /// At most one listener (the scaler); null to detach.
  void set_listener(QueueListener* listener) { listener_ = listener; }
  /// True when the HTTP add-on runs in this World: its external scaler listens to the queues.
  bool has_listener() const { return listener_ != nullptr; }

 private:
  void touch(InterceptorQueue& q, SimTime now);
  void flush_pending(InterceptorQueue& q);

  std::int64_t epoch_us_;
  std::map<std::string, std::unique_ptr<InterceptorQueue>> queues_;  // stable addresses
  QueueListener* listener_ = nullptr;
};

}  // namespace kcsim
