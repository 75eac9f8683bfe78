// The subcommands of the kcsim executable, one file each (sim/cli_<command>.cpp).
#pragma once

#include <string>
#include <vector>

namespace kcsim::cli {

/// Each returns the process exit status (0 ok, 1 expectation failed, 2 bad input/usage, 3 limit).
/// They may throw InputError (→ 2) or std::runtime_error (→ 3); main() reports those.
int run(const std::vector<std::string>& args);
int import_manifests(const std::vector<std::string>& args);  // kcsim import (sim/cli_import.cpp)
int explain(const std::vector<std::string>& args);  // kcsim explain (sim/cli_explain.cpp)
int lint(const std::vector<std::string>& args);  // kcsim lint (sim/cli_explain.cpp)
int sweep(const std::vector<std::string>& args);
int merge(const std::vector<std::string>& args);
int kubectl(const std::vector<std::string>& args);  // kcsim kubectl (sim/cli_kubectl.cpp)
int exercise(const std::vector<std::string>& args);  // kcsim exercise (sim/cli_exercise.cpp)
int generate(const std::vector<std::string>& args);  // kcsim generate fleet (sim/cli_generate.cpp)

/// Prints "kcsim: <message>" and a pointer to the help on stderr; returns 2.
int usage_error(const std::string& message);

}  // namespace kcsim::cli
