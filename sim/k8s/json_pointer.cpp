#include "kcsim/k8s/json_pointer.hpp"

#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace kcsim {
namespace {

std::vector<std::string> tokens_of(std::string_view pointer) {
  std::vector<std::string> out;
  for (std::size_t start = 1; start <= pointer.size();) {
    std::size_t end = pointer.find('/', start);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token;
    for (std::size_t i = start; i < end; ++i) {
      if (pointer[i] == '~') token += pointer[++i] == '1' ? '/' : '~';
      else token += pointer[i];
    }
    out.push_back(std::move(token));
    start = end + 1;
  }
  return out;
}

std::optional<std::size_t> array_index(const std::string& token) {
  // RFC 6901: "0" or digits without a leading zero.
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  std::size_t index = 0;
  const auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (ec != std::errc() || p != token.data() + token.size()) return std::nullopt;
  return index;
}

}  // namespace

std::optional<std::string> json_pointer_problem(std::string_view pointer) {
  if (pointer.empty()) return std::nullopt;
  if (pointer.front() != '/') return fmt::format("\"{}\", which does not start with \"/\"", pointer);
  for (std::size_t i = 0; i < pointer.size(); ++i)
    if (pointer[i] == '~' && (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
      return fmt::format("\"{}\", whose \"~\" at offset {} is not followed by 0 or 1", pointer, i);
  return std::nullopt;
}

std::optional<PointerProblem> set_at_pointer(nlohmann::json& doc, std::string_view pointer, const nlohmann::json& value) {
  nlohmann::json* cur = &doc;
  for (const std::string& token : tokens_of(pointer)) {
    // A missing member appears with its parents: an array when the token is an index, as
    // nlohmann::json's operator[] and kubectl's JSON patches create them.
    if (cur->is_null()) *cur = token == "-" || array_index(token) ? nlohmann::json::array() : nlohmann::json::object();
    if (cur->is_object()) {
      cur = &(*cur)[token];
      continue;
    }
    if (cur->is_array()) {
      const auto index = token == "-" ? std::optional<std::size_t>(cur->size()) : array_index(token);
      if (!index || *index > cur->size())
        return PointerProblem{fmt::format("expected an array index of at most {} (the array's size)", cur->size()),
                              fmt::format("\"{}\"", token)};
      if (*index == cur->size()) cur->push_back(nullptr);
      cur = &(*cur)[*index];
      continue;
    }
    return PointerProblem{fmt::format("expected an object or an array where \"{}\" is looked up", token),
                          fmt::format("a {}", cur->type_name())};
  }
  *cur = value;
  return std::nullopt;
}

}  // namespace kcsim
