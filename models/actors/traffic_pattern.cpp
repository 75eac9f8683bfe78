#include "traffic_pattern.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"
#include "kcsim/core/input_file.hpp"

namespace kcsim {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr std::int64_t kMaxServiceUs = 24LL * 3600 * 1000000;

[[noreturn]] void fail(const PatternContext& ctx, const std::string& field, const std::string& expected,
                       const std::string& found) {
  throw InputError(ctx.file, ctx.pointer + (field.empty() ? "" : "/" + field), expected, found);
}

// The string member that says which variant an object is ("type", "distribution"): an input
// error naming the member, or the whole value when it is not an object, with `expected`.
std::string discriminator(const json& spec, const PatternContext& ctx, const char* member, const char* expected) {
  if (!spec.is_object()) fail(ctx, "", expected, describe_found(spec));
  const auto it = spec.find(member);
  if (it == spec.end()) fail(ctx, member, expected, describe_found(spec));
  if (!it->is_string()) fail(ctx, member, expected, describe_found(*it));
  return it->get<std::string>();
}

void only_fields(const json& spec, const PatternContext& ctx, std::initializer_list<const char*> allowed) {
  for (auto& [key, value] : spec.items()) {
    (void)value;
    bool ok = false;
    std::string names;
    for (const char* a : allowed) {
      names += (names.empty() ? "" : ", ") + std::string(a);
      if (key == a) ok = true;
    }
    if (!ok) fail(ctx, key, "expected one of " + names, fmt::format("unknown field \"{}\"", key));
  }
}

double read_rate(const json& spec, const char* field, const PatternContext& ctx, bool required = true) {
  if (!spec.contains(field)) {
    if (required) fail(ctx, field, "expected a rate in requests per second (a number ≥ 0)", "nothing");
    return 0.0;
  }
  const json& v = spec[field];
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0.0 || v.get<double>() > 1e6)
    fail(ctx, field, "expected a rate in requests per second (a number from 0 to 1000000)", describe_found(v));
  return v.get<double>();
}

Duration read_dur(const json& spec, const char* field, const PatternContext& ctx, std::optional<Duration> dflt = {}) {
  if (!spec.contains(field)) {
    if (dflt) return *dflt;
    fail(ctx, field, "expected a duration such as \"30s\"", "nothing");
  }
  return read_duration(spec[field], ctx.file, ctx.pointer + "/" + field);
}

bool read_spacing(const json& spec, const PatternContext& ctx) {
  if (!spec.contains("arrivals")) return false;
  const json& v = spec["arrivals"];
  if (v == "poisson") return false;
  if (v == "constant") return true;
  fail(ctx, "arrivals", "expected \"poisson\" or \"constant\"", describe_found(v));
}

}  // namespace

ArrivalProcess ArrivalProcess::parse(const json& spec, const PatternContext& ctx) {
  ArrivalProcess p;
  const std::string type = discriminator(
      spec, ctx, "type", "expected a pattern {\"type\": idle|constant|poisson|bursts|diurnal|steps|trace, ...}");
  if (type == "idle") {
    only_fields(spec, ctx, {"type"});
    p.type_ = Type::kIdle;
  } else if (type == "constant" || type == "poisson") {
    only_fields(spec, ctx, {"type", "rate"});
    p.type_ = type == "constant" ? Type::kConstant : Type::kPoisson;
    p.constant_spacing_ = type == "constant";
    p.rate_ = read_rate(spec, "rate", ctx);
  } else if (type == "bursts") {
    only_fields(spec, ctx, {"type", "rate", "on", "off", "offset", "arrivals"});
    p.type_ = Type::kBursts;
    p.rate_ = read_rate(spec, "rate", ctx);
    p.on_ = read_dur(spec, "on", ctx);
    p.off_ = read_dur(spec, "off", ctx);
    p.offset_ = read_dur(spec, "offset", ctx, Duration{0});
    if (p.on_.count() == 0) fail(ctx, "on", "expected a positive duration", describe_found(spec["on"]));
    p.constant_spacing_ = read_spacing(spec, ctx);
  } else if (type == "diurnal") {
    only_fields(spec, ctx, {"type", "mean", "amplitude", "period", "peak"});
    p.type_ = Type::kDiurnal;
    p.mean_ = read_rate(spec, "mean", ctx);
    if (spec.contains("amplitude")) {
      const json& a = spec["amplitude"];
      if (!a.is_number() || !std::isfinite(a.get<double>()) || std::fabs(a.get<double>()) > 1e6)
        fail(ctx, "amplitude", "expected a number of requests per second", describe_found(a));
      p.amplitude_ = a.get<double>();
    }
    p.period_ = read_dur(spec, "period", ctx, hours(24));
    p.peak_ = read_dur(spec, "peak", ctx, hours(12));
    if (p.period_.count() == 0) fail(ctx, "period", "expected a positive duration", describe_found(spec["period"]));
  } else if (type == "steps") {
    only_fields(spec, ctx, {"type", "steps", "arrivals"});
    p.type_ = Type::kSteps;
    p.constant_spacing_ = read_spacing(spec, ctx);
    if (!spec.contains("steps") || !spec["steps"].is_array() || spec["steps"].empty())
      fail(ctx, "steps", "expected a non-empty array of {\"at\": duration, \"rate\": requests per second}",
           spec.contains("steps") ? describe_found(spec["steps"]) : "nothing");
    for (std::size_t i = 0; i < spec["steps"].size(); ++i) {
      const json& s = spec["steps"][i];
      PatternContext sc{ctx.file, ctx.pointer + "/steps/" + std::to_string(i), ctx.base_dir};
      if (!s.is_object()) fail(sc, "", "expected {\"at\": duration, \"rate\": number}", describe_found(s));
      only_fields(s, sc, {"at", "rate"});
      Step step{SimTime{read_dur(s, "at", sc)}, read_rate(s, "rate", sc)};
      if (!p.steps_.empty() && step.at <= p.steps_.back().at)
        fail(sc, "at", "expected steps in increasing order of \"at\"", describe_found(s["at"]));
      p.steps_.push_back(step);
    }
  } else if (type == "trace") {
    only_fields(spec, ctx, {"type", "file", "unit"});
    p.type_ = Type::kTrace;
    if (!spec.contains("file") || !spec["file"].is_string() || spec["file"].get<std::string>().empty())
      fail(ctx, "file", "expected the path of a CSV file of request timestamps (relative to the scenario)",
           spec.contains("file") ? describe_found(spec["file"]) : "nothing");
    std::string unit = "s";
    if (spec.contains("unit")) {
      const json& u = spec["unit"];
      if (u != "s" && u != "ms" && u != "us") fail(ctx, "unit", "expected \"s\", \"ms\" or \"us\"", describe_found(u));
      unit = u.get<std::string>();
    }
    std::filesystem::path path(spec["file"].get<std::string>());
    if (path.is_relative()) path = std::filesystem::path(ctx.base_dir) / path;
    PatternContext fc{ctx.file, ctx.pointer + "/file", ctx.base_dir};
    p.trace_us_ = read_trace(path.string(), unit, fc);
  } else {
    fail(ctx, "type", "expected idle, constant, poisson, bursts, diurnal, steps or trace", describe_found(spec["type"]));
  }
  return p;
}

void ArrivalProcess::reset(SimTime start, SimTime end) {
  start_ = start;
  end_ = end;
  cursor_ = start;
  inclusive_ = true;
  seg_start_ = SimTime{Duration{-1}};
  seg_k_ = 0;
  trace_pos_ = 0;
}

ArrivalProcess::Segment ArrivalProcess::segment_at(SimTime t) const {
  switch (type_) {
    case Type::kBursts: {
      const SimTime base = start_ + offset_;
      if (t < base) return {start_, base, 0.0};
      const Duration cycle = on_ + off_;
      const std::int64_t k = (t - base).count() / cycle.count();
      const SimTime cs = base + cycle * k;
      if (t < cs + on_) return {cs, cs + on_, rate_};
      return {cs + on_, cs + cycle, 0.0};
    }
    case Type::kSteps: {
      auto it = std::upper_bound(steps_.begin(), steps_.end(), t,
                                 [](SimTime x, const Step& s) { return x < s.at; });
      if (it == steps_.begin()) return {start_, steps_.front().at, 0.0};
      const Step& s = *(it - 1);
      return {s.at, it == steps_.end() ? end_ : it->at, s.rate};
    }
    default:
      return {start_, end_, rate_};
  }
}

double ArrivalProcess::rate_at(SimTime t) const {
  const double phase = kTwoPi * to_seconds(t - SimTime{peak_}) / to_seconds(period_);
  return std::max(0.0, mean_ + amplitude_ * std::cos(phase));
}

std::optional<SimTime> ArrivalProcess::next(RandomStream& rng) {
  switch (type_) {
    case Type::kIdle:
      return std::nullopt;
    case Type::kTrace:
      while (trace_pos_ < trace_us_.size()) {
        const SimTime t = start_ + Duration{trace_us_[trace_pos_++]};
        if (t >= end_) break;
        return t;
      }
      trace_pos_ = trace_us_.size();
      return std::nullopt;
    case Type::kDiurnal: {
      // Non-homogeneous Poisson by thinning (Lewis and Shedler 1979): candidates at the peak rate,
      // each kept with probability rate(t) / peak rate.
      const double peak = mean_ + std::fabs(amplitude_);
      if (peak <= 0.0) return std::nullopt;
      SimTime t = cursor_;
      while (true) {
        t += Duration{std::llround(rng.exponential(1e6 / peak))};
        if (t >= end_) {
          cursor_ = end_;
          return std::nullopt;
        }
        if (rng.uniform() * peak < rate_at(t)) {
          cursor_ = t;
          return t;
        }
      }
    }
    default:
      break;
  }
  // Piecewise-constant rates (constant, poisson, bursts, steps). A Poisson process restarted at a
  // segment boundary is still Poisson (memorylessness); evenly spaced arrivals restart their
  // phase at each segment's start.
  SimTime t = cursor_;
  while (t < end_) {
    Segment seg = segment_at(t);
    seg.end = std::min(seg.end, end_);
    if (seg.rate <= 0.0 || seg.end <= t) {
      t = seg.end > t ? seg.end : t + Duration{1};  // (seg.end <= t cannot happen; never loop)
      inclusive_ = true;
      continue;
    }
    const double period_us = 1e6 / seg.rate;
    if (constant_spacing_) {
      if (seg.start != seg_start_) {
        seg_start_ = seg.start;
        std::int64_t k = std::max<std::int64_t>(
            0, static_cast<std::int64_t>(std::floor(static_cast<double>((t - seg.start).count()) / period_us)) - 1);
        auto at = [&](std::int64_t i) { return seg.start + Duration{std::llround(static_cast<double>(i) * period_us)}; };
        while (at(k) < t || (!inclusive_ && at(k) == t)) ++k;
        seg_k_ = k;
      }
      const SimTime cand = seg.start + Duration{std::llround(static_cast<double>(seg_k_) * period_us)};
      if (cand < seg.end) {
        ++seg_k_;
        cursor_ = cand;
        inclusive_ = false;
        return cand;
      }
    } else {
      const SimTime cand = t + Duration{std::llround(rng.exponential(period_us))};
      if (cand < seg.end) {
        cursor_ = cand;
        inclusive_ = false;
        return cand;
      }
    }
    t = seg.end;
    inclusive_ = true;
  }
  cursor_ = end_;
  return std::nullopt;
}

double ArrivalProcess::expected_count() const {
  const double span = std::max(0.0, to_seconds(end_ - start_));
  switch (type_) {
    case Type::kIdle:
      return 0.0;
    case Type::kConstant:
    case Type::kPoisson:
      return rate_ * span;
    case Type::kBursts:
      return rate_ * span * to_seconds(on_) / to_seconds(on_ + off_);
    case Type::kDiurnal:
      return mean_ * span;
    case Type::kSteps: {
      double n = 0.0;
      for (std::size_t i = 0; i < steps_.size(); ++i) {
        const SimTime a = std::max(steps_[i].at, start_);
        const SimTime b = std::min(i + 1 < steps_.size() ? steps_[i + 1].at : end_, end_);
        if (b > a) n += steps_[i].rate * to_seconds(b - a);
      }
      return n;
    }
    case Type::kTrace:
      return static_cast<double>(trace_us_.size());
  }
  return 0.0;
}

ServiceTime ServiceTime::parse(const json& spec, const PatternContext& ctx) {
  ServiceTime s;
  if (spec.is_string() || spec.is_number_integer()) {
    s.value_us_ = static_cast<double>(read_duration(spec, ctx.file, ctx.pointer).count());
    return s;
  }
  const std::string d = discriminator(spec, ctx, "distribution",
                                      "expected a duration or {\"distribution\": constant|exponential|lognormal, ...}");
  if (d == "constant") {
    only_fields(spec, ctx, {"distribution", "value"});
    s.dist_ = Distribution::kConstant;
    s.value_us_ = static_cast<double>(read_dur(spec, "value", ctx).count());
  } else if (d == "exponential") {
    only_fields(spec, ctx, {"distribution", "mean"});
    s.dist_ = Distribution::kExponential;
    s.value_us_ = static_cast<double>(read_dur(spec, "mean", ctx).count());
  } else if (d == "lognormal") {
    only_fields(spec, ctx, {"distribution", "median", "sigma"});
    s.dist_ = Distribution::kLognormal;
    s.value_us_ = static_cast<double>(read_dur(spec, "median", ctx).count());
    if (s.value_us_ <= 0.0) fail(ctx, "median", "expected a positive duration", describe_found(spec["median"]));
    if (!spec.contains("sigma") || !spec["sigma"].is_number() || spec["sigma"].get<double>() < 0.0 ||
        spec["sigma"].get<double>() > 10.0)
      fail(ctx, "sigma", "expected the log-scale standard deviation, a number from 0 to 10",
           spec.contains("sigma") ? describe_found(spec["sigma"]) : "nothing");
    s.sigma_ = spec["sigma"].get<double>();
  } else {
    fail(ctx, "distribution", "expected constant, exponential or lognormal", describe_found(spec["distribution"]));
  }
  if (s.value_us_ > static_cast<double>(kMaxServiceUs))
    fail(ctx, "", "expected a service time of at most 24h", describe_found(spec));
  return s;
}

Duration ServiceTime::draw(RandomStream& rng) const {
  double us = value_us_;
  if (dist_ == Distribution::kExponential) us = rng.exponential(value_us_);
  else if (dist_ == Distribution::kLognormal) us = rng.lognormal(std::log(value_us_), sigma_);
  return Duration{std::clamp<std::int64_t>(std::llround(us), 0, kMaxServiceUs)};
}

std::vector<std::int64_t> read_trace(const std::string& path, const std::string& unit, const PatternContext& ctx) {
  std::string text;
  try {
    text = read_input_file(path, "CSV file of request timestamps");
  } catch (const InputError& e) {
    // Named from the scenario's field that gave the path, with the file's own reason.
    throw InputError(ctx.file, ctx.pointer, e.expected(), fmt::format("\"{}\": {}", path, e.found()));
  }
  std::istringstream in(text);
  const double scale = unit == "s" ? 1e6 : unit == "ms" ? 1e3 : 1.0;
  std::vector<std::int64_t> out;
  std::string line;
  int line_no = 0;
  bool seen_data = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    std::size_t e = line.find(',', b);
    std::string field = line.substr(b, e == std::string::npos ? std::string::npos : e - b);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.pop_back();
    double v = 0.0;
    auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || ptr != field.data() + field.size()) {
      if (!seen_data) {  // a header line
        seen_data = true;
        continue;
      }
      throw InputError(path, "", fmt::format("expected a timestamp in {} (a number) in the first column", unit),
                       describe_found(json(field)), line_no, static_cast<int>(b) + 1);
    }
    seen_data = true;
    if (!std::isfinite(v) || v < 0.0 || v * scale > 1e15)
      throw InputError(path, "", "expected a non-negative timestamp of at most 31 years", describe_found(json(field)),
                       line_no, static_cast<int>(b) + 1);
    const std::int64_t us = std::llround(v * scale);
    if (!out.empty() && us < out.back())
      throw InputError(path, "", "expected timestamps in non-decreasing order", describe_found(json(field)), line_no,
                       static_cast<int>(b) + 1);
    out.push_back(us);
  }
  return out;
}

}  // namespace kcsim
