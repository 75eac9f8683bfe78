#include "kcsim/scenario/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "expectations.hpp"
#include "../k8s/json_positions.hpp"
#include "kcsim/apiserver/git_history.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/field_validation.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/core/input_file.hpp"
#include "kcsim/k8s/manifest_parser.hpp"
#include "kcsim/k8s/object_validation.hpp"

namespace kcsim {

namespace {

const std::set<std::string> kTopLevelKeys = {
    "apiVersion", "kind",     "metadata", "seed",     "duration", "startTime",   "versions",
    "settings",   "objects",  "git",      "traffic",  "timeline", "expectations"};

// The replayed Git history, or none when the git model would refuse the section.
std::vector<GitHistoryRepository> readable_git_history(const Scenario& s) {
  try {
    return git_history(s);
  } catch (const InputError&) {
    return {};
  }
}

// Calls fn(value, pointer) for each file of a scenario's Git repositories, each once (commits that
// keep a file share its value). The replay skips what the git model refuses (a malformed section
// is reported when the World is built), so a section it cannot read yields nothing here.
template <class Fn>
void for_each_git_file(const Scenario& s, Fn&& fn) {
  const std::vector<GitHistoryRepository> history = readable_git_history(s);
  std::set<const json*> seen;
  for (const GitHistoryRepository& repo : history)
    for (const GitHistoryCommit& c : repo.commits)
      for (const auto& [path, f] : *c.tree)
        if (f.value && seen.insert(f.value).second) fn(*f.value, f.pointer);
}

// The manifests of a scenario's Git files that are given as JSON (a manifest or an array of them),
// with their pointers.
std::vector<std::pair<const json*, std::string>> git_json_manifests(const Scenario& s) {
  std::vector<std::pair<const json*, std::string>> out;
  for_each_git_file(s, [&](const json& value, const std::string& pointer) {
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) out.emplace_back(&value[i], pointer + "/" + std::to_string(i));
    } else if (value.is_object()) {
      out.emplace_back(&value, pointer);
    }
  });
  return out;
}

// The YAML text files of a scenario's Git repositories, each once: (text, pointer).
std::vector<std::pair<const json*, std::string>> git_text_files(const Scenario& s) {
  std::vector<std::pair<const json*, std::string>> out;
  for_each_git_file(s, [&](const json& value, const std::string& pointer) {
    if (value.is_string()) out.emplace_back(&value, pointer);
  });
  return out;
}

// The scenario's component versions (its "versions"), for the fields that come and go with them.
VersionCheck versions_of(const Scenario& s) {
  return [&s](const std::string& component, const std::string& version) { return s.versions.at_least(component, version); };
}

// A "kubectl apply" action's manifest when it is one the kubectl model will apply (its own checks
// report the others when the World is built).
const json* applied_manifest(const TimelineAction& a) {
  if (a.action != "kubectl apply" || !a.spec.is_object()) return nullptr;
  auto it = a.spec.find("manifest");
  if (it == a.spec.end() || !it->is_object() || !it->contains("kind") || !it->contains("metadata")) return nullptr;
  return &*it;
}

// A Git file's manifest that the git model accepts (models/git/git_repository.cpp reports the
// others, in its own words, when the World is built).
bool has_identity(const json& m) {
  auto non_empty_string = [](const json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() && !it->get<std::string>().empty();
  };
  if (!m.is_object() || !non_empty_string(m, "apiVersion") || !non_empty_string(m, "kind")) return false;
  auto md = m.find("metadata");
  if (md == m.end() || !md->is_object() || !non_empty_string(*md, "name")) return false;
  return !md->contains("namespace") || (*md)["namespace"].is_string();
}

void expect_type(bool ok, const std::string& file, const std::string& pointer,
                 const std::string& expected, const json& value) {
  if (!ok) throw InputError(file, pointer, expected, describe_found(value));
}

Scenario parse_validated(const json& doc, const std::string& file) {
  Scenario s;
  s.file = file;
  s.raw = doc;
  expect_type(doc.is_object(), file, "", "expected a scenario object", doc);
  for (auto& [key, value] : doc.items()) {
    if (!kTopLevelKeys.count(key))
      throw InputError(file, "/" + escape_pointer_token(key),
                       "expected one of apiVersion, kind, metadata, seed, duration, startTime, "
                       "versions, settings, objects, git, traffic, timeline, expectations",
                       fmt::format("unknown field \"{}\"", key));
    (void)value;
  }
  if (doc.contains("apiVersion")) {
    const json& v = doc["apiVersion"];
    if (!v.is_string() || v.get<std::string>() != "kcsim/v1")
      throw InputError(file, "/apiVersion", "expected \"kcsim/v1\"", describe_found(v));
  }
  if (doc.contains("kind")) {
    const json& v = doc["kind"];
    if (!v.is_string() || v.get<std::string>() != "Scenario")
      throw InputError(file, "/kind", "expected \"Scenario\"", describe_found(v));
  }
  if (!doc.contains("metadata"))
    throw InputError(file, "/metadata", "expected a metadata object with a name", "nothing");
  const json& meta = doc["metadata"];
  expect_type(meta.is_object(), file, "/metadata", "expected an object", meta);
  if (!meta.contains("name") || !meta["name"].is_string() || meta["name"].get<std::string>().empty())
    throw InputError(file, "/metadata/name", "expected a non-empty string",
                     meta.contains("name") ? describe_found(meta["name"]) : "nothing");
  s.name = meta["name"];
  for (auto& [key, value] : meta.items()) {
    if (key != "name" && key != "description" && key != "labels")
      throw InputError(file, "/metadata/" + escape_pointer_token(key),
                       "expected one of name, description, labels",
                       fmt::format("unknown field \"{}\"", key));
    if (key == "description")
      expect_type(value.is_string(), file, "/metadata/description", "expected a string", value);
  }
  s.description = meta.value("description", "");
  if (doc.contains("seed")) {
    const json& v = doc["seed"];
    expect_type(v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0),
                file, "/seed", "expected a non-negative integer", v);
    s.seed = v.get<std::uint64_t>();
  }
  if (doc.contains("duration")) {
    s.duration = read_duration(doc["duration"], file, "/duration");
    if (s.duration.count() == 0)
      throw InputError(file, "/duration", "expected a positive duration", describe_found(doc["duration"]));
  }
  if (doc.contains("startTime")) {
    const json& v = doc["startTime"];
    std::optional<std::int64_t> t;
    if (v.is_string()) t = parse_rfc3339(v.get<std::string>());
    if (!t) throw InputError(file, "/startTime", "expected an RFC 3339 UTC time such as \"2026-01-01T12:00:00Z\"", describe_found(v));
    s.epoch.unix_seconds = *t;
  }
  if (doc.contains("versions")) {
    const json& v = doc["versions"];
    expect_type(v.is_object(), file, "/versions", "expected an object of component: version", v);
    static const std::set<std::string> known = {"kubernetes", "keda", "http-add-on", "argocd"};
    for (auto& [component, version] : v.items()) {
      const std::string p = "/versions/" + escape_pointer_token(component);
      if (!known.count(component))
        throw InputError(file, p, "expected one of kubernetes, keda, http-add-on, argocd",
                         fmt::format("unknown component \"{}\"", component));
      if (!version.is_string() || version.get<std::string>().empty() ||
          !std::isdigit(static_cast<unsigned char>(version.get<std::string>()[version.get<std::string>()[0] == 'v' ? 1 : 0])))
        throw InputError(file, p, "expected a version string such as \"2.18.0\"", describe_found(version));
      s.versions.set(component, version.get<std::string>());
    }
  }
  if (doc.contains("settings")) {
    expect_type(doc["settings"].is_object(), file, "/settings", "expected an object of model: settings", doc["settings"]);
    s.settings = doc["settings"];
    for (auto& [model, value] : s.settings.items())
      expect_type(value.is_object(), file, "/settings/" + escape_pointer_token(model), "expected an object", value);
  }
  if (doc.contains("objects")) {
    const json& objs = doc["objects"];
    expect_type(objs.is_array(), file, "/objects", "expected an array of manifests", objs);
    std::set<ObjectRef> seen;
    for (std::size_t i = 0; i < objs.size(); ++i) {
      const std::string p = "/objects/" + std::to_string(i);
      json obj = objs[i];
      expect_type(obj.is_object(), file, p, "expected a Kubernetes manifest (an object)", obj);
      for (const char* field : {"apiVersion", "kind"})
        if (!obj.contains(field) || !obj[field].is_string() || obj[field].get<std::string>().empty())
          throw InputError(file, p + "/" + field, "expected a non-empty string",
                           obj.contains(field) ? describe_found(obj[field]) : "nothing");
      if (!obj.contains("metadata") || !obj["metadata"].is_object())
        throw InputError(file, p + "/metadata", "expected an object with a name",
                         obj.contains("metadata") ? describe_found(obj["metadata"]) : "nothing");
      json& m = obj["metadata"];
      if (!m.contains("name") || !m["name"].is_string() || m["name"].get<std::string>().empty())
        throw InputError(file, p + "/metadata/name", "expected a non-empty string",
                         m.contains("name") ? describe_found(m["name"]) : "nothing");
      if (m.contains("namespace") && !m["namespace"].is_string())
        throw InputError(file, p + "/metadata/namespace", "expected a string", describe_found(m["namespace"]));
      if (!is_cluster_scoped(obj["kind"].get<std::string>()) && !m.contains("namespace"))
        m["namespace"] = "default";
      (void)validate_object(obj, file, p, versions_of(s));
      const ObjectRef ref = ObjectRef::of(obj);
      if (!seen.insert(ref).second)
        throw InputError(file, p + "/metadata/name", "expected each object once",
                         fmt::format("a second {}", ref.str()));
      s.objects.push_back(std::move(obj));
    }
  }
  for (const char* section : {"git", "traffic"})
    if (doc.contains(section) && !doc[section].is_object() && !doc[section].is_array())
      throw InputError(file, std::string("/") + section, "expected an object or an array", describe_found(doc[section]));
  if (doc.contains("timeline")) {
    const json& tl = doc["timeline"];
    expect_type(tl.is_array(), file, "/timeline", "expected an array of actions", tl);
    for (std::size_t i = 0; i < tl.size(); ++i) {
      const std::string p = "/timeline/" + std::to_string(i);
      const json& a = tl[i];
      expect_type(a.is_object(), file, p, "expected an action object", a);
      if (!a.contains("at"))
        throw InputError(file, p + "/at", "expected the instant of the action (a duration from the start)", "nothing");
      if (!a.contains("action") || !a["action"].is_string())
        throw InputError(file, p + "/action", "expected an action name such as \"kubectl scale\"",
                         a.contains("action") ? describe_found(a["action"]) : "nothing");
      s.timeline.push_back(TimelineAction{SimTime{read_duration(a["at"], file, p + "/at")},
                                          a["action"].get<std::string>(), a, p});
    }
    std::stable_sort(s.timeline.begin(), s.timeline.end(),
                     [](const TimelineAction& x, const TimelineAction& y) { return x.at < y.at; });
  }
  if (doc.contains("expectations")) {
    expect_type(doc["expectations"].is_array(), file, "/expectations", "expected an array", doc["expectations"]);
    s.expectations = doc["expectations"];
  }
  validate_expectations(s);
  // Every manifest the run will create goes through the API server's decoding: the objects above,
  // the manifests `kubectl apply` actions apply and the Git files (as JSON; the git model reads
  // the YAML text ones with include/kcsim/k8s/manifest_parser.hpp, which checks them). A field of
  // the wrong type is an error here; unknown fields are warnings (scenario_warnings).
  const VersionCheck at_least = versions_of(s);
  for (const TimelineAction& a : s.timeline)
    if (const json* m = applied_manifest(a)) (void)validate_object(*m, file, a.pointer + "/manifest", at_least);
  for (const auto& [m, pointer] : git_json_manifests(s))
    if (has_identity(*m)) (void)check_fields(*m, file, pointer, at_least);
  return s;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file) {
  json doc = parse_json_text(text, file);
  try {
    Scenario s = parse_validated(doc, file);
    s.text = std::make_shared<const std::string>(text);
    return s;
  } catch (const InputError& e) {
    throw with_position(e, text);
  }
}

std::vector<ReadWarning> scenario_warnings(const Scenario& s) {
  std::vector<ReadWarning> out;
  std::map<std::string, TextPosition> positions;
  if (s.text) positions = index_json_positions(*s.text);
  auto position = [&](std::string pointer) {
    for (;;) {
      if (auto it = positions.find(pointer); it != positions.end()) return SourcePos{it->second.line, it->second.column};
      if (pointer.empty()) return SourcePos{};
      pointer.resize(pointer.rfind('/'));
    }
  };
  auto add = [&](const std::vector<UnknownField>& unknown, const std::string& base) {
    for (const UnknownField& u : unknown)
      out.push_back(ReadWarning{s.file, 0, position(base + u.pointer), u.message(), base + u.pointer});
  };
  // The objects and actions were validated by parse_scenario: nothing below throws for them.
  const VersionCheck at_least = versions_of(s);
  for (std::size_t i = 0; i < s.objects.size(); ++i) {
    const std::string pointer = "/objects/" + std::to_string(i);
    add(validate_object(s.objects[i], s.file, pointer, at_least), pointer);
  }
  for (const TimelineAction& a : s.timeline)
    if (const json* m = applied_manifest(a))
      add(validate_object(*m, s.file, a.pointer + "/manifest", at_least), a.pointer + "/manifest");
  for (const auto& [m, pointer] : git_json_manifests(s))
    if (has_identity(*m)) add(check_fields(*m, s.file, pointer, at_least), pointer);
  for (const auto& [text, pointer] : git_text_files(s)) {
    std::vector<ReadWarning> read;
    try {
      (void)parse_manifests(text->get<std::string>(), s.file + "#" + pointer, read, at_least);
    } catch (const InputError&) {
      continue;  // the git model reports it when the World is built
    }
    for (const ReadWarning& w : read) {
      if (w.pointer.empty()) continue;  // a skipped document: the git model skips it too, silently
      out.push_back(ReadWarning{s.file, 0, position(pointer), w.message,
                                fmt::format("{}, {} (line {}, column {} of the text)", pointer, w.pointer, w.pos.line,
                                            w.pos.column)});
    }
  }
  return out;
}

Scenario load_scenario(const std::string& path) {
  return parse_scenario(read_input_file(path, "scenario file"), path);
}

}  // namespace kcsim
