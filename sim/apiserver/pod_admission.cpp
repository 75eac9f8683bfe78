#include "pod_admission.hpp"

#include <cstdint>
#include <string>

#include "kcsim/k8s/name_suffix.hpp"

namespace kcsim {
namespace {

using json = nlohmann::json;

constexpr char kTokenMountPath[] = "/var/run/secrets/kubernetes.io/serviceaccount";
constexpr int kTokenExpirationSeconds = 3607;  // serviceaccount admission: 1 h + 7 s (warn-only extension)
constexpr int kDefaultTolerationSeconds = 300;  // --default-not-ready/unreachable-toleration-seconds

std::string string_member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}


bool mounts_token_path(const json& spec) {
  for (const char* list : {"initContainers", "containers"}) {
    auto it = spec.find(list);
    if (it == spec.end() || !it->is_array()) continue;
    for (const json& c : *it) {
      auto mounts = c.find("volumeMounts");
      if (mounts == c.end() || !mounts->is_array()) continue;
      for (const json& m : *mounts)
        if (string_member(m, "mountPath") == kTokenMountPath) return true;
    }
  }
  return false;
}

// serviceaccount admission: the default account, and the projected token volume mounted
// read-only in every container unless the pod opts out (automountServiceAccountToken: false) or
// already mounts something at the path.
void service_account(json& spec, std::string_view uid) {
  if (string_member(spec, "serviceAccountName").empty()) {
    spec["serviceAccountName"] = "default";
    spec["serviceAccount"] = "default";  // the v1 conversion mirrors it
  }
  auto automount = spec.find("automountServiceAccountToken");
  if (automount != spec.end() && automount->is_boolean() && !automount->get<bool>()) return;
  if (mounts_token_path(spec)) return;
  const std::string name = "kube-api-access-" + k8s::name_suffix_from(uid);
  json volume = {
      {"name", name},
      {"projected",
       {{"defaultMode", 420},
        {"sources",
         json::array({{{"serviceAccountToken", {{"expirationSeconds", kTokenExpirationSeconds}, {"path", "token"}}}},
                      {{"configMap",
                        {{"name", "kube-root-ca.crt"},
                         {"items", json::array({{{"key", "ca.crt"}, {"path", "ca.crt"}}})}}}},
                      {{"downwardAPI",
                        {{"items", json::array({{{"path", "namespace"},
                                                 {"fieldRef",
                                                  {{"apiVersion", "v1"},
                                                   {"fieldPath", "metadata.namespace"}}}}})}}}}})}}}};
  json& volumes = spec["volumes"];
  if (!volumes.is_array()) volumes = json::array();
  volumes.push_back(std::move(volume));
  const json mount = {{"name", name}, {"mountPath", kTokenMountPath}, {"readOnly", true}};
  for (const char* list : {"initContainers", "containers"}) {
    auto it = spec.find(list);
    if (it == spec.end() || !it->is_array()) continue;
    for (json& c : *it) {
      if (!c.is_object()) continue;
      json& mounts = c["volumeMounts"];
      if (!mounts.is_array()) mounts = json::array();
      mounts.push_back(mount);
    }
  }
}

// Whether an existing toleration already covers `key` with the NoExecute effect
// (defaulttolerationseconds admission's check).
bool tolerates(const json& tolerations, std::string_view key) {
  for (const json& t : tolerations) {
    const std::string effect = string_member(t, "effect");
    if (!effect.empty() && effect != "NoExecute") continue;
    const std::string k = string_member(t, "key");
    if (k == key || (k.empty() && string_member(t, "operator") == "Exists")) return true;
  }
  return false;
}

void default_toleration_seconds(json& spec) {
  json& tolerations = spec["tolerations"];
  if (!tolerations.is_array()) tolerations = json::array();
  for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
    if (tolerates(tolerations, key)) continue;
    tolerations.push_back({{"key", key},
                           {"operator", "Exists"},
                           {"effect", "NoExecute"},
                           {"tolerationSeconds", kDefaultTolerationSeconds}});
  }
  if (tolerations.empty()) spec.erase("tolerations");
}

// priority admission without a PriorityClass and without a global default class.
void priority(json& spec) {
  if (!string_member(spec, "priorityClassName").empty()) return;
  if (!spec.contains("priority") || spec["priority"].is_null()) spec["priority"] = 0;
  if (!spec.contains("preemptionPolicy") || spec["preemptionPolicy"].is_null())
    spec["preemptionPolicy"] = "PreemptLowerPriority";
}

}  // namespace

void admit_pod_create(json& pod, std::string_view uid) {
  auto spec = pod.find("spec");
  if (spec == pod.end() || !spec->is_object()) return;
  service_account(*spec, uid);
  default_toleration_seconds(*spec);
  priority(*spec);
}

}  // namespace kcsim
