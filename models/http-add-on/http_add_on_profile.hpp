// What changed between KEDA HTTP add-on releases, in one place: the operator's generated
// ScaledObject, the external scaler's cadence and rate arithmetic, the interceptor's timeouts.
// Shared by the "http-add-on" model (operator + scaler) and the "traffic" model (which carries the
// interceptor's data path). Sources: kedacore/http-add-on and kedacore/charts (http-add-on/) at the
// tags named beside each field; docs/models/http-add-on-traffic.md has the table.
#pragma once

#include <cstdint>
#include <string>

#include "kcsim/k8s/object_ref.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/core/time.hpp"
#include "request_buckets.hpp"

namespace kcsim {

struct HttpAddOnProfile {
  std::string version;

  // --- operator (pkg/k8s/scaledobject.go NewScaledObject; v0.3–v0.4 templates/scaledobject.yaml)
  std::int64_t so_polling_interval_s = 15;  // soPollingInterval: 1 in v0.3–v0.6, 15 from v0.7
  bool passes_scaledown_period = true;      // v0.4 declares it but its template drops it
  bool passes_initial_cooldown = true;      // v0.10+
  bool copies_labels_annotations = true;    // v0.8+ copies the HTTPScaledObject's labels/annotations
  enum class TriggerMetadata { kHost, kHostsPathPrefixes, kHttpScaledObject };
  TriggerMetadata trigger_metadata = TriggerMetadata::kHttpScaledObject;  // v0.3–4 / v0.5–7 / v0.8+
  bool has_scaling_metric = true;           // scalingMetric.{concurrency,requestRate}: v0.8+
  bool has_timeouts_field = true;           // spec.timeouts.{conditionWait,responseHeader}: v0.11+
  bool metav1_conditions = false;           // v0.13+: one metav1.Condition "Ready"/"Reconciled"

  // --- external scaler (scaler/config.go, scaler/handlers.go, scaler/queue_pinger.go)
  Duration queue_tick = milliseconds(500);      // KEDA_HTTP_QUEUE_TICK_DURATION
  Duration stream_interval = milliseconds(200); // KEDA_HTTP_SCALER_STREAM_INTERVAL_MS; 5 ms ≤ v0.5
  bool rate_in_scaler = false;                  // v0.14+: rate from request-count deltas per ping
  RequestBuckets::Rounding rounding = RequestBuckets::Rounding::kFloor;  // Round from v0.13

  // --- interceptor (interceptor/config/timeouts.go; forward_wait_func.go; endpoint_resolver.go)
  /// KEDA_CONDITION_WAIT_TIMEOUT (≤ v0.13) / KEDA_HTTP_READINESS_TIMEOUT (v0.14+); 0 = no limit.
  Duration wait_timeout = milliseconds(1500);
  /// KEDA_RESPONSE_HEADER_TIMEOUT (≤ v0.13) / KEDA_HTTP_RESPONSE_HEADER_TIMEOUT (v0.14+).
  Duration response_header_timeout = milliseconds(500);
  /// KEDA_HTTP_CONNECT_TIMEOUT: per dial. Dials never fail in the model (no kube-proxy lag).
  Duration connect_timeout = milliseconds(500);
  /// KEDA_HTTP_REQUEST_TIMEOUT (v0.14+; 0 = none): bounds the whole request.
  Duration request_timeout{0};
  /// The status of a request whose wait or response-header deadline expired: 502 up to v0.13
  /// (proxy_handlers.go, handler/upstream.go), 504 from v0.14 (endpoint_resolver.go, upstream.go).
  int timeout_status = 502;
};

/// The profile of the scenario's http-add-on version, with settings.http-add-on.interceptor and
/// .scaler overrides applied. Throws InputError (naming the scenario file and the setting's
/// pointer) for a bad override.
HttpAddOnProfile make_http_add_on_profile(const Scenario& scenario);

/// Reads a metav1.Duration field of an object ("1m", "500ms"); nullopt if absent or unparsable.
std::optional<Duration> object_duration(const json& value);

}  // namespace kcsim
