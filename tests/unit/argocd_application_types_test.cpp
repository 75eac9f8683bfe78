// The typed view of an argoproj.io/v1alpha1 Application (models/argocd/application.hpp): what the
// application controller reads of the spec, the status and the operation state, absent and
// wrongly typed members, the verbatim parts it compares and copies, and RetryStrategy's wait
// (argo-cd pkg/apis/application/v1alpha1/types.go NextRetryAt).
#include <gtest/gtest.h>

#include "../../models/argocd/application.hpp"

namespace kcsim::argocd {
namespace {

json app_with(json spec, json status = nullptr) {
  json app = {{"apiVersion", "argoproj.io/v1alpha1"},
              {"kind", "Application"},
              {"metadata", {{"name", "web"}, {"namespace", "argocd"}}},
              {"spec", std::move(spec)}};
  if (!status.is_null()) app["status"] = std::move(status);
  return app;
}

TEST(ApplicationType, ReadsSourceDestinationAndSyncPolicy) {
  const json doc = app_with({{"source", {{"repoURL", "https://git.example/apps.git"},
                                         {"path", "web"},
                                         {"targetRevision", "main"},
                                         {"directory", {{"recurse", true}}}}},
                             {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", "shop"}}},
                             {"syncPolicy", {{"automated", {{"prune", true}, {"selfHeal", true}}},
                                             {"syncOptions", {"ServerSideApply=true"}},
                                             {"retry", {{"limit", 3}}}}},
                             {"revisionHistoryLimit", 4}});
  const Application app = parse_application(doc);
  EXPECT_EQ(app.metadata.name, "web");
  EXPECT_EQ(app.ref(), (ObjectRef{"Application", "argocd", "web"}));
  EXPECT_EQ(app.spec.source.repo_url, "https://git.example/apps.git");
  EXPECT_EQ(app.spec.source.path, "web");
  EXPECT_EQ(app.spec.source.target_revision, "main");
  EXPECT_TRUE(app.spec.source.directory_recurse);
  EXPECT_EQ(app.spec.destination.namespace_, "shop");
  EXPECT_TRUE(app.spec.sync_policy.automated);
  EXPECT_TRUE(app.spec.sync_policy.prune);
  EXPECT_TRUE(app.spec.sync_policy.self_heal);
  EXPECT_FALSE(app.spec.sync_policy.allow_empty);
  EXPECT_TRUE(app.spec.sync_policy.has_option("ServerSideApply=true"));
  EXPECT_EQ(app.spec.revision_history_limit, 4);
  EXPECT_FALSE(app.spec.has_sources);
}

TEST(ApplicationType, ComparedAndCopiedPartsPointIntoTheStoredVersion) {
  const json doc = app_with({{"source", {{"repoURL", "r"}}},
                             {"destination", {{"namespace", "shop"}}},
                             {"ignoreDifferences", {{{"kind", "Deployment"}, {"jsonPointers", {"/spec/replicas"}}}}},
                             {"syncPolicy", {{"automated", json::object()}, {"retry", {{"limit", 2}}}}}},
                            {{"sync", {{"comparedTo", {{"source", {{"repoURL", "r"}}}}}}}});
  const Application app = parse_application(doc);
  EXPECT_EQ(app.spec.source.raw, &doc["spec"]["source"]);
  EXPECT_EQ(app.spec.destination.raw, &doc["spec"]["destination"]);
  EXPECT_EQ(app.spec.ignore_differences, &doc["spec"]["ignoreDifferences"]);
  EXPECT_EQ(app.spec.automated, &doc["spec"]["syncPolicy"]["automated"]);
  EXPECT_EQ(app.spec.retry, &doc["spec"]["syncPolicy"]["retry"]);
  EXPECT_EQ(app.status.raw, &doc["status"]);
  EXPECT_EQ(app.status.sync.compared_to.source, &doc["status"]["sync"]["comparedTo"]["source"]);
  EXPECT_EQ(app.status.sync.compared_to.destination, nullptr);
}

TEST(ApplicationType, AbsentMembersReadAsUpstreamDefaults) {
  const Application app = parse_application(app_with(json::object()));
  EXPECT_EQ(app.spec.source.raw, nullptr);
  EXPECT_EQ(app.spec.source.target_revision, "");
  EXPECT_FALSE(app.spec.sync_policy.automated);
  EXPECT_EQ(app.spec.revision_history_limit, kDefaultRevisionHistoryLimit);
  EXPECT_EQ(app.operation, nullptr);
  EXPECT_EQ(app.status.raw, nullptr);
  EXPECT_FALSE(app.status.reconciled_at);
  EXPECT_FALSE(app.status.operation_state);
  EXPECT_EQ(app.status.history, nullptr);
}

TEST(ApplicationType, WronglyTypedMembersReadAsZeroValues) {
  json doc = app_with({{"source", {{"targetRevision", 5}, {"directory", {{"recurse", "yes"}}}}},
                       {"revisionHistoryLimit", "3"},
                       {"syncPolicy", {{"automated", true}}}},
                      {{"reconciledAt", 17}, {"operationState", json::array()}, {"history", "none"}});
  doc["operation"] = nullptr;
  const Application app = parse_application(doc);
  EXPECT_EQ(app.spec.source.target_revision, "");
  EXPECT_FALSE(app.spec.source.directory_recurse);
  EXPECT_EQ(app.spec.revision_history_limit, kDefaultRevisionHistoryLimit);
  EXPECT_FALSE(app.spec.sync_policy.automated);  // automated must be an object
  EXPECT_EQ(app.operation, nullptr);             // operation: null is no operation
  EXPECT_FALSE(app.status.reconciled_at);
  EXPECT_FALSE(app.status.operation_state);
  EXPECT_EQ(app.status.history, nullptr);
  // A status that is not an object is no status.
  EXPECT_EQ(parse_application(app_with(json::object(), "Synced")).status.raw, nullptr);
}

TEST(ApplicationType, ReadsTheStatusAndTheLastOperationState) {
  const json doc = app_with(
      json::object(),
      {{"reconciledAt", "2026-01-01T00:03:00Z"},
       {"sync", {{"status", "OutOfSync"}, {"revision", "abc"}}},
       {"health", {{"status", "Progressing"}, {"lastTransitionTime", "2026-01-01T00:01:00Z"}}},
       {"operationState", {{"phase", "Succeeded"},
                           {"message", "successfully synced (all tasks run)"},
                           {"finishedAt", "2026-01-01T00:02:00Z"},
                           {"retryCount", 2},
                           {"operation", {{"sync", {{"autoHealAttemptsCount", 3}}}}},
                           {"syncResult", {{"revision", "abc"}, {"source", {{"repoURL", "r"}}}}}}},
       {"history", json::array({{{"id", 0}}})}});
  const Application app = parse_application(doc);
  EXPECT_EQ(app.status.reconciled_at, "2026-01-01T00:03:00Z");
  EXPECT_EQ(app.status.sync.status, "OutOfSync");
  EXPECT_EQ(app.status.sync.revision, "abc");
  EXPECT_EQ(app.status.health.status, "Progressing");
  EXPECT_EQ(app.status.health.last_transition_time, &doc["status"]["health"]["lastTransitionTime"]);
  ASSERT_TRUE(app.status.operation_state);
  const OperationState& os = *app.status.operation_state;
  EXPECT_EQ(os.raw, &doc["status"]["operationState"]);
  EXPECT_EQ(os.phase, "Succeeded");
  EXPECT_EQ(os.message, "successfully synced (all tasks run)");
  EXPECT_EQ(os.finished_at, "2026-01-01T00:02:00Z");
  EXPECT_EQ(os.retry_count, 2);
  EXPECT_EQ(os.operation.raw, &doc["status"]["operationState"]["operation"]);
  EXPECT_EQ(os.operation.sync.auto_heal_attempts_count, 3);
  ASSERT_TRUE(os.sync_result);
  EXPECT_EQ(os.sync_result->revision, "abc");
  EXPECT_EQ(os.sync_result->source, &doc["status"]["operationState"]["syncResult"]["source"]);
  EXPECT_EQ(app.status.history, &doc["status"]["history"]);
}

TEST(ApplicationType, AnOperationStateWithoutSyncResultHasNone) {
  const json doc = app_with(json::object(), {{"operationState", {{"phase", "Running"}, {"syncResult", nullptr}}}});
  const Application app = parse_application(doc);
  ASSERT_TRUE(app.status.operation_state);
  EXPECT_FALSE(app.status.operation_state->sync_result);
  EXPECT_FALSE(app.status.operation_state->finished_at);
}

TEST(RetryStrategy, DefaultsWaitFiveSecondsDoublingUpToThreeMinutes) {
  const RetryStrategy r = parse_retry_strategy(nullptr);
  EXPECT_EQ(r.limit, 0);
  EXPECT_EQ(r.wait(0), seconds(5));
  EXPECT_EQ(r.wait(1), seconds(10));
  EXPECT_EQ(r.wait(5), seconds(160));
  EXPECT_EQ(r.wait(6), minutes(3));
}

TEST(RetryStrategy, BackoffDurationsAreSecondsOrGoDurations) {
  const json retry = {{"limit", -1}, {"backoff", {{"duration", "10s"}, {"factor", 3}, {"maxDuration", 60}}}};
  const RetryStrategy r = parse_retry_strategy(&retry);
  EXPECT_EQ(r.limit, -1);
  EXPECT_EQ(r.wait(0), seconds(10));
  EXPECT_EQ(r.wait(1), seconds(30));
  EXPECT_EQ(r.wait(2), seconds(60));  // 90 s capped at maxDuration
  const json digits = {{"backoff", {{"duration", "7"}, {"maxDuration", "0"}}}};
  const RetryStrategy d = parse_retry_strategy(&digits);
  EXPECT_EQ(d.wait(0), seconds(7));
  EXPECT_EQ(d.wait(6), seconds(7 * 64));  // maxDuration 0: no cap
}

TEST(RetryStrategy, AnUnreadableDurationKeepsItsDefault) {
  const json retry = {{"backoff", {{"duration", "soon"}, {"factor", "2"}}}};
  const RetryStrategy r = parse_retry_strategy(&retry);
  EXPECT_EQ(r.duration, seconds(5));
  EXPECT_EQ(r.factor, 2);
}

}  // namespace
}  // namespace kcsim::argocd
