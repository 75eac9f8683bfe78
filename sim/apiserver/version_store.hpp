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

class VersionStore {
 public:
  /// The stored version of `doc`. Its metadata.managedFields, when every entry has the form the
  /// server writes (mf::make_entry), are kept beside the document; otherwise they stay in it.
  /// `previous`, the version this one replaces (or null), lends the sets that did not change.
  ObjectPtr make_version(json doc, const ObjectPtr& previous);

  /// Puts the managedFields kept beside `version` back into `doc` (a copy of it being written);
  /// does nothing when it has none beside it (they are then in the document, if any).
  static void restore(json& doc, const ObjectPtr& version);

  /// metadata.managedFields of a version (wherever kept), or null when it has none.
  static json managed_fields(const ObjectPtr& version);

 private:
  SetNodePtr share_fields(const json& fields, const SetNodePtr* previous);
  SetNodePtr share_node(const json& doc);
  std::shared_ptr<const std::string> share_time(const std::string& time);

  std::shared_ptr<const std::string> time_;  // the last entry time seen (writes of one second share it)
  // Trie nodes by hash of their keys and children, for sharing across sets and objects; a node no
  // set uses any more goes at a later sweep.
  std::unordered_map<std::size_t, std::vector<SetNodePtr>> nodes_;
  std::size_t node_count_ = 0;
  std::size_t sweep_at_ = 4096;
};

}  // namespace kcsim
