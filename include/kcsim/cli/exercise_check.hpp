// Scoring a trainee's answer to an exercise and explaining the evidence (kcsim exercise check,
// docs/exercises.md).
#pragma once

#include <string>
#include <vector>

#include "kcsim/cli/exercise_library.hpp"

namespace kcsim {

class World;

/// What the trainee answers: the cause (one of exercise_causes()), the writers of the disputed
/// field (field managers; empty when none), the field, and the fix in their own words.
struct ExerciseAnswer {
  std::string cause;
  std::vector<std::string> writers;
  std::string field;
  std::string fix;
};

/// Parses an answer: JSON (an object) or a short YAML mapping with the keys cause, writers (a
/// list, or names separated by commas), field and fix. `file` names it in messages; a `.json`
/// name or a text starting with "{" is JSON. Throws InputError (file, pointer, line:column,
/// expected, found).
ExerciseAnswer parse_answer(const std::string& text, const std::string& file);
/// Reads and parses an answer file ("-": standard input).
ExerciseAnswer read_answer_file(const std::string& path);

struct PartScore {
  AnswerPart part;
  int points = 0;
  int max = 0;
  std::string comment;  // why: what matched, or what the key expected
};

struct ExerciseScore {
  int total = 0;  // 0-100; 0 whenever the cause is wrong
  std::vector<PartScore> parts;
  /// The parts that did not get full points.
  bool missed(AnswerPart part) const;
};

/// Scores an answer. Weights: cause 40, writers 20, field 15, fix 25 (with no writers in the key,
/// field 25 and fix 35). A wrong cause scores 0 overall: the rest cannot be right for the right
/// reason. Writers score the share of named writers that are the key's; the fix scores the
/// percent of the first accepted fix whose words all occur in the answer.
ExerciseScore score_answer(const Exercise& exercise, const ExerciseAnswer& answer);

/// The feedback: the score per part, then the evidence in the order an expert looks at it, each
/// with the command, its output at the exercise's instant (from `world`, run to that instant),
/// what it shows, and "(missed)" when it establishes a part the answer got wrong; then the
/// diagnosis and the scenario, revealed.
std::string check_feedback(const Exercise& exercise, const ExerciseAnswer& answer, const ExerciseScore& score,
                           const World& world);

}  // namespace kcsim
