// Reading manifests from files and directories, sorting them into Git, live and declared, and
// reading a scenario as a manifest set (include/kcsim/scenario/manifest_reader.hpp). Parsing one
// file's text is sim/k8s/manifest_parser.cpp.
#include "kcsim/scenario/manifest_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "../k8s/json_positions.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/core/input_file.hpp"
#include "kcsim/apiserver/git_history.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxFileBytes = 64u * 1024 * 1024;
constexpr std::size_t kMaxFiles = 100000;

std::string escape_token(const std::string& token) { return escape_pointer_token(token); }

std::string string_or(const json& obj, const char* key, const std::string& fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

namespace {

std::string read_text(const std::string& path) {
  return read_input_file(path, "file", kMaxFileBytes);
}

bool is_manifest_name(const std::string& name) {
  const std::string l = lower(name);
  return ends_with(l, ".yaml") || ends_with(l, ".yml") || ends_with(l, ".json");
}

bool hidden(const fs::path& p) {
  const std::string n = p.filename().string();
  return !n.empty() && n[0] == '.' && n != "." && n != "..";
}

// Files under a directory, in path order; `exclude` are top-level subdirectories to leave out.
std::vector<fs::path> list_files(const fs::path& dir, const std::set<std::string>& exclude = {}) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) throw InputError(dir.string(), "", "expected a readable directory", ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw InputError(dir.string(), "", "expected a readable directory", ec.message());
    const fs::path& p = it->path();
    // The error_code forms: a link to itself (ELOOP) or to nowhere is skipped, not thrown.
    std::error_code type_ec;
    const bool directory = it->is_directory(type_ec);
    if (hidden(p) || (it.depth() == 0 && directory && exclude.count(p.filename().string()))) {
      if (directory) it.disable_recursion_pending();
      continue;
    }
    // Regular files only (through links): a FIFO or a device in the tree may block or never end.
    if (is_manifest_name(p.filename().string()) && is_readable_entry(p.string())) files.push_back(p);
    if (files.size() > kMaxFiles)
      throw InputError(dir.string(), "", fmt::format("expected at most {} manifest files", kMaxFiles), "more");
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.generic_string() < b.generic_string();
  });
  return files;
}

std::vector<Manifest> read_files(const fs::path& root, const std::vector<fs::path>& files,
                                 std::vector<ReadWarning>& warnings) {
  std::vector<Manifest> out;
  for (const fs::path& f : files) {
    std::vector<Manifest> ms = parse_manifests(read_text(f.string()), f.string(), warnings);
    const std::string rel = fs::relative(f, root).generic_string();
    for (Manifest& m : ms) {
      m.rel_path = rel;
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace

std::vector<Manifest> read_manifest_path(const std::string& path, std::vector<ReadWarning>& warnings) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw InputError(path, "", "expected a file or a directory of manifests", "nothing there");
  if (fs::is_directory(st)) return read_files(fs::path(path), list_files(path), warnings);
  std::vector<Manifest> ms = parse_manifests(read_text(path), path, warnings);
  for (Manifest& m : ms) m.rel_path = fs::path(path).filename().generic_string();
  return ms;
}

// --- fields ------------------------------------------------------------------------------------

namespace {

void collect_leaves(const json& v, std::string& path, std::vector<std::string>& out) {
  if (v.is_object()) {
    if (v.empty()) {
      out.push_back(path);
      return;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::size_t n = path.size();
      path += "/" + escape_token(it.key());
      collect_leaves(*it, path, out);
      path.resize(n);
    }
    return;
  }
  if (v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_object(); })) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::size_t n = path.size();
      path += "/" + std::to_string(i);
      collect_leaves(v[i], path, out);
      path.resize(n);
    }
    return;
  }
  out.push_back(path);
}

const std::set<std::string> kServerMetadata = {"uid", "resourceVersion", "generation", "creationTimestamp",
                                               "managedFields", "selfLink", "deletionTimestamp",
                                               "deletionGracePeriodSeconds"};

}  // namespace

std::vector<std::string> leaf_fields(const json& object) {
  std::vector<std::string> out;
  if (!object.is_object()) return out;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& k = it.key();
    if (k == "apiVersion" || k == "kind" || k == "status") continue;
    if (k == "metadata" && it->is_object()) {
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (m.key() == "name" || m.key() == "namespace" || kServerMetadata.count(m.key())) continue;
        std::string path = "/metadata/" + escape_token(m.key());
        if (m.key() == "annotations" && m->is_object()) {
          for (auto a = m->begin(); a != m->end(); ++a) {
            // Written by kubectl itself, not declared by anyone.
            if (a.key() == k8s::kLastAppliedConfigAnnotation) continue;
            out.push_back(path + "/" + escape_token(a.key()));
          }
          continue;
        }
        collect_leaves(*m, path, out);
      }
      continue;
    }
    std::string path = "/" + escape_token(k);
    collect_leaves(*it, path, out);
  }
  return out;
}

json strip_server_fields(const json& object) {
  json out = object;
  if (!out.is_object()) return out;
  out.erase("status");
  if (out.contains("metadata") && out["metadata"].is_object()) {
    json& md = out["metadata"];
    for (const std::string& k : kServerMetadata) md.erase(k);
    if (md.contains("annotations") && md["annotations"].is_object()) {
      md["annotations"].erase(k8s::kLastAppliedConfigAnnotation);
      if (md["annotations"].empty()) md.erase("annotations");
    }
  }
  return out;
}

bool has_server_fields(const json& object) {
  if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) return false;
  const json& md = object["metadata"];
  return md.contains("uid") || md.contains("resourceVersion") || md.contains("creationTimestamp") ||
         md.contains("managedFields");
}

// --- manifest sets --------------------------------------------------------------------------------

namespace {

// The URL of the "origin" remote in DIR/.git/config, or "" (a clone knows where it came from).
std::string git_remote_url(const fs::path& dir) {
  std::ifstream in(dir / ".git" / "config");
  if (!in) return "";
  std::string line;
  bool in_origin = false;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    line = line.substr(first);
    if (line[0] == '[') {
      in_origin = line.rfind("[remote \"origin\"]", 0) == 0;
      continue;
    }
    if (in_origin && line.rfind("url", 0) == 0) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string url = line.substr(eq + 1);
      url.erase(0, url.find_first_not_of(" \t"));
      while (!url.empty() && (url.back() == ' ' || url.back() == '\r')) url.pop_back();
      return url;
    }
  }
  return "";
}

void set_origin(std::vector<Manifest>& ms, ManifestOrigin origin) {
  for (Manifest& m : ms) m.origin = origin;
}

void append(std::vector<Manifest>& to, std::vector<Manifest>&& from) {
  for (Manifest& m : from) to.push_back(std::move(m));
}

// Live and declared objects: one per ref, the later wins (kubectl apply of both leaves the later).
void dedupe(std::vector<Manifest>& ms, std::vector<ReadWarning>& warnings) {
  std::map<ObjectRef, std::size_t> last;
  for (std::size_t i = 0; i < ms.size(); ++i) last[ms[i].ref()] = i;
  std::vector<Manifest> out;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    const std::size_t keep = last[ms[i].ref()];
    if (keep != i) {
      warnings.push_back(ReadWarning{ms[i].file, ms[i].document, ms[i].pos,
                                     fmt::format("{} appears again at {}; the later one is used", ms[i].ref().str(),
                                                 ms[keep].where())});
      continue;
    }
    out.push_back(std::move(ms[i]));
  }
  ms = std::move(out);
}

void default_namespace(std::vector<Manifest>& ms, const std::string& ns) {
  for (Manifest& m : ms) {
    const std::string kind = m.object.value("kind", "");
    json& md = m.object["metadata"];
    if (!is_cluster_scoped(kind) && !md.contains("namespace")) md["namespace"] = ns;
  }
}

// The repoURL of a source path: Applications (any origin) name (repoURL, path); a Git tree whose
// files sit under one of those paths is that repository. The URL matched by the most sources
// wins; ties go to the smallest URL, so the choice never depends on input order.
std::string guess_repo_url(const std::vector<Manifest>& tree, const ManifestSet& set) {
  std::map<std::string, int> votes;
  auto consider = [&](const json& source) {
    if (!source.is_object()) return;
    auto str = [&](const char* key) {
      auto it = source.find(key);
      return it != source.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string url = str("repoURL");
    std::string path = str("path");
    if (url.empty()) return;
    while (path.rfind("./", 0) == 0) path.erase(0, 2);
    while (!path.empty() && path.back() == '/') path.pop_back();
    for (const Manifest& m : tree)
      if (path.empty() || path == "." || m.rel_path.rfind(path + "/", 0) == 0) {
        ++votes[url];
        return;
      }
  };
  auto scan = [&](const std::vector<Manifest>& ms) {
    for (const Manifest& m : ms) {
      if (m.object.value("kind", "") != "Application" || !m.object.contains("spec") || !m.object["spec"].is_object())
        continue;
      const json& spec = m.object["spec"];
      if (spec.contains("source")) consider(spec["source"]);
      if (spec.contains("sources") && spec["sources"].is_array())
        for (const json& s : spec["sources"]) consider(s);
    }
  };
  scan(set.git);
  scan(tree);
  scan(set.live);
  scan(set.declared);
  std::string best;
  int best_votes = 0;
  for (const auto& [url, n] : votes)
    if (n > best_votes) best = url, best_votes = n;
  return best;
}

}  // namespace

namespace {

InputError strict_error(const ReadWarning& w) {
  return InputError(w.file, w.pointer.empty() ? fmt::format("document {}", w.document + 1) : w.pointer,
                    "expected no warnings (--strict)", w.message, w.pos.line, w.pos.column);
}

}  // namespace

bool is_scenario_file(const std::string& path) {
  if (!ends_with(lower(path), ".json")) return false;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  const json doc = json::parse(read_input_file(path, "file"), nullptr, false);
  if (!doc.is_object()) return false;
  if (string_or(doc, "apiVersion", "") == "kcsim/v1" || string_or(doc, "kind", "") == "Scenario") return true;
  return !doc.contains("apiVersion") && !doc.contains("kind") && (doc.contains("objects") || doc.contains("timeline"));
}

ManifestSet load_manifest_set(const ManifestInputs& inputs) {
  ManifestSet set;
  for (const std::string& p : inputs.paths)
    if (is_scenario_file(p)) {
      if (inputs.paths.size() > 1 || !inputs.git.empty() || !inputs.live.empty())
        throw InputError(p, "", "expected a scenario alone (without other paths, --git or --live)",
                         fmt::format("{} other inputs", inputs.paths.size() - 1 + inputs.git.size() + inputs.live.size()));
      set = manifest_set_from_scenario(p);
      if (inputs.strict && !set.warnings.empty())
        throw strict_error(set.warnings[0]);
      return set;
    }

  std::vector<std::pair<std::vector<Manifest>, std::string>> trees;  // (manifests, directory)
  auto add_git = [&](const std::string& dir, const std::string& url) {
    std::vector<Manifest> ms = read_manifest_path(dir, set.warnings);
    set_origin(ms, ManifestOrigin::kGit);
    std::string u = url.empty() ? git_remote_url(dir) : url;
    for (Manifest& m : ms) m.repo_url = u;
    trees.emplace_back(std::move(ms), dir);
  };
  auto add_live = [&](const std::string& path) {
    std::vector<Manifest> ms = read_manifest_path(path, set.warnings);
    set_origin(ms, ManifestOrigin::kLive);
    append(set.live, std::move(ms));
  };
  auto add_classified = [&](std::vector<Manifest>&& ms) {
    for (Manifest& m : ms) {
      if (has_server_fields(m.object)) {
        m.origin = ManifestOrigin::kLive;
        set.live.push_back(std::move(m));
      } else {
        m.origin = ManifestOrigin::kDeclared;
        set.declared.push_back(std::move(m));
      }
    }
  };
  for (const std::string& dir : inputs.git) add_git(dir, inputs.repo_url);
  for (const std::string& p : inputs.live) add_live(p);
  for (const std::string& p : inputs.paths) {
    std::error_code ec;
    const fs::path dir(p);
    const bool convention = fs::is_directory(dir, ec) &&
                            (fs::is_directory(dir / "git", ec) || fs::is_directory(dir / "live", ec));
    if (!convention) {
      add_classified(read_manifest_path(p, set.warnings));
      continue;
    }
    if (fs::is_directory(dir / "git", ec)) add_git((dir / "git").string(), inputs.repo_url);
    if (fs::is_directory(dir / "live", ec)) add_live((dir / "live").string());
    add_classified(read_files(dir, list_files(dir, {"git", "live"}), set.warnings));
  }
  default_namespace(set.declared, inputs.default_namespace);
  dedupe(set.live, set.warnings);
  dedupe(set.declared, set.warnings);
  for (auto& [tree, dir] : trees) {
    std::string url = tree.empty() ? std::string() : tree.front().repo_url;
    if (url.empty()) {
      url = guess_repo_url(tree, set);
      for (Manifest& m : tree) m.repo_url = url;
    }
    if (!set.repositories.count(url)) set.repositories[url] = dir;
    append(set.git, std::move(tree));
  }
  if (inputs.strict && !set.warnings.empty()) {
    throw strict_error(set.warnings[0]);
  }
  return set;
}

// --- scenarios ------------------------------------------------------------------------------------

namespace {

Manifest from_scenario(const std::string& file, const json& object, const std::string& pointer,
                       const std::map<std::string, TextPosition>& positions, ManifestOrigin origin) {
  Manifest m;
  m.file = m.rel_path = file;  // a scenario is its own root
  m.origin = origin;
  m.pointer_prefix = pointer;
  m.object = object;
  for (auto it = positions.lower_bound(pointer); it != positions.end(); ++it) {
    const std::string& p = it->first;
    if (p.compare(0, pointer.size(), pointer) != 0) break;
    if (p.size() == pointer.size()) m.pos = SourcePos{it->second.line, it->second.column};
    else if (p[pointer.size()] == '/') m.positions[p.substr(pointer.size())] = SourcePos{it->second.line, it->second.column};
  }
  m.positions[""] = m.pos;
  return m;
}

}  // namespace

ManifestSet manifest_set_from_scenario(const std::string& path) {
  const Scenario sc = load_scenario(path);  // validates; throws InputError with positions
  // The models validate their own sections ("git", settings, timeline actions) when they are
  // built: build them once, without running, so that a scenario explain accepts is one that
  // `kcsim run` accepts, and the reading below can trust the types.
  { World check(sc); }
  const std::string text = read_text(path);
  const auto positions = index_json_positions(text);
  ManifestSet set;
  set.scenario_file = path;
  set.scenario = sc.raw;
  std::map<ObjectRef, std::size_t> live_index;
  auto add_live = [&](Manifest m) {
    const ObjectRef ref = m.ref();
    if (auto it = live_index.find(ref); it != live_index.end()) {
      set.live[it->second] = std::move(m);
    } else {
      live_index[ref] = set.live.size();
      set.live.push_back(std::move(m));
    }
  };
  for (std::size_t i = 0; i < sc.objects.size(); ++i)
    add_live(from_scenario(path, sc.objects[i], "/objects/" + std::to_string(i), positions, ManifestOrigin::kLive));
  for (const TimelineAction& a : sc.timeline) {
    if (a.action != "kubectl apply" || !a.spec.contains("manifest") || !a.spec["manifest"].is_object()) continue;
    json obj = a.spec["manifest"];
    if (!obj.contains("metadata") || !obj["metadata"].is_object()) continue;
    if (!obj.contains("kind") || !obj["kind"].is_string()) continue;
    if (!is_cluster_scoped(obj["kind"].get<std::string>()) && !obj["metadata"].contains("namespace"))
      obj["metadata"]["namespace"] = "default";
    Manifest m = from_scenario(path, obj, a.pointer + "/manifest", positions, ManifestOrigin::kLive);
    add_live(m);
    m.origin = ManifestOrigin::kDeclared;
    set.declared.push_back(std::move(m));
  }
  // The default branch of each repository at its last commit, from the one replay of the
  // history (include/kcsim/apiserver/git_history.hpp) that the git model serves.
  for (const GitHistoryRepository& repo : git_history(sc)) {
    std::shared_ptr<const GitTree> tree;
    for (const GitHistoryCommit& c : repo.commits)
      if (c.branch == repo.default_branch) tree = c.tree;
    if (tree)
      for (const auto& [file, f] : *tree) {
        const json& value = *f.value;
        std::vector<Manifest> list;
        if (value.is_array()) {
          for (std::size_t j = 0; j < value.size(); ++j)
            list.push_back(from_scenario(path, value[j], f.pointer + "/" + std::to_string(j), positions, ManifestOrigin::kGit));
        } else if (value.is_string()) {
          // The file's text (models/git/git_repository.cpp accepts it): positions are in the text.
          // Its unknown fields are among scenario_warnings below (positions in the scenario file).
          std::vector<ReadWarning> read;
          list = parse_manifests(value.get<std::string>(), path + "#" + f.pointer, read);
          for (ReadWarning& w : read)
            if (w.pointer.empty()) set.warnings.push_back(std::move(w));
          for (Manifest& m : list) m.origin = ManifestOrigin::kGit;
        } else {
          list.push_back(from_scenario(path, value, f.pointer, positions, ManifestOrigin::kGit));
        }
        for (std::size_t j = 0; j < list.size(); ++j) {
          list[j].rel_path = file;
          list[j].repo_url = repo.url;
          if (!value.is_string()) list[j].document = j;
          set.git.push_back(std::move(list[j]));
        }
      }
    set.repositories[repo.url] = "";
  }
  for (ReadWarning& w : scenario_warnings(sc)) set.warnings.push_back(std::move(w));
  return set;
}

}  // namespace kcsim
