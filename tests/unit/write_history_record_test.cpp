// The write history's records (include/kcsim/apiserver/write_record.hpp): interned parts, so that
// a long run keeps a small record per write (issue #15), and values given back as written.
#include "kcsim/apiserver/write_record.hpp"

#include <gtest/gtest.h>

#include "kcsim/apiserver/api_server.hpp"

namespace kcsim {
namespace {

// A record is a time, five pointers and two one-byte enums: 56 bytes on a 64-bit target.
static_assert(sizeof(WriteRecord) <= 64, "a write record points to its parts; it does not own them");

TEST(WriteHistoryRecord, EqualInputsGiveEqualRecordsSharingOneCopyOfEachPart) {
  WriteInterner interner;
  const ObjectRef web{"Deployment", "prod", "web"};
  const WriteRecord a = interner.record(SimTime{seconds(5)}, "keda", web, "/spec/replicas", WriteOperation::kUpdate,
                                        WriteSubresource::kScale, 1, 0);
  const WriteRecord b = interner.record(SimTime{seconds(5)}, std::string("keda"), ObjectRef{"Deployment", "prod", "web"},
                                        std::string("/spec/replicas"), WriteOperation::kUpdate, WriteSubresource::kScale,
                                        json(1), json(0));
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.manager(), &b.manager());
  EXPECT_EQ(&a.object(), &b.object());
  EXPECT_EQ(&a.field(), &b.field());
  EXPECT_EQ(&a.new_value(), &b.new_value());

  const WriteRecord c = interner.record(SimTime{seconds(5)}, "keda", web, "/spec/replicas", WriteOperation::kUpdate,
                                        WriteSubresource::kScale, 1, 2);
  EXPECT_NE(a, c);
  EXPECT_EQ(&a.old_value(), &c.old_value());
}

TEST(WriteHistoryRecord, GivesBackEveryPartAsWritten) {
  WriteInterner interner;
  const WriteRecord w = interner.record(SimTime{minutes(6)}, "argocd-controller", ObjectRef{"Application", "argocd", "web"},
                                        "/status/sync/status", WriteOperation::kApply, WriteSubresource::kStatus,
                                        "Synced", "OutOfSync");
  EXPECT_EQ(w.at(), SimTime{minutes(6)});
  EXPECT_EQ(w.manager(), "argocd-controller");
  EXPECT_EQ(w.object(), (ObjectRef{"Application", "argocd", "web"}));
  EXPECT_EQ(w.field(), "/status/sync/status");
  EXPECT_EQ(w.operation(), "Apply");
  EXPECT_EQ(w.subresource(), "status");
  EXPECT_EQ(w.old_value(), "Synced");
  EXPECT_EQ(w.new_value(), "OutOfSync");

  const WriteRecord created = interner.record(kTimeZero, "kubectl", ObjectRef{"Deployment", "prod", "web"}, "",
                                              WriteOperation::kCreate, WriteSubresource::kNone);
  EXPECT_EQ(created.field(), "");
  EXPECT_EQ(created.operation(), "Create");
  EXPECT_EQ(created.subresource(), "");
  EXPECT_TRUE(created.old_value().is_null());
  EXPECT_TRUE(created.new_value().is_null());
}

TEST(WriteHistoryRecord, KeepsTheNumberTypeOfEachValue) {
  // json's == holds 1, 1u and 1.0 equal; the history prints them as written ("1" and "1.0").
  WriteInterner interner;
  const json* integer = interner.value(json(std::int64_t{1}));
  const json* unsigned_integer = interner.value(json(std::uint64_t{1}));
  const json* real = interner.value(json(1.0));
  EXPECT_EQ(integer->type(), json::value_t::number_integer);
  EXPECT_EQ(unsigned_integer->type(), json::value_t::number_unsigned);
  EXPECT_EQ(real->type(), json::value_t::number_float);
  EXPECT_EQ(real->dump(), "1.0");
  EXPECT_EQ(interner.value(json(-0.0))->dump(), "-0.0");
  EXPECT_EQ(interner.value(json(0.0))->dump(), "0.0");
  EXPECT_EQ(interner.value(json(std::int64_t{1})), integer);
  EXPECT_EQ(interner.value(json::array({1, 2}))->dump(), "[1,2]");
  EXPECT_EQ(interner.value(json::object())->dump(), "{}");
  EXPECT_EQ(interner.value(json("1"))->dump(), "\"1\"");
}

TEST(WriteHistoryRecord, OperationAndSubresourceNamesRoundTrip) {
  for (const char* name : {"Create", "Update", "Apply", "Patch", "Delete"})
    EXPECT_EQ(operation_name(parse_write_operation(name)), name);
  for (const char* name : {"", "status", "scale"}) EXPECT_EQ(subresource_name(parse_write_subresource(name)), name);
  EXPECT_THROW(parse_write_operation("Get"), std::invalid_argument);
}

TEST(WriteHistoryRecord, TheApiServerKeepsTheHistoryOnInternedParts) {
  // Two updates of one field by one manager: the second record shares the first's parts.
  Engine engine;
  ApiServer api(engine, Epoch{});
  ASSERT_TRUE(api.create(json{{"apiVersion", "v1"},
                              {"kind", "ConfigMap"},
                              {"metadata", {{"name", "cfg"}, {"namespace", "prod"}}},
                              {"data", {{"a", "1"}}}},
                         "kubectl")
                  .status.ok());
  for (const char* value : {"2", "3"}) {
    json next = *api.get(ObjectRef{"ConfigMap", "prod", "cfg"});
    next["data"]["a"] = value;
    ASSERT_TRUE(api.update(next, "kubectl").status.ok());
  }
  const WriteRecords& writes = api.writes();
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(&writes[1].manager(), &writes[2].manager());
  EXPECT_EQ(&writes[1].object(), &writes[2].object());
  EXPECT_EQ(&writes[1].field(), &writes[2].field());
  EXPECT_EQ(&writes[1].new_value(), &writes[2].old_value());  // "2"
  EXPECT_EQ(writes[2].field(), "/data/a");
  EXPECT_EQ(writes[2].new_value(), "3");
}

}  // namespace
}  // namespace kcsim
