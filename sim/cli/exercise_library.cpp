// Training exercises: reading and validating exercise files, the bundled library, the allowed
// commands (include/kcsim/cli/exercise_library.hpp, docs/exercises.md).
#include "kcsim/cli/exercise_library.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "../k8s/json_positions.hpp"
#include "kcsim/cli/embedded_files.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/core/input_file.hpp"

namespace kcsim {

namespace {
// Each evidence step's id (in exercise files) and title (in feedback), in EvidenceStep's order.
struct EvidenceStepNames {
  EvidenceStep step;
  std::string_view id, title;
};
constexpr EvidenceStepNames kEvidenceSteps[] = {
    {EvidenceStep::kPods, "pods", "Pod names and restart counts"},
    {EvidenceStep::kScalingEvents, "scaling-events", "Scaling events"},
    {EvidenceStep::kMemory, "memory", "Memory against the limit"},
    {EvidenceStep::kWriters, "writers", "The writers of the disputed field"},
    {EvidenceStep::kApplicationVsGit, "application-vs-git", "The live Application against Git"},
    {EvidenceStep::kApplicationDeployer, "application-deployer", "What deploys the Application itself"},
};
const EvidenceStepNames* names_of(EvidenceStep step) {
  for (const EvidenceStepNames& n : kEvidenceSteps)
    if (n.step == step) return &n;
  return nullptr;
}
}  // namespace

std::string_view evidence_step_id(EvidenceStep step) {
  const EvidenceStepNames* n = names_of(step);
  return n ? n->id : std::string_view();
}

std::string_view evidence_step_title(EvidenceStep step) {
  const EvidenceStepNames* n = names_of(step);
  return n ? n->title : std::string_view();
}

std::string_view answer_part_id(AnswerPart part) {
  switch (part) {
    case AnswerPart::kCause: return "cause";
    case AnswerPart::kWriters: return "writers";
    case AnswerPart::kField: return "field";
    case AnswerPart::kFix: return "fix";
  }
  return "";
}

const std::vector<CauseInfo>& exercise_causes() {
  static const std::vector<CauseInfo> causes = {
      {"crash-oom", "the container is killed or exits (OOMKilled, an error): the kubelet restarts it in place"},
      {"controller-fight", "two writers keep setting one field to different values"},
      {"stale-gitops-object", "the fix is in Git but the live object (e.g. an Application) never received it"},
      {"autoscaler-misconfiguration", "the autoscaler's own settings (min/max, target, cooldown) are wrong"},
      {"probe-misconfiguration", "a liveness/readiness probe fails a healthy container"},
      {"image-or-config-error", "the pod cannot start: image pull, missing ConfigMap or Secret"},
  };
  return causes;
}

std::string normalize_cause(std::string_view text) {
  // Lower case, and every run of spaces, "_", "/" or "-" becomes one "-".
  std::string s;
  for (char c : lower(trim(std::string(text)))) {
    const bool sep = c == ' ' || c == '_' || c == '/' || c == '-' || c == '\t';
    if (sep) {
      if (!s.empty() && s.back() != '-') s += '-';
    } else {
      s += c;
    }
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  for (const CauseInfo& c : exercise_causes())
    if (s == c.id) return std::string(c.id);
  static const std::map<std::string, std::string> synonyms = {
      {"oom", "crash-oom"},
      {"oomkilled", "crash-oom"},
      {"crash", "crash-oom"},
      {"crashloop", "crash-oom"},
      {"crash-loop", "crash-oom"},
      {"crashloopbackoff", "crash-oom"},
      {"oom-crash", "crash-oom"},
      {"fight", "controller-fight"},
      {"controllers-fight", "controller-fight"},
      {"field-fight", "controller-fight"},
      {"stale-gitops", "stale-gitops-object"},
      {"stale-application", "stale-gitops-object"},
      {"stale-gitops-application", "stale-gitops-object"},
      {"autoscaler", "autoscaler-misconfiguration"},
      {"autoscaler-config", "autoscaler-misconfiguration"},
      {"hpa-misconfiguration", "autoscaler-misconfiguration"},
      {"keda-misconfiguration", "autoscaler-misconfiguration"},
      {"probe", "probe-misconfiguration"},
      {"image-pull", "image-or-config-error"},
      {"config-error", "image-or-config-error"},
  };
  const auto it = synonyms.find(s);
  return it == synonyms.end() ? "" : it->second;
}

namespace {

// --- reading an exercise file ---------------------------------------------------------------------------

class Reader {
 public:
  Reader(std::string file, const std::string& text) : file_(std::move(file)), text_(text) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& expected, const json* found) const {
    // The line and column of the value, or of its nearest parent that exists.
    if (!positions_) positions_ = index_json_positions(text_);
    std::string p = pointer;
    for (;;) {
      const auto it = positions_->find(p);
      if (it != positions_->end())
        throw InputError(file_, pointer, "expected " + expected, found ? describe_found(*found) : "nothing", it->second.line,
                         it->second.column);
      if (p.empty()) break;
      p = p.substr(0, p.rfind('/'));
    }
    throw InputError(file_, pointer, "expected " + expected, found ? describe_found(*found) : "nothing");
  }

  std::string string(const json& o, const char* key, const std::string& pointer, bool required) const {
    const json* v = o.contains(key) ? &o[key] : nullptr;
    if (!v) {
      if (required) fail(pointer + "/" + key, fmt::format("a string \"{}\"", key), nullptr);
      return "";
    }
    if (!v->is_string() || (required && v->get<std::string>().empty()))
      fail(pointer + "/" + key, "a non-empty string", v);
    return v->get<std::string>();
  }

  std::vector<std::string> strings(const json& v, const std::string& pointer, bool allow_single) const {
    std::vector<std::string> out;
    if (allow_single && v.is_string()) return {v.get<std::string>()};
    if (!v.is_array()) fail(pointer, allow_single ? "a string or an array of strings" : "an array of strings", &v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string() || v[i].get<std::string>().empty())
        fail(fmt::format("{}/{}", pointer, i), "a non-empty string", &v[i]);
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

  void only_keys(const json& o, const std::string& pointer, const std::set<std::string>& keys) const {
    for (auto it = o.begin(); it != o.end(); ++it)
      if (!keys.count(it.key())) {
        std::string list;
        for (const std::string& k : keys) list += (list.empty() ? "" : ", ") + k;
        fail(pointer + "/" + escape_pointer_token(it.key()), "one of the fields " + list, &it.value());
      }
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  const std::string& text_;
  mutable std::optional<std::map<std::string, TextPosition>> positions_;
};

EvidenceStep parse_step(const Reader& r, const json& v, const std::string& pointer) {
  for (const EvidenceStepNames& n : kEvidenceSteps)
    if (v.is_string() && v.get<std::string>() == n.id) return n.step;
  r.fail(pointer, "one of pods, scaling-events, memory, writers, application-vs-git, application-deployer", &v);
}

AnswerPart parse_part(const Reader& r, const json& v, const std::string& pointer) {
  for (AnswerPart p : {AnswerPart::kCause, AnswerPart::kWriters, AnswerPart::kField, AnswerPart::kFix})
    if (v.is_string() && v.get<std::string>() == answer_part_id(p)) return p;
  r.fail(pointer, "one of cause, writers, field, fix", &v);
}

AnswerKey parse_answer_key(const Reader& r, const json& a, const std::string& p) {
  if (!a.is_object()) r.fail(p, "an object with cause, writers, field, fixes, summary", &a);
  r.only_keys(a, p, {"cause", "writers", "field", "fixes", "summary"});
  AnswerKey key;
  if (!a.contains("cause")) r.fail(p + "/cause", "the cause (a string or an array of accepted causes)", nullptr);
  for (const std::string& c : r.strings(a["cause"], p + "/cause", true)) {
    if (normalize_cause(c) != c) {
      std::string ids;
      for (const CauseInfo& ci : exercise_causes()) ids += (ids.empty() ? "" : ", ") + std::string(ci.id);
      r.fail(p + "/cause", "causes from the fixed list: " + ids, &a["cause"]);
    }
    key.causes.push_back(c);
  }
  if (a.contains("writers")) {
    const json& w = a["writers"];
    if (!w.is_array()) r.fail(p + "/writers", "an array of {name, accept}", &w);
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string wp = fmt::format("{}/writers/{}", p, i);
      if (!w[i].is_object()) r.fail(wp, "an object {name, accept}", &w[i]);
      r.only_keys(w[i], wp, {"name", "accept"});
      AcceptedWriter aw;
      aw.name = r.string(w[i], "name", wp, true);
      if (w[i].contains("accept")) aw.accept = r.strings(w[i]["accept"], wp + "/accept", false);
      key.writers.push_back(aw);
    }
  }
  if (!a.contains("field")) r.fail(p + "/field", "the disputed field (a string or an array of accepted spellings)", nullptr);
  key.fields = r.strings(a["field"], p + "/field", true);
  if (!a.contains("fixes") || !a["fixes"].is_array() || a["fixes"].empty())
    r.fail(p + "/fixes", "a non-empty array of {description, percent, match, why}", a.contains("fixes") ? &a["fixes"] : nullptr);
  const json& fixes = a["fixes"];
  for (std::size_t i = 0; i < fixes.size(); ++i) {
    const std::string fp = fmt::format("{}/fixes/{}", p, i);
    if (!fixes[i].is_object()) r.fail(fp, "an object {description, percent, match, why}", &fixes[i]);
    r.only_keys(fixes[i], fp, {"description", "percent", "match", "why"});
    AcceptedFix f;
    f.description = r.string(fixes[i], "description", fp, true);
    f.why = r.string(fixes[i], "why", fp, false);
    if (fixes[i].contains("percent")) {
      const json& pc = fixes[i]["percent"];
      if (!pc.is_number_integer() || pc.get<int>() < 0 || pc.get<int>() > 100) r.fail(fp + "/percent", "an integer from 0 to 100", &pc);
      f.percent = pc.get<int>();
    }
    if (!fixes[i].contains("match")) r.fail(fp + "/match", "an array of phrases (words that must all occur)", nullptr);
    for (const std::string& phrase : r.strings(fixes[i]["match"], fp + "/match", false)) {
      std::vector<std::string> words;
      std::istringstream in(lower(phrase));
      for (std::string w; in >> w;) words.push_back(w);
      f.match.push_back(words);
    }
    key.fixes.push_back(f);
  }
  key.summary = r.string(a, "summary", p, true);
  return key;
}

ExerciseEvidence parse_evidence(const Reader& r, const json& e, const std::string& p) {
  if (!e.is_object()) r.fail(p, "an object {step, kubectl|git, explain, supports, tail}", &e);
  r.only_keys(e, p, {"step", "kubectl", "git", "explain", "supports", "tail"});
  ExerciseEvidence ev;
  if (!e.contains("step")) r.fail(p + "/step", "the investigation step", nullptr);
  ev.step = parse_step(r, e["step"], p + "/step");
  if (e.contains("kubectl") == e.contains("git")) r.fail(p, "exactly one of kubectl or git (the command's arguments)", &e);
  ev.tool = e.contains("kubectl") ? "kubectl" : "git";
  ev.args = r.strings(e[ev.tool], p + "/" + ev.tool, false);
  if (ev.args.empty()) r.fail(p + "/" + ev.tool, "the command's arguments", &e[ev.tool]);
  ev.explain = r.string(e, "explain", p, true);
  if (e.contains("supports")) {
    const json& s = e["supports"];
    if (!s.is_array()) r.fail(p + "/supports", "an array of answer parts (cause, writers, field, fix)", &s);
    for (std::size_t i = 0; i < s.size(); ++i) ev.supports.push_back(parse_part(r, s[i], fmt::format("{}/supports/{}", p, i)));
  }
  if (e.contains("tail")) {
    if (!e["tail"].is_number_integer() || e["tail"].get<int>() < 1) r.fail(p + "/tail", "a positive integer", &e["tail"]);
    ev.tail = e["tail"].get<int>();
  }
  return ev;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  return read_input_file(path.string(), "file");
}

std::optional<std::string> embedded(std::string_view path) {
  for (const EmbeddedFile& f : embedded_files())
    if (f.path == path) return std::string(f.text);
  return std::nullopt;
}

Exercise parse_exercise(const std::string& text, const std::string& file, const std::string& stem, bool bundled,
                        const std::filesystem::path& dir) {
  const json doc = parse_json_text(text, file);
  const Reader r(file, text);
  if (!doc.is_object()) r.fail("", "an exercise object", &doc);
  r.only_keys(doc, "", {"apiVersion", "kind", "metadata", "symptom", "at", "difficulty", "minutes", "allowed", "hints",
                        "scenario", "scenarioPatch", "answer", "evidence"});
  if (!doc.contains("apiVersion") || doc["apiVersion"] != "kcsim/v1")
    r.fail("/apiVersion", "\"kcsim/v1\"", doc.contains("apiVersion") ? &doc["apiVersion"] : nullptr);
  if (!doc.contains("kind") || doc["kind"] != "Exercise") r.fail("/kind", "\"Exercise\"", doc.contains("kind") ? &doc["kind"] : nullptr);
  Exercise ex;
  ex.file = file;
  if (!doc.contains("metadata") || !doc["metadata"].is_object()) r.fail("/metadata", "an object {name, title}", doc.contains("metadata") ? &doc["metadata"] : nullptr);
  const json& md = doc["metadata"];
  r.only_keys(md, "/metadata", {"name", "title"});
  ex.name = r.string(md, "name", "/metadata", true);
  if (bundled && ex.name != stem) r.fail("/metadata/name", fmt::format("\"{}\", the file's name", stem), &md["name"]);
  ex.title = r.string(md, "title", "/metadata", true);
  ex.symptom = r.string(doc, "symptom", "", true);
  if (!doc.contains("at")) r.fail("/at", "the instant of the investigation (a Go duration such as \"2h0m5s\")", nullptr);
  ex.at = read_duration(doc["at"], file, "/at");
  ex.difficulty = r.string(doc, "difficulty", "", true);
  if (ex.difficulty != "easy" && ex.difficulty != "medium" && ex.difficulty != "hard")
    r.fail("/difficulty", "easy, medium or hard", &doc["difficulty"]);
  if (!doc.contains("minutes") || !doc["minutes"].is_number_integer() || doc["minutes"].get<int>() < 1)
    r.fail("/minutes", "the expected time in minutes (a positive integer)", doc.contains("minutes") ? &doc["minutes"] : nullptr);
  ex.minutes = doc["minutes"].get<int>();
  if (doc.contains("allowed")) {
    ex.allowed = r.strings(doc["allowed"], "/allowed", false);
    for (std::size_t i = 0; i < ex.allowed.size(); ++i) {
      const std::string& a = ex.allowed[i];
      if (a.rfind("kubectl ", 0) != 0 && a.rfind("argocd ", 0) != 0 && a.rfind("git ", 0) != 0)
        r.fail(fmt::format("/allowed/{}", i), "a command starting with kubectl, argocd or git (\"kubectl get pods\")", &doc["allowed"][i]);
    }
  } else {
    ex.allowed = {"kubectl get pods", "kubectl get events", "kubectl get deploy", "kubectl get rs", "kubectl get hpa",
                  "kubectl get scaledobject", "kubectl get httpscaledobject", "kubectl get application",
                  "kubectl describe pod", "kubectl top pod", "kubectl logs", "argocd app get",
                  "git log", "git ls-files", "git show"};
  }
  if (doc.contains("hints")) ex.hints = r.strings(doc["hints"], "/hints", false);
  if (ex.hints.empty()) r.fail("/hints", "at least one hint", doc.contains("hints") ? &doc["hints"] : nullptr);
  if (!doc.contains("answer")) r.fail("/answer", "the answer key", nullptr);
  ex.answer = parse_answer_key(r, doc["answer"], "/answer");
  if (!doc.contains("evidence") || !doc["evidence"].is_array() || doc["evidence"].empty())
    r.fail("/evidence", "a non-empty array of evidence", doc.contains("evidence") ? &doc["evidence"] : nullptr);
  for (std::size_t i = 0; i < doc["evidence"].size(); ++i)
    ex.evidence.push_back(parse_evidence(r, doc["evidence"][i], fmt::format("/evidence/{}", i)));
  std::stable_sort(ex.evidence.begin(), ex.evidence.end(),
                   [](const ExerciseEvidence& a, const ExerciseEvidence& b) { return a.step < b.step; });

  // The scenario: a path (bundled: a file compiled in; on disk: next to the exercise or one
  // directory up, as exercises/ and scenarios/ sit side by side) or the scenario inline.
  if (!doc.contains("scenario")) r.fail("/scenario", "a scenario path or an inline scenario", nullptr);
  const json& sc = doc["scenario"];
  json scenario_doc;
  if (sc.is_string()) {
    const std::string rel = sc.get<std::string>();
    std::optional<std::string> scenario_text;
    if (bundled) {
      scenario_text = embedded(rel);
      ex.scenario_file = rel;
    } else {
      for (const std::filesystem::path& base : {dir, dir.parent_path()}) {
        const std::filesystem::path candidate = std::filesystem::path(rel).is_absolute() ? std::filesystem::path(rel) : base / rel;
        if ((scenario_text = read_text_file(candidate))) {
          ex.scenario_file = candidate.lexically_normal().string();
          break;
        }
      }
    }
    if (!scenario_text) r.fail("/scenario", "the path of a readable scenario file (relative to the exercise or its parent directory)", &sc);
    scenario_doc = parse_json_text(*scenario_text, ex.scenario_file);
  } else if (sc.is_object()) {
    scenario_doc = sc;
    ex.scenario_file = file + " (inline)";
  } else {
    r.fail("/scenario", "a scenario path or an inline scenario object", &sc);
  }
  if (doc.contains("scenarioPatch")) {
    // RFC 7386 JSON merge patch: lets an exercise add what only the exercise needs (the app's
    // startup log lines) without touching the scenario file.
    if (!doc["scenarioPatch"].is_object()) r.fail("/scenarioPatch", "a JSON merge patch object", &doc["scenarioPatch"]);
    scenario_doc.merge_patch(doc["scenarioPatch"]);
  }
  ex.scenario_text = scenario_doc.dump(2);
  return ex;
}

}  // namespace

std::vector<std::string> bundled_exercise_names() {
  std::vector<std::string> names;
  for (const EmbeddedFile& f : embedded_files()) {
    const std::string_view prefix = "exercises/", suffix = ".json";
    if (f.path.substr(0, prefix.size()) == prefix && f.path.size() > prefix.size() + suffix.size() &&
        f.path.substr(f.path.size() - suffix.size()) == suffix)
      names.emplace_back(f.path.substr(prefix.size(), f.path.size() - prefix.size() - suffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Exercise load_exercise(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 5 && name_or_path.compare(name_or_path.size() - 5, 5, ".json") == 0);
  if (!is_path) {
    const std::string file = "exercises/" + name_or_path + ".json";
    if (const auto text = embedded(file)) return parse_exercise(*text, file, name_or_path, true, {});
    std::string names;
    for (const std::string& n : bundled_exercise_names()) names += (names.empty() ? "" : ", ") + n;
    throw InputError(name_or_path, "", "expected the name of an exercise (" + names + ") or the path of an exercise file",
                     "no such exercise");
  }
  const auto text = read_text_file(name_or_path);
  if (!text) throw InputError(name_or_path, "", "expected a readable exercise file", "no such file or it cannot be read");
  const std::filesystem::path p(name_or_path);
  return parse_exercise(*text, name_or_path, p.stem().string(), false, p.parent_path());
}

Scenario exercise_scenario(const Exercise& exercise) {
  Scenario s = parse_scenario(exercise.scenario_text, exercise.scenario_file);
  if (exercise.at > s.duration)
    throw InputError(exercise.file, "/at", fmt::format("expected an instant within the scenario's duration ({})", format_go_duration(s.duration)),
                     format_go_duration(exercise.at));
  return s;
}

namespace {

// kubectl's resource aliases for the types the views know (kubectl api-resources SHORTNAMES).
std::string canonical_resource(const std::string& r) {
  static const std::map<std::string, std::string> aliases = {
      {"po", "pods"}, {"pod", "pods"}, {"pods", "pods"},
      {"ev", "events"}, {"event", "events"}, {"events", "events"},
      {"deploy", "deploy"}, {"deployment", "deploy"}, {"deployments", "deploy"}, {"deployment.apps", "deploy"}, {"deployments.apps", "deploy"},
      {"rs", "rs"}, {"replicaset", "rs"}, {"replicasets", "rs"},
      {"hpa", "hpa"}, {"horizontalpodautoscaler", "hpa"}, {"horizontalpodautoscalers", "hpa"},
      {"so", "scaledobject"}, {"scaledobject", "scaledobject"}, {"scaledobjects", "scaledobject"},
      {"httpscaledobject", "httpscaledobject"}, {"httpscaledobjects", "httpscaledobject"}, {"httpso", "httpscaledobject"},
      {"app", "application"}, {"apps", "application"}, {"application", "application"}, {"applications", "application"},
  };
  std::string key = lower(r);
  if (const std::size_t slash = key.find('/'); slash != std::string::npos) key = key.substr(0, slash);  // pod/NAME
  const auto it = aliases.find(key);
  return it == aliases.end() ? key : it->second;
}

// The command's words without flags and flag values: {"get", "pods"} for `get pods -n prod`.
std::vector<std::string> command_words(const std::vector<std::string>& args) {
  static const std::set<std::string> with_value = {"-n", "--namespace", "-l", "--selector", "-o", "--output", "-c",
                                                   "--container", "--sort-by", "--field-selector", "--tail", "--since",
                                                   "-N", "--app-namespace", "--server"};
  std::vector<std::string> words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!args[i].empty() && args[i][0] == '-') {
      if (with_value.count(args[i])) ++i;
      continue;
    }
    words.push_back(args[i]);
  }
  return words;
}

}  // namespace

bool exercise_allows(const Exercise& exercise, const std::string& tool, const std::vector<std::string>& args,
                     std::string& why_not) {
  std::vector<std::string> words = command_words(args);
  if (tool == "kubectl" && !words.empty() && words[0] == "kubectl") words.erase(words.begin());
  std::string program = tool;
  if (tool == "kubectl" && !words.empty() && words[0] == "argocd") {
    program = "argocd";
    words.erase(words.begin());
  }
  // kubectl VERB RESOURCE: the resource by its canonical short name.
  if (program == "kubectl" && words.size() >= 2 && words[0] != "logs") words[1] = canonical_resource(words[1]);
  for (const std::string& allowed : exercise.allowed) {
    std::vector<std::string> want;
    std::istringstream in(allowed);
    for (std::string w; in >> w;) want.push_back(w);
    if (want.empty() || want[0] != program) continue;
    want.erase(want.begin());
    if (program == "kubectl" && want.size() >= 2 && want[0] != "logs") want[1] = canonical_resource(want[1]);
    if (want.size() <= words.size() && std::equal(want.begin(), want.end(), words.begin())) return true;
  }
  why_not = "the commands it supports:";
  for (const std::string& a : exercise.allowed) why_not += "\n  " + a;
  return false;
}

}  // namespace kcsim
