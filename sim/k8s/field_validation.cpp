// Walking a manifest against its kind's field schema (include/kcsim/k8s/field_validation.hpp).
#include "kcsim/k8s/field_validation.hpp"

#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/field_schema.hpp"
#include "kcsim/k8s/json_access.hpp"

namespace kcsim {

namespace {

using nlohmann::json;

bool integer_within(const json& v, std::int64_t min, std::int64_t max) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max);
  const std::int64_t x = v.get<std::int64_t>();
  return x >= min && x <= max;
}

constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// Go's decoders: encoding/json into string, bool, int32 (strconv.ParseInt: no fraction, no
// exponent, within range), int64, float64; intstr.IntOrString.UnmarshalJSON (a quoted string, else
// an int32); resource.Quantity.UnmarshalJSON (a quoted string, else the number's literal text).
bool matches(FieldKind kind, const json& v) {
  switch (kind) {
    case FieldKind::kString: return v.is_string();
    case FieldKind::kBoolean: return v.is_boolean();
    case FieldKind::kInt32: return integer_within(v, kInt32Min, kInt32Max);
    case FieldKind::kInt64: return integer_within(v, kInt64Min, kInt64Max);
    case FieldKind::kFloat: return v.is_number();
    case FieldKind::kIntOrString: return v.is_string() || integer_within(v, kInt32Min, kInt32Max);
    case FieldKind::kQuantity: return v.is_string() || v.is_number();
    case FieldKind::kFreeObject:
    case FieldKind::kStruct: return v.is_object();
    case FieldKind::kAny: return true;
  }
  return true;
}

const char* expected_kind(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString: return "a string";
    case FieldKind::kBoolean: return "a boolean";
    case FieldKind::kInt32: return "an integer (int32)";
    case FieldKind::kInt64: return "an integer (int64)";
    case FieldKind::kFloat: return "a number";
    case FieldKind::kIntOrString: return "an integer (int32) or a string";
    case FieldKind::kQuantity: return "a quantity (a string such as \"500m\", or a number)";
    case FieldKind::kFreeObject:
    case FieldKind::kStruct: return "an object";
    case FieldKind::kAny: return "anything";
  }
  return "anything";
}

class Walker {
 public:
  Walker(const std::string& file, const std::string& pointer, const std::string& component, const VersionCheck& at_least)
      : file_(file), base_(pointer), component_(component), at_least_(at_least) {}

  std::vector<UnknownField> take() { return std::move(unknown_); }

  void walk_struct(const StructSchema& schema, const json& obj) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::size_t pointer_size = pointer_.size(), path_size = path_.size();
      pointer_ += "/" + escape_pointer_token(it.key());
      if (!path_.empty()) path_ += '.';
      path_ += it.key();
      // Exact match: kube-apiserver decodes case-sensitively (sigs.k8s.io/json
      // UnmarshalCaseSensitivePreserveInts), so "selfheal" is not "selfHeal".
      auto f = schema.fields.find(it.key());
      if (f == schema.fields.end() || !in_version(f->second))
        unknown_.push_back(UnknownField{pointer_, path_});
      else
        walk(f->second, *it);
      pointer_.resize(pointer_size);
      path_.resize(path_size);
    }
  }

 private:
  // A field added or removed at some version of the CRD is unknown to the other versions' schema.
  bool in_version(const FieldType& t) const {
    if (!at_least_) return true;
    return (t.since.empty() || at_least_(component_, t.since)) && (t.until.empty() || !at_least_(component_, t.until));
  }

  void walk(const FieldType& type, const json& v) {
    if (v.is_null()) return;
    switch (type.container) {
      case FieldType::Container::kNone: return walk_one(type, v);
      case FieldType::Container::kList:
        if (!v.is_array()) fail(fmt::format("an array of {}", plural(type.kind)), v);
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::size_t pointer_size = pointer_.size(), path_size = path_.size();
          pointer_ += "/" + std::to_string(i);
          path_ += fmt::format("[{}]", i);
          walk_one(type, v[i]);
          pointer_.resize(pointer_size);
          path_.resize(path_size);
        }
        return;
      case FieldType::Container::kMap:
        if (!v.is_object()) fail(fmt::format("an object of {}", plural(type.kind)), v);
        for (auto it = v.begin(); it != v.end(); ++it) {
          const std::size_t pointer_size = pointer_.size(), path_size = path_.size();
          pointer_ += "/" + escape_pointer_token(it.key());
          path_ += "." + it.key();
          walk_one(type, *it);
          pointer_.resize(pointer_size);
          path_.resize(path_size);
        }
        return;
    }
  }

  void walk_one(const FieldType& type, const json& v) {
    if (v.is_null()) return;
    if (!matches(type.kind, v)) fail(expected_kind(type.kind), v);
    if (type.kind == FieldKind::kStruct) walk_struct(*type.fields, v);
  }

  static std::string plural(FieldKind kind) {
    switch (kind) {
      case FieldKind::kString: return "strings";
      case FieldKind::kBoolean: return "booleans";
      case FieldKind::kInt32: return "integers (int32)";
      case FieldKind::kInt64: return "integers (int64)";
      case FieldKind::kFloat: return "numbers";
      case FieldKind::kIntOrString: return "integers or strings";
      case FieldKind::kQuantity: return "quantities";
      case FieldKind::kFreeObject:
      case FieldKind::kStruct: return "objects";
      case FieldKind::kAny: return "values";
    }
    return "values";
  }

  [[noreturn]] void fail(const std::string& expected, const json& found) const {
    throw InputError(file_, base_ + pointer_,
                     fmt::format("expected {} for {}, as the API server decodes it", expected, path_),
                     describe_found(found));
  }

  const std::string& file_;
  const std::string& base_;
  const std::string& component_;
  const VersionCheck& at_least_;
  std::string pointer_;
  std::string path_;
  std::vector<UnknownField> unknown_;
};

}  // namespace

std::string UnknownField::message() const {
  // sigs.k8s.io/json strictError.Error(): the error type, a space and strconv.Quote(path).
  return fmt::format("unknown field {}", json(path).dump(-1, ' ', false, json::error_handler_t::replace));
}

std::vector<UnknownField> check_fields(const json& obj, const std::string& file, const std::string& pointer,
                                       const VersionCheck& at_least) {
  if (!obj.is_object()) return {};
  auto string_at = [&](const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const KindSchema* schema = object_schema(string_at("apiVersion"), string_at("kind"));
  if (!schema) return {};
  Walker walker(file, pointer, schema->component, at_least);
  walker.walk_struct(*schema->fields, obj);
  return walker.take();
}

}  // namespace kcsim
