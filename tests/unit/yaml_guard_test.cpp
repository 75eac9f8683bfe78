// check_yaml_syntax (sim/k8s/yaml_guard.cpp): libyaml's verdict on the shapes that make yaml-cpp 0.7
// loop (issue #9), with document, line and column, and the valid YAML that must pass untouched.
#include <gtest/gtest.h>

#include <string>

#include "../../sim/k8s/yaml_guard.hpp"

namespace kcsim {
namespace {

struct Case {
  std::string text;
  int document, line, column;
  const char* problem;  // libyaml's problem text, inside "found a syntax error (...)"
};

void expect_finding(const Case& c) {
  const auto f = check_yaml_syntax(c.text);
  ASSERT_TRUE(f.has_value()) << c.text;
  EXPECT_EQ(f->document, c.document) << c.text;
  EXPECT_EQ(f->line, c.line) << c.text;
  EXPECT_EQ(f->column, c.column) << c.text;
  EXPECT_EQ(f->expected, "valid YAML") << c.text;
  EXPECT_EQ(f->found.rfind(std::string("a syntax error (") + c.problem, 0), 0u) << c.text << ": " << f->found;
}

// The minimized fuzzer findings of issue #9: each made `kcsim import` hang in yaml-cpp 0.7.
TEST(YamlGuard, CommaWhereADocumentRootIsExpectedIsFound) {
  const char* node = "did not find expected node content";
  const char* start = "did not find expected <document start>";
  for (const Case& c : {Case{",", 1, 1, 1, node}, Case{",\n", 1, 1, 1, node}, Case{" ,", 1, 1, 2, node},
                        Case{"---\n,\n", 1, 2, 1, node}, Case{"- a\n,\n", 1, 2, 1, "did not find expected '-' indicator"},
                        Case{"# c\n,", 1, 2, 1, node}, Case{"a: b\n---\n,", 2, 3, 1, node}, Case{", a: b", 1, 1, 1, node},
                        Case{"!tag ,", 1, 1, 6, start}, Case{"&x ,", 1, 1, 4, start}, Case{"--- ,", 1, 1, 5, node}})
    expect_finding(c);
}

// The shapes that gave yaml-cpp's own syntax error before the check: still errors, now libyaml's.
TEST(YamlGuard, CommaAfterABlockIndicatorIsFound) {
  const char* node = "did not find expected node content";
  for (const Case& c : {Case{"a: 1\n,", 1, 2, 1, "did not find expected key"}, Case{"a: ,", 1, 1, 4, node},
                        Case{"- ,", 1, 1, 3, node}, Case{"? ,", 1, 1, 3, node}})
    expect_finding(c);
}

// The shapes the textual guard (find_yaml_parser_trap, replaced by this check) rejected, at the
// same document, line and column as it did.
TEST(YamlGuard, RootFlowNodeOrQuotedScalarFollowedByACommaIsFound) {
  const char* start = "did not find expected <document start>";
  for (const Case& c : {Case{"{},", 1, 1, 3, start}, Case{"[1] , 2", 1, 1, 5, start}, Case{"'x',", 1, 1, 4, start},
                        Case{"\"x\\\"y\",", 1, 1, 7, start}, Case{"{} # comment\n,", 1, 2, 1, start},
                        Case{"a: 1\n---\n{b: [1, 2]}\n  ,", 2, 4, 3, start},
                        Case{"--- [a, '}', \"]\"],", 1, 1, 18, start}, Case{"%YAML 1.2\n---\n{}\n,", 1, 4, 1, start}})
    expect_finding(c);
}

TEST(YamlGuard, DocumentNumbersCountDocumentStarts) {
  expect_finding({"a: 1\n---\nb: 2\n---\n,", 3, 5, 1, "did not find expected node content"});
  // Text after an explicit end ("...") can only be the next document.
  expect_finding({"a: 1\n...\n,", 2, 3, 1, "did not find expected <document start>"});
  // A leading comment is not a document; a leading "---" with nothing under it is.
  expect_finding({"# c\n---\na: 1\n---\n,", 2, 5, 1, "did not find expected node content"});
  expect_finding({"---\n---\n,", 2, 3, 1, "did not find expected node content"});
}

// libyaml's reader reports invalid UTF-8 and control characters (which go-yaml rejects too) with a
// byte offset, ahead of the parser: the position and document are worked out from the offset.
TEST(YamlGuard, InvalidBytesAreFoundWithTheirDocumentLineAndColumn) {
  expect_finding({"a: 1\n---\nb: \xff\n", 2, 3, 4, "invalid leading UTF-8 octet: 0xFF"});
  expect_finding({"a: \xc3\xa9\x01", 1, 1, 5, "control characters are not allowed: 0x01"});
  expect_finding({"a: 1\n---\nb: \xc3\x41", 2, 3, 4, "invalid trailing UTF-8 octet: 0x41"});
  expect_finding({"\xef\xbb\xbf" "a: \x01", 1, 1, 4, "control characters are not allowed"});  // the BOM is no column
  expect_finding({"a: 1\r\nb: 2\r\nc: \xff", 1, 3, 4, "invalid leading UTF-8 octet"});
  // A syntax error before the invalid byte is the one reported (the fuzzer's files start so).
  expect_finding({",\na: \xff", 1, 1, 1, "did not find expected node content"});
}

TEST(YamlGuard, NestingBeyondYamlCppsLimitIsFound) {
  const std::string ok = std::string(kMaxYamlNesting, '[') + std::string(kMaxYamlNesting, ']');
  EXPECT_FALSE(check_yaml_syntax(ok).has_value());
  // Never closed, and far deeper: the check stops at the limit instead of growing libyaml's stacks.
  const auto f = check_yaml_syntax(std::string(1000000, '['));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->line, 1);
  EXPECT_EQ(f->column, kMaxYamlNesting + 1);
  EXPECT_EQ(f->expected, "YAML nested at most 480 levels deep");
}

TEST(YamlGuard, ValidYamlPasses) {
  for (const char* text : {"", "a: 1\n", "\"a\": 1,\n", "{a: 1}\n", "[1, 2]\n# c, d\n", "x, y\n",
                           "{a: [1, 2]}\n---\n{b: 'it''s'}\n", "a: |\n  {},\n", "{a: it's, b: 2}\n", "---\n",
                           "# only a comment\n", "a: 1\n---\nb: 2\n...\n", "%YAML 1.2\n---\na: 1\n",
                           "\xef\xbb\xbf" "a: \xc3\xa9\n", "a: &x {b: 1}\nc: *x\n<<: *x\n", "a: b\r\nc: d\r\n"})
    EXPECT_FALSE(check_yaml_syntax(text).has_value()) << text;
}

// Invalid YAML that the textual guard left to yaml-cpp is now libyaml's to report.
TEST(YamlGuard, OtherSyntaxErrorsAreFound) {
  for (const Case& c : {Case{"a: {b: 1},\n", 1, 1, 10, "did not find expected key"},
                        Case{"- [1],\n", 1, 1, 6, "did not find expected '-' indicator"},
                        Case{"{never closed,\n", 1, 2, 1, "did not find expected node content"},
                        Case{"'open", 1, 1, 6, "found unexpected end of stream"}})
    expect_finding(c);
}

}  // namespace
}  // namespace kcsim
