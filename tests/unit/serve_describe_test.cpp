// The real `kubectl describe` against `kcsim serve`: kubectl describes the objects it reads, so
// the served objects must be what a real API server stores (defaulted and admitted), and its
// ages are computed on the client from the wall clock, so the server is started with
// --start-time: the instant served is then the wall clock's now.
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"
#include "serve_test_support.hpp"

namespace kcsim {
namespace {

using testing::find_kubectl;
using testing::ServeProcess;

// RFC 3339 UTC of the wall clock's now minus `back` seconds.
std::string wall_time_minus(std::int64_t back) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) - static_cast<std::time_t>(back);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The Events table's ages ("5m8s (x29 over 120m)", "17s") depend on when each kubectl ran: they
// become AGE, and the column padding they decide is collapsed. Everything else is compared byte
// for byte. Returns the text and how many ages were replaced.
std::pair<std::string, int> without_event_ages(const std::string& text) {
  std::string out;
  int ages = 0;
  bool in_events = false;
  static const std::regex kAge(R"(\b\d+[smhdy](\d+[smh])?( \(x\d+ over \d+[smhdy](\d+[smh])?\))?)");
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.rfind("Events:", 0) == 0) in_events = true;
    else if (!line.empty() && line[0] != ' ') in_events = false;
    if (in_events && line.rfind("  ----", 0) != 0 && line.find("  Type ") != 0) {
      const std::string replaced = std::regex_replace(line, kAge, "AGE", std::regex_constants::format_first_only);
      if (replaced != line) ++ages;
      line = std::regex_replace(replaced, std::regex(" {2,}"), "  ");
    } else if (in_events) {
      line = std::regex_replace(line, std::regex(" {2,}"), "  ");
    }
    out += line + "\n";
    start = end + 1;
  }
  return {out, ages};
}

TEST(ServeDescribe, RealKubectlDescribeIsKcsimKubectlDescribe) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: the real kubectl describe is not tried";
  const std::string dir = testing::test_dir();
  const std::string scenario = KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json";
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  const std::string start = wall_time_minus(2 * 3600);  // t = 2h is now
  ServeProcess serve(dir, {scenario, "--at", "2h", "--start-time", start, "--kubeconfig", kubeconfig});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  int ages = 0;
  for (const std::string args : {"describe pod -n prod", "describe deploy -n prod", "describe rs -n prod",
                                 "describe hpa -n prod", "describe scaledobject -n prod",
                                 "describe httpscaledobject -n prod", "describe application -n argocd",
                                 "describe deploy nope -n prod"}) {
    const std::string real_cmd = "TZ=UTC timeout 60 " + *kubectl + " --kubeconfig " + kubeconfig + " --cache-dir " + dir +
                                 "/cache " + args + " >" + dir + "/real.out 2>" + dir + "/real.err";
    const int raw = std::system(real_cmd.c_str());
    const int real_status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    const testing::CliResult sim =
        testing::run_kcsim("kubectl " + scenario + " --at 2h --start-time " + start + " -- " + args, 60);
    const auto [real, real_ages] = without_event_ages(testing::slurp(dir + "/real.out"));
    const auto [expected, sim_ages] = without_event_ages(sim.out);
    EXPECT_EQ(real, expected) << "kubectl " << args;
    EXPECT_EQ(real_ages, sim_ages) << "kubectl " << args;
    EXPECT_EQ(testing::slurp(dir + "/real.err"), sim.err) << "kubectl " << args;
    EXPECT_EQ(real_status, sim.status) << "kubectl " << args;
    ages += real_ages;
  }
  EXPECT_GT(ages, 10);  // the Events sections were there to compare
  EXPECT_EQ(serve.stop(), 0);
}

TEST(ServeDescribe, StartTimeIsAnRfc3339TimeOrNow) {
  const testing::CliResult bad =
      testing::run_kcsim("kubectl " KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json --at 1m --start-time yesterday -- get pods");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--start-time yesterday is not a time: expected an RFC 3339 UTC time"), std::string::npos) << bad.err;
  const testing::CliResult moved = testing::run_kcsim(
      "kubectl " KCSIM_SOURCE_DIR "/scenarios/six-minute-loop.json --at 1m --start-time 2030-05-01T08:00:00Z -- get deploy -n prod -o jsonpath={.items[0].metadata.creationTimestamp}");
  EXPECT_EQ(moved.status, 0) << moved.err;
  EXPECT_EQ(moved.out, "2030-05-01T08:00:01Z");
}

}  // namespace
}  // namespace kcsim
