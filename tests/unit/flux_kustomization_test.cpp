// The Flux model (models/flux/flux_kustomization.cpp): GitRepository artifacts, Kustomization applies
// with server-side apply as kustomize-controller (force), drift correction every interval, new
// revisions, pruning.
#include <gtest/gtest.h>

#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/input_error.hpp"
#include "model_test_support.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

using testing::deployment;

using testing::EventLog;
using testing::make_world;

json flux_scenario(json extra_commits, json writers) {
  json commits = json::array({{{"at", "0s"}, {"message", "backend"}, {"files", {{"clusters/prod/backend.yaml", json::array({deployment({.name = "backend", .ns = "prod", .replicas = 2, .image = "nginx:1.27"})})}}}}});
  for (const json& c : extra_commits) commits.push_back(c);
  return {{"git", {{"repoURL", "https://git.example.com/platform.git"}, {"commits", commits}}},
          {"objects", json::parse(R"([
            {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
             "metadata": {"name": "platform", "namespace": "flux-system"},
             "spec": {"url": "https://git.example.com/platform.git", "interval": "1m", "ref": {"branch": "main"}}},
            {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
             "metadata": {"name": "apps", "namespace": "flux-system"},
             "spec": {"interval": "5m", "path": "./clusters/prod", "prune": true,
                      "sourceRef": {"kind": "GitRepository", "name": "platform"}}}])")},
          {"settings", {{"periodic-writer", {{"writers", writers}}}}}};
}

std::vector<std::pair<double, std::int64_t>> replica_writes(const World& w, const std::string& manager) {
  std::vector<std::pair<double, std::int64_t>> out;
  for (const WriteRecord& r : w.api().writes())
    if (r.object() == ObjectRef{"Deployment", "prod", "backend"} && r.field() == "/spec/replicas" && r.manager() == manager)
      out.emplace_back(to_seconds(r.at()), r.new_value().get<std::int64_t>());
  return out;
}

TEST(FluxKustomization, AppliesAndCorrectsDriftEveryInterval) {
  json writers = json::parse(R"([{"manager": "night-shift", "target": "Deployment/prod/backend",
    "pointer": "/spec/replicas", "method": "scale", "value": 0, "interval": "7m", "start": "2m"}])");
  auto w = make_world(flux_scenario(json::array(), writers), {"flux", "git", "periodic-writer"});
  EventLog events(*w);
  w->run(SimTime{minutes(16)});
  ObjectPtr d = w->api().get({"Deployment", "prod", "backend"});
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"], "apps");
  // Drift at 2m and 9m is undone at the next 5-minute reconciliation (5m and 10m).
  EXPECT_EQ(replica_writes(*w, "kustomize-controller"),
            (std::vector<std::pair<double, std::int64_t>>{{300, 2}, {600, 2}}));
  bool apply_entry = false;
  const ObjectPtr served = with_managed_fields(d);
  for (const json& e : (*served)["metadata"]["managedFields"])
    if (e["manager"] == "kustomize-controller" && e["operation"] == "Apply") apply_entry = true;
  EXPECT_TRUE(apply_entry);
  ObjectPtr ks = w->api().get({"Kustomization", "flux-system", "apps"});
  EXPECT_EQ((*ks)["status"]["conditions"][0]["reason"], "ReconciliationSucceeded");
  EXPECT_FALSE(events.with_reason("NewArtifact").empty());
  EXPECT_EQ(events.with_reason("Progressing")[0].message, "Deployment/prod/backend created");
}

TEST(FluxKustomization, NewRevisionAndPrune) {
  json commit = {{"at", "3m"}, {"message", "move"}, {"files", {{"clusters/prod/other.yaml", json::array({{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cfg"}, {"namespace", "prod"}}}}})}}}};
  auto w = make_world(flux_scenario(json::array({commit}), json::array()), {"flux", "git", "periodic-writer"});
  w->run(SimTime{minutes(2)});
  EXPECT_TRUE(w->api().get({"Deployment", "prod", "backend"}));
  w->run(SimTime{minutes(4)});
  // The source sees the commit at its 1-minute poll (3m) and the Kustomization follows at once.
  EXPECT_TRUE(w->api().get({"ConfigMap", "prod", "cfg"}));
  EXPECT_FALSE(w->api().get({"Deployment", "prod", "backend"})) << "pruned";
}

TEST(FluxKustomization, MissingSourceIsNotReady) {
  json s = flux_scenario(json::array(), json::array());
  s["objects"].erase(0);
  auto w = make_world(s, {"flux", "git", "periodic-writer"});
  w->run(SimTime{minutes(1)});
  ObjectPtr ks = w->api().get({"Kustomization", "flux-system", "apps"});
  EXPECT_EQ((*ks)["status"]["conditions"][0]["status"], "False");
  EXPECT_EQ((*ks)["status"]["conditions"][0]["reason"], "ArtifactFailed");
}

TEST(PeriodicWriter, ValuesScheduleAndErrors) {
  json writers = json::parse(R"([{"manager": "ops", "target": "Deployment/prod/backend", "pointer": "/spec/replicas",
    "schedule": [{"at": "0s", "value": 1}, {"at": "10m", "value": 4}], "interval": "4m"},
   {"manager": "labeller", "target": "Deployment/prod/backend", "pointer": "/metadata/labels/tier",
    "values": ["a", "b"], "interval": "5m", "start": "1m", "until": "12m"}])");
  json s = {{"objects", json::array({deployment({.name = "backend", .ns = "prod", .replicas = 2, .image = "nginx:1.27"})})}, {"settings", {{"periodic-writer", {{"writers", writers}}}}}};
  auto w = make_world(s, {"periodic-writer"});
  w->run(SimTime{minutes(15)});
  std::vector<std::pair<double, std::int64_t>> ops;
  for (const WriteRecord& r : w->api().writes())
    if (r.manager() == "ops" && r.field() == "/spec/replicas") ops.emplace_back(to_seconds(r.at()), r.new_value().get<std::int64_t>());
  EXPECT_EQ(ops, (std::vector<std::pair<double, std::int64_t>>{{0, 1}, {720, 4}}));
  std::vector<std::string> labels;
  for (const WriteRecord& r : w->api().writes())
    if (r.manager() == "labeller") labels.push_back(r.new_value().get<std::string>());
  EXPECT_EQ(labels, (std::vector<std::string>{"a", "b", "a"}));
  json bad = {{"settings", {{"periodic-writer", {{"writers", json::parse(R"([{"manager": "x", "target": "Deployment/prod/backend", "pointer": "/spec/replicas", "value": 1}])")}}}}}};
  try {
    make_world(bad, {"periodic-writer"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/settings/periodic-writer/writers/0/interval");
  }
}

}  // namespace
}  // namespace kcsim
