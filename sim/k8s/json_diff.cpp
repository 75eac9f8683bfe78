// RFC 6901 pointer tokens for the leaf diff (see json_diff.hpp).
#include "json_diff.hpp"

namespace kcsim::detail {

void append_pointer_token(std::string& out, std::string_view token) {
  out += '/';
  // Fast path: most keys ("spec", "replicas") need no escaping.
  if (token.find_first_of("~/") == std::string_view::npos) {
    out.append(token);
    return;
  }
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
}

}  // namespace kcsim::detail
