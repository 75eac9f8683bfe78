// metav1.LabelSelector (matchLabels and matchExpressions) matched against an object's labels and
// printed: k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector and
// FormatLabelSelector, pkg/labels/selector.go NewRequirement, Requirement.Matches,
// Requirement.String and internalSelector.String (v0.32). One home for the controllers, the API
// server (validation, the scale subresource's status.selector) and kcsim kubectl.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kcsim {

/// Whether `labels` (an object of strings, or null for none) satisfy `selector`. An empty
/// selector matches everything, as LabelSelectorAsSelector makes it labels.Everything().
bool selector_matches(const nlohmann::json& selector, const nlohmann::json& labels);

/// The same for labels already decoded (ObjectMeta::labels): a selector value matches a label
/// only when it is the same string.
bool selector_matches(const nlohmann::json& selector, const std::map<std::string, std::string>& labels);

/// LabelSelectorAsSelector(selector).String(): the requirements sorted by key (matchLabels
/// before expressions of the same key), joined with ","; "k=v", "k in (a,b)" (values sorted),
/// "k notin (a,b)", "k", "!k". "" for an empty or null selector. nullopt when
/// LabelSelectorAsSelector fails: an unknown operator, In/NotIn without values, Exists or
/// DoesNotExist with values, an invalid label key or value, or a value that is not a string.
std::optional<std::string> label_selector_string(const nlohmann::json& selector);

/// metav1.FormatLabelSelector: label_selector_string, "<none>" when it is empty and "<error>"
/// when the selector is invalid (kubectl's SELECTOR column of ReplicaSets, describe).
std::string format_label_selector(const nlohmann::json& selector);

}  // namespace kcsim
