// include/kcsim/k8s/go_omitempty.hpp: encoding/json's omitempty ("false, 0, a nil pointer, a nil
// interface value, and any array, slice, map, or string of length zero").
#include "kcsim/k8s/go_omitempty.hpp"

#include <gtest/gtest.h>

namespace kcsim {
namespace {

using nlohmann::json;

TEST(GoOmitempty, EmptyValues) {
  for (const char* empty : {"null", "false", "0", "0.0", "-0.0", "\"\"", "[]", "{}"})
    EXPECT_TRUE(is_go_empty(json::parse(empty))) << empty;
  for (const char* set : {"true", "1", "-1", "0.5", "\" \"", "\"0\"", "\"false\"", "[0]", "[null]", "{\"a\": null}"})
    EXPECT_FALSE(is_go_empty(json::parse(set))) << set;
}

TEST(GoOmitempty, DropsEmptyFieldsAtEveryDepth) {
  const json in = json::parse(R"({
    "f": false, "z": 0, "s": "", "n": null, "a": [], "m": {},
    "t": true, "one": 1, "text": "x",
    "nested": {"f": false, "keep": "y"},
    "emptied": {"f": false, "s": ""},
    "list": [0, false, "", null, {}, {"f": false, "k": 1}]
  })");
  const json want = json::parse(R"({
    "t": true, "one": 1, "text": "x",
    "nested": {"keep": "y"},
    "emptied": {},
    "list": [0, false, "", null, {}, {"k": 1}]
  })");
  // A non-empty object is a struct or a non-nil pointer: kept even when its fields all go.
  // omitempty applies to fields: array elements stay.
  EXPECT_EQ(drop_go_empty_fields(in), want);
  EXPECT_EQ(drop_go_empty_fields(json::parse("{}")), json::object());
  EXPECT_EQ(drop_go_empty_fields(json(3)), json(3));
}

}  // namespace
}  // namespace kcsim
