#include "kcsim/apiserver/scenario_spec.hpp"

#include <algorithm>
#include <vector>

#include "kcsim/core/input_error.hpp"

namespace kcsim {

// Today's releases (docs/fidelity.md, Version profiles: Kubernetes 1.32 event texts, KEDA 2.18 push
// handling, HTTP add-on 0.10 timeouts, ArgoCD 3.3 self-heal backoff without the cooldown reset).
Versions::Versions()
    : v_{{"kubernetes", "1.32.0"}, {"keda", "2.18.0"}, {"http-add-on", "0.10.0"}, {"argocd", "3.3.0"}} {}

const std::string& Versions::get(const std::string& component) const {
  static const std::string empty;
  auto it = v_.find(component);
  return it == v_.end() ? empty : it->second;
}

int compare_versions(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& s) {
    std::vector<long> out;
    std::size_t i = (!s.empty() && (s[0] == 'v' || s[0] == 'V')) ? 1 : 0;
    while (i < s.size()) {
      long n = 0;
      bool any = false;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        n = n * 10 + (s[i] - '0');
        ++i;
        any = true;
      }
      if (!any) break;  // pre-release suffixes ("-rc1") are ignored
      out.push_back(n);
      if (i < s.size() && s[i] == '.') ++i;
      else break;
    }
    return out;
  };
  auto pa = parts(a), pb = parts(b);
  const std::size_t n = std::max(pa.size(), pb.size());
  pa.resize(n, 0);
  pb.resize(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (pa[i] != pb[i]) return pa[i] < pb[i] ? -1 : 1;
  return 0;
}

bool Versions::at_least(const std::string& component, const std::string& version) const {
  return compare_versions(get(component), version) >= 0;
}

Duration read_duration(const json& value, const std::string& file, const std::string& pointer) {
  if (value.is_number_integer() || value.is_number_unsigned()) {
    const auto n = value.get<std::int64_t>();
    if (n < 0) throw InputError(file, pointer, "expected a non-negative duration", describe_found(value));
    if (n > 100LL * 365 * 24 * 3600)
      throw InputError(file, pointer, "expected a duration of at most 100 years", describe_found(value));
    return seconds(n);
  }
  if (!value.is_string())
    throw InputError(file, pointer,
                     "expected a duration (a Go duration string such as \"5m30s\", or seconds)",
                     describe_found(value));
  std::string error;
  auto d = parse_duration(value.get<std::string>(), &error);
  if (!d) throw InputError(file, pointer, "expected a duration: " + error, describe_found(value));
  if (d->count() < 0)
    throw InputError(file, pointer, "expected a non-negative duration", describe_found(value));
  if (*d > hours(100LL * 365 * 24))
    throw InputError(file, pointer, "expected a duration of at most 100 years", describe_found(value));
  return *d;
}

}  // namespace kcsim
