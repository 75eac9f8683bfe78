// Field ownership computed on the managedFields kept beside stored versions
// (sim/apiserver/field_ownership.hpp, issue #15): the set operations on shared tries give exactly
// the sets the wire-form operations (mf::set_union, mf::set_subtract) give, and a write keeps the
// very nodes of every set it does not reach.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../../sim/apiserver/field_ownership.hpp"
#include "../../sim/apiserver/managed_fields.hpp"
#include "../../sim/apiserver/version_store.hpp"
#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/core/engine.hpp"
#include "object_builders.hpp"

namespace kcsim {
namespace {

json wire(const SetNode& node) {
  json out = json::object();
  for (const auto& [key, child] : node.children) out[key] = wire(*child);
  return out;
}

// A small deterministic generator of FieldsV1 sets in wire form: few keys, so that two sets
// overlap often; members with and without children, keyed list items.
struct Sets {
  std::uint64_t state;
  std::uint64_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
  json node(int depth) {
    static const std::vector<std::string> kKeys{"f:a", "f:b", "f:c", R"(k:{"name":"x"})", R"(k:{"name":"y"})"};
    json out = json::object();
    if (depth == 0) return out;  // a member without children
    for (const std::string& key : kKeys)
      if (next() % 3 == 0) out[key] = node(depth - 1);
    if (out.empty()) return out;
    if (next() % 2 == 0) out["."] = json::object();  // also a member itself
    return out;
  }
  json set() {
    json s = node(4);
    s.erase(".");  // the top of a set is not a member
    return s;
  }
};

TEST(FieldOwnership, SetOperationsGiveTheWireFormResults) {
  VersionStore store;
  Sets gen{42};
  int overlapping = 0;
  for (int i = 0; i < 3000; ++i) {
    const json a = gen.set();
    const json b = gen.set();
    const SetNodePtr kept = store.share_node(a);
    ASSERT_TRUE(kept);
    json united = a;
    mf::set_union(united, b);
    EXPECT_EQ(wire(*ownership::unite(store, kept, b)), united) << a.dump() << " ∪ " << b.dump();
    json rest = a;
    mf::set_subtract(rest, b);
    EXPECT_EQ(wire(*ownership::subtract(store, kept, b)), rest) << a.dump() << " − " << b.dump();
    EXPECT_EQ(ownership::empty(*ownership::subtract(store, kept, b)), mf::set_empty(rest));
    if (!mf::set_empty(mf::set_intersection(a, b))) ++overlapping;
  }
  EXPECT_GT(overlapping, 500);  // the generator exercises overlapping sets, not only disjoint ones
}

// The apply's pieces: the intersection that finds conflicts gives mf::set_intersection's set,
// and an applier whose last applied set has nothing the new one lacks releases nothing, whatever
// the others own (the prune's set is last − (applied ∪ others)).
TEST(FieldOwnership, ApplyPiecesGiveTheWireFormResults) {
  VersionStore store;
  Sets gen{7};
  int releasing = 0;
  for (int i = 0; i < 3000; ++i) {
    const json last = gen.set();
    const json applied = gen.set();
    const json others = gen.set();
    const SetNodePtr kept = store.share_node(last);
    EXPECT_EQ(ownership::intersection(*kept, applied), mf::set_intersection(last, applied))
        << last.dump() << " ∩ " << applied.dump();
    EXPECT_EQ(ownership::wire(*kept), last);
    json owned = applied;
    mf::set_union(owned, others);
    json released = last;
    mf::set_subtract(released, owned);
    ManagedEntry own;
    own.fields = kept;
    if (!ownership::releases(store, own, applied)) EXPECT_TRUE(mf::set_empty(released)) << released.dump();
    else ++releasing;
  }
  EXPECT_GT(releasing, 500);
}

TEST(FieldOwnership, UnchangedSetsKeepTheirNodes) {
  VersionStore store;
  const json a = json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}})");
  const SetNodePtr kept = store.share_node(a);
  // Nothing of b in a, and b ⊆ a: the same node, not an equal copy.
  EXPECT_EQ(ownership::subtract(store, kept, json::parse(R"({"f:status":{"f:replicas":{}}})")), kept);
  EXPECT_EQ(ownership::unite(store, kept, json::parse(R"({"f:spec":{"f:replicas":{}}})")), kept);
  // A change shares what it does not reach: f:metadata is the same node in the result.
  const SetNodePtr less = ownership::subtract(store, kept, json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(wire(*less), json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}}})"));
  EXPECT_EQ(less->children.at(0).second, kept->children.at(0).second);
}

// A keyed list item's element is `k:` and the JSON of its key fields in key order, as
// structured-merge-diff's PathElement serialisation writes it (fieldpath/serialize-pe.go): the
// API server shows `k:{"containerPort":8080,"protocol":"TCP"}` for a container port whose
// protocol was defaulted.
TEST(FieldOwnership, KeyedItemsAreNamedByTheirKeyFieldsInKeyOrder) {
  const json config = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"template":{"spec":{"containers":[{"name":"a\"b","ports":[{"containerPort":8080}]}]}}}})");
  const json set = mf::field_set_of_config(config, mf::schema_for("apps/v1"));
  const json& containers = set["f:spec"]["f:template"]["f:spec"]["f:containers"];
  ASSERT_TRUE(containers.contains(R"(k:{"name":"a\"b"})")) << set.dump();
  EXPECT_TRUE(containers[R"(k:{"name":"a\"b"})"]["f:ports"].contains(R"(k:{"containerPort":8080,"protocol":"TCP"})"))
      << set.dump();
  const json service = json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
    "spec":{"ports":[{"port":80,"protocol":"UDP"}]}})");
  EXPECT_TRUE(mf::field_set_of_config(service, mf::schema_for("v1"))["f:spec"]["f:ports"].contains(
      R"(k:{"port":80,"protocol":"UDP"})"));
}

// managedFields of a version as a client reads them.
json managed(const ObjectPtr& version) { return VersionStore::managed_fields(version); }

TEST(FieldOwnership, WritesKeepTheSetsTheyDoNotReach) {
  Engine engine;
  ApiServer api(engine, Epoch{});
  const ObjectRef web{"Deployment", "prod", "web"};
  api.create(testing::deployment({.name = "web", .ns = "prod", .replicas = 2, .labeled = true}),
             "kubectl-client-side-apply");
  json status = *api.get(web);
  status["status"] = {{"replicas", 2}};
  ASSERT_EQ(api.update(status, "kube-controller-manager", "status").status.code, 200);
  const ObjectPtr before = api.get(web);
  const WriteResult scaled = api.update_scale(web, 5, "", "keda");
  ASSERT_EQ(scaled.status.code, 200);

  // The scale write moves spec.replicas to keda's new entry; the controller's status entry is
  // the very node it was, and the client's entry is its set less spec.replicas.
  const ManagedEntries* was = VersionStore::entries(before);
  const ManagedEntries* now = VersionStore::entries(scaled.object);
  ASSERT_TRUE(was && now);
  auto of = [](const ManagedEntries& entries, const std::string& manager) -> const ManagedEntry* {
    for (const ManagedEntry& e : entries)
      if (*e.manager == manager) return &e;
    return nullptr;
  };
  ASSERT_EQ(was->size(), 2u);
  ASSERT_EQ(now->size(), 3u);
  const ManagedEntry* client = of(*now, "kubectl-client-side-apply");
  const ManagedEntry* controller = of(*now, "kube-controller-manager");
  const ManagedEntry* keda = of(*now, "keda");
  ASSERT_TRUE(client && controller && keda && of(*was, "kubectl-client-side-apply") && of(*was, "kube-controller-manager"));
  EXPECT_EQ(controller->fields, of(*was, "kube-controller-manager")->fields);
  EXPECT_TRUE(mf::set_has(wire(*of(*was, "kubectl-client-side-apply")->fields), {"f:spec", "f:replicas"}));
  EXPECT_FALSE(mf::set_has(wire(*client->fields), {"f:spec", "f:replicas"}));
  EXPECT_EQ(wire(*keda->fields), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  // As a client reads them: sorted by operation, time, then manager (all written in one second).
  const json read = managed(scaled.object);
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0]["manager"], "keda");
  EXPECT_EQ(read[0]["subresource"], "scale");
  EXPECT_EQ(read[1]["manager"], "kube-controller-manager");
  EXPECT_EQ(read[2]["manager"], "kubectl-client-side-apply");
}

}  // namespace
}  // namespace kcsim
