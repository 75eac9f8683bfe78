// Training exercises end to end through the kcsim binary (docs/exercises.md, issue #8): every
// bundled exercise scores the right answer 100, a wrong cause 0 with feedback that points at the
// missed evidence, and a partial answer in between; the OOM crashloop and the six-minute loop
// differ in `get pods` exactly where a person tells them apart; bad answers exit 2 with a place.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace {

using kcsim::testing::CliResult;
using kcsim::testing::run_kcsim;
using kcsim::testing::test_dir;

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = test_dir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

int score_of(const std::string& feedback) {
  std::smatch m;
  if (!std::regex_search(feedback, m, std::regex("Score: ([0-9]+)/100"))) return -1;
  return std::stoi(m[1]);
}

struct Case {
  std::string name;
  std::string right;    // YAML answer that the key accepts in full
  std::string partial;  // right cause, some parts wrong
  std::string wrong;    // a wrong cause
};

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"six-minute-loop",
       "cause: controller-fight\nwriters: [keda, argocd-controller]\nfield: spec.replicas\n"
       "fix: deploy the Application from Git with an app-of-apps so it gets RespectIgnoreDifferences\n",
       "cause: controller fight\nwriters: keda\nfield: spec.replicas\nfix: set the HTTPScaledObject min replicas to 1\n",
       "cause: crash-oom\nwriters: []\nfield: resources.limits.memory\nfix: raise the memory limit\n"},
      {"oom-crashloop",
       "cause: crash-oom\nwriters: []\nfield: spec.template.spec.containers[0].resources.limits.memory\nfix: raise the memory limit to 1Gi\n",
       "cause: OOMKilled\nfield: spec.replicas\nfix: restart the pod\n",
       "cause: controller-fight\nwriters: [keda, argocd-controller]\nfield: spec.replicas\nfix: deploy the Application with an app-of-apps\n"},
      {"argocd-vs-hpa",
       "cause: controller-fight\nwriters: [argocd, hpa]\nfield: /spec/replicas\nfix: remove replicas from the Deployment in Git\n",
       "cause: controller-fight\nwriters: [argocd]\nfield: spec.replicas\nfix: lower the HPA minReplicas to 1\n",
       "cause: autoscaler-misconfiguration\nwriters: [hpa]\nfield: spec.minReplicas\nfix: lower minReplicas\n"},
      {"kubectl-apply-vs-hpa",
       "cause: controller-fight\nwriters: [kubectl-client-side-apply, kube-controller-manager]\nfield: spec.replicas\n"
       "fix: remove replicas from the deployment.yaml the pipeline applies\n",
       "cause: controller-fight\nwriters: [kubectl, argocd]\nfield: spec.replicas\nfix: \"set replicas: 4 in the manifest\"\n",
       "cause: crash-oom\nfield: spec.replicas\nfix: raise the memory limit\n"},
      {"ignore-without-respect",
       "cause: controller-fight\nwriters: [argocd-controller, kube-controller-manager]\nfield: spec.replicas\n"
       "fix: add the sync option RespectIgnoreDifferences=true\n",
       "cause: controller-fight\nwriters: [argocd-controller, kube-controller-manager]\nfield: spec.replicas\n"
       "fix: add ignoreDifferences for replicas\n",
       "cause: stale-gitops-object\nwriters: [argocd]\nfield: spec.replicas\nfix: deploy the Application from Git\n"},
      {"argocd-legacy-selfheal",
       "cause: stale-gitops-object\nwriters: [keda, argo cd]\nfield: spec.replicas\nfix: deploy the Application from Git (app of apps)\n",
       "cause: controller-fight\nwriters: [keda, argocd]\nfield: spec.replicas\nfix: upgrade Argo CD to get the self-heal backoff\n",
       "cause: probe-misconfiguration\nfield: readinessProbe\nfix: fix the probe\n"},
  };
  return c;
}

CliResult check(const std::string& exercise, const std::string& answer_file) {
  return run_kcsim("exercise check " + exercise + " --answer " + answer_file, 60);
}

TEST(Exercise, RightAnswerScoresFull) {
  for (const Case& c : cases()) {
    const CliResult r = check(c.name, write_file(c.name + "-right.yaml", c.right));
    ASSERT_EQ(r.status, 0) << c.name << ": " << r.err;
    EXPECT_EQ(score_of(r.out), 100) << c.name << "\n" << r.out;
    // The configuration is revealed only now.
    EXPECT_NE(r.out.find("The scenario, revealed: scenarios/"), std::string::npos) << c.name;
  }
}

TEST(Exercise, WrongCauseScoresZeroAndNamesTheMissedEvidence) {
  for (const Case& c : cases()) {
    const CliResult r = check(c.name, write_file(c.name + "-wrong.yaml", c.wrong));
    ASSERT_EQ(r.status, 0) << c.name << ": " << r.err;
    EXPECT_EQ(score_of(r.out), 0) << c.name << "\n" << r.out;
    EXPECT_NE(r.out.find("The cause is wrong"), std::string::npos) << c.name;
    // The first evidence an expert reads (pod names and restart counts) is marked as missed,
    // with the command and its output.
    const std::size_t pods = r.out.find("1. Pod names and restart counts\n   $ kubectl get pods -n ");
    ASSERT_NE(pods, std::string::npos) << c.name << "\n" << r.out;
    const std::size_t line_end = r.out.find('\n', r.out.find("$ kubectl get pods", pods));
    EXPECT_NE(r.out.substr(pods, line_end - pods).find("(missed: it shows the cause)"), std::string::npos) << c.name << "\n" << r.out;
    EXPECT_NE(r.out.find("NAME ", pods), std::string::npos) << c.name;
  }
}

TEST(Exercise, PartialAnswerScoresInBetween) {
  for (const Case& c : cases()) {
    const CliResult r = check(c.name, write_file(c.name + "-partial.yaml", c.partial));
    ASSERT_EQ(r.status, 0) << c.name << ": " << r.err;
    const int score = score_of(r.out);
    EXPECT_GT(score, 0) << c.name << "\n" << r.out;
    EXPECT_LT(score, 100) << c.name << "\n" << r.out;
  }
}

TEST(Exercise, EvidenceComesInExpertOrder) {
  const CliResult r = check("six-minute-loop", write_file("a.yaml", cases()[0].right));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> order = {"Pod names and restart counts", "Scaling events", "The writers of the disputed field",
                                          "The live Application against Git", "What deploys the Application itself"};
  std::size_t at = 0;
  for (const std::string& title : order) {
    const std::size_t found = r.out.find(title, at);
    ASSERT_NE(found, std::string::npos) << title << " missing or out of order\n" << r.out;
    at = found;
  }
  const CliResult oom = check("oom-crashloop", write_file("b.yaml", cases()[1].right));
  const std::size_t pods = oom.out.find("Pod names and restart counts"), events = oom.out.find("Scaling events"),
                    memory = oom.out.find("Memory against the limit"), writers = oom.out.find("The writers of the disputed field");
  ASSERT_NE(writers, std::string::npos) << oom.out;
  EXPECT_LT(pods, events);
  EXPECT_LT(events, memory);
  EXPECT_LT(memory, writers);
  EXPECT_NE(oom.out.find("OOMKilled"), std::string::npos);
}

// Columns of a kubectl table line: cells are separated by at least two spaces (tabwriter
// padding 3), while a RESTARTS cell such as "6 (2m44s ago)" has single spaces inside.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  const std::regex sep(" {2,}");
  for (std::sregex_token_iterator it(line.begin(), line.end(), sep, -1), end; it != end; ++it)
    if (!it->str().empty()) out.push_back(*it);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(Exercise, CrashloopAndSixMinuteLoopDifferInRestartsAndPodNames) {
  const CliResult loop = run_kcsim("exercise kubectl six-minute-loop -- get pods -n prod", 60);
  const CliResult oom = run_kcsim("exercise kubectl oom-crashloop -- get pods -n prod", 60);
  ASSERT_EQ(loop.status, 0) << loop.err;
  ASSERT_EQ(oom.status, 0) << oom.err;
  const auto a = lines(loop.out), b = lines(oom.out);
  ASSERT_EQ(a.size(), 2u) << loop.out;
  ASSERT_EQ(b.size(), 2u) << oom.out;
  EXPECT_EQ(cells(a[0]), cells(b[0]));  // the same header: NAME READY STATUS RESTARTS AGE
  const auto x = cells(a[1]), y = cells(b[1]);
  ASSERT_EQ(x.size(), 5u) << a[1];
  ASSERT_EQ(y.size(), 5u) << b[1];
  // Same Deployment, same READY and STATUS: a freshly started container, not ready yet.
  EXPECT_EQ(x[0].substr(0, 19), "immigranta-backend-");
  EXPECT_EQ(y[0].substr(0, 19), "immigranta-backend-");
  EXPECT_EQ(x[1], y[1]);
  EXPECT_EQ(x[2], y[2]);
  EXPECT_EQ(x[1], "0/1");
  EXPECT_EQ(x[2], "Running");
  // The evidence: another pod name, and RESTARTS 0 against a growing count.
  EXPECT_NE(x[0], y[0]);
  EXPECT_EQ(x[3], "0");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(y[3], m, std::regex("([0-9]+) \\(.+ ago\\)"))) << y[3];
  EXPECT_GT(std::stoi(m[1]), 1);
  // AGE differs too, as the consequence of the name: the pod that keeps its name is older than
  // a cycle, the replaced one is seconds old.
  EXPECT_TRUE(std::regex_match(x[4], std::regex("[0-9]+s"))) << x[4];
  EXPECT_TRUE(std::regex_match(y[4], std::regex("[0-9]+m([0-9]+s)?"))) << y[4];

  // The application's log cannot tell them apart: the same clean start in both.
  const std::string loop_pod = x[0], oom_pod = y[0];
  const CliResult loop_log = run_kcsim("exercise kubectl six-minute-loop -- logs " + loop_pod + " -n prod", 60);
  const CliResult oom_log = run_kcsim("exercise kubectl oom-crashloop -- logs " + oom_pod + " -n prod", 60);
  ASSERT_EQ(loop_log.status, 0) << loop_log.err;
  ASSERT_EQ(oom_log.status, 0) << oom_log.err;
  const std::regex stamp("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z ");
  EXPECT_EQ(std::regex_replace(loop_log.out, stamp, ""), std::regex_replace(oom_log.out, stamp, ""));
  EXPECT_NE(loop_log.out.find("INFO  immigranta-backend 1.8.3 starting"), std::string::npos) << loop_log.out;
  // The previous run of the OOM-killed container ends in an OOM kill, shown by describe.
  const CliResult prev = run_kcsim("exercise kubectl oom-crashloop -- logs " + oom_pod + " -n prod --previous", 60);
  EXPECT_EQ(prev.status, 0) << prev.err;
  EXPECT_NE(prev.out.find("INFO  ready"), std::string::npos) << prev.out;
  const CliResult describe = run_kcsim("exercise kubectl oom-crashloop -- describe pod " + oom_pod + " -n prod", 60);
  EXPECT_NE(describe.out.find("    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n"),
            std::string::npos)
      << describe.out;
  // The simulator's own annotations (kcsim.io/crash-after) would give the answer away.
  EXPECT_EQ(describe.out.find("kcsim.io/"), std::string::npos) << describe.out;
  const CliResult yaml = run_kcsim("exercise kubectl oom-crashloop -- get deploy immigranta-backend -n prod -o yaml --show-managed-fields", 60);
  EXPECT_EQ(yaml.status, 0) << yaml.err;
  EXPECT_EQ(yaml.out.find("kcsim.io/"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("memory: 512Mi"), std::string::npos);
}

TEST(Exercise, ListWorksFromAnotherDirectory) {
  const std::string dir = test_dir();
  const std::string cmd = "cd / && timeout 20 " + std::string(KCSIM_BINARY) + " exercise list >" + dir + "/list.out 2>&1";
  const int raw = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 0);
  const std::string out = kcsim::testing::slurp(dir + "/list.out");
  for (const Case& c : cases()) EXPECT_NE(out.find(c.name + " "), std::string::npos) << c.name << "\n" << out;
  EXPECT_NE(out.find("NAME"), std::string::npos);
  EXPECT_NE(out.find("DIFFICULTY"), std::string::npos);
  EXPECT_NE(out.find("medium"), std::string::npos);
}

TEST(Exercise, StartShowsTheSymptomNotTheConfiguration) {
  const CliResult r = run_kcsim("exercise start six-minute-loop");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Symptom:"), std::string::npos);
  EXPECT_NE(r.out.find("Difficulty: medium, about 25 minutes."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("You investigate at 2026-03-02T14:00:00Z"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kcsim exercise kubectl six-minute-loop -- get pods ..."), std::string::npos);
  EXPECT_EQ(r.out.find("scenarios/six-minute-loop.json"), std::string::npos);  // no configuration
  EXPECT_EQ(r.out.find("ignoreDifferences"), std::string::npos);
}

TEST(Exercise, CommandsOutsideTheAllowedSetAreRefused) {
  const CliResult r = run_kcsim("exercise kubectl kubectl-apply-vs-hpa -- argocd app get orders-api");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("kcsim: exercise kubectl-apply-vs-hpa: `kubectl argocd app get orders-api` is not supported in "
                        "this exercise; the commands it supports:\n  kubectl ", 0), 0u) << r.err;
  const CliResult ok = run_kcsim("exercise kubectl kubectl-apply-vs-hpa -- get hpa -n shop", 60);
  EXPECT_EQ(ok.status, 0) << ok.err;
}

TEST(Exercise, GitShowsTheApplicationAsGitHasIt) {
  const CliResult show = run_kcsim("exercise git six-minute-loop -- show HEAD:apps/prod/immigranta-backend.yaml", 60);
  ASSERT_EQ(show.status, 0) << show.err;
  EXPECT_NE(show.out.find("RespectIgnoreDifferences=true"), std::string::npos) << show.out;
  const CliResult live = run_kcsim("exercise kubectl six-minute-loop -- get application immigranta-backend -n argocd -o yaml", 60);
  ASSERT_EQ(live.status, 0) << live.err;
  EXPECT_EQ(live.out.find("RespectIgnoreDifferences=true"), std::string::npos);  // the live one lacks it
  const CliResult log = run_kcsim("exercise git six-minute-loop -- log --oneline", 60);
  EXPECT_TRUE(std::regex_search(log.out, std::regex("^[0-9a-f]{7} immigranta-backend 1.8.3"))) << log.out;
  const CliResult missing = run_kcsim("exercise git six-minute-loop -- show HEAD:nope.yaml", 60);
  EXPECT_EQ(missing.status, 128);
  EXPECT_EQ(missing.err, "fatal: path 'nope.yaml' does not exist in 'HEAD'\n");
}

TEST(Exercise, HintsAreReleasedOneAtATime) {
  const std::string env = "env XDG_STATE_HOME=" + test_dir() + "/state ";
  auto hint = [&](const std::string& args) {
    const std::string dir = test_dir();
    const std::string cmd = env + KCSIM_BINARY + " exercise hint oom-crashloop " + args + " >" + dir + "/hint.out 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return kcsim::testing::slurp(dir + "/hint.out");
  };
  hint("--reset");
  const std::string first = hint("");
  EXPECT_NE(first.find("Hint 1 of 3:"), std::string::npos) << first;
  EXPECT_EQ(first.find("Hint 2 of 3:"), std::string::npos);
  EXPECT_EQ(hint(""), first);  // asking again releases nothing new
  const std::string second = hint("--next");
  EXPECT_NE(second.find("Hint 2 of 3:"), std::string::npos) << second;
  EXPECT_EQ(second.find("Hint 3 of 3:"), std::string::npos);
  EXPECT_NE(hint("--hint 3").find("Hint 3 of 3:"), std::string::npos);
}

TEST(Exercise, BadAnswerFileExitsTwoWithFileAndPosition) {
  const std::string yaml = write_file("broken.yaml", "cause: crash-oom\nwriters: [keda\n");
  CliResult r = check("oom-crashloop", yaml);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(std::regex_search(r.err, std::regex(std::regex_replace(yaml, std::regex("[.]"), "\\.") + ":[0-9]+:[0-9]+: "))) << r.err;

  const std::string json = write_file("unknown.json", "{\n  \"cause\": \"crash-oom\",\n  \"colour\": \"red\"\n}\n");
  r = check("oom-crashloop", json);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(json + ":3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(": /colour: expected one of cause, writers, field, fix"), std::string::npos) << r.err;

  const std::string no_cause = write_file("nocause.yaml", "field: spec.replicas\n");
  r = check("oom-crashloop", no_cause);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(no_cause + ":1:1: expected a cause"), std::string::npos) << r.err;

  EXPECT_EQ(check("no-such-exercise", json).status, 2);
  EXPECT_EQ(run_kcsim("exercise check oom-crashloop </dev/null").status, 2);  // no answer, no terminal
}

// Issue #9: answers are read with yaml-cpp 0.7 too, which hung on these; libyaml checks them first.
TEST(Exercise, AnswerWithACommaWhereANodeIsExpectedExitsTwo) {
  const std::string yaml = write_file("comma.yaml", "cause: crash-oom\n---\n,\n");
  CliResult r = check("oom-crashloop", yaml);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(yaml + ":3:1: expected valid YAML, found a syntax error (did not find expected node content"),
            std::string::npos)
      << r.err;
  const std::string list = write_file("list-comma.yaml", "- a\n,\n");
  r = check("oom-crashloop", list);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(list + ":2:1: expected valid YAML"), std::string::npos) << r.err;
}

TEST(Exercise, SameAnswerSameFeedback) {
  const std::string answer = write_file("a.yaml", cases()[4].partial);
  const CliResult a = check("ignore-without-respect", answer), b = check("ignore-without-respect", answer);
  EXPECT_EQ(a.out, b.out);
}

TEST(Exercise, ATrainersOwnExerciseFileByPath) {
  std::string text = kcsim::testing::slurp(std::string(KCSIM_SOURCE_DIR) + "/exercises/oom-crashloop.json");
  text = std::regex_replace(text, std::regex("\"scenarios/oom-crashloop.json\""),
                            "\"" + std::string(KCSIM_SOURCE_DIR) + "/scenarios/oom-crashloop.json\"");
  const std::string file = write_file("my-incident.json", text);
  const CliResult start = run_kcsim("exercise start " + file);
  ASSERT_EQ(start.status, 0) << start.err;
  EXPECT_NE(start.out.find("Exercise oom-crashloop:"), std::string::npos) << start.out;
  const CliResult r = check(file, write_file("a.yaml", cases()[1].right));
  EXPECT_EQ(score_of(r.out), 100) << r.out << r.err;

  // A malformed exercise names the file, the pointer and its line.
  const std::string bad = write_file("bad.json", std::regex_replace(text, std::regex("\"easy\""), "\"extreme\""));
  const CliResult b = run_kcsim("exercise start " + bad);
  EXPECT_EQ(b.status, 2);
  EXPECT_TRUE(std::regex_search(b.err, std::regex("bad\\.json:[0-9]+:[0-9]+: /difficulty: expected easy, medium or hard, found a string \\(\"extreme\"\\)")))
      << b.err;
}

TEST(Exercise, StartupLogLinesAreValidated) {
  std::string text = kcsim::testing::slurp(std::string(KCSIM_SOURCE_DIR) + "/scenarios/oom-crashloop.json");
  text = std::regex_replace(text, std::regex("\"after\": \"400ms\""), "\"after\": \"soon\"");
  const CliResult r = run_kcsim("run " + write_file("s.json", text) + " --duration 1m --no-fixes");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/settings/kubelet/images/ghcr.io~1immigranta~1backend:1.8.3/startupLog/1/after"), std::string::npos) << r.err;
}

}  // namespace
