// The fields of the kinds kcsim models and their JSON types, as the API server decodes them: the
// Go structs of k8s.io/api (built-in kinds) and the CRD schemas of KEDA, the HTTP add-on, Argo CD
// and Flux (sim/k8s/field_schema.cpp holds the tables, each citing the upstream type it mirrors).
// Field validation (include/kcsim/k8s/field_validation.hpp) walks a manifest against them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace kcsim {

/// What a JSON value must be to decode into a field.
enum class FieldKind : std::uint8_t {
  kString,
  kBoolean,
  kInt32,        // a JSON integer within int32 (Go's encoding/json refuses 1.5, "3" and 2^31)
  kInt64,        // a JSON integer within int64
  kFloat,        // any JSON number
  kIntOrString,  // intstr.IntOrString: an int32 or a string ("25%")
  kQuantity,     // resource.Quantity: a string ("500m") or a number
  kFreeObject,   // an object whose members are not checked (a type kcsim does not spell out)
  kAny,          // anything (status; x-kubernetes-preserve-unknown-fields)
  kStruct,       // an object with the members of `fields`
};

struct StructSchema;

/// A field's type: a kind, possibly a list of it ([]T) or a map of string to it (map[string]T).
struct FieldType {
  enum class Container : std::uint8_t { kNone, kList, kMap };
  Container container = Container::kNone;
  FieldKind kind = FieldKind::kAny;
  const StructSchema* fields = nullptr;  // kStruct
  /// The versions of the kind's component (KindSchema::component) that have the field: from
  /// `since` (inclusive, "" = always) to `until` (exclusive, "" = still there).
  std::string since, until;
};

/// A Go struct (or an object of a CRD's OpenAPI schema): its JSON member names and their types.
struct StructSchema {
  std::string name;  // the upstream type's name ("PodSpec")
  std::map<std::string, FieldType, std::less<>> fields;
};

/// A kind's schema and the component whose version decides which fields it has (a scenario's
/// `versions`: "kubernetes", "keda", "http-add-on", "argocd"; "flux" has none).
struct KindSchema {
  std::string component;
  const StructSchema* fields = nullptr;
};

/// The schema of an object of `kind` at `api_version` ("apps/v1", "Deployment"), or nullptr when
/// kcsim does not model that kind at that version: such objects are not validated (the API server
/// would decode them with their own schema, which kcsim does not know).
const KindSchema* object_schema(std::string_view api_version, std::string_view kind);

}  // namespace kcsim
