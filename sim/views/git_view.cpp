// git at one simulated instant (include/kcsim/views/git_view.hpp).
//
// The commits and trees are the ones the `git` model serves: both read the one replay of the
// scenario's history (include/kcsim/apiserver/git_history.hpp). Commit ids come from the model
// itself (its report, which lists the commits in the same order), so they are the ones ArgoCD's
// events name. Only the first repository is shown.
// Output layouts: git's own (log's default "medium" format and --oneline; `git show REV:PATH` of
// a tree prints "tree REV:PATH" then the entries; fatal errors exit 128).
#include "kcsim/views/git_view.hpp"
#include "kcsim/k8s/repo_path.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "../../models/git/git_repository.hpp"

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/apiserver/git_history.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/views/yaml_writer.hpp"

namespace kcsim {
namespace {

struct ViewCommit {
  SimTime at{};
  const json* spec = nullptr;
  std::string sha, branch, message, author;
  std::shared_ptr<const GitTree> tree;  // path → the file as the scenario gives it
};

// git's default date format: "Mon Mar 2 12:00:00 2026 +0000".
std::string git_date(const Epoch& epoch, SimTime t) {
  const std::int64_t secs = epoch.unix_seconds + t.time_since_epoch().count() / 1000000;
  std::int64_t z = (secs >= 0 ? secs : secs - 86399) / 86400;
  const std::int64_t sod = secs - z * 86400;
  const int weekday = static_cast<int>(((z % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  z += 719468;  // civil_from_days (H. Hinnant)
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{} {} {} {:02}:{:02}:{:02} {} +0000", kDays[weekday], kMonths[m - 1], d, sod / 3600, sod / 60 % 60,
                     sod % 60, y);
}

// The file's text: as given when the scenario pasted the file, else its manifests as YAML.
std::string file_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string out;
  const json list = value.is_array() ? value : json::array({value});
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += "---\n";
    out += to_yaml(list[i]);
  }
  return out;
}

struct Repo {
  std::string url, default_branch = "main";
  std::vector<ViewCommit> commits;  // push order, all of them (visibility is checked by the caller)
};

Repo build_repo(const World& world) {
  Repo repo;
  const std::vector<GitHistoryRepository> history = git_history(world.scenario());
  if (history.empty()) return repo;
  repo.url = history[0].url;
  repo.default_branch = history[0].default_branch;
  // The ids the git model gave them, through the Git service (models/git/git_repository.hpp).
  std::vector<std::string> ids;
  if (const GitService* git = world.service<GitService>()) ids = git->commit_shas(repo.url);
  for (std::size_t i = 0; i < history[0].commits.size(); ++i) {
    const GitHistoryCommit& h = history[0].commits[i];
    ViewCommit c;
    c.at = h.at;
    c.spec = h.spec;
    c.branch = h.branch;
    c.message = h.spec->value("message", "");
    c.author = h.spec->value("author", "kcsim <kcsim@example.com>");
    if (i < ids.size()) c.sha = ids[i];
    c.tree = h.tree;
    repo.commits.push_back(std::move(c));
  }
  return repo;
}

// REV → the newest matching commit pushed by `now`: HEAD (the default branch), a branch, a tag,
// or a commit id prefix of at least 4 hex digits (git's minimum abbreviation).
const ViewCommit* resolve(const Repo& repo, const std::string& rev, SimTime now) {
  const std::string branch = rev == "HEAD" || rev.empty() ? repo.default_branch : rev;
  const ViewCommit* found = nullptr;
  for (const ViewCommit& c : repo.commits) {
    if (c.at > now) continue;
    bool tagged = false;
    if (const json* tags = find(*c.spec, {"tags"}); tags && tags->is_array())
      for (const json& t : *tags) tagged = tagged || (t.is_string() && t.get<std::string>() == rev);
    const bool by_id = rev.size() >= 4 && !c.sha.empty() && c.sha.rfind(rev, 0) == 0;
    if (c.branch == branch || tagged || by_id) found = &c;
  }
  return found;
}

}  // namespace

GitViewResult git_view(const World& world, const std::vector<std::string>& args_in) {
  std::vector<std::string> args = args_in;
  if (!args.empty() && args[0] == "git") args.erase(args.begin());
  if (args.empty()) throw std::invalid_argument("no git command given (try: log --oneline)");
  const Repo repo = build_repo(world);
  const SimTime now = world.engine().now();
  GitViewResult r;
  if (repo.url.empty()) {
    r.err = "fatal: not a git repository (the scenario has no \"git\" section)\n";
    r.status = 128;
    return r;
  }
  const std::string verb = args[0];
  if (verb == "log") {
    bool oneline = false;
    std::size_t limit = static_cast<std::size_t>(-1);
    std::string rev = "HEAD";
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--oneline") oneline = true;
      else if ((args[i] == "-n" || args[i] == "--max-count") && i + 1 < args.size()) limit = std::stoul(args[++i]);
      else if (args[i].rfind("-", 0) != 0) rev = args[i];
      else throw std::invalid_argument(fmt::format("git log: kcsim supports --oneline and -n N, not {}", args[i]));
    }
    const ViewCommit* tip = resolve(repo, rev, now);
    if (!tip) {
      r.err = fmt::format("fatal: ambiguous argument '{}': unknown revision or path not in the working tree.\n", rev);
      r.status = 128;
      return r;
    }
    // The tip's branch as pushed by then, newest first (commits of the default branch before a
    // branch's first commit are its history too).
    std::vector<const ViewCommit*> history;
    for (const ViewCommit& c : repo.commits) {
      if (&c == tip) {
        history.push_back(&c);
        break;
      }
      if (c.at <= now && (c.branch == tip->branch || c.branch == repo.default_branch)) history.push_back(&c);
    }
    std::reverse(history.begin(), history.end());
    for (std::size_t i = 0; i < history.size() && i < limit; ++i) {
      const ViewCommit& c = *history[i];
      const std::string subject = c.message.substr(0, c.message.find('\n'));
      if (oneline) {
        r.out += fmt::format("{} {}\n", c.sha.substr(0, 7), subject);
        continue;
      }
      if (i) r.out += "\n";
      r.out += fmt::format("commit {}\nAuthor: {}\nDate:   {}\n\n", c.sha, c.author, git_date(world.api().epoch(), c.at));
      std::size_t start = 0;
      do {
        const std::size_t nl = c.message.find('\n', start);
        r.out += "    " + c.message.substr(start, nl == std::string::npos ? std::string::npos : nl - start) + "\n";
        start = nl == std::string::npos ? std::string::npos : nl + 1;
      } while (start != std::string::npos);
    }
    return r;
  }
  if (verb == "ls-files") {
    const ViewCommit* head = resolve(repo, "HEAD", now);
    if (head)
      for (const auto& [path, file] : *head->tree) r.out += path + "\n";
    return r;
  }
  if (verb == "show") {
    if (args.size() != 2) throw std::invalid_argument("git show: kcsim supports `git show REV:PATH` (for example HEAD:apps/app.yaml)");
    std::string spec = args[1], rev = "HEAD", path;
    if (const std::size_t colon = spec.find(':'); colon != std::string::npos) {
      rev = spec.substr(0, colon);
      path = normalize_repo_path(spec.substr(colon + 1));
    } else {
      throw std::invalid_argument("git show: name the file as REV:PATH (for example HEAD:" + spec + ")");
    }
    const ViewCommit* c = resolve(repo, rev, now);
    if (!c) {
      r.err = fmt::format("fatal: invalid object name '{}'.\n", rev);
      r.status = 128;
      return r;
    }
    if (const auto it = c->tree->find(path); it != c->tree->end()) {
      r.out = file_text(*it->second.value);
      return r;
    }
    // A directory: its entries, subdirectories with a trailing "/".
    std::set<std::string> entries;
    const std::string prefix = path.empty() ? "" : path + "/";
    for (const auto& [p, file] : *c->tree)
      if (p.rfind(prefix, 0) == 0) {
        const std::string rest = p.substr(prefix.size());
        const std::size_t slash = rest.find('/');
        entries.insert(slash == std::string::npos ? rest : rest.substr(0, slash + 1));
      }
    if (entries.empty()) {
      r.err = fmt::format("fatal: path '{}' does not exist in '{}'\n", path, rev);
      r.status = 128;
      return r;
    }
    r.out = fmt::format("tree {}:{}\n\n", rev, path);
    for (const std::string& e : entries) r.out += e + "\n";
    return r;
  }
  throw std::invalid_argument(fmt::format("git {}: kcsim supports git log, git ls-files and git show REV:PATH", verb));
}

}  // namespace kcsim
