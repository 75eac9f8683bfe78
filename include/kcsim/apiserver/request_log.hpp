// The per-request records of a run's traffic (models/actors/traffic.cpp), as plain rows, so that the
// run's artefacts (the timeline CSV, the HTML page) can draw them without knowing the model.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kcsim {

constexpr std::uint8_t kRequestColdFlag = 1;         // it waited for a pod to start (a cold start)
constexpr std::uint8_t kRequestInterceptorFlag = 2;  // it went through the http-add-on interceptor
constexpr std::uint16_t kNoRequestWorkload = 0xffff;

/// One request, as recorded when its client got a response (32 bytes: a long run keeps
/// millions of them).
struct RequestRecord {
  std::int64_t arrival_us;
  std::int64_t start_us;  // when a pod began serving it; -1 if none did before the response
  std::int64_t end_us;    // when the client got its response
  std::uint16_t source;
  std::uint16_t workload;  // index into RequestLog::workloads; kNoRequestWorkload when it reached none
  std::uint16_t status;    // HTTP status
  std::uint8_t flags;      // kRequestColdFlag, kRequestInterceptorFlag
  std::uint8_t pad = 0;

  bool cold() const { return (flags & kRequestColdFlag) != 0; }
  bool ok() const { return status >= 200 && status < 300; }
  std::int64_t latency_us() const { return end_us - arrival_us; }
};
static_assert(sizeof(RequestRecord) == 32);

/// A view of a model's request records, valid while the model lives (no copy of the records).
struct RequestLog {
  std::span<const RequestRecord> records;  // in response (end_us) order
  std::vector<std::string> workloads;      // RequestRecord::workload → "Deployment/ns/name"
  bool truncated = false;                  // records stopped at settings.traffic.maxRecords
};

}  // namespace kcsim
