// Fuzz target: the Go duration parser (include/kcsim/core/time.hpp) and the scenario's duration
// fields, which accept a Go duration string or a number of seconds.
// Beyond "no crash", it checks two properties the rest of kcsim relies on:
//  - a parsed duration formats (format_go_duration) to a string that parses back to itself;
//  - read_duration never returns a negative duration or one above 100 years.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kcsim;
  const std::string text = fuzz::text_of(data, size);
  std::string error;
  const std::optional<Duration> d = parse_duration(text, &error);
  if (d) {
    const std::string formatted = format_go_duration(*d);
    const std::optional<Duration> again = parse_duration(formatted);
    if (!again || *again != *d) std::abort();  // round trip broken
    (void)format_short_duration(*d);
    (void)format_age(*d);
  } else if (error.empty()) {
    std::abort();  // a rejection must say why
  }
  fuzz::expect_only_input_errors([&] {
    const Duration r = read_duration(json(text), "fuzz", "/duration");
    if (r.count() < 0 || r > hours(100LL * 365 * 24)) std::abort();
  });
  return 0;
}
