// The KEDA operator model (models/keda/keda_operator.cpp) against the rules of kedacore/keda
// (docs/models/keda-hpa.md): loop phase, the RequestScale table, the cooldown rule, writes
// through /scale, the
// event texts per version, push handling per version, status and the generated HPA.
#include <gtest/gtest.h>

#include <set>

#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

using testing::deployment;

using testing::EventLog;
using testing::make_world;

json scaled_object(json spec_extra = json::object(), json triggers = json()) {
  if (triggers.is_null())
    triggers = json::array({{{"type", "kcsim-metric"}, {"metadata", {{"metricName", "queue"}, {"threshold", "100"}}}}});
  json spec = {{"scaleTargetRef", {{"name", "web"}}}, {"triggers", triggers}};
  spec.merge_patch(spec_extra);
  return json{{"apiVersion", "keda.sh/v1alpha1"},
              {"kind", "ScaledObject"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}}},
              {"spec", spec}};
}

// A metric-source series from (seconds, value) points.
json series(std::vector<std::pair<int, double>> points) {
  json p = json::array();
  for (auto [t, v] : points) p.push_back({{"at", std::to_string(t) + "s"}, {"value", v}});
  return json{{"points", p}};
}

json scenario(json objects, json metric_points, json extra = json::object()) {
  json s = {{"objects", objects}, {"settings", {{"metric-source", {{"metrics", {{"queue", metric_points}}}}}}}};
  s.merge_patch(extra);
  return s;
}

const std::set<std::string> kModels = {"keda", "kubectl", "metric-source"};

// Instants (in milliseconds) at which `manager` changed /spec/replicas of Deployment web, with the
// new value.
std::vector<std::pair<std::int64_t, std::int64_t>> replica_writes(const World& w, const std::string& manager) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const WriteRecord& r : w.api().writes())
    if (r.object() == ObjectRef{"Deployment", "default", "web"} && r.field() == "/spec/replicas" && r.manager() == manager)
      out.emplace_back(r.at().time_since_epoch().count() / 1000, r.new_value().get<std::int64_t>());
  return out;
}

std::int64_t ms(const SimTime t) { return t.time_since_epoch().count() / 1000; }

json so_status(const World& w) { return w.api().get(ObjectRef{"ScaledObject", "default", "web"})->value("status", json()); }

json condition(const json& status, const std::string& type) {
  for (const json& c : status.value("conditions", json::array()))
    if (c.value("type", "") == type) return c;
  return json();
}

using Writes = std::vector<std::pair<std::int64_t, std::int64_t>>;

TEST(KedaOperator, FirstCheckIsImmediateAndTicksArePhaseLockedToTheLoopStart) {
  // The ScaledObject is applied at t = 10 s; the watch delivers it 5 ms later and the loop
  // starts then: checks at 10.005, 40.005, 70.005 ... The metric turns active at 45 s, so the
  // activation waits for the tick at 70.005 s.
  json s = scenario(json::array({deployment({.replicas = 0})}), series({{0, 0}, {45, 5}}));
  s["timeline"] = json::array({{{"at", "10s"}, {"action", "kubectl apply"}, {"manifest", scaled_object()}}});
  auto w = make_world(s, kModels);
  EventLog log(*w);
  w->run(SimTime{minutes(2)});
  const auto started = log.with_reason("KEDAScalersStarted");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(ms(started[0].at), 10005);
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{70005, 1}}));
}

TEST(KedaOperator, StatusListsTriggerAndAuthenticationTypesFrom216) {
  // v2.16 updateStatusWithTriggersAndAuthsTypes: distinct types and authenticationRef names in
  // spec order, comma-separated; what `kubectl get so` shows under TRIGGERS and AUTHENTICATIONS.
  const json triggers = json::array(
      {{{"type", "kcsim-metric"}, {"metadata", {{"metricName", "queue"}, {"threshold", "100"}}}, {"authenticationRef", {{"name", "creds"}}}},
       {{"type", "cpu"}, {"metadata", {{"value", "50"}}}},
       {{"type", "kcsim-metric"}, {"metadata", {{"metricName", "queue"}, {"threshold", "50"}}}, {"authenticationRef", {{"name", "creds"}}}}});
  for (const char* version : {"2.15.0", "2.16.0"}) {
    json s = scenario(json::array({deployment({.replicas = 1}), scaled_object(json::object(), triggers)}), series({{0, 5}}));
    s["versions"] = {{"keda", version}};
    auto w = make_world(s, kModels);
    w->run(SimTime{seconds(5)});
    const json st = so_status(*w);
    if (std::string(version) == "2.15.0") {
      EXPECT_FALSE(st.contains("triggersTypes")) << st.dump();
    } else {
      EXPECT_EQ(st.value("triggersTypes", ""), "kcsim-metric,cpu");
      EXPECT_EQ(st.value("authenticationsTypes", ""), "creds");
    }
  }
}

TEST(KedaOperator, FirstCheckRunsAtOnceWhenTriggersAreAlreadyActive) {
  auto w = make_world(scenario(json::array({deployment({.replicas = 0}), scaled_object()}), series({{0, 5}})), kModels);
  w->run(SimTime{minutes(1)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{0, 1}}));
}

TEST(KedaOperator, ScalesToZeroAtTheFirstEvaluationStrictlyAfterLastActivePlusCooldown) {
  // Active until 100 s: the last active tick is 90 s, so lastActiveTime = 90 s and the cooldown
  // ends at 390 s, exactly on a tick. Before() is strict: 390 s still cools down, 420 s scales in.
  auto w = make_world(scenario(json::array({deployment({.replicas = 1}), scaled_object()}), series({{0, 5}, {100, 0}})), kModels);
  w->run(SimTime{seconds(400)});
  EXPECT_TRUE(replica_writes(*w, "keda").empty());
  const json st = so_status(*w);
  EXPECT_EQ(st.value("lastActiveTime", ""), w->api().epoch().rfc3339(SimTime{seconds(90)}));
  EXPECT_EQ(condition(st, "Active").value("reason", ""), "ScalerCooldown");
  EXPECT_EQ(condition(st, "Active").value("message", ""), "Scaler cooling down because triggers are not active");
  w->run(SimTime{seconds(430)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{420000, 0}}));
  EXPECT_EQ(condition(so_status(*w), "Active").value("reason", ""), "ScalerNotActive");
}

TEST(KedaOperator, AnExternalScaleUpDoesNotRestartTheCooldown) {
  // After KEDA's 1 → 0 at 420 s, kubectl sets 1 at 605 s while the triggers are inactive. The
  // cooldown is not restarted: KEDA re-zeroes at its next tick (630 s).
  json s = scenario(json::array({deployment({.replicas = 1}), scaled_object()}), series({{0, 5}, {100, 0}}));
  s["timeline"] = json::array(
      {{{"at", "605s"}, {"action", "kubectl scale"}, {"target", "deployment/web"}, {"replicas", 1}}});
  auto w = make_world(s, kModels);
  EventLog log(*w);
  w->run(SimTime{minutes(15)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{420000, 0}, {630000, 0}}));
  EXPECT_EQ(replica_writes(*w, "kubectl"), (Writes{{605000, 1}}));
  const auto deactivated = log.with_reason("KEDAScaleTargetDeactivated");
  ASSERT_EQ(deactivated.size(), 2u);
  EXPECT_EQ(deactivated[1].message, "Deactivated apps/v1.Deployment default/web from 1 to 0");
  // lastActiveTime stayed at the last active tick.
  EXPECT_EQ(so_status(*w).value("lastActiveTime", ""), w->api().epoch().rfc3339(SimTime{seconds(90)}));
}

TEST(KedaOperator, ActivationScalesFromZeroToMaxOfMinAndOne) {
  {
    auto w = make_world(scenario(json::array({deployment({.replicas = 0}), scaled_object()}), series({{0, 0}, {40, 1}})), kModels);
    EventLog log(*w);
    w->run(SimTime{minutes(2)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{60000, 1}}));
    const auto act = log.with_reason("KEDAScaleTargetActivated");
    ASSERT_EQ(act.size(), 1u);
    EXPECT_EQ(act[0].message, "Scaled apps/v1.Deployment default/web from 0 to 1, triggered by s0-queue");
    EXPECT_EQ(act[0].component, "keda-operator");
    EXPECT_EQ(act[0].kind, "ScaledObject");
    EXPECT_EQ(condition(so_status(*w), "Active").value("reason", ""), "ScalerActive");
  }
  {
    auto w = make_world(scenario(json::array({deployment({.replicas = 0}), scaled_object({{"minReplicaCount", 3}})}),
                                 series({{0, 1}})),
                        kModels);
    EventLog log(*w);
    w->run(SimTime{minutes(2)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{0, 3}}));
    const auto act = log.with_reason("KEDAScaleTargetActivated");
    ASSERT_EQ(act.size(), 1u);
    EXPECT_EQ(act[0].message, "Scaled apps/v1.Deployment default/web from 0 to 3, triggered by s0-queue");
  }
  {
    // Inactive with current (0) < min (3) and no idleReplicaCount: KEDA sets min, without an
    // event (a log line only).
    auto w = make_world(scenario(json::array({deployment({.replicas = 0}), scaled_object({{"minReplicaCount", 3}})}),
                                 series({{0, 0}})),
                        kModels);
    EventLog log(*w);
    w->run(SimTime{minutes(2)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{0, 3}}));
    EXPECT_TRUE(log.with_reason("KEDAScaleTargetActivated").empty());
  }
}

TEST(KedaOperator, ActivationThresholdIsStrict) {
  json triggers = json::array(
      {{{"type", "kcsim-metric"}, {"metadata", {{"metricName", "queue"}, {"threshold", "10"}, {"activationThreshold", "5"}}}}});
  auto w = make_world(scenario(json::array({deployment({.replicas = 0}), scaled_object(json::object(), triggers)}),
                               series({{0, 5}, {50, 5.5}})),
                      kModels);
  w->run(SimTime{minutes(2)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{60000, 1}}));
}

TEST(KedaOperator, StaleResourceVersionGivesAFailureEventAndARetryAtTheNextEvaluation) {
  // KEDA reads /scale at 30 s and PUTs 100 ms later; kubectl scales in between, so the PUT's
  // resourceVersion is stale: 409, KEDAScaleTargetDeactivationFailed, retried at 60 s.
  for (const std::string version : {"2.18.0", "2.16.1"}) {
    json s = scenario(json::array({deployment({.replicas = 1}), scaled_object()}), series({{0, 0}}));
    s["settings"]["keda"] = {{"scaleRequestLatency", "100ms"}};
    s["versions"] = {{"keda", version}};
    s["timeline"] = json::array(
        {{{"at", "30050ms"}, {"action", "kubectl scale"}, {"target", "deployment/web"}, {"replicas", 2}}});
    auto w = make_world(s, kModels);
    EventLog log(*w);
    w->run(SimTime{minutes(2)});
    const auto failed = log.with_reason("KEDAScaleTargetDeactivationFailed");
    ASSERT_EQ(failed.size(), 1u) << version;
    EXPECT_EQ(ms(failed[0].at), 30100);
    EXPECT_EQ(failed[0].type, "Warning");
    if (version == "2.18.0")
      EXPECT_EQ(failed[0].message, "Failed to deactivate apps/v1.Deployment default/web from 1 to 0");
    else  // ≤ v2.16: the format has no verbs for the two counts; Go appends them as EXTRA.
      EXPECT_EQ(failed[0].message, "Failed to deactivated apps/v1.Deployment default/web%!(EXTRA int32=1, int32=0)");
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{60100, 0}})) << version;
    const auto ok = log.with_reason("KEDAScaleTargetDeactivated");
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].message, "Deactivated apps/v1.Deployment default/web from 2 to 0");
  }
}

TEST(KedaOperator, ActivationFailureTextPerVersion) {
  for (const std::string version : {"2.19.0", "2.20.0"}) {
    json s = scenario(json::array({deployment({.replicas = 0}), scaled_object()}), series({{0, 5}}));
    s["settings"]["keda"] = {{"scaleRequestLatency", "100ms"}};
    s["versions"] = {{"keda", version}};
    // Any write to the Deployment between KEDA's GET and PUT makes the PUT stale.
    s["timeline"] = json::array({{{"at", "60ms"}, {"action", "kubectl patch"}, {"target", "deployment/web"},
                                  {"patch", {{"metadata", {{"labels", {{"touched", "yes"}}}}}}}}});
    auto w = make_world(s, kModels);
    EventLog log(*w);
    w->run(SimTime{minutes(1)});
    const auto failed = log.with_reason("KEDAScaleTargetActivationFailed");
    ASSERT_EQ(failed.size(), 1u) << version;
    EXPECT_EQ(failed[0].message, (version == "2.19.0" ? "Failed to scaled" : "Failed to scale") +
                                     std::string(" apps/v1.Deployment default/web from 0 to 1"));
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{30100, 1}}));
  }
}

TEST(KedaOperator, ActivationEventTextPerVersion) {
  for (const std::string version : {"2.13.1", "2.14.0"}) {
    json s = scenario(json::array({deployment({.replicas = 0}), scaled_object()}), series({{0, 5}}));
    s["versions"] = {{"keda", version}};
    auto w = make_world(s, kModels);
    EventLog log(*w);
    w->run(SimTime{seconds(10)});
    const auto act = log.with_reason("KEDAScaleTargetActivated");
    ASSERT_EQ(act.size(), 1u);
    EXPECT_EQ(act[0].message, version == "2.13.1"
                                  ? "Scaled apps/v1.Deployment default/web from 0 to 1"
                                  : "Scaled apps/v1.Deployment default/web from 0 to 1, triggered by s0-queue");
  }
}

TEST(KedaOperator, NilLastActiveTimePerVersion) {
  // Before v2.14 a nil lastActiveTime means "scale in now" (the first check, t = 0); from v2.14
  // it means CreationTimestamp + initialCooldownPeriod (here 100 s: first tick after is 120 s).
  {
    json s = scenario(json::array({deployment({.replicas = 1}), scaled_object({{"initialCooldownPeriod", 100}})}), series({{0, 0}}));
    s["versions"] = {{"keda", "2.13.0"}};
    auto w = make_world(s, kModels);
    w->run(SimTime{minutes(3)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{0, 0}}));
  }
  {
    auto w = make_world(scenario(json::array({deployment({.replicas = 1}), scaled_object({{"initialCooldownPeriod", 100}})}),
                                 series({{0, 0}})),
                        kModels);
    w->run(SimTime{minutes(3)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{120000, 0}}));
  }
  {
    // initialCooldownPeriod 0 (default): creation (t = 0) is not strictly before the first
    // check at t = 0; the scale-in waits for the 30 s tick.
    auto w = make_world(scenario(json::array({deployment({.replicas = 1}), scaled_object()}), series({{0, 0}})), kModels);
    w->run(SimTime{minutes(1)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{30000, 0}}));
  }
}

// Pushes one message every 200 ms on a metric, the way the HTTP add-on's StreamIsActive does.
class Pusher : public Agent {
 public:
  Pusher(World& w, std::string metric, bool active, SimTime until) : w_(w), metric_(std::move(metric)), active_(active), until_(until) {
    w_.metrics().publish(metric_, active_ ? 1.0 : 0.0, active_, kTimeZero);
    w_.engine().schedule_at(SimTime{milliseconds(200)}, this, 0);
  }
  void on_event(std::uint32_t, std::uint64_t) override {
    w_.metrics().push(metric_, active_);
    if (w_.engine().now() + milliseconds(200) <= until_) w_.engine().schedule_after(milliseconds(200), this, 0);
  }

 private:
  World& w_;
  std::string metric_;
  bool active_;
  SimTime until_;
};

json push_trigger() {
  return json::array({{{"type", "external-push"},
                       {"metadata", {{"scalerAddress", "keda-add-ons-http-external-scaler.keda:9090"},
                                     {"httpScaledObject", "web"}}}}});
}

TEST(KedaOperator, PushHandlingPerVersion) {
  // An idle external-push trigger with 1 replica and no lastActiveTime. v2.17: every message
  // runs RequestScale, so the first one (0.2 s) scales in. v2.18+: inactive messages are ignored
  // and the scale-in waits for the poll tick at 30 s.
  for (const std::string version : {"2.17.0", "2.18.0"}) {
    json s = {{"objects", json::array({deployment({.replicas = 1}), scaled_object(json::object(), push_trigger())})}};
    s["versions"] = {{"keda", version}};
    auto w = make_world(s, {"keda"});
    Pusher pusher(*w, "http-default/web", false, SimTime{minutes(1)});
    w->run(SimTime{minutes(1)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{version == "2.17.0" ? 200 : 30000, 0}})) << version;
  }
}

TEST(KedaOperator, PushActivationNamesNoTriggerBeforeV220) {
  for (const std::string version : {"2.17.0", "2.19.0", "2.20.0"}) {
    json s = {{"objects", json::array({deployment({.replicas = 0}), scaled_object({{"pollingInterval", 15}}, push_trigger())})}};
    s["versions"] = {{"keda", version}};
    auto w = make_world(s, {"keda"});
    // The metric exists but is inactive at the first check; it turns active at 1.1 s, seen first
    // by the push at 1.2 s (the poll tick would be at 15 s).
    w->metrics().publish("http-default/web", 0.0, false, kTimeZero);
    struct Flip : Agent {
      World& w;
      explicit Flip(World& world) : w(world) {}
      void on_event(std::uint32_t, std::uint64_t) override { w.metrics().publish("http-default/web", 3.0, true, w.engine().now()); }
    } flip(*w);
    w->engine().schedule_at(SimTime{milliseconds(1100)}, &flip, 0);
    struct Stream : Agent {
      World& w;
      explicit Stream(World& world) : w(world) {}
      void on_event(std::uint32_t, std::uint64_t) override {
        w.metrics().push("http-default/web", w.metrics().read("http-default/web")->active);
        if (w.engine().now() < SimTime{seconds(5)}) w.engine().schedule_after(milliseconds(200), this, 0);
      }
    } stream(*w);
    w->engine().schedule_at(SimTime{milliseconds(200)}, &stream, 0);
    EventLog log(*w);
    w->run(SimTime{seconds(10)});
    EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{1200, 1}})) << version;
    const auto act = log.with_reason("KEDAScaleTargetActivated");
    ASSERT_EQ(act.size(), 1u) << version;
    EXPECT_EQ(act[0].message, std::string("Scaled apps/v1.Deployment default/web from 0 to 1, triggered by ") +
                                  (version == "2.20.0" ? "s0-http-default_002Fweb" : ""))
        << version;
  }
}

TEST(KedaOperator, CreatesTheHpaAsKedaWithTheScaledObjectsSettings) {
  json behavior = {{"scaleDown", {{"stabilizationWindowSeconds", 60}}}};
  json so = scaled_object({{"minReplicaCount", 0},
                           {"maxReplicaCount", 7},
                           {"advanced", {{"horizontalPodAutoscalerConfig", {{"behavior", behavior}}}}}});
  auto w = make_world(scenario(json::array({deployment({.replicas = 1}), so}), series({{0, 0}})), kModels);
  w->run(SimTime{seconds(1)});
  ObjectPtr hpa = w->api().get(ObjectRef{"HorizontalPodAutoscaler", "default", "keda-hpa-web"});
  ASSERT_TRUE(hpa);
  const json& spec = (*hpa)["spec"];
  EXPECT_EQ(spec["minReplicas"], 1);
  EXPECT_EQ(spec["maxReplicas"], 7);
  // KEDA sends the ScaledObject's behavior; the API server completes it (autoscaling/v2
  // GenerateHPAScaleUpRules / GenerateHPAScaleDownRules).
  EXPECT_EQ(spec["behavior"], json::parse(R"({
    "scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Max",
      "policies":[{"type":"Percent","value":100,"periodSeconds":15}]},
    "scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max",
      "policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]}})"));
  EXPECT_EQ(spec["scaleTargetRef"], (json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}));
  ASSERT_EQ(spec["metrics"].size(), 1u);
  const json& m = spec["metrics"][0];
  EXPECT_EQ(m["type"], "External");
  EXPECT_EQ(m["external"]["metric"]["name"], "s0-queue");
  EXPECT_EQ(m["external"]["metric"]["selector"]["matchLabels"]["scaledobject.keda.sh/name"], "web");
  EXPECT_EQ(m["external"]["target"], (json{{"type", "AverageValue"}, {"averageValue", "100"}}));
  const json& owner = (*hpa)["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "ScaledObject");
  EXPECT_EQ(owner["name"], "web");
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ((*with_managed_fields(hpa))["metadata"]["managedFields"][0]["manager"], "keda");
  const json st = so_status(*w);
  EXPECT_EQ(st["hpaName"], "keda-hpa-web");
  EXPECT_EQ(st["externalMetricNames"], json::array({"s0-queue"}));
  EXPECT_EQ(st["scaleTargetKind"], "apps/v1.Deployment");
  EXPECT_EQ(st["originalReplicaCount"], 1);
  EXPECT_EQ(condition(st, "Ready").value("status", ""), "True");
}

TEST(KedaOperator, ValueMetricTypeAndPausedScaleInShapeTheHpa) {
  json triggers = json::array({{{"type", "kcsim-metric"},
                                {"metricType", "Value"},
                                {"metadata", {{"metricName", "queue"}, {"threshold", "2.5"}}}}});
  json so = scaled_object({{"minReplicaCount", 2}}, triggers);
  so["metadata"]["annotations"] = {{"autoscaling.keda.sh/paused-scale-in", "true"}};
  auto w = make_world(scenario(json::array({deployment({.replicas = 2}), so}), series({{0, 0}})), kModels);
  w->run(SimTime{seconds(1)});
  ObjectPtr hpa = w->api().get(ObjectRef{"HorizontalPodAutoscaler", "default", "keda-hpa-web"});
  ASSERT_TRUE(hpa);
  EXPECT_EQ((*hpa)["spec"]["minReplicas"], 2);
  EXPECT_EQ((*hpa)["spec"]["metrics"][0]["external"]["target"], (json{{"type", "Value"}, {"value", "2500m"}}));
  EXPECT_EQ((*hpa)["spec"]["behavior"]["scaleDown"]["selectPolicy"], "Disabled");
  EXPECT_FALSE((*hpa)["spec"]["behavior"]["scaleDown"].contains("stabilizationWindowSeconds"));
  EXPECT_EQ(condition(so_status(*w), "Paused").value("status", ""), "True");
}

TEST(KedaOperator, ManagedFieldsShowKedaThroughTheScaleSubresource) {
  auto w = make_world(scenario(json::array({deployment({.replicas = 0}), scaled_object()}), series({{0, 5}})), kModels);
  w->run(SimTime{seconds(5)});
  ObjectPtr d = w->api().get(ObjectRef{"Deployment", "default", "web"});
  bool found = false;
  const ObjectPtr served = with_managed_fields(d);
  for (const json& e : (*served)["metadata"]["managedFields"]) {
    if (e.value("manager", "") != "keda") continue;
    found = true;
    EXPECT_EQ(e["operation"], "Update");
    EXPECT_EQ(e["subresource"], "scale");
    EXPECT_EQ(e["fieldsV1"], (json{{"f:spec", {{"f:replicas", json::object()}}}}));
  }
  EXPECT_TRUE(found);
  for (const WriteRecord& r : w->api().writes()) {
    if (r.manager() == "keda" && r.object().kind == "Deployment") {
      EXPECT_EQ(r.subresource(), "scale");
    }
  }
}

TEST(KedaOperator, StatusIsWrittenOnlyWhenItChanges) {
  // Idle at 0 replicas for an hour: after the first reconcile and the first check, nothing
  // changes, so KEDA writes nothing more (120 ticks).
  auto w = make_world(scenario(json::array({deployment({.replicas = 0}), scaled_object()}), series({{0, 0}})), kModels);
  w->run(SimTime{hours(1)});
  std::set<std::int64_t> instants;
  for (const WriteRecord& r : w->api().writes())
    if (r.manager() == "keda" && r.object().kind == "ScaledObject" && r.subresource() == "status") instants.insert(ms(r.at()));
  EXPECT_LE(instants.size(), 2u);
  for (std::int64_t t : instants) EXPECT_EQ(t, 0);
  // While active with replicas > 0, lastActiveTime moves at every tick: a write per tick.
  auto w2 = make_world(scenario(json::array({deployment({.replicas = 1}), scaled_object()}), series({{0, 5}})), kModels);
  w2->run(SimTime{minutes(5)});
  std::set<std::int64_t> active;
  for (const WriteRecord& r : w2->api().writes())
    if (r.manager() == "keda" && r.field() == "/status/lastActiveTime") active.insert(ms(r.at()));
  EXPECT_EQ(active.size(), 11u);  // 0, 30, ..., 300
}

TEST(KedaOperator, MissingMetricIsATriggerError) {
  // The metric appears only at 60 s: until then the scaler errors: Ready=False TriggerError and
  // no scaling (replicas stay 1 although inactive with min 0).
  auto w = make_world(scenario(json::array({deployment({.replicas = 1}), scaled_object()}), series({{60, 0}})), kModels);
  w->run(SimTime{seconds(45)});
  EXPECT_EQ(condition(so_status(*w), "Ready").value("reason", ""), "TriggerError");
  EXPECT_TRUE(replica_writes(*w, "keda").empty());
  w->run(SimTime{seconds(61)});
  EXPECT_EQ(condition(so_status(*w), "Ready").value("reason", ""), "ScaledObjectReady");
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{60000, 0}}));
}

TEST(KedaOperator, FallbackScalesDirectlyOnlyBeforeV217) {
  for (const std::string version : {"2.16.0", "2.17.0"}) {
    json s = scenario(json::array({deployment({.replicas = 1}), scaled_object({{"fallback", {{"failureThreshold", 3}, {"replicas", 4}}}})}),
                      series({{600, 0}}));
    s["versions"] = {{"keda", version}};
    auto w = make_world(s, kModels);
    w->run(SimTime{seconds(10)});
    EXPECT_EQ(replica_writes(*w, "keda"), version == "2.16.0" ? (Writes{{0, 4}}) : Writes{}) << version;
  }
}

TEST(KedaOperator, InvalidSpecIsAWarningEventNotACrash) {
  // A wrongly typed spec is refused when the scenario is loaded (the CRD's schema: "in body must
  // be of type integer"); should one reach the operator anyway (written past validation): a
  // Warning event, no crash, no HPA.
  json so = scaled_object({{"cooldownPeriod", "five minutes"}});
  EXPECT_THROW(make_world(scenario(json::array({deployment({.replicas = 1}), so}), series({{0, 0}})), kModels),
               InputError);
  auto w = make_world(scenario(json::array({deployment({.replicas = 1})}), series({{0, 0}})), kModels);
  so["metadata"]["namespace"] = "default";
  ASSERT_TRUE(w->api().create(so, "test").status.ok());
  EventLog log(*w);
  w->run(SimTime{minutes(2)});
  const auto failed = log.with_reason("ScaledObjectCheckFailed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].type, "Warning");
  EXPECT_NE(failed[0].message.find("spec.cooldownPeriod must be an integer"), std::string::npos);
  EXPECT_FALSE(w->api().get(ObjectRef{"HorizontalPodAutoscaler", "default", "keda-hpa-web"}));
  EXPECT_TRUE(replica_writes(*w, "keda").empty());
  EXPECT_EQ(condition(so_status(*w), "Ready").value("status", ""), "False");
  // Triggers of the wrong shape, an unknown scaler type, bounds out of order: reported, no crash.
  for (json bad : {scaled_object(json::object(), json::array({{{"type", "kcsim-metric"}, {"metadata", "oops"}}})),
                   scaled_object(json::object(), json::array({{{"type", "kafka"}, {"metadata", json::object()}}})),
                   scaled_object(json::object(), json::array({{{"type", 3}}})),
                   scaled_object({{"minReplicaCount", 5}, {"maxReplicaCount", 2}}),
                   scaled_object({{"scaleTargetRef", {{"name", "nope"}}}})}) {
    auto w2 = make_world(scenario(json::array({deployment({.replicas = 1})}), series({{0, 0}})), kModels);
    bad["metadata"]["namespace"] = "default";
    ASSERT_TRUE(w2->api().create(bad, "test").status.ok());  // some are wrongly typed: past validation
    EventLog log2(*w2);
    w2->run(SimTime{minutes(1)});
    EXPECT_FALSE(log2.with_reason("ScaledObjectCheckFailed").empty()) << bad.dump();
    EXPECT_TRUE(replica_writes(*w2, "keda").empty());
  }
}

TEST(KedaOperator, GenerationChangeRestartsTheLoopPhase) {
  // Loop from 0 s (ticks 0, 30, 60 ...). At 50 s the spec changes (pollingInterval 20): the loop
  // restarts at 50.005 s, ticks 50.005, 70.005, 90.005. The metric turns active at 80 s.
  json s = scenario(json::array({deployment({.replicas = 0}), scaled_object()}), series({{0, 0}, {80, 5}}));
  s["timeline"] = json::array({{{"at", "50s"}, {"action", "kubectl patch"}, {"target", "scaledobject/web"},
                                {"patch", {{"spec", {{"pollingInterval", 20}}}}}}});
  auto w = make_world(s, kModels);
  w->run(SimTime{minutes(2)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{90005, 1}}));
}

TEST(KedaOperator, PausedReplicasScaleTheTargetAndDeleteTheHpa) {
  json so = scaled_object();
  so["metadata"]["annotations"] = {{"autoscaling.keda.sh/paused-replicas", "2"}};
  auto w = make_world(scenario(json::array({deployment({.replicas = 0}), so}), series({{0, 5}})), kModels);
  EventLog log(*w);
  w->run(SimTime{minutes(2)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{0, 2}}));
  EXPECT_FALSE(w->api().get(ObjectRef{"HorizontalPodAutoscaler", "default", "keda-hpa-web"}));
  EXPECT_EQ(log.with_reason("ScaledObjectPaused").size(), 1u);
  EXPECT_EQ(so_status(*w)["pausedReplicaCount"], 2);
}

TEST(KedaOperator, IdleReplicaCountScalesToIdleAndBackToMin) {
  // idle 0, min 2: inactive with 2 > idle scales in to idle after the (creation) cooldown (30 s);
  // active with 0 < min scales out to min (60 s tick after the metric turns active at 45 s).
  auto w = make_world(scenario(json::array({deployment({.replicas = 2}), scaled_object({{"idleReplicaCount", 0}, {"minReplicaCount", 2}})}),
                               series({{0, 0}, {45, 5}})),
                      kModels);
  EventLog log(*w);
  w->run(SimTime{minutes(2)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{30000, 0}, {60000, 2}}));
  ASSERT_EQ(log.with_reason("KEDAScaleTargetActivated").size(), 1u);
  EXPECT_EQ(log.with_reason("KEDAScaleTargetActivated")[0].message,
            "Scaled apps/v1.Deployment default/web from 0 to 2, triggered by s0-queue");
  // The HPA's floor is min (2), not idle.
  EXPECT_EQ((*w->api().get(ObjectRef{"HorizontalPodAutoscaler", "default", "keda-hpa-web"}))["spec"]["minReplicas"], 2);
}

TEST(KedaOperator, DeletionRestoresTheOriginalReplicaCountWhenAsked) {
  json s = scenario(json::array({deployment({.replicas = 3}), scaled_object({{"advanced", {{"restoreToOriginalReplicaCount", true}}}})}),
                    series({{0, 0}}));
  s["timeline"] = json::array({{{"at", "60s"}, {"action", "kubectl delete"}, {"target", "scaledobject/web"}}});
  auto w = make_world(s, kModels);
  w->run(SimTime{minutes(3)});
  EXPECT_EQ(replica_writes(*w, "keda"), (Writes{{30000, 0}, {60005, 3}}));
  EXPECT_FALSE(w->api().get(ObjectRef{"HorizontalPodAutoscaler", "default", "keda-hpa-web"}));
}

TEST(KedaOperator, UnknownSettingIsAnInputError) {
  json s = scenario(json::array({deployment({.replicas = 1})}), series({{0, 0}}));
  s["settings"]["keda"] = {{"pollingInterval", 10}};
  try {
    make_world(s, kModels);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/keda/pollingInterval");
    EXPECT_EQ(e.file(), "test.json");
  }
  s["settings"]["keda"] = {{"scaleRequestLatency", true}};
  EXPECT_THROW(make_world(s, kModels), InputError);
}

TEST(MetricSource, StepsRampsAndInvalidSettings) {
  json m = {{"points", json::array({{{"at", "0s"}, {"value", 0}}, {{"at", "10s"}, {"value", 10}}})},
            {"interpolation", "linear"}};
  json s = {{"settings", {{"metric-source", {{"metrics", {{"ramp", m}}}}}}}};
  auto w = make_world(s, {"metric-source"});
  w->run(SimTime{milliseconds(4500)});
  EXPECT_DOUBLE_EQ(w->metrics().read("ramp")->value, 4.0);
  EXPECT_TRUE(w->metrics().read("ramp")->active);
  w->run(SimTime{seconds(20)});
  EXPECT_DOUBLE_EQ(w->metrics().read("ramp")->value, 10.0);
  json bad = {{"settings", {{"metric-source", {{"metrics", {{"x", {{"points", json::array({{{"at", "5s"}, {"value", "high"}}})}}}}}}}}}};
  try {
    make_world(bad, {"metric-source"});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/metric-source/metrics/x/points/0/value");
  }
}

}  // namespace
}  // namespace kcsim
