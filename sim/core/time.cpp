#include "kcsim/core/time.hpp"

#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace kcsim {
namespace {

bool set_error(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

// Go's time.ParseDuration units (src/time/format.go unitMap), in microseconds ×1000 so that
// "ns" can be recognised and rejected when it is not a whole microsecond.
struct Unit {
  std::string_view name;
  std::int64_t nanos;
};
constexpr Unit kUnits[] = {{"ns", 1},
                           {"us", 1000},
                           {"\xC2\xB5s", 1000},  // U+00B5 micro sign
                           {"\xCE\xBCs", 1000},  // U+03BC Greek mu
                           {"ms", 1000000},
                           {"s", 1000000000LL},
                           {"m", 60000000000LL},
                           {"h", 3600000000000LL}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view s, std::string* error) {
  const std::string original(s);
  if (s.empty()) {
    set_error(error, "an empty string is not a duration");
    return std::nullopt;
  }
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) {
    set_error(error, fmt::format("invalid duration \"{}\"", original));
    return std::nullopt;
  }
  // Accumulate in nanoseconds as integer + fraction, as Go does, then require whole µs.
  __int128 total_nanos = 0;
  const __int128 limit = static_cast<__int128>(INT64_MAX) * 1000;
  while (!s.empty()) {
    std::size_t i = 0;
    __int128 whole = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      whole = whole * 10 + (s[i] - '0');
      if (whole > limit) {
        set_error(error, fmt::format("duration \"{}\" is out of range", original));
        return std::nullopt;
      }
      digits = true;
      ++i;
    }
    __int128 frac = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (scale < static_cast<__int128>(1000000000000000000LL)) {
          frac = frac * 10 + (s[i] - '0');
          scale *= 10;
        }
        digits = true;
        ++i;
      }
    }
    if (!digits) {
      set_error(error, fmt::format("invalid duration \"{}\": expected a number", original));
      return std::nullopt;
    }
    std::size_t j = i;
    while (j < s.size() && !(s[j] == '.' || (s[j] >= '0' && s[j] <= '9'))) ++j;
    std::string_view unit = s.substr(i, j - i);
    if (unit.empty()) {
      set_error(error, fmt::format("missing unit in duration \"{}\" (use ns, us, ms, s, m or h)",
                                   original));
      return std::nullopt;
    }
    const Unit* found = nullptr;
    for (const Unit& u : kUnits)
      if (u.name == unit) found = &u;
    if (!found) {
      set_error(error, fmt::format("unknown unit \"{}\" in duration \"{}\" (use ns, us, ms, s, m "
                                   "or h; Go durations have no day unit)",
                                   unit, original));
      return std::nullopt;
    }
    const __int128 nanos = whole * found->nanos + frac * found->nanos / scale;
    if (frac * found->nanos % scale != 0) {
      set_error(error, fmt::format("duration \"{}\" is finer than a microsecond", original));
      return std::nullopt;
    }
    total_nanos += nanos;
    if (total_nanos > limit) {
      set_error(error, fmt::format("duration \"{}\" is out of range", original));
      return std::nullopt;
    }
    s.remove_prefix(j);
  }
  if (total_nanos % 1000 != 0) {
    set_error(error, fmt::format("duration \"{}\" is finer than a microsecond", original));
    return std::nullopt;
  }
  const auto micros = static_cast<std::int64_t>(total_nanos / 1000);
  return Duration{negative ? -micros : micros};
}

std::string format_go_duration(Duration d) {
  std::int64_t us = d.count();
  if (us == 0) return "0s";
  std::string sign = us < 0 ? "-" : "";
  std::uint64_t u = us < 0 ? static_cast<std::uint64_t>(-(us + 1)) + 1 : static_cast<std::uint64_t>(us);
  auto frac = [](std::uint64_t v, std::uint64_t unit) {
    std::uint64_t whole = v / unit, rest = v % unit;
    std::string out = std::to_string(whole);
    if (rest) {
      std::string digits = fmt::format("{:0{}}", rest, unit == 1000000 ? 6 : 3);
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    return out;
  };
  if (u < 1000) return sign + std::to_string(u) + "µs";
  if (u < 1000000) return sign + frac(u, 1000) + "ms";
  const std::uint64_t h = u / 3600000000ULL;
  const std::uint64_t m = (u / 60000000ULL) % 60;
  const std::uint64_t s_us = u % 60000000ULL;
  std::string out = sign;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += frac(s_us, 1000000) + "s";
  return out;
}

std::string format_short_duration(Duration d) {
  std::string s = format_go_duration(d);
  // "1h0m0s" → "1h", "5m0s" → "5m", "1h5m0s" → "1h5m".
  auto strip = [&](std::string_view suffix) {
    if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        s[s.size() - suffix.size() - 1] >= 'a') {
      s.erase(s.size() - suffix.size());
      return true;
    }
    return false;
  };
  if (strip("0s")) strip("0m");
  return s;
}

std::string format_age(Duration age) {
  // k8s.io/apimachinery/pkg/util/duration/duration.go HumanDuration (v0.28).
  const std::int64_t us = age.count();
  if (us < -1000000) return "<invalid>";
  if (us < 0) return "0s";
  const std::int64_t secs = us / 1000000;
  if (secs < 60 * 2) return fmt::format("{}s", secs);
  const std::int64_t mins = secs / 60;
  if (mins < 10) {
    const std::int64_t s = secs % 60;
    return s == 0 ? fmt::format("{}m", mins) : fmt::format("{}m{}s", mins, s);
  }
  if (mins < 60 * 3) return fmt::format("{}m", mins);
  const std::int64_t hrs = secs / 3600;
  if (hrs < 8) {
    const std::int64_t m = mins % 60;
    return m == 0 ? fmt::format("{}h", hrs) : fmt::format("{}h{}m", hrs, m);
  }
  if (hrs < 48) return fmt::format("{}h", hrs);
  if (hrs < 24 * 8) {
    const std::int64_t h = hrs % 24;
    return h == 0 ? fmt::format("{}d", hrs / 24) : fmt::format("{}d{}h", hrs / 24, h);
  }
  if (hrs < 24 * 365 * 2) return fmt::format("{}d", hrs / 24);
  if (hrs < 24 * 365 * 8) {
    const std::int64_t dy = (hrs / 24) % 365;
    return dy == 0 ? fmt::format("{}y", hrs / 24 / 365)
                   : fmt::format("{}y{}d", hrs / 24 / 365, dy);
  }
  return fmt::format("{}y", hrs / 24 / 365);
}

namespace {
// Civil-from-days (proleptic Gregorian), so that no time zone or libc state is involved.
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace

std::string Epoch::rfc3339(SimTime t) const {
  const std::int64_t s = unix_seconds + floor_div(t.time_since_epoch().count(), 1000000);
  const std::int64_t days = floor_div(s, 86400);
  const std::int64_t rem = s - days * 86400;
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, (rem / 60) % 60,
                     rem % 60);
}

std::string Epoch::rfc3339_micro(SimTime t) const {
  std::string base = rfc3339(t);
  const std::int64_t us = t.time_since_epoch().count();
  const std::int64_t frac = us - floor_div(us, 1000000) * 1000000;
  base.pop_back();
  return fmt::format("{}.{:06}Z", base, frac);
}

std::string Epoch::clock(SimTime t) const {
  const std::int64_t us = t.time_since_epoch().count();
  const std::int64_t s = unix_seconds + floor_div(us, 1000000);
  const std::int64_t rem = s - floor_div(s, 86400) * 86400;
  const std::int64_t frac = us - floor_div(us, 1000000) * 1000000;
  std::string out = fmt::format("{:02}:{:02}:{:02}", rem / 3600, (rem / 60) % 60, rem % 60);
  if (frac) {
    std::string digits = fmt::format("{:06}", frac);
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::int64_t Epoch::unix_nanos(SimTime t) const {
  return unix_seconds * 1000000000LL + t.time_since_epoch().count() * 1000;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  int y, mo, d, h, mi, s;
  char z = 0;
  const std::string str(text);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z' || str.size() != 20)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 ||
      s < 0)
    return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
         h * 3600 + mi * 60 + s;
}

}  // namespace kcsim
