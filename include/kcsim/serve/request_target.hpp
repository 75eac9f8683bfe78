// The request target of an HTTP request to `kcsim serve` ("/api/v1/namespaces/prod/pods?watch=1"):
// its path segments and query parameters, unescaped as Go's net/url does for the API server.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kcsim {

struct Target {
  std::vector<std::string> segments;          // the path's non-empty segments, unescaped
  std::map<std::string, std::string> query;   // the first value of each parameter
};

/// Splits and unescapes: %XX in the path; %XX and '+' (a space) in the query (url.QueryUnescape).
Target parse_target(std::string_view target);

/// The parameter's value, "" when absent.
std::string param(const Target& t, const std::string& key);

/// Go's strconv.ParseBool true values, as the API server reads boolean query parameters.
bool param_true(const Target& t, const std::string& key);

}  // namespace kcsim
