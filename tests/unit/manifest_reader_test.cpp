// Reading YAML/JSON manifests with positions, sorting them into Git/live/applied, and
// `kcsim import` end to end (sim/scenario/manifest_reader.cpp, sim/cli/import.cpp).
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "kcsim/core/input_error.hpp"
#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace kcsim {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(KCSIM_SOURCE_DIR) + "/tests/data";

fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("kcsim-manifest-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

struct CommandResult {
  int status = -1;
  std::string out, err;
};

CommandResult run_kcsim(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd = std::string(KCSIM_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
  const int rc = std::system(cmd.c_str());
  CommandResult r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

TEST(ManifestReader, MultiDocumentYamlWithPositions) {
  const std::string text =
      "---\n"
      "# only a comment: an empty document\n"
      "---\n"
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "  name: web\n"
      "spec:\n"
      "  replicas: 2\n"
      "---\n"
      "apiVersion: v1\n"
      "kind: Service\n"
      "metadata: {name: web, namespace: prod}\n";
  std::vector<ReadWarning> warnings;
  const auto ms = parse_manifests(text, "chart.yaml", warnings);
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(ms[0].document, 1u);
  EXPECT_EQ(ms[0].object["spec"]["replicas"], 2);
  const SourcePos p = ms[0].position_of("/spec/replicas");
  EXPECT_EQ(p.line, 9);
  EXPECT_EQ(p.column, 3);
  EXPECT_EQ(ms[0].where("/spec/replicas"), "chart.yaml:9:3");
  // A field that is absent reports its nearest parent.
  EXPECT_EQ(ms[0].where("/spec/template/spec"), "chart.yaml:8:1");
  EXPECT_EQ(ms[1].document, 2u);
  EXPECT_EQ(ms[1].ref().str(), "Service/prod/web");
  EXPECT_EQ(ms[1].document_label(), "document 3");
}

TEST(ManifestReader, Yaml11ScalarsAsKubectlReadsThem) {
  const std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
      "data:\n"
      "  a: yes\n  b: \"yes\"\n  c: 0755\n  d: 1_000\n  e: ~\n  f: 1.5\n  g: 1e3\n  h: .inf\n"
      "  i: off\n  j: 0x1F\n  k: !!str 42\n  l: -7\n  m: 12abc\n  n: 18446744073709551615\n";
  std::vector<ReadWarning> warnings;
  const auto ms = parse_manifests(text, "cm.yaml", warnings);
  ASSERT_EQ(ms.size(), 1u);
  const json& d = ms[0].object["data"];
  EXPECT_EQ(d["a"], true);
  EXPECT_EQ(d["b"], "yes");
  EXPECT_EQ(d["c"], 493);  // octal, as go-yaml v2 reads it
  EXPECT_EQ(d["d"], 1000);
  EXPECT_TRUE(d["e"].is_null());
  EXPECT_DOUBLE_EQ(d["f"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(d["g"].get<double>(), 1000.0);
  EXPECT_EQ(d["h"], ".inf");
  EXPECT_EQ(d["i"], false);
  EXPECT_EQ(d["j"], 31);
  EXPECT_EQ(d["k"], "42");
  EXPECT_EQ(d["l"], -7);
  EXPECT_EQ(d["m"], "12abc");
  EXPECT_TRUE(d["n"].is_number_unsigned());
}

TEST(ManifestReader, AnchorsAliasesAndMergeKeys) {
  const std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
      "base: &base {a: 1, b: 2}\n"
      "copy: *base\n"
      "merged:\n  <<: *base\n  b: 3\n";
  std::vector<ReadWarning> warnings;
  const auto ms = parse_manifests(text, "x.yaml", warnings);
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].object["copy"], (json{{"a", 1}, {"b", 2}}));
  EXPECT_EQ(ms[0].object["merged"], (json{{"a", 1}, {"b", 3}}));
}

TEST(ManifestReader, JsonListAsKubectlGetPrintsIt) {
  const std::string text = R"({
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "namespace": "n", "uid": "1"},
     "spec": {"replicas": 3}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b", "namespace": "n"}}
  ]
})";
  std::vector<ReadWarning> warnings;
  const auto ms = parse_manifests(text, "get.json", warnings);
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].ref().str(), "Deployment/n/a");
  ASSERT_TRUE(ms[0].item.has_value());
  EXPECT_EQ(*ms[0].item, 0u);
  EXPECT_EQ(ms[0].where("/spec/replicas"), "get.json:6:27");  // JSON positions are those of values
  EXPECT_EQ(ms[1].document_label(), "document 1, item 2");
  EXPECT_TRUE(has_server_fields(ms[0].object));
  EXPECT_FALSE(has_server_fields(ms[1].object));
}

TEST(ManifestReader, YamlListIsExpandedToo) {
  const std::string text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s\n";
  std::vector<ReadWarning> warnings;
  const auto ms = parse_manifests(text, "l.yaml", warnings);
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].where("/metadata/name"), "l.yaml:7:5");
}

// kubectl flattens lists inside lists, breadth first (cli-runtime FlattenListVisitor).
TEST(ManifestReader, ListsInsideListsAreFlattenedBreadthFirst) {
  const std::string text =
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: v1\n  kind: List\n  items:\n"
      "  - {apiVersion: v1, kind: Service, metadata: {name: inner}}\n"
      "- {apiVersion: v1, kind: Service, metadata: {name: outer}}\n";
  std::vector<ReadWarning> warnings;
  const auto ms = parse_manifests(text, "nested.yaml", warnings);
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].ref().name, "outer");
  EXPECT_EQ(ms[0].document_label(), "document 1, item 2");
  EXPECT_EQ(ms[1].ref().name, "inner");
  EXPECT_EQ(ms[1].document_label(), "document 1, /items/0/items/0");
  EXPECT_EQ(ms[1].where("/metadata/name"), "nested.yaml:7:48");
}

// A field of the wrong type deep in a nested list is named in the input file, not in what the
// import writes.
TEST(ManifestReader, ATypeErrorInANestedListNamesTheInputFile) {
  const std::string text =
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: v1\n  kind: List\n  items:\n"
      "  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n"
      "    spec:\n      replicas: three\n";
  std::vector<ReadWarning> warnings;
  try {
    parse_manifests(text, "nested.yaml", warnings);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "nested.yaml");
    EXPECT_EQ(e.line(), 11);
    EXPECT_NE(std::string(e.what()).find("/items/0/items/0"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("/spec/replicas"), std::string::npos) << e.what();
  }
}

TEST(ManifestReader, SyntaxErrorNamesFileDocumentLineColumn) {
  const std::string text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b: c\n";
  std::vector<ReadWarning> warnings;
  try {
    parse_manifests(text, "bad.yaml", warnings);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_EQ(e.line(), 8);
    EXPECT_GT(e.column(), 0);
    EXPECT_NE(std::string(e.what()).find("bad.yaml:8:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("document 2"), std::string::npos) << e.what();
  }
}

TEST(ManifestReader, InvalidJsonHasLineAndColumn) {
  std::vector<ReadWarning> warnings;
  try {
    parse_manifests("{\n  \"kind\": \"Service\",\n  \"apiVersion\" \"v1\"\n}\n", "bad.json", warnings);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("expected valid JSON"), std::string::npos) << e.what();
  }
}

TEST(ManifestReader, DuplicateKeysAreRejectedAsKubectlDoes) {
  std::vector<ReadWarning> warnings;
  try {
    parse_manifests("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: A\n  type: B\n", "dup.yaml", warnings);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 6);
    EXPECT_NE(std::string(e.what()).find("first defined at line 5"), std::string::npos) << e.what();
  }
}

TEST(ManifestReader, MalformedObjectsAreErrorsSkippableDocumentsWarnings) {
  std::vector<ReadWarning> warnings;
  // No name: an error at the metadata line.
  try {
    parse_manifests("apiVersion: v1\nkind: Service\nmetadata:\n  labels: {a: b}\n", "noname.yaml", warnings);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("metadata.name"), std::string::npos) << e.what();
  }
  // kind is a number: an error.
  EXPECT_THROW(parse_manifests("apiVersion: v1\nkind: 3\nmetadata: {name: a}\n", "k.yaml", warnings), InputError);
  // YAML 1.1 reads `no` as false, as kubectl does ("cannot unmarshal bool into ... of type string").
  try {
    parse_manifests("apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: no}\n", "ns.yaml", warnings);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/metadata/namespace: expected a string, found a boolean (false)"), std::string::npos)
        << e.what();
  }
  // A scalar document: an error.
  EXPECT_THROW(parse_manifests("hello\n", "s.yaml", warnings), InputError);
  // A values file and a kustomization: skipped with a warning.
  warnings.clear();
  auto ms = parse_manifests("replicaCount: 1\nimage: {tag: x}\n", "values.yaml", warnings);
  EXPECT_TRUE(ms.empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].str().find("values.yaml:1:1: document 1: skipped"), std::string::npos) << warnings[0].str();
  EXPECT_NE(warnings[0].message.find("helm template"), std::string::npos);
  warnings.clear();
  ms = parse_manifests("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
                       "kustomization.yaml", warnings);
  EXPECT_TRUE(ms.empty());
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(ManifestReader, UnrenderedHelmTemplateGetsAHint) {
  std::vector<ReadWarning> warnings;
  try {
    parse_manifests("apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"x\" . | nindent 4 }}\n",
                    "templates/svc.yaml", warnings);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("helm template"), std::string::npos) << e.what();
  }
}

TEST(ManifestReader, LeafFieldsLeaveOutIdentityStatusAndServerFields) {
  const json obj = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "w", "namespace": "p", "uid": "u", "labels": {"a/b": "c"},
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "x": "y"}},
    "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "c", "args": ["a", "b"]}]}}},
    "status": {"replicas": 1}})");
  const auto fields = leaf_fields(obj);
  const std::vector<std::string> expected = {"/metadata/annotations/x", "/metadata/labels/a~1b", "/spec/replicas",
                                             "/spec/template/spec/containers/0/args",
                                             "/spec/template/spec/containers/0/name"};
  EXPECT_EQ(fields, expected);
  const json stripped = strip_server_fields(obj);
  EXPECT_FALSE(stripped.contains("status"));
  EXPECT_FALSE(stripped["metadata"].contains("uid"));
  EXPECT_FALSE(stripped["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));
}

TEST(ManifestReader, GitAndLiveConventionOfTheSixMinuteLoopFixture) {
  ManifestInputs in;
  in.paths = {kData + "/six-minute-loop"};
  const ManifestSet set = load_manifest_set(in);
  EXPECT_TRUE(set.warnings.empty());
  ASSERT_EQ(set.git.size(), 4u);  // Service, Deployment, HTTPScaledObject, Application
  ASSERT_EQ(set.live.size(), 1u);
  EXPECT_TRUE(set.declared.empty());
  EXPECT_EQ(set.live[0].ref().str(), "Application/argocd/immigranta-backend");
  for (const Manifest& m : set.git) EXPECT_EQ(m.repo_url, "https://github.com/immigranta/gitops.git");
  EXPECT_EQ(set.git[0].rel_path, "apps/immigranta-backend/immigranta-backend.yaml");
  EXPECT_EQ(set.git[3].rel_path, "argocd/applications/immigranta-backend.yaml");
  // The Deployment's replicas line, as explain cites it.
  EXPECT_EQ(set.git[1].ref().str(), "Deployment/prod/immigranta-backend");
  EXPECT_NE(set.git[1].where("/spec/replicas").find("immigranta-backend.yaml:38:3"), std::string::npos)
      << set.git[1].where("/spec/replicas");
}

TEST(ManifestReader, FlatDirectoryIsSortedByServerFieldsAndDefaultNamespace) {
  const fs::path dir = temp_dir("flat");
  write(dir / "a.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n");
  write(dir / "b" / "live.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: team, "
        "resourceVersion: \"5\"}\nspec: {maxReplicas: 4, scaleTargetRef: {kind: Deployment, name: web}}\n");
  write(dir / ".hidden" / "x.yaml", "not: [valid\n");
  write(dir / "README.md", "# not a manifest\n");
  ManifestInputs in;
  in.paths = {dir.string()};
  in.default_namespace = "team";
  const ManifestSet set = load_manifest_set(in);
  ASSERT_EQ(set.declared.size(), 1u);
  ASSERT_EQ(set.live.size(), 1u);
  EXPECT_EQ(set.declared[0].ref().str(), "Deployment/team/web");
  EXPECT_EQ(set.live[0].ref().str(), "HorizontalPodAutoscaler/team/web");
  fs::remove_all(dir);
}

TEST(ManifestReader, DuplicatesWarnAndStrictMakesThemErrors) {
  const fs::path dir = temp_dir("dup");
  write(dir / "a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\n---\n"
                        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\nspec: {type: NodePort}\n");
  ManifestInputs in;
  in.paths = {dir.string()};
  ManifestSet set = load_manifest_set(in);
  ASSERT_EQ(set.declared.size(), 1u);
  EXPECT_EQ(set.declared[0].object["spec"]["type"], "NodePort");
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_NE(set.warnings[0].message.find("the later one is used"), std::string::npos);
  in.strict = true;
  EXPECT_THROW(load_manifest_set(in), InputError);
  fs::remove_all(dir);
}

TEST(ManifestReader, ScenarioAsManifestSet) {
  const fs::path dir = temp_dir("scenario");
  const std::string text = R"({
  "apiVersion": "kcsim/v1",
  "kind": "Scenario",
  "metadata": {"name": "s"},
  "objects": [
    {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "web", "namespace": "argocd"},
     "spec": {"source": {"repoURL": "https://git.example/r.git", "path": "web"}, "destination": {"namespace": "prod"}}}
  ],
  "git": {"repoURL": "https://git.example/r.git", "commits": [
    {"files": {"web/deploy.yaml": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                                   "spec": {"replicas": 1}}}},
    {"at": "10m", "changes": {"web/deploy.yaml": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                                                  "spec": {"replicas": 2}}}}
  ]}
})";
  write(dir / "s.json", text);
  EXPECT_TRUE(is_scenario_file((dir / "s.json").string()));
  const ManifestSet set = manifest_set_from_scenario((dir / "s.json").string());
  ASSERT_EQ(set.live.size(), 1u);
  ASSERT_EQ(set.git.size(), 1u);
  EXPECT_EQ(set.git[0].rel_path, "web/deploy.yaml");
  EXPECT_EQ(set.git[0].object["spec"]["replicas"], 2);  // the last commit
  EXPECT_EQ(set.git[0].repo_url, "https://git.example/r.git");
  EXPECT_NE(set.git[0].where("/spec/replicas").find("s.json:13:"), std::string::npos) << set.git[0].where("/spec/replicas");
  fs::remove_all(dir);
}

// --- kcsim import --------------------------------------------------------------------------------

TEST(ImportCommand, SixMinuteLoopBecomesARunnableScenario) {
  const fs::path dir = temp_dir("import");
  const fs::path out = dir / "scenario.json";
  const CommandResult r = run_kcsim("import " + kData + "/six-minute-loop -o " + out.string(), dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const Scenario sc = load_scenario(out.string());  // what kcsim run loads
  EXPECT_EQ(sc.name, "six-minute-loop");
  ASSERT_EQ(sc.objects.size(), 1u);
  EXPECT_EQ(ObjectRef::of(sc.objects[0]).str(), "Application/argocd/immigranta-backend");
  EXPECT_FALSE(sc.objects[0]["spec"].contains("ignoreDifferences"));  // the live one, as found
  EXPECT_FALSE(sc.objects[0]["metadata"].contains("managedFields"));
  const json& git = sc.raw["git"];
  EXPECT_EQ(git["repoURL"], "https://github.com/immigranta/gitops.git");
  EXPECT_TRUE(git["commits"][0]["files"].contains("apps/immigranta-backend/immigranta-backend.yaml"));
  EXPECT_EQ(git["commits"][0]["files"]["apps/immigranta-backend/immigranta-backend.yaml"].size(), 3u);
  ASSERT_EQ(sc.raw["traffic"].size(), 1u);
  EXPECT_EQ(sc.raw["traffic"][0]["pattern"]["type"], "idle");
  EXPECT_EQ(sc.raw["traffic"][0]["host"], "api.immigranta.example");
  EXPECT_EQ(sc.versions.get("argocd"), "3.3.0");
  EXPECT_NE(r.err.find("2 potential fight"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(ImportCommand, ImportedScenariosRunTheLoopAndTheFix) {
  // The story end to end: the imported broken setup fights over /spec/replicas when idle, the
  // imported fixed one does not.
  const fs::path dir = temp_dir("import-run");
  for (const std::string name : {"six-minute-loop", "six-minute-loop-fixed"}) {
    const fs::path scenario = dir / (name + ".json");
    const CommandResult imp = run_kcsim("import " + kData + "/" + name + " -o " + scenario.string(), dir);
    ASSERT_EQ(imp.status, 0) << imp.err;
    const CommandResult run = run_kcsim("run " + scenario.string() + " --format json", dir);
    ASSERT_EQ(run.status, 0) << run.err;
    const json report = json::parse(run.out);
    if (name == "six-minute-loop") {
      ASSERT_FALSE(report["fights"].empty()) << run.out.substr(0, 2000);
      EXPECT_EQ(report["fights"][0]["field"], "/spec/replicas");
    } else {
      EXPECT_TRUE(report["fights"].empty()) << report["fights"].dump();
    }
  }
  fs::remove_all(dir);
}

TEST(ImportCommand, IsDeterministic) {
  const fs::path dir = temp_dir("import-det");
  const CommandResult a = run_kcsim("import " + kData + "/six-minute-loop-fixed", dir);
  const CommandResult b = run_kcsim("import --git " + kData + "/six-minute-loop-fixed/git --live " + kData +
                              "/six-minute-loop-fixed/live --name six-minute-loop-fixed",
                          dir);
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  const json ja = json::parse(a.out), jb = json::parse(b.out);
  EXPECT_EQ(ja["objects"], jb["objects"]);
  EXPECT_EQ(ja["git"], jb["git"]);
  // The root is live; the child comes from Git through the root, so it is in both.
  EXPECT_EQ(ja["objects"].size(), 2u);
  fs::remove_all(dir);
}

TEST(ImportCommand, MalformedYamlExitsTwoWithFileLineColumn) {
  const fs::path dir = temp_dir("import-bad");
  write(dir / "in" / "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: [1\n");
  const CommandResult r = run_kcsim("import " + (dir / "in").string(), dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("deploy.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("document 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expected valid YAML"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kcsim
