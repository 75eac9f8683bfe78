// Sync and commit marks for the HTML page's charts (sim/views/chart_marks.hpp).
#include "chart_marks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kcsim/apiserver/git_history.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/git_url.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {
namespace {

// The Application's latest version: the live one, or the last one of a deleted Application.
ObjectPtr latest_version(const ApiServer& api, const ObjectLifetime& l) {
  if (!l.deleted)
    if (ObjectPtr live = api.get(l.ref)) return live;
  return l.last;
}

bool lists_resource(const json& app, const ObjectRef& d) {
  const json* resources = find(app, {"status", "resources"});
  if (!resources || !resources->is_array()) return false;
  for (const json& r : *resources)
    if (r.is_object() && r.value("kind", "") == d.kind && r.value("namespace", "") == d.ns && r.value("name", "") == d.name)
      return true;
  return false;
}

// The repoURLs an Application reads: spec.source and every spec.sources entry.
std::vector<std::string> repo_urls(const json& app) {
  std::vector<std::string> out;
  if (const std::string url = str_at(app, {"spec", "source", "repoURL"}); !url.empty()) out.push_back(url);
  if (const json* sources = find(app, {"spec", "sources"}); sources && sources->is_array())
    for (const json& s : *sources)
      if (const std::string url = str_at(s, {"repoURL"}); !url.empty()) out.push_back(url);
  return out;
}

}  // namespace

std::vector<ChartMark> chart_marks(const World& world, const ObjectRef& deployment) {
  const ApiServer& api = world.api();
  const Epoch& epoch = api.epoch();
  std::vector<ObjectRef> apps;
  std::vector<std::string> urls;
  for (const ObjectLifetime& l : api.lifetimes()) {
    if (l.ref.kind != "Application") continue;
    const ObjectPtr app = latest_version(api, l);
    if (!app || !lists_resource(*app, deployment)) continue;
    if (std::find(apps.begin(), apps.end(), l.ref) == apps.end()) apps.push_back(l.ref);
    for (std::string& u : repo_urls(*app)) urls.push_back(std::move(u));
  }

  std::vector<ChartMark> marks;
  std::vector<GitHistoryRepository> history;
  try {
    history = git_history(world.scenario());
  } catch (const InputError&) {
    // The git model refused the section when the World was built; nothing to mark.
  }
  for (const GitHistoryRepository& repo : history) {
    const bool read = std::any_of(urls.begin(), urls.end(), [&](const std::string& u) { return same_git_url(u, repo.url); });
    if (!read) continue;
    for (const GitHistoryCommit& c : repo.commits) {
      const std::string message = c.spec && c.spec->is_object() ? c.spec->value("message", "") : "";
      marks.push_back({c.at, ChartMark::kCommit,
                       fmt::format("Git commit to {} ({}) at {}{}{}", repo.url, c.branch, epoch.clock(c.at),
                                   message.empty() ? "" : ": ", message)});
    }
  }
  for (const WriteRecord& w : api.writes()) {
    if (w.object().kind != "Application" || w.field() != "/status/operationState/phase") continue;
    if (!w.new_value().is_string() || w.new_value() != "Running" || w.old_value() == "Running") continue;
    if (std::find(apps.begin(), apps.end(), w.object()) == apps.end()) continue;
    marks.push_back({w.at(), ChartMark::kSync,
                     fmt::format("ArgoCD sync of Application {}/{} started at {} by {}", w.object().ns, w.object().name,
                                 epoch.clock(w.at()), w.manager())});
  }
  std::stable_sort(marks.begin(), marks.end(), [](const ChartMark& a, const ChartMark& b) {
    return a.at != b.at ? a.at < b.at : a.kind == ChartMark::kCommit && b.kind == ChartMark::kSync;
  });
  return marks;
}

}  // namespace kcsim
