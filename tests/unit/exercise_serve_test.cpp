// kcsim exercise start NAME --serve (issue #18, "Trainees use real kubectl"): the briefing, then the
// exercise's cluster served to the real kubectl, which prints what `kcsim exercise kubectl` prints,
// without the simulator's annotations and without the scenario's name; read-only; and
// `exercise check` scores the answer as before.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include "cli_test_support.hpp"
#include "serve_test_support.hpp"
#include "kcsim/serve/kubeconfig.hpp"

namespace kcsim {
namespace {

using testing::CliResult;
using testing::find_kubectl;
using testing::run_kcsim;
using testing::ServeProcess;
using testing::slurp;

// oom-crashloop: its cause is configured by kcsim.io/crash-after and crash-reason annotations on
// the pod template, which `exercise kubectl` hides; the investigation is at 2128s.
constexpr const char* kExercise = "oom-crashloop";
constexpr const char* kRightAnswer =
    "cause: crash-oom\nwriters: []\nfield: spec.template.spec.containers[0].resources.limits.memory\nfix: raise the memory limit to 1Gi\n";

struct KubectlRun {
  int status = -1;
  std::string out, err;
};

KubectlRun real_kubectl(const std::string& kubectl, const std::string& dir, const std::string& kubeconfig, const std::string& args) {
  const std::string cmd = "timeout 60 " + kubectl + " --kubeconfig " + kubeconfig + " --cache-dir " + dir + "/cache " + args + " >" +
                          dir + "/real.out 2>" + dir + "/real.err";
  const int raw = std::system(cmd.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir + "/real.out"), slurp(dir + "/real.err")};
}

int score_of(const std::string& feedback) {
  std::smatch m;
  if (!std::regex_search(feedback, m, std::regex("Score: ([0-9]+)/100"))) return -1;
  return std::stoi(m[1]);
}

TEST(ExerciseServe, TraineeInvestigatesWithRealKubectlThenChecks) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: the trainee flow with the real kubectl is skipped";
  const std::string dir = testing::test_dir();
  const std::string kubeconfig = dir + "/trainee.kubeconfig";
  std::filesystem::remove(kubeconfig);

  ServeProcess serve(dir, {"--kubeconfig", kubeconfig}, {"exercise", "start", kExercise, "--serve"});
  ASSERT_NE(serve.port(), 0) << serve.output() << serve.err();
  // The briefing of `exercise start`, unchanged, then the ready line, which names the exercise.
  const CliResult briefing = run_kcsim(std::string("exercise start ") + kExercise);
  ASSERT_EQ(briefing.status, 0) << briefing.err;
  const std::string address = "https://127.0.0.1:" + std::to_string(serve.port());
  const std::string ready = "kcsim serve: exercise oom-crashloop at 35m28s on " + address + "; kubeconfig " + kubeconfig +
                            " (KUBECONFIG=" + kubeconfig + " kubectl get pods)\n";
  EXPECT_EQ(serve.output(), briefing.out + "\n" + ready);
  // Neither the ready line nor the kubeconfig reveals the scenario.
  const std::string config = slurp(kubeconfig);
  EXPECT_EQ(config.rfind(std::string(kKubeconfigMarker) + ": exercise oom-crashloop at 35m28s\n", 0), 0u) << config;
  for (const std::string& text : {serve.output(), config}) {
    EXPECT_EQ(text.find("scenarios/"), std::string::npos) << text;
    EXPECT_EQ(text.find(".json"), std::string::npos) << text;
  }

  // Where the annotations are: `kcsim kubectl` on the scenario itself shows them.
  const std::string yaml_args = "get deploy immigranta-backend -n prod -o yaml --show-managed-fields";
  const CliResult unhidden = run_kcsim("kubectl " KCSIM_SOURCE_DIR "/scenarios/oom-crashloop.json --at 2128s -- " + yaml_args, 60);
  ASSERT_EQ(unhidden.status, 0) << unhidden.err;
  ASSERT_NE(unhidden.out.find("kcsim.io/crash-after"), std::string::npos);
  ASSERT_NE(unhidden.out.find("f:kcsim.io/crash-after"), std::string::npos);

  for (const std::string& args : {std::string("get pods -A"), std::string("get deploy -n prod -o yaml --show-managed-fields"), yaml_args,
                                 std::string("get pods -n prod -o yaml"), std::string("get events -A"), std::string("get pods -n prod -o wide")}) {
    const KubectlRun real = real_kubectl(*kubectl, dir, kubeconfig, args);
    const CliResult sim = run_kcsim(std::string("exercise kubectl ") + kExercise + " -- " + args, 60);
    EXPECT_EQ(real.out, sim.out) << "kubectl " << args;
    EXPECT_EQ(real.err, sim.err) << "kubectl " << args;
    EXPECT_EQ(real.status, sim.status) << "kubectl " << args;
    EXPECT_EQ(real.status, 0) << "kubectl " << args << "\n" << real.err;
    EXPECT_NE(real.out, "") << "kubectl " << args;
    EXPECT_EQ(real.out.find("kcsim.io/"), std::string::npos) << "kubectl " << args << "\n" << real.out;
    EXPECT_EQ(real.err.find("kcsim.io/"), std::string::npos) << "kubectl " << args;
  }
  // The evidence is still there: the memory limit and the restarts of the one pod.
  EXPECT_NE(real_kubectl(*kubectl, dir, kubeconfig, yaml_args).out.find("memory: 512Mi"), std::string::npos);

  // Read-only: a write is refused, and the cluster is as it was.
  const std::string pods_before = real_kubectl(*kubectl, dir, kubeconfig, "get pods -n prod").out;
  const KubectlRun scale = real_kubectl(*kubectl, dir, kubeconfig, "scale deploy immigranta-backend -n prod --replicas 3");
  EXPECT_EQ(scale.status, 1);
  EXPECT_EQ(scale.err, "Error from server (Forbidden): deployments.apps \"immigranta-backend\" is forbidden: "
                       "a training exercise is served read-only\n");
  EXPECT_EQ(real_kubectl(*kubectl, dir, kubeconfig, "get pods -n prod").out, pods_before);
  // No time control: the exercise is one instant.
  EXPECT_EQ(serve.request("/kcsim/control").status, 404);
  EXPECT_EQ(serve.stop(), 0);
  EXPECT_EQ(serve.err(), "kcsim serve: stopped by SIGTERM\n");

  // The answer is checked as without --serve.
  const std::string answer = dir + "/answer.yaml";
  std::ofstream(answer) << kRightAnswer;
  const CliResult check = run_kcsim(std::string("exercise check ") + kExercise + " --answer " + answer, 60);
  ASSERT_EQ(check.status, 0) << check.err;
  EXPECT_EQ(score_of(check.out), 100) << check.out;
}

TEST(ExerciseServe, ServeOptionsBelongToStart) {
  for (const std::string args : {"exercise hint oom-crashloop --serve", "exercise start oom-crashloop --port 8080",
                                 "exercise start oom-crashloop --kubeconfig k.yaml", "exercise start oom-crashloop --serve --port 70000",
                                 "exercise start oom-crashloop --serve --allow-writes"}) {
    const CliResult r = run_kcsim(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err.rfind("kcsim: ", 0), 0u) << args << "\n" << r.err;
  }
  // A kubeconfig kcsim did not write is refused before the briefing.
  const std::string theirs = testing::test_dir() + "/config";
  std::ofstream(theirs) << "apiVersion: v1\nkind: Config\n";
  const CliResult refused = run_kcsim("exercise start oom-crashloop --serve --kubeconfig " + theirs);
  EXPECT_EQ(refused.status, 2);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find("exists and was not written by kcsim serve"), std::string::npos) << refused.err;
  EXPECT_EQ(slurp(theirs), "apiVersion: v1\nkind: Config\n");
}

}  // namespace
}  // namespace kcsim
