// ArgoCD's comparison memo reuses a diff when the new live version has the same hash view
// (models/argocd/hash_view.hpp): what it ignores and what it does not.
#include <gtest/gtest.h>

#include "../../models/argocd/hash_view.hpp"

namespace kcsim::argocd {
namespace {

using json = nlohmann::json;

json deployment() {
  return json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"prod","resourceVersion":"7","generation":2,
      "labels":{"app":"web"},"managedFields":[{"manager":"kubectl"}]},
    "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}},
    "status":{"readyReplicas":1}})");
}

TEST(HashViewFingerprint, ServerFieldsAndStatusDoNotChangeIt) {
  const HashViewFingerprint base = HashViewFingerprint::of(deployment());
  EXPECT_TRUE(same_hash_view(deployment(), deployment()));
  json other = deployment();
  other["metadata"]["resourceVersion"] = "8";
  other["metadata"]["generation"] = 3;
  other["metadata"]["managedFields"] = json::array();
  other["status"] = {{"readyReplicas", 0}, {"replicas", 1}};
  EXPECT_EQ(HashViewFingerprint::of(other), base);
  EXPECT_TRUE(same_hash_view(deployment(), other));  // the in-place comparison agrees
  other["spec"]["replicas"] = 1.0;  // equal as operator== compares numbers
  EXPECT_EQ(HashViewFingerprint::of(other), base);
}

TEST(HashViewFingerprint, WhatTheDiffReadsChangesIt) {
  const HashViewFingerprint base = HashViewFingerprint::of(deployment());
  for (const char* pointer : {"/spec/replicas", "/metadata/labels/app", "/metadata/name",
                              "/spec/template/spec/containers/0/image"}) {
    json changed = deployment();
    changed[json::json_pointer(pointer)] = changed[json::json_pointer(pointer)].is_number() ? json(0) : json("x");
    EXPECT_NE(HashViewFingerprint::of(changed), base) << pointer;
    EXPECT_FALSE(same_hash_view(deployment(), changed)) << pointer;
  }
  json added = deployment();
  added["metadata"]["annotations"] = {{"a", "b"}};
  EXPECT_NE(HashViewFingerprint::of(added), base);
  // "status" and "generation" are skipped only where gitops-engine skips them.
  json nested = deployment();
  nested["spec"]["status"] = "x";
  EXPECT_NE(HashViewFingerprint::of(nested), base);
  json moved = deployment();
  moved["spec"]["generation"] = 1;
  EXPECT_NE(HashViewFingerprint::of(moved), base);
}

}  // namespace
}  // namespace kcsim::argocd
