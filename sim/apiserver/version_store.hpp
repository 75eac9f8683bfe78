// How the API server makes the versions it stores (include/kcsim/apiserver/stored_version.hpp):
// metadata.managedFields leave the document for a compact form kept with the version. Private to
// sim/apiserver.
//
// Each managedFields entry becomes its manager, operation, subresource and apiVersion (strings
// shared by every entry that names them), its time (one string per simulated second) and its
// fieldsV1 set as a trie of immutable nodes, each shared by every set, of any version of any
// object, that has the same subtree. Versions of an object share most of their sets (a write
// changes one manager's), and objects of a fleet share most of theirs (a kubelet's status fields,
// a pod template's spec fields): what is an object's own is the path to its own keys (an owner's
// uid). The entry is made again, key for key, when someone reads it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

/// A FieldsV1 set (or a subtree of one), immutable and shared: its members' keys ("f:spec",
/// `k:{"name":"app"}`, ".") in the document's order, each with the node below it.
struct SetNode {
  std::vector<std::pair<std::string, std::shared_ptr<const SetNode>>> children;
};
using SetNodePtr = std::shared_ptr<const SetNode>;

/// A managedFields entry as kept beside a version (mf::make_entry's members).
struct ManagedEntry {
  const std::string* api_version = nullptr;
  const std::string* manager = nullptr;
  const std::string* operation = nullptr;
  const std::string* subresource = nullptr;  // null: no subresource member
  std::shared_ptr<const std::string> time;
  SetNodePtr fields;
};
using ManagedEntries = std::vector<ManagedEntry>;

class VersionStore {
 public:
  /// The stored version of `doc`. Its metadata.managedFields, when every entry has the form the
  /// server writes (mf::make_entry), are kept beside the document; otherwise they stay in it.
  /// `previous`, the version this one replaces (or null), lends the sets that did not change.
  ObjectPtr make_version(json doc, const ObjectPtr& previous);

  /// The stored version of `doc`, which has no metadata.managedFields, with `managed` kept beside
  /// it (none when empty). The write paths that compute ownership on the kept entries
  /// (field_ownership.hpp) store their result this way, never turning it into JSON.
  static ObjectPtr make_version(json doc, ManagedEntries managed);

  /// The entries kept beside `version`, or null when it has none beside (its document then holds
  /// its managedFields, if any).
  static const ManagedEntries* entries(const ObjectPtr& version);

  /// A manager name, operation, subresource or apiVersion as entries point to it (kept for the
  /// life of the process).
  static const std::string* name(std::string_view text);
  /// An entry time, shared by the entries written in the same second.
  std::shared_ptr<const std::string> share_time(const std::string& time);
  /// The shared node of a FieldsV1 trie in wire form (null when it is not one).
  SetNodePtr share_node(const json& doc);
  /// The shared node with these children (themselves shared nodes, in key order).
  SetNodePtr share(SetNode node);

  /// Puts the managedFields kept beside `version` back into `doc` (a copy of it being written);
  /// does nothing when it has none beside it (they are then in the document, if any).
  static void restore(json& doc, const ObjectPtr& version);

  /// metadata.managedFields of a version (wherever kept), or null when it has none.
  static json managed_fields(const ObjectPtr& version);

 private:
  SetNodePtr share_fields(const json& fields, const SetNodePtr* previous);

  std::shared_ptr<const std::string> time_;  // the last entry time seen (writes of one second share it)
  // Trie nodes by hash of their keys and children, for sharing across sets and objects; a node no
  // set uses any more goes at a later sweep.
  std::unordered_map<std::size_t, std::vector<SetNodePtr>> nodes_;
  std::size_t node_count_ = 0;
  std::size_t sweep_at_ = 4096;
};

}  // namespace kcsim
