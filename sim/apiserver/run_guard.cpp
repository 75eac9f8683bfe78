#include "kcsim/apiserver/run_guard.hpp"

#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

std::uint64_t resident_memory_bytes() {
  // statm: size resident shared text lib data dt, in pages (proc(5)).
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

std::uint64_t available_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  std::uint64_t bytes = pages > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
  // cgroup v2: "max" or a number of bytes.
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");
  std::uint64_t limit = 0;
  if (cgroup >> limit && limit > 0 && (bytes == 0 || limit < bytes)) bytes = limit;
  return bytes;
}

std::uint64_t default_memory_budget_bytes() {
  const std::uint64_t available = available_memory_bytes();
  return available == 0 ? 0 : available / 4 * 3;
}

RunGuard::RunGuard(World& world, const RunLimits& limits)
    : world_(world),
      budget_bytes_(limits.max_memory_mib ? limits.max_memory_mib << 20 : default_memory_budget_bytes()) {
  world_.engine().set_observer(this);
}

RunGuard::~RunGuard() { world_.engine().set_observer(nullptr); }

void RunGuard::enable_invariant_checks(InvariantOptions options) {
  invariants_ = std::make_unique<InvariantChecker>(world_.api(), options);
}

void RunGuard::after_event() {
  if (--until_memory_check_ == 0) {
    until_memory_check_ = kMemoryCheckInterval;
    check_memory();
  }
  if (invariants_) invariants_->check();
}

void RunGuard::check_memory() {
  if (budget_bytes_ == 0) return;
  const std::uint64_t used = resident_memory_bytes();
  if (used <= budget_bytes_) return;
  throw RunLimitError(fmt::format(
      "{}: the run stopped at the memory limit at t = {}: kcsim uses {} MiB, more than its budget of {} MiB "
      "(--max-memory), with {} objects created; the scenario probably creates objects without bound",
      world_.scenario().file, format_go_duration(world_.engine().now().time_since_epoch()), used >> 20,
      budget_bytes_ >> 20, world_.api().lifetimes().size()));
}

}  // namespace kcsim
