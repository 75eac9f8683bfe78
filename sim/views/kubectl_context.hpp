// What the `kcsim kubectl` verbs share (private to sim/views): the instant a command runs at
// (Ctx), its flag parser, the resource table kubectl's discovery would give, and the JSON and
// time helpers every printer uses. The verbs live one concern per file: get and the tables in
// kubectl_view.cpp, `get -w` in kubectl_watch.cpp, describe in kubectl_describe*.cpp, rollout
// history in kubectl_rollout.cpp, logs in kubectl_logs.cpp, `kubectl events` in kubectl_events.cpp; `argocd app get` in
// kubectl_view.cpp, `argocd app history` and `app resources` in argocd_app_history.cpp, `argocd app diff` and
// `app manifests` in argocd_app_diff.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster_objects.hpp"
#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/apiserver/resource_metrics.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/core/time.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "kcsim/views/simulator_annotations.hpp"

namespace kcsim {
class GitService;  // models/git/git_repository.hpp
}

namespace kcsim::kubectl_detail {

// --- JSON (kubectl_view.cpp) ---
const json* at(const json& o, std::initializer_list<std::string_view> path);
std::string str(const json& o, std::initializer_list<std::string_view> path, std::string def = "");
std::int64_t integer(const json& o, std::initializer_list<std::string_view> path, std::int64_t def = 0);
bool boolean(const json& o, std::initializer_list<std::string_view> path, bool def = false);
const json& empty_array();
const json& array_at(const json& o, std::initializer_list<std::string_view> path);
std::string name_of(const json& o);
std::string namespace_of(const json& o);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::vector<std::string> split(const std::string& s, char sep);
/// fmt.Sprint (%v) of a decoded JSON value: "<nil>", true, 3, map[a:b], [x y].
std::string go_sprint(const json& v);
/// A quantity as stored ("500m", "128Mi"); numbers as Go prints them.
std::string quantity_str(const json* v);
/// resource.ParseQuantity, as a double in base units (cores, bytes).
std::optional<double> parse_quantity(const json* v);

// --- time (kubectl_view.cpp) ---
/// Unix microseconds of "2026-01-01T12:00:00Z" or "2026-01-01T12:00:00.000100Z".
std::optional<std::int64_t> unix_us(const json* v);
/// Go's time.RFC1123Z in UTC: "Thu, 01 Jan 2026 12:00:05 +0000".
std::string rfc1123z(std::int64_t unix_seconds);
/// Go's time.Time.String() in UTC: "2026-01-01 12:00:05 +0000 UTC"; "<nil>" without a time.
std::string go_time_string(const json* ts);

/// The instant a kubectl command runs at, and what it reads.
struct Ctx {
  const ApiServer& api;
  const Versions& versions;
  std::int64_t now_us;  // the instant, in Unix microseconds
  const json* kubelet_settings = nullptr;  // settings.kubelet, for the startup log lines of `logs`
  bool hide_simulator_annotations = false;  // training exercises: no kcsim.io/* annotations shown
  const ClusterObjects* cluster = nullptr;  // what `get` reads: the store and the derived kinds
  const ResourceMetricsApi* pod_metrics = nullptr;  // metrics-server's API, in a run with one (top)
  const GitService* git = nullptr;  // the repositories, in a run with a git model (argocd app diff, manifests)
  const json* argocd_settings = nullptr;  // settings.argocd (tracking method, resource customizations)

  // translateTimestampSince: "<unknown>" for a missing time, else duration.HumanDuration.
  std::string since(const json* ts) const {
    const auto t = unix_us(ts);
    if (!t) return "<unknown>";
    return format_age(Duration{now_us - *t});
  }
  Duration age(const json* ts) const {
    const auto t = unix_us(ts);
    return t ? Duration{now_us - *t} : Duration{0};
  }
  int k8s_minor() const {
    const std::vector<std::string> parts = split(versions.get("kubernetes"), '.');
    try {
      return parts.size() > 1 ? std::stoi(parts[1]) : 32;
    } catch (...) {
      return 32;
    }
  }
};

// --- printed objects (simulator_annotations.cpp) ---
using kcsim::without_simulator_annotations;  // training exercises

// --- label selectors (kubectl_view.cpp) ---
struct Requirement {
  std::string key;
  enum Op { kEq, kNotEq, kExists, kNotExists, kIn, kNotIn } op = kEq;
  std::vector<std::string> values;
};
/// k8s.io/apimachinery labels.Parse: "a=b,c!=d,e,!f,g in (x,y),h notin (z)".
std::vector<Requirement> parse_selector(const std::string& text);
bool selector_matches(const std::vector<Requirement>& reqs, const json* labels);

// --- resources (kubectl_view.cpp) ---
struct Resource {
  std::string kind;
  std::string api_version;
  std::string plural;
  std::string singular;
  std::vector<std::string> short_names;
  bool namespaced = true;

  std::string group() const { return api_group(api_version); }
  /// "deployments.apps", "pods": kubectl's resource name in messages.
  std::string qualified() const { return group().empty() ? plural : plural + "." + group(); }
  /// "deployment.apps", "pod": the prefix of `-o name` and of names when several kinds print.
  std::string kind_prefix() const { return group().empty() ? lower(kind) : lower(kind) + "." + group(); }
};
/// A resource as kubectl resolves a type token: plural, singular, kind or short name, optionally
/// with its group ("deployments.apps"); the kinds kcsim knows, then every kind ever stored.
std::optional<Resource> resolve_resource(const ApiServer& api, const std::string& token);
/// `Error from server (NotFound): deployments.apps "x" not found` and its newline.
std::string not_found(const Resource& res, const std::string& name);
/// `No resources found in NS namespace.` (or `No resources found` with -A) and its newline.
std::string no_resources(bool all_namespaces, const std::string& ns);

// --- printed objects and tables (kubectl_view.cpp) ---
/// An object as kubectl receives it: managedFields dropped unless asked for, kcsim.io/*
/// annotations dropped in training exercises.
json as_printed(const Ctx& ctx, const json& obj, bool show_managed_fields);
/// labels.FormatLabels: sorted "k=v,k2=v2" or "<none>" (the LABELS column of --show-labels).
std::string format_labels(const json* labels);
/// Field selectors: "status.phase=Running,involvedObject.name!=x" on any dotted path.
bool field_selector_matches(const std::string& text, const json& obj);
/// Whether `obj` belongs to `r`'s API group (a Flux Kustomization is not a kustomize one).
bool same_group(const json& obj, const Resource& r);

struct Column {
  std::string header;  // as printed (upper case)
  bool wide = false;   // priority > 0: only with -o wide
};
/// The server-side table of a resource: its columns and the cells of one object, at ctx.now_us
/// when the row is computed (the lambda keeps a reference to `ctx`).
struct Table {
  std::vector<Column> columns;
  std::function<std::vector<std::string>(const json&)> row;
};
Table table_for(const Ctx& ctx, const Resource& res);

// --- argument parsing (kubectl_view.cpp) ---
struct FlagSpec {
  std::string long_name;
  char short_name;
  bool takes_value;
};
struct Parsed {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // long name → value ("true" for booleans)
  bool has(const std::string& f) const { return values.count(f) != 0; }
  std::string get(const std::string& f, const std::string& def = "") const {
    auto it = values.find(f);
    return it == values.end() ? def : it->second;
  }
  bool flag(const std::string& f) const {
    auto it = values.find(f);
    return it != values.end() && it->second != "false";
  }
};
/// Flags as cobra/pflag read them (`-n x`, `-nx`, `--namespace=x`, `--namespace x`); an unknown
/// flag is a KubectlUsageError naming `command`.
Parsed parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs, std::string_view command);

/// The verb of a kubectl command line (the first argument that is neither a flag nor a flag's
/// value, after a leading "kubectl") and the other arguments; throws KubectlUsageError when none.
std::pair<std::string, std::vector<std::string>> split_verb(std::vector<std::string> args);

/// kubectl get's flags (run_get and the watch share them).
const std::vector<FlagSpec>& get_flag_specs();

/// One resource type of `kubectl get` and the names asked for (none: every object).
struct Request {
  Resource res;
  std::vector<std::string> names;
};
/// kubectl get's TYPE[,TYPE] [NAME...] or TYPE/NAME... (`all` expanded). On kubectl's errors
/// (unknown type, mixed forms) writes its message and status to `result` and returns nothing.
std::optional<std::vector<Request>> resolve_requests(const Ctx& ctx, const std::vector<std::string>& positional,
                                                     KubectlResult& result);

// --- the verbs, one file each ---
KubectlResult run_describe(const Ctx& ctx, const std::vector<std::string>& args);  // kubectl_describe.cpp
KubectlResult run_rollout(const Ctx& ctx, const std::vector<std::string>& args);   // kubectl_rollout.cpp
KubectlResult run_logs(const Ctx& ctx, const std::vector<std::string>& args);      // kubectl_logs.cpp
/// `argocd app history|resources ...` (args from "app"); argocd_app_history.cpp.
KubectlResult run_argocd_app_lists(const Ctx& ctx, const std::vector<std::string>& args);
/// `argocd app diff|manifests ...` (args from "app"); argocd_app_diff.cpp.
KubectlResult run_argocd_app_diff(const Ctx& ctx, const std::vector<std::string>& args);

}  // namespace kcsim::kubectl_detail
