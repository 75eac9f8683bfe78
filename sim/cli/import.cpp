// kcsim import PATH...: a scenario from the manifests a user already has (a rendered Helm chart,
// a kustomize build, `kubectl get -o yaml` of a namespace, ArgoCD Applications), with sensible
// defaults: idle traffic, today's version profiles, the Git files as the repository the
// Applications read, and the live objects as found. docs/explain-lint.md, docs/cli.md.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <cstdint>
#include <set>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "scenario_import.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/scenario/manifest_reader.hpp"
#include "kcsim/analysis/ownership_graph.hpp"
#include "kcsim/cli/runner.hpp"
#include "kcsim/scenario/scenario.hpp"
#include "kcsim/core/output_file.hpp"
#include "kcsim/apiserver/scenario_spec.hpp"

namespace po = boost::program_options;

namespace kcsim::cli {
namespace {

constexpr const char* kImportUsage = R"(Usage: kcsim import PATH... [options]

Reads YAML (multi-document) and JSON (objects and kind: List) files or directories and writes a
kcsim scenario (docs/scenario-format.md) that `kcsim run` accepts:
  objects    the live objects as found (without what the API server writes), the manifests
             applied with kubectl apply -f, and Git manifests that nothing deploys (assumed
             applied by hand as they are in Git: a bootstrap Application, say);
  git        the --git files at their repository paths, one commit at t = 0, under the URL the
             Applications name, so that their source paths find them;
  traffic    an idle source per HTTPScaledObject (edit the pattern to add load);
  versions   today's releases (kubernetes, keda, http-add-on, argocd).
Objects that the simulated controllers create themselves (Pods, ReplicaSets, Events, the
ScaledObject of an HTTPScaledObject, KEDA's HPA) are left out.

Git or live: see `kcsim explain --help` (git/ and live/ subdirectories, or --git and --live).

Options)";

const std::set<std::string> kDerivedKinds = {"Pod", "Event", "EndpointSlice", "Endpoints", "ControllerRevision", "Lease"};

bool owned_by_kind(const json& obj, const std::set<std::string>& kinds) {
  const json md = obj.value("metadata", json::object());
  if (!md.contains("ownerReferences") || !md["ownerReferences"].is_array()) return false;
  for (const json& o : md["ownerReferences"])
    if (kinds.count(o.value("kind", ""))) return true;
  return false;
}

// Objects the simulated controllers make on their own: importing them would make two.
std::string derived_reason(const json& obj) {
  const std::string kind = obj.value("kind", "");
  if (kDerivedKinds.count(kind)) return fmt::format("{}s are created by the simulated controllers", kind);
  if (kind == "ReplicaSet" && owned_by_kind(obj, {"Deployment"})) return "the Deployment controller creates it";
  if (kind == "ScaledObject" && owned_by_kind(obj, {"HTTPScaledObject"})) return "the HTTP add-on creates it";
  if (kind == "HorizontalPodAutoscaler" && owned_by_kind(obj, {"ScaledObject"})) return "KEDA creates it";
  return "";
}

std::string sanitize_name(std::string name) {
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) c = '-';
  while (!name.empty() && (name.front() == '-' || name.front() == '.')) name.erase(0, 1);
  while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
  return name.empty() ? "imported" : name;
}

bool deployed_by_something(const OwnershipGraph& graph, const ObjectRef& ref) {
  const auto v = graph.vertex("object:" + ref.str());
  if (!v) return false;
  const auto& g = graph.graph();
  for (auto e : boost::make_iterator_range(boost::in_edges(*v, g)))
    if (g[e].kind == EdgeKind::kDeploys) return true;
  return false;
}

}  // namespace

ImportedScenario import_scenario(const ManifestSet& set, const OwnershipGraph& graph, const ManifestInputs& inputs,
                                 const ImportSettings& settings_in) {
  std::string name = settings_in.name;
  const std::string& duration = settings_in.duration;
  std::vector<std::string> notes;
  // --- objects ---
  std::vector<json> objects;
  std::set<ObjectRef> seen;
  auto add_object = [&](const Manifest& m, const std::string& origin_note) {
    const std::string derived = derived_reason(m.object);
    if (!derived.empty()) {
      notes.push_back(fmt::format("{}: {} left out: {}", m.where(), m.ref().str(), derived));
      return;
    }
    if (!seen.insert(m.ref()).second) return;
    objects.push_back(strip_server_fields(m.object));
    if (!origin_note.empty()) notes.push_back(fmt::format("{}: {} {}", m.where(), m.ref().str(), origin_note));
  };
  for (const Manifest& m : set.live) add_object(m, "");
  for (const Manifest& m : set.declared) add_object(m, "");
  // Git manifests nothing deploys: Applications, ApplicationSets and Flux objects are assumed
  // applied by hand as they are in Git; other objects too (a chart kept in Git and applied by a
  // pipeline), so that the scenario has them.
  // (kind, name) of every deployed object, for Git manifests whose namespace comes from the
  // deploying Application's destination.
  std::set<std::pair<std::string, std::string>> deployed_kind_name;
  {
    const auto& g = graph.graph();
    for (auto v : boost::make_iterator_range(boost::vertices(g)))
      if (g[v].kind == VertexKind::kObject && deployed_by_something(graph, g[v].object))
        deployed_kind_name.insert({g[v].object.kind, g[v].object.name});
  }
  for (const Manifest& m : set.git) {
    ObjectRef ref = m.ref();
    const std::string kind = m.object.value("kind", "");
    const bool app_like = kind == "Application" || kind == "ApplicationSet";
    if (app_like && ref.ns.empty()) ref.ns = "argocd";
    if (deployed_by_something(graph, ref)) continue;
    // Resources whose namespace comes from an Application's destination are deployed under
    // another ref; check that form too.
    if (ref.ns.empty() && deployed_kind_name.count({ref.kind, ref.name})) continue;
    Manifest copy = m;
    if (app_like && !copy.object["metadata"].contains("namespace")) copy.object["metadata"]["namespace"] = "argocd";
    add_object(copy, "is in Git but nothing deploys it: assumed applied by hand as it is in Git");
  }
  // Namespaces first: the objects in them are created after them.
  std::stable_sort(objects.begin(), objects.end(), [](const json& a, const json& b) {
    return (a.value("kind", "") == "Namespace") > (b.value("kind", "") == "Namespace");
  });

  // --- git ---
  json git = json::array();
  for (const auto& [url, dir] : set.repositories) {
    std::map<std::string, json> files;
    for (const Manifest& m : set.git) {
      if (m.repo_url != url) continue;
      json& f = files[m.rel_path];
      if (f.is_null()) f = json::array();
      f.push_back(m.object);
    }
    if (files.empty()) continue;
    json file_map = json::object();
    for (auto& [path, list] : files) file_map[path] = list.size() == 1 ? list[0] : list;
    std::string repo_url = url;
    if (repo_url.empty()) {
      repo_url = "https://git.example.com/imported.git";
      notes.push_back(fmt::format("{}: no repository URL known (no --repo-url, no .git/config origin, no Application "
                                  "naming these paths); using {}",
                                  dir, repo_url));
    }
    git.push_back({{"repoURL", repo_url},
                   {"description", fmt::format("imported from {}", dir.empty() ? std::string("the inputs") : dir)},
                   {"commits", json::array({{{"at", "0s"}, {"message", "kcsim import"}, {"files", file_map}}})}});
  }

  // --- traffic: one idle source per HTTPScaledObject ---
  json traffic = json::array();
  std::set<ObjectRef> hsos;
  auto add_hso = [&](const json& obj, const std::string& default_ns) {
    if (obj.value("kind", "") != "HTTPScaledObject") return;
    ObjectRef ref = ObjectRef::of(obj);
    if (ref.ns.empty()) ref.ns = default_ns;
    if (!hsos.insert(ref).second) return;
    json source = {{"name", fmt::format("{}/{} (idle)", ref.ns, ref.name)}, {"pattern", {{"type", "idle"}}}};
    const json spec = obj.value("spec", json::object());
    if (spec.contains("hosts") && spec["hosts"].is_array() && !spec["hosts"].empty() && spec["hosts"][0].is_string())
      source["host"] = spec["hosts"][0];
    else if (spec.contains("host") && spec["host"].is_string())
      source["host"] = spec["host"];
    else if (spec.contains("scaleTargetRef") && spec["scaleTargetRef"].is_object() &&
             spec["scaleTargetRef"].contains("service") && spec["scaleTargetRef"]["service"].is_string())
      source["service"] = ref.ns + "/" + spec["scaleTargetRef"]["service"].get<std::string>();
    else
      return;
    source["description"] = "idle: no requests; change the pattern (constant, poisson, bursts, diurnal, steps, trace) to add load";
    traffic.push_back(source);
  };
  for (const json& o : objects) add_hso(o, "default");
  {
    const auto& g = graph.graph();
    for (const Manifest& m : set.git) {
      if (m.object.value("kind", "") != "HTTPScaledObject") continue;
      std::string ns = m.ref().ns;
      if (ns.empty())
        for (auto v : boost::make_iterator_range(boost::vertices(g)))
          if (g[v].kind == VertexKind::kObject && g[v].object.kind == "HTTPScaledObject" && g[v].object.name == m.ref().name)
            ns = g[v].object.ns;
      add_hso(m.object, ns.empty() ? "default" : ns);
    }
  }

  // --- settings ---
  json settings = json::object();
  std::set<std::string> app_namespaces;
  for (const json& o : objects)
    if (o.value("kind", "") == "Application" && o.contains("metadata") && o["metadata"].contains("namespace"))
      app_namespaces.insert(o["metadata"]["namespace"].get<std::string>());
  if (app_namespaces.size() == 1 && *app_namespaces.begin() != "argocd")
    settings["argocd"] = {{"namespace", *app_namespaces.begin()}};

  // --- the scenario ---
  if (name.empty()) {
    const std::string first = !inputs.paths.empty() ? inputs.paths[0] : !inputs.git.empty() ? inputs.git[0] : inputs.live[0];
    std::filesystem::path p(first);
    while (p.has_parent_path() && (p.filename().empty() || p.filename() == "." || p.filename() == "git" || p.filename() == "live"))
      p = p.parent_path();
    name = sanitize_name(p.stem().string());
  }
  std::string from;
  for (const auto& p : inputs.paths) from += (from.empty() ? "" : " ") + p;
  for (const auto& p : inputs.git) from += (from.empty() ? "" : " ") + ("--git " + p);
  for (const auto& p : inputs.live) from += (from.empty() ? "" : " ") + ("--live " + p);
  json versions = json::object();
  const Versions defaults;  // today's releases
  for (const auto& [component, version] : defaults.all()) versions[component] = version;
  // Written in the order people read a scenario (nlohmann::json would sort the keys).
  using ordered = nlohmann::ordered_json;
  // A json value as an ordered one, keys in json's (sorted) order. Its members are appended, not
  // inserted: ordered_json's insert and parse look each key up linearly, which made a mapping of
  // n keys (a large ConfigMap) cost n² (80,000 keys: 16.5 s).
  auto to_ordered = [](const json& j) {
    auto convert = [](const json& v, auto& self) -> ordered {
      if (v.is_object()) {
        ordered o = ordered::object();
        auto& members = o.get_ref<ordered::object_t&>();
        members.reserve(v.size());
        for (auto it = v.begin(); it != v.end(); ++it) members.push_back({it.key(), self(*it, self)});
        return o;
      }
      if (v.is_array()) {
        ordered a = ordered::array();
        a.get_ref<ordered::array_t&>().reserve(v.size());
        for (const json& e : v) a.push_back(self(e, self));
        return a;
      }
      switch (v.type()) {
        case json::value_t::string: return v.get<std::string>();
        case json::value_t::boolean: return v.get<bool>();
        case json::value_t::number_integer: return v.get<std::int64_t>();
        case json::value_t::number_unsigned: return v.get<std::uint64_t>();
        case json::value_t::number_float: return v.get<double>();
        default: return nullptr;
      }
    };
    return convert(j, convert);
  };
  std::size_t git_files = 0;
  {
    std::set<std::string> f;
    for (const Manifest& m : set.git) f.insert(m.repo_url + "\n" + m.rel_path);
    git_files = f.size();
  }
  ordered scenario;
  scenario["apiVersion"] = "kcsim/v1";
  scenario["kind"] = "Scenario";
  scenario["metadata"]["name"] = name;
  scenario["metadata"]["description"] =
      fmt::format("Imported by `kcsim import {}`: {} live or applied object(s), {} Git file(s), idle traffic, "
                  "today's version profiles.",
                  from, objects.size(), git_files);
  scenario["seed"] = 1;
  scenario["duration"] = duration;
  scenario["versions"] = to_ordered(versions);
  if (!settings.empty()) scenario["settings"] = to_ordered(settings);
  scenario["objects"] = to_ordered(json(objects));
  if (!git.empty()) {
    ordered repos = ordered::array();
    for (const json& r : git) {
      ordered o;
      o["repoURL"] = r["repoURL"];
      o["description"] = r["description"];
      ordered commit;
      commit["at"] = "0s";
      commit["message"] = "kcsim import";
      commit["files"] = to_ordered(r["commits"][0]["files"]);
      o["commits"] = ordered::array({commit});
      repos.push_back(o);
    }
    scenario["git"] = repos.size() == 1 ? repos[0] : repos;
  }
  scenario["traffic"] = ordered::array();
  for (const json& t : traffic) {
    ordered o;
    for (const char* k : {"name", "host", "service", "pattern", "description"})
      if (t.contains(k)) o[k] = to_ordered(t[k]);
    scenario["traffic"].push_back(o);
  }
  scenario["timeline"] = ordered::array();
  scenario["expectations"] = ordered::array();
  if (settings_in.expect_no_fights) {
    ordered e;
    e["description"] = "no two controllers fight over a field";
    e["report"] = "fights.length";
    e["equals"] = 0;
    scenario["expectations"].push_back(e);
  }
  ImportedScenario out;
  out.text = scenario.dump(2) + "\n";
  std::sort(notes.begin(), notes.end());
  out.notes = std::move(notes);
  out.objects = objects.size();
  out.repositories = git.size();
  out.traffic_sources = traffic.size();
  return out;
}

static int import_manifests_impl(const std::vector<std::string>& args) {
  ManifestInputs inputs;
  std::string output, name, duration = "1h";
  po::options_description opts(kImportUsage);
  opts.add_options()("help,h", "show this help")
      ("output,o", po::value(&output), "write the scenario to FILE (default: standard output)")
      ("name", po::value(&name), "metadata.name of the scenario (default: from the first path)")
      ("duration", po::value(&duration)->default_value("1h"), "simulated time to run (Go duration)")
      ("git", po::value(&inputs.git)->composing(), "a Git working tree (repeatable); paths inside it are repository paths")
      ("live", po::value(&inputs.live)->composing(), "objects as the cluster has them (repeatable)")
      ("repo-url", po::value(&inputs.repo_url), "the URL of the --git tree (default: its .git/config origin, else the URL its Applications name)")
      ("namespace,n", po::value(&inputs.default_namespace)->default_value("default"), "namespace of applied objects that name none")
      ("expect-no-fights", "add an expectation that no field is fought over (kcsim run --check then fails on a fight)")
      ("strict", "treat warnings (skipped documents, unknown fields) as errors");
  po::options_description hidden;
  hidden.add_options()("paths", po::value(&inputs.paths)->composing());
  po::positional_options_description pos;
  pos.add("paths", -1);
  po::variables_map vm;
  if (const auto status = parse_command_line(args, opts, hidden, pos, vm)) return *status;
  inputs.strict = vm.count("strict") > 0;
  if (inputs.paths.empty() && inputs.git.empty() && inputs.live.empty())
    return usage_error("import needs manifest paths (files or directories), --git DIR or --live PATH");
  for (const std::string& p : inputs.paths)
    if (is_scenario_file(p)) return usage_error(fmt::format("{} is already a scenario: run it with kcsim run", p));
  std::string why;
  if (!parse_duration(duration, &why) || parse_duration(duration)->count() <= 0)
    return usage_error(fmt::format("--duration: expected a positive Go duration such as 1h or 90m: {}", why));

  {
    std::vector<std::string> named = inputs.paths;
    named.insert(named.end(), inputs.git.begin(), inputs.git.end());
    named.insert(named.end(), inputs.live.begin(), inputs.live.end());
    if (const auto conflict = conflicting_outputs({{"-o", output}}, named)) return usage_error(*conflict);
  }
  const ManifestSet set = load_manifest_set(inputs);
  for (const ReadWarning& w : set.warnings) std::cerr << "kcsim: warning: " << w.str() << "\n";
  const OwnershipGraph graph(set);

  ImportSettings settings;
  settings.name = name;
  settings.duration = duration;
  settings.expect_no_fights = vm.count("expect-no-fights") > 0;
  const ImportedScenario imported = import_scenario(set, graph, inputs, settings);
  // What we write must load: the same validation `kcsim run` does.
  parse_scenario(imported.text, output.empty() || output == "-" ? "<import>" : output);
  write_output(output, imported.text);

  for (const std::string& n : imported.notes) std::cerr << "kcsim: note: " << n << "\n";
  for (const std::string& n : graph.notes()) std::cerr << "kcsim: note: " << n << "\n";
  std::size_t fights = 0;
  for (const Finding& f : graph.findings()) fights += f.rule == "field-fight" || f.rule == "field-reset-on-sync";
  std::cerr << fmt::format("kcsim import: {} object(s), {} Git repository(ies), {} traffic source(s){}; {} potential "
                           "fight(s) (kcsim explain shows them)\n",
                           imported.objects, imported.repositories, imported.traffic_sources,
                           output.empty() || output == "-" ? "" : " written to " + output, fights);
  return 0;
}

int import_manifests(const std::vector<std::string>& args) { return with_manifest_safety_net(&import_manifests_impl, args); }

}  // namespace kcsim::cli
