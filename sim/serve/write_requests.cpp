// The writes of `kcsim serve --allow-writes` (include/kcsim/serve/write_requests.hpp).
#include "kcsim/serve/write_requests.hpp"

#include <stdexcept>
#include <string_view>
#include <variant>

#include <fmt/format.h>

#include "kcsim/apiserver/stored_version.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/k8s/manifest_parser.hpp"
#include "kcsim/k8s/object_validation.hpp"
#include "kcsim/serve/api_status.hpp"
#include "kcsim/serve/strategic_merge_patch.hpp"
#include "kcsim/serve/write_record.hpp"

namespace kcsim {
namespace {

// The patch types of the PATCH verb (k8s.io/apimachinery pkg/types/patch.go PatchType).
constexpr std::string_view kMergePatch = "application/merge-patch+json";
constexpr std::string_view kJsonPatch = "application/json-patch+json";
constexpr std::string_view kStrategicMergePatch = "application/strategic-merge-patch+json";
constexpr std::string_view kApplyPatch = "application/apply-patch+yaml";

// The media type of a Content-Type header, without its parameters ("; charset=utf-8").
std::string media_type(const std::string& content_type) {
  const std::string::size_type semi = content_type.find(';');
  std::string m = content_type.substr(0, semi);
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return m;
}

std::string qualified(const ServedResource& r) { return r.group.empty() ? r.plural : r.plural + "." + r.group; }

// The 409 of a stale resourceVersion (errors.go NewConflict with registry.OptimisticLockErrorMsg).
ApiResponse conflict(const ServedResource& r, const std::string& name) {
  return status_response(409, "Conflict",
                         fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your "
                                     "changes to the latest version and try again",
                                     qualified(r), name),
                         status_details(r, name));
}

// apiserver handlers/rest.go managerOrUserAgent: the fieldManager parameter, else the User-Agent
// up to its first "/" (prefixFromUserAgent), at most 128 characters.
std::string field_manager(const Target& t, const ApiRequest& request) {
  if (std::string m = param(t, "fieldManager"); !m.empty()) return m;
  std::string ua = request.user_agent.substr(0, request.user_agent.find('/'));
  if (ua.size() > 128) ua.resize(128);
  return ua;
}

// The body of a create or an update in a media type this server decodes: JSON (or YAML, of
// which JSON is a part). Protobuf is not decoded: kcsim answers 415 with the types it takes, and
// client-go's REST client then sends JSON (rest/request.go retries a protobuf body refused with
// 415 as JSON).
std::optional<ApiResponse> unsupported_body(const ApiRequest& request) {
  const std::string type = media_type(request.content_type);
  if (type.empty() || type == "application/json" || type == "application/yaml") return std::nullopt;
  return status_response(415, "UnsupportedMediaType",
                         "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
}

// The request body as JSON; an apply patch may be YAML (JSON is YAML too).
std::optional<json> body_json(const ApiRequest& request, std::string& error) {
  json doc = json::parse(request.body, nullptr, false);
  if (!doc.is_discarded()) return doc;
  if (media_type(request.content_type) == kApplyPatch || media_type(request.content_type) == "application/yaml") {
    try {
      std::vector<ReadWarning> warnings;
      std::vector<Manifest> manifests = parse_manifests(request.body, "request body.yaml", warnings);
      if (manifests.size() == 1) return std::move(manifests[0].object);
      error = "error decoding YAML: the apply patch must hold one object";
      return std::nullopt;
    } catch (const std::exception& e) {
      error = fmt::format("error decoding YAML: {}", e.what());
      return std::nullopt;
    }
  }
  // The JSON decoder's words (serializer/json: "couldn't get version/kind; json parse error").
  error = "the body of the request could not be decoded as JSON";
  return std::nullopt;
}

// What a decoded object takes from the request path: kind and apiVersion when it has none, its
// namespace when it names none. A namespace that differs from the path's is refused
// (apiserver handlers/rest.go: "the namespace of the provided object does not match the namespace
// sent on the request").
std::optional<ApiResponse> complete_object(json& object, const ServedResource& r, const std::optional<std::string>& ns) {
  if (!object.is_object()) return bad_request("the body of the request must be a JSON object");
  if (!object.contains("kind")) object["kind"] = r.kind;
  if (!object.contains("apiVersion")) object["apiVersion"] = r.group_version();
  if (!object["kind"].is_string() || object["kind"].get<std::string>() != r.kind)
    return bad_request(fmt::format("the kind of the provided object ({}) does not match the resource {}", object["kind"].dump(), qualified(r)));
  if (!object.contains("metadata") || !object["metadata"].is_object()) object["metadata"] = json::object();
  json& meta = object["metadata"];
  if (ns) {
    if (!meta.contains("namespace") || meta["namespace"] == "") meta["namespace"] = *ns;
    else if (meta["namespace"] != *ns)
      return bad_request("the namespace of the provided object does not match the namespace sent on the request");
  }
  return std::nullopt;
}

std::string resource_version_of(const ObjectPtr& o) {
  if (!o || !o->contains("metadata")) return "";
  return (*o)["metadata"].value("resourceVersion", "");
}

json scale_document(const ObjectPtr& parent, const Scale& s) {
  const json& meta = (*parent)["metadata"];
  json metadata = {{"name", meta.value("name", "")}, {"namespace", meta.value("namespace", "")}};
  for (const char* key : {"uid", "resourceVersion", "creationTimestamp"})
    if (meta.contains(key)) metadata[key] = meta[key];
  json status = {{"replicas", s.status_replicas}};
  if (!s.selector.empty()) status["selector"] = s.selector;
  return {{"kind", "Scale"}, {"apiVersion", "autoscaling/v1"}, {"metadata", metadata},
          {"spec", {{"replicas", s.spec_replicas}}}, {"status", status}};
}

// The patched document: a JSON merge patch, a JSON patch or a strategic merge patch applied to
// `original` (an object of `kind`), or the Status of a malformed patch (apiserver
// handlers/patch.go: 400 for a patch that does not decode, 422 for one that does not apply).
std::variant<json, ApiResponse> patched(const json& original, const std::string& type, const std::string& body,
                                        const std::string& kind) {
  const json patch = json::parse(body, nullptr, false);
  if (patch.is_discarded()) return bad_request("error decoding patch: invalid JSON");
  if (type == kMergePatch) {
    json out = original;
    out.merge_patch(patch);
    return out;
  }
  if (type == kJsonPatch) {
    if (!patch.is_array()) return bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    try {
      return original.patch(patch);
    } catch (const json::exception& e) {
      return status_response(422, "Invalid", fmt::format("the server rejected our request due to an error in our request ({})", e.what()));
    }
  }
  try {
    return strategic_merge_patch(original, patch, kind);
  } catch (const std::invalid_argument& e) {
    return bad_request(e.what());
  }
}

}  // namespace

bool is_write_method(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

ApiResponse scale_response(const ApiServer& api, const ServedResource& r, const std::string& ns, const std::string& name) {
  const ObjectRef ref{r.kind, ns, name};
  const ObjectPtr parent = api.get(ref);
  const std::optional<Scale> s = api.get_scale(ref);
  if (!parent || !s) return object_not_found(r, name);
  return {200, "application/json", to_body(scale_document(parent, *s))};
}

ApiResponse writes_refused(const ServedResource& r, const std::optional<std::string>& name, const std::string& reason) {
  const std::string subject = name ? fmt::format("{} \"{}\"", qualified(r), *name) : qualified(r);
  return status_response(403, "Forbidden",
                         fmt::format("{} is forbidden: {}", subject, reason),
                         status_details(r, name.value_or("")));
}

WriteRequests::WriteRequests(World& world) : world_(world) {}

ApiResponse WriteRequests::dry_run_update(const ServedResource& r, const ObjectRef& ref, const ObjectPtr& before, json next) {
  // The update's checks and answer, as the API server makes them (ApiServer::update): the
  // resourceVersion precondition; the system metadata kept from the stored object; the status
  // kept (a write to the main resource does not change it); generation + 1 when anything but
  // metadata and status changed. The resourceVersion is the stored one: nothing was written.
  json& meta = next["metadata"];
  const json& old_meta = (*before)["metadata"];
  if (const std::string rv = meta.value("resourceVersion", ""); !rv.empty() && rv != resource_version_of(before))
    return conflict(r, ref.name);
  for (const char* key : {"name", "namespace", "uid", "creationTimestamp", "resourceVersion", "generation", "managedFields",
                          "deletionTimestamp", "deletionGracePeriodSeconds", "generateName"}) {
    if (old_meta.contains(key)) meta[key] = old_meta[key];
    else meta.erase(key);
  }
  if (before->contains("status")) next["status"] = (*before)["status"];
  else next.erase("status");
  bool changed = false;
  for (const auto& [key, value] : next.items())
    if (key != "metadata" && key != "status" && (!before->contains(key) || (*before)[key] != value)) changed = true;
  for (const auto& [key, value] : before->items())
    if (key != "metadata" && key != "status" && !next.contains(key)) changed = true;
  if (changed && old_meta.contains("generation") && old_meta["generation"].is_number_integer())
    meta["generation"] = old_meta["generation"].get<std::int64_t>() + 1;
  return {200, "application/json", to_body(next)};
}

void WriteRequests::record(json action) {
  // A change of nothing the timeline replays (managedFields only: kubectl apply --server-side
  // moving the client-side apply's fields to itself) is not recorded.
  if (action.contains("patch") && action["patch"].empty()) return;
  recorded_.push_back({world_.engine().now(), std::move(action)});
}

ApiResponse WriteRequests::handle(const ApiRequest& request, const Target& target, const ServedResource& r,
                                  const std::optional<std::string>& ns, const std::optional<std::string>& name,
                                  const std::optional<std::string>& subresource) {
  const std::string manager = field_manager(target, request);
  // dryRun: "All" is the one value (apimachinery pkg/apis/meta/v1/validation ValidateDryRun,
  // reported as an Invalid of the verb's options); the parameter present at all makes a dry run
  // (handlers/rest.go isDryRun).
  // kubectl delete sends it in the DeleteOptions body ({"dryRun":["All"]}), the other verbs in
  // the query; the API server reads both (a DeleteOptions decoded from the body or the query).
  std::vector<std::string> dry_values;
  if (target.query.count("dryRun")) dry_values.push_back(param(target, "dryRun"));
  if (request.method == "DELETE" && !request.body.empty()) {
    const json body = json::parse(request.body, nullptr, false);
    if (!body.is_discarded() && body.is_object() && body.contains("dryRun") && body["dryRun"].is_array())
      for (const json& v : body["dryRun"]) dry_values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  }
  dry_run_ = !dry_values.empty();
  std::string unsupported;
  for (const std::string& v : dry_values)
    if (v != "All") unsupported = v;
  if (!unsupported.empty()) {
    const std::string options = request.method == "POST"    ? "CreateOptions"
                                : request.method == "PUT"   ? "UpdateOptions"
                                : request.method == "PATCH" ? "PatchOptions"
                                                            : "DeleteOptions";
    return status_response(422, "Invalid",
                           fmt::format("{}.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{{{}}}: supported values: \"All\"",
                                       options, json(unsupported).dump()),
                           json{{"kind", options}, {"group", "meta.k8s.io"}});
  }
  if (subresource) {
    if (*subresource != "scale" || !has_scale_subresource(r) || (request.method != "PUT" && request.method != "PATCH"))
      return status_response(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", json::object());
    return scale(request, r, ObjectRef{r.kind, ns.value_or(""), *name}, manager);
  }
  if (!name) {
    if (request.method == "POST") return create(request, r, ns, manager);
    // deletecollection and the like are not served.
    return status_response(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", json::object());
  }
  const ObjectRef ref{r.kind, ns.value_or(""), *name};
  if (request.method == "PUT") return update(request, r, ref, manager);
  if (request.method == "PATCH") return patch(request, target, r, ref, manager);
  if (request.method == "DELETE") return remove(request, target, r, ref, manager);
  return status_response(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", json::object());
}

ApiResponse WriteRequests::create(const ApiRequest& request, const ServedResource& r, const std::optional<std::string>& ns,
                                  const std::string& manager) {
  if (const auto refused = unsupported_body(request)) return *refused;
  std::string error;
  std::optional<json> object = body_json(request, error);
  if (!object) return bad_request(error);
  if (const auto refused = complete_object(*object, r, ns)) return *refused;
  const std::string name = (*object)["metadata"].value("name", "");
  if (name.empty() && !(*object)["metadata"].contains("generateName"))
    return status_response(422, "Invalid",
                           fmt::format("{} \"\" is invalid: metadata.name: Required value: name or generateName is required", r.kind),
                           status_details(r, ""));
  const json sent = *object;
  if (dry_run_) {
    // As registry Store.Create answers a dry run: the object as it would be stored (its name
    // generated, its creationTimestamp now, generation 1), or AlreadyExists; nothing kept.
    json& meta = (*object)["metadata"];
    std::string created = name;
    if (created.empty()) {
      // A name from generateName, its 5 characters from the apimachinery alphabet picked by a
      // hash of the request body, so that the simulation's random stream is not drawn from.
      constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
      std::uint64_t h = 1469598103934665603ULL;
      for (const char c : request.body) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
      created = meta.value("generateName", "");
      for (int i = 0; i < 5; ++i, h /= kAlphabet.size()) created += kAlphabet[h % kAlphabet.size()];
      meta["name"] = created;
    }
    if (world_.api().get(ObjectRef{r.kind, ns.value_or(""), created}))
      return status_response(409, "AlreadyExists", fmt::format("{} \"{}\" already exists", qualified(r), created),
                             status_details(r, created));
    meta.erase("resourceVersion");
    meta.erase("uid");
    meta["creationTimestamp"] = world_.api().epoch().rfc3339(world_.engine().now());
    if (r.kind != "Event" && r.kind != "Pod") meta["generation"] = 1;
    return {201, "application/json", to_body(*object)};
  }
  const WriteResult w = world_.api().create(std::move(*object), manager);
  if (!w.status.ok()) return status_of(w.status, r, name);
  record(create_action(r, sent, manager, w.object));
  return {201, "application/json", to_body(*with_managed_fields(w.object))};
}

ApiResponse WriteRequests::update(const ApiRequest& request, const ServedResource& r, const ObjectRef& ref,
                                  const std::string& manager) {
  if (const auto refused = unsupported_body(request)) return *refused;
  std::string error;
  std::optional<json> object = body_json(request, error);
  if (!object) return bad_request(error);
  if (const auto refused = complete_object(*object, r, ref.ns.empty() ? std::nullopt : std::optional<std::string>(ref.ns)))
    return *refused;
  const std::string body_name = (*object)["metadata"].value("name", "");
  if (body_name != ref.name)
    return bad_request(fmt::format("the name of the object ({}) does not match the name on the URL ({})", body_name, ref.name));
  const ObjectPtr before = with_managed_fields(world_.api().get(ref));  // as the client sees it
  if (!before) return object_not_found(r, ref.name);
  if (dry_run_) return dry_run_update(r, ref, before, std::move(*object));
  const WriteResult w = world_.api().update(std::move(*object), manager);
  if (!w.status.ok()) return status_of(w.status, r, ref.name);
  if (resource_version_of(w.object) != resource_version_of(before))
    record(patch_action(r, *before, *w.object, manager, fmt::format("PUT, manager {}", manager)));
  return {200, "application/json", to_body(*with_managed_fields(w.object))};
}

ApiResponse WriteRequests::patch(const ApiRequest& request, const Target& target, const ServedResource& r,
                                 const ObjectRef& ref, const std::string& manager) {
  const std::string type = media_type(request.content_type);
  const bool strategic_ok = strategic_merge_patch_supported(r.group);
  if (type != kMergePatch && type != kJsonPatch && type != kApplyPatch && !(type == kStrategicMergePatch && strategic_ok)) {
    // apiserver handlers/patch.go: negotiation.NewUnsupportedMediaTypeError(the resource's patch types).
    return status_response(415, "UnsupportedMediaType",
                           fmt::format("the body of the request was in an unknown format - accepted media types include: "
                                       "{}, {}, {}{}",
                                       kJsonPatch, kMergePatch, strategic_ok ? std::string(kStrategicMergePatch) + ", " : "", kApplyPatch));
  }
  const ObjectPtr before = with_managed_fields(world_.api().get(ref));  // as the client sees it
  if (type == kApplyPatch && dry_run_)
    return bad_request("kcsim serve does not serve dry runs of server-side apply (dryRun with application/apply-patch+yaml): "
                       "nothing was written");
  if (type == kApplyPatch) {
    // Server-side apply: fieldManager is required (apiserver handlers/patch.go).
    if (param(target, "fieldManager").empty())
      return status_response(422, "Invalid",
                             "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                             json{{"kind", "PatchOptions"}, {"group", "meta.k8s.io"}});
    std::string error;
    std::optional<json> object = body_json(request, error);
    if (!object) return bad_request(error);
    if (const auto refused = complete_object(*object, r, ref.ns.empty() ? std::nullopt : std::optional<std::string>(ref.ns)))
      return *refused;
    if ((*object)["metadata"].value("name", "") != ref.name)
      return bad_request(fmt::format("the name of the object ({}) does not match the name on the URL ({})",
                                     (*object)["metadata"].value("name", ""), ref.name));
    const bool force = param_true(target, "force");
    const json sent = *object;
    const WriteResult w = world_.api().apply(std::move(*object), manager, force);
    if (!w.status.ok()) return status_of(w.status, r, ref.name);
    if (resource_version_of(w.object) != resource_version_of(before)) {
      // The timeline's `kubectl apply` takes whole manifests (validated as a create would be); a
      // partial apply configuration (kubectl apply --server-side of a few fields, kubectl's
      // kubectl-last-applied migration) is replayed as the change it made.
      bool whole = true;
      try {
        validate_object(sent, "", "");
      } catch (const InputError&) {
        whole = false;
      }
      if (whole || !before)
        record(apply_action(r, sent, manager, force));
      else
        record(patch_action(r, *before, *w.object, manager,
                            fmt::format("PATCH application/apply-patch+yaml (server-side apply of a partial object, replayed as the "
                                        "change it made), manager {}{}", manager, force ? ", force" : "")));
    }
    return {before ? 200 : 201, "application/json", to_body(*with_managed_fields(w.object))};
  }
  if (!before) return object_not_found(r, ref.name);
  if (dry_run_) {
    json next = *before;
    if (type == kMergePatch) {
      const json patch = json::parse(request.body, nullptr, false);
      if (patch.is_discarded() || !patch.is_object()) return bad_request("error decoding patch: a merge patch must be a JSON object");
      next.merge_patch(patch);
    } else {
      std::variant<json, ApiResponse> out = patched(*before, type, request.body, r.kind);
      if (ApiResponse* refused = std::get_if<ApiResponse>(&out)) return *refused;
      next = std::move(std::get<json>(out));
    }
    if (next.is_object() && !next.contains("metadata")) next["metadata"] = json::object();
    if (!next.is_object() || !next["metadata"].is_object() || next["metadata"].value("name", "") != ref.name)
      return status_response(422, "Invalid", fmt::format("{} \"{}\" is invalid: metadata.name: Invalid value: the patch changed the name", r.kind, ref.name),
                             status_details(r, ref.name));
    return dry_run_update(r, ref, before, std::move(next));
  }
  WriteResult w;
  if (type == kMergePatch) {
    const json patch = json::parse(request.body, nullptr, false);
    if (patch.is_discarded() || !patch.is_object()) return bad_request("error decoding patch: a merge patch must be a JSON object");
    w = world_.api().merge_patch(ref, patch, manager);
  } else {
    std::variant<json, ApiResponse> next = patched(*before, type, request.body, r.kind);
    if (ApiResponse* refused = std::get_if<ApiResponse>(&next)) return *refused;
    json& object = std::get<json>(next);
    // A patch is carried out on the version read: a change in between is a conflict, as the
    // API server's optimistic update loop retries it (kcsim's single thread has none).
    if (object.is_object() && !object.contains("metadata")) object["metadata"] = json::object();
    if (!object.is_object() || object["metadata"].value("name", "") != ref.name)
      return status_response(422, "Invalid", fmt::format("{} \"{}\" is invalid: metadata.name: Invalid value: the patch changed the name", r.kind, ref.name),
                             status_details(r, ref.name));
    w = world_.api().update(std::move(object), manager);
  }
  if (!w.status.ok()) return status_of(w.status, r, ref.name);
  if (resource_version_of(w.object) != resource_version_of(before))
    record(patch_action(r, *before, *w.object, manager, fmt::format("PATCH {}, manager {}", type, manager)));
  return {200, "application/json", to_body(*with_managed_fields(w.object))};
}

ApiResponse WriteRequests::scale(const ApiRequest& request, const ServedResource& r, const ObjectRef& ref,
                                 const std::string& manager) {
  const ObjectPtr before = with_managed_fields(world_.api().get(ref));  // as the client sees it
  const std::optional<Scale> current = world_.api().get_scale(ref);
  if (!before || !current) return object_not_found(r, ref.name);
  json scale;
  if (request.method == "PUT") {
    std::string error;
    std::optional<json> body = body_json(request, error);
    if (!body) return bad_request(error);
    scale = std::move(*body);
  } else {
    const std::string type = media_type(request.content_type);
    if (type != kMergePatch && type != kJsonPatch && type != kStrategicMergePatch)
      return status_response(415, "UnsupportedMediaType",
                             fmt::format("the body of the request was in an unknown format - accepted media types include: {}, {}, {}",
                                         kJsonPatch, kMergePatch, kStrategicMergePatch));
    std::variant<json, ApiResponse> next = patched(scale_document(before, *current), type, request.body, "Scale");
    if (ApiResponse* refused = std::get_if<ApiResponse>(&next)) return *refused;
    scale = std::move(std::get<json>(next));
  }
  const json* replicas = scale.is_object() && scale.contains("spec") ? &scale["spec"] : nullptr;
  replicas = replicas && replicas->is_object() && replicas->contains("replicas") ? &(*replicas)["replicas"] : nullptr;
  if (!replicas || !replicas->is_number_integer() || replicas->get<std::int64_t>() < 0)
    return status_response(422, "Invalid",
                           fmt::format("Scale.autoscaling \"{}\" is invalid: spec.replicas: Invalid value: {}: must be greater than or equal to 0",
                                       ref.name, replicas ? replicas->dump() : "null"),
                           json{{"name", ref.name}, {"group", "autoscaling"}, {"kind", "Scale"}});
  // A resourceVersion in the Scale is a precondition (kubectl scale --resource-version).
  const std::string rv = scale.contains("metadata") && scale["metadata"].is_object() ? scale["metadata"].value("resourceVersion", "") : "";
  if (dry_run_) {
    if (!rv.empty() && rv != resource_version_of(before)) return conflict(r, ref.name);
    Scale next = *current;
    next.spec_replicas = replicas->get<std::int64_t>();
    return {200, "application/json", to_body(scale_document(before, next))};
  }
  const WriteResult w = world_.api().update_scale(ref, replicas->get<std::int64_t>(), rv, manager);
  if (!w.status.ok()) return status_of(w.status, r, ref.name);
  if (resource_version_of(w.object) != resource_version_of(before))
    record(scale_action(r, ref, replicas->get<std::int64_t>(), manager));
  return scale_response(world_.api(), r, ref.ns, ref.name);
}

ApiResponse WriteRequests::remove(const ApiRequest& request, const Target& target, const ServedResource& r,
                                  const ObjectRef& ref, const std::string& manager) {
  DeleteOptions options;
  // DeleteOptions from the body (kubectl sends {"kind":"DeleteOptions",...,"propagationPolicy":
  // "Background"}), the gracePeriodSeconds query parameter over it.
  if (!request.body.empty()) {
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return bad_request("the body of the request could not be decoded as DeleteOptions");
    if (body.contains("gracePeriodSeconds") && body["gracePeriodSeconds"].is_number_integer())
      options.grace_period_seconds = body["gracePeriodSeconds"].get<std::int64_t>();
  }
  if (const std::string grace = param(target, "gracePeriodSeconds"); !grace.empty()) {
    try {
      std::size_t used = 0;
      options.grace_period_seconds = std::stoll(grace, &used);
      if (used != grace.size()) throw std::invalid_argument(grace);
    } catch (const std::exception&) {
      return bad_request(fmt::format("invalid value for gracePeriodSeconds: \"{}\"", grace));
    }
  }
  const ObjectPtr before = with_managed_fields(world_.api().get(ref));  // as the client sees it
  if (!before) return object_not_found(r, ref.name);
  ObjectPtr after;
  if (dry_run_) {
    // What the API server's delete would do (a pod's grace period, 30 s unless its spec or the
    // request says otherwise; finalizers keep an object, marked), computed without doing it.
    std::int64_t grace = 0;
    if (r.kind == "Pod") {
      grace = 30;
      const json* spec = before->contains("spec") ? &(*before)["spec"] : nullptr;
      if (spec && spec->is_object() && spec->contains("terminationGracePeriodSeconds") &&
          (*spec)["terminationGracePeriodSeconds"].is_number_integer())
        grace = (*spec)["terminationGracePeriodSeconds"].get<std::int64_t>();
      if (options.grace_period_seconds && *options.grace_period_seconds >= 0) grace = *options.grace_period_seconds;
    }
    const json& meta = (*before)["metadata"];
    const bool finalizers = meta.contains("finalizers") && meta["finalizers"].is_array() && !meta["finalizers"].empty();
    if (grace > 0 || finalizers) {
      json marked = *before;
      const bool already = meta.contains("deletionTimestamp");
      const std::int64_t current = meta.value("deletionGracePeriodSeconds", std::int64_t{0});
      if (!already || grace < current) {
        marked["metadata"]["deletionTimestamp"] = world_.api().epoch().rfc3339(world_.engine().now() + seconds(grace));
        marked["metadata"]["deletionGracePeriodSeconds"] = grace;
        if (!already && meta.value("generation", std::int64_t{0}) > 0) marked["metadata"]["generation"] = meta["generation"].get<std::int64_t>() + 1;
      }
      after = std::make_shared<const json>(std::move(marked));
    }
  } else {
    const WriteResult w = world_.api().remove(ref, manager, options);
    if (!w.status.ok()) return status_of(w.status, r, ref.name);
    record(delete_action(r, ref, options.grace_period_seconds));
    after = with_managed_fields(world_.api().get(ref));
  }
  // A pod deleted gracefully stays, marked: the answer is the object (registry store.go Delete
  // returns it while graceful deletion is pending); one removed answers Status Success with its
  // uid in the details.
  if (after) return {200, "application/json", to_body(*after)};
  json details = status_details(r, ref.name);
  if (before->contains("metadata") && (*before)["metadata"].contains("uid")) details["uid"] = (*before)["metadata"]["uid"];
  const json status = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"}, {"details", details}};
  return {200, "application/json", to_body(status)};
}

}  // namespace kcsim
