// Leaf-level difference between two JSON documents, as JSON pointers (RFC 6901). Private to sim/.
#pragma once

#include <string>
#include <string_view>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim::detail {

/// Appends "/" and `token` escaped per RFC 6901 ("~" -> "~0", "/" -> "~1").
void append_pointer_token(std::string& out, std::string_view token);

/// Walks two objects' members as a merge of their sorted keys (nlohmann's object is an ordered
/// map): `fn(key, x, y)` once per key of either, with null for the side that lacks it.
template <class Fn>
void for_each_member_pair(const json& a, const json& b, Fn&& fn) {
  auto ia = a.begin(), ea = a.end();
  auto ib = b.begin(), eb = b.end();
  while (ia != ea || ib != eb) {
    const int cmp = ia == ea ? 1 : ib == eb ? -1 : ia.key().compare(ib.key());
    fn(cmp <= 0 ? ia.key() : ib.key(), cmp <= 0 ? &*ia : nullptr, cmp >= 0 ? &*ib : nullptr);
    if (cmp <= 0) ++ia;
    if (cmp >= 0) ++ib;
  }
}

/// Walks two documents together and calls `emit(pointer, old, new)` for every changed leaf, where
/// a leaf is any non-object value (arrays compare whole) or an empty object that is present on one
/// side only. `old`/`new` are null pointers when the value is absent on that side. Objects are
/// walked as a merge of their sorted keys (nlohmann's object is an ordered map), so the output order
/// is deterministic: lexicographic by key at every level. `path` is the pointer of a and b, and is
/// restored on return.
template <class Emit>
void diff_leaves(const json* a, const json* b, std::string& path, Emit&& emit) {
  const bool a_obj = a && a->is_object();
  const bool b_obj = b && b->is_object();
  if (a_obj && b_obj) {
    const std::size_t base = path.size();
    for_each_member_pair(*a, *b, [&](const std::string& key, const json* x, const json* y) {
      if (x && y && *x == *y) return;
      append_pointer_token(path, key);
      diff_leaves(x, y, path, emit);
      path.resize(base);
    });
    return;
  }
  // Exactly one side is a non-empty object: every leaf under it was added or removed.
  const json* whole = a_obj && !b ? a : b_obj && !a ? b : nullptr;
  if (whole && !whole->empty()) {
    const std::size_t base = path.size();
    for (auto it = whole->begin(); it != whole->end(); ++it) {
      append_pointer_token(path, it.key());
      diff_leaves(whole == a ? &*it : nullptr, whole == b ? &*it : nullptr, path, emit);
      path.resize(base);
    }
    return;
  }
  if (a && b && *a == *b) return;
  if (!a && !b) return;
  emit(static_cast<const std::string&>(path), a, b);
}

}  // namespace kcsim::detail
