// `kcsim kubectl ... describe` (sim/views/kubectl_describe.hpp): the dispatcher, the pieces every
// describer shares, and describePod. Source: k8s.io/kubectl v0.32.0 pkg/describe/describe.go
// (describePod, describeContainers, describeVolumes, DescribePodTemplate, DescribeEvents,
// printLabelsMultiline, printAnnotationsMultiline, printPodTolerationsMultiline, tabbedString
// with tabwriter (0, 8, 2)) and pkg/cmd/describe/describe.go (Run, DescribeMatchingResources).
#include "kubectl_describe.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "kcsim/k8s/label_selector.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim::kubectl_detail {
namespace {

std::string pod_qos(const json& pod) {
  if (const std::string q = str(pod, {"status", "qosClass"}); !q.empty()) return q;
  // qos.GetPodQOS over cpu and memory.
  std::map<std::string, double> requests, limits;
  bool guaranteed = true;
  auto account = [&](const json& c) {
    for (const char* r : {"cpu", "memory"}) {
      if (auto q = parse_quantity(at(c, {"resources", "requests", r})); q && *q > 0) requests[r] += *q;
    }
    int limit_count = 0;
    for (const char* r : {"cpu", "memory"}) {
      if (auto q = parse_quantity(at(c, {"resources", "limits", r})); q && *q > 0) {
        limits[r] += *q;
        ++limit_count;
      }
    }
    if (limit_count != 2) guaranteed = false;
  };
  for (const json& c : array_at(pod, {"spec", "containers"})) account(c);
  for (const json& c : array_at(pod, {"spec", "initContainers"})) account(c);
  if (requests.empty() && limits.empty()) return "BestEffort";
  if (guaranteed) {
    for (const auto& [r, q] : requests)
      if (!limits.count(r) || limits[r] != q) guaranteed = false;
  }
  return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
}

}  // namespace

void describe_labels(PrefixWriter& w, const std::string& title, const json* labels) {
  w.write(0, title + ":\t");
  if (!labels || !labels->is_object() || labels->empty()) {
    w.write(0, "<none>\n");
    return;
  }
  bool first = true;
  for (auto it = labels->begin(); it != labels->end(); ++it) {
    if (!first) w.write(0, "\t");
    first = false;
    w.write(0, it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : go_sprint(it.value())) + "\n");
  }
}

void describe_annotations(PrefixWriter& w, const std::string& title, const json* annotations) {
  constexpr std::size_t kMaxAnnotationLen = 140;
  w.write(0, title + ":\t");
  std::vector<std::pair<std::string, std::string>> items;
  if (annotations && annotations->is_object())
    for (auto it = annotations->begin(); it != annotations->end(); ++it)
      if (it.key() != k8s::kLastAppliedConfigAnnotation)
        items.emplace_back(it.key(), it.value().is_string() ? it.value().get<std::string>() : go_sprint(it.value()));
  if (items.empty()) {
    w.write(0, "<none>\n");
    return;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) w.write(0, "\t");
    std::string value = items[i].second;
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (value.size() + items[i].first.size() + 2 > kMaxAnnotationLen || value.find('\n') != std::string::npos) {
      w.write(0, items[i].first + ":\n");
      for (std::string line : split(value, '\n')) {
        if (line.size() > kMaxAnnotationLen - 2) line = line.substr(0, kMaxAnnotationLen - 2) + "...";
        w.write(0, "\t  " + line + "\n");
      }
    } else {
      w.write(0, items[i].first + ": " + value + "\n");
    }
  }
}

void describe_object_header(PrefixWriter& w, const json& obj) {
  w.write(0, "Name:\t" + name_of(obj) + "\n");
  w.write(0, "Namespace:\t" + namespace_of(obj) + "\n");
  describe_labels(w, "Labels", at(obj, {"metadata", "labels"}));
  describe_annotations(w, "Annotations", at(obj, {"metadata", "annotations"}));
}

namespace {

std::string int_or_string(const json* v) {
  if (!v) return "";
  return v->is_string() ? v->get<std::string>() : go_sprint(*v);
}

// DescribeProbe
std::string describe_probe(const Ctx& ctx, const json& probe) {
  const std::int64_t delay = integer(probe, {"initialDelaySeconds"}, 0), timeout = integer(probe, {"timeoutSeconds"}, 1),
                     period = integer(probe, {"periodSeconds"}, 10), success = integer(probe, {"successThreshold"}, 1),
                     failure = integer(probe, {"failureThreshold"}, 3);
  const std::string attrs =
      ctx.k8s_minor() >= 37
          ? fmt::format("delay={}s timeout={}s period={}s successThreshold={} failureThreshold={}", delay, timeout, period, success, failure)
          : fmt::format("delay={}s timeout={}s period={}s #success={} #failure={}", delay, timeout, period, success, failure);
  if (const json* e = at(probe, {"exec"})) {
    std::vector<std::string> cmd;
    for (const json& c : array_at(*e, {"command"})) cmd.push_back(go_sprint(c));
    return fmt::format("exec [{}] {}", join(cmd, " "), attrs);
  }
  if (const json* h = at(probe, {"httpGet"})) {
    const std::string scheme = lower(str(*h, {"scheme"}, "HTTP"));
    const std::string host = str(*h, {"host"});
    const std::string port = int_or_string(at(*h, {"port"}));
    std::string hostport = port.empty() ? host : (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
    std::string path = str(*h, {"path"});
    if (!path.empty() && path[0] != '/' && !hostport.empty()) path = "/" + path;
    return fmt::format("http-get {}://{}{} {}", scheme, hostport, path, attrs);
  }
  if (const json* t = at(probe, {"tcpSocket"}))
    return fmt::format("tcp-socket {}:{} {}", str(*t, {"host"}), int_or_string(at(*t, {"port"})), attrs);
  if (const json* g = at(probe, {"grpc"})) return fmt::format("grpc <pod>:{} {} {}", integer(*g, {"port"}), str(*g, {"service"}), attrs);
  return "unknown " + attrs;
}

void describe_state(PrefixWriter& w, const std::string& name, const json* state) {
  auto rfc = [&](const json* ts) {
    const auto t = unix_us(ts);
    return t ? rfc1123z(*t / 1000000) : "Mon, 01 Jan 0001 00:00:00 +0000";
  };
  if (state && at(*state, {"running"})) {
    w.write(2, name + ":\tRunning\n");
    w.write(3, "Started:\t" + rfc(at(*state, {"running", "startedAt"})) + "\n");
  } else if (state && at(*state, {"waiting"})) {
    w.write(2, name + ":\tWaiting\n");
    if (const std::string r = str(*state, {"waiting", "reason"}); !r.empty()) w.write(3, "Reason:\t" + r + "\n");
  } else if (state && at(*state, {"terminated"})) {
    const json& t = *at(*state, {"terminated"});
    w.write(2, name + ":\tTerminated\n");
    if (const std::string r = str(t, {"reason"}); !r.empty()) w.write(3, "Reason:\t" + r + "\n");
    if (const std::string m = str(t, {"message"}); !m.empty()) w.write(3, "Message:\t" + m + "\n");
    w.write(3, fmt::format("Exit Code:\t{}\n", integer(t, {"exitCode"})));
    if (integer(t, {"signal"}) > 0) w.write(3, fmt::format("Signal:\t{}\n", integer(t, {"signal"})));
    w.write(3, "Started:\t" + rfc(at(t, {"startedAt"})) + "\n");
    w.write(3, "Finished:\t" + rfc(at(t, {"finishedAt"})) + "\n");
  } else {
    w.write(2, name + ":\tWaiting\n");
  }
}

// fieldpath.ExtractFieldPathAsString for the usual downward-API fields.
std::string pod_field(const json& pod, const std::string& path) {
  if (path == "metadata.name") return name_of(pod);
  if (path == "metadata.namespace") return namespace_of(pod);
  if (path == "metadata.uid") return str(pod, {"metadata", "uid"});
  if (path == "spec.nodeName") return str(pod, {"spec", "nodeName"});
  if (path == "spec.serviceAccountName") return str(pod, {"spec", "serviceAccountName"});
  if (path == "status.podIP") return str(pod, {"status", "podIP"});
  if (path == "status.hostIP") return str(pod, {"status", "hostIP"});
  for (const char* m : {"labels", "annotations"}) {
    const std::string prefix = fmt::format("metadata.{}['", m);
    if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size() + 2)
      return str(pod, {"metadata", m, path.substr(prefix.size(), path.size() - prefix.size() - 2)});
  }
  return "";
}

void describe_containers(PrefixWriter& w, const Ctx& ctx, const json* pod, const std::string& label, const json& containers,
                         const json& statuses, const std::string& space) {
  std::map<std::string, const json*> by_name;
  for (const json& s : statuses) by_name[str(s, {"name"})] = &s;
  w.write(0, space + label + ":" + (containers.empty() ? " <none>" : "") + "\n");
  for (const json& c : containers) {
    const auto it = by_name.find(str(c, {"name"}));
    const json* st = it == by_name.end() ? nullptr : it->second;
    w.write(1, (space.empty() ? "" : " ") + str(c, {"name"}) + ":\n");
    if (st) w.write(2, "Container ID:\t" + str(*st, {"containerID"}) + "\n");
    w.write(2, "Image:\t" + str(c, {"image"}) + "\n");
    if (st) w.write(2, "Image ID:\t" + str(*st, {"imageID"}) + "\n");
    std::vector<std::string> ports, host_ports;
    for (const json& port : array_at(c, {"ports"})) {
      const std::string proto = str(port, {"protocol"}, "TCP");
      const std::string name = str(port, {"name"});
      std::string ps = fmt::format("{}/{}", integer(port, {"containerPort"}), proto);
      std::string hs = fmt::format("{}/{}", integer(port, {"hostPort"}), proto);
      // The port's name follows it from kubectl 1.34 (k8s.io/kubectl v0.34.0 describeContainerPorts,
      // describeContainerHostPorts; v0.32.0 prints "8080/TCP" only).
      if (!name.empty() && ctx.k8s_minor() >= 34) ps += " (" + name + ")", hs += " (" + name + ")";
      ports.push_back(ps);
      host_ports.push_back(hs);
    }
    const std::string port_str = join(ports, ", "), host_str = join(host_ports, ", ");
    if (port_str.find(',') != std::string::npos) w.write(2, "Ports:\t" + port_str + "\n");
    else w.write(2, "Port:\t" + (port_str.empty() ? "<none>" : port_str) + "\n");
    if (host_str.find(',') != std::string::npos) w.write(2, "Host Ports:\t" + host_str + "\n");
    else w.write(2, "Host Port:\t" + (host_str.empty() ? "<none>" : host_str) + "\n");
    for (const char* part : {"command", "args"}) {
      const json& items = array_at(c, {part});
      if (items.empty()) continue;
      w.write(2, std::string(part == std::string("command") ? "Command" : "Args") + ":\n");
      for (const json& x : items)
        for (const std::string& line : split(go_sprint(x), '\n')) w.write(3, line + "\n");
    }
    if (st) {
      describe_state(w, "State", at(*st, {"state"}));
      if (at(*st, {"lastState", "terminated"})) describe_state(w, "Last State", at(*st, {"lastState"}));
      w.write(2, std::string("Ready:\t") + (boolean(*st, {"ready"}) ? "True" : "False") + "\n");
      w.write(2, fmt::format("Restart Count:\t{}\n", integer(*st, {"restartCount"})));
    }
    for (const char* kind : {"limits", "requests"}) {
      const json* rl = at(c, {"resources", kind});
      if (!rl || !rl->is_object() || rl->empty()) continue;
      w.write(2, std::string(kind == std::string("limits") ? "Limits" : "Requests") + ":\n");
      for (auto r = rl->begin(); r != rl->end(); ++r) w.write(3, r.key() + ":\t" + quantity_str(&r.value()) + "\n");
    }
    if (const json* p = at(c, {"livenessProbe"})) w.write(2, "Liveness:\t" + describe_probe(ctx, *p) + "\n");
    if (const json* p = at(c, {"readinessProbe"})) w.write(2, "Readiness:\t" + describe_probe(ctx, *p) + "\n");
    if (const json* p = at(c, {"startupProbe"})) w.write(2, "Startup:\t" + describe_probe(ctx, *p) + "\n");
    if (const json& env_from = array_at(c, {"envFrom"}); !env_from.empty()) {
      w.write(2, "Environment Variables from:\n");
      for (const json& e : env_from) {
        std::string from, name;
        bool optional = false;
        if (const json* cm = at(e, {"configMapRef"})) from = "ConfigMap", name = str(*cm, {"name"}), optional = boolean(*cm, {"optional"});
        else if (const json* s = at(e, {"secretRef"})) from = "Secret", name = str(*s, {"name"}), optional = boolean(*s, {"optional"});
        const std::string prefix = str(e, {"prefix"});
        if (prefix.empty()) w.write(3, fmt::format("{}\t{}\tOptional: {}\n", name, from, optional));
        else w.write(3, fmt::format("{}\t{} with prefix '{}'\tOptional: {}\n", name, from, prefix, optional));
      }
    }
    const json& env = array_at(c, {"env"});
    w.write(2, std::string("Environment:") + (env.empty() ? "\t<none>" : "") + "\n");
    for (const json& e : env) {
      const std::string name = str(e, {"name"});
      const json* from = at(e, {"valueFrom"});
      if (!from) {
        const std::vector<std::string> lines = split(str(e, {"value"}), '\n');
        for (std::size_t i = 0; i < lines.size(); ++i) w.write(3, (i == 0 ? name + ":\t" : "\t") + lines[i] + "\n");
      } else if (const json* f = at(*from, {"fieldRef"})) {
        const std::string path = str(*f, {"fieldPath"});
        w.write(3, fmt::format("{}:\t{} ({}:{})\n", name, pod ? pod_field(*pod, path) : "", str(*f, {"apiVersion"}, "v1"), path));
      } else if (const json* r = at(*from, {"resourceFieldRef"})) {
        const std::string resource = str(*r, {"resource"});
        const std::size_t dot = resource.find('.');
        std::string value = "0";
        if (dot != std::string::npos) {
          const std::string kind = resource.substr(0, dot), rname = resource.substr(dot + 1);
          if (auto q = parse_quantity(at(c, {"resources", kind, rname}))) {
            const double divisor = parse_quantity(at(*r, {"divisor"})).value_or(1.0);
            value = std::to_string(static_cast<std::int64_t>(std::ceil(*q / (divisor > 0 ? divisor : 1.0))));
          }
        }
        if (value == "0" && (resource == "limits.cpu" || resource == "limits.memory")) value = "node allocatable";
        w.write(3, fmt::format("{}:\t{} ({})\n", name, value, resource));
      } else if (const json* s = at(*from, {"secretKeyRef"})) {
        w.write(3, fmt::format("{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", name, str(*s, {"key"}), str(*s, {"name"}),
                               boolean(*s, {"optional"})));
      } else if (const json* m = at(*from, {"configMapKeyRef"})) {
        w.write(3, fmt::format("{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", name, str(*m, {"key"}),
                               str(*m, {"name"}), boolean(*m, {"optional"})));
      }
    }
    std::vector<const json*> mounts;
    for (const json& m : array_at(c, {"volumeMounts"})) mounts.push_back(&m);
    std::stable_sort(mounts.begin(), mounts.end(), [](const json* a, const json* b) { return str(*a, {"mountPath"}) < str(*b, {"mountPath"}); });
    w.write(2, std::string("Mounts:") + (mounts.empty() ? "\t<none>" : "") + "\n");
    for (const json* m : mounts) {
      std::vector<std::string> flags = {boolean(*m, {"readOnly"}) ? "ro" : "rw"};
      if (const std::string sp = str(*m, {"subPath"}); !sp.empty()) flags.push_back(fmt::format("path=\"{}\"", sp));
      w.write(3, fmt::format("{} from {} ({})\n", str(*m, {"mountPath"}), str(*m, {"name"}), join(flags, ",")));
    }
  }
}

void describe_volumes(PrefixWriter& w, const Ctx& ctx, const json& volumes, const std::string& space) {
  if (volumes.empty()) {
    w.write(0, space + "Volumes:\t<none>\n");
    return;
  }
  const bool new_optional = ctx.k8s_minor() >= 33;
  w.write(0, space + "Volumes:\n");
  for (const json& v : volumes) {
    w.write(1, (space.empty() ? "" : " ") + str(v, {"name"}) + ":\n");
    if (const json* e = at(v, {"emptyDir"})) {
      std::string size = "<unset>";
      if (auto q = parse_quantity(at(*e, {"sizeLimit"})); q && *q > 0) size = quantity_str(at(*e, {"sizeLimit"}));
      w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t" + str(*e, {"medium"}) +
                     "\n    SizeLimit:\t" + size + "\n");
    } else if (const json* h = at(v, {"hostPath"})) {
      w.write(2, "Type:\tHostPath (bare host directory volume)\n    Path:\t" + str(*h, {"path"}) + "\n    HostPathType:\t" +
                     str(*h, {"type"}, "<none>") + "\n");
    } else if (const json* s = at(v, {"secret"})) {
      w.write(2, fmt::format("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                             str(*s, {"secretName"}), boolean(*s, {"optional"})));
    } else if (const json* cm = at(v, {"configMap"})) {
      w.write(2, fmt::format("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                             str(*cm, {"name"}), boolean(*cm, {"optional"})));
    } else if (const json* pr = at(v, {"projected"})) {
      w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
      for (const json& src : array_at(*pr, {"sources"})) {
        auto optional = [&](const json& x) -> std::string {
          const json* o = at(x, {"optional"});
          if (new_optional) return o && o->is_boolean() && o->get<bool>() ? "true" : "false";
          return o && o->is_boolean() ? (o->get<bool>() ? "true" : "false") : "<nil>";
        };
        if (const json* s = at(src, {"secret"})) {
          w.write(2, "SecretName:\t" + str(*s, {"name"}) + (new_optional ? "\n    Optional:\t" : "\n    SecretOptionalName:\t") + optional(*s) + "\n");
        } else if (at(src, {"downwardAPI"})) {
          w.write(2, "DownwardAPI:\ttrue\n");
        } else if (const json* c = at(src, {"configMap"})) {
          w.write(2, "ConfigMapName:\t" + str(*c, {"name"}) + (new_optional ? "\n    Optional:\t" : "\n    ConfigMapOptional:\t") + optional(*c) + "\n");
        } else if (const json* t = at(src, {"serviceAccountToken"})) {
          w.write(2, fmt::format("TokenExpirationSeconds:\t{}\n", integer(*t, {"expirationSeconds"}, 3607)));
        }
      }
    } else if (const json* pvc = at(v, {"persistentVolumeClaim"})) {
      w.write(2, fmt::format("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                             "    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                             str(*pvc, {"claimName"}), boolean(*pvc, {"readOnly"})));
    } else {
      w.write(1, "<unknown>\n");
    }
  }
}

}  // namespace

// printPodTolerationsMultiline: sorted by key, one a line.
void describe_tolerations(PrefixWriter& w, const std::string& title, const json& tolerations) {
  w.write(0, title + ":\t");
  std::vector<const json*> tols;
  for (const json& t : tolerations) tols.push_back(&t);
  std::stable_sort(tols.begin(), tols.end(), [](const json* a, const json* b) { return str(*a, {"key"}) < str(*b, {"key"}); });
  if (tols.empty()) w.write(0, "<none>\n");
  for (std::size_t i = 0; i < tols.size(); ++i) {
    const json& t = *tols[i];
    if (i) w.write(0, "\t");
    std::string line = str(t, {"key"});
    if (!str(t, {"value"}).empty()) line += "=" + str(t, {"value"});
    if (!str(t, {"effect"}).empty()) line += ":" + str(t, {"effect"});
    if (str(t, {"operator"}) == "Exists" && str(t, {"value"}).empty())
      line += (!str(t, {"key"}).empty() || !str(t, {"effect"}).empty()) ? " op=Exists" : "op=Exists";
    if (at(t, {"tolerationSeconds"})) line += fmt::format(" for {}s", integer(t, {"tolerationSeconds"}));
    w.write(0, line + "\n");
  }
}

std::vector<ObjectPtr> events_for(const Ctx& ctx, const json& obj) {
  std::vector<ObjectPtr> out;
  const std::string uid = str(obj, {"metadata", "uid"});
  for (const ObjectPtr& ev : ctx.api.list("Event", namespace_of(obj))) {
    if (str(*ev, {"involvedObject", "name"}) != name_of(obj)) continue;
    if (str(*ev, {"involvedObject", "namespace"}, namespace_of(obj)) != namespace_of(obj)) continue;
    if (str(*ev, {"involvedObject", "kind"}) != str(obj, {"kind"})) continue;
    const std::string ev_uid = str(*ev, {"involvedObject", "uid"});
    if (!uid.empty() && !ev_uid.empty() && ev_uid != uid) continue;
    out.push_back(ev);
  }
  // event.SortableEvents: by lastTimestamp.
  std::stable_sort(out.begin(), out.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
    return unix_us(at(*a, {"lastTimestamp"})).value_or(0) < unix_us(at(*b, {"lastTimestamp"})).value_or(0);
  });
  return out;
}

void describe_events(PrefixWriter& w, const Ctx& ctx, const std::vector<ObjectPtr>& events) {
  if (events.empty()) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.write(0, "\f");  // w.Flush(): the events table is aligned on its own
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const ObjectPtr& e : events) {
    std::string first = ctx.since(at(*e, {"eventTime"}));
    if (!unix_us(at(*e, {"eventTime"}))) first = ctx.since(at(*e, {"firstTimestamp"}));
    std::string interval = first;
    if (const json* series = at(*e, {"series"}); series && series->is_object())
      interval = fmt::format("{} (x{} over {})", ctx.since(at(*series, {"lastObservedTime"})), integer(*series, {"count"}), first);
    else if (integer(*e, {"count"}) > 1)
      interval = fmt::format("{} (x{} over {})", ctx.since(at(*e, {"lastTimestamp"})), integer(*e, {"count"}), first);
    std::string source = str(*e, {"source", "component"});
    if (source.empty()) source = str(*e, {"reportingController"});
    std::string message = trim(str(*e, {"message"}));
    if (const std::string fp = str(*e, {"involvedObject", "fieldPath"}); !fp.empty() && ctx.k8s_minor() >= 35) message = fp + ": " + message;
    w.write(1, fmt::format("{}\t{}\t{}\t{}\t{}\n", str(*e, {"type"}), str(*e, {"reason"}), interval, source, message));
  }
}

std::string describe_pod(const Ctx& ctx, const json& pod, bool show_events) {
  PrefixWriter w;
  w.write(0, "Name:\t" + name_of(pod) + "\n");
  w.write(0, "Namespace:\t" + namespace_of(pod) + "\n");
  if (at(pod, {"spec", "priority"})) w.write(0, fmt::format("Priority:\t{}\n", integer(pod, {"spec", "priority"})));
  if (const std::string pc = str(pod, {"spec", "priorityClassName"}); !pc.empty()) w.write(0, "Priority Class Name:\t" + pc + "\n");
  if (const std::string rc = str(pod, {"spec", "runtimeClassName"}); !rc.empty()) w.write(0, "Runtime Class Name:\t" + rc + "\n");
  if (const std::string sa = str(pod, {"spec", "serviceAccountName"}); !sa.empty()) w.write(0, "Service Account:\t" + sa + "\n");
  const std::string node = str(pod, {"spec", "nodeName"});
  w.write(0, node.empty() ? "Node:\t<none>\n" : "Node:\t" + node + "/" + str(pod, {"status", "hostIP"}) + "\n");
  if (const auto st = unix_us(at(pod, {"status", "startTime"}))) w.write(0, "Start Time:\t" + rfc1123z(*st / 1000000) + "\n");
  describe_labels(w, "Labels", at(pod, {"metadata", "labels"}));
  if (ctx.hide_simulator_annotations) {
    const json scrubbed = without_simulator_annotations(pod);
    describe_annotations(w, "Annotations", at(scrubbed, {"metadata", "annotations"}));
  } else {
    describe_annotations(w, "Annotations", at(pod, {"metadata", "annotations"}));
  }
  const std::string phase = str(pod, {"status", "phase"});
  const json* deletion = at(pod, {"metadata", "deletionTimestamp"});
  if (deletion && !deletion->is_null() && phase != "Failed" && phase != "Succeeded") {
    w.write(0, "Status:\tTerminating (lasts " + ctx.since(deletion) + ")\n");
    w.write(0, fmt::format("Termination Grace Period:\t{}s\n", integer(pod, {"metadata", "deletionGracePeriodSeconds"})));
  } else {
    w.write(0, "Status:\t" + phase + "\n");
  }
  if (const std::string r = str(pod, {"status", "reason"}); !r.empty()) w.write(0, "Reason:\t" + r + "\n");
  if (const std::string m = str(pod, {"status", "message"}); !m.empty()) w.write(0, "Message:\t" + m + "\n");
  w.write(0, "IP:\t" + str(pod, {"status", "podIP"}) + "\n");
  const json& ips = array_at(pod, {"status", "podIPs"});
  if (ips.empty()) {
    w.write(0, "IPs:\t<none>\n");
  } else {
    w.write(0, "IPs:\n");
    for (const json& ip : ips) w.write(1, "IP:\t" + str(ip, {"ip"}) + "\n");
  }
  for (const json& ref : array_at(pod, {"metadata", "ownerReferences"}))
    if (boolean(ref, {"controller"})) {
      w.write(0, "Controlled By:\t" + str(ref, {"kind"}) + "/" + str(ref, {"name"}) + "\n");
      break;
    }
  if (const std::string nn = str(pod, {"status", "nominatedNodeName"}); !nn.empty()) w.write(0, "NominatedNodeName:\t" + nn + "\n");
  if (const json& init = array_at(pod, {"spec", "initContainers"}); !init.empty())
    describe_containers(w, ctx, &pod, "Init Containers", init, array_at(pod, {"status", "initContainerStatuses"}), "");
  describe_containers(w, ctx, &pod, "Containers", array_at(pod, {"spec", "containers"}), array_at(pod, {"status", "containerStatuses"}), "");
  if (const json& gates = array_at(pod, {"spec", "readinessGates"}); !gates.empty()) {
    w.write(0, "Readiness Gates:\n  Type\tStatus\n");
    for (const json& g : gates) {
      std::string status = "<none>";
      for (const json& c : array_at(pod, {"status", "conditions"}))
        if (str(c, {"type"}) == str(g, {"conditionType"})) {
          status = str(c, {"status"});
          break;
        }
      w.write(1, str(g, {"conditionType"}) + " \t" + status + " \n");
    }
  }
  if (const json& conds = array_at(pod, {"status", "conditions"}); !conds.empty()) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (const json& c : conds) w.write(1, str(c, {"type"}) + " \t" + str(c, {"status"}) + " \n");
  }
  describe_volumes(w, ctx, array_at(pod, {"spec", "volumes"}), "");
  w.write(0, "QoS Class:\t" + pod_qos(pod) + "\n");
  describe_labels(w, "Node-Selectors", at(pod, {"spec", "nodeSelector"}));
  describe_tolerations(w, "Tolerations", array_at(pod, {"spec", "tolerations"}));
  if (show_events) describe_events(w, ctx, events_for(ctx, pod));
  return tabbed_string(w);
}


std::string tabbed_string(const PrefixWriter& w) {
  std::string out;
  for (const std::string& part : split(w.text, '\f')) out += go_tabwriter(part, 0, 2);
  return out;
}

std::string controlled_by(const json& obj) {
  for (const json& ref : array_at(obj, {"metadata", "ownerReferences"}))
    if (boolean(ref, {"controller"})) return str(ref, {"kind"}) + "/" + str(ref, {"name"});
  return "";
}

void describe_pod_template(PrefixWriter& w, const Ctx& ctx, const json* t) {
  w.write(0, "Pod Template:\n");
  if (!t || !t->is_object()) {
    w.write(1, "<unset>");
    return;
  }
  describe_labels(w, "  Labels", at(*t, {"metadata", "labels"}));
  if (const json* a = at(*t, {"metadata", "annotations"}); a && a->is_object() && !a->empty())
    describe_annotations(w, "  Annotations", a);
  if (const std::string sa = str(*t, {"spec", "serviceAccountName"}); !sa.empty()) w.write(1, "Service Account:\t" + sa + "\n");
  if (const json& init = array_at(*t, {"spec", "initContainers"}); !init.empty())
    describe_containers(w, ctx, nullptr, "Init Containers", init, empty_array(), "  ");
  describe_containers(w, ctx, nullptr, "Containers", array_at(*t, {"spec", "containers"}), empty_array(), "  ");
  describe_volumes(w, ctx, array_at(*t, {"spec", "volumes"}), "  ");
  // describeTopologySpreadConstraints: sorted by topologyKey.
  std::vector<const json*> tscs;
  for (const json& c : array_at(*t, {"spec", "topologySpreadConstraints"})) tscs.push_back(&c);
  std::stable_sort(tscs.begin(), tscs.end(), [](const json* a, const json* b) { return str(*a, {"topologyKey"}) < str(*b, {"topologyKey"}); });
  for (std::size_t i = 0; i < tscs.size(); ++i) {
    const json& c = *tscs[i];
    w.write(0, i == 0 ? "  Topology Spread Constraints:\t" : "  \t");
    std::string line = fmt::format("{}:{} when max skew {} is exceeded", str(c, {"topologyKey"}), str(c, {"whenUnsatisfiable"}), integer(c, {"maxSkew"}));
    if (const json* sel = at(c, {"labelSelector"}); sel && !sel->is_null()) line += " for selector " + format_label_selector(*sel);
    w.write(0, line + "\n");
  }
  if (const std::string pc = str(*t, {"spec", "priorityClassName"}); !pc.empty()) w.write(1, "Priority Class Name:\t" + pc + "\n");
  describe_labels(w, "  Node-Selectors", at(*t, {"spec", "nodeSelector"}));
  describe_tolerations(w, "  Tolerations", array_at(*t, {"spec", "tolerations"}));
}

namespace {

// describerMap (k8s.io/kubectl v0.32.0 pkg/describe/describe.go): the kinds kubectl has its own
// describer for, by API group. A kind outside it is printed by the generic describer; a kind in
// it that kcsim has not written the describer of is refused rather than printed wrongly.
bool has_own_describer(const std::string& group, const std::string& kind) {
  static const std::vector<std::pair<std::string, std::string>> kOwn = {
      {"", "Pod"}, {"", "ReplicationController"}, {"", "Secret"}, {"", "Service"}, {"", "ServiceAccount"}, {"", "Node"},
      {"", "LimitRange"}, {"", "ResourceQuota"}, {"", "PersistentVolume"}, {"", "PersistentVolumeClaim"}, {"", "Namespace"},
      {"", "Endpoints"}, {"", "ConfigMap"}, {"", "PriorityClass"}, {"discovery.k8s.io", "EndpointSlice"},
      {"autoscaling", "HorizontalPodAutoscaler"}, {"extensions", "Ingress"}, {"networking.k8s.io", "Ingress"},
      {"networking.k8s.io", "IngressClass"}, {"networking.k8s.io", "ServiceCIDR"}, {"networking.k8s.io", "IPAddress"},
      {"batch", "Job"}, {"batch", "CronJob"}, {"apps", "StatefulSet"}, {"apps", "Deployment"}, {"apps", "DaemonSet"},
      {"apps", "ReplicaSet"}, {"certificates.k8s.io", "CertificateSigningRequest"}, {"storage.k8s.io", "StorageClass"},
      {"storage.k8s.io", "CSINode"}, {"storage.k8s.io", "VolumeAttributesClass"}, {"policy", "PodDisruptionBudget"},
      {"rbac.authorization.k8s.io", "Role"}, {"rbac.authorization.k8s.io", "ClusterRole"},
      {"rbac.authorization.k8s.io", "RoleBinding"}, {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
      {"networking.k8s.io", "NetworkPolicy"}, {"scheduling.k8s.io", "PriorityClass"}};
  return std::find(kOwn.begin(), kOwn.end(), std::make_pair(group, kind)) != kOwn.end();
}

using Describer = std::string (*)(const Ctx&, const json&, bool);

Describer describer_for(const Resource& res) {
  const std::string group = res.group();
  if (group.empty() && res.kind == "Pod") return describe_pod;
  if (group == "apps" && res.kind == "Deployment") return describe_deployment;
  if (group == "apps" && res.kind == "ReplicaSet") return describe_replicaset;
  if (group == "autoscaling" && res.kind == "HorizontalPodAutoscaler") return describe_hpa;
  if (!has_own_describer(group, res.kind)) return describe_generic;
  return nullptr;
}

}  // namespace

// kubectl describe TYPE [NAME_PREFIX...] | TYPE/NAME [-n NS | -A] [-l SELECTOR] [--show-events=false]
// (k8s.io/kubectl v0.32.0 pkg/cmd/describe/describe.go Run): the objects by name, or every
// object of the type (in the namespace, or all with -A) that the selector selects, separated by
// a blank line pair. With exactly TYPE and one NAME that does not exist, DescribeMatchingResources
// describes every object whose name starts with NAME instead, each followed by a newline; none:
// the NotFound error.
KubectlResult run_describe(const Ctx& ctx, const std::vector<std::string>& args) {
  const Parsed p = parse_flags(args, {{"namespace", 'n', true}, {"all-namespaces", 'A', false}, {"selector", 'l', true}, {"show-events", 0, false}},
                               "kubectl describe");
  KubectlResult result;
  if (p.positional.empty()) {
    result.err = "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n";
    result.status = 1;
    return result;
  }
  const std::string ns = p.get("namespace", "default");
  const bool all_ns = p.flag("all-namespaces");
  const bool show_events = !p.has("show-events") || p.flag("show-events");
  std::string type = p.positional[0];
  std::vector<std::string> names(p.positional.begin() + 1, p.positional.end());
  const bool type_slash_name = type.find('/') != std::string::npos;
  if (type_slash_name) {
    names.insert(names.begin(), type.substr(type.find('/') + 1));
    type = type.substr(0, type.find('/'));
  }
  const auto res = resolve_resource(ctx.api, type);
  if (!res) {
    result.err = fmt::format("error: the server doesn't have a resource type \"{}\"\n", type);
    result.status = 1;
    return result;
  }
  const Describer describer = describer_for(*res);
  if (!describer)
    throw KubectlUsageError(fmt::format("kcsim kubectl describes pods, deployments, replicasets, horizontalpodautoscalers and "
                                        "custom resources (scaledobjects, httpscaledobjects, applications, ...), not {}; try: get {} NAME -o yaml",
                                        res->plural, res->plural));
  const std::string obj_ns = res->namespaced ? ns : "";
  auto describe = [&](const ObjectPtr& o) {
    if (!ctx.hide_simulator_annotations) return describer(ctx, *o, show_events);
    return describer(ctx, without_simulator_annotations(*o), show_events);
  };
  std::vector<ObjectPtr> objects;
  if (names.empty()) {
    const std::vector<Requirement> selector = parse_selector(p.get("selector"));
    for (const ObjectPtr& o : all_ns || !res->namespaced ? ctx.api.list(res->kind) : ctx.api.list(res->kind, ns))
      if (selector_matches(selector, at(*o, {"metadata", "labels"}))) objects.push_back(o);
    if (objects.empty()) result.err = no_resources(all_ns, ns);
  } else if (names.size() == 1 && !type_slash_name && !ctx.api.get({res->kind, obj_ns, names[0]})) {
    for (const ObjectPtr& o : ctx.api.list(res->kind, obj_ns))
      if (name_of(*o).rfind(names[0], 0) == 0) result.out += describe(o) + "\n";
    if (result.out.empty()) result.err = not_found(*res, names[0]), result.status = 1;
    return result;
  } else {
    for (const std::string& n : names) {
      if (const ObjectPtr o = ctx.api.get({res->kind, obj_ns, n})) objects.push_back(o);
      else result.err += not_found(*res, n), result.status = 1;
    }
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (i) result.out += "\n\n";
    result.out += describe(objects[i]);
  }
  return result;
}

}  // namespace kcsim::kubectl_detail
