#include "kcsim/k8s/object_validation.hpp"

#include <cstdint>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/label_selector.hpp"
#include "kcsim/core/text.hpp"

namespace kcsim {
namespace {

using nlohmann::json;

// An int32 field and its least valid value. The decode rule (a JSON integer that fits int32) is
// encoding/json's for Go's int32; the bounds are k8s.io/kubernetes pkg/apis/apps/validation
// (ValidateNonnegativeField) and pkg/apis/autoscaling/validation (minReplicas >= 1, or 0 with
// HPAScaleToZero; maxReplicas >= 1 and >= minReplicas), v1.32.
struct IntField {
  const char* path[2];
  std::int64_t minimum;
};

constexpr IntField kWorkloadFields[] = {
    {{"spec", "replicas"}, 0},
    {{"spec", "minReadySeconds"}, 0},
    {{"spec", "revisionHistoryLimit"}, 0},
    {{"spec", "progressDeadlineSeconds"}, 0},
};
// minReplicas 0 needs the HPAScaleToZero feature gate (alpha since v1.16, off by default);
// kcsim's HPA controller models it, so 0 is accepted as if the gate were on.
constexpr IntField kHpaFields[] = {
    {{"spec", "minReplicas"}, 0},
    {{"spec", "maxReplicas"}, 1},
};

std::string go_field(const IntField& f) { return fmt::format("{}.{}", f.path[0], f.path[1]); }

/// The field's value when present and valid (nothing when absent); throws otherwise.
std::optional<std::int64_t> read_int32(const json& obj, const IntField& f, const std::string& file,
                                       const std::string& pointer) {
  const json* v = find(obj, {f.path[0], f.path[1]});
  if (!v || v->is_null()) return std::nullopt;
  const std::string at = fmt::format("{}/{}/{}", pointer, f.path[0], f.path[1]);
  constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
  const bool integer = v->is_number_integer() &&
                       (v->is_number_unsigned() ? v->get<std::uint64_t>() <= static_cast<std::uint64_t>(kMax)
                                                : v->get<std::int64_t>() >= std::numeric_limits<std::int32_t>::min() &&
                                                      v->get<std::int64_t>() <= kMax);
  if (!integer)
    throw InputError(file, at, fmt::format("expected an integer (int32) for {}, as the API server decodes it", go_field(f)),
                     describe_found(*v));
  const std::int64_t x = v->get<std::int64_t>();
  if (x < f.minimum)
    throw InputError(file, at, fmt::format("expected {} >= {} (the API server's validation)", go_field(f), f.minimum),
                     describe_found(*v));
  return x;
}

void validate_selector(const json& obj, const std::string& kind, const std::string& file, const std::string& pointer) {
  const json* selector = find(obj, {"spec", "selector"});
  if (!selector)
    throw InputError(file, pointer + "/spec/selector", fmt::format("expected a label selector (required for apps/v1 {})", kind),
                     "nothing");
  const bool empty = !selector->is_object() ||
                     ((!find(*selector, {"matchLabels"}) || find(*selector, {"matchLabels"})->empty()) &&
                      (!find(*selector, {"matchExpressions"}) || find(*selector, {"matchExpressions"})->empty()));
  if (empty)
    throw InputError(file, pointer + "/spec/selector",
                     fmt::format("expected a non-empty selector (\"empty selector is invalid for {}\")", lower(kind)),
                     describe_found(*selector));
  const json* labels = find(obj, {"spec", "template", "metadata", "labels"});
  if (!selector_matches(*selector, labels ? *labels : json()))
    throw InputError(file, pointer + "/spec/template/metadata/labels",
                     "expected labels that the selector matches (\"selector does not match template labels\")",
                     labels ? describe_found(*labels) : "no labels");
}

}  // namespace

std::vector<UnknownField> validate_object(const json& obj, const std::string& file, const std::string& pointer,
                                          const VersionCheck& at_least) {
  // Decoding comes before validation in the API server, so a value of the wrong type is reported
  // as such (the int32 fields below give the same message for it) before any range or selector.
  std::vector<UnknownField> unknown = check_fields(obj, file, pointer, at_least);
  const std::string kind = str_at(obj, {"kind"});
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet") {
    for (const IntField& f : kWorkloadFields) (void)read_int32(obj, f, file, pointer);
    validate_selector(obj, kind, file, pointer);
  } else if (kind == "HorizontalPodAutoscaler") {
    const auto min = read_int32(obj, kHpaFields[0], file, pointer);
    const auto max = read_int32(obj, kHpaFields[1], file, pointer);
    if (max && *max < min.value_or(1))
      throw InputError(file, pointer + "/spec/maxReplicas",
                       "expected spec.maxReplicas >= spec.minReplicas (\"must be greater than or equal to `minReplicas`\")",
                       describe_found(json(*max)));
  }
  return unknown;
}

}  // namespace kcsim
