// What every kcsim fuzz target shares: the one rule of what counts as a finding.
// kcsim's contract for bad input is an InputError (exit status 2) or a run-limit error (exit
// status 3); anything else that escapes — another exception type, a crash, a sanitizer report,
// a hang (-timeout), a leak, memory beyond -rss_limit_mb — is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kcsim/core/input_error.hpp"
#include "kcsim/apiserver/world.hpp"

namespace kcsim::fuzz {

/// Calls `f`, swallowing the errors kcsim is allowed to report for bad input. Any other
/// exception propagates out of LLVMFuzzerTestOneInput, which libFuzzer reports as a crash
/// (uncaught exception → std::terminate → abort) with the input that caused it.
template <typename F>
void expect_only_input_errors(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  } catch (const RunLimitError&) {
  }
}

inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace kcsim::fuzz
