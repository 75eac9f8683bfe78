// The external metrics API (external.metrics.k8s.io) and KEDA's external-push stream, as one
// in-memory registry. Metrics are not API objects in Kubernetes either: scalers serve them and
// KEDA / the HPA read them, so this is the one channel besides the API server between models.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/core/time.hpp"

namespace kcsim {

class PushSubscriber {
 public:
  virtual ~PushSubscriber() = default;
  /// A StreamIsActive message (external-push scaler → KEDA), delivered synchronously at the
  /// instant the scaler sends it.
  virtual void on_push(const std::string& metric, bool active) = 0;
};

class ExternalMetrics {
 public:
  struct Sample {
    double value = 0.0;
    bool active = false;
    SimTime updated{};
  };

  /// Sets a metric's current value and activity (what GetMetrics / IsActive would return now).
  void publish(const std::string& metric, double value, bool active, SimTime now) {
    samples_[metric] = Sample{value, active, now};
  }
  std::optional<Sample> read(const std::string& metric) const {
    auto it = samples_.find(metric);
    if (it == samples_.end()) return std::nullopt;
    return it->second;
  }
  /// Sends a push message to every subscriber of the metric, in subscription order.
  void push(const std::string& metric, bool active) {
    auto it = subscribers_.find(metric);
    if (it == subscribers_.end()) return;
    for (PushSubscriber* s : it->second) s->on_push(metric, active);
  }
  void subscribe(const std::string& metric, PushSubscriber* subscriber) {
    subscribers_[metric].push_back(subscriber);
  }
  bool has_subscribers(const std::string& metric) const { return subscribers_.count(metric) > 0; }

 private:
  std::map<std::string, Sample> samples_;
  std::map<std::string, std::vector<PushSubscriber*>> subscribers_;
};

}  // namespace kcsim
