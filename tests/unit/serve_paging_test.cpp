// kcsim serve's paging (issue #18): `limit` and `continue` as kube-apiserver serves them from
// etcd: pages complete and in list order, the continue token, remainingItemCount, the list at the
// first page's resourceVersion, 410 for a token whose list is gone, 400 for a bad token; and the
// real kubectl's `get`, which asks 500 objects at a time, over more than 500.
#include <gtest/gtest.h>

#include <fstream>

#include <fmt/format.h>

#include "cli_test_support.hpp"
#include "serve_test_support.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/list_paging.hpp"
#include "kcsim/serve/write_requests.hpp"

namespace kcsim {
namespace {

using testing::find_kubectl;
using testing::ServeProcess;

// A scenario of `count` ConfigMaps in the namespaces "a", "a-b" and "b" ("a" a prefix of "a-b":
// the keys "a/..." and "a-b/..." order differently from the namespaces).
std::string configmaps_scenario(const std::string& dir, int count) {
  json objects = json::array();
  const char* namespaces[] = {"a", "a-b", "b"};
  for (int i = 0; i < count; ++i)
    objects.push_back({{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                       {"metadata", {{"name", fmt::format("cm-{:04}", i)}, {"namespace", namespaces[i % 3]},
                                     {"labels", {{"parity", i % 2 ? "odd" : "even"}}}}},
                       {"data", {{"i", std::to_string(i)}}}});
  const json scenario = {{"apiVersion", "kcsim/v1"}, {"kind", "Scenario"}, {"metadata", {{"name", "many-configmaps"}}},
                         {"seed", 1}, {"duration", "10m"}, {"objects", objects}};
  const std::string path = dir + "/many-configmaps.json";
  std::ofstream(path) << scenario.dump(1);
  return path;
}

ApiRequest get(const std::string& target) {
  ApiRequest r;
  r.target = target;
  r.accept = "application/json";
  r.user_agent = "kubectl/v1.32.4";
  return r;
}

std::vector<std::string> keys_of(const json& list) {
  std::vector<std::string> out;
  for (const json& o : list["items"]) out.push_back(o["metadata"].value("namespace", "") + "/" + o["metadata"]["name"].get<std::string>());
  return out;
}

TEST(ListPaging, ContinueTokenIsEtcd3s) {
  // base64url, unpadded, of {"v":"meta.k8s.io/v1","rv":42,"start":"a/cm-0001\u0000"}.
  const std::string token = encode_continue({42, std::string("a/cm-0001") + '\0'});
  EXPECT_EQ(token, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDIsInN0YXJ0IjoiYS9jbS0wMDAxXHUwMDAwIn0");
  const auto back = decode_continue(token);
  ASSERT_TRUE(std::holds_alternative<ContinueToken>(back));
  EXPECT_EQ(std::get<ContinueToken>(back).resource_version, 42);
  EXPECT_EQ(std::get<ContinueToken>(back).start, std::string("a/cm-0001") + '\0');
  auto error = [](const std::string& text) {
    const auto d = decode_continue(text);
    return std::holds_alternative<std::string>(d) ? std::get<std::string>(d) : "(decoded)";
  };
  EXPECT_EQ(error("!!"), "continue key is not valid: illegal base64 data at input byte 0");
  EXPECT_EQ(error(encode_continue({0, "x"})), "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  EXPECT_EQ(error(encode_continue({5, ""})), "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
  EXPECT_EQ(error(encode_continue({5, "../x"})), "continue key is not valid: ../x");
}

TEST(ServePaging, PagesAreTheListInOrderWithContinueAndRemainingItemCount) {
  const std::string dir = testing::test_dir();
  World world(load_scenario(configmaps_scenario(dir, 23)));
  world.run(SimTime{minutes(1)});
  const ClusterApi api(world, "127.0.0.1:1");
  const json whole = json::parse(api.handle(get("/api/v1/configmaps")).body);
  const std::vector<std::string> all = keys_of(whole);
  ASSERT_GE(all.size(), 23u);
  EXPECT_FALSE(whole["metadata"].contains("continue"));

  for (const int limit : {1, 5, 7, 23, 500}) {
    std::vector<std::string> paged;
    std::string token;
    int pages = 0;
    do {
      const json page = json::parse(api.handle(get("/api/v1/configmaps?limit=" + std::to_string(limit) +
                                                   (token.empty() ? "" : "&continue=" + token))).body);
      ASSERT_LE(page["items"].size(), static_cast<std::size_t>(limit));
      for (const std::string& k : keys_of(page)) paged.push_back(k);
      token = page["metadata"].value("continue", "");
      // remainingItemCount: what follows this page, on every page but the last.
      if (!token.empty()) EXPECT_EQ(page["metadata"]["remainingItemCount"], all.size() - paged.size());
      else EXPECT_FALSE(page["metadata"].contains("remainingItemCount"));
      EXPECT_EQ(page["metadata"]["resourceVersion"], whole["metadata"]["resourceVersion"]);
      ++pages;
    } while (!token.empty() && pages < 100);
    EXPECT_EQ(paged, all) << "limit " << limit;
    EXPECT_EQ(pages, static_cast<int>((all.size() + limit - 1) / limit)) << "limit " << limit;
  }

  // One namespace; a selector: pages of what it selects, and no remainingItemCount.
  const std::vector<std::string> in_a = keys_of(json::parse(api.handle(get("/api/v1/namespaces/a/configmaps")).body));
  const json first_a = json::parse(api.handle(get("/api/v1/namespaces/a/configmaps?limit=3")).body);
  EXPECT_EQ(keys_of(first_a), std::vector<std::string>(in_a.begin(), in_a.begin() + 3));
  EXPECT_EQ(first_a["metadata"]["remainingItemCount"], in_a.size() - 3);
  const json odd = json::parse(api.handle(get("/api/v1/configmaps?labelSelector=parity%3Dodd&limit=4")).body);
  ASSERT_EQ(odd["items"].size(), 4u);
  for (const json& o : odd["items"]) EXPECT_EQ(o["metadata"]["labels"]["parity"], "odd");
  EXPECT_FALSE(odd["metadata"].contains("remainingItemCount"));
  EXPECT_TRUE(odd["metadata"].contains("continue"));
  // A Table (kubectl get) carries the same list metadata.
  const json table = json::parse(api.handle([] {
    ApiRequest r = get("/api/v1/configmaps?limit=2");
    r.accept = "application/json;as=Table;v=v1;g=meta.k8s.io";
    return r;
  }()).body);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["rows"].size(), 2u);
  EXPECT_EQ(table["metadata"]["remainingItemCount"], all.size() - 2);
  // resourceVersion=0 is served from the watch cache, which does not page.
  EXPECT_EQ(keys_of(json::parse(api.handle(get("/api/v1/configmaps?limit=2&resourceVersion=0")).body)), all);
}

TEST(ServePaging, LaterPagesAreTheListAtTheFirstPagesResourceVersion) {
  const std::string dir = testing::test_dir();
  World world(load_scenario(configmaps_scenario(dir, 9)));
  world.run(SimTime{minutes(1)});
  WriteRequests writes(world);
  ClusterApi api(world, "127.0.0.1:1");
  api.allow_writes(&writes);
  const json first = json::parse(api.handle(get("/api/v1/namespaces/b/configmaps?limit=2")).body);
  const std::string token = first["metadata"]["continue"];
  const std::vector<std::string> before = keys_of(json::parse(api.handle(get("/api/v1/namespaces/b/configmaps")).body));
  // A write between the pages: a ConfigMap created at the end of the list.
  ApiRequest create = get("/api/v1/namespaces/b/configmaps");
  create.method = "POST";
  create.content_type = "application/json";
  create.body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"zz-new"}})";
  ASSERT_EQ(api.handle(create).status, 201);
  const json rest = json::parse(api.handle(get("/api/v1/namespaces/b/configmaps?continue=" + token)).body);
  std::vector<std::string> paged = keys_of(first);
  for (const std::string& k : keys_of(rest)) paged.push_back(k);
  EXPECT_EQ(paged, before);  // the list as it was: no zz-new
  EXPECT_EQ(rest["metadata"]["resourceVersion"], first["metadata"]["resourceVersion"]);
  const json now = json::parse(api.handle(get("/api/v1/namespaces/b/configmaps")).body);
  EXPECT_EQ(keys_of(now).back(), "b/zz-new");

  // A token of a list no longer kept (etcd: a compacted revision): 410 Expired, with a token that
  // continues at the current state.
  const std::string gone = encode_continue({3, "cm-0002" + std::string(1, '\0')});
  const ApiResponse expired = api.handle(get("/api/v1/namespaces/b/configmaps?continue=" + gone));
  EXPECT_EQ(expired.status, 410);
  const json status = json::parse(expired.body);
  EXPECT_EQ(status["reason"], "Expired");
  EXPECT_EQ(status["message"],
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the "
            "continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing "
            "with the provided token results in an inconsistent list - objects that were created, modified, or deleted between "
            "the time the first chunk was returned and now may show up in the list.");
  const std::string inconsistent = status["metadata"]["continue"];
  EXPECT_EQ(std::get<ContinueToken>(decode_continue(inconsistent)).resource_version, -1);
  const json remainder = json::parse(api.handle(get("/api/v1/namespaces/b/configmaps?continue=" + inconsistent)).body);
  std::vector<std::string> after_0002;
  for (const std::string& k : keys_of(now))
    if (k > "b/cm-0002") after_0002.push_back(k);
  EXPECT_EQ(keys_of(remainder), after_0002);  // zz-new included: the current state

  // Bad tokens and a resourceVersion with a token: 400, worded as kube-apiserver words them.
  const ApiResponse bad = api.handle(get("/api/v1/configmaps?continue=%21%21"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["message"], "invalid continue token: continue key is not valid: illegal base64 data at input byte 0");
  const ApiResponse with_rv = api.handle(get("/api/v1/namespaces/b/configmaps?resourceVersion=7&continue=" + token));
  EXPECT_EQ(with_rv.status, 400);
  EXPECT_EQ(json::parse(with_rv.body)["message"], "specifying resource version is not allowed when using continue");
  EXPECT_EQ(api.handle(get("/api/v1/configmaps?limit=x")).status, 400);
}

TEST(ServePagingKubectl, RealKubectlGetsMoreThan500ObjectsInChunks) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: kubectl's paging is not tried";
  const std::string dir = testing::test_dir();
  const std::string scenario = configmaps_scenario(dir, 1203);
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  ServeProcess serve(dir, {scenario, "--at", "1m", "--kubeconfig", kubeconfig});
  ASSERT_NE(serve.port(), 0) << serve.err();
  // kubectl get asks 500 at a time (--chunk-size); -v=6 logs each request's URL.
  const std::string cmd = "timeout 60 " + *kubectl + " --kubeconfig " + kubeconfig + " --cache-dir " + dir +
                          "/cache get configmaps -A -v=6 >" + dir + "/k.out 2>" + dir + "/k.err";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << testing::slurp(dir + "/k.err");
  const std::string log = testing::slurp(dir + "/k.err");
  std::size_t requests = 0;
  for (std::size_t at = log.find("/api/v1/configmaps?limit=500"); at != std::string::npos; at = log.find("/api/v1/configmaps?", at + 1))
    ++requests;
  EXPECT_EQ(requests, 3u) << log;  // 1203 (and more) objects: three pages
  EXPECT_NE(log.find("/api/v1/configmaps?continue="), std::string::npos) << log;
  const testing::CliResult sim = testing::run_kcsim("kubectl " + scenario + " --at 1m -- get configmaps -A", 60);
  ASSERT_EQ(sim.status, 0) << sim.err;
  const std::string real = testing::slurp(dir + "/k.out");
  EXPECT_EQ(real, sim.out);
  EXPECT_GE(std::count(real.begin(), real.end(), '\n'), 1204);
  EXPECT_EQ(serve.stop(), 0);
}

}  // namespace
}  // namespace kcsim
