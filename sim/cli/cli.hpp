// The subcommands of the kcsim executable, one file each (sim/cli_<command>.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace kcsim::cli {

/// Each returns the process exit status (0 ok, 1 expectation failed, 2 bad input/usage, 3 limit).
/// They may throw InputError (→ 2) or std::runtime_error (→ 3); main() reports those.
int run(const std::vector<std::string>& args);
int import_manifests(const std::vector<std::string>& args);  // kcsim import (sim/cli/import.cpp)
int explain(const std::vector<std::string>& args);  // kcsim explain (sim/cli/explain.cpp)
int lint(const std::vector<std::string>& args);  // kcsim lint (sim/cli/explain.cpp)
int sweep(const std::vector<std::string>& args);
int merge(const std::vector<std::string>& args);
int kubectl(const std::vector<std::string>& args);  // kcsim kubectl (sim/cli/kubectl.cpp)
int serve(const std::vector<std::string>& args);  // kcsim serve (sim/cli/serve.cpp)
int exercise(const std::vector<std::string>& args);  // kcsim exercise (sim/cli/exercise.cpp)
int generate(const std::vector<std::string>& args);  // kcsim generate fleet (sim/cli/generate.cpp)

/// A non-negative whole-number option (--seed, --max-events): Boost's own parser of unsigned
/// types accepts "-1" and wraps it to 2^64-1, so these options read into a Natural instead and a
/// sign, a fraction or a number past 2^64-1 is a usage error naming the option.
struct Natural {
  std::uint64_t value = 0;
};
void validate(boost::any& v, const std::vector<std::string>& values, Natural*, int);

/// Prints "kcsim: <message>" and a pointer to the help on stderr; returns 2.
int usage_error(const std::string& message);

/// Parses one command's arguments into `vm`: the `visible` options (what --help prints) and the
/// `hidden` positional ones. Returns the exit status when the command is over — 0 after printing
/// --help, 2 after a usage error (its text put through `error_format`, where "{}" stands for
/// Boost's message) — or nothing when the command goes on (sim/cli/options.cpp).
std::optional<int> parse_command_line(const std::vector<std::string>& args,
                                      const boost::program_options::options_description& visible,
                                      const boost::program_options::options_description& hidden,
                                      const boost::program_options::positional_options_description& positional,
                                      boost::program_options::variables_map& vm, const std::string& error_format = "{}");

/// parse_command_line for a command whose one positional argument is a SCENARIO file, which it
/// puts in `scenario`; a command line without it is a usage error ("<command> needs a SCENARIO
/// file").
std::optional<int> parse_scenario_command(const std::vector<std::string>& args,
                                          const boost::program_options::options_description& visible,
                                          boost::program_options::variables_map& vm, std::string& scenario,
                                          const std::string& command, const std::string& error_format = "{}");

/// A command line cut at its first "--": the command's own arguments, and the wrapped tool's
/// (kubectl's, git's) after it. `has_dashdash` is false when there is no "--".
struct DashDashSplit {
  std::vector<std::string> own, tool;
  bool has_dashdash = false;
};
DashDashSplit split_at_dashdash(const std::vector<std::string>& args);

/// Runs a command that reads manifests (import, explain, lint) with a safety net: every field
/// read is type-checked first, so a nlohmann::json type error here means a case the checks
/// missed; it still ends as bad input (InputError, exit 2), never a crash.
int with_manifest_safety_net(int (*command)(const std::vector<std::string>&), const std::vector<std::string>& args);

}  // namespace kcsim::cli
