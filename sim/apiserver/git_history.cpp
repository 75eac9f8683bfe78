// The replay of a scenario's Git history (include/kcsim/apiserver/git_history.hpp).
#include "kcsim/apiserver/git_history.hpp"

#include <algorithm>

#include "kcsim/k8s/git_url.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/repo_path.hpp"

namespace kcsim {
namespace {

struct Pending {
  SimTime at{};
  std::size_t order = 0;  // section commits first, then timeline actions (from 1 << 20)
  const json* spec = nullptr;
  std::string pointer;
};

}  // namespace

std::vector<GitHistoryRepository> git_history(const Scenario& sc) {
  std::vector<GitHistoryRepository> repos;
  std::vector<std::vector<Pending>> pending;
  if (!sc.raw.is_object() || !sc.raw.contains("git")) return repos;
  const json& g = sc.raw["git"];
  std::vector<std::pair<const json*, std::string>> sections;
  if (g.is_object()) sections.emplace_back(&g, "/git");
  else if (g.is_array())
    for (std::size_t i = 0; i < g.size(); ++i) sections.emplace_back(&g[i], "/git/" + std::to_string(i));
  for (const auto& [section, pointer] : sections) {
    if (!section->is_object()) continue;
    GitHistoryRepository repo;
    repo.url = str_at(*section, {"repoURL"});
    repo.default_branch = str_at(*section, {"defaultBranch"}, "main");
    repo.pointer = pointer;
    std::vector<Pending> commits;
    if (const json* cs = find(*section, {"commits"}); cs && cs->is_array())
      for (std::size_t i = 0; i < cs->size(); ++i) {
        const json& c = (*cs)[i];
        if (!c.is_object()) continue;
        const std::string cp = pointer + "/commits/" + std::to_string(i);
        const SimTime at = c.contains("at") ? SimTime{read_duration(c["at"], sc.file, cp + "/at")} : kTimeZero;
        commits.push_back(Pending{at, i, &c, cp});
      }
    repos.push_back(std::move(repo));
    pending.push_back(std::move(commits));
  }
  std::size_t order = std::size_t{1} << 20;
  for (const TimelineAction& a : sc.timeline) {
    if (a.action != "git commit" || !a.spec.is_object()) continue;
    std::size_t r = repos.size();
    if (const json* url = find(a.spec, {"repoURL"})) {
      if (!url->is_string()) continue;
      for (std::size_t i = 0; i < repos.size() && r == repos.size(); ++i)
        if (same_git_url(repos[i].url, url->get<std::string>())) r = i;
    } else if (repos.size() == 1) {
      r = 0;
    }
    if (r == repos.size()) continue;
    pending[r].push_back(Pending{a.at, order++, &a.spec, a.pointer});
  }
  for (std::size_t r = 0; r < repos.size(); ++r) {
    GitHistoryRepository& repo = repos[r];
    std::vector<Pending>& commits = pending[r];
    std::stable_sort(commits.begin(), commits.end(),
                     [](const Pending& a, const Pending& b) { return a.at != b.at ? a.at < b.at : a.order < b.order; });
    std::map<std::string, std::shared_ptr<const GitTree>> heads;
    const auto empty = std::make_shared<const GitTree>();
    for (Pending& p : commits) {
      const json& c = *p.spec;
      GitHistoryCommit commit;
      commit.at = p.at;
      commit.spec = p.spec;
      commit.branch = str_at(c, {"branch"}, repo.default_branch);
      std::shared_ptr<const GitTree> base = empty;
      if (auto h = heads.find(commit.branch); h != heads.end()) base = h->second;
      else if (auto d = heads.find(repo.default_branch); d != heads.end()) base = d->second;
      const json* files = find(c, {"files"});
      const json* changes = files ? nullptr : find(c, {"changes"});
      if ((files && files->is_object()) || (changes && changes->is_object())) {
        auto tree = files ? std::make_shared<GitTree>() : std::make_shared<GitTree>(*base);
        const json& edits = files ? *files : *changes;
        const std::string section = p.pointer + (files ? "/files/" : "/changes/");
        for (auto it = edits.begin(); it != edits.end(); ++it) {
          const std::string path = normalize_repo_path(it.key());
          if (it->is_null()) tree->erase(path);
          else (*tree)[path] = GitFile{&*it, it.key(), section + escape_pointer_token(it.key())};
        }
        commit.tree = std::move(tree);
      } else {
        commit.tree = base;
      }
      commit.pointer = std::move(p.pointer);
      heads[commit.branch] = commit.tree;
      repo.commits.push_back(std::move(commit));
    }
  }
  return repos;
}

}  // namespace kcsim
