#include "kcsim/analysis/fights.hpp"

#include "kcsim/analysis/vocabulary.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

namespace kcsim {
namespace {

}  // namespace

bool is_disputable_write(const WriteRecord& w) {
  if (w.field().empty() || w.object().kind == "Pod" || w.object().kind == "Event") return false;
  return w.field().rfind("/spec", 0) == 0 || w.field().rfind("/metadata/labels", 0) == 0;
}

std::size_t count_handovers(const std::vector<const WriteRecord*>& writes) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < writes.size(); ++i)
    n += writes[i]->manager() != writes[i - 1]->manager() && writes[i]->new_value() != writes[i - 1]->new_value();
  return n;
}

WritesByField disputable_writes_by_field(const WriteRecords& writes) {
  WritesByField by_field;
  for (const WriteRecord& w : writes)
    if (is_disputable_write(w)) by_field[{w.object(), w.field()}].push_back(&w);
  return by_field;
}

json find_fights(const WriteRecords& writes) {
  json fights = json::array();
  for (const auto& [key, list] : disputable_writes_by_field(writes)) {
    std::size_t handovers = 0;
    std::set<std::string> writers;
    SimTime first{}, last{};
    for (std::size_t i = 1; i < list.size(); ++i) {
      const WriteRecord& prev = *list[i - 1];
      const WriteRecord& cur = *list[i];
      if (cur.manager() == prev.manager() || cur.new_value() == prev.new_value()) continue;
      if (handovers == 0) {
        first = cur.at();
        writers.insert(prev.manager());
      }
      writers.insert(cur.manager());
      last = cur.at();
      ++handovers;
    }
    if (handovers < kFightHandovers || writers.size() < 2) continue;

    std::vector<std::int64_t> gaps;
    std::map<std::pair<std::string, std::string>, SimTime> last_same;
    std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> series;  // gaps in time order
    for (const WriteRecord* w : list) {
      const auto k = std::make_pair(w->manager(), w->new_value().dump());
      auto it = last_same.find(k);
      if (it != last_same.end()) {
        gaps.push_back((w->at() - it->second).count());
        series[k].push_back(gaps.back());
      }
      last_same[k] = w->at();
    }
    std::sort(gaps.begin(), gaps.end());
    double period_us = 0.0;
    if (!gaps.empty()) {
      const std::size_t n = gaps.size();
      period_us = n % 2 ? static_cast<double>(gaps[n / 2])
                        : (static_cast<double>(gaps[n / 2 - 1]) + static_cast<double>(gaps[n / 2])) / 2.0;
    }
    // The ramp: the first cycles of the longest series that are shorter or longer than the steady
    // period (ArgoCD's self-heal backoff: 0, 2, 6, 18, 54, 162 s before its 300 s cap).
    const std::vector<std::int64_t>* longest = nullptr;
    for (const auto& [k, v] : series)
      if (!longest || v.size() > longest->size()) longest = &v;
    json ramp = json::array();
    if (longest)
      for (std::int64_t g : *longest) {
        const double off = std::abs(static_cast<double>(g) - period_us);
        if (off <= std::max(1e6, 0.02 * period_us)) break;
        ramp.push_back(std::round(static_cast<double>(g) / 1e3) / 1e3);
      }
    const std::int64_t cycles = static_cast<std::int64_t>(handovers / 2);
    std::vector<std::string> sorted(writers.begin(), writers.end());
    const Duration period{static_cast<std::int64_t>(std::llround(period_us / 1e6) * 1000000)};
    json f = {{"object", key.first.str()},
              {"field", key.second},
              {"writers", sorted},
              {"cycles", cycles},
              {"period_s", std::round(period_us / 1e3) / 1e3},
              {"ramp_s", ramp},
              {"first_at_s", std::round(to_seconds(first) * 1e3) / 1e3},
              {"last_at_s", std::round(to_seconds(last) * 1e3) / 1e3}};
    std::string ramp_text;
    for (const json& r : ramp)
      ramp_text += (ramp_text.empty() ? "" : ", ") +
                   format_short_duration(Duration{static_cast<std::int64_t>(std::llround(r.get<double>()) * 1000000)});
    f["summary"] = fmt::format("{} set {} back and forth: {} cycles, {}{}", writers_phrase(sorted),
                               field_phrase(key.first, key.second), cycles,
                               gaps.empty() ? "period unknown" : period_phrase(period),
                               ramp.empty() ? "" : fmt::format(" after a ramp of {} ({})", ramp.size(), ramp_text));
    fights.push_back(std::move(f));
  }
  return fights;
}

}  // namespace kcsim
