// The credential of `kcsim serve` (include/kcsim/serve/bearer_token.hpp).
#include "kcsim/serve/bearer_token.hpp"

#include <array>
#include <cstdint>
#include <fstream>
#include <random>

#include <fmt/format.h>


namespace kcsim {

std::string random_bearer_token() {
  // A security token, not simulation randomness: it must be unpredictable, so it comes from the
  // operating system and is deliberately not reproducible. It only decides who may talk to the
  // server, never anything the simulation computes.
  std::array<unsigned char, 32> bytes{};
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom || !urandom.read(reinterpret_cast<char*>(bytes.data()), bytes.size())) {
    std::random_device device;
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(device() & 0xFF);
  }
  std::string token;
  for (const unsigned char b : bytes) token += fmt::format("{:02x}", b);
  return token;
}

std::optional<std::string> bearer_token_problem(const std::string& token) {
  if (token.empty()) return "--token needs a token (letters, digits, - . _ ~ + /)";
  // RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  std::size_t end = token.size();
  while (end > 0 && token[end - 1] == '=') --end;
  if (end == 0) return fmt::format("--token {} is not a bearer token: it needs a letter or digit before any '='", token);
  for (std::size_t i = 0; i < end; ++i) {
    const char c = token[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok)
      return fmt::format("--token is not a bearer token: character {} ({:?}) is not one of the letters, digits, - . _ ~ + / "
                         "an Authorization header carries (RFC 6750), expected before any trailing '='",
                         i + 1, std::string(1, c));
  }
  return std::nullopt;
}

bool bearer_token_matches(const std::string& authorization, const std::string& token) {
  // bearertoken.go: strings.TrimSpace, then strings.SplitN(auth, " ", 3); the scheme compared
  // case-insensitively; the second part is the token.
  std::size_t begin = authorization.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos || token.empty()) return false;
  const std::size_t end = authorization.find_last_not_of(" \t\r\n") + 1;
  const std::string auth = authorization.substr(begin, end - begin);
  const std::size_t space = auth.find(' ');
  if (space == std::string::npos) return false;
  std::string scheme = auth.substr(0, space);
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme != "bearer") return false;
  const std::size_t next = auth.find(' ', space + 1);
  const std::string given = auth.substr(space + 1, next == std::string::npos ? std::string::npos : next - space - 1);
  // Every byte compared whatever the first difference: the answer's timing says nothing of how
  // much of a guess was right.
  unsigned char diff = given.size() == token.size() ? 0 : 1;
  for (std::size_t i = 0; i < token.size(); ++i)
    diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
  return diff == 0;
}

ApiResponse unauthorized_response() {
  // In kube-apiserver's field order (the body it sends, byte for byte).
  return {401, "application/json",
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})"};
}

}  // namespace kcsim
