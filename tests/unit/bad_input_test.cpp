// The bad-input corpus (tests/data/bad/): every file must give exit status 2, a message naming
// the file and the place (line:column, JSON pointer), what was expected and what was found,
// nothing on standard output, and no output file.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct Result {
  int status = -1;
  std::string out, err;
};

Result run(const std::string& args) {
  // One directory per test: ctest runs the tests of this file in parallel processes.
  const std::string dir = std::filesystem::temp_directory_path() /
                          (std::string("kcsim-bad-input-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  const std::string cmd = std::string("timeout 20 ") + KCSIM_BINARY + " " + args + " >" + dir + "/out 2>" + dir + "/err";
  const int raw = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  auto slurp = [](const std::string& p) {
    std::ifstream f(p);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  r.out = slurp(dir + "/out");
  r.err = slurp(dir + "/err");
  return r;
}

}  // namespace

TEST(BadInput, EveryCorpusFileIsRejectedWithAClearMessage) {
  const std::string corpus = std::string(KCSIM_SOURCE_DIR) + "/tests/data/bad/";
  std::ifstream f(corpus + "expected.json");
  const nlohmann::json cases = nlohmann::json::parse(f);
  ASSERT_GE(cases.size(), 40u);
  const std::string output = std::filesystem::temp_directory_path() / "kcsim-bad-input-report.json";
  for (const auto& c : cases) {
    std::filesystem::remove(output);
    const std::string file = c["file"];
    const Result r = run("run " + corpus + file + " --format json -o " + output);
    EXPECT_EQ(r.status, c["status"].get<int>()) << file << ": " << r.err;
    EXPECT_EQ(r.out, "") << file;
    EXPECT_FALSE(std::filesystem::exists(output)) << file << ": an output file was written";
    for (const auto& needle : c["stderr_contains"])
      EXPECT_NE(r.err.find(needle.get<std::string>()), std::string::npos) << file << ": " << r.err;
  }
}

TEST(BadInput, MissingFileAndDirectoryAreInputErrors) {
  Result r = run("run /nonexistent/scenario.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("expected a readable scenario file"), std::string::npos) << r.err;
  r = run(std::string("run ") + KCSIM_SOURCE_DIR + "/tests");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("found a directory"), std::string::npos) << r.err;
}

TEST(BadInput, TheEventLimitStopsARunWithStatus3AndNoOutput) {
  const std::string output = std::filesystem::temp_directory_path() / "kcsim-limit-report.txt";
  std::filesystem::remove(output);
  const Result r = run(std::string("run ") + KCSIM_SOURCE_DIR + "/scenarios/kubectl-scale.json --max-events 100 -o " + output);
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("event limit (100 events)"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(output));
}
