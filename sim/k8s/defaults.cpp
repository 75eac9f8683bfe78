#include "kcsim/k8s/defaults.hpp"

#include <string>

#include "kcsim/k8s/image_name.hpp"
#include "kcsim/k8s/types/horizontal_pod_autoscaler.hpp"

namespace kcsim::k8s {
namespace {

using json = nlohmann::json;

// Go's defaulters test a string for "" and a pointer for nil: an absent member, a null, or an
// empty string is unset.
bool unset_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty());
}

void default_string(json& obj, const char* key, const char* value) {
  if (unset_string(obj, key)) obj[key] = value;
}

// A pointer field (*int32, *bool, *struct): only nil gets the default.
void default_pointer(json& obj, const char* key, json value) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) obj[key] = std::move(value);
}

// A plain int32 field: 0 is Go's zero value, so 0 gets the default too (SetDefaults_Probe).
void default_int(json& obj, const char* key, int value) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null() || (it->is_number_integer() && it->get<std::int64_t>() == 0))
    obj[key] = value;
}

json* object_member(json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_object() ? &*it : nullptr;
}

template <typename F>
void for_each_object(json& obj, const char* key, F&& f) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return;
  for (json& item : *it)
    if (item.is_object()) f(item);
}

// SetDefaults_HTTPGetAction.
void http_get_defaults(json& handler) {
  if (json* get = object_member(handler, "httpGet")) {
    default_string(*get, "path", "/");
    default_string(*get, "scheme", "HTTP");
  }
}

// SetDefaults_Probe (and the HTTPGetAction inside).
void probe_defaults(json& probe) {
  default_int(probe, "timeoutSeconds", 1);
  default_int(probe, "periodSeconds", 10);
  default_int(probe, "successThreshold", 1);
  default_int(probe, "failureThreshold", 3);
  http_get_defaults(probe);
}

// SetDefaults_ObjectFieldSelector.
void field_ref_defaults(json& holder) {
  if (json* ref = object_member(holder, "fieldRef")) default_string(*ref, "apiVersion", "v1");
}

// SetDefaults_Container, SetDefaults_ContainerPort, the probes and lifecycle handlers.
void container_defaults(json& c) {
  if (unset_string(c, "imagePullPolicy")) {
    // An image that does not parse (here: none) has no tag: IfNotPresent, as upstream ignores the
    // parse error.
    c["imagePullPolicy"] = unset_string(c, "image") || !c["image"].is_string()
                               ? std::string("IfNotPresent")
                               : default_pull_policy(c["image"].get_ref<const std::string&>());
  }
  default_string(c, "terminationMessagePath", "/dev/termination-log");
  default_string(c, "terminationMessagePolicy", "File");
  // resources is a struct, not a pointer, and encoding/json does not omit an empty struct.
  default_pointer(c, "resources", json::object());
  for_each_object(c, "ports", [](json& p) { default_string(p, "protocol", "TCP"); });
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"})
    if (json* p = object_member(c, probe)) probe_defaults(*p);
  if (json* lifecycle = object_member(c, "lifecycle"))
    for (const char* hook : {"postStart", "preStop"})
      if (json* h = object_member(*lifecycle, hook)) http_get_defaults(*h);
  for_each_object(c, "env", [](json& e) {
    if (json* from = object_member(e, "valueFrom")) field_ref_defaults(*from);
  });
}

// SetDefaults_SecretVolumeSource, _ConfigMapVolumeSource, _DownwardAPIVolumeSource,
// _ProjectedVolumeSource: defaultMode 0644 (420), and the downward API's fieldRef apiVersion.
void volume_defaults(json& v) {
  for (const char* source : {"secret", "configMap", "downwardAPI", "projected"})
    if (json* s = object_member(v, source)) default_pointer(*s, "defaultMode", 420);
  if (json* d = object_member(v, "downwardAPI")) for_each_object(*d, "items", field_ref_defaults);
  if (json* p = object_member(v, "projected"))
    for_each_object(*p, "sources", [](json& src) {
      if (json* d = object_member(src, "downwardAPI")) for_each_object(*d, "items", field_ref_defaults);
    });
}

// SetDefaults_Pod: requests default to limits, key by key, in a Pod (not in a template: the
// comment upstream says why), and enableServiceLinks.
void pod_defaults(json& pod) {
  json* spec = object_member(pod, "spec");
  if (!spec) return;
  for (const char* list : {"initContainers", "containers"})
    for_each_object(*spec, list, [](json& c) {
      json* resources = object_member(c, "resources");
      json* limits = resources ? object_member(*resources, "limits") : nullptr;
      if (!limits || limits->empty()) return;
      json& requests = (*resources)["requests"];
      if (!requests.is_object()) requests = json::object();
      for (auto it = limits->begin(); it != limits->end(); ++it)
        if (!requests.contains(it.key())) requests[it.key()] = it.value();
    });
  default_pointer(*spec, "enableServiceLinks", true);
  apply_pod_spec_defaults(*spec);
}

void template_defaults(json& spec) {
  if (json* tmpl = object_member(spec, "template"))
    if (json* pod_spec = object_member(*tmpl, "spec")) apply_pod_spec_defaults(*pod_spec);
}

// apps/v1 SetDefaults_Deployment.
void deployment_defaults(json& d) {
  json* spec = object_member(d, "spec");
  if (!spec) return;
  default_pointer(*spec, "replicas", 1);
  json& strategy = (*spec)["strategy"];
  if (!strategy.is_object()) strategy = json::object();
  default_string(strategy, "type", "RollingUpdate");
  if (strategy["type"] == "RollingUpdate") {
    json& rolling = strategy["rollingUpdate"];
    if (!rolling.is_object()) rolling = json::object();
    default_pointer(rolling, "maxUnavailable", "25%");
    default_pointer(rolling, "maxSurge", "25%");
  }
  default_pointer(*spec, "revisionHistoryLimit", 10);
  default_pointer(*spec, "progressDeadlineSeconds", 600);
  template_defaults(*spec);
}

// apps/v1 SetDefaults_ReplicaSet.
void replica_set_defaults(json& rs) {
  json* spec = object_member(rs, "spec");
  if (!spec) return;
  default_pointer(*spec, "replicas", 1);
  template_defaults(*spec);
}

// core/v1 SetDefaults_Service. The registry's allocations (clusterIP, ipFamilies) are not
// defaults; kcsim's views derive the address (sim/views/service_cluster_ip.cpp).
void service_defaults(json& svc) {
  json* spec = object_member(svc, "spec");
  if (!spec) return;
  default_string(*spec, "sessionAffinity", "None");
  default_string(*spec, "type", "ClusterIP");
  for_each_object(*spec, "ports", [](json& p) {
    default_string(p, "protocol", "TCP");
    // targetPort 0 or "" becomes the port.
    const auto t = p.find("targetPort");
    const bool zero = t != p.end() && t->is_number_integer() && t->get<std::int64_t>() == 0;
    if ((unset_string(p, "targetPort") || zero) && p.contains("port")) p["targetPort"] = p["port"];
  });
  const std::string type = (*spec)["type"].is_string() ? (*spec)["type"].get<std::string>() : "";
  if (type == "NodePort" || type == "LoadBalancer") default_string(*spec, "externalTrafficPolicy", "Cluster");
  if (type == "ClusterIP" || type == "NodePort" || type == "LoadBalancer")
    default_pointer(*spec, "internalTrafficPolicy", "Cluster");
  if (type == "LoadBalancer") default_pointer(*spec, "allocateLoadBalancerNodePorts", true);
}

json scaling_policy(const char* type, int value, int period) {
  return {{"type", type}, {"value", value}, {"periodSeconds", period}};
}

// autoscaling/v2 copyHPAScalingRules: the members `rules` sets win over the defaults.
void fill_scaling_rules(json& behavior, const char* key, json defaults) {
  auto it = behavior.find(key);
  if (it == behavior.end() || !it->is_object()) {
    behavior[key] = std::move(defaults);
    return;
  }
  for (auto d = defaults.begin(); d != defaults.end(); ++d) default_pointer(*it, d.key().c_str(), d.value());
}

// autoscaling/v2 SetDefaults_HorizontalPodAutoscaler and _HorizontalPodAutoscalerBehavior.
void hpa_v2_defaults(json& hpa) {
  json* spec = object_member(hpa, "spec");
  if (!spec) return;
  default_pointer(*spec, "minReplicas", 1);
  auto metrics = spec->find("metrics");
  if (metrics == spec->end() || !metrics->is_array() || metrics->empty()) {
    (*spec)["metrics"] = json::array(
        {{{"type", "Resource"},
          {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}});
  }
  // Only a behavior the object has is completed; without one it stays absent.
  if (json* behavior = object_member(*spec, "behavior")) {
    fill_scaling_rules(*behavior, "scaleUp",
                       {{"stabilizationWindowSeconds", kScaleUpStabilizationSeconds},
                        {"selectPolicy", kMaxChangePolicySelect},
                        {"policies", json::array({scaling_policy("Pods", kScaleUpLimitMinimumPods, kScaleUpPeriodSeconds),
                                                  scaling_policy("Percent", kScaleUpLimitPercent, kScaleUpPeriodSeconds)})}});
    // defaultHPAScaleDownRules leaves the stabilization window nil: the controller's
    // --horizontal-pod-autoscaler-downscale-stabilization applies.
    fill_scaling_rules(*behavior, "scaleDown",
                       {{"selectPolicy", kMaxChangePolicySelect},
                        {"policies",
                         json::array({scaling_policy("Percent", kScaleDownLimitPercent, kScaleDownPeriodSeconds)})}});
  }
}

}  // namespace

void apply_pod_spec_defaults(json& spec) {
  if (!spec.is_object()) return;
  default_string(spec, "dnsPolicy", "ClusterFirst");
  default_string(spec, "restartPolicy", "Always");
  default_pointer(spec, "securityContext", json::object());
  default_pointer(spec, "terminationGracePeriodSeconds", 30);
  default_string(spec, "schedulerName", "default-scheduler");
  for (const char* list : {"initContainers", "containers"}) for_each_object(spec, list, container_defaults);
  for_each_object(spec, "volumes", volume_defaults);
  // The v1 conversion keeps the deprecated serviceAccount equal to serviceAccountName
  // (pkg/apis/core/v1/conversion.go), and takes serviceAccount when only it is given.
  const auto name = spec.find("serviceAccountName");
  const bool has_name = name != spec.end() && name->is_string() && !name->get_ref<const std::string&>().empty();
  const auto old = spec.find("serviceAccount");
  const bool has_old = old != spec.end() && old->is_string() && !old->get_ref<const std::string&>().empty();
  if (has_name) spec["serviceAccount"] = spec["serviceAccountName"];
  else if (has_old) spec["serviceAccountName"] = spec["serviceAccount"];
}

void apply_defaults(json& object) {
  if (!object.is_object()) return;
  const auto kind_it = object.find("kind");
  const auto version_it = object.find("apiVersion");
  if (kind_it == object.end() || !kind_it->is_string() || version_it == object.end() || !version_it->is_string())
    return;
  const std::string& kind = kind_it->get_ref<const std::string&>();
  const std::string& version = version_it->get_ref<const std::string&>();
  if (version == "v1") {
    if (kind == "Pod") pod_defaults(object);
    else if (kind == "Service") service_defaults(object);
  } else if (version == "apps/v1") {
    if (kind == "Deployment") deployment_defaults(object);
    else if (kind == "ReplicaSet") replica_set_defaults(object);
  } else if (version == "autoscaling/v2") {
    if (kind == "HorizontalPodAutoscaler") hpa_v2_defaults(object);
  }
}

}  // namespace kcsim::k8s
