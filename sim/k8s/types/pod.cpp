#include "kcsim/k8s/types/pod.hpp"

#include <utility>

#include "kcsim/k8s/types/decode.hpp"

namespace kcsim::k8s {
namespace {

using nlohmann::json;
using decode::int_member;
using decode::member;
using decode::object_member;
using decode::string_member;

// The object entries of the list member `key`; none when it is absent or not a list.
template <class T, class Parse>
std::vector<T> parse_list(const json& o, const char* key, Parse parse) {
  std::vector<T> out;
  const json* list = member(o, key);
  if (!list || !list->is_array()) return out;
  for (const json& e : *list)
    if (e.is_object()) out.push_back(parse(e));
  return out;
}

// A quantity as written: a string, or a number's JSON text; anything else is not a quantity.
ResourceList parse_resource_list(const json* list) {
  ResourceList out;
  if (!list || !list->is_object()) return out;
  for (auto it = list->begin(); it != list->end(); ++it) {
    if (it->is_string()) out.emplace(it.key(), it->get<std::string>());
    else if (it->is_number()) out.emplace(it.key(), it->dump());
  }
  return out;
}

ContainerPort parse_container_port(const json& p) {
  return ContainerPort{string_member(p, "name"), int_member(p, "containerPort")};
}

Probe parse_probe(const json& p) {
  Probe probe;
  if (const json* h = object_member(p, "httpGet"))
    probe.http_get = HTTPGetAction{string_member(*h, "path"), parse_int_or_string(member(*h, "port")),
                                   string_member(*h, "host"), string_member(*h, "scheme")};
  if (const json* t = object_member(p, "tcpSocket"))
    probe.tcp_socket = TCPSocketAction{parse_int_or_string(member(*t, "port")), string_member(*t, "host")};
  probe.initial_delay_seconds = int_member(p, "initialDelaySeconds", 0);
  probe.period_seconds = int_member(p, "periodSeconds", 10);
  probe.success_threshold = int_member(p, "successThreshold", 1);
  probe.failure_threshold = int_member(p, "failureThreshold", 3);
  return probe;
}

Container parse_container(const json& c) {
  Container out;
  out.name = string_member(c, "name");
  out.image = string_member(c, "image");
  out.image_pull_policy = string_member(c, "imagePullPolicy");
  out.ports = parse_list<ContainerPort>(c, "ports", parse_container_port);
  if (const json* r = object_member(c, "resources")) {
    out.resources.limits = parse_resource_list(member(*r, "limits"));
    out.resources.requests = parse_resource_list(member(*r, "requests"));
  }
  if (const json* p = object_member(c, "readinessProbe")) out.readiness_probe = parse_probe(*p);
  out.restart_policy = string_member(c, "restartPolicy");
  return out;
}

PodCondition parse_pod_condition(const json& c) {
  return PodCondition{string_member(c, "type"), string_member(c, "status"), string_member(c, "lastTransitionTime")};
}

ContainerStatus parse_container_status(const json& c) {
  return ContainerStatus{string_member(c, "name"), int_member(c, "restartCount")};
}

std::optional<std::int64_t> optional_int_member(const json& o, const char* key) {
  const json* m = member(o, key);
  if (!m || !m->is_number_integer()) return std::nullopt;
  return m->get<std::int64_t>();
}

}  // namespace

PodSpec parse_pod_spec(const json& spec) {
  PodSpec s;
  s.init_containers = parse_list<Container>(spec, "initContainers", parse_container);
  s.containers = parse_list<Container>(spec, "containers", parse_container);
  s.restart_policy = string_member(spec, "restartPolicy");
  s.termination_grace_period_seconds = optional_int_member(spec, "terminationGracePeriodSeconds");
  s.node_name = string_member(spec, "nodeName");
  s.scheduler_name = string_member(spec, "schedulerName");
  return s;
}

PodStatus parse_pod_status(const json& status) {
  PodStatus s;
  s.phase = string_member(status, "phase");
  s.conditions = parse_list<PodCondition>(status, "conditions", parse_pod_condition);
  s.pod_ip = string_member(status, "podIP");
  s.container_statuses = parse_list<ContainerStatus>(status, "containerStatuses", parse_container_status);
  s.init_container_statuses = parse_list<ContainerStatus>(status, "initContainerStatuses", parse_container_status);
  return s;
}

Pod parse_pod(const json& object) {
  Pod p;
  p.metadata = parse_object_meta(object);
  static const json kNone = json::object();
  const json* spec = member(object, "spec");
  const json* status = member(object, "status");
  p.spec = parse_pod_spec(spec ? *spec : kNone);
  p.status = parse_pod_status(status ? *status : kNone);
  return p;
}

}  // namespace kcsim::k8s
