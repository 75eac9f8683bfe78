// `kcsim kubectl --at T1 --until T2 -- get -w` (sim/views/kubectl_watch.cpp): the list at T1, then
// one line per watch event as kubectl 1.32 prints them (k8s.io/kubectl pkg/cmd/get/get.go watch,
// k8s.io/cli-runtime pkg/printers/tableprinter.go, github.com/liggitt/tabwriter RememberWidths).
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

std::string source_path(const std::string& relative) { return std::string(KCSIM_SOURCE_DIR) + "/" + relative; }

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// kcsim kubectl SCENARIO --at FROM --until TO -- ARGS, in process.
KubectlResult watch(const std::string& scenario, Duration from, Duration to, const std::vector<std::string>& args) {
  World world(load_scenario(source_path(scenario)));
  world.run(SimTime{from});
  const std::optional<KubectlResult> r = kubectl_watch(world, args, [&] { world.run(SimTime{to}); });
  EXPECT_TRUE(r.has_value());
  return r.value_or(KubectlResult{});
}

// The done-when of issue #17: `kubectl get pods -w` over the six-minute loop's first hour. Every
// pod the KEDA/ArgoCD fight creates goes by: ADDED Pending (unbound), Pending once the scheduler
// binds it, ContainerCreating, Running 0/1, Running 1/1 once the readiness probe passes (when
// KEDA lets it live that long), Terminating when the ReplicaSet controller deletes it, its
// containers' exit (Completed), and the DELETED event that prints that last state once more.
// The header is printed once; STATUS widens at the first "Terminating" and again at the first
// "ContainerCreating" and keeps that width (RememberWidths), earlier lines staying as printed.
TEST(KubectlWatch, SixMinuteLoopFirstHourOfGetPodsW) {
  const KubectlResult r = watch("scenarios/six-minute-loop.json", Duration{0}, hours(1), {"get", "pods", "-n", "prod", "-w"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, slurp(source_path("tests/data/kubectl-watch/six-minute-loop-get-pods-w-1h.txt")));

  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_GT(lines.size(), 3u);
  EXPECT_EQ(lines[0], "NAME                                  READY   STATUS    RESTARTS   AGE");
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("NAME ", 0) == 0; }), 1);
  // Before any wider STATUS came, the column is "Pending" + 3; after, "ContainerCreating" + 3.
  EXPECT_EQ(lines[1], "immigranta-backend-5cb6bcd547-b5ftm   0/1     Pending   0          0s");
  EXPECT_EQ(lines.back(), "immigranta-backend-5cb6bcd547-s8hrd   0/1     Completed           0          7s");
}

// The same hour with --output-watch-events, checked against the API server's own record: one
// ADDED line per pod created in the hour (the namespace has none at 0s, so the list is empty),
// one DELETED line per pod deleted in it.
TEST(KubectlWatch, OutputWatchEventsCountsEveryCreationAndDeletion) {
  World world(load_scenario(source_path("scenarios/six-minute-loop.json")));
  world.run(SimTime{Duration{0}});
  const std::optional<KubectlResult> r =
      kubectl_watch(world, {"get", "pods", "-n", "prod", "-w", "--output-watch-events"}, [&] { world.run(SimTime{hours(1)}); });
  ASSERT_TRUE(r.has_value());
  std::size_t created = 0, deleted = 0;
  for (const ObjectLifetime& l : world.api().lifetimes())
    if (l.ref.kind == "Pod" && l.ref.ns == "prod") {
      created += 1;
      deleted += l.deleted ? 1 : 0;
    }
  const std::vector<std::string> lines = lines_of(r->out);
  auto count = [&](const std::string& prefix) {
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
  };
  EXPECT_GT(created, 10u);
  EXPECT_EQ(count("ADDED      "), created);
  EXPECT_EQ(count("DELETED    "), deleted);
  EXPECT_EQ(count("EVENT      NAME "), 1u);
  EXPECT_EQ(count("ADDED      ") + count("MODIFIED   ") + count("DELETED    ") + 1, lines.size());
}

// Watching changes nothing: the run with the watch ends in the very state of the run without it.
TEST(KubectlWatch, TheWatchDoesNotChangeTheRun) {
  World plain(load_scenario(source_path("scenarios/six-minute-loop.json")));
  plain.run(SimTime{hours(1)});
  World watched(load_scenario(source_path("scenarios/six-minute-loop.json")));
  watched.run(SimTime{minutes(3)});
  ASSERT_TRUE(kubectl_watch(watched, {"get", "pods", "-A", "-w"}, [&] { watched.run(SimTime{hours(1)}); }).has_value());
  EXPECT_EQ(watched.api().resource_version(), plain.api().resource_version());
  EXPECT_EQ(watched.api().writes().size(), plain.api().writes().size());
  for (const char* kind : {"pods", "deploy", "rs", "events", "applications", "scaledobjects"})
    EXPECT_EQ(kubectl_view(watched, {"get", kind, "-A", "-o", "yaml", "--show-managed-fields"}),
              kubectl_view(plain, {"get", kind, "-A", "-o", "yaml", "--show-managed-fields"}))
        << kind;
}

// --watch-only: no list first; the header comes with the first event (HumanReadablePrinter
// prints headers with the first table that has rows). kubectl-scale scales 1 -> 3 at 5m.
TEST(KubectlWatch, WatchOnlySkipsTheList) {
  const KubectlResult r = watch("scenarios/kubectl-scale.json", minutes(4), minutes(6), {"get", "pods", "--watch-only"});
  EXPECT_EQ(r.out,
            "NAME                  READY   STATUS    RESTARTS   AGE\n"
            "web-5cfb9f5f9-m5mmx   0/1     Pending   0          0s\n"
            "web-5cfb9f5f9-clgb8   0/1     Pending   0          0s\n"
            "web-5cfb9f5f9-m5mmx   0/1     Pending   0          1s\n"
            "web-5cfb9f5f9-m5mmx   0/1     ContainerCreating   0          1s\n"
            "web-5cfb9f5f9-clgb8   0/1     Pending             0          1s\n"
            "web-5cfb9f5f9-clgb8   0/1     ContainerCreating   0          1s\n"
            "web-5cfb9f5f9-m5mmx   0/1     ContainerCreating   0          2s\n"
            "web-5cfb9f5f9-clgb8   0/1     ContainerCreating   0          2s\n"
            "web-5cfb9f5f9-m5mmx   0/1     Running             0          6s\n"
            "web-5cfb9f5f9-clgb8   0/1     Running             0          6s\n"
            "web-5cfb9f5f9-m5mmx   1/1     Running             0          11s\n"
            "web-5cfb9f5f9-clgb8   1/1     Running             0          11s\n");
  // With -w the pod that was there at 4m is listed first, ages at 4m.
  const KubectlResult w = watch("scenarios/kubectl-scale.json", minutes(4), minutes(6), {"get", "pods", "-w"});
  EXPECT_EQ(w.out.substr(0, w.out.find("web-5cfb9f5f9-m5mmx")),
            "NAME                  READY   STATUS    RESTARTS   AGE\n"
            "web-5cfb9f5f9-b5ftm   1/1     Running   0          3m59s\n");
}

// --output-watch-events: the EVENT column (formatEventType pads to 8: "ADDED   ", "DELETED "),
// the listed objects as ADDED, and each deleted pod printed once more, as DELETED, in its last
// state. kubectl-scale scales 3 -> 0 at 15m.
TEST(KubectlWatch, OutputWatchEventsAtTheScaleToZero) {
  const KubectlResult r =
      watch("scenarios/kubectl-scale.json", minutes(14), minutes(16), {"get", "pods", "-w", "--output-watch-events"});
  EXPECT_EQ(r.out,
            "EVENT      NAME                  READY   STATUS    RESTARTS   AGE\n"
            "ADDED      web-5cfb9f5f9-b5ftm   1/1     Running   0          13m\n"
            "ADDED      web-5cfb9f5f9-clgb8   1/1     Running   0          9m\n"
            "ADDED      web-5cfb9f5f9-m5mmx   1/1     Running   0          9m\n"
            "MODIFIED   web-5cfb9f5f9-b5ftm   1/1     Terminating   0          14m\n"
            "MODIFIED   web-5cfb9f5f9-clgb8   1/1     Terminating   0          10m\n"
            "MODIFIED   web-5cfb9f5f9-m5mmx   1/1     Terminating   0          10m\n"
            "MODIFIED   web-5cfb9f5f9-b5ftm   0/1     Completed     0          15m\n"
            "DELETED    web-5cfb9f5f9-b5ftm   0/1     Completed     0          15m\n"
            "MODIFIED   web-5cfb9f5f9-clgb8   0/1     Completed     0          10m\n"
            "DELETED    web-5cfb9f5f9-clgb8   0/1     Completed     0          10m\n"
            "MODIFIED   web-5cfb9f5f9-m5mmx   0/1     Completed     0          10m\n"
            "DELETED    web-5cfb9f5f9-m5mmx   0/1     Completed     0          10m\n");
}

// -w on a Deployment: a line per write of the object, spec (the scale to 0 shows 3/0) and status
// (the ReplicaSet's pods going), AGE at each write; -o wide adds the wide columns, and AGE widens
// at "5m11s" and stays wide.
TEST(KubectlWatch, DeploymentsAsTheyScale) {
  const KubectlResult r = watch("scenarios/kubectl-scale.json", minutes(14), minutes(16), {"get", "deploy", "-w"});
  EXPECT_EQ(r.out,
            "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
            "web    3/3     3            3           14m\n"
            "web    3/0     3            3           15m\n"
            "web    3/0     3            3           15m\n"
            "web    0/0     0            0           15m\n");
  const KubectlResult wide =
      watch("scenarios/kubectl-scale.json", minutes(4), minutes(6), {"get", "deployments.apps", "web", "-w", "-o", "wide"});
  EXPECT_EQ(wide.out,
            "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n"
            "web    1/1     1            1           4m    app          nginx:1.27   app=web\n"
            "web    1/3     1            1           5m    app          nginx:1.27   app=web\n"
            "web    1/3     1            1           5m    app          nginx:1.27   app=web\n"
            "web    1/3     3            1           5m    app          nginx:1.27   app=web\n"
            "web    3/3     3            3           5m11s   app          nginx:1.27   app=web\n");
}

// One named object: printed, then its own events only (the watch's synthetic ADDED is not
// printed); -o name prints kind/name per line; -A adds NAMESPACE, --show-labels LABELS.
TEST(KubectlWatch, NamedObjectsNamesAndDecorations) {
  const KubectlResult one =
      watch("scenarios/kubectl-scale.json", minutes(4), minutes(16), {"get", "pod", "web-5cfb9f5f9-b5ftm", "-w"});
  EXPECT_EQ(one.out,
            "NAME                  READY   STATUS    RESTARTS   AGE\n"
            "web-5cfb9f5f9-b5ftm   1/1     Running   0          3m59s\n"
            "web-5cfb9f5f9-b5ftm   1/1     Terminating   0          14m\n"
            "web-5cfb9f5f9-b5ftm   0/1     Completed     0          15m\n"
            "web-5cfb9f5f9-b5ftm   0/1     Completed     0          15m\n");
  const KubectlResult names = watch("scenarios/kubectl-scale.json", minutes(14), minutes(16), {"get", "pods", "-w", "-o", "name"});
  EXPECT_EQ(lines_of(names.out).size(), 12u);
  EXPECT_EQ(lines_of(names.out)[0], "pod/web-5cfb9f5f9-b5ftm");
  const KubectlResult decorated =
      watch("scenarios/kubectl-scale.json", minutes(14), minutes(15), {"get", "pods", "-w", "-A", "--show-labels"});
  EXPECT_EQ(lines_of(decorated.out)[0], "NAMESPACE   NAME                  READY   STATUS    RESTARTS   AGE   LABELS");
  EXPECT_EQ(lines_of(decorated.out)[1],
            "default     web-5cfb9f5f9-b5ftm   1/1     Running   0          13m   app=web,pod-template-hash=5cfb9f5f9");
}

// Selectors are applied to each event, as the API server's watch does (cacheWatcher
// convertToWatchEvent): a pod that starts matching arrives as ADDED, one that stops matching
// leaves as DELETED in its previous state.
TEST(KubectlWatch, SelectorsApplyToEachEvent) {
  const KubectlResult none =
      watch("scenarios/kubectl-scale.json", minutes(4), minutes(6), {"get", "pods", "-w", "-l", "app=other"});
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, "");  // the watch path prints no "No resources found"
  const KubectlResult running = watch("scenarios/kubectl-scale.json", minutes(4), minutes(6),
                                      {"get", "pods", "-w", "--field-selector", "status.phase=Running", "--output-watch-events"});
  const std::vector<std::string> lines = lines_of(running.out);
  ASSERT_EQ(lines.size(), 6u) << running.out;
  EXPECT_EQ(lines[1], "ADDED      web-5cfb9f5f9-b5ftm   1/1     Running   0          3m59s");
  EXPECT_EQ(lines[2], "ADDED      web-5cfb9f5f9-m5mmx   0/1     Running   0          6s");
  // At the scale to zero the pods leave phase Running (Succeeded): DELETED, as they were before.
  const KubectlResult leaving = watch("scenarios/kubectl-scale.json", minutes(14), minutes(16),
                                      {"get", "pods", "-w", "--field-selector", "status.phase=Running", "--output-watch-events"});
  EXPECT_EQ(leaving.out,
            "EVENT      NAME                  READY   STATUS    RESTARTS   AGE\n"
            "ADDED      web-5cfb9f5f9-b5ftm   1/1     Running   0          13m\n"
            "ADDED      web-5cfb9f5f9-clgb8   1/1     Running   0          9m\n"
            "ADDED      web-5cfb9f5f9-m5mmx   1/1     Running   0          9m\n"
            "MODIFIED   web-5cfb9f5f9-b5ftm   1/1     Terminating   0          14m\n"
            "MODIFIED   web-5cfb9f5f9-clgb8   1/1     Terminating   0          10m\n"
            "MODIFIED   web-5cfb9f5f9-m5mmx   1/1     Terminating   0          10m\n"
            "DELETED    web-5cfb9f5f9-b5ftm   1/1     Terminating   0          15m\n"
            "DELETED    web-5cfb9f5f9-clgb8   1/1     Terminating   0          10m\n"
            "DELETED    web-5cfb9f5f9-m5mmx   1/1     Terminating   0          10m\n");
}

// kubectl's own errors and what kcsim refuses.
TEST(KubectlWatch, ErrorsAndRefusals) {
  World world(load_scenario(source_path("scenarios/kubectl-scale.json")));
  world.run(SimTime{minutes(4)});
  bool ran = false;
  auto run = [&] { ran = true; };
  EXPECT_FALSE(kubectl_watch(world, {"get", "pods"}, run).has_value());
  EXPECT_FALSE(kubectl_watch(world, {"describe", "pods"}, run).has_value());
  EXPECT_FALSE(kubectl_watch(world, {"argocd", "app", "get", "x"}, run).has_value());
  const std::optional<KubectlResult> two = kubectl_watch(world, {"get", "pods,deploy", "-w"}, run);
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->status, 1);
  EXPECT_EQ(two->err, "error: you may only specify a single resource type\n");
  EXPECT_EQ(kubectl_watch(world, {"get", "all", "-w"}, run)->err, "error: you may only specify a single resource type\n");
  const std::optional<KubectlResult> missing = kubectl_watch(world, {"get", "pod", "nope", "-w"}, run);
  EXPECT_EQ(missing->status, 1);
  EXPECT_EQ(missing->err, "Error from server (NotFound): pods \"nope\" not found\n");
  EXPECT_FALSE(ran);
  EXPECT_THROW(kubectl_watch(world, {"get", "ns", "-w"}, run), KubectlUsageError);
  EXPECT_THROW(kubectl_watch(world, {"get", "pods", "-w", "-o", "yaml"}, run), KubectlUsageError);
  // Without a time range, `get -w` cannot run; --output-watch-events alone is kubectl's error.
  EXPECT_THROW(kubectl_exec(world, {"get", "pods", "-w"}), KubectlUsageError);
  const KubectlResult events_alone = kubectl_exec(world, {"get", "pods", "--output-watch-events"});
  EXPECT_EQ(events_alone.status, 1);
  EXPECT_EQ(events_alone.err,
            "error: --output-watch-events option can only be used with --watch or --watch-only\n"
            "See 'kubectl get -h' for help and examples\n");
  const std::optional<KubectlResult> sorted = kubectl_watch(world, {"get", "pods", "-w", "--sort-by=.metadata.name"}, run);
  EXPECT_EQ(sorted->err, "warning: --watch or --watch-only requested, --sort-by will be ignored\n");
  EXPECT_TRUE(ran);
}

struct CommandResult {
  int status = -1;
  std::string out, err;
};

CommandResult run_kcsim(const std::string& args) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "kcsim_kubectl_watch_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const int rc = std::system((std::string(KCSIM_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string()).c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

// The command line: --until ends the watch (default: the scenario's end); it must lie between
// --at and the end, and belongs to watches only.
TEST(KubectlWatch, CommandLineUntil) {
  const std::string scenario = source_path("scenarios/kubectl-scale.json");
  const CommandResult ok = run_kcsim("kubectl " + scenario + " --at 14m --until 16m -- get deploy -w");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, watch("scenarios/kubectl-scale.json", minutes(14), minutes(16), {"get", "deploy", "-w"}).out);
  const CommandResult to_end = run_kcsim("kubectl " + scenario + " --at 35m -- get deploy -w");
  EXPECT_EQ(to_end.status, 0) << to_end.err;
  EXPECT_EQ(to_end.out, watch("scenarios/kubectl-scale.json", minutes(35), minutes(40), {"get", "deploy", "-w"}).out);
  const CommandResult before = run_kcsim("kubectl " + scenario + " --at 14m --until 13m -- get deploy -w");
  EXPECT_EQ(before.status, 2);
  EXPECT_NE(before.err.find("--until 13m0s is before --at 14m0s"), std::string::npos) << before.err;
  const CommandResult past = run_kcsim("kubectl " + scenario + " --at 14m --until 50m -- get deploy -w");
  EXPECT_EQ(past.status, 2);
  EXPECT_NE(past.err.find("--until 50m0s is after the end of the scenario (40m0s)"), std::string::npos) << past.err;
  const CommandResult not_watch = run_kcsim("kubectl " + scenario + " --at 14m --until 16m -- get deploy");
  EXPECT_EQ(not_watch.status, 2);
  EXPECT_NE(not_watch.err.find("--until is for `get -w`"), std::string::npos) << not_watch.err;
  const CommandResult two = run_kcsim("kubectl " + scenario + " --at 14m -- get pods,deploy -w");
  EXPECT_EQ(two.status, 1);
  EXPECT_EQ(two.err, "error: you may only specify a single resource type\n");
}

}  // namespace
}  // namespace kcsim
