// Reading the manifests users already have: YAML (multi-document, `---` separated) and JSON
// (single objects and `kind: List`, as `kubectl get -o json` prints), with the line and column of
// every field, so that `kcsim explain` can say which manifest line declares a field and so that a
// malformed document is reported as file:line:column. Used by `kcsim import`, `explain`, `lint`.
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
  std::optional<std::size_t> item;   // index in a List's items
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
  /// "document 2" or "document 1, item 4" (1-based, as people count).
  std::string document_label() const;
  ObjectRef ref() const { return ObjectRef::of(object); }
};

/// A problem that does not stop reading: the document was skipped.
struct ReadWarning {
  std::string file;
  std::size_t document = 0;  // 0-based
  SourcePos pos;
  std::string message;
  /// "file:line:column: document N: message".
  std::string str() const;
};

/// Parses one file's text. `.json` files (by name) are parsed as JSON, anything else as YAML
/// (JSON is YAML too). Empty documents are skipped; `kind: List` is expanded into its items.
/// Throws InputError with file, document, line and column for syntax errors and malformed
/// objects (not a mapping, apiVersion or kind not a string, no metadata.name); documents that
/// are safe to skip (no apiVersion and kind: a Helm values file, a Chart.yaml, a kustomize
/// kustomization.yaml) produce a warning. The returned manifests have rel_path = file.
std::vector<Manifest> parse_manifests(const std::string& text, const std::string& file,
                                      std::vector<ReadWarning>& warnings);

/// Reads a file, or every *.yaml, *.yml and *.json file under a directory (recursively, in path
/// order, skipping hidden files and directories such as .git). rel_path is relative to `path`
/// (for a file: its name). Throws InputError when the path cannot be read.
std::vector<Manifest> read_manifest_path(const std::string& path, std::vector<ReadWarning>& warnings);

/// What the user pointed kcsim at (the flags of `kcsim import/explain/lint`).
struct ManifestInputs {
  /// Positional paths. A directory with a `git/` or `live/` subdirectory is read by that
  /// convention (as --git DIR/git and --live DIR/live); otherwise each object is live when it
  /// carries what only the API server writes (metadata.uid, resourceVersion, creationTimestamp,
  /// managedFields), else declared (applied with `kubectl apply -f`).
  std::vector<std::string> paths;
  std::vector<std::string> git;   // --git DIR: a Git working tree, paths relative to DIR
  std::vector<std::string> live;  // --live PATH: objects as the cluster has them
  std::string repo_url;           // --repo-url: the URL of the --git tree
  std::string default_namespace = "default";  // for declared objects without one
  bool strict = false;            // warnings are errors
};

/// Everything read, sorted into origins.
struct ManifestSet {
  std::vector<Manifest> git;       // rel_path = path in the repository; repo_url set when known
  std::vector<Manifest> live;
  std::vector<Manifest> declared;
  std::vector<ReadWarning> warnings;
  std::string scenario_file;       // when read from a scenario: its path
  json scenario;                   // ... and its document
  /// Git repositories: URL → the directory given for it ("" for a scenario's "git" section).
  std::map<std::string, std::string> repositories;
};

/// Reads the inputs. Duplicate objects of one origin: the later one wins, with a warning (as
/// `kubectl apply` of both would leave the later). With `strict`, the first warning is thrown
/// as an InputError.
ManifestSet load_manifest_set(const ManifestInputs& inputs);

/// True when `path` is a kcsim scenario file (JSON with apiVersion kcsim/v1 or kind Scenario).
bool is_scenario_file(const std::string& path);

/// A scenario as a manifest set: its objects and the manifests of timeline `kubectl apply`
/// actions are live (the actions also count as declared: someone applies them), the Git
/// repositories' trees at their last commit on the default branch are the Git side. Positions
/// point into the scenario file.
ManifestSet manifest_set_from_scenario(const std::string& path);

/// The leaf fields of a manifest as JSON pointers ("/spec/replicas"), in document order:
/// scalars, arrays of scalars (atomic, as server-side apply treats them) and empty objects;
/// arrays of objects are walked by index. `status`, the identity (apiVersion, kind,
/// metadata.name, metadata.namespace) and what the API server writes (uid, resourceVersion,
/// generation, creationTimestamp, managedFields) are left out.
std::vector<std::string> leaf_fields(const json& object);

/// Removes what the API server writes (uid, resourceVersion, generation, creationTimestamp,
/// managedFields, selfLink, status) so that an object read from the cluster can be created
/// again; keeps labels and annotations.
json strip_server_fields(const json& object);

/// True when the object carries fields only the API server writes.
bool has_server_fields(const json& object);

}  // namespace kcsim
