// `kcsim kubectl SCENARIO --script FILE`: several kubectl (or argocd) commands against one run of
// the scenario, each at its own instant (docs/cli.md, "kcsim kubectl --script").
//
// A script is one command a line: an instant (a Go duration from the start, as --at takes it),
// an optional "--", then the command's words, split as a POSIX shell splits them (blanks;
// '...' literal; "..." with \" \\ \$ \` escapes; a backslash outside quotes escapes the next
// character):
//     # comment
//     5m   get pods -n prod
//     6m -- argocd app diff immigranta-backend
//     6m   get deploy web -o jsonpath='{.spec.replicas}'
// Blank lines and lines whose first non-blank character is "#" are skipped. Instants never
// decrease and are at most the scenario's duration.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "kcsim/core/time.hpp"

namespace kcsim {
class World;
}

namespace kcsim::cli {

struct ScriptCommand {
  int line = 0;             // 1-based line in the script
  std::string at_text;      // the instant as written ("5m")
  Duration at{};            // the instant
  std::vector<std::string> args;  // the command's words, "--" removed
};

/// Parses a whole script (`file` names it in messages: a path or "<stdin>"). Throws InputError
/// "FILE:LINE:COLUMN: expected ..., found ..." on the first bad line: an instant that is not a
/// duration, an instant before the previous one or after `duration` (the scenario's), a line
/// with no command, an unterminated quote.
std::vector<ScriptCommand> parse_kubectl_script(const std::string& text, const std::string& file, Duration duration);

/// Runs `world` forward once through the commands' instants, and after each instant is reached
/// prints to `out`, as a terminal session shows it, "# at <instant>" and "$ <command>" (a blank
/// line before each but the first), then the command's standard output and its standard error
/// (a line break added after output that does not end a line, as `-o jsonpath` may not).
/// Returns the highest exit status of the commands (0 when all succeeded). Throws InputError
/// naming FILE:LINE for a command kcsim cannot interpret (what was printed for earlier lines
/// stays printed; later lines do not run), and std::runtime_error when the run stops at the
/// event limit (`max_events`, for the message).
int run_kubectl_script(World& world, const std::vector<ScriptCommand>& commands, const std::string& file, std::ostream& out,
                       std::uint64_t max_events);

}  // namespace kcsim::cli
