// The causal chain of a fight: one full steady-state cycle (the last complete one), explained as
// at most ten numbered steps from the recorded writes, at the instants they happened, each with
// the rule that made the actor act. See docs/report-format.md (fights[].chain).
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// The steps of the last complete cycle of `fight` (an element of find_fights):
/// [{at, at_s, actor, action, rule}], in time order, starting with the write of the fought field
/// that opens the cycle and ending with the one that closes it; at most 10 steps. Empty when the
/// history has no full cycle.
json build_causal_chain(const World& world, const json& fight);

/// Sets fights[i]["chain"] for every fight.
void add_causal_chains(const World& world, json& fights);

/// The chain as numbered, indented text lines ("      1. 12:05:00.1 keda scales ...").
std::string render_causal_chain(const json& chain, const std::string& indent);

}  // namespace kcsim
