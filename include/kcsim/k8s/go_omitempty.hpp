// Go encoding/json's `omitempty` (Go 1.23 encoding/json, package documentation of Marshal): "The
// 'omitempty' option specifies that the field should be omitted from the encoding if the field
// has an empty value, defined as false, 0, a nil pointer, a nil interface value, and any array,
// slice, map, or string of length zero." Kubernetes and Argo CD types mark nearly every optional
// field omitempty, so two JSON documents that differ only in empty fields decode to the same Go
// value and encode back to the same JSON: this is the comparison kcsim makes of Application specs.
//
// Untyped JSON cannot tell a Go struct from a map: `{}` is taken as an empty map (omitted), as
// the JSON of a nil pointer or empty map is far more common in manifests than a non-nil pointer
// to an empty struct. An object that is not empty is kept even when every field inside it is
// dropped (a struct value or a non-nil pointer is never empty to omitempty), and omitempty
// applies to fields only: array elements and map values are kept.
#pragma once

#include <nlohmann/json.hpp>

namespace kcsim {

/// True for the JSON of an empty Go value: null, false, 0, "", [] and {}.
bool is_go_empty(const nlohmann::json& v);

/// `v` as Go would encode it after decoding it into types whose fields are all omitempty: every
/// object member whose value is empty (is_go_empty) is dropped, at every depth (array elements
/// and non-empty objects are kept, their own members filtered).
nlohmann::json drop_go_empty_fields(const nlohmann::json& v);

}  // namespace kcsim
