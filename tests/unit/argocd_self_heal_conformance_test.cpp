// Conformance of ArgoCD's self-heal wait (models/argocd/self_heal_backoff.hpp) with upstream's own
// tables in argo-cd controller/appcontroller_test.go:
//  - TestSelfHealRemainingBackoff (identical in v3.2.0–v3.3.14, the releases kcsim's default 3.3.0
//    profile covers; the table first appears in v3.2.0): a Backoff{2 s, ×3, cap 2 min} — the
//    test's cap, not the 300 s default — and the remaining wait after n previous attempts with
//    finishedAt now, unset, or a minute ago; shouldSelfHeal is remaining <= 0;
//  - TestSelfHealBackoffCooldownElapsed (v3.2.0–v3.2.12; the cooldown is gone in v3.3.0): a 30 s
//    cooldown against the operation's phase and finishedAt.
// Upstream compares durations within half a second (assertDurationAround) because its clock moves
// during the test; here the instants are exact and the durations must be equal. The backoff
// with the defaults (2 s, ×3, cap 300 s) and the earlier releases' stepping that stops at the cap
// are checked against docs/models/argocd-git.md's table. docs/fidelity.md counts the cases.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "../../models/argocd/self_heal_backoff.hpp"

namespace kcsim::argocd {
namespace {

const SimTime kNow{hours(2)};

struct RemainingCase {
  const char* name;
  std::int64_t attempts;
  std::optional<SimTime> finished_at;
  Duration expected;
  bool should_self_heal;
};

class SelfHealRemainingBackoffConformance : public ::testing::TestWithParam<RemainingCase> {};

TEST_P(SelfHealRemainingBackoffConformance, MatchesUpstream) {
  const RemainingCase& c = GetParam();
  const SelfHealBackoff b{.timeout_s = 2, .factor = 3, .cap_s = 120};
  const Duration d = self_heal_remaining_backoff(b, true, c.finished_at, c.attempts, kNow);
  EXPECT_EQ(d <= Duration{0}, c.should_self_heal);
  EXPECT_EQ(d, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, SelfHealRemainingBackoffConformance,
    ::testing::Values(RemainingCase{"case0_attempts0_finished_now", 0, kNow, seconds(0), true},
                      RemainingCase{"case1_attempts1_finished_now", 1, kNow, seconds(2), false},
                      RemainingCase{"case2_attempts2_finished_now", 2, kNow, seconds(6), false},
                      RemainingCase{"case3_attempts3_not_finished", 3, std::nullopt, seconds(18), false},
                      RemainingCase{"case4_attempts4_not_finished", 4, std::nullopt, seconds(54), false},
                      RemainingCase{"case5_attempts5_not_finished", 5, std::nullopt, seconds(120), false},
                      RemainingCase{"case6_attempts6_not_finished", 6, std::nullopt, seconds(120), false},
                      RemainingCase{"case7_attempts6_finished_now", 6, kNow, seconds(120), false},
                      RemainingCase{"case8_attempts40_finished_a_minute_ago", 40, kNow - minutes(1), seconds(60),
                                    false}),
    [](const auto& info) { return std::string(info.param.name); });

// No operation state: heal at once (selfHealRemainingBackoff's first check).
TEST(SelfHealRemainingBackoff, NoOperationStateHealsAtOnce) {
  EXPECT_EQ(self_heal_remaining_backoff(SelfHealBackoff{}, false, std::nullopt, 5, kNow), Duration{0});
}

// The defaults and the stepping of v2.11.12–v2.14.9 (docs/models/argocd-git.md).
TEST(SelfHealBackoffDelay, DefaultsPerAttempt) {
  const SelfHealBackoff b{};  // 2 s, ×3, cap 300 s
  const std::int64_t want[] = {0, 2, 6, 18, 54, 162, 300, 300};
  for (std::int64_t n = 0; n < 8; ++n) EXPECT_EQ(self_heal_backoff_delay(b, n), seconds(want[n])) << n;
  SelfHealBackoff legacy{};
  legacy.stop_at_cap = true;  // `for backOff.Steps > 0`: the step that hits the cap ends the loop
  EXPECT_EQ(self_heal_backoff_delay(legacy, 5), seconds(162));
  EXPECT_EQ(self_heal_backoff_delay(legacy, 6), seconds(162));
  EXPECT_EQ(self_heal_backoff_delay(legacy, 40), seconds(162));
  // Backoff disabled (timeout 0): the fixed --self-heal-timeout-seconds less the time since.
  const SelfHealBackoff fixed{.timeout_s = 0, .self_heal_timeout_s = 5};
  EXPECT_EQ(self_heal_remaining_backoff(fixed, true, kNow - seconds(2), 7, kNow), seconds(3));
}

// --- TestSelfHealBackoffCooldownElapsed (v3.2.x), cooldown 30 s ------------------------------------
struct CooldownCase {
  const char* name;
  std::optional<SimTime> finished_at;
  const char* phase;
  bool elapsed;
};

class SelfHealBackoffCooldownElapsedConformance : public ::testing::TestWithParam<CooldownCase> {};

TEST_P(SelfHealBackoffCooldownElapsedConformance, MatchesUpstream) {
  const CooldownCase& c = GetParam();
  EXPECT_EQ(self_heal_backoff_cooldown_elapsed(c.finished_at, c.phase, seconds(30), kNow), c.elapsed);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, SelfHealBackoffCooldownElapsedConformance,
    ::testing::Values(CooldownCase{"operation_not_completed", std::nullopt, "Succeeded", true},
                      CooldownCase{"successful_operation_finished_after_cooldown", kNow - seconds(30), "Succeeded", true},
                      CooldownCase{"unsuccessful_operation_finished_after_cooldown", kNow - seconds(30), "Failed", false},
                      CooldownCase{"successful_operation_finished_before_cooldown", kNow, "Succeeded", false}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace kcsim::argocd
