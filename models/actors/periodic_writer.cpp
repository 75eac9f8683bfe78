// A writer that sets one field of one object on a fixed period: a CronJob running `kubectl
// patch`, an in-house operator, a script — anything that keeps writing a field another
// controller also owns. Settings (settings.periodic-writer):
//
//   {"writers": [{"manager": "cost-saver", "target": "Deployment/prod/backend",
//                 "pointer": "/spec/replicas", "value": 0, "interval": "10m",
//                 "start": "0s", "until": "2h", "method": "merge-patch"}]}
//
// The value is `value` (constant), `values` (a list written in turn, one per write) or
// `schedule` ([{"at": "0s", "value": 1}, {"at": "30m", "value": 0}]: the entry in force at
// each write). `method`: "merge-patch" (default; a JSON merge patch built from the pointer),
// "update" (GET, set, PUT with the read resourceVersion), "scale" (PUT .../scale; pointer must be
// /spec/replicas), or "apply" (server-side apply of just that field; `force` for
// --force-conflicts). A missing target is skipped. docs/models/argocd-git.md.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/apiserver/model.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"

namespace kcsim {
namespace {

struct Writer {
  std::string manager;
  ObjectRef target;
  std::string api_version;  // for apply: taken from the live object
  std::vector<std::string> tokens;  // the pointer, split
  std::string pointer;
  std::string method = "merge-patch";
  std::string subresource;
  bool force = false;
  json value;                                     // constant
  std::vector<json> values;                       // cycled
  std::vector<std::pair<SimTime, json>> schedule;  // step function
  Duration interval{};
  SimTime start{};
  std::optional<SimTime> until;
  std::size_t writes = 0;
};

std::string escape(const std::string& token) {
  std::string out;
  for (char c : token) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return out;
}

class PeriodicWriter final : public Model {
 public:
  explicit PeriodicWriter(World& world) : Model(world, "periodic-writer") {
    const json& s = settings();
    const std::string base = world.settings_pointer("periodic-writer");
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (it.key() == "enabled") continue;
      if (it.key() != "writers")
        fail(base + "/" + escape(it.key()), "expected writers (an array)", fmt::format("unknown field \"{}\"", it.key()));
      if (!it->is_array()) fail(base + "/writers", "expected an array of writers", describe_found(*it));
      for (std::size_t i = 0; i < it->size(); ++i) writers_.push_back(parse((*it)[i], fmt::format("{}/writers/{}", base, i)));
    }
  }

  void start() override {
    for (std::size_t i = 0; i < writers_.size(); ++i) engine().schedule_at(writers_[i].start, this, 0, i);
  }

  void on_event(std::uint32_t /*kind*/, std::uint64_t index) override {
    Writer& w = writers_[index];
    if (w.until && now() > *w.until) return;
    write(w);
    const SimTime next = now() + w.interval;
    if (!w.until || next <= *w.until) engine().schedule_at(next, this, 0, index);
  }

 private:
  [[noreturn]] void fail(const std::string& pointer, const std::string& expected, const std::string& found) const {
    throw InputError(world().scenario().file, pointer, expected, found);
  }

  Writer parse(const json& w, const std::string& p) const {
    if (!w.is_object()) fail(p, "expected a writer object", describe_found(w));
    static const std::set<std::string> keys = {"name", "description", "manager", "target", "pointer", "value", "values",
                                               "schedule", "interval", "start", "until", "method", "force", "subresource"};
    for (auto it = w.begin(); it != w.end(); ++it)
      if (!keys.count(it.key()))
        fail(p + "/" + escape(it.key()),
             "expected one of name, description, manager, target, pointer, value, values, schedule, interval, start, "
             "until, method, force, subresource",
             fmt::format("unknown field \"{}\"", it.key()));
    Writer out;
    const std::string file = world().scenario().file;
    auto need_string = [&](const char* k) {
      if (!w.contains(k) || !w[k].is_string() || w[k].get<std::string>().empty())
        fail(p + "/" + k, "expected a non-empty string", w.contains(k) ? describe_found(w[k]) : "nothing");
      return w[k].get<std::string>();
    };
    out.manager = need_string("manager");
    const std::string target = need_string("target");
    out.target = ObjectRef::parse(target);
    if (out.target.kind.empty())
      fail(p + "/target", "expected \"Kind/namespace/name\" (or \"Kind/name\" for cluster-scoped objects)",
           describe_found(w["target"]));
    out.pointer = need_string("pointer");
    if (out.pointer[0] != '/') fail(p + "/pointer", "expected a JSON pointer such as \"/spec/replicas\"", describe_found(w["pointer"]));
    try {
      const json::json_pointer jp(out.pointer);
      (void)jp;
    } catch (const json::exception&) {
      fail(p + "/pointer", "expected a valid JSON pointer", describe_found(w["pointer"]));
    }
    std::string token;
    for (std::size_t i = 1; i <= out.pointer.size(); ++i) {
      if (i == out.pointer.size() || out.pointer[i] == '/') {
        std::string t;
        for (std::size_t k = 0; k < token.size(); ++k) {
          if (token[k] == '~' && k + 1 < token.size()) {
            t += token[k + 1] == '1' ? '/' : '~';
            ++k;
          } else {
            t += token[k];
          }
        }
        out.tokens.push_back(t);
        token.clear();
      } else {
        token += out.pointer[i];
      }
    }
    const int sources = (w.contains("value") ? 1 : 0) + (w.contains("values") ? 1 : 0) + (w.contains("schedule") ? 1 : 0);
    if (sources != 1) fail(p, "expected exactly one of value, values, schedule", fmt::format("{} of them", sources));
    if (w.contains("value")) out.value = w["value"];
    if (w.contains("values")) {
      if (!w["values"].is_array() || w["values"].empty()) fail(p + "/values", "expected a non-empty array of values", describe_found(w["values"]));
      out.values.assign(w["values"].begin(), w["values"].end());
    }
    if (w.contains("schedule")) {
      const json& sch = w["schedule"];
      if (!sch.is_array() || sch.empty()) fail(p + "/schedule", "expected a non-empty array of {at, value}", describe_found(sch));
      for (std::size_t i = 0; i < sch.size(); ++i) {
        const std::string ep = fmt::format("{}/schedule/{}", p, i);
        if (!sch[i].is_object() || !sch[i].contains("at") || !sch[i].contains("value"))
          fail(ep, "expected {\"at\": duration, \"value\": value}", describe_found(sch[i]));
        for (auto it = sch[i].begin(); it != sch[i].end(); ++it)
          if (it.key() != "at" && it.key() != "value") fail(ep + "/" + escape(it.key()), "expected at and value", fmt::format("unknown field \"{}\"", it.key()));
        out.schedule.emplace_back(SimTime{read_duration(sch[i]["at"], file, ep + "/at")}, sch[i]["value"]);
      }
      std::stable_sort(out.schedule.begin(), out.schedule.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (!w.contains("interval")) fail(p + "/interval", "expected the period between writes (a duration)", "nothing");
    out.interval = read_duration(w["interval"], file, p + "/interval");
    if (out.interval <= Duration{0}) fail(p + "/interval", "expected a positive duration", describe_found(w["interval"]));
    if (w.contains("start")) out.start = SimTime{read_duration(w["start"], file, p + "/start")};
    if (w.contains("until")) out.until = SimTime{read_duration(w["until"], file, p + "/until")};
    if (w.contains("method")) {
      const json& m = w["method"];
      if (!m.is_string() || (m != "merge-patch" && m != "update" && m != "scale" && m != "apply"))
        fail(p + "/method", "expected \"merge-patch\", \"update\", \"scale\" or \"apply\"", describe_found(m));
      out.method = m.get<std::string>();
    }
    if (out.method == "scale" && out.pointer != "/spec/replicas")
      fail(p + "/pointer", "expected /spec/replicas with method scale", describe_found(w["pointer"]));
    if (w.contains("force")) {
      if (!w["force"].is_boolean()) fail(p + "/force", "expected true or false", describe_found(w["force"]));
      out.force = w["force"].get<bool>();
    }
    if (w.contains("subresource")) {
      if (!w["subresource"].is_string() || (w["subresource"] != "" && w["subresource"] != "status"))
        fail(p + "/subresource", "expected \"\" or \"status\"", describe_found(w["subresource"]));
      out.subresource = w["subresource"].get<std::string>();
    }
    return out;
  }

  json current_value(Writer& w) const {
    if (!w.values.empty()) return w.values[w.writes % w.values.size()];
    if (!w.schedule.empty()) {
      json v = w.schedule.front().second;
      for (const auto& [at, value] : w.schedule)
        if (at <= now()) v = value;
      return v;
    }
    return w.value;
  }

  void write(Writer& w) {
    ObjectPtr live = api().get(w.target);
    if (!live) return;
    const json value = current_value(w);
    ++w.writes;
    if (w.method == "scale") {
      if (!value.is_number_integer()) return;
      api().update_scale(w.target, value.get<std::int64_t>(), "", w.manager);
      return;
    }
    if (w.method == "update") {
      json obj = *live;
      obj[json::json_pointer(w.pointer)] = value;
      api().update(std::move(obj), w.manager, w.subresource);
      return;
    }
    // A document holding only the field, for a merge patch or an apply.
    json doc = value;
    for (auto t = w.tokens.rbegin(); t != w.tokens.rend(); ++t) doc = json{{*t, doc}};
    if (w.method == "apply") {
      doc["apiVersion"] = live->value("apiVersion", "");
      doc["kind"] = w.target.kind;
      doc["metadata"]["name"] = w.target.name;
      if (!w.target.ns.empty()) doc["metadata"]["namespace"] = w.target.ns;
      api().apply(doc, w.manager, w.force);
      return;
    }
    api().merge_patch(w.target, doc, w.manager, w.subresource);
  }

  std::vector<Writer> writers_;
};

KCSIM_REGISTER_MODEL(PeriodicWriter, "periodic-writer");

}  // namespace
}  // namespace kcsim
