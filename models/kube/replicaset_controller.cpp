// The ReplicaSet controller of kube-controller-manager (kubernetes
// pkg/controller/replicaset/replica_set.go and pkg/controller/controller_utils.go
// ActivePodsWithRanks, v1.28): keeps spec.replicas pods, creating them in slow-start batches
// and choosing scale-down victims by ActivePodsWithRanks, and reports status through the
// status subresource.
//
// Expectations: upstream records the creates and deletes it issued and skips manageReplicas
// until its informer has observed them (or 5 minutes pass), because its cache lags the API
// server. kcsim's reads come from the API server itself, which is consistent, so the pods just
// created or marked for deletion are always visible to the next sync: the expectations would
// always be satisfied, and are not modelled.
// Pods are claimed by controller ownerReference only (no adoption of orphans by selector).
#include <algorithm>
#include <bit>
#include <map>

#include <fmt/format.h>

#include "active_pods_ranking.hpp"
#include "image_name.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/apiserver/status_update.hpp"
#include "kcsim/apiserver/watch_filter.hpp"
#include "kcsim/k8s/controller_ref.hpp"
#include "kcsim/k8s/pod_ready.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/label_selector.hpp"
#include "slow_start.hpp"

namespace kcsim::models {
namespace {

constexpr const char* kManager = "kube-controller-manager";
constexpr const char* kComponent = "replicaset-controller";
// replica_set.go BurstReplicas (--concurrent-... default 500) and SlowStartInitialBatchSize.
constexpr std::int64_t kBurstReplicas = 500;
constexpr std::int64_t kSlowStartInitialBatchSize = 1;

// controller.IsPodActive.
bool is_active(const json& pod) {
  const std::string phase = str_at(pod, {"status", "phase"});
  return phase != "Succeeded" && phase != "Failed" && !find(pod, {"metadata", "deletionTimestamp"});
}


class ReplicaSetController final : public Controller, public WatchFilter {
 public:
  explicit ReplicaSetController(World& world) : Controller(world, "replicaset-controller") {
    set_workers(5);  // --concurrent-replicaset-syncs (kube-controller-manager default 5)
    for (auto& [key, value] : settings().items())
      if (!is_controller_setting(key))
        throw InputError(world.scenario().file, world.settings_pointer(name()) + "/" + key,
                         "expected enabled, reconcileDuration or startDelay (the replicaset controller has no other settings)",
                         fmt::format("unknown field \"{}\"", key));
  }

  void start() override {
    watch("ReplicaSet");
    watch("Pod");
    for (const ObjectPtr& rs : api().list("ReplicaSet")) enqueue(key_of(*rs));
  }

  // What on_watch_event returns from at once, told from the event alone: a pod no ReplicaSet
  // controls (a bare pod, a StatefulSet's).
  bool ignores(const WatchEvent& event) const override {
    const json& obj = *event.object;
    const std::string kind = obj.value("kind", "");
    if (kind == "ReplicaSet") return false;
    if (kind != "Pod") return true;
    const json* ref = controller_of(obj);
    return !ref || ref->value("kind", "") != "ReplicaSet";
  }

  // replica_set.go add/update/deletePod: a pod event syncs its controlling ReplicaSet; a pod
  // that just became ready is looked at again after minReadySeconds + 1 s.
  void on_watch_event(const WatchEvent& event) override {
    const json& obj = *event.object;
    const std::string kind = obj.value("kind", "");
    if (kind == "ReplicaSet") {
      enqueue(key_of(obj));
      return;
    }
    if (kind != "Pod") return;
    const json* ref = controller_of(obj);
    if (!ref || ref->value("kind", "") != "ReplicaSet") return;
    const std::string key = key_of(ObjectRef{"ReplicaSet", str_at(obj, {"metadata", "namespace"}),
                                             ref->value("name", "")});
    enqueue(key);
    if (event.type == WatchEventType::kModified && event.old && !is_pod_ready(*event.old) && is_pod_ready(obj)) {
      ObjectPtr rs = api().get(ObjectRef{"ReplicaSet", str_at(obj, {"metadata", "namespace"}),
                                         ref->value("name", "")});
      const std::int64_t min_ready = rs ? int_at(*rs, {"spec", "minReadySeconds"}, 0) : 0;
      if (min_ready > 0) enqueue_after(key, seconds(min_ready) + seconds(1));
    }
  }

  std::optional<Duration> reconcile(const std::string& key) override {
    const auto slash = key.find('/');
    const ObjectRef ref{"ReplicaSet", slash == std::string::npos ? "" : key.substr(0, slash),
                        slash == std::string::npos ? key : key.substr(slash + 1)};
    ObjectPtr live = api().get(ref);
    if (!live) return std::nullopt;
    const json& rs = *live;
    const std::string uid = str_at(rs, {"metadata", "uid"});
    const json selector = rs["spec"].value("selector", json::object());
    std::vector<ObjectPtr> pods;
    const json* match_labels = find(selector, {"matchLabels"});
    for (const ObjectPtr& p :
         api().list("Pod", ref.ns, match_labels && match_labels->is_object() ? *match_labels : json(nullptr))) {
      if (!is_active(*p)) continue;
      const json* owner = controller_of(*p);
      if (!owner || owner->value("uid", "") != uid) continue;
      if (!selector_matches(selector, find(*p, {"metadata", "labels"}) ? (*p)["metadata"]["labels"] : json()))
        continue;
      pods.push_back(p);
    }

    std::optional<std::string> manage_error;
    std::int64_t diff = 0;
    if (!find(rs, {"metadata", "deletionTimestamp"})) manage_error = manage_replicas(pods, rs, &diff);

    // The status is computed from the pods seen before this sync's creates and deletes, as
    // upstream does; the watch events of those writes trigger the next sync.
    json st = calculate_status(rs, pods, manage_error, diff);
    static const json kNoStatus = json::object();
    const json* stored_status = find(rs, {"status"});
    const json& old_status = stored_status ? *stored_status : kNoStatus;
    const std::int64_t generation = int_at(rs, {"metadata", "generation"}, 0);
    auto same = [&](const char* f) { return int_at(old_status, {f}, 0) == int_at(st, {f}, 0); };
    if (!(same("replicas") && same("fullyLabeledReplicas") && same("readyReplicas") &&
          same("availableReplicas") && int_at(old_status, {"observedGeneration"}, 0) == generation &&
          old_status.value("conditions", json()) == st.value("conditions", json()))) {
      if (generation != 0) st["observedGeneration"] = generation;
      // Only what the status strategy reads (status_update_body), not a copy of the whole
      // ReplicaSet: the stored spec and labels are kept by the server either way.
      api().update(status_update_body(rs, st), kManager, "status");
    }
    const std::int64_t min_ready = int_at(rs, {"spec", "minReadySeconds"}, 0);
    if (!manage_error && min_ready > 0 && int_at(st, {"readyReplicas"}, 0) == int_at(rs, {"spec", "replicas"}, 1) &&
        int_at(st, {"availableReplicas"}, 0) != int_at(rs, {"spec", "replicas"}, 1))
      return seconds(min_ready);
    return std::nullopt;
  }

 private:
  // controller.GetPodFromTemplate plus the API server's defaulting of the fields the simulation
  // reads (pkg/apis/core/v1/defaults.go: restartPolicy Always, terminationGracePeriodSeconds 30,
  // dnsPolicy ClusterFirst, schedulerName default-scheduler, imagePullPolicy by tag).
  json pod_from_template(const json& rs) const {
    const json tmpl = rs["spec"].value("template", json::object());
    json meta = {{"generateName", str_at(rs, {"metadata", "name"}) + "-"},
                 {"namespace", str_at(rs, {"metadata", "namespace"})},
                 {"ownerReferences",
                  json::array({{{"apiVersion", rs.value("apiVersion", "apps/v1")},
                                {"kind", "ReplicaSet"},
                                {"name", str_at(rs, {"metadata", "name"})},
                                {"uid", str_at(rs, {"metadata", "uid"})},
                                {"controller", true},
                                {"blockOwnerDeletion", true}}})}};
    for (const char* k : {"labels", "annotations", "finalizers"})
      if (const json* v = find(tmpl, {"metadata", k}); v && !v->empty()) meta[k] = *v;
    json spec = tmpl.value("spec", json::object());
    if (!spec.contains("restartPolicy")) spec["restartPolicy"] = "Always";
    if (!spec.contains("terminationGracePeriodSeconds")) spec["terminationGracePeriodSeconds"] = 30;
    if (!spec.contains("dnsPolicy")) spec["dnsPolicy"] = "ClusterFirst";
    if (!spec.contains("schedulerName")) spec["schedulerName"] = "default-scheduler";
    for (const char* list : {"initContainers", "containers"})
      if (spec.contains(list) && spec[list].is_array())
        for (json& c : spec[list])
          if (c.is_object() && !c.contains("imagePullPolicy"))
            c["imagePullPolicy"] = default_pull_policy(c.value("image", ""));
    return json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", std::move(meta)},
                {"spec", std::move(spec)},
                {"status", {{"phase", "Pending"}}}};
  }

  void event(const json& rs, const std::string& type, const std::string& reason, const std::string& msg) {
    api().record_event(ObjectRef::of(rs), type, reason, msg, kComponent);
  }

  // replica_set.go manageReplicas. Returns the first error, if any.
  std::optional<std::string> manage_replicas(const std::vector<ObjectPtr>& pods, const json& rs,
                                             std::int64_t* diff_out) {
    std::int64_t diff = static_cast<std::int64_t>(pods.size()) - int_at(rs, {"spec", "replicas"}, 1);
    *diff_out = diff;
    if (diff < 0) {
      const std::int64_t n = std::min(-diff, kBurstReplicas);
      // slowStartBatch: batches of 1, 2, 4, ... (issued in that order); a batch with a failure
      // ends the sync and the rest is left to a later one.
      const json pod = pod_from_template(rs);
      std::optional<std::string> first_error;
      for (const std::int64_t batch : slow_start_batches(n, kSlowStartInitialBatchSize)) {
        for (std::int64_t i = 0; i < batch; ++i) {
          WriteResult r = api().create(pod, kManager);
          if (r.status.ok()) {
            event(rs, "Normal", "SuccessfulCreate", "Created pod: " + str_at(*r.object, {"metadata", "name"}));
          } else {
            event(rs, "Warning", "FailedCreate", "Error creating: " + r.status.message);
            if (!first_error) first_error = r.status.message;
          }
        }
        if (first_error) return first_error;
      }
      return std::nullopt;
    }
    if (diff == 0) return std::nullopt;
    const std::int64_t n = std::min(diff, kBurstReplicas);
    std::optional<std::string> first_error;
    for (const ObjectPtr& victim : pods_to_delete(pods, related_pods(rs), n)) {
      const ObjectRef ref = ObjectRef::of(*victim);
      WriteResult r = api().remove(ref, kManager);
      if (r.status.ok()) {
        event(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + ref.name);
      } else if (r.status.code != 404) {
        event(rs, "Warning", "FailedDelete", "Error deleting: " + r.status.message);
        if (!first_error) first_error = r.status.message;
      }
    }
    return first_error;
  }

  // getIndirectlyRelatedPods: the pods of every ReplicaSet with the same controller (the
  // Deployment's old and new ReplicaSets), for the co-location rank.
  std::vector<ObjectPtr> related_pods(const json& rs) const {
    std::vector<std::string> uids;
    const std::string ns = str_at(rs, {"metadata", "namespace"});
    const json* owner = controller_of(rs);
    if (!owner) {
      uids.push_back(str_at(rs, {"metadata", "uid"}));
    } else {
      for (const ObjectPtr& other : world().api().list("ReplicaSet", ns)) {
        const json* o = controller_of(*other);
        if (o && o->value("uid", "") == owner->value("uid", "")) uids.push_back(str_at(*other, {"metadata", "uid"}));
      }
    }
    std::vector<ObjectPtr> out;
    for (const ObjectPtr& p : world().api().list("Pod", ns)) {
      const json* o = controller_of(*p);
      if (o && std::find(uids.begin(), uids.end(), o->value("uid", "")) != uids.end()) out.push_back(p);
    }
    return out;
  }

  // ActivePodsWithRanks.Less and what it reads of a pod: active_pods_ranking.hpp.
  struct Ranked {
    ObjectPtr pod;
    RankedPod r;
  };

  // replica_set.go getPodsToDelete: sort only when some pods stay. Ties keep list order
  // (stable sort, where Go's sort.Sort is unstable).
  std::vector<ObjectPtr> pods_to_delete(const std::vector<ObjectPtr>& pods, const std::vector<ObjectPtr>& related,
                                        std::int64_t n) const {
    std::vector<ObjectPtr> out;
    if (n >= static_cast<std::int64_t>(pods.size())) return pods;
    std::map<std::string, std::int64_t> on_node;  // active related pods per node
    for (const ObjectPtr& p : related)
      if (is_active(*p)) ++on_node[str_at(*p, {"spec", "nodeName"})];
    std::vector<Ranked> ranked;
    for (const ObjectPtr& p : pods) {
      auto it = on_node.find(str_at(*p, {"spec", "nodeName"}));
      ranked.push_back({p, ranked_pod(*p, it == on_node.end() ? 0 : it->second)});
    }
    const std::int64_t now_nanos = world().api().epoch().unix_nanos(now());
    std::stable_sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
      return active_pods_with_ranks_less(a.r, b.r, now_nanos);
    });
    for (std::int64_t i = 0; i < n; ++i) out.push_back(ranked[i].pod);
    return out;
  }

  // replica_set.go calculateStatus; zero counts are omitted except replicas (not omitempty).
  json calculate_status(const json& rs, const std::vector<ObjectPtr>& pods,
                        const std::optional<std::string>& error, std::int64_t diff) const {
    json st = rs.value("status", json::object());
    const json tmpl_labels = find(rs, {"spec", "template", "metadata", "labels"})
                                 ? rs["spec"]["template"]["metadata"]["labels"]
                                 : json::object();
    const std::int64_t min_ready = int_at(rs, {"spec", "minReadySeconds"}, 0);
    std::int64_t fully = 0, ready = 0, available = 0;
    for (const ObjectPtr& p : pods) {
      const json labels = find(*p, {"metadata", "labels"}) ? (*p)["metadata"]["labels"] : json::object();
      if (selector_matches(json{{"matchLabels", tmpl_labels}}, labels)) ++fully;
      if (!is_pod_ready(*p)) continue;
      ++ready;
      // podutil.IsPodAvailable: ready for longer than minReadySeconds.
      const json* c = pod_ready_condition(*p);
      auto since = c ? parse_rfc3339(c->value("lastTransitionTime", "")) : std::nullopt;
      if (min_ready == 0 ||
          (since && SimTime{seconds(*since - world().api().epoch().unix_seconds) + seconds(min_ready)} < now()))
        ++available;
    }
    json conds = st.value("conditions", json::array());
    auto has_failure = std::find_if(conds.begin(), conds.end(),
                                    [](const json& c) { return c.value("type", "") == "ReplicaFailure"; });
    if (error && has_failure == conds.end()) {
      conds.push_back({{"type", "ReplicaFailure"},
                       {"status", "True"},
                       {"lastTransitionTime", world().api().epoch().rfc3339(now())},
                       {"reason", diff < 0 ? "FailedCreate" : "FailedDelete"},
                       {"message", *error}});
    } else if (!error && has_failure != conds.end()) {
      conds.erase(has_failure);
    }
    if (conds.empty())
      st.erase("conditions");
    else
      st["conditions"] = conds;
    st["replicas"] = static_cast<std::int64_t>(pods.size());
    auto put = [&](const char* k, std::int64_t v) {
      if (v != 0)
        st[k] = v;
      else
        st.erase(k);
    };
    put("fullyLabeledReplicas", fully);
    put("readyReplicas", ready);
    put("availableReplicas", available);
    return st;
  }
};

KCSIM_REGISTER_MODEL(ReplicaSetController, "replicaset-controller");

}  // namespace
}  // namespace kcsim::models
