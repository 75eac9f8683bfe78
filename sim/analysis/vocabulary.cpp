#include "kcsim/analysis/vocabulary.hpp"

#include <fmt/format.h>

namespace kcsim {

std::string object_phrase(const ObjectRef& ref) {
  return ref.ns.empty() ? fmt::format("{} {}", ref.kind, ref.name) : fmt::format("{} {}/{}", ref.kind, ref.ns, ref.name);
}

std::string field_phrase(const ObjectRef& ref, const std::string& field) {
  return fmt::format("{} of {}", field, object_phrase(ref));
}

std::string writers_phrase(const std::vector<std::string>& managers) {
  std::string out;
  for (std::size_t i = 0; i < managers.size(); ++i)
    out += (i == 0 ? "" : (i + 1 == managers.size() ? " and " : ", ")) + managers[i];
  return out;
}

std::string period_phrase(Duration period) {
  const std::int64_t whole = (period.count() + 500000) / 1000000;
  return "one cycle every " + format_go_duration(seconds(whole));
}

}  // namespace kcsim
