// include/kcsim/k8s/label_selector.hpp: metav1.LabelSelectorAsSelector(...).String() and
// FormatLabelSelector (k8s.io/apimachinery v0.32 pkg/apis/meta/v1/helpers.go, pkg/labels/selector.go).
#include "kcsim/k8s/label_selector.hpp"

#include <gtest/gtest.h>

namespace kcsim {
namespace {

using nlohmann::json;

TEST(LabelSelector, StringSortsRequirementsByKeyAndValues) {
  const json sel = json::parse(R"({
    "matchLabels": {"tier": "fe", "app": "web"},
    "matchExpressions": [
      {"key": "env", "operator": "In", "values": ["prod", "canary"]},
      {"key": "zone", "operator": "NotIn", "values": ["b", "a"]},
      {"key": "gpu", "operator": "Exists"},
      {"key": "legacy", "operator": "DoesNotExist"},
      {"key": "app", "operator": "Exists"}
    ]})");
  EXPECT_EQ(label_selector_string(sel), "app=web,app,env in (canary,prod),gpu,!legacy,tier=fe,zone notin (a,b)");
  EXPECT_EQ(format_label_selector(sel), "app=web,app,env in (canary,prod),gpu,!legacy,tier=fe,zone notin (a,b)");
  EXPECT_EQ(label_selector_string(json::parse(R"({"matchExpressions": [{"key": "k", "operator": "In", "values": ["v"]}]})")),
            "k in (v)");
  EXPECT_EQ(label_selector_string(json::parse(R"({"matchLabels": {"example.com/app": "", "a": "b"}})")), "a=b,example.com/app=");
}

TEST(LabelSelector, EmptyAndNil) {
  // Everything() and Nothing() both print "": FormatLabelSelector makes that "<none>".
  for (const char* s : {"{}", R"({"matchLabels": {}})", R"({"matchLabels": {}, "matchExpressions": []})", "null"}) {
    EXPECT_EQ(label_selector_string(json::parse(s)), "") << s;
    EXPECT_EQ(format_label_selector(json::parse(s)), "<none>") << s;
  }
}

TEST(LabelSelector, InvalidSelectorsAreErrors) {
  for (const char* s : {
           R"({"matchExpressions": [{"key": "k", "operator": "Equals", "values": ["v"]}]})",  // not a selector operator
           R"({"matchExpressions": [{"key": "k", "operator": "In", "values": []}]})",
           R"({"matchExpressions": [{"key": "k", "operator": "NotIn"}]})",
           R"({"matchExpressions": [{"key": "k", "operator": "Exists", "values": ["v"]}]})",
           R"({"matchLabels": {"app": 3}})",
           R"({"matchLabels": {"-app": "web"}})",          // a name starts with an alphanumeric
           R"({"matchLabels": {"app": "web!"}})",          // a value too
           R"({"matchLabels": {"Example.com/app": "x"}})",  // the prefix is a lowercase DNS subdomain
           R"({"matchLabels": {"a/b/c": "x"}})",
       }) {
    EXPECT_EQ(label_selector_string(json::parse(s)), std::nullopt) << s;
    EXPECT_EQ(format_label_selector(json::parse(s)), "<error>") << s;
  }
  EXPECT_EQ(label_selector_string(json{{"matchLabels", {{"app", std::string(64, 'a')}}}}), std::nullopt);
  EXPECT_EQ(label_selector_string(json{{"matchLabels", {{"app", std::string(63, 'a')}}}}), "app=" + std::string(63, 'a'));
}

TEST(LabelSelector, Matches) {
  const json sel = json::parse(R"({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]})");
  EXPECT_TRUE(selector_matches(sel, json{{"app", "web"}}));
  EXPECT_TRUE(selector_matches(sel, json{{"app", "web"}, {"env", "prod"}}));
  EXPECT_FALSE(selector_matches(sel, json{{"app", "web"}, {"env", "dev"}}));
  EXPECT_FALSE(selector_matches(sel, json()));
  EXPECT_TRUE(selector_matches(json::object(), json()));
}

}  // namespace
}  // namespace kcsim
