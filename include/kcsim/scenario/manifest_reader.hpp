// Reading the manifests users already have, from files and directories, sorted into Git, live
// and declared (parsing one file's text: include/kcsim/k8s/manifest_parser.hpp). Used by
// `kcsim import`, `explain`, `lint`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kcsim/k8s/manifest_parser.hpp"

namespace kcsim {

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
