// Git repository URLs compared as Argo CD compares them: argo-cd v3 util/git/git.go
// NormalizeGitURL, NormalizeGitURLAllowInvalid and SameURL (the same in v2.14–v3.3). kcsim's Git
// model finds a repository by it, ArgoCD matches Applications to a pushed repository by it, and
// the ownership graph matches Application sources to Git files by it.
//
// NormalizeGitURL lowercases and trims the URL; turns an scp-like SSH URL ("git@host:org/repo",
// util/git IsSSHURL) into "ssh://git@host/org/repo"; drops one ".git" suffix; parses the result
// with Go's net/url.Parse and prints it back with URL.String(); and drops a leading "ssh://". So
// "https://host/org/repo.git" equals "https://HOST/org/repo" and "git@host:org/repo" equals
// "ssh://git@host/org/repo", but "https://host/org/repo" does not equal "git@host:org/repo", nor
// "https://host/org/repo/" (a trailing slash stays).
#pragma once

#include <string>

namespace kcsim {

/// NormalizeGitURL: the comparison form of a repository URL, or "" when Go's url.Parse refuses it.
std::string normalize_git_url(const std::string& url);

/// NormalizeGitURLAllowInvalid: normalize_git_url, or the URL unchanged when it does not parse.
std::string normalize_git_url_allow_invalid(const std::string& url);

/// SameURL: both normalise (allowing invalid ones) to the same non-empty string.
bool same_git_url(const std::string& a, const std::string& b);

}  // namespace kcsim
