// What every subcommand does with its command line: usage errors and Boost.Program_options parsing.
#include <algorithm>
#include <charconv>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "kcsim/core/input_error.hpp"

namespace kcsim::cli {

namespace po = boost::program_options;

void validate(boost::any& v, const std::vector<std::string>& values, Natural*, int) {
  po::validators::check_first_occurrence(v);
  const std::string& s = po::validators::get_single_string(values);
  Natural n;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n.value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) throw po::invalid_option_value(s);
  v = n;
}

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

std::optional<int> parse_scenario_command(const std::vector<std::string>& args, const po::options_description& visible,
                                          po::variables_map& vm, std::string& scenario, const std::string& command,
                                          const std::string& error_format) {
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&scenario));
  po::positional_options_description pos;
  pos.add("scenario", 1);
  if (const auto status = parse_command_line(args, visible, hidden, pos, vm, error_format)) return status;
  if (!vm.count("scenario")) return usage_error(command + " needs a SCENARIO file");
  return std::nullopt;
}

DashDashSplit split_at_dashdash(const std::vector<std::string>& args) {
  const auto dashdash = std::find(args.begin(), args.end(), std::string("--"));
  DashDashSplit out;
  out.own.assign(args.begin(), dashdash);
  out.has_dashdash = dashdash != args.end();
  if (out.has_dashdash) out.tool.assign(dashdash + 1, args.end());
  return out;
}

int with_manifest_safety_net(int (*command)(const std::vector<std::string>&), const std::vector<std::string>& args) {
  try {
    return command(args);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("(input)", "", "expected manifests kcsim can read", std::string("a value of an unexpected type (") + e.what() + ")");
  }
}

}  // namespace kcsim::cli
