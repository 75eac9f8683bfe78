// Output files (include/kcsim/output_file.hpp): what each kind of path gets, and that nothing
// the user did not name is ever replaced.
#include "kcsim/core/output_file.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli_test_support.hpp"

namespace fs = std::filesystem;
using kcsim::testing::run_kcsim;
using kcsim::testing::slurp;
using kcsim::testing::test_dir;

namespace {

/// A fresh, empty directory for the current test.
std::string fresh_dir() {
  const std::string dir = test_dir() + "/files";
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void put(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode;
}

std::size_t entries(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

std::string scenario() { return std::string(KCSIM_SOURCE_DIR) + "/scenarios/kubectl-scale.json"; }

}  // namespace

TEST(OutputFile, ANewPathIsCreatedWithTheUmasksMode) {
  const std::string dir = fresh_dir();
  const mode_t mask = ::umask(022);
  kcsim::write_output(dir + "/new.txt", "hello\n");
  ::umask(mask);
  EXPECT_EQ(slurp(dir + "/new.txt"), "hello\n");
  EXPECT_EQ(mode_of(dir + "/new.txt") & 07777, 0644u);
  EXPECT_EQ(entries(dir), 1u) << "the temporary file was left behind";
}

TEST(OutputFile, ARegularFileIsReplacedKeepingItsMode) {
  const std::string dir = fresh_dir();
  put(dir + "/r.txt", "old content, longer than the new one\n");
  ASSERT_EQ(::chmod((dir + "/r.txt").c_str(), 0640), 0);
  kcsim::write_output(dir + "/r.txt", "new\n");
  EXPECT_EQ(slurp(dir + "/r.txt"), "new\n");
  EXPECT_EQ(mode_of(dir + "/r.txt") & 07777, 0640u);
  EXPECT_EQ(entries(dir), 1u);
}

TEST(OutputFile, ASymlinkIsFollowedAndStaysALink) {
  const std::string dir = fresh_dir();
  fs::create_directories(dir + "/real");
  put(dir + "/real/target.txt", "old\n");
  fs::create_symlink("real/target.txt", dir + "/link.txt");
  kcsim::write_output(dir + "/link.txt", "through the link\n");
  EXPECT_TRUE(S_ISLNK(mode_of(dir + "/link.txt")));
  EXPECT_EQ(slurp(dir + "/real/target.txt"), "through the link\n");
  EXPECT_EQ(entries(dir + "/real"), 1u);
}

TEST(OutputFile, ADanglingSymlinkCreatesItsTarget) {
  const std::string dir = fresh_dir();
  fs::create_symlink("made-by-kcsim.txt", dir + "/link.txt");
  kcsim::write_output(dir + "/link.txt", "x\n");
  EXPECT_TRUE(S_ISLNK(mode_of(dir + "/link.txt")));
  EXPECT_EQ(slurp(dir + "/made-by-kcsim.txt"), "x\n");
}

TEST(OutputFile, AFifoWithAReaderIsWrittenInPlace) {
  const std::string dir = fresh_dir();
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });
  kcsim::write_output(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(received, "through the pipe\n");
  EXPECT_TRUE(S_ISFIFO(mode_of(fifo))) << "the FIFO was replaced";
  EXPECT_EQ(entries(dir), 1u);
}

TEST(OutputFile, APrivateDeviceNodeIsWrittenInPlaceNeverReplaced) {
  const std::string dir = fresh_dir();
  const std::string null_device = dir + "/null";
  // The same device as /dev/null (char 1:3), made in the test's own directory: the case where
  // `kcsim import ... -o /dev/null` as root used to turn /dev/null into a regular file.
  if (::mknod(null_device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
    GTEST_SKIP() << "mknod needs CAP_MKNOD (root): " << std::strerror(errno);
  kcsim::write_output(null_device, "discarded\n");
  EXPECT_TRUE(S_ISCHR(mode_of(null_device))) << "the device node was replaced by a regular file";
  EXPECT_EQ(entries(dir), 1u);
}

TEST(OutputFile, DevNullStaysACharacterDevice) {
  kcsim::write_output("/dev/null", "discarded\n");
  EXPECT_TRUE(S_ISCHR(mode_of("/dev/null")));
}

TEST(OutputFile, AMissingDirectoryNamesThePathAndTheReason) {
  try {
    kcsim::write_output("/nonexistent/dir/r.txt", "x");
    FAIL() << "no error";
  } catch (const kcsim::OutputError& e) {
    EXPECT_STREQ(e.what(), "cannot write /nonexistent/dir/r.txt: No such file or directory");
  }
}

TEST(OutputFile, ADirectoryIsRefusedWithTheReason) {
  const std::string dir = fresh_dir();
  try {
    kcsim::write_output(dir, "x");
    FAIL() << "no error";
  } catch (const kcsim::OutputError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write " + dir + ": Is a directory");
  }
}

TEST(OutputFile, AnUnwritableDirectoryNamesPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into any directory";
  const std::string dir = fresh_dir();
  fs::create_directories(dir + "/ro");
  ASSERT_EQ(::chmod((dir + "/ro").c_str(), 0500), 0);
  try {
    kcsim::write_output(dir + "/ro/r.txt", "x");
    FAIL() << "no error";
  } catch (const kcsim::OutputError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write " + dir + "/ro/r.txt: Permission denied");
  }
  ::chmod((dir + "/ro").c_str(), 0700);
}

TEST(OutputFile, AFailedOutputLeavesNoneOfTheOthersBehind) {
  const std::string dir = fresh_dir();
  put(dir + "/kept.txt", "before\n");
  EXPECT_THROW(kcsim::write_outputs({{{"--events", dir + "/events.txt"}, "e"},
                                     {{"--html", dir + "/kept.txt"}, "h"},
                                     {{"-o", dir + "/missing/r.txt"}, "r"}}),
               kcsim::OutputError);
  EXPECT_FALSE(fs::exists(dir + "/events.txt"));
  EXPECT_EQ(slurp(dir + "/kept.txt"), "before\n");
  EXPECT_EQ(entries(dir), 1u) << "a temporary file was left behind";
}

TEST(OutputFile, TwoOptionsNamingOneFileAreAConflict) {
  const std::string dir = fresh_dir();
  const auto conflict = kcsim::conflicting_outputs({{"--events", dir + "/f"}, {"-o", dir + "/f"}}, {});
  ASSERT_TRUE(conflict);
  EXPECT_EQ(*conflict, "--events " + dir + "/f and -o " + dir + "/f name the same file: each output needs a file of its own");
  put(dir + "/g", "");
  fs::create_symlink("g", dir + "/h");
  EXPECT_TRUE(kcsim::conflicting_outputs({{"--html", dir + "/g"}, {"-o", dir + "/h"}}, {}));
  EXPECT_FALSE(kcsim::conflicting_outputs({{"--html", "/dev/null"}, {"-o", "/dev/null"}}, {}));
}

// The command line: -o -, the input file, standard output on a full disk.

TEST(OutputFileCli, DashIsStandardOutputForEveryOutputOption) {
  const std::string dir = fresh_dir();
  const auto r = run_kcsim("run " + scenario() + " --no-fixes -o - --events " + dir + "/events.txt");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\nWorkloads\n"), std::string::npos) << r.out.substr(0, 300);
  EXPECT_FALSE(fs::exists("-")) << "a file named '-' was written";
  EXPECT_NE(slurp(dir + "/events.txt").find("LAST SEEN"), std::string::npos);
}

TEST(OutputFileCli, OutputNamingTheInputFileIsRefusedAndTheInputKept) {
  const std::string dir = fresh_dir();
  const std::string input = dir + "/scenario.json";
  fs::copy_file(scenario(), input);
  const std::string before = slurp(input);
  const auto r = run_kcsim("run " + input + " --no-fixes -o " + input);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "kcsim: -o " + input + " names the input file " + input +
                       ": kcsim never overwrites its input\nRun 'kcsim help' for usage.\n");
  EXPECT_EQ(slurp(input), before);
}

TEST(OutputFileCli, EventsAndReportNamingOneFileAreRefused) {
  const std::string dir = fresh_dir();
  const auto r = run_kcsim("run " + scenario() + " --no-fixes --events " + dir + "/f -o " + dir + "/f");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("name the same file"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/f"));
}

TEST(OutputFileCli, AFailingReportLeavesNoEventsFile) {
  const std::string dir = fresh_dir();
  const auto r = run_kcsim("run " + scenario() + " --no-fixes --events " + dir + "/events.txt -o " + dir +
                           "/missing/report.txt");
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err, "kcsim: cannot write " + dir + "/missing/report.txt: No such file or directory\n");
  EXPECT_EQ(entries(dir), 0u);
}

TEST(OutputFileCli, AFullDiskOnStandardOutputIsAnError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const std::string err = fresh_dir() + "/err";
  const int raw = std::system(("timeout 20 " + std::string(KCSIM_BINARY) + " run " + scenario() +
                               " --no-fixes >/dev/full 2>" + err).c_str());
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 3);
  EXPECT_EQ(slurp(err), "kcsim: cannot write standard output: No space left on device\n");
}

TEST(OutputFileCli, DevNullAsImportOutputStaysADevice) {
  const auto r = run_kcsim("import " + std::string(KCSIM_SOURCE_DIR) + "/tests/data/six-minute-loop -o /dev/null");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(S_ISCHR(mode_of("/dev/null")));
}
