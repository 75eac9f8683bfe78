// The request target of `kcsim serve` (include/kcsim/serve/request_target.hpp).
#include "kcsim/serve/request_target.hpp"

namespace kcsim {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape: %XX and '+' for a space (the query string's form encoding).
std::string query_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Target parse_target(std::string_view target) {
  Target t;
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) {
      std::string seg(path.substr(start, slash - start));
      // A path segment's escapes: %XX only ('+' is a plus sign in a path).
      std::string un;
      for (std::size_t i = 0; i < seg.size(); ++i) {
        if (seg[i] == '%' && i + 2 < seg.size() && hex_value(seg[i + 1]) >= 0 && hex_value(seg[i + 2]) >= 0) {
          un += static_cast<char>(hex_value(seg[i + 1]) * 16 + hex_value(seg[i + 2]));
          i += 2;
        } else {
          un += seg[i];
        }
      }
      t.segments.push_back(un);
    }
    start = slash + 1;
  }
  if (q != std::string_view::npos) {
    const std::string_view query = target.substr(q + 1);
    for (std::size_t start = 0; start < query.size();) {
      std::size_t amp = query.find('&', start);
      if (amp == std::string_view::npos) amp = query.size();
      const std::string_view pair = query.substr(start, amp - start);
      const std::size_t eq = pair.find('=');
      const std::string key = query_unescape(pair.substr(0, eq));
      const std::string value = eq == std::string_view::npos ? "" : query_unescape(pair.substr(eq + 1));
      if (!key.empty()) t.query.emplace(key, value);
      start = amp + 1;
    }
  }
  return t;
}

std::string param(const Target& t, const std::string& key) {
  const auto it = t.query.find(key);
  return it == t.query.end() ? "" : it->second;
}

bool param_true(const Target& t, const std::string& key) {
  const std::string v = param(t, key);
  return v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True";
}

}  // namespace kcsim
