// The progress line of long runs (include/kcsim/cli/progress_line.hpp): on standard error only,
// only when asked for or on a terminal, erased at the end, and the run is the same run.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"
#include "kcsim/cli/progress_line.hpp"

namespace kcsim {
namespace {

// KCSIM_PROGRESS=1 shows the line from the start, so a run of a few hundred slices suffices.
constexpr const char* kLongRun = "run " KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json --no-fixes --duration 24h";

TEST(ProgressLine, ShownWhenAskedErasedAtTheEndAndTheRunIsTheSame) {
  ::setenv("KCSIM_PROGRESS", "1", 1);
  const testing::CliResult shown = testing::run_kcsim(kLongRun, 120);
  ::setenv("KCSIM_PROGRESS", "0", 1);
  const testing::CliResult quiet = testing::run_kcsim(kLongRun, 120);
  ::unsetenv("KCSIM_PROGRESS");
  ASSERT_EQ(shown.status, 0) << shown.err;
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(shown.out, quiet.out);  // the same report, byte for byte
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(shown.err.rfind("\r" KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json: ", 0), 0u) << shown.err.substr(0, 200);
  EXPECT_NE(shown.err.find(" of 24h0m0s simulated ("), std::string::npos);
  EXPECT_NE(shown.err.find(" events/s, about "), std::string::npos);
  // Erased when the run ends: the last thing written is "\r" and erase-to-end-of-line.
  ASSERT_GE(shown.err.size(), 4u);
  EXPECT_EQ(shown.err.substr(shown.err.size() - 4), "\r\033[K");
}

TEST(ProgressLine, NotATerminalMeansNoLine) {
  ::unsetenv("KCSIM_PROGRESS");
  // The test's standard error is a file, as in CI: the run writes nothing there.
  const testing::CliResult r = testing::run_kcsim(kLongRun, 120);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
}

TEST(ProgressLine, SliceIsATwoHundredthOfTheRunOrOneSecond) {
  EXPECT_EQ(cli::progress_slice(std::chrono::hours(200)), std::chrono::hours(1));
  EXPECT_EQ(cli::progress_slice(std::chrono::seconds(10)), std::chrono::seconds(1));
}

}  // namespace
}  // namespace kcsim
