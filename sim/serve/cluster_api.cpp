// The Kubernetes API of a simulated cluster (include/kcsim/serve/cluster_api.hpp).
#include "kcsim/serve/cluster_api.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <stdexcept>
#include <optional>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/k8s/object_ref.hpp"
#include "kcsim/serve/api_status.hpp"
#include "kcsim/serve/discovery.hpp"
#include "kcsim/serve/openapi.hpp"
#include "kcsim/serve/request_target.hpp"
#include "kcsim/serve/watch_history.hpp"
#include "kcsim/serve/watch_stream.hpp"
#include "kcsim/serve/write_requests.hpp"
#include "kcsim/views/kubectl_view.hpp"
#include "kcsim/views/simulator_annotations.hpp"

#include "../views/cluster_objects.hpp"

namespace kcsim {
namespace {

// --- the Accept header ----------------------------------------------------------------------------------

// The Table version the client asks for ("v1", "v1beta1"), or "" for plain objects: the first
// media type of the Accept header with as=Table;g=meta.k8s.io that this server can produce
// (apiserver pkg/endpoints/handlers/responsewriters, negotiation of the Table transform).
std::string table_version(std::string_view accept) {
  for (std::size_t start = 0; start < accept.size();) {
    std::size_t comma = accept.find(',', start);
    if (comma == std::string_view::npos) comma = accept.size();
    const std::string media(accept.substr(start, comma - start));
    std::map<std::string, std::string> params;
    std::size_t semi = media.find(';');
    while (semi != std::string::npos) {
      const std::size_t next = media.find(';', semi + 1);
      const std::string kv = trim(media.substr(semi + 1, next == std::string::npos ? std::string::npos : next - semi - 1));
      const std::size_t eq = kv.find('=');
      if (eq != std::string::npos) params[trim(kv.substr(0, eq))] = trim(kv.substr(eq + 1));
      semi = next;
    }
    if (params["as"] == "Table" && params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1"))
      return params["v"];
    start = comma + 1;
  }
  return "";
}

// --- selectors -------------------------------------------------------------------------------------------

// The fields each kind can be selected on, beyond metadata.name and metadata.namespace (the
// registries' field label conversion functions in Kubernetes v1.32: pkg/apis/core/v1/conversion.go
// AddFieldLabelConversionsForPod, ...ForEvent, ...ForSecret, ...ForNamespace, ...ForNode,
// ...ForReplicationController; pkg/apis/apps/v1 ReplicaSet; pkg/apis/batch/v1 Job).
const std::set<std::string>* extra_fields(const std::string& group, const std::string& kind) {
  static const std::map<std::pair<std::string, std::string>, std::set<std::string>> kFields = {
      {{"", "Pod"},
       {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
        "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"}},
      {{"", "Event"},
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type"}},
      {{"", "Secret"}, {"type"}},
      {{"", "Namespace"}, {"status.phase"}},
      {{"", "Node"}, {"spec.unschedulable"}},
      {{"", "ReplicationController"}, {"status.replicas"}},
      {{"apps", "ReplicaSet"}, {"status.replicas"}},
      {{"batch", "Job"}, {"status.successful"}},
  };
  const auto it = kFields.find({group, kind});
  return it == kFields.end() ? nullptr : &it->second;
}

// The value a field label selects on, as the registry's GetAttrs/ToSelectableFields gives it.
std::string field_value(const json& obj, const std::string& field) {
  if (field == "source") return field_value(obj, "source.component");  // Event: source.component
  if (field == "status.podIPs") return field_value(obj, "status.podIP");  // the first (primary) IP
  const json* v = &obj;
  for (std::size_t start = 0; start <= field.size();) {
    std::size_t dot = field.find('.', start);
    if (dot == std::string::npos) dot = field.size();
    const std::string key = field.substr(start, dot - start);
    if (!v->is_object() || !v->contains(key)) {
      v = nullptr;
      break;
    }
    v = &(*v)[key];
    start = dot + 1;
  }
  if (!v || v->is_null()) {
    if (field == "spec.hostNetwork" || field == "spec.unschedulable") return "false";
    if (field == "status.replicas" || field == "status.successful") return "0";
    return "";
  }
  if (v->is_string()) return v->get<std::string>();
  if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
  return v->dump();
}

struct FieldTerm {
  std::string field;
  std::string value;
  bool negate = false;
};

// fields.ParseSelector: terms "f=v", "f==v" or "f!=v" joined by ","; nothing for a bad term.
std::optional<std::vector<FieldTerm>> parse_field_selector(const std::string& text, std::string& error) {
  std::vector<FieldTerm> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string term = text.substr(start, comma - start);
    FieldTerm t;
    std::size_t p = term.find("!=");
    std::size_t len = 2;
    if (p != std::string::npos) t.negate = true;
    else if ((p = term.find("==")) == std::string::npos) p = term.find('='), len = 1;
    if (p == std::string::npos) {
      error = fmt::format("invalid selector: '{}'; can't understand '{}'", text, term);
      return std::nullopt;
    }
    t.field = term.substr(0, p);
    t.value = term.substr(p + len);
    out.push_back(t);
    start = comma + 1;
  }
  return out;
}

// --- the resources ---------------------------------------------------------------------------------------

// An object of another API group with the same kind (a Flux Kustomization and a kustomize one)
// belongs to another resource; one stored without apiVersion is taken as it comes.
bool of_resource(const json& obj, const ServedResource& r) {
  if (!obj.contains("apiVersion") || !obj["apiVersion"].is_string()) return true;
  return api_group(obj["apiVersion"].get<std::string>()) == r.group;
}

// The objects of a resource, in one namespace or all, in the API server's list order: what
// `kcsim kubectl get` reads (sim/views/cluster_objects.hpp), the store plus what a real cluster
// holds and kcsim derives (Namespaces, Nodes, Services' ClusterIPs, Endpoints, EndpointSlices).
// kubectl asks for the namespace when an object is not found, to say whether it is missing.
std::vector<ObjectPtr> list_objects(const ClusterObjects& cluster, const ServedResource& r,
                                    const std::optional<std::string>& ns) {
  std::vector<ObjectPtr> out = cluster.list(r.kind, ns ? std::optional<std::string_view>(*ns) : std::nullopt);
  for (ObjectPtr& o : out) o = with_managed_fields(o);  // as the API server serves them (stored_version.hpp)
  return out;
}

ObjectPtr get_object(const ClusterObjects& cluster, const ServedResource& r, const std::optional<std::string>& ns,
                     const std::string& name) {
  return with_managed_fields(cluster.get({r.kind, ns.value_or(""), name}));
}

// An object as served: as stored, or without the simulator's annotations (a training exercise).
json served(const json& object, bool hide_simulator_annotations) {
  return hide_simulator_annotations ? without_simulator_annotations(object) : object;
}

// A list's metadata (metav1.ListMeta): resourceVersion, and on a page that is not the last the
// continue token and, without selectors, remainingItemCount.
json list_meta(std::uint64_t resource_version, const std::string& continue_token = "",
               std::optional<std::int64_t> remaining = std::nullopt) {
  json meta = {{"resourceVersion", std::to_string(resource_version)}};
  if (!continue_token.empty()) meta["continue"] = continue_token;
  if (remaining) meta["remainingItemCount"] = *remaining;
  return meta;
}

json list_document(const ServedResource& r, const std::vector<ObjectPtr>& objects, json meta, bool hide_simulator_annotations) {
  json items = json::array();
  for (const ObjectPtr& o : objects) items.push_back(served(*o, hide_simulator_annotations));
  return {{"kind", r.kind + "List"},
          {"apiVersion", r.group_version()},
          {"metadata", std::move(meta)},
          {"items", std::move(items)}};
}

// A meta.k8s.io Table (apimachinery pkg/apis/meta/v1 types.go Table, TableRow): the columns and
// cells of kcsim kubectl's printers; each row's object as includeObject asks (default Metadata:
// a PartialObjectMetadata, from which kubectl takes the NAMESPACE and LABELS columns). The cells
// are computed from the objects as stored, as `kcsim exercise kubectl get` computes them; only
// the embedded objects are `served`.
json table_document(const World& world, const ServedResource& r, const std::vector<ObjectPtr>& objects,
                    const std::string& version, const std::string& include_object, json meta,
                    bool hide_simulator_annotations, bool headers = true) {
  const KubectlTable t = kubectl_table(world.api(), world.versions(), r.kind, r.group_version(), objects);
  json columns = json::array();
  for (const KubectlTableColumn& c : t.columns)
    columns.push_back({{"name", c.header}, {"type", "string"}, {"format", c.name_format ? "name" : ""},
                       {"description", ""}, {"priority", c.wide ? 1 : 0}});
  json rows = json::array();
  for (std::size_t i = 0; i < objects.size(); ++i) {
    std::vector<std::string> cells = i < t.rows.size() ? t.rows[i] : std::vector<std::string>{};
    cells.resize(t.columns.size());
    json row = {{"cells", cells}};
    if (include_object == "Object") {
      row["object"] = served(*objects[i], hide_simulator_annotations);
    } else if (include_object != "None") {
      const json object = served(*objects[i], hide_simulator_annotations);
      json metadata = object.contains("metadata") ? object["metadata"] : json::object();
      row["object"] = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/" + version}, {"metadata", metadata}};
    }
    rows.push_back(std::move(row));
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/" + version},
          {"metadata", std::move(meta)},
          {"columnDefinitions", headers ? std::move(columns) : json(nullptr)},
          {"rows", std::move(rows)}};
}

// GET .../pods/NAME/log: the log lines kcsim kubectl's `logs` prints, read through it with the
// query's options (container, previous, timestamps, tailLines).
ApiResponse pod_log(const World& world, const Target& t, const std::string& ns, const std::string& name) {
  const ObjectPtr pod = world.api().get({"Pod", ns, name});
  if (!pod) return status_response(404, "NotFound", fmt::format("pods \"{}\" not found", name), {{"name", name}, {"kind", "pods"}});
  std::string container = param(t, "container");
  if (container.empty()) {
    // pkg/registry/core/pod/strategy.go LogLocation: one container may be left unnamed.
    std::vector<std::string> names;
    if (const json* cs = pod->contains("spec") && (*pod)["spec"].contains("containers") ? &(*pod)["spec"]["containers"] : nullptr;
        cs && cs->is_array())
      for (const json& c : *cs)
        if (c.contains("name") && c["name"].is_string()) names.push_back(c["name"].get<std::string>());
    if (names.size() != 1) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : " ") + n;
      return bad_request(fmt::format("a container name must be specified for pod {}, choose one of: [{}]", name, list));
    }
    container = names[0];
  }
  std::vector<std::string> args = {"logs", name, "-n", ns, "-c", container};
  if (param_true(t, "previous")) args.push_back("-p");
  if (param_true(t, "timestamps")) args.push_back("--timestamps");
  if (const std::string tail = param(t, "tailLines"); !tail.empty()) {
    args.push_back("--tail");
    args.push_back(tail);
  }
  KubectlResult r;
  try {
    r = kubectl_exec(world, args);
  } catch (const KubectlUsageError& e) {
    return bad_request(e.what());
  }
  if (r.status != 0) {
    // "Error from server (BadRequest): <message>\n": the API server's error, as kubectl printed it.
    std::string line = r.err.substr(0, r.err.find('\n'));
    const std::string prefix = "Error from server (";
    std::string reason = "BadRequest", message = line;
    if (line.rfind(prefix, 0) == 0) {
      const std::size_t close = line.find("): ");
      if (close != std::string::npos) {
        reason = line.substr(prefix.size(), close - prefix.size());
        message = line.substr(close + 3);
      }
    }
    return status_response(reason == "NotFound" ? 404 : 400, reason, message);
  }
  return {200, "text/plain", r.out};
}

// GET .../RESOURCE?watch=true (watch_stream.hpp). resourceVersion absent or "0": ADDED events for
// the current state first, then the changes, as kube-apiserver does for a watch without a
// resourceVersion (watch_cache.go getAllEventsSinceLocked, the store's state); another: the changes
// after it, or a single ERROR event (410 Expired, "too old resource version: RV (FLOOR)") when it
// is older than the history kept. timeoutSeconds ends the watch; without it kube-apiserver picks
// a random time between 30 and 60 min (--min-request-timeout 1800), kcsim takes 30 min.
ApiResponse watch_response(const World& world, const WatchHistory* history, const Target& t, const ServedResource& r,
                           const std::optional<std::string>& ns, const std::string& tv, const std::string& include_object,
                           const std::vector<ObjectPtr>& current, std::function<bool(const json&)> selected,
                           bool hide_simulator_annotations) {
  if (!history)
    return status_response(405, "MethodNotAllowed", "this server does not serve watch", json::object());
  WatchStreamOptions options;
  options.matches = [r, ns, selected = std::move(selected)](const json& o) {
    if (!o.contains("kind") || !o["kind"].is_string() || o["kind"].get<std::string>() != r.kind || !of_resource(o, r))
      return false;
    if (ns && field_value(o, "metadata.namespace") != *ns) return false;
    return selected(o);
  };
  if (tv.empty()) {
    options.encode = [hide_simulator_annotations](const ObjectPtr& o, std::uint64_t, bool) {
      return served(*o, hide_simulator_annotations);
    };
  } else {
    // With as=Table each event's object is a Table of one row (handlers/watch.go transforms every
    // event's object as a GET's), the column definitions in the first event only.
    options.encode = [&world, r, tv, include_object, hide_simulator_annotations](const ObjectPtr& o, std::uint64_t rv, bool first) {
      return table_document(world, r, {o}, tv, include_object, list_meta(rv), hide_simulator_annotations, first);
    };
  }
  if (param_true(t, "allowWatchBookmarks")) {
    // A bookmark's object is an empty object of the kind with only its resourceVersion set
    // (cacher.go). For a Table watch kcsim sends a Table without rows; kube-apiserver converts
    // the empty object as any other (kubectl get -w does not ask for bookmarks).
    options.bookmark = [r, tv](std::uint64_t rv) -> json {
      if (!tv.empty())
        return {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/" + tv}, {"metadata", {{"resourceVersion", std::to_string(rv)}}},
                {"columnDefinitions", nullptr}, {"rows", nullptr}};
      return {{"kind", r.kind}, {"apiVersion", r.group_version()},
              {"metadata", {{"resourceVersion", std::to_string(rv)}, {"creationTimestamp", nullptr}}}};
    };
  }
  if (const std::string timeout = param(t, "timeoutSeconds"); !timeout.empty()) {
    std::int64_t seconds = 0;
    try {
      std::size_t used = 0;
      seconds = std::stoll(timeout, &used);
      if (used != timeout.size()) throw std::invalid_argument(timeout);
    } catch (const std::exception&) {
      return bad_request(fmt::format("invalid value for timeoutSeconds: \"{}\"", timeout));
    }
    if (seconds > 0) options.timeout = std::chrono::seconds(seconds);
  }

  const std::string rv_text = param(t, "resourceVersion");
  std::vector<std::string> initial;
  std::optional<std::uint64_t> from;
  if (rv_text.empty() || rv_text == "0") {
    for (const ObjectPtr& o : current)
      initial.push_back(WatchStream::line("ADDED", options.encode(o, history->resource_version(), initial.empty())));
    from = history->end_index();
  } else {
    std::uint64_t rv = 0;
    const bool numeric = rv_text.find_first_not_of("0123456789") == std::string::npos && rv_text.size() < 20;
    if (numeric) rv = std::stoull(rv_text);
    // apimachinery storage ParseResourceVersion: "invalid resource version".
    if (!numeric) return bad_request(fmt::format("invalid resource version: {}", rv_text));
    if (rv < history->floor()) {
      // metav1.Status in its field order (errors.go NewResourceExpired: 410, reason Expired).
      const std::string message = fmt::format("too old resource version: {} ({})", rv, history->floor());
      initial.push_back(R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)" +
                        json(message).dump() + R"(,"reason":"Expired","code":410}})" + "\n");
    } else {
      from = history->first_after(rv);
    }
  }
  return {200, "application/json", "",
          std::make_shared<WatchStream>(*history, from, std::move(initial), std::move(options), std::chrono::steady_clock::now())};
}

}  // namespace

ClusterApi::ClusterApi(const World& world, std::string server_address, const WatchHistory* history)
    : world_(world), server_address_(std::move(server_address)), history_(history) {}

ApiResponse ClusterApi::handle(const ApiRequest& request) const {
  const Target t = parse_target(request.target);
  const std::vector<std::string>& s = t.segments;
  const bool write = is_write_method(request.method);
  if (request.method != "GET" && request.method != "HEAD" && !write)
    return status_response(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
                           json::object());

  // Discovery.
  if (s.size() == 1 && s[0] == "version") return {200, "application/json", to_body(version_document(world_.versions()))};
  if (s.size() == 1 && s[0] == "api") return {200, "application/json", to_body(core_versions_document(server_address_))};
  const std::vector<ServedResource> resources = served_resources(world_.api());
  if (s.size() == 1 && s[0] == "apis") return {200, "application/json", to_body(group_list_document(resources))};
  if (s.size() >= 2 && s[0] == "openapi" && s[1] == "v3" && !write) {
    if (s.size() == 2) return {200, "application/json", to_body(openapi_v3_root(resources))};
    std::optional<json> doc;
    if (s.size() == 4 && s[2] == "api" && s[3] == "v1") doc = openapi_v3_group_version(resources, "", "v1", world_.versions());
    if (s.size() == 5 && s[2] == "apis") doc = openapi_v3_group_version(resources, s[3], s[4], world_.versions());
    return doc ? ApiResponse{200, "application/json", to_body(*doc)} : path_not_found();
  }

  std::string group, version;
  std::size_t rest = 0;
  if (s.size() >= 2 && s[0] == "api" && s[1] == "v1") {
    version = "v1";
    rest = 2;
  } else if (s.size() >= 3 && s[0] == "apis") {
    group = s[1];
    version = s[2];
    rest = 3;
  } else {
    return path_not_found();
  }
  if (s.size() == rest) {
    if (write) return status_response(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", json::object());
    const std::optional<json> doc = resource_list_document(resources, group, version, writes_ != nullptr);
    return doc ? ApiResponse{200, "application/json", to_body(*doc)} : path_not_found();
  }

  // [namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]]
  std::optional<std::string> ns;
  std::size_t i = rest;
  if (s[i] == "namespaces" && s.size() >= i + 3) {
    const ServedResource* inner = find_served_resource(resources, group, version, s[i + 2]);
    if (inner && inner->namespaced) {
      ns = s[i + 1];
      i += 2;
    }
  }
  const ServedResource* r = find_served_resource(resources, group, version, s[i]);
  if (!r) return path_not_found();
  const std::optional<std::string> name = s.size() > i + 1 ? std::optional<std::string>(s[i + 1]) : std::nullopt;
  const std::optional<std::string> sub = s.size() > i + 2 ? std::optional<std::string>(s[i + 2]) : std::nullopt;
  if (s.size() > i + 3 || (ns && !r->namespaced) || (name && r->namespaced && !ns)) return path_not_found();
  if (sub && *sub != "scale" && !(*sub == "log" && r->group.empty() && r->kind == "Pod")) return path_not_found();
  if (sub && *sub == "scale" && !has_scale_subresource(*r)) return path_not_found();
  if (write) {
    if (!writes_) return writes_refused(*r, name, read_only_reason_);
    return writes_->handle(request, t, *r, ns, name, sub);
  }
  if (sub) {
    if (*sub == "scale") return scale_response(world_.api(), *r, ns.value_or(""), *name);
    return pod_log(world_, t, *ns, *name);
  }

  const ClusterObjects cluster(world_.api(), world_.versions(), &world_.settings("kubelet"));
  const std::string tv = table_version(request.accept);
  const std::string include_object = param(t, "includeObject");
  const std::uint64_t now_rv = world_.api().resource_version();
  const bool watch = param_true(t, "watch");
  if (name && !watch) {
    const ObjectPtr o = get_object(cluster, *r, ns, *name);
    if (!o || !of_resource(*o, *r)) return object_not_found(*r, *name);
    if (!tv.empty())
      return {200, "application/json",
              to_body(table_document(world_, *r, {o}, tv, include_object, list_meta(now_rv), hide_simulator_annotations_))};
    return {200, "application/json", to_body(served(*o, hide_simulator_annotations_))};
  }

  // LIST and WATCH, with the selectors.
  const std::string label_selector = param(t, "labelSelector");
  std::string error;
  std::optional<std::vector<FieldTerm>> fields = parse_field_selector(param(t, "fieldSelector"), error);
  if (!fields) return bad_request(error);
  const std::set<std::string>* extra = extra_fields(r->group, r->kind);
  for (const FieldTerm& f : *fields)
    if (f.field != "metadata.name" && f.field != "metadata.namespace" && !(extra && extra->count(f.field)))
      return bad_request(fmt::format("field label not supported: {}", f.field));
  try {
    if (!label_selector.empty()) label_selector_text_matches(label_selector, nullptr);
  } catch (const KubectlUsageError& e) {
    return bad_request(e.what());
  }
  // A watch of one object (the deprecated .../RESOURCE/NAME?watch=true) is a watch of its name.
  if (name) fields->push_back({"metadata.name", *name, false});
  const auto selected = [label_selector, fields = *fields](const json& o) {
    const json* labels = o.contains("metadata") && o["metadata"].contains("labels") ? &o["metadata"]["labels"] : nullptr;
    if (!label_selector.empty() && !label_selector_text_matches(label_selector, labels)) return false;
    for (const FieldTerm& f : fields)
      if ((field_value(o, f.field) == f.value) == f.negate) return false;
    return true;
  };
  std::vector<ObjectPtr> all;
  for (const ObjectPtr& o : list_objects(cluster, *r, ns))
    if (of_resource(*o, *r)) all.push_back(o);
  if (watch) {
    std::vector<ObjectPtr> objects;
    for (const ObjectPtr& o : all)
      if (selected(*o)) objects.push_back(o);
    return watch_response(world_, history_, t, *r, ns, tv, include_object, objects, selected, hide_simulator_annotations_);
  }
  std::variant<ListPage, ApiResponse> page = list_page_of(t, *r, ns, std::move(all), selected,
                                                          label_selector.empty() && fields->empty(), now_rv);
  if (ApiResponse* refused = std::get_if<ApiResponse>(&page)) return *refused;
  ListPage& p = std::get<ListPage>(page);
  json meta = list_meta(p.resource_version, p.continue_token, p.remaining);
  if (!tv.empty())
    return {200, "application/json", to_body(table_document(world_, *r, p.items, tv, include_object, std::move(meta), hide_simulator_annotations_))};
  return {200, "application/json", to_body(list_document(*r, p.items, std::move(meta), hide_simulator_annotations_))};
}

std::variant<ListPage, ApiResponse> ClusterApi::list_page_of(const Target& t, const ServedResource& r,
                                                             const std::optional<std::string>& ns, std::vector<ObjectPtr> all,
                                                             const std::function<bool(const json&)>& selected, bool no_selector,
                                                             std::uint64_t now_rv) const {
  const std::string limit_text = param(t, "limit"), continue_text = param(t, "continue"), rv_text = param(t, "resourceVersion");
  std::int64_t limit = 0;
  if (!limit_text.empty()) {
    try {
      std::size_t used = 0;
      limit = std::stoll(limit_text, &used);
      if (used != limit_text.size()) throw std::invalid_argument(limit_text);
    } catch (const std::exception&) {
      return bad_request(fmt::format("invalid value for limit: \"{}\"", limit_text));
    }
  }
  const bool across_namespaces = r.namespaced && !ns;
  // The list a page is taken from: a list's name (resource and namespace) and its resourceVersion.
  const std::string scope = fmt::format("{}/{}/{}", r.group, r.plural, ns.value_or(""));
  const auto now = static_cast<std::int64_t>(now_rv);
  if (continue_text.empty()) {
    // resourceVersion=0 is served from the watch cache, which does not page (cacher.go): whole.
    if (limit <= 0 || rv_text == "0") {
      ListPage whole;
      for (const ObjectPtr& o : all)
        if (selected(*o)) whole.items.push_back(o);
      whole.resource_version = now_rv;
      return whole;
    }
    ListPage page = list_page(all, selected, across_namespaces, "", limit, now, no_selector);
    if (!page.continue_token.empty()) snapshots_.keep(scope, now, std::move(all));
    page.resource_version = now_rv;
    return page;
  }
  // etcd3 store.go GetList with a continue token.
  if (!rv_text.empty() && rv_text != "0") return bad_request("specifying resource version is not allowed when using continue");
  const std::variant<ContinueToken, std::string> token = decode_continue(continue_text);
  if (const std::string* error = std::get_if<std::string>(&token)) return bad_request("invalid continue token: " + *error);
  const ContinueToken& from = std::get<ContinueToken>(token);
  const std::vector<ObjectPtr>* listed = nullptr;
  std::int64_t at = from.resource_version;
  if (at == now || at == -1) {
    listed = &all;
    at = now;
  } else {
    listed = snapshots_.find(scope, at);
  }
  if (!listed) {
    // A revision etcd has compacted (kcsim: a list it no longer keeps): 410 Expired, with a token
    // that continues from the same key at the current state (etcd3 errors.go inconsistentContinue).
    json status = {{"kind", "Status"}, {"apiVersion", "v1"},
                   {"metadata", {{"continue", encode_continue({-1, from.start})}}}, {"status", "Failure"},
                   {"message", "The provided continue parameter is too old to display a consistent list result. You can start a new list "
                               "without the continue parameter, or use the continue token in this response to retrieve the remainder of "
                               "the results. Continuing with the provided token results in an inconsistent list - objects that were "
                               "created, modified, or deleted between the time the first chunk was returned and now may show up in the list."},
                   {"reason", "Expired"}, {"code", 410}};
    return ApiResponse{410, "application/json", to_body(status)};
  }
  ListPage page = list_page(*listed, selected, across_namespaces, from.start, limit, at, no_selector);
  if (!page.continue_token.empty() && listed == &all) snapshots_.keep(scope, at, std::move(all));
  page.resource_version = static_cast<std::uint64_t>(at);
  return page;
}

}  // namespace kcsim
