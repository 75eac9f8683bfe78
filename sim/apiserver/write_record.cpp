#include "kcsim/apiserver/write_record.hpp"

#include <array>
#include <bit>
#include <stdexcept>

namespace kcsim {

namespace {

const std::array<std::string, 5> kOperationNames = {"Create", "Update", "Apply", "Patch", "Delete"};
const std::array<std::string, 3> kSubresourceNames = {"", "status", "scale"};

}  // namespace

const std::string& operation_name(WriteOperation op) { return kOperationNames[static_cast<std::size_t>(op)]; }

const std::string& subresource_name(WriteSubresource sub) {
  return kSubresourceNames[static_cast<std::size_t>(sub)];
}

WriteOperation parse_write_operation(std::string_view text) {
  for (std::size_t i = 0; i < kOperationNames.size(); ++i)
    if (kOperationNames[i] == text) return static_cast<WriteOperation>(i);
  throw std::invalid_argument("unknown write operation \"" + std::string(text) + "\"");
}

WriteSubresource parse_write_subresource(std::string_view text) {
  for (std::size_t i = 0; i < kSubresourceNames.size(); ++i)
    if (kSubresourceNames[i] == text) return static_cast<WriteSubresource>(i);
  throw std::invalid_argument("unknown subresource \"" + std::string(text) + "\"");
}

WriteInterner::WriteInterner() {
  null_ = &values_.emplace_back(nullptr);
  true_ = &values_.emplace_back(true);
  false_ = &values_.emplace_back(false);
  empty_object_ = &values_.emplace_back(json::object());
  empty_array_ = &values_.emplace_back(json::array());
}

const std::string* WriteInterner::string(std::string_view text) {
  if (auto it = string_index_.find(text); it != string_index_.end()) return it->second;
  const std::string& kept = strings_.emplace_back(text);
  string_index_.emplace(std::string_view(kept), &kept);
  return &kept;
}

const ObjectRef* WriteInterner::object(const ObjectRef& ref) { return &*objects_.insert(ref).first; }

const json* WriteInterner::value(json v) {
  // Keyed by type as well as value: json's == takes 1, 1u and 1.0 as equal, and the history must
  // give each back as it was written.
  const auto keep = [this](json&& x) { return &values_.emplace_back(std::move(x)); };
  switch (v.type()) {
    case json::value_t::null:
      return null_;
    case json::value_t::boolean:
      return v.get<bool>() ? true_ : false_;
    case json::value_t::number_integer: {
      auto [it, added] = integers_.try_emplace(v.get<std::int64_t>(), nullptr);
      if (added) it->second = keep(std::move(v));
      return it->second;
    }
    case json::value_t::number_unsigned: {
      auto [it, added] = unsigned_integers_.try_emplace(v.get<std::uint64_t>(), nullptr);
      if (added) it->second = keep(std::move(v));
      return it->second;
    }
    case json::value_t::number_float: {
      auto [it, added] = floats_.try_emplace(std::bit_cast<std::uint64_t>(v.get<double>()), nullptr);
      if (added) it->second = keep(std::move(v));
      return it->second;
    }
    case json::value_t::string: {
      const std::string& text = v.get_ref<const std::string&>();
      if (auto it = string_values_.find(text); it != string_values_.end()) return it->second;
      const json* kept = keep(std::move(v));
      string_values_.emplace(std::string_view(kept->get_ref<const std::string&>()), kept);
      return kept;
    }
    case json::value_t::object:
      if (v.empty()) return empty_object_;
      return keep(std::move(v));
    case json::value_t::array:
      if (v.empty()) return empty_array_;
      return keep(std::move(v));
    default:  // binary, discarded: never in a stored object
      return keep(std::move(v));
  }
}

WriteRecord WriteInterner::record(SimTime at, std::string_view manager, const ObjectRef& object,
                                  std::string_view field, WriteOperation operation, WriteSubresource subresource,
                                  json old_value, json new_value) {
  return record(at, string(manager), this->object(object), field, operation, subresource, std::move(old_value),
                std::move(new_value));
}

WriteRecord WriteInterner::record(SimTime at, const std::string* manager, const ObjectRef* object,
                                  std::string_view field, WriteOperation operation, WriteSubresource subresource,
                                  json old_value, json new_value) {
  WriteRecord w;
  w.at_ = at;
  w.manager_ = manager;
  w.object_ = object;
  w.field_ = string(field);
  w.operation_ = operation;
  w.subresource_ = subresource;
  w.old_value_ = value(std::move(old_value));
  w.new_value_ = value(std::move(new_value));
  return w;
}

}  // namespace kcsim
