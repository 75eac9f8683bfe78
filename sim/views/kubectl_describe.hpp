// `kcsim kubectl ... describe` (private to sim/views): the pieces k8s.io/kubectl's
// pkg/describe/describe.go (v0.32.0, kubectl 1.32) builds every describer from, and one
// describer per kind, each in the file of its concern:
//   kubectl_describe.cpp           the dispatcher (names, prefixes, -l, -A), the shared pieces, Pod
//   kubectl_describe_workloads.cpp Deployment and ReplicaSet (and the Deployment's ReplicaSets,
//                                  which `rollout history` reads too)
//   kubectl_describe_hpa.cpp       HorizontalPodAutoscaler (autoscaling/v2)
//   kubectl_describe_generic.cpp   every kind kubectl has no describer for (CRDs): the
//                                  "unstructured" layout
#pragma once

#include <string>
#include <vector>

#include "kubectl_context.hpp"

namespace kcsim::kubectl_detail {

/// describe.go's PrefixWriter: two spaces per level; the text then goes through a tabwriter. A
/// '\f' marks a Flush (DescribeEvents flushes before its table, so the table aligns on its own).
struct PrefixWriter {
  std::string text;
  void write(int level, const std::string& s) {
    text.append(static_cast<std::size_t>(level) * 2, ' ');
    text += s;
  }
};

/// tabbedString: the writer's text through Go's tabwriter (0, 8, 2), flushed at each '\f'.
std::string tabbed_string(const PrefixWriter& w);

/// printLabelsMultiline: "TITLE:\tk=v" sorted, further pairs on "\tk=v" lines; "<none>".
void describe_labels(PrefixWriter& w, const std::string& title, const json* labels);
/// printAnnotationsMultiline (kubectl's last-applied-configuration left out, long values folded).
void describe_annotations(PrefixWriter& w, const std::string& title, const json* annotations);
/// The "Name", "Namespace", "Labels" and "Annotations" lines most describers open with.
void describe_object_header(PrefixWriter& w, const json& obj);
/// printPodTolerationsMultiline.
void describe_tolerations(PrefixWriter& w, const std::string& title, const json& tolerations);
/// DescribePodTemplate: "Pod Template:" and the template's labels, containers, volumes, ...
void describe_pod_template(PrefixWriter& w, const Ctx& ctx, const json* template_spec);
/// searchEvents: the Events whose involvedObject is `obj` (kind, namespace, name, uid), by time.
std::vector<ObjectPtr> events_for(const Ctx& ctx, const json& obj);
/// DescribeEvents: "Events:\t<none>" or the Type Reason Age From Message table.
void describe_events(PrefixWriter& w, const Ctx& ctx, const std::vector<ObjectPtr>& events);
/// printController: "Kind/name" of the controller owner reference, "" when none.
std::string controlled_by(const json& obj);

/// The describers. `show_events` is --show-events (default true): false prints no Events section.
std::string describe_pod(const Ctx& ctx, const json& pod, bool show_events);
std::string describe_deployment(const Ctx& ctx, const json& deployment, bool show_events);
std::string describe_replicaset(const Ctx& ctx, const json& rs, bool show_events);
std::string describe_hpa(const Ctx& ctx, const json& hpa, bool show_events);
std::string describe_generic(const Ctx& ctx, const json& obj, bool show_events);

/// A Deployment's ReplicaSets as deploymentutil.GetAllReplicaSets finds them (k8s.io/kubectl
/// v0.32.0 pkg/util/deployment): those its selector selects and it controls; the new one is the
/// oldest whose template equals the Deployment's but for the pod-template-hash label.
struct DeploymentReplicaSets {
  std::vector<ObjectPtr> old_sets;  // every other one, oldest first (allOldRSs)
  ObjectPtr new_set;                // null when none matches the template yet
};
DeploymentReplicaSets deployment_replica_sets(const Ctx& ctx, const json& deployment);

}  // namespace kcsim::kubectl_detail
