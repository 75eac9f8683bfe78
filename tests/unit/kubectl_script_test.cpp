// Unit tests of `kcsim kubectl SCENARIO --script FILE` (include/kcsim/cli/kubectl_script.hpp):
// the script's syntax and its errors, one run serving every line, and the command line.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/cli/kubectl_script.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

using cli::parse_kubectl_script;
using cli::ScriptCommand;

std::string parse_error(const std::string& text) {
  try {
    parse_kubectl_script(text, "s.txt", hours(1));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(KubectlScript, ReadsInstantsCommandsQuotesAndSkipsCommentsAndBlankLines) {
  const std::vector<ScriptCommand> c = parse_kubectl_script(
      "# a comment\n"
      "\n"
      "5m get pods -n prod\n"
      "  # indented comment\n"
      "5m -- argocd app diff web\n"
      "1h get deploy -o jsonpath='{.items[*].metadata.name}' -l \"app=a b\" x\\ y\n",
      "s.txt", hours(1));
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].line, 3);
  EXPECT_EQ(c[0].at, minutes(5));
  EXPECT_EQ(c[0].args, (std::vector<std::string>{"get", "pods", "-n", "prod"}));
  EXPECT_EQ(c[1].line, 5);
  EXPECT_EQ(c[1].args, (std::vector<std::string>{"argocd", "app", "diff", "web"}));  // "--" dropped
  EXPECT_EQ(c[2].at, hours(1));
  EXPECT_EQ(c[2].args, (std::vector<std::string>{"get", "deploy", "-o", "jsonpath={.items[*].metadata.name}", "-l", "app=a b", "x y"}));
}

TEST(KubectlScript, ABadLineNamesFileLineColumnWhatWasExpectedAndWhatWasFound) {
  EXPECT_EQ(parse_error("5m get pods\nfive get pods\n"),
            "s.txt:2:1: expected an instant (a Go duration from the start such as 90s, 5m or 1h30m) and then a command, "
            "found \"five\" (invalid duration \"five\": expected a number)");
  EXPECT_EQ(parse_error("5m get pods\n4m get pods\n"),
            "s.txt:2:1: expected an instant at or after the previous line's (5m, line 1): the run only goes forward, found 4m");
  EXPECT_EQ(parse_error("2h get pods\n"), "s.txt:1:1: expected an instant within the scenario's duration (1h0m0s), found 2h (2h0m0s)");
  EXPECT_EQ(parse_error("5m --\n"), "s.txt:1:6: expected a command after the instant (for example: 5m get pods -n prod), found nothing");
  EXPECT_EQ(parse_error("5m get pods -l 'app=x\n"), "s.txt:1:16: expected a closing ' for the quote opened here, found the end of the line");
  EXPECT_EQ(parse_error("5m get pods -w\n"),
            "s.txt:1:4: expected a command that shows one instant (get -w, --watch and --watch-only run on in time: use --at and --until), "
            "found a watch");
}

// What `kcsim kubectl SCENARIO --at T -- ARGS` prints, from a run of its own.
std::string separate(const std::string& scenario, Duration at, const std::vector<std::string>& args) {
  World w(load_scenario(scenario));
  w.run(SimTime{at});
  const KubectlResult r = kubectl_exec(w, args);
  return r.out + r.err;
}

TEST(KubectlScript, OneRunServesEveryLineWithTheOutputOfSeparateRuns) {
  const std::string scenario = std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json";
  const std::vector<ScriptCommand> commands = parse_kubectl_script(
      "30s get deploy -n prod\n"
      "90s argocd app diff immigranta-backend\n"
      "90s get pods -n prod\n"
      "7m get deploy immigranta-backend -n prod -o jsonpath={.spec.replicas}\n"
      "7m get pod nope -n prod\n",
      "s.txt", hours(6));
  World world(load_scenario(scenario));
  std::ostringstream out;
  const int status = cli::run_kubectl_script(world, commands, "s.txt", out, 0);
  // The world given went forward once, to the last instant, through exactly the events of one
  // run to that instant: no run was restarted or repeated.
  World reference(load_scenario(scenario));
  reference.run(SimTime{minutes(7)});
  EXPECT_EQ(world.engine().now(), SimTime{minutes(7)});
  EXPECT_EQ(world.engine().events_processed(), reference.engine().events_processed());
  // Each command printed what a run of its own to its instant prints.
  const std::string expected =
      "# at 30s\n$ kubectl get deploy -n prod\n" + separate(scenario, seconds(30), {"get", "deploy", "-n", "prod"}) +
      "\n# at 1m30s\n$ argocd app diff immigranta-backend\n" + separate(scenario, seconds(90), {"argocd", "app", "diff", "immigranta-backend"}) +
      "\n# at 1m30s\n$ kubectl get pods -n prod\n" + separate(scenario, seconds(90), {"get", "pods", "-n", "prod"}) +
      "\n# at 7m0s\n$ kubectl get deploy immigranta-backend -n prod -o 'jsonpath={.spec.replicas}'\n" +
      separate(scenario, minutes(7), {"get", "deploy", "immigranta-backend", "-n", "prod", "-o", "jsonpath={.spec.replicas}"}) +
      "\n\n# at 7m0s\n$ kubectl get pod nope -n prod\nError from server (NotFound): pods \"nope\" not found\n";
  EXPECT_EQ(out.str(), expected);
  EXPECT_NE(out.str().find("\n131c131\n"), std::string::npos);  // the diff is there, not an empty section
  EXPECT_EQ(status, 1);  // the highest: diff's 1 and NotFound's 1
}

TEST(KubectlScript, AnUnsupportedCommandStopsTheScriptAtItsLine) {
  const std::vector<ScriptCommand> commands = parse_kubectl_script("30s get deploy -n prod\n1m get pods --bogus\n2m get pods\n", "s.txt", hours(6));
  World world(load_scenario(std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json"));
  std::ostringstream out;
  try {
    cli::run_kubectl_script(world, commands, "s.txt", out, 0);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "s.txt:2:1: expected a command kcsim kubectl supports, found `kubectl get pods --bogus`: unknown flag: --bogus", 0),
              0u)
        << e.what();
  }
  EXPECT_EQ(out.str().rfind("# at 30s\n$ kubectl get deploy -n prod\nNAME ", 0), 0u) << out.str();
  EXPECT_EQ(out.str().find("# at 1m0s"), std::string::npos);
  EXPECT_EQ(world.engine().now(), SimTime{minutes(1)});  // line 3's instant was never run to
}

struct CommandResult {
  int status = -1;
  std::string out, err;
};

CommandResult run_kcsim(const std::string& args) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "kcsim_kubectl_script_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const int rc = std::system((std::string(KCSIM_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string()).c_str());
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

TEST(KubectlScript, CommandLineReadsStandardInputAndABadLineExitsTwoWithNothingRun) {
  const std::string scenario = std::string(KCSIM_SOURCE_DIR) + "/scenarios/six-minute-loop.json";
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "kcsim_kubectl_script_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ok.txt") << "# two instants\n30s get deploy -n prod\n90s argocd app diff immigranta-backend\n";
  const CommandResult ok = run_kcsim("kubectl " + scenario + " --script - < " + (dir / "ok.txt").string());
  EXPECT_EQ(ok.status, 1) << ok.err;  // the diff found a difference
  EXPECT_EQ(ok.out.rfind("# at 30s\n$ kubectl get deploy -n prod\nNAME ", 0), 0u) << ok.out;
  EXPECT_NE(ok.out.find("\n\n# at 1m30s\n$ argocd app diff immigranta-backend\n\n===== apps/Deployment prod/immigranta-backend ======\n131c131\n"),
            std::string::npos)
      << ok.out;

  const std::filesystem::path file = dir / "bad.txt";
  std::ofstream(file) << "30s get deploy -n prod\n\n20s get pods -n prod\n";
  const CommandResult bad = run_kcsim("kubectl " + scenario + " --script " + file.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find(file.string() + ":3:1: expected an instant at or after the previous line's (30s, line 1): the run only goes forward, found 20s"),
            std::string::npos)
      << bad.err;
  EXPECT_EQ(run_kcsim("kubectl " + scenario + " --script " + file.string() + " --at 5m").status, 2);
  EXPECT_EQ(run_kcsim("kubectl " + scenario + " --script /nonexistent/script.txt").status, 2);
}

}  // namespace
}  // namespace kcsim
