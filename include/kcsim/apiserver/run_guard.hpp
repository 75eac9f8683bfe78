// What watches a run while it goes: the memory budget, and the invariants of --verify. It is the
// engine's EventObserver, so that a runaway scenario stops with a clear message (exit status 3)
// before the operating system kills kcsim (docs/reliability.md).
#pragma once

#include <cstdint>
#include <memory>

#include "kcsim/core/engine.hpp"
#include "kcsim/apiserver/invariants.hpp"

namespace kcsim {

class World;
struct RunLimits;

/// Resident memory of this process (/proc/self/statm), in bytes; 0 where unknown.
std::uint64_t resident_memory_bytes();
/// The memory this process may use before the kernel's OOM killer steps in: physical memory, or
/// the cgroup v2 limit (/sys/fs/cgroup/memory.max, what a container's resources.limits.memory
/// becomes) when smaller.
std::uint64_t available_memory_bytes();
/// The default budget of --max-memory: three quarters of available_memory_bytes(), leaving room
/// for the report, which is built after the run.
std::uint64_t default_memory_budget_bytes();

class RunGuard final : public EventObserver {
 public:
  /// Installs itself as the engine's observer; the destructor removes it.
  RunGuard(World& world, const RunLimits& limits);
  ~RunGuard() override;
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

  /// Turns on the checks of `kcsim run --verify` (InvariantChecker) after every event.
  void enable_invariant_checks(InvariantOptions options);
  /// Throws RunLimitError when the memory budget is exceeded, InvariantViolation when an
  /// invariant is broken.
  void after_event() override;

  /// Resident memory is read once per this many events: a read costs a few microseconds, an
  /// event a few hundred nanoseconds, and no event allocates more than a few MiB (the
  /// ReplicaSet controller creates at most 500 pods per sync).
  static constexpr std::uint32_t kMemoryCheckInterval = 4096;

 private:
  void check_memory();

  World& world_;
  std::uint64_t budget_bytes_;
  std::uint32_t until_memory_check_ = kMemoryCheckInterval;
  std::unique_ptr<InvariantChecker> invariants_;
};

}  // namespace kcsim
