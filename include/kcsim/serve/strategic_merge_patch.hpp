// Strategic merge patch (Content-Type application/strategic-merge-patch+json), what kubectl
// sends for `kubectl apply` (client-side), `kubectl edit` and `kubectl patch --type strategic`
// (its default) to the built-in kinds: a JSON merge patch whose lists of objects are merged by a
// key instead of replaced, as the Go struct tags of k8s.io/api say (patchStrategy:"merge" and
// patchMergeKey, Kubernetes v1.32), with the directives of
// k8s.io/apimachinery pkg/util/strategicpatch (patch.go, v1.32):
//  - `"$patch": "replace"` in a map (the map replaced whole) or as a list element (the list
//    replaced by the patch's other elements); `"$patch": "delete"` in a map (the field removed) or
//    in a list element (the element with that key removed);
//  - `"$retainKeys": [...]`: after merging, the map keeps only those fields (a union type such
//    as a Deployment's strategy);
//  - `"$setElementOrder/FIELD": [...]`: the order of the merged list: the elements it names, in
//    its order, then the others in their stored order (upstream interleaves the others where
//    they stood; kcsim puts them last);
//  - `"$deleteFromPrimitiveList/FIELD": [...]`: values removed from a merged list of scalars
//    (metadata.finalizers).
// The merge keys known (strategic_merge_keys in the .cpp): PodSpec containers, initContainers,
// ephemeralContainers, volumes, imagePullSecrets, hostAliases, topologySpreadConstraints,
// resourceClaims, schedulingGates; Container ports, env, volumeMounts, volumeDevices; metadata
// ownerReferences and finalizers; Service ports; status conditions. Every other list is replaced.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// Whether strategic merge patch applies to a kind of this API group: the built-in groups; a
/// custom resource (keda.sh, argoproj.io, ...) takes JSON and merge patches only, as kube-apiserver
/// serves custom resources.
bool strategic_merge_patch_supported(std::string_view group);

/// `original` (an object of `kind`) with `patch` applied. Throws std::invalid_argument with the
/// API server's message for a malformed patch (not an object; a directive of the wrong type).
json strategic_merge_patch(const json& original, const json& patch, const std::string& kind);

}  // namespace kcsim
