// The ownership graph: who can write which field, derived statically from manifests and
// settings, before anything runs. `kcsim explain` and `kcsim lint` print its analyses; `kcsim
// import` uses the same reading of the inputs (docs/explain-lint.md).
//
// Vertices: managers (controllers and people, by field-manager name), objects, fields, and Git
// paths. Edges:
//   can-write   manager → field, labelled with the object whose settings make it write (an
//               Application, a ScaledObject, an HPA, a Flux Kustomization, a `kubectl apply -f`
//               of a file), when (continuously, at each sync, only at creation), what values, why;
//   has-field   object → field;
//   source      Git path → Application/Kustomization (its spec.source.path);
//   declares    Git path → object (a manifest found there);
//   deploys     Application/Kustomization/ApplicationSet → object;
//   applied-by  manager → object (an Application applied by hand: its managedFields say who);
//   generates   object → object (an HTTPScaledObject's ScaledObject, a ScaledObject's HPA).
// The Boost.Graph adjacency_list is built in one pass from sorted lists: vertices in id order,
// edges in (source, target, kind, via) order, so descriptors and every output are the same for
// the same inputs whatever order the files were read in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "kcsim/scenario/manifest_reader.hpp"

namespace kcsim {

/// A piece of evidence: where (file:line:column, or "" when there is no file) and what it shows.
struct Evidence {
  std::string where;
  std::string text;
  json to_json() const;
};

enum class VertexKind { kManager, kObject, kField, kGitPath };
enum class EdgeKind { kCanWrite, kHasField, kSource, kDeclares, kDeploys, kAppliedBy, kGenerates };
/// When a can-write edge writes: kContinuous = reverts any drift on its own (ArgoCD self-heal,
/// Flux drift correction, an autoscaler's loop); kOnSync = whenever it applies (an ArgoCD sync
/// without self-heal or with the field only ignored in the diff, `kubectl apply` in a pipeline);
/// kOnCreate = only when it creates the object (RespectIgnoreDifferences, Flux IfNotPresent).
enum class WriteMode { kContinuous, kOnSync, kOnCreate };

const char* to_string(VertexKind k);
const char* to_string(EdgeKind k);
const char* to_string(WriteMode m);

/// The values a writer can set: one value (a manifest's) or a replica range (an autoscaler's).
struct WriteValues {
  bool fixed = true;
  json value;                          // fixed
  std::int64_t lo = 0, hi = 0;         // range, inclusive (the values under load)
  std::optional<std::int64_t> idle;    // range: the value without traffic (KEDA: 0 or idleReplicaCount)
  std::string describe() const;        // "1", "0 when idle, up to 3", "1..3"
  json to_json() const;
};

struct VertexProps {
  VertexKind kind = VertexKind::kObject;
  std::string id;     // unique; "manager:keda", "object:Deployment/prod/web",
                      // "field:Deployment/prod/web#/spec/replicas", "git:<repo>#<path>"
  std::string label;  // for people and Graphviz
  ObjectRef object;   // kObject, kField
  std::string field;  // kField: JSON pointer
};

struct EdgeProps {
  EdgeKind kind = EdgeKind::kCanWrite;
  std::string via;    // kCanWrite: "Application/argocd/web", "ScaledObject/prod/web", "kubectl apply -f x.yaml"
  WriteMode mode = WriteMode::kContinuous;
  WriteValues values;
  std::string reason;
  std::vector<Evidence> evidence;
  /// Writers that belong together and never fight each other (KEDA and the HPA of one
  /// ScaledObject: KEDA scales 0 ↔ 1, the HPA 1 ↔ N; kedacore/keda scaledobject_types.go
  /// GetHPAMinReplicas).
  std::string group;
  /// ArgoCD managedFieldsManagers: against these managers the field is ignored in the diff,
  /// and `mode_vs_listed` applies instead of `mode`.
  std::vector<std::string> ignored_managers;
  WriteMode mode_vs_listed = WriteMode::kOnSync;
};

using OwnershipGraphType =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexProps, EdgeProps>;

enum class Severity { kNote = 0, kWarning = 1, kError = 2 };
const char* to_string(Severity s);
/// "error", "warning", "note" (also "info" for note); nullopt otherwise.
std::optional<Severity> parse_severity(const std::string& text);

/// A lint rule (stable ids: CI configurations name them in --ignore). The rules' texts are data,
/// sim/analysis/lint_rules.json, compiled in at build time.
struct RuleInfo {
  std::string id;
  Severity severity;  // default
  std::string summary;
  std::string help;
};
const std::vector<RuleInfo>& lint_rules();
const RuleInfo* find_rule(const std::string& id);

struct Finding {
  std::string rule;
  Severity severity = Severity::kWarning;
  std::string object;     // "Deployment/prod/web"
  std::string field;      // JSON pointer, "" when the finding is about an object
  std::string title;      // one line
  std::string message;    // plain words
  std::string location;   // the primary file:line:column ("" when none)
  std::vector<Evidence> evidence;
  std::vector<std::string> fixes;
  std::vector<std::string> writers;  // "manager (via)" of a fight, sorted
  std::string root_cause;  // why a fix already in Git has not reached the cluster, if so
  json to_json() const;
};

class OwnershipGraph {
 public:
  /// Builds the graph and runs the analyses. Throws InputError (file, document, field, line and
  /// column) when a field it reads has the wrong type (an Application's spec.syncPolicy that is
  /// not a mapping, an HPA's maxReplicas that is a string): the API server would reject those
  /// too. What it cannot follow (an unrendered Helm source, an ApplicationSet generator other
  /// than list) becomes a note.
  explicit OwnershipGraph(const ManifestSet& set);
  ~OwnershipGraph();
  OwnershipGraph(const OwnershipGraph&) = delete;
  OwnershipGraph& operator=(const OwnershipGraph&) = delete;

  const OwnershipGraphType& graph() const { return graph_; }
  /// The vertex with this id, or nullopt.
  std::optional<OwnershipGraphType::vertex_descriptor> vertex(const std::string& id) const;

  /// Potential fights, feedback cycles, Applications not deployed from Git, Application specs
  /// whose live and Git versions differ; ordered by severity (errors first), then object, field,
  /// rule.
  const std::vector<Finding>& findings() const { return findings_; }
  /// What was assumed or could not be followed (for the reader, not findings).
  const std::vector<std::string>& notes() const { return notes_; }

  /// {"vertices": [...], "edges": [...]} in descriptor order.
  json graph_json() const;
  /// Graphviz: managers as boxes, objects as ellipses, fields as notes; fights in red.
  std::string to_dot() const;

 private:
  struct Impl;
  OwnershipGraphType graph_;
  std::vector<Finding> findings_;
  std::vector<std::string> notes_;
};

}  // namespace kcsim
