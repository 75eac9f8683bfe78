#include "kcsim/analysis/resets.hpp"

#include "kcsim/analysis/vocabulary.hpp"

#include <cmath>

#include <fmt/format.h>

#include "kcsim/analysis/fights.hpp"

namespace kcsim {
namespace {

double seconds3(SimTime t) { return std::round(to_seconds(t) * 1e3) / 1e3; }

std::string plain(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

json find_resets(const WriteRecords& writes) {
  json resets = json::array();
  for (const auto& [key, list] : disputable_writes_by_field(writes)) {
    if (count_handovers(list) >= kFightHandovers) continue;  // a fight, reported as one
    for (std::size_t i = 1; i + 1 < list.size(); ++i) {
      const WriteRecord& before = *list[i - 1];
      const WriteRecord& reset = *list[i];
      if (reset.manager() == before.manager() || reset.new_value() == before.new_value()) continue;
      // The overridden manager writes the field again: the first later write of its own.
      const WriteRecord* restore = nullptr;
      for (std::size_t j = i + 1; j < list.size() && !restore; ++j)
        if (list[j]->manager() == before.manager()) restore = list[j];
      if (!restore) continue;
      json r = {{"object", key.first.str()},
                {"field", key.second},
                {"by", reset.manager()},
                {"over", before.manager()},
                {"at_s", seconds3(reset.at())},
                {"from", before.new_value()},
                {"to", reset.new_value()},
                {"restored_at_s", seconds3(restore->at())},
                {"restored_to", restore->new_value()}};
      r["summary"] = fmt::format("{} reset {} from {} to {} at {}; {} set it to {} {} later", reset.manager(),
                                 field_phrase(key.first, key.second), plain(before.new_value()), plain(reset.new_value()),
                                 format_go_duration(reset.at().time_since_epoch()), before.manager(),
                                 plain(restore->new_value()), format_go_duration(restore->at() - reset.at()));
      resets.push_back(std::move(r));
    }
  }
  return resets;
}

}  // namespace kcsim
