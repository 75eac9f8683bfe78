// The ownership graph and its analyses (include/kcsim/analysis/ownership_graph.hpp, docs/explain-lint.md).
//
// Who writes what, and when, follows the upstream rules (per model: docs/models/argocd-git.md,
// docs/models/keda-hpa.md, docs/models/http-add-on-traffic.md):
//  - ArgoCD writes every field of every manifest of its Applications' sources, as field manager
//    argocd-controller (argo-cd common.ArgoCDSSAManager, passed by controller/sync.go; used for
//    client-side applies too since gitops-engine #418, about v2.5). ignoreDifferences only hides
//    a field from the diff; a sync still applies Git's value unless RespectIgnoreDifferences=true
//    (v2.3.0, #8078), which keeps the live value for objects that exist (argo-cd docs
//    user-guide/diffing.md and user-guide/sync-options.md, util/argo/diff/diff.go; #6520).
//    Self-heal reverts drift on its own; automated sync without it waits for a new revision
//    (controller/appcontroller.go autoSync; docs/user-guide/auto_sync.md).
//  - An Application object in the cluster changes only when something applies it: a parent
//    Application (app-of-apps), an ApplicationSet, Flux, or a person; a change to its YAML in
//    Git reaches the cluster only through the first three (argo-cd docs
//    operator-manual/cluster-bootstrapping.md, declarative-setup.md; derived: no doc sentence
//    says it in so many words).
//  - KEDA writes /spec/replicas of its target between 0 (or idleReplicaCount) and
//    max(minReplicaCount, 1); the HPA it creates (keda-hpa-<name>) writes it between
//    max(minReplicaCount, 1) and maxReplicaCount (kedacore/keda apis/keda/v1alpha1/
//    scaledobject_types.go GetHPAMinReplicas, defaultHPAMaxReplicas = 100;
//    pkg/scaling/executor/scale_scaledobjects.go RequestScale). The two cooperate. The HTTP
//    add-on generates the ScaledObject from an HTTPScaledObject with minReplicaCount =
//    replicas.min (default 0) (kedacore/http-add-on pkg/k8s/scaledobject.go NewScaledObject).
//  - Flux's kustomize-controller applies with server-side apply and force at every interval,
//    which corrects drift, unless the object says kustomize.toolkit.fluxcd.io/ssa: IfNotPresent
//    or Ignore (fluxcd/kustomize-controller docs, "Controlling the apply method").
//  - `kubectl apply -f` of a file sets every field the file declares, each time it runs.
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/repo_path.hpp"
#include "kcsim/analysis/ownership_graph.hpp"

#include "kcsim/analysis/vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <boost/graph/strong_components.hpp>
#include <fmt/format.h>

#include "../../models/argocd/argocd_diff.hpp"
#include "../../models/argocd/sync_policy.hpp"
#include "app_sources.hpp"
#include "../k8s/json_diff.hpp"
#include "../k8s/json_positions.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/git_url.hpp"
#include "kcsim/k8s/go_omitempty.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim {

// --- small public helpers ------------------------------------------------------------------------

json Evidence::to_json() const {
  json j = {{"text", text}};
  if (!where.empty()) j["location"] = where;
  return j;
}

namespace {
// The names of the graph's enumerations (the JSON report's and `kcsim explain`'s spelling), one
// table each, read both ways.
template <class E>
struct Named {
  E value;
  const char* name;
};
constexpr Named<VertexKind> kVertexKinds[] = {
    {VertexKind::kManager, "manager"}, {VertexKind::kObject, "object"}, {VertexKind::kField, "field"},
    {VertexKind::kGitPath, "git-path"}};
constexpr Named<EdgeKind> kEdgeKinds[] = {
    {EdgeKind::kCanWrite, "can-write"}, {EdgeKind::kHasField, "has-field"}, {EdgeKind::kSource, "source"},
    {EdgeKind::kDeclares, "declares"}, {EdgeKind::kDeploys, "deploys"}, {EdgeKind::kAppliedBy, "applied-by"},
    {EdgeKind::kGenerates, "generates"}};
constexpr Named<WriteMode> kWriteModes[] = {
    {WriteMode::kContinuous, "continuous"}, {WriteMode::kOnSync, "on-sync"}, {WriteMode::kOnCreate, "on-create"}};
constexpr Named<Severity> kSeverities[] = {
    {Severity::kNote, "note"}, {Severity::kWarning, "warning"}, {Severity::kError, "error"}};

template <class E, std::size_t N>
const char* name_in(const Named<E> (&table)[N], E value) {
  for (const Named<E>& n : table)
    if (n.value == value) return n.name;
  return "?";
}
}  // namespace

const char* to_string(VertexKind k) { return name_in(kVertexKinds, k); }
const char* to_string(EdgeKind k) { return name_in(kEdgeKinds, k); }
const char* to_string(WriteMode m) { return name_in(kWriteModes, m); }
const char* to_string(Severity s) { return name_in(kSeverities, s); }

std::optional<Severity> parse_severity(const std::string& text) {
  if (text == "info") return Severity::kNote;  // an alias people type
  for (const Named<Severity>& n : kSeverities)
    if (text == n.name) return n.value;
  return std::nullopt;
}

std::string WriteValues::describe() const {
  if (fixed) return value.is_string() ? value.get<std::string>() : value.dump();
  std::string out;
  if (idle) out = fmt::format("{} when idle, ", *idle);
  if (lo == hi) return out + std::to_string(lo) + (idle ? " when active" : "");
  return out + fmt::format("{}..{}", lo, hi) + (idle ? " under load" : "");
}

json WriteValues::to_json() const {
  if (fixed) return {{"value", value}};
  json j = {{"min", lo}, {"max", hi}};
  if (idle) j["idle"] = *idle;
  return j;
}

namespace embedded {
extern const std::string_view kLintRules;  // sim/analysis/lint_rules.json, embedded at build time
}

const std::vector<RuleInfo>& lint_rules() {
  static const std::vector<RuleInfo> rules = [] {
    std::vector<RuleInfo> out;
    for (const json& r : json::parse(embedded::kLintRules)) {
      const std::optional<Severity> severity = parse_severity(r.at("severity").get<std::string>());
      if (!severity) throw std::logic_error("lint_rules.json: a rule's severity is not error, warning or note");
      out.push_back({r.at("id"), *severity, r.at("summary"), r.at("help")});
    }
    return out;
  }();
  return rules;
}

const RuleInfo* find_rule(const std::string& id) {
  for (const RuleInfo& r : lint_rules())
    if (id == r.id) return &r;
  return nullptr;
}

json Finding::to_json() const {
  json j = {{"rule", rule},     {"severity", to_string(severity)}, {"object", object},
            {"title", title},   {"message", message}};
  if (!field.empty()) j["field"] = field;
  if (!location.empty()) j["location"] = location;
  if (!writers.empty()) j["writers"] = writers;
  json ev = json::array();
  for (const Evidence& e : evidence) ev.push_back(e.to_json());
  j["evidence"] = ev;
  j["fixes"] = fixes;
  if (!root_cause.empty()) j["rootCause"] = root_cause;
  return j;
}

// --- the builder -----------------------------------------------------------------------------------

namespace {

// An object found inside another manifest (an Application an ApplicationSet generates from its
// template, the configuration kubectl's last-applied annotation holds): it is placed where it
// was found, at `pointer` in `outer`, with the outer manifest's file, document and origin.
Manifest manifest_within(const Manifest& outer, json object, const std::string& pointer) {
  Manifest s;
  s.file = outer.file;
  s.rel_path = outer.rel_path;
  s.document = outer.document;
  s.item = outer.item;
  s.item_pointer = outer.item_pointer;
  s.origin = outer.origin;
  s.repo_url = outer.repo_url;
  s.object = std::move(object);
  s.pos = outer.position_of(pointer);
  s.positions[""] = s.pos;
  return s;
}

constexpr const char* kArgoManager = "argocd-controller";  // argo-cd common.ArgoCDSSAManager
constexpr const char* kAppSetManager = "argocd-applicationset-controller";
constexpr const char* kFluxManager = "kustomize-controller";
constexpr const char* kKedaManager = "keda";
constexpr const char* kHpaManager = "kube-controller-manager";
constexpr const char* kHttpOperator = "keda-add-ons-http-operator";  // as models/http-add-on/http_add_on.cpp names it
constexpr const char* kKubectlManager = "kubectl-client-side-apply";
constexpr const char* kArgoNamespace = "argocd";

// An integer field of a manifest, or a string that is one ("3"): Helm values and hand-written
// KEDA manifests sometimes quote numbers, and the analysis reads manifests before any API server
// would refuse them. Not json_access.hpp's int_at, which takes integers only.
std::optional<std::int64_t> int_or_numeric_string_at(const json& j, std::initializer_list<const char*> path) {
  const json* v = find(j, path);
  if (v && v->is_number_integer()) return v->get<std::int64_t>();
  if (v && v->is_string()) {  // KEDA and Helm values sometimes quote numbers
    try {
      std::size_t used = 0;
      const long long n = std::stoll(v->get<std::string>(), &used);
      if (used == v->get<std::string>().size()) return n;
    } catch (...) {
    }
  }
  return std::nullopt;
}

const json* at_pointer(const json& j, const std::string& pointer) {
  const auto tokens = argocd::parse_pointer(pointer);
  if (!tokens) return nullptr;
  const json* n = &j;
  for (const std::string& t : *tokens) {
    if (n->is_object()) {
      auto it = n->find(t);
      if (it == n->end()) return nullptr;
      n = &*it;
    } else if (n->is_array()) {
      if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) return nullptr;
      const std::size_t i = std::stoul(t);
      if (i >= n->size()) return nullptr;
      n = &(*n)[i];
    } else {
      return nullptr;
    }
  }
  return n;
}

std::string dir_of(const std::string& rel) {
  const auto slash = rel.rfind('/');
  return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

std::string short_ref(const ObjectRef& r) { return object_phrase(r); }

ObjectRef parse_ref(const std::string& s) { return ObjectRef::parse(s); }

// The path to give `kubectl apply -f` for a Git manifest: the file as given when it is a file of
// a checkout, else its path in the repository (a scenario's "git" section).
std::string apply_path(const Manifest& m) {
  const std::string& f = m.file;
  const std::string& r = m.rel_path;
  if (f.size() >= r.size() && f.compare(f.size() - r.size(), r.size(), r) == 0) return f;
  return r;
}

std::string describe_value(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string d = v.dump();
  if (d.size() > 60) d = d.substr(0, 57) + "...";
  return d;
}

std::string group_of(const json& obj) { return api_group(obj.value("apiVersion", "")); }

// Evaluates a parsed jq path expression on a document and returns the JSON pointers it selects.
void eval_jq(const json& node, const std::vector<argocd::JqStep>& steps, std::size_t i, std::string& path,
             std::vector<std::string>& out) {
  if (i == steps.size()) {
    out.push_back(path);
    return;
  }
  using T = argocd::JqStep::Type;
  const argocd::JqStep& s = steps[i];
  const std::size_t base = path.size();
  switch (s.type) {
    case T::kField:
      if (node.is_object() && node.contains(s.field)) {
        path += "/" + escape_pointer_token(s.field);
        eval_jq(node[s.field], steps, i + 1, path, out);
      }
      break;
    case T::kIndex:
      if (node.is_array()) {
        const long n = static_cast<long>(node.size());
        const long idx = s.index < 0 ? n + s.index : s.index;
        if (idx >= 0 && idx < n) {
          path += "/" + std::to_string(idx);
          eval_jq(node[static_cast<std::size_t>(idx)], steps, i + 1, path, out);
        }
      }
      break;
    case T::kIterate:
      if (node.is_array()) {
        for (std::size_t k = 0; k < node.size(); ++k) {
          path += "/" + std::to_string(k);
          eval_jq(node[k], steps, i + 1, path, out);
          path.resize(base);
        }
      } else if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
          path += "/" + escape_pointer_token(it.key());
          eval_jq(*it, steps, i + 1, path, out);
          path.resize(base);
        }
      }
      break;
    case T::kSelect: {
      const json* v = &node;
      for (const std::string& f : s.lhs) {
        if (!v || !v->is_object() || !v->contains(f)) {
          v = nullptr;
          break;
        }
        v = &(*v)[f];
      }
      const bool eq = v && *v == s.literal;
      if (eq == s.equal) eval_jq(node, steps, i + 1, path, out);
      break;
    }
  }
  path.resize(base);
}

// --- types of the fields the analyses read ------------------------------------------------------------

enum class T { kObject, kArray, kString, kBool, kInt, kObjectOrNull };

const char* type_name(T t) {
  switch (t) {
    case T::kObject: return "a mapping";
    case T::kArray: return "a list";
    case T::kString: return "a string";
    case T::kBool: return "true or false";
    case T::kInt: return "an integer";
    case T::kObjectOrNull: return "a mapping or null";
  }
  return "?";
}

bool has_type(const json& v, T t) {
  switch (t) {
    case T::kObject: return v.is_object();
    case T::kArray: return v.is_array();
    case T::kString: return v.is_string();
    case T::kBool: return v.is_boolean();
    case T::kInt: return v.is_number_integer();
    case T::kObjectOrNull: return v.is_object() || v.is_null();
  }
  return false;
}

[[noreturn]] void wrong_type(const Manifest& m, const std::string& pointer, const std::string& expected, const json& found) {
  const SourcePos p = m.position_of(pointer);
  throw InputError(m.file, m.document_label() + ", " + pointer, expected, describe_found(found), p.line, p.column);
}

// A field at `pointer` (relative to `base` inside the manifest), if present, must have type t.
void expect(const Manifest& m, const json& base, const std::string& base_pointer, const std::string& rel, T t) {
  const json* v = at_pointer(base, rel);
  if (v && !has_type(*v, t)) wrong_type(m, base_pointer + rel, std::string("expected ") + type_name(t), *v);
}

void expect_each(const Manifest& m, const json& base, const std::string& base_pointer, const std::string& rel, T t) {
  const json* v = at_pointer(base, rel);
  if (!v) return;
  if (!v->is_array()) wrong_type(m, base_pointer + rel, "expected a list", *v);
  for (std::size_t i = 0; i < v->size(); ++i)
    if (!has_type((*v)[i], t))
      wrong_type(m, fmt::format("{}{}/{}", base_pointer, rel, i), std::string("expected ") + type_name(t), (*v)[i]);
}

void check_source(const Manifest& m, const json& src, const std::string& p) {
  for (const char* f : {"/repoURL", "/path", "/chart", "/targetRevision"}) expect(m, src, p, f, T::kString);
  expect(m, src, p, "/directory", T::kObject);
  expect(m, src, p, "/directory/recurse", T::kBool);
}

void check_application_spec(const Manifest& m, const json& spec, const std::string& p) {
  if (!spec.is_object()) wrong_type(m, p, "expected a mapping", spec);
  expect(m, spec, p, "/source", T::kObject);
  if (spec.contains("source")) check_source(m, spec["source"], p + "/source");
  expect_each(m, spec, p, "/sources", T::kObject);
  if (spec.contains("sources"))
    for (std::size_t i = 0; i < spec["sources"].size(); ++i) check_source(m, spec["sources"][i], fmt::format("{}/sources/{}", p, i));
  expect(m, spec, p, "/destination", T::kObject);
  expect(m, spec, p, "/destination/namespace", T::kString);
  expect(m, spec, p, "/syncPolicy", T::kObject);
  expect(m, spec, p, "/syncPolicy/automated", T::kObjectOrNull);
  expect(m, spec, p, "/syncPolicy/automated/selfHeal", T::kBool);
  expect(m, spec, p, "/syncPolicy/automated/enabled", T::kBool);
  expect_each(m, spec, p, "/syncPolicy/syncOptions", T::kString);
  expect_each(m, spec, p, "/ignoreDifferences", T::kObject);
  if (spec.contains("ignoreDifferences"))
    for (std::size_t i = 0; i < spec["ignoreDifferences"].size(); ++i) {
      const std::string ip = fmt::format("{}/ignoreDifferences/{}", p, i);
      const json& rule = spec["ignoreDifferences"][i];
      for (const char* f : {"/group", "/kind", "/name", "/namespace"}) expect(m, rule, ip, f, T::kString);
      for (const char* f : {"/jsonPointers", "/jqPathExpressions", "/managedFieldsManagers"}) expect_each(m, rule, ip, f, T::kString);
    }
}

// The fields of the kinds the analyses understand. Everything else is opaque.
void check_known_fields(const Manifest& m) {
  const json& o = m.object;
  const std::string kind = o.value("kind", "");
  const std::string group = api_group(o.value("apiVersion", ""));
  expect(m, o, "", "/metadata/labels", T::kObject);
  expect(m, o, "", "/metadata/annotations", T::kObject);
  for (const char* section : {"/metadata/labels", "/metadata/annotations"})
    if (const json* map = at_pointer(o, section); map && map->is_object())
      for (auto it = map->begin(); it != map->end(); ++it)
        if (!it->is_string())
          wrong_type(m, std::string(section) + "/" + escape_pointer_token(it.key()),
                     "expected a string (label and annotation values are strings: quote it)", *it);
  expect_each(m, o, "", "/metadata/ownerReferences", T::kObject);
  if (const json* owners = at_pointer(o, "/metadata/ownerReferences"))
    for (std::size_t i = 0; i < owners->size(); ++i)
      for (const char* f : {"/kind", "/name"}) expect(m, (*owners)[i], fmt::format("/metadata/ownerReferences/{}", i), f, T::kString);
  expect_each(m, o, "", "/metadata/managedFields", T::kObject);
  if (const json* mf = at_pointer(o, "/metadata/managedFields"))
    for (std::size_t i = 0; i < mf->size(); ++i)
      for (const char* f : {"/manager", "/operation", "/time"})
        expect(m, (*mf)[i], fmt::format("/metadata/managedFields/{}", i), f, T::kString);
  const json* spec = at_pointer(o, "/spec");
  const bool has_spec = spec != nullptr;
  if (group == "argoproj.io" && kind == "Application") {
    if (has_spec) check_application_spec(m, *spec, "/spec");
  } else if (group == "argoproj.io" && kind == "ApplicationSet") {
    expect(m, o, "", "/spec", T::kObject);
    expect_each(m, o, "", "/spec/generators", T::kObject);
    expect(m, o, "", "/spec/template", T::kObject);
    expect(m, o, "", "/spec/template/metadata", T::kObject);
    expect(m, o, "", "/spec/template/spec", T::kObject);
    if (const json* gens = at_pointer(o, "/spec/generators"))
      for (std::size_t i = 0; i < gens->size(); ++i) expect(m, (*gens)[i], fmt::format("/spec/generators/{}", i), "/list/elements", T::kArray);
  } else if (kind == "HorizontalPodAutoscaler") {
    expect(m, o, "", "/spec", T::kObject);
    expect(m, o, "", "/spec/scaleTargetRef", T::kObject);
    for (const char* f : {"/spec/scaleTargetRef/name", "/spec/scaleTargetRef/kind"}) expect(m, o, "", f, T::kString);
    for (const char* f : {"/spec/minReplicas", "/spec/maxReplicas"}) expect(m, o, "", f, T::kInt);
  } else if (group == "keda.sh" && kind == "ScaledObject") {
    expect(m, o, "", "/spec", T::kObject);
    expect(m, o, "", "/spec/scaleTargetRef", T::kObject);
    for (const char* f : {"/spec/scaleTargetRef/name", "/spec/scaleTargetRef/kind"}) expect(m, o, "", f, T::kString);
    for (const char* f : {"/spec/minReplicaCount", "/spec/maxReplicaCount", "/spec/idleReplicaCount", "/spec/cooldownPeriod"})
      expect(m, o, "", f, T::kInt);
    expect(m, o, "", "/spec/advanced", T::kObject);
    expect(m, o, "", "/spec/advanced/horizontalPodAutoscalerConfig", T::kObject);
    expect(m, o, "", "/spec/advanced/horizontalPodAutoscalerConfig/name", T::kString);
  } else if (kind == "HTTPScaledObject") {
    expect(m, o, "", "/spec", T::kObject);
    expect_each(m, o, "", "/spec/hosts", T::kString);
    expect(m, o, "", "/spec/host", T::kString);
    expect(m, o, "", "/spec/scaleTargetRef", T::kObject);
    for (const char* f : {"/spec/scaleTargetRef/name", "/spec/scaleTargetRef/kind", "/spec/scaleTargetRef/deployment",
                          "/spec/scaleTargetRef/service"})
      expect(m, o, "", f, T::kString);
    expect(m, o, "", "/spec/replicas", T::kObject);
    for (const char* f : {"/spec/replicas/min", "/spec/replicas/max", "/spec/scaledownPeriod"}) expect(m, o, "", f, T::kInt);
  } else if (group == "kustomize.toolkit.fluxcd.io" && kind == "Kustomization") {
    expect(m, o, "", "/spec", T::kObject);
    for (const char* f : {"/spec/path", "/spec/targetNamespace", "/spec/interval"}) expect(m, o, "", f, T::kString);
    expect(m, o, "", "/spec/suspend", T::kBool);
    expect(m, o, "", "/spec/sourceRef", T::kObject);
    for (const char* f : {"/spec/sourceRef/name", "/spec/sourceRef/namespace"}) expect(m, o, "", f, T::kString);
  } else if (group == "source.toolkit.fluxcd.io" && kind == "GitRepository") {
    expect(m, o, "", "/spec", T::kObject);
    expect(m, o, "", "/spec/url", T::kString);
  } else if (kind == "ConfigMap") {
    expect(m, o, "", "/data", T::kObject);
  }
}

// --- the model of the inputs ------------------------------------------------------------------------

struct Source {
  std::string repo_url;
  std::string path;
  bool recurse = false;
  std::string chart;    // a Helm chart from a chart repository: cannot be followed
  std::string pointer;  // "/spec/source", "/spec/sources/1"
  std::string revision;  // targetRevision
};

// An Application or a Flux Kustomization: something that deploys manifests from Git.
struct GitOps {
  bool flux = false;
  ObjectRef ref;
  const Manifest* eff = nullptr;
  std::vector<Source> sources;
  std::string dest_ns;
  // ArgoCD sync policy
  bool automated = false;
  bool self_heal = false;
  bool rdi = false;  // RespectIgnoreDifferences=true
  std::vector<argocd::IgnoreRule> rules;
  /// Reads the four above from an Application's spec; `error` says why ignoreDifferences is not valid.
  void read_argocd_policy(const json& spec, std::string& error) {
    const argocd::SyncPolicy policy = argocd::read_sync_policy(spec);
    automated = policy.automated;
    self_heal = policy.self_heal;
    rdi = policy.has_option("RespectIgnoreDifferences=true");
    rules = argocd::parse_ignore_differences(spec.value("ignoreDifferences", json::array()), &error);
  }
  // Flux
  bool suspended = false;
  std::string interval;
  std::size_t deployed = 0;  // manifests found for it
  bool deploys_apps = false;  // an app-of-apps parent
};

struct App {
  ObjectRef ref;
  const Manifest* live = nullptr;
  const Manifest* git = nullptr;
  const Manifest* declared = nullptr;
  const Manifest* generated = nullptr;
  std::string generated_by;
  const Manifest* eff = nullptr;
  std::vector<std::string> deployed_by;  // Application/Kustomization refs whose source holds its Git file
  bool assumed = false;                  // only in Git, nothing deploys it: assumed applied as in Git
  std::string converging_parent;         // a parent with automated sync applies the Git version
};

struct Deploy {
  std::size_t gitops;  // index in Impl::gitops
  const Manifest* manifest;
  bool from_last_applied = false;
};

struct Resource {
  ObjectRef ref;
  const Manifest* live = nullptr;
  const Manifest* declared = nullptr;
  std::vector<Deploy> deploys;
  const Manifest* effective() const {
    if (live) return live;
    if (!deploys.empty()) return deploys.front().manifest;
    return declared;
  }
};

struct Write {
  ObjectRef object;
  std::string field;
  std::string manager;
  EdgeProps props;
  std::vector<ObjectRef> config;  // the objects that configure this writer (for feedback cycles)
};

struct Link {
  std::string from, to;
  EdgeProps props;
};

std::string writer_key(const std::string& manager, const std::string& via) {
  return fmt::format("{} ({})", manager, via);
}

}  // namespace

struct OwnershipGraph::Impl {
  const ManifestSet& set;
  std::deque<Manifest> synthetic;  // generated Applications, parsed last-applied annotations
  std::map<ObjectRef, App> apps;
  std::vector<GitOps> gitops;
  std::map<ObjectRef, std::size_t> gitops_index;
  std::map<ObjectRef, Resource> resources;
  std::vector<Write> writes;
  std::vector<Link> links;  // non-write edges
  std::map<std::string, VertexProps> vertices;
  std::vector<std::string>& notes;
  std::vector<argocd::IgnoreRule> system_rules;  // argocd-cm resource.customizations.ignoreDifferences

  Impl(const ManifestSet& s, std::vector<std::string>& n) : set(s), notes(n) {}

  // --- vertices ---
  std::string manager_vertex(const std::string& m) {
    const std::string id = "manager:" + m;
    if (!vertices.count(id)) vertices[id] = VertexProps{VertexKind::kManager, id, m, {}, {}};
    return id;
  }
  std::string object_vertex(const ObjectRef& r) {
    const std::string id = "object:" + r.str();
    if (!vertices.count(id)) vertices[id] = VertexProps{VertexKind::kObject, id, r.str(), r, {}};
    return id;
  }
  std::string field_vertex(const ObjectRef& r, const std::string& f) {
    const std::string id = "field:" + r.str() + "#" + f;
    if (!vertices.count(id)) vertices[id] = VertexProps{VertexKind::kField, id, f, r, f};
    return id;
  }
  std::string git_vertex(const std::string& url, const std::string& path) {
    const std::string id = "git:" + url + "#" + (path.empty() ? "." : path);
    if (!vertices.count(id)) vertices[id] = VertexProps{VertexKind::kGitPath, id, path.empty() ? "." : path, {}, {}};
    return id;
  }
  void link(EdgeKind kind, const std::string& from, const std::string& to, const std::string& reason = "",
            std::vector<Evidence> evidence = {}) {
    EdgeProps p;
    p.kind = kind;
    p.reason = reason;
    p.evidence = std::move(evidence);
    links.push_back(Link{from, to, std::move(p)});
  }

  static Evidence ev(const Manifest* m, const std::string& pointer, const std::string& text) {
    return Evidence{m ? m->where(pointer) : std::string(), text};
  }

  // --- reading ---
  ObjectRef app_ref(const Manifest& m) const {
    ObjectRef r = m.ref();
    if (r.ns.empty()) r.ns = kArgoNamespace;
    return r;
  }

  static bool is_kind(const Manifest& m, const char* kind, const char* group) {
    return m.object.value("kind", "") == kind && group_of(m.object) == group;
  }

  void read_system_rules() {
    // argocd-cm: resource.customizations.ignoreDifferences.<group>_<kind> and ...all, each a YAML
    // document with jsonPointers / jqPathExpressions / managedFieldsManagers
    // (docs/user-guide/diffing.md "System-Level Configuration").
    json rules = json::array();
    auto add = [&](const std::string& key, const json& value) {
      const std::string prefix = "resource.customizations.ignoreDifferences.";
      if (key.rfind(prefix, 0) != 0 || !value.is_object()) return;
      const std::string gk = key.substr(prefix.size());
      json rule = value;
      argocd::set_customization_group_kind(rule, gk);
      rules.push_back(rule);
    };
    for (const Manifest& m : set.live) {
      if (m.object.value("kind", "") != "ConfigMap" || m.ref().name != "argocd-cm") continue;
      const json* data = find(m.object, {"data"});
      if (!data || !data->is_object()) continue;
      for (auto it = data->begin(); it != data->end(); ++it) {
        if (!it->is_string()) continue;
        std::vector<ReadWarning> ignored;
        try {
          // The value is YAML; wrap it as a document of a throwaway object to reuse the reader.
          std::string text = "apiVersion: v1\nkind: X\nmetadata: {name: x}\nv:\n";
          std::istringstream lines(it->get<std::string>());
          for (std::string line; std::getline(lines, line);) text += "  " + line + "\n";
          auto ms = parse_manifests(text, m.file, ignored);
          if (!ms.empty() && ms[0].object.contains("v")) add(it.key(), ms[0].object["v"]);
        } catch (const std::exception&) {
          notes.push_back(fmt::format("{}: {} is not valid YAML; ignored", m.where("/data"), it.key()));
        }
      }
    }
    if (set.scenario.is_object()) {
      const json* c = find(set.scenario, {"settings", "argocd", "resourceCustomizations"});
      if (c && c->is_object())
        for (auto it = c->begin(); it != c->end(); ++it)
          if (it->is_object() && it->contains("ignoreDifferences"))
            add("resource.customizations.ignoreDifferences." + it.key(), (*it)["ignoreDifferences"]);
    }
    std::string error;
    system_rules = argocd::parse_ignore_differences(rules, &error);
    if (!error.empty()) notes.push_back("argocd-cm ignoreDifferences: " + error);
  }

  // `converging`: Applications that a parent with automated sync (or Flux) deploys from Git; the
  // parent's next sync replaces the live object with the Git version, so that is the one that
  // matters (map value: the parent).
  void read_apps(const std::map<ObjectRef, std::string>& converging = {}) {
    for (const Manifest& m : set.live)
      if (is_kind(m, "Application", "argoproj.io")) apps[app_ref(m)].live = &m;
    for (const Manifest& m : set.declared)
      if (is_kind(m, "Application", "argoproj.io")) apps[app_ref(m)].declared = &m;
    for (const Manifest& m : set.git)
      if (is_kind(m, "Application", "argoproj.io")) {
        App& a = apps[app_ref(m)];
        if (!a.git) a.git = &m;
        else
          notes.push_back(fmt::format("{} is in Git twice ({} and {}); the first is compared with the live one",
                                      short_ref(app_ref(m)), a.git->where(), m.where()));
      }
    // ApplicationSets: the list generator's elements are expanded into the template (the other
    // generators need a cluster or a Git server; their Applications count when listed live).
    std::map<ObjectRef, const Manifest*> appsets;
    for (const auto* list : {&set.git, &set.declared, &set.live})
      for (const Manifest& m : *list)
        if (is_kind(m, "ApplicationSet", "argoproj.io")) appsets[app_ref(m)] = &m;
    for (const auto& [ref, m] : appsets) expand_appset(ref, *m);
    for (auto& [ref, a] : apps) {
      a.ref = ref;
      if (a.live)
        for (const json& o : a.live->object["metadata"].value("ownerReferences", json::array()))
          if (o.value("kind", "") == "ApplicationSet")
            a.generated_by = ObjectRef{"ApplicationSet", ref.ns, o.value("name", "")}.str();
      a.eff = a.live ? a.live : a.generated ? a.generated : a.declared ? a.declared : a.git;
      if (auto c = converging.find(ref); c != converging.end() && a.git) {
        a.eff = a.git;
        a.converging_parent = c->second;
      }
      a.assumed = !a.live && !a.generated && !a.declared;
    }
  }

  static std::string substitute(const std::string& s, const json& element) {
    // {{key}} (fasttemplate, the default) and {{.key}} / {{ .key }} (goTemplate: true).
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
      const auto open = s.find("{{", i);
      if (open == std::string::npos) break;
      const auto close = s.find("}}", open + 2);
      if (close == std::string::npos) break;
      std::string key = s.substr(open + 2, close - open - 2);
      key.erase(0, key.find_first_not_of(' '));
      key.erase(key.find_last_not_of(' ') + 1);
      if (!key.empty() && key[0] == '.') key.erase(0, 1);
      out += s.substr(i, open - i);
      const json* v = element.is_object() ? at_pointer(element, "/" + escape_pointer_token(key)) : nullptr;
      if (!v && key.find('.') != std::string::npos) {
        std::string p;
        std::istringstream parts(key);
        for (std::string t; std::getline(parts, t, '.');) p += "/" + escape_pointer_token(t);
        v = at_pointer(element, p);
      }
      out += v ? (v->is_string() ? v->get<std::string>() : v->dump()) : s.substr(open, close + 2 - open);
      i = close + 2;
    }
    return out + s.substr(i);
  }

  static json substitute_all(const json& v, const json& element) {
    if (v.is_string()) return substitute(v.get<std::string>(), element);
    if (v.is_object()) {
      json out = json::object();
      for (auto it = v.begin(); it != v.end(); ++it) out[substitute(it.key(), element)] = substitute_all(*it, element);
      return out;
    }
    if (v.is_array()) {
      json out = json::array();
      for (const json& x : v) out.push_back(substitute_all(x, element));
      return out;
    }
    return v;
  }

  void expand_appset(const ObjectRef& ref, const Manifest& m) {
    const json* gens = find(m.object, {"spec", "generators"});
    const json* tmpl = find(m.object, {"spec", "template"});
    if (!gens || !gens->is_array() || !tmpl || !tmpl->is_object()) return;
    for (std::size_t g = 0; g < gens->size(); ++g) {
      const json& gen = (*gens)[g];
      const json* elements = find(gen, {"list", "elements"});
      if (!elements) {
        std::string kinds;
        if (gen.is_object())
          for (auto it = gen.begin(); it != gen.end(); ++it) kinds += (kinds.empty() ? "" : ", ") + it.key();
        notes.push_back(fmt::format("{}: {} generator not expanded (only list generators are); its Applications "
                                    "are in the graph only if given live",
                                    m.where(fmt::format("/spec/generators/{}", g)), short_ref(ref), kinds));
        continue;
      }
      if (!elements->is_array()) continue;
      for (std::size_t e = 0; e < elements->size(); ++e) {
        json app = {{"apiVersion", "argoproj.io/v1alpha1"}, {"kind", "Application"}};
        app["metadata"] = substitute_all(tmpl->value("metadata", json::object()), (*elements)[e]);
        app["spec"] = substitute_all(tmpl->value("spec", json::object()), (*elements)[e]);
        if (!app["metadata"].is_object() || !app["metadata"].contains("name") || !app["metadata"]["name"].is_string())
          continue;
        if (!app["metadata"].contains("namespace")) app["metadata"]["namespace"] = ref.ns;
        synthetic.push_back(manifest_within(m, app, "/spec/template"));
        App& a = apps[app_ref(synthetic.back())];
        if (!a.generated) {
          a.generated = &synthetic.back();
          a.generated_by = ref.str();
        }
      }
    }
  }

  void read_gitops() {
    for (const auto& [ref, a] : apps) {
      if (!a.eff) continue;
      GitOps g;
      g.ref = ref;
      g.eff = a.eff;
      const json& spec = a.eff->object.value("spec", json::object());
      auto source = [&](const json& s, const std::string& pointer) {
        if (!s.is_object()) return;
        Source src;
        src.repo_url = s.value("repoURL", "");
        src.path = normalize_repo_path(s.value("path", ""));
        src.chart = s.value("chart", "");
        src.revision = s.value("targetRevision", "");
        const json* rec = find(s, {"directory", "recurse"});
        src.recurse = rec && rec->is_boolean() && rec->get<bool>();
        src.pointer = pointer;
        g.sources.push_back(src);
      };
      if (spec.contains("source")) source(spec["source"], "/spec/source");
      if (spec.contains("sources") && spec["sources"].is_array())
        for (std::size_t i = 0; i < spec["sources"].size(); ++i) source(spec["sources"][i], fmt::format("/spec/sources/{}", i));
      g.dest_ns = str_at(spec, {"destination", "namespace"});
      std::string error;
      g.read_argocd_policy(spec, error);
      if (!error.empty()) notes.push_back(fmt::format("{}: {}", a.eff->where("/spec/ignoreDifferences"), error));
      gitops_index[ref] = gitops.size();
      gitops.push_back(std::move(g));
    }
    // Flux: Kustomizations and the GitRepositories they name.
    std::map<ObjectRef, const Manifest*> kustomizations, repos;
    for (const auto* list : {&set.git, &set.declared, &set.live})
      for (const Manifest& m : *list) {
        if (m.object.value("kind", "") == "Kustomization" && group_of(m.object) == "kustomize.toolkit.fluxcd.io")
          kustomizations[m.ref()] = &m;
        if (m.object.value("kind", "") == "GitRepository" && group_of(m.object) == "source.toolkit.fluxcd.io")
          repos[m.ref()] = &m;
      }
    for (const auto& [ref, m] : kustomizations) {
      GitOps g;
      g.flux = true;
      g.ref = ref;
      g.eff = m;
      const json& spec = m->object.value("spec", json::object());
      Source src;
      src.path = normalize_repo_path(spec.value("path", ""));
      src.recurse = true;  // Flux builds everything under the path (a generated kustomization.yaml)
      src.pointer = "/spec/path";
      const std::string repo_name = str_at(spec, {"sourceRef", "name"});
      const std::string repo_ns = str_at(spec, {"sourceRef", "namespace"}, ref.ns);
      if (auto it = repos.find(ObjectRef{"GitRepository", repo_ns, repo_name}); it != repos.end())
        src.repo_url = str_at(it->second->object, {"spec", "url"});
      g.sources.push_back(src);
      g.dest_ns = spec.value("targetNamespace", "");
      g.suspended = spec.value("suspend", false);
      g.interval = spec.value("interval", "");
      gitops_index[ref] = gitops.size();
      gitops.push_back(std::move(g));
    }
  }

  // Both URLs normalised as ArgoCD's git.SameURL does (normalize_git_url_allow_invalid). An unknown URL on either side matches when there is
  // only one repository.
  bool repo_matches_normalized(const std::string& manifest_url, const std::string& source_url) const {
    if (source_url.empty() || manifest_url.empty()) return set.repositories.size() <= 1;
    return manifest_url == source_url;
  }

  ObjectRef resource_ref(const Manifest& m, const std::string& dest_ns) const {
    ObjectRef r = m.ref();
    if (m.object.value("kind", "") == "Application" && group_of(m.object) == "argoproj.io") return app_ref(m);
    if (is_cluster_scoped(r.kind)) r.ns.clear();
    else if (!dest_ns.empty() && m.object.value("kind", "") != "Namespace" && r.ns.empty()) r.ns = dest_ns;
    if (!is_cluster_scoped(r.kind) && r.ns.empty()) r.ns = "default";
    return r;
  }

  void resolve_deploys() {
    // Git files by directory, with their normalised repository URLs, so that each source looks
    // at its own directory only.
    std::map<std::string, std::vector<std::size_t>> git_by_dir;
    std::vector<std::string> git_urls;
    for (std::size_t i = 0; i < set.git.size(); ++i) {
      git_by_dir[dir_of(set.git[i].rel_path)].push_back(i);
      git_urls.push_back(normalize_git_url_allow_invalid(set.git[i].repo_url));
    }
    for (const Manifest& m : set.live) resources[m.ref()].live = &m;
    for (const Manifest& m : set.declared) resources[m.ref()].declared = &m;
    for (std::size_t gi = 0; gi < gitops.size(); ++gi) {
      GitOps& g = gitops[gi];
      for (const Source& s : g.sources) {
        const std::string src_vertex = git_vertex(s.repo_url, s.path);
        link(EdgeKind::kSource, src_vertex, object_vertex(g.ref), "", {ev(g.eff, s.pointer, "source path")});
        if (!s.chart.empty()) {
          notes.push_back(fmt::format("{}: {} deploys the Helm chart {} from a chart repository, which kcsim cannot "
                                      "render; render it (helm template) into a Git directory to include it",
                                      g.eff->where(s.pointer), short_ref(g.ref), s.chart));
          continue;
        }
        const std::string source_url = normalize_git_url_allow_invalid(s.repo_url);
        // The files directly in the source directory, or (recurse) every directory below it.
        auto first = s.recurse ? git_by_dir.lower_bound(s.path) : git_by_dir.find(s.path);
        for (auto dir = first; dir != git_by_dir.end(); ++dir) {
          if (!s.recurse && dir != first) break;
          if (s.recurse && !s.path.empty() && dir->first != s.path &&
              dir->first.compare(0, s.path.size() + 1, s.path + "/") != 0) {
            if (dir->first.compare(0, s.path.size(), s.path) != 0) break;
            continue;  // "web-2" sorts between "web" and "web/..."
          }
          for (std::size_t mi : dir->second) {
            const Manifest& m = set.git[mi];
            if (!repo_matches_normalized(git_urls[mi], source_url)) continue;
            const ObjectRef r = resource_ref(m, g.dest_ns);
            Resource& res = resources[r];
            res.ref = r;
            res.deploys.push_back(Deploy{gi, &m, false});
            ++g.deployed;
            link(EdgeKind::kDeploys, object_vertex(g.ref), object_vertex(r),
                 g.flux ? "Flux applies it from Git" : "ArgoCD syncs it from Git",
                 {ev(&m, "", fmt::format("{} in {}", r.str(), m.rel_path))});
            link(EdgeKind::kDeclares, git_vertex(s.repo_url, m.rel_path), object_vertex(r));
            if (r.kind == "Application" && apps.count(r)) apps[r].deployed_by.push_back(g.ref.str());
            if (r.kind == "Application" && r != g.ref) g.deploys_apps = true;
          }
        }
      }
      const bool renderable = std::any_of(g.sources.begin(), g.sources.end(),
                                          [](const Source& src) { return src.chart.empty(); });
      if (g.deployed == 0 && renderable)
        notes.push_back(fmt::format("{}: no Git file given matches the source of {}{}",
                                    g.eff->where(g.sources[0].pointer), short_ref(g.ref),
                                    set.git.empty() ? " (no --git files; the live objects' last-applied-configuration "
                                                      "stands for what it deploys)"
                                                    : ""));
    }
    // Live objects that an Application tracks (annotation argocd.argoproj.io/tracking-id, v3.0's
    // default, or label app.kubernetes.io/instance) when that Application's Git files were not
    // given: what it applied last is in the last-applied-configuration annotation (client-side
    // apply, argo-cd docs user-guide/sync-options.md; tracking:
    // docs/operator-manual/upgrading/2.14-3.0.md).
    for (const Manifest& m : set.live) {
      const json& md = m.object["metadata"];
      std::string app_name;
      const json* ann = find(md, {"annotations", "argocd.argoproj.io/tracking-id"});
      if (ann && ann->is_string()) app_name = ann->get<std::string>().substr(0, ann->get<std::string>().find(':'));
      const json* label = find(md, {"labels", "app.kubernetes.io/instance"});
      if (app_name.empty() && label && label->is_string()) app_name = label->get<std::string>();
      if (app_name.empty()) continue;
      std::string app_ns = kArgoNamespace;
      if (auto us = app_name.find('_'); us != std::string::npos) app_ns = app_name.substr(0, us), app_name = app_name.substr(us + 1);
      auto gi = gitops_index.find(ObjectRef{"Application", app_ns, app_name});
      if (gi == gitops_index.end() || gitops[gi->second].deployed > 0) continue;
      Resource& res = resources[m.ref()];
      if (!res.deploys.empty()) continue;
      const json* la = find(md, {"annotations", k8s::kLastAppliedConfigAnnotation});
      if (!la || !la->is_string()) continue;
      json parsed = json::parse(la->get<std::string>(), nullptr, false);
      if (!parsed.is_object()) continue;
      Manifest s = manifest_within(
          m, std::move(parsed), "/metadata/annotations/" + escape_pointer_token(k8s::kLastAppliedConfigAnnotation));
      s.origin = ManifestOrigin::kLive;
      s.repo_url.clear();
      synthetic.push_back(std::move(s));
      res.ref = m.ref();
      res.deploys.push_back(Deploy{gi->second, &synthetic.back(), true});
      link(EdgeKind::kDeploys, object_vertex(gitops[gi->second].ref), object_vertex(m.ref()),
           "tracked by the Application (tracking annotation or instance label)",
           {ev(&m, "/metadata", "tracked by " + short_ref(gitops[gi->second].ref))});
    }
    for (auto& [ref, r] : resources) r.ref = ref;
  }

  // --- writes ---

  struct ArgoMode {
    WriteMode mode = WriteMode::kContinuous;
    bool ignored = false;
    std::vector<std::string> ignored_managers;
    WriteMode mode_vs_listed = WriteMode::kOnSync;
    std::string reason;
    std::vector<Evidence> evidence;
  };

  std::vector<argocd::IgnoreRule> rules_of(const GitOps& g) const {
    std::vector<argocd::IgnoreRule> r = g.rules;
    r.insert(r.end(), system_rules.begin(), system_rules.end());
    return r;
  }

  // What an Application's ignoreDifferences (and argocd-cm's) cover in one manifest: pointers
  // (jq paths evaluated on the manifest) and managedFieldsManagers. Computed once per manifest.
  struct Ignores {
    std::vector<std::string> pointers;
    std::vector<std::string> managers;
  };

  Ignores ignores_for(const GitOps& g, const json& manifest, const ObjectRef& ref) const {
    Ignores out;
    const std::vector<argocd::IgnoreRule> rules = rules_of(g);
    const argocd::IgnoreSet set = argocd::match_ignores(rules, group_of(manifest), ref.kind, ref.name, ref.ns);
    out.pointers = set.json_pointers;
    for (const argocd::JqPath* q : set.jq_paths) {
      std::string path;
      eval_jq(manifest, q->steps, 0, path, out.pointers);
    }
    out.managers = set.managers;
    return out;
  }

  ArgoMode argocd_mode(const GitOps& g, const Manifest* app, const json& manifest, const ObjectRef& ref,
                       const std::string& field) const {
    ArgoMode out = argocd_mode(g, app, ignores_for(g, manifest, ref), field);
    name_rule_that_misses(out, g, manifest, ref, field);
    return out;
  }

  // Replaces "ignoreDifferences does not cover F" by the reason when an entry names F but cannot
  // match the object (ignore_rule_that_misses).
  void name_rule_that_misses(ArgoMode& m, const GitOps& g, const json& manifest, const ObjectRef& ref,
                             const std::string& field) const {
    if (m.ignored) return;
    const std::string why = ignore_rule_that_misses(g, manifest, ref, field);
    if (why.empty()) return;
    for (Evidence& e : m.evidence)
      if (e.text == "ignoreDifferences does not cover " + field) e.text = why;
  }

  // An ignoreDifferences entry that names the field and the kind but can never match the object:
  // without `group` an entry matches only the core group (argo-cd util/argo/diff/ignore.go
  // IgnoreDiffConfig.HasIgnoreDifference with util/glob.Match on group "" for apps/v1), so a rule
  // for a Deployment that leaves out group: apps looks right in Git and never applies.
  std::string ignore_rule_that_misses(const GitOps& g, const json& manifest, const ObjectRef& ref,
                                      const std::string& field) const {
    const std::string group = group_of(manifest);
    for (const argocd::IgnoreRule& r : rules_of(g)) {
      if (!argocd::glob_match(r.kind, ref.kind) || argocd::glob_match(r.group, group)) continue;
      for (const std::string& p : r.json_pointers)
        if (field == p || (field.size() > p.size() && field.compare(0, p.size(), p) == 0 && field[p.size()] == '/'))
          return fmt::format(
              "ignoreDifferences names {} for kind {} but {}: an entry matches only the API group it names (none "
              "means the core group), so it never applies to {} {}",
              p, r.kind, r.group.empty() ? "has no group" : "has group \"" + r.group + "\"",
              group.empty() ? "core" : group, ref.kind);
    }
    return "";
  }

  ArgoMode argocd_mode(const GitOps& g, const Manifest* app, const Ignores& ignores, const std::string& field) const {
    ArgoMode out;
    auto covers = [&](const std::string& p) {
      return field == p || (field.size() > p.size() && field.compare(0, p.size(), p) == 0 && field[p.size()] == '/');
    };
    for (const std::string& p : ignores.pointers)
      if (covers(p)) out.ignored = true;
    out.ignored_managers = ignores.managers;
    out.mode_vs_listed = g.rdi ? WriteMode::kOnCreate : WriteMode::kOnSync;
    const auto decide = [&out](WriteMode mode, const char* reason, std::initializer_list<Evidence> evidence) {
      out.mode = mode;
      out.reason = reason;
      out.evidence.insert(out.evidence.end(), evidence);
    };
    const std::string covers_field = "ignoreDifferences covers " + field;
    if (!g.automated)
      decide(WriteMode::kOnSync, "automated sync is off: ArgoCD applies Git's value whenever someone syncs the app",
             {ev(app, "/spec/syncPolicy", "no syncPolicy.automated")});
    else if (out.ignored)  // RespectIgnoreDifferences decides whether a sync applies the ignored field
      decide(g.rdi ? WriteMode::kOnCreate : WriteMode::kOnSync,
             g.rdi ? "in ignoreDifferences, with RespectIgnoreDifferences=true: syncs keep the live value; only "
                     "creating the object applies Git's"
                   : "ignoreDifferences hides the drift, but without RespectIgnoreDifferences=true every sync that "
                     "applies this object (a new Git revision, a manual sync, a self-heal of another field) sets "
                     "Git's value again",
             {ev(app, "/spec/ignoreDifferences", covers_field),
              g.rdi ? ev(app, "/spec/syncPolicy/syncOptions", "RespectIgnoreDifferences=true")
                    : ev(app, "/spec/syncPolicy", "no RespectIgnoreDifferences=true in syncOptions")});
    else if (g.self_heal)
      decide(WriteMode::kContinuous,
             "automated sync with selfHeal: ArgoCD puts Git's value back at its next self-heal sync, and the field "
             "is not in ignoreDifferences",
             {ev(app, "/spec/syncPolicy/automated/selfHeal", "selfHeal: true"),
              ev(app, "/spec", g.rules.empty() ? "no ignoreDifferences" : "ignoreDifferences does not cover " + field)});
    else
      decide(WriteMode::kOnSync,
             "automated sync without selfHeal: ArgoCD reports the drift and applies Git's value at the next sync (a "
             "new Git revision)",
             {ev(app, "/spec/syncPolicy/automated", "automated, selfHeal off")});
    return out;
  }

  void add_write(const ObjectRef& obj, const std::string& field, const std::string& manager, EdgeProps props,
                 std::vector<ObjectRef> config) {
    writes.push_back(Write{obj, field, manager, std::move(props), std::move(config)});
  }

  void gitops_writes() {
    for (const auto& [ref, res] : resources) {
      for (const Deploy& d : res.deploys) {
        const GitOps& g = gitops[d.gitops];
        const json& obj = d.manifest->object;
        std::string flux_ssa;
        if (g.flux) {
          flux_ssa = str_at(obj, {"metadata", "annotations", "kustomize.toolkit.fluxcd.io/ssa"});
          if (flux_ssa == "Ignore" || str_at(obj, {"metadata", "annotations", "kustomize.toolkit.fluxcd.io/reconcile"}) == "disabled")
            continue;
          if (g.suspended) {
            notes.push_back(fmt::format("{}: {} is suspended; it writes nothing", g.eff->where("/spec/suspend"), short_ref(g.ref)));
            continue;
          }
        }
        std::optional<Ignores> ignores;
        for (const std::string& f : leaf_fields(obj)) {
          const json* value = at_pointer(obj, f);
          EdgeProps p;
          p.kind = EdgeKind::kCanWrite;
          p.via = g.ref.str();
          p.values.value = value ? *value : json();
          const std::string declared_text =
              d.from_last_applied ? fmt::format("last applied {} = {}", f, describe_value(p.values.value))
                                  : fmt::format("declares {}: {}", f, describe_value(p.values.value));
          p.evidence.push_back(ev(d.manifest, f, declared_text));
          std::string manager;
          if (g.flux) {
            manager = kFluxManager;
            if (flux_ssa == "IfNotPresent") {
              p.mode = WriteMode::kOnCreate;
              p.reason = "annotated kustomize.toolkit.fluxcd.io/ssa=IfNotPresent: Flux creates the object and then leaves it";
            } else {
              p.mode = WriteMode::kContinuous;
              p.reason = fmt::format("Flux applies the manifests under {} with server-side apply and force every "
                                     "interval{}, correcting drift",
                                     g.sources[0].path.empty() ? "." : g.sources[0].path,
                                     g.interval.empty() ? "" : " (" + g.interval + ")");
            }
          } else {
            manager = kArgoManager;
            if (!ignores) ignores = ignores_for(g, obj, ref);
            ArgoMode m = argocd_mode(g, g.eff, *ignores, f);
            name_rule_that_misses(m, g, obj, ref, f);
            p.mode = m.mode;
            p.reason = m.reason;
            for (Evidence& e : m.evidence) p.evidence.push_back(std::move(e));
            p.ignored_managers = m.ignored_managers;
            p.mode_vs_listed = m.mode_vs_listed;
          }
          add_write(ref, f, manager, std::move(p), {g.ref});
        }
      }
    }
  }

  void pipeline_writes() {
    for (const Manifest& m : set.declared) {
      const ObjectRef ref = m.ref();
      for (const std::string& f : leaf_fields(m.object)) {
        const json* value = at_pointer(m.object, f);
        EdgeProps p;
        p.kind = EdgeKind::kCanWrite;
        p.via = "kubectl apply -f " + m.rel_path;
        p.mode = WriteMode::kOnSync;
        p.values.value = value ? *value : json();
        p.reason = "`kubectl apply -f` of this file (a pipeline or a person) sets every field it declares, each time it runs";
        p.evidence.push_back(ev(&m, f, fmt::format("declares {}: {}", f, describe_value(p.values.value))));
        add_write(ref, f, kKubectlManager, std::move(p), {});
      }
    }
  }

  // The desired or live version of an object, for autoscaler discovery.
  std::vector<std::pair<ObjectRef, const Manifest*>> effective_objects() const {
    std::vector<std::pair<ObjectRef, const Manifest*>> out;
    for (const auto& [ref, res] : resources)
      if (const Manifest* m = res.effective()) out.emplace_back(ref, m);
    return out;
  }

  static bool owned_by(const json& obj, const char* kind) {
    const json* owners = find(obj, {"metadata", "ownerReferences"});
    if (!owners || !owners->is_array()) return false;
    return std::any_of(owners->begin(), owners->end(), [&](const json& o) { return o.value("kind", "") == kind; });
  }

  void scaled_object_writes(const ObjectRef& so_ref, const json& so_spec, const Manifest* evidence_manifest,
                            const std::string& min_pointer, std::optional<std::int64_t> min_opt,
                            std::optional<std::int64_t> max_opt, std::optional<std::int64_t> idle,
                            const std::string& cooldown_text, const ObjectRef& target, std::vector<ObjectRef> config,
                            const std::string& hpa_name, const std::string& origin_text) {
    const std::int64_t min = min_opt.value_or(0);  // KEDA's default (RequestScale)
    const std::int64_t max = max_opt.value_or(100);
    const std::int64_t hpa_min = std::max<std::int64_t>(min, 1);
    const std::string group = so_ref.str();
    (void)so_spec;
    if (min == 0 || idle) {
      EdgeProps p;
      p.kind = EdgeKind::kCanWrite;
      p.via = so_ref.str();
      p.mode = WriteMode::kContinuous;
      p.values.fixed = false;
      p.values.idle = idle ? *idle : 0;
      p.values.lo = p.values.hi = hpa_min;
      p.group = group;
      p.reason = fmt::format("KEDA scales {} to {} when its triggers have been inactive for the cooldown ({}), and "
                             "back to {} on activity{}",
                             short_ref(target), *p.values.idle, cooldown_text, hpa_min, origin_text);
      p.evidence.push_back(ev(evidence_manifest, min_pointer,
                              min_opt ? fmt::format("minimum replicas {}", min)
                                      : "minimum replicas not set: KEDA's default is 0"));
      add_write(target, "/spec/replicas", kKedaManager, std::move(p), config);
    }
    EdgeProps h;
    h.kind = EdgeKind::kCanWrite;
    const ObjectRef hpa_ref{"HorizontalPodAutoscaler", so_ref.ns, hpa_name};
    h.via = hpa_ref.str();
    h.mode = WriteMode::kContinuous;
    h.values.fixed = false;
    h.values.lo = hpa_min;
    h.values.hi = max;
    h.group = group;
    h.reason = fmt::format("the HPA {} that KEDA creates scales {} between {} and {} on its metrics",
                           hpa_name, short_ref(target), hpa_min, max);
    h.evidence.push_back(ev(evidence_manifest, min_pointer.substr(0, min_pointer.rfind('/')),
                            fmt::format("replicas {}..{}", hpa_min, max)));
    config.push_back(hpa_ref);
    add_write(target, "/spec/replicas", kHpaManager, std::move(h), config);
    link(EdgeKind::kGenerates, object_vertex(so_ref), object_vertex(hpa_ref), "KEDA creates the HPA keda-hpa-<name>");
    link(EdgeKind::kHasField, object_vertex(target), field_vertex(target, "/spec/replicas"));
  }

  void autoscaler_writes() {
    const auto objects = effective_objects();
    std::set<ObjectRef> scaled_objects, hsos;
    for (const auto& [ref, m] : objects) {
      if (ref.kind == "ScaledObject") scaled_objects.insert(ref);
      if (ref.kind == "HTTPScaledObject") hsos.insert(ref);
    }
    for (const auto& [ref, m] : objects) {
      const json& obj = m->object;
      const json spec = obj.value("spec", json::object());
      if (ref.kind == "HorizontalPodAutoscaler") {
        // Generated by KEDA: covered by its ScaledObject.
        const std::string so = str_at(obj, {"metadata", "labels", "scaledobject.keda.sh/name"});
        if ((owned_by(obj, "ScaledObject") || !so.empty()) && scaled_objects.count(ObjectRef{"ScaledObject", ref.ns, so}))
          continue;
        const std::string kind = str_at(spec, {"scaleTargetRef", "kind"}, "Deployment");
        const std::string name = str_at(spec, {"scaleTargetRef", "name"});
        if (name.empty()) continue;
        const ObjectRef target{kind, ref.ns, name};
        EdgeProps h;
        h.kind = EdgeKind::kCanWrite;
        h.via = ref.str();
        h.mode = WriteMode::kContinuous;
        h.values.fixed = false;
        h.values.lo = int_or_numeric_string_at(spec, {"minReplicas"}).value_or(1);  // autoscaling/v2 default
        h.values.hi = int_or_numeric_string_at(spec, {"maxReplicas"}).value_or(h.values.lo);
        h.reason = fmt::format("the HPA scales {} between {} and {} on its metrics (every 15 s)", short_ref(target),
                               h.values.lo, h.values.hi);
        h.evidence.push_back(ev(m, "/spec/maxReplicas", fmt::format("minReplicas {}, maxReplicas {}", h.values.lo, h.values.hi)));
        add_write(target, "/spec/replicas", kHpaManager, std::move(h), {ref});
        link(EdgeKind::kHasField, object_vertex(target), field_vertex(target, "/spec/replicas"));
      } else if (ref.kind == "ScaledObject" && group_of(obj) == "keda.sh") {
        const json* owners = find(obj, {"metadata", "ownerReferences"});
        bool from_hso = false;
        if (owners && owners->is_array())
          for (const json& o : *owners)
            if (o.value("kind", "") == "HTTPScaledObject" && hsos.count(ObjectRef{"HTTPScaledObject", ref.ns, o.value("name", "")}))
              from_hso = true;
        if (from_hso) continue;
        const std::string pause = str_at(obj, {"metadata", "annotations", "autoscaling.keda.sh/paused"});
        const auto paused_replicas = int_or_numeric_string_at(obj, {"metadata", "annotations", "autoscaling.keda.sh/paused-replicas"});
        const std::string name = str_at(spec, {"scaleTargetRef", "name"});
        if (name.empty()) continue;
        const ObjectRef target{str_at(spec, {"scaleTargetRef", "kind"}, "Deployment"), ref.ns, name};
        if (paused_replicas) {
          EdgeProps p;
          p.kind = EdgeKind::kCanWrite;
          p.via = ref.str();
          p.mode = WriteMode::kContinuous;
          p.values.value = *paused_replicas;
          p.reason = fmt::format("autoscaling.keda.sh/paused-replicas: KEDA holds {} at {}", short_ref(target), *paused_replicas);
          p.evidence.push_back(ev(m, "/metadata/annotations/autoscaling.keda.sh~1paused-replicas", "paused-replicas"));
          add_write(target, "/spec/replicas", kKedaManager, std::move(p), {ref});
          continue;
        }
        if (pause == "true") continue;
        const auto cooldown = int_or_numeric_string_at(spec, {"cooldownPeriod"});
        const std::string hpa_name = str_at(spec, {"advanced", "horizontalPodAutoscalerConfig", "name"}, "keda-hpa-" + ref.name);
        scaled_object_writes(ref, spec, m, "/spec/minReplicaCount", int_or_numeric_string_at(spec, {"minReplicaCount"}),
                             int_or_numeric_string_at(spec, {"maxReplicaCount"}), int_or_numeric_string_at(spec, {"idleReplicaCount"}),
                             cooldown ? fmt::format("cooldownPeriod {}s", *cooldown) : "cooldownPeriod, default 300s",
                             target, {ref}, hpa_name, "");
      } else if (ref.kind == "HTTPScaledObject") {
        if (str_at(obj, {"metadata", "annotations", "httpscaledobject.keda.sh/skip-scaledobject-creation"}) == "true") continue;
        // v0.8+: scaleTargetRef.{name,kind,apiVersion}; before: scaleTargetRef.deployment.
        std::string name = str_at(spec, {"scaleTargetRef", "name"});
        if (name.empty()) name = str_at(spec, {"scaleTargetRef", "deployment"});
        if (name.empty()) continue;
        const ObjectRef target{str_at(spec, {"scaleTargetRef", "kind"}, "Deployment"), ref.ns, name};
        const ObjectRef so{"ScaledObject", ref.ns, ref.name};
        const auto period = int_or_numeric_string_at(spec, {"scaledownPeriod"});
        link(EdgeKind::kGenerates, object_vertex(ref), object_vertex(so),
             "the HTTP add-on operator creates a ScaledObject of the same name (" + std::string(kHttpOperator) + ")");
        scaled_object_writes(so, spec, m, "/spec/replicas/min", int_or_numeric_string_at(spec, {"replicas", "min"}),
                             int_or_numeric_string_at(spec, {"replicas", "max"}), std::nullopt,
                             period ? fmt::format("scaledownPeriod {}s", *period) : "scaledownPeriod unset: KEDA's 300s",
                             target, {ref, so}, "keda-hpa-" + ref.name,
                             fmt::format(" (ScaledObject generated from HTTPScaledObject {})", ref.name));
      }
    }
  }

  void app_links() {
    for (const auto& [ref, a] : apps) {
      if (a.eff) object_vertex(ref);
      if (!a.generated_by.empty())
        link(EdgeKind::kDeploys, object_vertex(parse_ref(a.generated_by)), object_vertex(ref),
             "generated by the ApplicationSet (" + std::string(kAppSetManager) + ")");
      if (a.git) link(EdgeKind::kDeclares, git_vertex(a.git->repo_url, a.git->rel_path), object_vertex(ref));
      if (!a.deployed_by.empty() || !a.generated_by.empty()) continue;
      for (const std::string& m : appliers(a)) link(EdgeKind::kAppliedBy, manager_vertex(m), object_vertex(ref), "applied by hand");
    }
  }

  // Who applied a live Application, from its managedFields (the managers of spec fields).
  static std::vector<std::string> appliers(const App& a) {
    std::vector<std::string> out;
    const Manifest* m = a.live ? a.live : a.declared;
    if (m) {
      const json* mf = find(m->object, {"metadata", "managedFields"});
      if (mf && mf->is_array())
        for (const json& e : *mf) {
          const std::string name = e.value("manager", "");
          const json* fields = find(e, {"fieldsV1", "f:spec"});
          if (!name.empty() && fields && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
        }
    }
    if (out.empty()) out.push_back(kKubectlManager);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string applied_by_text(const App& a) const {
    const Manifest* m = a.live ? a.live : a.declared;
    std::vector<std::string> parts;
    if (m) {
      const json* mf = find(m->object, {"metadata", "managedFields"});
      if (mf && mf->is_array())
        for (const json& e : *mf)
          if (find(e, {"fieldsV1", "f:spec"}))
            parts.push_back(fmt::format("{} ({}{})", e.value("manager", "?"), e.value("operation", "?"),
                                        e.contains("time") ? ", " + e.value("time", "") : ""));
      if (parts.empty() && find(m->object, {"metadata", "annotations", k8s::kLastAppliedConfigAnnotation}))
        parts.push_back("kubectl apply (it has the last-applied-configuration annotation)");
    }
    if (!m) return "it is assumed to have been applied by hand as it is in Git (no live version was given)";
    if (parts.empty()) return "it was applied by hand";
    // Managers that people use (kubectl, the ArgoCD UI/CLI) mean the object was applied by hand.
    bool by_hand = false;
    for (const std::string& p : parts)
      for (const char* person : {"kubectl", "argocd-server", "argocd "})
        if (p.rfind(person, 0) == 0) by_hand = true;
    std::string out = by_hand ? "it was applied by hand: the managedFields of its spec show " : "its spec was written by ";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out;
  }

  // --- the Boost graph ---

  void materialize(OwnershipGraphType& g, std::map<std::string, OwnershipGraphType::vertex_descriptor>& index) {
    for (const Write& w : writes) {
      manager_vertex(w.manager);
      object_vertex(w.object);
      field_vertex(w.object, w.field);
    }
    for (const auto& [id, props] : vertices) index[id] = boost::add_vertex(props, g);
    // Edges are sorted by (source, target, kind, via) as descriptors; the properties are only
    // pointed to until they are copied into the graph.
    struct E {
      std::size_t from, to;
      const EdgeProps* props;
    };
    EdgeProps has_field;
    has_field.kind = EdgeKind::kHasField;
    std::vector<E> edges;
    edges.reserve(writes.size() * 2 + links.size());
    auto id = [&](const std::string& key) {
      auto it = index.find(key);
      return it == index.end() ? static_cast<std::size_t>(-1) : it->second;
    };
    for (const Write& w : writes) {
      const std::size_t field = id("field:" + w.object.str() + "#" + w.field);
      edges.push_back(E{id("manager:" + w.manager), field, &w.props});
      edges.push_back(E{id("object:" + w.object.str()), field, &has_field});
    }
    for (const Link& l : links) edges.push_back(E{id(l.from), id(l.to), &l.props});
    std::stable_sort(edges.begin(), edges.end(), [](const E& a, const E& b) {
      if (a.from != b.from) return a.from < b.from;
      if (a.to != b.to) return a.to < b.to;
      if (a.props->kind != b.props->kind) return a.props->kind < b.props->kind;
      return a.props->via < b.props->via;
    });
    // Duplicates (the same has-field edge from several writers) collapse.
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (i > 0 && edges[i].from == edges[i - 1].from && edges[i].to == edges[i - 1].to &&
          edges[i].props->kind == edges[i - 1].props->kind && edges[i].props->via == edges[i - 1].props->via)
        continue;
      if (edges[i].from == static_cast<std::size_t>(-1) || edges[i].to == static_cast<std::size_t>(-1)) continue;
      boost::add_edge(edges[i].from, edges[i].to, *edges[i].props, g);
    }
  }
};

// --- analyses ---------------------------------------------------------------------------------------

namespace {

struct WriterRef {
  std::string manager;
  const EdgeProps* props;
  std::string key() const { return writer_key(manager, props->via); }
};

// When the two can disagree, why; nullopt when they cannot.
std::optional<std::string> disagreement(const WriterRef& a, const WriterRef& b, const std::string& field) {
  const WriteValues& x = a.props->values;
  const WriteValues& y = b.props->values;
  if (x.fixed && y.fixed) {
    if (x.value == y.value) return std::nullopt;
    return fmt::format("{} sets {} to {}, {} sets it to {}", a.manager, field, describe_value(x.value), b.manager,
                       describe_value(y.value));
  }
  if (!x.fixed && !y.fixed) {
    if (x.lo == x.hi && y.lo == y.hi && x.lo == y.lo && !x.idle && !y.idle) return std::nullopt;
    return fmt::format("both {} and {} scale {} on their own metrics", a.manager, b.manager, field);
  }
  const WriterRef& f = x.fixed ? a : b;
  const WriterRef& r = x.fixed ? b : a;
  const WriteValues& fv = f.props->values;
  const WriteValues& rv = r.props->values;
  if (!fv.value.is_number_integer()) return fmt::format("{} sets {} to {}", f.manager, field, describe_value(fv.value));
  const std::int64_t v = fv.value.get<std::int64_t>();
  std::vector<std::string> when;
  if (rv.idle && *rv.idle != v)
    when.push_back(fmt::format("when idle, {} sets {} and {} sets {}", r.manager, *rv.idle, f.manager, v));
  if (v < rv.lo)
    when.push_back(fmt::format("{} never goes below {}, {} sets {}", r.manager, rv.lo, f.manager, v));
  else if (v > rv.hi)
    when.push_back(fmt::format("{} never goes above {}, {} sets {}", r.manager, rv.hi, f.manager, v));
  else if (rv.lo != rv.hi && v == rv.lo)
    // They agree only while the load is low: the converse of the clean case where the
    // autoscaler's whole range is the one value Git declares.
    when.push_back(fmt::format("they agree on {} only while the load is low: as soon as traffic makes {} scale above "
                               "{} (it may go up to {}), {} sets it back to {}",
                               v, r.manager, v, rv.hi, f.manager, v));
  else if (rv.lo != rv.hi)
    when.push_back(fmt::format("under load, {} sets anything from {} to {} and {} sets {}", r.manager, rv.lo, rv.hi,
                               f.manager, v));
  else if (rv.lo != v)
    when.push_back(fmt::format("{} sets {} and {} sets {}", r.manager, rv.lo, f.manager, v));
  if (when.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < when.size(); ++i) out += (i ? "; " : "") + when[i];
  return out;
}

WriteMode mode_against(const WriterRef& w, const WriterRef& other) {
  const auto& listed = w.props->ignored_managers;
  if (std::find(listed.begin(), listed.end(), other.manager) != listed.end()) return w.props->mode_vs_listed;
  return w.props->mode;
}

// What the inputs say about ArgoCD's self-heal timing, which changed between releases (argo-cd
// controller/appcontroller.go selfHealRemainingBackoff): before the backoff (commit dc27102cff,
// #20275: v2.14.0, and backported to v2.13.0, v2.12.7 and v2.11.12) self-heal re-synced a fixed
// --self-heal-timeout-seconds (default 5) after the previous sync, so a field that something in the
// cluster keeps changing was reset every few seconds (argo-cd #16290, on v2.7); since, it waits 0,
// 2, 6, 18, 54, 162, then 300 s between consecutive self-heals of one revision.
struct SelfHealTiming {
  enum class Kind { kUnknown, kFixed, kBackoff };
  Kind kind = Kind::kUnknown;
  std::string version;  // "" when not known
  std::string source;   // where the version or the setting was read
  std::int64_t fixed_seconds = 5;
};

bool has_self_heal_backoff(const std::string& v) {
  auto ge = [&](const char* x) { return compare_versions(v, x) >= 0; };
  return ge("2.13.0") || (ge("2.12.7") && !ge("2.13.0")) || (ge("2.11.12") && !ge("2.12.0"));
}

// "quay.io/argoproj/argocd:v2.7.14" → "2.7.14"; "" when the tag is not a version.
std::string version_of_image(const std::string& image) {
  const auto slash = image.rfind('/');
  const auto colon = image.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "";
  std::string tag = image.substr(colon + 1);
  tag = tag.substr(0, tag.find('@'));
  if (!tag.empty() && tag[0] == 'v') tag.erase(0, 1);
  if (tag.empty() || !std::isdigit(static_cast<unsigned char>(tag[0]))) return "";
  const auto end = tag.find_first_not_of("0123456789.");
  return tag.substr(0, end);
}

SelfHealTiming self_heal_timing(const ManifestSet& set) {
  SelfHealTiming t;
  std::optional<std::int64_t> backoff_seconds, timeout_seconds;
  if (set.scenario.is_object()) {
    // A scenario always has a version profile: the one it names, else today's release.
    const json* v = find(set.scenario, {"versions", "argocd"});
    if (v && v->is_string()) {
      t.version = v->get<std::string>();
      t.source = fmt::format("versions.argocd in {}", set.scenario_file);
    } else {
      t.version = Versions().get("argocd");
      t.source = fmt::format("the default version profile of {}", set.scenario_file);
    }
    if (const json* b = find(set.scenario, {"settings", "argocd", "selfHealBackoffTimeoutSeconds"}); b && b->is_number_integer())
      backoff_seconds = b->get<std::int64_t>();
    if (const json* f = find(set.scenario, {"settings", "argocd", "selfHealTimeoutSeconds"}); f && f->is_number_integer())
      timeout_seconds = f->get<std::int64_t>();
  }
  // The controller's image tag and argocd-cmd-params-cm, when the inputs include ArgoCD itself.
  for (const auto* list : {&set.live, &set.declared, &set.git})
    for (const Manifest& m : *list) {
      const std::string kind = m.object.value("kind", "");
      const std::string name = m.ref().name;
      if ((kind == "StatefulSet" || kind == "Deployment") && name == "argocd-application-controller" && t.version.empty()) {
        const json* containers = find(m.object, {"spec", "template", "spec", "containers"});
        if (!containers || !containers->is_array()) continue;
        for (std::size_t i = 0; i < containers->size(); ++i) {
          const std::string image = str_at((*containers)[i], {"image"});
          const std::string v = version_of_image(image);
          if (v.empty()) continue;
          t.version = v;
          t.source = fmt::format("the image of {} at {}", short_ref(m.ref()),
                                 m.where(fmt::format("/spec/template/spec/containers/{}/image", i)));
          break;
        }
      }
      if (kind == "ConfigMap" && name == "argocd-cmd-params-cm") {
        auto seconds = [&](const char* key) -> std::optional<std::int64_t> {
          const std::string text = str_at(m.object, {"data", key});
          if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
          return std::stoll(text);
        };
        if (auto b = seconds("controller.self.heal.backoff.timeout.seconds")) {
          backoff_seconds = b;
          if (t.source.empty()) t.source = m.where("/data");
        }
        if (auto f = seconds("controller.self.heal.timeout.seconds")) timeout_seconds = f;
      }
    }
  const bool legacy = !t.version.empty() && !has_self_heal_backoff(t.version);
  if (legacy) {
    t.kind = SelfHealTiming::Kind::kFixed;
    t.fixed_seconds = timeout_seconds.value_or(5);
  } else if (backoff_seconds && *backoff_seconds == 0) {
    // The backoff turned off: the fixed timeout applies, default 0 in these releases.
    t.kind = SelfHealTiming::Kind::kFixed;
    t.fixed_seconds = timeout_seconds.value_or(0);
    t.source += t.version.empty() ? ", self-heal backoff off" : ", with the self-heal backoff off";
  } else if (!t.version.empty()) {
    t.kind = SelfHealTiming::Kind::kBackoff;
  }
  return t;
}

}  // namespace

OwnershipGraph::OwnershipGraph(const ManifestSet& set) {
  for (const auto* list : {&set.git, &set.live, &set.declared})
    for (const Manifest& m : *list) check_known_fields(m);
  // A first pass finds the Applications that a parent with automated sync deploys from Git:
  // their Git version replaces the live one at the parent's next sync (only needed when some
  // Application has both a live and a Git version).
  std::map<ObjectRef, std::string> converging;
  {
    std::vector<std::string> scratch;
    Impl probe(set, scratch);
    probe.read_apps();
    const bool both = std::any_of(probe.apps.begin(), probe.apps.end(),
                                  [](const auto& kv) { return kv.second.live && kv.second.git; });
    if (both) {
      probe.read_system_rules();
      probe.read_gitops();
      probe.resolve_deploys();
      for (const auto& [ref, a] : probe.apps) {
        if (!a.live || !a.git) continue;
        for (const std::string& parent : a.deployed_by) {
          auto gi = probe.gitops_index.find(parse_ref(parent));
          if (gi == probe.gitops_index.end()) continue;
          const GitOps& p = probe.gitops[gi->second];
          if ((p.flux && !p.suspended) || (!p.flux && p.automated)) {
            converging[ref] = parent;
            break;
          }
        }
      }
    }
  }
  Impl impl(set, notes_);
  impl.read_system_rules();
  impl.read_apps(converging);
  impl.read_gitops();
  impl.resolve_deploys();
  impl.gitops_writes();
  impl.pipeline_writes();
  impl.autoscaler_writes();
  impl.app_links();
  for (const auto& [ref, a] : impl.apps)
    if (a.assumed && a.deployed_by.empty() && a.generated_by.empty() && a.git)
      notes_.push_back(fmt::format("{}: {} has no live version (--live); assumed applied by hand as it is in Git",
                                   a.git->where(), short_ref(ref)));
  std::map<std::string, OwnershipGraphType::vertex_descriptor> index;
  impl.materialize(graph_, index);

  const auto& g = graph_;
  auto is_argocd_writer = [&](const WriterRef& w) { return w.manager == kArgoManager; };
  const SelfHealTiming timing = self_heal_timing(set);
  bool self_heal_fight = false;  // for the note on an unknown ArgoCD version

  // 1. Fields with two or more writers that can disagree. Pairs where one side writes only at
  //    creation are no fight; they are listed as notes so that a fix can be seen to work.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> on_create;
  for (auto v : boost::make_iterator_range(boost::vertices(g))) {
    if (g[v].kind != VertexKind::kField) continue;
    std::vector<WriterRef> writers;
    for (auto e : boost::make_iterator_range(boost::in_edges(v, g)))
      if (g[e].kind == EdgeKind::kCanWrite) writers.push_back(WriterRef{g[boost::source(e, g)].label, &g[e]});
    if (writers.size() < 2) continue;
    std::sort(writers.begin(), writers.end(), [](const WriterRef& a, const WriterRef& b) { return a.key() < b.key(); });
    const ObjectRef& object = g[v].object;
    const std::string& field = g[v].field;
    for (std::size_t i = 0; i < writers.size(); ++i)
      for (std::size_t j = i + 1; j < writers.size(); ++j) {
        WriterRef a = writers[i], b = writers[j];
        if (!a.props->group.empty() && a.props->group == b.props->group) continue;  // cooperating
        const WriteMode ma = mode_against(a, b), mb = mode_against(b, a);
        if (ma == WriteMode::kOnCreate || mb == WriteMode::kOnCreate) {
          const WriterRef& quiet = ma == WriteMode::kOnCreate ? a : b;
          const WriterRef& other = ma == WriteMode::kOnCreate ? b : a;
          const std::string& why = quiet.props->reason;
          auto& others = on_create[{object.str() + " " + field, quiet.key() + "|" + why.substr(0, why.find(": "))}];
          others.push_back(other.key());
          continue;
        }
        const auto why = disagreement(a, b, field);
        if (!why) continue;
        // The declarative writer first (a GitOps tool before a pipeline): it holds the manifest
        // line the user can change.
        auto rank = [&](const WriterRef& w) {
          return is_argocd_writer(w) ? 0 : w.manager == kFluxManager ? 1 : w.props->values.fixed ? 2 : 3;
        };
        if (rank(b) < rank(a)) std::swap(a, b);
        const bool both = ma == WriteMode::kContinuous && mb == WriteMode::kContinuous;
        Finding f;
        f.rule = both ? "field-fight" : "field-reset-on-sync";
        f.severity = find_rule(f.rule)->severity;
        f.object = object.str();
        f.field = field;
        f.writers = {a.key(), b.key()};
        std::sort(f.writers.begin(), f.writers.end());
        f.title = fmt::format("{} {}: {} and {} both write it", object.str(), field, a.key(), b.key());
        std::string msg = fmt::format("{} and {} can both write {}, and they disagree: {}.", a.key(), b.key(),
                                      field_phrase(object, field), *why);
        msg += fmt::format(" {} writes it ({}).", a.manager, a.props->reason);
        msg += fmt::format(" {} writes it ({}).", b.manager, b.props->reason);
        const bool keda_idle = (b.manager == kKedaManager && b.props->values.idle) || (a.manager == kKedaManager && a.props->values.idle);
        // ArgoCD's side reverts on its own (self-heal): how fast depends on the release.
        const bool argocd_heals = (is_argocd_writer(a) && ma == WriteMode::kContinuous) ||
                                  (is_argocd_writer(b) && mb == WriteMode::kContinuous);
        const bool fixed_heal = argocd_heals && timing.kind == SelfHealTiming::Kind::kFixed;
        self_heal_fight = self_heal_fight || argocd_heals;
        if (both && keda_idle && fixed_heal)
          msg += " Expect a fast loop while the workload is idle: KEDA scales it down, this ArgoCD (no self-heal "
                 "backoff) scales it back up within seconds, and KEDA scales it down again at its next poll "
                 "(pollingInterval: 30 s by default, 15 s for an HTTPScaledObject): a new pod every poll, many times "
                 "faster than the six-minute loop.";
        else if (both && keda_idle && argocd_heals && timing.kind == SelfHealTiming::Kind::kBackoff)
          // The period is the self-heal backoff, not KEDA's cooldown: the cooldown counts from the
          // last activity, long past, so KEDA scales each new pod away at its next poll.
          msg += " Expect a loop while the workload is idle: KEDA scales it down once it has been idle for the "
                 "cooldown, ArgoCD's self-heal scales it back up, KEDA scales the new pod away again at its next "
                 "poll (the cooldown counts from the last activity, long past), and ArgoCD's next self-heal waits "
                 "for its backoff. The loop settles at " + period_phrase(seconds(300)) + ", the self-heal backoff cap (the "
                 "six-minute loop), each pod living only seconds.";
        else if (both && keda_idle && argocd_heals)
          msg += " Expect a loop while the workload is idle: KEDA scales it down once it has been idle for the "
                 "cooldown, ArgoCD's self-heal scales it back up, and KEDA scales the new pod away again at its next "
                 "poll. How often depends on the ArgoCD release (Self-heal timing): with the self-heal backoff of "
                 "current releases the loop settles at " + period_phrase(seconds(300)) + ", the self-heal backoff "
                 "cap (the six-minute loop); without it, at every KEDA poll.";
        else if (both && keda_idle && (is_argocd_writer(a) || a.manager == kFluxManager))
          msg += " Expect a loop while the workload is idle: KEDA scales it down once it has been idle for the "
                 "cooldown, the GitOps controller scales it back up at its next sync, and KEDA scales the new pod "
                 "away again at its next poll: one cycle per resync of the GitOps controller (Flux: the "
                 "Kustomization's spec.interval).";
        else if (both)
          msg += " Each reverts the other's change: the field flips for as long as both run.";
        else
          msg += " The field is reset each time the on-sync writer applies.";
        if (fixed_heal)
          msg += fmt::format(" Self-heal timing: {} ({}) has no self-heal backoff: it re-syncs {} s after its "
                             "previous sync (--self-heal-timeout-seconds), so the resync period is seconds: each change "
                             "by the other writer is undone within seconds and the app is OutOfSync again at the next "
                             "one (argo-cd #16290; the backoff came in v2.14.0, v2.13.0, v2.12.7 and v2.11.12).",
                             timing.version.empty() ? std::string("ArgoCD") : "ArgoCD v" + timing.version,
                             timing.source, timing.fixed_seconds);
        else if (argocd_heals && timing.kind == SelfHealTiming::Kind::kBackoff)
          msg += fmt::format(" Self-heal timing: ArgoCD v{} ({}) backs off between consecutive self-heals of one "
                             "revision: 0, 2, 6, 18, 54, 162, then 300 s.",
                             timing.version, timing.source);
        f.message = msg;
        for (const WriterRef& w : {a, b})
          for (const Evidence& e : w.props->evidence) f.evidence.push_back(Evidence{e.where, w.manager + ": " + e.text});
        f.location = a.props->evidence.empty() ? "" : a.props->evidence.front().where;
        // Suggested fixes, by the kinds of writers.
        auto autoscaler = [](const WriterRef& w) { return !w.props->values.fixed; };
        const WriterRef* gitops = is_argocd_writer(a) ? &a : (a.manager == kFluxManager ? &a : nullptr);
        const WriterRef* scaler = autoscaler(b) ? &b : (autoscaler(a) ? &a : nullptr);
        const std::string decl = a.props->evidence.empty() ? "" : a.props->evidence.front().where;
        if (gitops && is_argocd_writer(*gitops) && scaler) {
          const ObjectRef app = parse_ref(gitops->props->via);
          std::string group;
          if (auto r = impl.resources.find(object); r != impl.resources.end() && r->second.effective())
            group = group_of(r->second.effective()->object);
          f.fixes.push_back(fmt::format(
              "Tell ArgoCD to leave {} to the autoscaler: in {} add ignoreDifferences "
              "[{{group: {}, kind: {}, jsonPointers: [{}]}}] and syncPolicy.syncOptions [RespectIgnoreDifferences=true] "
              "(without the sync option a sync still applies Git's value: argo-cd docs sync-options.md).",
              field, short_ref(app), group.empty() ? "\"\"" : group, object.kind, field));
          f.fixes.push_back(fmt::format("Remove {} from the manifest in Git ({}), as ArgoCD's best practices advise for "
                                        "autoscaled workloads; the first sync after that may set the default (1) once "
                                        "if the last-applied annotation still has it (argo-cd #5472).",
                                        field, decl.empty() ? "the manifest" : decl));
        } else if (gitops && scaler) {
          f.fixes.push_back(fmt::format("Remove {} from the manifest in Git ({}), or annotate the object with "
                                        "kustomize.toolkit.fluxcd.io/ssa: IfNotPresent so that Flux only creates it.",
                                        field, decl.empty() ? "the manifest" : decl));
        } else if (scaler && (a.manager == kKubectlManager || b.manager == kKubectlManager)) {
          f.fixes.push_back(fmt::format("Remove {} from the applied manifest ({}): `kubectl apply` resets it at every "
                                        "run (Kubernetes docs, HorizontalPodAutoscaler: migrating Deployments to "
                                        "horizontal autoscaling).",
                                        field, decl));
        } else if (autoscaler(a) && autoscaler(b)) {
          f.fixes.push_back("Keep one autoscaler per workload: remove the HPA or the ScaledObject (KEDA refuses to "
                            "manage a target another HPA already scales).");
        } else {
          f.fixes.push_back(fmt::format("Declare {} in one place only: remove it from all but one writer's manifests.", field));
        }
        if (scaler && scaler->manager == kKedaManager && scaler->props->values.idle && gitops && gitops->props->values.fixed &&
            gitops->props->values.value.is_number_integer() && gitops->props->values.value.get<std::int64_t>() >= 1)
          f.fixes.push_back(fmt::format("Or set the minimum replicas (replicas.min / minReplicaCount) to {}: that "
                                        "stops the idle loop, but not the fight under load.",
                                        gitops->props->values.value.get<std::int64_t>()));
        findings_.push_back(std::move(f));
      }
  }

  if (self_heal_fight && timing.kind == SelfHealTiming::Kind::kUnknown)
    notes_.push_back(
        "The ArgoCD version is not in these inputs (no argocd-application-controller image, no argocd-cmd-params-cm; "
        "a scenario names it in versions.argocd, where `kcsim import` writes today's release), and self-heal timing "
        "depends on it: releases before v2.14.0 (other "
        "than v2.13.0, v2.12.7, v2.11.12 and their later patches) re-sync a fixed 5 s after the previous sync, so a "
        "fought field is reset every few seconds (argo-cd #16290); later ones back off from 2 s up to 300 s.");

  for (const auto& [where, others] : on_create) {
    const auto bar = where.second.find('|');
    std::string list;
    for (std::size_t i = 0; i < others.size(); ++i) list += (i ? ", " : "") + others[i];
    notes_.push_back(fmt::format("{}: no fight: {} writes it only when it creates the object ({}), so it leaves it "
                                 "to {}",
                                 where.first, where.second.substr(0, bar), where.second.substr(bar + 1), list));
  }

  // 2. Applications: a source ArgoCD cannot load (the ComparisonError the run reports, said from
  //    the manifests), ...
  {
    std::vector<AppSource> sources;
    for (const GitOps& g : impl.gitops) {
      if (g.flux || g.sources.size() != 1 || g.sources[0].pointer != "/spec/source" || !g.sources[0].chart.empty())
        continue;
      const Source& s = g.sources[0];
      sources.push_back(AppSource{g.ref, g.eff, s.pointer, s.repo_url, s.path, s.revision});
    }
    for (Finding& f : check_app_sources(set, sources)) findings_.push_back(std::move(f));
  }
  // ... not deployed from Git, and live/Git differences. A fight whose ArgoCD side
  //    the Git version of its Application would remove has that as its root cause.
  for (const auto& [ref, a] : impl.apps) {
    if (!a.live && !a.declared && !a.git && !a.generated) continue;
    const bool from_git = !a.deployed_by.empty() || !a.generated_by.empty();
    const Manifest* shown = a.live ? a.live : a.declared ? a.declared : a.git;
    bool is_root = false;
    if (auto gi = impl.gitops_index.find(ref); gi != impl.gitops_index.end()) is_root = impl.gitops[gi->second].deploys_apps;
    std::vector<std::string> diffs;
    if (a.live && a.git) {
      // Compared as Go encodes them (omitempty): empty fields are "not set" on both sides.
      const json live_spec = drop_go_empty_fields(a.live->object.value("spec", json::object()));
      const json git_spec = drop_go_empty_fields(a.git->object.value("spec", json::object()));
      std::string path = "/spec";
      detail::diff_leaves(&git_spec, &live_spec, path, [&](const std::string& p, const json* in_git, const json* in_live) {
        diffs.push_back(fmt::format("{}: {} in Git, {} live", p, in_git ? describe_value(*in_git) : "absent",
                                    in_live ? describe_value(*in_live) : "absent"));
      });
    }
    if (!from_git && a.git) {
      Finding f;
      f.rule = "app-not-from-git";
      f.severity = is_root && diffs.empty() ? Severity::kNote : Severity::kWarning;
      f.object = ref.str();
      f.title = fmt::format("{} is not deployed from Git", short_ref(ref));
      f.message = fmt::format(
          "Nothing deploys {} (no Application, ApplicationSet or Flux Kustomization has it in its source), so a "
          "change to {} in Git never reaches the cluster; ArgoCD acts on the live object, and {}.{}",
          a.git->rel_path, short_ref(ref), impl.applied_by_text(a),
          is_root ? " It deploys other Applications: a bootstrap root is applied by hand once, which is fine while it "
                    "stays as in Git."
                  : "");
      f.location = a.git->where();
      f.evidence.push_back(Evidence{a.git->where(), "the Application in Git: " + a.git->rel_path});
      if (a.live) f.evidence.push_back(Evidence{a.live->where("/metadata"), "the live Application: " + impl.applied_by_text(a)});
      if (is_root && diffs.empty()) {
        f.fixes.push_back(fmt::format("Nothing to do while the live root stays as in Git. To have Git changes to "
                                      "the root applied too, re-apply it after each change (kubectl apply -n {} -f "
                                      "{}), or let it manage itself by putting its manifest under its own source "
                                      "path (ArgoCD does not refresh an app for changes to itself).",
                                      ref.ns, apply_path(*a.git)));
      } else {
        f.fixes.push_back(fmt::format("Deploy it from Git (app-of-apps): a parent Application whose source path is "
                                      "{} (declarative setup, cluster bootstrapping in the ArgoCD docs), applied once "
                                      "by hand; from then on edits in Git reach the cluster.",
                                      dir_of(a.git->rel_path).empty() ? "." : dir_of(a.git->rel_path)));
        f.fixes.push_back(fmt::format("Until then, apply it after every change: kubectl apply -n {} -f {}", ref.ns,
                                      apply_path(*a.git)));
      }
      findings_.push_back(std::move(f));
    } else if (!from_git && !a.git && (a.live || a.declared)) {
      Finding f;
      f.rule = "app-not-in-git";
      f.severity = Severity::kNote;
      f.object = ref.str();
      f.title = fmt::format("{} exists only in the cluster", short_ref(ref));
      f.message = fmt::format("{} has no version in the Git files given; {}.{}", short_ref(ref), impl.applied_by_text(a),
                              is_root ? " It deploys other Applications: a bootstrap root is applied by hand once."
                                      : "");
      f.location = shown->where();
      f.evidence.push_back(Evidence{shown->where(), "the live Application"});
      f.fixes.push_back(is_root ? "Keep the root's manifest in Git too, so that it can be reviewed and re-applied."
                                : "Keep the Application's manifest in Git and deploy it from a parent Application "
                                  "(app-of-apps).");
      findings_.push_back(std::move(f));
    }
    if (!diffs.empty()) {
      Finding f;
      f.rule = "app-spec-drift";
      f.severity = a.converging_parent.empty() ? Severity::kWarning : Severity::kNote;
      f.object = ref.str();
      f.title = fmt::format("the live {} differs from its version in Git", short_ref(ref));
      std::string list;
      for (std::size_t i = 0; i < diffs.size() && i < 12; ++i) list += (i ? "; " : "") + diffs[i];
      if (diffs.size() > 12) list += fmt::format("; and {} more", diffs.size() - 12);
      if (!a.converging_parent.empty())
        f.message = fmt::format("The live object differs from {} in Git: {}. {} deploys it with automated sync, so "
                                "its next sync applies the Git version; the analyses use that one (until then ArgoCD "
                                "acts on the live object).",
                                a.git->rel_path, list, short_ref(parse_ref(a.converging_parent)));
      else
        f.message = fmt::format("ArgoCD acts on the live object, which differs from {} in Git: {}.{}", a.git->rel_path,
                                list,
                                from_git ? fmt::format(" It is deployed by {}, whose sync is manual: the difference "
                                                       "lasts until someone syncs it.",
                                                       a.deployed_by.empty() ? a.generated_by : a.deployed_by[0])
                                         : " Nothing deploys it from Git, so the difference stays.");
      f.location = a.live->where("/spec");
      f.evidence.push_back(Evidence{a.git->where("/spec"), "the spec in Git"});
      f.evidence.push_back(Evidence{a.live->where("/spec"), "the live spec"});
      f.fixes.push_back(!a.converging_parent.empty() ? "Nothing to do: the parent's sync brings it in step; "
                                                       "`argocd app sync` of the parent does it now."
                        : from_git ? "Sync the parent Application (or turn on its automated sync)."
                                 : fmt::format("Apply the Git version (kubectl apply -n {} -f {}) and deploy it from a parent "
                                               "Application so that it stays in step.",
                                               ref.ns, apply_path(*a.git)));
      findings_.push_back(std::move(f));
    }
  }

  // Root causes: the Git version of the Application would stop ArgoCD's side of a fight.
  for (Finding& f : findings_) {
    if (f.rule != "field-fight" && f.rule != "field-reset-on-sync") continue;
    for (const std::string& w : f.writers) {
      if (w.rfind(std::string(kArgoManager) + " (", 0) != 0) continue;
      const ObjectRef app_ref = parse_ref(w.substr(std::string(kArgoManager).size() + 2, w.size() - std::string(kArgoManager).size() - 3));
      auto ait = impl.apps.find(app_ref);
      if (ait == impl.apps.end() || !ait->second.live || !ait->second.git) continue;
      const App& app = ait->second;
      auto gi = impl.gitops_index.find(app_ref);
      if (gi == impl.gitops_index.end()) continue;
      // The same Application, read from Git.
      GitOps as_in_git = impl.gitops[gi->second];
      std::string error;
      as_in_git.read_argocd_policy(app.git->object.value("spec", json::object()), error);
      const ObjectRef object = parse_ref(f.object);
      auto rit = impl.resources.find(object);
      if (rit == impl.resources.end()) continue;
      for (const Deploy& d : rit->second.deploys) {
        if (d.gitops != gi->second) continue;
        const auto git_mode = impl.argocd_mode(as_in_git, app.git, d.manifest->object, object, f.field);
        const auto live_mode = impl.argocd_mode(impl.gitops[gi->second], app.live, d.manifest->object, object, f.field);
        const bool better = (git_mode.mode == WriteMode::kOnCreate && live_mode.mode != WriteMode::kOnCreate) ||
                            (git_mode.mode == WriteMode::kOnSync && live_mode.mode == WriteMode::kContinuous);
        if (!better) continue;
        const bool from_git = !app.deployed_by.empty() || !app.generated_by.empty();
        std::string what_git_does;
        if (git_mode.mode == WriteMode::kOnCreate)
          what_git_does = fmt::format("has {} in ignoreDifferences with RespectIgnoreDifferences=true, so ArgoCD would "
                                      "leave it to the autoscaler once the object exists",
                                      f.field);
        else
          what_git_does = fmt::format("would make ArgoCD reset {} only on syncs ({})", f.field, git_mode.reason);
        f.root_cause = fmt::format(
            "The fix is already in Git but never reached the cluster. {} in Git ({}) {}. ArgoCD acts on the live "
            "Application, which lacks it: {}.",
            short_ref(app_ref), app.git->where(), what_git_does,
            from_git ? fmt::format("{} deploys it, but its sync is manual and nobody has synced it",
                                   app.deployed_by.empty() ? app.generated_by : app.deployed_by[0])
                     : fmt::format("nothing deploys {} from Git (no parent Application, ApplicationSet or Flux "
                                   "Kustomization has it in its source), and {}",
                                   app.git->rel_path, impl.applied_by_text(app)));
        f.evidence.push_back(Evidence{app.git->where("/spec/ignoreDifferences"), "the Application in Git: ignoreDifferences"});
        if (as_in_git.rdi) f.evidence.push_back(Evidence{app.git->where("/spec/syncPolicy/syncOptions"), "the Application in Git: RespectIgnoreDifferences=true"});
        f.evidence.push_back(Evidence{app.live->where("/spec"), "the live Application: " + impl.applied_by_text(app)});
        if (!from_git)
          f.fixes.insert(f.fixes.begin(),
                         fmt::format("Make the Git version reach the cluster: deploy {} from a parent Application whose "
                                     "source path is {} (app-of-apps), or at least kubectl apply -n {} -f {} now.",
                                     short_ref(app_ref), dir_of(app.git->rel_path).empty() ? "." : dir_of(app.git->rel_path),
                                     app_ref.ns, apply_path(*app.git)));
        break;
      }
      if (!f.root_cause.empty()) break;
    }
  }

  // 3. Feedback cycles: writer A → writer B when A can write a field of an object that
  //    configures B. A cycle of two or more writers is a loop with no person in it. (An
  //    Application or Flux Kustomization that deploys itself is the documented bootstrap
  //    pattern and is not reported: ArgoCD skips refreshing an app for changes to itself.)
  {
    std::map<std::string, std::size_t> wi;
    std::vector<std::vector<ObjectRef>> config;
    for (const Write& w : impl.writes) {
      const std::string k = writer_key(w.manager, w.props.via);
      if (!wi.count(k)) wi[k] = 0;
    }
    std::size_t n = 0;
    std::vector<std::string> names;
    for (auto& [k, i] : wi) i = n++, names.push_back(k);
    config.resize(n);
    std::map<ObjectRef, std::set<std::size_t>> configured_by;  // object → writers it configures
    for (const Write& w : impl.writes)
      for (const ObjectRef& c : w.config) configured_by[c].insert(wi[writer_key(w.manager, w.props.via)]);
    using Influence = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
    Influence inf(n);
    std::set<std::pair<std::size_t, std::size_t>> seen;
    std::map<std::pair<std::size_t, std::size_t>, std::string> why;
    for (const Write& w : impl.writes) {
      auto it = configured_by.find(w.object);
      if (it == configured_by.end()) continue;
      const std::size_t from = wi[writer_key(w.manager, w.props.via)];
      for (std::size_t to : it->second) {
        if (to == from) continue;
        if (seen.insert({from, to}).second) {
          boost::add_edge(from, to, inf);
          why[{from, to}] = fmt::format("{} writes {} of {}", names[from], w.field, w.object.str());
        }
      }
    }
    std::vector<int> component(n);
    const int count = n ? boost::strong_components(inf, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, inf))) : 0;
    std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < n; ++i) members[static_cast<std::size_t>(component[i])].push_back(i);
    for (const auto& m : members) {
      if (m.size() < 2) continue;
      Finding f;
      f.rule = "feedback-cycle";
      f.severity = Severity::kWarning;
      for (std::size_t i : m) f.writers.push_back(names[i]);
      std::string chain;
      for (std::size_t i : m)
        for (std::size_t j : m)
          if (why.count({i, j})) chain += (chain.empty() ? "" : "; ") + why[{i, j}];
      f.object = impl.writes.empty() ? "" : names[m[0]];
      f.title = fmt::format("a feedback cycle between {} writers", m.size());
      f.message = fmt::format("These writers change each other's configuration: {}. A change can go round without "
                              "a person in the loop.",
                              chain);
      f.fixes.push_back("Break the cycle: let one of them stop writing the other's configuration (deploy each object "
                        "from one place).");
      findings_.push_back(std::move(f));
    }
  }

  std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.object != b.object) return a.object < b.object;
    if (a.field != b.field) return a.field < b.field;
    if (a.rule != b.rule) return a.rule < b.rule;
    return a.writers < b.writers;
  });
  std::sort(notes_.begin(), notes_.end());
  notes_.erase(std::unique(notes_.begin(), notes_.end()), notes_.end());
}

OwnershipGraph::~OwnershipGraph() = default;

std::optional<OwnershipGraphType::vertex_descriptor> OwnershipGraph::vertex(const std::string& id) const {
  // Vertices were added in id order and vecS descriptors are 0..n-1 in that order: binary search.
  std::size_t lo = 0, hi = boost::num_vertices(graph_);
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (graph_[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  if (lo < boost::num_vertices(graph_) && graph_[lo].id == id) return lo;
  return std::nullopt;
}

json OwnershipGraph::graph_json() const {
  json vs = json::array(), es = json::array();
  for (auto v : boost::make_iterator_range(boost::vertices(graph_))) {
    const VertexProps& p = graph_[v];
    json j = {{"id", p.id}, {"kind", to_string(p.kind)}, {"label", p.label}};
    if (p.kind == VertexKind::kField || p.kind == VertexKind::kObject) j["object"] = p.object.str();
    if (p.kind == VertexKind::kField) j["field"] = p.field;
    vs.push_back(j);
  }
  for (auto e : boost::make_iterator_range(boost::edges(graph_))) {
    const EdgeProps& p = graph_[e];
    json j = {{"from", graph_[boost::source(e, graph_)].id}, {"to", graph_[boost::target(e, graph_)].id},
              {"kind", to_string(p.kind)}};
    if (p.kind == EdgeKind::kCanWrite) {
      j["via"] = p.via;
      j["mode"] = to_string(p.mode);
      j["values"] = p.values.to_json();
      if (!p.group.empty()) j["group"] = p.group;
      if (!p.ignored_managers.empty()) j["ignoredManagers"] = p.ignored_managers;
    }
    if (!p.reason.empty()) j["reason"] = p.reason;
    if (!p.evidence.empty()) {
      json ev = json::array();
      for (const Evidence& x : p.evidence) ev.push_back(x.to_json());
      j["evidence"] = ev;
    }
    es.push_back(j);
  }
  return {{"vertices", vs}, {"edges", es}};
}

namespace {

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string OwnershipGraph::to_dot() const {
  // Contested fields (two or more writers) and everything around them; fields with one writer are
  // left out to keep the picture readable (the JSON format has them all).
  std::set<std::string> fight_fields, fight_writers;
  for (const Finding& f : findings_)
    if (f.rule == "field-fight" || f.rule == "field-reset-on-sync") {
      fight_fields.insert("field:" + f.object + "#" + f.field);
      for (const std::string& w : f.writers) fight_writers.insert(f.object + "#" + f.field + "|" + w);
    }
  const auto& g = graph_;
  std::set<OwnershipGraphType::vertex_descriptor> shown;
  for (auto v : boost::make_iterator_range(boost::vertices(g))) {
    if (g[v].kind != VertexKind::kField) {
      shown.insert(v);
      continue;
    }
    std::size_t writers = 0;
    for (auto e : boost::make_iterator_range(boost::in_edges(v, g)))
      if (g[e].kind == EdgeKind::kCanWrite) ++writers;
    if (writers >= 2) shown.insert(v);
  }
  std::string out = "digraph kcsim_ownership {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
                    "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (auto v : shown) {
    const VertexProps& p = g[v];
    std::string attrs;
    switch (p.kind) {
      case VertexKind::kManager: attrs = "shape=box, style=filled, fillcolor=\"#e8f0fe\""; break;
      case VertexKind::kObject: attrs = "shape=ellipse"; break;
      case VertexKind::kField:
        attrs = fight_fields.count(p.id) ? "shape=note, color=red, fontcolor=red, penwidth=2" : "shape=note";
        break;
      case VertexKind::kGitPath: attrs = "shape=folder, color=\"#666666\""; break;
    }
    const std::string label = p.kind == VertexKind::kField ? p.object.str() + "\n" + p.field
                              : p.kind == VertexKind::kGitPath ? "git: " + p.label
                                                                : p.label;
    out += fmt::format("  \"{}\" [label=\"{}\", {}];\n", dot_escape(p.id), dot_escape(label), attrs);
  }
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto s = boost::source(e, g), t = boost::target(e, g);
    if (!shown.count(s) || !shown.count(t)) continue;
    const EdgeProps& p = g[e];
    std::string label = to_string(p.kind);
    std::string attrs;
    if (p.kind == EdgeKind::kCanWrite) {
      label = fmt::format("{}\\n{}, {}", dot_escape(p.via), to_string(p.mode), dot_escape(p.values.describe()));
      const std::string key = g[t].object.str() + "#" + g[t].field + "|" + writer_key(g[s].label, p.via);
      attrs = fight_writers.count(key) ? ", color=red, fontcolor=red, penwidth=2" : "";
    } else if (p.kind == EdgeKind::kAppliedBy) {
      attrs = ", style=dashed, color=orange, fontcolor=orange";
    } else if (p.kind == EdgeKind::kHasField) {
      attrs = ", style=dotted, arrowhead=none";
      label.clear();
    }
    out += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\"{}];\n", dot_escape(g[s].id), dot_escape(g[t].id),
                       p.kind == EdgeKind::kCanWrite ? label : dot_escape(label), attrs);
  }
  out += "}\n";
  return out;
}

}  // namespace kcsim
