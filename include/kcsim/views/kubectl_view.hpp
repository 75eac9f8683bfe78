// What kubectl (and `argocd app get`) would print at one simulated instant, rendered from the API
// server's objects: `kcsim kubectl SCENARIO --at T -- get pods` (docs/cli.md, "kcsim kubectl").
//
// Layouts follow kubectl's own printers (k8s.io/kubernetes pkg/printers/internalversion,
// k8s.io/kubectl pkg/describe and pkg/metricsutil, cli-runtime's tabwriter settings), the CRDs'
// additionalPrinterColumns (KEDA, the KEDA HTTP add-on, Argo CD) and Argo CD's CLI
// (cmd/argocd/commands/app.go); ages are relative to the instant, as kubectl's are to now.
// Where a layout changed between releases, the versions the scenario declares choose it.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace kcsim {

class World;

/// A command line kcsim cannot interpret (unknown flag, missing argument, unsupported command):
/// the CLI reports it with exit status 2. kubectl's own errors (NotFound, unknown resource type)
/// are not thrown: they come back in KubectlResult with kubectl's text and status.
class KubectlUsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a kubectl invocation printed: standard output, standard error and the exit status
/// (0, or 1 for kubectl's errors such as `Error from server (NotFound): pods "x" not found`;
/// `argocd` exits 20 on its errors).
struct KubectlResult {
  std::string out;
  std::string err;
  int status = 0;

  /// kubectl's way out on an error: the message after what stderr already holds, and the status.
  KubectlResult& fail(const std::string& message, int exit_status = 1) {
    err += message;
    status = exit_status;
    return *this;
  }
};

/// Runs one kubectl command line against the API server's state at its current instant.
/// `args` are kubectl's arguments without the program name ({"get", "pods", "-n", "prod"});
/// a leading "kubectl" is ignored, and a leading "argocd" runs `argocd app
/// get|history|resources|diff|manifests NAME`. Verbs: get, describe (pods, deployments,
/// replicasets, hpa, custom resources), top pod, logs POD|TYPE/NAME, rollout history, events.
/// `argocd app diff` and `manifests` read the Git manifests through the World's Git service:
/// given only an API server they see none.
/// Throws KubectlUsageError for flags or commands it does not support.
/// `kubelet_settings` (settings.kubelet) gives `logs` the startup lines images declare; without
/// it `logs` prints no line. `hide_simulator_annotations` (training exercises) leaves the
/// kcsim.io/* annotations that configure the simulation out of -o yaml/json and describe.
KubectlResult kubectl_exec(const ApiServer& api, const Versions& versions, const std::vector<std::string>& args,
                           const json* kubelet_settings = nullptr, bool hide_simulator_annotations = false);
KubectlResult kubectl_exec(const World& world, const std::vector<std::string>& args, bool hide_simulator_annotations = false);

/// `kubectl get -w` (--watch), `--watch-only` and `--output-watch-events` over a stretch of the
/// run (sim/views/kubectl_watch.cpp): prints, at the world's current instant, the list kubectl
/// prints first (not with --watch-only), watches the API server, calls `run_to_end` (which runs
/// the world to the instant the watch ends, as `kcsim kubectl --until` does), and prints a line
/// per watch event on the matching objects, as kubectl 1.32 prints them, each at its instant.
/// Returns nothing, and runs nothing, when `args` are not a `get` with --watch or --watch-only.
/// Throws KubectlUsageError like kubectl_exec (an output or a kind the watch does not support).
std::optional<KubectlResult> kubectl_watch(World& world, const std::vector<std::string>& args,
                                           const std::function<void()>& run_to_end,
                                           bool hide_simulator_annotations = false);

/// One column of the table `kubectl get` prints (a meta.k8s.io/v1 TableColumnDefinition as the API
/// server's printers declare it).
struct KubectlTableColumn {
  std::string header;        // as kubectl prints it (upper case)
  bool wide = false;         // priority 1: only with -o wide
  bool name_format = false;  // format "name": prefixed "kind.group/" when kubectl prints several kinds
};

/// The server-side table of objects of one resource: what `kubectl get` asks the API server for
/// (`as=Table`) and prints. Every column, wide ones included; no NAMESPACE or LABELS column
/// (kubectl adds those from each row's object). Cells as kcsim kubectl prints them.
struct KubectlTable {
  std::vector<KubectlTableColumn> columns;
  std::vector<std::vector<std::string>> rows;  // one per object, in the order given
};

/// The table of `objects`, all of kind `kind` in API group/version `api_version`, at the API
/// server's current instant: the same printers `kcsim kubectl get` uses (kcsim serve's Tables).
KubectlTable kubectl_table(const ApiServer& api, const Versions& versions, const std::string& kind,
                           const std::string& api_version, const std::vector<ObjectPtr>& objects);

/// Whether `labels` (an object, or null) satisfy a label selector in its text form, as labels.Parse
/// reads it ("a=b,c!=d,e,!f,g in (x,y),h notin (z)"). Throws KubectlUsageError when it does not parse.
bool label_selector_text_matches(const std::string& selector, const json* labels);

/// The text a terminal would show (standard output, then standard error). Throws
/// KubectlUsageError like kubectl_exec.
std::string kubectl_view(const World& world, const std::vector<std::string>& args);

/// Go's text/tabwriter with a space pad character and no flags: cells are tab-terminated, the
/// text after a line's last tab is not part of any column, and a column is aligned only over the
/// consecutive lines that have a cell in it (a "column block"). kubectl uses (6, 4, 3) for tables
/// (cli-runtime printers.GetNewTabWriter) and (0, 8, 2) for `describe`; argocd uses (0, 0, 2).
std::string go_tabwriter(std::string_view text, int minwidth, int padding);

}  // namespace kcsim
