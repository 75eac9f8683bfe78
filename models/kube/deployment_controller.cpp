// The Deployment controller of kube-controller-manager (kubernetes pkg/controller/deployment,
// v1.28 source; event texts of v1.32, #125118): turns a Deployment into ReplicaSets named
// <deployment>-<pod-template-hash>, scales them on spec.replicas changes (sync.go scale),
// rolls out template changes (rolling.go, recreate.go) and reports status and conditions
// (sync.go calculateStatus, progress.go syncRolloutStatus). Deployments, ReplicaSets and pods
// are read through their typed views (include/kcsim/k8s/types), decoded once per stored version
// as client-go's typed informers decode once per watch event; writes are JSON bodies.
//
// Differences from upstream, all deliberate:
//  - Reads come from the API server itself rather than from an informer cache, and the object
//    returned by each write replaces the one in hand. Upstream acts on a stale cache, sometimes
//    gets a 409 and retries 5 ms later; the end state is the same, minus the failed request.
//  - ReplicaSets are found by controller ownerReference; orphan adoption and release by
//    selector (ClaimReplicaSets) and rollbacks (spec.rollbackTo, extensions/v1beta1) are not
//    modelled.
//  - Errors are retried with the default controller rate limiter's per-item backoff
//    (5 ms doubling, at most 1000 s) and dropped after 15 retries (deployment_controller.go
//    maxRetries), without the overall 10 qps bucket.
#include <algorithm>
#include <deque>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "kcsim/apiserver/controller.hpp"
#include "kcsim/apiserver/status_update.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/controller_ref.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/types/deployment.hpp"
#include "kcsim/k8s/types/parsed_versions.hpp"
#include "kcsim/k8s/types/pod.hpp"
#include "kcsim/k8s/types/replica_set.hpp"
#include "deployment_replicas.hpp"
#include "deployment_scale.hpp"
#include "pod_template_hash.hpp"
#include "kcsim/k8s/well_known.hpp"
#include "owner_controller.hpp"

namespace kcsim::models {
namespace {

using k8s::Deployment;
using k8s::DeploymentStatus;
using k8s::OwnerReference;
using k8s::ReplicaSet;
using k8s::parse_decimal;

// deployment_controller.go / sync.go: maxRevHistoryLengthInChars.
constexpr std::size_t kMaxRevHistoryLengthInChars = 2000;
// An unlimited revisionHistoryLimit or progressDeadlineSeconds (math.MaxInt32).
constexpr std::int64_t kMaxInt32 = 2147483647;
constexpr int kMaxRetries = 15;

// A ReplicaSet in hand: its stored version, shared with the API server and read in place (an
// informer's cached object is read the same way upstream; controllers DeepCopy only to write),
// and its typed view, parsed once per version. A write through the API server replaces both
// with the version the write returns.
struct Rs {
  ObjectPtr object;
  std::shared_ptr<const ReplicaSet> view;
  const k8s::ObjectMeta& metadata() const { return view->metadata; }
  const k8s::ReplicaSetSpec& spec() const { return view->spec; }
  const k8s::ReplicaSetStatus& status() const { return view->status; }
};

using RsPtrs = std::vector<Rs*>;

// *(rs.Spec.Replicas) and rs.Status.Replicas of a ReplicaSet that may be nil (no new one yet):
// nil counts 0, as the sums of deploymentutil skip nil entries.
std::int64_t spec_replicas(const Rs* rs) { return rs ? rs->spec().replicas : 0; }
std::int64_t status_replicas(const Rs* rs) { return rs ? rs->status().replicas : 0; }
std::int64_t available_replicas(const Rs* rs) { return rs ? rs->status().available_replicas : 0; }

// deploymentutil.Revision: 0 when unset, nullopt when not a number.
std::optional<std::int64_t> revision_of(const Rs& rs) {
  const std::string* a = rs.metadata().annotation(k8s::kRevisionAnnotation);
  return a ? parse_decimal(*a) : 0;
}

// controller.ReplicaSetsByCreationTimestamp (deployment_scale.hpp): older first, then by name.
bool older(const Rs* a, const Rs* b) { return replica_set_older(*a->view, *b->view); }

// controller.FilterActiveReplicaSets: the ReplicaSets with spec.replicas > 0.
RsPtrs filter_active(const RsPtrs& in) {
  RsPtrs out;
  for (Rs* rs : in)
    if (rs && rs->spec().replicas > 0) out.push_back(rs);
  return out;
}

// deploymentutil.GetReplicaCountForReplicaSets: the sum of spec.replicas.
std::int64_t replica_count(const RsPtrs& rss) {
  std::int64_t n = 0;
  for (Rs* rs : rss) n += spec_replicas(rs);
  return n;
}

// deploymentutil.GetActualReplicaCountForReplicaSets, GetReadyReplicaCountForReplicaSets,
// GetAvailableReplicaCountForReplicaSets: the sums of one status count.
std::int64_t status_count(const RsPtrs& rss, std::int64_t k8s::ReplicaSetStatus::*count) {
  std::int64_t n = 0;
  for (Rs* rs : rss)
    if (rs) n += rs->status().*count;
  return n;
}
std::int64_t actual_replica_count(const RsPtrs& rss) { return status_count(rss, &k8s::ReplicaSetStatus::replicas); }
std::int64_t ready_replica_count(const RsPtrs& rss) { return status_count(rss, &k8s::ReplicaSetStatus::ready_replicas); }
std::int64_t available_replica_count(const RsPtrs& rss) {
  return status_count(rss, &k8s::ReplicaSetStatus::available_replicas);
}

// deploymentutil.EqualIgnoreHash. The real comparison is apimachinery's semantic DeepEqual,
// which treats an empty map like an absent one; the hash label is the only one removed. Both
// templates are read in place: the comparison is that of the two templates with the hash label
// removed, an emptied labels map removed and then an emptied metadata removed.
namespace ignore_hash {

const json* member(const json& o, const char* key) {
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &*it;
}

// Two objects' members are equal, `skip` aside (std::map order: both walks are by key).
bool equal_except(const json& a, const json& b, const char* skip) {
  auto ia = a.begin(), ib = b.begin();
  for (;;) {
    while (ia != a.end() && ia.key() == skip) ++ia;
    while (ib != b.end() && ib.key() == skip) ++ib;
    if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
    if (ia.key() != ib.key() || *ia != *ib) return false;
    ++ia;
    ++ib;
  }
}

// Labels that are absent once the hash label is gone: none, or a map of nothing else.
bool labels_absent(const json* l) {
  return !l || (l->is_object() && (l->empty() || (l->size() == 1 && l->contains(k8s::kPodTemplateHashLabel))));
}

bool labels_equal(const json* a, const json* b) {
  const bool none_a = labels_absent(a), none_b = labels_absent(b);
  if (none_a || none_b) return none_a == none_b;
  if (!a->is_object() || !b->is_object()) return *a == *b;
  return equal_except(*a, *b, k8s::kPodTemplateHashLabel);
}

// Metadata that is absent once its labels are: none, or a map of nothing but absent labels.
bool metadata_absent(const json* m) {
  if (!m) return true;
  if (!m->is_object()) return false;
  for (auto it = m->begin(); it != m->end(); ++it)
    if (it.key() != "labels" || !labels_absent(&*it)) return false;
  return true;
}

bool metadata_equal(const json* a, const json* b) {
  const bool none_a = metadata_absent(a), none_b = metadata_absent(b);
  if (none_a || none_b) return none_a == none_b;
  if (!a->is_object() || !b->is_object()) return *a == *b;
  return equal_except(*a, *b, "labels") && labels_equal(member(*a, "labels"), member(*b, "labels"));
}

}  // namespace ignore_hash

bool equal_ignore_hash(const json& a, const json& b) {
  using namespace ignore_hash;
  if (!a.is_object() || !b.is_object()) return a == b;
  return equal_except(a, b, "metadata") && metadata_equal(member(a, "metadata"), member(b, "metadata"));
}

class DeploymentController final : public OwnerController {
 public:
  explicit DeploymentController(World& world)
      : OwnerController(world, "deployment-controller", "Deployment", {"ReplicaSet", "Pod"}) {}

  // What on_owned_event returns from at once, told from the event alone without decoding the
  // version: a ReplicaSet no Deployment controls, a pod's add or update (the pod informer has
  // only a DeleteFunc, deletePod: deployment_controller.go NewDeploymentController), a deleted
  // pod no ReplicaSet controlled. The pod updates are most of them: every kubelet status write.
  bool ignores_owned(const WatchEvent& event, const json& obj, std::string_view kind) const override {
    if (kind == "ReplicaSet") return !controller_of_kind(obj, "Deployment");
    if (kind == "Pod" && event.type == WatchEventType::kDeleted) return !controller_of_kind(obj, "ReplicaSet");
    return true;
  }

  // deployment_controller.go: add/update/deleteReplicaSet enqueue the owning Deployment;
  // deletePod enqueues it only for a Recreate Deployment (waiting for old pods to go).
  void on_owned_event(const WatchEvent& event, const json& obj, std::string_view kind) override {
    const std::string ns = ObjectRef::of(obj).ns;
    if (kind == "ReplicaSet") {
      if (event.type == WatchEventType::kDeleted) replica_sets_.erase(key_of(obj));
      if (const json* ref = controller_of_kind(obj, "Deployment"))
        enqueue(key_of(ObjectRef{"Deployment", ns, ref->value("name", "")}));
      return;
    }
    if (kind == "Pod" && event.type == WatchEventType::kDeleted) {
      pods_.erase(key_of(obj));
      const json* ref = controller_of_kind(obj, "ReplicaSet");
      if (!ref) return;
      const ObjectRef rs_ref{"ReplicaSet", ns, ref->value("name", "")};
      ObjectPtr rs_object = api().get(rs_ref);
      if (!rs_object) return;
      const OwnerReference* dref = replica_sets_.get(key_of(rs_ref), rs_object)->metadata.controller_ref();
      if (!dref || dref->kind != "Deployment") return;
      const ObjectRef d_ref{"Deployment", ns, dref->name};
      ObjectPtr d_object = api().get(d_ref);
      if (d_object &&
          deployments_.get(key_of(d_ref), d_object)->spec.strategy.type == k8s::kRecreateDeploymentStrategyType)
        enqueue(key_of(d_ref));
    }
  }

  std::optional<Duration> reconcile(const std::string& key) override {
    const ObjectRef ref = ref_of_key("Deployment", key);
    ObjectPtr live = api().get(ref);
    if (!live) {
      failures_.erase(key);
      deployments_.erase(key);
      return std::nullopt;
    }
    key_ = key;
    set_deployment(std::move(live));
    status_edit_.reset();
    annotations_edit_.reset();
    rss_.clear();
    error_ = false;
    requeue_.reset();
    // getReplicaSetsForDeployment: the ReplicaSets this Deployment controls (no adoption).
    for (const ObjectPtr& rs : api().list("ReplicaSet", ref.ns)) {
      std::shared_ptr<const ReplicaSet> view = replica_sets_.get(key_of(*rs), rs);
      const OwnerReference* owner = view->metadata.controller_ref();
      if (owner && owner->uid == d().metadata.uid) rss_.push_back(Rs{rs, std::move(view)});
    }
    sync_deployment();
    if (error_) {
      // workqueue.DefaultControllerRateLimiter: per-item exponential 5 ms .. 1000 s.
      const int n = ++failures_[key];
      if (n > kMaxRetries) {
        failures_.erase(key);
        return std::nullopt;
      }
      const Duration backoff = milliseconds(5) * (std::int64_t{1} << std::min(n - 1, 20));
      return std::min(backoff, seconds(1000));
    }
    failures_.erase(key);
    return requeue_;
  }

 private:
  // --- the Deployment in hand -----------------------------------------------------
  std::int64_t replicas() const { return d().spec.replicas; }
  bool is_rolling() const { return deployment_is_rolling_update(d()); }
  std::int64_t progress_deadline() const { return d().spec.progress_deadline_seconds; }
  // deploymentutil.HasProgressDeadline.
  bool has_progress_deadline() const { return progress_deadline() != kMaxInt32; }
  std::string now_str() const { return world().api().epoch().rfc3339(now()); }

  // deploymentutil.MaxSurge / MaxUnavailable over ResolveFenceposts (deployment_replicas.hpp).
  std::int64_t max_surge() const { return deployment_max_surge(d()); }
  std::int64_t max_unavailable() const { return deployment_max_unavailable(d()); }

  // --- conditions (deploymentutil.SetDeploymentCondition and friends) ------------------
  json new_condition(const std::string& type, const std::string& status, const std::string& reason,
                     const std::string& message) const {
    const std::string t = now_str();
    return json{{"type", type},           {"status", status},   {"lastUpdateTime", t},
                {"lastTransitionTime", t}, {"reason", reason},   {"message", message}};
  }
  static const json* get_condition(const json& status, const std::string& type) {
    const json* conds = find(status, {"conditions"});
    if (!conds || !conds->is_array()) return nullptr;
    for (const json& c : *conds)
      if (c.value("type", "") == type) return &c;
    return nullptr;
  }
  static void remove_condition(json& status, const std::string& type) {
    if (!status.contains("conditions") || !status["conditions"].is_array()) return;
    json kept = json::array();
    for (const json& c : status["conditions"])
      if (c.value("type", "") != type) kept.push_back(c);
    status["conditions"] = std::move(kept);
  }
  // Same status and reason: nothing changes (not even lastUpdateTime). Same status: the
  // transition time is kept. The condition moves to the end of the list.
  static void set_condition(json& status, json cond) {
    const std::string type = cond["type"];
    if (const json* cur = get_condition(status, type)) {
      if (cur->value("status", "") == cond["status"] && cur->value("reason", "") == cond["reason"])
        return;
      if (cur->value("status", "") == cond["status"])
        cond["lastTransitionTime"] = cur->value("lastTransitionTime", "");
    }
    remove_condition(status, type);
    status["conditions"].push_back(std::move(cond));
  }

  json& status() {
    if (!status_edit_) status_edit_ = current_status();
    return *status_edit_;
  }

  bool update_status() {
    json& st = status();
    json body = status_update_body(*d_object_, st);
    if (annotations_edit_) body["metadata"]["annotations"] = *annotations_edit_;
    WriteResult r = api().update(std::move(body), kFieldManager, "status");
    if (!r.status.ok()) {
      error_ = true;
      return false;
    }
    set_deployment(r.object);
    status_edit_.reset();
    annotations_edit_.reset();
    return true;
  }

  void event(const std::string& type, const std::string& reason, const std::string& message) {
    api().record_event(ObjectRef{"Deployment", d().metadata.namespace_, d().metadata.name}, type, reason, message,
                       name());
  }

  // ScalingReplicaSet texts: kubernetes #125118 (v1.32) "from <old> to <new>"; #101142 (present
  // in v1.28 .. v1.31) "to <new> from <old>".
  std::string scaling_message(const std::string& op, const std::string& rs, std::int64_t from,
                              std::int64_t to) const {
    if (world().versions().at_least("kubernetes", "1.32"))
      return fmt::format("Scaled {} replica set {} from {} to {}", op, rs, from, to);
    return fmt::format("Scaled {} replica set {} to {} from {}", op, rs, to, from);
  }

  // --- annotations (deploymentutil) --------------------------------------------------------
  static bool set_replicas_annotations(json& rs, std::int64_t desired, std::int64_t max) {
    json& ann = rs["metadata"]["annotations"];
    if (!ann.is_object()) ann = json::object();
    bool changed = false;
    for (auto [key, value] : {std::pair{k8s::kDesiredReplicasAnnotation, desired}, std::pair{k8s::kMaxReplicasAnnotation, max}}) {
      const std::string v = std::to_string(value);
      if (!ann.contains(key) || ann[key] != v) {
        ann[key] = v;
        changed = true;
      }
    }
    return changed;
  }
  static bool replicas_annotations_need_update(const Rs& rs, std::int64_t desired, std::int64_t max) {
    const std::string* d = rs.metadata().annotation(k8s::kDesiredReplicasAnnotation);
    const std::string* m = rs.metadata().annotation(k8s::kMaxReplicasAnnotation);
    return !d || *d != std::to_string(desired) || !m || *m != std::to_string(max);
  }

  // copyDeploymentAnnotationsToReplicaSet: everything but kubectl's last-applied and the
  // controller's own annotations.
  static bool skipped_annotation(const std::string& key) {
    static const char* kSkip[] = {k8s::kLastAppliedConfigAnnotation, k8s::kRevisionAnnotation,
                                  k8s::kRevisionHistoryAnnotation, k8s::kDesiredReplicasAnnotation, k8s::kMaxReplicasAnnotation,
                                  "deprecated.deployment.rollback.to"};
    return std::any_of(std::begin(kSkip), std::end(kSkip), [&key](const char* s) { return key == s; });
  }
  bool copy_annotations_to(json& rs) const {
    bool changed = false;
    for (const auto& [k, v] : d_annotations()) {
      if (skipped_annotation(k)) continue;
      json& ann = rs["metadata"]["annotations"];
      if (!ann.is_object()) ann = json::object();
      if (auto it = ann.find(k); it != ann.end() && it->is_string() && it->get_ref<const std::string&>() == v)
        continue;
      ann[k] = v;
      changed = true;
    }
    return changed;
  }

  // deploymentutil.SetNewReplicaSetAnnotations.
  bool set_new_rs_annotations(json& rs, std::int64_t new_revision, bool exists) const {
    bool changed = copy_annotations_to(rs);
    json& ann = rs["metadata"]["annotations"];
    if (!ann.is_object()) ann = json::object();
    const bool had = ann.contains(k8s::kRevisionAnnotation) && ann[k8s::kRevisionAnnotation].is_string();
    const std::string old_revision = had ? ann[k8s::kRevisionAnnotation].get<std::string>() : "";
    std::int64_t old_int = 0;
    if (!old_revision.empty()) {
      auto v = parse_decimal(old_revision);
      if (!v) return false;
      old_int = *v;
    }
    if (old_int < new_revision) {
      ann[k8s::kRevisionAnnotation] = std::to_string(new_revision);
      changed = true;
    }
    // Rolling back to this ReplicaSet: keep its former revisions, oldest dropped first.
    if (had && old_int < new_revision) {
      const std::string history = ann.value(k8s::kRevisionHistoryAnnotation, "");
      if (history.empty()) {
        ann[k8s::kRevisionHistoryAnnotation] = old_revision;
      } else {
        std::vector<std::string> parts;
        std::size_t start = 0;
        for (;;) {
          auto comma = history.find(',', start);
          parts.push_back(history.substr(start, comma - start));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        std::size_t total = history.size() + old_revision.size() + 1, first = 0;
        while (total > kMaxRevHistoryLengthInChars && first < parts.size())
          total -= parts[first++].size() + 1;
        if (total <= kMaxRevHistoryLengthInChars) {
          std::string joined;
          for (std::size_t i = first; i < parts.size(); ++i) joined += parts[i] + ",";
          ann[k8s::kRevisionHistoryAnnotation] = joined + old_revision;
        }
      }
    }
    if (!exists && set_replicas_annotations(rs, replicas(), replicas() + max_surge())) changed = true;
    return changed;
  }

  // Whether SetNewReplicaSetAnnotations on an existing ReplicaSet (exists = true) would leave its
  // annotations as they are, decided without copying them: every annotation copied from the
  // Deployment is already there with its value, and the ReplicaSet's revision is at least the new
  // one (or not a number), so neither the revision nor its history moves. The usual sync.
  bool new_rs_annotations_current(const Rs& rs, std::int64_t new_revision) const {
    const std::map<std::string, std::string>& ann = rs.metadata().annotations;
    for (const auto& [k, v] : d_annotations()) {
      if (skipped_annotation(k)) continue;
      auto it = ann.find(k);
      if (it == ann.end() || it->second != v) return false;
    }
    const std::string* revision = rs.metadata().annotation(k8s::kRevisionAnnotation);
    if (!revision || revision->empty()) return false;
    const auto v = parse_decimal(*revision);
    return !v || *v >= new_revision;
  }

  // deploymentutil.SetDeploymentRevision.
  bool set_deployment_revision(const std::string& revision) {
    const std::map<std::string, std::string>& ann = d_annotations();
    if (auto it = ann.find(k8s::kRevisionAnnotation); it != ann.end() && it->second == revision) return false;
    if (!annotations_edit_) annotations_edit_ = ann;
    (*annotations_edit_)[k8s::kRevisionAnnotation] = revision;
    return true;
  }

  // --- new and old ReplicaSets ---------------------------------------------------------------
  RsPtrs all_rs_ptrs() {
    RsPtrs out;
    for (Rs& rs : rss_) out.push_back(&rs);
    return out;
  }

  // deploymentutil.FindNewReplicaSet: the oldest ReplicaSet whose template equals the
  // Deployment's (ignoring the hash label).
  Rs* find_new_rs() {
    RsPtrs sorted = all_rs_ptrs();
    std::sort(sorted.begin(), sorted.end(), older);
    const json* tmpl = d().spec.template_;
    for (Rs* rs : sorted) {
      const json* t = rs->spec().template_;
      if (tmpl && t && equal_ignore_hash(*tmpl, *t)) return rs;
    }
    return nullptr;
  }

  // deploymentutil.NewRSNewReplicas (deployment_replicas.hpp).
  std::int64_t new_rs_new_replicas(const RsPtrs& all, const Rs* new_rs) const {
    return kcsim::new_rs_new_replicas(d(), replica_count(all), spec_replicas(new_rs));
  }

  struct RsSet {
    Rs* new_rs = nullptr;
    RsPtrs old;
  };

  // sync.go getAllReplicaSetsAndSyncRevision / getNewReplicaSet.
  RsSet get_all_and_sync_revision(bool create) {
    RsSet s;
    Rs* existing = find_new_rs();
    for (Rs* rs : all_rs_ptrs())
      if (rs != existing) s.old.push_back(rs);
    std::int64_t max_old = 0;
    for (Rs* rs : s.old)
      if (auto v = revision_of(*rs)) max_old = std::max(max_old, *v);
    const std::int64_t new_revision = max_old + 1;

    if (existing) {
      const std::int64_t min_ready = d().spec.min_ready_seconds;
      const bool min_ready_current = existing->spec().min_ready_seconds == min_ready;
      std::string revision;
      if (min_ready_current && new_rs_annotations_current(*existing, new_revision)) {
        revision = *existing->metadata().annotation(k8s::kRevisionAnnotation);
      } else {
        // SetNewReplicaSetAnnotations with an existing ReplicaSet (exists = true) reads and writes
        // only its annotations: try them on a copy of the annotations alone, and copy the whole
        // ReplicaSet only when it has to be written.
        const json* existing_annotations = find(*existing->object, {"metadata", "annotations"});
        json probe = {{"metadata", {{"annotations", existing_annotations ? *existing_annotations : json::object()}}}};
        const bool annotations_updated = set_new_rs_annotations(probe, new_revision, true);
        if (annotations_updated || !min_ready_current) {
          json copy = *existing->object;
          copy["metadata"]["annotations"] = std::move(probe["metadata"]["annotations"]);
          if (min_ready == 0)
            copy["spec"].erase("minReadySeconds");
          else
            copy["spec"]["minReadySeconds"] = min_ready;
          WriteResult r = api().update(std::move(copy), kFieldManager);
          if (!r.status.ok()) {
            error_ = true;
            return s;
          }
          set_replica_set(*existing, r.object);
          s.new_rs = existing;
          return s;
        }
        revision = str_at(probe, {"metadata", "annotations", k8s::kRevisionAnnotation});
      }
      bool needs_update = set_deployment_revision(revision);
      if (has_progress_deadline() && !in_hand_status().condition("Progressing")) {
        set_condition(status(), new_condition("Progressing", "True", "FoundNewReplicaSet",
                                              fmt::format("Found new replica set \"{}\"", existing->metadata().name)));
        needs_update = true;
      }
      if (needs_update && !update_status()) return s;
      s.new_rs = existing;
      return s;
    }
    if (!create) return s;

    const json& tmpl = *d().spec.template_;
    const std::optional<std::int64_t> collisions = in_hand_status().collision_count;
    const std::string hash = compute_pod_template_hash(tmpl, collisions);
    json new_template = tmpl;
    new_template["metadata"]["labels"][k8s::kPodTemplateHashLabel] = hash;
    json selector = d().spec.selector && d().spec.selector->is_object() ? *d().spec.selector : json::object();
    if (!selector.contains("matchLabels") && !selector.contains("matchExpressions") &&
        tmpl.contains("metadata") && tmpl["metadata"].contains("labels"))
      selector["matchLabels"] = tmpl["metadata"]["labels"];
    selector["matchLabels"][k8s::kPodTemplateHashLabel] = hash;
    const std::string rs_name = d().metadata.name + "-" + hash;
    json rs = {
        {"apiVersion", "apps/v1"},
        {"kind", "ReplicaSet"},
        {"metadata",
         {{"name", rs_name},
          {"namespace", d().metadata.namespace_},
          {"labels", new_template["metadata"]["labels"]},
          {"ownerReferences",
           json::array({{{"apiVersion", d().api_version},
                         {"kind", "Deployment"},
                         {"name", d().metadata.name},
                         {"uid", d().metadata.uid},
                         {"controller", true},
                         {"blockOwnerDeletion", true}}})}}},
        {"spec", {{"replicas", 0}, {"selector", selector}, {"template", new_template}}}};
    if (const std::int64_t mr = d().spec.min_ready_seconds; mr != 0) rs["spec"]["minReadySeconds"] = mr;
    RsPtrs all = s.old;
    // spec.replicas 0, as upstream's draft (not stored, so not in the parsed versions).
    ObjectPtr draft_object = std::make_shared<const json>(rs);
    Rs draft{draft_object, std::make_shared<const ReplicaSet>(k8s::parse_replica_set(*draft_object))};
    all.push_back(&draft);
    const std::int64_t new_replicas = new_rs_new_replicas(all, &draft);
    rs["spec"]["replicas"] = new_replicas;
    set_new_rs_annotations(rs, new_revision, false);

    WriteResult r = api().create(rs, kFieldManager);
    bool already_exists = false;
    ObjectPtr created;
    if (!r.status.ok()) {
      ObjectPtr other = r.status.code == 409 ? api().get(ObjectRef::of(rs)) : nullptr;
      if (other) {
        // A ReplicaSet of that name exists: ours (an earlier sync created it) or a hash
        // collision, which bumps status.collisionCount and retries with a new name.
        const std::shared_ptr<const ReplicaSet> o = replica_sets_.get(key_of(*other), other);
        const OwnerReference* owner = o->metadata.controller_ref();
        const json* t = o->spec.template_;
        if (owner && owner->uid == d().metadata.uid && t && equal_ignore_hash(tmpl, *t)) {
          already_exists = true;
          created = other;
        } else {
          status()["collisionCount"] = collisions.value_or(0) + 1;
          update_status();
          error_ = true;
          return s;
        }
      } else {
        const std::string msg =
            fmt::format("Failed to create new replica set \"{}\": {}", rs_name, r.status.message);
        if (has_progress_deadline()) {
          set_condition(status(), new_condition("Progressing", "False", "ReplicaSetCreateError", msg));
          update_status();
        }
        event("Warning", "ReplicaSetCreateError", msg);
        error_ = true;
        return s;
      }
    } else {
      created = r.object;
    }
    // sync.go getNewReplicaSet: "Scaled up replica set %s to %d" in v1.28; the v1.32 wording
    // change (#125118) gives "from 0 to %d" (not confirmed upstream: seen only in copies of
    // current upstream code).
    Rs created_rs{created, replica_sets_.get(key_of(*created), created)};
    const std::string& created_name = created_rs.metadata().name;
    if (!already_exists && new_replicas > 0)
      event("Normal", "ScalingReplicaSet",
            world().versions().at_least("kubernetes", "1.32")
                ? fmt::format("Scaled up replica set {} from 0 to {}", created_name, new_replicas)
                : fmt::format("Scaled up replica set {} to {}", created_name, new_replicas));
    bool needs_update = set_deployment_revision(std::to_string(new_revision));
    if (!already_exists && has_progress_deadline()) {
      set_condition(status(), new_condition("Progressing", "True", "NewReplicaSetCreated",
                                            fmt::format("Created new replica set \"{}\"", created_name)));
      needs_update = true;
    }
    rss_.push_back(std::move(created_rs));
    s.new_rs = &rss_.back();
    if (needs_update) update_status();
    return s;
  }

  // --- scaling (sync.go scaleReplicaSet and friends) ----------------------------------------------
  bool scale_rs(Rs* rs, std::int64_t new_scale, const std::string& op) {
    const bool size_needs_update = rs->spec().replicas != new_scale;
    const std::int64_t max = replicas() + max_surge();
    if (!size_needs_update && !replicas_annotations_need_update(*rs, replicas(), max)) return false;
    const std::int64_t old_scale = rs->spec().replicas;
    json copy = *rs->object;
    copy["spec"]["replicas"] = new_scale;
    set_replicas_annotations(copy, replicas(), max);
    WriteResult r = api().update(std::move(copy), kFieldManager);
    if (!r.status.ok()) {
      error_ = true;
      return false;
    }
    set_replica_set(*rs, r.object);
    if (!size_needs_update) return false;
    event("Normal", "ScalingReplicaSet", scaling_message(op, rs->metadata().name, old_scale, new_scale));
    return true;
  }

  bool scale_rs_and_record_event(Rs* rs, std::int64_t new_scale) {
    if (rs->spec().replicas == new_scale) return false;
    return scale_rs(rs, new_scale, rs->spec().replicas < new_scale ? "up" : "down");
  }

  // sync.go scale (deployment_scale.hpp): the plan's writes in order, stopping at the first
  // failure (the Deployment is requeued), against the status as this sync has it.
  void scale(Rs* new_rs, const RsPtrs& old) {
    std::vector<const ReplicaSet*> old_views;
    for (Rs* rs : old) old_views.push_back(rs ? rs->view.get() : nullptr);
    const DeploymentScalePlan plan = deployment_scale_plan(d(), in_hand_status().replicas,
                                                           new_rs ? new_rs->view.get() : nullptr, std::move(old_views));
    std::vector<Rs*> targets;  // resolved before any write replaces a view
    for (const ReplicaSetScale& w : plan.writes) {
      Rs* target = new_rs && new_rs->view.get() == w.rs ? new_rs : nullptr;
      for (Rs* rs : old)
        if (rs && rs->view.get() == w.rs) target = rs;
      targets.push_back(target);
    }
    for (std::size_t i = 0; i < plan.writes.size(); ++i) {
      if (plan.writes[i].record_event) scale_rs_and_record_event(targets[i], plan.writes[i].size);
      else scale_rs(targets[i], plan.writes[i].size, plan.operation);
      if (error_) return;
    }
  }

  // --- status --------------------------------------------------------------------------------
  // sync.go calculateStatus. Zero counts are omitted, as Go's omitempty does.
  json calculate_status(const RsPtrs& all, const Rs* new_rs) {
    json st = json::object();
    auto put = [&](const char* k, std::int64_t v) {
      if (v != 0) st[k] = v;
    };
    const std::int64_t available = available_replica_count(all);
    const std::int64_t unavailable = std::max<std::int64_t>(0, replica_count(all) - available);
    put("observedGeneration", d().metadata.generation);
    put("replicas", actual_replica_count(all));
    put("updatedReplicas", status_replicas(new_rs));
    put("readyReplicas", ready_replica_count(all));
    put("availableReplicas", available);
    put("unavailableReplicas", unavailable);
    if (const json* c = find(current_status(), {"collisionCount"})) st["collisionCount"] = *c;
    if (const json* conds = find(current_status(), {"conditions"}); conds && conds->is_array())
      st["conditions"] = *conds;
    if (available >= replicas() - max_unavailable())
      set_condition(st, new_condition("Available", "True", "MinimumReplicasAvailable",
                                      "Deployment has minimum availability."));
    else
      set_condition(st, new_condition("Available", "False", "MinimumReplicasUnavailable",
                                      "Deployment does not have minimum availability."));
    return st;
  }

  // The status in hand as a JSON body: the one this sync is building, or the stored one.
  const json& current_status() const {
    static const json empty = json::object();
    if (status_edit_) return *status_edit_;
    const json* s = find(*d_object_, {"status"});
    return s && s->is_object() ? *s : empty;
  }
  // The status in hand, typed: the stored version's view, or a decode of the one being built.
  DeploymentStatus in_hand_status() const {
    return status_edit_ ? k8s::parse_deployment_status(*status_edit_) : d().status;
  }

  void write_status(json st) {
    status_edit_ = std::move(st);
    update_status();
  }

  void sync_deployment_status(const RsPtrs& all, const Rs* new_rs) {
    json st = calculate_status(all, new_rs);
    if (st == current_status()) return;
    write_status(std::move(st));
  }

  // deploymentutil.DeploymentComplete.
  bool deployment_complete(const DeploymentStatus& st) const {
    return st.updated_replicas == replicas() && st.replicas == replicas() && st.available_replicas == replicas() &&
           st.observed_generation >= d().metadata.generation;
  }

  // deploymentutil.DeploymentProgressing: more updated, fewer old, more ready or more available
  // replicas than the status in hand says.
  static bool deployment_progressing(const DeploymentStatus& st, const DeploymentStatus& old) {
    const std::int64_t old_old = old.replicas - old.updated_replicas;
    const std::int64_t new_old = st.replicas - st.updated_replicas;
    return st.updated_replicas > old.updated_replicas || new_old < old_old ||
           st.ready_replicas > old.ready_replicas || st.available_replicas > old.available_replicas;
  }

  std::optional<SimTime> parse_time(const std::string& rfc3339) const {
    auto t = parse_rfc3339(rfc3339);
    if (!t) return std::nullopt;
    return SimTime{seconds(*t - world().api().epoch().unix_seconds)};
  }

  // deploymentutil.DeploymentTimedOut.
  bool deployment_timed_out(const DeploymentStatus& st) const {
    if (!has_progress_deadline()) return false;
    const k8s::DeploymentCondition* c = st.condition("Progressing");
    if (!c) return false;
    if (c->reason == "NewReplicaSetAvailable") return false;
    if (c->reason == "ProgressDeadlineExceeded") return true;
    auto from = parse_time(c->last_update_time);
    return from && *from + seconds(progress_deadline()) < now();
  }

  // progress.go syncRolloutStatus. The new status is built as the JSON body it is written as;
  // its counts and conditions are read through its typed view.
  void sync_rollout_status(const RsPtrs& all, const Rs* new_rs) {
    json st = calculate_status(all, new_rs);
    const DeploymentStatus new_status = k8s::parse_deployment_status(st);  // before the edits below
    const DeploymentStatus current = in_hand_status();
    if (!has_progress_deadline()) remove_condition(st, "Progressing");
    const k8s::DeploymentCondition* cur = current.condition("Progressing");
    const bool complete =
        new_status.replicas == new_status.updated_replicas && cur && cur->reason == "NewReplicaSetAvailable";
    const std::string subject = new_rs ? fmt::format("ReplicaSet \"{}\"", new_rs->metadata().name)
                                       : fmt::format("Deployment \"{}\"", d().metadata.name);
    if (has_progress_deadline() && !complete) {
      if (deployment_complete(new_status)) {
        set_condition(st, new_condition("Progressing", "True", "NewReplicaSetAvailable",
                                        subject + " has successfully progressed."));
      } else if (deployment_progressing(new_status, current)) {
        // The Progressing condition is refreshed (lastUpdateTime) on every sign of progress.
        json c = new_condition("Progressing", "True", "ReplicaSetUpdated", subject + " is progressing.");
        if (cur) {
          if (cur->status == "True") c["lastTransitionTime"] = cur->last_transition_time;
          remove_condition(st, "Progressing");
        }
        set_condition(st, std::move(c));
      } else if (deployment_timed_out(new_status)) {
        // new_status's Progressing condition is still st's: the branches above did not run.
        set_condition(st, new_condition("Progressing", "False", "ProgressDeadlineExceeded",
                                        subject + " has timed out progressing."));
      }
    }
    if (st == current_status()) {
      requeue_stuck(new_status, current);
      return;
    }
    write_status(std::move(st));
  }

  // progress.go requeueStuckDeployment: check again when the progress deadline passes.
  void requeue_stuck(const DeploymentStatus& st, const DeploymentStatus& current) {
    const k8s::DeploymentCondition* cur = current.condition("Progressing");
    if (!has_progress_deadline() || !cur) return;
    if (deployment_complete(st) || cur->reason == "ProgressDeadlineExceeded") return;
    // Upstream also re-polls (rate limited, about 10 per second) a Deployment whose condition
    // says NewReplicaSetAvailable but which is short of replicas (a crash-looping pod), although
    // such a sync can change nothing until a watch event arrives; that polling is left out.
    if (cur->reason == "NewReplicaSetAvailable") return;
    auto from = parse_time(cur->last_update_time);
    if (!from) return;
    const Duration after = *from + seconds(progress_deadline()) - now();
    // A deadline that passed before this sync (a scale long after the last rollout, whose
    // Progressing condition this path does not refresh) would make the 5 ms re-poll below spin
    // forever in a simulation; the next rollout-status sync marks it instead.
    if (after < Duration{0}) return;
    // Upstream adds a second "to avoid milliseconds skew"; under a second it requeues rate
    // limited, and as the successful sync resets the limiter (Forget), that is the base delay.
    requeue_ = after < seconds(1) ? milliseconds(5) : after + seconds(1);
  }

  // --- cleanup -----------------------------------------------------------------------------
  // sync.go cleanupDeployment: delete the oldest unused ReplicaSets beyond revisionHistoryLimit.
  void cleanup(const RsPtrs& old) {
    const std::int64_t limit = d().spec.revision_history_limit;
    if (limit == kMaxInt32) return;
    RsPtrs cleanable;
    for (Rs* rs : old)
      if (rs && !rs->metadata().deletion_timestamp) cleanable.push_back(rs);
    const std::int64_t diff = static_cast<std::int64_t>(cleanable.size()) - limit;
    if (diff <= 0) return;
    std::sort(cleanable.begin(), cleanable.end(), [](const Rs* a, const Rs* b) {
      auto ra = revision_of(*a), rb = revision_of(*b);
      if (!ra || !rb || *ra == *rb) return older(a, b);
      return *ra < *rb;
    });
    for (std::int64_t i = 0; i < diff; ++i) {
      const Rs* rs = cleanable[i];
      if (rs->status().replicas != 0 || rs->spec().replicas != 0 ||
          rs->metadata().generation > rs->status().observed_generation)
        continue;
      WriteResult r = api().remove(ObjectRef::of(*rs->object), kFieldManager);
      if (!r.status.ok() && r.status.code != 404) {
        error_ = true;
        return;
      }
    }
  }

  // --- rollouts ----------------------------------------------------------------------------------
  bool is_scaling_event() {
    RsSet s = get_all_and_sync_revision(false);
    if (error_) return false;
    RsPtrs all = s.old;
    all.push_back(s.new_rs);
    for (Rs* rs : filter_active(all)) {
      const auto desired = annotation_int(rs->metadata(), k8s::kDesiredReplicasAnnotation);
      if (desired && *desired != replicas()) return true;
    }
    return false;
  }

  void sync() {
    RsSet s = get_all_and_sync_revision(false);
    if (error_) return;
    scale(s.new_rs, s.old);
    if (error_) return;
    if (d().spec.paused) cleanup(s.old);
    if (error_) return;
    RsPtrs all = s.old;
    all.push_back(s.new_rs);
    sync_deployment_status(all, s.new_rs);
  }

  // rolling.go reconcileOldReplicaSets with cleanupUnhealthyReplicas and
  // scaleDownOldReplicaSetsForRollingUpdate.
  bool reconcile_old(RsPtrs active_old, Rs* new_rs) {
    if (replica_count(active_old) == 0) return false;
    RsPtrs all = active_old;
    all.push_back(new_rs);
    const std::int64_t min_available = replicas() - max_unavailable();
    const std::int64_t new_unavailable = spec_replicas(new_rs) - available_replicas(new_rs);
    const std::int64_t max_scaled_down = replica_count(all) - min_available - new_unavailable;
    if (max_scaled_down <= 0) return false;

    // Unhealthy old replicas go first, or they would block the rollout (kubernetes #16737).
    std::sort(active_old.begin(), active_old.end(), older);
    std::int64_t cleaned = 0;
    for (Rs* rs : active_old) {
      if (cleaned >= max_scaled_down) break;
      if (rs->spec().replicas == 0) continue;
      const std::int64_t unhealthy = rs->spec().replicas - rs->status().available_replicas;
      if (unhealthy == 0) continue;
      const std::int64_t n = std::min(max_scaled_down - cleaned, unhealthy);
      if (n < 0) {
        // A status counting more available pods than wanted (not yet updated after a
        // scale-down): upstream refuses to "scale down" upwards and retries.
        error_ = true;
        return false;
      }
      scale_rs_and_record_event(rs, rs->spec().replicas - n);
      if (error_) return false;
      cleaned += n;
    }

    const std::int64_t available = available_replica_count(all);
    std::int64_t scaled_down = 0;
    if (available > min_available) {
      const std::int64_t total = available - min_available;
      for (Rs* rs : active_old) {
        if (scaled_down >= total) break;
        if (rs->spec().replicas == 0) continue;
        const std::int64_t n = std::min(rs->spec().replicas, total - scaled_down);
        scale_rs_and_record_event(rs, rs->spec().replicas - n);
        if (error_) return false;
        scaled_down += n;
      }
    }
    return cleaned + scaled_down > 0;
  }

  void rollout_rolling() {
    RsSet s = get_all_and_sync_revision(true);
    if (error_ || !s.new_rs) return;
    RsPtrs all = s.old;
    all.push_back(s.new_rs);
    // rolling.go reconcileNewReplicaSet.
    bool scaled_up = false;
    if (s.new_rs->spec().replicas > replicas())
      scaled_up = scale_rs_and_record_event(s.new_rs, replicas());
    else if (s.new_rs->spec().replicas < replicas())
      scaled_up = scale_rs_and_record_event(s.new_rs, new_rs_new_replicas(all, s.new_rs));
    if (error_) return;
    if (scaled_up) {
      sync_rollout_status(all, s.new_rs);
      return;
    }
    const bool scaled_down = reconcile_old(filter_active(s.old), s.new_rs);
    if (error_) return;
    if (scaled_down) {
      sync_rollout_status(all, s.new_rs);
      return;
    }
    if (deployment_complete(in_hand_status())) cleanup(s.old);
    if (error_) return;
    sync_rollout_status(all, s.new_rs);
  }

  // recreate.go oldPodsRunning: pods of old ReplicaSets that are not Failed or Succeeded,
  // terminating ones included.
  bool old_pods_running(const Rs* new_rs, const RsPtrs& old) {
    if (actual_replica_count(old) > 0) return true;
    std::vector<std::string> old_uids;
    for (Rs* rs : old)
      if (rs && rs != new_rs) old_uids.push_back(rs->metadata().uid);
    if (old_uids.empty()) return false;
    for (const ObjectPtr& object : api().list("Pod", d().metadata.namespace_)) {
      const std::shared_ptr<const k8s::Pod> pod = pods_.get(key_of(*object), object);
      const OwnerReference* owner = pod->metadata.controller_ref();
      if (!owner || std::find(old_uids.begin(), old_uids.end(), owner->uid) == old_uids.end()) continue;
      if (pod->status.phase != k8s::kPodFailed && pod->status.phase != k8s::kPodSucceeded) return true;
    }
    return false;
  }

  void rollout_recreate() {
    RsSet s = get_all_and_sync_revision(false);
    if (error_) return;
    RsPtrs all = s.old;
    all.push_back(s.new_rs);
    bool scaled_down = false;
    for (Rs* rs : filter_active(s.old)) {
      if (scale_rs_and_record_event(rs, 0)) scaled_down = true;
      if (error_) return;
    }
    if (scaled_down || old_pods_running(s.new_rs, s.old)) {
      sync_rollout_status(all, s.new_rs);
      return;
    }
    if (!s.new_rs) {
      s = get_all_and_sync_revision(true);
      if (error_ || !s.new_rs) return;
      all = s.old;
      all.push_back(s.new_rs);
    }
    scale_rs_and_record_event(s.new_rs, replicas());
    if (error_) return;
    if (deployment_complete(in_hand_status())) cleanup(s.old);
    if (error_) return;
    sync_rollout_status(all, s.new_rs);
  }

  // sync.go checkPausedConditions.
  void check_paused_conditions() {
    if (!has_progress_deadline()) return;
    const DeploymentStatus current = in_hand_status();
    const k8s::DeploymentCondition* cond = current.condition("Progressing");
    if (cond && cond->reason == "ProgressDeadlineExceeded") return;
    const bool paused_cond = cond && cond->reason == "DeploymentPaused";
    const bool paused = d().spec.paused;
    if (paused && !paused_cond)
      set_condition(status(), new_condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
    else if (!paused && paused_cond)
      set_condition(status(), new_condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"));
    else
      return;
    update_status();
  }

  // deployment_controller.go syncDeployment.
  void sync_deployment() {
    const json* sel = d().spec.selector;
    if (sel && sel->is_object() && sel->empty()) {
      event("Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      const std::int64_t gen = d().metadata.generation;
      if (in_hand_status().observed_generation < gen) {
        status()["observedGeneration"] = gen;
        update_status();
      }
      return;
    }
    if (!d().spec.template_) return;  // not an object: rejected by validation upstream
    if (d().metadata.deletion_timestamp) {
      RsSet s = get_all_and_sync_revision(false);
      if (error_) return;
      RsPtrs all = s.old;
      all.push_back(s.new_rs);
      sync_deployment_status(all, s.new_rs);
      return;
    }
    check_paused_conditions();
    if (error_) return;
    if (d().spec.paused) {
      sync();
      return;
    }
    const bool scaling = is_scaling_event();
    if (error_) return;
    if (scaling) {
      sync();
      return;
    }
    if (is_rolling())
      rollout_rolling();
    else
      rollout_recreate();
  }

  // The Deployment in hand: the stored version, shared with the API server and read in place,
  // never copied, and its typed view. What a sync changes of it (the status, the revision
  // annotation) is held beside it until update_status writes it; the write's result then
  // replaces the version in hand.
  const Deployment& d() const { return *d_; }
  void set_deployment(ObjectPtr object) {
    d_ = deployments_.get(key_, object);
    d_object_ = std::move(object);
  }
  // Its annotations as this sync sees them (annotations_edit_ once it changed them).
  const std::map<std::string, std::string>& d_annotations() const {
    return annotations_edit_ ? *annotations_edit_ : d().metadata.annotations;
  }
  // A ReplicaSet in hand after a write: the version the write returned.
  void set_replica_set(Rs& rs, ObjectPtr object) {
    rs.view = replica_sets_.get(key_of(*object), object);
    rs.object = std::move(object);
  }

  // The typed views, parsed once per stored version (client-go's typed informer caches).
  k8s::ParsedVersions<Deployment> deployments_{k8s::parse_deployment};
  k8s::ParsedVersions<ReplicaSet> replica_sets_{k8s::parse_replica_set};
  k8s::ParsedVersions<k8s::Pod> pods_{k8s::parse_pod};

  std::string key_;
  ObjectPtr d_object_;
  std::shared_ptr<const Deployment> d_;
  std::optional<json> status_edit_;  // the status this sync is building, until written
  std::optional<std::map<std::string, std::string>> annotations_edit_;  // when this sync changed the revision
  std::deque<Rs> rss_;  // a deque: pointers to its elements survive push_back
  bool error_ = false;
  std::optional<Duration> requeue_;
  std::map<std::string, int> failures_;
};

KCSIM_REGISTER_MODEL(DeploymentController, "deployment-controller");

}  // namespace
}  // namespace kcsim::models
