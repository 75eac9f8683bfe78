// The bad-input corpus (tests/data/bad/): every file must give exit status 2, a message naming
// the file and the place (line:column, JSON pointer), what was expected and what was found,
// nothing on standard output, and no output file.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace {

kcsim::testing::CliResult run(const std::string& args, int timeout_seconds = 20) {
  return kcsim::testing::run_kcsim(args, timeout_seconds);
}

}  // namespace

// One test per file of the corpus, named after it (BadInputCorpus/Rejects.replicas_string).
struct CorpusCase {
  std::string file, args, exact_stderr;
  int status = 2;
  std::vector<std::string> stderr_contains;
};

std::vector<CorpusCase> corpus_cases() {
  const std::string corpus = std::string(KCSIM_SOURCE_DIR) + "/tests/data/bad/";
  std::ifstream f(corpus + "expected.json");
  std::vector<CorpusCase> out;
  for (const auto& c : nlohmann::json::parse(f)) {
    CorpusCase k;
    k.file = c["file"];
    // "args": extra options for the cases that need a limit lowered to stay fast.
    k.args = c.value("args", "");
    k.status = c["status"];
    // "stderr": the whole message, with {corpus} for the corpus directory.
    k.exact_stderr = c.value("stderr", "");
    for (auto pos = k.exact_stderr.find("{corpus}"); pos != std::string::npos; pos = k.exact_stderr.find("{corpus}"))
      k.exact_stderr.replace(pos, 8, corpus);
    for (const auto& needle : c.value("stderr_contains", nlohmann::json::array())) k.stderr_contains.push_back(needle);
    out.push_back(std::move(k));
  }
  return out;
}

class BadInputCorpus : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(BadInputCorpus, Rejects) {
  const CorpusCase& c = GetParam();
  const std::string corpus = std::string(KCSIM_SOURCE_DIR) + "/tests/data/bad/";
  const std::string output = kcsim::testing::test_dir() + "/report.json";
  std::filesystem::remove(output);
  const auto r = run("run " + corpus + c.file + " --format json -o " + output + (c.args.empty() ? "" : " " + c.args));
  EXPECT_EQ(r.status, c.status) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(output)) << "an output file was written";
  if (!c.exact_stderr.empty()) {
    EXPECT_EQ(r.err, c.exact_stderr);
  }
  for (const std::string& needle : c.stderr_contains) EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputCorpus, ::testing::ValuesIn(corpus_cases()),
                         [](const ::testing::TestParamInfo<CorpusCase>& info) {
                           std::string name = info.param.file.substr(0, info.param.file.rfind('.'));
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(BadInput, TheCorpusHasEveryClassOfInput) { EXPECT_GE(corpus_cases().size(), 55u); }

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

TEST(BadInput, SweepDurationRangeWithoutAStepIsAnInputError) {
  // An integer range without a step has a step of 1; a duration range must say its step.
  const auto r = run(std::string("sweep ") + KCSIM_SOURCE_DIR +
                     "/scenarios/kubectl-scale.json --vary /settings/kubelet/imagePull=1s..3s");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("expected a range of integers (1..5, a step of 1) or a range with its step (LO..HI/STEP: "
                       "60s..600s/60s)"),
            std::string::npos)
      << r.err;
  // A value that makes the seed a string is the scenario loader's error, not an abort.
  const auto s = run(std::string("sweep ") + KCSIM_SOURCE_DIR + "/scenarios/kubectl-scale.json --vary seed=a,b");
  EXPECT_EQ(s.status, 2) << s.err;
  EXPECT_NE(s.err.find("/seed"), std::string::npos) << s.err;
}

// Issue "Trustworthy outputs", hostile inputs: each of these crashed, hung, grew without bound
// or gave a wrong answer with exit status 0 before its fix.

TEST(HostileInput, NegativeCountsOnTheCommandLineAreUsageErrors) {
  const std::string scenario = std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json";
  for (const std::string option : {"--seed", "--max-events", "--max-objects", "--max-memory"}) {
    const auto r = run("run " + scenario + " --no-fixes " + option + " -1");
    EXPECT_EQ(r.status, 2) << option << ": " << r.err;
    EXPECT_EQ(r.err, "kcsim: the argument ('-1') for option '" + option +
                         "' is invalid\nRun 'kcsim help' for usage.\n");
  }
  const auto r = run("run " + scenario + " --no-fixes --seed 18446744073709551616");
  EXPECT_EQ(r.status, 2) << r.err;
}

TEST(HostileInput, AVariantCountPastTheLimitIsRefusedNotWrapped) {
  const std::string scenario = std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json";
  const std::string range = "=1..65536/1";
  const auto r = run("sweep " + scenario + " --vary seed" + range + " --vary duration" + range +
                     " --vary settings.keda.x" + range + " --vary settings.keda.y" + range);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "kcsim: --vary: expected at most 1000000 variants in all, found more, with --vary duration (65536 values)\n");
  EXPECT_EQ(r.out, "");
}

TEST(HostileInput, MergeOfShardsWithWrongTypesNamesTheField) {
  const std::string dir = kcsim::testing::test_dir();
  struct Case {
    const char* shard;
    const char* message;
  };
  const Case cases[] = {
      {R"({"scenario":"s","variations":[],"repeat":1,"variants":-1,"rows":[]})",
       "/variants: expected the number of variants (1 to 1000000), found a number (-1)"},
      {R"({"scenario":"s","variations":[],"repeat":1,"variants":2,"rows":[{"variant":"0"}]})",
       "/rows/0/variant: expected a variant number below 2, found a string (\"0\")"},
      {R"({"scenario":5,"variations":[],"repeat":1,"variants":1,"rows":[]})",
       "/scenario: expected the scenario's name, found a number (5)"},
      {R"({"scenario":"s","variations":[3],"repeat":1,"variants":1,"rows":[]})",
       "/variations/0: expected a --vary path, found a number (3)"},
      {R"({"scenario":"s","variations":[],"repeat":1,"variants":1,"rows":[{"variant":0,"values":{},"fight":false,"period_s":"x"}]})",
       "/rows/0/period_s: expected a number or null, found a string (\"x\")"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string file = dir + "/shard-" + std::to_string(i++) + ".json";
    std::ofstream(file) << c.shard;
    const auto r = run("merge " + file);
    EXPECT_EQ(r.status, 2) << c.shard << ": " << r.err;
    EXPECT_EQ(r.err, "kcsim: " + file + ": " + c.message + "\n") << c.shard;
  }
}

TEST(HostileInput, EndlessAndSpecialFilesAreRefusedWithoutReadingThem) {
  const std::string dir = kcsim::testing::test_dir();
  std::filesystem::remove(dir + "/zero.yaml");
  std::filesystem::create_symlink("/dev/zero", dir + "/zero.yaml");
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"run /dev/zero", "kcsim: /dev/zero: expected a readable scenario file, found a character device\n"},
      {"import " + dir + "/zero.yaml", "kcsim: " + dir + "/zero.yaml: expected a readable file, found a character device\n"},
      {"lint /dev/zero", "kcsim: /dev/zero: expected a readable file, found a character device\n"},
      {"merge /dev/zero", "kcsim: /dev/zero: expected a readable file, found a character device\n"},
  };
  for (const Case& c : cases) {
    const auto r = run(c.args, 10);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_EQ(r.err, c.message) << c.args;
  }
}

TEST(HostileInput, AFileLargerThanTheLimitIsRefusedWhileReading) {
  // A FIFO has no size to check first: the limit is checked as the bytes arrive.
  const std::string fifo = kcsim::testing::test_dir() + "/endless.json";
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer's shell gets no descriptor of the test's output: a writer left blocked on the
  // FIFO would otherwise keep CTest waiting for the test's output to end.
  ASSERT_EQ(std::system(("(head -c 70000000 /dev/zero > " + fifo + " &) </dev/null >/dev/null 2>&1").c_str()), 0);
  const auto r = run("run " + fifo, 20);
  // Release a writer still waiting for a reader (kcsim refused before opening, or timed out):
  // opening the FIFO lets its open() return, and the close makes its next write fail.
  if (const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK); fd >= 0) ::close(fd);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("expected a scenario file of at most 64 MiB, found more than 67108864 bytes"), std::string::npos)
      << r.err;
}

TEST(HostileInput, ADirectoryWalkSkipsFifosAndLinkLoops) {
  const std::string dir = kcsim::testing::test_dir() + "/manifests";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::string(KCSIM_SOURCE_DIR) + "/tests/data/six-minute-loop/git/apps/immigranta-backend/immigranta-backend.yaml",
                             dir + "/deployment.yaml");
  ASSERT_EQ(::mkfifo((dir + "/pipe.yaml").c_str(), 0600), 0);
  std::filesystem::create_symlink("loop.yaml", dir + "/loop.yaml");
  const auto r = run("lint " + dir, 10);
  EXPECT_TRUE(r.status == 0 || r.status == 1) << r.err;
  EXPECT_EQ(r.err.find("filesystem error"), std::string::npos) << r.err;
}

TEST(HostileInput, CatastrophicPatternsMatchInLinearTime) {
  // std::regex took minutes on "^(a+)+$" against 41 a's and a '!', and overflowed the stack on
  // "^(a|b)*$" against 20,000 characters; RE2 answers both at once.
  const std::string dir = kcsim::testing::test_dir();
  nlohmann::json s = nlohmann::json::parse(kcsim::testing::slurp(std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json"));
  s["objects"][0]["metadata"]["annotations"] = {{"a41", std::string(41, 'a') + "!"}, {"ab", std::string(20000, 'a')}};
  s["expectations"] = nlohmann::json::array(
      {{{"description", "nested quantifiers"}, {"object", "Deployment/default/web"}, {"at", "1m"},
        {"pointer", "/metadata/annotations/a41"}, {"matches", "^(a+)+$"}},
       {{"description", "alternation under a star"}, {"object", "Deployment/default/web"}, {"at", "1m"},
        {"pointer", "/metadata/annotations/ab"}, {"matches", "^(a|b)*$"}}});
  std::ofstream(dir + "/regex.json") << s.dump();
  const auto r = run("run " + dir + "/regex.json --no-fixes --check --format json", 20);
  EXPECT_EQ(r.status, 1) << r.err;  // the first fails (the '!'), the second holds
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_FALSE(report["expectations"][0]["passed"].get<bool>());
  EXPECT_TRUE(report["expectations"][1]["passed"].get<bool>());
}

TEST(HostileInput, AHugeIndexInAReportPathIsAbsentNotACrash) {
  const std::string dir = kcsim::testing::test_dir();
  nlohmann::json s = nlohmann::json::parse(kcsim::testing::slurp(std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json"));
  s["expectations"] = nlohmann::json::array(
      {{{"description", "index past 2^64"}, {"report", "workloads[99999999999999999999999].pods.created"}, {"equals", 1}}});
  std::ofstream(dir + "/index.json") << s.dump();
  const auto r = run("run " + dir + "/index.json --no-fixes --check", 20);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("[FAILED] index past 2^64"), std::string::npos) << r.out;
}

TEST(HostileInput, YamlNestingLimitIsBelowYamlCppsOwn) {
  // At the limit yaml-cpp still parses (so the limit is not a bare "bad file" from yaml-cpp);
  // one level more is refused with the limit named.
  const std::string dir = kcsim::testing::test_dir();
  auto nested = [&](int depth) {
    const std::string file = dir + "/nested-" + std::to_string(depth) + ".yaml";
    std::ofstream f(file);
    for (int i = 0; i < depth; ++i) f << std::string(static_cast<std::size_t>(i), ' ') << "a:\n";
    f << std::string(static_cast<std::size_t>(depth), ' ') << "b: 1\n";
    return file;
  };
  auto r = run("lint " + nested(479));
  EXPECT_EQ(r.err.find("syntax error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped: not a Kubernetes object"), std::string::npos) << r.err;
  r = run("lint " + nested(481));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("expected YAML nested at most 480 levels deep"), std::string::npos) << r.err;
}
