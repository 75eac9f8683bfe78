// The pod-template-hash that names a Deployment's ReplicaSets and labels their pods
// (kubernetes pkg/controller/controller_utils.go ComputeHash, v1.28; apimachinery
// pkg/util/rand/rand.go SafeEncodeString).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kcsim::models {

/// FNV-1a, 32-bit (Go's hash/fnv New32a), continued from `hash`.
std::uint32_t fnv1a32(std::string_view bytes, std::uint32_t hash = 2166136261u);

/// apimachinery rand.SafeEncodeString: each byte b becomes alphanums[b % 27] with
/// alphanums = "bcdfghjklmnpqrstvwxz2456789" (no vowels, no 0/1/3, so no words).
/// Decimal digits map to 4 5 6 7 8 9 b c d f.
std::string safe_encode_string(std::string_view text);

/// The hash of a pod template with an optional Deployment status.collisionCount.
/// Upstream hashes Go's spew dump of the PodTemplateSpec; kcsim hashes the canonical JSON
/// serialisation of the template (keys sorted, no spaces), so the value is deterministic and
/// stable for one template but not byte-identical to a real cluster's. The collision count is
/// appended as upstream does (8 bytes: uint32 little-endian, then four zero bytes), the sum is
/// printed as a decimal uint32 and encoded with safe_encode_string: 1 to 10 characters from
/// 4-9 b c d f, as in real ReplicaSet names.
std::string compute_pod_template_hash(const nlohmann::json& pod_template,
                                      std::optional<std::int64_t> collision_count);

}  // namespace kcsim::models
