// Strategic merge patch (include/kcsim/serve/strategic_merge_patch.hpp).
#include "kcsim/serve/strategic_merge_patch.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace kcsim {
namespace {

// A list field's patch strategy: merged by `key` (an empty key: a merged list of scalars), or
// replaced (nothing).
struct ListStrategy {
  std::string key;
};

// The path of a field from the object's root, list elements not counted:
// {"spec", "template", "spec", "containers", "env"}.
using Path = std::vector<std::string>;

// Where a kind keeps its PodSpec (k8s.io/api: PodTemplateSpec in apps/v1 and batch/v1).
std::optional<Path> pod_spec_path(const std::string& kind) {
  if (kind == "Pod") return Path{"spec"};
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "Job" ||
      kind == "ReplicationController" || kind == "PodTemplate")
    return kind == "PodTemplate" ? Path{"template", "spec"} : Path{"spec", "template", "spec"};
  if (kind == "CronJob") return Path{"spec", "jobTemplate", "spec", "template", "spec"};
  return std::nullopt;
}

bool starts_with(const Path& path, const Path& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// The struct tags of k8s.io/api v1.32 (core/v1/types.go, meta/v1/types.go, apps/v1/types.go).
std::optional<ListStrategy> strategic_merge_keys(const std::string& kind, const Path& path) {
  if (path.empty()) return std::nullopt;
  const std::string& field = path.back();
  // ObjectMeta, at the root or in a template: ownerReferences by uid, finalizers merged.
  if (path.size() >= 2 && path[path.size() - 2] == "metadata") {
    if (field == "ownerReferences") return ListStrategy{"uid"};
    if (field == "finalizers") return ListStrategy{""};
    return std::nullopt;
  }
  // Conditions of every built-in status (PodStatus, DeploymentStatus, ...) by type.
  if (path.size() == 2 && path[0] == "status" && field == "conditions") return ListStrategy{"type"};
  if (kind == "Service" && path == Path{"spec", "ports"}) return ListStrategy{"port"};
  if (const std::optional<Path> pod = pod_spec_path(kind); pod && starts_with(path, *pod)) {
    const Path rest(path.begin() + static_cast<std::ptrdiff_t>(pod->size()), path.end());
    if (rest.size() == 1) {
      if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" || field == "volumes" ||
          field == "imagePullSecrets" || field == "resourceClaims" || field == "schedulingGates")
        return ListStrategy{"name"};
      if (field == "hostAliases") return ListStrategy{"ip"};
      if (field == "topologySpreadConstraints") return ListStrategy{"topologyKey"};
    }
    if (rest.size() == 2 && (rest[0] == "containers" || rest[0] == "initContainers" || rest[0] == "ephemeralContainers")) {
      if (field == "ports") return ListStrategy{"containerPort"};
      if (field == "env") return ListStrategy{"name"};
      if (field == "volumeMounts") return ListStrategy{"mountPath"};
      if (field == "volumeDevices") return ListStrategy{"devicePath"};
    }
  }
  return std::nullopt;
}

constexpr std::string_view kPatch = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

bool has_prefix(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

json merge_map(const json& original, const json& patch, const std::string& kind, Path& path);

// A list field: merged by the strategy's key, or replaced by the patch's list.
json merge_list(const json& original, const json& patch, const std::string& kind, Path& path) {
  const std::optional<ListStrategy> strategy = strategic_merge_keys(kind, path);
  json out = original.is_array() ? original : json::array();
  if (!strategy) {
    // Replaced; a directive inside (an element `{"$patch": ...}`) has no meaning here and is an
    // error upstream too (mergepatch ErrBadPatchFormatForPrimitiveList for scalars).
    json list = json::array();
    for (const json& e : patch) list.push_back(e.is_object() ? merge_map(json::object(), e, kind, path) : e);
    return list;
  }
  if (strategy->key.empty()) {  // a merged list of scalars: the union, stored values first
    for (const json& e : patch)
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    return out;
  }
  const std::string& key = strategy->key;
  // `{"$patch": "replace"}` among the elements: the list is the patch's other elements.
  for (const json& e : patch)
    if (e.is_object() && e.contains(kPatch) && e[std::string(kPatch)] == "replace") {
      json list = json::array();
      for (const json& x : patch)
        if (!(x.is_object() && x.contains(kPatch))) list.push_back(merge_map(json::object(), x, kind, path));
      return list;
    }
  for (const json& e : patch) {
    if (!e.is_object() || !e.contains(key))
      throw std::invalid_argument(fmt::format("map: {} does not contain declared merge key: {}", e.dump(), key));
    auto same = std::find_if(out.begin(), out.end(), [&](const json& o) { return o.is_object() && o.contains(key) && o[key] == e[key]; });
    const std::string directive = e.contains(kPatch) && e[std::string(kPatch)].is_string() ? e[std::string(kPatch)].get<std::string>() : "";
    if (directive == "delete") {
      if (same != out.end()) out.erase(same);
      continue;
    }
    if (same != out.end()) *same = merge_map(*same, e, kind, path);
    else out.push_back(merge_map(json::object(), e, kind, path));
  }
  return out;
}

// `$setElementOrder/FIELD`: the elements named, in that order, then the rest in stored order.
json reorder(const json& list, const json& order, const std::string& key) {
  if (!list.is_array() || !order.is_array()) return list;
  json out = json::array();
  std::vector<bool> taken(list.size(), false);
  for (const json& o : order) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (taken[i]) continue;
      const bool match = key.empty() ? list[i] == o
                                     : (o.is_object() && o.contains(key) && list[i].is_object() && list[i].contains(key) && list[i][key] == o[key]);
      if (match) {
        out.push_back(list[i]);
        taken[i] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < list.size(); ++i)
    if (!taken[i]) out.push_back(list[i]);
  return out;
}

json merge_map(const json& original, const json& patch, const std::string& kind, Path& path) {
  if (!patch.is_object()) throw std::invalid_argument("invalid JSON document: a strategic merge patch must be a JSON object");
  if (patch.contains(kPatch)) {
    const json& d = patch[std::string(kPatch)];
    if (d == "replace") {
      json copy = patch;
      copy.erase(std::string(kPatch));
      return merge_map(json::object(), copy, kind, path);
    }
    if (d != "merge" && d != "delete")
      throw std::invalid_argument(fmt::format("Unable to find unknown directive \"{}\" in map", d.is_string() ? d.get<std::string>() : d.dump()));
  }
  json out = original.is_object() ? original : json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& k = it.key();
    if (k == kPatch || k == kRetainKeys || has_prefix(k, kSetElementOrder) || has_prefix(k, kDeleteFromPrimitiveList)) continue;
    const json& v = it.value();
    if (v.is_null()) {
      out.erase(k);
      continue;
    }
    path.push_back(k);
    if (v.is_object()) {
      if (v.contains(kPatch) && v[std::string(kPatch)] == "delete") out.erase(k);
      else out[k] = merge_map(out.contains(k) ? out[k] : json::object(), v, kind, path);
    } else if (v.is_array()) {
      out[k] = merge_list(out.contains(k) ? out[k] : json::array(), v, kind, path);
    } else {
      out[k] = v;
    }
    path.pop_back();
  }
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& k = it.key();
    if (has_prefix(k, kDeleteFromPrimitiveList)) {
      const std::string field = k.substr(kDeleteFromPrimitiveList.size());
      if (!it->is_array()) throw std::invalid_argument("invalid patch: $deleteFromPrimitiveList must be a list");
      if (out.contains(field) && out[field].is_array()) {
        json kept = json::array();
        for (const json& e : out[field])
          if (std::find(it->begin(), it->end(), e) == it->end()) kept.push_back(e);
        out[field] = std::move(kept);
      }
    } else if (has_prefix(k, kSetElementOrder)) {
      const std::string field = k.substr(kSetElementOrder.size());
      if (!it->is_array()) throw std::invalid_argument("invalid patch: $setElementOrder must be a list");
      if (out.contains(field)) {
        path.push_back(field);
        const std::optional<ListStrategy> strategy = strategic_merge_keys(kind, path);
        path.pop_back();
        if (strategy) out[field] = reorder(out[field], *it, strategy->key);
      }
    }
  }
  if (patch.contains(kRetainKeys)) {
    const json& keep = patch[std::string(kRetainKeys)];
    if (!keep.is_array()) throw std::invalid_argument("invalid patch: $retainKeys must be a list");
    for (auto it = out.begin(); it != out.end();) {
      if (std::find(keep.begin(), keep.end(), json(it.key())) == keep.end()) it = out.erase(it);
      else ++it;
    }
  }
  return out;
}

}  // namespace

bool strategic_merge_patch_supported(std::string_view group) {
  static const std::set<std::string, std::less<>> kBuiltIn = {
      "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io", "discovery.k8s.io",
      "coordination.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "events.k8s.io", "node.k8s.io", "certificates.k8s.io"};
  return kBuiltIn.count(group) > 0;
}

json strategic_merge_patch(const json& original, const json& patch, const std::string& kind) {
  Path path;
  return merge_map(original, patch, kind, path);
}

}  // namespace kcsim
