#include "expectations.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "../k8s/json_positions.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/json_pointer.hpp"
#include "kcsim/core/pattern.hpp"

namespace kcsim {
namespace {

const std::set<std::string> kComparators = {"equals", "min", "max", "matches"};

std::string exp_pointer(std::size_t i) { return "/expectations/" + std::to_string(i); }

void check_pattern(const Scenario& s, const std::string& pointer, const json& value) {
  std::string why;
  if (!Pattern::compile(value.get<std::string>(), &why))
    throw InputError(s.file, pointer, "expected a regular expression (RE2 syntax, docs/scenario-format.md)",
                     fmt::format("{}: {}", describe_found(value), why));
}

bool matches_labels(const json& object, const json& labels) {
  if (labels.is_null()) return true;
  const json* have = nullptr;
  if (object.contains("metadata") && object["metadata"].contains("labels"))
    have = &object["metadata"]["labels"];
  for (auto& [k, v] : labels.items())
    if (!have || !have->contains(k) || (*have)[k] != v) return false;
  return true;
}

// Compares an observed value with the expectation's comparators. Returns "" when it holds,
// else a description of the mismatch.
std::string compare(const json& e, const json& observed) {
  std::string failure;
  if (e.contains("equals") && observed != e["equals"])
    failure = fmt::format("expected {}, observed {}", e["equals"].dump(), observed.dump());
  if (e.contains("min") && (!observed.is_number() || observed.get<double>() < e["min"].get<double>()))
    failure = fmt::format("expected at least {}, observed {}", e["min"].dump(), observed.dump());
  if (e.contains("max") && (!observed.is_number() || observed.get<double>() > e["max"].get<double>()))
    failure = fmt::format("expected at most {}, observed {}", e["max"].dump(), observed.dump());
  if (e.contains("matches")) {
    const std::string text = observed.is_string() ? observed.get<std::string>() : observed.dump();
    if (!Pattern::compile(e["matches"].get<std::string>(), nullptr)->search(text))
      failure = fmt::format("expected a match for /{}/, observed {}", e["matches"].get<std::string>(),
                            observed.dump());
  }
  return failure;
}

json select_elements(const json& array, const std::string& selector) {
  if (!selector.empty() && std::all_of(selector.begin(), selector.end(), ::isdigit)) {
    std::size_t i = 0;
    const auto [end, ec] = std::from_chars(selector.data(), selector.data() + selector.size(), i);
    // An index too large for size_t is past the end of any array, as a large one is.
    return ec == std::errc() && end == selector.data() + selector.size() && i < array.size() ? array[i] : json();
  }
  std::vector<std::pair<std::string, std::string>> terms;
  if (selector.find('=') == std::string::npos) {
    terms.emplace_back("object", selector);
  } else {
    std::size_t start = 0;
    while (start <= selector.size()) {
      std::size_t comma = selector.find(',', start);
      if (comma == std::string::npos) comma = selector.size();
      const std::string term = selector.substr(start, comma - start);
      const auto eq = term.find('=');
      if (eq != std::string::npos) terms.emplace_back(term.substr(0, eq), term.substr(eq + 1));
      start = comma + 1;
    }
  }
  for (const json& el : array) {
    bool ok = el.is_object();
    for (auto& [k, v] : terms) {
      if (!ok) break;
      if (!el.contains(k)) {
        ok = false;
      } else if (el[k].is_string()) {
        ok = el[k].get<std::string>() == v;
      } else if (el[k].is_array()) {
        // "writers=argocd-controller+keda": the sorted list joined with '+'.
        std::string joined;
        for (const json& w : el[k]) {
          if (!joined.empty()) joined += '+';
          joined += w.get<std::string>();
        }
        ok = joined == v;
      } else {
        ok = el[k].dump() == v;
      }
    }
    if (ok) return el;
  }
  return json();
}

}  // namespace

json report_value(const json& report, const std::string& path) {
  json current = report;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t end = pos;
    int depth = 0;
    while (end < path.size() && (depth > 0 || path[end] != '.')) {
      if (path[end] == '[') ++depth;
      if (path[end] == ']') --depth;
      ++end;
    }
    std::string segment = path.substr(pos, end - pos);
    pos = end + 1;
    std::string selector;
    bool has_selector = false;
    const auto bracket = segment.find('[');
    if (bracket != std::string::npos && segment.back() == ']') {
      selector = segment.substr(bracket + 1, segment.size() - bracket - 2);
      segment = segment.substr(0, bracket);
      has_selector = true;
    }
    if (segment == "length" && current.is_array() && !has_selector) {
      current = current.size();
      continue;
    }
    if (!current.is_object() || !current.contains(segment)) return json();
    current = current[segment];
    if (has_selector) {
      if (!current.is_array()) return json();
      current = select_elements(current, selector);
      if (current.is_null()) return json();
    }
  }
  return current;
}

void validate_expectations(const Scenario& s) {
  const json& list = s.expectations;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = exp_pointer(i);
    const json& e = list[i];
    if (!e.is_object()) throw InputError(s.file, p, "expected an expectation object", describe_found(e));
    if (!e.contains("description") || !e["description"].is_string())
      throw InputError(s.file, p + "/description", "expected a string saying what is expected",
                       e.contains("description") ? describe_found(e["description"]) : "nothing");
    int forms = e.contains("report") + e.contains("events") + e.contains("object") + e.contains("list");
    if (forms != 1)
      throw InputError(s.file, p,
                       "expected exactly one of \"report\", \"events\", \"object\" (with \"at\") or "
                       "\"list\" (with \"at\")",
                       fmt::format("{} of them", forms));
    int comparators = 0;
    for (auto& [key, value] : e.items()) {
      static const std::set<std::string> allowed = {"description", "report", "events", "object", "list",
                                                    "at", "pointer", "aggregate", "equals", "min",
                                                    "max", "matches"};
      if (!allowed.count(key))
        throw InputError(s.file, p + "/" + escape_pointer_token(key),
                         "expected one of description, report, events, object, list, at, pointer, "
                         "aggregate, equals, min, max, matches",
                         fmt::format("unknown field \"{}\"", key));
      if (kComparators.count(key)) {
        ++comparators;
        if ((key == "min" || key == "max") && !value.is_number())
          throw InputError(s.file, p + "/" + key, "expected a number", describe_found(value));
        if (key == "matches") {
          if (!value.is_string()) throw InputError(s.file, p + "/matches", "expected a regular expression string", describe_found(value));
          check_pattern(s, p + "/matches", value);
        }
      }
    }
    if (comparators == 0)
      throw InputError(s.file, p, "expected at least one of equals, min, max, matches", "none");
    if (e.contains("report") && !e["report"].is_string())
      throw InputError(s.file, p + "/report", "expected a report path such as \"workloads[Deployment/default/web].pods.created\"", describe_found(e["report"]));
    if (e.contains("object") || e.contains("list")) {
      if (!e.contains("at")) throw InputError(s.file, p + "/at", "expected the instant to sample (a duration)", "nothing");
      // An instant past the duration is not an input error (a sweep or --duration may shorten
      // the run); the expectation fails with "not reached" instead.
      (void)read_duration(e["at"], s.file, p + "/at");
    }
    if (e.contains("object")) {
      if (!e["object"].is_string() || ObjectRef::parse(e["object"].get<std::string>()).kind.empty())
        throw InputError(s.file, p + "/object", "expected \"Kind/namespace/name\"", describe_found(e["object"]));
    }
    if (e.contains("pointer")) {
      const json& ptr = e["pointer"];
      if (!ptr.is_string())
        throw InputError(s.file, p + "/pointer", "expected a JSON pointer such as \"/spec/replicas\"", describe_found(ptr));
      if (const auto problem = json_pointer_problem(ptr.get<std::string>()))
        throw InputError(s.file, p + "/pointer", "expected a JSON pointer such as \"/spec/replicas\"", *problem);
    }
    if (e.contains("list")) {
      const json& l = e["list"];
      if (!l.is_object() || !l.contains("kind") || !l["kind"].is_string())
        throw InputError(s.file, p + "/list", "expected {\"kind\": K, \"namespace\"?: N, \"labels\"?: {...}}", describe_found(l));
      for (auto& [k, v] : l.items()) {
        const std::string at = p + "/list/" + escape_pointer_token(k);
        if (k == "kind") continue;
        if (k == "namespace" && !v.is_string()) throw InputError(s.file, at, "expected a namespace name (a string)", describe_found(v));
        if (k == "terminating" && !v.is_boolean()) throw InputError(s.file, at, "expected true or false", describe_found(v));
        if (k == "labels") {
          if (!v.is_object()) throw InputError(s.file, at, "expected an object of label: value", describe_found(v));
          for (auto& [label, value] : v.items())
            if (!value.is_string())
              throw InputError(s.file, at + "/" + escape_pointer_token(label), "expected a label value (a string)", describe_found(value));
        }
        if (k != "namespace" && k != "terminating" && k != "labels")
          throw InputError(s.file, at, "expected one of kind, namespace, labels, terminating", fmt::format("unknown field \"{}\"", k));
      }
      if (e.contains("aggregate")) {
        const json& a = e["aggregate"];
        if (!a.is_string() || (a != "count" && a != "max" && a != "min" && a != "sum" && a != "names" && a != "values"))
          throw InputError(s.file, p + "/aggregate", "expected count, names, values, max, min or sum", describe_found(a));
        if (a != "count" && a != "names" && !e.contains("pointer"))
          throw InputError(s.file, p + "/pointer", "expected the field to aggregate (a JSON pointer)", "nothing");
      }
    }
    if (e.contains("events")) {
      const json& ev = e["events"];
      if (!ev.is_object()) throw InputError(s.file, p + "/events", "expected {reason?, type?, object?, message?}", describe_found(ev));
      for (auto& [k, v] : ev.items()) {
        if (k != "reason" && k != "type" && k != "object" && k != "message")
          throw InputError(s.file, p + "/events/" + escape_pointer_token(k), "expected one of reason, type, object, message",
                           fmt::format("unknown field \"{}\"", k));
        if (!v.is_string()) throw InputError(s.file, p + "/events/" + k, "expected a string (message: a regular expression)", describe_found(v));
        if (k == "message") check_pattern(s, p + "/events/message", v);
      }
    }
  }
}

ExpectationChecker::ExpectationChecker(const Scenario& scenario)
    : scenario_(scenario), sampled_(scenario.expectations.size()) {}

std::vector<SimTime> ExpectationChecker::probe_times() const {
  std::set<SimTime> times;
  for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
    const json& e = scenario_.expectations[i];
    if (!e.contains("at")) continue;
    const SimTime t{read_duration(e["at"], scenario_.file, exp_pointer(i) + "/at")};
    if (t <= SimTime{scenario_.duration}) times.insert(t);
  }
  return {times.begin(), times.end()};
}

void ExpectationChecker::probe(const World& world, SimTime t) {
  for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
    const json& e = scenario_.expectations[i];
    if (!e.contains("at")) continue;
    if (SimTime{read_duration(e["at"], scenario_.file, exp_pointer(i) + "/at")} != t) continue;
    const std::string pointer = e.value("pointer", "");
    // The API server keeps managedFields beside the stored document (stored_version.hpp): put
    // them back where the pointer can reach them, as a client reads the object.
    const bool managed_fields = pointer.empty() || pointer == "/metadata" || pointer.rfind("/metadata/managedFields", 0) == 0;
    const auto as_read = [managed_fields](const ObjectPtr& o) { return managed_fields ? with_managed_fields(o) : o; };
    if (e.contains("object")) {
      ObjectPtr obj = as_read(world.api().get(ObjectRef::parse(e["object"].get<std::string>())));
      if (!obj) {
        sampled_[i] = json();  // absent
        continue;
      }
      const json::json_pointer ptr(pointer);
      sampled_[i] = obj->contains(ptr) ? obj->at(ptr) : json();
      continue;
    }
    // "at" belongs to the object and list subjects; on any other the loader has reported it.
    if (!e.contains("list")) continue;
    const json& l = e["list"];
    std::optional<std::string_view> ns;
    std::string ns_value;
    if (l.contains("namespace")) {
      ns_value = l["namespace"].get<std::string>();
      ns = ns_value;
    }
    json labels = l.contains("labels") ? l["labels"] : json();
    const std::string aggregate = e.value("aggregate", "count");
    json values = json::array();
    json names = json::array();
    std::size_t count = 0;
    for (const ObjectPtr& listed : world.api().list(l["kind"].get<std::string>(), ns, nullptr)) {
      const ObjectPtr obj = as_read(listed);
      if (!matches_labels(*obj, labels)) continue;
      // Terminating objects (deletionTimestamp set) are included unless asked otherwise; kubectl
      // shows them too.
      if (l.contains("terminating") && l["terminating"].is_boolean() &&
          l["terminating"].get<bool>() != obj->at("metadata").contains("deletionTimestamp"))
        continue;
      ++count;
      names.push_back(obj->at("metadata").value("name", ""));
      if (!pointer.empty()) {
        const json::json_pointer ptr(pointer);
        if (obj->contains(ptr)) values.push_back(obj->at(ptr));
      }
    }
    if (aggregate == "count") {
      sampled_[i] = count;
    } else if (aggregate == "names") {
      sampled_[i] = names;
    } else if (aggregate == "values") {
      sampled_[i] = values;
    } else {
      json acc;
      for (const json& v : values) {
        if (!v.is_number()) continue;
        if (acc.is_null()) acc = v;
        else if (aggregate == "max") acc = std::max(acc.get<double>(), v.get<double>()) == v.get<double>() ? v : acc;
        else if (aggregate == "min") acc = std::min(acc.get<double>(), v.get<double>()) == v.get<double>() ? v : acc;
        else acc = acc.get<double>() + v.get<double>();
      }
      sampled_[i] = acc;
    }
  }
}

json ExpectationChecker::results(const World& world, const json& report) const {
  json out = json::array();
  for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
    const json& e = scenario_.expectations[i];
    json observed;
    if (e.contains("report")) {
      observed = report_value(report, e["report"].get<std::string>());
    } else if (e.contains("events")) {
      const json& f = e["events"];
      // Compiled once per expectation, not once per Event (validated at load, so it compiles).
      const std::optional<Pattern> message =
          f.contains("message") ? Pattern::compile(f["message"].get<std::string>(), nullptr) : std::nullopt;
      std::int64_t total = 0;
      for (const EventRecord& ev : world.api().events()) {
        if (f.contains("reason") && ev.reason != f["reason"].get<std::string>()) continue;
        if (f.contains("type") && ev.type != f["type"].get<std::string>()) continue;
        if (f.contains("object")) {
          std::string kind = ev.involved.kind;
          std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
          if (kind + "/" + ev.involved.name != f["object"].get<std::string>()) continue;
        }
        if (message && !message->search(ev.message)) continue;
        total += ev.count;
      }
      observed = total;
    } else {
      observed = sampled_[i];
    }
    std::string failure = compare(e, observed);
    if (e.contains("at") && SimTime{read_duration(e["at"], scenario_.file, exp_pointer(i) + "/at")} > SimTime{scenario_.duration})
      failure = "not reached: the run ended before this instant";
    json r = {{"description", e["description"]}, {"passed", failure.empty()}};
    if (!failure.empty()) r["detail"] = failure;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace kcsim
