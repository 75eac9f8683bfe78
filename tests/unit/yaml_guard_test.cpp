// find_yaml_parser_trap (sim/yaml_guard.cpp): the shapes that make yaml-cpp 0.7 loop, and the
// valid YAML around them that must pass untouched.
#include <gtest/gtest.h>

#include "../../sim/yaml_guard.hpp"

namespace kcsim {
namespace {

TEST(YamlGuard, RootFlowNodeOrQuotedScalarFollowedByACommaIsFound) {
  struct Case {
    const char* text;
    int document, line, column;
  };
  for (const Case& c : {Case{"{},", 1, 1, 3}, Case{"[1] , 2", 1, 1, 5}, Case{"'x',", 1, 1, 4}, Case{"\"x\\\"y\",", 1, 1, 7},
                        Case{"{} # comment\n,", 1, 2, 1}, Case{"a: 1\n---\n{b: [1, 2]}\n  ,", 2, 4, 3},
                        Case{"--- [a, '}', \"]\"],", 1, 1, 18}, Case{"%YAML 1.2\n---\n{}\n,", 1, 4, 1}}) {
    const auto f = find_yaml_parser_trap(c.text);
    ASSERT_TRUE(f.has_value()) << c.text;
    EXPECT_EQ(f->document, c.document) << c.text;
    EXPECT_EQ(f->line, c.line) << c.text;
    EXPECT_EQ(f->column, c.column) << c.text;
    EXPECT_EQ(f->found, "','");
  }
}

TEST(YamlGuard, ValidYamlAndOtherErrorsAreLeftToTheParser) {
  for (const char* text : {"", "a: 1\n", "\"a\": 1,\n", "{a: 1}\n", "[1, 2]\n# c, d\n", "x, y\n", "a: {b: 1},\n",
                           "- [1],\n", "{a: [1, 2]}\n---\n{b: 'it''s'}\n", "{never closed,\n", "'open", "a: |\n  {},\n",
                           "{a: it's, b: 2}\n"})
    EXPECT_FALSE(find_yaml_parser_trap(text).has_value()) << text;
}

}  // namespace
}  // namespace kcsim
