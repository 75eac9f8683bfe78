// What kubectl (and `argocd app get`) would print at one simulated instant, rendered from the API
// server's objects: `kcsim kubectl SCENARIO --at T -- get pods` (docs/cli.md, "kcsim kubectl").
//
// Layouts follow kubectl's own printers (k8s.io/kubernetes pkg/printers/internalversion,
// k8s.io/kubectl pkg/describe and pkg/metricsutil, cli-runtime's tabwriter settings), the CRDs'
// additionalPrinterColumns (KEDA, the KEDA HTTP add-on, Argo CD) and Argo CD's CLI
// (cmd/argocd/commands/app.go); ages are relative to the instant, as kubectl's are to now.
// Where a layout changed between releases, the versions the scenario declares choose it.
#pragma once

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
};

/// Runs one kubectl command line against the API server's state at its current instant.
/// `args` are kubectl's arguments without the program name ({"get", "pods", "-n", "prod"});
/// a leading "kubectl" is ignored, and a leading "argocd" runs `argocd app get NAME`. Verbs:
/// get, describe pod, top pod, logs POD, events.
/// Throws KubectlUsageError for flags or commands it does not support.
/// `kubelet_settings` (settings.kubelet) gives `logs` the startup lines images declare; without
/// it `logs` prints no line. `hide_simulator_annotations` (training exercises) leaves the
/// kcsim.io/* annotations that configure the simulation out of -o yaml/json and describe.
KubectlResult kubectl_exec(const ApiServer& api, const Versions& versions, const std::vector<std::string>& args,
                           const json* kubelet_settings = nullptr, bool hide_simulator_annotations = false);
KubectlResult kubectl_exec(const World& world, const std::vector<std::string>& args, bool hide_simulator_annotations = false);

/// The text a terminal would show (standard output, then standard error). Throws
/// KubectlUsageError like kubectl_exec.
std::string kubectl_view(const World& world, const std::vector<std::string>& args);

/// Go's text/tabwriter with a space pad character and no flags: cells are tab-terminated, the
/// text after a line's last tab is not part of any column, and a column is aligned only over the
/// consecutive lines that have a cell in it (a "column block"). kubectl uses (6, 4, 3) for tables
/// (cli-runtime printers.GetNewTabWriter) and (0, 8, 2) for `describe`; argocd uses (0, 0, 2).
std::string go_tabwriter(std::string_view text, int minwidth, int padding);

}  // namespace kcsim
