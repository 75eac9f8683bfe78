// The kcsim.io/* annotations that script what a pod's containers do, where a real cluster would
// run a program: crash after a while (with a reason, up to a number of times, in one container),
// take a while to start and to shut down (docs/models/workloads.md). kcsim's own, with no upstream
// counterpart; the kubelet model reads them once per pod it admits.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim::models {

struct PodScript {
  std::optional<Duration> crash_after;       // kcsim.io/crash-after
  std::string crash_reason = "Error";        // kcsim.io/crash-reason: Error or OOMKilled
  std::optional<std::int64_t> crash_limit;   // kcsim.io/crash-limit: crashes before it runs on
  std::string crash_container;               // kcsim.io/crash-container: "" = the first container
  std::optional<Duration> app_startup;       // kcsim.io/app-startup (else settings.kubelet.appStartup)
  std::optional<Duration> shutdown;          // kcsim.io/shutdown (else settings.kubelet.shutdown)
};

/// A pod's metadata.annotations as its typed view holds them (k8s::ObjectMeta: string values only).
using Annotations = std::map<std::string, std::string>;

/// The script in a pod's metadata.annotations. A value that is not valid counts as absent: the
/// scenario's manifests were checked by validate_pod_script when it was loaded.
PodScript read_pod_script(const Annotations& annotations);

/// Throws an InputError at `pointer` (the annotations object) in `file` for the first annotation
/// of the script whose value is not valid.
void validate_pod_script(const json& annotations, const std::string& file, const std::string& pointer);

}  // namespace kcsim::models
