// The view of a live object that gitops-engine hashes to decide whether a watch event changed
// anything an Argo CD comparison reads (argo-cd controller/cache/cache.go skipResourceUpdate,
// v3.3), when no ignoreResourceUpdates rule applies: the object without status, and without
// metadata's resourceVersion, generation and managedFields. Two ways to use it: compare two
// versions in place (the cluster cache's skip check), or keep a fingerprint of one (ArgoCD's
// comparison memo, instead of the live version it compared, so that a superseded version is not
// kept alive until the next refresh).
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace kcsim::argocd {

/// Whether `a` and `b` have the same hash view, without copying either: objects are ordered
/// maps, so both are walked in key order, skipping what the view leaves out.
bool same_hash_view(const nlohmann::json& a, const nlohmann::json& b);

struct HashViewFingerprint {
  // Two 64-bit hashes of one canonical walk (FNV-1a and a multiply-rotate mix): two views with
  // the same fingerprint are taken as equal, a collision having odds of about 2^-128.
  std::uint64_t fnv = 0;
  std::uint64_t mix = 0;

  /// The fingerprint of `object`'s hash view. Numbers hash by value as nlohmann's operator==
  /// compares them (1, 1u and 1.0 alike), so equal views have equal fingerprints.
  static HashViewFingerprint of(const nlohmann::json& object);

  bool operator==(const HashViewFingerprint&) const = default;
};

}  // namespace kcsim::argocd
