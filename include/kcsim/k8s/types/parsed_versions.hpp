// A controller's typed view of the objects it reads, parsed once per stored version.
//
// The API server shares immutable versions (ObjectPtr): the same pointer means the same content,
// so a view parsed from one version stays valid until the key's version changes. This is the role
// client-go's typed informer cache plays for a real controller (the decode happens once per watch
// event, not once per reconcile). One entry per object key, so the memory is bounded by the
// number of objects, not the number of versions; std::map keeps no order from hashing.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace kcsim::k8s {

template <class T>
class ParsedVersions {
 public:
  using Version = std::shared_ptr<const nlohmann::json>;
  using Parse = T (*)(const nlohmann::json&);

  explicit ParsedVersions(Parse parse) : parse_(parse) {}

  /// The typed view of `version`, the stored version of `key`; parsed now only if this key's
  /// version changed since the last call.
  std::shared_ptr<const T> get(const std::string& key, const Version& version) {
    if (!version) return nullptr;
    Entry& e = entries_[key];
    if (e.version != version) {
      e.version = version;
      e.parsed = std::make_shared<const T>(parse_(*version));
    }
    return e.parsed;
  }
  /// Forgets a deleted object.
  void erase(const std::string& key) { entries_.erase(key); }

 private:
  struct Entry {
    Version version;
    std::shared_ptr<const T> parsed;
  };
  Parse parse_;
  std::map<std::string, Entry> entries_;
};

}  // namespace kcsim::k8s
