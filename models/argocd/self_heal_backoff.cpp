#include "self_heal_backoff.hpp"

namespace kcsim::argocd {

Duration self_heal_backoff_delay(const SelfHealBackoff& b, std::int64_t n) {
  Duration d = seconds(b.timeout_s);
  const Duration cap = seconds(b.cap_s);
  std::int64_t steps = n;
  Duration delay{0};
  auto step = [&]() {
    if (steps < 1) return d;
    --steps;
    const Duration out = d;
    if (b.factor != 0) {
      d = Duration{d.count() * b.factor};
      if (cap > Duration{0} && d > cap) {
        d = cap;
        steps = 0;
      }
    }
    return out;
  };
  if (b.stop_at_cap) {
    while (steps > 0) delay = step();
  } else {
    for (std::int64_t i = 0; i < n; ++i) delay = step();
  }
  return delay;
}

Duration self_heal_remaining_backoff(const SelfHealBackoff& b, bool has_operation_state,
                                     std::optional<SimTime> finished_at, std::int64_t attempts, SimTime now) {
  if (!has_operation_state) return Duration{0};
  const Duration wait = b.timeout_s == 0 ? seconds(b.self_heal_timeout_s) : self_heal_backoff_delay(b, attempts);
  return finished_at ? wait - (now - *finished_at) : wait;
}

bool self_heal_backoff_cooldown_elapsed(std::optional<SimTime> finished_at, const std::string& phase,
                                        Duration cooldown, SimTime now) {
  return !finished_at || (now - *finished_at >= cooldown && phase == "Succeeded");
}

}  // namespace kcsim::argocd
