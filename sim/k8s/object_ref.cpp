// ObjectRef: kind, namespace and name of a stored object, and the API group of an apiVersion.
#include "kcsim/k8s/object_ref.hpp"

#include <cctype>

namespace kcsim {

std::string ObjectRef::str() const {
  std::string out;
  out.reserve(kind.size() + ns.size() + name.size() + 2);
  out += kind;
  out += '/';
  if (!ns.empty()) {
    out += ns;
    out += '/';
  }
  out += name;
  return out;
}

std::string ObjectRef::kubectl_str() const {
  // kubectl prints the lowercase kind (`deployment/x`), as in `kubectl get events` OBJECT.
  std::string out;
  out.reserve(kind.size() + name.size() + 1);
  for (char c : kind) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += '/';
  out += name;
  return out;
}

ObjectRef ObjectRef::parse(const std::string& text) {
  const auto first = text.find('/');
  if (first == std::string::npos || first == 0) return {};
  const auto second = text.find('/', first + 1);
  if (second == std::string::npos) {
    if (first + 1 == text.size()) return {};
    return ObjectRef{text.substr(0, first), "", text.substr(first + 1)};
  }
  // Names and namespaces never contain '/', so a third separator is malformed.
  if (text.find('/', second + 1) != std::string::npos || second + 1 == text.size()) return {};
  return ObjectRef{text.substr(0, first), text.substr(first + 1, second - first - 1),
                   text.substr(second + 1)};
}

ObjectRef ObjectRef::of(const json& object) {
  ObjectRef ref;
  if (!object.is_object()) return ref;
  if (auto k = object.find("kind"); k != object.end() && k->is_string()) ref.kind = k->get<std::string>();
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return ref;
  if (auto n = meta->find("namespace"); n != meta->end() && n->is_string()) ref.ns = n->get<std::string>();
  if (auto n = meta->find("name"); n != meta->end() && n->is_string()) ref.name = n->get<std::string>();
  return ref;
}

std::string api_group(const std::string& api_version) {
  // "apps/v1" -> "apps"; core ("v1") has the empty group.
  const auto slash = api_version.find('/');
  if (slash == std::string::npos) return {};
  return api_version.substr(0, slash);
}

}  // namespace kcsim
