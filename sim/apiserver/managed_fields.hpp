// Field ownership for the API server: FieldsV1 sets, the typed comparison that feeds them, the
// apply merge, and metadata.managedFields entries. Private to sim/.
//
// Sets are kept in their FieldsV1 wire form (a trie of "f:<field>", "k:{<key>}" elements, a node
// being a member when it is `{}` or carries `".": {}`), exactly as structured-merge-diff serialises a
// fieldpath.Set (sigs.k8s.io/structured-merge-diff/fieldpath/serialize.go). Operating on that form
// directly avoids converting every managedFields entry on every write.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim::mf {

// --- sets ---------------------------------------------------------------------------------------

/// Whether a trie node is itself a member of the set.
bool is_member(const json& node);
/// a ∪= b.
void set_union(json& a, const json& b);
/// a −= b (members of b leave a; nodes left without members or children are dropped).
void set_subtract(json& a, const json& b);
/// a ∩ b.
json set_intersection(const json& a, const json& b);
/// True when the set has no member.
bool set_empty(const json& set);
/// True when the path (trie keys, e.g. {"f:spec", "f:replicas"}) is a member.
bool set_has(const json& set, const std::vector<std::string>& keys);
/// True when the path or anything below it is a member.
bool set_has_prefix(const json& set, const std::vector<std::string>& keys);
/// The members in structured-merge-diff's Set.Iterate order (members of a node before the children
/// of its children), each as trie keys.
std::vector<std::vector<std::string>> members(const json& set);
/// fieldpath.Path.String() of trie keys: ".spec.replicas", `.spec.containers[name="app"].image`.
std::string path_string(const std::vector<std::string>& keys);

// --- typed comparison (schema heuristics) --------------------------------------------------------

/// What we know of an object's schema without OpenAPI: whether it is a built-in kind (Go types,
/// whose non-pointer structs always exist and so never become members when "added").
struct Schema {
  bool builtin = true;
};
Schema schema_for(const std::string& api_version);

/// typed.Comparison: paths added, modified and removed between two versions of an object, with the
/// fields the apiserver strips from ownership (apiVersion, kind, metadata.name, ...) left out.
struct Comparison {
  json added = json::object();
  json modified = json::object();
  json removed = json::object();
  bool empty() const { return added.empty() && modified.empty() && removed.empty(); }
};
/// The parts of an object a write can have changed when the server built the new version from the
/// stored one itself (a status write copies the stored object and replaces its status; a merge
/// patch changes only the members it names): top-level members, and members of metadata.
/// Everything else is the stored version's, copied, so a comparison of the two versions need not
/// walk it: it would find it equal.
struct Touched {
  std::vector<std::string> top;       // top-level members; "metadata" here = all of metadata
  std::vector<std::string> metadata;  // members of metadata
  bool may_differ(std::string_view key) const;           // a top-level member
  bool may_differ_in_metadata(std::string_view key) const;
  bool metadata_scoped() const;  // metadata is compared member by member (some of it may differ)
};

/// `touched`, when given, says which parts of `next` can differ from `live` (the rest is equal).
Comparison compare(const json& live, const json& next, const Schema& schema, const Touched* touched = nullptr);

/// typed ToFieldSet of an applied configuration: every leaf it sets and every keyed list item, minus
/// the stripped metadata fields and status (reset for the main resource).
json field_set_of_config(const json& config, const Schema& schema);

/// The object after merging an applied configuration into the live one (maps merged, keyed lists
/// merged by key, everything else replaced). The config's status is ignored.
json merge_apply(const json& live, const json& config, const Schema& schema);

/// Removes the value at `keys` from `object`; returns false when absent. Maps left empty by the
/// removal are removed too, unless `keep` has them (or anything below them) as a member.
bool erase_path(json& object, const std::vector<std::string>& keys, const json& keep);

// --- managedFields entries -------------------------------------------------------------------------

/// Finds the entry with this identity (BuildManagerIdentifier: manager, operation, subresource; the
/// apiVersion is one per object here). Returns null when absent.
json* find_entry(json& managed, std::string_view manager, std::string_view operation,
                 std::string_view subresource);
json make_entry(const std::string& api_version, const std::string& manager, std::string_view operation,
                std::string_view subresource, const std::string& time, json fields);
/// Drops entries whose set is empty.
void drop_empty_entries(json& managed);
/// The apiserver's order: operation, time (seconds), manager, apiVersion, subresource
/// (apiserver/pkg/endpoints/handlers/fieldmanager/internal/managedfields.go sortEncodedManagedFields).
void sort_entries(json& managed);
/// The manager identifier JSON used to sort conflicting managers.
std::string manager_identifier(const json& entry);
/// How a conflict names its owner (internal/conflict.go printManager).
std::string describe_manager(const json& entry);
/// True when both arrays hold the same entries ignoring their times.
bool same_ignoring_time(const json& a, const json& b);

}  // namespace kcsim::mf
