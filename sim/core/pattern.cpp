#include "kcsim/core/pattern.hpp"

#include <re2/re2.h>

namespace kcsim {

std::optional<Pattern> Pattern::compile(const std::string& text, std::string* error) {
  RE2::Options options;
  options.set_log_errors(false);  // the caller reports the error as an input error
  // RE2's default memory budget (8 MiB) bounds the compiled program, so a pattern such as
  // "(((a{100}){100}){100})" fails to compile instead of growing without limit.
  auto re = std::make_shared<const RE2>(text, options);
  if (!re->ok()) {
    if (error) *error = re->error();
    return std::nullopt;
  }
  Pattern p;
  p.re_ = std::move(re);
  return p;
}

bool Pattern::search(std::string_view text) const { return RE2::PartialMatch(text, *re_); }

}  // namespace kcsim
