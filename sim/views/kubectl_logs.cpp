// `kcsim kubectl ... logs`: a pod's log at the instant (sim/views/kubectl_context.hpp).
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/k8s/label_selector.hpp"
#include "kubectl_context.hpp"

namespace kcsim::kubectl_detail {

namespace {

// k8s.io/kubectl v0.32.0 pkg/util/podutils/podutils.go IsPodReady and podReadyTime: the Ready
// condition, and when it last turned True.
bool pod_ready(const json& pod) {
  for (const json& c : array_at(pod, {"status", "conditions"}))
    if (str(c, {"type"}) == "Ready") return str(c, {"status"}) == "True";
  return false;
}
std::optional<std::int64_t> pod_ready_time(const json& pod) {
  for (const json& c : array_at(pod, {"status", "conditions"}))
    if (str(c, {"type"}) == "Ready" && str(c, {"status"}) == "True") return unix_us(at(c, {"lastTransitionTime"}));
  return std::nullopt;
}
std::int64_t max_restarts(const json& pod) {
  std::int64_t n = 0;
  for (const json& s : array_at(pod, {"status", "containerStatuses"})) n = std::max(n, integer(s, {"restartCount"}));
  return n;
}
// afterOrZero: t1 after t2, a zero (absent) time counting as after any other.
bool after_or_zero(const std::optional<std::int64_t>& t1, const std::optional<std::int64_t>& t2) {
  if (!t1 || !t2) return !t1;
  return *t1 > *t2;
}

// podutils.ByLogging (k8s.io/kubectl v0.32.0 pkg/util/podutils/podutils.go): the pod whose logs
// are most worth reading first. 1. assigned to a node before unassigned; 2. Running, then
// Unknown, then Pending (any other phase counts as Running, as the Go map's zero value does);
// 3. ready before not ready; 4. ready for longer first; 5. more restarts first; 6. older first.
// Sidecar restarts (rule 5's tie-break) are not modelled: kcsim has no restartable init containers.
bool by_logging_less(const json& a, const json& b) {
  const std::string na = str(a, {"spec", "nodeName"}), nb = str(b, {"spec", "nodeName"});
  if (na != nb && (na.empty() || nb.empty())) return !na.empty();
  auto phase_rank = [](const json& p) {
    const std::string phase = str(p, {"status", "phase"});
    return phase == "Unknown" ? 1 : phase == "Pending" ? 2 : 0;
  };
  if (phase_rank(a) != phase_rank(b)) return phase_rank(a) < phase_rank(b);
  if (pod_ready(a) != pod_ready(b)) return pod_ready(a);
  if (pod_ready(a) && pod_ready(b) && pod_ready_time(a) != pod_ready_time(b)) return after_or_zero(pod_ready_time(b), pod_ready_time(a));
  if (max_restarts(a) != max_restarts(b)) return max_restarts(a) > max_restarts(b);
  const auto ca = unix_us(at(a, {"metadata", "creationTimestamp"})), cb = unix_us(at(b, {"metadata", "creationTimestamp"}));
  if (ca != cb) return after_or_zero(cb, ca);
  return false;
}

// The pod selector of a workload or Service, as polymorphichelpers.SelectorsForObject reads it:
// spec.selector as a LabelSelector (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job), or a
// Service's spec.selector map.
json pod_selector_of(const json& obj) {
  const json* sel = at(obj, {"spec", "selector"});
  if (!sel || !sel->is_object()) return json::object();
  if (str(obj, {"kind"}) == "Service") return json{{"matchLabels", *sel}};
  return *sel;
}

}  // namespace

// kubectl logs POD|TYPE/NAME [-c CONTAINER] [-p] [--timestamps] [--tail N]: the application's
// startup lines, which a scenario declares per image (settings.kubelet.images.<image>.startupLog, docs/cli.md),
// written at each start of the container. Like the kubelet, kcsim keeps the current and the
// previous run only (kuberuntime ReadLogs; --previous reads the last terminated instance).
// Error texts: the API server's pod log REST handler (pkg/registry/core/pod/strategy.go
// LogLocation, validateContainer) and kubectl's default-container message
// (k8s.io/kubectl pkg/cmd/logs, podcmd.FindOrDefaultContainerByName).
// For TYPE/NAME, kubectl lists the pods the object selects (its label selector, not its owner
// references), sorts them by podutils.ByLogging and reads the first, saying on standard error
// which when there are several: "Found 3 pods, using pod/web-7d4b9c-x2x9z"
// (k8s.io/kubectl v0.32.0 pkg/polymorphichelpers/logsforobject.go logsForObjectWithClient,
// helpers.go GetFirstPod). Ties keep the API list order (name order); Go's sort.Sort is not stable
// there, so a real kubectl may pick another of two pods equal in every rule. With no pod selected,
// kubectl waits for one (--pod-running-timeout, 20s) and gives up: the instant is frozen here, so
// kcsim answers at once what kubectl answers after the wait.
KubectlResult run_logs(const Ctx& ctx, const std::vector<std::string>& args) {
  const Parsed p = parse_flags(args,
                               {{"namespace", 'n', true}, {"container", 'c', true}, {"previous", 'p', false},
                                {"timestamps", 0, false}, {"tail", 0, true}},
                               "kubectl logs");
  KubectlResult result;
  if (p.positional.size() != 1)
    throw KubectlUsageError("kubectl logs takes exactly one POD or TYPE/NAME (kcsim supports logs POD|TYPE/NAME [-c CONTAINER] [-p] [--timestamps] [--tail N])");
  std::string name = p.positional[0];
  const std::string ns = p.get("namespace", "default");
  ObjectPtr pod;
  if (const std::size_t slash = name.find('/'); slash != std::string::npos) {
    const std::string type = name.substr(0, slash);
    name = name.substr(slash + 1);
    const auto res = resolve_resource(ctx.api, type);
    if (!res) {
      result.err = fmt::format("error: the server doesn't have a resource type \"{}\"\n", type);
      result.status = 1;
      return result;
    }
    if (res->kind != "Pod") {
      static const char* kSelecting[] = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Service", "ReplicationController"};
      if (std::find(std::begin(kSelecting), std::end(kSelecting), res->kind) == std::end(kSelecting))
        throw KubectlUsageError(fmt::format("kcsim kubectl logs reads a pod, or the pods a Deployment, ReplicaSet, StatefulSet, "
                                            "DaemonSet, Job or Service selects; not {}",
                                            res->plural));
      const ObjectPtr obj = ctx.api.get({res->kind, ns, name});
      if (!obj) {
        result.err = not_found(*res, name);
        result.status = 1;
        return result;
      }
      const json selector = pod_selector_of(*obj);
      std::vector<ObjectPtr> pods;
      for (const ObjectPtr& candidate : ctx.api.list("Pod", ns))
        if (const json* labels = at(*candidate, {"metadata", "labels"}); kcsim::selector_matches(selector, labels ? *labels : json::object()))
          pods.push_back(candidate);
      if (pods.empty()) {
        result.err = "error: timed out waiting for the condition\n";
        result.status = 1;
        return result;
      }
      std::stable_sort(pods.begin(), pods.end(), [](const ObjectPtr& a, const ObjectPtr& b) { return by_logging_less(*a, *b); });
      if (pods.size() > 1) result.err = fmt::format("Found {} pods, using pod/{}\n", pods.size(), name_of(*pods[0]));
      pod = pods[0];
      name = name_of(*pod);
    }
  }
  if (!pod) pod = ctx.api.get({"Pod", ns, name});
  if (!pod) {
    result.err = fmt::format("Error from server (NotFound): pods \"{}\" not found\n", name);
    result.status = 1;
    return result;
  }
  const json& containers = array_at(*pod, {"spec", "containers"});
  std::string container = p.get("container");
  // logsForObjectWithClient: the kubectl.kubernetes.io/default-container annotation names the
  // container when it exists; else the first container, with a "Defaulted container" note when
  // the pod has others (podcmd.AllContainerNames: containers, then "NAME (ephem)", "NAME (init)").
  if (container.empty()) {
    if (const std::string preset = str(*pod, {"metadata", "annotations", "kubectl.kubernetes.io/default-container"}); !preset.empty()) {
      bool exists = false;
      for (const char* list : {"containers", "ephemeralContainers", "initContainers"})
        for (const json& c : array_at(*pod, {"spec", list})) exists = exists || str(c, {"name"}) == preset;
      if (exists) container = preset;
      else result.err += fmt::format("Default container name \"{}\" not found in pod {}\n", preset, name);
    }
  }
  if (container.empty()) {
    if (containers.empty()) throw KubectlUsageError("the pod has no containers");
    container = str(containers[0], {"name"});
    const json& ephemeral = array_at(*pod, {"spec", "ephemeralContainers"});
    const json& init = array_at(*pod, {"spec", "initContainers"});
    if (containers.size() > 1 || !ephemeral.empty() || !init.empty()) {
      std::vector<std::string> names;
      for (const json& c : containers) names.push_back(str(c, {"name"}));
      for (const json& c : ephemeral) names.push_back(str(c, {"name"}) + " (ephem)");
      for (const json& c : init) names.push_back(str(c, {"name"}) + " (init)");
      result.err += fmt::format("Defaulted container \"{}\" out of: {}\n", container, join(names, ", "));
    }
  }
  const json* spec = nullptr;
  for (const json& c : containers)
    if (str(c, {"name"}) == container) spec = &c;
  if (!spec) {
    result.err += fmt::format("Error from server (BadRequest): container {} is not valid for pod {}\n", container, name);
    result.status = 1;
    return result;
  }
  const json* status = nullptr;
  for (const json& s : array_at(*pod, {"status", "containerStatuses"}))
    if (str(s, {"name"}) == container) status = &s;
  // The run to read: its start and (if it ended) its end, in Unix microseconds.
  std::optional<std::int64_t> started, finished;
  const json* state = status ? at(*status, {"state"}) : nullptr;
  if (p.flag("previous")) {
    const json* last = status ? at(*status, {"lastState", "terminated"}) : nullptr;
    if (!last) {
      result.err += fmt::format("Error from server (BadRequest): previous terminated container \"{}\" in pod \"{}\" not found\n",
                                container, name);
      result.status = 1;
      return result;
    }
    started = unix_us(at(*last, {"startedAt"}));
    finished = unix_us(at(*last, {"finishedAt"}));
  } else if (state && at(*state, {"running"})) {
    started = unix_us(at(*state, {"running", "startedAt"}));
  } else if (state && at(*state, {"terminated"})) {
    started = unix_us(at(*state, {"terminated", "startedAt"}));
    finished = unix_us(at(*state, {"terminated", "finishedAt"}));
  } else if (const json* last = status ? at(*status, {"lastState", "terminated"}) : nullptr) {
    // Waiting after a crash (CrashLoopBackOff): the log of the instance that last ran.
    started = unix_us(at(*last, {"startedAt"}));
    finished = unix_us(at(*last, {"finishedAt"}));
  } else {
    std::string reason = state ? str(*state, {"waiting", "reason"}) : "";
    if (reason.empty()) reason = "ContainerCreating";
    result.err += fmt::format("Error from server (BadRequest): container \"{}\" in pod \"{}\" is waiting to start: {}\n",
                              container, name, reason);
    result.status = 1;
    return result;
  }
  if (!started) return result;
  const json* lines = ctx.kubelet_settings ? at(*ctx.kubelet_settings, {"images", str(*spec, {"image"}), "startupLog"}) : nullptr;
  std::vector<std::string> out;
  for (const json& entry : lines && lines->is_array() ? *lines : empty_array()) {
    std::int64_t t = *started;
    std::string text;
    if (entry.is_string()) {
      text = entry.get<std::string>();
    } else {
      text = str(entry, {"line"});
      if (const json* after = at(entry, {"after"})) t += read_duration(*after, "", "").count();
    }
    if (t > (finished ? *finished : ctx.now_us)) break;  // not written yet (or never: the run ended)
    // "{time}" is the line's own time stamp as the application prints it (milliseconds).
    const std::string secs = ctx.api.epoch().rfc3339(SimTime{Duration{t - ctx.api.epoch().unix_seconds * 1000000}});
    const std::string stamp = secs.substr(0, secs.size() - 1) + fmt::format(".{:03}Z", (t / 1000) % 1000);
    for (std::size_t pos; (pos = text.find("{time}")) != std::string::npos;) text.replace(pos, 6, stamp);
    if (p.flag("timestamps")) {
      // The kubelet writes container log time stamps as RFC3339NanoFixed, always nine fractional
      // digits ("2006-01-02T15:04:05.000000000Z07:00": kubernetes v1.32 pkg/kubelet/types/constants.go,
      // used as timeFormatOut by pkg/kubelet/kuberuntime/logs/logs.go), and kubectl prints them as is.
      text = secs.substr(0, secs.size() - 1) + fmt::format(".{:09}Z ", (t % 1000000) * 1000) + text;
    }
    out.push_back(text);
  }
  std::size_t first = 0;
  if (p.has("tail")) {
    std::int64_t n = -1;
    try {
      n = std::stoll(p.get("tail"));
    } catch (...) {
      throw KubectlUsageError("--tail needs a number of lines");
    }
    if (n >= 0 && static_cast<std::size_t>(n) < out.size()) first = out.size() - static_cast<std::size_t>(n);
  }
  for (std::size_t i = first; i < out.size(); ++i) result.out += out[i] + "\n";
  return result;
}


}  // namespace kcsim::kubectl_detail
