// Running the kcsim binary from a test: exit status, standard output and standard error, with
// a timeout, in a directory of the test's own (ctest runs tests in parallel processes).
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

namespace kcsim::testing {

struct CliResult {
  int status = -1;  // -1: killed (timeout) or did not exit normally
  std::string out, err;
};

/// A directory for the current test's files.
// One directory per test and per build tree (the binary's path names the tree), so that suites
// of two checkouts running at once on one machine do not write into each other's files.
inline std::string test_dir() {
  const std::string tree = std::to_string(std::hash<std::string>{}(KCSIM_BINARY) % 1000000007u);
  const std::string dir = std::filesystem::temp_directory_path() /
                          (std::string("kcsim-") + tree + "-" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

/// Runs `kcsim ARGS` (a shell word list) under `timeout SECONDS`.
inline CliResult run_kcsim(const std::string& args, int timeout_seconds = 20) {
  const std::string dir = test_dir();
  const std::string cmd = "timeout " + std::to_string(timeout_seconds) + " " + KCSIM_BINARY + " " + args + " >" +
                          dir + "/out 2>" + dir + "/err";
  const int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(dir + "/out");
  r.err = slurp(dir + "/err");
  return r;
}

}  // namespace kcsim::testing
