// kcsim exercise list|start|kubectl|git|hint|check: training on simulated incidents
// (docs/exercises.md, docs/cli.md "kcsim exercise").
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "serve_world.hpp"
#include "kcsim/cli/exercise_library.hpp"
#include "kcsim/cli/exercise_check.hpp"
#include "kcsim/views/git_view.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/serve/kubeconfig.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kExerciseUsage = R"(Usage: kcsim exercise COMMAND NAME [options]

Training on simulated incidents: the trainee gets a symptom (not the configuration), looks at the
cluster at one instant with the commands they would use on a real one, and names the cause, the
writers, the field and the fix. NAME is a bundled exercise (see `list`) or an exercise file.

Commands:
  list                           the bundled exercises, with difficulty and expected time
  start NAME                     the symptom, the instant, the commands you may run
  start NAME --serve [--port N] [--kubeconfig FILE]
                                 the same, then serves the cluster at that instant to the real
                                 kubectl, read-only, the simulator's kcsim.io/* annotations
                                 hidden, until SIGINT (Ctrl-C) or SIGTERM
  kubectl NAME -- ARGS...        kubectl (or `argocd app get APP`) at the exercise's instant:
                                 get, describe pod, top pod, logs POD [-p] [--timestamps]
  git NAME -- ARGS...            the Git repository at that instant: log [--oneline],
                                 ls-files, show REV:PATH (compare with the live Application)
  hint NAME [--next|--hint N|--reset]
                                 the hints released so far; --next releases one more
                                 (state in $XDG_STATE_HOME/kcsim, else ~/.local/state/kcsim)
  check NAME [--answer FILE]     score an answer (JSON or YAML: cause, writers, field, fix) and
                                 explain the evidence; without --answer, prompts on a terminal

With --serve, the trainee investigates with their own kubectl (see docs/exercises.md):

  kcsim exercise start oom-crashloop --serve &
  KUBECONFIG=kcsim.kubeconfig kubectl get pods -A

The kubeconfig (mode 0600) holds the server's bearer token, new at each start; the server answers
nothing without it (401 Unauthorized).

Exit status: 0 (check: whatever the score; start --serve: after SIGINT or SIGTERM); 1 for
kubectl's own errors (NotFound), git's 128; 2 bad input or usage (a command the exercise does not
allow, a malformed answer file, a --kubeconfig kcsim did not write).

Options)";

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::unique_ptr<World> run_to_instant(const Exercise& ex) {
  Scenario scenario = exercise_scenario(ex);
  RunLimits limits;
  auto world = std::make_unique<World>(std::move(scenario), limits);
  if (world->run(SimTime{ex.at}) == StopReason::kEventLimit)
    throw std::runtime_error(fmt::format("{}: the run stopped at the event limit ({} events)", ex.file, limits.max_events));
  return world;
}

// "kubectl get pods" → how the trainee types it here.
std::string how_to_run(const Exercise& ex, const std::string& allowed) {
  if (allowed.rfind("kubectl ", 0) == 0) return fmt::format("kcsim exercise kubectl {} -- {} ...", ex.name, allowed.substr(8));
  if (allowed.rfind("argocd ", 0) == 0) return fmt::format("kcsim exercise kubectl {} -- {} APP", ex.name, allowed);
  if (allowed == "git show") return fmt::format("kcsim exercise git {} -- show HEAD:PATH", ex.name);
  return fmt::format("kcsim exercise git {} -- {}", ex.name, allowed.substr(4));
}

int list() {
  std::vector<Exercise> all;
  for (const std::string& n : bundled_exercise_names()) all.push_back(load_exercise(n));
  std::size_t w = 4;
  for (const Exercise& e : all) w = std::max(w, e.name.size());
  std::cout << fmt::format("{:<{}}   {:<10}   {:<7}   {}\n", "NAME", w, "DIFFICULTY", "MINUTES", "TITLE");
  for (const Exercise& e : all)
    std::cout << fmt::format("{:<{}}   {:<10}   {:<7}   {}\n", e.name, w, e.difficulty, e.minutes, e.title);
  return 0;
}

int start(const Exercise& ex) {
  const Scenario sc = exercise_scenario(ex);
  std::cout << fmt::format("Exercise {}: {}\nDifficulty: {}, about {} minutes.\n\n", ex.name, ex.title, ex.difficulty, ex.minutes);
  std::cout << "Symptom:\n";
  std::istringstream words(ex.symptom);
  std::string line;
  for (std::string w; words >> w;) {
    if (!line.empty() && line.size() + w.size() > 92) {
      std::cout << "  " << line << "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) std::cout << "  " << line << "\n";
  std::cout << fmt::format("\nYou investigate at {}: every command shows the cluster as it is at that instant.\n\n",
                           sc.epoch.rfc3339(SimTime{ex.at}));
  std::cout << "You may run:\n";
  for (const std::string& a : ex.allowed) std::cout << "  " << how_to_run(ex, a) << "\n";
  std::cout << fmt::format("\nHints, one at a time: kcsim exercise hint {} --next ({} available)\n", ex.name, ex.hints.size());
  std::string causes;
  for (const CauseInfo& c : exercise_causes()) causes += (causes.empty() ? "" : ", ") + std::string(c.id);
  std::cout << fmt::format("When you know: kcsim exercise check {} --answer answer.yaml, with\n"
                           "  cause: one of {}\n"
                           "  writers: the field managers that write the disputed field (none for a crash)\n"
                           "  field: the disputed field (e.g. spec.replicas)\n"
                           "  fix: what you would change, in a sentence\n",
                           ex.name, causes);
  return 0;
}

// start --serve: the briefing, then the world `exercise kubectl` reads, served to the real kubectl
// as `kcsim serve` serves a scenario, but frozen (no time control: the exercise is one instant),
// read-only, with the kcsim.io/* annotations hidden as `exercise kubectl` hides them, and named
// by the exercise, never by its scenario file (both would give the cause away).
int start_serving(const Exercise& ex, unsigned short port, const std::string& kubeconfig) {
  // Checked before the briefing and the run: a refusal should cost neither.
  if (const auto refusal = serve_kubeconfig_refusal(kubeconfig)) {
    std::cerr << "kcsim: " << *refusal << "\n";
    return 2;
  }
  start(ex);
  std::cout << "\n" << std::flush;
  const auto world = run_to_instant(ex);
  ServeWorldOptions options;
  options.what = "exercise " + ex.name;
  options.port = port;
  options.kubeconfig = kubeconfig;
  options.time_control = false;
  options.hide_simulator_annotations = true;
  options.read_only_reason = "a training exercise is served read-only";
  serve_world(*world, ex.at, options);
  return 0;
}

int run_tool(const Exercise& ex, const std::string& tool, const std::vector<std::string>& tool_args) {
  if (tool_args.empty())
    return usage_error(fmt::format("exercise {} needs the command after \"--\" (for example: {})", tool,
                                   tool == "git" ? "-- log --oneline" : "-- get pods"));
  std::string why_not;
  if (!exercise_allows(ex, tool, tool_args, why_not))
    return usage_error(fmt::format("exercise {}: `{} {}` is not supported in this exercise; {}", ex.name, tool, join(tool_args, " "), why_not));
  const auto world = run_to_instant(ex);
  if (tool == "git") {
    GitViewResult r;
    try {
      r = git_view(*world, tool_args);
    } catch (const std::invalid_argument& e) {
      return usage_error(e.what());
    }
    std::cout << r.out << std::flush;
    std::cerr << r.err;
    return r.status;
  }
  KubectlResult r;
  try {
    r = kubectl_exec(*world, tool_args, true);
  } catch (const KubectlUsageError& e) {
    return usage_error(fmt::format("kubectl: {}", e.what()));
  }
  std::cout << r.out << std::flush;
  std::cerr << r.err;
  return r.status;
}

std::filesystem::path hint_state_file(const Exercise& ex) {
  std::filesystem::path dir;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) dir = std::filesystem::path(x) / "kcsim";
  else if (const char* h = std::getenv("HOME"); h && *h) dir = std::filesystem::path(h) / ".local" / "state" / "kcsim";
  else dir = ".kcsim-state";
  return dir / "exercise-hints" / ex.name;
}

int hint(const Exercise& ex, bool next, int only, bool reset) {
  if (only > 0) {
    if (static_cast<std::size_t>(only) > ex.hints.size())
      return usage_error(fmt::format("exercise {} has {} hints; --hint {} does not exist", ex.name, ex.hints.size(), only));
    std::cout << fmt::format("Hint {} of {}: {}\n", only, ex.hints.size(), ex.hints[static_cast<std::size_t>(only) - 1]);
    return 0;
  }
  const std::filesystem::path file = hint_state_file(ex);
  std::error_code ec;
  if (reset) {
    std::filesystem::remove(file, ec);
    std::cout << fmt::format("The hints of {} are hidden again.\n", ex.name);
    return 0;
  }
  std::size_t shown = 0;
  if (std::ifstream in(file); in) in >> shown;
  const bool first = shown == 0;
  if (first || next) shown = std::min(ex.hints.size(), shown + 1);
  std::filesystem::create_directories(file.parent_path(), ec);
  if (std::ofstream out(file, std::ios::trunc); out) out << shown << "\n";
  for (std::size_t i = 0; i < shown; ++i) std::cout << fmt::format("Hint {} of {}: {}\n", i + 1, ex.hints.size(), ex.hints[i]);
  if (next && !first && shown == ex.hints.size()) std::cout << "(that was the last hint)\n";
  else if (shown < ex.hints.size()) std::cout << fmt::format("More: kcsim exercise hint {} --next\n", ex.name);
  return 0;
}

ExerciseAnswer prompt_answer() {
  ExerciseAnswer a;
  auto ask = [](const std::string& question) {
    std::cout << question << std::flush;
    std::string line;
    std::getline(std::cin, line);
    return line;
  };
  std::cout << "Causes:\n";
  for (const CauseInfo& c : exercise_causes()) std::cout << fmt::format("  {:<28} {}\n", c.id, c.meaning);
  for (;;) {
    a.cause = ask("Cause: ");
    if (!normalize_cause(a.cause).empty() || !std::cin) break;
    std::cout << "  (one of the causes above, please)\n";
  }
  std::string writers = ask("Writers of the disputed field (comma-separated field managers, empty if none): ");
  std::string cur;
  for (char c : writers + ",") {
    if (c == ',') {
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      while (!cur.empty() && cur.front() == ' ') cur.erase(0, 1);
      if (!cur.empty()) a.writers.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  a.field = ask("Field (e.g. spec.replicas): ");
  a.fix = ask("Fix (one sentence): ");
  std::cout << "\n";
  return a;
}

int check(const Exercise& ex, const std::string& answer_file) {
  ExerciseAnswer answer;
  if (!answer_file.empty()) answer = read_answer_file(answer_file);
  else if (isatty(STDIN_FILENO)) answer = prompt_answer();
  else return usage_error("exercise check needs --answer FILE (JSON or YAML: cause, writers, field, fix), or a terminal to ask on");
  const ExerciseScore score = score_answer(ex, answer);
  const auto world = run_to_instant(ex);
  std::cout << check_feedback(ex, answer, score, *world);
  return 0;
}

}  // namespace

int exercise(const std::vector<std::string>& args) {
  const DashDashSplit split = split_at_dashdash(args);

  po::options_description opts(kExerciseUsage);
  std::string answer;
  int only = 0;
  std::string kubeconfig = "kcsim.kubeconfig";
  Natural port;
  opts.add_options()
      ("help,h", "show this help")
      ("answer", po::value(&answer), "check: the answer file (JSON or YAML; - for standard input)")
      ("next", "hint: release the next hint")
      ("hint", po::value(&only), "hint: show hint N only (keeps no state)")
      ("reset", "hint: hide the hints again")
      ("serve", "start: then serve the cluster to the real kubectl (read-only) until SIGINT or SIGTERM")
      ("port", po::value(&port), "start --serve: the TCP port on 127.0.0.1 (default 0: a free port)")
      ("kubeconfig", po::value(&kubeconfig), "start --serve: the kubeconfig to write (default ./kcsim.kubeconfig)");
  po::options_description hidden;
  hidden.add_options()("command", po::value<std::string>())("name", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("command", 1).add("name", 1);
  po::variables_map vm;
  if (const auto status =
          parse_command_line(split.own, opts, hidden, pos, vm, "exercise: {} (kubectl's and git's own arguments go after \"--\")"))
    return *status;
  if (!vm.count("command")) {
    std::cout << opts << "\n";
    return 2;
  }
  const std::string command = vm["command"].as<std::string>();
  if (command == "list") return vm.count("name") ? usage_error("exercise list takes no NAME") : list();
  if (command != "start" && command != "kubectl" && command != "git" && command != "hint" && command != "check")
    return usage_error(fmt::format("unknown exercise command \"{}\" (list, start, kubectl, git, hint, check)", command));
  if (!vm.count("name")) return usage_error(fmt::format("exercise {} needs the NAME of an exercise (see kcsim exercise list)", command));
  if ((command == "kubectl" || command == "git") != split.has_dashdash)
    return usage_error(command == "kubectl" || command == "git"
                           ? fmt::format("exercise {} needs the command after \"--\"", command)
                           : fmt::format("exercise {} takes no \"--\" arguments", command));
  const bool serve = vm.count("serve") > 0;
  if (serve && command != "start") return usage_error(fmt::format("--serve is an option of exercise start, not of exercise {}", command));
  for (const char* option : {"port", "kubeconfig"})
    if (vm.count(option) && !serve) return usage_error(fmt::format("--{} needs exercise start --serve", option));
  if (port.value > 65535) return usage_error(fmt::format("--port {} is not a TCP port (0 to 65535)", port.value));
  if (kubeconfig.empty() || kubeconfig == "-") return usage_error("--kubeconfig needs a file name");
  const Exercise ex = load_exercise(vm["name"].as<std::string>());
  if (command == "start")
    return serve ? start_serving(ex, static_cast<unsigned short>(port.value), kubeconfig) : start(ex);
  if (command == "kubectl" || command == "git") return run_tool(ex, command, split.tool);
  if (command == "hint") return hint(ex, vm.count("next") != 0, only, vm.count("reset") != 0);
  return check(ex, answer);
}

}  // namespace kcsim::cli
