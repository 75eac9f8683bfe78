// Small ASCII text helpers shared by the CLI, the exercises and the models (one copy each).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace kcsim {

/// ASCII lower case (Kubernetes kinds, resource names, free-text answers); other bytes unchanged.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Without leading and trailing white space (std::isspace).
inline std::string trim(std::string_view s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  const auto b = std::find_if(s.begin(), s.end(), not_space);
  const auto e = std::find_if(s.rbegin(), s.rend(), not_space).base();
  return b < e ? std::string(b, e) : std::string();
}

}  // namespace kcsim
