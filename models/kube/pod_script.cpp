#include "pod_script.hpp"

#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/core/input_error.hpp"

namespace kcsim::models {
namespace {

// A count as the annotation's string holds it ("3"): digits only, at most nine.
std::optional<std::int64_t> parse_count(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(s);
}

const json* annotation(const json* annotations, const char* key) {
  if (!annotations || !annotations->is_object()) return nullptr;
  const auto it = annotations->find(key);
  return it == annotations->end() ? nullptr : &*it;
}

std::optional<Duration> duration_annotation(const Annotations& annotations, const char* key) {
  auto it = annotations.find(key);
  if (it == annotations.end()) return std::nullopt;
  std::optional<Duration> d = parse_duration(it->second);
  if (!d || d->count() < 0) return std::nullopt;
  return d;
}

std::string string_annotation(const Annotations& annotations, const char* key) {
  auto it = annotations.find(key);
  return it == annotations.end() ? std::string() : it->second;
}

}  // namespace

PodScript read_pod_script(const Annotations& annotations) {
  PodScript s;
  s.crash_after = duration_annotation(annotations, "kcsim.io/crash-after");
  if (string_annotation(annotations, "kcsim.io/crash-reason") == "OOMKilled") s.crash_reason = "OOMKilled";
  s.crash_limit = parse_count(string_annotation(annotations, "kcsim.io/crash-limit"));
  s.crash_container = string_annotation(annotations, "kcsim.io/crash-container");
  s.app_startup = duration_annotation(annotations, "kcsim.io/app-startup");
  s.shutdown = duration_annotation(annotations, "kcsim.io/shutdown");
  return s;
}

void validate_pod_script(const json& annotations, const std::string& file, const std::string& pointer) {
  if (!annotations.is_object()) return;
  const auto check = [&](const char* key, bool (*valid)(const json&), const char* expected) {
    const json* v = annotation(&annotations, key);
    if (!v) return;
    if (!valid(*v)) throw InputError(file, pointer + "/" + escape_pointer_token(key), expected, describe_found(*v));
  };
  for (const char* key : {"kcsim.io/crash-after", "kcsim.io/app-startup", "kcsim.io/shutdown"}) {
    const json* v = annotation(&annotations, key);
    if (!v) continue;
    const std::string at = pointer + "/" + escape_pointer_token(key);
    if (!v->is_string()) throw InputError(file, at, "expected a duration string such as \"3m\"", describe_found(*v));
    read_duration(*v, file, at);
  }
  check("kcsim.io/crash-reason", [](const json& v) { return v == "Error" || v == "OOMKilled"; },
        "expected \"Error\" or \"OOMKilled\"");
  check("kcsim.io/crash-limit", [](const json& v) { return v.is_string() && parse_count(v.get<std::string>()).has_value(); },
        "expected a count as a string such as \"3\"");
  check("kcsim.io/crash-container", [](const json& v) { return v.is_string(); }, "expected a container name");
}

}  // namespace kcsim::models
