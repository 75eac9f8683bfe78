// Parsing `kcsim kubectl --script` files (include/kcsim/cli/kubectl_script.hpp).
#include "kcsim/cli/kubectl_script.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim::cli {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

struct Word {
  std::string text;
  int column = 0;  // 1-based column of its first character
};

// POSIX shell word splitting (Shell Command Language, 2.2 Quoting and 2.6.5 Field Splitting),
// without expansions: `$` and backquotes are ordinary characters.
std::vector<Word> split_words(const std::string& line, const std::string& file, int line_no) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i >= line.size()) break;
    Word w;
    w.column = static_cast<int>(i) + 1;
    while (i < line.size() && !is_blank(line[i])) {
      const char c = line[i];
      if (c == '\'') {
        const std::size_t end = line.find('\'', i + 1);
        if (end == std::string::npos)
          throw InputError(file, "", "expected a closing ' for the quote opened here", "the end of the line", line_no, static_cast<int>(i) + 1);
        w.text += line.substr(i + 1, end - i - 1);
        i = end + 1;
      } else if (c == '"') {
        const std::size_t open = i++;
        for (;;) {
          if (i >= line.size())
            throw InputError(file, "", "expected a closing \" for the quote opened here", "the end of the line", line_no, static_cast<int>(open) + 1);
          if (line[i] == '"') {
            ++i;
            break;
          }
          if (line[i] == '\\' && i + 1 < line.size() && std::string_view("\"\\$`").find(line[i + 1]) != std::string_view::npos) {
            w.text += line[i + 1];
            i += 2;
          } else {
            w.text += line[i++];
          }
        }
      } else if (c == '\\') {
        if (i + 1 < line.size()) w.text += line[i + 1];
        i += 2;
      } else {
        w.text += c;
        ++i;
      }
    }
    words.push_back(std::move(w));
  }
  return words;
}

// A word as a shell would need it typed: bare when it holds only characters no shell treats
// specially, else single-quoted.
std::string shell_quoted(const std::string& word) {
  const bool bare = !word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                            "0123456789_./:=,@%+-") == std::string::npos;
  if (bare) return word;
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// `get -w` runs the world on to an instant of its own: a script line cannot (the next line's
// instant would be in its past).
bool is_watch(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "-w" || a.rfind("--watch", 0) == 0 || a.rfind("--output-watch-events", 0) == 0) return true;
    if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find('w') != std::string::npos && a.find('=') == std::string::npos &&
        a.find_first_not_of("-wA") == std::string::npos)
      return true;  // combined short flags: -Aw
  }
  return false;
}

}  // namespace

std::vector<ScriptCommand> parse_kubectl_script(const std::string& text, const std::string& file, Duration duration) {
  std::vector<ScriptCommand> commands;
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    std::size_t first = 0;
    while (first < line.size() && is_blank(line[first])) ++first;
    if (first == line.size() || line[first] == '#') continue;

    std::vector<Word> words = split_words(line, file, line_no);
    ScriptCommand cmd;
    cmd.line = line_no;
    cmd.at_text = words[0].text;
    std::string why;
    const std::optional<Duration> at = parse_duration(words[0].text, &why);
    if (!at || *at < Duration{0})
      throw InputError(file, "", "expected an instant (a Go duration from the start such as 90s, 5m or 1h30m) and then a command",
                       why.empty() ? fmt::format("\"{}\"", words[0].text) : fmt::format("\"{}\" ({})", words[0].text, why),
                       line_no, words[0].column);
    if (*at > duration)
      throw InputError(file, "", fmt::format("expected an instant within the scenario's duration ({})", format_go_duration(duration)),
                       fmt::format("{} ({})", words[0].text, format_go_duration(*at)), line_no, words[0].column);
    if (!commands.empty() && *at < commands.back().at)
      throw InputError(file, "",
                       fmt::format("expected an instant at or after the previous line's ({}, line {}): the run only goes forward",
                                   commands.back().at_text, commands.back().line),
                       words[0].text, line_no, words[0].column);
    cmd.at = *at;
    std::size_t w = 1;
    if (w < words.size() && words[w].text == "--") ++w;
    if (w >= words.size())
      throw InputError(file, "", "expected a command after the instant (for example: 5m get pods -n prod)", "nothing",
                       line_no, static_cast<int>(line.size()) + 1);
    for (; w < words.size(); ++w) cmd.args.push_back(words[w].text);
    if (is_watch(cmd.args))
      throw InputError(file, "", "expected a command that shows one instant (get -w, --watch and --watch-only run on in time: use --at and --until)",
                       "a watch", line_no, words[1].column);
    commands.push_back(std::move(cmd));
  }
  return commands;
}

int run_kubectl_script(World& world, const std::vector<ScriptCommand>& commands, const std::string& file, std::ostream& out,
                       std::uint64_t max_events) {
  int status = 0;
  bool ends_line = true;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const ScriptCommand& c = commands[i];
    if (world.engine().now() < SimTime{c.at} && world.run(SimTime{c.at}) == StopReason::kEventLimit)
      throw std::runtime_error(fmt::format(
          "{}: the run stopped at the event limit ({} events) at t = {}: a controller is probably writing in a tight loop",
          world.scenario().file, max_events, format_go_duration(world.engine().now().time_since_epoch())));
    std::string shown = c.args[0] == "argocd" || c.args[0] == "kubectl" ? "" : "kubectl ";
    for (std::size_t w = 0; w < c.args.size(); ++w) shown += (w ? " " : "") + shell_quoted(c.args[w]);
    KubectlResult r;
    try {
      r = kubectl_exec(world, c.args);
    } catch (const KubectlUsageError& e) {
      out << std::flush;
      throw InputError(file, "", "expected a command kcsim kubectl supports",
                       fmt::format("`{}`: {}", shown, e.what()), c.line, 1);
    }
    // A command whose output does not end a line (-o jsonpath) gets its line ended, so that
    // the next "# at" starts a line of its own.
    if (i) out << (ends_line ? "\n" : "\n\n");
    const std::string text = r.out + r.err;
    out << "# at " << format_go_duration(c.at) << "\n$ " << shown << "\n" << text;
    ends_line = text.empty() || text.back() == '\n';
    status = std::max(status, r.status);
  }
  out << std::flush;
  return status;
}

}  // namespace kcsim::cli
