// The API server: object store, optimistic concurrency, field ownership, the scale subresource,
// graceful deletion and garbage collection, watches and core/v1 Events.
#include "kcsim/apiserver/api_server.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "../k8s/json_diff.hpp"
#include "kcsim/core/random.hpp"
#include "kcsim/core/text.hpp"
#include "kcsim/k8s/defaults.hpp"
#include "kcsim/k8s/kinds.hpp"
#include "kcsim/k8s/label_selector.hpp"
#include "kcsim/apiserver/watch_filter.hpp"
#include "field_ownership.hpp"
#include "managed_fields.hpp"
#include "pod_admission.hpp"
#include "version_store.hpp"

namespace kcsim {

namespace {

constexpr std::uint32_t kDeliverWatch = 1;
constexpr std::uint32_t kExpireEvents = 2;
constexpr std::size_t kNoLifetime = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kNoEvent = std::numeric_limits<std::size_t>::max();

// apiserver/pkg/storage/names/generate.go: 5 random characters from apimachinery's rand alphabet
// (no vowels, no 0/1/3), the base truncated so that the name stays within 63 characters.
constexpr std::string_view kNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr std::size_t kGeneratedSuffix = 5;
constexpr std::size_t kMaxGenerateBase = 63 - kGeneratedSuffix;
// RetryGenerateName (GA in 1.32) retries a colliding generated name a few times before failing.
constexpr int kGenerateAttempts = 8;

// client-go tools/record events_cache.go: EventAggregator defaults.
constexpr std::size_t kAggregateMaxEvents = 10;
constexpr Duration kAggregateInterval = seconds(600);

const std::string kGarbageCollector = "generic-garbage-collector";

const json* child(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const json* child(const json& obj, const char* a, const char* b) {
  const json* first = child(obj, a);
  return first ? child(*first, b) : nullptr;
}

// A string field as a view (no allocation), empty when absent.
std::string_view view_at(const json& obj, const char* key) {
  const json* v = child(obj, key);
  return (v && v->is_string()) ? std::string_view(v->get_ref<const std::string&>()) : std::string_view();
}

bool same_entry(const json& entry, std::string_view manager, std::string_view operation,
                std::string_view subresource) {
  return view_at(entry, "manager") == manager && view_at(entry, "operation") == operation &&
         view_at(entry, "subresource") == subresource;
}

// Whether the document itself holds metadata.managedFields (entries of a form the server does
// not write; the server's are kept beside it, version_store.hpp).
bool managed_in_document(const json& doc) { return child(doc, "metadata", "managedFields") != nullptr; }

// A copy of the managedFields kept beside a version (none when it keeps none).
ManagedEntries kept_entries(const ObjectPtr& version) {
  const ManagedEntries* kept = VersionStore::entries(version);
  return kept ? *kept : ManagedEntries();
}

std::string string_at(const json& obj, const char* a, const char* b = nullptr) {
  const json* v = b ? child(obj, a, b) : child(obj, a);
  return (v && v->is_string()) ? v->get<std::string>() : std::string();
}

// What the analyses read of a deleted Pod (ObjectLifetime::last): its metadata without
// managedFields (owners, labels, the uid of Events about it), status.phase and the container
// statuses (restart counts, exit codes). A long run deletes a pod every few minutes; its spec,
// conditions and managedFields were most of what it kept.
ObjectPtr slim_deleted_pod(const json& pod) {
  json out = json::object();
  for (const char* key : {"apiVersion", "kind"})
    if (const json* v = child(pod, key)) out[key] = *v;
  if (const json* m = child(pod, "metadata"); m && m->is_object()) {
    json meta = *m;
    meta.erase("managedFields");
    out["metadata"] = std::move(meta);
  }
  if (const json* st = child(pod, "status"); st && st->is_object()) {
    json status = json::object();
    for (const char* key : {"phase", "containerStatuses", "initContainerStatuses"})
      if (const json* v = child(*st, key)) status[key] = *v;
    out["status"] = std::move(status);
  }
  return std::make_shared<const json>(std::move(out));
}

bool is_apps_workload(const std::string& kind) {
  return kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" || kind == "DaemonSet";
}

// Every kind we model serves status through a subresource, except Event (which has no status).
bool has_status_subresource(const std::string& kind) { return kind != "Event"; }

void set_or_erase(json& obj, const char* key, const json* value) {
  if (value) obj[key] = *value;
  else obj.erase(key);
}

bool labels_match(const json& obj, const json& match) {
  const json* labels = child(obj, "metadata", "labels");
  for (auto it = match.begin(); it != match.end(); ++it) {
    if (!labels || !labels->is_object()) return false;
    auto found = labels->find(it.key());
    if (found == labels->end() || !(*found == *it)) return false;
  }
  return true;
}

std::vector<std::string> owner_uids(const json& obj) {
  std::vector<std::string> out;
  const json* refs = child(obj, "metadata", "ownerReferences");
  if (!refs || !refs->is_array()) return out;
  for (const json& r : *refs) {
    std::string uid = string_at(r, "uid");
    if (!uid.empty()) out.push_back(std::move(uid));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

ApiStatus status(int code, std::string reason, std::string message) {
  return ApiStatus{code, std::move(reason), std::move(message)};
}

// apps/v1 validation of a workload's selector (pkg/apis/apps/validation ValidateDeploymentSpec,
// ValidateReplicaSetSpec, ValidateStatefulSetSpec): a selector that does not select the pod
// template's labels is refused with 422, as kube-apiserver words it (the labels printed as Go's
// %#v of a map, keys sorted). A manifest read by kcsim is checked on load
// (k8s/object_validation.hpp); this catches what a controller applies from Git.
std::optional<ApiStatus> invalid_workload(const json& obj, const std::string& kind, const std::string& api_version) {
  if (kind != "Deployment" && kind != "ReplicaSet" && kind != "StatefulSet") return std::nullopt;
  const json* selector = child(obj, "spec", "selector");
  if (!selector || !selector->is_object()) return std::nullopt;
  const json* tmpl = child(obj, "spec", "template");
  const json* labels = tmpl ? child(*tmpl, "metadata", "labels") : nullptr;
  if (selector_matches(*selector, labels ? *labels : json::object())) return std::nullopt;
  std::string shown = "map[string]string{";
  if (labels && labels->is_object()) {
    bool first = true;
    for (auto it = labels->begin(); it != labels->end(); ++it) {
      shown += fmt::format("{}\"{}\":{}", first ? "" : ", ", it.key(), it.value().dump());
      first = false;
    }
  }
  shown += "}";
  return status(422, "Invalid",
                fmt::format("{} \"{}\" is invalid: spec.template.metadata.labels: Invalid value: {}: `selector` does "
                            "not match template `labels`",
                            kind + (api_group(api_version).empty() ? "" : "." + api_group(api_version)),
                            string_at(obj, "metadata", "name"), shown));
}

}  // namespace

bool needed_by_analyses(const ObjectRef& object, std::string_view f) {
  if (f.empty()) return true;  // Create and Delete
  // Plain prefixes, as fights.cpp (is_disputable) and report.cpp (counts_as_field_write) test.
  const auto under = [f](std::string_view prefix) { return f.starts_with(prefix); };
  const std::string& kind = object.kind;
  if (kind == "Pod" || kind == "Event") return false;
  if (under("/spec") || under("/metadata/labels") || under("/metadata/annotations")) return true;
  if (kind == "Deployment") return f == "/status/readyReplicas";
  if (kind == "Application") return f == "/status/sync/status" || f == "/status/operationState/phase";
  return false;
}

std::string resource_name(const std::string& kind, const std::string& api_version) {
  // The plural and group of a known kind come from the kind table (include/kcsim/k8s/kinds.hpp);
  // another kind's plural is meta.UnsafeGuessKindToResource's guess.
  const KindInfo* known = find_kind(kind);
  std::string plural;
  if (known) {
    plural = known->plural;
  } else {
    plural = lower(kind);
    if (!plural.empty() && plural.back() == 's') plural += "es";
    else if (!plural.empty() && plural.back() == 'y') plural = plural.substr(0, plural.size() - 1) + "ies";
    else plural += "s";
  }
  std::string group;
  if (!api_version.empty()) group = api_group(api_version);
  else if (known) group = known->group();
  return group.empty() ? plural : plural + "." + group;
}

struct ApiServer::Impl {
  // What an Event made by the recorder holds beyond its EventRecord, so that its object can be
  // made again on read, byte for byte as client-go's recorder sends it (record.makeEvent,
  // GetReference): a run records tens of Events per service and reads few of them (kubectl
  // views), so beside the record it keeps about 100 bytes per Event instead of a JSON document
  // of about 3 KB in memory. Strings repeated across Events point into `interned`.
  struct CompactEvent {
    std::uint64_t uid_serial = 0;  // metadata.uid is uid_for(uid_serial)
    std::uint64_t resource_version = 0;
    SimTime created{};  // this object's creationTimestamp (the record keeps the first one's)
    const std::string* involved_api_version = nullptr;
    const std::string* involved_uid = nullptr;
    const std::string* field_path = nullptr;
    const std::string* host = nullptr;  // source.host and reportingInstance
    std::string involved_rv;           // involvedObject.resourceVersion
  };
  struct Stored {
    // The stored version. For an Event kept as a compact record (`compact`), its JSON once someone
    // has read it (null until then, and again after each recorder write): as for any object, a
    // reader and a watcher share one immutable copy of a version, which the store keeps alive.
    ObjectPtr obj;
    std::size_t lifetime = kNoLifetime;
    SimTime expires = SimTime::max();  // Events: the TTL's end (last write + event_ttl)
    std::size_t event = kNoEvent;      // Events: the index of its record in event_records
    std::unique_ptr<CompactEvent> compact;  // a recorder's Event, whose JSON is made on read
  };
  struct Expiry {
    SimTime at;
    std::size_t event;  // index in event_records, whose `event` names the stored Event
  };
  struct WatchState {
    Watcher* watcher;
    Duration latency;
    SimTime last_at;
    std::deque<WatchEvent> queue;
    const WatchFilter* filter;  // the watcher's, if it has one
  };
  // The recorder's caches for one aggregation key (source, involved object, type, reason):
  // EventAggregator's distinct messages, and EventLogger's Events under this key (their index in
  // event_records) by the rest of their key, so that the common part is kept once.
  struct Aggregate {
    std::set<std::string> messages;
    SimTime last;
    std::map<std::string, std::size_t> events;    // fieldPath \x1f message -> index
    std::map<std::string, std::size_t> combined;  // fieldPath -> index of the "(combined ...)" Event
  };
  using Iter = std::map<ObjectRef, Stored>::iterator;

  Impl(ApiServer& server, std::uint64_t seed)
      : api(server), names(seed, "api-server"), uid_salt(fnv1a64("api-server/uid") ^ splitmix64(seed)) {}

  ApiServer& api;
  RandomStream names;
  std::uint64_t uid_salt;
  std::uint64_t uid_counter = 0;

  std::map<ObjectRef, Stored> objects;
  std::set<std::string> uids;  // of every stored object (the garbage collector's "is the owner there")
  std::map<std::string, std::set<ObjectRef>> dependents;  // owner uid -> objects owned by it
  std::map<ObjectRef, std::size_t> last_lifetime;         // newest lifetime of a ref

  std::vector<WatchState> watches;
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> watches_by_kind;
  std::vector<std::uint32_t> watches_all;

  std::vector<EventRecord> event_records;           // creation order, latest state
  std::map<std::string, std::size_t, std::less<>> interned;  // strings CompactEvents point to, by use count
  std::map<std::string, Aggregate> aggregates;      // EventAggregator and EventLogger caches
  // Every write of an Event appends (now + event_ttl): the deque stays in time order. An entry
  // whose Event was written again since is stale and skipped when it comes due.
  std::deque<Expiry> expiries;
  TimerHandle expiry_timer;

  VersionStore versions;  // makes stored versions, their managedFields kept beside the document
  // One leaf change of the write in progress, before it is recorded (or left out: WriteHistory).
  struct LeafChange {
    std::string field;  // JSON pointer
    json old_value;     // null when absent
    json new_value;     // null when removed
  };
  std::vector<LeafChange> scratch;  // leaf changes of the write in progress
  std::int64_t time_cache_second = std::numeric_limits<std::int64_t>::min();
  std::string time_cache;

  SimTime now() const { return api.engine_.now(); }

  const std::string& now_rfc3339() {
    // managedFields and timestamps have second precision: format once per simulated second.
    const std::int64_t us = now().time_since_epoch().count();
    const std::int64_t sec = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
    if (sec != time_cache_second) {
      time_cache_second = sec;
      time_cache = api.epoch_.rfc3339(now());
    }
    return time_cache;
  }

  std::string next_uid() { return uid_for(++uid_counter); }

  // The uid of the serial-th object created: a function of the seed and the serial only.
  std::string uid_for(std::uint64_t serial) const {
    const std::uint64_t a = splitmix64(uid_salt + serial * 0x9e3779b97f4a7c15ULL);
    const std::uint64_t b = splitmix64(a ^ 0x5851f42d4c957f2dULL);
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                       0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
  }

  // --- Events kept as compact records ------------------------------------------------------------

  const std::string* intern(std::string_view text) {
    if (text.empty()) return nullptr;
    auto it = interned.find(text);
    if (it == interned.end()) it = interned.emplace(std::string(text), 0).first;
    ++it->second;
    return &it->first;
  }

  // A compact Event is gone (expired, deleted, or now a document): the strings only it used go.
  void release(const CompactEvent& c) {
    for (const std::string* p : {c.involved_api_version, c.involved_uid, c.field_path, c.host}) {
      if (!p) continue;
      auto it = interned.find(*p);
      if (it != interned.end() && --it->second == 0) interned.erase(it);
    }
  }

  // The Event object a compact record stands for: as client-go's recorder creates it
  // (record.makeEvent, with the involvedObject GetReference makes) and its repeats patch it
  // (count, lastTimestamp, message; a new resourceVersion).
  json event_json(const EventRecord& r, const CompactEvent& c) const {
    const auto text = [](const std::string* p) { return p ? *p : std::string(); };
    json reference = json::object();
    if (c.involved_api_version) reference["apiVersion"] = *c.involved_api_version;
    reference["kind"] = r.involved.kind;
    reference["name"] = r.involved.name;
    if (!r.involved.ns.empty()) reference["namespace"] = r.involved.ns;
    if (c.field_path) reference["fieldPath"] = *c.field_path;
    if (!c.involved_rv.empty()) reference["resourceVersion"] = c.involved_rv;
    if (c.involved_uid) reference["uid"] = *c.involved_uid;
    json source = {{"component", r.component}};
    if (c.host) source["host"] = *c.host;
    return json{
        {"apiVersion", "v1"},
        {"kind", "Event"},
        {"metadata",
         {{"name", r.event.name},
          {"namespace", r.event.ns},
          {"uid", uid_for(c.uid_serial)},
          {"resourceVersion", std::to_string(c.resource_version)},
          {"creationTimestamp", api.epoch_.rfc3339(c.created)}}},
        {"involvedObject", std::move(reference)},
        {"reason", r.reason},
        {"message", r.message},
        {"type", r.type},
        {"source", std::move(source)},
        {"firstTimestamp", api.epoch_.rfc3339(r.first.value_or(c.created))},
        {"lastTimestamp", api.epoch_.rfc3339(r.last.value_or(c.created))},
        {"count", r.count},
        {"eventTime", nullptr},
        {"reportingComponent", r.component},
        {"reportingInstance", text(c.host)},
    };
  }

  // The stored version of an object (a compact Event's made from its record on first read).
  const ObjectPtr& object_of(Stored& slot) {
    if (slot.compact && !slot.obj)
      slot.obj = std::make_shared<const json>(event_json(event_records[slot.event], *slot.compact));
    return slot.obj;
  }

  // Before a write other than the recorder's (update, patch, apply, delete of an Event), the
  // Event becomes a stored document like any other object.
  void materialize(Stored& slot) {
    if (!slot.compact) return;
    object_of(slot);
    release(*slot.compact);
    slot.compact.reset();
  }

  // Whether anybody watches Events (only then does a recorder write build the Event's JSON).
  bool events_watched() const {
    auto it = watches_by_kind.find("Event");
    return it != watches_by_kind.end() && !it->second.empty();
  }

  static std::string not_found_message(const ObjectRef& ref, const std::string& api_version) {
    return fmt::format("{} \"{}\" not found", resource_name(ref.kind, api_version), ref.name);
  }
  static ApiStatus not_found(const ObjectRef& ref, const std::string& api_version) {
    return status(404, "NotFound", not_found_message(ref, api_version));
  }
  // apimachinery/pkg/api/errors NewConflict + registry/generic/registry/store.go OptimisticLockErrorMsg.
  static ApiStatus stale(const ObjectRef& ref, const std::string& api_version) {
    return status(409, "Conflict",
                  fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been modified; "
                              "please apply your changes to the latest version and try again",
                              resource_name(ref.kind, api_version), ref.name));
  }

  // --- watches ---------------------------------------------------------------------------------

  void notify(const std::string& kind, WatchEventType type, const ObjectPtr& obj, const ObjectPtr& old) {
    auto deliver = [&](std::uint32_t w) {
      WatchState& st = watches[w];
      WatchEvent event{type, obj, old};
      // An event the watcher would ignore (watch_filter.hpp) costs no engine event.
      if (st.filter && api.options_.elide_no_op_events && st.filter->ignores(event)) return;
      st.queue.push_back(std::move(event));
      // One engine event per queued event, never earlier than the previous delivery: the
      // watcher's stream stays in write order whatever the latencies.
      const SimTime at = std::max(st.last_at, now() + st.latency);
      st.last_at = at;
      api.engine_.schedule_at(at, &api, kDeliverWatch, w);
    };
    if (auto it = watches_by_kind.find(kind); it != watches_by_kind.end())
      for (std::uint32_t w : it->second) deliver(w);
    // Events go only to watchers of "Event", so that catch-all watchers stay cheap.
    if (kind != "Event")
      for (std::uint32_t w : watches_all) deliver(w);
  }

  // --- bookkeeping -------------------------------------------------------------------------------

  // An Event's timestamp (RFC 3339, whole seconds) as a simulated instant.
  std::optional<SimTime> instant_of(const std::string& text) const {
    auto secs = parse_rfc3339(text);
    if (!secs) return std::nullopt;
    return SimTime{seconds(*secs - api.epoch_.unix_seconds)};
  }

  // What the analyses keep of an Event object (EventRecord): its times as the object shows them.
  EventRecord event_record_of(const json& event) const {
    EventRecord r;
    r.event = ObjectRef{"Event", string_at(event, "metadata", "namespace"), string_at(event, "metadata", "name")};
    if (const json* inv = child(event, "involvedObject"); inv && inv->is_object()) {
      r.has_involved = true;
      r.involved = ObjectRef{string_at(*inv, "kind"), string_at(*inv, "namespace"), string_at(*inv, "name")};
    }
    r.type = string_at(event, "type");
    r.reason = string_at(event, "reason");
    r.message = string_at(event, "message");
    r.component = string_at(event, "source", "component");
    const auto instant = [&](const std::string& text) { return instant_of(text); };
    r.created = instant(string_at(event, "metadata", "creationTimestamp"));
    r.first = instant(string_at(event, "firstTimestamp"));
    r.last = instant(string_at(event, "lastTimestamp"));
    if (const json* c = child(event, "count"); c && c->is_number_integer()) r.count = c->get<std::int64_t>();
    return r;
  }

  // A later state of a recorded Event; the log keeps when it first appeared (an Event created again
  // after it expired has a new creationTimestamp).
  void update_event_record(std::size_t index, const json& event) {
    EventRecord record = event_record_of(event);
    record.created = event_records[index].created;
    event_records[index] = std::move(record);
  }

  // An Event was written: its TTL starts again (the Event registry's TTLFunc on create and update).
  void start_ttl(Stored& slot) {
    slot.expires = now() + api.options_.event_ttl;
    expiries.push_back({slot.expires, slot.event});
    arm_expiry();
  }

  // An entry whose Event was deleted, or written again since (its TTL ends later), will never
  // expire anything: expires only grows while the Event lives, and an Event created again under
  // the same name gets a TTL ending after now.
  bool stale(const Expiry& e) const {
    auto it = objects.find(event_records[e.event].event);
    return it == objects.end() || it->second.expires > e.at;
  }

  // The timer fires at the first entry's end of TTL. Entries that can no longer expire anything
  // are dropped from the front first (elide_no_op_events): a firing for them would change
  // nothing. The timer is armed with arm_first, so that an expiry runs before everything else
  // due at its instant whenever the timer was armed (an Event whose TTL has ended is gone for
  // every request at that instant): which firings are left out cannot reorder anything.
  void arm_expiry() {
    if (api.options_.elide_no_op_events)
      while (!expiries.empty() && stale(expiries.front())) expiries.pop_front();
    if (expiries.empty()) {
      api.engine_.cancel(expiry_timer);
      return;
    }
    const SimTime at = expiries.front().at;
    if (api.engine_.armed(expiry_timer) && api.engine_.deadline(expiry_timer) == at) return;
    api.engine_.arm_first(expiry_timer, at, &api, kExpireEvents);
  }

  // etcd deletes a key when its lease expires: a revision of its own, a DELETED watch event.
  void expire_events() {
    while (!expiries.empty() && expiries.front().at <= now()) {
      const Expiry e = std::move(expiries.front());
      expiries.pop_front();
      auto it = objects.find(event_records[e.event].event);
      if (it == objects.end() || it->second.expires > now()) continue;  // deleted, or written since
      finalize_removal(it, "");
    }
    arm_expiry();
  }

  void index_owners(const ObjectRef& ref, const json* old_obj, const json* new_obj) {
    const json* old_refs = old_obj ? child(*old_obj, "metadata", "ownerReferences") : nullptr;
    const json* new_refs = new_obj ? child(*new_obj, "metadata", "ownerReferences") : nullptr;
    if (!old_refs && !new_refs) return;
    if (old_refs && new_refs && *old_refs == *new_refs) return;
    const auto before = old_obj ? owner_uids(*old_obj) : std::vector<std::string>{};
    const auto after = new_obj ? owner_uids(*new_obj) : std::vector<std::string>{};
    for (const auto& uid : before) {
      if (std::binary_search(after.begin(), after.end(), uid)) continue;
      auto it = dependents.find(uid);
      if (it == dependents.end()) continue;
      it->second.erase(ref);
      if (it->second.empty()) dependents.erase(it);
    }
    for (const auto& uid : after)
      if (!std::binary_search(before.begin(), before.end(), uid)) dependents[uid].insert(ref);
  }

  void record_writes(const ObjectRef& ref, const std::string& manager, std::string_view operation,
                     std::string_view subresource) {
    if (ref.kind == "Event") {
      scratch.clear();
      return;
    }
    const SimTime at = now();
    const WriteOperation op = parse_write_operation(operation);
    const WriteSubresource sub = parse_write_subresource(subresource);
    // The object and manager are interned once per write, and only when a record is kept.
    const std::string* interned_manager = nullptr;
    const ObjectRef* interned_object = nullptr;
    WriteInterner& interner = api.write_interner_;
    for (LeafChange& c : scratch) {
      if (api.history_ == WriteHistory::kAnalyses && !needed_by_analyses(ref, c.field)) continue;
      if (!interned_object) {
        interned_manager = interner.string(manager);
        interned_object = interner.object(ref);
      }
      api.writes_.push_back(interner.record(at, interned_manager, interned_object, c.field, op, sub,
                                            std::move(c.old_value), std::move(c.new_value)));
    }
    scratch.clear();
  }

  // A Create or a Delete: one record that names no field (Events are not recorded, as above).
  void record_whole_object_write(const ObjectRef& ref, const std::string& manager, std::string_view operation) {
    if (ref.kind == "Event") return;
    api.writes_.push_back(api.write_interner_.record(now(), manager, ref, "", parse_write_operation(operation),
                                                     WriteSubresource::kNone));
  }

  // The leaf changes from old_obj to new_obj into `scratch`. `touched`, when given, names the parts
  // that can differ (mf::Touched); the rest is equal, so it is not walked: the records are those
  // of the whole walk, in the same order.
  void collect_changes(const json& old_obj, const json& new_obj, const mf::Touched* touched = nullptr) {
    scratch.clear();
    std::string path;
    auto emit = [&](const std::string& ptr, const json* a, const json* b) {
      LeafChange& c = scratch.emplace_back();
      c.field = ptr;
      if (a) c.old_value = *a;
      if (b) c.new_value = *b;
    };
    if (!touched || !old_obj.is_object() || !new_obj.is_object()) {
      detail::diff_leaves(&old_obj, &new_obj, path, emit);
      return;
    }
    diff_members(old_obj, new_obj, path, emit, [&](const std::string& key) { return touched->may_differ(key); },
                 [&](const std::string& key, const json& a, const json& b) {
                   if (key != "metadata" || !touched->metadata_scoped() || !a.is_object() || !b.is_object())
                     return false;
                   diff_members(a, b, path, emit,
                                [&](const std::string& k) { return touched->may_differ_in_metadata(k); },
                                [](const std::string&, const json&, const json&) { return false; });
                   return true;
                 });
  }

  // detail::diff_leaves of two objects, member by member as it walks them (keys in order), leaving
  // out the members `may_differ` rules out. `descend(key, a, b)` may take over a member both hold
  // (returning true) instead of comparing it whole.
  template <class Emit, class MayDiffer, class Descend>
  static void diff_members(const json& a, const json& b, std::string& path, Emit& emit, MayDiffer&& may_differ,
                           Descend&& descend) {
    const std::size_t base = path.size();
    detail::for_each_member_pair(a, b, [&](const std::string& key, const json* x, const json* y) {
      if (!may_differ(key)) return;
      detail::append_pointer_token(path, key);
      if (!(x && y && descend(key, *x, *y)) && !(x && y && *x == *y)) detail::diff_leaves(x, y, path, emit);
      path.resize(base);
    });
  }

  // Keeps what only the server sets (registry/rest/update.go BeforeUpdate, FillObjectMetaSystemFields).
  static void preserve_server_metadata(const json& old_obj, json& next) {
    json& meta = next["metadata"];
    if (!meta.is_object()) meta = json::object();
    const json& old_meta = old_obj["metadata"];
    for (const char* key : {"name", "namespace", "uid", "creationTimestamp", "resourceVersion", "generation",
                            "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds",
                            "generateName"}) {
      const json* kept = child(old_meta, key);
      // Clients usually send back what they read: comparing is cheaper than copying again.
      if (kept) {
        auto it = meta.find(key);
        if (it != meta.end() && *it == *kept) continue;
      }
      set_or_erase(meta, key, kept);
    }
    next["kind"] = old_obj["kind"];
    if (!next.contains("apiVersion") && old_obj.contains("apiVersion")) next["apiVersion"] = old_obj["apiVersion"];
  }

  // --- creation -----------------------------------------------------------------------------------

  WriteResult create(json object, const std::string& manager, bool apply_mode) {
    if (!object.is_object())
      return {status(400, "BadRequest", "the object to create is not a JSON object"), nullptr};
    const std::string kind = string_at(object, "kind");
    if (kind.empty())
      return {status(400, "BadRequest", fmt::format("Object 'Kind' is missing in '{}'", object.dump())),
              nullptr};
    json& meta = object["metadata"];
    if (!meta.is_object()) meta = json::object();
    const std::string api_version = string_at(object, "apiVersion");
    ObjectRef ref{kind, string_at(object, "metadata", "namespace"), string_at(object, "metadata", "name")};
    if (ref.name.empty()) {
      const std::string generate = string_at(object, "metadata", "generateName");
      if (generate.empty() || apply_mode) {
        return {status(422, "Invalid",
                       fmt::format("{} \"\" is invalid: metadata.name: Required value: name or generateName "
                                   "is required",
                                   kind + (api_group(api_version).empty() ? "" : "." + api_group(api_version)))),
                nullptr};
      }
      const std::string base = generate.substr(0, std::min(generate.size(), kMaxGenerateBase));
      for (int attempt = 0; attempt < kGenerateAttempts; ++attempt) {
        std::string name = base;
        for (std::size_t i = 0; i < kGeneratedSuffix; ++i)
          name += kNameAlphabet[names.uniform_int(kNameAlphabet.size())];
        ref.name = std::move(name);
        if (!objects.count(ref)) break;
      }
      meta["name"] = ref.name;
    }
    if (auto invalid = invalid_workload(object, kind, api_version)) return {*invalid, nullptr};
    if (objects.count(ref)) {
      return {status(409, "AlreadyExists",
                     fmt::format("{} \"{}\" already exists", resource_name(kind, api_version), ref.name)),
              nullptr};
    }
    if (kind != "Event" && api.lifetimes_.size() >= api.options_.max_objects) {
      api.engine_.stop();
      return {status(422, "Invalid",
                     fmt::format("cannot create {}: the run has already created {} objects, the limit "
                                 "(max_objects); the run is stopped",
                                 ref.str(), api.options_.max_objects)),
              nullptr};
    }

    const std::string& now_str = now_rfc3339();
    meta.erase("managedFields");
    meta.erase("deletionTimestamp");
    meta.erase("deletionGracePeriodSeconds");
    const std::string uid = next_uid();
    meta["uid"] = uid;
    meta["creationTimestamp"] = now_str;
    meta["resourceVersion"] = std::to_string(++api.resource_version_);
    // Pods have metadata.generation from Kubernetes 1.33 (KEP-5067, pkg/registry/core/pod/strategy.go
    // PrepareForCreate sets it to 1); before, the pod strategy never sets it.
    if (kind != "Event" && (kind != "Pod" || api.options_.kubernetes_minor >= 33)) meta["generation"] = 1;

    // The creator owns what it set; a create is recorded as an Update (handlers/create.go). A
    // given status is kept (scenarios may start from a snapshot) but never owned: the registry
    // strategies reset status on create, so a real creator never owns any of it.
    // The codec defaults what it decodes before the field manager runs (handlers/create.go):
    // an Update-operation creator owns the defaulted fields too, an applier only what it
    // applied. Mutating admission comes after both and is owned by no one (pod_admission.hpp).
    const mf::Schema schema = mf::schema_for(api_version);
    json fields;
    if (apply_mode) {
      fields = mf::field_set_of_config(object, schema);
      k8s::apply_defaults(object);
    } else {
      k8s::apply_defaults(object);
      fields = std::move(mf::compare(json::object(), object, schema).added);
      fields.erase("f:status");
    }
    if (kind == "Pod" && api_version == "v1") admit_pod_create(object, uid);
    if (!mf::set_empty(fields)) {
      meta["managedFields"] = json::array(
          {mf::make_entry(api_version, manager, apply_mode ? "Apply" : "Update", "", now_str, std::move(fields))});
    }

    ObjectPtr stored = versions.make_version(std::move(object), nullptr);
    Stored& slot = objects[ref];
    slot.obj = stored;
    uids.insert(uid);
    if (kind == "Event") {
      slot.event = event_records.size();
      event_records.push_back(event_record_of(*stored));
      start_ttl(slot);
    }
    index_owners(ref, nullptr, stored.get());
    if (kind != "Event") {
      slot.lifetime = api.lifetimes_.size();
      api.lifetimes_.push_back(ObjectLifetime{ref, uid, now(), std::nullopt, stored});
      last_lifetime[ref] = slot.lifetime;
    }
    record_whole_object_write(ref, manager, "Create");
    notify(kind, WatchEventType::kAdded, stored, nullptr);
    return {status(201, "Created", ""), stored};
  }

  // --- modification ---------------------------------------------------------------------------------

  // structured-merge-diff merge/update.go Updater.Update + fieldmanager managedfieldsupdater.go:
  // changed fields move to the writer (removed from every other entry), removed fields leave
  // everyone, and the writer's time is refreshed only when it took something.
  void update_ownership(json& next, const json& old_obj, const std::string& manager, std::string_view operation,
                        std::string_view subresource, const mf::Touched* touched = nullptr) {
    const std::string api_version = string_at(next, "apiVersion");
    mf::Comparison cmp = mf::compare(old_obj, next, mf::schema_for(api_version), touched);
    if (cmp.empty()) return;
    json changed = std::move(cmp.added);
    mf::set_union(changed, cmp.modified);
    const bool took = !mf::set_empty(changed);
    json& meta = next["metadata"];
    json& managed = meta["managedFields"];
    if (!managed.is_array()) managed = json::array();
    bool found = false;
    for (json& entry : managed) {
      json& fields = entry["fieldsV1"];
      if (same_entry(entry, manager, operation, subresource)) {
        found = true;
        mf::set_union(fields, changed);
        mf::set_subtract(fields, cmp.removed);
        if (took) {
          entry["time"] = now_rfc3339();
          entry["apiVersion"] = api_version;
        }
        continue;
      }
      mf::set_subtract(fields, changed);
      mf::set_subtract(fields, cmp.removed);
    }
    if (!found && took) {
      mf::set_subtract(changed, cmp.removed);
      managed.push_back(mf::make_entry(api_version, manager, operation, subresource, now_rfc3339(), std::move(changed)));
    }
    mf::drop_empty_entries(managed);
    mf::sort_entries(managed);
    if (managed.empty()) meta.erase("managedFields");
  }

  // Whether metadata.generation moves: registry strategies bump it on spec changes (every change
  // outside metadata and status), and the Deployment strategy also on annotation changes
  // (pkg/registry/apps/deployment/strategy.go PrepareForUpdate). Status writes never bump it.
  bool generation_bump(const std::string& kind, std::string_view subresource) const {
    if (subresource == "status") return false;
    if (kind == "Pod" && api.options_.kubernetes_minor < 33) return false;  // no generation before 1.33 (KEP-5067)
    for (const LeafChange& w : scratch) {
      const std::string& f = w.field;
      if (f.rfind("/metadata", 0) == 0 && (f.size() == 9 || f[9] == '/')) {
        if (subresource.empty() && kind == "Deployment" && f.rfind("/metadata/annotations", 0) == 0) return true;
        continue;
      }
      if (f.rfind("/status", 0) == 0 && (f.size() == 7 || f[7] == '/')) continue;
      if (f == "/apiVersion" || f == "/kind") continue;
      return true;
    }
    return false;
  }

  // Stores `next` as the new version of `it`: generation, resourceVersion, history, watches. The
  // leaf changes are in `scratch`.
  // `managed`, when given, is the new version's managedFields, kept beside it (next has none).
  WriteResult finish(Iter it, json next, const std::string& manager, std::string_view operation,
                     std::string_view subresource, bool bump_generation, ManagedEntries* managed = nullptr) {
    const ObjectPtr old = it->second.obj;
    const ObjectRef& ref = it->first;
    json& meta = next["metadata"];
    if (bump_generation) {
      const json* g = child(meta, "generation");
      meta["generation"] = (g && g->is_number_integer()) ? g->get<std::int64_t>() + 1 : 1;
    }
    meta["resourceVersion"] = std::to_string(++api.resource_version_);
    ObjectPtr stored = managed ? VersionStore::make_version(std::move(next), std::move(*managed))
                               : versions.make_version(std::move(next), old);
    it->second.obj = stored;
    record_writes(ref, manager, operation, subresource);
    if (it->second.lifetime != kNoLifetime) api.lifetimes_[it->second.lifetime].last = stored;
    if (ref.kind == "Event") {
      if (it->second.event != kNoEvent) update_event_record(it->second.event, *stored);
      start_ttl(it->second);
    }
    index_owners(ref, old.get(), stored.get());
    // registry/generic/registry/store.go ShouldDeleteDuringUpdate: an object being deleted whose
    // last finalizer is gone (and whose grace period is over) is deleted by this update.
    const json& m = (*stored)["metadata"];
    if (child(m, "deletionTimestamp")) {
      const json* fin = child(m, "finalizers");
      const json* grace = child(m, "deletionGracePeriodSeconds");
      const bool no_finalizers = !fin || !fin->is_array() || fin->empty();
      const bool grace_over = !grace || !grace->is_number_integer() || grace->get<std::int64_t>() == 0;
      if (no_finalizers && grace_over) {
        finalize_removal(it, manager);
        return {status(200, "OK", ""), stored};
      }
    }
    notify(ref.kind, WatchEventType::kModified, stored, old);
    return {status(200, "OK", ""), stored};
  }

  // The Update-operation write path shared by update() and merge_patch().
  // `from_stored` says `next` was derived from the stored version (status writes, patches), so its
  // server-set metadata is already right.
  // `touched`, when given, names the parts of `next` that can differ from the stored version
  // (mf::Touched), after preserve_server_metadata.
  WriteResult modify(Iter it, json next, const std::string& manager, std::string_view write_op,
                     std::string_view mf_operation, std::string_view subresource, bool from_stored,
                     const mf::Touched* touched = nullptr) {
    const ObjectPtr old = it->second.obj;
    if (!from_stored) preserve_server_metadata(*old, next);
    // The new main resource is decoded, so defaulted, before it is compared (a status write
    // starts from the stored, already defaulted, version).
    if (subresource.empty()) k8s::apply_defaults(next);
    collect_changes(*old, next, touched);
    // etcd3 store GuaranteedUpdate: an update that changes nothing is not written (no new
    // resourceVersion, no watch event).
    if (scratch.empty()) return {status(200, "OK", ""), old};
    if (auto invalid = invalid_workload(next, it->first.kind, string_at(next, "apiVersion"))) return {*invalid, nullptr};
    const bool bump = generation_bump(it->first.kind, subresource);
    // The stored version keeps its managedFields beside the document (version_store.hpp), and the
    // new ownership is computed there (field_ownership.hpp); preserve_server_metadata left out what
    // the client sent. Entries of a form the server does not write stay in the document, and are
    // worked on there.
    if (!managed_in_document(*old)) {
      ManagedEntries managed = kept_entries(old);
      if (it->first.kind != "Event") {
        const std::string api_version = string_at(next, "apiVersion");
        mf::Comparison cmp = mf::compare(*old, next, mf::schema_for(api_version), touched);
        if (!cmp.empty())
          ownership::update(versions, managed, std::move(cmp), api_version, manager, mf_operation, subresource, now_rfc3339());
      }
      return finish(it, std::move(next), manager, write_op, subresource, bump, &managed);
    }
    if (it->first.kind != "Event") update_ownership(next, *old, manager, mf_operation, subresource, touched);
    return finish(it, std::move(next), manager, write_op, subresource, bump);
  }

  // --- deletion -------------------------------------------------------------------------------------

  void finalize_removal(Iter it, const std::string& manager) {
    const ObjectRef ref = it->first;
    const std::size_t lifetime = it->second.lifetime;
    // A compact Event (a recorder's: no owners, no lifetime) is made whole only for its watchers.
    const bool compact = it->second.compact != nullptr;
    const ObjectPtr last = compact && !events_watched() ? nullptr : object_of(it->second);
    const std::string uid = compact ? uid_for(it->second.compact->uid_serial) : string_at(*last, "metadata", "uid");
    if (compact) release(*it->second.compact);
    ++api.resource_version_;  // a deletion is a revision of its own in etcd
    if (!compact) index_owners(ref, last.get(), nullptr);
    uids.erase(uid);
    objects.erase(it);
    if (lifetime != kNoLifetime) {
      api.lifetimes_[lifetime].deleted = now();
      api.lifetimes_[lifetime].last = ref.kind == "Pod" ? slim_deleted_pod(*last) : last;
    }
    record_whole_object_write(ref, manager, "Delete");
    if (last) notify(ref.kind, WatchEventType::kDeleted, last, last);

    // Background garbage collection (pkg/controller/garbagecollector): dependents whose owners are
    // all gone are deleted; here in the same instant rather than after the collector's resync.
    auto deps = dependents.find(uid);
    if (deps == dependents.end()) return;
    const std::set<ObjectRef> owned = std::move(deps->second);
    dependents.erase(deps);
    for (const ObjectRef& dep : owned) {
      auto d = objects.find(dep);
      if (d == objects.end()) continue;
      bool orphan = true;
      for (const auto& owner : owner_uids(*d->second.obj))
        if (uids.count(owner)) orphan = false;
      if (orphan) remove(d, kGarbageCollector, DeleteOptions{});
    }
  }

  WriteResult remove(Iter it, const std::string& manager, const DeleteOptions& options) {
    materialize(it->second);
    const ObjectPtr cur = it->second.obj;
    const json& meta = (*cur)["metadata"];
    std::int64_t grace = 0;
    if (it->first.kind == "Pod") {
      // core/v1 defaults.go: terminationGracePeriodSeconds defaults to 30; a negative request means
      // "the pod's own".
      grace = 30;
      if (const json* g = child(*cur, "spec", "terminationGracePeriodSeconds"); g && g->is_number_integer())
        grace = g->get<std::int64_t>();
      if (options.grace_period_seconds && *options.grace_period_seconds >= 0) grace = *options.grace_period_seconds;
    }
    const json* fin = child(meta, "finalizers");
    const bool has_finalizers = fin && fin->is_array() && !fin->empty();
    if (grace == 0 && !has_finalizers) {
      finalize_removal(it, manager);
      return {status(200, "OK", ""), cur};
    }
    // registry/rest/delete.go BeforeDelete: graceful deletion only marks the object; a second
    // delete may shorten the grace period but never lengthen it.
    const json* ts = child(meta, "deletionTimestamp");
    if (ts) {
      const json* g = child(meta, "deletionGracePeriodSeconds");
      const std::int64_t current = (g && g->is_number_integer()) ? g->get<std::int64_t>() : 0;
      if (grace >= current) return {status(200, "OK", ""), cur};
    }
    json next = *cur;
    ManagedEntries managed = kept_entries(cur);  // ownership does not change
    json& m = next["metadata"];
    const std::string when = api.epoch_.rfc3339(now() + seconds(grace));
    m["deletionTimestamp"] = when;
    m["deletionGracePeriodSeconds"] = grace;
    scratch.clear();
    LeafChange& c = scratch.emplace_back();
    c.field = "/metadata/deletionTimestamp";
    if (ts) c.old_value = *ts;
    c.new_value = when;
    const json* gen = child(m, "generation");
    const bool bump = !ts && gen && gen->is_number_integer() && gen->get<std::int64_t>() > 0;
    return finish(it, std::move(next), manager, "Delete", "", bump, &managed);
  }

  // --- events -----------------------------------------------------------------------------------------

  void record_event(const ObjectRef& involved, std::string_view type, std::string_view reason,
                    std::string_view message, std::string_view component, std::string_view host,
                    std::string_view field_path) {
    // The reference client-go's GetReference would build from the object the caller holds.
    std::string api_version, uid, rv;
    ObjectPtr source_obj;
    if (auto it = objects.find(involved); it != objects.end()) source_obj = object_of(it->second);
    else if (auto l = last_lifetime.find(involved); l != last_lifetime.end())
      source_obj = api.lifetimes_[l->second].last;
    if (source_obj) {
      api_version = string_at(*source_obj, "apiVersion");
      uid = string_at(*source_obj, "metadata", "uid");
      rv = string_at(*source_obj, "metadata", "resourceVersion");
    }
    const std::string ns = involved.ns.empty() ? "default" : involved.ns;  // record.makeEvent
    const std::string sep(1, '\x1f');
    const std::string common = std::string(component) + sep + std::string(host) + sep + involved.kind + sep +
                               involved.ns + sep + involved.name + sep + uid + sep + api_version + sep +
                               std::string(type) + sep + std::string(reason);

    // events_cache.go EventAggregator: the 10th distinct message with the same reason on the same
    // object within 10 minutes turns into one "(combined from similar events)" event. The
    // aggregation key (EventAggregatorByReasonFunc) leaves out involvedObject.fieldPath; the
    // identity of an event (getEventKey) has it.
    std::string msg(message);
    Aggregate& agg = aggregates[common];
    if (agg.messages.empty() || now() - agg.last > kAggregateInterval) agg.messages.clear();
    agg.messages.insert(msg);
    agg.last = now();
    // EventLogger's key (getEventKey): the aggregation key, the fieldPath and the message, or
    // for a combined Event the aggregation key and the fieldPath.
    std::map<std::string, std::size_t>* by_key = &agg.events;
    std::string key;
    if (agg.messages.size() >= kAggregateMaxEvents) {
      agg.messages.erase(agg.messages.begin());
      msg = "(combined from similar events): " + msg;
      by_key = &agg.combined;
      key = std::string(field_path);
    } else {
      key = std::string(field_path) + sep + msg;
    }

    const std::string& now_str = now_rfc3339();
    // events_cache.go eventLogger.eventObserve: a repeat is the same Event with count + 1.
    if (auto f = by_key->find(key); f != by_key->end()) {
      const std::size_t index = f->second;
      const ObjectRef ref = event_records[index].event;
      if (auto it = objects.find(ref); it != objects.end() && it->second.compact) {
        // The patch of a repeat changes the count, lastTimestamp, message and resourceVersion.
        const ObjectPtr old = events_watched() ? object_of(it->second) : nullptr;
        EventRecord& record = event_records[index];
        record.count += 1;
        record.last = instant_of(now_str);
        record.message = msg;
        it->second.compact->resource_version = ++api.resource_version_;
        it->second.obj = nullptr;  // a new version
        start_ttl(it->second);
        if (old) notify("Event", WatchEventType::kModified, object_of(it->second), old);
        return;
      } else if (it != objects.end()) {
        // An Event someone else wrote since (kubectl edit ...): patched as a document.
        json next = *it->second.obj;
        VersionStore::restore(next, it->second.obj);
        const std::int64_t count = next.value("count", 1) + 1;
        next["count"] = count;
        next["lastTimestamp"] = now_str;
        next["message"] = msg;
        next["metadata"]["resourceVersion"] = std::to_string(++api.resource_version_);
        ObjectPtr old = it->second.obj;
        ObjectPtr stored = versions.make_version(std::move(next), old);
        it->second.obj = stored;
        // The record follows every write of its Event, and this one changes only the count, the
        // last timestamp and the message: the values event_record_of would read back.
        EventRecord& record = event_records[index];
        record.count = count;
        record.last = instant_of(now_str);
        record.message = msg;
        start_ttl(it->second);
        notify("Event", WatchEventType::kModified, stored, old);
        return;
      }
      // client-go record/event.go recordEvent: the patch of an Event that has expired fails with
      // NotFound, and the recorder creates it again, under the same name, with its count and
      // firstTimestamp.
      const EventRecord& before = event_records[index];
      const std::optional<SimTime> first = before.first ? before.first : instant_of(now_str);
      EventRecord record = new_event_record(ref, involved, type, reason, msg, component, first, before.count + 1);
      record.created = before.created;  // the log keeps when it first appeared
      event_records[index] = std::move(record);
      store_event(ref, index, new_compact_event(api_version, uid, rv, field_path, host));
      return;
    }

    // record.makeEvent: "<object name>.<unix nanos in hex>"; one more nanosecond on a collision.
    std::int64_t nanos = api.epoch_.unix_nanos(now());
    ObjectRef ref{"Event", ns, ""};
    do {
      ref.name = fmt::format("{}.{:x}", involved.name, nanos++);
    } while (objects.count(ref));
    const std::size_t index = event_records.size();
    (*by_key)[key] = index;
    event_records.push_back(new_event_record(ref, involved, type, reason, msg, component, instant_of(now_str), 1));
    store_event(ref, index, new_compact_event(api_version, uid, rv, field_path, host));
  }

  // An Event as client-go's recorder sends it (record.makeEvent, GetReference), in the two parts
  // it is kept as: the record the analyses read, and the rest of the object (event_json).
  EventRecord new_event_record(const ObjectRef& ref, const ObjectRef& involved, std::string_view type,
                               std::string_view reason, const std::string& msg, std::string_view component,
                               std::optional<SimTime> first, std::int64_t count) {
    EventRecord r;
    r.event = ref;
    r.has_involved = true;
    r.involved = involved;
    r.type = type;
    r.reason = reason;
    r.message = msg;
    r.component = component;
    r.created = instant_of(now_rfc3339());
    r.first = first;
    r.last = r.created;
    r.count = count;
    return r;
  }

  CompactEvent new_compact_event(std::string_view api_version, std::string_view uid, const std::string& rv,
                                 std::string_view field_path, std::string_view host) {
    CompactEvent c;
    c.uid_serial = ++uid_counter;
    c.resource_version = ++api.resource_version_;
    c.created = instant_of(now_rfc3339()).value_or(now());
    c.involved_api_version = intern(api_version);
    c.involved_uid = intern(uid);
    c.field_path = intern(field_path);
    c.host = intern(host);
    c.involved_rv = rv;
    return c;
  }

  // Stores a recorder's Event; `index` is its record's place in event_records (already written:
  // the end for a new Event, its old place for one created again after it expired).
  void store_event(const ObjectRef& ref, std::size_t index, CompactEvent compact) {
    Stored& slot = objects[ref];
    if (slot.compact) release(*slot.compact);
    slot.obj = nullptr;
    slot.compact = std::make_unique<CompactEvent>(std::move(compact));
    slot.event = index;
    uids.insert(uid_for(slot.compact->uid_serial));
    start_ttl(slot);
    if (events_watched()) notify("Event", WatchEventType::kAdded, object_of(slot), nullptr);
  }
};

// --- ApiServer ---------------------------------------------------------------------------------------

ApiServer::ApiServer(Engine& engine, Epoch epoch, ApiServerOptions options)
    : impl_(nullptr), engine_(engine), epoch_(epoch), options_(options) {
  impl_ = std::make_unique<Impl>(*this, options_.seed);
  impl_->expiry_timer = engine_.make_timer();
}

ApiServer::~ApiServer() = default;

ObjectPtr ApiServer::get(const ObjectRef& ref) const {
  auto it = impl_->objects.find(ref);
  return it == impl_->objects.end() ? nullptr : impl_->object_of(it->second);
}

std::vector<ObjectPtr> ApiServer::list(std::string_view kind, std::optional<std::string_view> ns,
                                       const json& match_labels) const {
  std::vector<ObjectPtr> out;
  const ObjectRef from{std::string(kind), ns ? std::string(*ns) : std::string(), std::string()};
  const bool filter = match_labels.is_object() && !match_labels.empty();
  for (auto it = impl_->objects.lower_bound(from); it != impl_->objects.end(); ++it) {
    if (it->first.kind != kind) break;
    if (ns && it->first.ns != *ns) break;
    ObjectPtr obj = impl_->object_of(it->second);
    if (filter && !labels_match(*obj, match_labels)) continue;
    out.push_back(std::move(obj));
  }
  return out;
}

std::optional<Scale> ApiServer::get_scale(const ObjectRef& ref) const {
  auto it = impl_->objects.find(ref);
  if (it == impl_->objects.end()) return std::nullopt;
  const ObjectPtr stored = impl_->object_of(it->second);
  const json& obj = *stored;
  Scale s;
  // apps/v1 defaults.go: a workload without spec.replicas runs 1.
  if (const json* r = child(obj, "spec", "replicas"); r && r->is_number_integer()) s.spec_replicas = r->get<std::int64_t>();
  else if (is_apps_workload(ref.kind) && ref.kind != "DaemonSet") s.spec_replicas = 1;
  if (const json* r = child(obj, "status", "replicas"); r && r->is_number_integer())
    s.status_replicas = r->get<std::int64_t>();
  if (const json* sel = child(obj, "status", "selector"); sel && sel->is_string()) s.selector = sel->get<std::string>();
  else if (const json* spec_sel = child(obj, "spec", "selector")) {
    // The registry's scale: LabelSelectorAsSelector(spec.selector).String() (a plain map, as a
    // Service or ReplicationController selector is, prints as labels.SelectorFromSet does). An
    // invalid selector (which the API server answers with 400) leaves it empty.
    const bool plain = spec_sel->is_object() && !spec_sel->contains("matchLabels") && !spec_sel->contains("matchExpressions");
    s.selector = label_selector_string(plain ? json{{"matchLabels", *spec_sel}} : *spec_sel).value_or("");
  }
  s.resource_version = string_at(obj, "metadata", "resourceVersion");
  return s;
}

WriteResult ApiServer::create(json object, const std::string& manager) {
  return impl_->create(std::move(object), manager, /*apply_mode=*/false);
}

WriteResult ApiServer::update(json object, const std::string& manager, std::string_view subresource) {
  if (subresource != "" && subresource != "status")
    return {status(404, "NotFound", fmt::format("the server could not find the requested resource "
                                                "(subresource \"{}\" of update)", subresource)),
            nullptr};
  if (!object.is_object()) return {status(400, "BadRequest", "the object to update is not a JSON object"), nullptr};
  const ObjectRef ref = ObjectRef::of(object);
  const std::string api_version = string_at(object, "apiVersion");
  auto it = impl_->objects.find(ref);
  if (it == impl_->objects.end()) return {Impl::not_found(ref, api_version), nullptr};
  impl_->materialize(it->second);
  const json& old = *it->second.obj;
  const std::string rv = string_at(object, "metadata", "resourceVersion");
  if (!rv.empty() && rv != string_at(old, "metadata", "resourceVersion")) return {Impl::stale(ref, api_version), nullptr};

  json next;
  mf::Touched touched;  // a status write changes the status (and an apps workload's annotations) only
  if (subresource == "status") {
    // Status strategies (e.g. deploymentStatusStrategy.PrepareForUpdate) keep spec and labels;
    // the apps workloads let a status write carry annotations (the revision annotation).
    next = old;
    set_or_erase(next, "status", child(object, "status"));
    touched.top = {"status"};
    if (is_apps_workload(ref.kind)) {
      if (const json* ann = child(object, "metadata", "annotations")) next["metadata"]["annotations"] = *ann;
      touched.metadata = {"annotations"};
    }
  } else {
    next = std::move(object);
    // The main resource's strategy keeps the stored status (PrepareForUpdate: Status = old.Status).
    if (has_status_subresource(ref.kind)) set_or_erase(next, "status", child(old, "status"));
  }
  return impl_->modify(it, std::move(next), manager, "Update", "Update", subresource,
                       /*from_stored=*/subresource == "status", subresource == "status" ? &touched : nullptr);
}

WriteResult ApiServer::merge_patch(const ObjectRef& ref, const json& patch, const std::string& manager,
                                   std::string_view subresource, std::string_view operation) {
  if (subresource != "" && subresource != "status")
    return {status(404, "NotFound", fmt::format("the server could not find the requested resource "
                                                "(subresource \"{}\" of patch)", subresource)),
            nullptr};
  if (!patch.is_object()) return {status(400, "BadRequest", "a merge patch must be a JSON object"), nullptr};
  auto it = impl_->objects.find(ref);
  if (it == impl_->objects.end()) return {Impl::not_found(ref, string_at(patch, "apiVersion")), nullptr};
  impl_->materialize(it->second);
  const json& old = *it->second.obj;
  const std::string api_version = string_at(old, "apiVersion");
  // A patch carrying metadata.resourceVersion is a precondition (kubectl apply's patcher relies on it).
  const std::string rv = string_at(patch, "metadata", "resourceVersion");
  if (!rv.empty() && rv != string_at(old, "metadata", "resourceVersion")) return {Impl::stale(ref, api_version), nullptr};

  json next = old;
  // What the patch can change: the members it names (a merge patch leaves the others as they
  // are), and metadata's labels and annotations, which an emptied map drops below. What
  // preserve_server_metadata then restores is equal to the stored version again.
  mf::Touched touched;
  touched.metadata = {"annotations", "labels"};
  if (subresource == "status") {
    touched.top = {"status"};
  } else {
    for (auto m = patch.begin(); m != patch.end(); ++m) {
      if (m.key() != "metadata") touched.top.push_back(m.key());
      else if (!m->is_object()) touched.top.push_back("metadata");
      else
        for (auto k = m->begin(); k != m->end(); ++k) touched.metadata.push_back(k.key());
    }
  }
  if (subresource == "status") {
    if (const json* s = child(patch, "status")) {
      if (s->is_null()) next.erase("status");
      else next["status"].merge_patch(*s);
    }
    if (is_apps_workload(ref.kind)) {
      if (const json* ann = child(patch, "metadata", "annotations")) next["metadata"]["annotations"].merge_patch(*ann);
    }
  } else {
    next.merge_patch(patch);
    if (has_status_subresource(ref.kind)) set_or_erase(next, "status", child(old, "status"));
  }
  if (next.contains("metadata") && next["metadata"].is_object()) {
    // merge_patch leaves an emptied map as {}; Go's omitempty drops empty labels/annotations.
    for (const char* key : {"labels", "annotations"}) {
      const json* v = child(next["metadata"], key);
      if (v && v->is_object() && v->empty()) next["metadata"].erase(key);
    }
  }
  // A patch may name server-set fields (metadata.uid, ...): restore them.
  return impl_->modify(it, std::move(next), manager, "Patch", operation, subresource, /*from_stored=*/false,
                       &touched);
}

WriteResult ApiServer::apply(const json& object, const std::string& manager, bool force) {
  if (!object.is_object()) return {status(400, "BadRequest", "the applied configuration is not a JSON object"), nullptr};
  const ObjectRef ref = ObjectRef::of(object);
  auto it = impl_->objects.find(ref);
  if (it == impl_->objects.end()) return impl_->create(object, manager, /*apply_mode=*/true);
  Impl& d = *impl_;
  d.materialize(it->second);
  const ObjectPtr old = it->second.obj;
  const std::string api_version =
      object.contains("apiVersion") ? string_at(object, "apiVersion") : string_at(*old, "apiVersion");
  const std::string rv = string_at(object, "metadata", "resourceVersion");
  if (!rv.empty() && rv != string_at(*old, "metadata", "resourceVersion")) return {Impl::stale(ref, api_version), nullptr};

  // structured-merge-diff merge/update.go Updater.Apply.
  const mf::Schema schema = mf::schema_for(api_version);
  json next = mf::merge_apply(*old, object, schema);
  Impl::preserve_server_metadata(*old, next);
  json applied = mf::field_set_of_config(object, schema);

  struct Conflict {
    std::string id;
    std::string who;
    std::vector<std::string> paths;
  };
  std::vector<Conflict> conflicts;
  std::size_t total = 0;
  // apiserver fieldmanager internal/conflict.go getConflictMessage.
  auto conflict_status = [&]() {
    std::string message;
    if (total == 1) {
      message = fmt::format("Apply failed with 1 conflict: conflict with {}: {}", conflicts[0].who,
                            conflicts[0].paths[0]);
    } else {
      std::stable_sort(conflicts.begin(), conflicts.end(),
                       [](const Conflict& a, const Conflict& b) { return a.id < b.id; });
      std::string body;
      for (const auto& c : conflicts) {
        body += (body.empty() ? "" : "\n") + fmt::format("conflicts with {}:", c.who);
        for (const auto& p : c.paths) body += "\n- " + p;
      }
      message = fmt::format("Apply failed with {} conflicts: {}", total, body);
    }
    return status(409, "Conflict", std::move(message));
  };

  // The stored version keeps its managedFields beside the document (version_store.hpp): the
  // apply's ownership is computed on them there (field_ownership.hpp), step for step as on JSON
  // below, which is left for a document that holds managedFields of another form.
  if (!managed_in_document(*old)) {
    ManagedEntries managed = kept_entries(old);
    auto is_own = [&](const ManagedEntry& e) { return ownership::same_identity(e, manager, "Apply", ""); };
    // prune (below): only an applier that applied more last time can release anything; then the
    // sets are made as JSON, as below.
    if (const ManagedEntry* last = ownership::find(managed, manager, "Apply", "");
        last && ownership::releases(d.versions, *last, applied)) {
      json owned = applied;
      json last_applied = json::object();
      for (const ManagedEntry& e : managed) {
        if (is_own(e)) last_applied = ownership::wire(*e.fields);
        else mf::set_union(owned, ownership::wire(*e.fields));
      }
      json released = last_applied;
      mf::set_subtract(released, owned);
      for (const auto& path : mf::members(released)) {
        if (!mf::set_has_prefix(owned, path)) mf::erase_path(next, path, owned);
      }
    }
    k8s::apply_defaults(next);  // as below: the merged and pruned object is defaulted
    const mf::Comparison cmp = mf::compare(*old, next, schema);
    json changed = cmp.added;
    mf::set_union(changed, cmp.modified);
    for (ManagedEntry& e : managed) {
      if (is_own(e)) continue;
      json overlap = ownership::intersection(*e.fields, changed);
      if (!mf::set_empty(overlap)) {
        const json id = ownership::identity(e);
        Conflict c{mf::manager_identifier(id), mf::describe_manager(id), {}};
        for (const auto& p : mf::members(overlap)) c.paths.push_back(mf::path_string(p));
        total += c.paths.size();
        conflicts.push_back(std::move(c));
        e.fields = ownership::subtract(d.versions, e.fields, overlap);
      }
      e.fields = ownership::subtract(d.versions, e.fields, cmp.removed);
    }
    if (!conflicts.empty() && !force) return {conflict_status(), nullptr};
    if (ManagedEntry* own = ownership::find(managed, manager, "Apply", "")) {
      own->fields = d.versions.share_node(applied);
      own->api_version = VersionStore::name(api_version);
    } else {
      managed.push_back(ownership::make_entry(d.versions, api_version, manager, "Apply", "", d.now_rfc3339(),
                                              d.versions.share_node(applied)));
    }
    ownership::drop_empty(managed);
    d.collect_changes(*old, next);
    const ManagedEntries* before = VersionStore::entries(old);
    const bool ownership_same = before ? ownership::same_ignoring_time(managed, *before) : managed.empty();
    // As below (kubernetes#88875).
    if (d.scratch.empty() && ownership_same && options_.kubernetes_minor >= 18) return {status(200, "OK", ""), old};
    for (ManagedEntry& e : managed)
      if (is_own(e)) e.time = d.versions.share_time(d.now_rfc3339());
    ownership::sort_entries(managed);
    const bool bump = d.generation_bump(ref.kind, "");
    return d.finish(it, std::move(next), manager, "Apply", "", bump, &managed);
  }

  // preserve_server_metadata copied the stored managedFields if the document has them; else they
  // are kept beside it (version_store.hpp).
  const json old_managed = VersionStore::managed_fields(old);
  json managed = old_managed.is_array() ? old_managed : json::array();
  if (!managed.is_array()) managed = json::array();
  auto is_own = [&](const json& e) { return same_entry(e, manager, "Apply", ""); };

  // prune: what this applier applied last time and no longer applies is removed from the object,
  // unless another manager owns it.
  json owned = applied;
  json last_applied = json::object();
  for (const json& e : managed) {
    if (is_own(e)) last_applied = e.value("fieldsV1", json::object());
    else mf::set_union(owned, e.value("fieldsV1", json::object()));
  }
  json released = last_applied;
  mf::set_subtract(released, owned);
  for (const auto& path : mf::members(released)) {
    if (!mf::set_has_prefix(owned, path)) mf::erase_path(next, path, owned);
  }

  // The patcher defaults the merged and pruned object before it is compared and stored
  // (handlers/patch.go applyPatcher, then the defaulter).
  k8s::apply_defaults(next);

  // Conflicts: fields another manager owns whose value this apply changes.
  const mf::Comparison cmp = mf::compare(*old, next, schema);
  json changed = cmp.added;
  mf::set_union(changed, cmp.modified);
  for (json& e : managed) {
    if (is_own(e)) continue;
    json& fields = e["fieldsV1"];
    json overlap = mf::set_intersection(fields, changed);
    if (!mf::set_empty(overlap)) {
      Conflict c{mf::manager_identifier(e), mf::describe_manager(e), {}};
      for (const auto& p : mf::members(overlap)) c.paths.push_back(mf::path_string(p));
      total += c.paths.size();
      conflicts.push_back(std::move(c));
      // --force-conflicts: the applier takes the fields over.
      mf::set_subtract(fields, overlap);
    }
    mf::set_subtract(fields, cmp.removed);
  }
  if (!conflicts.empty() && !force) return {conflict_status(), nullptr};

  json* own = nullptr;
  for (json& e : managed)
    if (is_own(e)) own = &e;
  if (own) {
    (*own)["fieldsV1"] = std::move(applied);
    (*own)["apiVersion"] = api_version;
  } else {
    managed.push_back(mf::make_entry(api_version, manager, "Apply", "", d.now_rfc3339(), std::move(applied)));
  }
  mf::drop_empty_entries(managed);

  d.collect_changes(*old, next);
  const bool ownership_same = !old_managed.is_null() ? mf::same_ignoring_time(managed, old_managed) : managed.empty();
  // An apply that changes neither the object nor ownership is not written and does not refresh
  // the applier's time (kubernetes#88875, 1.18; later fieldmanager equality.go
  // IgnoreManagedFieldsTimestampsTransformer). Before 1.18 every apply wrote a new time.
  if (d.scratch.empty() && ownership_same && options_.kubernetes_minor >= 18) return {status(200, "OK", ""), old};

  for (json& e : managed)
    if (is_own(e)) e["time"] = d.now_rfc3339();
  mf::sort_entries(managed);
  if (managed.empty()) next["metadata"].erase("managedFields");
  else next["metadata"]["managedFields"] = std::move(managed);
  const bool bump = d.generation_bump(ref.kind, "");
  return d.finish(it, std::move(next), manager, "Apply", "", bump);
}

WriteResult ApiServer::update_scale(const ObjectRef& ref, std::int64_t replicas, const std::string& resource_version,
                                    const std::string& manager) {
  auto it = impl_->objects.find(ref);
  if (it == impl_->objects.end()) return {Impl::not_found(ref, ""), nullptr};
  Impl& d = *impl_;
  d.materialize(it->second);
  const ObjectPtr old = it->second.obj;
  const json& meta = (*old)["metadata"];
  if (!resource_version.empty() && resource_version != string_at(meta, "resourceVersion"))
    return {Impl::stale(ref, string_at(*old, "apiVersion")), nullptr};
  if (const json* spec = child(*old, "spec"); spec && !spec->is_object())
    return {status(422, "Invalid", fmt::format("{} \"{}\" has no spec.replicas to scale",
                                               resource_name(ref.kind, string_at(*old, "apiVersion")), ref.name)),
            nullptr};
  const json* current = child(*old, "spec", "replicas");
  if (current && current->is_number_integer() && current->get<std::int64_t>() == replicas)
    return {status(200, "OK", ""), old};  // nothing changes: nothing is written

  // The hot path of an autoscaler fight: one copy of the document, edited in place.
  json next = *old;
  next["spec"]["replicas"] = replicas;
  const std::string api_version = string_at(*old, "apiVersion");

  d.scratch.clear();
  Impl::LeafChange& c = d.scratch.emplace_back();
  c.field = "/spec/replicas";
  if (current) c.old_value = *current;
  c.new_value = replicas;

  // apimachinery managedfields scalehandler.go ToParent: the writer's scale entry owns
  // spec.replicas and every other entry loses it. On the entries kept beside the version
  // (field_ownership.hpp), unless the document holds entries of a form the server does not write.
  if (!managed_in_document(*old)) {
    ManagedEntries kept = kept_entries(old);
    ownership::scale(d.versions, kept, api_version, manager, d.now_rfc3339());
    // The scale subresource goes through the parent's update strategy: a spec change, so
    // generation moves (apps Deployment/ReplicaSet strategies).
    return d.finish(it, std::move(next), manager, "Update", "scale", /*bump_generation=*/true, &kept);
  }
  static const json kReplicas = {{"f:spec", {{"f:replicas", json::object()}}}};
  json& managed = next["metadata"]["managedFields"];
  if (!managed.is_array()) managed = json::array();
  bool found = false;
  for (json& e : managed) {
    if (same_entry(e, manager, "Update", "scale")) {
      found = true;
      e["fieldsV1"] = kReplicas;
      e["time"] = d.now_rfc3339();
      e["apiVersion"] = api_version;
      continue;
    }
    if (const json* f = child(e, "fieldsV1", "f:spec"); f && f->contains("f:replicas"))
      mf::set_subtract(e["fieldsV1"], kReplicas);
  }
  if (!found) managed.push_back(mf::make_entry(api_version, manager, "Update", "scale", d.now_rfc3339(), kReplicas));
  mf::drop_empty_entries(managed);
  mf::sort_entries(managed);
  return d.finish(it, std::move(next), manager, "Update", "scale", /*bump_generation=*/true);
}

WriteResult ApiServer::remove(const ObjectRef& ref, const std::string& manager, DeleteOptions options) {
  auto it = impl_->objects.find(ref);
  if (it == impl_->objects.end()) return {Impl::not_found(ref, ""), nullptr};
  return impl_->remove(it, manager, options);
}

void ApiServer::watch(std::string kind, Watcher* watcher, std::optional<Duration> latency) {
  const auto index = static_cast<std::uint32_t>(impl_->watches.size());
  impl_->watches.push_back(Impl::WatchState{watcher, latency ? *latency : options_.watch_latency, kTimeZero, {},
                                            dynamic_cast<const WatchFilter*>(watcher)});
  if (kind.empty()) impl_->watches_all.push_back(index);
  else impl_->watches_by_kind[kind].push_back(index);
}

void ApiServer::record_event(const ObjectRef& involved, std::string_view type, std::string_view reason,
                             std::string_view message, std::string_view source_component,
                             std::string_view source_host, std::string_view field_path) {
  impl_->record_event(involved, type, reason, message, source_component, source_host, field_path);
}

const std::vector<EventRecord>& ApiServer::events() const { return impl_->event_records; }

void ApiServer::on_event(std::uint32_t kind, std::uint64_t payload) {
  if (kind == kExpireEvents) {
    impl_->expire_events();
    return;
  }
  if (kind != kDeliverWatch || payload >= impl_->watches.size()) return;
  Impl::WatchState& st = impl_->watches[payload];
  if (st.queue.empty()) return;
  // Take the event out first: the watcher may write (and so queue more) or add watches.
  const WatchEvent event = std::move(st.queue.front());
  st.queue.pop_front();
  Watcher* watcher = st.watcher;
  watcher->on_watch_event(event);
}

}  // namespace kcsim
