#include "container_usage.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kcsim/k8s/json_access.hpp"
#include "kcsim/k8s/quantity.hpp"

namespace kcsim::models {
namespace {

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

// A CPU value in millicores, or a memory value in bytes (Quantity.Value rounds up).
std::optional<std::int64_t> level(const std::string& text, bool bytes) {
  const auto milli = quantity_milli(json(text));
  if (!milli || *milli < 0) return std::nullopt;
  return bytes ? (*milli + 999) / 1000 : *milli;
}

std::int64_t floor_div(__int128 a, __int128 b) {
  __int128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return static_cast<std::int64_t>(q);
}

}  // namespace

UsageProfile UsageProfile::constant(std::int64_t value) {
  UsageProfile p;
  p.points_.push_back({SimTime{}, value});
  return p;
}

std::optional<UsageProfile> UsageProfile::parse(const std::string& text, bool bytes, std::string* why) {
  const std::vector<std::string> w = words(text);
  const char* unit = bytes ? "a memory quantity such as \"256Mi\"" : "a CPU quantity such as \"250m\"";
  if (w.size() == 1) {
    if (auto v = level(w[0], bytes)) return constant(*v);
    if (why) *why = fmt::format("expected {}, or \"steps 0s=V 10m=V ...\" / \"ramp 0s=V 30m=V ...\"", unit);
    return std::nullopt;
  }
  if (w.empty() || (w[0] != "steps" && w[0] != "ramp")) {
    if (why) *why = fmt::format("expected {}, or \"steps 0s=V 10m=V ...\" / \"ramp 0s=V 30m=V ...\"", unit);
    return std::nullopt;
  }
  UsageProfile p;
  p.ramp_ = w[0] == "ramp";
  for (std::size_t i = 1; i < w.size(); ++i) {
    const auto eq = w[i].find('=');
    std::optional<Duration> at;
    if (eq != std::string::npos) at = parse_duration(w[i].substr(0, eq));
    std::optional<std::int64_t> v;
    if (eq != std::string::npos) v = level(w[i].substr(eq + 1), bytes);
    if (!at || !v) {
      if (why) *why = fmt::format("expected points INSTANT=VALUE such as 10m={}, found \"{}\"", bytes ? "256Mi" : "400m", w[i]);
      return std::nullopt;
    }
    if (!p.points_.empty() && SimTime{*at} <= p.points_.back().at) {
      if (why) *why = fmt::format("expected points in increasing time, found \"{}\" after {}", w[i],
                                  format_go_duration(p.points_.back().at.time_since_epoch()));
      return std::nullopt;
    }
    p.points_.push_back({SimTime{*at}, *v});
  }
  return p;
}

std::int64_t UsageProfile::at(SimTime t) const {
  if (t <= points_.front().at) return points_.front().value;
  if (t >= points_.back().at) return points_.back().value;
  std::size_t i = 1;
  while (points_[i].at <= t) ++i;  // points_[i-1].at <= t < points_[i].at
  const Point& a = points_[i - 1];
  if (!ramp_) return a.value;
  const Point& b = points_[i];
  return a.value + floor_div(static_cast<__int128>(b.value - a.value) * (t - a.at).count(), (b.at - a.at).count());
}

std::int64_t UsageProfile::integral(SimTime a, SimTime b) const {
  if (b <= a) return 0;
  // Pieces: (-inf, p0], (p0, p1], ..., (pn, +inf); constant or linear on each.
  __int128 sum = 0;
  SimTime x = a;
  auto piece = [&](SimTime end, const Point* lo, const Point* hi) {
    const SimTime y = std::min(end, b);
    if (y <= x) return;
    if (!ramp_ || !lo || !hi) {
      const std::int64_t v = lo ? lo->value : hi->value;
      sum += static_cast<__int128>(v) * (y - x).count();
    } else {
      // ∫ (v0 + dv·(t−t0)/T) dt over [x, y] = v0·(y−x) + dv·((y−t0)² − (x−t0)²)/(2T)
      const __int128 t0 = lo->at.time_since_epoch().count();
      const __int128 span = (hi->at - lo->at).count();
      const __int128 dy = y.time_since_epoch().count() - t0, dx = x.time_since_epoch().count() - t0;
      sum += static_cast<__int128>(lo->value) * (y - x).count();
      sum += floor_div(static_cast<__int128>(hi->value - lo->value) * (dy * dy - dx * dx), 2 * span);
    }
    x = y;
  };
  piece(points_.front().at, nullptr, &points_.front());
  for (std::size_t i = 0; i + 1 < points_.size(); ++i) piece(points_[i + 1].at, &points_[i], &points_[i + 1]);
  if (x < b) {
    const Point& last = points_.back();
    sum += static_cast<__int128>(last.value) * (b - x).count();
  }
  return static_cast<std::int64_t>(sum);
}

std::string set_usage_term(UsageTerms& terms, const std::string& term, const json& value) {
  if (!value.is_string() && !value.is_number())
    return "expected a quantity string such as \"250m\"";
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  std::string why;
  if (term == "cpu" || term == "memory") {
    auto p = UsageProfile::parse(text, term == "memory", &why);
    if (!p) return why;
    if (term == "cpu") terms.cpu = *p;
    else terms.memory = *p;
    return "";
  }
  const bool bytes = term == "memoryPerInFlight";
  const auto v = level(text, bytes);
  if (!v) return bytes ? "expected a memory quantity such as \"1Mi\"" : "expected a CPU quantity such as \"20m\"";
  if (term == "cpuPerRequest") terms.cpu_per_request = *v;
  else if (term == "cpuPerInFlight") terms.cpu_per_in_flight = *v;
  else terms.memory_per_in_flight = *v;
  return "";
}

namespace {
struct AnnotationTerm {
  const char* annotation;
  const char* term;
};
constexpr AnnotationTerm kTerms[] = {{kCpuAnnotation, "cpu"},
                                     {kCpuPerRequestAnnotation, "cpuPerRequest"},
                                     {kCpuPerInFlightAnnotation, "cpuPerInFlight"},
                                     {kMemoryAnnotation, "memory"},
                                     {kMemoryPerInFlightAnnotation, "memoryPerInFlight"}};
}  // namespace

UsageTerms usage_terms_for(const json& pod, const UsageTerms& defaults) {
  UsageTerms terms = defaults;
  const json* ann = find(pod, {"metadata", "annotations"});
  if (!ann || !ann->is_object()) return terms;
  for (const AnnotationTerm& t : kTerms)
    if (ann->contains(t.annotation)) {
      UsageTerms attempt = terms;
      if (set_usage_term(attempt, t.term, (*ann)[t.annotation]).empty()) terms = attempt;
    }
  return terms;
}

std::pair<std::string, std::string> check_usage_annotations(const json& manifest, const std::string& pointer) {
  if (!manifest.is_object()) return {};
  const bool pod = manifest.value("kind", "") == "Pod";
  const json* ann = pod ? find(manifest, {"metadata", "annotations"})
                        : find(manifest, {"spec", "template", "metadata", "annotations"});
  if (!ann || !ann->is_object()) return {};
  const std::string base = pointer + (pod ? "/metadata/annotations/" : "/spec/template/metadata/annotations/");
  for (const AnnotationTerm& t : kTerms)
    if (ann->contains(t.annotation)) {
      UsageTerms scratch;
      const std::string why = set_usage_term(scratch, t.term, (*ann)[t.annotation]);
      if (!why.empty()) return {base + escape_pointer_token(t.annotation), why};
    }
  if (ann->contains(kUsageContainerAnnotation) && !(*ann)[kUsageContainerAnnotation].is_string())
    return {base + escape_pointer_token(kUsageContainerAnnotation), "expected a container name"};
  return {};
}

std::vector<ContainerPoint> measure_pod(const json& pod, const UsageTerms& defaults,
                                        const std::optional<PodLoad::Counters>& load, std::int64_t epoch_unix_seconds,
                                        SimTime now) {
  std::vector<ContainerPoint> out;
  if (str_at(pod, {"status", "phase"}) != "Running") return out;
  const json* containers = find(pod, {"spec", "containers"});
  if (!containers || !containers->is_array() || containers->empty()) return out;
  const std::string serving = [&] {
    const json* a = find(pod, {"metadata", "annotations", kUsageContainerAnnotation});
    if (a && a->is_string()) return a->get<std::string>();
    return (*containers)[0].value("name", std::string());
  }();
  const UsageTerms own = usage_terms_for(pod, defaults);
  const json* statuses = find(pod, {"status", "containerStatuses"});
  for (const json& c : *containers) {
    const std::string name = c.value("name", std::string());
    // Only running containers are reported (cAdvisor has no cgroup for the others).
    const json* started = nullptr;
    if (statuses && statuses->is_array())
      for (const json& st : *statuses)
        if (st.value("name", std::string()) == name) started = find(st, {"state", "running", "startedAt"});
    if (!started || !started->is_string()) continue;
    const auto unix = parse_rfc3339(started->get<std::string>());
    if (!unix) continue;
    const SimTime start{seconds(*unix - epoch_unix_seconds)};
    if (start > now) continue;
    const bool serves = name == serving;
    const UsageTerms& t = serves ? own : defaults;
    ContainerPoint p{name, start, t.cpu.integral(start, now), 0};
    std::int64_t memory = 0;
    if (t.memory) {
      memory = t.memory->at(now);
    } else if (const json* req = find(c, {"resources", "requests", "memory"})) {
      if (auto m = quantity_milli(*req)) memory = (*m + 999) / 1000;
    }
    if (serves && load) {
      p.cpu_cumulative += t.cpu_per_request * 1000000 * static_cast<std::int64_t>(load->completed) +
                          t.cpu_per_in_flight * load->in_flight_us;
      memory += t.memory_per_in_flight * static_cast<std::int64_t>(load->in_flight);
    }
    p.memory_bytes = memory;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace kcsim::models
