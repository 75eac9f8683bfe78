#include "kcsim/scenario/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "expectations.hpp"
#include "../k8s/json_positions.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/core/input_file.hpp"
#include "kcsim/k8s/object_validation.hpp"

namespace kcsim {

namespace {

const std::set<std::string> kTopLevelKeys = {
    "apiVersion", "kind",     "metadata", "seed",     "duration", "startTime",   "versions",
    "settings",   "objects",  "git",      "traffic",  "timeline", "expectations"};

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
      validate_object(obj, file, p);
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

Scenario load_scenario(const std::string& path) {
  return parse_scenario(read_input_file(path, "scenario file"), path);
}

}  // namespace kcsim
