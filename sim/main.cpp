// kcsim: the command line. Each subcommand lives in sim/cli/<command>.cpp; this file only
// dispatches and turns errors into exit statuses.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/apiserver/invariants.hpp"
#include "kcsim/core/output_file.hpp"

using namespace kcsim;

namespace {

struct Command {
  const char* name;
  int (*handler)(const std::vector<std::string>&);  // null: handled in main (version, help)
  const char* arguments;
  const char* summary;
};

// One line per command (adding a command: its file in sim/cli/, its declaration in sim/cli/cli.hpp, a
// line here, a section in docs/cli.md).
const Command kCommands[] = {
    {"run", cli::run, "SCENARIO [options]", "run a scenario and print its report"},
    {"sweep", cli::sweep, "SCENARIO --vary PATH=V,...", "what-if variants, one row each"},
    {"merge", cli::merge, "SHARD.json...", "join the shards of a sweep"},
    {"import", cli::import_manifests, "PATH... [options]", "write a scenario from manifests (YAML, JSON)"},
    {"explain", cli::explain, "PATH...|SCENARIO", "who else writes the fields you declare, and why"},
    {"lint", cli::lint, "PATH...|SCENARIO", "explain as a CI gate: exit 1 on a potential fight"},
    {"kubectl", cli::kubectl, "SCENARIO --at T -- ARGS...", "what kubectl would print at instant T"},
    {"serve", cli::serve, "SCENARIO --at T [options]", "serve the cluster at T to the real kubectl"},
    {"exercise", cli::exercise, "CMD NAME [-- ARGS...]", "training: investigate a simulated incident"},
    {"generate", cli::generate, "fleet --services N [...]", "write a scenario of N services (scale runs)"},
    {"version", nullptr, "", "print the version"},
    {"help", nullptr, "[COMMAND]", "show help (also: kcsim COMMAND --help)"},
};

std::string usage() {
  std::string out =
      "kcsim: a deterministic simulator of Kubernetes controllers that fight over the same fields.\n\n"
      "Usage:\n";
  std::size_t width = 0;  // the summaries start in one column, two spaces after the longest synopsis
  for (const Command& c : kCommands) width = std::max(width, fmt::format("{} {}", c.name, c.arguments).size());
  for (const Command& c : kCommands)
    out += fmt::format("  kcsim {:<{}}  {}\n", fmt::format("{} {}", c.name, c.arguments), width, c.summary);
  out += "\nExit status: 0 success; 1 an expectation failed (with --check); 2 bad input or usage;\n"
         "3 a run limit stopped the run or an output could not be written; 4 an invariant was\n"
         "violated (run --verify); 70 an internal error (a bug in kcsim).\n"
         "See docs/cli.md for every command.\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << usage();
    return 2;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "version" || command == "--version") {
      std::cout << "kcsim 0.1.0\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      if (!args.empty()) {
        for (const Command& c : kCommands)
          if (args[0] == c.name && c.handler) return c.handler({"--help"});
        if (args[0] != "help" && args[0] != "version")
          return cli::usage_error(fmt::format("unknown command \"{}\": the commands are those `kcsim help` lists", args[0]));
      }
      std::cout << usage();
      return 0;
    }
    for (const Command& c : kCommands)
      if (command == c.name && c.handler) {
        const int status = c.handler(args);
        flush_standard_output();  // a full disk or a closed pipe is an error, not exit 0
        return status;
      }
    return cli::usage_error(fmt::format("unknown command \"{}\"", command));
  } catch (const InputError& e) {
    std::cerr << "kcsim: " << e.what() << "\n";
    return 2;
  } catch (const InvariantViolation& e) {
    std::cerr << "kcsim: " << e.what() << "\n";
    return 4;
  } catch (const std::bad_alloc&) {
    std::cerr << "kcsim: out of memory\n";
    return 3;
  } catch (const std::runtime_error& e) {
    std::cerr << "kcsim: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    // A safety net: every input is checked before use, so this is a bug in kcsim. Say so, and
    // exit with sysexits.h's EX_SOFTWARE rather than abort.
    std::cerr << "kcsim: internal error (a bug; please report it with the input): " << e.what() << "\n";
    return 70;
  }
}
