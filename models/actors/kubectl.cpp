// A person (or a CI job) running kubectl at the instants of the scenario's timeline.
// Field managers are kubectl's defaults (kubernetes staging/src/k8s.io/kubectl/pkg/cmd/*):
// client-side apply "kubectl-client-side-apply", server-side apply "kubectl", scale "kubectl"
// (subresource scale), edit "kubectl-edit", patch "kubectl-patch".
#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "kcsim/apiserver/controller.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/json_pointer.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/k8s/object_validation.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim {
namespace {


// kubectl's resource names and short names → kind.
const std::map<std::string, std::string>& kind_aliases() {
  static const std::map<std::string, std::string> m = {
      {"deployment", "Deployment"},   {"deployments", "Deployment"},    {"deploy", "Deployment"},
      {"replicaset", "ReplicaSet"},   {"replicasets", "ReplicaSet"},    {"rs", "ReplicaSet"},
      {"pod", "Pod"},                 {"pods", "Pod"},                  {"po", "Pod"},
      {"statefulset", "StatefulSet"}, {"sts", "StatefulSet"},           {"hpa", "HorizontalPodAutoscaler"},
      {"horizontalpodautoscaler", "HorizontalPodAutoscaler"},
      {"scaledobject", "ScaledObject"}, {"so", "ScaledObject"},
      {"httpscaledobject", "HTTPScaledObject"}, {"httpso", "HTTPScaledObject"},
      {"application", "Application"}, {"applications", "Application"}, {"app", "Application"},
      {"service", "Service"},         {"svc", "Service"},               {"configmap", "ConfigMap"},
      {"cm", "ConfigMap"}};
  return m;
}

// A resource name of a target: the aliases above, then the singular, plural and short names of
// the namespaced kinds of the kind table (what `kcsim serve --record` writes: "secret/db").
std::optional<std::string> resolve_kind(const std::string& name) {
  if (const auto it = kind_aliases().find(name); it != kind_aliases().end()) return it->second;
  for (const KindInfo& k : known_kinds()) {
    if (!k.namespaced) continue;
    if (k.singular == name || k.plural == name ||
        std::find(k.short_names.begin(), k.short_names.end(), name) != k.short_names.end())
      return k.kind;
  }
  return std::nullopt;
}

// Client-side apply as a JSON merge patch computed from (last-applied, new config): set every
// field of the new config, remove fields that were in last-applied and are gone now. kubectl
// computes a three-way strategic merge patch (apply/patcher.go); merge-patch differs only for
// lists, which it replaces whole.
json three_way_patch(const json& last_applied, const json& config, const json& live) {
  json patch = json::object();
  if (last_applied.is_object())
    for (auto& [k, v] : last_applied.items())
      if (!config.contains(k)) patch[k] = nullptr;
  for (auto& [k, v] : config.items()) {
    const json* old = last_applied.is_object() && last_applied.contains(k) ? &last_applied[k] : nullptr;
    const json* cur = live.is_object() && live.contains(k) ? &live[k] : nullptr;
    if (v.is_object() && cur && cur->is_object()) {
      json sub = three_way_patch(old ? *old : json(), v, *cur);
      if (!sub.empty()) patch[k] = std::move(sub);
    } else if (!cur || *cur != v) {
      patch[k] = v;
    }
  }
  return patch;
}

class Kubectl final : public Controller {
 public:
  explicit Kubectl(World& world) : Controller(world, "kubectl") {
    set_start_jitter(Duration{0});  // a person at the scenario's clock: actions run at their `at`
    const auto& timeline = world.scenario().timeline;
    for (std::size_t i = 0; i < timeline.size(); ++i) {
      const TimelineAction& a = timeline[i];
      if (a.action.rfind("kubectl ", 0) != 0) continue;
      validate(a);
      world.claim_action(i);
      actions_.push_back(i);
    }
  }

  void start() override {
    for (std::size_t i : actions_) schedule(world().scenario().timeline[i].at, 0, i);
  }

  std::optional<Duration> reconcile(const std::string&) override { return std::nullopt; }

 private:
  [[noreturn]] void fail(const TimelineAction& a, const std::string& field, const std::string& expected,
                         const std::string& found) const {
    throw InputError(world().scenario().file, a.pointer + (field.empty() ? "" : "/" + field), expected, found);
  }

  void validate(const TimelineAction& a) const {
    static const std::map<std::string, std::vector<std::string>> allowed = {
        {"kubectl apply", {"manifest", "serverSide", "forceConflicts", "fieldManager"}},
        {"kubectl scale", {"target", "namespace", "replicas", "fieldManager"}},
        {"kubectl delete", {"target", "namespace", "selector", "gracePeriod"}},
        {"kubectl edit", {"target", "namespace", "set"}},
        {"kubectl patch", {"target", "namespace", "patch", "fieldManager"}}};
    auto it = allowed.find(a.action);
    if (it == allowed.end())
      fail(a, "action", "expected kubectl apply, kubectl scale, kubectl delete, kubectl edit or kubectl patch",
           describe_found(a.action));
    for (auto& [k, v] : a.spec.items()) {
      if (k == "at" || k == "action" || k == "description") continue;
      if (std::find(it->second.begin(), it->second.end(), k) == it->second.end())
        fail(a, k, fmt::format("expected one of at, action, description, {}", fmt::join(it->second, ", ")),
             fmt::format("unknown field \"{}\"", k));
    }
    if (a.action == "kubectl apply") {
      if (!a.spec.contains("manifest") || !a.spec["manifest"].is_object() || !a.spec["manifest"].contains("kind") ||
          !a.spec["manifest"].contains("metadata"))
        fail(a, "manifest", "expected a Kubernetes manifest with kind and metadata",
             a.spec.contains("manifest") ? describe_found(a.spec["manifest"]) : "nothing");
      validate_object(a.spec["manifest"], world().scenario().file, a.pointer + "/manifest");
      return;
    }
    if (!a.spec.contains("target") || !a.spec["target"].is_string())
      fail(a, "target", "expected \"kind/name\" such as \"deployment/web\"",
           a.spec.contains("target") ? describe_found(a.spec["target"]) : "nothing");
    const std::string target = a.spec["target"];
    const auto slash = target.find('/');
    std::string kind = target.substr(0, slash);
    std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
    if (!resolve_kind(kind))
      fail(a, "target", "expected a known resource (deployment, pod, hpa, scaledobject, application, ...)",
           describe_found(a.spec["target"]));
    if (slash == std::string::npos && !(a.action == "kubectl delete" && a.spec.contains("selector")))
      fail(a, "target", "expected \"kind/name\"", describe_found(a.spec["target"]));
    if (a.action == "kubectl scale" &&
        (!a.spec.contains("replicas") || !a.spec["replicas"].is_number_integer() || a.spec["replicas"].get<std::int64_t>() < 0))
      fail(a, "replicas", "expected a non-negative integer",
           a.spec.contains("replicas") ? describe_found(a.spec["replicas"]) : "nothing");
    if (a.action == "kubectl edit" && (!a.spec.contains("set") || !a.spec["set"].is_object()))
      fail(a, "set", "expected an object of JSON pointer: new value", a.spec.contains("set") ? describe_found(a.spec["set"]) : "nothing");
    if (a.action == "kubectl edit")
      for (auto& [pointer, value] : a.spec["set"].items()) {
        const auto problem = pointer.empty() ? std::optional<std::string>("\"\" (the whole object)") : json_pointer_problem(pointer);
        if (problem) fail(a, "set/" + escape_pointer_token(pointer), "expected a JSON pointer to a field such as \"/spec/replicas\"", *problem);
      }
    if (a.action == "kubectl patch" && (!a.spec.contains("patch") || !a.spec["patch"].is_object()))
      fail(a, "patch", "expected a JSON merge patch object", a.spec.contains("patch") ? describe_found(a.spec["patch"]) : "nothing");
  }

  ObjectRef target_of(const TimelineAction& a) const {
    const std::string target = a.spec["target"];
    const auto slash = target.find('/');
    std::string kind = target.substr(0, slash);
    std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
    return ObjectRef{*resolve_kind(kind), a.spec.value("namespace", "default"),
                     slash == std::string::npos ? "" : target.substr(slash + 1)};
  }

  void on_timer(std::uint32_t, std::uint64_t index) override {
    const TimelineAction& a = world().scenario().timeline[index];
    if (a.action == "kubectl apply") apply(a);
    else if (a.action == "kubectl scale") {
      // kubectl scale sends no resourceVersion precondition unless --resource-version is given.
      api().update_scale(target_of(a), a.spec["replicas"].get<std::int64_t>(), "", a.spec.value("fieldManager", "kubectl"));
    } else if (a.action == "kubectl delete") {
      const ObjectRef ref = target_of(a);
      DeleteOptions options;
      if (a.spec.contains("gracePeriod")) options.grace_period_seconds = a.spec["gracePeriod"].get<std::int64_t>();
      if (a.spec.contains("selector")) {
        for (const ObjectPtr& obj : api().list(ref.kind, ref.ns, a.spec["selector"]))
          api().remove(ObjectRef::of(*obj), "kubectl", options);
      } else {
        api().remove(ref, "kubectl", options);
      }
    } else if (a.action == "kubectl edit") {
      // kubectl edit: GET, change in an editor, PUT back with the read resourceVersion.
      const ObjectRef ref = target_of(a);
      if (ObjectPtr live = api().get(ref)) {
        json edited = *live;
        // What an editor can do: change or add a field, append to a list; an index past the end
        // of a list has no meaning in the edited YAML and is an input error.
        for (auto& [pointer, value] : a.spec["set"].items())
          if (const auto problem = set_at_pointer(edited, pointer, value))
            fail(a, "set/" + escape_pointer_token(pointer), problem->expected, problem->found);
        api().update(std::move(edited), "kubectl-edit");
      }
    } else if (a.action == "kubectl patch") {
      api().merge_patch(target_of(a), a.spec["patch"], a.spec.value("fieldManager", "kubectl-patch"));
    }
  }

  void apply(const TimelineAction& a) {
    json config = a.spec["manifest"];
    if (!config["metadata"].contains("namespace")) config["metadata"]["namespace"] = "default";
    if (a.spec.value("serverSide", false)) {
      api().apply(config, a.spec.value("fieldManager", "kubectl"), a.spec.value("forceConflicts", false));
      return;
    }
    const std::string manager = a.spec.value("fieldManager", "kubectl-client-side-apply");
    const ObjectRef ref = ObjectRef::of(config);
    ObjectPtr live = api().get(ref);
    json annotated = config;
    annotated["metadata"]["annotations"][k8s::kLastAppliedConfigAnnotation] = config.dump();
    if (!live) {
      api().create(std::move(annotated), manager);
      return;
    }
    json last_applied;
    const json::json_pointer p("/metadata/annotations/" + escape_pointer_token(k8s::kLastAppliedConfigAnnotation));
    if (live->contains(p)) last_applied = json::parse(live->at(p).get<std::string>(), nullptr, false);
    json patch = three_way_patch(last_applied, annotated, *live);
    if (!patch.empty()) api().merge_patch(ref, patch, manager);
  }

  std::vector<std::size_t> actions_;
};

KCSIM_REGISTER_MODEL(Kubectl, "kubectl");

}  // namespace
}  // namespace kcsim
