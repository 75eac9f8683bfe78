// Errors in user input: a file, a JSON pointer (and line:column where known), what was expected
// and what was found. kcsim exits with status 2 on these.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace kcsim {

class InputError : public std::runtime_error {
 public:
  /// `pointer` is an RFC 6901 JSON pointer ("/objects/0/spec/replicas"); line/column 0 = unknown.
  InputError(std::string file, std::string pointer, std::string expected, std::string found,
             int line = 0, int column = 0);

  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }
  const std::string& expected() const { return expected_; }
  const std::string& found() const { return found_; }
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  std::string file_, pointer_, expected_, found_;
  int line_, column_;
};

/// A short rendering of a JSON value for "found ..." parts of messages: strings quoted, long
/// values truncated to 60 characters, and the JSON type named ("found a number (5)").
std::string describe_found(const nlohmann::json& value);

}  // namespace kcsim
