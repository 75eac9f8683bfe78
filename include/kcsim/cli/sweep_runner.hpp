// What-if sweeps: many variants of one scenario, one row each.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kcsim/scenario/scenario.hpp"

namespace kcsim {

/// One --vary: where in the scenario, and the values to try (JSON values).
/// The most variants one sweep may have (the product of the --vary value counts): a million
/// runs is weeks of CPU already; more is a typo such as a range with a step of 1 us.
inline constexpr std::size_t kMaxSweepVariants = 1'000'000;

struct Variation {
  std::string path;          // as written by the user
  std::vector<json> values;  // in the order given
};

/// Parses "PATH=V1,V2,..." or "PATH=LO..HI/STEP" (durations "60s..600s/60s" or integers
/// "1..5/1"). Values are JSON where they parse as JSON (3, true, {"a":1}), else strings.
/// Throws InputError (file "--vary") on a malformed argument.
Variation parse_variation(const std::string& text);

/// The number of variants of a sweep: the product of the value counts. Throws InputError (file
/// "--vary") when it exceeds kMaxSweepVariants.
std::size_t count_variants(const std::vector<Variation>& variations);

/// Sets the value at `path` in a scenario document. Paths:
///  - a JSON pointer into the document: "/settings/argocd/selfHealBackoffCapSeconds";
///  - "Kind/namespace/name:POINTER" — a field of an object in "objects":
///    "ScaledObject/prod/web:/spec/cooldownPeriod";
///  - a dotted path: "seed", "versions.argocd", "settings.keda.pollingInterval".
/// Throws InputError naming the path when the object does not exist.
void apply_variation(json& document, const std::string& path, const json& value);

struct SweepOptions {
  std::vector<Variation> variations;
  int repeat = 1;       // seeds seed, seed+1, ... per variant
  int jobs = 1;         // threads; output is identical whatever the number
  int shard_index = 0;  // this shard (0-based) of shard_count
  int shard_count = 1;
  std::function<void(std::size_t done, std::size_t total)> progress;  // may be empty
};

/// Runs every variant (the cartesian product of the variations, in order, times repeat) of
/// this shard and returns {"scenario", "variations": [paths], "shard": "I/N", "rows": [...]}:
/// one row per variant with its values, fight yes/no, period_s, cycles, pods_created,
/// max_restart_count, cold_start_p95_s, failed_requests, replica_hours, expectations_passed,
/// and for --repeat > 1 the mean and spread (min, max) of the numbers over the seeds.
json run_sweep(const std::string& scenario_text, const std::string& file, const SweepOptions& options);

/// Renders a sweep result as a text table, CSV or JSON.
std::string render_sweep(const json& result, const std::string& format);

/// Joins shard outputs (JSON) into one result, rows in variant order. Throws InputError when the
/// shards do not belong to the same sweep or a shard is missing.
json merge_sweeps(const std::vector<std::pair<std::string, json>>& shards);

}  // namespace kcsim
