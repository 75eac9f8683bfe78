#include "http_add_on_profile.hpp"

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"

namespace kcsim {
namespace {

bool at_least(const std::string& version, const char* v) { return compare_versions(version, v) >= 0; }

}  // namespace

HttpAddOnProfile make_http_add_on_profile(const Scenario& scenario) {
  HttpAddOnProfile p;
  p.version = scenario.versions.get("http-add-on");
  const std::string& v = p.version;

  // Operator. v0.3–v0.6 set pollingInterval 1; v0.7.0 made it 15 (soPollingInterval).
  p.so_polling_interval_s = at_least(v, "0.7.0") ? 15 : 1;
  // v0.4.0 added scaledownPeriod as a plain int32 that its YAML template never rendered; v0.5.0
  // made the fields pointers and passed it through.
  p.passes_scaledown_period = at_least(v, "0.5.0");
  p.passes_initial_cooldown = at_least(v, "0.10.0");
  p.copies_labels_annotations = at_least(v, "0.8.0");
  p.trigger_metadata = at_least(v, "0.8.0")   ? HttpAddOnProfile::TriggerMetadata::kHttpScaledObject
                       : at_least(v, "0.5.0") ? HttpAddOnProfile::TriggerMetadata::kHostsPathPrefixes
                                              : HttpAddOnProfile::TriggerMetadata::kHost;
  p.has_scaling_metric = at_least(v, "0.8.0");
  p.has_timeouts_field = at_least(v, "0.11.0");
  p.metav1_conditions = at_least(v, "0.13.0");

  // Scaler. The stream ticker was a hard-coded 5 ms up to v0.5.0 and 200 ms (configurable) after.
  p.stream_interval = at_least(v, "0.6.0") ? milliseconds(200) : milliseconds(5);
  p.rate_in_scaler = at_least(v, "0.14.0");
  p.rounding = at_least(v, "0.13.0") ? RequestBuckets::Rounding::kNearest : RequestBuckets::Rounding::kFloor;

  // Interceptor: code defaults (not the Helm chart's, which set waitTimeout 20s for app 0.10–0.13).
  if (at_least(v, "0.14.0")) {
    p.wait_timeout = Duration{0};  // KEDA_HTTP_READINESS_TIMEOUT 0s: no readiness deadline
    p.response_header_timeout = seconds(300);
    p.request_timeout = Duration{0};
    p.timeout_status = 504;
  } else if (at_least(v, "0.13.0")) {
    p.wait_timeout = seconds(20);
    p.response_header_timeout = milliseconds(500);
    p.timeout_status = 502;
  } else {
    // v0.6–v0.12 (and, for want of a better profile, the older releases).
    p.wait_timeout = milliseconds(1500);
    p.response_header_timeout = milliseconds(500);
    p.timeout_status = 502;
  }
  p.connect_timeout = milliseconds(500);

  const std::string base = "/settings/http-add-on";
  auto it = scenario.settings.find("http-add-on");
  if (it == scenario.settings.end()) return p;
  const json& s = *it;
  auto read_group = [&](const char* group, std::initializer_list<std::pair<const char*, Duration*>> fields,
                        Duration min, Duration max) {
    if (!s.contains(group)) return;
    const std::string gp = base + "/" + group;
    const json& g = s[group];
    if (!g.is_object()) throw InputError(scenario.file, gp, "expected an object", describe_found(g));
    for (auto& [key, value] : g.items()) {
      Duration* target = nullptr;
      std::string names;
      for (auto& [name, ptr] : fields) {
        names += (names.empty() ? "" : ", ") + std::string(name);
        if (key == name) target = ptr;
      }
      if (!target)
        throw InputError(scenario.file, gp + "/" + key, "expected one of " + names,
                         fmt::format("unknown field \"{}\"", key));
      const Duration d = read_duration(value, scenario.file, gp + "/" + key);
      if (d < min || d > max)
        throw InputError(scenario.file, gp + "/" + key,
                         fmt::format("expected a duration between {} and {}", format_go_duration(min),
                                     format_go_duration(max)),
                         describe_found(value));
      *target = d;
    }
  };
  // Names follow the Helm chart's values (interceptor.replicas.waitTimeout,
  // interceptor.responseHeaderTimeout, interceptor.tcpConnectTimeout, scaler.streamInterval).
  read_group("interceptor",
             {{"waitTimeout", &p.wait_timeout},
              {"responseHeaderTimeout", &p.response_header_timeout},
              {"tcpConnectTimeout", &p.connect_timeout},
              {"requestTimeout", &p.request_timeout}},
             Duration{0}, hours(24 * 365));
  // The tick must stay within a second: a ping is then never more than one rate bucket after the
  // previous one, which the exact elision of idle ticks relies on (RequestBuckets::advance_idle).
  if (s.contains("interceptor") && s["interceptor"].contains("requestTimeout") && !at_least(v, "0.14.0"))
    throw InputError(scenario.file, base + "/interceptor/requestTimeout",
                     "expected no requestTimeout: KEDA_HTTP_REQUEST_TIMEOUT exists from http-add-on 0.14.0",
                     "http-add-on " + v);
  read_group("scaler", {{"queueTick", &p.queue_tick}, {"streamInterval", &p.stream_interval}},
             milliseconds(1), seconds(1));
  return p;
}

std::optional<Duration> object_duration(const json& value) {
  if (!value.is_string()) return std::nullopt;
  auto d = parse_duration(value.get<std::string>());
  if (!d || d->count() < 0) return std::nullopt;
  return d;
}

}  // namespace kcsim
