// Stored versions with their managedFields kept beside the document
// (include/kcsim/apiserver/stored_version.hpp, sim/apiserver/version_store.hpp).
//
// A version is a shared pointer to its document whose deleter carries the compact entries, so
// that any holder of the version (a watch cache, a watch event, the lifetimes) can have them
// made again (std::get_deleter). nlohmann::json holds each KB of FieldsV1 text in about 5 KB of
// map nodes; an entry kept here is 64 bytes plus what it shares.
#include "kcsim/apiserver/stored_version.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <set>
#include <string_view>

#include "version_store.hpp"

namespace kcsim {

namespace {

// FieldsV1 sets are tries whose every value is an object (`{}` or `{".": {}, ...}`): kept as
// SetNodes (version_store.hpp), a member's key with the node below it, in the document's key order.
// A set with any other value stays in the document (share_node gives null).

json node_json(const SetNode& node) {
  json out = json::object();
  for (const auto& [key, child] : node.children) out.emplace(key, node_json(*child));
  return out;
}

bool same_set(const json& doc, const SetNode& node) {
  if (!doc.is_object() || doc.size() != node.children.size()) return false;
  auto c = node.children.begin();
  for (auto it = doc.begin(); it != doc.end(); ++it, ++c)
    if (it.key() != c->first || !same_set(*it, *c->second)) return false;
  return true;
}

// The deleter of a version: it deletes the document and carries the entries kept beside it.
struct VersionDeleter {
  std::vector<ManagedEntry> managed;
  void operator()(const json* doc) const noexcept { delete doc; }
};

const std::vector<ManagedEntry>* entries_of(const ObjectPtr& version) {
  if (!version) return nullptr;
  const VersionDeleter* d = std::get_deleter<VersionDeleter>(version);
  return d && !d->managed.empty() ? &d->managed : nullptr;
}

// mf::make_entry's form: these members and no other, strings, FieldsV1 (a trie of objects).
bool compactable(const json& entry) {
  if (!entry.is_object()) return false;
  std::size_t members = 0;
  for (const char* key : {"apiVersion", "manager", "operation", "time"}) {
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_string()) return false;
    ++members;
  }
  auto type = entry.find("fieldsType");
  if (type == entry.end() || !type->is_string() || type->get_ref<const std::string&>() != "FieldsV1") return false;
  auto fields = entry.find("fieldsV1");
  if (fields == entry.end() || !fields->is_object()) return false;
  members += 2;
  if (auto sub = entry.find("subresource"); sub != entry.end()) {
    if (!sub->is_string() || sub->get_ref<const std::string&>().empty()) return false;
    ++members;
  }
  return entry.size() == members;
}

const std::string& text(const json& entry, const char* key) { return entry.find(key)->get_ref<const std::string&>(); }

json entry_json(const ManagedEntry& e) {
  json entry = json::object();
  entry["apiVersion"] = *e.api_version;
  entry["fieldsType"] = "FieldsV1";
  entry["fieldsV1"] = node_json(*e.fields);
  entry["manager"] = *e.manager;
  entry["operation"] = *e.operation;
  if (e.subresource) entry["subresource"] = *e.subresource;
  entry["time"] = *e.time;
  return entry;
}

json managed_json(const std::vector<ManagedEntry>& entries) {
  json out = json::array();
  for (const ManagedEntry& e : entries) out.push_back(entry_json(e));
  return out;
}

}  // namespace

// Manager names, operations, subresources and apiVersions: a few dozen in any run, kept for the
// life of the process so that an entry points to them (and a version outlives its server).
const std::string* VersionStore::name(std::string_view text) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> names;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = names.find(text);
  if (it == names.end()) it = names.emplace(text).first;
  return &*it;
}

const ManagedEntries* VersionStore::entries(const ObjectPtr& version) { return entries_of(version); }

ObjectPtr VersionStore::make_version(json doc, ManagedEntries managed) {
  if (managed.empty()) return std::make_shared<const json>(std::move(doc));
  VersionDeleter keep;
  keep.managed = std::move(managed);
  return ObjectPtr(new json(std::move(doc)), std::move(keep));
}

ObjectPtr with_managed_fields(const ObjectPtr& version) {
  const std::vector<ManagedEntry>* entries = entries_of(version);
  if (!entries) return version;
  json out = *version;
  out["metadata"]["managedFields"] = managed_json(*entries);
  return std::make_shared<const json>(std::move(out));
}

bool has_managed_fields_beside(const ObjectPtr& version) { return entries_of(version) != nullptr; }

void VersionStore::restore(json& doc, const ObjectPtr& version) {
  if (const std::vector<ManagedEntry>* entries = entries_of(version)) doc["metadata"]["managedFields"] = managed_json(*entries);
}

json VersionStore::managed_fields(const ObjectPtr& version) {
  if (const std::vector<ManagedEntry>* entries = entries_of(version)) return managed_json(*entries);
  if (!version || !version->is_object()) return nullptr;
  auto meta = version->find("metadata");
  if (meta == version->end() || !meta->is_object()) return nullptr;
  auto managed = meta->find("managedFields");
  return managed == meta->end() ? json() : *managed;
}

std::shared_ptr<const std::string> VersionStore::share_time(const std::string& time) {
  if (!time_ || *time_ != time) time_ = std::make_shared<const std::string>(time);
  return time_;
}

SetNodePtr VersionStore::share_fields(const json& fields, const SetNodePtr* previous) {
  // The common case: this manager's set is the one the version replaced had.
  if (previous && same_set(fields, **previous)) return *previous;
  return share_node(fields);
}

// The node of a trie, made from its children's shared nodes and shared in turn: every set that
// has this subtree (a pod template's fields, a condition's) points to one node.
SetNodePtr VersionStore::share_node(const json& doc) {
  if (!doc.is_object()) return nullptr;
  SetNode node;
  node.children.reserve(doc.size());
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    SetNodePtr child = share_node(*it);
    if (!child) return nullptr;
    node.children.emplace_back(it.key(), std::move(child));
  }
  return share(std::move(node));
}

SetNodePtr VersionStore::share(SetNode node) {
  std::size_t hash = node.children.size();
  for (const auto& [key, child] : node.children)
    hash = hash * 1000003u ^ std::hash<std::string>{}(key) ^ (std::hash<const void*>{}(child.get()) << 1);
  std::vector<SetNodePtr>& bucket = nodes_[hash];
  for (const SetNodePtr& n : bucket)
    if (n->children == node.children) return n;  // keys equal, children the same nodes
  SetNodePtr made = std::make_shared<const SetNode>(std::move(node));
  bucket.push_back(made);  // (the sweep below may drop `bucket`: `made` holds the node)
  if (++node_count_ >= sweep_at_) {
    // Nodes only this table holds are in no set any more (their children go at a later sweep).
    node_count_ = 0;
    for (auto it = nodes_.begin(); it != nodes_.end();) {
      auto& b = it->second;
      b.erase(std::remove_if(b.begin(), b.end(), [](const SetNodePtr& n) { return n.use_count() == 1; }), b.end());
      node_count_ += b.size();
      it = b.empty() ? nodes_.erase(it) : std::next(it);
    }
    sweep_at_ = std::max<std::size_t>(4096, node_count_ * 2);
  }
  return made;
}

ObjectPtr VersionStore::make_version(json doc, const ObjectPtr& previous) {
  json* meta = nullptr;
  if (doc.is_object())
    if (auto m = doc.find("metadata"); m != doc.end() && m->is_object()) meta = &*m;
  auto managed = meta ? meta->find("managedFields") : json::iterator();
  if (!meta || managed == meta->end() || !managed->is_array() || managed->empty() ||
      !std::all_of(managed->begin(), managed->end(), compactable))
    return std::make_shared<const json>(std::move(doc));

  const std::vector<ManagedEntry>* before = entries_of(previous);
  VersionDeleter keep;
  keep.managed.reserve(managed->size());
  for (const json& entry : *managed) {
    ManagedEntry e;
    e.api_version = VersionStore::name(text(entry, "apiVersion"));
    e.manager = VersionStore::name(text(entry, "manager"));
    e.operation = VersionStore::name(text(entry, "operation"));
    if (auto sub = entry.find("subresource"); sub != entry.end()) e.subresource = VersionStore::name(sub->get_ref<const std::string&>());
    const ManagedEntry* same = nullptr;  // this manager's entry in the version replaced
    if (before)
      for (const ManagedEntry& b : *before)
        if (b.manager == e.manager && b.operation == e.operation && b.subresource == e.subresource) same = &b;
    const std::string& time = text(entry, "time");
    e.time = same && *same->time == time ? same->time : share_time(time);
    e.fields = share_fields(*entry.find("fieldsV1"), same ? &same->fields : nullptr);
    if (!e.fields) return std::make_shared<const json>(std::move(doc));  // not a FieldsV1 trie: kept as is
    keep.managed.push_back(std::move(e));
  }
  meta->erase(managed);
  return ObjectPtr(new json(std::move(doc)), std::move(keep));
}

}  // namespace kcsim
