// `kcsim help`: the command list a newcomer reads first, and `kcsim help COMMAND`.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace kcsim {
namespace {

using testing::run_kcsim;

TEST(KcsimHelp, ListsEveryCommandWithItsSummaryInOneColumn) {
  const testing::CliResult r = run_kcsim("help");
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<std::string> commands;
  std::size_t column = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  kcsim ", 0) != 0) continue;
    const std::size_t gap = line.find("  ", 8);  // two spaces end the synopsis
    ASSERT_NE(gap, std::string::npos) << line;
    const std::size_t summary = line.find_first_not_of(' ', gap);
    if (column == 0) column = summary;
    EXPECT_EQ(summary, column) << "a summary out of line: " << line;
    commands.push_back(line.substr(8, line.find(' ', 8) - 8));
  }
  EXPECT_EQ(commands, (std::vector<std::string>{"run", "sweep", "merge", "import", "explain", "lint", "kubectl",
                                                "serve", "exercise", "generate", "version", "help"}));
}

TEST(KcsimHelp, TheSynopsisAtTheTopOfDocsCliIsTheList) {
  // docs/cli.md opens with the lines `kcsim help` prints under "Usage:", without the indent.
  std::ifstream doc(KCSIM_SOURCE_DIR "/docs/cli.md");
  ASSERT_TRUE(doc) << "docs/cli.md";
  std::string line, documented;
  while (std::getline(doc, line) && line != "```") {}
  while (std::getline(doc, line) && line != "```") documented += "  " + line + "\n";
  const std::string out = run_kcsim("help").out;
  const std::size_t from = out.find("Usage:\n") + 7;
  EXPECT_EQ(documented, out.substr(from, out.find("\n\n", from) + 1 - from));
}

TEST(KcsimHelp, ACommandShowsItsOwnHelp) {
  const testing::CliResult r = run_kcsim("help kubectl");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Usage: kcsim kubectl", 0), 0u) << r.out.substr(0, 200);
}

TEST(KcsimHelp, AnUnknownCommandIsAnErrorNotTheList) {
  const testing::CliResult r = run_kcsim("help bogus");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kcsim: unknown command \"bogus\": the commands are those `kcsim help` lists\n"
                   "Run 'kcsim help' for usage.\n");
  EXPECT_EQ(run_kcsim("bogus").status, 2);
  EXPECT_EQ(run_kcsim("help help").status, 0);
}

}  // namespace
}  // namespace kcsim
