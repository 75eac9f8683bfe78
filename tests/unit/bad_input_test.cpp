// The bad-input corpus (tests/data/bad/): every file must give exit status 2, a message naming
// the file and the place (line:column, JSON pointer), what was expected and what was found,
// nothing on standard output, and no output file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace {

kcsim::testing::CliResult run(const std::string& args, int timeout_seconds = 20) {
  return kcsim::testing::run_kcsim(args, timeout_seconds);
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
    // "args": extra options for the cases that need a limit lowered to stay fast.
    const std::string extra = c.contains("args") ? " " + c["args"].get<std::string>() : "";
    const auto r = run("run " + corpus + file + " --format json -o " + output + extra);
    EXPECT_EQ(r.status, c["status"].get<int>()) << file << ": " << r.err;
    EXPECT_EQ(r.out, "") << file;
    EXPECT_FALSE(std::filesystem::exists(output)) << file << ": an output file was written";
    for (const auto& needle : c["stderr_contains"])
      EXPECT_NE(r.err.find(needle.get<std::string>()), std::string::npos) << file << ": " << r.err;
  }
}

TEST(BadInput, MissingFileAndDirectoryAreInputErrors) {
  auto r = run("run /nonexistent/scenario.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("expected a readable scenario file"), std::string::npos) << r.err;
  r = run(std::string("run ") + KCSIM_SOURCE_DIR + "/tests");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("found a directory"), std::string::npos) << r.err;
}

TEST(BadInput, TheEventLimitStopsARunWithStatus3AndNoOutput) {
  const std::string output = std::filesystem::temp_directory_path() / "kcsim-limit-report.txt";
  std::filesystem::remove(output);
  const auto r = run(std::string("run ") + KCSIM_SOURCE_DIR + "/scenarios/kubectl-scale.json --max-events 100 -o " + output);
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("event limit (100 events)"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(output));
}

// Regressions found by the fuzzers (docs/reliability.md, Fuzzing): each ended in std::terminate
// or a stack overflow before its fix.
TEST(BadInput, InvalidUtf8OnTheCommandLineIsAnInputError) {
  const auto r = run(std::string("run ") + KCSIM_SOURCE_DIR + "/scenarios/kubectl-scale.json --duration \"$(printf '5\\314')\"");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("--duration: expected a duration"), std::string::npos) << r.err;
}

TEST(BadInput, DeeplyNestedJsonManifestIsAnInputError) {
  const auto r = run(std::string("import ") + KCSIM_SOURCE_DIR + "/tests/data/bad/deep-nesting.json");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("deep-nesting.json:1:513: document 1: expected JSON nested at most 512 levels deep"),
            std::string::npos)
      << r.err;
}

TEST(BadInput, MalformedVaryPathsAreInputErrors) {
  const std::string sweep = std::string("sweep ") + KCSIM_SOURCE_DIR + "/scenarios/kubectl-scale.json --vary ";
  auto r = run(sweep + "/objects/999999999=1");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("expected an array index of at most 1 (the array's size)"), std::string::npos) << r.err;
  r = run(sweep + "'/seed~2=1'");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("expected a path to a field of the scenario"), std::string::npos) << r.err;
  r = run(sweep + "/seed/x=1");
  EXPECT_EQ(r.status, 2) << r.err;
  r = run(sweep + "seed=-9223372036854775808..9223372036854775807/1");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("giving at most 100000 values"), std::string::npos) << r.err;
  r = run(sweep + "seed=-..5/1");
  EXPECT_EQ(r.status, 2) << r.err;
  r = run(sweep + "seed=99999999999999999999..1/1");
  EXPECT_EQ(r.status, 2) << r.err;
}


TEST(BadInput, YamlRootFollowedByACommaIsAnInputError) {
  // Found by fuzz_manifest_reader: yaml-cpp 0.7 allocates without end on this 4 KB file.
  const auto r = run(std::string("import ") + KCSIM_SOURCE_DIR + "/tests/data/bad/yaml-root-then-comma.yaml");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("yaml-root-then-comma.yaml:79:4: document 1: expected valid YAML, found a syntax error (did "
                       "not find expected <document start>)"),
            std::string::npos)
      << r.err;
}

// Issue #9: yaml-cpp 0.7 hangs on a ',' where it expects a document's root node or after a block
// root ended. libyaml checks the syntax first (sim/k8s/yaml_guard.cpp). This file is one of the
// fuzzer's 15 (timeout-662a854c...): a ',' on line 1, then invalid UTF-8 further on; the earlier
// error is the one reported.
TEST(BadInput, YamlCommaAtDocumentStartIsAnInputError) {
  const auto r = run(std::string("import ") + KCSIM_SOURCE_DIR + "/tests/data/bad/yaml-comma-at-document-start.yaml", 10);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("yaml-comma-at-document-start.yaml:1:1: document 1: expected valid YAML, found a syntax error "
                       "(did not find expected node content, while parsing a block node)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
}

// The minimized shapes of the fuzzer's 15 files (issue #9): the first eleven hung `kcsim import`
// forever, the last four already gave yaml-cpp's syntax error. Each must now exit 2 at once with
// file:line:column and the document.
TEST(BadInput, YamlCommaWhereANodeIsExpectedIsAnInputError) {
  struct Case {
    const char* text;
    const char* where;  // "line:column: document N"
    const char* problem;
  };
  const char* node = "did not find expected node content";
  const char* start = "did not find expected <document start>";
  const Case cases[] = {{",", "1:1: document 1", node},
                        {",\n", "1:1: document 1", node},
                        {" ,", "1:2: document 1", node},
                        {"---\n,\n", "2:1: document 1", node},
                        {"- a\n,\n", "2:1: document 1", "did not find expected '-' indicator"},
                        {"# c\n,", "2:1: document 1", node},
                        {"a: b\n---\n,", "3:1: document 2", node},
                        {", a: b", "1:1: document 1", node},
                        {"!tag ,", "1:6: document 1", start},
                        {"&x ,", "1:4: document 1", start},
                        {"--- ,", "1:5: document 1", node},
                        {"a: 1\n,", "2:1: document 1", "did not find expected key"},
                        {"a: ,", "1:4: document 1", node},
                        {"- ,", "1:3: document 1", node},
                        {"? ,", "1:3: document 1", node}};
  const std::string dir = kcsim::testing::test_dir();
  int i = 0;
  for (const Case& c : cases) {
    const std::string file = dir + "/comma-" + std::to_string(i++) + ".yaml";
    std::ofstream(file, std::ios::binary) << c.text;
    // 10 s: each took 20 s and more (a timeout) before the fix, and a few milliseconds after it.
    const auto r = run("import " + file, 10);
    EXPECT_EQ(r.status, 2) << c.text << ": " << r.err;
    EXPECT_NE(r.err.find(file + ":" + c.where + ": expected valid YAML, found a syntax error (" + c.problem),
              std::string::npos)
        << c.text << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.text;
  }
}

TEST(BadInput, SweepRangeWithoutAStepIsAnInputError) {
  const auto r =
      run(std::string("sweep ") + KCSIM_SOURCE_DIR + "/scenarios/kubectl-scale.json --vary seed=1..2");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("expected a range with a step: LO..HI/STEP"), std::string::npos) << r.err;
  // A value that makes the seed a string is the scenario loader's error, not an abort.
  const auto s = run(std::string("sweep ") + KCSIM_SOURCE_DIR + "/scenarios/kubectl-scale.json --vary seed=a,b");
  EXPECT_EQ(s.status, 2) << s.err;
  EXPECT_NE(s.err.find("/seed"), std::string::npos) << s.err;
}
