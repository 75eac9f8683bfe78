// Argo CD's repository URL comparison (include/kcsim/k8s/git_url.hpp). NormalizeGitURL parses
// with Go's net/url; this file implements the part of Go 1.23 net/url (url.go: Parse, getScheme,
// parseAuthority, parseHost, validOptionalPort, validUserinfo, unescape, escape, shouldEscape,
// validEncoded, URL.String, URL.EscapedPath, URL.EscapedFragment) that a repository URL meets:
// scheme, userinfo, host and port, path, query and fragment, with Go's errors (a control
// character, a missing scheme before ":", a colon in the first segment of a relative path, a
// port that is not a number, a bad %-escape, a userinfo character Go refuses). IPv6 zone
// identifiers are not checked.
#include "kcsim/k8s/git_url.hpp"

#include <cctype>
#include <optional>

namespace kcsim {
namespace {

enum class Mode { kPath, kHost, kUserPassword, kQueryComponent, kFragment };

bool is_alnum(unsigned char c) { return std::isalnum(c) != 0; }

// net/url shouldEscape.
bool should_escape(unsigned char c, Mode mode) {
  if (is_alnum(c)) return false;
  if (mode == Mode::kHost) {
    switch (c) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
      case '=': case ':': case '[': case ']': case '<': case '>': case '"':
        return false;
      default: break;
    }
  }
  switch (c) {
    case '-': case '_': case '.': case '~': return false;
    case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=': case '?': case '@':
      switch (mode) {
        case Mode::kPath: return c == '?';
        case Mode::kUserPassword: return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::kQueryComponent: return true;
        case Mode::kFragment: return false;
        case Mode::kHost: break;
      }
      break;
    default: break;
  }
  if (mode == Mode::kFragment && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
  return true;
}

int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// net/url unescape: nullopt on a bad escape (or, in a host, a character Go refuses).
std::optional<std::string> unescape(const std::string& s, Mode mode) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0) return std::nullopt;
      // A host may only escape bytes >= 0x80 (and "%25" in a zone).
      if (mode == Mode::kHost && unhex(s[i + 1]) < 8 && s.compare(i, 3, "%25") != 0) return std::nullopt;
      out += static_cast<char>(unhex(s[i + 1]) * 16 + unhex(s[i + 2]));
      i += 2;
    } else if (c == '+' && mode == Mode::kQueryComponent) {
      out += ' ';
    } else {
      if (mode == Mode::kHost && static_cast<unsigned char>(c) < 0x80 && should_escape(static_cast<unsigned char>(c), mode))
        return std::nullopt;
      out += c;
    }
  }
  return out;
}

std::string escape(const std::string& s, Mode mode) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' && mode == Mode::kQueryComponent) out += '+';
    else if (should_escape(c, mode)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

// net/url validEncoded.
bool valid_encoded(const std::string& s, Mode mode) {
  for (char ch : s) {
    switch (ch) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
      case '=': case ':': case '@': case '[': case ']': case '%':
        break;
      default:
        if (should_escape(static_cast<unsigned char>(ch), mode)) return false;
    }
  }
  return true;
}

// URL.EscapedPath / EscapedFragment: the raw form when it is a valid encoding of the decoded one.
std::string escaped(const std::string& raw, const std::string& decoded, Mode mode) {
  if (!raw.empty() && valid_encoded(raw, mode)) {
    if (auto d = unescape(raw, mode); d && *d == decoded) return raw;
  }
  if (mode == Mode::kPath && decoded == "*") return "*";
  return escape(decoded, mode);
}

bool valid_userinfo(const std::string& s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_alnum(c)) continue;
    switch (c) {
      case '-': case '.': case '_': case ':': case '~': case '!': case '$': case '&': case '\'': case '(': case ')':
      case '*': case '+': case ',': case ';': case '=': case '%': case '@':
        continue;
      default:
        if (c >= 0x80) continue;  // validUserinfo works on runes: non-ASCII passes
        return false;
    }
  }
  return true;
}

bool valid_optional_port(const std::string& port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (std::size_t i = 1; i < port.size(); ++i)
    if (port[i] < '0' || port[i] > '9') return false;
  return true;
}

struct Url {
  std::string scheme, opaque, username, password, host, path, raw_path, raw_query, fragment, raw_fragment;
  bool has_user = false, has_password = false, omit_host = false, force_query = false;
};

std::optional<std::string> parse_host(const std::string& host) {
  if (!host.empty() && host[0] == '[') {
    const std::size_t close = host.rfind(']');
    if (close == std::string::npos) return std::nullopt;
    if (!valid_optional_port(host.substr(close + 1))) return std::nullopt;
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string::npos) {
    if (!valid_optional_port(host.substr(colon))) return std::nullopt;
  }
  return unescape(host, Mode::kHost);
}

bool parse_authority(const std::string& authority, Url& u) {
  const std::size_t at = authority.rfind('@');
  const auto host = parse_host(at == std::string::npos ? authority : authority.substr(at + 1));
  if (!host) return false;
  u.host = *host;
  if (at == std::string::npos) return true;
  const std::string userinfo = authority.substr(0, at);
  if (!valid_userinfo(userinfo)) return false;
  u.has_user = true;
  const std::size_t colon = userinfo.find(':');
  const auto user = unescape(userinfo.substr(0, colon), Mode::kUserPassword);
  if (!user) return false;
  u.username = *user;
  if (colon != std::string::npos) {
    const auto pass = unescape(userinfo.substr(colon + 1), Mode::kUserPassword);
    if (!pass) return false;
    u.has_password = true;
    u.password = *pass;
  }
  return true;
}

// net/url Parse (viaRequest false).
std::optional<Url> parse_url(const std::string& raw_url) {
  for (char c : raw_url)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;  // stringContainsCTLByte
  Url u;
  const std::size_t hash = raw_url.find('#');
  std::string rest = raw_url.substr(0, hash);
  if (rest == "*") {
    u.path = "*";
  } else {
    // getScheme
    std::size_t i = 0;
    for (; i < rest.size(); ++i) {
      const auto c = static_cast<unsigned char>(rest[i]);
      if (std::isalpha(c)) continue;
      if (std::isdigit(c) || c == '+' || c == '-' || c == '.') {
        if (i == 0) break;
        continue;
      }
      if (c == ':') {
        if (i == 0) return std::nullopt;  // missing protocol scheme
        u.scheme = rest.substr(0, i);
        for (char& s : u.scheme) s = static_cast<char>(std::tolower(static_cast<unsigned char>(s)));
        rest = rest.substr(i + 1);
      }
      break;
    }
    if (!rest.empty() && rest.back() == '?' && rest.find('?') == rest.size() - 1) {
      u.force_query = true;
      rest.pop_back();
    } else if (const std::size_t q = rest.find('?'); q != std::string::npos) {
      u.raw_query = rest.substr(q + 1);
      rest.resize(q);
    }
    bool done = false;
    if (rest.empty() || rest[0] != '/') {
      if (!u.scheme.empty()) {
        u.opaque = rest;  // "mailto:x": no path to parse
        done = true;
      } else if (rest.substr(0, rest.find('/')).find(':') != std::string::npos) {
        return std::nullopt;  // first path segment in URL cannot contain colon
      }
    }
    if (!done) {
      if ((!u.scheme.empty() || rest.rfind("///", 0) != 0) && rest.rfind("//", 0) == 0) {
        std::string authority = rest.substr(2);
        rest.clear();
        if (const std::size_t slash = authority.find('/'); slash != std::string::npos) {
          rest = authority.substr(slash);
          authority.resize(slash);
        }
        if (!parse_authority(authority, u)) return std::nullopt;
      } else if (!u.scheme.empty() && !rest.empty() && rest[0] == '/') {
        u.omit_host = true;
      }
      // setPath
      const auto path = unescape(rest, Mode::kPath);
      if (!path) return std::nullopt;
      u.path = *path;
      u.raw_path = escape(*path, Mode::kPath) == rest ? "" : rest;
    }
  }
  if (hash != std::string::npos) {
    const std::string frag = raw_url.substr(hash + 1);
    const auto f = unescape(frag, Mode::kFragment);
    if (!f) return std::nullopt;
    u.fragment = *f;
    u.raw_fragment = escape(*f, Mode::kFragment) == frag ? "" : frag;
  }
  return u;
}

// URL.String.
std::string to_string(const Url& u) {
  std::string out;
  if (!u.scheme.empty()) out += u.scheme + ":";
  if (!u.opaque.empty()) {
    out += u.opaque;
  } else {
    if (!u.scheme.empty() || !u.host.empty() || u.has_user) {
      if (!(u.omit_host && u.host.empty() && !u.has_user)) {
        if (!u.host.empty() || !u.path.empty() || u.has_user) out += "//";
        if (u.has_user) {
          out += escape(u.username, Mode::kUserPassword);
          if (u.has_password) out += ":" + escape(u.password, Mode::kUserPassword);
          out += "@";
        }
        if (!u.host.empty()) out += escape(u.host, Mode::kHost);
      }
    }
    const std::string path = escaped(u.raw_path, u.path, Mode::kPath);
    if (!path.empty() && path[0] != '/' && !u.host.empty()) out += "/";
    if (out.empty() && path.substr(0, path.find('/')).find(':') != std::string::npos) out += "./";
    out += path;
  }
  if (u.force_query || !u.raw_query.empty()) out += "?" + u.raw_query;
  if (!u.fragment.empty())
    out += "#" + escaped(u.raw_fragment, u.fragment, Mode::kFragment);
  return out;
}

// util/git IsSSHURL: ^(ssh://)?([^/:]*?)@[^@]+$ — the user is everything before the last "@",
// without "/" or ":", and something follows it.
bool is_ssh_url(const std::string& url) {
  auto matches = [](const std::string& s) {
    const std::size_t at = s.rfind('@');
    if (at == std::string::npos || at + 1 >= s.size()) return false;
    return s.find_first_of("/:") >= at;
  };
  if (url.rfind("ssh://", 0) == 0 && matches(url.substr(6))) return true;
  return matches(url);
}

bool is_go_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

}  // namespace

std::string normalize_git_url(const std::string& url) {
  std::size_t b = 0, e = url.size();
  while (b < e && is_go_space(url[b])) ++b;
  while (e > b && is_go_space(url[e - 1])) --e;
  std::string repo = url.substr(b, e - b);
  for (char& c : repo) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (is_ssh_url(repo) && repo.rfind("ssh://", 0) != 0) {
    // git@host:org/repo: the first ":" becomes "/" so that url.Parse does not read a port.
    if (const std::size_t colon = repo.find(':'); colon != std::string::npos) repo[colon] = '/';
    repo = "ssh://" + repo;
  }
  if (repo.size() >= 4 && repo.compare(repo.size() - 4, 4, ".git") == 0) repo.resize(repo.size() - 4);
  const auto parsed = parse_url(repo);
  if (!parsed) return "";
  std::string normalized = to_string(*parsed);
  if (normalized.rfind("ssh://", 0) == 0) normalized.erase(0, 6);
  return normalized;
}

std::string normalize_git_url_allow_invalid(const std::string& url) {
  std::string n = normalize_git_url(url);
  return n.empty() ? url : n;
}

bool same_git_url(const std::string& a, const std::string& b) {
  const std::string na = normalize_git_url_allow_invalid(a), nb = normalize_git_url_allow_invalid(b);
  return !na.empty() && !nb.empty() && na == nb;
}

}  // namespace kcsim
