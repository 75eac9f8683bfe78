// The describer kubectl uses for a kind it has no describer of, such as the custom resources
// kcsim simulates (ScaledObject, HTTPScaledObject, Application): `describe scaledobject NAME`
// (sim/views/kubectl_describe.hpp). Source: k8s.io/kubectl v0.32.0 pkg/describe/describe.go
// genericDescriber.Describe, printUnstructuredContent and smartLabelFor, which splits field names
// with github.com/fatih/camelcase Split.
#include <algorithm>
#include <cctype>

#include "kubectl_describe.hpp"

namespace kcsim::kubectl_detail {
namespace {

// camelcase.Split over the letters and '-' smartLabelFor lets through: runs of lower case, upper
// case and other characters, the last capital of an upper-case run moving to the lower-case run
// after it ("HTTPServer" -> "HTTP", "Server").
std::vector<std::string> camelcase_split(const std::string& s) {
  auto cls = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::islower(u) ? 1 : std::isupper(u) ? 2 : std::isdigit(u) ? 3 : 4;
  };
  std::vector<std::string> runs;
  int last = 0;
  for (char c : s) {
    const int k = cls(c);
    if (k == last && !runs.empty()) runs.back() += c;
    else runs.emplace_back(1, c);
    last = k;
  }
  for (std::size_t i = 0; i + 1 < runs.size(); ++i) {
    if (!runs[i].empty() && !runs[i + 1].empty() && std::isupper(static_cast<unsigned char>(runs[i][0])) &&
        std::islower(static_cast<unsigned char>(runs[i + 1][0]))) {
      runs[i + 1].insert(runs[i + 1].begin(), runs[i].back());
      runs[i].pop_back();
    }
  }
  std::vector<std::string> out;
  for (std::string& r : runs)
    if (!r.empty()) out.push_back(std::move(r));
  return out;
}

// smartLabelFor: a field name of letters and '-' only becomes words, each title-cased, the common
// acronyms (API, URL, UID, OSB, GUID) upper-cased: "apiVersion" -> "API Version",
// "scaleTargetRef" -> "Scale Target Ref". Any other name (digits, dots, slashes) stays as it is.
std::string smart_label(const std::string& field) {
  for (char c : field)
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-') return field;
  static const char* kAcronyms[] = {"API", "URL", "UID", "OSB", "GUID"};
  std::vector<std::string> words;
  for (std::string part : camelcase_split(field)) {
    if (part == "_") continue;
    std::string up = part;
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (std::find(std::begin(kAcronyms), std::end(kAcronyms), up) != std::end(kAcronyms)) part = up;
    else part[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));  // strings.Title
    words.push_back(part);
  }
  return join(words, " ");
}

// printUnstructuredContent: the fields in byte order; a map as "Label:" and its fields one level
// deeper; a list as "Label:" and each element one level deeper (maps field by field with nothing
// between elements, other values with %v); anything else "Label:\t%v". `skip` holds the paths
// (".metadata.name") left out.
void print_unstructured(PrefixWriter& w, int level, const json& content, const std::string& prefix, const std::vector<std::string>& skip) {
  for (auto it = content.begin(); it != content.end(); ++it) {  // nlohmann objects iterate in key order
    const std::string path = prefix + "." + it.key();
    if (std::find(skip.begin(), skip.end(), path) != skip.end()) continue;
    const json& value = it.value();
    if (value.is_object()) {
      w.write(level, smart_label(it.key()) + ":\n");
      print_unstructured(w, level + 1, value, path, skip);
    } else if (value.is_array()) {
      w.write(level, smart_label(it.key()) + ":\n");
      for (const json& child : value) {
        if (child.is_object()) print_unstructured(w, level + 1, child, path, skip);
        else w.write(level + 1, go_sprint(child) + "\n");
      }
    } else {
      w.write(level, smart_label(it.key()) + ":\t" + go_sprint(value) + "\n");
    }
  }
}

}  // namespace

std::string describe_generic(const Ctx& ctx, const json& obj, bool show_events) {
  PrefixWriter w;
  describe_object_header(w, obj);
  print_unstructured(w, 0, obj, "", {".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"});
  if (show_events) describe_events(w, ctx, events_for(ctx, obj));
  return tabbed_string(w);
}

}  // namespace kcsim::kubectl_detail
