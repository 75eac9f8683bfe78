// include/kcsim/k8s/git_url.hpp: Argo CD's repository URL comparison. The pairs of
// TestSameURL are upstream's own (argo-cd v3 util/git/git_test.go TestSameURL; the same table
// was TestNormalizeUrl in earlier releases); the SSH detection cases come from TestIsSSHURL.
#include "kcsim/k8s/git_url.hpp"

#include <gtest/gtest.h>

namespace kcsim {
namespace {

TEST(GitUrl, SameURLUpstreamCases) {
  const std::pair<const char*, const char*> cases[] = {
      {"git@GITHUB.com:argoproj/test", "git@github.com:argoproj/test.git"},
      {"git@GITHUB.com:argoproj/test.git", "git@github.com:argoproj/test.git"},
      {"git@GITHUB.com:test", "git@github.com:test.git"},
      {"git@GITHUB.com:test.git", "git@github.com:test.git"},
      {"https://GITHUB.com/argoproj/test", "https://github.com/argoproj/test.git"},
      {"https://GITHUB.com/argoproj/test.git", "https://github.com/argoproj/test.git"},
      {"https://github.com/FOO", "https://github.com/foo"},
      {"https://github.com/TEST", "https://github.com/TEST.git"},
      {"https://github.com/TEST.git", "https://github.com/TEST.git"},
      {"https://github.com:4443/TEST", "https://github.com:4443/TEST.git"},
      {"https://github.com:4443/TEST.git", "https://github.com:4443/TEST"},
      {"ssh://git@GITHUB.com/argoproj/test", "git@github.com:argoproj/test.git"},
      {"ssh://git@GITHUB.com/argoproj/test.git", "git@github.com:argoproj/test.git"},
      {"ssh://git@GITHUB.com/test.git", "git@github.com:test.git"},
      {"ssh://git@github.com/test", "git@github.com:test.git"},
      {" https://github.com/argoproj/test ", "https://github.com/argoproj/test.git"},
      {"\thttps://github.com/argoproj/test\n", "https://github.com/argoproj/test.git"},
      {"https://1234.visualstudio.com/myproj/_git/myrepo", "https://1234.visualstudio.com/myproj/_git/myrepo"},
      {"https://dev.azure.com/1234/myproj/_git/myrepo", "https://dev.azure.com/1234/myproj/_git/myrepo"},
  };
  for (const auto& [a, b] : cases) {
    EXPECT_TRUE(same_git_url(a, b)) << a << " vs " << b;
    EXPECT_TRUE(same_git_url(b, a)) << b << " vs " << a;
  }
}

TEST(GitUrl, NormalForms) {
  EXPECT_EQ(normalize_git_url("https://GitHub.com/Org/Repo.git"), "https://github.com/org/repo");
  EXPECT_EQ(normalize_git_url("git@github.com:org/repo.git"), "git@github.com/org/repo");
  EXPECT_EQ(normalize_git_url("ssh://git@github.com/org/repo"), "git@github.com/org/repo");
  // TestIsSSHURL: "git://" is not SSH; a user may hold "@" (john@doe.org@server).
  EXPECT_EQ(normalize_git_url("git://github.com/argoproj/test.git"), "git://github.com/argoproj/test");
  // (url.Userinfo.String escapes the "@" inside the user name.)
  EXPECT_EQ(normalize_git_url("john@doe.org@john-server.org:project"), "john%40doe.org@john-server.org/project");
  // An SSH URL with "ssh://" keeps its first ":", which url.Parse then reads as a port that is not
  // a number: NormalizeGitURL fails ("") and the AllowInvalid form keeps the URL as given.
  EXPECT_EQ(normalize_git_url("ssh://git@GITHUB.com:argoproj/test"), "");
  EXPECT_EQ(normalize_git_url_allow_invalid("ssh://git@GITHUB.com:argoproj/test"), "ssh://git@GITHUB.com:argoproj/test");
  // Only one ".git" goes, and a trailing "/" stays.
  EXPECT_EQ(normalize_git_url("https://h/r.git.git"), "https://h/r.git");
  EXPECT_EQ(normalize_git_url("https://h/r/"), "https://h/r/");
  // url.String() re-escapes what Parse decoded.
  EXPECT_EQ(normalize_git_url("https://h/a b"), "https://h/a%20b");
  EXPECT_EQ(normalize_git_url("https://h/a%41"), "https://h/a%41");
  // Parse errors: a colon in a first relative segment, a missing scheme, a bad escape.
  EXPECT_EQ(normalize_git_url("a:b/c"), "a:b/c");  // "a" is a scheme here: opaque "b/c"
  EXPECT_EQ(normalize_git_url(":foo"), "");
  EXPECT_EQ(normalize_git_url("https://h/%zz"), "");
  EXPECT_EQ(normalize_git_url("https://h:port/r"), "");
}

TEST(GitUrl, DifferentURLs) {
  // Facts of the rule above (not upstream's table): SameURL does not equate HTTPS with SSH, a
  // trailing slash, another port, or an empty URL.
  EXPECT_FALSE(same_git_url("https://github.com/org/repo", "git@github.com:org/repo"));
  EXPECT_FALSE(same_git_url("https://github.com/org/repo", "https://github.com/org/repo/"));
  EXPECT_FALSE(same_git_url("https://github.com:4443/org/repo", "https://github.com/org/repo"));
  EXPECT_FALSE(same_git_url("", ""));
  EXPECT_FALSE(same_git_url("https://github.com/org/a", "https://github.com/org/b"));
}

}  // namespace
}  // namespace kcsim
