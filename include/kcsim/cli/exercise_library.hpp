// A training exercise: a scenario seen at one instant, the symptom a trainee starts from, the
// commands they may run, hints, and the answer key that `kcsim exercise check` scores against
// (docs/exercises.md). The library in exercises/ is compiled into the binary
// (cmake/embed_files.cmake); a trainer's own exercise file can be given by path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kcsim/k8s/object_ref.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/time.hpp"

namespace kcsim {

/// The steps of an investigation in the order an expert takes them (issue #8): pod names and
/// restart counts first, then scaling events, then memory against the limit, then the writers of
/// the disputed field, then the live Application against Git, then what deploys the Application.
/// Feedback explains evidence in this order whatever the order in the exercise file.
enum class EvidenceStep { kPods, kScalingEvents, kMemory, kWriters, kApplicationVsGit, kApplicationDeployer };

/// "pods", "scaling-events", "memory", "writers", "application-vs-git", "application-deployer".
std::string_view evidence_step_id(EvidenceStep step);
/// "Pod names and restart counts", ... (feedback headings).
std::string_view evidence_step_title(EvidenceStep step);

/// The parts of an answer.
enum class AnswerPart { kCause, kWriters, kField, kFix };
std::string_view answer_part_id(AnswerPart part);  // "cause", "writers", "field", "fix"

/// The fixed list of causes an answer may name, with what each means (docs/exercises.md).
struct CauseInfo {
  std::string_view id;
  std::string_view meaning;
};
const std::vector<CauseInfo>& exercise_causes();
/// Maps a cause as a person may type it ("OOM", "crash/oom", "Controller fight") to its id, or "".
std::string normalize_cause(std::string_view text);

/// One piece of evidence: a command the trainee could have run and what its output shows.
struct ExerciseEvidence {
  EvidenceStep step = EvidenceStep::kPods;
  std::string tool;               // "kubectl" (with `argocd app get` too) or "git"
  std::vector<std::string> args;  // the command's arguments
  std::string explain;            // what an expert reads in the output
  std::vector<AnswerPart> supports;  // the answer parts this evidence establishes
  int tail = 0;                   // show only the header and the last `tail` lines (0: all)
};

struct AcceptedWriter {
  std::string name;                 // the field manager, as managedFields spells it
  std::vector<std::string> accept;  // other spellings a person may use ("argocd", "argo cd")
};

struct AcceptedFix {
  std::string description;
  int percent = 100;  // of the fix's points: 100 for the root fix, less for a fix that only helps
  /// Each entry is a set of words that must all occur in the answer (case-insensitive).
  std::vector<std::vector<std::string>> match;
  std::string why;  // feedback: why this fix earns what it earns
};

struct AnswerKey {
  std::vector<std::string> causes;        // accepted cause ids (full marks)
  std::vector<AcceptedWriter> writers;    // empty: no writer disputes a field
  std::vector<std::string> fields;        // accepted spellings; the first is shown
  std::vector<AcceptedFix> fixes;
  std::string summary;                    // the diagnosis in two or three sentences
};

struct Exercise {
  std::string name;         // file stem
  std::string file;         // "exercises/six-minute-loop.json" (embedded) or the path given
  std::string title;
  std::string symptom;
  Duration at{0};           // the instant of the investigation
  std::string difficulty;   // easy, medium, hard
  int minutes = 0;          // expected time
  std::vector<std::string> allowed;  // allowed commands: "kubectl get pods", "kubectl logs", "git show", ...
  std::vector<std::string> hints;
  AnswerKey answer;
  std::vector<ExerciseEvidence> evidence;
  std::string scenario_file;  // where the scenario came from (revealed at the check)
  std::string scenario_text;  // the scenario document, scenarioPatch applied
};

/// The names of the exercises compiled into the binary, in name order.
std::vector<std::string> bundled_exercise_names();

/// Loads an exercise: a bundled name ("six-minute-loop"), or a path to an exercise file (a
/// NAME containing "/" or ending in ".json"), whose "scenario" path is read relative to the
/// exercise file's directory, then its parent. Throws InputError (file, pointer, expected, found).
Exercise load_exercise(const std::string& name_or_path);

/// The exercise's scenario, parsed and validated.
Scenario exercise_scenario(const Exercise& exercise);

/// True when `tool` ("kubectl" or "git") with `args` is one of the exercise's allowed commands.
/// `why_not` receives the allowed list when it is not.
bool exercise_allows(const Exercise& exercise, const std::string& tool, const std::vector<std::string>& args,
                     std::string& why_not);

}  // namespace kcsim
