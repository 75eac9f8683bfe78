// The error answers of `kcsim serve` (include/kcsim/serve/api_status.hpp).
#include "kcsim/serve/api_status.hpp"

#include <fmt/format.h>

#include "kcsim/serve/discovery.hpp"

namespace kcsim {

std::string to_body(const json& doc) { return doc.dump(-1, ' ', false, json::error_handler_t::replace); }

ApiResponse status_response(int code, const std::string& reason, const std::string& message, json details) {
  json status = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
                 {"message", message}, {"reason", reason}, {"code", code}};
  if (!details.is_null()) status["details"] = std::move(details);
  return {code, "application/json", to_body(status)};
}

json status_details(const ServedResource& r, const std::string& name) {
  json details = json::object();
  if (!name.empty()) details["name"] = name;
  if (!r.group.empty()) details["group"] = r.group;
  details["kind"] = r.plural;
  return details;
}

ApiResponse path_not_found() {
  return status_response(404, "NotFound", "the server could not find the requested resource", json::object());
}

ApiResponse object_not_found(const ServedResource& r, const std::string& name) {
  const std::string qualified = r.group.empty() ? r.plural : r.plural + "." + r.group;
  return status_response(404, "NotFound", fmt::format("{} \"{}\" not found", qualified, name), status_details(r, name));
}

ApiResponse bad_request(const std::string& message) { return status_response(400, "BadRequest", message); }

ApiResponse status_of(const ApiStatus& status, const ServedResource& r, const std::string& name) {
  // errors.go: a Status about an object names it in its details (NotFound, AlreadyExists,
  // Conflict, Invalid); a BadRequest carries none.
  if (status.code == 400) return bad_request(status.message);
  return status_response(status.code, status.reason, status.message, status_details(r, name));
}

}  // namespace kcsim
