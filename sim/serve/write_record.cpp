// `kcsim serve --record` (include/kcsim/serve/write_record.hpp).
#include "kcsim/serve/write_record.hpp"

#include <fmt/format.h>

#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/core/text.hpp"

namespace kcsim {
namespace {

constexpr const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

// RFC 7386 CreateMergePatch of two JSON values at one place: members removed become null,
// objects recurse, anything else changed is taken whole (a list is replaced whole).
void diff_into(json& patch, const std::string& key, const json* before, const json* after) {
  if (!after) {
    if (before) patch[key] = nullptr;
    return;
  }
  if (before && *before == *after) return;
  if (before && before->is_object() && after->is_object()) {
    json sub = json::object();
    for (auto it = before->begin(); it != before->end(); ++it)
      if (!after->contains(it.key())) sub[it.key()] = nullptr;
    for (auto it = after->begin(); it != after->end(); ++it)
      diff_into(sub, it.key(), before->contains(it.key()) ? &(*before)[it.key()] : nullptr, &it.value());
    if (!sub.empty()) patch[key] = std::move(sub);
    return;
  }
  patch[key] = *after;
}

const json* member(const json& o, const std::string& key) {
  return o.is_object() && o.contains(key) ? &o[key] : nullptr;
}

json base_action(const char* action, const ServedResource& r, const ObjectRef& ref) {
  return {{"action", action}, {"target", lower(r.kind) + "/" + ref.name}, {"namespace", ref.ns}};
}

}  // namespace

json merge_patch_between(const json& before, const json& after) {
  json patch = json::object();
  std::vector<std::string> keys;
  for (const json* o : {&before, &after})
    if (o->is_object())
      for (auto it = o->begin(); it != o->end(); ++it)
        if (it.key() != "status" && it.key() != "metadata" && it.key() != "kind" && it.key() != "apiVersion") keys.push_back(it.key());
  for (const std::string& k : keys) diff_into(patch, k, member(before, k), member(after, k));
  const json empty = json::object();
  const json* mb = member(before, "metadata");
  const json* ma = member(after, "metadata");
  json meta = json::object();
  for (const char* k : {"labels", "annotations", "finalizers", "ownerReferences"})
    diff_into(meta, k, member(mb ? *mb : empty, k), member(ma ? *ma : empty, k));
  if (!meta.empty()) patch["metadata"] = std::move(meta);
  return patch;
}

json create_action(const ServedResource& r, const json& sent, const std::string& manager, const ObjectPtr& stored) {
  json manifest = sent;
  // The timeline's client-side apply writes the annotation itself from the manifest.
  if (manifest["metadata"].contains("annotations") && manifest["metadata"]["annotations"].is_object()) {
    manifest["metadata"]["annotations"].erase(kLastApplied);
    if (manifest["metadata"]["annotations"].empty()) manifest["metadata"].erase("annotations");
  }
  // A generateName is resolved: the replay creates the name the server gave.
  if (stored && (*stored)["metadata"].contains("name")) {
    manifest["metadata"]["name"] = (*stored)["metadata"]["name"];
    manifest["metadata"].erase("generateName");
  }
  json a = {{"action", "kubectl apply"}, {"manifest", manifest}};
  if (manager != "kubectl-client-side-apply") a["fieldManager"] = manager;
  a["description"] = fmt::format("served: POST (create) {}, manager {}", lower(r.kind), manager);
  return a;
}

json apply_action(const ServedResource& r, const json& sent, const std::string& manager, bool force) {
  json a = {{"action", "kubectl apply"}, {"manifest", sent}, {"serverSide", true}, {"fieldManager", manager}};
  if (force) a["forceConflicts"] = true;
  a["description"] = fmt::format("served: PATCH application/apply-patch+yaml (server-side apply) {}, manager {}{}", lower(r.kind),
                                 manager, force ? ", force" : "");
  return a;
}

json patch_action(const ServedResource& r, const json& before, const json& after, const std::string& manager,
                  const std::string& how) {
  json a = base_action("kubectl patch", r, ObjectRef::of(after));
  a["patch"] = merge_patch_between(before, after);
  a["fieldManager"] = manager;
  a["description"] = "served: " + how;
  return a;
}

json scale_action(const ServedResource& r, const ObjectRef& ref, std::int64_t replicas, const std::string& manager) {
  json a = base_action("kubectl scale", r, ref);
  a["replicas"] = replicas;
  a["fieldManager"] = manager;
  a["description"] = fmt::format("served: scale subresource, manager {}", manager);
  return a;
}

json delete_action(const ServedResource& r, const ObjectRef& ref, std::optional<std::int64_t> grace_period_seconds) {
  json a = base_action("kubectl delete", r, ref);
  if (grace_period_seconds) a["gracePeriod"] = *grace_period_seconds;
  a["description"] = "served: DELETE";
  return a;
}

json scenario_with_writes(const json& raw, std::uint64_t seed, const std::vector<RecordedWrite>& writes,
                          std::vector<std::string>& left_out) {
  json doc = raw;
  doc["seed"] = seed;
  json timeline = doc.contains("timeline") && doc["timeline"].is_array() ? doc["timeline"] : json::array();
  // The instants of the scenario's own entries (validated when the scenario was loaded).
  std::vector<Duration> instants;
  for (const json& e : timeline) instants.push_back(e.contains("at") ? read_duration(e["at"], "", "") : Duration{0});
  for (const RecordedWrite& w : writes) {
    const json& a = w.action;
    if (a.contains("namespace") && a["namespace"] == "") {
      left_out.push_back(fmt::format("{} {} at {} (cluster-scoped: the timeline takes namespaced objects)", a["action"].get<std::string>(),
                                     a["target"].get<std::string>(), format_go_duration(w.at.time_since_epoch())));
      continue;
    }
    const Duration at = w.at.time_since_epoch();
    std::size_t pos = 0;
    while (pos < instants.size() && instants[pos] <= at) ++pos;
    json entry = {{"at", format_go_duration(at)}};
    for (auto it = a.begin(); it != a.end(); ++it) entry[it.key()] = it.value();
    timeline.insert(timeline.begin() + static_cast<std::ptrdiff_t>(pos), entry);
    instants.insert(instants.begin() + static_cast<std::ptrdiff_t>(pos), at);
  }
  doc["timeline"] = std::move(timeline);
  return doc;
}

}  // namespace kcsim
