#include "kcsim/apiserver/status_update.hpp"

namespace kcsim {

json status_update_body(const json& object, json status) {
  json meta = json::object();
  if (const auto m = object.find("metadata"); m != object.end() && m->is_object())
    for (const char* key : {"name", "namespace", "resourceVersion", "annotations"})
      if (const auto v = m->find(key); v != m->end()) meta[key] = *v;
  json body = {{"metadata", std::move(meta)}, {"status", std::move(status)}};
  for (const char* key : {"apiVersion", "kind"})
    if (const auto v = object.find(key); v != object.end()) body[key] = *v;
  return body;
}

}  // namespace kcsim
