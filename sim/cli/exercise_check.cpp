// Scoring an answer and explaining the evidence (include/kcsim/cli/exercise_check.hpp).
#include "kcsim/cli/exercise_check.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "../k8s/json_positions.hpp"
#include "kcsim/analysis/report.hpp"
#include "kcsim/views/git_view.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/apiserver/world.hpp"
#include "../k8s/yaml_guard.hpp"
#include "kcsim/core/input_file.hpp"

namespace kcsim {
namespace {

std::vector<std::string> split_writers(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',') {
      cur = trim(cur);
      if (!cur.empty() && lower(cur) != "none") out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

const std::set<std::string> kAnswerKeys = {"cause", "writers", "field", "fix"};
constexpr const char* kAnswerKeyList = "cause, writers, field, fix";

ExerciseAnswer from_json(const std::string& text, const std::string& file) {
  json doc = parse_json_text(text, file);
  const auto positions = index_json_positions(text);
  auto fail = [&](const std::string& pointer, const std::string& expected, const std::string& found) {
    const auto it = positions.find(pointer);
    if (it != positions.end()) throw InputError(file, pointer, "expected " + expected, found, it->second.line, it->second.column);
    throw InputError(file, pointer, "expected " + expected, found);
  };
  if (!doc.is_object()) fail("", std::string("an object with ") + kAnswerKeyList, describe_found(doc));
  ExerciseAnswer a;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string p = "/" + escape_pointer_token(it.key());
    if (!kAnswerKeys.count(it.key())) fail(p, std::string("one of ") + kAnswerKeyList, "\"" + it.key() + "\"");
    const json& v = it.value();
    if (it.key() == "writers") {
      if (v.is_string()) {
        a.writers = split_writers(v.get<std::string>());
      } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (!v[i].is_string()) fail(fmt::format("{}/{}", p, i), "a writer's name (a string)", describe_found(v[i]));
          a.writers.push_back(trim(v[i].get<std::string>()));
        }
      } else if (!v.is_null()) {
        fail(p, "a list of writers, or names separated by commas", describe_found(v));
      }
      continue;
    }
    if (!v.is_string()) fail(p, "a string", describe_found(v));
    (it.key() == "cause" ? a.cause : it.key() == "field" ? a.field : a.fix) = trim(v.get<std::string>());
  }
  if (a.cause.empty()) fail(doc.contains("cause") ? "/cause" : "", "a cause (" + std::string("crash-oom, controller-fight, ...") + ")",
                            doc.contains("cause") ? "an empty string" : "no \"cause\"");
  return a;
}

ExerciseAnswer from_yaml(const std::string& text, const std::string& file) {
  // libyaml checks the syntax first: yaml-cpp 0.7 loops forever on some invalid YAML (issue #9,
  // sim/k8s/yaml_guard.hpp).
  if (const auto bad = check_yaml_syntax(text))
    throw InputError(file, "", "expected " + bad->expected, bad->found, bad->line, bad->column);
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file, "", "expected a YAML mapping (cause: ..., writers: [...], field: ..., fix: ...)", e.msg, e.mark.line + 1,
                     e.mark.column + 1);
  }
  auto fail = [&](const YAML::Node& at, const std::string& pointer, const std::string& expected, const std::string& found) {
    const YAML::Mark m = at.Mark();
    if (m.is_null()) throw InputError(file, pointer, "expected " + expected, found);
    throw InputError(file, pointer, "expected " + expected, found, m.line + 1, m.column + 1);
  };
  if (!doc.IsMap()) fail(doc, "", std::string("a mapping with the keys ") + kAnswerKeyList, doc.IsNull() ? "an empty document" : "not a mapping");
  ExerciseAnswer a;
  for (auto entry = doc.begin(); entry != doc.end(); ++entry) {
    const YAML::Node k = entry->first, v = entry->second;
    if (!k.IsScalar()) fail(k, "", "a key", "a non-scalar key");
    const std::string key = k.Scalar();
    const std::string p = "/" + escape_pointer_token(key);
    if (!kAnswerKeys.count(key)) fail(k, p, std::string("one of ") + kAnswerKeyList, "\"" + key + "\"");
    if (key == "writers") {
      if (v.IsScalar()) {
        a.writers = split_writers(v.Scalar());
      } else if (v.IsSequence()) {
        std::size_t i = 0;
        for (auto item_it = v.begin(); item_it != v.end(); ++item_it) {
          const YAML::Node item = *item_it;
          if (!item.IsScalar()) fail(item, fmt::format("{}/{}", p, i), "a writer's name", "a collection");
          a.writers.push_back(trim(item.Scalar()));
          ++i;
        }
      } else if (!v.IsNull()) {
        fail(v, p, "a list of writers, or names separated by commas", "a mapping");
      }
      continue;
    }
    if (!v.IsScalar()) fail(v, p, "a single line of text", v.IsNull() ? "nothing" : "a collection");
    (key == "cause" ? a.cause : key == "field" ? a.field : a.fix) = trim(v.Scalar());
  }
  if (a.cause.empty()) {
    const YAML::Node cause = doc["cause"];
    if (cause) fail(cause, "/cause", "a cause (crash-oom, controller-fight, ...)", "an empty value");
    fail(doc, "", "a cause (crash-oom, controller-fight, ...)", "no \"cause\"");
  }
  return a;
}

// Field spellings compare as dotted paths: "/spec/replicas", ".spec.replicas" and
// "spec.replicas" are one field; "containers[0]" is "containers.0"; case and spaces do not count.
std::string normalize_field(std::string f) {
  std::string out;
  for (char c : lower(trim(f))) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '/' || c == '[') c = '.';
    if (c == ']') continue;
    out += c;
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  return out;
}

std::string normalize_name(std::string s) {
  std::string out;
  for (char c : lower(trim(s)))
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  return out;
}

}  // namespace

ExerciseAnswer parse_answer(const std::string& text, const std::string& file) {
  const bool json_name = file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (json_name || (first != std::string::npos && text[first] == '{')) return from_json(text, file);
  return from_yaml(text, file);
}

ExerciseAnswer read_answer_file(const std::string& path) {
  if (path == "-") return parse_answer(read_input_stream(std::cin, "<stdin>"), "<stdin>");
  return parse_answer(read_input_file(path, "answer file"), path);
}

bool ExerciseScore::missed(AnswerPart part) const {
  for (const PartScore& p : parts)
    if (p.part == part) return p.points < p.max;
  return false;
}

ExerciseScore score_answer(const Exercise& exercise, const ExerciseAnswer& answer) {
  const AnswerKey& key = exercise.answer;
  const bool has_writers = !key.writers.empty();
  ExerciseScore score;
  const std::string cause = normalize_cause(answer.cause);
  const bool cause_ok = std::find(key.causes.begin(), key.causes.end(), cause) != key.causes.end();
  score.parts.push_back({AnswerPart::kCause, cause_ok ? 40 : 0, 40,
                         cause_ok ? cause
                                  : (cause.empty() ? fmt::format("\"{}\" is not one of the causes", answer.cause)
                                                   : fmt::format("{} is not what happened", cause))});
  if (has_writers) {
    // Each named writer that is one of the key's counts once; naming extra writers dilutes.
    std::set<std::size_t> matched;
    std::vector<std::string> unknown;
    for (const std::string& w : answer.writers) {
      bool hit = false;
      for (std::size_t i = 0; i < key.writers.size() && !hit; ++i) {
        std::vector<std::string> names = key.writers[i].accept;
        names.push_back(key.writers[i].name);
        for (const std::string& n : names)
          if (normalize_name(n) == normalize_name(w)) {
            matched.insert(i);
            hit = true;
            break;
          }
      }
      if (!hit) unknown.push_back(w);
    }
    const std::size_t denom = std::max(key.writers.size(), matched.size() + unknown.size());
    const int pts = denom == 0 ? 0 : static_cast<int>(20 * matched.size() / denom);
    std::string expected;
    for (const AcceptedWriter& w : key.writers) expected += (expected.empty() ? "" : ", ") + w.name;
    std::string comment = fmt::format("{} of {} writers ({})", matched.size(), key.writers.size(), expected);
    if (!unknown.empty()) {
      std::string u;
      for (const std::string& w : unknown) u += (u.empty() ? "" : ", ") + w;
      comment += "; not a writer here: " + u;
    }
    score.parts.push_back({AnswerPart::kWriters, pts, 20, comment});
  }
  const int field_max = has_writers ? 15 : 25, fix_max = has_writers ? 25 : 35;
  bool field_ok = false;
  for (const std::string& f : key.fields) field_ok = field_ok || (!answer.field.empty() && normalize_field(f) == normalize_field(answer.field));
  score.parts.push_back({AnswerPart::kField, field_ok ? field_max : 0, field_max,
                         field_ok ? key.fields.front() : fmt::format("expected {}", key.fields.front())});
  const std::string fix = lower(answer.fix);
  const AcceptedFix* chosen = nullptr;
  for (const AcceptedFix& f : key.fixes) {
    for (const std::vector<std::string>& words : f.match)
      if (!words.empty() && std::all_of(words.begin(), words.end(), [&](const std::string& w) { return fix.find(w) != std::string::npos; })) {
        chosen = &f;
        break;
      }
    if (chosen) break;
  }
  if (chosen) {
    score.parts.push_back({AnswerPart::kFix, fix_max * chosen->percent / 100, fix_max,
                           chosen->description + (chosen->why.empty() ? "" : ": " + chosen->why)});
  } else {
    score.parts.push_back({AnswerPart::kFix, 0, fix_max, "not a fix for this incident; expected: " + key.fixes.front().description});
  }
  for (const PartScore& p : score.parts) score.total += p.points;
  if (!cause_ok) score.total = 0;  // the right field or fix for the wrong reason earns nothing
  return score;
}

namespace {

std::string quote_arg(const std::string& a) {
  const bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:,").find(c) != std::string_view::npos;
  });
  return plain ? a : "'" + a + "'";
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += (line.empty() ? "" : prefix + line) + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// Wraps text at 96 columns after `prefix`.
std::string wrap(const std::string& text, const std::string& prefix) {
  std::string out, line;
  std::istringstream in(text);
  for (std::string word; in >> word;) {
    if (!line.empty() && prefix.size() + line.size() + 1 + word.size() > 96) {
      out += prefix + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += prefix + line + "\n";
  return out;
}

// What the simulation measured up to the exercise's instant, in `kcsim run`'s own sentences (the
// report's fight and reset summaries, include/kcsim/analysis/vocabulary.hpp), so that the
// diagnosis the trainee reads and the report an engineer reads state a fight, a reset and a
// period in the same words (issue #19, one vocabulary).
std::string measured_findings(const World& world) {
  const json report = build_report(world);
  std::string out;
  for (const char* kind : {"fights", "resets"})
    for (const json& finding : report.value(kind, json::array()))
      // One line each, not wrapped: the sentence is the report's, searchable as it stands.
      if (finding.contains("summary")) out += "  - " + finding["summary"].get<std::string>() + ".\n";
  if (out.empty()) return "";
  return "\nWhat the simulation measured up to this instant (as `kcsim run` reports it):\n" + out;
}

std::string run_evidence(const ExerciseEvidence& e, const World& world) {
  std::string text;
  try {
    if (e.tool == "git") {
      const GitViewResult r = git_view(world, e.args);
      text = r.out + r.err;
    } else {
      const KubectlResult r = kubectl_exec(world, e.args, true);
      text = r.out + r.err;
    }
  } catch (const std::exception& ex) {
    text = fmt::format("(the exercise's evidence command failed: {})\n", ex.what());
  }
  if (e.tail > 0) {
    // The header line, then the last `tail` lines.
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    if (lines.size() > static_cast<std::size_t>(e.tail) + 1) {
      std::string cut = lines[0] + "\n";
      cut += fmt::format("... ({} earlier lines)\n", lines.size() - 1 - static_cast<std::size_t>(e.tail));
      for (std::size_t i = lines.size() - static_cast<std::size_t>(e.tail); i < lines.size(); ++i) cut += lines[i] + "\n";
      text = cut;
    }
  }
  return text;
}

}  // namespace

std::string check_feedback(const Exercise& exercise, const ExerciseAnswer& answer, const ExerciseScore& score,
                           const World& world) {
  std::string out = fmt::format("Exercise {}: {}\nScore: {}/100\n\n", exercise.name, exercise.title, score.total);
  const std::string cause_display = answer.cause.empty() ? "(none)" : answer.cause;
  for (const PartScore& p : score.parts) {
    std::string given;
    switch (p.part) {
      case AnswerPart::kCause: given = cause_display; break;
      case AnswerPart::kWriters: {
        for (const std::string& w : answer.writers) given += (given.empty() ? "" : ", ") + w;
        if (given.empty()) given = "(none)";
        break;
      }
      case AnswerPart::kField: given = answer.field.empty() ? "(none)" : answer.field; break;
      case AnswerPart::kFix: given = answer.fix.empty() ? "(none)" : answer.fix; break;
    }
    out += fmt::format("  {:<8} {:>2}/{:<2}  you said: {}\n", answer_part_id(p.part), p.points, p.max, given);
    out += wrap("-> " + p.comment, std::string(18, ' '));
  }
  if (score.missed(AnswerPart::kCause))
    out += "\nThe cause is wrong, so the answer scores 0: the evidence below marked (missed) shows what happened.\n";
  out += "\nThe evidence, in the order an expert looks at it:\n";
  int n = 0;
  EvidenceStep last = EvidenceStep::kApplicationDeployer;
  bool first = true;
  for (const ExerciseEvidence& e : exercise.evidence) {
    if (first || e.step != last) {
      out += fmt::format("\n{}. {}\n", ++n, evidence_step_title(e.step));
      last = e.step;
      first = false;
    }
    std::vector<std::string> missed;
    for (AnswerPart part : e.supports)
      if (score.missed(part)) missed.push_back(std::string(answer_part_id(part)));
    std::string command = e.tool == "git" ? "git" : "kubectl";
    if (e.tool == "kubectl" && !e.args.empty() && e.args[0] == "argocd") command.clear();
    for (const std::string& a : e.args) command += (command.empty() ? "" : " ") + quote_arg(a);
    std::string tag;
    if (!missed.empty()) {
      tag = " (missed: it shows the ";
      for (std::size_t i = 0; i < missed.size(); ++i) tag += (i ? (i + 1 == missed.size() ? " and " : ", ") : "") + missed[i];
      tag += ")";
    }
    out += fmt::format("   $ {}{}\n", command, tag);
    out += indent(run_evidence(e, world), "     ");
    out += wrap(e.explain, "   ");
  }
  out += "\nDiagnosis:\n" + wrap(exercise.answer.summary, "  ");
  out += measured_findings(world);
  out += "\nFixes this answer key accepts:\n";
  for (const AcceptedFix& f : exercise.answer.fixes)
    out += "  - " + wrap(fmt::format("{} ({}% of the fix points){}", f.description, f.percent, f.why.empty() ? "" : ": " + f.why),
                         "    ").substr(4);
  out += fmt::format("\nThe scenario, revealed: {} ({}, at {})\n", exercise.scenario_file, world.scenario().name,
                     format_go_duration(exercise.at));
  out += wrap(world.scenario().description, "  ");
  return out;
}

}  // namespace kcsim
