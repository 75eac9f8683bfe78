// The API server compares only the parts of an object a status write or a merge patch can have
// changed (mf::Touched, issue #15). These tests check that the scoped comparison finds exactly
// what the whole comparison finds: the same field-ownership sets, the same write records and the
// same managedFields as a whole-object update making the same change.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../../sim/apiserver/managed_fields.hpp"
#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

json stored_deployment() {
  json d = testing::deployment({.name = "web", .ns = "prod", .replicas = 2, .labeled = true});
  d["metadata"]["annotations"] = {{"deployment.kubernetes.io/revision", "1"}, {"team", "a"}};
  d["metadata"]["managedFields"] = json::array(
      {{{"manager", "kubectl"}, {"operation", "Update"}, {"apiVersion", "apps/v1"},
        {"fieldsType", "FieldsV1"}, {"fieldsV1", {{"f:spec", {{"f:replicas", json::object()}}}}}}});
  d["status"] = {{"replicas", 2}, {"readyReplicas", 1}, {"conditions", json::array({{{"type", "Available"}, {"status", "False"}}})}};
  return d;
}

void expect_same(const mf::Comparison& scoped, const mf::Comparison& whole) {
  EXPECT_EQ(scoped.added, whole.added);
  EXPECT_EQ(scoped.modified, whole.modified);
  EXPECT_EQ(scoped.removed, whole.removed);
}

TEST(WriteScope, StatusWriteComparesLikeTheWholeObject) {
  const json live = stored_deployment();
  json next = live;
  next["status"]["readyReplicas"] = 2;
  next["status"]["conditions"][0]["status"] = "True";
  next["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "2";
  mf::Touched touched;
  touched.top = {"status"};
  touched.metadata = {"annotations"};
  const mf::Comparison whole = mf::compare(live, next, mf::schema_for("apps/v1"));
  ASSERT_FALSE(whole.empty());
  expect_same(mf::compare(live, next, mf::schema_for("apps/v1"), &touched), whole);
}

TEST(WriteScope, PatchOfLabelsAndSpecComparesLikeTheWholeObject) {
  const json live = stored_deployment();
  json next = live;
  next["spec"]["replicas"] = 0;
  next["metadata"]["labels"].erase("app");
  next["metadata"].erase("labels");  // an emptied map is dropped
  next["metadata"]["annotations"]["team"] = "b";
  mf::Touched touched;
  touched.top = {"spec"};
  touched.metadata = {"annotations", "labels"};
  const mf::Comparison whole = mf::compare(live, next, mf::schema_for("apps/v1"));
  ASSERT_FALSE(whole.empty());
  expect_same(mf::compare(live, next, mf::schema_for("apps/v1"), &touched), whole);
}

TEST(WriteScope, WholeMetadataInScopeComparesLikeTheWholeObject) {
  const json live = stored_deployment();
  json next = live;
  next["metadata"]["finalizers"] = json::array({"example.com/keep"});
  mf::Touched touched;
  touched.top = {"metadata"};
  const mf::Comparison whole = mf::compare(live, next, mf::schema_for("apps/v1"));
  ASSERT_FALSE(whole.empty());
  expect_same(mf::compare(live, next, mf::schema_for("apps/v1"), &touched), whole);
}

struct Leaf {
  std::string field;
  json old_value, new_value;
  bool operator==(const Leaf&) const = default;
};

std::vector<Leaf> leaves_since(const ApiServer& api, std::size_t from) {
  std::vector<Leaf> out;
  for (std::size_t i = from; i < api.writes().size(); ++i)
    out.push_back({api.writes()[i].field(), api.writes()[i].old_value(), api.writes()[i].new_value()});
  return out;
}

json without_times(json managed) {
  for (json& entry : managed) entry.erase("time");
  return managed;
}

// The same change, once as a merge patch (scoped comparison) and once as an update of the whole
// object (whole comparison), on two servers: the same leaf records and the same managedFields.
TEST(WriteScope, MergePatchRecordsWhatAnUpdateRecords) {
  Engine e1, e2;
  ApiServer patched(e1, Epoch{}), updated(e2, Epoch{});
  for (ApiServer* api : {&patched, &updated}) {
    ASSERT_TRUE(api->create(testing::deployment({.name = "web", .ns = "prod", .replicas = 2, .labeled = true}), "kubectl").status.ok());
  }
  const ObjectRef ref{"Deployment", "prod", "web"};
  const std::size_t before = patched.writes().size();
  ASSERT_EQ(before, updated.writes().size());
  const json patch = {{"spec", {{"replicas", 0}}}, {"metadata", {{"labels", {{"app", nullptr}, {"tier", "web"}}}}}};
  ASSERT_TRUE(patched.merge_patch(ref, patch, "keda").status.ok());
  json whole = *updated.get(ref);
  whole["spec"]["replicas"] = 0;
  whole["metadata"]["labels"] = {{"tier", "web"}};
  ASSERT_TRUE(updated.update(whole, "keda").status.ok());

  const std::vector<Leaf> p = leaves_since(patched, before), u = leaves_since(updated, before);
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p, u);
  EXPECT_EQ(without_times((*with_managed_fields(patched.get(ref)))["metadata"]["managedFields"]),
            without_times((*with_managed_fields(updated.get(ref)))["metadata"]["managedFields"]));
}

}  // namespace
}  // namespace kcsim
