// Traffic: clients sending HTTP requests to services, the KEDA HTTP add-on interceptor's data
// path for the services an HTTPScaledObject routes, and plain Service routing for the others.
//
// The scenario's top-level "traffic" section lists request sources (docs/models/
// http-add-on-traffic.md): where requests go (a Service, a host, a Deployment), when they arrive
// (traffic_pattern.hpp), how long a pod works on each, and how many a pod serves at once.
//
// Routing, per request at its arrival:
//  - through the interceptor when an HTTPScaledObject routes the source's host (spec.hosts; v0.3–
//    v0.5 spec.host) or, for a source given by Service, targets that Service
//    (scaleTargetRef.service); the interceptor is part of the add-on, so only when the
//    "http-add-on" model is installed;
//  - else straight to a ready endpoint of the Service (kube-proxy picks one at random): 503 when
//    there is none;
//  - a source given only by a host that no HTTPScaledObject routes gets the interceptor's 404.
//
// The interceptor (kedacore/http-add-on interceptor/: v0.10 main.go, main's proxy.go
// BuildProxyHandler): the counting middleware counts a request in flight from its arrival to its
// response, including while it is held waiting for a ready endpoint (interceptor_queue.hpp is what
// the scaler reads). A request that finds no ready endpoint waits until one is ready or the wait
// timeout expires: 502 up to v0.13 (forward_wait_func.go), 504 from v0.14 (endpoint_resolver.go).
// Once forwarded, the response headers must arrive within the response-header timeout (502 / 504
// likewise), which with the v0.6–v0.13 code default of 500 ms fails every request a pod takes
// longer to answer.
// Timeouts: the version's code defaults (http_add_on_profile.cpp), then
// settings.http-add-on.interceptor, then the HTTPScaledObject's spec.timeouts (v0.11+).
//
// Ready endpoints of a Service: Pods of its namespace matching spec.selector (or, when there is
// no Service object, the Deployment's spec.selector.matchLabels) with condition Ready True and no
// deletionTimestamp, as this model's watch sees them (the API server's watch latency stands for
// the EndpointSlice controller and the interceptor's or kube-proxy's informers).
//
// Pods: each serves up to concurrencyPerPod requests at once (0: no limit) and queues the rest
// in arrival order. A pod that stops being ready or starts terminating gets no new requests but
// finishes the ones it has (graceful shutdown); a pod that is deleted fails them (502).
//
// Records: every request's arrival, service start, end, status, cold-start flag, in a flat
// vector of 32-byte records, capped at settings.traffic.maxRecords (default 1,000,000, 32 MB);
// beyond the cap the per-workload counters and a latency histogram (relative error < 0.4 %)
// still count every request, and percentiles come from the histogram. The hot path (arrivals,
// completions, timeouts) allocates nothing once pools have grown: requests live in a free-list
// pool, queues are intrusive lists, events carry (slot, generation) and stale ones are skipped.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../http-add-on/http_add_on_profile.hpp"
#include "../http-add-on/interceptor_queue.hpp"
#include "kcsim/core/input_error.hpp"
#include "kcsim/apiserver/model.hpp"
#include "kcsim/apiserver/pod_load.hpp"
#include "kcsim/k8s/pod_ready.hpp"
#include "traffic_pattern.hpp"

namespace kcsim {
namespace {

constexpr std::uint32_t kNone = 0xffffffffu;
constexpr std::uint16_t kNoWorkload = 0xffff;
static_assert(kNoWorkload == kNoRequestWorkload, "request_log.hpp names the same \"no workload\" index");
constexpr std::size_t kDefaultMaxRecords = 1000000;

double fixed3(double x) { return std::round(x * 1000.0) / 1000.0; }

/// Latencies in microseconds, log-linear buckets (128 sub-buckets per power of two above 256 µs;
/// exact below): bounded memory for any number of requests. The buckets come in pages of 128,
/// allocated when a latency first falls in one: a workload's latencies span a few powers of two,
/// and a fleet of 10,000 workloads kept 58 KiB of mostly empty buckets each (docs/performance.md).
class LatencyHistogram {
 public:
  void add(std::int64_t us) {
    const std::size_t i = index(std::max<std::int64_t>(0, us));
    const std::size_t page = i / kPage;
    if (page >= pages_.size()) pages_.resize(page + 1);
    if (!pages_[page]) pages_[page] = std::make_unique<Page>();
    ++(*pages_[page])[i % kPage];
    ++n_;
  }
  std::uint64_t size() const { return n_; }
  /// Nearest-rank percentile: the midpoint of the bucket holding the rank.
  double percentile_us(double p) const {
    if (n_ == 0) return 0.0;
    const auto rank = static_cast<std::uint64_t>(std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(n_))));
    std::uint64_t seen = 0;
    for (std::size_t page = 0; page < pages_.size(); ++page) {
      if (!pages_[page]) continue;
      for (std::size_t j = 0; j < kPage; ++j) {
        seen += (*pages_[page])[j];
        if (seen >= rank) return midpoint(page * kPage + j);
      }
    }
    return midpoint(kBuckets - 1);
  }

 private:
  static constexpr int kExact = 256;
  static constexpr int kSub = 128;
  static std::size_t index(std::int64_t v) {
    if (v < kExact) return static_cast<std::size_t>(v);
    const int msb = 63 - std::countl_zero(static_cast<std::uint64_t>(v));  // ≥ 8
    const int shift = msb - 7;
    return static_cast<std::size_t>(kExact + (msb - 8) * kSub + ((v >> shift) - kSub));
  }
  static double midpoint(std::size_t i) {
    if (i < kExact) return static_cast<double>(i);
    const std::size_t j = i - kExact;
    const int shift = static_cast<int>(j / kSub) + 1;
    const std::int64_t lower = static_cast<std::int64_t>(j % kSub + kSub) << shift;
    return static_cast<double>(lower) + static_cast<double>(std::int64_t{1} << shift) / 2.0;
  }
  static constexpr std::size_t kBuckets = kExact + 56 * kSub;
  static constexpr std::size_t kPage = kSub;
  static_assert(kExact % kPage == 0 && kBuckets % kPage == 0, "pages tile the buckets");
  using Page = std::array<std::uint64_t, kPage>;
  std::vector<std::unique_ptr<Page>> pages_;  // pages_[p] holds buckets [p * kPage, (p + 1) * kPage)
  std::uint64_t n_ = 0;
};

// RequestRecord: include/kcsim/apiserver/request_log.hpp (read by the run's artefacts).
constexpr std::uint8_t kColdFlag = kRequestColdFlag;
constexpr std::uint8_t kInterceptorFlag = kRequestInterceptorFlag;

/// An intrusive FIFO of request slots (the links live in the requests).
struct List {
  std::uint32_t head = kNone, tail = kNone, size = 0;
};

struct Request {
  enum class State : std::uint8_t { kFree, kHeld, kQueued, kInService };
  SimTime arrival{};
  SimTime started{Duration{-1}};
  Duration service{};
  std::uint32_t source = 0, route = kNone, pod = kNone;
  std::uint32_t prev = kNone, next = kNone;  // in a route's held list, a pod's queue or service list
  std::uint32_t gen = 0;
  std::uint16_t workload = kNoWorkload;
  State state = State::kFree;
  bool client_done = false;  // the client has its response (the pod may still be working)
  bool cold = false;         // held at zero ready endpoints
  bool via_interceptor = false;
};

struct Source {
  std::string name;
  std::string host;
  std::string svc_ns, svc;      // may be empty
  std::string deploy_ns, deploy;  // may be empty
  ArrivalProcess arrivals;
  ServiceTime service;
  std::uint32_t per_pod_limit = 0;  // 0: unlimited
  SimTime start{}, end{};
  // Resolved routing (recomputed when the routing table changes).
  std::uint32_t route = kNone;
  std::uint32_t direct_set = kNone;
  std::uint16_t workload_routed = kNoWorkload, workload_direct = kNoWorkload;
  // Counters.
  std::uint64_t total = 0, succeeded = 0, failed = 0;
};

/// An HTTPScaledObject in the interceptor's routing table.
struct Route {
  std::string key, ns, name;
  std::vector<std::string> hosts;
  std::string service;
  bool alive = false;
  InterceptorQueue* queue = nullptr;
  std::uint32_t endpoints = kNone;
  std::uint16_t workload = kNoWorkload;
  Duration wait_timeout{}, header_timeout{};
  List held;  // waiting for a ready endpoint, in arrival order
};

struct Pod {
  std::string ns, name;
  json labels;
  bool exists = false, ready = false;
  std::uint32_t in_service = 0;
  std::uint32_t load = kNone;  // the pod's PodLoad slot, when a metrics-server measures usage
  List queue, serving;
  std::vector<std::uint32_t> sets;  // endpoint sets whose selector matches
};

/// The endpoints of a Service (or of a Deployment's selector when there is no Service).
struct EndpointSet {
  std::string ns, service, deployment;  // service may be empty
  json selector;                        // null: selects nothing
  std::vector<std::uint32_t> ready;     // pod slots, ordered by pod name
  std::optional<SimTime> cold_since;    // first request held while it had none ready
  std::uint16_t cold_workload = kNoWorkload;
};

struct WorkloadStats {
  std::string object;
  std::uint64_t total = 0, succeeded = 0, failed = 0, cold = 0;
  std::map<int, std::uint64_t> by_status;
  LatencyHistogram latency;
  std::int64_t max_latency_us = 0;
  std::vector<std::int64_t> cold_starts_us;
  std::uint64_t cold_open = 0;
};

std::pair<std::string, std::string> split_ref(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return {"default", text};
  return {text.substr(0, slash), text.substr(slash + 1)};
}

bool selects(const json& selector, const json& labels) {
  if (!selector.is_object() || selector.empty()) return false;
  if (!labels.is_object()) return false;
  for (auto& [k, v] : selector.items())
    if (!labels.contains(k) || labels[k] != v) return false;
  return true;
}

class Traffic final : public Model, public Watcher {
 public:
  explicit Traffic(World& world)
      : Model(world, "traffic"), profile_(make_http_add_on_profile(world.scenario())) {
    read_settings();
    read_sources();
    queues_ = &InterceptorQueues::of(world);
    pool_.reserve(1024);
  }

  void start() override {
    // The interceptor exists when the HTTP add-on runs: its scaler listens to the queues (it
    // attaches in its constructor, before any model starts).
    addon_ = queues_->has_listener();
    // The work pods do, for the usage model (pod_load.hpp): counted only in a run with a
    // metrics-server, which provides it.
    load_ = world().service<PodLoad>();
    for (const char* kind : {"Service", "Deployment", "HTTPScaledObject", "Pod"}) api().watch(kind, this);
    // The informers' initial LIST.
    for (const char* kind : {"Service", "Deployment", "HTTPScaledObject", "Pod"})
      for (const ObjectPtr& o : api().list(kind)) on_object(*o, false);
    resolve_sources();
    double expected = 0.0;
    for (std::uint32_t i = 0; i < sources_.size(); ++i) {
      Source& s = sources_[i];
      s.arrivals.reset(s.start, s.end);
      expected += s.arrivals.expected_count();
      if (auto t = s.arrivals.next(rng())) engine().schedule_at(*t, this, kArrival, i);
    }
    records_.reserve(static_cast<std::size_t>(std::min(static_cast<double>(max_records_), expected * 1.1 + 1024.0)));
  }

  void on_event(std::uint32_t kind, std::uint64_t payload) override {
    if (kind == kArrival) {
      arrive(static_cast<std::uint32_t>(payload));
      return;
    }
    const auto slot = static_cast<std::uint32_t>(payload & 0xffffffffu);
    const auto gen = static_cast<std::uint32_t>(payload >> 32);
    if (slot >= pool_.size() || pool_[slot].gen != gen || pool_[slot].state == Request::State::kFree) return;
    switch (kind) {
      case kServiceDone: service_done(slot); break;
      case kWaitTimeout: wait_timeout(slot); break;
      case kHeaderTimeout: header_timeout(slot); break;
      case kRequestTimeout: request_timeout(slot); break;
      default: break;
    }
  }

  void on_watch_event(const WatchEvent& e) override {
    on_object(*e.object, e.type == WatchEventType::kDeleted);
    // The sources' routes depend only on the routing table: a status write on an
    // HTTPScaledObject (most of its watch events) leaves them as they are.
    if (routes_changed_ && e.object->value("kind", "") == "HTTPScaledObject") {
      routes_changed_ = false;
      resolve_sources();
    }
  }

  void contribute_report(json& report) const override;
  RequestLog request_log() const override {
    RequestLog log{records_, {}, truncated_};
    log.workloads.reserve(workloads_.size());
    for (const WorkloadStats& w : workloads_) log.workloads.push_back(w.object);
    return log;
  }

 private:
  static constexpr std::uint32_t kArrival = 1, kWaitTimeout = 2, kHeaderTimeout = 3, kRequestTimeout = 4,
                                 kServiceDone = 5;

  void read_settings();
  void read_sources();

  // --- objects
  void on_object(const json& obj, bool deleted);
  void on_pod(const json& obj, bool deleted);
  void on_route(const json& obj, bool deleted);
  void on_selector_source(const std::string& kind, const std::string& ns, const std::string& name, const json& selector);
  std::uint32_t endpoint_set(const std::string& ns, const std::string& service, const std::string& deployment);
  json selector_for(const EndpointSet& set) const;
  void rebuild_set(std::uint32_t set);
  void update_membership(std::uint32_t pod, std::uint32_t set, bool was_ready);
  void became_ready(std::uint32_t set);
  std::uint16_t workload(const std::string& object);
  void resolve_sources();

  // --- requests
  std::uint32_t alloc();
  void release(std::uint32_t r);
  std::uint64_t payload(std::uint32_t r) const { return (static_cast<std::uint64_t>(pool_[r].gen) << 32) | r; }
  void push_back(List& l, std::uint32_t r);
  void unlink(List& l, std::uint32_t r);
  void arrive(std::uint32_t source);
  void dispatch(std::uint32_t r, std::uint32_t set);
  void start_service(std::uint32_t r);
  void pump(std::uint32_t pod);
  void service_done(std::uint32_t r);
  void wait_timeout(std::uint32_t r);
  void header_timeout(std::uint32_t r);
  void request_timeout(std::uint32_t r);
  void finish(std::uint32_t r, int status);
  void detach(std::uint32_t r);  // out of whatever list holds it (held list / pod queue)

  HttpAddOnProfile profile_;
  InterceptorQueues* queues_ = nullptr;  // the World's service
  PodLoad* load_ = nullptr;
  bool addon_ = false;
  std::size_t max_records_ = kDefaultMaxRecords;

  std::vector<Source> sources_;
  std::vector<Route> routes_;
  std::map<std::string, std::uint32_t> route_index_;
  bool routes_changed_ = false;  // what resolve_sources reads changed since it last ran
  std::vector<Pod> pods_;
  std::map<std::string, std::uint32_t> pod_index_;
  std::vector<EndpointSet> sets_;
  std::map<std::string, std::uint32_t> set_index_;
  std::map<std::string, json> selectors_;  // "Service/ns/name" or "Deployment/ns/name" → matchLabels
  std::vector<WorkloadStats> workloads_;
  std::map<std::string, std::uint16_t> workload_index_;

  std::vector<Request> pool_;
  std::uint32_t free_ = kNone;
  std::vector<RequestRecord> records_;
  bool truncated_ = false;
};

// ----------------------------------------------------------------------------------------------
// Scenario input
// ----------------------------------------------------------------------------------------------

void Traffic::read_settings() {
  const std::string base = world().settings_pointer(name());
  const std::string& file = world().scenario().file;
  for (auto& [key, value] : settings().items()) {
    if (key == "enabled") continue;
    if (key == "maxRecords") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() > 100000000)
        throw InputError(file, base + "/maxRecords", "expected a number of records from 0 to 100000000",
                         describe_found(value));
      max_records_ = value.get<std::size_t>();
    } else {
      throw InputError(file, base + "/" + key, "expected one of enabled, maxRecords",
                       fmt::format("unknown field \"{}\"", key));
    }
  }
}

void Traffic::read_sources() {
  const Scenario& sc = world().scenario();
  if (!sc.raw.contains("traffic")) return;
  const json& section = sc.raw["traffic"];
  std::vector<std::pair<const json*, std::string>> entries;
  if (section.is_array()) {
    for (std::size_t i = 0; i < section.size(); ++i) entries.emplace_back(&section[i], "/traffic/" + std::to_string(i));
  } else {
    entries.emplace_back(&section, "/traffic");
  }
  if (entries.size() > 60000)
    throw InputError(sc.file, "/traffic", "expected at most 60000 traffic sources", std::to_string(entries.size()));
  const std::string base_dir = std::filesystem::path(sc.file).parent_path().string();
  static const std::set<std::string> kFields = {"name", "service", "host", "deployment", "start", "end",
                                                "pattern", "serviceTime", "concurrencyPerPod", "description"};
  for (auto& [spec, p] : entries) {
    if (!spec->is_object())
      throw InputError(sc.file, p, "expected a traffic source {\"service\"|\"host\", \"pattern\", ...}", describe_found(*spec));
    for (auto& [key, value] : spec->items()) {
      (void)value;
      if (!kFields.count(key))
        throw InputError(sc.file, p + "/" + key,
                         "expected one of name, service, host, deployment, start, end, pattern, serviceTime, "
                         "concurrencyPerPod, description",
                         fmt::format("unknown field \"{}\"", key));
    }
    Source s;
    s.name = spec->value("name", fmt::format("traffic[{}]", sources_.size()));
    for (const char* f : {"name", "service", "host", "deployment"})
      if (spec->contains(f) && (!(*spec)[f].is_string() || (*spec)[f].get<std::string>().empty()))
        throw InputError(sc.file, p + "/" + f, "expected a non-empty string", describe_found((*spec)[f]));
    if (spec->contains("service")) std::tie(s.svc_ns, s.svc) = split_ref((*spec)["service"]);
    if (spec->contains("deployment")) std::tie(s.deploy_ns, s.deploy) = split_ref((*spec)["deployment"]);
    s.host = spec->value("host", "");
    if (s.svc.empty() && s.host.empty() && s.deploy.empty())
      throw InputError(sc.file, p, "expected \"service\" (\"namespace/name\"), \"host\" or \"deployment\"", "none of them");
    s.start = SimTime{spec->contains("start") ? read_duration((*spec)["start"], sc.file, p + "/start") : Duration{0}};
    s.end = SimTime{spec->contains("end") ? read_duration((*spec)["end"], sc.file, p + "/end") : sc.duration};
    if (s.end > SimTime{sc.duration}) s.end = SimTime{sc.duration};
    if (!spec->contains("pattern"))
      throw InputError(sc.file, p + "/pattern", "expected a pattern such as {\"type\": \"poisson\", \"rate\": 5}", "nothing");
    s.arrivals = ArrivalProcess::parse((*spec)["pattern"], PatternContext{sc.file, p + "/pattern", base_dir});
    if (spec->contains("serviceTime"))
      s.service = ServiceTime::parse((*spec)["serviceTime"], PatternContext{sc.file, p + "/serviceTime", base_dir});
    if (spec->contains("concurrencyPerPod")) {
      const json& c = (*spec)["concurrencyPerPod"];
      if (!c.is_number_integer() || c.get<std::int64_t>() < 0 || c.get<std::int64_t>() > 1000000)
        throw InputError(sc.file, p + "/concurrencyPerPod", "expected a number of requests from 0 (no limit) to 1000000",
                         describe_found(c));
      s.per_pod_limit = c.get<std::uint32_t>();
    }
    sources_.push_back(std::move(s));
  }
}

// ----------------------------------------------------------------------------------------------
// Objects: routing table, selectors, pods
// ----------------------------------------------------------------------------------------------

void Traffic::on_object(const json& obj, bool deleted) {
  const std::string kind = obj.value("kind", "");
  const std::string ns = obj["metadata"].value("namespace", "default");
  const std::string name = obj["metadata"].value("name", "");
  if (kind == "Pod") {
    on_pod(obj, deleted);
  } else if (kind == "HTTPScaledObject") {
    on_route(obj, deleted);
  } else if (kind == "Service") {
    const json::json_pointer p("/spec/selector");
    on_selector_source(kind, ns, name, !deleted && obj.contains(p) ? obj.at(p) : json());
  } else if (kind == "Deployment") {
    const json::json_pointer p("/spec/selector/matchLabels");
    on_selector_source(kind, ns, name, !deleted && obj.contains(p) ? obj.at(p) : json());
  }
}

void Traffic::on_selector_source(const std::string& kind, const std::string& ns, const std::string& name,
                                 const json& selector) {
  const std::string key = kind + "/" + ns + "/" + name;
  auto it = selectors_.find(key);
  const bool absent = selector.is_null();
  if (absent ? it == selectors_.end() : (it != selectors_.end() && it->second == selector)) return;
  if (absent) selectors_.erase(it);
  else selectors_[key] = selector;
  for (std::uint32_t i = 0; i < sets_.size(); ++i) {
    const EndpointSet& s = sets_[i];
    if (s.ns == ns && ((kind == "Service" && s.service == name) || (kind == "Deployment" && s.deployment == name)))
      rebuild_set(i);
  }
}

json Traffic::selector_for(const EndpointSet& set) const {
  if (!set.service.empty()) {
    auto it = selectors_.find("Service/" + set.ns + "/" + set.service);
    if (it != selectors_.end()) return it->second;
  }
  if (!set.deployment.empty()) {
    auto it = selectors_.find("Deployment/" + set.ns + "/" + set.deployment);
    if (it != selectors_.end()) return it->second;
  }
  return json();
}

std::uint32_t Traffic::endpoint_set(const std::string& ns, const std::string& service, const std::string& deployment) {
  const std::string key = service.empty() ? "Deployment/" + ns + "/" + deployment : "Service/" + ns + "/" + service;
  auto it = set_index_.find(key);
  if (it != set_index_.end()) {
    if (sets_[it->second].deployment.empty() && !deployment.empty()) {
      sets_[it->second].deployment = deployment;
      rebuild_set(it->second);
    }
    return it->second;
  }
  const auto idx = static_cast<std::uint32_t>(sets_.size());
  sets_.push_back(EndpointSet{ns, service, deployment, json(), {}, std::nullopt, kNoWorkload});
  set_index_[key] = idx;
  rebuild_set(idx);
  return idx;
}

void Traffic::rebuild_set(std::uint32_t set) {
  sets_[set].selector = selector_for(sets_[set]);
  for (std::uint32_t p = 0; p < pods_.size(); ++p)
    if (pods_[p].exists && pods_[p].ns == sets_[set].ns) update_membership(p, set, pods_[p].ready);
}

void Traffic::update_membership(std::uint32_t pod, std::uint32_t set, bool was_ready) {
  Pod& p = pods_[pod];
  EndpointSet& s = sets_[set];
  auto in = std::find(p.sets.begin(), p.sets.end(), set);
  const bool was_member = in != p.sets.end();
  const bool member = p.exists && selects(s.selector, p.labels);
  if (member && !was_member) p.sets.push_back(set);
  if (!member && was_member) p.sets.erase(in);
  const bool before = was_member && was_ready;
  const bool after = member && p.ready;
  if (before == after) return;
  auto by_name = [this](std::uint32_t a, std::uint32_t b) { return pods_[a].name < pods_[b].name; };
  auto pos = std::lower_bound(s.ready.begin(), s.ready.end(), pod, by_name);
  if (after) {
    const bool first = s.ready.empty();
    s.ready.insert(pos, pod);
    if (first) became_ready(set);
  } else if (pos != s.ready.end() && *pos == pod) {
    s.ready.erase(pos);
  }
}

void Traffic::became_ready(std::uint32_t set) {
  EndpointSet& s = sets_[set];
  if (s.cold_since) {
    // A cold start ends with the first ready endpoint (http-add-on v0.6–v0.13
    // interceptor/forward_wait_func.go: the wait returns on the first Endpoints event with a
    // ready address).
    if (s.cold_workload != kNoWorkload) {
      WorkloadStats& w = workloads_[s.cold_workload];
      w.cold_starts_us.push_back((now() - *s.cold_since).count());
      --w.cold_open;
    }
    s.cold_since.reset();
  }
  for (std::uint32_t ri = 0; ri < routes_.size(); ++ri) {
    Route& route = routes_[ri];
    if (route.endpoints != set) continue;
    while (route.held.size > 0 && !s.ready.empty()) {
      const std::uint32_t r = route.held.head;
      unlink(route.held, r);
      dispatch(r, set);
    }
  }
}

void Traffic::on_pod(const json& obj, bool deleted) {
  const std::string ns = obj["metadata"].value("namespace", "default");
  const std::string key = ns + "/" + obj["metadata"].value("name", "");
  auto it = pod_index_.find(key);
  if (it == pod_index_.end()) {
    if (deleted) return;
    it = pod_index_.emplace(key, static_cast<std::uint32_t>(pods_.size())).first;
    pods_.push_back(Pod{});
    pods_.back().ns = ns;
    pods_.back().name = obj["metadata"].value("name", "");
    if (load_) pods_.back().load = load_->slot(ns, pods_.back().name);
  }
  const std::uint32_t pi = it->second;
  Pod& p = pods_[pi];
  const bool was_ready = p.ready;
  p.exists = !deleted;
  p.labels = obj["metadata"].value("labels", json::object());
  // Endpoints list a pod while it is ready and not terminating (podutil.IsPodReady).
  p.ready = p.exists && is_pod_ready(obj) && !obj["metadata"].contains("deletionTimestamp");
  for (std::uint32_t s = 0; s < sets_.size(); ++s)
    if (sets_[s].ns == ns) update_membership(pi, s, was_ready);
  if (deleted) {
    // The process is gone: what it was serving or queueing fails (connection reset).
    while (pods_[pi].queue.size > 0) {
      const std::uint32_t r = pods_[pi].queue.head;
      unlink(pods_[pi].queue, r);
      if (!pool_[r].client_done) finish(r, 502);
      release(r);
    }
    while (pods_[pi].serving.size > 0) {
      const std::uint32_t r = pods_[pi].serving.head;
      unlink(pods_[pi].serving, r);
      if (pods_[pi].load != kNone) load_->finished(pods_[pi].load, now(), false);
      if (!pool_[r].client_done) finish(r, 502);
      release(r);
    }
    pods_[pi].in_service = 0;
    pod_index_.erase(key);  // a new pod of the same name is a new slot
  }
}

void Traffic::on_route(const json& obj, bool deleted) {
  const std::string ns = obj["metadata"].value("namespace", "default");
  const std::string name = obj["metadata"].value("name", "");
  const std::string key = ns + "/" + name;
  auto it = route_index_.find(key);
  if (it == route_index_.end()) {
    if (deleted) return;
    it = route_index_.emplace(key, static_cast<std::uint32_t>(routes_.size())).first;
    routes_.push_back(Route{});
  }
  Route& r = routes_[it->second];
  // What resolve_sources reads of a route, to tell whether this event changes any source's route.
  const bool was_alive = r.alive;
  const std::vector<std::string> old_hosts = r.hosts;
  const std::string old_service = r.service;
  const std::uint16_t old_workload = r.workload;
  struct MarkIfChanged {
    Traffic& t;
    Route& r;
    bool was_alive;
    const std::vector<std::string>& hosts;
    const std::string& service;
    std::uint16_t workload;
    ~MarkIfChanged() {
      if (r.alive != was_alive || r.hosts != hosts || r.service != service || r.workload != workload)
        t.routes_changed_ = true;
    }
  } mark{*this, r, was_alive, old_hosts, old_service, old_workload};
  r.key = key;
  r.ns = ns;
  r.name = name;
  r.alive = !deleted;
  if (deleted) return;
  const json spec = obj.value("spec", json::object());
  r.hosts.clear();
  if (compare_versions(profile_.version, "0.6.0") >= 0 && spec.contains("hosts") && spec["hosts"].is_array())
    for (const json& h : spec["hosts"])
      if (h.is_string()) r.hosts.push_back(h);
  if (compare_versions(profile_.version, "0.7.0") < 0 && spec.contains("host") && spec["host"].is_string())
    r.hosts.push_back(spec["host"]);
  const json ref = spec.value("scaleTargetRef", json::object());
  r.service = ref.value("service", "");
  std::string target = ref.value("name", "");
  if (target.empty()) target = ref.value("deployment", "");
  const std::string kind = ref.value("kind", "Deployment");
  r.workload = workload(kind + "/" + ns + "/" + target);
  r.endpoints = endpoint_set(ns, r.service, target);
  r.wait_timeout = profile_.wait_timeout;
  r.header_timeout = profile_.response_header_timeout;
  if (profile_.has_timeouts_field && spec.contains("timeouts") && spec["timeouts"].is_object()) {
    // Per-HTTPScaledObject overrides, when > 0 (v0.11–v0.13 proxy_handlers.go; v0.14
    // pkg/routing/table.go maps conditionWait to the readiness timeout).
    const json& t = spec["timeouts"];
    if (auto d = object_duration(t.value("conditionWait", json())); d && d->count() > 0) r.wait_timeout = *d;
    if (auto d = object_duration(t.value("responseHeader", json())); d && d->count() > 0) r.header_timeout = *d;
  }
  // EnsureKey / UpdateBuckets: the counting middleware's key, with the rate window of the
  // HTTPScaledObject (CRD defaults 1m / 1s) where the interceptor computes the rate (v0.8–v0.13).
  r.queue = &queues_->ensure(key, now());
  if (profile_.has_scaling_metric && !profile_.rate_in_scaler) {
    Duration window = minutes(1), granularity = seconds(1);
    const json::json_pointer rr("/scalingMetric/requestRate");
    if (spec.contains(rr)) {
      window = object_duration(spec.at(rr).value("window", json())).value_or(window);
      granularity = object_duration(spec.at(rr).value("granularity", json())).value_or(granularity);
      if (window.count() <= 0) window = minutes(1);
      if (granularity.count() <= 0) granularity = seconds(1);
    }
    queues_->configure_rate(*r.queue, window, granularity, profile_.rounding);
  }
}

std::uint16_t Traffic::workload(const std::string& object) {
  auto it = workload_index_.find(object);
  if (it != workload_index_.end()) return it->second;
  if (workloads_.size() >= kNoWorkload) return kNoWorkload;  // 65535 workloads: count no more
  const auto idx = static_cast<std::uint16_t>(workloads_.size());
  workloads_.emplace_back();
  workloads_.back().object = object;
  workload_index_[object] = idx;
  return idx;
}

void Traffic::resolve_sources() {
  // The first alive route (lowest index) per host and per (namespace, Service), in one pass over
  // the routes: scanning every route for every source cost sources x routes per call, and this
  // runs on each HTTPScaledObject's creation, so a fleet's start-up grew with its size cubed.
  std::map<std::string_view, std::uint32_t> by_host;
  std::map<std::pair<std::string_view, std::string_view>, std::uint32_t> by_service;
  if (addon_) {
    for (std::uint32_t i = 0; i < routes_.size(); ++i) {
      if (!routes_[i].alive) continue;
      for (const std::string& host : routes_[i].hosts) by_host.emplace(host, i);  // emplace keeps the first
      by_service.emplace(std::make_pair(std::string_view(routes_[i].ns), std::string_view(routes_[i].service)), i);
    }
  }
  for (Source& s : sources_) {
    s.route = kNone;
    if (addon_) {
      // The routing table matches hosts; a source given by Service is routed by the
      // HTTPScaledObject that targets that Service (its ingress points at the interceptor).
      if (!s.host.empty())
        if (auto it = by_host.find(s.host); it != by_host.end()) s.route = it->second;
      if (s.route == kNone && !s.svc.empty())
        if (auto it = by_service.find({s.svc_ns, s.svc}); it != by_service.end()) s.route = it->second;
    }
    const std::string deploy_ns = s.deploy.empty() ? s.svc_ns : s.deploy_ns;
    const std::string deploy = s.deploy.empty() ? s.svc : s.deploy;
    if (s.direct_set == kNone && !deploy.empty())
      s.direct_set = endpoint_set(s.svc.empty() ? deploy_ns : s.svc_ns, s.svc, deploy);
    s.workload_direct = deploy.empty() ? kNoWorkload : workload("Deployment/" + deploy_ns + "/" + deploy);
    if (s.route != kNone)
      s.workload_routed = s.deploy.empty() ? routes_[s.route].workload : workload("Deployment/" + s.deploy_ns + "/" + s.deploy);
  }
}

// ----------------------------------------------------------------------------------------------
// Requests
// ----------------------------------------------------------------------------------------------

std::uint32_t Traffic::alloc() {
  if (free_ == kNone) {
    pool_.emplace_back();
    return static_cast<std::uint32_t>(pool_.size() - 1);
  }
  const std::uint32_t r = free_;
  free_ = pool_[r].next;
  return r;
}

void Traffic::release(std::uint32_t r) {
  Request& q = pool_[r];
  const std::uint32_t gen = q.gen + 1;  // events still pending for this slot become stale
  q = Request{};
  q.gen = gen;
  q.next = free_;
  free_ = r;
}

void Traffic::push_back(List& l, std::uint32_t r) {
  Request& q = pool_[r];
  q.prev = l.tail;
  q.next = kNone;
  if (l.tail != kNone) pool_[l.tail].next = r;
  else l.head = r;
  l.tail = r;
  ++l.size;
}

void Traffic::unlink(List& l, std::uint32_t r) {
  Request& q = pool_[r];
  if (q.prev != kNone) pool_[q.prev].next = q.next;
  else l.head = q.next;
  if (q.next != kNone) pool_[q.next].prev = q.prev;
  else l.tail = q.prev;
  q.prev = q.next = kNone;
  --l.size;
}

void Traffic::arrive(std::uint32_t si) {
  Source& s = sources_[si];
  if (auto t = s.arrivals.next(rng())) engine().schedule_at(*t, this, kArrival, si);
  const std::uint32_t r = alloc();
  Request& q = pool_[r];
  q.arrival = now();
  q.source = si;
  q.service = s.service.draw(rng());
  ++s.total;
  if (s.route != kNone) {
    Route& route = routes_[s.route];
    q.via_interceptor = true;
    q.route = s.route;
    q.workload = s.workload_routed;
    if (q.workload != kNoWorkload) ++workloads_[q.workload].total;
    queues_->increase(*route.queue, now());
    EndpointSet& set = sets_[route.endpoints];
    if (!set.ready.empty()) {
      dispatch(r, route.endpoints);
      return;
    }
    // Held at zero ready endpoints: counted in flight, a cold start begins.
    q.cold = true;
    q.state = Request::State::kHeld;
    push_back(route.held, r);
    if (!set.cold_since) {
      set.cold_since = now();
      set.cold_workload = q.workload;
      if (q.workload != kNoWorkload) ++workloads_[q.workload].cold_open;
    }
    if (route.wait_timeout.count() > 0) engine().schedule_after(route.wait_timeout, this, kWaitTimeout, payload(r));
    if (profile_.request_timeout.count() > 0)
      engine().schedule_after(profile_.request_timeout, this, kRequestTimeout, payload(r));
    return;
  }
  q.workload = s.workload_direct;
  if (q.workload != kNoWorkload) ++workloads_[q.workload].total;
  if (s.direct_set == kNone) {
    // A host no HTTPScaledObject routes: the interceptor's routing middleware answers 404.
    finish(r, 404);
    release(r);
    return;
  }
  if (sets_[s.direct_set].ready.empty()) {
    // A Service without ready endpoints: the connection is refused; an ingress in front says 503.
    finish(r, 503);
    release(r);
    return;
  }
  dispatch(r, s.direct_set);
}

void Traffic::dispatch(std::uint32_t r, std::uint32_t set) {
  Request& q = pool_[r];
  const EndpointSet& s = sets_[set];
  // kube-proxy (iptables/ipvs random mode) picks a ready endpoint uniformly.
  q.pod = s.ready[s.ready.size() == 1 ? 0 : rng().uniform_int(s.ready.size())];
  Pod& p = pods_[q.pod];
  const std::uint32_t limit = sources_[q.source].per_pod_limit;
  const bool immediate = p.queue.size == 0 && (limit == 0 || p.in_service < limit);
  if (q.via_interceptor) {
    // A deadline that the response will certainly beat (served at once, its service time drawn)
    // is not scheduled: one event less per request. A deadline equal to the service time still
    // wins, as it would if scheduled (it would be scheduled first).
    const Route& route = routes_[q.route];
    if (route.header_timeout.count() > 0 && (!immediate || q.service >= route.header_timeout))
      engine().schedule_after(route.header_timeout, this, kHeaderTimeout, payload(r));
    if (profile_.request_timeout.count() > 0 && !q.cold &&
        (!immediate || now() + q.service >= q.arrival + profile_.request_timeout))
      engine().schedule_at(q.arrival + profile_.request_timeout, this, kRequestTimeout, payload(r));
  }
  if (immediate) {
    start_service(r);
  } else {
    q.state = Request::State::kQueued;
    push_back(p.queue, r);
  }
}

void Traffic::start_service(std::uint32_t r) {
  Request& q = pool_[r];
  Pod& p = pods_[q.pod];
  ++p.in_service;
  if (p.load != kNone) load_->started(p.load, now());
  q.state = Request::State::kInService;
  q.started = now();
  push_back(p.serving, r);
  engine().schedule_after(q.service, this, kServiceDone, payload(r));
}

void Traffic::pump(std::uint32_t pod) {
  Pod& p = pods_[pod];
  while (p.queue.size > 0) {
    const std::uint32_t r = p.queue.head;
    const std::uint32_t limit = sources_[pool_[r].source].per_pod_limit;
    if (limit != 0 && p.in_service >= limit) break;
    unlink(p.queue, r);
    start_service(r);
  }
}

void Traffic::service_done(std::uint32_t r) {
  Request& q = pool_[r];
  if (q.state != Request::State::kInService) return;
  const std::uint32_t pod = q.pod;
  unlink(pods_[pod].serving, r);
  --pods_[pod].in_service;
  if (pods_[pod].load != kNone) load_->finished(pods_[pod].load, now(), true);
  if (!q.client_done) finish(r, 200);
  release(r);
  pump(pod);
}

void Traffic::wait_timeout(std::uint32_t r) {
  Request& q = pool_[r];
  if (q.state != Request::State::kHeld || q.client_done) return;
  // context.WithTimeout(waitTimeout) expired before an endpoint was ready.
  detach(r);
  finish(r, profile_.timeout_status);
  release(r);
}

void Traffic::header_timeout(std::uint32_t r) {
  Request& q = pool_[r];
  if (q.client_done || q.state == Request::State::kHeld) return;
  // Transport.ResponseHeaderTimeout: the pod has not answered in time. A request still queued at
  // the pod is abandoned there; one being served keeps the pod busy until it is done.
  finish(r, profile_.timeout_status);
  if (q.state == Request::State::kQueued) {
    detach(r);
    release(r);
  }
}

void Traffic::request_timeout(std::uint32_t r) {
  Request& q = pool_[r];
  if (q.client_done) return;
  // KEDA_HTTP_REQUEST_TIMEOUT (v0.14+): the whole request's deadline.
  finish(r, 504);
  if (q.state == Request::State::kHeld || q.state == Request::State::kQueued) {
    detach(r);
    release(r);
  }
}

void Traffic::detach(std::uint32_t r) {
  Request& q = pool_[r];
  if (q.state == Request::State::kHeld) unlink(routes_[q.route].held, r);
  else if (q.state == Request::State::kQueued) unlink(pods_[q.pod].queue, r);
}

void Traffic::finish(std::uint32_t r, int status) {
  Request& q = pool_[r];
  q.client_done = true;
  const SimTime end = now();
  if (q.via_interceptor) queues_->decrease(*routes_[q.route].queue, end);
  Source& s = sources_[q.source];
  const bool ok = status >= 200 && status < 300;
  ++(ok ? s.succeeded : s.failed);
  const std::int64_t latency = (end - q.arrival).count();
  if (q.workload != kNoWorkload) {
    WorkloadStats& w = workloads_[q.workload];
    ++(ok ? w.succeeded : w.failed);
    if (q.cold) ++w.cold;
    ++w.by_status[status];
    w.latency.add(latency);
    w.max_latency_us = std::max(w.max_latency_us, latency);
  }
  if (records_.size() < max_records_) {
    records_.push_back(RequestRecord{q.arrival.time_since_epoch().count(), q.started.time_since_epoch().count(),
                                     end.time_since_epoch().count(), static_cast<std::uint16_t>(q.source), q.workload,
                                     static_cast<std::uint16_t>(status),
                                     static_cast<std::uint8_t>((q.cold ? kColdFlag : 0) |
                                                               (q.via_interceptor ? kInterceptorFlag : 0))});
  } else {
    truncated_ = true;
  }
}

// ----------------------------------------------------------------------------------------------
// Report
// ----------------------------------------------------------------------------------------------

void Traffic::contribute_report(json& report) const {
  auto percentile = [](const std::vector<std::int64_t>& sorted, double p) -> double {
    if (sorted.empty()) return 0.0;
    const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(sorted.size()))));
    return static_cast<double>(sorted[std::min(rank, sorted.size()) - 1]);
  };
  // One pass over the records and over the report's workloads, not one per workload: a fleet
  // has a thousand workloads and up to maxRecords records.
  std::vector<std::vector<std::int64_t>> latencies(truncated_ ? 0 : workloads_.size());
  for (const RequestRecord& rec : records_)
    if (rec.workload < latencies.size()) latencies[rec.workload].push_back(rec.end_us - rec.arrival_us);
  std::map<std::string, json*, std::less<>> entries;  // the last entry of each object wins, as before
  if (report.contains("workloads") && report["workloads"].is_array())
    for (json& entry : report["workloads"])
      if (const auto it = entry.find("object"); it != entry.end() && it->is_string())
        entries[it->get<std::string>()] = &entry;
  // Every workload a source sends to or an HTTPScaledObject routes to (zero requests included:
  // "nobody called it" is a finding).
  for (std::uint16_t wi = 0; wi < workloads_.size(); ++wi) {
    const WorkloadStats& w = workloads_[wi];
    json latency;
    if (!truncated_) {
      std::vector<std::int64_t>& lat = latencies[wi];
      std::sort(lat.begin(), lat.end());
      latency = {{"p50", fixed3(percentile(lat, 50) / 1000.0)},
                 {"p95", fixed3(percentile(lat, 95) / 1000.0)},
                 {"p99", fixed3(percentile(lat, 99) / 1000.0)},
                 {"max", fixed3(static_cast<double>(w.max_latency_us) / 1000.0)}};
    } else {
      latency = {{"p50", fixed3(w.latency.percentile_us(50) / 1000.0)},
                 {"p95", fixed3(w.latency.percentile_us(95) / 1000.0)},
                 {"p99", fixed3(w.latency.percentile_us(99) / 1000.0)},
                 {"max", fixed3(static_cast<double>(w.max_latency_us) / 1000.0)}};
    }
    json by_status = json::object();
    for (const auto& [status, n] : w.by_status) by_status[std::to_string(status)] = n;
    json requests = {{"total", w.total},
                     {"succeeded", w.succeeded},
                     {"failed", w.failed},
                     {"in_flight", w.total - w.succeeded - w.failed},
                     {"cold_starts", w.cold},
                     {"by_status", by_status},
                     {"latency_ms", latency}};
    std::vector<std::int64_t> cold = w.cold_starts_us;
    std::sort(cold.begin(), cold.end());
    json cold_start = {{"count", cold.size()},
                       {"p50", fixed3(percentile(cold, 50) / 1e6)},
                       {"p95", fixed3(percentile(cold, 95) / 1e6)},
                       {"max", fixed3(cold.empty() ? 0.0 : static_cast<double>(cold.back()) / 1e6)},
                       {"open_at_end", w.cold_open}};
    // The last lifetime of that Deployment (a re-created one is the one that served last).
    const auto found = entries.find(w.object);
    if (found == entries.end()) continue;
    json* target = found->second;
    (*target)["requests"] = requests;
    (*target)["cold_start_s"] = cold_start;
  }
  if (sources_.empty()) return;
  json sources = json::array();
  for (const Source& s : sources_) {
    const std::uint16_t wi = s.route != kNone ? s.workload_routed : s.workload_direct;
    sources.push_back({{"name", s.name},
                       {"workload", wi == kNoWorkload ? json() : json(workloads_[wi].object)},
                       {"total", s.total},
                       {"succeeded", s.succeeded},
                       {"failed", s.failed}});
  }
  report["traffic"] = {{"sources", sources}, {"records", records_.size()}, {"records_truncated", truncated_}};
}

KCSIM_REGISTER_MODEL(Traffic, "traffic");

}  // namespace
}  // namespace kcsim
