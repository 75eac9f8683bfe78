// What every subcommand does with its command line: usage errors and Boost.Program_options parsing.
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"

namespace kcsim::cli {

namespace po = boost::program_options;

int usage_error(const std::string& message) {
  std::cerr << "kcsim: " << message << "\nRun 'kcsim help' for usage.\n";
  return 2;
}

std::optional<int> parse_command_line(const std::vector<std::string>& args, const po::options_description& visible,
                                      const po::options_description& hidden,
                                      const po::positional_options_description& positional, po::variables_map& vm,
                                      const std::string& error_format) {
  po::options_description all;
  all.add(visible).add(hidden);
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(fmt::format(fmt::runtime(error_format), e.what()));
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  return std::nullopt;
}

}  // namespace kcsim::cli
