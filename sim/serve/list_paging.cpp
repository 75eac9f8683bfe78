// Paging of `kcsim serve`'s lists (include/kcsim/serve/list_paging.hpp).
#include "kcsim/serve/list_paging.hpp"

#include <array>
#include <tuple>

#include <fmt/format.h>

namespace kcsim {
namespace {

constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64.RawURLEncoding (RFC 4648 section 5, no padding).
std::string base64url(const std::string& in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

// The decoded bytes, or the offset of the first byte Go's decoder refuses ("illegal base64 data
// at input byte N").
std::variant<std::string, std::size_t> from_base64url(const std::string& in) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(kAlphabet[i])] = i;
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const int v = value[static_cast<unsigned char>(in[i])];
    if (v < 0) return i;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  // One character alone cannot end a group (Go reports the byte after the input).
  if (in.size() % 4 == 1) return in.size();
  return out;
}

// path.Clean("/" + key) == "/" + key: no empty, "." or ".." segment, no trailing "/" (the check
// DecodeContinue makes against path traversal).
bool clean_key(const std::string& key) {
  const std::string k = key.rfind('/', 0) == 0 ? key.substr(1) : key;
  if (k.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = k.find('/', start);
    const std::string segment = k.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

std::string encode_continue(const ContinueToken& token) {
  // encoding/json's field order (v, rv, start) and its escaping of the NUL ("\u0000").
  return base64url(fmt::format(R"({{"v":"meta.k8s.io/v1","rv":{},"start":{}}})", token.resource_version, json(token.start).dump()));
}

std::variant<ContinueToken, std::string> decode_continue(const std::string& text) {
  const std::string invalid = "continue key is not valid";
  const auto bytes = from_base64url(text);
  if (const std::size_t* at = std::get_if<std::size_t>(&bytes)) return fmt::format("{}: illegal base64 data at input byte {}", invalid, *at);
  const json doc = json::parse(std::get<std::string>(bytes), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fmt::format("{}: the token is not a JSON object", invalid);
  const std::string version = doc.contains("v") && doc["v"].is_string() ? doc["v"].get<std::string>() : "";
  if (version != "meta.k8s.io/v1")
    return fmt::format("{}: server does not recognize this encoded version {}", invalid, version);
  ContinueToken token;
  if (doc.contains("rv") && doc["rv"].is_number_integer()) token.resource_version = doc["rv"].get<std::int64_t>();
  if (doc.contains("start") && doc["start"].is_string()) token.start = doc["start"].get<std::string>();
  if (token.resource_version == 0)
    return invalid + ": incorrect encoded start resourceVersion (version meta.k8s.io/v1)";
  if (token.start.empty()) return invalid + ": encoded start key empty (version meta.k8s.io/v1)";
  if (!clean_key(token.start)) return fmt::format("{}: {}", invalid, token.start);
  if (token.start.front() == '/') token.start.erase(0, 1);
  return token;
}

std::string list_key(const json& object, bool across_namespaces) {
  const json* meta = object.contains("metadata") && object["metadata"].is_object() ? &object["metadata"] : nullptr;
  const std::string name = meta ? meta->value("name", "") : "";
  const std::string ns = meta ? meta->value("namespace", "") : "";
  return across_namespaces && !ns.empty() ? ns + "/" + name : name;
}

ListPage list_page(const std::vector<ObjectPtr>& all, const std::function<bool(const json&)>& selected, bool across_namespaces,
                   const std::string& start, std::int64_t limit, std::int64_t resource_version, bool count_remaining) {
  // kcsim's lists are in (namespace, name) order; the start key is compared in that order (a key
  // "NS/NAME" split at its first "/", which no namespace holds). "KEY\0", the key after KEY, starts
  // after KEY; a key without the NUL starts at it.
  auto split = [across_namespaces](const std::string& key) {
    if (!across_namespaces) return std::make_pair(std::string(), key);
    const std::size_t slash = key.find('/');
    return slash == std::string::npos ? std::make_pair(std::string(), key)
                                      : std::make_pair(key.substr(0, slash), key.substr(slash + 1));
  };
  const bool after = !start.empty() && start.back() == '\0';
  const auto from = split(after ? start.substr(0, start.size() - 1) : start);
  std::size_t i = 0;
  if (!start.empty()) {
    while (i < all.size()) {
      const json& meta = (*all[i])["metadata"];
      const std::pair<std::string, std::string> key = across_namespaces
                                                          ? std::make_pair(meta.value("namespace", ""), meta.value("name", ""))
                                                          : std::make_pair(std::string(), meta.value("name", ""));
      if (after ? key > from : key >= from) break;
      ++i;
    }
  }
  ListPage page;
  for (; i < all.size(); ++i) {
    if (limit > 0 && static_cast<std::int64_t>(page.items.size()) == limit) break;
    if (selected(*all[i])) page.items.push_back(all[i]);
  }
  // etcd3 store.go: more keys after the last one read -> a continue token from that key.
  if (i < all.size() && !page.items.empty()) {
    page.continue_token = encode_continue({resource_version, list_key(*page.items.back(), across_namespaces) + std::string(1, '\0')});
    if (count_remaining) page.remaining = static_cast<std::int64_t>(all.size() - i);
  }
  return page;
}

void ListSnapshots::keep(const std::string& scope, std::int64_t resource_version, std::vector<ObjectPtr> objects) {
  if (find(scope, resource_version)) return;
  if (kept_.size() == capacity_) kept_.pop_front();
  kept_.push_back({scope, resource_version, std::move(objects)});
}

const std::vector<ObjectPtr>* ListSnapshots::find(const std::string& scope, std::int64_t resource_version) const {
  for (const Snapshot& s : kept_)
    if (s.scope == scope && s.resource_version == resource_version) return &s.objects;
  return nullptr;
}

}  // namespace kcsim
