// The ReplicaSet controller of kube-controller-manager (kubernetes
// pkg/controller/replicaset/replica_set.go and pkg/controller/controller_utils.go
// ActivePodsWithRanks, v1.28): keeps spec.replicas pods, creating them in slow-start batches
// and choosing scale-down victims by ActivePodsWithRanks, and reports status through the
// status subresource. ReplicaSets and pods are read through their typed views
// (include/kcsim/k8s/types), decoded once per stored version; writes are JSON bodies.
//
// Expectations: upstream records the creates and deletes it issued and skips manageReplicas
// until its informer has observed them (or 5 minutes pass), because its cache lags the API
// server. kcsim's reads come from the API server itself, which is consistent, so the pods just
// created or marked for deletion are always visible to the next sync: the expectations would
// always be satisfied, and are not modelled.
// Pods are claimed by controller ownerReference only (no adoption of orphans by selector).
#include <algorithm>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "active_pods_ranking.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/apiserver/status_update.hpp"
#include "owner_controller.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/controller_ref.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/label_selector.hpp"
#include "kcsim/k8s/pod_ready.hpp"
#include "kcsim/k8s/types/parsed_versions.hpp"
#include "kcsim/k8s/types/pod.hpp"
#include "kcsim/k8s/types/replica_set.hpp"
#include "slow_start.hpp"

namespace kcsim::models {
namespace {

using k8s::OwnerReference;
using k8s::Pod;
using k8s::ReplicaSet;

// replica_set.go BurstReplicas (--concurrent-... default 500) and SlowStartInitialBatchSize.
constexpr std::int64_t kBurstReplicas = 500;
constexpr std::int64_t kSlowStartInitialBatchSize = 1;

// A pod in hand: its stored version (to name it in a delete) and its typed view.
struct PodInHand {
  ObjectPtr object;
  std::shared_ptr<const Pod> pod;
  const Pod* operator->() const { return pod.get(); }
};

// labels.Set(template labels).AsSelectorPreValidated().Matches(pod labels): the pod carries every
// label of the template (FullyLabeledReplicas). No template labels match every pod.
bool has_template_labels(const Pod& pod, const json* template_labels) {
  if (!template_labels || !template_labels->is_object()) return true;
  for (auto& [k, v] : template_labels->items()) {
    auto it = pod.metadata.labels.find(k);
    if (it == pod.metadata.labels.end() || !v.is_string() || v.get_ref<const std::string&>() != it->second)
      return false;
  }
  return true;
}

class ReplicaSetController final : public OwnerController {
 public:
  explicit ReplicaSetController(World& world) : OwnerController(world, "replicaset-controller", "ReplicaSet", {"Pod"}) {}

  // What on_owned_event returns from at once, told from the event alone (without decoding the
  // version: most pod events are kubelet status writes): a pod no ReplicaSet controls (a bare
  // pod, a StatefulSet's).
  bool ignores_owned(const WatchEvent&, const json& obj, std::string_view kind) const override {
    return kind != "Pod" || !controller_of_kind(obj, "ReplicaSet");
  }

  // replica_set.go add/update/deletePod: a pod event syncs its controlling ReplicaSet; a pod
  // that just became ready is looked at again after minReadySeconds + 1 s.
  void on_owned_event(const WatchEvent& event, const json& obj, std::string_view kind) override {
    if (kind != "Pod") return;
    if (event.type == WatchEventType::kDeleted) pods_.erase(key_of(obj));
    const json* ref = controller_of_kind(obj, "ReplicaSet");
    if (!ref) return;
    const ObjectRef rs_ref{"ReplicaSet", ObjectRef::of(obj).ns, ref->value("name", "")};
    const std::string key = key_of(rs_ref);
    enqueue(key);
    if (event.type == WatchEventType::kModified && event.old && !is_pod_ready(*event.old) && is_pod_ready(obj)) {
      ObjectPtr live = api().get(rs_ref);
      const std::int64_t min_ready = live ? replica_sets_.get(key, live)->spec.min_ready_seconds : 0;
      if (min_ready > 0) enqueue_after(key, seconds(min_ready) + seconds(1));
    }
  }

  // replica_set.go syncReplicaSet.
  std::optional<Duration> reconcile(const std::string& key) override {
    const ObjectRef ref = ref_of_key("ReplicaSet", key);
    ObjectPtr live = api().get(ref);
    if (!live) {
      replica_sets_.erase(key);
      return std::nullopt;
    }
    const std::shared_ptr<const ReplicaSet> view = replica_sets_.get(key, live);
    const ReplicaSet& rs = *view;

    // The active pods this ReplicaSet controls and its selector matches (FilterActivePods,
    // claimPods without adoption).
    static const json kEverything = json::object();
    const json& selector = rs.spec.selector ? *rs.spec.selector : kEverything;
    const json* match_labels = find(selector, {"matchLabels"});
    std::vector<PodInHand> pods;
    for (const ObjectPtr& p :
         api().list("Pod", ref.ns, match_labels && match_labels->is_object() ? *match_labels : json(nullptr))) {
      PodInHand pod{p, pods_.get(key_of(*p), p)};
      if (!pod->active()) continue;
      const OwnerReference* owner = pod->metadata.controller_ref();
      if (!owner || owner->uid != rs.metadata.uid) continue;
      if (!selector_matches(selector, pod->metadata.labels)) continue;
      pods.push_back(std::move(pod));
    }

    std::optional<std::string> manage_error;
    std::int64_t diff = 0;
    if (!rs.metadata.deletion_timestamp) manage_error = manage_replicas(pods, rs, &diff);

    // The status is computed from the pods seen before this sync's creates and deletes, as
    // upstream does; the watch events of those writes trigger the next sync.
    const json conditions = replica_failure_conditions(rs, manage_error, diff);
    k8s::ReplicaSetStatus new_status = calculate_status(rs, pods);
    new_status.observed_generation = rs.metadata.generation;
    new_status.conditions = conditions.empty() ? nullptr : &conditions;
    if (!status_equal(rs.status, new_status)) update_status(*live, rs, new_status);
    // A ReplicaSet whose pods are ready but not yet available is looked at again after
    // minReadySeconds (syncReplicaSet's AddAfter).
    if (!manage_error && rs.spec.min_ready_seconds > 0 && new_status.ready_replicas == rs.spec.replicas &&
        new_status.available_replicas != rs.spec.replicas)
      return seconds(rs.spec.min_ready_seconds);
    return std::nullopt;
  }

 private:
  // controller.GetPodFromTemplate: the template's labels, annotations, finalizers and spec, a
  // generated name and the controller reference; the API server defaults and admits the rest
  // (kcsim/k8s/defaults.hpp, sim/apiserver/pod_admission.hpp).
  json pod_from_template(const ReplicaSet& rs) const {
    static const json kNoTemplate = json::object();
    const json& tmpl = rs.spec.template_ && rs.spec.template_->is_object() ? *rs.spec.template_ : kNoTemplate;
    json meta = {{"generateName", rs.metadata.name + "-"},
                 {"namespace", rs.metadata.namespace_},
                 {"ownerReferences",
                  json::array({{{"apiVersion", rs.api_version},
                                {"kind", "ReplicaSet"},
                                {"name", rs.metadata.name},
                                {"uid", rs.metadata.uid},
                                {"controller", true},
                                {"blockOwnerDeletion", true}}})}};
    for (const char* k : {"labels", "annotations", "finalizers"})
      if (const json* v = find(tmpl, {"metadata", k}); v && !v->empty()) meta[k] = *v;
    json spec = tmpl.value("spec", json::object());
    return json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", std::move(meta)},
                {"spec", std::move(spec)},
                {"status", {{"phase", "Pending"}}}};
  }

  void event(const ReplicaSet& rs, const std::string& type, const std::string& reason, const std::string& msg) {
    api().record_event(ObjectRef{"ReplicaSet", rs.metadata.namespace_, rs.metadata.name}, type, reason, msg,
                       name());
  }

  // replica_set.go manageReplicas. Returns the first error, if any.
  std::optional<std::string> manage_replicas(const std::vector<PodInHand>& pods, const ReplicaSet& rs,
                                             std::int64_t* diff_out) {
    std::int64_t diff = static_cast<std::int64_t>(pods.size()) - rs.spec.replicas;
    *diff_out = diff;
    if (diff < 0) {
      const std::int64_t n = std::min(-diff, kBurstReplicas);
      // slowStartBatch: batches of 1, 2, 4, ... (issued in that order); a batch with a failure
      // ends the sync and the rest is left to a later one.
      const json pod = pod_from_template(rs);
      std::optional<std::string> first_error;
      for (const std::int64_t batch : slow_start_batches(n, kSlowStartInitialBatchSize)) {
        for (std::int64_t i = 0; i < batch; ++i) {
          WriteResult r = api().create(pod, kFieldManager);
          if (r.status.ok()) {
            event(rs, "Normal", "SuccessfulCreate", "Created pod: " + ObjectRef::of(*r.object).name);
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
    for (const ObjectPtr& victim : pods_to_delete(pods, rs, n)) {
      const ObjectRef ref = ObjectRef::of(*victim);
      WriteResult r = api().remove(ref, kFieldManager);
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
  std::vector<std::shared_ptr<const Pod>> related_pods(const ReplicaSet& rs) {
    std::vector<std::string> uids;
    const std::string& ns = rs.metadata.namespace_;
    const OwnerReference* owner = rs.metadata.controller_ref();
    if (!owner) {
      uids.push_back(rs.metadata.uid);
    } else {
      for (const ObjectPtr& other : api().list("ReplicaSet", ns)) {
        const std::shared_ptr<const ReplicaSet> o = replica_sets_.get(key_of(*other), other);
        const OwnerReference* o_owner = o->metadata.controller_ref();
        if (o_owner && o_owner->uid == owner->uid) uids.push_back(o->metadata.uid);
      }
    }
    std::vector<std::shared_ptr<const Pod>> out;
    for (const ObjectPtr& p : api().list("Pod", ns)) {
      std::shared_ptr<const Pod> pod = pods_.get(key_of(*p), p);
      const OwnerReference* o = pod->metadata.controller_ref();
      if (o && std::find(uids.begin(), uids.end(), o->uid) != uids.end()) out.push_back(std::move(pod));
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
  std::vector<ObjectPtr> pods_to_delete(const std::vector<PodInHand>& pods, const ReplicaSet& rs, std::int64_t n) {
    std::vector<ObjectPtr> out;
    if (n >= static_cast<std::int64_t>(pods.size())) {
      for (const PodInHand& p : pods) out.push_back(p.object);
      return out;
    }
    std::map<std::string, std::int64_t> on_node;  // active related pods per node
    for (const std::shared_ptr<const Pod>& p : related_pods(rs))
      if (p->active()) ++on_node[p->spec.node_name];
    std::vector<Ranked> ranked;
    for (const PodInHand& p : pods) {
      auto it = on_node.find(p->spec.node_name);
      ranked.push_back({p.object, ranked_pod(*p.pod, it == on_node.end() ? 0 : it->second)});
    }
    const std::int64_t now_nanos = world().api().epoch().unix_nanos(now());
    std::stable_sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
      return active_pods_with_ranks_less(a.r, b.r, now_nanos);
    });
    for (std::int64_t i = 0; i < n; ++i) out.push_back(ranked[i].pod);
    return out;
  }

  // replica_set.go calculateReplicaSetStatus: the counts of the pods in hand.
  k8s::ReplicaSetStatus calculate_status(const ReplicaSet& rs, const std::vector<PodInHand>& pods) const {
    k8s::ReplicaSetStatus st;
    st.replicas = static_cast<std::int64_t>(pods.size());
    const json* template_labels = rs.spec.template_labels();
    for (const PodInHand& p : pods) {
      if (has_template_labels(*p.pod, template_labels)) ++st.fully_labeled_replicas;
      if (!p->ready()) continue;
      ++st.ready_replicas;
      // podutil.IsPodAvailable: ready for longer than minReadySeconds.
      auto since = parse_rfc3339(p->ready_condition()->last_transition_time);
      if (rs.spec.min_ready_seconds == 0 ||
          (since && SimTime{seconds(*since - world().api().epoch().unix_seconds) + seconds(rs.spec.min_ready_seconds)} < now()))
        ++st.available_replicas;
    }
    return st;
  }

  // calculateReplicaSetStatus's ReplicaFailure condition: added with the sync's first error,
  // removed once a sync has none; the other conditions are kept as they are.
  json replica_failure_conditions(const ReplicaSet& rs, const std::optional<std::string>& error,
                                  std::int64_t diff) const {
    json conds = rs.status.conditions ? *rs.status.conditions : json::array();
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
    return conds;
  }

  // updateReplicaSetStatus's check: the counts, the observed generation and the conditions.
  static bool status_equal(const k8s::ReplicaSetStatus& a, const k8s::ReplicaSetStatus& b) {
    static const json kNone;
    return a.replicas == b.replicas && a.fully_labeled_replicas == b.fully_labeled_replicas &&
           a.ready_replicas == b.ready_replicas && a.available_replicas == b.available_replicas &&
           a.observed_generation == b.observed_generation &&
           (a.conditions ? *a.conditions : kNone) == (b.conditions ? *b.conditions : kNone);
  }

  // updateReplicaSetStatus: the stored status with the new counts (zero counts omitted except
  // replicas, which is not omitempty) and conditions. Only what the status strategy reads
  // (status_update_body), not a copy of the whole ReplicaSet: the stored spec and labels are kept
  // by the server either way.
  void update_status(const json& object, const ReplicaSet& rs, const k8s::ReplicaSetStatus& st) {
    json body = rs.status_object && rs.status_object->is_object() ? *rs.status_object : json::object();
    if (st.conditions)
      body["conditions"] = *st.conditions;
    else
      body.erase("conditions");
    body["replicas"] = st.replicas;
    auto put = [&](const char* k, std::int64_t v) {
      if (v != 0)
        body[k] = v;
      else
        body.erase(k);
    };
    put("fullyLabeledReplicas", st.fully_labeled_replicas);
    put("readyReplicas", st.ready_replicas);
    put("availableReplicas", st.available_replicas);
    if (st.observed_generation != 0) body["observedGeneration"] = st.observed_generation;
    api().update(status_update_body(object, std::move(body)), kFieldManager, "status");
  }

  k8s::ParsedVersions<ReplicaSet> replica_sets_{k8s::parse_replica_set};
  k8s::ParsedVersions<Pod> pods_{k8s::parse_pod};
};

KCSIM_REGISTER_MODEL(ReplicaSetController, "replicaset-controller");

}  // namespace
}  // namespace kcsim::models
