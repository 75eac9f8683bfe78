// RFC 6901 JSON pointers in user input: checked before use, and written the way an editor
// writes a field, so that a typo in a scenario is an input error, never a library exception.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kcsim {

/// What is wrong with `pointer` as an RFC 6901 JSON pointer ("" is the whole document;
/// otherwise "/" then tokens in which "~" is followed by 0 or 1), or nothing when it is one.
/// The text completes "expected a JSON pointer such as \"/spec/replicas\"; found ...".
std::optional<std::string> json_pointer_problem(std::string_view pointer);

/// Why a value could not be set: the two halves of an InputError's message.
struct PointerProblem {
  std::string expected;  // "expected an array index of at most 2 (the array's size)"
  std::string found;     // "\"7\""
};

/// Sets the value at `pointer` in `doc` as a person editing the document could: existing
/// members are replaced, a missing member is added (with the objects above it), and an array
/// grows by at most one element (its size, or "-", appends; RFC 6902 "add"). Returns what stands
/// in the way, or nothing once the value is set. `pointer` must have passed json_pointer_problem.
std::optional<PointerProblem> set_at_pointer(nlohmann::json& doc, std::string_view pointer, const nlohmann::json& value);

}  // namespace kcsim
