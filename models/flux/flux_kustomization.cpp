// Flux: source-controller's GitRepository and kustomize-controller's Kustomization, reduced to
// what matters when Flux shares fields with other writers.
//
//  - GitRepository (source.toolkit.fluxcd.io/v1): every spec.interval, resolve spec.ref
//    (branch, tag, commit; Flux's default is the branch "master") through the "git" model and
//    publish status.artifact.revision "<branch>@sha1:<sha>" (event NewArtifact when it changes).
//  - Kustomization (kustomize.toolkit.fluxcd.io/v1): every spec.interval, and at once when the
//    source's artifact or the Kustomization's spec changes, build spec.path of the artifact (all
//    manifests below it, as the kustomization.yaml Flux generates when there is none), add the
//    kustomize.toolkit.fluxcd.io/{name,namespace} labels and spec.targetNamespace, and apply
//    each object with server-side apply, field manager "kustomize-controller", force: an object
//    that has drifted is restored (drift correction), one that has not is left alone
//    ("unchanged", as ssa.ResourceManager's dry-run comparison decides). With spec.prune,
//    objects of the previous inventory (status.inventory) that left the source are deleted.
//
// Upstream: fluxcd/kustomize-controller internal/controller/kustomization_controller.go,
// fluxcd/pkg/ssa (ResourceManager.ApplyAllStaged), fluxcd/source-controller
// internal/controller/gitrepository_controller.go. Not modelled: kustomize overlays, patches,
// post-build substitution, SOPS, health checks (spec.wait), dependsOn, the 5% interval jitter,
// reconciliation time (everything happens in the instant). docs/models/argocd-git.md.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "../git/git_repository.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/apiserver/controller.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"

namespace kcsim {
namespace {

constexpr const char* kKustomizeController = "kustomize-controller";
constexpr const char* kSourceController = "source-controller";
// Flux controllers patch status with the field owner "gotk-<controller>" (fluxcd/pkg runtime
// patch helper as wired in each controller's main.go).
constexpr const char* kKustomizeStatusManager = "gotk-kustomize-controller";
constexpr const char* kSourceStatusManager = "gotk-source-controller";
// kustomize-controller --requeue-dependency (source not ready).
constexpr Duration kRequeueDependency = seconds(30);

// True when every field the configuration sets already has that value live (the dry-run apply
// would change nothing). Lists compare whole.
bool same_values(const json& config, const json& live) {
  if (config.is_object()) {
    if (!live.is_object()) return false;
    for (auto it = config.begin(); it != config.end(); ++it) {
      auto l = live.find(it.key());
      if (l == live.end()) return false;
      if (!same_values(*it, *l)) return false;
    }
    return true;
  }
  return config == live;
}

class Flux final : public Controller {
 public:
  explicit Flux(World& world) : Controller(world, "flux") {
    reject_unknown_settings("Flux is configured by its objects");
  }

  void start() override {
    git_ = world().service<GitService>();  // null when the scenario has no git model
    watch("GitRepository");
    watch("Kustomization");
    for (const ObjectPtr& o : api().list("GitRepository")) enqueue("GitRepository|" + key_of(*o));
    for (const ObjectPtr& o : api().list("Kustomization")) enqueue("Kustomization|" + key_of(*o));
  }

  void on_watch_event(const WatchEvent& e) override {
    const json& obj = *e.object;
    const std::string kind = obj.value("kind", "");
    if (e.type == WatchEventType::kDeleted) return;
    // Both controllers filter with GenerationChangedPredicate: status writes do not requeue.
    const bool spec_changed = !e.old || (*e.old)["metadata"].value("generation", 0) != obj["metadata"].value("generation", 0);
    if (kind == "GitRepository") {
      if (spec_changed) enqueue("GitRepository|" + key_of(obj));
      // kustomize-controller watches sources and requeues the Kustomizations that use one when
      // its artifact revision changes.
      const std::string before = e.old ? str_at(*e.old, {"status", "artifact", "revision"}) : "";
      const std::string after = str_at(obj, {"status", "artifact", "revision"});
      if (before != after)
        for (const ObjectPtr& k : api().list("Kustomization")) {
          const json* ref = find(*k, {"spec", "sourceRef"});
          if (!ref) continue;
          const std::string ns = str_at(*ref, {"namespace"}).empty() ? str_at(*k, {"metadata", "namespace"}) : str_at(*ref, {"namespace"});
          const std::string kind_ref = str_at(*ref, {"kind"});
          if ((kind_ref.empty() || kind_ref == "GitRepository") && str_at(*ref, {"name"}) == str_at(obj, {"metadata", "name"}) &&
              ns == str_at(obj, {"metadata", "namespace"}))
            enqueue("Kustomization|" + key_of(*k));
        }
    } else if (kind == "Kustomization" && spec_changed) {
      enqueue("Kustomization|" + key_of(obj));
    }
  }

  std::optional<Duration> reconcile(const std::string& key) override {
    const auto bar = key.find('|');
    const std::string kind = key.substr(0, bar);
    const std::string name_key = key.substr(bar + 1);
    const auto slash = name_key.find('/');
    const ObjectRef ref{kind, name_key.substr(0, slash), name_key.substr(slash + 1)};
    ObjectPtr obj = api().get(ref);
    if (!obj) return std::nullopt;
    if (find(*obj, {"spec", "suspend"}) && (*obj)["spec"]["suspend"] == true) return std::nullopt;
    return kind == "GitRepository" ? reconcile_source(*obj) : reconcile_kustomization(*obj);
  }

 private:
  Duration interval_of(const json& obj, const char* field = "interval") const {
    const json* v = find(obj, {"spec", field});
    std::string error;
    if (v && v->is_string())
      if (auto d = parse_duration(v->get<std::string>(), &error); d && *d > Duration{0}) return *d;
    return minutes(10);
  }

  json ready(bool ok, const std::string& reason, const std::string& message, const json& obj) const {
    return json::array({{{"type", "Ready"},
                         {"status", ok ? "True" : "False"},
                         {"observedGeneration", obj["metadata"].value("generation", 1)},
                         {"lastTransitionTime", world().scenario().epoch.rfc3339(now())},
                         {"reason", reason},
                         {"message", message}}});
  }

  void write_status(const json& obj, json status, const char* manager) {
    // Keep lastTransitionTime when the Ready condition did not change.
    const json* old = find(obj, {"status", "conditions"});
    if (old && old->is_array() && !old->empty() && status.contains("conditions")) {
      json& c = status["conditions"][0];
      const json& o = (*old)[0];
      if (o.value("status", "") == c.value("status", "") && o.value("reason", "") == c.value("reason", "") &&
          o.value("message", "") == c.value("message", ""))
        c["lastTransitionTime"] = o.value("lastTransitionTime", c.value("lastTransitionTime", ""));
    }
    json merged = obj.value("status", json::object());
    merged.merge_patch(status);
    if (merged == obj.value("status", json::object())) return;
    api().merge_patch(ObjectRef::of(obj), {{"status", status}}, manager, "status");
  }

  std::optional<Duration> reconcile_source(const json& repo) {
    const Duration interval = interval_of(repo);
    const std::string url = str_at(repo, {"spec", "url"});
    const json ref = repo.contains("spec") ? repo["spec"].value("ref", json::object()) : json::object();
    std::string revision, prefix;
    const bool by_commit = !str_at(ref, {"commit"}).empty();
    if (by_commit) revision = str_at(ref, {"commit"});
    else if (!str_at(ref, {"tag"}).empty()) revision = "refs/tags/" + str_at(ref, {"tag"}), prefix = str_at(ref, {"tag"});
    else if (!str_at(ref, {"name"}).empty()) revision = str_at(ref, {"name"}), prefix = revision;
    else revision = str_at(ref, {"branch"}).empty() ? "master" : str_at(ref, {"branch"}), prefix = revision;
    json status = {{"observedGeneration", repo["metadata"].value("generation", 1)}};
    if (!git_ || !git_->has_repository(url)) {
      const std::string msg = fmt::format("failed to checkout and determine revision: repository not found: {}", url);
      status["conditions"] = ready(false, "GitOperationFailed", msg, repo);
      api().record_event(ObjectRef::of(repo), "Warning", "GitOperationFailed", msg, kSourceController);
      write_status(repo, status, kSourceStatusManager);
      return interval;
    }
    auto r = git_->resolve(url, revision, now());
    if (!r.ok()) {
      const std::string msg = "failed to checkout and determine revision: " + r.error;
      status["conditions"] = ready(false, "GitOperationFailed", msg, repo);
      api().record_event(ObjectRef::of(repo), "Warning", "GitOperationFailed", msg, kSourceController);
      write_status(repo, status, kSourceStatusManager);
      return interval;
    }
    // Flux v2 revision format: "<ref>@sha1:<sha>", or "sha1:<sha>" for a commit ref.
    const std::string artifact = by_commit ? "sha1:" + r.value->sha : prefix + "@sha1:" + r.value->sha;
    const std::string old = str_at(repo, {"status", "artifact", "revision"});
    if (artifact != old) {
      status["artifact"] = {{"revision", artifact},
                            {"lastUpdateTime", world().scenario().epoch.rfc3339(now())},
                            {"path", fmt::format("gitrepository/{}/{}/{}.tar.gz", str_at(repo, {"metadata", "namespace"}),
                                                 str_at(repo, {"metadata", "name"}), r.value->sha)}};
      const std::string subject = r.value->message.substr(0, r.value->message.find('\n'));
      api().record_event(ObjectRef::of(repo), "Normal", "NewArtifact", fmt::format("stored artifact for commit '{}'", subject),
                         kSourceController);
    }
    status["conditions"] = ready(true, "Succeeded", fmt::format("stored artifact for revision '{}'", artifact), repo);
    write_status(repo, status, kSourceStatusManager);
    return interval;
  }

  static std::string inventory_id(const json& o) {
    const std::string av = o.value("apiVersion", "");
    const std::string group = av.find('/') == std::string::npos ? "" : av.substr(0, av.find('/'));
    return fmt::format("{}_{}_{}_{}", str_at(o, {"metadata", "namespace"}), str_at(o, {"metadata", "name"}), group,
                       o.value("kind", ""));
  }

  std::optional<Duration> reconcile_kustomization(const json& ks) {
    const Duration interval = interval_of(ks);
    const Duration retry = find(ks, {"spec", "retryInterval"}) ? interval_of(ks, "retryInterval") : interval;
    const ObjectRef ks_ref = ObjectRef::of(ks);
    const json source_ref = ks.contains("spec") ? ks["spec"].value("sourceRef", json::object()) : json::object();
    const std::string src_ns = str_at(source_ref, {"namespace"});
    const ObjectRef src{"GitRepository", src_ns.empty() ? ks_ref.ns : src_ns, str_at(source_ref, {"name"})};
    json status = {{"observedGeneration", ks["metadata"].value("generation", 1)}};
    ObjectPtr repo = api().get(src);
    const std::string artifact = repo ? str_at(*repo, {"status", "artifact", "revision"}) : "";
    if (!repo || artifact.empty()) {
      const std::string msg = repo ? fmt::format("Source artifact not found, retrying in {}", format_go_duration(kRequeueDependency))
                                   : fmt::format("GitRepository.source.toolkit.fluxcd.io \"{}\" not found", src.name);
      status["conditions"] = ready(false, "ArtifactFailed", msg, ks);
      write_status(ks, status, kKustomizeStatusManager);
      return kRequeueDependency;
    }
    const std::string sha = artifact.substr(artifact.rfind(':') + 1);
    status["lastAttemptedRevision"] = artifact;
    auto files = git_ ? git_->manifests(str_at(*repo, {"spec", "url"}), sha, str_at(ks, {"spec", "path"}), true)
                      : GitResult<std::vector<json>>{std::nullopt, "no git repository"};
    if (!files.ok()) {
      const std::string msg = fmt::format("kustomization path not found: {}", files.error);
      status["conditions"] = ready(false, "ArtifactFailed", msg, ks);
      api().record_event(ks_ref, "Warning", "ArtifactFailed", msg, kKustomizeController);
      write_status(ks, status, kKustomizeStatusManager);
      return retry;
    }
    const std::string target_ns = str_at(ks, {"spec", "targetNamespace"});
    std::vector<json> objects;
    for (json m : *files.value) {
      const std::string kind = m.value("kind", "");
      if (!is_cluster_scoped(kind)) {
        if (!target_ns.empty()) m["metadata"]["namespace"] = target_ns;
        else if (str_at(m, {"metadata", "namespace"}).empty()) m["metadata"]["namespace"] = "default";
      }
      m["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"] = ks_ref.name;
      m["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/namespace"] = ks_ref.ns;
      objects.push_back(std::move(m));
    }
    // ssa.ResourceManager applies namespaces and CRDs first, then the rest.
    std::stable_sort(objects.begin(), objects.end(), [](const json& a, const json& b) {
      auto rank = [](const json& o) {
        const std::string k = o.value("kind", "");
        return k == "CustomResourceDefinition" ? 0 : k == "Namespace" ? 1 : 2;
      };
      return rank(a) < rank(b);
    });
    std::vector<std::string> changes;
    std::string failure;
    json entries = json::array();
    std::set<std::string> ids;
    for (const json& o : objects) {
      const ObjectRef ref = ObjectRef::of(o);
      ObjectPtr live = api().get(ref);
      const std::string av = o.value("apiVersion", "");
      entries.push_back({{"id", inventory_id(o)}, {"v", av.substr(av.find('/') == std::string::npos ? 0 : av.find('/') + 1)}});
      ids.insert(inventory_id(o));
      if (live && same_values(o, *live)) continue;  // unchanged
      WriteResult w = api().apply(o, kKustomizeController, /*force=*/true);
      if (!w.status.ok()) {
        failure = fmt::format("{} dry-run failed: {}", ref.str(), w.status.message);
        break;
      }
      changes.push_back(fmt::format("{} {}", ref.str(), live ? "configured" : "created"));
    }
    if (failure.empty() && find(ks, {"spec", "prune"}) && ks["spec"]["prune"] == true) {
      if (const json* inv = find(ks, {"status", "inventory", "entries"}); inv && inv->is_array())
        for (const json& e : *inv) {
          const std::string id = e.value("id", "");
          if (ids.count(id)) continue;
          // "<namespace>_<name>_<group>_<kind>"
          std::vector<std::string> parts;
          std::size_t start = 0;
          for (std::size_t i = 0; i <= id.size(); ++i)
            if (i == id.size() || id[i] == '_') parts.push_back(id.substr(start, i - start)), start = i + 1;
          if (parts.size() < 4) continue;
          const ObjectRef gone{parts[parts.size() - 1], parts[0], parts[1]};
          if (api().get(gone)) {
            api().remove(gone, kKustomizeController);
            changes.push_back(fmt::format("{} deleted", gone.str()));
          }
        }
    }
    if (!failure.empty()) {
      status["conditions"] = ready(false, "ReconciliationFailed", failure, ks);
      api().record_event(ks_ref, "Warning", "ReconciliationFailed", failure, kKustomizeController);
      write_status(ks, status, kKustomizeStatusManager);
      return retry;
    }
    if (!changes.empty()) {
      std::string msg;
      for (const std::string& c : changes) msg += (msg.empty() ? "" : "\n") + c;
      api().record_event(ks_ref, "Normal", "Progressing", msg, kKustomizeController);
    }
    api().record_event(ks_ref, "Normal", "ReconciliationSucceeded",
                       fmt::format("Reconciliation finished in 0s, next run in {}", format_go_duration(interval)),
                       kKustomizeController);
    status["lastAppliedRevision"] = artifact;
    status["inventory"] = {{"entries", entries}};
    status["conditions"] = ready(true, "ReconciliationSucceeded", fmt::format("Applied revision: {}", artifact), ks);
    write_status(ks, status, kKustomizeStatusManager);
    return interval;
  }

  GitService* git_ = nullptr;
};

KCSIM_REGISTER_MODEL(Flux, "flux");

}  // namespace
}  // namespace kcsim
