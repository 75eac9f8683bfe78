// The nodes: a default-scheduler that binds pods, and the kubelets that run them
// (kubernetes v1.28 pkg/kubelet: kubelet.go, status/status_manager.go, prober/; defaults
// pkg/apis/core/v1/defaults.go). One model plays every node's kubelet; nodes are node-1 ..
// node-N (settings.kubelet.nodes). Each pod is a small state machine driven by requeues:
// reconcile(pod key) performs the transitions that are due and returns the delay to the next.
//
// Timeline of a new pod with the defaults (all deterministic):
//   +0        created by the ReplicaSet controller               kubectl: Pending
//   +1s       bound by the scheduler (schedulingDelay),
//             admitted by the kubelet: startTime, hostIP         ContainerCreating
//   +2s       sandbox and network ready (sandboxDelay): podIP,
//             event Pulling
//   +5s       image pulled (imagePull): Pulled, Created
//   +6s       container running (containerStart): Started        Running 0/1 (1/1 without a
//                                                                 readiness probe)
//   +11s      the app answers (appStartup 5s) and the next readiness probe succeeds: Ready
// (A pod created by a controller is seen through the watch, 5 ms later by default; the delays
// count from then.) Readiness probes run when the container starts (prober_manager.go triggers
// the worker) and on the worker's ticker, every periodSeconds counted from the pod's admission
// (prober/worker.go).
//
// settings.kubelet (all optional; durations as Go strings or seconds):
//   nodes 3, schedulingDelay "1s", sandboxDelay "1s", imagePull "3s", imagePullCached "300ms"
//   (a pull whose layers are on the node: imagePullPolicy Always, or behind a pull of the same
//   image), imageCache true (false: every start pulls), containerStart "1s" (Created → Started),
//   appStartup "5s" (Started → the readiness probe can succeed), shutdown "1s" (SIGTERM → exit,
//   capped by the grace period), images {"<image>": {"pull": "10s", "sizeBytes": 123,
//   "startupLog": [...]}} (startupLog: the app's lines for `kubectl logs`, no behaviour).
// Pulls on one node are serialized (kubelet serializeImagePulls: true).
//
// Behaviour is chosen per pod with annotations on the pod (or its template):
//   kcsim.io/crash-after: "3m"        the container exits this long after every start
//   kcsim.io/crash-reason: "OOMKilled" | "Error"  (default Error: exit code 1; OOMKilled: 137)
//   kcsim.io/crash-limit: "5"         stop crashing after this many crashes
//   kcsim.io/crash-container: "app"   which container crashes (default: the first)
//   kcsim.io/app-startup: "30s"       overrides settings.kubelet.appStartup
//   kcsim.io/shutdown: "20s"          overrides settings.kubelet.shutdown
// A crashed container shows state.terminated (Error or OOMKilled) until it runs again or, in
// back-off, until the next pod sync (taken as 1 s later [U]), then waiting CrashLoopBackOff.
// Crashes restart with the kubelet's back-off (kubelet.go backOffPeriod 10 s doubling to
// MaxContainerBackOff 5 min; k8s.io/client-go/util/flowcontrol Backoff, which forgets a
// container after 2 × 5 min without a restart): the first restart is immediate, then 10 s,
// 20 s, 40 s, ... 300 s. Upstream restarts at the first pod sync after the back-off expires,
// which can add up to a few seconds; here the restart is exactly at the expiry.
//
// Not modelled: liveness and startup probes, init containers (Initialized is True at
// admission), node resources and capacity, image pull failures, ephemeral containers.
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "kcsim/k8s/image_name.hpp"
#include "pod_script.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/types/parsed_versions.hpp"
#include "kcsim/k8s/types/pod.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/apiserver/status_update.hpp"
#include "kcsim/apiserver/watch_filter.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/core/random.hpp"

namespace kcsim::models {
namespace {

constexpr const char* kManager = "kubelet";
constexpr const char* kSchedulerManager = "kube-scheduler";
constexpr const char* kSchedulerName = "default-scheduler";
// pkg/kubelet/kubelet.go backOffPeriod and MaxContainerBackOff.
constexpr Duration kBackOffInitial = seconds(10);
constexpr Duration kBackOffMax = minutes(5);
// The next pod sync after PLEG reports a dead container (relist period 1 s) is when the
// waiting reason CrashLoopBackOff replaces the terminated state [U].
constexpr Duration kPlegRelist = seconds(1);
constexpr SimTime kNever = SimTime{Duration{std::numeric_limits<std::int64_t>::max()}};

std::string hex64(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  return fmt::format("{:016x}{:016x}{:016x}{:016x}", a, b, c, d);
}

struct Settings {
  int nodes = 3;
  Duration scheduling_delay = seconds(1);
  Duration sandbox_delay = seconds(1);
  Duration image_pull = seconds(3);
  Duration image_pull_cached = milliseconds(300);
  bool image_cache = true;
  Duration container_start = seconds(1);
  Duration app_startup = seconds(5);
  Duration shutdown = seconds(1);
  struct Image {
    std::optional<Duration> pull;
    std::optional<std::int64_t> size;
  };
  std::map<std::string, Image> images;
};

// The settings that are durations, by name (docs/models/kubelet.md); null for any other name.
Duration Settings::*duration_setting(std::string_view key) {
  static const std::pair<std::string_view, Duration Settings::*> kDurations[] = {
      {"schedulingDelay", &Settings::scheduling_delay}, {"sandboxDelay", &Settings::sandbox_delay},
      {"imagePull", &Settings::image_pull},             {"imagePullCached", &Settings::image_pull_cached},
      {"containerStart", &Settings::container_start},   {"appStartup", &Settings::app_startup},
      {"shutdown", &Settings::shutdown}};
  for (const auto& [name, member] : kDurations)
    if (name == key) return member;
  return nullptr;
}

struct Node {
  std::string name, ip;
  std::map<std::string, SimTime> images;  // image → when it is (or will be) on the node
  SimTime puller_free = kTimeZero;        // serialized image pulls (serializeImagePulls: true)
  int next_ip = 2;
  std::int64_t load = 0;
};

enum class Stage { kWaiting, kPulling, kCreating, kRunning, kExited, kBackOff, kDone };

struct ContainerRun {
  std::string name, image, pull_policy;
  Stage stage = Stage::kWaiting;
  SimTime next = kNever;  // the stage's next transition
  SimTime pull_requested = kTimeZero;
  Duration pull_took{0};
  bool pulled_now = false;
  bool ever_started = false;
  SimTime started_at = kTimeZero;
  std::int64_t restarts = 0;
  std::string container_id;
  std::string image_id;
  json shown_state = {{"waiting", {{"reason", "ContainerCreating"}}}};
  json last_state = json::object();
  json terminated;           // the last termination, for lastState
  SimTime finished_at = kTimeZero;
  SimTime restart_at = kNever;
  // readiness (the prober worker's copy of the container's probe, prober/worker.go)
  bool probe = false;
  k8s::Probe probe_spec;
  std::vector<k8s::ContainerPort> ports;  // the container's ports, for the probe's named port
  std::int64_t initial_delay = 0, period = 10, success_threshold = 1, failure_threshold = 3;
  SimTime next_tick = kNever;
  bool ready = false;
  bool last_result = false;
  std::int64_t result_run = 0;
  SimTime app_up_at = kNever;
  // crashes
  bool crashes_here = false;
  std::int64_t crashes = 0;
  // flowcontrol.Backoff entry
  bool backoff_known = false;
  Duration backoff{0};
  SimTime backoff_updated = kTimeZero;
};

struct PodRun {
  std::string uid, ns, name;
  std::size_t node = 0;
  SimTime admitted = kTimeZero;
  std::string scheduled_time;  // PodScheduled lastTransitionTime
  SimTime sandbox_at = kNever;
  bool sandbox_ready = false;
  std::string pod_ip;
  std::vector<ContainerRun> containers;
  std::string restart_policy = "Always";
  // behaviour
  std::optional<Duration> crash_after;
  std::string crash_reason = "Error";
  std::optional<std::int64_t> crash_limit;
  Duration app_startup{0}, shutdown{0};
  // termination
  bool terminating = false;
  SimTime stop_at = kNever;
  bool clean_exit = true;
  bool gone = false;
  bool dirty = true;  // something the status shows changed since the last write
  // condition type → (status, lastTransitionTime)
  std::map<std::string, std::pair<std::string, std::string>> conditions;
  json last_written;
};

class Kubelet final : public Controller, public WatchFilter {
 public:
  explicit Kubelet(World& world) : Controller(world, "kubelet") {
    set_workers(UINT32_MAX);  // one pod worker per pod (kubelet pkg/kubelet/pod_workers.go)
    read_settings();
    validate_scenario_annotations();
    for (int i = 1; i <= settings_.nodes; ++i) add_node(fmt::format("node-{}", i));
  }

  void start() override {
    watch("Pod");
    for (const ObjectPtr& p : api().list("Pod")) enqueue(key_of(*p));
  }

  // The kubelet's own status writes need no reaction: only a binding, a deletion or a new pod
  // under the same name does (and a pod's deletion, kDeleted, always does). The filter runs on
  // every pod write, before any delivery, and compares three members of two versions in place:
  // decoding both into typed views would cost more than the comparison, and the typed cache is
  // the kubelet's own state, which a filter must not read (watch_filter.hpp).
  bool ignores(const WatchEvent& event) const override {
    if (event.type != WatchEventType::kModified || !event.old) return false;
    const json& pod = *event.object;
    const json& old = *event.old;
    return str_at(old, {"spec", "nodeName"}) == str_at(pod, {"spec", "nodeName"}) &&
           (find(old, {"metadata", "deletionTimestamp"}) == nullptr) ==
               (find(pod, {"metadata", "deletionTimestamp"}) == nullptr) &&
           str_at(old, {"metadata", "uid"}) == str_at(pod, {"metadata", "uid"});
  }

  void on_watch_event(const WatchEvent& event) override {
    const std::string key = key_of(*event.object);
    if (event.type == WatchEventType::kDeleted) {
      // Only the deleted version's uid is read: decoding the whole version for it would be
      // thrown away at once.
      forget_pod(key, str_at(*event.object, {"metadata", "uid"}));
      pods_.erase(key);
      return;
    }
    if (ignores(event)) return;
    enqueue(key);
  }

  std::optional<Duration> reconcile(const std::string& key) override {
    const ObjectRef ref = ref_of_key("Pod", key);
    ObjectPtr stored = api().get(ref);
    if (!stored) {
      forget_pod(key, "");
      pods_.erase(key);
      return std::nullopt;
    }
    std::shared_ptr<const k8s::Pod> pod = pods_.get(key, stored);
    const std::string uid = pod->metadata.uid;
    if (pod->spec.node_name.empty()) {
      if (pod->metadata.deletion_timestamp) {
        // The API server deletes an unscheduled pod at once whatever the grace period
        // (pkg/registry/core/pod/strategy.go CheckGracefulDelete); done here if it did not.
        api().remove(ref, kManager, DeleteOptions{0});
        return std::nullopt;
      }
      auto bound = schedule(*stored, *pod, key);
      if (!bound.first) return bound.second;
      pod = pods_.get(key, bound.first);
    }

    auto it = runs_.find(key);
    if (it == runs_.end() || it->second.uid != uid) {
      if (it != runs_.end()) forget_pod(key, it->second.uid);
      it = runs_.emplace(key, admit(*pod)).first;
    }
    PodRun& run = it->second;
    if (pod->metadata.deletion_timestamp && !run.terminating) start_termination(run, *pod);
    advance(run, *pod);
    if (run.gone) {
      forget_pod(key, uid);
      return std::nullopt;
    }
    if (run.dirty) write_status(run, *pod);
    const SimTime next = next_due(run);
    if (next == kNever) return std::nullopt;
    return next - now();
  }

 private:
  // --- settings ------------------------------------------------------------------------
  [[noreturn]] void fail(const std::string& pointer, const std::string& expected, const json& found) const {
    throw InputError(world().scenario().file, pointer, expected, describe_found(found));
  }

  void validate_startup_log(const json& v, const std::string& p) const {
    if (!v.is_array()) fail(p, "expected an array of log lines", v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& e = v[i];
      const std::string ep = fmt::format("{}/{}", p, i);
      if (e.is_string()) continue;
      if (!e.is_object() || !e.contains("line") || !e["line"].is_string())
        fail(ep, "expected a line: a string, or {\"after\": duration, \"line\": string}", e);
      for (auto& [k, x] : e.items()) {
        if (k == "after") read_duration(x, world().scenario().file, ep + "/after");
        else if (k != "line") fail(ep + "/" + escape_pointer_token(k), "expected after or line", x);
      }
    }
  }

  void read_settings() {
    const std::string base = world().settings_pointer("kubelet");
    const std::string& file = world().scenario().file;
    const json& s = settings();
    if (!s.is_object()) fail(base, "expected an object", s);
    for (auto& [key, v] : s.items()) {
      const std::string p = base + "/" + escape_pointer_token(key);
      if (is_controller_setting(key)) continue;
      if (key == "nodes") {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 10000)
          fail(p, "expected a number of nodes between 1 and 10000", v);
        settings_.nodes = v.get<int>();
      } else if (Duration Settings::*member = duration_setting(key)) {
        settings_.*member = read_duration(v, file, p);
      } else if (key == "imageCache") {
        if (!v.is_boolean()) fail(p, "expected true or false", v);
        settings_.image_cache = v.get<bool>();
      } else if (key == "images") {
        if (!v.is_object()) fail(p, "expected an object of image: {pull, sizeBytes}", v);
        for (auto& [image, spec] : v.items()) {
          const std::string ip = p + "/" + escape_pointer_token(image);
          if (!spec.is_object()) fail(ip, "expected an object with pull, sizeBytes and/or startupLog", spec);
          Settings::Image img;
          for (auto& [k, x] : spec.items()) {
            if (k == "pull") {
              img.pull = read_duration(x, file, ip + "/pull");
            } else if (k == "sizeBytes") {
              if (!x.is_number_integer() || x.get<std::int64_t>() < 0)
                fail(ip + "/sizeBytes", "expected a non-negative integer", x);
              img.size = x.get<std::int64_t>();
            } else if (k == "startupLog") {
              // The application's startup lines, for `kubectl logs` only (sim/views/kubectl_view.cpp):
              // strings, or {"after": duration, "line": text}. They change no behaviour.
              validate_startup_log(x, ip + "/startupLog");
            } else {
              throw InputError(file, ip + "/" + escape_pointer_token(k), "expected pull, sizeBytes or startupLog",
                               fmt::format("unknown field \"{}\"", k));
            }
          }
          settings_.images[image] = img;
        }
      } else {
        throw InputError(file, p,
                         "expected one of enabled, nodes, schedulingDelay, sandboxDelay, imagePull, "
                         "imagePullCached, imageCache, containerStart, appStartup, shutdown, images",
                         fmt::format("unknown field \"{}\"", key));
      }
    }
  }

  // The kcsim.io/* annotations of the scenario's manifests are checked up front, so that a typo
  // is an input error with its place rather than a silently healthy pod.
  void validate_manifest(const json& m, const std::string& pointer) const {
    if (!m.is_object()) return;
    if (m.value("kind", "") == "Pod") {
      if (const json* a = find(m, {"metadata", "annotations"})) validate_pod_script(*a, world().scenario().file, pointer + "/metadata/annotations");
    } else if (const json* a = find(m, {"spec", "template", "metadata", "annotations"})) {
      validate_pod_script(*a, world().scenario().file, pointer + "/spec/template/metadata/annotations");
    }
  }

  void validate_scenario_annotations() const {
    const Scenario& sc = world().scenario();
    for (std::size_t i = 0; i < sc.objects.size(); ++i) validate_manifest(sc.objects[i], fmt::format("/objects/{}", i));
    for (const TimelineAction& a : sc.timeline)
      if (a.spec.is_object() && a.spec.contains("manifest")) validate_manifest(a.spec["manifest"], a.pointer + "/manifest");
  }

  // --- nodes and scheduling ---------------------------------------------------------------
  std::size_t add_node(const std::string& name) {
    Node n;
    n.name = name;
    n.ip = fmt::format("172.18.0.{}", nodes_.size() + 2);
    nodes_.push_back(std::move(n));
    node_index_[name] = nodes_.size() - 1;
    return nodes_.size() - 1;
  }

  std::size_t node_of(const std::string& name) {
    auto it = node_index_.find(name);
    return it != node_index_.end() ? it->second : add_node(name);
  }

  void occupy(const std::string& uid, std::size_t node) {
    if (pod_node_.emplace(uid, node).second) ++nodes_[node].load;
  }

  // Forgets what is known about a pod (uid "": whatever is known under the key) and frees its
  // place on its node.
  void forget_pod(const std::string& key, const std::string& uid) {
    std::string u = uid;
    if (auto it = runs_.find(key); it != runs_.end() && (u.empty() || it->second.uid == u)) {
      u = it->second.uid;
      runs_.erase(it);
    }
    if (auto it = unscheduled_.find(key); it != unscheduled_.end() && (uid.empty() || it->second.first == uid))
      unscheduled_.erase(it);
    if (auto n = pod_node_.find(u); !u.empty() && n != pod_node_.end()) {
      --nodes_[n->second].load;
      pod_node_.erase(n);
    }
  }

  // A default-scheduler without plugins: the pod goes, after schedulingDelay from when it was
  // first seen, to the node with the fewest pods (the lowest-numbered among equals), through a
  // binding that sets spec.nodeName; event Scheduled (pkg/scheduler/schedule_one.go).
  // `stored` is the pod's stored version (the binding's body starts from it), `pod` its typed view.
  std::pair<ObjectPtr, std::optional<Duration>> schedule(const json& stored, const k8s::Pod& pod, const std::string& key) {
    const std::string& scheduler = pod.spec.scheduler_name;
    if (!scheduler.empty() && scheduler != kSchedulerName) return {nullptr, std::nullopt};
    const std::string& uid = pod.metadata.uid;
    auto seen = unscheduled_.find(key);
    if (seen == unscheduled_.end() || seen->second.first != uid) seen = unscheduled_.insert_or_assign(key, std::pair{uid, now()}).first;
    const SimTime first_seen = seen->second.second;
    const SimTime due = first_seen + settings_.scheduling_delay;
    if (now() < due) return {nullptr, due - now()};
    std::size_t best = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(settings_.nodes); ++i)
      if (nodes_[i].load < nodes_[best].load) best = i;
    json bound = stored;
    bound["spec"]["nodeName"] = nodes_[best].name;
    WriteResult r = api().update(std::move(bound), kSchedulerManager);
    if (!r.status.ok()) return {nullptr, std::nullopt};
    unscheduled_.erase(key);
    occupy(uid, best);
    api().record_event(ObjectRef::of(stored), "Normal", "Scheduled",
                       fmt::format("Successfully assigned {}/{} to {}", pod.metadata.namespace_, pod.metadata.name,
                                   nodes_[best].name),
                       kSchedulerName);
    return {r.object, std::nullopt};
  }

  // --- admission ---------------------------------------------------------------------------
  PodRun admit(const k8s::Pod& pod) {
    PodRun run;
    run.uid = pod.metadata.uid;
    run.ns = pod.metadata.namespace_;
    run.name = pod.metadata.name;
    run.node = node_of(pod.spec.node_name);
    occupy(run.uid, run.node);
    run.admitted = now();
    run.sandbox_at = now() + settings_.sandbox_delay;
    run.restart_policy = pod.spec.restart_policy.empty() ? k8s::kRestartPolicyAlways : pod.spec.restart_policy;
    run.scheduled_time = api().epoch().rfc3339(now());
    for (const k8s::PodCondition& c : pod.status.conditions)
      if (c.type == "PodScheduled" && c.status == "True" && !c.last_transition_time.empty())
        run.scheduled_time = c.last_transition_time;
    const PodScript script = read_pod_script(pod.metadata.annotations);
    run.crash_after = script.crash_after;
    run.crash_reason = script.crash_reason;
    run.crash_limit = script.crash_limit;
    run.app_startup = script.app_startup.value_or(settings_.app_startup);
    run.shutdown = script.shutdown.value_or(settings_.shutdown);
    const std::string& crash_container = script.crash_container;
    for (const k8s::Container& c : pod.spec.containers) {
      ContainerRun cr;
      cr.name = c.name;
      cr.image = c.image;
      // defaults.go SetDefaults_Container: an unset pull policy follows the image's tag.
      cr.pull_policy = c.image_pull_policy.empty() ? k8s::default_pull_policy(cr.image) : c.image_pull_policy;
      if (c.readiness_probe) {
        // An explicit 0 period or threshold is taken as 1, as kcsim always did; upstream's
        // defaulting cannot tell it from an absent one and gives it the default (SetDefaults_Probe).
        const k8s::Probe& p = *c.readiness_probe;
        cr.probe = true;
        cr.probe_spec = p;
        cr.ports = c.ports;
        cr.initial_delay = p.initial_delay_seconds;
        cr.period = std::max<std::int64_t>(1, p.period_seconds);
        cr.success_threshold = std::max<std::int64_t>(1, p.success_threshold);
        cr.failure_threshold = std::max<std::int64_t>(1, p.failure_threshold);
      }
      cr.crashes_here = run.crash_after && (crash_container.empty() ? run.containers.empty()
                                                                     : crash_container == cr.name);
      run.containers.push_back(std::move(cr));
    }
    // A pod already running when the scenario starts keeps running, without events.
    if (pod.status.phase == k8s::kPodRunning) {
      run.sandbox_ready = true;
      run.sandbox_at = kNever;
      run.pod_ip = pod.status.pod_ip;
      if (run.pod_ip.empty()) run.pod_ip = allocate_ip(run.node);
      for (ContainerRun& c : run.containers) {
        c.stage = Stage::kRunning;
        c.ever_started = true;
        c.started_at = now();
        c.container_id = new_container_id();
        c.image_id = image_id(c.image);
        c.shown_state = {{"running", {{"startedAt", api().epoch().rfc3339(now())}}}};
        c.ready = true;
        c.app_up_at = now();
        nodes_[run.node].images[c.image] = now();
        if (c.crashes_here) c.next = now() + *run.crash_after;
        if (c.probe) c.next_tick = next_tick_after(run, c, now());
      }
    }
    return run;
  }

  std::string allocate_ip(std::size_t node) {
    Node& n = nodes_[node];
    const std::string ip = fmt::format("10.244.{}.{}", node + 1, n.next_ip);
    n.next_ip = n.next_ip >= 254 ? 2 : n.next_ip + 1;
    return ip;
  }

  std::string new_container_id() {
    return "containerd://" + hex64(rng().next_u64(), rng().next_u64(), rng().next_u64(), rng().next_u64());
  }

  static std::string image_id(const std::string& image) {
    const k8s::ImageName n = k8s::parse_image_name(image);
    const std::uint64_t h = fnv1a64(image);
    return n.repository() + "@sha256:" + hex64(h, fnv1a64(image, h), fnv1a64(image, ~h), fnv1a64(image, h ^ 0x9e37));
  }

  std::int64_t image_size(const std::string& image) const {
    auto it = settings_.images.find(image);
    if (it != settings_.images.end() && it->second.size) return *it->second.size;
    // A placeholder between 10 MB and 200 MB, stable per image name.
    return 10'000'000 + static_cast<std::int64_t>(fnv1a64(image) % 190'000'000);
  }

  // --- events ------------------------------------------------------------------------------------
  // Every kubelet event kcsim records is about one container, and the kubelet records those on
  // the container's reference, whose fieldPath is "spec.containers{NAME}"
  // (pkg/kubelet/container/ref.go GenerateContainerRef): kubectl's SUBOBJECT column.
  void event(const PodRun& run, const ContainerRun& c, const std::string& type, const std::string& reason, const std::string& msg) {
    api().record_event(ObjectRef{"Pod", run.ns, run.name}, type, reason, msg, "kubelet", nodes_[run.node].name,
                       fmt::format("spec.containers{{{}}}", c.name));
  }

  // format.Pod: name_namespace(uid).
  static std::string format_pod(const PodRun& run) { return fmt::format("{}_{}({})", run.name, run.ns, run.uid); }

  // --- the container state machine ------------------------------------------------------------
  // kuberuntime_container.go startContainer → image_manager.go EnsureImageExists: pull unless
  // the policy is IfNotPresent (or Never) and the image is on the node; pulls on a node are
  // serialized. Then Created, and after containerStart, Started.
  void begin_start(PodRun& run, ContainerRun& c, SimTime t) {
    Node& node = nodes_[run.node];
    auto cached = node.images.find(c.image);
    const bool present = settings_.image_cache && cached != node.images.end() && cached->second <= t;
    if (c.pull_policy == "Always" || (!present && c.pull_policy != "Never")) {
      event(run, c, "Normal", "Pulling", fmt::format("Pulling image \"{}\"", c.image));
      const SimTime begin = std::max(t, node.puller_free);
      const bool layers_there = settings_.image_cache && cached != node.images.end() && cached->second <= begin;
      auto custom = settings_.images.find(c.image);
      const Duration full = custom != settings_.images.end() && custom->second.pull ? *custom->second.pull
                                                                                   : settings_.image_pull;
      c.pull_took = layers_there ? settings_.image_pull_cached : full;
      c.pull_requested = t;
      c.stage = Stage::kPulling;
      c.next = begin + c.pull_took;
      node.puller_free = c.next;
      if (settings_.image_cache && (cached == node.images.end() || cached->second > c.next))
        node.images[c.image] = c.next;
      return;
    }
    event(run, c, "Normal", "Pulled", fmt::format("Container image \"{}\" already present on machine", c.image));
    create(run, c, t);
  }

  void create(PodRun& run, ContainerRun& c, SimTime t) {
    c.image_id = image_id(c.image);
    event(run, c, "Normal", "Created", fmt::format("Created container {}", c.name));
    c.stage = Stage::kCreating;
    c.next = t + settings_.container_start;
  }

  void pulled(PodRun& run, ContainerRun& c, SimTime t) {
    // image_manager.go (v1.28): "... in %v (%v including waiting)"; the image size was added
    // later (present in current releases; first release taken as v1.30 [U]).
    std::string msg = fmt::format("Successfully pulled image \"{}\" in {} ({} including waiting)", c.image,
                                  format_go_duration(c.pull_took), format_go_duration(t - c.pull_requested));
    if (world().versions().at_least("kubernetes", "1.30"))
      msg += fmt::format(". Image size: {} bytes.", image_size(c.image));
    event(run, c, "Normal", "Pulled", msg);
    create(run, c, t);
  }

  SimTime next_tick_after(const PodRun& run, const ContainerRun& c, SimTime t) const {
    const Duration period = seconds(c.period);
    const std::int64_t k = (t - run.admitted) / period + 1;
    return run.admitted + period * k;
  }

  void started(PodRun& run, ContainerRun& c, SimTime t) {
    if (c.ever_started) {
      ++c.restarts;
      c.last_state = {{"terminated", c.terminated}};
    }
    c.ever_started = true;
    c.stage = Stage::kRunning;
    c.started_at = t;
    c.container_id = new_container_id();
    c.shown_state = {{"running", {{"startedAt", api().epoch().rfc3339(t)}}}};
    c.app_up_at = t + run.app_startup;
    c.ready = !c.probe;
    c.last_result = false;
    c.result_run = 0;
    c.next = kNever;
    if (c.crashes_here && (!run.crash_limit || c.crashes < *run.crash_limit)) c.next = t + *run.crash_after;
    event(run, c, "Normal", "Started", fmt::format("Started container {}", c.name));
    if (c.probe) {
      c.next_tick = next_tick_after(run, c, t);
      probe(run, c, t);
    }
    // SyncPod starts the containers one after the other.
    for (ContainerRun& other : run.containers)
      if (other.stage == Stage::kWaiting && !other.ever_started) {
        begin_start(run, other, t);
        break;
      }
  }

  // prober/worker.go doProbe: results flip after successThreshold / failureThreshold
  // consecutive results; none before initialDelaySeconds.
  void probe(PodRun& run, ContainerRun& c, SimTime t) {
    if ((t - c.started_at) / seconds(1) < c.initial_delay) return;
    const bool ok = t >= c.app_up_at;
    if (ok == c.last_result) {
      ++c.result_run;
    } else {
      c.last_result = ok;
      c.result_run = 1;
    }
    if (!ok) unhealthy_event(run, c);
    if ((!ok && c.result_run < c.failure_threshold) || (ok && c.result_run < c.success_threshold)) return;
    c.ready = ok;
    // The app stays up until the container exits, so later probes cannot change anything:
    // the ticks stop here (a restart starts them again), which saves a wake-up per period.
    if (c.ready && t >= c.app_up_at) c.next_tick = kNever;
  }

  // Event Unhealthy with the prober's message for HTTP and TCP probes (prober/prober.go); the
  // app refuses connections until it is up.
  void unhealthy_event(PodRun& run, const ContainerRun& c) {
    const k8s::Probe& p = c.probe_spec;
    // probe.ResolveContainerPort (kubernetes v1.32 pkg/probe/util.go): a port name is looked up
    // among the container's ports (findPortByName), else read as a number; the URL has the number.
    // A port without a containerPort (validation rejects it) is passed over.
    auto port_of = [&](const std::optional<k8s::IntOrString>& port) -> std::string {
      if (!port) return "";
      if (port->type == k8s::IntOrString::Type::kInt) return std::to_string(port->int_val);
      for (const k8s::ContainerPort& cp : c.ports)
        if (cp.name == port->str_val && cp.container_port != 0) return std::to_string(cp.container_port);
      return port->str_val;
    };
    // prober.go runProbe: an unset host is the pod's IP; defaults.go gives an unset scheme HTTP.
    std::string msg;
    if (p.http_get) {
      const k8s::HTTPGetAction& h = *p.http_get;
      std::string scheme = h.scheme.empty() ? "HTTP" : h.scheme;
      std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
      const std::string& host = h.host.empty() ? run.pod_ip : h.host;
      const std::string port = port_of(h.port);
      std::string path = h.path;
      if (path.empty() || path[0] != '/') path = "/" + path;
      msg = fmt::format("Readiness probe failed: Get \"{}://{}:{}{}\": dial tcp {}:{}: connect: connection refused",
                        scheme, host, port, path, host, port);
    } else if (p.tcp_socket) {
      const std::string& host = p.tcp_socket->host.empty() ? run.pod_ip : p.tcp_socket->host;
      const std::string port = port_of(p.tcp_socket->port);
      msg = fmt::format("Readiness probe failed: dial tcp {}:{}: connect: connection refused", host, port);
    } else {
      return;
    }
    event(run, c, "Warning", "Unhealthy", msg);
  }

  // client-go flowcontrol.Backoff.Next as the kubelet uses it: the entry is forgotten when the
  // container last restarted more than 2 × MaxContainerBackOff before this exit.
  void backoff_next(ContainerRun& c, SimTime finished, SimTime t) {
    if (!c.backoff_known || finished - c.backoff_updated > 2 * kBackOffMax)
      c.backoff = kBackOffInitial;
    else
      c.backoff = std::min(2 * c.backoff, kBackOffMax);
    c.backoff_known = true;
    c.backoff_updated = t;
  }

  void crashed(PodRun& run, ContainerRun& c, SimTime t) {
    ++c.crashes;
    c.finished_at = t;
    const bool oom = run.crash_reason == "OOMKilled";
    const std::int64_t code = oom ? 137 : 1;
    c.terminated = {{"containerID", c.container_id},
                    {"exitCode", code},
                    {"finishedAt", api().epoch().rfc3339(t)},
                    {"reason", oom ? "OOMKilled" : "Error"},
                    {"startedAt", api().epoch().rfc3339(c.started_at)}};
    c.shown_state = {{"terminated", c.terminated}};
    c.ready = false;
    c.app_up_at = kNever;
    c.next_tick = kNever;
    const bool restart = run.restart_policy == "Always" || (run.restart_policy == "OnFailure" && code != 0);
    if (!restart) {
      c.stage = Stage::kDone;
      c.next = kNever;
      return;
    }
    // kuberuntime_manager.go doBackOff: in back-off while the entry is fresh and the time since
    // this exit is below the current back-off (at the exit itself: whenever the entry exists).
    const bool in_backoff = c.backoff_known && !(t - c.backoff_updated > 2 * kBackOffMax);
    if (!in_backoff) {
      backoff_next(c, t, t);
      begin_start(run, c, t);
      return;
    }
    event(run, c, "Warning", "BackOff",
          fmt::format("Back-off restarting failed container {} in pod {}", c.name, format_pod(run)));
    c.stage = Stage::kExited;
    c.restart_at = t + c.backoff;
    c.next = t + std::min(kPlegRelist, c.backoff);
  }

  void step_container(PodRun& run, ContainerRun& c, SimTime t) {
    switch (c.stage) {
      case Stage::kPulling:
        pulled(run, c, t);
        break;
      case Stage::kCreating:
        started(run, c, t);
        break;
      case Stage::kRunning:
        crashed(run, c, t);
        break;
      case Stage::kExited:
        c.stage = Stage::kBackOff;
        c.last_state = {{"terminated", c.terminated}};
        c.shown_state = {{"waiting",
                          {{"reason", "CrashLoopBackOff"},
                           {"message", fmt::format("back-off {} restarting failed container={} pod={}",
                                                   format_go_duration(c.backoff), c.name, format_pod(run))}}}};
        c.next = c.restart_at;
        break;
      case Stage::kBackOff: {
        backoff_next(c, c.finished_at, t);
        begin_start(run, c, t);
        break;
      }
      default:
        c.next = kNever;
    }
  }

  // --- termination -------------------------------------------------------------------------------
  // On deletion: Killing "Stopping container <c>" for each running container, SIGTERM, and the
  // app exits after its shutdown time, or is killed (137) at the grace period; then the pod gets
  // a terminal phase and the kubelet deletes it with grace 0 (status_manager.go).
  void start_termination(PodRun& run, const k8s::Pod& pod) {
    run.terminating = true;
    run.dirty = true;
    // defaults.go: terminationGracePeriodSeconds 30.
    std::int64_t grace = pod.metadata.deletion_grace_period_seconds.value_or(
        pod.spec.termination_grace_period_seconds.value_or(30));
    if (grace < 0) grace = 0;
    bool any_running = false;
    for (ContainerRun& c : run.containers) {
      if (c.stage != Stage::kRunning) continue;
      any_running = true;
      event(run, c, "Normal", "Killing", fmt::format("Stopping container {}", c.name));
    }
    run.clean_exit = run.shutdown <= seconds(grace);
    run.stop_at = now() + (any_running ? std::min(run.shutdown, seconds(grace)) : Duration{0});
  }

  void stop(PodRun& run, const k8s::Pod& pod, SimTime t) {
    bool all_zero = true;
    for (ContainerRun& c : run.containers) {
      if (c.stage == Stage::kRunning) {
        const std::int64_t code = run.clean_exit ? 0 : 137;
        if (code != 0) all_zero = false;
        c.terminated = {{"containerID", c.container_id},
                        {"exitCode", code},
                        {"finishedAt", api().epoch().rfc3339(t)},
                        {"reason", code == 0 ? "Completed" : "Error"},
                        {"startedAt", api().epoch().rfc3339(c.started_at)}};
        c.shown_state = {{"terminated", c.terminated}};
      } else if (c.stage == Stage::kDone && c.terminated.value("exitCode", 0) != 0) {
        all_zero = false;
      } else if (c.stage != Stage::kDone) {
        all_zero = false;
      }
      c.stage = Stage::kDone;
      c.ready = false;
      c.next = kNever;
      c.next_tick = kNever;
    }
    // A pod that will not run again gets a terminal phase before it is deleted (kubelet
    // generateAPIPodStatus, v1.27+ [U]).
    run.stop_at = kNever;
    write_status(run, pod, all_zero ? "Succeeded" : "Failed");
    api().remove(ObjectRef{"Pod", run.ns, run.name}, kManager, DeleteOptions{0});
    run.gone = true;
  }

  // --- driving ---------------------------------------------------------------------------------
  SimTime next_due(const PodRun& run) const {
    if (run.gone) return kNever;
    if (run.terminating) return run.stop_at;
    SimTime next = run.sandbox_ready ? kNever : run.sandbox_at;
    for (const ContainerRun& c : run.containers) {
      next = std::min(next, c.next);
      if (c.stage == Stage::kRunning && c.probe) next = std::min(next, c.next_tick);
    }
    return next;
  }

  void advance(PodRun& run, const k8s::Pod& pod) {
    for (;;) {
      const SimTime t = next_due(run);
      if (t == kNever || t > now()) return;
      if (run.terminating) {
        stop(run, pod, t);
        return;
      }
      if (!run.sandbox_ready && run.sandbox_at == t) {
        run.dirty = true;
        run.sandbox_ready = true;
        run.pod_ip = allocate_ip(run.node);
        if (!run.containers.empty()) begin_start(run, run.containers.front(), t);
        continue;
      }
      bool handled = false;
      for (ContainerRun& c : run.containers) {
        if (c.next == t) {
          step_container(run, c, t);
          run.dirty = true;
          handled = true;
          break;
        }
        if (c.stage == Stage::kRunning && c.probe && c.next_tick == t) {
          c.next_tick = t + seconds(c.period);
          const bool was_ready = c.ready;
          probe(run, c, t);
          if (c.ready != was_ready) run.dirty = true;
          handled = true;
          break;
        }
      }
      if (!handled) return;
    }
  }

  // --- status ------------------------------------------------------------------------------------
  void condition(PodRun& run, json& list, const std::string& type, bool ok, const std::string& reason = "",
                 const std::string& message = "") {
    const std::string status = ok ? "True" : "False";
    auto& [cur, since] = run.conditions[type];
    if (cur != status) {
      cur = status;
      since = api().epoch().rfc3339(now());
    }
    json c = {{"type", type}, {"status", status}, {"lastProbeTime", nullptr}, {"lastTransitionTime", since}};
    if (!ok && !reason.empty()) {
      c["reason"] = reason;
      c["message"] = message;
    }
    list.push_back(std::move(c));
  }

  // The QoS class, a simplified form of upstream's ComputePodQOS (kubernetes v1.32
  // pkg/apis/core/v1/helper/qos/qos.go): BestEffort without any cpu or memory request or limit,
  // Guaranteed when every container limits both and requests what it limits, else Burstable.
  // A request and its limit are compared as written (upstream compares their values).
  static std::string qos_class(const k8s::Pod& pod) {
    bool any = false, guaranteed = true;
    for (const std::vector<k8s::Container>* list : {&pod.spec.init_containers, &pod.spec.containers}) {
      for (const k8s::Container& c : *list) {
        const k8s::ResourceList& requests = c.resources.requests;
        const k8s::ResourceList& limits = c.resources.limits;
        for (const char* r : {"cpu", "memory"}) {
          const auto q = requests.find(r);
          const auto l = limits.find(r);
          const bool has_q = q != requests.end(), has_l = l != limits.end();
          if (has_q || has_l) any = true;
          if (!has_l || (has_q && q->second != l->second)) guaranteed = false;
        }
      }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }

  void write_status(PodRun& run, const k8s::Pod& pod, const std::string& terminal_phase = "") {
    const Epoch& epoch = api().epoch();
    json st = json::object();
    bool all_ready = !run.containers.empty();
    bool never_started = false, all_done = !run.containers.empty(), all_zero = true;
    std::string unready;
    json statuses = json::array();
    for (const ContainerRun& c : run.containers) {
      if (!c.ready) {
        all_ready = false;
        unready += (unready.empty() ? "" : " ") + c.name;
      }
      if (!c.ever_started && c.stage != Stage::kRunning) never_started = true;
      if (c.stage != Stage::kDone) all_done = false;
      if (c.terminated.is_object() && c.terminated.value("exitCode", 0) != 0) all_zero = false;
      const bool created = !c.container_id.empty();
      statuses.push_back({{"name", c.name},
                          {"image", created ? k8s::parse_image_name(c.image).normalized() : c.image},
                          {"imageID", created ? c.image_id : ""},
                          {"ready", c.ready},
                          {"started", c.stage == Stage::kRunning},
                          {"restartCount", c.restarts},
                          {"state", c.shown_state},
                          {"lastState", c.last_state}});
      if (created) statuses.back()["containerID"] = c.container_id;
    }
    // kubelet_pods.go getPhase: a container that never started keeps the pod Pending; with
    // restartPolicy Always a crashed container leaves it Running.
    std::string phase = terminal_phase;
    if (phase.empty()) {
      if (never_started)
        phase = "Pending";
      else if (all_done && run.restart_policy != "Always")
        phase = all_zero ? "Succeeded" : "Failed";
      else
        phase = "Running";
    }
    st["phase"] = phase;
    json conds = json::array();
    const std::string message = fmt::format("containers with unready status: [{}]", unready);
    // PodReadyToStartContainers: beta and on by default since v1.29.
    if (world().versions().at_least("kubernetes", "1.29"))
      condition(run, conds, "PodReadyToStartContainers", run.sandbox_ready && phase != "Succeeded" && phase != "Failed");
    condition(run, conds, "Initialized", true);
    condition(run, conds, "Ready", all_ready, "ContainersNotReady", message);
    condition(run, conds, "ContainersReady", all_ready, "ContainersNotReady", message);
    conds.push_back({{"type", "PodScheduled"},
                     {"status", "True"},
                     {"lastProbeTime", nullptr},
                     {"lastTransitionTime", run.scheduled_time}});
    st["conditions"] = std::move(conds);
    st["hostIP"] = nodes_[run.node].ip;
    st["hostIPs"] = json::array({{{"ip", nodes_[run.node].ip}}});
    if (!run.pod_ip.empty()) {
      st["podIP"] = run.pod_ip;
      st["podIPs"] = json::array({{{"ip", run.pod_ip}}});
    }
    st["startTime"] = epoch.rfc3339(run.admitted);
    st["containerStatuses"] = std::move(statuses);
    st["qosClass"] = qos_class(pod);
    if (st == run.last_written) {
      run.dirty = false;
      return;
    }
    const ObjectRef ref{"Pod", run.ns, run.name};
    ObjectPtr live = api().get(ref);
    if (!live || pods_.get(key_of(ref), live)->metadata.uid != run.uid) return;
    WriteResult r = api().update(status_update_body(*live, st), kManager, "status");
    if (r.status.ok()) {
      run.last_written = std::move(st);
      run.dirty = false;
    }
  }

  Settings settings_;
  std::vector<Node> nodes_;
  std::map<std::string, std::size_t> node_index_;
  std::map<std::string, std::size_t> pod_node_;   // pod uid → node, for the scheduler's counts
  std::map<std::string, std::pair<std::string, SimTime>> unscheduled_;  // pod key → (uid, first seen)
  std::map<std::string, PodRun> runs_;            // pod key → its run on its node
  // The typed view of each pod's stored version, decoded once per version (the kubelet's pod
  // informer, pkg/kubelet/config/apiserver.go, holds typed pods).
  k8s::ParsedVersions<k8s::Pod> pods_{k8s::parse_pod};
};

KCSIM_REGISTER_MODEL(Kubelet, "kubelet");

}  // namespace
}  // namespace kcsim::models
