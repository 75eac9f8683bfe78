#include "kcsim/core/input_error.hpp"

#include <fmt/format.h>

namespace kcsim {
namespace {

std::string render(const std::string& file, const std::string& pointer, const std::string& expected,
                   const std::string& found, int line, int column) {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}:{}", line, column);
  if (!pointer.empty()) where += fmt::format(": {}", pointer);
  std::string what = expected;
  if (!found.empty()) what += fmt::format(", found {}", found);
  return fmt::format("{}: {}", where, what);
}

}  // namespace

InputError::InputError(std::string file, std::string pointer, std::string expected,
                       std::string found, int line, int column)
    : std::runtime_error(render(file, pointer, expected, found, line, column)),
      file_(std::move(file)),
      pointer_(std::move(pointer)),
      expected_(std::move(expected)),
      found_(std::move(found)),
      line_(line),
      column_(column) {}

std::string describe_found(const nlohmann::json& value) {
  // Invalid UTF-8 (a command-line value, a YAML scalar) is shown with U+FFFD instead of making
  // dump() throw (found by fuzz_duration: `--duration $'\xcc'` ended in std::terminate).
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return fmt::format("a boolean ({})", text);
    case nlohmann::json::value_t::string: return fmt::format("a string ({})", text);
    case nlohmann::json::value_t::array: return fmt::format("an array ({})", text);
    case nlohmann::json::value_t::object: return fmt::format("an object ({})", text);
    default: return fmt::format("a number ({})", text);
  }
}

}  // namespace kcsim
