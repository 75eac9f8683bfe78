// models/http-add-on/http_scaled_object.hpp: the typed view of an HTTPScaledObject the HTTP add-on
// model reads (kedacore/http-add-on operator/apis/http/v1alpha1/httpscaledobject_types.go), parsed
// with the CRD's defaults and decode.hpp's loose rules (absent or wrongly typed members read as the
// default), and with the members the operator copies into its ScaledObject kept verbatim.
#include <gtest/gtest.h>

#include "../../models/http-add-on/http_scaled_object.hpp"

namespace kcsim::httpv1alpha1 {
namespace {

using nlohmann::json;

TEST(HTTPScaledObjectView, AbsentMembersReadAsTheirDefaults) {
  const HTTPScaledObject h = parse_http_scaled_object(json::parse(R"({"kind": "HTTPScaledObject",
      "metadata": {"name": "web", "namespace": "shop"}})"));
  EXPECT_EQ(h.metadata.name, "web");
  EXPECT_EQ(h.metadata.namespace_, "shop");
  EXPECT_EQ(h.stored_labels, nullptr);
  EXPECT_EQ(h.stored_annotations, nullptr);
  EXPECT_TRUE(h.spec.hosts.empty());
  EXPECT_TRUE(h.spec.path_prefixes.empty());
  EXPECT_EQ(h.spec.host, "");
  EXPECT_EQ(h.spec.scale_target_ref.target_name(), "");
  EXPECT_EQ(h.spec.scale_target_ref.port, 0);
  EXPECT_EQ(h.spec.scale_target_ref.stored_api_version, nullptr);
  EXPECT_EQ(h.spec.scale_target_ref.stored_kind, nullptr);
  EXPECT_FALSE(h.spec.replicas.min.present());
  EXPECT_FALSE(h.spec.replicas.max.present());
  EXPECT_FALSE(h.spec.scaledown_period.present());
  EXPECT_FALSE(h.spec.initial_cooldown_period.present());
  EXPECT_FALSE(h.spec.target_pending_requests.has_value());
  EXPECT_FALSE(h.spec.scaling_metric.concurrency.has_value());
  EXPECT_FALSE(h.spec.scaling_metric.request_rate.has_value());
  EXPECT_TRUE(h.status.conditions.empty());
}

TEST(HTTPScaledObjectView, OptionalIntegersTellAbsentFromZero) {
  const json object = json::parse(R"({"spec": {"replicas": {"min": 0}, "scaledownPeriod": 0,
      "initialCooldownPeriod": 0, "targetPendingRequests": 0}})");
  const HTTPScaledObject h = parse_http_scaled_object(object);
  ASSERT_TRUE(h.spec.replicas.min.present());
  EXPECT_EQ(h.spec.replicas.min.value, 0);
  EXPECT_EQ(h.spec.replicas.min.stored, &object["spec"]["replicas"]["min"]);
  EXPECT_FALSE(h.spec.replicas.max.present());
  EXPECT_FALSE(h.spec.replicas.max.value.has_value());
  ASSERT_TRUE(h.spec.scaledown_period.present());
  EXPECT_EQ(h.spec.scaledown_period.value, 0);
  EXPECT_EQ(h.spec.initial_cooldown_period.value, 0);
  EXPECT_EQ(h.spec.target_pending_requests, 0);
}

TEST(HTTPScaledObjectView, WronglyTypedMembersReadAsTheDefaultsButStayVerbatim) {
  const json object = json::parse(R"({"metadata": {"labels": {"team": 7}, "annotations": "none"},
      "spec": {"hosts": "web.example.com", "pathPrefixes": [1, "/api"], "host": 3,
               "scaleTargetRef": {"name": 5, "kind": true, "apiVersion": 2, "service": null, "port": "80"},
               "replicas": {"min": "1", "max": 2.5}, "scaledownPeriod": "300", "initialCooldownPeriod": null,
               "targetPendingRequests": "10",
               "scalingMetric": {"requestRate": {"targetValue": "5", "window": 60, "granularity": "-1s"}}}})");
  const HTTPScaledObject h = parse_http_scaled_object(object);
  EXPECT_TRUE(h.metadata.labels.empty());  // a label that is not a string is not a label
  EXPECT_EQ(h.stored_labels, &object["metadata"]["labels"]);
  EXPECT_EQ(h.stored_annotations, &object["metadata"]["annotations"]);
  EXPECT_TRUE(h.spec.hosts.empty());  // not a list
  EXPECT_EQ(h.spec.path_prefixes, std::vector<std::string>{"/api"});
  EXPECT_EQ(h.spec.host, "");
  const ScaleTargetRef& ref = h.spec.scale_target_ref;
  EXPECT_EQ(ref.name, "");
  EXPECT_EQ(ref.kind, "");
  EXPECT_EQ(ref.api_version, "");
  EXPECT_EQ(ref.service, "");
  EXPECT_EQ(ref.port, 0);
  EXPECT_EQ(ref.stored_kind, &object["spec"]["scaleTargetRef"]["kind"]);
  EXPECT_EQ(ref.stored_api_version, &object["spec"]["scaleTargetRef"]["apiVersion"]);
  // Present but not integers: no value, the member kept as it is for the ScaledObject.
  EXPECT_TRUE(h.spec.replicas.min.present());
  EXPECT_FALSE(h.spec.replicas.min.value.has_value());
  EXPECT_FALSE(h.spec.replicas.max.value.has_value());
  EXPECT_EQ(*h.spec.scaledown_period.stored, "300");
  EXPECT_FALSE(h.spec.scaledown_period.value.has_value());
  EXPECT_TRUE(h.spec.initial_cooldown_period.present());
  EXPECT_FALSE(h.spec.initial_cooldown_period.value.has_value());
  EXPECT_FALSE(h.spec.target_pending_requests.has_value());
  ASSERT_TRUE(h.spec.scaling_metric.request_rate.has_value());
  EXPECT_EQ(h.spec.scaling_metric.request_rate->target_value, kDefaultTargetValue);
  EXPECT_EQ(h.spec.scaling_metric.request_rate->window, minutes(1));         // not a duration string
  EXPECT_EQ(h.spec.scaling_metric.request_rate->granularity, seconds(1));    // negative
}

TEST(HTTPScaledObjectView, ReadsTheSetSpec) {
  const json object = json::parse(R"({"metadata": {"name": "web", "generation": 3, "labels": {"team": "a"},
      "annotations": {"httpscaledobject.keda.sh/skip-scaledobject-creation": "true"},
      "finalizers": ["httpscaledobject.http.keda.sh"]},
      "spec": {"hosts": ["a.example.com", "b.example.com"], "pathPrefixes": ["/", "/api"],
               "scaleTargetRef": {"name": "web", "kind": "Deployment", "apiVersion": "apps/v1",
                                  "service": "web-svc", "port": 8080},
               "replicas": {"min": 1, "max": 10}, "scaledownPeriod": 600, "initialCooldownPeriod": 30,
               "targetPendingRequests": 50,
               "scalingMetric": {"concurrency": {"targetValue": 5},
                                 "requestRate": {"targetValue": 20, "window": "2m", "granularity": "500ms"}}}})");
  const HTTPScaledObject h = parse_http_scaled_object(object);
  EXPECT_EQ(h.metadata.generation, 3);
  EXPECT_EQ(h.metadata.labels.at("team"), "a");
  ASSERT_NE(h.metadata.annotation("httpscaledobject.keda.sh/skip-scaledobject-creation"), nullptr);
  EXPECT_EQ(h.metadata.finalizers, std::vector<std::string>{"httpscaledobject.http.keda.sh"});
  EXPECT_EQ(h.spec.hosts, (std::vector<std::string>{"a.example.com", "b.example.com"}));
  EXPECT_EQ(h.spec.path_prefixes, (std::vector<std::string>{"/", "/api"}));
  const ScaleTargetRef& ref = h.spec.scale_target_ref;
  EXPECT_EQ(ref.target_name(), "web");
  EXPECT_EQ(ref.kind, "Deployment");
  EXPECT_EQ(ref.api_version, "apps/v1");
  EXPECT_EQ(ref.service, "web-svc");
  EXPECT_EQ(ref.port, 8080);
  EXPECT_EQ(h.spec.replicas.min.value, 1);
  EXPECT_EQ(h.spec.replicas.max.value, 10);
  EXPECT_EQ(h.spec.scaledown_period.value, 600);
  EXPECT_EQ(h.spec.initial_cooldown_period.value, 30);
  EXPECT_EQ(h.spec.target_pending_requests, 50);
  ASSERT_TRUE(h.spec.scaling_metric.concurrency.has_value());
  EXPECT_EQ(h.spec.scaling_metric.concurrency->target_value, 5);
  ASSERT_TRUE(h.spec.scaling_metric.request_rate.has_value());
  EXPECT_EQ(h.spec.scaling_metric.request_rate->target_value, 20);
  EXPECT_EQ(h.spec.scaling_metric.request_rate->window, minutes(2));
  EXPECT_EQ(h.spec.scaling_metric.request_rate->granularity, milliseconds(500));
}

TEST(HTTPScaledObjectView, ScalingMetricMembersArePresentWhateverTheirType) {
  // The operator's "mutually exclusive" check and the scaler's rate mode test presence only.
  const HTTPScaledObject h = parse_http_scaled_object(
      json::parse(R"({"spec": {"scalingMetric": {"concurrency": null, "requestRate": "fast"}}})"));
  EXPECT_TRUE(h.spec.scaling_metric.concurrency.has_value());
  ASSERT_TRUE(h.spec.scaling_metric.request_rate.has_value());
  EXPECT_EQ(h.spec.scaling_metric.request_rate->window, kDefaultRateWindow);
  EXPECT_EQ(h.spec.scaling_metric.request_rate->granularity, kDefaultRateGranularity);
  EXPECT_FALSE(parse_http_scaled_object(json::parse(R"({"spec": {"scalingMetric": []}})"))
                   .spec.scaling_metric.request_rate.has_value());
}

TEST(HTTPScaledObjectView, LegacyDeploymentFieldNamesTheTargetWhenNameIsUnset) {
  const HTTPScaledObject old = parse_http_scaled_object(
      json::parse(R"({"spec": {"host": "web.example.com", "scaleTargetRef": {"deployment": "web-v1"}}})"));
  EXPECT_EQ(old.spec.host, "web.example.com");
  EXPECT_EQ(old.spec.scale_target_ref.target_name(), "web-v1");
  const HTTPScaledObject both = parse_http_scaled_object(
      json::parse(R"({"spec": {"scaleTargetRef": {"deployment": "web-v1", "name": "web"}}})"));
  EXPECT_EQ(both.spec.scale_target_ref.target_name(), "web");
}

TEST(HTTPScaledObjectView, ConditionsKeepEachObjectEntryAndItsLastTransitionTime) {
  const json object = json::parse(R"({"status": {"targetWorkload": "apps/v1/Deployment/web",
      "conditions": [
        {"type": "Ready", "status": "True", "reason": "Reconciled", "message": "m", "observedGeneration": 2,
         "lastTransitionTime": "2026-01-01T00:00:00Z"},
        "Ready",
        {"type": "Ready", "status": "Unknown", "reason": "PendingCreation", "timestamp": "2026-01-01T00:00:00Z"},
        {"type": "Ready", "lastTransitionTime": null}]}})");
  const HTTPScaledObject h = parse_http_scaled_object(object);
  EXPECT_EQ(h.status.target_workload, "apps/v1/Deployment/web");
  ASSERT_EQ(h.status.conditions.size(), 3u);  // the entry that is not an object is skipped
  const HTTPScaledObjectCondition& metav1 = h.status.conditions[0];
  EXPECT_EQ(metav1.reason, "Reconciled");
  EXPECT_EQ(metav1.status, "True");
  EXPECT_EQ(metav1.last_transition_time, &object["status"]["conditions"][0]["lastTransitionTime"]);
  EXPECT_EQ(metav1.stored, &object["status"]["conditions"][0]);
  const HTTPScaledObjectCondition& legacy = h.status.conditions[1];
  EXPECT_EQ(legacy.reason, "PendingCreation");
  EXPECT_EQ(legacy.last_transition_time, nullptr);
  EXPECT_EQ(legacy.stored, &object["status"]["conditions"][2]);
  EXPECT_EQ(h.status.conditions[2].last_transition_time, nullptr);  // null is no time
}

}  // namespace
}  // namespace kcsim::httpv1alpha1
