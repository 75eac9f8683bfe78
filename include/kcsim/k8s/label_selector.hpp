// metav1.LabelSelector (matchLabels and matchExpressions) matched against an object's labels:
// k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector and
// pkg/labels/selector.go Requirement.Matches (v0.32). One home for the controllers and the
// API server's validation.
#pragma once

#include <nlohmann/json.hpp>

namespace kcsim {

/// Whether `labels` (an object of strings, or null for none) satisfy `selector`. An empty
/// selector matches everything, as LabelSelectorAsSelector makes it labels.Everything().
bool selector_matches(const nlohmann::json& selector, const nlohmann::json& labels);

}  // namespace kcsim
