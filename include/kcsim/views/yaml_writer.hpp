// The two serialisations `kubectl get -o yaml|json` prints, byte for byte.
//
// YAML: kubectl marshals an object with sigs.k8s.io/yaml, which encodes it to JSON and then
// re-encodes that JSON with go-yaml v2 (go.yaml.in/yaml/v2 2.4, the libyaml port). This writer
// reproduces that emitter rather than approximating it:
//  - mapping keys in go-yaml's order (yaml_key_less: digit runs compare as numbers, a non-letter
//    sorts before a letter), block style, 2-space indentation, sequence items "- " at the
//    indentation of their parent key, empty collections as "{}" and "[]";
//  - a string is plain unless it would read back as something else (true, null, 3, 1.5,
//    2026-01-01, 1:30, "" ...), in which case it is double-quoted, or unless it cannot be plain
//    (leading "-", "*", "&", "! ", ": " or " #" inside, leading or trailing space ...), in which case
//    it is single-quoted; non-printable characters force double quotes with escapes;
//  - strings with a newline are literal blocks ("|", "|-" or "|+"), as kubectl prints the
//    last-applied-configuration annotation;
//  - long plain and quoted scalars are folded at spaces once past column 80 (go-yaml's
//    best_width), continuation lines indented 2 past their key, as real `-o yaml` output shows.
// JSON numbers follow the JSON → Go → YAML round trip: an integral float prints as an integer,
// other floats as Go's strconv.FormatFloat(f, 'g', -1).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kcsim {

/// The YAML document kubectl prints for `value` (ends with a newline).
std::string to_yaml(const nlohmann::json& value);

/// JSON as Go's json.MarshalIndent(v, "", indent) prints it (kubectl -o json uses 4 spaces):
/// keys sorted bytewise, ": " after keys, "<", ">", "&", U+2028 and U+2029 escaped as \u003c etc.,
/// control characters as \n, \t, \b, \f, \r or \u00XX. No trailing newline.
std::string to_go_json(const nlohmann::json& value, std::string_view indent = "    ");

/// JSON as Go's json.Marshal prints it: no whitespace at all, otherwise as to_go_json (what
/// kubectl's JSONPath printer shows for a map or a list).
std::string to_go_json_compact(const nlohmann::json& value);

/// go-yaml v2's map key order (sorter.go keyList.Less) for string keys.
bool yaml_key_less(const std::string& a, const std::string& b);

/// Go's strconv.FormatFloat(f, 'g', -1, 64): "0.5", "1e-07", "1.234567e+06", "+Inf" style
/// specials excepted (callers map those).
std::string go_format_float_g(double f);

}  // namespace kcsim
