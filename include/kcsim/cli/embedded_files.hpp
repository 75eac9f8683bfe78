// Text files compiled into the kcsim binary at build time (cmake/embed_files.cmake): the exercise
// library (exercises/*.json) and the scenarios (scenarios/*.json), by path relative to the
// source tree ("exercises/six-minute-loop.json"), in path order.
#pragma once

#include <string_view>
#include <vector>

namespace kcsim {

struct EmbeddedFile {
  std::string_view path;
  std::string_view text;
};

const std::vector<EmbeddedFile>& embedded_files();

}  // namespace kcsim
