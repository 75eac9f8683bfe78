// The typed view of an autoscaling/v2 HorizontalPodAutoscaler
// (include/kcsim/k8s/types/horizontal_pod_autoscaler.hpp): every member the HPA controller reads,
// absent and wrongly typed members, each metric source type, the spec problems the controller
// reports as FailedConvertHPA, and the defaults of pkg/apis/autoscaling/v2/defaults.go.
#include <gtest/gtest.h>

#include "kcsim/k8s/types/horizontal_pod_autoscaler.hpp"

namespace kcsim::k8s {
namespace {

using nlohmann::json;

json hpa_with_spec(json spec) {
  return json{{"apiVersion", "autoscaling/v2"},
              {"kind", "HorizontalPodAutoscaler"},
              {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"resourceVersion", "7"}}},
              {"spec", std::move(spec)}};
}

json minimal_spec() {
  return json{{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
              {"maxReplicas", 10}};
}

std::string spec_error_with(const std::string& pointer, json value) {
  json spec = minimal_spec();
  spec[json::json_pointer(pointer)] = std::move(value);
  return parse_horizontal_pod_autoscaler(hpa_with_spec(spec)).spec_error;
}

MetricSpec only_metric(json metric) {
  json spec = minimal_spec();
  spec["metrics"] = json::array({std::move(metric)});
  const HorizontalPodAutoscaler hpa = parse_horizontal_pod_autoscaler(hpa_with_spec(spec));
  EXPECT_EQ(hpa.spec.metrics.size(), 1u);
  return hpa.spec.metrics.empty() ? MetricSpec{} : hpa.spec.metrics[0];
}

TEST(HorizontalPodAutoscalerType, ReadsMetadataTargetAndReplicaBounds) {
  json spec = minimal_spec();
  spec["minReplicas"] = 2;
  const HorizontalPodAutoscaler hpa = parse_horizontal_pod_autoscaler(hpa_with_spec(spec));
  EXPECT_EQ(hpa.metadata.name, "web");
  EXPECT_EQ(hpa.metadata.namespace_, "shop");
  EXPECT_EQ(hpa.metadata.resource_version, "7");
  EXPECT_EQ(hpa.spec.scale_target_ref.kind, "Deployment");
  EXPECT_EQ(hpa.spec.scale_target_ref.name, "web");
  EXPECT_EQ(hpa.spec.scale_target_ref.api_version, "apps/v1");
  EXPECT_EQ(hpa.spec.min_replicas, 2);
  EXPECT_EQ(hpa.spec.max_replicas, 10);
  EXPECT_TRUE(hpa.spec.metrics.empty());
  EXPECT_FALSE(hpa.spec.behavior.has_value());
  EXPECT_EQ(hpa.spec_error, "");
}

TEST(HorizontalPodAutoscalerType, AbsentAndNullMembersReadAsUnset) {
  json spec = minimal_spec();
  spec["minReplicas"] = nullptr;
  spec["metrics"] = nullptr;
  spec["behavior"] = nullptr;
  spec["scaleTargetRef"].erase("apiVersion");
  const HorizontalPodAutoscaler hpa = parse_horizontal_pod_autoscaler(hpa_with_spec(spec));
  EXPECT_EQ(hpa.spec_error, "");
  EXPECT_FALSE(hpa.spec.min_replicas.has_value());
  EXPECT_EQ(hpa.spec.min_replicas.value_or(kDefaultMinReplicas), 1);
  EXPECT_TRUE(hpa.spec.metrics.empty());
  EXPECT_FALSE(hpa.spec.behavior.has_value());
  EXPECT_EQ(hpa.spec.scale_target_ref.api_version, "");
  // No status at all: every member at its zero value.
  EXPECT_EQ(hpa.status.current_replicas, 0);
  EXPECT_EQ(hpa.status.desired_replicas, 0);
  EXPECT_FALSE(hpa.status.last_scale_time.has_value());
  EXPECT_TRUE(hpa.status.conditions.empty());
}

TEST(HorizontalPodAutoscalerType, AWronglyTypedMemberReadsAsUnsetAndIsTheSpecError) {
  json spec = minimal_spec();
  spec["minReplicas"] = "2";
  const HorizontalPodAutoscaler hpa = parse_horizontal_pod_autoscaler(hpa_with_spec(spec));
  EXPECT_FALSE(hpa.spec.min_replicas.has_value());
  EXPECT_EQ(hpa.spec_error, "spec.minReplicas must be an integer");
}

TEST(HorizontalPodAutoscalerType, SpecErrorNamesTheFirstMemberTheControllerCannotUse) {
  EXPECT_EQ(parse_horizontal_pod_autoscaler(json{{"kind", "HorizontalPodAutoscaler"}}).spec_error,
            "spec must be an object");
  EXPECT_EQ(parse_horizontal_pod_autoscaler(hpa_with_spec(json::array())).spec_error, "spec must be an object");
  EXPECT_EQ(spec_error_with("/scaleTargetRef", json{{"kind", "Deployment"}}),
            "spec.scaleTargetRef must have string kind and name");
  EXPECT_EQ(spec_error_with("/scaleTargetRef/kind", 3), "spec.scaleTargetRef must have string kind and name");
  EXPECT_EQ(spec_error_with("/maxReplicas", "ten"), "spec.maxReplicas must be an integer");
  EXPECT_EQ(spec_error_with("/maxReplicas", 2.5), "spec.maxReplicas must be an integer");
  EXPECT_EQ(spec_error_with("/metrics", json::object()), "spec.metrics must be a list");
  EXPECT_EQ(spec_error_with("/behavior", "fast"), "spec.behavior must be an object");
  EXPECT_EQ(spec_error_with("/behavior/scaleUp", json::array()), "spec.behavior.scaleUp must be an object");
  EXPECT_EQ(spec_error_with("/behavior/scaleDown/stabilizationWindowSeconds", "60"),
            "spec.behavior.scaleDown.stabilizationWindowSeconds must be an integer");
  EXPECT_EQ(spec_error_with("/behavior/scaleDown/selectPolicy", "Fastest"),
            "spec.behavior.scaleDown.selectPolicy must be Max, Min or Disabled");
  EXPECT_EQ(spec_error_with("/behavior/scaleUp/policies", json::object()),
            "spec.behavior.scaleUp.policies must be a list");
  const auto policy = [](json type, json value, json period) {
    return json::array({{{"type", type}, {"value", value}, {"periodSeconds", period}}});
  };
  EXPECT_EQ(spec_error_with("/behavior/scaleUp/policies", policy("Replicas", 1, 15)),
            "spec.behavior.scaleUp.policies[].type must be Pods or Percent");
  EXPECT_EQ(spec_error_with("/behavior/scaleUp/policies", policy("Pods", 0, 15)),
            "spec.behavior.scaleUp.policies[].value must be a positive integer");
  EXPECT_EQ(spec_error_with("/behavior/scaleUp/policies", policy("Pods", 1, 1801)),
            "spec.behavior.scaleUp.policies[].periodSeconds must be an integer in (0, 1800]");
  EXPECT_EQ(spec_error_with("/behavior/scaleUp/policies", policy("Percent", 50, 1800)), "");
  // The first problem in the controller's order: scaleTargetRef before maxReplicas.
  json spec = minimal_spec();
  spec["maxReplicas"] = "ten";
  spec["scaleTargetRef"].erase("name");
  EXPECT_EQ(parse_horizontal_pod_autoscaler(hpa_with_spec(spec)).spec_error,
            "spec.scaleTargetRef must have string kind and name");
}

TEST(HorizontalPodAutoscalerType, ResourceMetricWithAUtilizationTarget) {
  const MetricSpec m = only_metric(
      {{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 60}}}}}});
  EXPECT_EQ(m.type, "Resource");
  ASSERT_TRUE(m.resource.has_value());
  EXPECT_EQ(m.resource->name, "cpu");
  EXPECT_EQ(m.resource->target.type, "Utilization");
  EXPECT_EQ(m.resource->target.average_utilization, 60);
  EXPECT_FALSE(m.resource->target.average_value.has_value());
  EXPECT_FALSE(m.resource->target.value.has_value());
  EXPECT_FALSE(m.container_resource || m.pods || m.object || m.external);
}

TEST(HorizontalPodAutoscalerType, ContainerResourceMetricWithAnAverageValueTarget) {
  const MetricSpec m = only_metric({{"type", "ContainerResource"},
                                    {"containerResource",
                                     {{"name", "memory"},
                                      {"container", "app"},
                                      {"target", {{"type", "AverageValue"}, {"averageValue", "128Mi"}}}}}});
  ASSERT_TRUE(m.container_resource.has_value());
  EXPECT_EQ(m.container_resource->name, "memory");
  EXPECT_EQ(m.container_resource->container, "app");
  EXPECT_EQ(m.container_resource->target.average_value, 134217728000);  // 128 Mi in milli-units
}

TEST(HorizontalPodAutoscalerType, PodsMetricWithItsIdentifier) {
  const MetricSpec m = only_metric({{"type", "Pods"},
                                    {"pods",
                                     {{"metric", {{"name", "rps"}, {"selector", {{"matchLabels", {{"tier", "fe"}}}}}}},
                                      {"target", {{"type", "AverageValue"}, {"averageValue", "1k"}}}}}});
  ASSERT_TRUE(m.pods.has_value());
  EXPECT_EQ(m.pods->metric.name, "rps");
  EXPECT_EQ(m.pods->metric.selector, (json{{"matchLabels", {{"tier", "fe"}}}}));
  EXPECT_EQ(m.pods->target.average_value, 1000000);
}

TEST(HorizontalPodAutoscalerType, ObjectMetricWithItsDescribedObject) {
  const MetricSpec m = only_metric(
      {{"type", "Object"},
       {"object",
        {{"describedObject", {{"apiVersion", "networking.k8s.io/v1"}, {"kind", "Ingress"}, {"name", "main"}}},
         {"metric", {{"name", "hits"}}},
         {"target", {{"type", "Value"}, {"value", 10}}}}}});
  ASSERT_TRUE(m.object.has_value());
  EXPECT_EQ(m.object->described_object.kind, "Ingress");
  EXPECT_EQ(m.object->described_object.name, "main");
  EXPECT_EQ(m.object->described_object.api_version, "networking.k8s.io/v1");
  EXPECT_EQ(m.object->metric.name, "hits");
  EXPECT_TRUE(m.object->metric.selector.is_null());
  EXPECT_EQ(m.object->target.value, 10000);  // a JSON number is a quantity too
}

TEST(HorizontalPodAutoscalerType, ExternalMetricWithSelectorKeptAsStored) {
  const json selector = {{"matchLabels", {{"scaledobject.keda.sh/name", "web"}}}};
  const MetricSpec m = only_metric(
      {{"type", "External"},
       {"external",
        {{"metric", {{"name", "s0-queue"}, {"selector", selector}}}, {"target", {{"type", "AverageValue"}, {"averageValue", "500m"}}}}}});
  EXPECT_EQ(m.external_error, "");
  ASSERT_TRUE(m.external.has_value());
  EXPECT_EQ(m.external->metric.name, "s0-queue");
  EXPECT_EQ(m.external->metric.selector, selector);
  EXPECT_EQ(m.external->target.type, "AverageValue");
  EXPECT_EQ(m.external->target.average_value, 500);
}

TEST(HorizontalPodAutoscalerType, ExternalSourceWithoutMetricOrTargetIsAnEmptySource) {
  const MetricSpec m = only_metric({{"type", "External"}, {"external", json::object()}});
  EXPECT_EQ(m.external_error, "");
  ASSERT_TRUE(m.external.has_value());
  EXPECT_EQ(m.external->metric.name, "");
  EXPECT_TRUE(m.external->metric.selector.is_null());
  EXPECT_FALSE(m.external->target.average_value || m.external->target.value);
  EXPECT_FALSE(only_metric({{"type", "External"}}).external.has_value());
}

TEST(HorizontalPodAutoscalerType, MalformedExternalSourceIsReportedNotRead) {
  const std::string not_object = "invalid external metric source: spec.metrics[].external must be an object";
  const std::string bad_shape = "invalid external metric source: metric and target must be objects, metric.name a string";
  EXPECT_EQ(only_metric({{"type", "External"}, {"external", "x"}}).external_error, not_object);
  EXPECT_EQ(only_metric({{"type", "External"}, {"external", nullptr}}).external_error, not_object);
  EXPECT_EQ(only_metric({{"type", "External"}, {"external", {{"metric", nullptr}}}}).external_error, bad_shape);
  EXPECT_EQ(only_metric({{"type", "External"}, {"external", {{"target", json::array()}}}}).external_error, bad_shape);
  EXPECT_EQ(only_metric({{"type", "External"}, {"external", {{"metric", {{"name", 7}}}}}}).external_error, bad_shape);
  EXPECT_FALSE(only_metric({{"type", "External"}, {"external", "x"}}).external.has_value());
}

TEST(HorizontalPodAutoscalerType, MetricEntriesThatAreNotObjectsKeepTheirPlace) {
  json spec = minimal_spec();
  spec["metrics"] = json::array({"cpu", {{"type", 5}}, {{"type", "Resource"}, {"resource", "cpu"}}});
  const HorizontalPodAutoscaler hpa = parse_horizontal_pod_autoscaler(hpa_with_spec(spec));
  ASSERT_EQ(hpa.spec.metrics.size(), 3u);
  EXPECT_EQ(hpa.spec.metrics[0].type, "");
  EXPECT_EQ(hpa.spec.metrics[1].type, "");
  EXPECT_EQ(hpa.spec.metrics[2].type, "Resource");
  EXPECT_FALSE(hpa.spec.metrics[2].resource.has_value());
}

TEST(HorizontalPodAutoscalerType, AQuantityThatIsNotOneIsPresentAndZero) {
  const MetricSpec m = only_metric(
      {{"type", "External"}, {"external", {{"target", {{"averageValue", "lots"}, {"value", "5"}}}}}});
  ASSERT_TRUE(m.external.has_value());
  EXPECT_EQ(m.external->target.average_value, 0);  // present: not replaced by the value target
  EXPECT_EQ(m.external->target.value, 5000);
  const MetricSpec n = only_metric({{"type", "External"}, {"external", {{"target", {{"averageValue", nullptr}}}}}});
  EXPECT_EQ(n.external->target.average_value, 0);
  EXPECT_FALSE(n.external->target.value.has_value());
}

TEST(HorizontalPodAutoscalerType, AUtilizationThatIsNotAnIntegerIsUnset) {
  const MetricSpec m =
      only_metric({{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"target", {{"averageUtilization", "60%"}}}}}});
  ASSERT_TRUE(m.resource.has_value());
  EXPECT_FALSE(m.resource->target.average_utilization.has_value());
  EXPECT_FALSE(m.resource->target.average_value.has_value());
}

TEST(HorizontalPodAutoscalerType, BehaviorRulesAsWritten) {
  json spec = minimal_spec();
  spec["behavior"] = {{"scaleDown",
                       {{"stabilizationWindowSeconds", 60},
                        {"selectPolicy", "Min"},
                        {"policies", json::array({{{"type", "Pods"}, {"value", 2}, {"periodSeconds", 60}},
                                                  {{"type", "Percent"}, {"value", 10}, {"periodSeconds", 30}}})}}},
                      {"scaleUp", nullptr}};
  const HorizontalPodAutoscaler hpa = parse_horizontal_pod_autoscaler(hpa_with_spec(spec));
  ASSERT_TRUE(hpa.spec.behavior.has_value());
  EXPECT_FALSE(hpa.spec.behavior->scale_up.has_value());
  ASSERT_TRUE(hpa.spec.behavior->scale_down.has_value());
  const HPAScalingRules& down = *hpa.spec.behavior->scale_down;
  EXPECT_EQ(down.stabilization_window_seconds, 60);
  EXPECT_EQ(down.select_policy, "Min");
  ASSERT_TRUE(down.policies.has_value());
  ASSERT_EQ(down.policies->size(), 2u);
  EXPECT_EQ((*down.policies)[0].type, "Pods");
  EXPECT_EQ((*down.policies)[0].value, 2);
  EXPECT_EQ((*down.policies)[0].period_seconds, 60);
  EXPECT_EQ((*down.policies)[1].type, "Percent");
  EXPECT_EQ((*down.policies)[1].value, 10);
  EXPECT_EQ((*down.policies)[1].period_seconds, 30);
  // An empty behavior is a behavior: both directions then take their defaults.
  spec["behavior"] = json::object();
  const HorizontalPodAutoscaler empty = parse_horizontal_pod_autoscaler(hpa_with_spec(spec));
  ASSERT_TRUE(empty.spec.behavior.has_value());
  EXPECT_FALSE(empty.spec.behavior->scale_up || empty.spec.behavior->scale_down);
}

TEST(HorizontalPodAutoscalerType, DefaultScaleUpRulesAreTheHigherOfFourPodsAndDoublingPer15s) {
  const HPAScalingRules up = generate_hpa_scale_up_rules(std::nullopt);
  EXPECT_EQ(up.stabilization_window_seconds, 0);
  EXPECT_EQ(up.select_policy, "Max");
  ASSERT_TRUE(up.policies.has_value());
  ASSERT_EQ(up.policies->size(), 2u);
  EXPECT_EQ((*up.policies)[0].type, "Pods");
  EXPECT_EQ((*up.policies)[0].value, 4);
  EXPECT_EQ((*up.policies)[0].period_seconds, 15);
  EXPECT_EQ((*up.policies)[1].type, "Percent");
  EXPECT_EQ((*up.policies)[1].value, 100);
  EXPECT_EQ((*up.policies)[1].period_seconds, 15);
}

TEST(HorizontalPodAutoscalerType, DefaultScaleDownRulesLeaveTheWindowToTheController) {
  const HPAScalingRules down = generate_hpa_scale_down_rules(std::nullopt);
  EXPECT_FALSE(down.stabilization_window_seconds.has_value());
  EXPECT_EQ(down.select_policy, "Max");
  ASSERT_TRUE(down.policies.has_value());
  ASSERT_EQ(down.policies->size(), 1u);
  EXPECT_EQ((*down.policies)[0].type, "Percent");
  EXPECT_EQ((*down.policies)[0].value, 100);
  EXPECT_EQ((*down.policies)[0].period_seconds, 15);
}

TEST(HorizontalPodAutoscalerType, DefaultsFillOnlyTheMembersARuleLeavesUnset) {
  HPAScalingRules from;
  from.select_policy = "Disabled";
  const HPAScalingRules up = generate_hpa_scale_up_rules(from);
  EXPECT_EQ(up.select_policy, "Disabled");
  EXPECT_EQ(up.stabilization_window_seconds, 0);
  EXPECT_EQ(up.policies->size(), 2u);
  // An empty policy list is set (copyHPAScalingRules copies a non-nil slice), not defaulted.
  from.policies = std::vector<HPAScalingPolicy>{};
  from.stabilization_window_seconds = 120;
  const HPAScalingRules down = generate_hpa_scale_down_rules(from);
  EXPECT_EQ(down.stabilization_window_seconds, 120);
  ASSERT_TRUE(down.policies.has_value());
  EXPECT_TRUE(down.policies->empty());
}

TEST(HorizontalPodAutoscalerType, ReadsStatusAsTheControllerWroteIt) {
  json obj = hpa_with_spec(minimal_spec());
  obj["status"] = {
      {"observedGeneration", 3},
      {"currentReplicas", 4},
      {"desiredReplicas", 5},
      {"lastScaleTime", "2026-01-01T00:01:00Z"},
      {"conditions", json::array({{{"type", "AbleToScale"},
                                   {"status", "True"},
                                   {"lastTransitionTime", "2026-01-01T00:00:15Z"},
                                   {"reason", "SucceededRescale"},
                                   {"message", "the HPA controller was able to update the target scale to 5"}},
                                  "not a condition"})},
      {"currentMetrics",
       json::array({{{"type", "Resource"},
                     {"resource", {{"name", "cpu"}, {"current", {{"averageUtilization", 72}, {"averageValue", "180m"}}}}}},
                    {{"type", "ContainerResource"},
                     {"containerResource", {{"name", "cpu"}, {"container", "app"}, {"current", {{"averageValue", "1"}}}}}},
                    {{"type", "Pods"}, {"pods", {{"metric", {{"name", "rps"}}}, {"current", {{"averageValue", "2"}}}}}},
                    {{"type", "Object"},
                     {"object",
                      {{"metric", {{"name", "hits"}}},
                       {"describedObject", {{"kind", "Ingress"}, {"name", "main"}}},
                       {"current", {{"value", "30"}}}}}},
                    {{"type", "External"},
                     {"external", {{"metric", {{"name", "s0-queue"}}}, {"current", {{"averageValue", "250m"}}}}}}})}};
  const HorizontalPodAutoscalerStatus s = parse_horizontal_pod_autoscaler(obj).status;
  EXPECT_EQ(s.observed_generation, 3);
  EXPECT_EQ(s.current_replicas, 4);
  EXPECT_EQ(s.desired_replicas, 5);
  EXPECT_EQ(s.last_scale_time, "2026-01-01T00:01:00Z");
  ASSERT_EQ(s.conditions.size(), 1u);
  EXPECT_EQ(s.conditions[0].type, "AbleToScale");
  EXPECT_EQ(s.conditions[0].status, "True");
  EXPECT_EQ(s.conditions[0].last_transition_time, "2026-01-01T00:00:15Z");
  EXPECT_EQ(s.conditions[0].reason, "SucceededRescale");
  EXPECT_EQ(s.conditions[0].message, "the HPA controller was able to update the target scale to 5");
  ASSERT_EQ(s.current_metrics.size(), 5u);
  ASSERT_TRUE(s.current_metrics[0].resource.has_value());
  EXPECT_EQ(s.current_metrics[0].resource->name, "cpu");
  EXPECT_EQ(s.current_metrics[0].resource->current.average_utilization, 72);
  EXPECT_EQ(s.current_metrics[0].resource->current.average_value, 180);
  ASSERT_TRUE(s.current_metrics[1].container_resource.has_value());
  EXPECT_EQ(s.current_metrics[1].container_resource->container, "app");
  EXPECT_EQ(s.current_metrics[1].container_resource->current.average_value, 1000);
  ASSERT_TRUE(s.current_metrics[2].pods.has_value());
  EXPECT_EQ(s.current_metrics[2].pods->metric.name, "rps");
  ASSERT_TRUE(s.current_metrics[3].object.has_value());
  EXPECT_EQ(s.current_metrics[3].object->described_object.kind, "Ingress");
  EXPECT_EQ(s.current_metrics[3].object->current.value, 30000);
  ASSERT_TRUE(s.current_metrics[4].external.has_value());
  EXPECT_EQ(s.current_metrics[4].external->metric.name, "s0-queue");
  EXPECT_EQ(s.current_metrics[4].external->current.average_value, 250);
}

TEST(HorizontalPodAutoscalerType, WronglyTypedStatusMembersReadAsZero) {
  json obj = hpa_with_spec(minimal_spec());
  obj["status"] = {{"currentReplicas", "4"}, {"desiredReplicas", 2.5}, {"lastScaleTime", 12}, {"conditions", "none"}};
  const HorizontalPodAutoscalerStatus s = parse_horizontal_pod_autoscaler(obj).status;
  EXPECT_EQ(s.current_replicas, 0);
  EXPECT_EQ(s.desired_replicas, 0);
  EXPECT_FALSE(s.last_scale_time.has_value());
  EXPECT_TRUE(s.conditions.empty());
  obj["status"] = "broken";
  EXPECT_EQ(parse_horizontal_pod_autoscaler(obj).status.desired_replicas, 0);
}

}  // namespace
}  // namespace kcsim::k8s
