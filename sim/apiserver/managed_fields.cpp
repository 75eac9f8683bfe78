// Field ownership: FieldsV1 set operations, the typed comparison, apply merge and managedFields
// entries. The rules mirror sigs.k8s.io/structured-merge-diff (fieldpath, typed, merge) and
// k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager; without OpenAPI schemas we decide list and
// map semantics from field names and contents (see shape_of).
#include "managed_fields.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

namespace kcsim::mf {

namespace {

std::size_t child_count(const json& node) {
  if (!node.is_object()) return 0;
  return node.size() - (node.contains(".") ? 1 : 0);
}

void union_children(json& a, const json& b) {
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (it.key() == ".") continue;
    auto found = a.find(it.key());
    if (found == a.end()) {
      a[it.key()] = *it;
      continue;
    }
    json& an = *found;
    // Decide membership before merging children: an empty node is a member only while childless.
    const bool member = is_member(an) || is_member(*it);
    union_children(an, *it);
    if (child_count(an) == 0) an = json::object();
    else if (member) an["."] = json::object();
    else an.erase(".");
  }
}

void subtract_children(json& a, const json& b) {
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (it.key() == ".") continue;
    auto found = a.find(it.key());
    if (found == a.end()) continue;
    json& an = *found;
    const bool member = is_member(an) && !is_member(*it);
    subtract_children(an, *it);
    if (child_count(an) == 0) {
      if (member) an = json::object();
      else a.erase(found);
    } else if (member) {
      an["."] = json::object();
    } else {
      an.erase(".");
    }
  }
}

json intersect_children(const json& a, const json& b) {
  json out = json::object();
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (it.key() == ".") continue;
    auto found = b.find(it.key());
    if (found == b.end()) continue;
    const bool member = is_member(*it) && is_member(*found);
    json child = intersect_children(*it, *found);
    if (!child.empty()) {
      if (member) child["."] = json::object();
      out[it.key()] = std::move(child);
    } else if (member) {
      out[it.key()] = json::object();
    }
  }
  return out;
}

void collect_members(const json& node, std::vector<std::string>& path,
                     std::vector<std::vector<std::string>>& out) {
  // fieldpath.Set.iteratePrefix: this node's members first, then each child set in order.
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "." || !is_member(*it)) continue;
    path.push_back(it.key());
    out.push_back(path);
    path.pop_back();
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "." || child_count(*it) == 0) continue;
    path.push_back(it.key());
    collect_members(*it, path, out);
    path.pop_back();
  }
}

// Trie nodes built with an explicit "." for every member are turned into the wire form, where a
// member without children is `{}`.
void normalize(json& node) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == ".") continue;
    normalize(*it);
    if (it->size() == 1 && it->contains(".")) *it = json::object();
  }
}

// --- schema heuristics --------------------------------------------------------------------------

enum class Shape { kLeaf, kMap, kKeyedList };
enum class Level { kRoot, kMetadata, kNormal };

using KeyFields = std::vector<std::string>;
const KeyFields kByName{"name"};
const KeyFields kByUid{"uid"};
const KeyFields kByMountPath{"mountPath"};
const KeyFields kByType{"type"};
const KeyFields kByContainerPort{"containerPort", "protocol"};
const KeyFields kByPort{"port", "protocol"};

// Fields the apiserver never records in managedFields (fieldmanager/internal/stripmeta.go).
bool stripped_metadata(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kStripped{
      "name",       "namespace",     "creationTimestamp", "selfLink",       "uid",
      "clusterName", "generation",   "managedFields",     "resourceVersion"};
  return std::find(kStripped.begin(), kStripped.end(), key) != kStripped.end();
}

// Non-pointer structs (and the non-omitempty `containers` slice) of the built-in Go types always
// exist in the object the apiserver compares against, so structured-merge-diff never sees them
// "added" and they never become members (`f:spec` has no `.` on a Deployment, but `f:labels` does).
bool always_present(std::string_view key) {
  static constexpr std::array<std::string_view, 11> kValueStructs{
      "metadata", "spec",      "status",         "template", "strategy",  "updateStrategy",
      "resources", "scaleTargetRef", "involvedObject", "source", "containers"};
  return std::find(kValueStructs.begin(), kValueStructs.end(), key) != kValueStructs.end();
}

bool is_label_selector(const json* v) {
  return v && v->is_object() && (v->contains("matchLabels") || v->contains("matchExpressions"));
}

// The value of one key field of a list item; a missing port protocol defaults to TCP, as the
// apiserver's defaulting does before ownership is computed (core/v1 defaults.go).
const json* key_value(const json& item, const std::string& field) {
  static const json kTcp = "TCP";
  auto it = item.find(field);
  if (it != item.end()) return &*it;
  if (field == "protocol") return &kTcp;
  return nullptr;
}

// `k:` and the JSON of an object of the key fields. Written out rather than built as an object
// and dumped: every KeyFields list above is in the order an object sorts its keys, and their
// names need no escaping, so the text is the same.
std::string item_key(const json& item, const KeyFields& fields) {
  std::string out = "k:{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += fields[i];
    out += "\":";
    out += key_value(item, fields[i])->dump();
  }
  out += '}';
  return out;
}

bool items_keyed(const json* list, const KeyFields& fields) {
  if (!list) return true;
  std::set<std::string> seen;
  for (const auto& item : *list) {
    if (!item.is_object()) return false;
    for (const auto& f : fields) {
      const json* v = key_value(item, f);
      if (!v || !(v->is_string() || v->is_number())) return false;
    }
    // Duplicate keys make a list unusable as a map (structured-merge-diff rejects them).
    if (!seen.insert(item_key(item, fields)).second) return false;
  }
  return true;
}

// Key fields of an associative list, chosen from the field name the way the upstream
// `+listMapKey` markers do for the kinds we model; other lists are atomic.
const KeyFields* list_keys(std::string_view name, const json* l, const json* r) {
  const KeyFields* candidate = &kByName;
  if (name == "ownerReferences") {
    candidate = &kByUid;
  } else if (name == "volumeMounts") {
    candidate = &kByMountPath;
  } else if (name == "conditions") {
    candidate = &kByType;
  } else if (name == "ports") {
    const json* sample = (r && !r->empty()) ? r : l;
    const json& first = (*sample)[0];
    if (first.is_object() && first.contains("containerPort")) candidate = &kByContainerPort;
    else if (first.is_object() && first.contains("port")) candidate = &kByPort;
  }
  if (items_keyed(l, *candidate) && items_keyed(r, *candidate)) return candidate;
  return nullptr;
}

int category(const json& v) {
  if (v.is_object()) return 1;
  if (v.is_array()) return 2;
  return 0;
}

Shape shape_of(std::string_view name, const json* l, const json* r, const KeyFields** keys) {
  const json& any = r ? *r : *l;
  if (l && r && category(*l) != category(*r)) return Shape::kLeaf;
  if (any.is_object()) {
    // metav1.LabelSelector is `+structType=atomic`; a Service's map selector is not.
    if (name == "selector" && (is_label_selector(l) || is_label_selector(r))) return Shape::kLeaf;
    // typed/compare.go: empty or absent on both sides is compared as a leaf (emptyPromoteToLeaf).
    if ((!l || l->empty()) && (!r || r->empty())) return Shape::kLeaf;
    return Shape::kMap;
  }
  if (any.is_array()) {
    if ((!l || l->empty()) && (!r || r->empty())) return Shape::kLeaf;
    if (const KeyFields* k = list_keys(name, l, r)) {
      *keys = k;
      return Shape::kKeyedList;
    }
  }
  return Shape::kLeaf;
}

bool skip_key(Level level, std::string_view key) {
  if (level == Level::kRoot) return key == "apiVersion" || key == "kind";
  if (level == Level::kMetadata) return stripped_metadata(key);
  return false;
}

// Builds a set with "." on every member (normalised before returning), path by path. The walks
// insert in document order, so a path shares most of its prefix with the one before: the builder
// keeps the nodes of the last path and descends from where the next one departs from it (the
// nodes of a std::map-backed object stay where they are as members are added).
class TrieBuilder {
 public:
  explicit TrieBuilder(json& root) : root_(root) {}
  void insert(const std::vector<std::string>& path) {
    std::size_t common = 0;
    while (common < keys_.size() && common < path.size() && keys_[common] == path[common]) ++common;
    keys_.resize(common);
    nodes_.resize(common);
    json* node = common ? nodes_.back() : &root_;
    for (std::size_t i = common; i < path.size(); ++i) {
      json& child = (*node)[path[i]];
      if (child.is_null()) child = json::object();
      node = &child;
      keys_.push_back(path[i]);
      nodes_.push_back(node);
    }
    (*node)["."] = json::object();
  }

 private:
  json& root_;
  std::vector<std::string> keys_;  // the last path inserted
  std::vector<json*> nodes_;       // nodes_[i]: the node at keys_[0..i]
};

struct CompareWalker {
  const Schema& schema;
  Comparison& out;
  std::vector<std::string> path;
  const Touched* touched = nullptr;  // parts that may differ (null: any)
  TrieBuilder added{out.added};
  TrieBuilder modified{out.modified};
  TrieBuilder removed{out.removed};

  bool markable(std::string_view key) const {
    return key != "metadata" && !(schema.builtin && always_present(key));
  }

  void map_children(const json* l, const json* r, Level level) {
    static const json kEmpty = json::object();
    const json& lm = (l && l->is_object()) ? *l : kEmpty;
    const json& rm = (r && r->is_object()) ? *r : kEmpty;
    auto il = lm.begin(), el = lm.end();
    auto ir = rm.begin(), er = rm.end();
    while (il != el || ir != er) {
      int cmp;
      if (il == el) cmp = 1;
      else if (ir == er) cmp = -1;
      else cmp = il.key().compare(ir.key());
      const json* lc = cmp <= 0 ? &*il : nullptr;
      const json* rc = cmp >= 0 ? &*ir : nullptr;
      const std::string& key = cmp <= 0 ? il.key() : ir.key();
      if (cmp <= 0) ++il;
      if (cmp >= 0) ++ir;
      if (skip_key(level, key)) continue;
      // Members the write cannot have changed are equal: skip them without comparing.
      if (touched && level == Level::kRoot && !touched->may_differ(key)) continue;
      if (touched && level == Level::kMetadata && !touched->may_differ_in_metadata(key)) continue;
      // The members of a metadata that may differ only in part are compared one by one below.
      const bool scoped_metadata = touched && level == Level::kRoot && key == "metadata" && touched->metadata_scoped();
      if (!scoped_metadata && lc && rc && *lc == *rc) continue;
      path.push_back("f:" + key);
      if (level == Level::kRoot && key == "metadata" && (!lc || lc->is_object()) &&
          (!rc || rc->is_object())) {
        map_children(lc, rc, Level::kMetadata);  // "metadata" itself is stripped
      } else {
        node(lc, rc, key, markable(key));
      }
      path.pop_back();
    }
  }

  void node(const json* l, const json* r, std::string_view name, bool mark) {
    const KeyFields* keys = nullptr;
    switch (shape_of(name, l, r, &keys)) {
      case Shape::kLeaf:
        if (!l) added.insert(path);
        else if (!r) removed.insert(path);
        else if (!(*l == *r)) modified.insert(path);
        return;
      case Shape::kMap:
        map_children(l, r, Level::kNormal);
        break;
      case Shape::kKeyedList: {
        std::map<std::string, std::pair<const json*, const json*>> items;
        if (l) for (const auto& item : *l) items[item_key(item, *keys)].first = &item;
        if (r) for (const auto& item : *r) items[item_key(item, *keys)].second = &item;
        for (const auto& [key, pair] : items) {
          if (pair.first && pair.second && *pair.first == *pair.second) continue;
          path.push_back(key);
          map_children(pair.first, pair.second, Level::kNormal);
          // A keyed item is a map element: typed compare records the item itself when it appears
          // or disappears, which is where `k:{...}: {".": {}}` comes from.
          if (!pair.first) added.insert(path);
          else if (!pair.second) removed.insert(path);
          path.pop_back();
        }
        break;
      }
    }
    // typed/compare.go compare(): a non-leaf node present on one side only is itself added/removed.
    if (!mark) return;
    if (!l) added.insert(path);
    else if (!r) removed.insert(path);
  }
};

struct ConfigWalker {
  json set = json::object();
  std::vector<std::string> path;
  TrieBuilder builder{set};

  void map(const json& m, Level level) {
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (skip_key(level, it.key())) continue;
      // The main resource's apply never sets status (GetResetFields resets it).
      if (level == Level::kRoot && it.key() == "status") continue;
      path.push_back("f:" + it.key());
      if (level == Level::kRoot && it.key() == "metadata") {
        if (it->is_object()) map(*it, Level::kMetadata);
      } else {
        value(*it, it.key());
      }
      path.pop_back();
    }
  }

  void value(const json& v, std::string_view name) {
    const KeyFields* keys = nullptr;
    switch (shape_of(name, nullptr, &v, &keys)) {
      case Shape::kLeaf:
        builder.insert(path);
        return;
      case Shape::kMap:
        map(v, Level::kNormal);
        return;
      case Shape::kKeyedList:
        // typed/tofieldset.go: every item of an associative list is a member, plus its fields.
        for (const auto& item : v) {
          path.push_back(item_key(item, *keys));
          builder.insert(path);
          map(item, Level::kNormal);
          path.pop_back();
        }
        return;
    }
  }
};

json merge_value(const json* live, const json& config, std::string_view name, Level level) {
  const KeyFields* keys = nullptr;
  if (level == Level::kRoot || level == Level::kMetadata) {
    json out = (live && live->is_object()) ? *live : json::object();
    for (auto it = config.begin(); it != config.end(); ++it) {
      if (level == Level::kRoot && it.key() == "status") continue;
      auto found = out.find(it.key());
      const json* lc = found != out.end() ? &*found : nullptr;
      const Level next = (level == Level::kRoot && it.key() == "metadata") ? Level::kMetadata
                                                                            : Level::kNormal;
      if (next == Level::kMetadata && !it->is_object()) continue;
      out[it.key()] = merge_value(lc, *it, it.key(), next);
    }
    return out;
  }
  switch (shape_of(name, live, &config, &keys)) {
    case Shape::kLeaf:
      return config;
    case Shape::kMap: {
      json out = (live && live->is_object()) ? *live : json::object();
      for (auto it = config.begin(); it != config.end(); ++it) {
        auto found = out.find(it.key());
        const json* lc = found != out.end() ? &*found : nullptr;
        out[it.key()] = merge_value(lc, *it, it.key(), Level::kNormal);
      }
      return out;
    }
    case Shape::kKeyedList: {
      // Live items keep their order; new items are appended in the configuration's order.
      json out = (live && live->is_array()) ? *live : json::array();
      for (const auto& citem : config) {
        const std::string key = item_key(citem, *keys);
        bool found = false;
        for (auto& litem : out) {
          if (item_key(litem, *keys) == key) {
            litem = merge_value(&litem, citem, "", Level::kNormal);
            found = true;
            break;
          }
        }
        if (!found) out.push_back(citem);
      }
      return out;
    }
  }
  return config;
}

bool item_matches(const json& item, const json& key) {
  if (!item.is_object()) return false;
  for (auto it = key.begin(); it != key.end(); ++it) {
    const json* v = key_value(item, it.key());
    if (!v || !(*v == *it)) return false;
  }
  return true;
}

}  // namespace

// --- sets ---------------------------------------------------------------------------------------

bool is_member(const json& node) { return node.is_object() && (node.empty() || node.contains(".")); }

void set_union(json& a, const json& b) {
  if (!a.is_object()) a = json::object();
  if (b.is_object()) union_children(a, b);
}

void set_subtract(json& a, const json& b) {
  if (a.is_object() && b.is_object()) subtract_children(a, b);
}

json set_intersection(const json& a, const json& b) {
  if (!a.is_object() || !b.is_object()) return json::object();
  return intersect_children(a, b);
}

bool set_empty(const json& set) { return child_count(set) == 0; }

namespace {

// The node of a field set at `keys` ("f:spec", "f:replicas"), or null when the set has no such path.
const json* set_node(const json& set, const std::vector<std::string>& keys) {
  const json* node = &set;
  for (const auto& key : keys) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

}  // namespace

bool set_has(const json& set, const std::vector<std::string>& keys) {
  const json* node = set_node(set, keys);
  return node && !keys.empty() && is_member(*node);
}

bool set_has_prefix(const json& set, const std::vector<std::string>& keys) {
  if (!set_node(set, keys)) return false;
  return keys.empty() ? !set_empty(set) : true;
}

std::vector<std::vector<std::string>> members(const json& set) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> path;
  if (set.is_object()) collect_members(set, path, out);
  return out;
}

std::string path_string(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) {
    if (key.size() < 2) continue;
    const std::string_view rest = std::string_view(key).substr(2);
    if (key[0] == 'f') {
      out += '.';
      out.append(rest);
    } else if (key[0] == 'k') {
      // PathElement.String() of a key: [name="app"] or [containerPort=80,protocol="TCP"].
      out += '[';
      json fields = json::parse(rest, nullptr, false);
      bool first = true;
      if (fields.is_object()) {
        for (auto it = fields.begin(); it != fields.end(); ++it) {
          if (!first) out += ',';
          first = false;
          out += it.key();
          out += '=';
          out += it->dump();
        }
      }
      out += ']';
    } else if (key[0] == 'v') {
      out += "[=";
      out.append(rest);
      out += ']';
    } else if (key[0] == 'i') {
      out += '[';
      out.append(rest);
      out += ']';
    }
  }
  return out;
}

// --- typed comparison -----------------------------------------------------------------------------

Schema schema_for(const std::string& api_version) {
  // Built-in groups have no dot ("apps", "batch", core "") or end in ".k8s.io"; CRDs are served
  // as unstructured objects, for which nothing exists before it is written.
  const std::string group = api_group(api_version);
  Schema s;
  s.builtin = group.empty() || group.find('.') == std::string::npos ||
              (group.size() > 7 && group.compare(group.size() - 7, 7, ".k8s.io") == 0);
  return s;
}

bool Touched::may_differ(std::string_view key) const {
  if (key == "metadata" && !metadata.empty()) return true;
  return std::find(top.begin(), top.end(), key) != top.end();
}

bool Touched::may_differ_in_metadata(std::string_view key) const {
  return std::find(top.begin(), top.end(), "metadata") != top.end() ||
         std::find(metadata.begin(), metadata.end(), key) != metadata.end();
}

bool Touched::metadata_scoped() const {
  return !metadata.empty() && std::find(top.begin(), top.end(), "metadata") == top.end();
}

Comparison compare(const json& live, const json& next, const Schema& schema, const Touched* touched) {
  Comparison out;
  CompareWalker walker{schema, out, {}, touched};
  walker.map_children(&live, &next, Level::kRoot);
  normalize(out.added);
  normalize(out.modified);
  normalize(out.removed);
  return out;
}

json field_set_of_config(const json& config, const Schema& /*schema*/) {
  ConfigWalker walker;
  if (config.is_object()) walker.map(config, Level::kRoot);
  normalize(walker.set);
  return std::move(walker.set);
}

json merge_apply(const json& live, const json& config, const Schema& /*schema*/) {
  return merge_value(&live, config, "", Level::kRoot);
}

bool erase_path(json& object, const std::vector<std::string>& keys, const json& keep) {
  if (keys.empty()) return false;
  std::vector<json*> containers;  // containers[i] holds the element named keys[i]
  json* cur = &object;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    containers.push_back(cur);
    const std::string& key = keys[i];
    const bool last = i + 1 == keys.size();
    if (key.rfind("f:", 0) == 0) {
      if (!cur->is_object()) return false;
      auto it = cur->find(key.substr(2));
      if (it == cur->end()) return false;
      if (last) cur->erase(it);
      else cur = &*it;
    } else if (key.rfind("k:", 0) == 0) {
      if (!cur->is_array()) return false;
      const json wanted = json::parse(key.substr(2), nullptr, false);
      std::size_t index = cur->size();
      for (std::size_t j = 0; j < cur->size(); ++j) {
        if (item_matches((*cur)[j], wanted)) {
          index = j;
          break;
        }
      }
      if (index == cur->size()) return false;
      if (last) cur->erase(index);
      else cur = &(*cur)[index];
    } else {
      return false;
    }
  }
  // Go omits empty maps (omitempty labels/annotations): drop maps the removal emptied, below the
  // top level, unless someone still owns them.
  for (std::size_t j = keys.size() - 1; j >= 2; --j) {
    json* node = containers[j];
    if (!node->is_object() || !node->empty()) break;
    std::vector<std::string> prefix(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(j));
    if (set_has_prefix(keep, prefix)) break;
    const std::string& key = keys[j - 1];
    if (key.rfind("f:", 0) != 0 || !containers[j - 1]->is_object()) break;
    containers[j - 1]->erase(key.substr(2));
  }
  return true;
}

// --- managedFields entries -------------------------------------------------------------------------

namespace {
std::string_view str_field(const json& entry, const char* name) {
  auto it = entry.find(name);
  if (it == entry.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}
}  // namespace

json* find_entry(json& managed, std::string_view manager, std::string_view operation,
                 std::string_view subresource) {
  if (!managed.is_array()) return nullptr;
  for (auto& entry : managed) {
    if (str_field(entry, "manager") == manager && str_field(entry, "operation") == operation &&
        str_field(entry, "subresource") == subresource) {
      return &entry;
    }
  }
  return nullptr;
}

json make_entry(const std::string& api_version, const std::string& manager, std::string_view operation,
                std::string_view subresource, const std::string& time, json fields) {
  json entry = json::object();
  entry["apiVersion"] = api_version;
  entry["fieldsType"] = "FieldsV1";
  entry["fieldsV1"] = std::move(fields);
  entry["manager"] = manager;
  entry["operation"] = operation;
  if (!subresource.empty()) entry["subresource"] = subresource;
  entry["time"] = time;
  return entry;
}

void drop_empty_entries(json& managed) {
  if (!managed.is_array()) return;
  auto& arr = managed.get_ref<json::array_t&>();
  arr.erase(std::remove_if(arr.begin(), arr.end(),
                           [](const json& entry) {
                             auto f = entry.find("fieldsV1");
                             return f == entry.end() || set_empty(*f);
                           }),
            arr.end());
}

void sort_entries(json& managed) {
  if (!managed.is_array() || managed.size() < 2) return;
  using Key = std::array<std::string_view, 5>;
  auto key = [](const json& e) {
    // RFC 3339 times with second precision sort lexicographically in time order.
    return Key{str_field(e, "operation"), str_field(e, "time"), str_field(e, "manager"),
               str_field(e, "apiVersion"), str_field(e, "subresource")};
  };
  auto& arr = managed.get_ref<json::array_t&>();
  // Most writes leave the order as it was: check before sorting.
  bool sorted = true;
  for (std::size_t i = 1; i < arr.size() && sorted; ++i) sorted = !(key(arr[i]) < key(arr[i - 1]));
  if (sorted) return;
  std::vector<std::pair<Key, std::size_t>> order;
  order.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) order.emplace_back(key(arr[i]), i);
  // Identities are unique, so the keys are too and a plain sort is deterministic.
  std::sort(order.begin(), order.end());
  json::array_t out;
  out.reserve(arr.size());
  for (const auto& [k, i] : order) out.push_back(std::move(arr[i]));
  arr = std::move(out);
}

std::string manager_identifier(const json& entry) {
  // BuildManagerIdentifier: the entry without fieldsType, fieldsV1 and time; Apply entries also
  // drop apiVersion. Field order is the Go struct's.
  std::string out = "{";
  auto add = [&](const char* name, std::string_view value) {
    if (value.empty()) return;
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":";
    out += json(std::string(value)).dump();
  };
  add("manager", str_field(entry, "manager"));
  add("operation", str_field(entry, "operation"));
  if (str_field(entry, "operation") != "Apply") add("apiVersion", str_field(entry, "apiVersion"));
  add("subresource", str_field(entry, "subresource"));
  out += '}';
  return out;
}

std::string describe_manager(const json& entry) {
  // internal/conflict.go printManager. The "at <time>" variant only exists for identifiers that
  // carry a time, which BuildManagerIdentifier has stripped since the FieldsV1 format (1.16), so
  // Update owners print as `"m" using apps/v1`.
  std::string out = json(std::string(str_field(entry, "manager"))).dump();
  const std::string_view sub = str_field(entry, "subresource");
  if (!sub.empty()) {
    out += " with subresource ";
    out += json(std::string(sub)).dump();
  }
  if (str_field(entry, "operation") == "Update") {
    out += " using ";
    out.append(str_field(entry, "apiVersion"));
  }
  return out;
}

bool same_ignoring_time(const json& a, const json& b) {
  const bool a_arr = a.is_array() && !a.empty();
  const bool b_arr = b.is_array() && !b.empty();
  if (!a_arr || !b_arr) return a_arr == b_arr;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const json& x = a[i];
    const json& y = b[i];
    if (x.size() != y.size()) return false;
    for (auto it = x.begin(); it != x.end(); ++it) {
      if (it.key() == "time") continue;
      auto other = y.find(it.key());
      if (other == y.end() || !(*other == *it)) return false;
    }
  }
  return true;
}

}  // namespace kcsim::mf
