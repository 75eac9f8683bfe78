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

#include "kcsim/k8s/controller_ref.hpp"
#include "kcsim/k8s/pod_ready.hpp"

namespace kcsim {
namespace {

TEST(ControllerRef, GetControllerOf) {
  const json rs = json::parse(R"({"metadata": {"ownerReferences": [
      {"kind": "Foo", "name": "a"}, {"kind": "Bar", "name": "b", "controller": "yes"},
      {"kind": "Deployment", "name": "web", "controller": true}]}})");
  ASSERT_NE(controller_of(rs), nullptr);
  EXPECT_EQ((*controller_of(rs))["name"], "web");
  EXPECT_EQ(controller_of(json::parse(R"({"metadata": {"ownerReferences": [{"kind": "D", "controller": false}]}})")), nullptr);
  EXPECT_EQ(controller_of(json::parse(R"({"metadata": {}})")), nullptr);
}

TEST(PodReady, FirstReadyConditionDecides) {
  EXPECT_TRUE(is_pod_ready(json::parse(R"({"status": {"conditions": [{"type": "Ready", "status": "True"}]}})")));
  EXPECT_FALSE(is_pod_ready(json::parse(R"({"status": {"conditions": [{"type": "Ready", "status": "False"}]}})")));
  EXPECT_FALSE(is_pod_ready(json::parse(R"({"status": {"conditions": [{"type": "Ready", "status": "False"},
                                                                         {"type": "Ready", "status": "True"}]}})")));
  EXPECT_FALSE(is_pod_ready(json::parse(R"({"status": {}})")));
}

}  // namespace
}  // namespace kcsim
