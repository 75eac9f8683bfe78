// kubectl (and `argocd app get`) at one simulated instant (include/kcsim/views/kubectl_view.hpp).
//
// Sources of each layout, so that a difference can be checked against them:
//  - tables: k8s.io/kubernetes pkg/printers/internalversion/printers.go (printPod, printEvent,
//    printDeployment, printReplicaSet, printHorizontalPodAutoscaler with formatHPAMetrics,
//    printService, printNamespace, printNode, printEndpoints, printEndpointSlice: the objects
//    kcsim derives rather than stores are in sim/views/cluster_objects.hpp); CRDs: the apiextensions table convertor over each CRD's
//    additionalPrinterColumns (first JSONPath result only; a missing value is an empty cell;
//    "date" columns are ages); cli-runtime tableprinter.go (NAMESPACE column for -A, upper-case
//    headers, "kind.group/name" when several kinds are printed) and tabwriter (6, 4, 3).
//  - describe, rollout history, logs: their own files (sim/views/kubectl_context.hpp lists them).
//  - top: k8s.io/kubectl pkg/metricsutil/metrics_printer.go (every cell tab-terminated).
//  - custom-columns, --sort-by: k8s.io/kubectl pkg/cmd/get/customcolumn.go, sorter.go.
//  - argocd app get: argo-cd cmd/argocd/commands/app.go printAppSummaryTable ("%-20s%s"),
//    printAppResources, getResourceStates (tabwriter 0, 0, 2).
#include "kcsim/views/kubectl_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "../../models/argocd/argocd_health.hpp"
#include "../../models/git/git_repository.hpp"
#include "cluster_objects.hpp"
#include "kubectl_context.hpp"
#include "kubectl_events.hpp"
#include "kcsim/views/table.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/k8s/label_selector.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/apiserver/resource_metrics.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/views/yaml_writer.hpp"
#include "kcsim/k8s/well_known.hpp"

namespace kcsim {
namespace kubectl_detail {

using Rows = std::vector<std::vector<std::string>>;

// --- small helpers ---------------------------------------------------------------------------------

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const json* at(const json& o, std::initializer_list<std::string_view> path) {
  const json* cur = &o;
  for (std::string_view k : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(k));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}
std::string str(const json& o, std::initializer_list<std::string_view> path, std::string def) {
  const json* v = at(o, path);
  return v && v->is_string() ? v->get<std::string>() : def;
}
std::int64_t integer(const json& o, std::initializer_list<std::string_view> path, std::int64_t def) {
  const json* v = at(o, path);
  if (v && v->is_number_integer()) return v->get<std::int64_t>();
  if (v && v->is_number_float()) return static_cast<std::int64_t>(v->get<double>());
  return def;
}
bool boolean(const json& o, std::initializer_list<std::string_view> path, bool def) {
  const json* v = at(o, path);
  return v && v->is_boolean() ? v->get<bool>() : def;
}
const json& empty_array() {
  static const json kEmpty = json::array();
  return kEmpty;
}
const json& array_at(const json& o, std::initializer_list<std::string_view> path) {
  const json* v = at(o, path);
  return v && v->is_array() ? *v : empty_array();
}
std::string name_of(const json& o) { return str(o, {"metadata", "name"}); }
std::string namespace_of(const json& o) { return str(o, {"metadata", "namespace"}); }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

// fmt.Sprint of a decoded JSON value (what custom-columns prints).
std::string go_sprint(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::null: return "<nil>";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer: return std::to_string(v.get<std::int64_t>());
    case json::value_t::number_unsigned: return std::to_string(v.get<std::uint64_t>());
    case json::value_t::number_float: {
      const double f = v.get<double>();
      if (std::isfinite(f) && f == std::floor(f) && std::fabs(f) < 9.2e18) return std::to_string(static_cast<std::int64_t>(f));
      return go_format_float_g(f);
    }
    case json::value_t::object: {
      std::string out = "map[";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ' ';
        first = false;
        out += it.key() + ":" + go_sprint(it.value());
      }
      return out + "]";
    }
    case json::value_t::array: {
      std::vector<std::string> parts;
      for (const json& x : v) parts.push_back(go_sprint(x));
      return "[" + join(parts, " ") + "]";
    }
    default: return v.dump();
  }
}

// What kubectl's JSONPath printer writes for one result (jsonpath.go PrintResults).
std::string jsonpath_text(const json& v) {
  if (v.is_object() || v.is_array()) return to_go_json_compact(v);
  if (v.is_null()) return "null";
  return go_sprint(v);
}

// A quantity as stored ("500m", "128Mi"); numbers as Go prints them.
std::string quantity_str(const json* v) {
  if (!v) return "";
  return v->is_string() ? v->get<std::string>() : go_sprint(*v);
}

// resource.ParseQuantity, as a double in base units (cores, bytes).
std::optional<double> parse_quantity(const json* v) {
  if (!v) return std::nullopt;
  if (v->is_number()) return v->get<double>();
  if (!v->is_string()) return std::nullopt;
  const std::string s = v->get<std::string>();
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double num;
  try {
    num = std::stod(s.substr(0, i));
  } catch (...) {
    return std::nullopt;
  }
  const std::string suffix = s.substr(i);
  static const std::map<std::string, double> kSuffix = {
      {"", 1},       {"n", 1e-9},   {"u", 1e-6},    {"m", 1e-3},          {"k", 1e3},
      {"M", 1e6},    {"G", 1e9},    {"T", 1e12},    {"P", 1e15},          {"E", 1e18},
      {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
      {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}};
  if (auto it = kSuffix.find(suffix); it != kSuffix.end()) return num * it->second;
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
    try {
      return num * std::pow(10.0, std::stoi(suffix.substr(1)));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// --- time --------------------------------------------------------------------------------------------

// Unix microseconds of "2026-01-01T12:00:00Z" or "2026-01-01T12:00:00.000100Z".
std::optional<std::int64_t> unix_us(const json* v) {
  if (!v || !v->is_string()) return std::nullopt;
  std::string s = v->get<std::string>();
  std::int64_t frac_us = 0;
  if (const std::size_t dot = s.find('.'); dot != std::string::npos && !s.empty() && s.back() == 'Z') {
    std::string frac = s.substr(dot + 1, s.size() - dot - 2);
    frac.resize(6, '0');
    try {
      frac_us = std::stoll(frac.substr(0, 6));
    } catch (...) {
      return std::nullopt;
    }
    s = s.substr(0, dot) + "Z";
  }
  const auto secs = parse_rfc3339(s);
  if (!secs) return std::nullopt;
  return *secs * 1000000 + frac_us;
}

// civil_from_days (Howard Hinnant) for RFC 1123 dates.
void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

// Go's time.RFC1123Z in UTC: "Thu, 01 Jan 2026 12:00:05 +0000".
std::string rfc1123z(std::int64_t unix_seconds) {
  static const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t days = unix_seconds / 86400, rem = unix_seconds % 86400;
  if (rem < 0) rem += 86400, --days;
  int y, m, d;
  civil_from_days(days, y, m, d);
  const std::int64_t wd = ((days % 7) + 7) % 7;
  return fmt::format("{}, {:02d} {} {} {:02d}:{:02d}:{:02d} +0000", kDays[wd], d, kMonths[m - 1], y, rem / 3600,
                     rem / 60 % 60, rem % 60);
}

// Go's time.Time.String() in UTC: "2026-01-01 12:00:05 +0000 UTC".
std::string go_time_string(const json* ts) {
  const auto t = unix_us(ts);
  if (!t) return "<nil>";
  const std::int64_t secs = *t / 1000000;
  std::int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) rem += 86400, --days;
  int y, m, d;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d} +0000 UTC", y, m, d, rem / 3600, rem / 60 % 60, rem % 60);
}

// --- JSONPath (the subset kubectl users write) -------------------------------------------------------

struct PathStep {
  enum Kind { kKey, kIndex, kWildcard, kFilter } kind = kKey;
  std::string key;
  std::int64_t index = 0;
  std::vector<std::string> filter_path;  // @.a.b
  std::string op;                        // "", "==", "!="
  json filter_value;
};

PathStep wildcard_step() {
  PathStep st;
  st.kind = PathStep::kWildcard;
  return st;
}

std::string parse_name(const std::string& s, std::size_t& i) {
  std::string name;
  while (i < s.size() && s[i] != '.' && s[i] != '[') {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;  // kubectl's escaped dot: annotations.kubectl\.kubernetes\.io/x
    name += s[i++];
  }
  return name;
}

std::vector<PathStep> parse_jsonpath(const std::string& expr) {
  auto fail = [&](const std::string& why) {
    throw KubectlUsageError(fmt::format("JSONPath \"{}\": {}", expr, why));
  };
  std::string s = expr;
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  if (!s.empty() && s[0] == '$') s.erase(s.begin());
  if (!s.empty() && s[0] != '.' && s[0] != '[') s = "." + s;
  std::vector<PathStep> steps;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
      if (i < s.size() && s[i] == '.') fail("recursive descent (..) is not supported");
      if (i < s.size() && s[i] == '*') {
        ++i;
        steps.push_back(wildcard_step());
        continue;
      }
      if (i >= s.size() || s[i] == '[') continue;
      PathStep st;
      st.key = parse_name(s, i);
      steps.push_back(st);
      continue;
    }
    if (s[i] != '[') fail(fmt::format("unexpected \"{}\"", s.substr(i)));
    const std::size_t close = s.find(']', i);
    if (close == std::string::npos) fail("unclosed [");
    std::string inner = s.substr(i + 1, close - i - 1);
    i = close + 1;
    if (inner == "*") {
      steps.push_back(wildcard_step());
    } else if (!inner.empty() && (inner[0] == '\'' || inner[0] == '"')) {
      PathStep st;
      st.key = inner.substr(1, inner.size() >= 2 ? inner.size() - 2 : 0);
      steps.push_back(st);
    } else if (!inner.empty() && inner[0] == '?') {
      // ?(@.a.b == "x") / ?(@.a.b)
      std::string f = inner.substr(1);
      if (f.size() < 2 || f.front() != '(' || f.back() != ')') fail("malformed filter");
      f = f.substr(1, f.size() - 2);
      PathStep st;
      st.kind = PathStep::kFilter;
      std::size_t opos = f.find("==");
      if (opos == std::string::npos) opos = f.find("!=");
      std::string lhs = opos == std::string::npos ? f : f.substr(0, opos);
      while (!lhs.empty() && lhs.back() == ' ') lhs.pop_back();
      if (lhs.rfind("@.", 0) != 0) fail("a filter must start with @.");
      std::size_t j = 1;
      while (j < lhs.size() && lhs[j] == '.') {
        ++j;
        st.filter_path.push_back(parse_name(lhs, j));
      }
      if (opos != std::string::npos) {
        st.op = f.substr(opos, 2);
        std::string rhs = f.substr(opos + 2);
        while (!rhs.empty() && rhs.front() == ' ') rhs.erase(rhs.begin());
        while (!rhs.empty() && rhs.back() == ' ') rhs.pop_back();
        if (rhs.size() >= 2 && (rhs.front() == '"' || rhs.front() == '\'')) st.filter_value = rhs.substr(1, rhs.size() - 2);
        else st.filter_value = json::parse(rhs, nullptr, false);
        if (st.filter_value.is_discarded()) fail(fmt::format("cannot read the filter value {}", rhs));
      }
      steps.push_back(st);
    } else {
      if (inner.find(':') != std::string::npos) fail("array slices are not supported");
      PathStep st;
      st.kind = PathStep::kIndex;
      try {
        std::size_t used = 0;
        st.index = std::stoll(inner, &used);
        if (used != inner.size()) throw std::invalid_argument(inner);
      } catch (...) {
        fail(fmt::format("\"[{}]\" is not an index", inner));
      }
      steps.push_back(st);
    }
  }
  return steps;
}

bool filter_matches(const PathStep& st, const json& item) {
  const json* cur = &item;
  for (const std::string& k : st.filter_path) {
    if (!cur->is_object() || !cur->contains(k)) return false;
    cur = &cur->at(k);
  }
  if (st.op.empty()) return true;
  bool eq = *cur == st.filter_value;
  if (!eq && cur->is_number() && st.filter_value.is_number()) eq = cur->get<double>() == st.filter_value.get<double>();
  return st.op == "==" ? eq : !eq;
}

std::vector<const json*> eval_jsonpath(const json& root, const std::vector<PathStep>& steps) {
  std::vector<const json*> cur = {&root};
  for (const PathStep& st : steps) {
    std::vector<const json*> next;
    for (const json* v : cur) {
      switch (st.kind) {
        case PathStep::kKey:
          if (v->is_object())
            if (auto it = v->find(st.key); it != v->end()) next.push_back(&*it);
          break;
        case PathStep::kIndex:
          if (v->is_array() && !v->empty()) {
            const std::int64_t n = static_cast<std::int64_t>(v->size());
            const std::int64_t k = st.index < 0 ? st.index + n : st.index;
            if (k >= 0 && k < n) next.push_back(&(*v)[static_cast<std::size_t>(k)]);
          }
          break;
        case PathStep::kWildcard:
          if (v->is_array() || v->is_object())
            for (const json& x : *v) next.push_back(&x);
          break;
        case PathStep::kFilter:
          if (v->is_array())
            for (const json& x : *v)
              if (filter_matches(st, x)) next.push_back(&x);
          break;
      }
    }
    cur = std::move(next);
  }
  return cur;
}

// --- label and field selectors ----------------------------------------------------------------------

namespace {
// "KEY in (a,b)" / "KEY notin (a,b)": the key before the operator at `at`, the set after it.
void set_requirement(Requirement& r, const std::string& term, std::size_t at, std::string_view op, Requirement::Op kind) {
  r.key = trim(term.substr(0, at));
  r.op = kind;
  const std::string set = trim(term.substr(at + op.size()));
  if (set.size() < 2 || set.front() != '(' || set.back() != ')')
    throw KubectlUsageError(fmt::format("unable to parse requirement: \"{}\"", term));
  for (const std::string& v : split(set.substr(1, set.size() - 2), ',')) r.values.push_back(trim(v));
}
}  // namespace

// k8s.io/apimachinery labels.Parse: "a=b,c!=d,e,!f,g in (x,y),h notin (z)".
std::vector<Requirement> parse_selector(const std::string& text) {
  std::vector<std::string> terms;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      terms.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  terms.push_back(cur);
  std::vector<Requirement> out;
  for (std::string t : terms) {
    t = trim(t);
    if (t.empty()) continue;
    Requirement r;
    if (t[0] == '!') {
      r.key = trim(t.substr(1));
      r.op = Requirement::kNotExists;
    } else if (auto p = t.find("!="); p != std::string::npos) {
      r.key = trim(t.substr(0, p));
      r.op = Requirement::kNotEq;
      r.values = {trim(t.substr(p + 2))};
    } else if (auto p2 = t.find("=="); p2 != std::string::npos) {
      r.key = trim(t.substr(0, p2));
      r.values = {trim(t.substr(p2 + 2))};
    } else if (auto p3 = t.find('='); p3 != std::string::npos) {
      r.key = trim(t.substr(0, p3));
      r.values = {trim(t.substr(p3 + 1))};
    } else if (auto p4 = t.find(" notin "); p4 != std::string::npos) {
      set_requirement(r, t, p4, " notin ", Requirement::kNotIn);
    } else if (auto p5 = t.find(" in "); p5 != std::string::npos) {
      set_requirement(r, t, p5, " in ", Requirement::kIn);
    } else {
      r.key = t;
      r.op = Requirement::kExists;
    }
    if (r.key.empty()) throw KubectlUsageError(fmt::format("unable to parse requirement: \"{}\"", t));
    out.push_back(r);
  }
  return out;
}

bool selector_matches(const std::vector<Requirement>& reqs, const json* labels) {
  for (const Requirement& r : reqs) {
    const bool has = labels && labels->is_object() && labels->contains(r.key) && (*labels)[r.key].is_string();
    const std::string v = has ? (*labels)[r.key].get<std::string>() : "";
    const bool in = has && std::find(r.values.begin(), r.values.end(), v) != r.values.end();
    switch (r.op) {
      case Requirement::kEq:
      case Requirement::kIn:
        if (!in) return false;
        break;
      case Requirement::kNotEq:
      case Requirement::kNotIn:
        if (in) return false;
        break;
      case Requirement::kExists:
        if (!has) return false;
        break;
      case Requirement::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

// Field selectors: "status.phase=Running,involvedObject.name!=x" on any dotted path.
bool field_selector_matches(const std::string& text, const json& obj) {
  if (text.empty()) return true;
  for (std::string t : split(text, ',')) {
    t = trim(t);
    if (t.empty()) continue;
    bool negate = false;
    std::size_t p = t.find("!=");
    std::size_t len = 2;
    if (p != std::string::npos) negate = true;
    else if ((p = t.find("==")) == std::string::npos) p = t.find('='), len = 1;
    if (p == std::string::npos) throw KubectlUsageError(fmt::format("invalid field selector: '{}'", t));
    const std::vector<const json*> found = eval_jsonpath(obj, parse_jsonpath(trim(t.substr(0, p))));
    const std::string want = trim(t.substr(p + len));
    const std::string have = found.empty() ? "" : (found[0]->is_string() ? found[0]->get<std::string>() : go_sprint(*found[0]));
    if ((have == want) == negate) return false;
  }
  return true;
}

// labels.FormatLabels: sorted "k=v,k2=v2" or "<none>".
std::string format_labels(const json* labels) {
  if (!labels || !labels->is_object() || labels->empty()) return "<none>";
  std::vector<std::string> parts;
  for (auto it = labels->begin(); it != labels->end(); ++it)
    parts.push_back(it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : go_sprint(it.value())));
  return join(parts, ",");
}

// printers.go printDeployment: LabelSelectorAsSelector(spec.selector).String() ("" when empty;
// kubectl reports an invalid selector as an error, printed here as FormatLabelSelector does).
const json& selector_of(const json& o) {
  static const json kNull;
  const json* s = at(o, {"spec", "selector"});
  return s ? *s : kNull;
}
std::string deployment_selector(const json& o) { return label_selector_string(selector_of(o)).value_or("<error>"); }

// --- resources ----------------------------------------------------------------------------------------

// The kinds kcsim knows (include/kcsim/k8s/kinds.hpp), as kubectl's discovery would list them.
const std::vector<Resource>& builtin_resources() {
  static const std::vector<Resource> kResources = [] {
    std::vector<Resource> out;
    for (const KindInfo& k : known_kinds())
      out.push_back(Resource{k.kind, k.api_version, k.plural, k.singular, k.short_names, k.namespaced});
    return out;
  }();
  return kResources;
}

// The kinds of every object ever stored (for kinds kcsim has no entry for: a scenario's own CRDs).
std::vector<Resource> stored_resources(const ApiServer& api) {
  std::map<std::string, std::string> kinds;  // kind → apiVersion
  for (const ObjectLifetime& l : api.lifetimes())
    if (l.last) kinds.emplace(l.ref.kind, str(*l.last, {"apiVersion"}));
  std::vector<Resource> out;
  for (const auto& [kind, av] : kinds) {
    Resource r;
    r.kind = kind;
    r.api_version = av;
    r.singular = lower(kind);
    const std::string qualified = resource_name(kind, av);
    r.plural = qualified.substr(0, qualified.find('.'));
    out.push_back(r);
  }
  return out;
}

std::optional<Resource> resolve_resource(const ApiServer& api, const std::string& token) {
  std::string name = lower(token), group;
  if (const std::size_t dot = name.find('.'); dot != std::string::npos) {
    group = name.substr(dot + 1);
    name = name.substr(0, dot);
    // "deployments.v1.apps": drop a version
    if (const std::size_t d2 = group.find('.'); d2 != std::string::npos && group[0] == 'v' && std::isdigit(static_cast<unsigned char>(group[1])))
      group = group.substr(d2 + 1);
  }
  auto matches = [&](const Resource& r) {
    if (!group.empty() && r.group() != group) return false;
    if (name == r.plural || name == r.singular || name == lower(r.kind)) return true;
    return std::find(r.short_names.begin(), r.short_names.end(), name) != r.short_names.end();
  };
  for (const Resource& r : builtin_resources())
    if (matches(r)) return r;
  for (const Resource& r : stored_resources(api))
    if (matches(r)) return r;
  return std::nullopt;
}

// An object of another API group with the same kind (a Flux Kustomization and a kustomize one) is
// another resource; an object stored without apiVersion is taken as it comes.
bool same_group(const json& obj, const Resource& r) {
  const std::string av = str(obj, {"apiVersion"});
  return av.empty() || api_group(av) == r.group();
}

// --- printed objects ----------------------------------------------------------------------------------

// An object as kubectl receives it: managedFields dropped unless asked for.
json as_printed(const Ctx& ctx, const json& obj, bool show_managed_fields) {
  json o = ctx.hide_simulator_annotations ? without_simulator_annotations(obj) : obj;
  if (!show_managed_fields)
    if (json* md = o.contains("metadata") ? &o["metadata"] : nullptr; md && md->is_object()) md->erase("managedFields");
  return o;
}

// --- tables -------------------------------------------------------------------------------------------

// printPod
std::vector<std::string> pod_row(const Ctx& ctx, const json& pod) {
  std::int64_t restarts = 0, restartable_init_restarts = 0;
  std::size_t total = array_at(pod, {"spec", "containers"}).size();
  std::int64_t ready = 0;
  std::optional<std::int64_t> last_restart, last_restartable_init_restart;
  const std::string phase = str(pod, {"status", "phase"});
  std::string reason = phase;
  if (const std::string r = str(pod, {"status", "reason"}); !r.empty()) reason = r;
  for (const json& c : array_at(pod, {"status", "conditions"}))
    if (str(c, {"type"}) == "PodScheduled" && str(c, {"reason"}) == "SchedulingGated") reason = "SchedulingGated";

  std::map<std::string, bool> restartable_init;
  for (const json& ic : array_at(pod, {"spec", "initContainers"})) {
    const bool restartable = str(ic, {"restartPolicy"}) == "Always";
    restartable_init[str(ic, {"name"})] = restartable;
    if (restartable) ++total;
  }
  auto note_restart = [](std::optional<std::int64_t>& last, const json& cs) {
    if (const auto t = unix_us(at(cs, {"lastState", "terminated", "finishedAt"})); t && (!last || *last < *t)) last = *t;
  };
  bool initializing = false;
  const json& init_statuses = array_at(pod, {"status", "initContainerStatuses"});
  const std::size_t n_init = array_at(pod, {"spec", "initContainers"}).size();
  for (std::size_t i = 0; i < init_statuses.size(); ++i) {
    const json& cs = init_statuses[i];
    restarts += integer(cs, {"restartCount"});
    note_restart(last_restart, cs);
    const bool restartable = restartable_init[str(cs, {"name"})];
    if (restartable) {
      restartable_init_restarts += integer(cs, {"restartCount"});
      note_restart(last_restartable_init_restart, cs);
    }
    const json* term = at(cs, {"state", "terminated"});
    const json* waiting = at(cs, {"state", "waiting"});
    if (term && integer(*term, {"exitCode"}) == 0) continue;
    if (restartable && boolean(cs, {"started"})) {
      if (boolean(cs, {"ready"})) ++ready;
      continue;
    }
    if (term) {
      const std::string tr = str(*term, {"reason"});
      if (tr.empty()) {
        const std::int64_t sig = integer(*term, {"signal"});
        reason = sig != 0 ? fmt::format("Init:Signal:{}", sig) : fmt::format("Init:ExitCode:{}", integer(*term, {"exitCode"}));
      } else {
        reason = "Init:" + tr;
      }
    } else if (waiting && !str(*waiting, {"reason"}).empty() && str(*waiting, {"reason"}) != "PodInitializing") {
      reason = "Init:" + str(*waiting, {"reason"});
    } else {
      reason = fmt::format("Init:{}/{}", i, n_init);
    }
    initializing = true;
    break;
  }
  bool initialized_true = false;
  for (const json& c : array_at(pod, {"status", "conditions"}))
    if (str(c, {"type"}) == "Initialized" && str(c, {"status"}) == "True") initialized_true = true;
  if (!initializing || initialized_true) {
    restarts = restartable_init_restarts;
    last_restart = last_restartable_init_restart;
    bool has_running = false;
    const json& statuses = array_at(pod, {"status", "containerStatuses"});
    for (std::size_t k = statuses.size(); k-- > 0;) {
      const json& cs = statuses[k];
      restarts += integer(cs, {"restartCount"});
      note_restart(last_restart, cs);
      const json* waiting = at(cs, {"state", "waiting"});
      const json* term = at(cs, {"state", "terminated"});
      if (waiting && !str(*waiting, {"reason"}).empty()) {
        reason = str(*waiting, {"reason"});
      } else if (term && !str(*term, {"reason"}).empty()) {
        reason = str(*term, {"reason"});
      } else if (term) {
        const std::int64_t sig = integer(*term, {"signal"});
        reason = sig != 0 ? fmt::format("Signal:{}", sig) : fmt::format("ExitCode:{}", integer(*term, {"exitCode"}));
      } else if (boolean(cs, {"ready"}) && at(cs, {"state", "running"})) {
        has_running = true;
        ++ready;
      }
    }
    if (reason == "Completed" && has_running) {
      bool pod_ready = false;
      for (const json& c : array_at(pod, {"status", "conditions"}))
        if (str(c, {"type"}) == "Ready" && str(c, {"status"}) == "True") pod_ready = true;
      reason = pod_ready ? "Running" : "NotReady";
    }
  }
  const bool deleting = at(pod, {"metadata", "deletionTimestamp"}) && !at(pod, {"metadata", "deletionTimestamp"})->is_null();
  if (deleting && str(pod, {"status", "reason"}) == "NodeLost") reason = "Unknown";
  else if (deleting && phase != "Failed" && phase != "Succeeded") reason = "Terminating";

  std::string restarts_str = std::to_string(restarts);
  if (restarts != 0 && last_restart) restarts_str = fmt::format("{} ({} ago)", restarts, format_age(Duration{ctx.now_us - *last_restart}));

  std::string ip = "<none>";
  if (const json& ips = array_at(pod, {"status", "podIPs"}); !ips.empty() && !str(ips[0], {"ip"}).empty()) ip = str(ips[0], {"ip"});
  std::string node = str(pod, {"spec", "nodeName"});
  if (node.empty()) node = "<none>";
  std::string nominated = str(pod, {"status", "nominatedNodeName"});
  if (nominated.empty()) nominated = "<none>";
  std::string gates = "<none>";
  if (const json& rg = array_at(pod, {"spec", "readinessGates"}); !rg.empty()) {
    int true_conditions = 0;
    for (const json& g : rg)
      for (const json& c : array_at(pod, {"status", "conditions"}))
        if (str(c, {"type"}) == str(g, {"conditionType"})) {
          if (str(c, {"status"}) == "True") ++true_conditions;
          break;
        }
    gates = fmt::format("{}/{}", true_conditions, rg.size());
  }
  return {name_of(pod), fmt::format("{}/{}", ready, total), reason, restarts_str,
          ctx.since(at(pod, {"metadata", "creationTimestamp"})), ip, node, nominated, gates};
}

// printEvent
std::vector<std::string> event_row(const Ctx& ctx, const json& ev) {
  std::string first = ctx.since(at(ev, {"firstTimestamp"}));
  if (!unix_us(at(ev, {"firstTimestamp"}))) first = ctx.since(at(ev, {"eventTime"}));
  std::string last = ctx.since(at(ev, {"lastTimestamp"}));
  if (!unix_us(at(ev, {"lastTimestamp"}))) last = first;
  std::int64_t count = integer(ev, {"count"});
  if (const json* series = at(ev, {"series"}); series && series->is_object()) {
    last = ctx.since(at(*series, {"lastObservedTime"}));
    count = integer(*series, {"count"});
  } else if (count == 0) {
    count = 1;
  }
  const std::string kind = lower(str(ev, {"involvedObject", "kind"}));
  const std::string obj_name = str(ev, {"involvedObject", "name"});
  const std::string target = obj_name.empty() ? kind : kind + "/" + obj_name;
  std::string component = str(ev, {"source", "component"});
  if (component.empty()) component = str(ev, {"reportingController"});
  std::string host = str(ev, {"source", "host"});
  if (host.empty()) host = str(ev, {"reportingInstance"});
  const std::string source = host.empty() ? component : component + ", " + host;
  return {last, str(ev, {"type"}), str(ev, {"reason"}), target, str(ev, {"involvedObject", "fieldPath"}), source,
          trim(str(ev, {"message"})), first, std::to_string(count), name_of(ev)};
}

// layoutContainerCells
std::pair<std::string, std::string> container_cells(const json& obj) {
  std::vector<std::string> names, images;
  for (const json& c : array_at(obj, {"spec", "template", "spec", "containers"})) {
    names.push_back(str(c, {"name"}));
    images.push_back(str(c, {"image"}));
  }
  return {join(names, ","), join(images, ",")};
}

// formatHPAMetrics
std::string hpa_targets(const json& hpa) {
  const json& specs = array_at(hpa, {"spec", "metrics"});
  const json& statuses = array_at(hpa, {"status", "currentMetrics"});
  if (specs.empty()) return "<none>";
  std::vector<std::string> list;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const json& spec = specs[i];
    const json* status = i < statuses.size() ? &statuses[i] : nullptr;
    const std::string type = str(spec, {"type"});
    auto status_part = [&](std::string_view src) -> const json* {
      return status ? at(*status, {src}) : nullptr;
    };
    if (type == "External" || type == "Object") {
      const std::string src = type == "External" ? "external" : "object";
      const json* target_avg = at(spec, {src, "target", "averageValue"});
      const json* st = status_part(src);
      if (target_avg) {
        std::string current = "<unknown>";
        if (st && at(*st, {"current", "averageValue"})) current = quantity_str(at(*st, {"current", "averageValue"}));
        list.push_back(fmt::format("{}/{} (avg)", current, quantity_str(target_avg)));
      } else {
        std::string current = "<unknown>";
        if (st) current = at(*st, {"current", "value"}) ? quantity_str(at(*st, {"current", "value"})) : "<nil>";
        list.push_back(fmt::format("{}/{}", current, quantity_str(at(spec, {src, "target", "value"}))));
      }
    } else if (type == "Pods") {
      std::string current = "<unknown>";
      if (const json* st = status_part("pods")) current = at(*st, {"current", "averageValue"}) ? quantity_str(at(*st, {"current", "averageValue"})) : "<nil>";
      list.push_back(fmt::format("{}/{}", current, quantity_str(at(spec, {"pods", "target", "averageValue"}))));
    } else if (type == "Resource" || type == "ContainerResource") {
      const std::string src = type == "Resource" ? "resource" : "containerResource";
      const std::string name = str(spec, {src, "name"});
      const json* st = status_part(src);
      if (const json* avg = at(spec, {src, "target", "averageValue"})) {
        std::string current = "<unknown>";
        if (st) current = at(*st, {"current", "averageValue"}) ? quantity_str(at(*st, {"current", "averageValue"})) : "<nil>";
        list.push_back(fmt::format("{}: {}/{}", name, current, quantity_str(avg)));
      } else {
        std::string current = "<unknown>", target = "<auto>";
        if (st && at(*st, {"current", "averageUtilization"})) current = fmt::format("{}%", integer(*st, {"current", "averageUtilization"}));
        if (at(spec, {src, "target", "averageUtilization"})) target = fmt::format("{}%", integer(spec, {src, "target", "averageUtilization"}));
        list.push_back(fmt::format("{}: {}/{}", name, current, target));
      }
    } else {
      list.push_back("<unknown type>");
    }
  }
  constexpr std::size_t kMax = 2;
  if (list.size() > kMax) {
    const std::size_t more = list.size() - kMax;
    list.resize(kMax);
    return fmt::format("{} + {} more...", join(list, ", "), more);
  }
  return join(list, ", ");
}

// An additionalPrinterColumn of a CRD.
struct CrdColumn {
  std::string name;
  std::string path;
  std::string type;  // string, integer, date, boolean, number
  bool wide = false;
};

std::string crd_cell(const Ctx& ctx, const json& obj, const CrdColumn& col) {
  const std::vector<const json*> found = eval_jsonpath(obj, parse_jsonpath(col.path));
  if (found.empty()) return "";
  const json& v = *found[0];
  if (col.type == "date") return v.is_string() ? ctx.since(&v) : "";
  if (col.type == "integer") {
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) return std::to_string(static_cast<std::int64_t>(v.get<double>()));
    return "";
  }
  if (col.type == "number") return v.is_number() ? go_sprint(v) : "";
  if (col.type == "boolean") return v.is_boolean() ? go_sprint(v) : "";
  return jsonpath_text(v);
}

Table crd_table(const Ctx& ctx, const std::vector<CrdColumn>& cols) {
  Table t;
  t.columns.push_back({"NAME"});
  for (const CrdColumn& c : cols) t.columns.push_back({upper(c.name), c.wide});
  t.row = [&ctx, cols](const json& obj) {
    std::vector<std::string> cells = {name_of(obj)};
    for (const CrdColumn& c : cols) cells.push_back(crd_cell(ctx, obj, c));
    return cells;
  };
  return t;
}

std::vector<CrdColumn> scaledobject_columns(const Versions& v) {
  // kedacore/keda config/crd/bases/keda.sh_scaledobjects.yaml at each release.
  std::vector<CrdColumn> cols = {{"ScaleTargetKind", ".status.scaleTargetKind", "string"},
                                 {"ScaleTargetName", ".spec.scaleTargetRef.name", "string"},
                                 {"Min", ".spec.minReplicaCount", "integer"},
                                 {"Max", ".spec.maxReplicaCount", "integer"}};
  const std::vector<CrdColumn> conditions = {
      {"Ready", ".status.conditions[?(@.type==\"Ready\")].status", "string"},
      {"Active", ".status.conditions[?(@.type==\"Active\")].status", "string"},
      {"Fallback", ".status.conditions[?(@.type==\"Fallback\")].status", "string"}};
  const CrdColumn paused = {"Paused", ".status.conditions[?(@.type==\"Paused\")].status", "string"};
  if (v.at_least("keda", "2.16")) {
    cols.insert(cols.end(), conditions.begin(), conditions.end());
    cols.push_back(paused);
    cols.push_back({"Triggers", ".status.triggersTypes", "string"});
    cols.push_back({"Authentications", ".status.authenticationsTypes", "string"});
  } else {
    cols.push_back({"Triggers", ".spec.triggers[*].type", "string"});
    cols.push_back({"Authentication", ".spec.triggers[*].authenticationRef.name", "string"});
    cols.insert(cols.end(), conditions.begin(), conditions.end());
    if (v.at_least("keda", "2.11")) cols.push_back(paused);
  }
  cols.push_back({"Age", ".metadata.creationTimestamp", "date"});
  return cols;
}

std::vector<CrdColumn> httpscaledobject_columns(const Versions& v) {
  // kedacore/http-add-on config/crd/bases/http.keda.sh_httpscaledobjects.yaml at each release.
  std::vector<CrdColumn> cols = {{"TargetWorkload", ".status.targetWorkload", "string"},
                                 {"TargetService", ".status.targetService", "string"},
                                 {"MinReplicas", ".spec.replicas.min", "integer"},
                                 {"MaxReplicas", ".spec.replicas.max", "integer"},
                                 {"Age", ".metadata.creationTimestamp", "date"}};
  if (v.at_least("http-add-on", "0.12")) cols.push_back({"Ready", ".status.conditions[?(@.type==\"Ready\")].status", "string"});
  else cols.push_back({"Active", ".status.conditions[?(@.reason==\"HTTPScaledObjectIsReady\")].status", "string"});
  return cols;
}

// printNode, findNodeRoles, getNodeInternalIP/getNodeExternalIP.
std::vector<std::string> node_row(const Ctx& ctx, const json& node) {
  std::string status;
  for (const json& c : array_at(node, {"status", "conditions"}))
    if (str(c, {"type"}) == "Ready") status = str(c, {"status"}) == "True" ? "Ready" : "NotReady";
  if (status.empty()) status = "Unknown";
  if (boolean(node, {"spec", "unschedulable"})) status += ",SchedulingDisabled";
  std::set<std::string> roles;
  if (const json* labels = at(node, {"metadata", "labels"}); labels && labels->is_object())
    for (const auto& [k, v] : labels->items()) {
      if (k.rfind("node-role.kubernetes.io/", 0) == 0 && k.size() > 24) roles.insert(k.substr(24));
      else if (k == "kubernetes.io/role" && v.is_string() && !v.get<std::string>().empty()) roles.insert(v.get<std::string>());
    }
  auto address = [&](const std::string& type) {
    for (const json& a : array_at(node, {"status", "addresses"}))
      if (str(a, {"type"}) == type) return str(a, {"address"});
    return std::string("<none>");
  };
  auto known = [&](const char* field) {
    const std::string v = str(node, {"status", "nodeInfo", field});
    return v.empty() ? std::string("<unknown>") : v;
  };
  return {name_of(node), status, roles.empty() ? "<none>" : join(std::vector<std::string>(roles.begin(), roles.end()), ","),
          ctx.since(at(node, {"metadata", "creationTimestamp"})), str(node, {"status", "nodeInfo", "kubeletVersion"}),
          address("InternalIP"), address("ExternalIP"), known("osImage"), known("kernelVersion"), known("containerRuntimeVersion")};
}

Table table_for(const Ctx& ctx, const Resource& res) {
  Table t;
  const std::string& k = res.kind;
  if (k == "Pod") {
    t.columns = {{"NAME"}, {"READY"}, {"STATUS"}, {"RESTARTS"}, {"AGE"}, {"IP", true}, {"NODE", true},
                 {"NOMINATED NODE", true}, {"READINESS GATES", true}};
    t.row = [&ctx](const json& o) { return pod_row(ctx, o); };
  } else if (k == "Event") {
    t.columns = {{"LAST SEEN"}, {"TYPE"}, {"REASON"}, {"OBJECT"}, {"SUBOBJECT", true}, {"SOURCE", true},
                 {"MESSAGE"}, {"FIRST SEEN", true}, {"COUNT", true}, {"NAME", true}};
    t.row = [&ctx](const json& o) { return event_row(ctx, o); };
  } else if (k == "Deployment") {
    t.columns = {{"NAME"}, {"READY"}, {"UP-TO-DATE"}, {"AVAILABLE"}, {"AGE"}, {"CONTAINERS", true}, {"IMAGES", true}, {"SELECTOR", true}};
    t.row = [&ctx](const json& o) {
      auto [names, images] = container_cells(o);
      return std::vector<std::string>{name_of(o),
                                       fmt::format("{}/{}", integer(o, {"status", "readyReplicas"}), integer(o, {"spec", "replicas"}, 1)),
                                       std::to_string(integer(o, {"status", "updatedReplicas"})),
                                       std::to_string(integer(o, {"status", "availableReplicas"})),
                                       ctx.since(at(o, {"metadata", "creationTimestamp"})),
                                       names, images, deployment_selector(o)};
    };
  } else if (k == "ReplicaSet") {
    t.columns = {{"NAME"}, {"DESIRED"}, {"CURRENT"}, {"READY"}, {"AGE"}, {"CONTAINERS", true}, {"IMAGES", true}, {"SELECTOR", true}};
    t.row = [&ctx](const json& o) {
      auto [names, images] = container_cells(o);
      return std::vector<std::string>{name_of(o), std::to_string(integer(o, {"spec", "replicas"}, 1)),
                                       std::to_string(integer(o, {"status", "replicas"})),
                                       std::to_string(integer(o, {"status", "readyReplicas"})),
                                       ctx.since(at(o, {"metadata", "creationTimestamp"})),
                                       names, images, format_label_selector(selector_of(o))};
    };
  } else if (k == "HorizontalPodAutoscaler") {
    t.columns = {{"NAME"}, {"REFERENCE"}, {"TARGETS"}, {"MINPODS"}, {"MAXPODS"}, {"REPLICAS"}, {"AGE"}};
    t.row = [&ctx](const json& o) {
      return std::vector<std::string>{name_of(o),
                                       str(o, {"spec", "scaleTargetRef", "kind"}) + "/" + str(o, {"spec", "scaleTargetRef", "name"}),
                                       hpa_targets(o),
                                       std::to_string(integer(o, {"spec", "minReplicas"}, 1)),
                                       std::to_string(integer(o, {"spec", "maxReplicas"})),
                                       std::to_string(integer(o, {"status", "currentReplicas"})),
                                       ctx.since(at(o, {"metadata", "creationTimestamp"}))};
    };
  } else if (k == "Service") {
    t.columns = {{"NAME"}, {"TYPE"}, {"CLUSTER-IP"}, {"EXTERNAL-IP"}, {"PORT(S)"}, {"AGE"}, {"SELECTOR", true}};
    t.row = [&ctx](const json& o) {
      const std::string type = str(o, {"spec", "type"}, "ClusterIP");
      std::string cluster_ip = "<none>";
      if (const json& ips = array_at(o, {"spec", "clusterIPs"}); !ips.empty() && ips[0].is_string()) cluster_ip = ips[0].get<std::string>();
      else if (const std::string ip = str(o, {"spec", "clusterIP"}); !ip.empty()) cluster_ip = ip;
      std::string external = "<none>";
      if (type == "ExternalName") external = str(o, {"spec", "externalName"});
      else if (type == "LoadBalancer") external = "<pending>";
      std::vector<std::string> ports;
      for (const json& p : array_at(o, {"spec", "ports"})) {
        const std::string proto = str(p, {"protocol"}, "TCP");
        if (integer(p, {"nodePort"}) > 0) ports.push_back(fmt::format("{}:{}/{}", integer(p, {"port"}), integer(p, {"nodePort"}), proto));
        else ports.push_back(fmt::format("{}/{}", integer(p, {"port"}), proto));
      }
      return std::vector<std::string>{name_of(o), type, cluster_ip, external, ports.empty() ? "<none>" : join(ports, ","),
                                       ctx.since(at(o, {"metadata", "creationTimestamp"})), format_labels(at(o, {"spec", "selector"}))};
    };
  } else if (k == "Node") {
    t.columns = {{"NAME"}, {"STATUS"}, {"ROLES"}, {"AGE"}, {"VERSION"}, {"INTERNAL-IP", true}, {"EXTERNAL-IP", true},
                 {"OS-IMAGE", true}, {"KERNEL-VERSION", true}, {"CONTAINER-RUNTIME", true}};
    t.row = [&ctx](const json& o) { return node_row(ctx, o); };
  } else if (k == "Endpoints") {
    t.columns = {{"NAME"}, {"ENDPOINTS"}, {"AGE"}};
    t.row = [&ctx](const json& o) {
      return std::vector<std::string>{name_of(o), format_endpoints(o), ctx.since(at(o, {"metadata", "creationTimestamp"}))};
    };
  } else if (k == "EndpointSlice" && res.group() == "discovery.k8s.io") {
    t.columns = {{"NAME"}, {"ADDRESSTYPE"}, {"PORTS"}, {"ENDPOINTS"}, {"AGE"}};
    t.row = [&ctx](const json& o) {
      return std::vector<std::string>{name_of(o), str(o, {"addressType"}), format_discovery_ports(o), format_discovery_endpoints(o),
                                       ctx.since(at(o, {"metadata", "creationTimestamp"}))};
    };
  } else if (k == "Namespace") {
    t.columns = {{"NAME"}, {"STATUS"}, {"AGE"}};
    t.row = [&ctx](const json& o) {
      return std::vector<std::string>{name_of(o), str(o, {"status", "phase"}, "Active"), ctx.since(at(o, {"metadata", "creationTimestamp"}))};
    };
  } else if (k == "ScaledObject" && res.group() == "keda.sh") {
    return crd_table(ctx, scaledobject_columns(ctx.versions));
  } else if (k == "HTTPScaledObject") {
    return crd_table(ctx, httpscaledobject_columns(ctx.versions));
  } else if (k == "Application" && res.group() == "argoproj.io") {
    // argo-cd manifests/crds/application-crd.yaml
    return crd_table(ctx, {{"Sync Status", ".status.sync.status", "string"},
                           {"Health Status", ".status.health.status", "string"},
                           {"Revision", ".status.sync.revision", "string", true},
                           {"Project", ".spec.project", "string", true}});
  } else {
    // The API server's default table (a CRD without printer columns, and kinds kcsim has no
    // printer for): NAME and AGE.
    return crd_table(ctx, {{"Age", ".metadata.creationTimestamp", "date"}});
  }
  return t;
}

// --- argument parsing ----------------------------------------------------------------------------------

Parsed parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs, std::string_view command) {
  Parsed p;
  auto find_long = [&](const std::string& n) -> const FlagSpec* {
    for (const FlagSpec& s : specs)
      if (s.long_name == n) return &s;
    return nullptr;
  };
  auto find_short = [&](char c) -> const FlagSpec* {
    for (const FlagSpec& s : specs)
      if (s.short_name == c) return &s;
    return nullptr;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      for (++i; i < args.size(); ++i) p.positional.push_back(args[i]);
      break;
    }
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (const std::size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const FlagSpec* s = find_long(name);
      if (!s) throw KubectlUsageError(fmt::format("unknown flag: --{} (kcsim's {} supports: {})", name, command, [&] {
        std::vector<std::string> names;
        for (const FlagSpec& f : specs) names.push_back("--" + f.long_name);
        return join(names, ", ");
      }()));
      if (s->takes_value && !has_value) {
        if (i + 1 >= args.size()) throw KubectlUsageError(fmt::format("flag needs an argument: --{}", name));
        value = args[++i];
      } else if (!s->takes_value && !has_value) {
        value = "true";
      } else if (!s->takes_value && value != "true" && value != "false") {
        throw KubectlUsageError(fmt::format("invalid argument \"{}\" for \"--{}\": expected true or false", value, name));
      }
      p.values[s->long_name] = value;
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      // -n prod, -nprod, -n=prod, -A, -Ao wide
      for (std::size_t j = 1; j < a.size(); ++j) {
        const FlagSpec* s = find_short(a[j]);
        if (!s) throw KubectlUsageError(fmt::format("unknown shorthand flag: '{}' in {}", a[j], a));
        if (!s->takes_value) {
          p.values[s->long_name] = "true";
          continue;
        }
        std::string value = a.substr(j + 1);
        if (!value.empty() && value[0] == '=') value = value.substr(1);
        if (value.empty()) {
          if (i + 1 >= args.size()) throw KubectlUsageError(fmt::format("flag needs an argument: '{}' in -{}", a[j], a[j]));
          value = args[++i];
        }
        p.values[s->long_name] = value;
        break;
      }
      continue;
    }
    p.positional.push_back(a);
  }
  return p;
}

// --- get ----------------------------------------------------------------------------------------------

void sort_by(std::vector<ObjectPtr>& objs, const std::string& field) {
  if (field.empty() || objs.empty()) return;
  const std::vector<PathStep> steps = parse_jsonpath(field);
  std::vector<std::pair<const json*, ObjectPtr>> keyed;
  bool found_once = false;
  for (const ObjectPtr& o : objs) {
    const std::vector<const json*> r = eval_jsonpath(*o, steps);
    keyed.emplace_back(r.empty() ? nullptr : r[0], o);
    found_once |= !r.empty();
  }
  if (!found_once) {
    std::string relaxed = field;
    if (relaxed.empty() || relaxed[0] != '{') relaxed = "{" + std::string(relaxed[0] == '.' ? "" : ".") + relaxed + "}";
    throw std::runtime_error(fmt::format("couldn't find any field with path \"{}\" in the list of objects", relaxed));
  }
  auto less = [](const json* a, const json* b) {
    if (!a) return b != nullptr;  // a missing field sorts first
    if (!b) return false;
    if (a->is_number() && b->is_number()) return a->get<double>() < b->get<double>();
    if (a->is_string() && b->is_string()) {
      const auto qa = parse_quantity(a), qb = parse_quantity(b);
      if (qa && qb) return *qa < *qb;
      return a->get<std::string>() < b->get<std::string>();
    }
    return go_sprint(*a) < go_sprint(*b);
  };
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) { return less(x.first, y.first); });
  for (std::size_t i = 0; i < objs.size(); ++i) objs[i] = keyed[i].second;
}

json list_document(const std::vector<json>& items) {
  return {{"apiVersion", "v1"}, {"items", items}, {"kind", "List"}, {"metadata", {{"resourceVersion", ""}}}};
}

// A JSONPath template: "{.items[*].metadata.name}" with text around; results of one expression
// separated by spaces; no newline added.
// k8s.io/client-go util/jsonpath: a template of text and {actions}. An action is a quoted
// literal ({"\n"}), a path whose results are printed joined by spaces (PrintResults), or
// {range PATH} ... {end}: the actions between run once per result of PATH, with paths relative to
// that result (jsonpath.go FindResults walks the range's nodes with each value as the data);
// ranges nest.
struct TemplateToken {
  bool action = false;
  std::string text;  // the literal text, or the action without its braces
};

std::vector<TemplateToken> tokenize_template(const std::string& tmpl) {
  std::vector<TemplateToken> tokens;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const std::size_t open = tmpl.find('{', i);
    if (open == std::string::npos) {
      tokens.push_back({false, tmpl.substr(i)});
      break;
    }
    if (open > i) tokens.push_back({false, tmpl.substr(i, open - i)});
    const std::size_t close = tmpl.find('}', open);
    if (close == std::string::npos) throw KubectlUsageError(fmt::format("error parsing jsonpath {}: unclosed action", tmpl));
    tokens.push_back({true, trim(tmpl.substr(open + 1, close - open - 1))});
    i = close + 1;
  }
  return tokens;
}

bool is_range(const TemplateToken& t) { return t.action && t.text.rfind("range", 0) == 0 && (t.text.size() == 5 || t.text[5] == ' '); }
bool is_end(const TemplateToken& t) { return t.action && t.text == "end"; }

// Renders tokens[from, to) against `data`.
void render_template(const std::vector<TemplateToken>& tokens, std::size_t from, std::size_t to, const json& data,
                     const std::string& tmpl, std::string& out) {
  for (std::size_t i = from; i < to; ++i) {
    const TemplateToken& t = tokens[i];
    if (!t.action) {
      out += t.text;
    } else if (is_range(t)) {
      std::size_t depth = 1, j = i + 1;
      for (; j < to; ++j) {
        if (is_range(tokens[j])) ++depth;
        else if (is_end(tokens[j]) && --depth == 0) break;
      }
      if (j >= to) throw KubectlUsageError(fmt::format("error parsing jsonpath {}: range without {{end}}", tmpl));
      for (const json* v : eval_jsonpath(data, parse_jsonpath(trim(t.text.substr(5))))) render_template(tokens, i + 1, j, *v, tmpl, out);
      i = j;
    } else if (is_end(t)) {
      throw KubectlUsageError(fmt::format("error parsing jsonpath {}: not in range, nothing to end", tmpl));
    } else if (t.text.size() >= 2 && (t.text[0] == '"' || t.text[0] == '\'')) {
      std::string lit = t.text.substr(1, t.text.size() - 2);
      for (std::size_t k = 0; k + 1 < lit.size(); ++k)
        if (lit[k] == '\\' && (lit[k + 1] == 'n' || lit[k + 1] == 't')) lit.replace(k, 2, lit[k + 1] == 'n' ? "\n" : "\t");
      out += lit;
    } else {
      std::vector<std::string> parts;
      for (const json* v : eval_jsonpath(data, parse_jsonpath(t.text))) parts.push_back(jsonpath_text(*v));
      out += join(parts, " ");
    }
  }
}

std::string jsonpath_template(const std::string& tmpl, const json& root) {
  const std::vector<TemplateToken> tokens = tokenize_template(tmpl);
  std::string out;
  render_template(tokens, 0, tokens.size(), root, tmpl, out);
  return out;
}

struct CustomColumn {
  std::string header;
  std::vector<PathStep> path;
};

std::vector<CustomColumn> parse_custom_columns(const std::string& spec) {
  if (spec.empty()) throw KubectlUsageError("custom-columns format specified but no custom columns given");
  std::vector<CustomColumn> cols;
  for (const std::string& part : split(spec, ',')) {
    const std::size_t colon = part.find(':');
    if (colon == std::string::npos)
      throw KubectlUsageError(fmt::format("unexpected custom-columns spec: {}, expected <header>:<json-path-expr>", part));
    cols.push_back({part.substr(0, colon), parse_jsonpath(part.substr(colon + 1))});
  }
  return cols;
}

std::string not_found(const Resource& res, const std::string& name) {
  return fmt::format("Error from server (NotFound): {} \"{}\" not found\n", res.qualified(), name);
}

std::string no_resources(bool all_namespaces, const std::string& ns) {
  return all_namespaces ? "No resources found\n" : fmt::format("No resources found in {} namespace.\n", ns);
}

const std::vector<FlagSpec>& get_flag_specs() {
  static const std::vector<FlagSpec> kSpecs = {{"namespace", 'n', true},
                                               {"all-namespaces", 'A', false},
                                               {"selector", 'l', true},
                                               {"field-selector", 0, true},
                                               {"output", 'o', true},
                                               {"sort-by", 0, true},
                                               {"show-managed-fields", 0, false},
                                               {"show-labels", 0, false},
                                               {"no-headers", 0, false},
                                               {"ignore-not-found", 0, false},
                                               {"watch", 'w', false},
                                               {"watch-only", 0, false},
                                               {"output-watch-events", 0, false}};
  return kSpecs;
}

std::optional<std::vector<Request>> resolve_requests(const Ctx& ctx, const std::vector<std::string>& positional,
                                                     KubectlResult& result) {
  std::vector<Request> requests;
  auto resolve = [&](const std::string& token) -> std::optional<Resource> {
    auto r = resolve_resource(ctx.api, token);
    if (!r) {
      result.err += fmt::format("error: the server doesn't have a resource type \"{}\"\n", token);
      result.status = 1;
    }
    return r;
  };
  if (positional[0].find('/') != std::string::npos) {
    for (const std::string& a : positional) {
      const std::size_t slash = a.find('/');
      if (slash == std::string::npos) {
        result.err += "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n";
        result.status = 1;
        return std::nullopt;
      }
      auto r = resolve(a.substr(0, slash));
      if (!r) return std::nullopt;
      auto it = std::find_if(requests.begin(), requests.end(), [&](const Request& q) { return q.res.kind == r->kind && q.res.group() == r->group(); });
      if (it == requests.end()) requests.push_back({*r, {a.substr(slash + 1)}});
      else it->names.push_back(a.substr(slash + 1));
    }
  } else {
    std::vector<std::string> names(positional.begin() + 1, positional.end());
    for (const std::string& t : split(positional[0], ',')) {
      if (lower(t) == "all") {
        // The "all" category, in discovery order.
        for (const char* member : {"pods", "services", "daemonsets.apps", "deployments.apps", "replicasets.apps",
                                   "statefulsets.apps", "horizontalpodautoscalers.autoscaling"})
          requests.push_back({*resolve_resource(ctx.api, member), names});
        continue;
      }
      auto r = resolve(t);
      if (!r) return std::nullopt;
      requests.push_back({*r, names});
    }
  }
  return requests;
}

// `kubectl get` without a resource type (get.go Validate / RunGet, kubectl 1.32).
constexpr char kResourceNotSpecified[] =
    "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n"
    "error: Required resource not specified.\n"
    "Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\n"
    "See 'kubectl get -h' for help and examples\n";

KubectlResult run_get(const Ctx& ctx, const std::vector<std::string>& args) {
  const Parsed p = parse_flags(args, get_flag_specs(), "kubectl get");
  KubectlResult result;
  // get.go Validate: an error of kubectl's own (status 1), before anything is fetched.
  if (p.flag("output-watch-events") && !p.flag("watch") && !p.flag("watch-only")) {
    result.err = "error: --output-watch-events option can only be used with --watch or --watch-only\n"
                 "See 'kubectl get -h' for help and examples\n";
    result.status = 1;
    return result;
  }
  // A watch needs a time range, which only `kcsim kubectl --until` gives (kubectl_watch.cpp).
  if (p.flag("watch") || p.flag("watch-only"))
    throw KubectlUsageError("--watch and --watch-only need a stretch of time, which only `kcsim kubectl --at T1 --until T2` gives (docs/cli.md)");
  const std::string ns = p.get("namespace", "default");
  const bool all_ns = p.flag("all-namespaces");
  std::string output = p.get("output");
  const bool wide = output == "wide";
  const std::vector<Requirement> selector = parse_selector(p.get("selector"));
  const std::string field_selector = p.get("field-selector");

  if (p.positional.empty()) return result.fail(kResourceNotSpecified);

  const std::optional<std::vector<Request>> resolved = resolve_requests(ctx, p.positional, result);
  if (!resolved) return result;
  const std::vector<Request>& requests = *resolved;
  bool any_names = false;
  for (const Request& q : requests) any_names |= !q.names.empty();
  if (any_names && all_ns) {
    result.err = "error: a resource cannot be retrieved by name across all namespaces\n";
    result.status = 1;
    return result;
  }

  // The API server of v1.33+ answers every request for v1 Endpoints with a deprecation warning
  // header (KEP-4974), which kubectl prints on standard error as "Warning: ..." (client-go
  // WarningHandler), once per distinct text.
  for (const Request& q : requests)
    if (q.res.kind == "Endpoints" && q.res.group().empty() && ctx.k8s_minor() >= 33) {
      result.err += "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n";
      break;
    }

  // Fetch.
  std::vector<std::pair<const Request*, std::vector<ObjectPtr>>> found;
  std::string errors;
  std::size_t total = 0;
  for (const Request& q : requests) {
    std::vector<ObjectPtr> objs;
    if (q.names.empty()) {
      const std::vector<ObjectPtr> listed =
          ctx.cluster->list(q.res.kind, q.res.namespaced && !all_ns ? std::optional<std::string_view>(ns) : std::nullopt);
      for (const ObjectPtr& o : listed)
        if (same_group(*o, q.res) && selector_matches(selector, at(*o, {"metadata", "labels"})) && field_selector_matches(field_selector, *o))
          objs.push_back(o);
    } else {
      for (const std::string& n : q.names) {
        const ObjectPtr o = ctx.cluster->get({q.res.kind, q.res.namespaced ? ns : "", n});
        if (o && same_group(*o, q.res)) objs.push_back(o);
        else if (!p.flag("ignore-not-found")) errors += not_found(q.res, n);
      }
    }
    sort_by(objs, p.get("sort-by"));
    total += objs.size();
    found.emplace_back(&q, std::move(objs));
  }
  const bool single_item = requests.size() == 1 && requests[0].names.size() == 1;
  std::set<std::string> kinds_found;
  for (const auto& [q, objs] : found)
    if (!objs.empty()) kinds_found.insert(q->res.kind_prefix());
  const bool with_kind = kinds_found.size() > 1;
  const bool show_mf = p.flag("show-managed-fields");

  if (output == "yaml" || output == "json" || output.rfind("jsonpath=", 0) == 0) {
    json doc;
    if (single_item && total == 1) {
      doc = as_printed(ctx, show_mf ? *with_managed_fields(found[0].second[0]) : *found[0].second[0], show_mf);
    } else {
      std::vector<json> items;
      for (const auto& [q, objs] : found)
        for (const ObjectPtr& o : objs) items.push_back(as_printed(ctx, show_mf ? *with_managed_fields(o) : *o, show_mf));
      doc = list_document(items);
    }
    if (!(single_item && total == 0)) {
      if (output == "yaml") result.out = to_yaml(doc);
      else if (output == "json") result.out = to_go_json(doc) + "\n";
      else result.out = jsonpath_template(output.substr(9), doc);
    }
  } else if (output == "name") {
    for (const auto& [q, objs] : found)
      for (const ObjectPtr& o : objs) result.out += q->res.kind_prefix() + "/" + name_of(*o) + "\n";
  } else if (output.rfind("custom-columns=", 0) == 0) {
    const std::vector<CustomColumn> cols = parse_custom_columns(output.substr(15));
    Rows rows;
    if (!p.flag("no-headers")) {
      std::vector<std::string> header;
      for (const CustomColumn& c : cols) header.push_back(c.header);
      rows.push_back(header);
    }
    for (const auto& [q, objs] : found)
      for (const ObjectPtr& o : objs) {
        std::vector<std::string> row;
        for (const CustomColumn& c : cols) {
          const std::vector<const json*> r = eval_jsonpath(*o, c.path);
          std::vector<std::string> parts;
          for (const json* v : r) parts.push_back(go_sprint(*v));
          row.push_back(parts.empty() ? "<none>" : join(parts, ","));
        }
        rows.push_back(row);
      }
    if (total > 0) result.out = render_table(rows);
  } else if (output.empty() || wide) {
    bool first_table = true;
    for (const auto& [q, objs] : found) {
      if (objs.empty()) continue;
      const Table t = table_for(ctx, q->res);
      const bool ns_column = all_ns && q->res.namespaced;
      Rows rows;
      std::vector<std::size_t> keep;
      for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (!t.columns[c].wide || wide) keep.push_back(c);
      if (!p.flag("no-headers")) {
        std::vector<std::string> header;
        if (ns_column) header.push_back("NAMESPACE");
        for (std::size_t c : keep) header.push_back(t.columns[c].header);
        if (p.flag("show-labels")) header.push_back("LABELS");
        rows.push_back(header);
      }
      const std::size_t name_col = t.columns.empty() || t.columns[0].header != "NAME" ? std::string::npos : 0;
      for (const ObjectPtr& o : objs) {
        const std::vector<std::string> cells = t.row(*o);
        std::vector<std::string> row;
        if (ns_column) row.push_back(namespace_of(*o));
        for (std::size_t c : keep) {
          std::string cell = c < cells.size() ? cells[c] : "";
          if (with_kind && c == name_col) cell = q->res.kind_prefix() + "/" + cell;
          row.push_back(cell);
        }
        if (p.flag("show-labels")) row.push_back(format_labels(at(*o, {"metadata", "labels"})));
        rows.push_back(row);
      }
      if (!first_table) result.out += "\n";
      first_table = false;
      result.out += render_table(rows);
    }
  } else {
    throw KubectlUsageError(fmt::format(
        "unable to match a printer suitable for the output format \"{}\", allowed formats are: custom-columns,json,jsonpath,name,wide,yaml",
        output));
  }
  // get.go printIfNotFindResource: "in NS namespace" only when every resource asked for is namespaced.
  bool all_namespaced = true;
  for (const Request& q : requests) all_namespaced &= q.res.namespaced;
  if (total == 0 && errors.empty() && !any_names && (output.empty() || wide || output == "name" || output.rfind("custom-columns=", 0) == 0))
    result.err += no_resources(all_ns || !all_namespaced, ns);
  result.err += errors;
  if (!errors.empty()) result.status = 1;
  return result;
}

// --- top pod -------------------------------------------------------------------------------------------

KubectlResult run_top(const Ctx& ctx, const std::vector<std::string>& args) {
  const Parsed p = parse_flags(args,
                               {{"namespace", 'n', true}, {"all-namespaces", 'A', false}, {"selector", 'l', true},
                                {"sort-by", 0, true}, {"no-headers", 0, false}, {"containers", 0, false}, {"sum", 0, false}},
                               "kubectl top");
  KubectlResult result;
  if (p.positional.empty() || (p.positional[0] != "pod" && p.positional[0] != "pods" && p.positional[0] != "po"))
    throw KubectlUsageError("kcsim kubectl supports `top pod` only (nodes are not simulated resources)");
  const std::string ns = p.get("namespace", "default");
  const bool all_ns = p.flag("all-namespaces");
  const std::string sort = p.get("sort-by");
  if (!sort.empty() && sort != "cpu" && sort != "memory") throw KubectlUsageError("--sort-by accepts only cpu or memory");
  const bool containers = p.flag("containers");
  const std::vector<Requirement> selector = parse_selector(p.get("selector"));
  const std::string name = p.positional.size() > 1 ? p.positional[1] : "";

  // The metrics API reports pods whose containers run. In a run with a metrics-server, what it
  // serves (the usage model, docs/models/metrics-server.md): the same samples the HPA reads.
  // Without one, a container's usage is taken to be its requests (docs/cli.md).
  struct Metrics {
    const json* pod;
    std::vector<std::tuple<std::string, double, double>> containers;  // name, cores, bytes
    double cpu = 0, mem = 0;
  };
  std::vector<Metrics> metrics;
  std::vector<ObjectPtr> candidates;
  if (!name.empty()) {
    if (const ObjectPtr o = ctx.api.get({"Pod", ns, name})) candidates.push_back(o);
  } else {
    for (const ObjectPtr& o : all_ns ? ctx.api.list("Pod") : ctx.api.list("Pod", ns))
      if (selector_matches(selector, at(*o, {"metadata", "labels"}))) candidates.push_back(o);
  }
  // metrics-server (--metric-resolution 15s) reports a container once it has scraped it twice
  // since it started (the CPU usage is a rate between two points; a restarted container starts
  // over), and a pod with at least one such container (pkg/storage/pod.go). The first scrape falls
  // anywhere in the 15 s after the start; kcsim takes the last case, so a container has metrics
  // 30 s after it started and a younger pod shows none, as on a real cluster right after a
  // rollout.
  constexpr Duration kFirstMetrics = seconds(30);
  auto scraped = [&](const std::string& container, const json& pod) {
    for (const json& st : array_at(pod, {"status", "containerStatuses"}))
      if (str(st, {"name"}) == container)
        if (const json* started = at(st, {"state", "running", "startedAt"})) return ctx.age(started) >= kFirstMetrics;
    return false;
  };
  for (const ObjectPtr& o : candidates) {
    if (ctx.pod_metrics) {
      const ResourceMetricsApi::PodMetrics* pm = ctx.pod_metrics->pod(namespace_of(*o), name_of(*o));
      if (!pm) continue;
      Metrics m{o.get(), {}};
      for (const ResourceMetricsApi::ContainerMetrics& c : pm->containers) {
        const double cpu = static_cast<double>(c.cpu_milli) / 1000.0, mem = static_cast<double>(c.memory_bytes);
        m.containers.emplace_back(c.name, cpu, mem);
        m.cpu += cpu;
        m.mem += mem;
      }
      metrics.push_back(m);
      continue;
    }
    if (str(*o, {"status", "phase"}) != "Running") continue;
    Metrics m{o.get(), {}};
    for (const json& c : array_at(*o, {"spec", "containers"})) {
      if (!scraped(str(c, {"name"}), *o)) continue;
      const double cpu = parse_quantity(at(c, {"resources", "requests", "cpu"})).value_or(0);
      const double mem = parse_quantity(at(c, {"resources", "requests", "memory"})).value_or(0);
      m.containers.emplace_back(str(c, {"name"}), cpu, mem);
      m.cpu += cpu;
      m.mem += mem;
    }
    if (!m.containers.empty()) metrics.push_back(m);
  }
  if (metrics.empty()) {
    if (!name.empty()) {
      const ObjectPtr o = ctx.api.get({"Pod", ns, name});
      if (!o) result.err = fmt::format("Error from server (NotFound): podmetrics.metrics.k8s.io \"{}/{}\" not found\n", ns, name);
      else if (ctx.age(at(*o, {"metadata", "creationTimestamp"})) > minutes(2))
        result.err = fmt::format("error: Metrics not available for pod {}/{}, age: {}\n", ns, name,
                                 format_go_duration(ctx.age(at(*o, {"metadata", "creationTimestamp"}))));
      else result.err = "error: metrics not available yet\n";
      result.status = 1;
      return result;
    }
    for (const ObjectPtr& o : candidates)
      if (ctx.age(at(*o, {"metadata", "creationTimestamp"})) > minutes(2)) {
        result.err = fmt::format("error: Metrics not available for pod {}/{}, age: {}\n", namespace_of(*o), name_of(*o),
                                 format_go_duration(ctx.age(at(*o, {"metadata", "creationTimestamp"}))));
        result.status = 1;
        return result;
      }
    if (!candidates.empty()) {
      result.err = "error: metrics not available yet\n";
      result.status = 1;
      return result;
    }
    result.err = no_resources(all_ns, ns);
    return result;
  }
  std::stable_sort(metrics.begin(), metrics.end(), [&](const Metrics& a, const Metrics& b) {
    if (sort == "cpu") return std::ceil(a.cpu * 1000) > std::ceil(b.cpu * 1000);
    if (sort == "memory") return std::ceil(a.mem) > std::ceil(b.mem);
    if (all_ns && namespace_of(*a.pod) != namespace_of(*b.pod)) return namespace_of(*a.pod) < namespace_of(*b.pod);
    return name_of(*a.pod) < name_of(*b.pod);
  });
  auto usage = [](double cpu, double mem) {
    return fmt::format("{}m\t{}Mi\t", static_cast<std::int64_t>(std::ceil(cpu * 1000 - 1e-9)),
                       static_cast<std::int64_t>(std::ceil(mem - 1e-9)) / (1024 * 1024));
  };
  std::string text;
  if (!p.flag("no-headers")) {
    if (all_ns) text += "NAMESPACE\t";
    if (containers) text += "POD\t";
    text += "NAME\tCPU(cores)\tMEMORY(bytes)\t\n";
  }
  for (const Metrics& m : metrics) {
    if (containers) {
      for (const auto& [cname, cpu, mem] : m.containers)
        text += (all_ns ? namespace_of(*m.pod) + "\t" : "") + name_of(*m.pod) + "\t" + cname + "\t" + usage(cpu, mem) + "\n";
    } else {
      text += (all_ns ? namespace_of(*m.pod) + "\t" : "") + name_of(*m.pod) + "\t" + usage(m.cpu, m.mem) + "\n";
    }
  }
  if (p.flag("sum")) {
    double cpu = 0, mem = 0;
    for (const Metrics& m : metrics) cpu += m.cpu, mem += m.mem;
    const int width = 3 + (all_ns ? 1 : 0) + (containers ? 1 : 0);
    for (int i = 0; i < width - 2; ++i) text += "\t";
    text += "________\t________\t\n";
    for (int i = 0; i < width - 3; ++i) text += "\t";
    text += "\t" + usage(cpu, mem) + "\n";
  }
  result.out = go_tabwriter(text, 6, 3);
  return result;
}

// --- kubectl events ------------------------------------------------------------------------------------

// kubectl events [-n NS | -A] [--for TYPE/NAME] [--types Normal,Warning] [--no-headers]
// (k8s.io/kubectl v1.32 pkg/cmd/events/events.go; the table is sim/views/kubectl_events.cpp).
KubectlResult run_events(const Ctx& ctx, const std::vector<std::string>& args) {
  const Parsed p = parse_flags(args,
                               {{"namespace", 'n', true}, {"all-namespaces", 'A', false}, {"for", 0, true}, {"types", 0, true},
                                {"no-headers", 0, false}, {"watch", 'w', false}},
                               "kubectl events");
  if (p.flag("watch")) throw KubectlUsageError("--watch is not supported: kcsim shows one instant; pass another --at");
  if (!p.positional.empty()) throw KubectlUsageError("kubectl events takes no arguments (use --for TYPE/NAME)");
  KubectlResult result;
  const std::string ns = p.get("namespace", "default");
  const bool all_ns = p.flag("all-namespaces");
  // --for: a field selector on involvedObject.kind and .name (the kind from discovery).
  std::string for_kind, for_name;
  if (const std::string f = p.get("for"); !f.empty()) {
    const std::size_t slash = f.find('/');
    if (slash == std::string::npos) throw KubectlUsageError("--for must be in resource/name form");
    const auto res = resolve_resource(ctx.api, f.substr(0, slash));
    if (!res) {
      result.err = fmt::format("error: the server doesn't have a resource type \"{}\"\n", f.substr(0, slash));
      result.status = 1;
      return result;
    }
    for_kind = res->kind;
    for_name = f.substr(slash + 1);
  }
  std::vector<std::string> types;
  for (const std::string& t : split(p.get("types"), ','))
    if (!t.empty()) {
      if (lower(t) != "normal" && lower(t) != "warning") throw KubectlUsageError("valid --types are Normal or Warning");
      types.push_back(lower(t));
    }
  std::vector<ObjectPtr> events;
  for (const ObjectPtr& e : all_ns ? ctx.api.list("Event") : ctx.api.list("Event", ns)) {
    if (!for_kind.empty() && (str(*e, {"involvedObject", "kind"}) != for_kind || str(*e, {"involvedObject", "name"}) != for_name)) continue;
    if (!types.empty() && std::find(types.begin(), types.end(), lower(str(*e, {"type"}))) == types.end()) continue;
    events.push_back(e);
  }
  if (events.empty()) {
    result.err = all_ns ? "No events found.\n" : fmt::format("No events found in {} namespace.\n", ns);
    return result;
  }
  result.out = kubectl_events_table(
      std::move(events), [&ctx](const json* ts) { return ctx.since(ts); }, [](const json* ts) { return unix_us(ts); }, all_ns,
      p.flag("no-headers"));
  return result;
}

// --- argocd app get -------------------------------------------------------------------------------------

KubectlResult run_argocd(const Ctx& ctx, const std::vector<std::string>& args) {
  if (args.size() >= 2 && args[0] == "app" && (args[1] == "history" || args[1] == "resources")) return run_argocd_app_lists(ctx, args);
  if (args.size() >= 2 && args[0] == "app" && (args[1] == "diff" || args[1] == "manifests")) return run_argocd_app_diff(ctx, args);
  if (args.size() < 2 || args[0] != "app" || args[1] != "get")
    throw KubectlUsageError("kcsim supports `argocd app get|history|resources|diff|manifests APPNAME` only (get: [-o wide|yaml|json] [--show-operation] [-N NAMESPACE])");
  const Parsed p = parse_flags(std::vector<std::string>(args.begin() + 2, args.end()),
                               {{"output", 'o', true}, {"show-operation", 0, false}, {"app-namespace", 'N', true},
                                {"server", 0, true}, {"refresh", 0, false}, {"hard-refresh", 0, false}, {"show-params", 0, false}},
                               "argocd app get");
  KubectlResult result;
  if (p.positional.size() != 1) throw KubectlUsageError("argocd app get takes exactly one APPNAME");
  std::string app_name = p.positional[0], app_ns = p.get("app-namespace", "argocd");
  if (const std::size_t slash = app_name.find('/'); slash != std::string::npos) {
    app_ns = app_name.substr(0, slash);
    app_name = app_name.substr(slash + 1);
  }
  const ObjectPtr app = ctx.api.get({"Application", app_ns, app_name});
  if (!app) {
    result.err = fmt::format("FATA[0000] rpc error: code = NotFound desc = applications.argoproj.io \"{}\" not found\n", app_name);
    result.status = 20;
    return result;
  }
  const std::string output = p.get("output", "wide");
  if (output == "yaml") {
    result.out = to_yaml(*app);
    return result;
  }
  if (output == "json") {
    result.out = to_go_json(*app, "  ") + "\n";
    return result;
  }
  if (output != "wide" && !output.empty())
    throw KubectlUsageError(fmt::format("unknown output format: {} (kcsim supports wide, yaml, json)", output));
  const json& a = *app;
  auto line = [](const std::string& label, const std::string& value) { return fmt::format("{:<20}{}\n", label, value); };
  std::string out;
  out += line("Name:", namespace_of(a).empty() ? app_name : namespace_of(a) + "/" + app_name);
  out += line("Project:", str(a, {"spec", "project"}, "default"));
  std::string server = str(a, {"spec", "destination", "server"});
  if (server.empty()) server = str(a, {"spec", "destination", "name"});
  out += line("Server:", server);
  out += line("Namespace:", str(a, {"spec", "destination", "namespace"}));
  // getAppURL: the argocd-cm "url" setting, else the CLI's server address.
  std::string url_base;
  if (const ObjectPtr cm = ctx.api.get({"ConfigMap", app_ns, "argocd-cm"})) url_base = str(*cm, {"data", "url"});
  if (url_base.empty()) {
    std::string addr = p.get("server", "localhost:8080");
    if (addr.size() > 4 && addr.compare(addr.size() - 4, 4, ":443") == 0) addr.resize(addr.size() - 4);
    url_base = "https://" + addr;
  }
  out += line("URL:", url_base + "/applications/" + app_name);
  const json& sources = array_at(a, {"spec", "sources"});
  std::vector<const json*> srcs;
  if (!sources.empty()) {
    out += "Sources:\n";
    for (const json& s : sources) srcs.push_back(&s);
  } else {
    out += "Source:\n";
    static const json kEmpty = json::object();
    const json* s = at(a, {"spec", "source"});
    srcs.push_back(s ? s : &kEmpty);
  }
  for (const json* s : srcs) {
    out += line("- Repo:", str(*s, {"repoURL"}));
    out += line("  Target:", str(*s, {"targetRevision"}));
    if (const std::string path = str(*s, {"path"}); !path.empty()) out += line("  Path:", path);
    if (const std::string ref = str(*s, {"ref"}); !ref.empty()) out += line("  Ref:", ref);
    std::vector<std::string> values;
    for (const json& v : array_at(*s, {"helm", "valueFiles"})) values.push_back(go_sprint(v));
    if (!values.empty()) out += line("  Helm Values:", join(values, ","));
    if (const std::string np = str(*s, {"kustomize", "namePrefix"}); !np.empty()) out += line("  Name Prefix:", np);
  }
  out += line("SyncWindow:", "Sync Allowed");
  std::string policy = "Manual";
  if (const json* automated = at(a, {"spec", "syncPolicy", "automated"}); automated && automated->is_object() &&
                                                                            boolean(*automated, {"enabled"}, true)) {
    policy = "Automated";
    if (boolean(*automated, {"prune"})) policy += " (Prune)";
  }
  out += line("Sync Policy:", policy);
  const std::string target = str(*srcs[0], {"targetRevision"});
  const std::string sync_code = str(a, {"status", "sync", "status"});
  std::string sync = sync_code;
  if (sync_code == "Synced") sync += " to " + target;
  else if (sync_code == "OutOfSync") sync += " from " + target;
  auto is_hex = [](const std::string& s, std::size_t min, std::size_t max) {
    if (s.size() < min || s.size() > max) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  };
  const std::string revision = str(a, {"status", "sync", "revision"});
  if (!is_hex(target, 7, std::string::npos) && revision.size() > 7) sync += " (" + revision.substr(0, 7) + ")";
  out += line("Sync Status:", sync);
  out += line("Health Status:", str(a, {"status", "health", "status"}));
  if (const json& conds = array_at(a, {"status", "conditions"}); !conds.empty()) {
    out += "\n";
    std::string t = "CONDITION\tMESSAGE\tLAST TRANSITION\n";
    for (const json& c : conds)
      t += str(c, {"type"}) + "\t" + str(c, {"message"}) + "\t" + go_time_string(at(c, {"lastTransitionTime"})) + "\n";
    out += go_tabwriter(t, 0, 2) + "\n";
  }
  if (p.flag("show-operation")) {
    if (const json* op = at(a, {"status", "operationState"})) {
      out += "\n";
      out += line("Operation:", "Sync");
      if (const std::string rev = str(*op, {"syncResult", "revision"}); !rev.empty()) out += line("Sync Revision:", rev);
      out += line("Phase:", str(*op, {"phase"}));
      out += line("Start:", go_time_string(at(*op, {"startedAt"})));
      out += line("Finished:", go_time_string(at(*op, {"finishedAt"})));
      std::string duration;
      if (const auto s = unix_us(at(*op, {"startedAt"}))) {
        const auto f = unix_us(at(*op, {"finishedAt"}));
        duration = format_go_duration(Duration{(f ? *f : ctx.now_us) - *s});
      }
      out += line("Duration:", duration);
      out += line("Message:", str(*op, {"message"}));
    }
  }
  if (const json& resources = array_at(a, {"status", "resources"}); !resources.empty()) {
    // getResourceStates: the last sync's resources first (in its order), then the rest by key.
    struct State {
      std::string group, kind, ns, name, status, health, hook, message;
    };
    std::map<std::string, const json*> by_key;
    auto key = [](const json& r) {
      return str(r, {"group"}) + "/" + str(r, {"kind"}) + "/" + str(r, {"namespace"}) + "/" + str(r, {"name"});
    };
    for (const json& r : resources) by_key[key(r)] = &r;
    // Argo CD 3 keeps resource health out of the Application (resourceHealthSource: appTree);
    // argocd-server's Get fills it in from the resource tree (inferResourcesStatusHealth), whose
    // health is the live object's: Missing when it does not exist.
    const bool from_tree = str(a, {"status", "resourceHealthSource"}) == "appTree";
    auto health_of = [&](const json& r) -> std::string {
      if (!from_tree) return str(r, {"health", "status"});
      const ObjectPtr live = ctx.api.get({str(r, {"kind"}), str(r, {"namespace"}), str(r, {"name"})});
      if (!live || api_group(str(*live, {"apiVersion"})) != str(r, {"group"})) return "Missing";
      const auto h = argocd::resource_health(*live);
      return h ? h->status : "";
    };
    std::vector<State> states;
    for (const json& r : array_at(a, {"status", "operationState", "syncResult", "resources"})) {
      State s{str(r, {"group"}), str(r, {"kind"}), str(r, {"namespace"}), str(r, {"name"}), str(r, {"hookPhase"}),
              str(r, {"status"}), str(r, {"hookType"}), str(r, {"message"})};
      const auto it = by_key.find(key(r));
      if (it != by_key.end() && s.hook.empty()) {
        s.health = health_of(*it->second);
        s.status = str(*it->second, {"status"});
      }
      states.push_back(s);
      by_key.erase(key(r));
    }
    for (const auto& [k, r] : by_key)
      states.push_back({str(*r, {"group"}), str(*r, {"kind"}), str(*r, {"namespace"}), str(*r, {"name"}), str(*r, {"status"}),
                        health_of(*r), "", ""});
    std::string t = "GROUP\tKIND\tNAMESPACE\tNAME\tSTATUS\tHEALTH\tHOOK\tMESSAGE\n";
    for (const State& s : states)
      t += s.group + "\t" + s.kind + "\t" + s.ns + "\t" + s.name + "\t" + s.status + "\t" + s.health + "\t" + s.hook + "\t" + s.message + "\n";
    out += "\n" + go_tabwriter(t, 0, 2);
  }
  result.out = out;
  return result;
}

}  // namespace kubectl_detail

using namespace kubectl_detail;

// --- Go text/tabwriter ----------------------------------------------------------------------------------

std::string go_tabwriter(std::string_view text, int minwidth, int padding) {
  struct Cell {
    std::string text;
    int width;
  };
  auto runes = [](const std::string& s) { return static_cast<int>(rune_width(s)); };
  std::vector<std::vector<Cell>> lines;
  std::vector<Cell> cur;
  std::string cell;
  for (char c : text) {
    if (c == '\t') {
      cur.push_back({cell, runes(cell)});
      cell.clear();
    } else if (c == '\n') {
      cur.push_back({cell, runes(cell)});
      lines.push_back(std::move(cur));
      cur.clear();
      cell.clear();
    } else {
      cell += c;
    }
  }
  const bool unterminated = !cell.empty() || !cur.empty();
  if (unterminated) {
    cur.push_back({cell, runes(cell)});
    lines.push_back(std::move(cur));
  }
  std::string out;
  std::vector<int> widths;
  auto write_lines = [&](std::size_t line0, std::size_t line1) {
    for (std::size_t i = line0; i < line1; ++i) {
      const std::vector<Cell>& line = lines[i];
      for (std::size_t j = 0; j < line.size(); ++j) {
        out += line[j].text;
        if (j < widths.size()) out.append(static_cast<std::size_t>(std::max(0, widths[j] - line[j].width)), ' ');
      }
      if (!(unterminated && i + 1 == lines.size())) out += '\n';
    }
  };
  std::function<void(std::size_t, std::size_t)> format = [&](std::size_t line0, std::size_t line1) {
    const std::size_t column = widths.size();
    for (std::size_t this_line = line0; this_line < line1; ++this_line) {
      if (column + 1 >= lines[this_line].size()) continue;
      write_lines(line0, this_line);
      line0 = this_line;
      int width = minwidth;
      for (; this_line < line1; ++this_line) {
        if (column + 1 >= lines[this_line].size()) break;
        width = std::max(width, lines[this_line][column].width + padding);
      }
      widths.push_back(width);
      format(line0, this_line);
      widths.pop_back();
      line0 = this_line;
    }
    write_lines(line0, line1);
  };
  format(0, lines.size());
  return out;
}

namespace kubectl_detail {
std::pair<std::string, std::vector<std::string>> split_verb(std::vector<std::string> args) {
  if (!args.empty() && args[0] == "kubectl") args.erase(args.begin());
  // The verb is the first argument that is neither a flag nor a flag's value.
  std::size_t verb_at = 0;
  for (; verb_at < args.size(); ++verb_at) {
    const std::string& a = args[verb_at];
    if (a.empty() || a[0] != '-') break;
    if ((a == "-n" || a == "--namespace" || a == "-l" || a == "--selector" || a == "-o" || a == "--output")) ++verb_at;
  }
  if (verb_at >= args.size()) throw KubectlUsageError("no kubectl command given (try: get pods)");
  const std::string verb = args[verb_at];
  std::vector<std::string> rest(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(verb_at));
  rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(verb_at) + 1, args.end());
  return {verb, rest};
}
}  // namespace kubectl_detail

namespace {
KubectlResult exec_with(const ApiServer& api, const Versions& versions, const std::vector<std::string>& args_in,
                        const json* kubelet_settings, bool hide_simulator_annotations,
                        const ResourceMetricsApi* pod_metrics, const GitService* git = nullptr,
                        const json* argocd_settings = nullptr) {
  std::vector<std::string> args = args_in;
  if (!args.empty() && args[0] == "kubectl") args.erase(args.begin());
  if (args.empty()) throw KubectlUsageError("no kubectl command given (try: get pods)");
  const ClusterObjects cluster(api, versions, kubelet_settings);
  const Ctx ctx{api, versions, api.epoch().unix_seconds * 1000000 + api.now().time_since_epoch().count(), kubelet_settings,
                hide_simulator_annotations, &cluster, pod_metrics, git, argocd_settings};
  if (args[0] == "argocd") return run_argocd(ctx, std::vector<std::string>(args.begin() + 1, args.end()));

  const auto [verb, rest] = split_verb(args);
  try {
    if (verb == "get") return run_get(ctx, rest);
    if (verb == "describe") return run_describe(ctx, rest);
    if (verb == "top") return run_top(ctx, rest);
    if (verb == "logs") return run_logs(ctx, rest);
    if (verb == "events") return run_events(ctx, rest);
    if (verb == "rollout") return run_rollout(ctx, rest);
  } catch (const KubectlUsageError&) {
    throw;
  } catch (const std::runtime_error& e) {
    // kubectl's own errors (a sort field found nowhere): "error: ..." and status 1.
    return {"", fmt::format("error: {}\n", e.what()), 1};
  }
  static const std::set<std::string> kKnown = {
      "apply", "create", "delete", "edit", "patch", "replace", "scale", "autoscale", "exec",
      "port-forward", "annotate", "label", "set", "explain", "api-resources", "api-versions", "config", "cluster-info",
      "diff", "wait", "run", "expose", "cp", "attach", "debug", "drain", "cordon", "uncordon", "taint", "auth", "version"};
  if (kKnown.count(verb))
    throw KubectlUsageError(fmt::format("kcsim kubectl shows the state at one instant: it supports get, describe, top pod, logs, events and rollout history, "
                                        "not `{}` (put actions in the scenario's timeline)",
                                        verb));
  return {"", fmt::format("error: unknown command \"{}\" for \"kubectl\"\n", verb), 1};
}
}  // namespace

KubectlResult kubectl_exec(const ApiServer& api, const Versions& versions, const std::vector<std::string>& args,
                           const json* kubelet_settings, bool hide_simulator_annotations) {
  return exec_with(api, versions, args, kubelet_settings, hide_simulator_annotations, nullptr);
}

KubectlResult kubectl_exec(const World& world, const std::vector<std::string>& args, bool hide_simulator_annotations) {
  return exec_with(world.api(), world.versions(), args, &world.settings("kubelet"), hide_simulator_annotations,
                   world.service<ResourceMetricsApi>(), world.service<GitService>(), &world.settings("argocd"));
}

KubectlTable kubectl_table(const ApiServer& api, const Versions& versions, const std::string& kind,
                           const std::string& api_version, const std::vector<ObjectPtr>& objects) {
  const Ctx ctx{api, versions, api.epoch().unix_seconds * 1000000 + api.now().time_since_epoch().count()};
  Resource res;
  res.kind = kind;
  res.api_version = api_version;
  const Table t = table_for(ctx, res);
  KubectlTable out;
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    out.columns.push_back({t.columns[c].header, t.columns[c].wide, c == 0 && t.columns[c].header == "NAME"});
  for (const ObjectPtr& o : objects) out.rows.push_back(t.row(*o));
  return out;
}

bool label_selector_text_matches(const std::string& selector, const json* labels) {
  return selector_matches(parse_selector(selector), labels);
}

std::string kubectl_view(const World& world, const std::vector<std::string>& args) {
  const KubectlResult r = kubectl_exec(world, args);
  return r.out + r.err;
}

}  // namespace kcsim
