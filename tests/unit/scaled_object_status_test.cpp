// models/keda/scaled_object_status.hpp: the typed status of a ScaledObject the KEDA operator model
// reads (kedacore/keda apis/keda/v1alpha1/scaledobject_types.go ScaledObjectStatus, HealthStatus;
// condition_types.go Conditions), parsed with decode.hpp's loose rules: absent or wrongly typed
// members read as their zero values, and the presences the operator tests are kept.
#include <gtest/gtest.h>

#include "../../models/keda/scaled_object_status.hpp"

namespace kcsim::kedav1alpha1 {
namespace {

using nlohmann::json;

ScaledObjectStatus parse(const char* text) { return parse_scaled_object_status(json::parse(text)); }

TEST(ScaledObjectStatusView, AnObjectWithoutStatusReadsAsEmpty) {
  for (const char* text : {R"({"kind": "ScaledObject"})", R"({"status": null})", R"({"status": [1]})", "[]"}) {
    const ScaledObjectStatus s = parse(text);
    EXPECT_FALSE(s.original_replica_count.present) << text;
    EXPECT_FALSE(s.original_replica_count.value) << text;
    EXPECT_FALSE(s.last_active_time) << text;
    EXPECT_FALSE(s.conditions) << text;
    EXPECT_TRUE(s.health.empty()) << text;
    EXPECT_TRUE(s.external_metric_names.empty()) << text;
    EXPECT_EQ(s.hpa_name, "") << text;
    EXPECT_FALSE(s.paused_replica_count) << text;
  }
}

TEST(ScaledObjectStatusView, OriginalReplicaCountTellsAbsentFromZero) {
  EXPECT_FALSE(parse(R"({"status": {}})").original_replica_count.present);
  const ScaledObjectStatus zero = parse(R"({"status": {"originalReplicaCount": 0}})");
  EXPECT_TRUE(zero.original_replica_count.present);
  ASSERT_TRUE(zero.original_replica_count.value);
  EXPECT_EQ(*zero.original_replica_count.value, 0);
  EXPECT_EQ(*parse(R"({"status": {"originalReplicaCount": 3}})").original_replica_count.value, 3);
}

TEST(ScaledObjectStatusView, OriginalReplicaCountOfAnotherTypeIsPresentWithoutAValue) {
  // The reconcile leaves a stored originalReplicaCount alone whatever it holds; the finalizer
  // restores only an integer.
  for (const char* text : {R"({"status": {"originalReplicaCount": "3"}})", R"({"status": {"originalReplicaCount": 2.5}})",
                           R"({"status": {"originalReplicaCount": null}})"}) {
    const ScaledObjectStatus s = parse(text);
    EXPECT_TRUE(s.original_replica_count.present) << text;
    EXPECT_FALSE(s.original_replica_count.value) << text;
  }
}

TEST(ScaledObjectStatusView, MembersOfTheWrongTypeReadAsZeroValues) {
  const ScaledObjectStatus s = parse(R"({"status": {"lastActiveTime": 17, "hpaName": ["x"],
      "externalMetricNames": "s0-a", "conditions": {"type": "Ready"}, "health": ["s0-a"],
      "pausedReplicaCount": "2", "scaleTargetKind": false}})");
  EXPECT_FALSE(s.last_active_time);
  EXPECT_EQ(s.hpa_name, "");
  EXPECT_TRUE(s.external_metric_names.empty());
  EXPECT_FALSE(s.conditions);
  EXPECT_TRUE(s.health.empty());
  EXPECT_FALSE(s.paused_replica_count);
  EXPECT_EQ(s.scale_target_kind, "");
}

TEST(ScaledObjectStatusView, ScalarMembersAreRead) {
  const ScaledObjectStatus s = parse(R"({"status": {"lastActiveTime": "2026-01-01T00:10:00Z",
      "hpaName": "keda-hpa-web", "externalMetricNames": ["s0-queue", 4, "s1-http"], "pausedReplicaCount": 2,
      "scaleTargetKind": "apps/v1.Deployment"}})");
  EXPECT_EQ(s.last_active_time, "2026-01-01T00:10:00Z");
  EXPECT_EQ(s.hpa_name, "keda-hpa-web");
  EXPECT_EQ(s.external_metric_names, (std::vector<std::string>{"s0-queue", "s1-http"}));
  EXPECT_EQ(s.paused_replica_count, 2);
  EXPECT_EQ(s.scale_target_kind, "apps/v1.Deployment");
}

TEST(ScaledObjectStatusView, ConditionsAreReadInOrderAndKeepEntriesThatAreNotObjects) {
  const ScaledObjectStatus s = parse(R"({"status": {"conditions": [
      {"type": "Ready", "status": "True", "reason": "ScaledObjectReady", "message": "ok"},
      7,
      {"type": "Active", "status": false},
      {"type": "Fallback"}]}})");
  ASSERT_TRUE(s.conditions);
  ASSERT_EQ(s.conditions->size(), 4u);
  const Condition& ready = (*s.conditions)[0];
  EXPECT_EQ(ready.type, "Ready");
  EXPECT_EQ(ready.status, "True");
  EXPECT_EQ(ready.reason, "ScaledObjectReady");
  EXPECT_EQ(ready.message, "ok");
  EXPECT_EQ((*s.conditions)[1].type, "");
  EXPECT_EQ(condition_status(s.conditions, "Ready"), "True");
  // A status of another type reads as empty; a missing one, or a missing condition, as Unknown.
  EXPECT_EQ(condition_status(s.conditions, "Active"), "");
  EXPECT_EQ(condition_status(s.conditions, "Fallback"), "Unknown");
  EXPECT_EQ(condition_status(s.conditions, "Paused"), "Unknown");
  EXPECT_EQ(condition_status(std::nullopt, "Ready"), "Unknown");
}

TEST(ScaledObjectStatusView, AnEmptyConditionListIsNotNil) {
  const ScaledObjectStatus s = parse(R"({"status": {"conditions": []}})");
  ASSERT_TRUE(s.conditions);
  EXPECT_TRUE(s.conditions->empty());
}

TEST(ScaledObjectStatusView, TheFirstConditionOfATypeIsTheOneRead) {
  const ScaledObjectStatus s = parse(R"({"status": {"conditions": [
      {"type": "Paused", "status": "True"}, {"type": "Paused", "status": "False"}]}})");
  EXPECT_EQ(condition_status(s.conditions, "Paused"), "True");
  ASSERT_NE(find_condition(s.conditions, "Paused"), nullptr);
  EXPECT_EQ(find_condition(s.conditions, "Paused"), &(*s.conditions)[0]);
}

TEST(ScaledObjectStatusView, HealthIsReadPerMetric) {
  const ScaledObjectStatus s = parse(R"({"status": {"health": {
      "s0-queue": {"numberOfFailures": 3, "status": "Failing"},
      "s1-http": {"numberOfFailures": 0, "status": "Happy"},
      "s2-absent": {"status": "Happy"},
      "s3-wrong": {"numberOfFailures": "2", "status": 1},
      "s4-scalar": 5}}})");
  ASSERT_EQ(s.health.size(), 5u);
  EXPECT_EQ(s.health.at("s0-queue").number_of_failures, 3);
  EXPECT_EQ(s.health.at("s0-queue").status, "Failing");
  EXPECT_EQ(s.health.at("s1-http").number_of_failures, 0);
  EXPECT_EQ(s.health.at("s1-http").status, "Happy");
  EXPECT_FALSE(s.health.at("s2-absent").number_of_failures);
  EXPECT_FALSE(s.health.at("s3-wrong").number_of_failures);
  EXPECT_EQ(s.health.at("s3-wrong").status, "");
  EXPECT_FALSE(s.health.at("s4-scalar").number_of_failures);
  EXPECT_EQ(s.health.at("s4-scalar").status, "");
}

}  // namespace
}  // namespace kcsim::kedav1alpha1
