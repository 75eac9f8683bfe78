// The ArgoCD application controller (argocd-application-controller), with the small parts of
// argocd-server it needs (Git webhooks, `argocd app sync`, `argocd app refresh`).
//
// Application objects (argoproj.io/v1alpha1) are read from the API server and nowhere else,
// through their typed view (application.hpp: app.spec.source, app.status.operationState),
// parsed once per stored version; the status, operation and operationState the controller
// writes are JSON bodies built from it. Managed resources of any kind are compared as the
// documents they are (argocd_diff.hpp), as gitops-engine compares unstructured objects.
// Git is read only through each app's spec.source (repoURL, path, targetRevision), via the
// GitService of the "git" model — the repo-server boundary (models/git/git_repository.hpp).
//
// Followed upstream (argoproj/argo-cd, controller/appcontroller.go, controller/state.go,
// controller/sync.go, controller/cache/cache.go, per tag; docs/models/argocd-git.md):
//  - refresh: the Application informer resyncs every timeout.reconciliation and each app is
//    requeued after a jitter uniform in [0, jitter) (v3.0+); a full refresh (CompareWithLatest)
//    runs only when status.reconciledAt + timeout is before now (needRefreshAppStatus);
//  - watched changes of managed resources refresh the app at CompareWithRecent (a root
//    resource) or ComparisonWithNothing (a child such as a ReplicaSet or Pod), batched every
//    100 ms from v3.0, with status-only updates of tracked resources dropped
//    (ignoreResourceUpdates, v3.0 default);
//  - comparison: desired = Git manifests at the resolved revision with tracking info; diff
//    three-way against last-applied (or two-way), after ignoreDifferences (argocd_diff.hpp);
//    health per resource and for the app (argocd_health.hpp);
//  - autoSync (appcontroller.go autoSync) and self-heal timing (selfHealRemainingBackoff, commit
//    dc27102cff #20275), per version (see profile_for);
//  - sync operations (SyncAppState, gitops-engine pkg/sync/sync_context.go; retry:
//    pkg/apis/application/v1alpha1/types.go NextRetryAt): client-side apply (three-way patch,
//    last-applied annotation) or
//    server-side apply (force), ApplyOutOfSyncOnly, RespectIgnoreDifferences, partial sync,
//    prune, retry; operationState and events as upstream writes them.
//
// Not modelled: hooks and sync waves as separate passes (waves are applied in order in one
// pass), multiple sources, Helm/Kustomize rendering, projects and sync windows, finalizers
// (cascade deletion), orphaned-resource monitoring, hard refresh timeouts, sharding.
// docs/models/argocd-git.md says more.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "application.hpp"
#include "argocd_conditions.hpp"
#include "argocd_diff.hpp"
#include "resource_comparison.hpp"
#include "argocd_health.hpp"
#include "hash_view.hpp"
#include "sync_policy.hpp"
#include "self_heal_backoff.hpp"
#include "../git/git_repository.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/go_omitempty.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/k8s/types/parsed_versions.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim {
namespace {

using argocd::Application;
using argocd::Health;
using argocd::HashViewFingerprint;
using argocd::same_hash_view;

// Field managers and event source (controller/sync.go sync.WithServerSideApplyManager,
// util/argo/audit_logger.go; other writes: the user-agent prefix, k8s.io/apiserver
// pkg/endpoints/handlers/create.go managerOrUserAgent).
constexpr const char* kComponent = "argocd-application-controller";
constexpr const char* kControllerManager = "argocd-application-controller";
constexpr const char* kServerManager = "argocd-server";
constexpr const char* kSSAManager = "argocd-controller";  // common.ArgoCDSSAManager

constexpr const char* kRefreshAnnotation = "argocd.argoproj.io/refresh";
using argocd::kTrackingAnnotation;
using argocd::kInstanceLabel;
constexpr const char* kSkipReconcileAnnotation = "argocd.argoproj.io/skip-reconcile";
constexpr const char* kHookAnnotation = "argocd.argoproj.io/hook";
constexpr const char* kSyncWaveAnnotation = "argocd.argoproj.io/sync-wave";

// CompareWith levels (controller/appcontroller.go).
enum Level : int { kNothing = 0, kRecent = 1, kLatest = 2, kForceResolve = 3 };

// How self-heal attempts are counted and reset, by release (checked per tag in argo-cd
// controller/appcontroller.go; docs/models/argocd-git.md has the same table):
//  kLegacy        < v2.11.12, v2.12.0–v2.12.6: no backoff, --self-heal-timeout-seconds (5).
//  kCarryAlways   v2.11.12–14, v2.12.7+, v2.13.x, v2.14.0–9: count copied into every automated
//                 operation (a new revision does not reset it); the backoff loop
//                 `for backOff.Steps > 0` stops when the cap is hit, so the wait never exceeds
//                 162 s with the defaults.
//  kResetIfSynced v2.14.10–13, v3.0.0–4: count reset when the persisted sync status is Synced
//                 or the revision changed (commit 6b15a04509, #22095/#20978).
//  kCooldownSynced v2.14.14+, v3.0.5+, v3.1.x: reset when the last operation finished at least
//                 the cooldown (330 s) ago and the persisted sync status is Synced, or the
//                 revision changed (#23057).
//  kCooldownPhase v3.2.x: the count is carried only on the self-heal path and only while the
//                 cooldown has not elapsed since a successful operation.
//  kNoCooldown    v3.3.0+: carried on the self-heal path, never reset by time (#25579).
enum class Heal { kLegacy, kCarryAlways, kResetIfSynced, kCooldownSynced, kCooldownPhase, kNoCooldown };

constexpr std::uint32_t kResyncTimer = 0;
constexpr std::uint32_t kBatchTimer = 1;
constexpr std::uint32_t kActionTimer = 2;

// --- small JSON helpers -------------------------------------------------------------------------

bool present(const json* v) { return v && !v->is_null(); }

// Fields of user-written objects, read without trusting their types.
std::string text(const json& obj, const char* key) { return str_at(obj, {key}); }
std::int64_t num(const json& obj, const char* key, std::int64_t fallback) { return int_at(obj, {key}, fallback); }

// Two parts of an Application (spec.source, its comparedTo copy, ...) are the same when they
// encode alike under Go's omitempty (include/kcsim/k8s/go_omitempty.hpp): absent, null and a
// value whose fields are all empty ({"prune": false}) are all "not set".
bool same_spec(const json* a, const json* b) {
  // Equal values encode alike: the usual case (spec.source against its comparedTo copy) needs
  // no encoding.
  if (a && b && *a == *b) return true;
  auto encoded = [](const json* v) {
    if (!v) return json(nullptr);
    json e = drop_go_empty_fields(*v);
    return is_go_empty(e) ? json(nullptr) : e;
  };
  return encoded(a) == encoded(b);
}

bool is_completed(const std::string& phase) { return phase == "Succeeded" || phase == "Failed" || phase == "Error"; }

bool annotation_has_option(const json& obj, const std::string& option) {
  return argocd::has_sync_option_annotation(obj, option);
}

// kubectl's printed resource name: "deployment.apps/web", "service/web".
std::string kubectl_name(const std::string& group, const std::string& kind, const std::string& name) {
  return lower(kind) + (group.empty() ? "" : "." + group) + "/" + name;
}

// gitops-engine kube.KindOrder: the order a sync applies kinds in (within a wave).
int kind_order(const std::string& kind) {
  static const std::vector<std::string> order = {
      "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
      "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
      "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
      "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
      "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
      "CronJob", "IngressClass", "Ingress", "APIService"};
  auto it = std::find(order.begin(), order.end(), kind);
  return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

// --- version profiles ------------------------------------------------------------------------------

struct Profile {
  Heal heal = Heal::kNoCooldown;
  Duration resync = seconds(120);   // timeout.reconciliation
  Duration jitter = seconds(60);    // timeout.reconciliation.jitter
  bool batch_events = true;         // ARGOCD_CLUSTER_CACHE_BATCH_EVENTS_PROCESSING
  bool ignore_resource_updates = true;
  bool started_brackets = false;    // "Initiated automated sync to [sha]"
  bool failed_brackets = true;      // "Failed last sync attempt to [sha]: ..."
  bool op_source = true;            // automated operations carry sync.source (v3.2+)
  bool persist_resource_health = false;
  bool health_transition_time = true;  // status.health.lastTransitionTime (v3.1.0+)
  std::string csa_manager = kSSAManager;
  std::int64_t self_heal_timeout = 0;
  std::int64_t backoff_timeout = 2;
  std::int64_t backoff_factor = 3;
  std::int64_t backoff_cap = 300;
  std::int64_t cooldown = 330;
};

Profile profile_for(const std::string& v) {
  auto ge = [&](const char* x) { return compare_versions(v, x) >= 0; };
  auto lt = [&](const char* x) { return compare_versions(v, x) < 0; };
  Profile p;
  if (ge("3.3.0")) p.heal = Heal::kNoCooldown;
  else if (ge("3.2.0")) p.heal = Heal::kCooldownPhase;
  else if (ge("3.0.5")) p.heal = Heal::kCooldownSynced;
  else if (ge("3.0.0")) p.heal = Heal::kResetIfSynced;
  else if (ge("2.14.14")) p.heal = Heal::kCooldownSynced;
  else if (ge("2.14.10")) p.heal = Heal::kResetIfSynced;
  else if (ge("2.13.0") || (ge("2.12.7") && lt("2.13.0")) || (ge("2.11.12") && lt("2.12.0"))) p.heal = Heal::kCarryAlways;
  else p.heal = Heal::kLegacy;
  if (p.heal == Heal::kLegacy) {
    p.self_heal_timeout = 5;  // --self-heal-timeout-seconds default before the backoff
    p.backoff_timeout = 0;
  }
  // v3.0.0 (commit fe598a831e #22342): 120 s + 60 s jitter; before: 180 s, no jitter.
  if (lt("3.0.0")) {
    p.resync = seconds(180);
    p.jitter = Duration{0};
    p.batch_events = false;             // #22338, v3.0.0
    p.ignore_resource_updates = false;  // default ignoreResourceUpdates for /status, v3.0.0
    p.persist_resource_health = true;   // controller.resource.health.persist, v3.0.0
  }
  // The bracketed form came with #24147 in v3.2.0 and was reverted (#27387) in v3.2.10/v3.3.8.
  p.started_brackets = (ge("3.2.0") && lt("3.2.10")) || (ge("3.3.0") && lt("3.3.8"));
  p.failed_brackets = ge("3.2.0");
  p.health_transition_time = ge("3.1.0");
  p.op_source = ge("3.2.0");
  // gitops-engine sets the client-side apply field manager since #418 (≈ v2.5).
  if (lt("2.5.0")) p.csa_manager = kControllerManager;
  return p;
}

// --- one comparison ------------------------------------------------------------------------------

struct Pair {
  json target;        // null: live only (requires pruning)
  ObjectPtr live;     // null: missing
  std::string group, version, kind, ns, name;
  std::shared_ptr<const argocd::Normalized> norm;  // shared with ArgoCD::diff_memo_
  bool modified = true;
  std::string status;  // "Synced", "OutOfSync"
  bool requires_pruning = false;
  int wave = 0;
};

struct Comparison {
  bool short_circuit = false;  // a repository error inside the grace period: no status update
  bool failed_to_load = false;
  std::string revision;
  std::string sync_status = "Unknown";
  json compared_to = json::object();
  std::string health = "Healthy";
  std::vector<Pair> pairs;
  json resources = json::array();
  std::vector<std::pair<std::string, std::string>> conditions;  // (type, message)
};

class ArgoCD final : public Controller, public GitPushListener {
 public:
  explicit ArgoCD(World& world) : Controller(world, "argocd") {
    profile_ = profile_for(world.versions().get("argocd"));
    read_settings();
    const Scenario& sc = world.scenario();
    for (std::size_t i = 0; i < sc.timeline.size(); ++i) {
      const TimelineAction& a = sc.timeline[i];
      if (a.action != "argocd app sync" && a.action != "argocd app refresh") continue;
      validate_action(a);
      world.claim_action(i);
      actions_.push_back(i);
    }
    // Applications given in the scenario are checked now, so that an unsupported
    // ignoreDifferences entry is an input error rather than a ComparisonError at run time.
    for (std::size_t i = 0; i < sc.objects.size(); ++i) {
      const json& o = sc.objects[i];
      if (o.value("kind", "") != "Application") continue;
      const json* ids = find(o, {"spec", "ignoreDifferences"});
      if (!ids || !ids->is_array()) continue;
      for (std::size_t j = 0; j < ids->size(); ++j) {
        const json* jq = find((*ids)[j], {"jqPathExpressions"});
        if (!jq || !jq->is_array()) continue;
        for (std::size_t k = 0; k < jq->size(); ++k) {
          std::string why;
          if (!(*jq)[k].is_string() || !argocd::parse_jq_path((*jq)[k].get<std::string>(), &why))
            throw InputError(sc.file, fmt::format("/objects/{}/spec/ignoreDifferences/{}/jqPathExpressions/{}", i, j, k),
                             "expected a jq path expression kcsim supports (.a.b, .a[0], .a[], | select(.k == \"v\"))",
                             why.empty() ? describe_found((*jq)[k]) : why);
        }
      }
    }
  }

  void start() override {
    git_ = world().service<GitService>();  // null when the scenario has no git model
    if (git_) git_->subscribe(this);
    watch("");
    resync_timer_ = new_timer();
    batch_timer_ = new_timer();
    if (resync_ > Duration{0}) arm(resync_timer_, now() + resync_, kResyncTimer);
    // The cluster cache's initial list: index what objects alive at t = 0 are tracked by.
    std::set<std::string> kinds;
    for (const json& o : world().scenario().objects) kinds.insert(o.value("kind", ""));
    for (const std::string& k : kinds)
      for (const ObjectPtr& o : api().list(k)) index_tracking(*o, false);
    // The Application informer's initial list: AddFunc → appRefreshQueue.AddRateLimited.
    for (const ObjectPtr& object : api().list("Application", namespace_)) {
      const std::shared_ptr<const Application> app = view(object);
      apps_.insert(key_of(app->ref()));
      if (can_process(*app)) enqueue_after("r|" + key_of(app->ref()), kRateLimit);
    }
    for (std::size_t i : actions_) schedule(world().scenario().timeline[i].at, kActionTimer, i);
  }

  // --- watches ---------------------------------------------------------------------------------

  void on_watch_event(const WatchEvent& e) override {
    const json& obj = *e.object;
    const std::string kind = obj.value("kind", "");
    // Default resource exclusions (util/settings/resources_filter.go, argocd-cm): events,
    // endpoints, leases are not in the cluster cache.
    if (kind == "Event" || kind == "Endpoints" || kind == "EndpointSlice" || kind == "Lease") return;
    if (kind == "Application" && str_at(obj, {"metadata", "namespace"}) == namespace_) app_informer_event(e);
    if (batch_events_) {
      batch_.push_back(e);
      if (!engine().armed(batch_timer_)) {
        // The cluster cache processes queued events on a ticker (gitops-engine processEvents).
        const std::int64_t iv = batch_interval_.count();
        const std::int64_t next = (now().time_since_epoch().count() / iv + 1) * iv;
        arm(batch_timer_, SimTime{Duration{next}}, kBatchTimer);
      }
    } else {
      cluster_cache_event(e);
    }
  }

  void on_timer(std::uint32_t kind, std::uint64_t payload) override {
    if (kind == kResyncTimer) {
      informer_resync();
      arm(resync_timer_, now() + resync_, kResyncTimer);
    } else if (kind == kBatchTimer) {
      std::vector<WatchEvent> events;
      events.swap(batch_);
      for (const WatchEvent& e : events) cluster_cache_event(e);
    } else if (kind == kActionTimer) {
      run_action(world().scenario().timeline[payload]);
    }
  }

  // argocd-server's webhook handler (util/webhook/webhook.go): every app whose source is the
  // pushed repository and revision gets the refresh annotation (argo.RefreshApp).
  void on_git_push(const std::string& repo_url, const std::string& ref, const std::string& sha) override {
    (void)sha;
    const bool is_branch = ref.rfind("refs/heads/", 0) == 0;
    const std::string name = ref.substr(is_branch ? 11 : 10);
    std::string default_branch;
    if (git_)
      if (auto head = git_->resolve(repo_url, "HEAD", now()); head.ok()) default_branch = head.value->branch;
    const bool touched_head = is_branch && name == default_branch;
    for (const ObjectPtr& object : api().list("Application", namespace_)) {
      const std::shared_ptr<const Application> app = view(object);
      const argocd::ApplicationSource& source = app->spec.source;
      if (!source.raw || !same_git_url(source.repo_url, repo_url)) continue;
      std::string target = source.target_revision;
      bool match;
      if (target.empty() || target == "HEAD") {
        match = touched_head;
      } else {
        if (target.rfind("refs/heads/", 0) == 0) target = target.substr(11);
        else if (target.rfind("refs/tags/", 0) == 0) target = target.substr(10);
        match = target == name;
      }
      if (!match) continue;
      api().merge_patch(app->ref(), {{"metadata", {{"annotations", {{kRefreshAnnotation, "normal"}}}}}},
                        kServerManager);
    }
  }

  std::optional<Duration> reconcile(const std::string& key) override {
    const auto bar = key.find('|');
    const std::string kind = key.substr(0, bar);
    const std::string app_key = key.substr(bar + 1);
    if (kind == "r") process_refresh(app_key);
    else if (kind == "o") process_operation(app_key);
    else if (kind[0] == 'c') request_refresh(app_key, kind[1] - '0', std::nullopt);
    return std::nullopt;
  }

 private:
  // The app workqueue's rate limiter with per-item backoff disabled waits its base delay
  // (pkg/ratelimiter, --wq-basedelay-ns default 1 ms) on AddRateLimited.
  static constexpr Duration kRateLimit = milliseconds(1);
  // controller/appcontroller.go appOperationRequeueDelay.
  static constexpr Duration kOperationRequeueDelay = seconds(5);

  // --- settings ----------------------------------------------------------------------------------

  [[noreturn]] void bad_setting(const std::string& key, const std::string& expected, const json& found) const {
    throw InputError(world().scenario().file, world().settings_pointer("argocd") + "/" + key, expected,
                     describe_found(found));
  }

  void read_settings() {
    const json& s = settings();
    const std::string file = world().scenario().file;
    const std::string base = world().settings_pointer("argocd");
    resync_ = profile_.resync;
    jitter_ = profile_.jitter;
    batch_events_ = profile_.batch_events;
    ignore_resource_updates_ = profile_.ignore_resource_updates;
    tracking_ = argocd::tracking_method(world().versions().get("argocd"), s);  // settings.argocd.trackingMethod or the release's default
    self_heal_timeout_ = profile_.self_heal_timeout;
    backoff_timeout_ = profile_.backoff_timeout;
    backoff_factor_ = profile_.backoff_factor;
    backoff_cap_ = profile_.backoff_cap;
    cooldown_ = profile_.cooldown;
    auto seconds_setting = [&](const std::string& key, const json& v) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0) bad_setting(key, "expected a non-negative integer (seconds)", v);
      return v.get<std::int64_t>();
    };
    for (auto it = s.begin(); it != s.end(); ++it) {
      const std::string& k = it.key();
      const json& v = *it;
      if (is_controller_setting(k)) continue;
      if (k == "namespace") {
        if (!v.is_string() || v.get<std::string>().empty()) bad_setting(k, "expected a namespace name", v);
        namespace_ = v.get<std::string>();
      } else if (k == "reconciliationTimeout") {
        resync_ = read_duration(v, file, base + "/" + k);
      } else if (k == "reconciliationJitter") {
        jitter_ = read_duration(v, file, base + "/" + k);
      } else if (k == "revisionCacheExpiration") {
        revision_cache_ = read_duration(v, file, base + "/" + k);
      } else if (k == "syncDuration") {
        sync_duration_ = read_duration(v, file, base + "/" + k);
      } else if (k == "repoErrorGracePeriod") {
        repo_error_grace_ = read_duration(v, file, base + "/" + k);
      } else if (k == "selfHealTimeoutSeconds") {
        self_heal_timeout_ = seconds_setting(k, v);
      } else if (k == "selfHealBackoffTimeoutSeconds") {
        backoff_timeout_ = seconds_setting(k, v);
      } else if (k == "selfHealBackoffFactor") {
        backoff_factor_ = seconds_setting(k, v);
      } else if (k == "selfHealBackoffCapSeconds") {
        backoff_cap_ = seconds_setting(k, v);
      } else if (k == "selfHealBackoffCooldownSeconds") {
        cooldown_ = seconds_setting(k, v);
      } else if (k == "trackingMethod") {
        if (!v.is_string() || (v != "annotation" && v != "label" && v != "annotation+label"))
          bad_setting(k, "expected \"annotation\", \"label\" or \"annotation+label\"", v);
        tracking_ = v.get<std::string>();
      } else if (k == "batchEventsProcessing") {
        if (!v.is_boolean()) bad_setting(k, "expected true or false", v);
        batch_events_ = v.get<bool>();
      } else if (k == "eventProcessingInterval") {
        batch_interval_ = read_duration(v, file, base + "/" + k);
        if (batch_interval_ <= Duration{0}) bad_setting(k, "expected a positive duration", v);
      } else if (k == "ignoreResourceUpdates") {
        if (!v.is_boolean()) bad_setting(k, "expected true or false", v);
        ignore_resource_updates_ = v.get<bool>();
      } else if (k == "ignoreDifferencesOnResourceUpdates") {
        if (!v.is_boolean()) bad_setting(k, "expected true or false", v);
        ignore_differences_on_updates_ = v.get<bool>();
      } else if (k == "resourceCustomizations") {
        read_customizations(v, base + "/" + k);
      } else {
        throw InputError(file, base + "/" + k,
                         "expected one of enabled, namespace, reconciliationTimeout, reconciliationJitter, "
                         "revisionCacheExpiration, repoErrorGracePeriod, syncDuration, selfHealTimeoutSeconds, "
                         "selfHealBackoffTimeoutSeconds, selfHealBackoffFactor, selfHealBackoffCapSeconds, "
                         "selfHealBackoffCooldownSeconds, trackingMethod, batchEventsProcessing, "
                         "eventProcessingInterval, ignoreResourceUpdates, ignoreDifferencesOnResourceUpdates, "
                         "resourceCustomizations",
                         fmt::format("unknown field \"{}\"", k));
      }
    }
  }

  // argocd-cm resource.customizations.ignoreDifferences.<group_kind>: {"apps_Deployment":
  // {"jsonPointers": [...], "jqPathExpressions": [...], "managedFieldsManagers": [...]}, "all": ...}.
  void read_customizations(const json& v, const std::string& p) {
    const std::string file = world().scenario().file;
    if (!v.is_object()) throw InputError(file, p, "expected an object of \"<group>_<kind>\" or \"all\": {ignoreDifferences}", describe_found(v));
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string gk = it.key();
      const std::string ep = p + "/" + gk;
      if (!it->is_object()) throw InputError(file, ep, "expected an object with ignoreDifferences", describe_found(*it));
      for (auto f = it->begin(); f != it->end(); ++f) {
        if (f.key() != "ignoreDifferences")
          throw InputError(file, ep + "/" + f.key(), "expected ignoreDifferences", fmt::format("unknown field \"{}\"", f.key()));
        if (!f->is_object()) throw InputError(file, ep + "/ignoreDifferences", "expected an object", describe_found(*f));
        for (auto g = f->begin(); g != f->end(); ++g) {
          const std::string gp = ep + "/ignoreDifferences/" + g.key();
          if (g.key() != "jsonPointers" && g.key() != "jqPathExpressions" && g.key() != "managedFieldsManagers")
            throw InputError(file, gp, "expected jsonPointers, jqPathExpressions or managedFieldsManagers",
                             fmt::format("unknown field \"{}\"", g.key()));
          if (!g->is_array()) throw InputError(file, gp, "expected an array of strings", describe_found(*g));
          for (std::size_t i = 0; i < g->size(); ++i) {
            const json& x = (*g)[i];
            std::string why;
            if (!x.is_string()) throw InputError(file, fmt::format("{}/{}", gp, i), "expected a string", describe_found(x));
            if (g.key() == "jqPathExpressions" && !argocd::parse_jq_path(x.get<std::string>(), &why))
              throw InputError(file, fmt::format("{}/{}", gp, i), "expected a supported jq path expression", why);
            if (g.key() == "jsonPointers" && !argocd::parse_pointer(x.get<std::string>()))
              throw InputError(file, fmt::format("{}/{}", gp, i), "expected a JSON pointer such as \"/spec/replicas\"", describe_found(x));
          }
        }
      }
    }
    system_rules_ = argocd::customization_rules(v);
  }

  void validate_action(const TimelineAction& a) const {
    const std::string file = world().scenario().file;
    const bool sync = a.action == "argocd app sync";
    const std::set<std::string> keys = sync ? std::set<std::string>{"app", "namespace", "revision", "prune", "resources", "syncOptions"}
                                            : std::set<std::string>{"app", "namespace", "hard"};
    for (auto it = a.spec.begin(); it != a.spec.end(); ++it) {
      if (it.key() == "at" || it.key() == "action" || it.key() == "description") continue;
      if (!keys.count(it.key()))
        throw InputError(file, a.pointer + "/" + it.key(),
                         sync ? "expected one of app, namespace, revision, prune, resources, syncOptions"
                              : "expected one of app, namespace, hard",
                         fmt::format("unknown field \"{}\"", it.key()));
    }
    if (!a.spec.contains("app") || !a.spec["app"].is_string() || a.spec["app"].get<std::string>().empty())
      throw InputError(file, a.pointer + "/app", "expected the Application's name",
                       a.spec.contains("app") ? describe_found(a.spec["app"]) : "nothing");
    for (const char* k : {"namespace", "revision"})
      if (a.spec.contains(k) && !a.spec[k].is_string())
        throw InputError(file, a.pointer + "/" + k, "expected a string", describe_found(a.spec[k]));
    for (const char* k : {"prune", "hard"})
      if (a.spec.contains(k) && !a.spec[k].is_boolean())
        throw InputError(file, a.pointer + "/" + k, "expected true or false", describe_found(a.spec[k]));
    if (a.spec.contains("syncOptions") && !a.spec["syncOptions"].is_array())
      throw InputError(file, a.pointer + "/syncOptions", "expected an array of options such as \"ServerSideApply=true\"",
                       describe_found(a.spec["syncOptions"]));
    if (a.spec.contains("resources")) {
      const json& r = a.spec["resources"];
      if (!r.is_array()) throw InputError(file, a.pointer + "/resources", "expected an array of {group, kind, name}", describe_found(r));
      for (std::size_t i = 0; i < r.size(); ++i)
        if (!r[i].is_object() || !r[i].contains("kind") || !r[i].contains("name"))
          throw InputError(file, fmt::format("{}/resources/{}", a.pointer, i), "expected {group, kind, name}", describe_found(r[i]));
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  static std::string app_key(const Application& app) { return key_of(app.ref()); }
  static ObjectRef app_ref(const std::string& key) {
    const auto slash = key.find('/');
    return ObjectRef{"Application", key.substr(0, slash), key.substr(slash + 1)};
  }

  // The Application informer's typed cache (applications_): one parse per stored version.
  std::shared_ptr<const Application> view(const ObjectPtr& app) { return applications_.get(key_of(*app), app); }

  bool can_process(const Application& app) const {
    if (app.metadata.namespace_ != namespace_) return false;
    return app.annotation(kSkipReconcileAnnotation) != "true";
  }

  std::optional<SimTime> parse_time(const std::optional<std::string>& v) const {
    if (!v) return std::nullopt;
    auto secs = parse_rfc3339(*v);
    if (!secs) return std::nullopt;
    return SimTime{seconds(*secs - world().scenario().epoch.unix_seconds)};
  }
  std::string stamp() const { return world().scenario().epoch.rfc3339(now()); }

  // The app a live object is tracked by (resource_tracking.go GetAppName).
  std::string tracking_app(const json& obj) const {
    if (tracking_ == "label") return str_at(obj, {"metadata", "labels", kInstanceLabel});
    const std::string id = str_at(obj, {"metadata", "annotations", kTrackingAnnotation});
    const auto colon = id.find(':');
    return colon == std::string::npos ? std::string() : id.substr(0, colon);
  }

  static bool is_root(const json& obj) {
    const json* owners = find(obj, {"metadata", "ownerReferences"});
    return !owners || !owners->is_array() || owners->empty();
  }

  // controller/cache/cache.go getAppRecursive: a child's app is its owners' app.
  std::string app_of(const json& obj, int depth = 0) const {
    if (is_root(obj)) return tracking_app(obj);
    if (depth > 8) return {};
    for (const json& o : obj["metadata"]["ownerReferences"]) {
      ObjectRef parent{o.value("kind", ""), str_at(obj, {"metadata", "namespace"}), o.value("name", "")};
      if (ObjectPtr p = api().get(parent)) {
        std::string a = app_of(*p, depth + 1);
        if (!a.empty()) return a;
      }
    }
    return {};
  }
  ApiServer& api() const { return const_cast<World&>(world()).api(); }

  void index_tracking(const json& obj, bool deleted) {
    const ObjectRef ref = ObjectRef::of(obj);
    auto old = tracked_by_.find(ref);
    if (old != tracked_by_.end()) {
      tracked_[old->second].erase(ref);
      tracked_by_.erase(old);
    }
    if (deleted || !is_root(obj)) return;
    const std::string app = tracking_app(obj);
    if (app.empty()) return;
    tracked_by_[ref] = app;
    tracked_[app].insert(ref);
  }

  // --- the Application informer ---------------------------------------------------------------

  void app_informer_event(const WatchEvent& e) {
    const std::string key = key_of(*e.object);
    if (e.type == WatchEventType::kDeleted) apps_.erase(key);
    else apps_.insert(key);
    if (e.type == WatchEventType::kDeleted) {
      // DeleteFunc: appRefreshQueue.Add (the refresh then finds nothing).
      applications_.erase(key);
      refresh_requested_.erase(key);
      repo_error_first_seen_.erase(key);
      op_due_.erase(key);
      compared_.erase(key);
      return;
    }
    const std::shared_ptr<const Application> app = view(e.object);
    if (!can_process(*app)) return;
    if (e.type == WatchEventType::kAdded) {
      enqueue_after("r|" + key, kRateLimit);
      return;
    }
    // UpdateFunc (applicationEventHandlerFuncs): turning auto-sync on asks for CompareWithLatest.
    std::optional<int> level;
    if (e.old && app->spec.sync_policy.automated) {
      // oldApp.Spec.SyncPolicy.Automated: one member of the previous version, read in place (the
      // typed cache holds the newest version only).
      const json* old_automated = find(*e.old, {"spec", "syncPolicy", "automated"});
      if (!argocd::automation_enabled(old_automated) || !same_spec(old_automated, app->spec.automated)) level = kLatest;
    }
    request_refresh(key, level, std::nullopt);
  }

  // The informer's periodic resync: an UpdateFunc with an unchanged resourceVersion per app, which
  // requeues it after a random jitter (v3.0+) or at once.
  void informer_resync() {
    for (const ObjectPtr& object : api().list("Application", namespace_)) {
      const std::shared_ptr<const Application> app = view(object);
      if (!can_process(*app)) continue;
      const std::string key = app_key(*app);
      if (jitter_ > Duration{0}) {
        const Duration delay{static_cast<std::int64_t>(static_cast<double>(jitter_.count()) * rng().uniform())};
        request_refresh(key, std::nullopt, delay);
        if (delay > Duration{0} && app->operation) enqueue_after("o|" + key, kRateLimit);
      } else {
        request_refresh(key, std::nullopt, std::nullopt);
      }
    }
  }

  // ctrl.requestAppRefresh.
  void request_refresh(const std::string& key, std::optional<int> level, std::optional<Duration> after) {
    if (level && after) {
      // appComparisonTypeRefreshQueue.AddAfter("<key>/<level>", after)
      enqueue_after(fmt::format("c{}|{}", *level, key), *after);
      return;
    }
    if (level) {
      auto [it, inserted] = refresh_requested_.try_emplace(key, *level);
      if (!inserted) it->second = std::max(it->second, *level);
    }
    enqueue_after("r|" + key, after ? *after : kRateLimit);
  }

  // --- the cluster cache -------------------------------------------------------------------------

  // What the manifest hash covers (cache.go generateManifestHash with the ignore-update rules).
  json hash_view(const json& obj) const {
    json v = obj;
    if (v.contains("metadata") && v["metadata"].is_object())
      for (const char* k : {"resourceVersion", "generation", "managedFields"}) v["metadata"].erase(k);
    v.erase("status");  // resource.customizations.ignoreResourceUpdates.all: /status (v3.0 default)
    if (ignore_differences_on_updates_ && !system_rules_.empty()) {
      const argocd::IgnoreSet set =
          argocd::match_ignores(system_rules_, api_group(obj.value("apiVersion", "")), obj.value("kind", ""),
                                str_at(obj, {"metadata", "name"}), str_at(obj, {"metadata", "namespace"}));
      argocd::IgnoreSet no_managers = set;
      no_managers.managers.clear();
      if (!no_managers.empty()) {
        auto n = argocd::normalize(&v, nullptr, nullptr, no_managers);
        v = std::move(*n.live);
      }
    }
    return v;
  }

  bool hashable(const json& obj) const {
    return (is_root(obj) && !tracking_app(obj).empty()) ||
           (obj.value("kind", "") == "Application" && api_group(obj.value("apiVersion", "")) == "argoproj.io");
  }

  // cache.go skipResourceUpdate: neither the health nor the manifest hash changed.
  bool skip_update(const json& old_obj, const json& new_obj) const {
    if (!hashable(old_obj) || !hashable(new_obj)) return false;
    const auto ho = argocd::resource_health(old_obj), hn = argocd::resource_health(new_obj);
    const bool same_health = (!ho && !hn) || (ho && hn && ho->status == hn->status);
    if (!same_health) return false;
    if (ignore_differences_on_updates_ && !system_rules_.empty()) return hash_view(old_obj) == hash_view(new_obj);
    return same_hash_view(old_obj, new_obj);
  }

  static const std::string& resource_version_of(const json& obj) {
    static const std::string kNone;
    const json* rv = find(obj, {"metadata", "resourceVersion"});
    return rv && rv->is_string() ? rv->get_ref<const std::string&>() : kNone;
  }

  void cluster_cache_event(const WatchEvent& e) {
    const json& obj = *e.object;
    if (apps_.empty()) {
      // No Application to refresh: only keep the tracking index (for apps created later).
      index_tracking(obj, e.type == WatchEventType::kDeleted);
      return;
    }
    if (ignore_resource_updates_ && e.type == WatchEventType::kModified && e.old && skip_update(*e.old, obj)) {
      index_tracking(obj, false);
      return;
    }
    std::map<std::string, bool> notify;  // app → a root resource of it changed
    for (const json* r : {e.object.get(), e.old.get()}) {
      if (!r) continue;
      const std::string app = app_of(*r);
      if (app.empty()) continue;
      notify[app] = notify[app] || (is_root(*r) && !tracking_app(*r).empty());
    }
    index_tracking(obj, e.type == WatchEventType::kDeleted);
    const ObjectRef ref = ObjectRef::of(obj);
    for (const auto& [app_name, managed] : notify) {
      const ObjectRef aref{"Application", namespace_, app_name};
      ObjectPtr object = api().get(aref);
      if (!object) continue;
      const std::shared_ptr<const Application> app = view(object);
      if (!can_process(*app)) continue;
      // isSelfReferencedApp: an app's own object does not refresh it through the cluster cache.
      if (ref.kind == "Application" && ref.ns == aref.ns && ref.name == aref.name) continue;
      const std::string key = key_of(aref);
      request_refresh(key, managed ? kRecent : kNothing, std::nullopt);
      if (managed && app->operation) enqueue_after("o|" + key, kOperationRequeueDelay);
    }
  }

  // --- refresh (processAppRefreshQueueItem) ---------------------------------------------------------

  void process_refresh(const std::string& key) {
    ObjectPtr object = api().get(app_ref(key));
    if (!object) return;
    const std::shared_ptr<const Application> orig = view(object);
    if (!can_process(*orig)) return;
    if (auto level = need_refresh(*orig, key)) do_refresh(*orig, key, *level);
    // The refresh worker always hands the app to the operation queue afterwards (#18500); only
    // an app with an operation has anything to do there.
    if (ObjectPtr now_app = api().get(app_ref(key)); now_app && view(now_app)->operation)
      enqueue_after("o|" + key, kRateLimit);
  }

  // needRefreshAppStatus.
  std::optional<int> need_refresh(const Application& app, const std::string& key) {
    const std::optional<SimTime> reconciled = parse_time(app.status.reconciled_at);
    const bool expired = !reconciled || *reconciled + resync_ < now();
    const argocd::ComparedTo& compared_to = app.status.sync.compared_to;
    if (!app.annotation(kRefreshAnnotation).empty()) return kForceResolve;
    if (!same_spec(app.spec.source.raw, compared_to.source)) return kForceResolve;
    if (expired) return kLatest;
    if (!same_spec(app.spec.destination.raw, compared_to.destination)) return kLatest;
    if (!same_spec(app.spec.ignore_differences, compared_to.ignore_differences)) return kLatest;
    if (auto it = refresh_requested_.find(key); it != refresh_requested_.end()) {
      const int level = it->second;
      refresh_requested_.erase(it);
      return level;
    }
    return std::nullopt;
  }

  void do_refresh(const Application& orig, const std::string& key, int level) {
    if (level == kNothing && compared_.count(key)) {
      // Only the resource tree (summary) is rebuilt: nothing kcsim stores changes, so the status
      // patch is empty and persistAppStatus writes only to drop a refresh annotation.
      if (!orig.annotation(kRefreshAnnotation).empty())
        persist_status(orig, orig.status.raw ? *orig.status.raw : json::object());
      return;
    }
    // The status to persist starts from the stored one (members kcsim does not model stay).
    json status = orig.status.raw ? *orig.status.raw : json::object();
    static const json kNoSource = json::object();
    const json& source = orig.spec.source.raw ? *orig.spec.source.raw : kNoSource;
    const std::string revision = level == kRecent ? orig.status.sync.revision : orig.spec.source.target_revision;
    Comparison cmp = compare(orig, source, revision, level == kForceResolve, status);
    if (cmp.short_circuit) return;
    compared_.insert(key);
    const std::optional<std::string> sync_error = auto_sync(orig, key, cmp);
    set_conditions(status, sync_error ? std::vector<std::pair<std::string, std::string>>{{"SyncError", *sync_error}}
                                      : std::vector<std::pair<std::string, std::string>>{},
                   {"SyncError"});
    if (!orig.status.reconciled_at || level >= kLatest) status["reconciledAt"] = stamp();
    json sync = {{"status", cmp.sync_status}, {"comparedTo", cmp.compared_to}};
    if (!cmp.revision.empty()) sync["revision"] = cmp.revision;
    status["sync"] = sync;
    json health = {{"status", cmp.health}};
    if (const json* lt = orig.status.health.last_transition_time; lt && profile_.health_transition_time)
      health["lastTransitionTime"] = *lt;
    status["health"] = health;
    if (cmp.resources.empty()) status.erase("resources");
    else status["resources"] = cmp.resources;
    status["sourceType"] = "Directory";
    status["controllerNamespace"] = namespace_;
    persist_status(orig, std::move(status));
  }

  // ApplicationStatus.SetConditions: replaces the evaluated types, keeps the others; a condition
  // that did not change keeps its lastTransitionTime.
  void set_conditions(json& status, const std::vector<std::pair<std::string, std::string>>& conds,
                      const std::set<std::string>& evaluated) {
    json out = json::array();
    const json* old = find(status, {"conditions"});
    if (old && old->is_array())
      for (const json& c : *old)
        if (!evaluated.count(c.value("type", ""))) out.push_back(c);
    for (const auto& [type, message] : conds) {
      json c = {{"type", type}, {"message", message}, {"lastTransitionTime", stamp()}};
      if (old && old->is_array())
        for (const json& o : *old)
          if (o.value("type", "") == type && o.value("message", "") == message && o.contains("lastTransitionTime"))
            c["lastTransitionTime"] = o["lastTransitionTime"];
      out.push_back(std::move(c));
    }
    if (out.empty()) status.erase("conditions");
    else status["conditions"] = out;
  }

  // Writes Application changes as the controller does: one merge patch of the main resource
  // carrying both the status and the rest, because the Application CRD has no status
  // subresource (manifests/crds/application-crd.yaml: `subresources: {}`). If the API server
  // serves Application status through a subresource (kcsim's keeps status on main-resource
  // writes for every kind), the first status change shows it and the status goes through
  // /status from then on, in a second write of the same instant.
  void write_app(const ObjectRef& ref, json main_patch, const json& status_patch) {
    const bool has_status = status_patch.is_object() && !status_patch.empty();
    if (has_status && status_mode_ != StatusMode::kSubresource) {
      ObjectPtr before = api().get(ref);
      if (!before) return;
      const json old_status = before->value("status", json::object());
      main_patch["status"] = status_patch;
      WriteResult r = api().merge_patch(ref, main_patch, kControllerManager);
      if (status_mode_ == StatusMode::kUnknown && r.object) {
        json expected = old_status;
        expected.merge_patch(status_patch);
        if (expected != old_status)
          status_mode_ = r.object->value("status", json::object()) == expected ? StatusMode::kMainResource
                                                                               : StatusMode::kSubresource;
      }
      if (status_mode_ == StatusMode::kSubresource)
        api().merge_patch(ref, {{"status", status_patch}}, kControllerManager, "status");
      return;
    }
    if (!main_patch.empty()) api().merge_patch(ref, main_patch, kControllerManager);
    if (has_status) api().merge_patch(ref, {{"status", status_patch}}, kControllerManager, "status");
  }

  // persistAppStatus: events for sync/health changes, then one merge patch of the difference
  // (with the refresh annotation removed).
  void persist_status(const Application& orig, json status) {
    static const json kNoStatus = json::object();
    const json& old = orig.status.raw ? *orig.status.raw : kNoStatus;
    const ObjectRef ref = orig.ref();
    const std::string& old_sync = orig.status.sync.status;
    const std::string new_sync = str_at(status, {"sync", "status"});
    if (old_sync != new_sync)
      api().record_event(ref, "Normal", "ResourceUpdated", fmt::format("Updated sync status: {} -> {}", old_sync, new_sync),
                         kComponent);
    const std::string& old_health = orig.status.health.status;
    const std::string new_health = str_at(status, {"health", "status"});
    if (old_health != new_health) {
      if (status.contains("health") && profile_.health_transition_time) status["health"]["lastTransitionTime"] = stamp();
      api().record_event(ref, "Normal", "ResourceUpdated",
                         fmt::format("Updated health status: {} -> {}", old_health, new_health), kComponent);
    }
    json main_patch = json::object();
    if (!orig.annotation(kRefreshAnnotation).empty())
      main_patch = {{"metadata", {{"annotations", {{kRefreshAnnotation, nullptr}}}}}};
    write_app(ref, std::move(main_patch), argocd::create_merge_patch(old, status));
  }

  // --- comparison (CompareAppState) --------------------------------------------------------------

  // repo-server revision resolution with the Git references cache (util/git/client.go getRefs;
  // reposerver/cache: entries live --revision-cache-expiration, 3 min by default); a forced
  // resolution (noRevisionCache) goes to Git and refreshes the cache.
  GitResult<GitRevision> resolve(const std::string& url, const std::string& revision, bool no_cache) {
    const bool sha = revision.size() == 40 &&
                     std::all_of(revision.begin(), revision.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (sha) return git_->resolve(url, revision, now());
    const std::string norm = normalize_git_url_allow_invalid(url);
    auto it = refs_cache_.find(norm);
    if (!no_cache && it != refs_cache_.end() && now() - it->second < revision_cache_)
      return git_->resolve(url, revision, it->second);
    refs_cache_[norm] = now();
    return git_->resolve(url, revision, now());
  }

  // `source` is the one compared: the spec's, or the one a sync operation carries.
  Comparison compare(const Application& app, const json& source_json, const std::string& revision,
                     bool no_revision_cache, json& status) {
    Comparison cmp;
    const std::string key = app_key(app);
    const std::string& app_name = app.metadata.name;
    const std::string& dest_ns = app.spec.destination.namespace_;
    const argocd::ApplicationSource source = argocd::parse_application_source(&source_json);
    cmp.compared_to["source"] = source_json;
    if (const json* d = app.spec.destination.raw) cmp.compared_to["destination"] = *d;
    if (const json* ids = app.spec.ignore_differences; present(ids)) cmp.compared_to["ignoreDifferences"] = *ids;
    cmp.revision = revision;

    // Desired state from Git (GetRepoObjs).
    std::vector<json> manifests;
    std::string repo_error;
    const std::string& repo_url = source.repo_url;
    if (app.spec.has_sources) {
      repo_error = "multiple sources (spec.sources) are not modelled by kcsim";
    } else if (!git_ || !git_->has_repository(repo_url)) {
      repo_error = repository_not_found_error(repo_url);
    } else {
      auto rev = resolve(repo_url, revision, no_revision_cache);
      if (!rev.ok()) {
        repo_error = rev.error;
      } else {
        cmp.revision = rev.value->sha;
        auto files = git_->manifests(repo_url, rev.value->sha, source.path, source.directory_recurse);
        if (!files.ok()) repo_error = files.error;
        else manifests = std::move(*files.value);
      }
    }
    if (!repo_error.empty()) {
      // ErrCompareStateRepo: a repository error is ignored (no status update) for
      // --repo-error-grace-period-seconds after its first occurrence, unless forced.
      auto first = repo_error_first_seen_.find(key);
      if (first != repo_error_first_seen_.end()) {
        if (now() - first->second <= repo_error_grace_ && !no_revision_cache) {
          cmp.short_circuit = true;
          return cmp;
        }
      } else if (!no_revision_cache) {
        repo_error_first_seen_[key] = now();
        cmp.short_circuit = true;
        return cmp;
      }
      cmp.failed_to_load = true;
      cmp.conditions.emplace_back(
          "ComparisonError",
          argocd::load_target_state_error(repo_error));
    } else {
      repo_error_first_seen_.erase(key);
    }

    // ignoreDifferences (application and system level).
    std::string ignore_error;
    std::vector<argocd::IgnoreRule> rules = argocd::parse_ignore_differences(
        app.spec.ignore_differences ? *app.spec.ignore_differences : json(), &ignore_error);
    rules.insert(rules.end(), system_rules_.begin(), system_rules_.end());
    if (!ignore_error.empty()) {
      cmp.failed_to_load = true;
      cmp.conditions.emplace_back("ComparisonError", "Failed to compare desired state to live state: " + ignore_error);
    }

    // Targets with namespace and tracking (DeduplicateTargetObjects, SetAppInstance); a later
    // duplicate replaces an earlier one.
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::size_t> seen;
    std::vector<Pair> pairs;
    for (json& m : manifests) {
      if (str_at(m, {"metadata", "annotations", kHookAnnotation}) != "") continue;  // hooks: not modelled
      Pair p;
      p.kind = m.value("kind", "");
      p.group = api_group(m.value("apiVersion", ""));
      const std::string av = m.value("apiVersion", "");
      p.version = av.substr(av.find('/') == std::string::npos ? 0 : av.find('/') + 1);
      p.name = str_at(m, {"metadata", "name"});
      argocd::prepare_target(m, app_name, dest_ns, tracking_);
      p.ns = str_at(m, {"metadata", "namespace"});
      if (const json* w = find(m, {"metadata", "annotations", kSyncWaveAnnotation}); w && w->is_string()) {
        try {
          p.wave = std::stoi(w->get<std::string>());
        } catch (...) {
          p.wave = 0;
        }
      }
      p.target = std::move(m);
      const auto k = std::make_tuple(p.group, p.kind, p.ns, p.name);
      if (auto s = seen.find(k); s != seen.end()) {
        cmp.conditions.emplace_back("RepeatedResourceWarning",
                                    fmt::format("Resource {}/{}/{}/{} appeared 2 times among application resources.",
                                                p.group, p.kind, p.ns, p.name));
        pairs[s->second] = std::move(p);
        continue;
      }
      seen[k] = pairs.size();
      pairs.push_back(std::move(p));
    }
    // Live state: the targets' objects and every other object tracked by this app.
    for (Pair& p : pairs) {
      ObjectPtr live = api().get(ObjectRef{p.kind, p.ns, p.name});
      if (live && api_group(live->value("apiVersion", "")) == p.group) p.live = live;
    }
    if (auto t = tracked_.find(app_name); t != tracked_.end()) {
      for (const ObjectRef& ref : t->second) {
        ObjectPtr live = api().get(ref);
        if (!live) continue;
        const std::string group = api_group(live->value("apiVersion", ""));
        if (seen.count(std::make_tuple(group, ref.kind, ref.ns, ref.name))) continue;
        Pair p;
        p.live = live;
        p.group = group;
        p.kind = ref.kind;
        p.ns = ref.ns;
        p.name = ref.name;
        const std::string av = live->value("apiVersion", "");
        p.version = av.substr(av.find('/') == std::string::npos ? 0 : av.find('/') + 1);
        pairs.push_back(std::move(p));
      }
    }

    const bool ssa_app = app.spec.sync_policy.has_option("ServerSideApply=true");
    bool out_of_sync = false;
    std::string app_health = "Healthy";
    for (Pair& p : pairs) {
      const bool has_target = !p.target.is_null();
      const argocd::IgnoreSet ignores = argocd::match_ignores(rules, p.group, p.kind, p.name, p.ns);
      if (has_target && p.live) {
        // The diff is a function of the live version, the desired manifest, the app's
        // ignoreDifferences (with the fixed system rules) and the server-side-apply option:
        // when none of them changed since this resource's last comparison, reuse its result.
        // Stored versions are immutable, so the live version's identity stands for its content.
        const json ignore_key = app.spec.ignore_differences ? *app.spec.ignore_differences : json();
        DiffMemo& memo = diff_memo_[std::make_tuple(key, p.group, p.kind, p.ns, p.name)];
        const bool same_inputs = memo.target && memo.ssa_app == ssa_app && *memo.target == p.target && memo.ignores == ignore_key;
        // A new live version that differs from the memo's only in what the diff cannot read for
        // these inputs (status, resourceVersion, generation, managedFields: see
        // diff_reads_no_server_fields) gives the same diff too. That is the view gitops-engine
        // hashes to decide that a watch event changed nothing (same_hash_view); the status
        // writes of a Deployment between two refreshes are the usual case.
        const std::string& live_rv = resource_version_of(*p.live);
        if (same_inputs && (memo.live_resource_version == live_rv ||
                            (memo.server_fields_unread && memo.live_view == HashViewFingerprint::of(*p.live)))) {
          memo.live_resource_version = live_rv;
          p.norm = memo.norm;
          p.modified = memo.modified;
        } else {
          const json& last_applied = last_applied_of(ObjectRef{p.kind, p.ns, p.name}, *p.live);
          // The cluster cache holds live objects with their managedFields; the API server keeps them
          // beside the stored document (stored_version.hpp), to be put back where the diff can read
          // them: a managedFieldsManagers rule, or a desired or last-applied document that names them.
          const ObjectPtr live = names_managed_fields(p.target) || names_managed_fields(last_applied) || !ignores.managers.empty()
                                     ? with_managed_fields(p.live)
                                     : p.live;
          argocd::ResourceComparison compared = argocd::compare_resource(
              *live, p.target, last_applied, ignores, ssa_app || annotation_has_option(p.target, "ServerSideApply=true"), tracking_);
          p.modified = compared.modified;
          auto norm = std::make_shared<argocd::Normalized>(std::move(compared.norm));
          // The memo keeps what a sync reads of this comparison (respect_ignore_differences: the
          // normalized target, whether live existed and what the ignores took out of live). The
          // normalized live and last-applied documents served only the diff above; kept, they
          // were a copy of every managed object per Application (docs/performance.md, "Fleet
          // memory and report size").
          if (norm->live) *norm->live = json();
          norm->last_applied.reset();
          p.norm = std::move(norm);
          // The memo's desired manifest is the normalized one when the ignores took nothing out of it
          // (the usual case), and the parsed last-applied configuration is that same manifest when
          // Argo CD applied it (ditto): one immutable document, shared (docs/performance.md, "Fleet
          // memory, third pass").
          const bool server_fields_unread = diff_reads_no_server_fields(p.target, last_applied, ignores);
          std::shared_ptr<const json> target =
              p.norm->target && *p.norm->target == p.target ? std::shared_ptr<const json>(p.norm, &*p.norm->target)
                                                            : std::make_shared<const json>(p.target);
          share_last_applied(ObjectRef{p.kind, p.ns, p.name}, target);  // `last_applied` may go here
          memo = DiffMemo{live_rv,       server_fields_unread ? HashViewFingerprint::of(*p.live) : HashViewFingerprint{},
                          std::move(target), ignore_key, ssa_app, p.norm, p.modified, server_fields_unread};
        }
      } else {
        p.modified = true;
      }
      p.requires_pruning = !has_target && p.live;
      p.status = p.modified ? "OutOfSync" : "Synced";
      if (cmp.failed_to_load) p.status = "Unknown";
      if (p.status == "OutOfSync") out_of_sync = true;

      json rs = json::object();
      if (!p.group.empty()) rs["group"] = p.group;
      rs["version"] = p.version;
      rs["kind"] = p.kind;
      if (!p.ns.empty()) rs["namespace"] = p.ns;
      rs["name"] = p.name;
      rs["status"] = p.status;
      if (p.requires_pruning) rs["requiresPruning"] = true;
      // Application health (setApplicationHealth).
      std::optional<Health> h;
      if (!p.live) h = Health{"Missing", ""};
      else if (!(p.kind == "Application" && p.group == "argoproj.io")) h = argocd::resource_health(*p.live);
      if (h && profile_.persist_resource_health) {
        json hj = {{"status", h->status}};
        if (!h->message.empty()) hj["message"] = h->message;
        rs["health"] = hj;
      }
      if (h) {
        const bool counts = !(h->status == "Missing" && !argocd::has_health_check(p.group, p.kind)) &&
                            !(p.kind == "Application" && p.group == "argoproj.io");
        if (counts && argocd::is_worse(app_health, h->status)) app_health = h->status;
      }
      cmp.resources.push_back(std::move(rs));
    }
    cmp.sync_status = cmp.failed_to_load ? "Unknown" : (out_of_sync ? "OutOfSync" : "Synced");
    cmp.health = app_health;
    // status.resources is sorted by group/kind/namespace/name.
    std::vector<json> sorted(cmp.resources.begin(), cmp.resources.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const json& a, const json& b) {
      auto k = [](const json& r) {
        return r.value("group", "") + "/" + r.value("kind", "") + "/" + r.value("namespace", "") + "/" + r.value("name", "");
      };
      return k(a) < k(b);
    });
    cmp.resources = json(sorted);
    if (cmp.resources.empty()) cmp.resources = json::array();
    cmp.pairs = std::move(pairs);
    set_conditions(status, cmp.conditions,
                   {"ComparisonError", "SharedResourceWarning", "RepeatedResourceWarning", "ExcludedResourceWarning"});
    return cmp;
  }

  // kubectl's last-applied-configuration of a live object (argocd::last_applied_of), parsed once
  // per distinct annotation text of each object: the annotation changes only when someone applies,
  // while the object's other writes (a scale, a status) keep it, so most versions reuse the parse.
  // The result is a function of the annotation's text alone.
  const json& last_applied_of(const ObjectRef& ref, const json& live) {
    static const json kNone;
    const json* text = find(live, {"metadata", "annotations", k8s::kLastAppliedConfigAnnotation});
    if (!text || !text->is_string()) return kNone;
    LastApplied& cached = last_applied_[ref];
    if (!cached.parsed || cached.text != text->get_ref<const std::string&>()) {
      cached.text = text->get<std::string>();
      cached.parsed = std::make_shared<const json>(argocd::last_applied_of(live));
    }
    return *cached.parsed;
  }

  // An object's parsed last-applied configuration, when equal to `doc` (the desired manifest
  // Argo CD applied), becomes `doc` itself: the same immutable content, kept once.
  void share_last_applied(const ObjectRef& ref, const std::shared_ptr<const json>& doc) {
    auto it = last_applied_.find(ref);
    if (it == last_applied_.end() || !it->second.parsed || it->second.parsed == doc) return;
    if (*it->second.parsed == *doc) it->second.parsed = doc;
  }

  // Whether the diff of a live object against `target` (with this last-applied configuration and
  // these ignore rules) is blind to the live object's status, resourceVersion, generation and
  // managedFields. The three-way merge (predict_live) and remove_map_fields change or keep a live
  // member only when the desired manifest or the last-applied configuration names it, and the
  // comparison is then of live with itself there; normalize() reads managedFields only for
  // managedFieldsManagers rules and a live member only where an ignore rule points. So when
  // neither document names those members and no rule can reach them, two live versions equal
  // elsewhere diff alike (and removed_from_live, what respect_ignore_differences reads, is the same).
  static bool diff_reads_no_server_fields(const json& target, const json& last_applied, const argocd::IgnoreSet& ig) {
    if (!ig.managers.empty() || !ig.jq_paths.empty()) return false;
    for (const std::string& pointer : ig.json_pointers)
      if (pointer.rfind("/status", 0) == 0 || pointer.rfind("/metadata", 0) == 0) return false;
    for (const json* doc : {&target, &last_applied}) {
      if (doc->is_null()) continue;
      if (!doc->is_object() || doc->contains("status")) return false;
      if (const json* m = find(*doc, {"metadata"}); m && m->is_object())
        for (const char* k : {"resourceVersion", "generation", "managedFields"})
          if (m->contains(k)) return false;
    }
    return true;
  }

  static bool names_managed_fields(const json& doc) {
    const json* m = find(doc, {"metadata"});
    return m && m->is_object() && m->contains("managedFields");
  }

  // --- automated sync (autoSync) -------------------------------------------------------------------

  // selfHealRemainingBackoff (self_heal_backoff.hpp): the wait left since the previous operation
  // finished (status.operationState.finishedAt, a whole second as persisted).
  Duration heal_remaining(const argocd::OperationState* op_state, std::int64_t count) const {
    const argocd::SelfHealBackoff b{backoff_timeout_, backoff_factor_, backoff_cap_, self_heal_timeout_,
                                    profile_.heal == Heal::kCarryAlways};
    const std::optional<SimTime> finished = op_state ? parse_time(op_state->finished_at) : std::nullopt;
    return argocd::self_heal_remaining_backoff(b, op_state != nullptr, finished, count, now());
  }

  std::optional<std::string> auto_sync(const Application& app, const std::string& key, const Comparison& cmp) {
    const argocd::SyncPolicy& policy = app.spec.sync_policy;
    if (!policy.automated) return std::nullopt;
    if (app.operation) return std::nullopt;  // another operation is in progress
    if (app.metadata.deletion_timestamp) return std::nullopt;
    if (cmp.sync_status != "OutOfSync") return std::nullopt;
    const bool prune = policy.prune;
    const bool self_heal = policy.self_heal;
    const bool allow_empty = policy.allow_empty;
    if (!prune) {
      bool prune_only = true;
      for (const Pair& p : cmp.pairs)
        if (p.status != "Synced" && !p.requires_pruning) prune_only = false;
      if (prune_only) return std::nullopt;  // "need to prune extra resources only"
    }
    const std::string rev = cmp.revision;
    json op = {{"sync", {{"revision", rev}}}, {"initiatedBy", {{"automated", true}}}, {"retry", {{"limit", 5}}}};
    if (prune) op["sync"]["prune"] = true;
    if (const json* opts = policy.sync_options; opts && opts->is_array() && !opts->empty())
      op["sync"]["syncOptions"] = *opts;
    if (profile_.op_source)
      if (const json* src = app.spec.source.raw) op["sync"]["source"] = *src;
    if (const json* retry = app.spec.retry; present(retry)) op["retry"] = *retry;

    // alreadyAttemptedSync: the last operation synced this revision from this source.
    const argocd::OperationState* os = app.status.operation_state ? &*app.status.operation_state : nullptr;
    bool attempted = false;
    std::string last_rev, last_phase, last_message;
    if (os) {
      last_phase = os->phase;
      last_message = os->message;
      if (!os->sync_result) {
        attempted = is_completed(last_phase);
      } else {
        last_rev = os->sync_result->revision;
        attempted = last_rev == rev && same_spec(app.spec.source.raw, os->sync_result->source);
      }
    }
    const std::int64_t stored = os ? os->operation.sync.auto_heal_attempts_count : 0;
    // Time since the previous operation finished (none: still running or never finished).
    const std::optional<SimTime> finished_at = os ? parse_time(os->finished_at) : std::nullopt;
    const bool has_finished = finished_at.has_value();
    const Duration since_finished = has_finished ? now() - finished_at.value() : Duration{0};
    const std::string& persisted_sync = app.status.sync.status;
    std::int64_t count = 0;
    bool partial = false;
    auto requeue = [&](Duration remaining) { request_refresh(key, kLatest, remaining); };

    switch (profile_.heal) {
      case Heal::kNoCooldown:
      case Heal::kCooldownPhase: {
        if (attempted) {
          if (last_phase != "Succeeded")
            return fmt::format("Failed last sync attempt to [{}]: {}", last_rev, last_message);
          if (!self_heal) return std::nullopt;  // "most recent sync already to ..."
          bool carry = true;
          if (profile_.heal == Heal::kCooldownPhase) {
            // selfHealBackoffCooldownElapsed
            const bool elapsed =
                argocd::self_heal_backoff_cooldown_elapsed(finished_at, last_phase, seconds(cooldown_), now());
            carry = !elapsed;
          }
          count = carry ? stored : 0;
          if (const Duration remaining = heal_remaining(os, count); remaining > Duration{0}) {
            requeue(remaining);
            return std::nullopt;
          }
          ++count;
          partial = true;
        }
        break;
      }
      case Heal::kCarryAlways:
      case Heal::kLegacy: {
        if (profile_.heal == Heal::kCarryAlways) count = stored;
        if (attempted && (!self_heal || last_phase != "Succeeded")) {
          if (last_phase != "Succeeded") return fmt::format("Failed sync attempt to {}: {}", rev, last_message);
          return std::nullopt;
        }
        if (attempted && self_heal) {
          if (const Duration remaining = heal_remaining(os, count); remaining > Duration{0}) {
            requeue(remaining);
            return std::nullopt;
          }
          if (profile_.heal == Heal::kCarryAlways) ++count;
          partial = true;
        }
        break;
      }
      case Heal::kResetIfSynced:
      case Heal::kCooldownSynced: {
        if (attempted && (!self_heal || last_phase != "Succeeded")) {
          if (last_phase != "Succeeded") return fmt::format("Failed sync attempt to {}: {}", rev, last_message);
          return std::nullopt;
        }
        if (self_heal) {
          Duration remaining{0};
          if (os) {
            bool reset = !attempted;
            if (profile_.heal == Heal::kResetIfSynced) reset = reset || persisted_sync == "Synced";
            else reset = reset || (has_finished && since_finished >= seconds(cooldown_) && persisted_sync == "Synced");
            count = reset ? 0 : stored;
            remaining = heal_remaining(os, count);
          }
          if (attempted) {
            if (remaining > Duration{0}) {
              requeue(remaining);
              return std::nullopt;
            }
            ++count;
            partial = true;
          }
        }
        break;
      }
    }
    if (partial) {
      json resources = json::array();
      for (const Pair& p : cmp.pairs) {
        if (p.status == "Synced") continue;
        json r = json::object();
        if (!p.group.empty()) r["group"] = p.group;
        r["kind"] = p.kind;
        r["name"] = p.name;
        resources.push_back(std::move(r));
      }
      if (!resources.empty()) op["sync"]["resources"] = resources;
    }
    if (count > 0) op["sync"]["autoHealAttemptsCount"] = count;
    if (prune && !allow_empty) {
      bool all_prune = true;
      for (const Pair& p : cmp.pairs)
        if (!p.requires_pruning) all_prune = false;
      if (all_prune)
        return fmt::format("Skipping sync attempt to {}: auto-sync will wipe out all resources",
                           profile_.failed_brackets ? "[" + rev + "]" : rev);
    }
    std::string error;
    if (!set_app_operation(app_ref(key), op, kControllerManager, &error)) {
      if (error.empty()) return std::nullopt;  // ErrAnotherOperationInProgress
      return error;
    }
    const std::string message = profile_.started_brackets ? fmt::format("Initiated automated sync to [{}]", rev)
                                                          : fmt::format("Initiated automated sync to '{}'", rev);
    api().record_event(app_ref(key), "Normal", "OperationStarted", message, kComponent);
    return std::nullopt;
  }

  // argo.SetAppOperation: GET, fail if an operation is set, PUT with the operation and without
  // status.operationState (retried on conflicts). Where the API server serves Application status
  // through a subresource, the PUT cannot clear operationState; it is completed, so the operation
  // starts as new either way.
  bool set_app_operation(const ObjectRef& ref, const json& op, const std::string& manager, std::string* error) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      ObjectPtr live = api().get(ref);
      if (!live) {
        *error = fmt::format("error getting application \"{}\": applications.argoproj.io \"{}\" not found", ref.name, ref.name);
        return false;
      }
      if (view(live)->operation) return false;
      json obj = *live;
      obj["operation"] = op;
      if (obj.contains("status") && obj["status"].is_object()) obj["status"].erase("operationState");
      WriteResult r = api().update(std::move(obj), manager);
      if (r.status.ok()) return true;
      if (r.status.code != 409) {
        *error = fmt::format("error updating application \"{}\": {}", ref.name, r.status.message);
        return false;
      }
    }
    *error = "error updating application: too many conflicts";
    return false;
  }

  // --- operations (processRequestedAppOperation, SyncAppState) --------------------------------------

  // processRequestedAppOperation. `state` is the operationState being written: the stored one
  // while an operation is in progress, else a new one for app.operation.
  void process_operation(const std::string& key) {
    const ObjectRef ref = app_ref(key);
    ObjectPtr object = api().get(ref);
    if (!object) return;
    std::shared_ptr<const Application> app = view(object);
    if (!app->operation) return;  // shouldProcessOperation
    const argocd::OperationState* current = app->status.operation_state ? &*app->status.operation_state : nullptr;
    json state;
    const bool in_progress = current && !is_completed(current->phase);
    if (in_progress) {
      state = *current->raw;
      if (current->phase == "Running" && present(find(*current->raw, {"finishedAt"}))) {
        // A failed attempt waiting for its retry (RetryStrategy.NextRetryAt).
        const std::optional<SimTime> finished = parse_time(current->finished_at);
        const argocd::RetryStrategy retry = argocd::parse_retry_strategy(current->operation.retry);
        const SimTime retry_at = (finished ? *finished : now()) + retry.wait(current->retry_count);
        if (retry_at > now()) {
          enqueue_after("o|" + key, retry_at - now());
          return;
        }
        state["message"] = fmt::format("Retrying operation. Attempt #{}", current->retry_count);
        state.erase("finishedAt");
        state.erase("syncResult");
        set_operation_state(*app, state);
        if (!sync_due(key)) return;
        if (!(object = api().get(ref))) return;
        app = view(object);
      } else if (auto due = op_due_.find(key); due != op_due_.end() && due->second > now()) {
        // The sync of this attempt is still under way (a managed-resource change requeued it).
        enqueue_after("o|" + key, due->second - now());
        return;
      }
    } else {
      state = {{"operation", *app->operation}, {"phase", "Running"}, {"startedAt", stamp()}};
      set_operation_state(*app, state);
      if (!sync_due(key)) return;
      if (!(object = api().get(ref))) return;
      app = view(object);
    }
    op_due_.erase(key);
    // The operation being run (its members are not written below, so the view stays valid).
    const argocd::Operation op = argocd::parse_operation(find(state, {"operation"}));
    sync_app_state(*app, op, state);
    const std::string phase = state.value("phase", "");
    if (phase == "Failed" || phase == "Error") {
      const argocd::RetryStrategy retry = argocd::parse_retry_strategy(op.retry);
      const std::int64_t limit = retry.limit;
      const std::int64_t retries = num(state, "retryCount", 0);
      if (retries < limit || limit < 0) {
        const SimTime retry_at = now() + retry.wait(retries);
        state["phase"] = "Running";
        state["finishedAt"] = stamp();
        state["retryCount"] = retries + 1;
        state["message"] = fmt::format("{}. Retrying attempt #{} at {}.", state.value("message", ""), retries + 1,
                                       kitchen(retry_at));
      } else if (retries > 0) {
        state["message"] = fmt::format("{} (retried {} times).", state.value("message", ""), retries);
      }
    }
    set_operation_state(*app, state);
    if (is_completed(state.value("phase", ""))) request_refresh(key, op.automated ? kLatest : kForceResolve, std::nullopt);
  }

  // A sync attempt takes syncDuration between its start (phase Running) and the applies and
  // completion. Returns true when the sync is due now.
  bool sync_due(const std::string& key) {
    if (sync_duration_ <= Duration{0}) return true;
    op_due_[key] = now() + sync_duration_;
    enqueue_after("o|" + key, sync_duration_);
    return false;
  }

  // Go's time.Kitchen ("3:04PM") in UTC.
  std::string kitchen(SimTime t) const {
    const std::int64_t unix = world().scenario().epoch.unix_seconds + t.time_since_epoch().count() / 1000000;
    const std::int64_t day = ((unix % 86400) + 86400) % 86400;
    const int h = static_cast<int>(day / 3600), m = static_cast<int>(day % 3600 / 60);
    const int h12 = h % 12 == 0 ? 12 : h % 12;
    return fmt::format("{}:{:02d}{}", h12, m, h < 12 ? "AM" : "PM");
  }

  // setOperationState: finishedAt on completion, the state (and operation: null) written, and
  // the OperationCompleted event.
  void set_operation_state(const Application& app, json& state) {
    const std::string phase = state.value("phase", "");
    const bool completed = is_completed(phase);
    if (completed) state["finishedAt"] = stamp();
    const ObjectRef ref = app.ref();
    const json* old = app.status.operation_state ? app.status.operation_state->raw : nullptr;
    const bool clear_operation = completed && app.operation;
    if (old && *old == state && !clear_operation) return;  // "No operation updates necessary"
    const json patch = present(old) ? argocd::create_merge_patch(*old, state) : state;
    write_app(ref, clear_operation ? json{{"operation", nullptr}} : json::object(),
              patch.empty() ? json::object() : json{{"operationState", patch}});
    if (!completed) return;
    const bool partial = argocd::parse_operation(find(state, {"operation"})).sync.partial();
    std::string message = partial ? "Partial sync operation" : "Sync operation";
    if (const json* sr = find(state, {"syncResult"}); present(sr)) message += " to " + sr->value("revision", "");
    if (phase == "Succeeded") {
      api().record_event(ref, "Normal", "OperationCompleted", message + " succeeded", kComponent);
    } else {
      api().record_event(ref, "Warning", "OperationCompleted", message + " failed: " + state.value("message", ""),
                         kComponent);
    }
  }

  static bool contains_resource(const json* resources, const Pair& p) {
    // argo.ContainsSyncResource
    if (!resources || !resources->is_array() || resources->empty()) return true;
    for (const json& r : *resources)
      if (text(r, "group") == p.group && text(r, "kind") == p.kind && text(r, "name") == p.name &&
          (text(r, "namespace").empty() || text(r, "namespace") == p.ns))
        return true;
    return false;
  }

  // SyncAppState: runs `op` (the operation of `state`) and records its result in `state`.
  void sync_app_state(const Application& app, const argocd::Operation& op, json& state) {
    const argocd::SyncOperation& sync_op = op.sync;
    if (!present(find(state, {"syncResult"}))) {
      json sr = {{"revision", sync_op.revision}};
      if (const json* src = sync_op.source) sr["source"] = *src;
      else if (const json* s = app.spec.source.raw) sr["source"] = *s;
      state["syncResult"] = sr;
    }
    json& result = state["syncResult"];
    json scratch = app.status.raw ? *app.status.raw : json::object();
    scratch.erase("conditions");
    Comparison cmp = compare(app, result.value("source", json::object()), text(result, "revision"), true, scratch);
    if (!cmp.revision.empty()) result["revision"] = cmp.revision;
    if (!cmp.conditions.empty()) {
      for (const auto& [type, message] : cmp.conditions)
        if (type == "ComparisonError" || type == "InvalidSpecError") {
          state["phase"] = "Error";
          state["message"] = type + ": " + message;
          return;
        }
    }
    const bool respect_ignore = sync_op.has_option("RespectIgnoreDifferences=true");
    const bool out_of_sync_only = sync_op.has_option("ApplyOutOfSyncOnly=true");
    const bool ssa_app = sync_op.has_option("ServerSideApply=true");
    const json* selected = sync_op.resources;
    const bool partial = sync_op.partial();
    const bool prune = sync_op.prune;

    std::vector<Pair*> tasks;
    for (Pair& p : cmp.pairs) {
      if (!contains_resource(selected, p)) continue;
      // ResourceModificationChecker (ApplyOutOfSyncOnly) and selective syncs skip what is Synced.
      if ((out_of_sync_only || partial) && p.live && !p.target.is_null() && !p.modified) continue;
      tasks.push_back(&p);
    }
    std::stable_sort(tasks.begin(), tasks.end(), [](const Pair* a, const Pair* b) {
      const bool pa = a->target.is_null(), pb = b->target.is_null();
      if (pa != pb) return pb;  // prune after apply
      if (a->wave != b->wave) return a->wave < b->wave;
      const int ka = kind_order(a->kind), kb = kind_order(b->kind);
      if (ka != kb) return ka < kb;
      return a->name < b->name;
    });
    json results = json::array();
    bool failed = false;
    std::string fail_message;
    for (Pair* p : tasks) {
      json r = json::object();
      if (!p->group.empty()) r["group"] = p->group;
      r["version"] = p->version;
      r["kind"] = p->kind;
      if (!p->ns.empty()) r["namespace"] = p->ns;
      r["name"] = p->name;
      const ObjectRef ref{p->kind, p->ns, p->name};
      if (p->target.is_null()) {
        if (!prune) {
          r["status"] = "PruneSkipped";
          r["message"] = "ignored (requires pruning)";
        } else {
          WriteResult w = api().remove(ref, profile_.csa_manager);
          r["status"] = w.status.ok() ? "Pruned" : "SyncFailed";
          r["message"] = w.status.ok() ? "pruned" : w.status.message;
          if (!w.status.ok()) failed = true, fail_message = w.status.message;
        }
      } else {
        json desired = p->target;
        if (respect_ignore && p->live && p->norm && p->norm->target)
          desired = argocd::respect_ignore_differences(*p->norm);
        std::string verb;
        ApiStatus st = apply(desired, ssa_app || annotation_has_option(p->target, "ServerSideApply=true"), &verb);
        r["status"] = st.ok() ? "Synced" : "SyncFailed";
        r["message"] = st.ok() ? kubectl_name(p->group, p->kind, p->name) + " " + verb : st.message;
        if (!st.ok()) failed = true, fail_message = st.message;
      }
      r["hookPhase"] = failed ? "Failed" : "Running";
      r["syncPhase"] = "Sync";
      results.push_back(std::move(r));
    }
    if (results.empty()) result.erase("resources");
    else result["resources"] = results;
    if (failed) {
      state["phase"] = "Failed";
      state["message"] = "one or more objects failed to apply, reason: " + fail_message;
      return;
    }
    state["phase"] = "Succeeded";
    state["message"] = "successfully synced (all tasks run)";
    if (!partial) persist_revision_history(app, state);
  }

  // kubectl apply as gitops-engine runs it: server-side with --force-conflicts, or client-side
  // (create with the last-applied annotation, else a three-way patch; nothing sent when it is
  // empty: "unchanged").
  ApiStatus apply(const json& desired, bool server_side, std::string* verb) {
    if (server_side) {
      *verb = "serverside-applied";
      return api().apply(desired, kSSAManager, true).status;
    }
    json config = desired;
    if (config["metadata"].contains("annotations") && config["metadata"]["annotations"].is_object())
      config["metadata"]["annotations"].erase(k8s::kLastAppliedConfigAnnotation);
    json annotated = config;
    annotated["metadata"]["annotations"][k8s::kLastAppliedConfigAnnotation] = config.dump();
    const ObjectRef ref = ObjectRef::of(config);
    ObjectPtr live = api().get(ref);
    if (!live) {
      *verb = "created";
      return api().create(std::move(annotated), profile_.csa_manager).status;
    }
    const json& last = last_applied_of(ref, *live);
    const json predicted = argocd::predict_live(last.is_null() ? nullptr : &last, annotated, *live,
                                                argocd::is_builtin_api(config.value("apiVersion", "")));
    json patch = argocd::create_merge_patch(*live, predicted);
    if (patch.empty()) {
      *verb = "unchanged";
      return ApiStatus{};
    }
    *verb = "configured";
    return api().merge_patch(ref, patch, profile_.csa_manager).status;
  }

  // persistRevisionHistory: status.history, at most spec.revisionHistoryLimit (10) entries.
  void persist_revision_history(const Application& app, const json& state) {
    json history = json::array();
    if (const json* h = app.status.history) history = *h;
    std::int64_t next_id = 0;
    if (!history.empty()) next_id = num(history.back(), "id", static_cast<std::int64_t>(history.size() - 1)) + 1;
    json entry = {{"revision", state["syncResult"].value("revision", "")},
                  {"deployedAt", stamp()},
                  {"id", next_id},
                  {"deployStartedAt", state.value("startedAt", stamp())},
                  {"initiatedBy", state["operation"].value("initiatedBy", json::object())}};
    if (const json* s = find(state, {"syncResult", "source"})) entry["source"] = *s;
    history.push_back(std::move(entry));
    const std::int64_t limit = app.spec.revision_history_limit;
    while (static_cast<std::int64_t>(history.size()) > std::max<std::int64_t>(limit, 1)) history.erase(history.begin());
    write_app(app.ref(), json::object(), {{"history", history}});
  }

  // --- timeline actions (argocd CLI through argocd-server) ------------------------------------

  void run_action(const TimelineAction& a) {
    const ObjectRef ref{"Application", a.spec.value("namespace", namespace_), a.spec["app"].get<std::string>()};
    ObjectPtr object = api().get(ref);
    if (!object) return;
    const std::shared_ptr<const Application> app = view(object);
    if (a.action == "argocd app refresh") {
      api().merge_patch(ref, {{"metadata", {{"annotations", {{kRefreshAnnotation, a.spec.value("hard", false) ? "hard" : "normal"}}}}}},
                        kServerManager);
      return;
    }
    // server/application/application.go Sync.
    const std::string revision = a.spec.value("revision", app->spec.source.target_revision);
    json op = {{"sync", {{"revision", revision.empty() ? "HEAD" : revision}}}, {"initiatedBy", {{"username", "admin"}}}};
    if (a.spec.value("prune", false)) op["sync"]["prune"] = true;
    if (a.spec.contains("syncOptions")) op["sync"]["syncOptions"] = a.spec["syncOptions"];
    else if (const json* o = app->spec.sync_policy.sync_options; o && o->is_array() && !o->empty())
      op["sync"]["syncOptions"] = *o;
    if (a.spec.contains("resources")) op["sync"]["resources"] = a.spec["resources"];
    std::string error;
    if (!set_app_operation(ref, op, kServerManager, &error)) return;
    const bool partial = a.spec.contains("resources") && !a.spec["resources"].empty();
    api().record_event(ref, "Normal", "OperationStarted",
                       fmt::format("initiated {}sync to {}", partial ? "partial " : "", revision.empty() ? "HEAD" : revision),
                       kServerManager);
  }

  // --- state -------------------------------------------------------------------------------------

  Profile profile_;
  std::string namespace_ = "argocd";
  Duration resync_{};
  Duration jitter_{};
  Duration revision_cache_ = minutes(3);
  Duration repo_error_grace_ = seconds(180);
  // The wall time of one sync attempt (the dry run and the applies of its tasks). Environment
  // dependent; upstream logs show about a second per applied resource (argo-cd #4863).
  Duration sync_duration_ = seconds(1);
  Duration batch_interval_ = milliseconds(100);
  bool batch_events_ = true;
  bool ignore_resource_updates_ = true;
  bool ignore_differences_on_updates_ = true;
  std::string tracking_ = "annotation";
  std::int64_t self_heal_timeout_ = 0, backoff_timeout_ = 2, backoff_factor_ = 3, backoff_cap_ = 300, cooldown_ = 330;
  std::vector<argocd::IgnoreRule> system_rules_;
  k8s::ParsedVersions<Application> applications_{argocd::parse_application};  // the Application informer's typed cache

  GitService* git_ = nullptr;
  TimerHandle resync_timer_, batch_timer_;
  std::vector<WatchEvent> batch_;
  std::vector<std::size_t> actions_;
  std::map<std::string, int> refresh_requested_;              // refreshRequestedApps
  std::map<std::string, SimTime> repo_error_first_seen_;      // repoErrorCache
  std::map<std::string, SimTime> refs_cache_;                 // Git references cache: when fetched
  std::set<std::string> compared_;                            // apps with a cached comparison
  std::set<std::string> apps_;                                // Applications in the namespace
  std::map<std::string, SimTime> op_due_;                     // running sync attempts: when they apply
  enum class StatusMode { kUnknown, kMainResource, kSubresource };
  StatusMode status_mode_ = StatusMode::kUnknown;
  std::map<ObjectRef, std::string> tracked_by_;               // live root object → app
  std::map<std::string, std::set<ObjectRef>> tracked_;        // app → its tracked live objects
  // The last diff of each (app, group, kind, namespace, name), reused while its inputs are the
  // same (compare()): a refresh of an unchanged app costs no normalization.
  // The memo names the live version it compared by its resourceVersion (unique per write) and,
  // where the diff reads no server fields, by a fingerprint of its hash view, instead of holding
  // the version itself: held, it kept a superseded version of every managed object alive between
  // refreshes (a Deployment's status writes), a second copy of each in a fleet
  // (docs/performance.md, "Fleet memory, fourth pass").
  struct DiffMemo {
    std::string live_resource_version;
    HashViewFingerprint live_view;
    std::shared_ptr<const json> target;  // the desired manifest (may share the normalized one's storage)
    json ignores;
    bool ssa_app = false;
    std::shared_ptr<const argocd::Normalized> norm;
    bool modified = true;
    bool server_fields_unread = false;  // diff_reads_no_server_fields of these inputs
  };
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, DiffMemo> diff_memo_;
  struct LastApplied {
    std::string text;              // the annotation
    std::shared_ptr<const json> parsed;  // argocd::last_applied_of of an object carrying it
  };
  std::map<ObjectRef, LastApplied> last_applied_;
};

KCSIM_REGISTER_MODEL(ArgoCD, "argocd");

}  // namespace
}  // namespace kcsim
