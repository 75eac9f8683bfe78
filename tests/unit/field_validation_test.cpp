// Field validation as the API server does it (include/kcsim/k8s/field_validation.hpp): unknown
// fields are warnings with the API server's wording (sigs.k8s.io/json strictError: `unknown field
// "spec.minReplica"`, kubectl prints `Warning: unknown field "spec.minReplica"`), fields of the
// wrong type are input errors; in scenarios (objects, kubectl apply, Git files), in manifest files
// (import/explain/lint) and through the command line.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"
#include "kcsim/cli/exercise_library.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/field_schema.hpp"
#include "kcsim/k8s/field_validation.hpp"
#include "kcsim/k8s/manifest_parser.hpp"
#include "kcsim/k8s/object_validation.hpp"
#include "kcsim/scenario/scenario.hpp"

namespace kcsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json hpa() {
  return json::parse(R"({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
             "minReplicas": 2, "maxReplicas": 10,
             "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300,
                                        "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}},
             "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                          "target": {"type": "Utilization", "averageUtilization": 80}}}]}})");
}

json application() {
  return json::parse(R"({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
    "metadata": {"name": "web", "namespace": "argocd"},
    "spec": {"project": "default",
             "source": {"repoURL": "https://git.example.com/apps.git", "path": "web", "targetRevision": "main"},
             "destination": {"server": "https://kubernetes.default.svc", "namespace": "default"},
             "syncPolicy": {"automated": {"prune": true, "selfHeal": true}, "syncOptions": ["ServerSideApply=true"],
                            "retry": {"limit": 5, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m"}}},
             "ignoreDifferences": [{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}],
             "revisionHistoryLimit": 10}})");
}

json scaled_object() {
  return json::parse(R"({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"scaleTargetRef": {"name": "web"}, "minReplicaCount": 0, "maxReplicaCount": 10,
             "advanced": {"horizontalPodAutoscalerConfig": {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}},
             "triggers": [{"type": "prometheus", "metadata": {"serverAddress": "http://prometheus:9090",
                                                              "query": "sum by (app) http_requests_total",
                                                              "threshold": "100"}}]}})");
}

json deployment() {
  return json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
             "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "imagePullPolicy": "Always",
                                                   "ports": [{"containerPort": 80}],
                                                   "env": [{"name": "MODE", "value": "prod"}],
                                                   "resources": {"requests": {"cpu": "250m", "memory": 1048576}},
                                                   "readinessProbe": {"httpGet": {"path": "/", "port": "http"},
                                                                      "periodSeconds": 5}}]}}}})");
}

std::vector<std::string> messages(const std::vector<UnknownField>& unknown) {
  std::vector<std::string> out;
  for (const UnknownField& u : unknown) out.push_back(u.pointer + " " + u.message());
  return out;
}

std::string scenario_with(const json& objects, const json& extra = json::object()) {
  json doc = {{"apiVersion", "kcsim/v1"}, {"kind", "Scenario"}, {"metadata", {{"name", "t"}}}, {"objects", objects}};
  for (auto it = extra.begin(); it != extra.end(); ++it) doc[it.key()] = *it;
  return doc.dump(1);
}

std::vector<std::string> warning_lines(const Scenario& s) {
  std::vector<std::string> out;
  for (const ReadWarning& w : scenario_warnings(s)) out.push_back(w.str());
  return out;
}

// The error's text, or "" when nothing is thrown.
std::string error_of(const json& obj) {
  try {
    (void)validate_object(obj, "f.json", "/objects/0");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(FieldValidation, ValidObjectsOfEveryModelledKindHaveNoUnknownField) {
  for (const json& o : {hpa(), application(), scaled_object(), deployment()}) {
    EXPECT_EQ(error_of(o), "") << o.dump();
    EXPECT_TRUE(validate_object(o, "f.json", "").empty()) << o.dump();
  }
}

TEST(FieldValidation, UnknownFieldsAreReportedInTheApiServersWords) {
  json h = hpa();
  h["spec"]["minReplica"] = 2;
  EXPECT_EQ(messages(check_fields(h, "f.json", "")),
            std::vector<std::string>{"/spec/minReplica unknown field \"spec.minReplica\""});

  json a = application();
  a["spec"]["syncPolicy"]["automated"]["selfheal"] = true;  // the API server decodes case-sensitively
  EXPECT_EQ(messages(check_fields(a, "f.json", "")),
            std::vector<std::string>{"/spec/syncPolicy/automated/selfheal unknown field \"spec.syncPolicy.automated.selfheal\""});

  json s = scaled_object();
  s["spec"]["minReplicas"] = 1;  // the HPA's name for KEDA's minReplicaCount
  EXPECT_EQ(messages(check_fields(s, "f.json", "")),
            std::vector<std::string>{"/spec/minReplicas unknown field \"spec.minReplicas\""});

  json d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always";
  d["metadata"]["lables"] = json::object();
  EXPECT_EQ(messages(check_fields(d, "f.json", "")),
            (std::vector<std::string>{
                "/metadata/lables unknown field \"metadata.lables\"",
                "/spec/template/spec/containers/0/imagePullPolicyy unknown field "
                "\"spec.template.spec.containers[0].imagePullPolicyy\""}));
}

TEST(FieldValidation, RealPodSpecFieldsKcsimDoesNotModelAreKnown) {
  json d = deployment();
  json& pod = d["spec"]["template"]["spec"];
  pod["affinity"] = json::parse(R"({"nodeAffinity": {}})");
  pod["tolerations"] = json::parse(R"([{"key": "k", "operator": "Exists"}])");
  pod["topologySpreadConstraints"] = json::array();
  pod["terminationGracePeriodSeconds"] = 30;
  pod["schedulingGates"] = json::array();
  pod["resources"] = json::parse(R"({"limits": {"cpu": 1}})");  // PodLevelResources, alpha in 1.32
  pod["containers"][0]["resizePolicy"] = json::parse(R"([{"resourceName": "cpu", "restartPolicy": "NotRequired"}])");
  pod["containers"][0]["lifecycle"] = json::parse(R"({"preStop": {"sleep": {"seconds": 5}}})");
  pod["containers"][0]["securityContext"] = json::parse(R"({"runAsNonRoot": true, "anything": 1})");
  EXPECT_TRUE(check_fields(d, "f.json", "").empty());
}

TEST(FieldValidation, FreeFormMapsAndStatusAcceptAnythingOfTheirShape) {
  json s = scaled_object();
  s["spec"]["triggers"][0]["metadata"]["anyKeyAtAll"] = "x";
  s["status"] = json::parse(R"({"whatever": [1, 2, {"x": true}]})");
  s["metadata"]["annotations"] = json::parse(R"({"example.com/anything": "v"})");
  EXPECT_TRUE(check_fields(s, "f.json", "").empty());
  // A kind kcsim does not model is not validated at all.
  EXPECT_TRUE(check_fields(json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                                          "data": {"k": "v"}, "nonsense": 1})"),
                           "f.json", "")
                  .empty());
  // Nor is a kind at an apiVersion whose schema kcsim does not hold.
  EXPECT_EQ(object_schema("autoscaling/v2beta1", "HorizontalPodAutoscaler"), nullptr);
  EXPECT_NE(object_schema("autoscaling/v1", "HorizontalPodAutoscaler"), nullptr);
}

TEST(FieldValidation, FieldsComeAndGoWithTheComponentsVersion) {
  const json hso = json::parse(R"({"apiVersion": "http.keda.sh/v1alpha1", "kind": "HTTPScaledObject",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"hosts": ["web.example.com"], "replicas": {"min": 0, "max": 3},
             "scaleTargetRef": {"name": "web", "kind": "Deployment", "apiVersion": "apps/v1", "service": "web", "port": 8080},
             "timeouts": {"conditionWait": "30s", "responseHeader": "500ms"}}})");
  auto parts = [](const std::string& v) {
    std::vector<int> out;
    std::istringstream in(v);
    for (std::string p; std::getline(in, p, '.');) out.push_back(std::stoi(p));
    return out;
  };
  auto at = [&](const std::string& version) {
    return VersionCheck([version, parts](const std::string& component, const std::string& v) {
      EXPECT_EQ(component, "http-add-on");
      return parts(version) >= parts(v);
    });
  };
  // spec.timeouts came with HTTP add-on v0.11.0 (httpscaledobject_types.go).
  EXPECT_TRUE(check_fields(hso, "f.json", "", at("0.12.0")).empty());
  EXPECT_EQ(messages(check_fields(hso, "f.json", "", at("0.10.0"))),
            std::vector<std::string>{"/spec/timeouts unknown field \"spec.timeouts\""});
  // Without versions, a field of any version kcsim models is accepted.
  EXPECT_TRUE(check_fields(hso, "f.json", "").empty());
  // spec.host went in v0.7.0 (hosts replaced it).
  json old = hso;
  old["spec"].erase("timeouts");
  old["spec"]["host"] = "web.example.com";
  EXPECT_EQ(messages(check_fields(old, "f.json", "", at("0.12.0"))),
            std::vector<std::string>{"/spec/host unknown field \"spec.host\""});
}

TEST(FieldValidation, ScenarioVersionsDecideTheFieldsOfAComponent) {
  json hso = json::parse(R"({"apiVersion": "http.keda.sh/v1alpha1", "kind": "HTTPScaledObject",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"hosts": ["web.example.com"],
             "scaleTargetRef": {"name": "web", "service": "web", "port": 8080},
             "timeouts": {"conditionWait": "30s"}}})");
  const Scenario older = parse_scenario(scenario_with(json::array({hso}), {{"versions", {{"http-add-on", "0.10.0"}}}}), "s.json");
  EXPECT_EQ(warning_lines(older).size(), 1u);
  const Scenario newer = parse_scenario(scenario_with(json::array({hso}), {{"versions", {{"http-add-on", "0.11.0"}}}}), "s.json");
  EXPECT_TRUE(warning_lines(newer).empty());
}

TEST(FieldValidation, NullIsAcceptedForEveryField) {
  json a = application();
  a["spec"]["syncPolicy"]["automated"] = nullptr;
  a["metadata"]["creationTimestamp"] = nullptr;
  json d = deployment();
  d["spec"]["replicas"] = nullptr;
  EXPECT_EQ(error_of(a), "");
  EXPECT_EQ(error_of(d), "");
}

TEST(FieldValidation, WrongTypesAreErrorsWithTheFieldExpectedAndFound) {
  json h = hpa();
  h["spec"]["maxReplicas"] = "10";
  EXPECT_EQ(error_of(h),
            "f.json: /objects/0/spec/maxReplicas: expected an integer (int32) for spec.maxReplicas, as the API server "
            "decodes it, found a string (\"10\")");
  json d = deployment();
  d["spec"]["replicas"] = true;
  EXPECT_EQ(error_of(d),
            "f.json: /objects/0/spec/replicas: expected an integer (int32) for spec.replicas, as the API server decodes "
            "it, found a boolean (true)");
  json a = application();
  a["spec"]["syncPolicy"]["automated"]["selfHeal"] = "yes";
  EXPECT_EQ(error_of(a),
            "f.json: /objects/0/spec/syncPolicy/automated/selfHeal: expected a boolean for "
            "spec.syncPolicy.automated.selfHeal, as the API server decodes it, found a string (\"yes\")");
  json c = deployment();
  c["spec"]["template"]["spec"]["containers"] = json::parse(R"({"name": "app", "image": "nginx"})");
  EXPECT_EQ(error_of(c),
            "f.json: /objects/0/spec/template/spec/containers: expected an array of objects for "
            "spec.template.spec.containers, as the API server decodes it, found an object "
            "({\"image\":\"nginx\",\"name\":\"app\"})");
  json s = scaled_object();
  s["spec"]["triggers"][0]["metadata"]["threshold"] = 100;
  EXPECT_EQ(error_of(s),
            "f.json: /objects/0/spec/triggers/0/metadata/threshold: expected a string for "
            "spec.triggers[0].metadata.threshold, as the API server decodes it, found a number (100)");
  json p = deployment();
  p["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = 80.5;
  EXPECT_EQ(error_of(p),
            "f.json: /objects/0/spec/template/spec/containers/0/ports/0/containerPort: expected an integer (int32) for "
            "spec.template.spec.containers[0].ports[0].containerPort, as the API server decodes it, found a number "
            "(80.5)");
  json q = deployment();
  q["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = true;
  EXPECT_EQ(error_of(q),
            "f.json: /objects/0/spec/template/spec/containers/0/resources/requests/cpu: expected a quantity (a string "
            "such as \"500m\", or a number) for spec.template.spec.containers[0].resources.requests.cpu, as the API "
            "server decodes it, found a boolean (true)");
  json l = deployment();
  l["metadata"]["labels"]["version"] = 2;
  EXPECT_EQ(error_of(l),
            "f.json: /objects/0/metadata/labels/version: expected a string for metadata.labels.version, as the API "
            "server decodes it, found a number (2)");
}

TEST(FieldValidation, IntOrStringAcceptsBothAndNothingElse) {
  json d = deployment();
  d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = 1;
  EXPECT_EQ(error_of(d), "");
  d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = 0.5;
  EXPECT_EQ(error_of(d),
            "f.json: /objects/0/spec/strategy/rollingUpdate/maxSurge: expected an integer (int32) or a string for "
            "spec.strategy.rollingUpdate.maxSurge, as the API server decodes it, found a number (0.5)");
}

// --- manifest files (kcsim import, explain, lint) --------------------------------------------------

TEST(FieldValidation, ManifestFilesWarnWithFileLineColumnAndPointer) {
  const std::string text =
      "apiVersion: autoscaling/v2\n"
      "kind: HorizontalPodAutoscaler\n"
      "metadata:\n"
      "  name: web\n"
      "spec:\n"
      "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
      "  minReplica: 2\n"
      "  maxReplicas: 10\n";
  std::vector<ReadWarning> warnings;
  const auto ms = parse_manifests(text, "hpa.yaml", warnings);
  ASSERT_EQ(ms.size(), 1u);  // the object is still read
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].str(), "hpa.yaml:7:3: document 1, /spec/minReplica: unknown field \"spec.minReplica\"");
}

TEST(FieldValidation, ManifestFilesRefuseWrongTypesWithLineAndColumn) {
  const std::string text =
      "apiVersion: argoproj.io/v1alpha1\n"
      "kind: Application\n"
      "metadata:\n"
      "  name: web\n"
      "spec:\n"
      "  syncPolicy:\n"
      "    automated:\n"
      "      selfHeal: \"yes\"\n";
  std::vector<ReadWarning> warnings;
  try {
    (void)parse_manifests(text, "app.yaml", warnings);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "app.yaml:8:7: document 1, /spec/syncPolicy/automated/selfHeal: expected a boolean for "
              "spec.syncPolicy.automated.selfHeal, as the API server decodes it, found a string (\"yes\")");
  }
}

// --- scenarios -----------------------------------------------------------------------------------

TEST(FieldValidation, ScenarioWarningsCoverObjectsAppliedManifestsAndGitFiles) {
  json h = hpa();
  h["spec"]["minReplica"] = 2;
  json applied = deployment();
  applied["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always";
  json a = application();
  a["spec"]["syncPolicy"]["automated"]["selfheal"] = true;
  const json extra = {
      {"timeline", json::array({{{"at", "1m"}, {"action", "kubectl apply"}, {"manifest", applied}}})},
      {"git",
       {{"repoURL", "https://git.example.com/apps.git"},
        {"commits", json::array({{{"at", "0s"},
                                  {"message", "init"},
                                  {"files",
                                   {{"argocd/app.json", a},
                                    {"web/so.yaml",
                                     "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\n"
                                     "spec:\n  minReplicas: 1\n"}}}}})}}}};
  const std::string text = scenario_with(json::array({h}), extra);
  const Scenario s = parse_scenario(text, "s.json");
  const auto lines = warning_lines(s);
  ASSERT_EQ(lines.size(), 4u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "s.json:101:19: /objects/0/spec/minReplica: unknown field \"spec.minReplica\"");
  EXPECT_EQ(lines[1],
            "s.json:156:30: /timeline/0/manifest/spec/template/spec/containers/0/imagePullPolicyy: unknown field "
            "\"spec.template.spec.containers[0].imagePullPolicyy\"");
  EXPECT_NE(lines[2].find(": /git/commits/0/files/argocd~1app.json/spec/syncPolicy/automated/selfheal: unknown field "
                          "\"spec.syncPolicy.automated.selfheal\""),
            std::string::npos)
      << lines[2];
  EXPECT_NE(lines[3].find(": /git/commits/0/files/web~1so.yaml, document 1, /spec/minReplicas (line 6, column 3 of "
                          "the text): unknown field \"spec.minReplicas\""),
            std::string::npos)
      << lines[3];
}

TEST(FieldValidation, ScenarioTypeErrorsInObjectsAppliedManifestsAndGitFilesStopTheLoad) {
  json h = hpa();
  h["spec"]["maxReplicas"] = "10";
  try {
    (void)parse_scenario(scenario_with(json::array({h})), "s.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "s.json:28:20: /objects/0/spec/maxReplicas: expected an integer (int32) for spec.maxReplicas, as the "
              "API server decodes it, found a string (\"10\")");
  }
  json a = application();
  a["spec"]["syncPolicy"]["automated"]["selfHeal"] = "yes";
  const json git = {{"repoURL", "https://git.example.com/apps.git"},
                    {"commits", json::array({{{"at", "0s"}, {"files", {{"app.json", a}}}}})}};
  try {
    (void)parse_scenario(scenario_with(json::array(), {{"git", git}}), "s.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(": /git/commits/0/files/app.json/spec/syncPolicy/automated/selfHeal: expected "
                                         "a boolean for spec.syncPolicy.automated.selfHeal, as the API server decodes "
                                         "it, found a string (\"yes\")"),
              std::string::npos)
        << e.what();
  }
}

// Every bundled scenario and exercise is free of unknown fields: this is what keeps the schema
// tables complete for the fields kcsim's own examples use.
TEST(FieldValidation, BundledScenariosAndExercisesHaveNoUnknownField) {
  int scenarios = 0;
  for (const auto& entry : fs::directory_iterator(std::string(KCSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".json") continue;
    const Scenario s = load_scenario(entry.path().string());
    EXPECT_EQ(warning_lines(s), std::vector<std::string>{}) << entry.path();
    ++scenarios;
  }
  EXPECT_GE(scenarios, 15);
  const auto names = bundled_exercise_names();
  EXPECT_GE(names.size(), 6u);
  for (const std::string& name : names) {
    const Scenario s = exercise_scenario(load_exercise(name));
    EXPECT_EQ(warning_lines(s), std::vector<std::string>{}) << name;
  }
}

TEST(FieldValidation, BundledManifestTreesHaveNoUnknownField) {
  int files = 0;
  for (const char* dir : {"six-minute-loop", "six-minute-loop-fixed"})
    for (const auto& entry : fs::recursive_directory_iterator(std::string(KCSIM_SOURCE_DIR) + "/tests/data/" + dir)) {
      if (entry.path().extension() != ".yaml") continue;
      std::ifstream in(entry.path());
      const std::string text((std::istreambuf_iterator<char>(in)), {});
      std::vector<ReadWarning> warnings;
      (void)parse_manifests(text, entry.path().string(), warnings);
      for (const ReadWarning& w : warnings) ADD_FAILURE() << w.str();
      ++files;
    }
  EXPECT_GE(files, 6);
}

// --- the command line ----------------------------------------------------------------------------

TEST(FieldValidation, RunWarnsOnStandardErrorAndGoesOn) {
  json h = hpa();
  h["spec"]["minReplica"] = 2;
  json d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = 80;
  const std::string path = kcsim::testing::test_dir() + "/s.json";
  {
    json doc = json::parse(scenario_with(json::array({d, h})));
    doc["duration"] = "2m";
    std::ofstream(path) << doc.dump(1);
  }
  const auto r = kcsim::testing::run_kcsim("run " + path + " --no-fixes --format json");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"scenario\""), std::string::npos);
  EXPECT_NE(r.err.find("kcsim: warning: " + path + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(": /objects/1/spec/minReplica: unknown field \"spec.minReplica\"\n"), std::string::npos) << r.err;
}

TEST(FieldValidation, LintReportsAnUnknownFieldFindingAndStrictMakesItAnError) {
  const std::string dir = kcsim::testing::test_dir();
  std::ofstream(dir + "/hpa.yaml") << "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
                                      "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
                                      "  minReplica: 2\n  maxReplicas: 10\n";
  auto r = kcsim::testing::run_kcsim("lint " + dir + "/hpa.yaml");
  EXPECT_EQ(r.status, 0) << r.err;  // a warning: below the default --fail-on error
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, dir + "/hpa.yaml:7:3: warning: [unknown-field] document 1, /spec/minReplica: unknown field "
                         "\"spec.minReplica\"\nkcsim lint: 0 error(s), 1 warning(s), 0 note(s); passing\n");
  r = kcsim::testing::run_kcsim("lint " + dir + "/hpa.yaml --fail-on warning");
  EXPECT_EQ(r.status, 1) << r.err;
  r = kcsim::testing::run_kcsim("lint " + dir + "/hpa.yaml --ignore unknown-field");
  EXPECT_EQ(r.out, "kcsim lint: 0 error(s), 0 warning(s), 0 note(s); passing\n");
  r = kcsim::testing::run_kcsim("lint " + dir + "/hpa.yaml --strict");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(dir + "/hpa.yaml:7:3: document 1, /spec/minReplica: expected no warnings (--strict), found "
                             "unknown field \"spec.minReplica\""),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace kcsim
