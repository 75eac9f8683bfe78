#include "kcsim/analysis/fights.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

namespace kcsim {
namespace {

std::string plain_object(const ObjectRef& ref) {
  return ref.ns.empty() ? fmt::format("{} {}", ref.kind, ref.name)
                        : fmt::format("{} {}/{}", ref.kind, ref.ns, ref.name);
}

}  // namespace

bool is_disputable_write(const WriteRecord& w) {
  if (w.field.empty() || w.object.kind == "Pod" || w.object.kind == "Event") return false;
  return w.field.rfind("/spec", 0) == 0 || w.field.rfind("/metadata/labels", 0) == 0;
}

std::size_t count_handovers(const std::vector<const WriteRecord*>& writes) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < writes.size(); ++i)
    n += writes[i]->manager != writes[i - 1]->manager && writes[i]->new_value != writes[i - 1]->new_value;
  return n;
}

WritesByField disputable_writes_by_field(const std::vector<WriteRecord>& writes) {
  WritesByField by_field;
  for (const WriteRecord& w : writes)
    if (is_disputable_write(w)) by_field[{w.object, w.field}].push_back(&w);
  return by_field;
}

json find_fights(const std::vector<WriteRecord>& writes) {
  json fights = json::array();
  for (const auto& [key, list] : disputable_writes_by_field(writes)) {
    std::size_t handovers = 0;
    std::set<std::string> writers;
    SimTime first{}, last{};
    for (std::size_t i = 1; i < list.size(); ++i) {
      const WriteRecord& prev = *list[i - 1];
      const WriteRecord& cur = *list[i];
      if (cur.manager == prev.manager || cur.new_value == prev.new_value) continue;
      if (handovers == 0) {
        first = cur.at;
        writers.insert(prev.manager);
      }
      writers.insert(cur.manager);
      last = cur.at;
      ++handovers;
    }
    if (handovers < kFightHandovers || writers.size() < 2) continue;

    std::vector<std::int64_t> gaps;
    std::map<std::pair<std::string, std::string>, SimTime> last_same;
    for (const WriteRecord* w : list) {
      const auto k = std::make_pair(w->manager, w->new_value.dump());
      auto it = last_same.find(k);
      if (it != last_same.end()) gaps.push_back((w->at - it->second).count());
      last_same[k] = w->at;
    }
    std::sort(gaps.begin(), gaps.end());
    double period_us = 0.0;
    if (!gaps.empty()) {
      const std::size_t n = gaps.size();
      period_us = n % 2 ? static_cast<double>(gaps[n / 2])
                        : (static_cast<double>(gaps[n / 2 - 1]) + static_cast<double>(gaps[n / 2])) / 2.0;
    }
    const std::int64_t cycles = static_cast<std::int64_t>(handovers / 2);
    std::vector<std::string> sorted(writers.begin(), writers.end());
    std::string names;
    for (std::size_t i = 0; i < sorted.size(); ++i)
      names += (i == 0 ? "" : (i + 1 == sorted.size() ? " and " : ", ")) + sorted[i];
    const Duration period{static_cast<std::int64_t>(std::llround(period_us / 1e6) * 1000000)};
    json f = {{"object", key.first.str()},
              {"field", key.second},
              {"writers", sorted},
              {"cycles", cycles},
              {"period_s", std::round(period_us / 1e3) / 1e3},
              {"first_at_s", std::round(to_seconds(first) * 1e3) / 1e3},
              {"last_at_s", std::round(to_seconds(last) * 1e3) / 1e3}};
    f["summary"] = fmt::format("{} fight over {} {}: {} cycles, one every {}", names,
                               plain_object(key.first), key.second, cycles,
                               gaps.empty() ? "?" : format_short_duration(period));
    fights.push_back(std::move(f));
  }
  return fights;
}

}  // namespace kcsim
