#include "hash_view.hpp"

#include <cmath>
#include <cstring>
#include <string_view>

namespace kcsim::argocd {
namespace {

using json = nlohmann::json;

class Hasher {
 public:
  void bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      fnv_ = (fnv_ ^ p[i]) * 1099511628211ull;
      mix_ = ((mix_ ^ p[i]) * 0x9e3779b97f4a7c15ull);
      mix_ = (mix_ << 29) | (mix_ >> 35);
    }
  }
  void tag(unsigned char t) { bytes(&t, 1); }
  void u64(std::uint64_t v) { bytes(&v, sizeof v); }
  void text(std::string_view s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  HashViewFingerprint result() const { return {fnv_, mix_}; }

 private:
  std::uint64_t fnv_ = 1469598103934665603ull;
  std::uint64_t mix_ = 0x243f6a8885a308d3ull;
};

// Numbers as operator== compares them: an integral value as an integer whatever its JSON type.
void number(Hasher& h, const json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    h.tag('i');
    h.u64(static_cast<std::uint64_t>(v.get<std::int64_t>()));
    return;
  }
  if (v.is_number_unsigned()) {
    const std::uint64_t u = v.get<std::uint64_t>();
    h.tag(u <= static_cast<std::uint64_t>(INT64_MAX) ? 'i' : 'u');
    h.u64(u);
    return;
  }
  const double d = v.get<double>();
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18) {
    h.tag('i');
    h.u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(d)));
    return;
  }
  std::uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  h.tag('d');
  h.u64(bits);
}

enum class Level { kTop, kMetadata, kOther };

// What the view leaves out: status at the top; resourceVersion, generation and managedFields in
// metadata.
bool skipped(Level level, const std::string& key) {
  if (level == Level::kTop) return key == "status";
  if (level == Level::kMetadata) return key == "resourceVersion" || key == "generation" || key == "managedFields";
  return false;
}

Level level_below(Level level, const std::string& key) {
  return level == Level::kTop && key == "metadata" ? Level::kMetadata : Level::kOther;
}

bool equal_except(const json& a, const json& b, Level level) {
  auto ia = a.begin(), ib = b.begin();
  for (;;) {
    while (ia != a.end() && skipped(level, ia.key())) ++ia;
    while (ib != b.end() && skipped(level, ib.key())) ++ib;
    if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
    if (ia.key() != ib.key()) return false;
    const Level below = level_below(level, ia.key());
    if (below != Level::kOther && ia->is_object() && ib->is_object()) {
      if (!equal_except(*ia, *ib, below)) return false;
    } else if (*ia != *ib) {
      return false;
    }
    ++ia;
    ++ib;
  }
}

void walk(Hasher& h, const json& v, Level level) {
  switch (v.type()) {
    case json::value_t::null: h.tag('n'); return;
    case json::value_t::boolean: h.tag(v.get<bool>() ? 'T' : 'F'); return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: number(h, v); return;
    case json::value_t::string: h.tag('s'); h.text(v.get_ref<const std::string&>()); return;
    case json::value_t::array:
      h.tag('a');
      h.u64(v.size());
      for (const json& e : v) walk(h, e, Level::kOther);
      return;
    case json::value_t::object:
      h.tag('o');
      for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string& k = it.key();
        if (skipped(level, k)) continue;
        h.tag('k');
        h.text(k);
        walk(h, *it, level_below(level, k));
      }
      h.tag('e');
      return;
    case json::value_t::binary: h.tag('b'); h.u64(v.get_binary().size()); h.bytes(v.get_binary().data(), v.get_binary().size()); return;
    case json::value_t::discarded: h.tag('x'); return;
  }
}

}  // namespace

bool same_hash_view(const json& a, const json& b) {
  if (!a.is_object() || !b.is_object()) return a == b;
  return equal_except(a, b, Level::kTop);
}

HashViewFingerprint HashViewFingerprint::of(const json& object) {
  Hasher h;
  walk(h, object, object.is_object() ? Level::kTop : Level::kOther);
  return h.result();
}

}  // namespace kcsim::argocd
