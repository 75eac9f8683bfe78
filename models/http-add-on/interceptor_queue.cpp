#include "interceptor_queue.hpp"

#include <algorithm>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

InterceptorQueues& InterceptorQueues::of(World& world) {
  return world.provide<InterceptorQueues>(world.api().epoch().unix_seconds);
}

InterceptorQueue& InterceptorQueues::ensure(const std::string& key, SimTime now) {
  auto& slot = queues_[key];
  if (!slot) {
    slot = std::make_unique<InterceptorQueue>();
    slot->key = key;
    slot->created = now;
    if (listener_) listener_->on_queue_change(now);
  }
  return *slot;
}

InterceptorQueue* InterceptorQueues::find(const std::string& key) {
  auto it = queues_.find(key);
  return it == queues_.end() ? nullptr : it->second.get();
}

const InterceptorQueue* InterceptorQueues::find(const std::string& key) const {
  auto it = queues_.find(key);
  return it == queues_.end() ? nullptr : it->second.get();
}

void InterceptorQueues::configure_rate(InterceptorQueue& q, Duration window, Duration granularity,
                                       RequestBuckets::Rounding rounding) {
  if (q.buckets && q.buckets->window() == window && q.buckets->granularity() == granularity) return;
  flush_pending(q);
  q.buckets.emplace(window, granularity, rounding);
}

void InterceptorQueues::touch(InterceptorQueue& q, SimTime now) {
  if (q.instant == now) return;
  q.instant = now;
  q.concurrency_at_instant = q.concurrency;
  q.requests_at_instant = q.requests;
}

void InterceptorQueues::flush_pending(InterceptorQueue& q) {
  if (q.pending == 0) return;
  if (q.buckets) q.buckets->record(unix_us(q.pending_at), q.pending);
  q.pending = 0;
}

void InterceptorQueues::increase(InterceptorQueue& q, SimTime now) {
  touch(q, now);
  ++q.concurrency;
  ++q.requests;
  if (q.buckets) {
    // Record(now, 1) for each request: several at one instant add up to one Record(now, n).
    if (q.pending > 0 && q.pending_at != now) flush_pending(q);
    q.pending_at = now;
    ++q.pending;
  }
  if (listener_) listener_->on_queue_change(now);
}

void InterceptorQueues::decrease(InterceptorQueue& q, SimTime now) {
  touch(q, now);
  // Memory.Decrease clamps at zero.
  q.concurrency = std::max<std::int64_t>(0, q.concurrency - 1);
  if (listener_) listener_->on_queue_change(now);
}

std::int64_t InterceptorQueues::concurrency_before(const InterceptorQueue& q, SimTime t) const {
  return q.instant == t ? q.concurrency_at_instant : q.concurrency;
}

std::int64_t InterceptorQueues::requests_before(const InterceptorQueue& q, SimTime t) const {
  return q.instant == t ? q.requests_at_instant : q.requests;
}

double InterceptorQueues::rate_before(InterceptorQueue& q, SimTime t) {
  if (!q.buckets) return 0.0;
  if (q.pending > 0 && q.pending_at < t) flush_pending(q);
  return q.buckets->window_average(unix_us(t));
}

}  // namespace kcsim
