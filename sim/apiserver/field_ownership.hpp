// Field ownership computed on the managedFields a stored version keeps beside its document
// (version_store.hpp): the set operations of managed_fields.hpp on the shared FieldsV1 tries, so
// that a write neither turns every entry back into JSON nor compacts it again. A write changes a
// few fields: the operations walk the tries only where the change is, and keep every other node
// (and every entry the change does not reach) as the same shared node. Private to sim/apiserver.
//
// Each operation gives exactly the trie its mf:: counterpart gives on the wire form; the JSON
// form is made only when someone reads it (stored_version.hpp).
#pragma once

#include <string>
#include <string_view>

#include "managed_fields.hpp"
#include "version_store.hpp"

namespace kcsim::ownership {

/// a ∪ b (mf::set_union), b in wire form.
SetNodePtr unite(VersionStore& store, const SetNodePtr& a, const json& b);
/// a − b (mf::set_subtract), b in wire form.
SetNodePtr subtract(VersionStore& store, const SetNodePtr& a, const json& b);
/// True when the set has no member (mf::set_empty).
bool empty(const SetNode& set);

/// What an Update-operation write does to ownership (structured-merge-diff merge/update.go
/// Updater.Update, fieldmanager managedfieldsupdater.go): the fields it changed (added or
/// modified) move to the writer's entry and leave every other, removed fields leave everyone, and
/// the writer's time and apiVersion are refreshed only when it took something. Entries left
/// empty are dropped and the rest sorted (mf::drop_empty_entries, mf::sort_entries).
void update(VersionStore& store, ManagedEntries& managed, mf::Comparison cmp, const std::string& api_version,
            std::string_view manager, std::string_view operation, std::string_view subresource,
            const std::string& now);

/// What a write through the scale subresource does (apimachinery managedfields scalehandler.go
/// ToParent): the writer's scale entry owns spec.replicas alone, and every other entry loses it.
void scale(VersionStore& store, ManagedEntries& managed, const std::string& api_version, std::string_view manager,
           const std::string& now);

// --- pieces of a server-side apply (structured-merge-diff merge/update.go Updater.Apply) ---------

/// a ∩ b in wire form (mf::set_intersection), b in wire form.
json intersection(const SetNode& a, const json& b);
/// The set in wire form.
json wire(const SetNode& set);
/// The applier's entry's set has members the newly applied set lacks: only then can the apply
/// release (prune) anything, whatever the other managers own.
bool releases(VersionStore& store, const ManagedEntry& own, const json& applied);
/// The entry with this identity (the last one, as the apply's loops find it), or null.
ManagedEntry* find(ManagedEntries& managed, std::string_view manager, std::string_view operation,
                   std::string_view subresource);
bool same_identity(const ManagedEntry& e, std::string_view manager, std::string_view operation,
                   std::string_view subresource);
/// The entry as JSON without its set, for mf::manager_identifier and mf::describe_manager.
json identity(const ManagedEntry& e);
ManagedEntry make_entry(VersionStore& store, const std::string& api_version, std::string_view manager,
                        std::string_view operation, std::string_view subresource, const std::string& now,
                        SetNodePtr fields);
/// mf::drop_empty_entries and mf::sort_entries on kept entries.
void drop_empty(ManagedEntries& managed);
void sort_entries(ManagedEntries& managed);
/// mf::same_ignoring_time on kept entries: the same entries in the same order, times aside.
bool same_ignoring_time(const ManagedEntries& a, const ManagedEntries& b);

}  // namespace kcsim::ownership
