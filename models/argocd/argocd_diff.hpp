// ArgoCD's comparison of desired (Git) and live objects: ignoreDifferences rules and their
// normalisation, the gitops-engine three-way/two-way diff, and the kubectl-apply patch built from
// the same prediction. Used by models/argocd/argocd_application_controller.cpp; kept apart so that it
// can be tested on its own (tests/unit/argocd_test.cpp).
//
// Upstream: argo-cd util/argo/diff/{diff.go,ignore.go}, util/argo/normalizers/diff_normalizer.go,
// util/argo/managedfields/managed_fields.go, controller/sync.go normalizeTargetResources (v3.3),
// gitops-engine pkg/diff/diff.go; argo-cd docs user-guide/diffing.md and user-guide/sync-options.md
// (RespectIgnoreDifferences, v2.3.0, #8078; argo-cd #6520).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim::argocd {

/// util/glob.Match as used for group and kind: `*` matches any run, `?` one character; an empty
/// pattern matches only the empty string (so an omitted group never matches "apps").
bool glob_match(std::string_view pattern, std::string_view text);

/// A jqPathExpressions entry, restricted to path expressions: `.a.b`, `."a-b"`, `.["a"]`,
/// `.a[0]`, `.a[]`, `.a[]?`, and `| select(.k == "v")` / `select(.k != "v")` filters between
/// them (`.spec.template.spec.containers[] | select(.name == "app") | .image`). ArgoCD evaluates
/// `del(<expr>)` with gojq; these forms cover the documented examples.
struct JqStep {
  enum class Type { kField, kIndex, kIterate, kSelect };
  Type type = Type::kField;
  std::string field;               // kField
  long index = 0;                  // kIndex (negative counts from the end)
  std::vector<std::string> lhs;    // kSelect: the field path compared
  bool equal = true;               // kSelect: == or !=
  json literal;                    // kSelect: the value compared with
};
struct JqPath {
  std::string text;
  std::vector<JqStep> steps;
};
/// Parses a path expression; on failure returns nullopt and says why in `error`.
std::optional<JqPath> parse_jq_path(const std::string& text, std::string* error);

/// One rule of spec.ignoreDifferences (or of the system-level resource customizations).
struct IgnoreRule {
  std::string group;      // glob; "" matches only the core group
  std::string kind;       // glob
  std::string name;       // "" = any
  std::string ns;         // "" = any
  std::vector<std::string> json_pointers;
  std::vector<JqPath> jq_paths;
  std::vector<std::string> managers;
};

/// Sets "group" and "kind" of an ignoreDifferences rule from the key argocd-cm gives a
/// resource customization: "<group>_<kind>" ("apps_Deployment"), "<kind>" for the core group, or
/// "all" (every group and kind) (argo-cd util/settings settings.go, resource.customizations).
void set_customization_group_kind(json& rule, const std::string& group_kind);

/// Parses spec.ignoreDifferences. Entries that cannot be used (a jq expression outside the
/// supported forms, a malformed pointer) are reported in `error` (the first one) and skipped.
std::vector<IgnoreRule> parse_ignore_differences(const json& list, std::string* error);

/// The merged ignores for one resource (IgnoreDiffConfig.HasIgnoreDifference): every matching
/// rule contributes, duplicates dropped, in rule order.
struct IgnoreSet {
  std::vector<std::string> json_pointers;
  std::vector<const JqPath*> jq_paths;
  std::vector<std::string> managers;
  bool empty() const { return json_pointers.empty() && jq_paths.empty() && managers.empty(); }
};
IgnoreSet match_ignores(const std::vector<IgnoreRule>& rules, const std::string& group, const std::string& kind,
                        const std::string& name, const std::string& ns);

/// A location in a document; array steps remember the item's merge key (e.g. {"name": "app"})
/// when the list is keyed, so a location found in the live object can be found in the desired one.
struct PathStep {
  std::string field;     // object member, when !is_index
  bool is_index = false;
  std::size_t index = 0;
  json item_key;         // for list items: {"name": "app"} when known, else null
};
using Path = std::vector<PathStep>;

/// The three documents a comparison reads, after normalisation.
struct Normalized {
  std::optional<json> live;
  std::optional<json> target;
  std::optional<json> last_applied;
  /// What the ignores took out of live, with the live values (for RespectIgnoreDifferences).
  std::vector<std::pair<Path, json>> removed_from_live;
};

/// Removes what the ignores cover: first the managedFieldsManagers rule (fields owned by those
/// managers in live.metadata.managedFields whose live and desired values differ leave both
/// sides), then every jsonPointer and jq path from live, desired and last-applied; also
/// metadata.creationTimestamp (gitops-engine diff.Normalize).
Normalized normalize(const json* live, const json* target, const json* last_applied, const IgnoreSet& ignores);

/// Whether lists of this object are merged by key (strategic merge patch, built-in types) or
/// replaced whole (JSON merge patch, custom resources).
bool is_builtin_api(const std::string& api_version);

/// What live becomes when `config` is applied with kubectl's three-way merge against
/// `last_applied` (null = none: nothing is deleted): fields of config are set, fields of
/// last-applied missing from config are removed, other live fields are kept. With `strategic`,
/// lists of objects with a known merge key (containers by name, ports by containerPort, ...)
/// are merged item by item; otherwise lists are replaced whole.
json predict_live(const json* last_applied, const json& config, const json& live, bool strategic);

/// gitops-engine diff.Diff on normalised documents: three-way against last-applied when it is
/// present (ThreeWayDiff), else two-way (TwoWayDiff: only fields present in desired are
/// compared, lists whole). True when live differs from what applying desired would give.
bool is_modified(const Normalized& n, bool builtin);

/// RFC 7386 merge patch that turns `from` into `to` (jsonpatch.CreateMergePatch).
json create_merge_patch(const json& from, const json& to);

/// RespectIgnoreDifferences=true (controller/sync.go normalizeTargetResources): the normalised
/// desired object with the live values of everything the ignores removed from live.
json respect_ignore_differences(const Normalized& n);

/// Reads the kubectl.kubernetes.io/last-applied-configuration annotation (null when absent or
/// not JSON).
json last_applied_of(const json& live);

/// Parses "/a/b~1c" into tokens; nullopt when not a valid RFC 6901 pointer.
std::optional<std::vector<std::string>> parse_pointer(const std::string& pointer);

}  // namespace kcsim::argocd
