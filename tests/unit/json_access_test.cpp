// include/kcsim/k8s/json_access.hpp: the one int_at (and maybe_int_at, its optional form).
#include "kcsim/k8s/json_access.hpp"

#include <gtest/gtest.h>

namespace kcsim {
namespace {

using nlohmann::json;

TEST(JsonAccess, IntAtTakesIntegersOnly) {
  const json o = json::parse(R"({"spec": {"replicas": 3, "quoted": "3", "fraction": 2.5, "list": [1]}, "status": 7})");
  EXPECT_EQ(int_at(o, {"spec", "replicas"}, -1), 3);
  EXPECT_EQ(int_at(o, {"spec", "quoted"}, -1), -1);    // a string is not an integer
  EXPECT_EQ(int_at(o, {"spec", "fraction"}, -1), -1);  // nor is a fraction
  EXPECT_EQ(int_at(o, {"spec", "list"}, -1), -1);
  EXPECT_EQ(int_at(o, {"spec", "missing"}, -1), -1);
  EXPECT_EQ(int_at(o, {"status", "replicas"}, -1), -1);  // a step that is not an object
  EXPECT_EQ(maybe_int_at(o, {"spec", "replicas"}), 3);
  EXPECT_EQ(maybe_int_at(o, {"spec", "quoted"}), std::nullopt);
  EXPECT_EQ(maybe_int_at(o, {"spec", "missing"}), std::nullopt);
  EXPECT_EQ(maybe_int_at(json::parse(R"({"n": 0})"), {"n"}), 0);  // zero is a value, not absence
}

}  // namespace
}  // namespace kcsim
