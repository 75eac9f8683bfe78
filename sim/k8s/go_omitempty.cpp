// Go encoding/json's omitempty (include/kcsim/k8s/go_omitempty.hpp): encoding/json encode.go
// isEmptyValue (Go 1.23) for the JSON kinds: bool false, a number equal to 0, a string, array or
// map of length 0, and a nil pointer or interface (null).
#include "kcsim/k8s/go_omitempty.hpp"

namespace kcsim {

bool is_go_empty(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return true;
    case nlohmann::json::value_t::boolean: return !v.get<bool>();
    case nlohmann::json::value_t::number_integer: return v.get<std::int64_t>() == 0;
    case nlohmann::json::value_t::number_unsigned: return v.get<std::uint64_t>() == 0;
    case nlohmann::json::value_t::number_float: return v.get<double>() == 0.0;
    case nlohmann::json::value_t::string: return v.get_ref<const std::string&>().empty();
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object: return v.empty();
    default: return false;
  }
}

nlohmann::json drop_go_empty_fields(const nlohmann::json& v) {
  if (v.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = v.begin(); it != v.end(); ++it)
      if (!is_go_empty(*it)) out[it.key()] = drop_go_empty_fields(*it);
    return out;
  }
  if (v.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const nlohmann::json& x : v) out.push_back(drop_go_empty_fields(x));
    return out;
  }
  return v;
}

}  // namespace kcsim
