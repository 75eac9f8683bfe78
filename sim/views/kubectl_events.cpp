// `kubectl events` (sim/views/kubectl_events.hpp): k8s.io/kubectl v1.32 pkg/cmd/events/events.go
// (Run, SortableEvents, eventTime) and event_printer.go (printHeadings, printOneEvent,
// getInterval). Unlike `get events`, OBJECT keeps the kind's case ("Pod/web-1") and LAST SEEN
// says how often and over how long an event repeated: "5s (x3 over 2m)".
#include "kubectl_events.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kcsim/core/text.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/views/kubectl_view.hpp"

namespace kcsim {
namespace {

const json* child(const json& o, std::initializer_list<const char*> path) { return find(o, path); }

}  // namespace

std::string kubectl_events_table(std::vector<ObjectPtr> events, const std::function<std::string(const json*)>& since,
                                 const std::function<std::optional<std::int64_t>(const json*)>& instant, bool all_namespaces,
                                 bool no_headers) {
  // eventTime: the series' last observation, else lastTimestamp, else eventTime.
  auto event_time = [&](const json& e) -> std::int64_t {
    if (const json* series = child(e, {"series"}); series && series->is_object())
      return instant(child(*series, {"lastObservedTime"})).value_or(0);
    if (const auto t = instant(child(e, {"lastTimestamp"}))) return *t;
    return instant(child(e, {"eventTime"})).value_or(0);
  };
  std::stable_sort(events.begin(), events.end(), [&](const ObjectPtr& a, const ObjectPtr& b) { return event_time(*a) < event_time(*b); });

  std::string text;
  if (!no_headers) text += std::string(all_namespaces ? "NAMESPACE\t" : "") + "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n";
  for (const ObjectPtr& p : events) {
    const json& e = *p;
    // getInterval
    std::string first = since(child(e, {"eventTime"}));
    if (!instant(child(e, {"eventTime"}))) first = since(child(e, {"firstTimestamp"}));
    std::string interval = first;
    const std::int64_t count = int_at(e, {"count"}, 0);
    if (const json* series = child(e, {"series"}); series && series->is_object())
      interval = fmt::format("{} (x{} over {})", since(child(*series, {"lastObservedTime"})), int_at(*series, {"count"}, 0), first);
    else if (count > 1)
      interval = fmt::format("{} (x{} over {})", since(child(e, {"lastTimestamp"})), count, first);
    if (all_namespaces) text += str_at(e, {"metadata", "namespace"}) + "\t";
    text += fmt::format("{}\t{}\t{}\t{}/{}\t{}\n", interval, str_at(e, {"type"}), str_at(e, {"reason"}),
                        str_at(e, {"involvedObject", "kind"}), str_at(e, {"involvedObject", "name"}), trim(str_at(e, {"message"})));
  }
  return go_tabwriter(text, 6, 3);
}

}  // namespace kcsim
