// kcsim generate fleet --services N ...: writes a generated scenario (sim/cli/fleet_generator.cpp).
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "kcsim/cli/fleet_generator.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/core/output_file.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kGenerateUsage = R"(Usage: kcsim generate fleet --services N [options]

Writes a scenario of N services (JSON, docs/scenario-format.md): each a Deployment and Service
in Git, deployed by its own ArgoCD Application, scaled by the KEDA HTTP add-on, a KEDA
ScaledObject or an HPA, with idle, Poisson, bursty or diurnal traffic. A share of the services
fight (their Application lacks the ignoreDifferences rule on /spec/replicas: the six-minute
loop). The same options give the same file.

Options)";

}  // namespace

int generate(const std::vector<std::string>& args) {
  po::options_description opts(kGenerateUsage);
  FleetOptions o;
  std::string output;
  Natural seed;
  opts.add_options()
      ("help,h", "show this help")
      ("services", po::value(&o.services), "number of services (1 to 60000), required")
      ("seed", po::value(&seed)->default_value(Natural{1}, "1"), "seed of the generator and of the scenario")
      ("fight-fraction", po::value(&o.fight_fraction)->default_value(0.1, "0.1"), "share of services with the fight (0 to 1)")
      ("http-fraction", po::value(&o.http_fraction)->default_value(0.4, "0.4"),
       "share scaled by the HTTP add-on (0 to 1); the rest is split between KEDA ScaledObjects and HPAs")
      ("traffic", po::value(&o.traffic)->default_value("mixed"), "mixed, idle, poisson, bursts or diurnal")
      ("duration", po::value(&o.duration)->default_value("24h"), "the scenario's duration")
      ("output,o", po::value(&output), "write to FILE instead of standard output");
  po::options_description hidden;
  hidden.add_options()("what", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("what", 1);
  po::variables_map vm;
  if (const auto status = parse_command_line(args, opts, hidden, pos, vm)) return *status;
  if (!vm.count("what") || vm["what"].as<std::string>() != "fleet")
    return usage_error("generate needs what to generate: kcsim generate fleet --services N");
  if (!vm.count("services")) return usage_error("generate fleet needs --services N");
  o.seed = seed.value;
  // The file must load: a duration `kcsim run` would reject ("7d") is refused here, not written.
  if (read_duration(json(o.duration), "--duration", "").count() == 0)
    return usage_error("--duration must be positive");
  const std::string text = generate_fleet(o).scenario.dump(2) + "\n";
  write_output(output, text);
  return 0;
}

}  // namespace kcsim::cli
