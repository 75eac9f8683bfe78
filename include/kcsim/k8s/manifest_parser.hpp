// Parsing the manifests users already have: YAML (multi-document, `---` separated) and JSON
// (single objects and `kind: List`, as `kubectl get -o json` prints), with the line and column of
// every field, so that `kcsim explain` can say which manifest line declares a field and so that a
// malformed document is reported as file:line:column. Used by `kcsim import`, `explain`, `lint`
// (through include/kcsim/scenario/manifest_reader.hpp) and by the Git model (a file's YAML text).
//
// YAML scalars are typed as Kubernetes types them: sigs.k8s.io/yaml (what kubectl and the API
// machinery use) decodes with a fork of go-yaml v2, i.e. YAML 1.1 resolution for plain scalars:
// `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0755` is octal (493), `1_000` is 1000, `~` and
// `null` are null (gopkg.in/yaml.v2 resolve.go). Quoted scalars are always strings.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/k8s/field_validation.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// A place in a file: 1-based line and column; 0 = unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
};

/// Where a manifest came from, for the analyses: a Git working tree, the live cluster, or files
/// that someone applies with `kubectl apply -f` (a pipeline, or by hand).
enum class ManifestOrigin { kGit, kLive, kDeclared };

/// One Kubernetes object read from a file.
struct Manifest {
  std::string file;      // path as given or as found under a directory
  std::string rel_path;  // path relative to the root it was found under ("apps/web/deploy.yaml")
  std::size_t document = 0;          // 0-based index of the YAML document in the file
  std::optional<std::size_t> item;   // index in its List's items
  std::string item_pointer;          // for an item of a list inside a list: "/items/0/items/2"
  SourcePos pos;                     // where the object starts
  ManifestOrigin origin = ManifestOrigin::kDeclared;
  std::string repo_url;              // kGit: the repository URL ("" when unknown)
  std::string pointer_prefix;        // prefix of positions in the file ("/objects/3" in a scenario)
  json object;
  /// JSON pointer inside `object` → position of the key (members) or value (list items).
  std::map<std::string, SourcePos> positions;

  /// The position of `pointer` or of its nearest parent that has one.
  SourcePos position_of(const std::string& pointer) const;
  /// "file:line:column" of `pointer` (or of the object when empty).
  std::string where(const std::string& pointer = "") const;
  /// "document 2" or "document 1, item 4" (1-based, as people count); an item of a list inside
  /// a list is named by its pointer: "document 1, /items/0/items/2".
  std::string document_label() const;
  ObjectRef ref() const { return ObjectRef::of(object); }
};

/// A problem that does not stop reading: the document was skipped, or one of its fields is unknown
/// to its kind (the API server would drop it and warn, include/kcsim/k8s/field_validation.hpp).
struct ReadWarning {
  std::string file;
  std::size_t document = 0;  // 0-based
  SourcePos pos;
  std::string message;
  /// The place of a field the warning is about, as errors name places: "document 1,
  /// /spec/minReplica" in a manifest file, "/objects/2/spec/minReplica" in a scenario; "" when the
  /// warning is about the whole document.
  std::string pointer = {};
  /// "file:line:column: document N: message", or "file:line:column: pointer: message".
  std::string str() const;
};

/// Parses one file's text. `.json` files (by name) are parsed as JSON, anything else as YAML
/// (JSON is YAML too). Empty documents are skipped; `kind: List` is expanded into its items.
/// Throws InputError with file, document, line and column for syntax errors, malformed objects
/// (not a mapping, apiVersion or kind not a string, no metadata.name) and fields of the wrong type
/// (include/kcsim/k8s/field_validation.hpp); an unknown field is a warning; documents that
/// are safe to skip (no apiVersion and kind: a Helm values file, a Chart.yaml, a kustomize
/// kustomization.yaml) produce a warning. The returned manifests have rel_path = file.
/// `at_least` tells the versions of the components the manifests are for (a scenario's Git files),
/// when known (include/kcsim/k8s/field_validation.hpp).
std::vector<Manifest> parse_manifests(const std::string& text, const std::string& file,
                                      std::vector<ReadWarning>& warnings, const VersionCheck& at_least = {});

}  // namespace kcsim
