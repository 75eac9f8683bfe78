// The well-known label and annotation keys that more than one part of kcsim reads or writes,
// each named as upstream names it. One home, so that the API server, the models, the analyses and
// the kubectl views cannot disagree on a spelling.
#pragma once

namespace kcsim::k8s {

// k8s.io/api/core/v1 annotation_key_constants.go: LastAppliedConfigAnnotation, which client-side
// `kubectl apply` writes and reads for its three-way merge.
inline constexpr char kLastAppliedConfigAnnotation[] = "kubectl.kubernetes.io/last-applied-configuration";

// k8s.io/api/apps/v1 types.go: DefaultDeploymentUniqueLabelKey, the label that ties a
// ReplicaSet and its pods to one pod template of a Deployment.
inline constexpr char kPodTemplateHashLabel[] = "pod-template-hash";

// kubernetes pkg/controller/deployment/util/deployment_util.go (v1.32): the annotations the
// Deployment controller keeps on its ReplicaSets.
inline constexpr char kRevisionAnnotation[] = "deployment.kubernetes.io/revision";
inline constexpr char kRevisionHistoryAnnotation[] = "deployment.kubernetes.io/revision-history";
inline constexpr char kDesiredReplicasAnnotation[] = "deployment.kubernetes.io/desired-replicas";
inline constexpr char kMaxReplicasAnnotation[] = "deployment.kubernetes.io/max-replicas";

}  // namespace kcsim::k8s
