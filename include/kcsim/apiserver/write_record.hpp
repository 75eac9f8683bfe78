// One recorded change of one leaf field, as the analyses read it, and the table its repeated
// parts point into (issue #15: the write history's memory growth).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kcsim/core/time.hpp"
#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

/// The request that made a write: managedFields' operations (Apply, Update) and the verbs the
/// history names beside them.
enum class WriteOperation : std::uint8_t { kCreate, kUpdate, kApply, kPatch, kDelete };

/// The subresource a write went through.
enum class WriteSubresource : std::uint8_t { kNone, kStatus, kScale };

/// "Create", "Update", "Apply", "Patch", "Delete".
const std::string& operation_name(WriteOperation op);
/// "", "status", "scale".
const std::string& subresource_name(WriteSubresource sub);
/// The inverse of operation_name and subresource_name; std::invalid_argument on another text.
WriteOperation parse_write_operation(std::string_view text);
WriteSubresource parse_write_subresource(std::string_view text);

class WriteInterner;

/// One recorded change of one leaf field (or a whole object on create/delete), for the analyses.
/// A long run keeps hundreds of thousands of these, and their manager, object, field and most
/// values repeat: a record holds pointers to the one copy its WriteInterner keeps, so it takes
/// 56 bytes, not the 260 of owned strings and JSON values. Its references live as long as the
/// interner that made it (the ApiServer's, for ApiServer::writes()).
class WriteRecord {
 public:
  SimTime at() const { return at_; }
  const std::string& manager() const { return *manager_; }
  const ObjectRef& object() const { return *object_; }
  /// JSON pointer ("/spec/replicas"); "" = the whole object.
  const std::string& field() const { return *field_; }
  /// "Create", "Update", "Apply", "Patch", "Delete".
  const std::string& operation() const { return operation_name(operation_); }
  WriteOperation operation_kind() const { return operation_; }
  /// "", "status", "scale".
  const std::string& subresource() const { return subresource_name(subresource_); }
  /// null when absent
  const json& old_value() const { return *old_value_; }
  /// null when removed
  const json& new_value() const { return *new_value_; }

  /// Equal inputs interned by one interner give equal records (the same pointers).
  bool operator==(const WriteRecord&) const = default;

 private:
  friend class WriteInterner;
  WriteRecord() = default;

  SimTime at_{};
  const std::string* manager_ = nullptr;
  const ObjectRef* object_ = nullptr;
  const std::string* field_ = nullptr;
  const json* old_value_ = nullptr;
  const json* new_value_ = nullptr;
  WriteOperation operation_ = WriteOperation::kUpdate;
  WriteSubresource subresource_ = WriteSubresource::kNone;
};

/// The write history, in write order. A deque: it grows without the doubling slack of a vector
/// (half the capacity unused, on average), and a record's address never changes.
using WriteRecords = std::deque<WriteRecord>;

/// Keeps one immutable copy of each manager name, object, field pointer and scalar value that
/// write records point to, for as long as the interner lives. Lookups only: nothing iterates the
/// hash tables, so no output depends on their order. Arrays and non-empty objects (atomic lists)
/// are kept once per record, as they seldom repeat.
class WriteInterner {
 public:
  WriteInterner();
  WriteInterner(const WriteInterner&) = delete;
  WriteInterner& operator=(const WriteInterner&) = delete;
  // Moving keeps every element where it is (node and deque storage), so records stay valid.
  WriteInterner(WriteInterner&&) = default;
  WriteInterner& operator=(WriteInterner&&) = default;

  const std::string* string(std::string_view text);
  const ObjectRef* object(const ObjectRef& ref);
  const json* value(json v);

  WriteRecord record(SimTime at, std::string_view manager, const ObjectRef& object, std::string_view field,
                     WriteOperation operation, WriteSubresource subresource, json old_value = nullptr,
                     json new_value = nullptr);
  /// The same, with parts already interned (the ApiServer interns the object and manager once per
  /// write, not once per changed leaf).
  WriteRecord record(SimTime at, const std::string* manager, const ObjectRef* object, std::string_view field,
                     WriteOperation operation, WriteSubresource subresource, json old_value, json new_value);

 private:
  std::deque<std::string> strings_;
  std::unordered_map<std::string_view, const std::string*> string_index_;  // keys view strings_
  std::set<ObjectRef> objects_;
  std::deque<json> values_;
  std::unordered_map<std::string_view, const json*> string_values_;  // keys view values_' strings
  std::map<std::int64_t, const json*> integers_;
  std::map<std::uint64_t, const json*> unsigned_integers_;
  std::map<std::uint64_t, const json*> floats_;  // by bit pattern: 0.0 and -0.0 stay apart
  const json* null_ = nullptr;
  const json* true_ = nullptr;
  const json* false_ = nullptr;
  const json* empty_object_ = nullptr;
  const json* empty_array_ = nullptr;
};

}  // namespace kcsim
