// Field ownership on the kept managedFields entries (field_ownership.hpp). The set operations
// follow mf::set_union and mf::set_subtract (managed_fields.cpp) step for step on SetNodes, whose
// children are in the wire form's key order: a member is a node without children or with a "."
// child, and each child both sets have is fixed up after the operation (an empty node is a member
// only while childless).
#include "field_ownership.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace kcsim::ownership {

namespace {

using Children = std::vector<std::pair<std::string, SetNodePtr>>;

enum class Op { kUnite, kSubtract };

bool is_member(const SetNode& node) {
  if (node.children.empty()) return true;
  auto it = std::lower_bound(node.children.begin(), node.children.end(), ".",
                             [](const auto& child, const char* key) { return child.first < key; });
  return it != node.children.end() && it->first == ".";
}

std::size_t child_count(const Children& children) {
  std::size_t n = children.size();
  for (const auto& child : children)
    if (child.first == ".") --n;
  return n;
}

SetNodePtr child_op(VersionStore& store, const SetNodePtr& a, const json& b, Op op);

// The children of `a` after the operation with the children of `b` (mf union_children,
// subtract_children), or nothing when they are the same. Children `b` does not name are kept as
// they are; the list is copied only from the first child that changes.
std::optional<Children> children_op(VersionStore& store, const SetNode& a, const json& b, Op op) {
  std::optional<Children> out;
  auto ia = a.children.begin();
  const auto ea = a.children.end();
  auto start_copy = [&](Children::const_iterator upto) {
    out.emplace();
    out->reserve(a.children.size() + (op == Op::kUnite ? b.size() : 0));
    out->insert(out->end(), a.children.begin(), upto);
  };
  for (auto ib = b.begin(); ib != b.end(); ++ib) {
    const std::string& key = ib.key();
    if (key == ".") continue;
    // a's children before this key are kept.
    auto found = std::lower_bound(ia, ea, key, [](const auto& child, const std::string& k) { return child.first < k; });
    if (out) out->insert(out->end(), ia, found);
    ia = found;
    if (ia == ea || ia->first != key) {
      if (op == Op::kSubtract) continue;
      if (!out) start_copy(ia);
      out->emplace_back(key, store.share_node(*ib));
      continue;
    }
    SetNodePtr next = child_op(store, ia->second, *ib, op);
    if (next != ia->second && !out) start_copy(ia);
    if (out && next) out->emplace_back(key, std::move(next));
    ++ia;
  }
  if (out) out->insert(out->end(), ia, ea);
  return out;
}

// One child both sets have, after the operation; null when it leaves the set.
SetNodePtr child_op(VersionStore& store, const SetNodePtr& a, const json& b, Op op) {
  const bool b_member = b.is_object() && (b.empty() || b.contains("."));
  // Membership is decided before the children change (managed_fields.cpp).
  const bool member = op == Op::kUnite ? is_member(*a) || b_member : is_member(*a) && !b_member;
  std::optional<Children> changed = children_op(store, *a, b, op);
  const Children& kids = changed ? *changed : a->children;
  if (child_count(kids) == 0) {
    if (op == Op::kSubtract && !member) return nullptr;
    return a->children.empty() ? a : store.share(SetNode{});
  }
  auto dot = std::lower_bound(kids.begin(), kids.end(), ".",
                              [](const auto& child, const char* key) { return child.first < key; });
  const bool has_dot = dot != kids.end() && dot->first == ".";
  if (member && !(has_dot && dot->second->children.empty())) {
    Children fixed = kids;
    auto at = fixed.begin() + (dot - kids.begin());
    if (has_dot) at->second = store.share(SetNode{});
    else fixed.emplace(at, ".", store.share(SetNode{}));
    return store.share(SetNode{std::move(fixed)});
  }
  if (!member && has_dot) {
    Children fixed = kids;
    fixed.erase(fixed.begin() + (dot - kids.begin()));
    return store.share(SetNode{std::move(fixed)});
  }
  return changed ? store.share(SetNode{std::move(*changed)}) : a;
}

std::string_view text(const std::string* s) { return s ? std::string_view(*s) : std::string_view(); }

bool same_set(const SetNode& a, const SetNode& b) {
  if (&a == &b) return true;
  if (a.children.size() != b.children.size()) return false;
  for (std::size_t i = 0; i < a.children.size(); ++i)
    if (a.children[i].first != b.children[i].first || !same_set(*a.children[i].second, *b.children[i].second))
      return false;
  return true;
}

}  // namespace

SetNodePtr unite(VersionStore& store, const SetNodePtr& a, const json& b) {
  if (!b.is_object()) return a;
  std::optional<Children> out = children_op(store, *a, b, Op::kUnite);
  return out ? store.share(SetNode{std::move(*out)}) : a;
}

SetNodePtr subtract(VersionStore& store, const SetNodePtr& a, const json& b) {
  if (!b.is_object()) return a;
  std::optional<Children> out = children_op(store, *a, b, Op::kSubtract);
  return out ? store.share(SetNode{std::move(*out)}) : a;
}

bool empty(const SetNode& set) { return child_count(set.children) == 0; }

bool same_identity(const ManagedEntry& e, std::string_view manager, std::string_view operation,
                   std::string_view subresource) {
  return text(e.manager) == manager && text(e.operation) == operation && text(e.subresource) == subresource;
}

void drop_empty(ManagedEntries& managed) {
  managed.erase(std::remove_if(managed.begin(), managed.end(), [](const ManagedEntry& e) { return empty(*e.fields); }),
                managed.end());
}

// mf::sort_entries: operation, time, manager, apiVersion, subresource.
void sort_entries(ManagedEntries& managed) {
  auto key = [](const ManagedEntry& e) {
    return std::array<std::string_view, 5>{text(e.operation), text(e.time.get()), text(e.manager),
                                           text(e.api_version), text(e.subresource)};
  };
  auto less = [&](const ManagedEntry& a, const ManagedEntry& b) { return key(a) < key(b); };
  if (std::is_sorted(managed.begin(), managed.end(), less)) return;
  std::stable_sort(managed.begin(), managed.end(), less);
}

ManagedEntry make_entry(VersionStore& store, const std::string& api_version, std::string_view manager,
                        std::string_view operation, std::string_view subresource, const std::string& now,
                        SetNodePtr fields) {
  ManagedEntry e;
  e.api_version = VersionStore::name(api_version);
  e.manager = VersionStore::name(manager);
  e.operation = VersionStore::name(operation);
  if (!subresource.empty()) e.subresource = VersionStore::name(subresource);
  e.time = store.share_time(now);
  e.fields = std::move(fields);
  return e;
}

json intersection(const SetNode& a, const json& b) {
  // mf intersect_children: the members both have, each child's membership fixed up after.
  json out = json::object();
  if (!b.is_object()) return out;
  for (const auto& [key, child] : a.children) {
    if (key == ".") continue;
    auto found = b.find(key);
    if (found == b.end()) continue;
    const bool member = is_member(*child) && found->is_object() && (found->empty() || found->contains("."));
    json both = intersection(*child, *found);
    if (!both.empty()) {
      if (member) both["."] = json::object();
      out[key] = std::move(both);
    } else if (member) {
      out[key] = json::object();
    }
  }
  return out;
}

json wire(const SetNode& set) {
  json out = json::object();
  for (const auto& [key, child] : set.children) out.emplace(key, wire(*child));
  return out;
}

bool releases(VersionStore& store, const ManagedEntry& own, const json& applied) {
  return !empty(*subtract(store, own.fields, applied));
}

ManagedEntry* find(ManagedEntries& managed, std::string_view manager, std::string_view operation,
                   std::string_view subresource) {
  ManagedEntry* found = nullptr;
  for (ManagedEntry& e : managed)
    if (same_identity(e, manager, operation, subresource)) found = &e;
  return found;
}

json identity(const ManagedEntry& e) {
  return mf::make_entry(*e.api_version, *e.manager, text(e.operation), text(e.subresource), *e.time, json::object());
}

bool same_ignoring_time(const ManagedEntries& a, const ManagedEntries& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const ManagedEntry& x = a[i];
    const ManagedEntry& y = b[i];
    if (text(x.api_version) != text(y.api_version) || text(x.manager) != text(y.manager) ||
        text(x.operation) != text(y.operation) || (x.subresource == nullptr) != (y.subresource == nullptr) ||
        text(x.subresource) != text(y.subresource) || !same_set(*x.fields, *y.fields))
      return false;
  }
  return true;
}

void update(VersionStore& store, ManagedEntries& managed, mf::Comparison cmp, const std::string& api_version,
            std::string_view manager, std::string_view operation, std::string_view subresource,
            const std::string& now) {
  json changed = std::move(cmp.added);
  mf::set_union(changed, cmp.modified);
  const bool took = !mf::set_empty(changed);
  bool found = false;
  for (ManagedEntry& e : managed) {
    if (same_identity(e, manager, operation, subresource)) {
      found = true;
      e.fields = subtract(store, unite(store, e.fields, changed), cmp.removed);
      if (took) {
        e.time = store.share_time(now);
        e.api_version = VersionStore::name(api_version);
      }
      continue;
    }
    e.fields = subtract(store, subtract(store, e.fields, changed), cmp.removed);
  }
  if (!found && took) {
    mf::set_subtract(changed, cmp.removed);
    managed.push_back(make_entry(store, api_version, manager, operation, subresource, now, store.share_node(changed)));
  }
  drop_empty(managed);
  sort_entries(managed);
}

void scale(VersionStore& store, ManagedEntries& managed, const std::string& api_version, std::string_view manager,
           const std::string& now) {
  static const json kReplicas = {{"f:spec", {{"f:replicas", json::object()}}}};
  bool found = false;
  for (ManagedEntry& e : managed) {
    if (same_identity(e, manager, "Update", "scale")) {
      found = true;
      e.fields = store.share_node(kReplicas);
      e.time = store.share_time(now);
      e.api_version = VersionStore::name(api_version);
      continue;
    }
    e.fields = subtract(store, e.fields, kReplicas);
  }
  if (!found) managed.push_back(make_entry(store, api_version, manager, "Update", "scale", now, store.share_node(kReplicas)));
  drop_empty(managed);
  sort_entries(managed);
}

}  // namespace kcsim::ownership
