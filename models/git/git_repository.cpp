// The Git repositories of a scenario ("git" section and "git commit" timeline actions), served
// to the GitOps controllers through GitService (models/git/git_repository.hpp).
//
// What is modelled: commits with their trees (path → manifests), branches, tags, deterministic
// 40-hex commit SHAs, what `git ls-remote` returns at each instant (a commit is visible from
// the instant it is pushed), and an optional webhook delivered after a delay. What is not: the
// Git protocol, credentials, fetch latency, kustomize/helm rendering (a directory is read as a
// plain-manifest directory source). docs/models/argocd-git.md has the scenario format.
#include "git_repository.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "kcsim/apiserver/git_history.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/repo_path.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/manifest_parser.hpp"
#include "kcsim/apiserver/model.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"

namespace kcsim {

namespace {

using Tree = std::map<std::string, std::vector<json>>;

bool is_hex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool is_manifest_file(const std::string& path) {
  auto ends_with = [&](const char* ext) {
    const std::string e(ext);
    return path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml") || ends_with(".json");
}

struct Commit {
  SimTime at{};
  std::string sha;
  std::string branch;
  std::string message;
  std::string author;
  std::vector<std::string> tags;
  std::shared_ptr<const Tree> tree;
};

struct Repository {
  std::string url;
  std::string norm;
  std::string default_branch = "main";
  std::optional<Duration> webhook_delay;
  std::vector<Commit> commits;  // in push order (time, then scenario order)
  std::map<std::string, std::vector<std::size_t>> branches;  // branch → commit indexes, in order
  std::map<std::string, std::size_t> tags;
  std::map<std::string, std::size_t> by_sha;
};

class GitRepositoryModel final : public Model, public GitService {
 public:
  explicit GitRepositoryModel(World& world) : Model(world, "git") {
    // As a GitService& (not the model's own type), so that the overload that registers an
    // existing object is the one chosen, not the one that would construct a new service.
    world.provide<GitService>(static_cast<GitService&>(*this));
    const Scenario& sc = world.scenario();
    for (auto& [key, value] : settings().items()) {
      if (key != "enabled")
        throw InputError(sc.file, world.settings_pointer("git") + "/" + escape_pointer_token(key),
                         "expected no settings for git (the repository is the top-level \"git\" section)",
                         fmt::format("unknown field \"{}\"", key));
      (void)value;
    }
    if (sc.raw.contains("git")) {
      const json& g = sc.raw["git"];
      if (g.is_object()) {
        parse_repository(g, "/git");
      } else if (g.is_array()) {
        for (std::size_t i = 0; i < g.size(); ++i) parse_repository(g[i], fmt::format("/git/{}", i));
      } else {
        throw InputError(sc.file, "/git", "expected a repository object or an array of them", describe_found(g));
      }
    }
    for (std::size_t i = 0; i < sc.timeline.size(); ++i) {
      const TimelineAction& a = sc.timeline[i];
      if (a.action != "git commit") continue;
      world.claim_action(i);
      std::size_t repo = 0;
      if (a.spec.contains("repoURL")) {
        if (!a.spec["repoURL"].is_string())
          throw InputError(sc.file, a.pointer + "/repoURL", "expected a repository URL string",
                           describe_found(a.spec["repoURL"]));
        repo = find_repo_index(a.spec["repoURL"].get<std::string>());
        if (repo == npos)
          throw InputError(sc.file, a.pointer + "/repoURL",
                           "expected the repoURL of a repository of the \"git\" section",
                           describe_found(a.spec["repoURL"]));
      } else if (repos_.size() != 1) {
        throw InputError(sc.file, a.pointer + "/repoURL",
                         repos_.empty() ? "expected a top-level \"git\" section declaring the repository"
                                        : "expected repoURL (the scenario has several repositories)",
                         "nothing");
      }
      (void)repo;
      validate_commit_fields(a.spec, a.pointer, /*timeline=*/true);
    }
    // Validated: the trees come from the one replay of the history (apiserver/git_history.hpp),
    // which `kcsim git` and the manifest reader read too.
    const std::vector<GitHistoryRepository> history = git_history(sc);
    for (std::size_t r = 0; r < repos_.size(); ++r) build(repos_[r], history[r]);
  }

  void start() override {
    // Webhook deliveries are known in advance: one engine event per commit of a repository that
    // has a webhook.
    for (std::size_t r = 0; r < repos_.size(); ++r) {
      const Repository& repo = repos_[r];
      if (!repo.webhook_delay) continue;
      for (std::size_t c = 0; c < repo.commits.size(); ++c)
        engine().schedule_at(repo.commits[c].at + *repo.webhook_delay, this, 0, (r << 32) | c);
    }
  }

  void on_event(std::uint32_t /*kind*/, std::uint64_t payload) override {
    const Repository& repo = repos_[payload >> 32];
    const Commit& commit = repo.commits[payload & 0xffffffffu];
    for (GitPushListener* l : listeners_) l->on_git_push(repo.url, "refs/heads/" + commit.branch, commit.sha);
    for (const std::string& tag : commit.tags)
      for (GitPushListener* l : listeners_) l->on_git_push(repo.url, "refs/tags/" + tag, commit.sha);
  }

  void contribute_report(json& report) const override {
    if (repos_.empty()) return;
    json out = json::array();
    for (const Repository& repo : repos_) {
      json commits = json::array();
      for (const Commit& c : repo.commits)
        commits.push_back({{"at", format_go_duration(c.at.time_since_epoch())},
                           {"sha", c.sha},
                           {"branch", c.branch},
                           {"message", c.message},
                           {"files", c.tree->size()}});
      out.push_back({{"repoURL", repo.url}, {"defaultBranch", repo.default_branch}, {"commits", commits}});
    }
    report["git"] = out;
  }

  // --- GitService ------------------------------------------------------------------------

  bool has_repository(const std::string& repo_url) const override { return find(repo_url) != nullptr; }

  GitResult<GitRevision> resolve(const std::string& repo_url, const std::string& revision,
                                 SimTime at) const override {
    GitResult<GitRevision> out;
    const Repository* repo = find(repo_url);
    if (!repo) {
      out.error = repository_not_found_error(repo_url);
      return out;
    }
    auto visible = [&](std::size_t index) { return repo->commits[index].at <= at; };
    auto make = [&](std::size_t index) {
      const Commit& c = repo->commits[index];
      out.value = GitRevision{c.sha, c.branch, c.message, c.at};
    };
    std::string rev = revision;
    bool want_branch = false, want_tag = false;
    if (rev.rfind("refs/heads/", 0) == 0) rev = rev.substr(11), want_branch = true;
    else if (rev.rfind("refs/tags/", 0) == 0) rev = rev.substr(10), want_tag = true;
    if (rev.empty() || rev == "HEAD") rev = repo->default_branch, want_branch = true;
    if (!want_tag) {
      if (auto it = repo->branches.find(rev); it != repo->branches.end()) {
        // The branch head at `at`: the last commit on it pushed by then.
        const auto& list = it->second;
        auto pos = std::upper_bound(list.begin(), list.end(), at,
                                    [&](SimTime t, std::size_t idx) { return t < repo->commits[idx].at; });
        if (pos != list.begin()) {
          make(*(pos - 1));
          return out;
        }
      }
    }
    if (!want_branch) {
      if (auto it = repo->tags.find(rev); it != repo->tags.end() && visible(it->second)) {
        make(it->second);
        return out;
      }
      std::string lower = rev;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      if (!want_tag && lower.size() >= 7 && lower.size() <= 40 && is_hex(lower)) {
        std::optional<std::size_t> found;
        bool ambiguous = false;
        for (auto it = repo->by_sha.lower_bound(lower); it != repo->by_sha.end() && it->first.rfind(lower, 0) == 0; ++it) {
          if (!visible(it->second)) continue;
          if (found) ambiguous = true;
          found = it->second;
        }
        if (found && !ambiguous) {
          make(*found);
          return out;
        }
      }
    }
    // util/git/client.go LsRemote.
    out.error = fmt::format("unable to resolve '{}' to a commit SHA", revision);
    return out;
  }

  GitResult<std::vector<json>> manifests(const std::string& repo_url, const std::string& sha,
                                         const std::string& path, bool recurse) const override {
    GitResult<std::vector<json>> out;
    const Repository* repo = find(repo_url);
    if (!repo) {
      out.error = repository_not_found_error(repo_url);
      return out;
    }
    auto it = repo->by_sha.find(sha);
    if (it == repo->by_sha.end()) {
      out.error = fmt::format("unable to resolve '{}' to a commit SHA", sha);
      return out;
    }
    const Tree& tree = *repo->commits[it->second].tree;
    const std::string dir = normalize_repo_path(path);
    const std::string prefix = dir.empty() ? "" : dir + "/";
    bool exists = dir.empty();
    std::vector<json> list;
    for (auto f = tree.lower_bound(prefix); f != tree.end() && f->first.rfind(prefix, 0) == 0; ++f) {
      exists = true;
      const std::string rest = f->first.substr(prefix.size());
      if (!recurse && rest.find('/') != std::string::npos) continue;
      if (!is_manifest_file(f->first)) continue;
      for (const json& m : f->second) list.push_back(m);
    }
    if (!exists) {
      out.error = app_path_missing_error(path);
      return out;
    }
    out.value = std::move(list);
    return out;
  }

  std::vector<std::string> commit_shas(const std::string& repo_url) const override {
    std::vector<std::string> out;
    if (const Repository* repo = find(repo_url))
      for (const Commit& c : repo->commits) out.push_back(c.sha);
    return out;
  }

  void subscribe(GitPushListener* listener) override { listeners_.push_back(listener); }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  [[noreturn]] void fail(const std::string& pointer, const std::string& expected, const std::string& found) const {
    throw InputError(world().scenario().file, pointer, expected, found);
  }

  const Repository* find(const std::string& url) const {
    const std::size_t i = find_repo_index(url);
    return i == npos ? nullptr : &repos_[i];
  }
  std::size_t find_repo_index(const std::string& url) const {
    // A URL spelt exactly as a repository's own (the usual case: an Application's repoURL is
    // copied from it) normalizes as it does; repositories' normalized URLs are unique (checked
    // when they are read), so that repository is the one the loop below would find.
    for (std::size_t i = 0; i < repos_.size(); ++i)
      if (repos_[i].url == url && !repos_[i].norm.empty()) return i;
    // ArgoCD's git.SameURL (include/kcsim/k8s/git_url.hpp).
    const std::string n = normalize_git_url_allow_invalid(url);
    if (n.empty()) return npos;
    for (std::size_t i = 0; i < repos_.size(); ++i)
      if (repos_[i].norm == n) return i;
    return npos;
  }

  void parse_repository(const json& g, const std::string& p) {
    if (!g.is_object()) fail(p, "expected a repository object", describe_found(g));
    static const std::set<std::string> keys = {"repoURL", "defaultBranch", "webhook", "commits", "description"};
    for (auto& [k, v] : g.items()) {
      (void)v;
      if (!keys.count(k))
        fail(p + "/" + escape_pointer_token(k), "expected one of repoURL, defaultBranch, webhook, commits, description",
             fmt::format("unknown field \"{}\"", k));
    }
    Repository repo;
    if (!g.contains("repoURL") || !g["repoURL"].is_string() || g["repoURL"].get<std::string>().empty())
      fail(p + "/repoURL", "expected the repository URL (as Applications name it in spec.source.repoURL)",
           g.contains("repoURL") ? describe_found(g["repoURL"]) : "nothing");
    repo.url = g["repoURL"].get<std::string>();
    repo.norm = normalize_git_url_allow_invalid(repo.url);
    if (find_repo_index(repo.url) != npos)
      fail(p + "/repoURL", "expected each repository once", describe_found(g["repoURL"]));
    if (g.contains("defaultBranch")) {
      if (!g["defaultBranch"].is_string() || g["defaultBranch"].get<std::string>().empty())
        fail(p + "/defaultBranch", "expected a branch name such as \"main\"", describe_found(g["defaultBranch"]));
      repo.default_branch = g["defaultBranch"].get<std::string>();
    }
    if (g.contains("webhook")) {
      const json& w = g["webhook"];
      if (w.is_boolean()) {
        if (w.get<bool>()) repo.webhook_delay = Duration{0};
      } else if (w.is_object()) {
        for (auto& [k, v] : w.items()) {
          if (k != "delay") fail(p + "/webhook/" + escape_pointer_token(k), "expected delay", fmt::format("unknown field \"{}\"", k));
          repo.webhook_delay = read_duration(v, world().scenario().file, p + "/webhook/delay");
        }
        if (!repo.webhook_delay) repo.webhook_delay = Duration{0};
      } else {
        fail(p + "/webhook", "expected true, false or {\"delay\": \"2s\"}", describe_found(w));
      }
    }
    if (g.contains("commits")) {
      const json& cs = g["commits"];
      if (!cs.is_array()) fail(p + "/commits", "expected an array of commits", describe_found(cs));
      for (std::size_t i = 0; i < cs.size(); ++i) {
        const std::string cp = fmt::format("{}/commits/{}", p, i);
        if (!cs[i].is_object()) fail(cp, "expected a commit object", describe_found(cs[i]));
        validate_commit_fields(cs[i], cp, /*timeline=*/false);
        if (cs[i].contains("at")) read_duration(cs[i]["at"], world().scenario().file, cp + "/at");
      }
    }
    repos_.push_back(std::move(repo));
  }

  void validate_commit_fields(const json& c, const std::string& p, bool timeline) const {
    static const std::set<std::string> keys = {"at", "message", "author", "branch", "files", "changes", "tags", "sha", "description"};
    for (auto& [k, v] : c.items()) {
      if (timeline && (k == "action" || k == "repoURL")) continue;
      if (!keys.count(k))
        fail(p + "/" + escape_pointer_token(k),
             std::string("expected one of at, message, author, branch, files, changes, tags, sha, description") +
                 (timeline ? ", repoURL" : ""),
             fmt::format("unknown field \"{}\"", k));
      if ((k == "message" || k == "author" || k == "branch" || k == "description") && !v.is_string())
        fail(p + "/" + k, "expected a string", describe_found(v));
      if (k == "branch" && v.get<std::string>().empty()) fail(p + "/branch", "expected a branch name", describe_found(v));
      if (k == "sha" && (!v.is_string() || v.get<std::string>().size() != 40 || !is_hex(v.get<std::string>())))
        fail(p + "/sha", "expected 40 lowercase hexadecimal digits", describe_found(v));
      if (k == "tags") {
        if (!v.is_array()) fail(p + "/tags", "expected an array of tag names", describe_found(v));
        for (std::size_t i = 0; i < v.size(); ++i)
          if (!v[i].is_string() || v[i].get<std::string>().empty())
            fail(fmt::format("{}/tags/{}", p, i), "expected a tag name", describe_found(v[i]));
      }
    }
    if (c.contains("files") && c.contains("changes"))
      fail(p + "/changes", "expected either files (the whole tree) or changes (a delta), not both", "both");
    for (const char* section : {"files", "changes"}) {
      if (!c.contains(section)) continue;
      const json& files = c[section];
      const std::string sp = p + "/" + section;
      if (!files.is_object()) fail(sp, "expected an object of path: manifests", describe_found(files));
      for (auto& [path, value] : files.items()) {
        const std::string fp = sp + "/" + escape_pointer_token(path);
        if (normalize_repo_path(path).empty() || path.find("..") != std::string::npos)
          fail(fp, "expected a file path relative to the repository root", describe_found(json(path)));
        if (value.is_null()) {
          if (std::string(section) == "files") fail(fp, "expected a manifest or an array of manifests (null deletes a file only in changes)", "null");
          continue;
        }
        if (value.is_object()) {
          validate_manifest(value, fp);
        } else if (value.is_array()) {
          for (std::size_t i = 0; i < value.size(); ++i) validate_manifest(value[i], fmt::format("{}/{}", fp, i));
        } else if (value.is_string()) {
          from_text(value.get<std::string>(), path, fp);
        } else {
          fail(fp, "expected a manifest, an array of manifests, or the file's YAML text", describe_found(value));
        }
      }
    }
  }

  void validate_manifest(const json& m, const std::string& p) const {
    if (!m.is_object()) fail(p, "expected a Kubernetes manifest (an object)", describe_found(m));
    for (const char* f : {"apiVersion", "kind"})
      if (!m.contains(f) || !m[f].is_string() || m[f].get<std::string>().empty())
        fail(p + "/" + f, "expected a non-empty string", m.contains(f) ? describe_found(m[f]) : "nothing");
    if (!m.contains("metadata") || !m["metadata"].is_object())
      fail(p + "/metadata", "expected an object with a name", m.contains("metadata") ? describe_found(m["metadata"]) : "nothing");
    const json& md = m["metadata"];
    if (!md.contains("name") || !md["name"].is_string() || md["name"].get<std::string>().empty())
      fail(p + "/metadata/name", "expected a non-empty string", md.contains("name") ? describe_found(md["name"]) : "nothing");
    if (md.contains("namespace") && !md["namespace"].is_string())
      fail(p + "/metadata/namespace", "expected a string", describe_found(md["namespace"]));
  }

  // A file given as text: YAML documents (or JSON), as a user would paste the file itself.
  std::vector<json> from_text(const std::string& text, const std::string& path, const std::string& pointer) const {
    std::vector<ReadWarning> warnings;
    std::vector<Manifest> read;
    try {
      read = parse_manifests(text, path, warnings);
    } catch (const InputError& e) {
      fail(pointer, "expected the YAML text of Kubernetes manifests: " + e.expected(),
           e.line() > 0 ? fmt::format("{} at line {}, column {} of the text", e.found(), e.line(), e.column()) : e.found());
    }
    std::vector<json> out;
    for (Manifest& m : read) out.push_back(std::move(m.object));
    return out;
  }

  std::vector<json> as_list(const json& value, const std::string& path, const std::string& pointer) const {
    if (value.is_array()) return std::vector<json>(value.begin(), value.end());
    if (value.is_string()) return from_text(value.get<std::string>(), path, pointer);
    return {value};
  }

  void build(Repository& repo, const GitHistoryRepository& history) {
    // Each distinct tree and file of the replay is turned into manifests once.
    std::map<const GitTree*, std::shared_ptr<const Tree>> trees;
    std::map<const json*, std::vector<json>> files;
    const std::uint64_t seed = world().scenario().seed;
    for (const GitHistoryCommit& hc : history.commits) {
      const json& c = *hc.spec;
      Commit commit;
      commit.at = hc.at;
      commit.branch = hc.branch;
      commit.message = c.value("message", "");
      commit.author = c.value("author", "kcsim <kcsim@example.com>");
      if (c.contains("tags"))
        for (const json& t : c["tags"]) commit.tags.push_back(t.get<std::string>());
      std::shared_ptr<const Tree>& tree = trees[hc.tree.get()];
      if (!tree) {
        auto built = std::make_shared<Tree>();
        for (const auto& [path, file] : *hc.tree) {
          auto f = files.find(file.value);
          if (f == files.end()) f = files.emplace(file.value, as_list(*file.value, file.key, file.pointer)).first;
          (*built)[path] = f->second;
        }
        tree = std::move(built);
      }
      commit.tree = tree;
      const std::size_t index = repo.commits.size();
      if (c.contains("sha")) {
        commit.sha = c["sha"].get<std::string>();
      } else {
        // Deterministic and content-addressed like Git's own ids, but not Git's algorithm (no
        // object encoding): FNV-1a over (seed, repository, position, branch, message, time,
        // tree) seeds the project's xoshiro256** stream, which gives the 160 bits.
        std::string content = fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n", seed, repo.norm, index, commit.branch,
                                          commit.message, commit.at.time_since_epoch().count());
        for (const auto& [path, list] : *commit.tree) {
          content += path;
          content += '\n';
          for (const json& m : list) content += m.dump();
          content += '\n';
        }
        RandomStream stream(fnv1a64(content), "git-sha");
        const std::uint64_t a = stream.next_u64(), b = stream.next_u64(), d = stream.next_u64();
        commit.sha = fmt::format("{:016x}{:016x}{:08x}", a, b, static_cast<std::uint32_t>(d >> 32));
      }
      if (repo.by_sha.count(commit.sha))
        fail(hc.pointer + (c.contains("sha") ? "/sha" : ""), "expected a unique commit SHA",
             describe_found(json(commit.sha)));
      repo.by_sha[commit.sha] = index;
      for (const std::string& t : commit.tags) {
        if (repo.tags.count(t)) fail(hc.pointer + "/tags", "expected each tag once per repository", describe_found(json(t)));
        repo.tags[t] = index;
      }
      repo.branches[commit.branch].push_back(index);
      repo.commits.push_back(std::move(commit));
    }
  }

  std::vector<Repository> repos_;
  std::vector<GitPushListener*> listeners_;
};

KCSIM_REGISTER_MODEL(GitRepositoryModel, "git");

}  // namespace

std::string repository_not_found_error(const std::string& repo_url) {
  return fmt::format("repository not found: {}", repo_url);
}

// reposerver: util/io/path.Path ("%s: app path does not exist").
std::string app_path_missing_error(const std::string& path) { return fmt::format("{}: app path does not exist", path); }

}  // namespace kcsim
