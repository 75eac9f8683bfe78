// ArgoCD's wait between self-heal attempts, as a pure function: argo-cd
// controller/appcontroller.go selfHealRemainingBackoff (k8s.io/apimachinery wait.Backoff.Step,
// stepped once per previous attempt) and selfHealBackoffCooldownElapsed (v3.2.x), releases
// v2.11.12 to v3.3 (docs/models/argocd-git.md has the per-release table). Used by the application
// controller (argocd_application_controller.cpp) and by the conformance test of upstream's own
// table (tests/unit/argocd_self_heal_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kcsim/core/time.hpp"

namespace kcsim::argocd {

struct SelfHealBackoff {
  std::int64_t timeout_s = 2;  // --self-heal-backoff-timeout-seconds; 0: no backoff, the fixed timeout
  std::int64_t factor = 3;     // --self-heal-backoff-factor
  std::int64_t cap_s = 300;    // --self-heal-backoff-cap-seconds
  std::int64_t self_heal_timeout_s = 0;  // --self-heal-timeout-seconds (used without backoff)
  // v2.11.12–v2.14.9 step the backoff `for backOff.Steps > 0`, which stops once the cap is hit
  // (the wait never reaches the cap); later releases step it exactly n times.
  bool stop_at_cap = false;
};

/// wait.Backoff{timeout, factor, cap}.Step() taken `n` times: the delay the last step returned
/// (0 for n = 0).
Duration self_heal_backoff_delay(const SelfHealBackoff& b, std::int64_t n);

/// selfHealRemainingBackoff: the wait after `attempts` previous self-heal attempts, less the time
/// since the previous operation finished (`finished_at`; nullopt when not set); 0 without an
/// operation state. A result of 0 or less means heal now.
Duration self_heal_remaining_backoff(const SelfHealBackoff& b, bool has_operation_state,
                                     std::optional<SimTime> finished_at, std::int64_t attempts, SimTime now);

/// selfHealBackoffCooldownElapsed (v3.2.x): true when the operation has not finished, or when it
/// succeeded and finished at least `cooldown` ago.
bool self_heal_backoff_cooldown_elapsed(std::optional<SimTime> finished_at, const std::string& phase,
                                        Duration cooldown, SimTime now);

}  // namespace kcsim::argocd
