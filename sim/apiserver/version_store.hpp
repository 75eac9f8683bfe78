// How the API server makes the versions it stores (include/kcsim/apiserver/stored_version.hpp):
// metadata.managedFields leave the document for a compact form kept with the version. Private to
// sim/apiserver.
//
// Each managedFields entry becomes its manager, operation, subresource and apiVersion (strings
// shared by every entry that names them), its time (one string per simulated second) and its
// fieldsV1 set as an immutable document shared by every version, of any object, whose entry has
// the same set. Versions of an object share most of their sets (a write changes one manager's),
// and objects of a fleet share many (a kubelet's status fields, a controller's spec fields). The
// entry is made again, key for key, when someone reads it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {

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
  std::shared_ptr<const json> share_fields(const json& fields, const std::shared_ptr<const json>* previous);
  std::shared_ptr<const std::string> share_time(const std::string& time);

  std::shared_ptr<const std::string> time_;  // the last entry time seen (writes of one second share it)
  // Sets by hash, for sharing across objects; a set no version uses any more goes at the next sweep.
  std::unordered_map<std::size_t, std::vector<std::shared_ptr<const json>>> sets_;
  std::size_t set_count_ = 0;
  std::size_t sweep_at_ = 4096;
};

}  // namespace kcsim
