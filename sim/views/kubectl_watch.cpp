// `kubectl get -w`, `--watch-only` and `--output-watch-events` over a stretch of simulated time
// (include/kcsim/views/kubectl_view.hpp kubectl_watch; docs/cli.md, "kcsim kubectl").
//
// What kubectl 1.32 does, and so what this prints (k8s.io/kubectl pkg/cmd/get/get.go `watch`,
// k8s.io/cli-runtime pkg/printers/tableprinter.go HumanReadablePrinter, github.com/liggitt/tabwriter):
//  - One resource type only (the builder's SingleResourceType). The list at the instant first,
//    unless --watch-only; a list is watched from its resourceVersion, so the watch brings only
//    the changes after it. A single named object is watched from resourceVersion 0, whose
//    synthetic ADDED event kubectl does not print.
//  - Then one line per watch event on the matching objects, in the order the API server emitted
//    them, with the columns the server's table printer gives the object at that event (AGE and
//    RESTARTS' "(5s ago)" relative to the event's instant); no line is left out because it looks
//    like the previous one. A DELETED event prints the object's last state once more.
//  - The header is printed once, with the first row (HumanReadablePrinter prints none for a table
//    without rows, and none again while the columns stay the same).
//  - The table writer keeps each column's widest width across flushes (RememberWidths): kubectl
//    flushes after the list and after each event, so a column widens when a wider cell comes
//    (STATUS for "ContainerCreating") and stays that wide; earlier lines are not re-aligned.
//  - --output-watch-events prefixes an EVENT column: "ADDED   ", "MODIFIED", "DELETED " (padded
//    to 8 by formatEventType); the list's objects are ADDED events.
//  - A label or field selector is applied by the API server to each event: an object that stops
//    matching arrives as DELETED with its previous state, one that starts matching as ADDED
//    (apiserver cacheWatcher.convertToWatchEvent).
//  - No "No resources found" message: the watch path of get.go prints none.
// The watch is the API server's own (ApiServer::watch, delivery at the write's instant), so it
// sees every write the models make; it ends at the instant the caller runs the simulation to.
#include <algorithm>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "cluster_objects.hpp"
#include "kubectl_context.hpp"
#include "kcsim/apiserver/world.hpp"
#include "kcsim/views/table.hpp"

namespace kcsim {
namespace kubectl_detail {
namespace {

// cli-runtime's table writer (minwidth 6, padding 3, spaces) with liggitt/tabwriter's
// RememberWidths: a column's width is the widest it has been in any flush so far. Every line of
// a kubectl table has the same cells, so each column is one block per flush.
class RememberingTabwriter {
 public:
  std::string flush(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
      for (std::size_t c = 0; c + 1 < row.size(); ++c) {
        if (c >= widths.size()) widths.resize(c + 1, kMinWidth);
        widths[c] = std::max(widths[c], rune_width(row[c]) + kPadding);
      }
    for (std::size_t c = 0; c < widths.size(); ++c) {
      if (c >= remembered_.size()) remembered_.push_back(widths[c]);
      widths[c] = std::max(widths[c], remembered_[c]);
      remembered_[c] = widths[c];
    }
    std::string out;
    for (const auto& row : rows) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        out += row[c];
        if (c + 1 < row.size()) out.append(widths[c] - rune_width(row[c]), ' ');
      }
      out += '\n';
    }
    return out;
  }

 private:
  static constexpr std::size_t kMinWidth = 6, kPadding = 3;
  std::vector<std::size_t> remembered_;
};

// watch.EventType as formatEventType prints it in the EVENT column.
const char* event_cell(WatchEventType t) {
  switch (t) {
    case WatchEventType::kAdded: return "ADDED   ";
    case WatchEventType::kModified: return "MODIFIED";
    case WatchEventType::kDeleted: return "DELETED ";
  }
  return "";
}

// Kinds the views derive at one instant (cluster_objects.hpp) rather than store: the API server
// emits no watch event for them, so a watch would show the list and then nothing.
bool derived_kind(const Resource& r) {
  return r.group().empty() ? (r.kind == "Namespace" || r.kind == "Node" || r.kind == "Endpoints")
                           : (r.kind == "EndpointSlice" && r.group() == "discovery.k8s.io");
}

struct WatchOptions {
  std::string ns;
  bool all_ns = false;
  std::vector<Requirement> selector;
  std::string field_selector;
  std::set<std::string> names;  // empty: every object
  std::string output;           // "", "wide", "name"
  bool no_headers = false;
  bool show_labels = false;
  bool output_events = false;
};

// Prints the list and then each watch event as it is delivered.
class WatchPrinter final : public Watcher {
 public:
  WatchPrinter(const Ctx& ctx, Resource res, WatchOptions opt)
      : ctx_(ctx), res_(std::move(res)), opt_(std::move(opt)), table_(table_for(ctx_, res_)) {
    ctx_.cluster = nullptr;  // the caller's, gone after the list; the rows read the event's object only
  }

  // Whether the API server sends this version of an object to this watch.
  bool matches(const json& o) const {
    if (!same_group(o, res_)) return false;
    if (res_.namespaced && !opt_.all_ns && namespace_of(o) != opt_.ns) return false;
    if (!opt_.names.empty() && !opt_.names.count(name_of(o))) return false;
    return selector_matches(opt_.selector, at(o, {"metadata", "labels"})) && field_selector_matches(opt_.field_selector, o);
  }

  void print(const std::vector<std::pair<WatchEventType, const json*>>& events) {
    if (events.empty()) return;
    if (opt_.output == "name") {
      for (const auto& [type, o] : events) out_ += res_.kind_prefix() + "/" + name_of(*o) + "\n";
      return;
    }
    const bool wide = opt_.output == "wide";
    const bool ns_column = opt_.all_ns && res_.namespaced;
    std::vector<std::vector<std::string>> rows;
    if (!opt_.no_headers && !printed_headers_) {
      std::vector<std::string> header;
      if (opt_.output_events) header.push_back("EVENT");
      if (ns_column) header.push_back("NAMESPACE");
      for (const Column& c : table_.columns)
        if (!c.wide || wide) header.push_back(c.header);
      if (opt_.show_labels) header.push_back("LABELS");
      rows.push_back(std::move(header));
    }
    printed_headers_ = true;
    for (const auto& [type, o] : events) {
      const json served = served_object(*o);
      const std::vector<std::string> cells = table_.row(served);
      std::vector<std::string> row;
      if (opt_.output_events) row.push_back(event_cell(type));
      if (ns_column) row.push_back(namespace_of(served));
      for (std::size_t c = 0; c < table_.columns.size(); ++c)
        if (!table_.columns[c].wide || wide) row.push_back(c < cells.size() ? cells[c] : "");
      if (opt_.show_labels) row.push_back(format_labels(at(served, {"metadata", "labels"})));
      rows.push_back(std::move(row));
    }
    out_ += tabwriter_.flush(rows);
  }

  void on_watch_event(const WatchEvent& e) override {
    const bool now_matches = matches(*e.object);
    const bool was_matching = e.old && matches(*e.old);
    ctx_.now_us = ctx_.api.epoch().unix_seconds * 1000000 + ctx_.api.now().time_since_epoch().count();
    switch (e.type) {
      case WatchEventType::kAdded:
        if (now_matches) print({{WatchEventType::kAdded, e.object.get()}});
        break;
      case WatchEventType::kModified:
        if (now_matches && was_matching) print({{WatchEventType::kModified, e.object.get()}});
        else if (now_matches) print({{WatchEventType::kAdded, e.object.get()}});
        else if (was_matching) print({{WatchEventType::kDeleted, e.old.get()}});
        break;
      case WatchEventType::kDeleted:
        if (now_matches) print({{WatchEventType::kDeleted, e.object.get()}});
        break;
    }
  }

  std::string& out() { return out_; }

 private:
  // A Service as the API server returns it, with the ClusterIP it assigned (cluster_objects.hpp).
  json served_object(const json& o) const {
    if (res_.kind != "Service" || !res_.group().empty()) return o;
    return with_cluster_ip(o, service_cluster_ips(ctx_.api));
  }

  Ctx ctx_;
  Resource res_;
  WatchOptions opt_;
  Table table_;
  RememberingTabwriter tabwriter_;
  bool printed_headers_ = false;
  std::string out_;
};

}  // namespace
}  // namespace kubectl_detail

using namespace kubectl_detail;

namespace {
// The watches of a run: the API server keeps a pointer to each watcher for the rest of the run,
// so the World owns them (a service of the run, world.hpp) and they outlive every delivery.
struct KubectlWatchers {
  std::vector<std::unique_ptr<Watcher>> watchers;
};

// `kubectl get -w` without a resource type: resource.Builder's error (kubectl 1.32).
constexpr char kNoResourceGiven[] =
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'\n";
}  // namespace

std::optional<KubectlResult> kubectl_watch(World& world, const std::vector<std::string>& args,
                                           const std::function<void()>& run_to_end, bool hide_simulator_annotations) {
  ApiServer& api = world.api();
  const Versions& versions = world.versions();
  const json* kubelet_settings = &world.settings("kubelet");
  if (!args.empty() && (args[0] == "argocd" || (args[0] == "kubectl" && args.size() > 1 && args[1] == "argocd")))
    return std::nullopt;
  const auto [verb, rest] = split_verb(args);
  if (verb != "get") return std::nullopt;
  const Parsed p = parse_flags(rest, get_flag_specs(), "kubectl get");
  if (!p.flag("watch") && !p.flag("watch-only")) return std::nullopt;

  const ClusterObjects cluster(api, versions, kubelet_settings);
  const Ctx ctx{api, versions, api.epoch().unix_seconds * 1000000 + api.now().time_since_epoch().count(), kubelet_settings,
                hide_simulator_annotations, &cluster, nullptr};
  KubectlResult result;
  const std::string output = p.get("output");
  if (!output.empty() && output != "wide" && output != "name")
    throw KubectlUsageError(fmt::format("-o {} is not supported with --watch (kcsim prints the table, -o wide and -o name)", output));
  if (output == "name" && p.flag("output-watch-events"))
    throw KubectlUsageError("--output-watch-events is supported with the table output only (not -o name)");
  // get.go Complete: sorting does not apply to a stream.
  if (p.has("sort-by")) result.err += "warning: --watch or --watch-only requested, --sort-by will be ignored\n";
  // resource.Builder without a type (get.go skips its own check when watching).
  if (p.positional.empty()) return result.fail(kNoResourceGiven);
  const std::optional<std::vector<Request>> requests = resolve_requests(ctx, p.positional, result);
  if (!requests) return result;
  if (requests->size() != 1) {
    result.err += "error: you may only specify a single resource type\n";
    result.status = 1;
    return result;
  }
  const Request& q = requests->front();
  if (derived_kind(q.res))
    throw KubectlUsageError(fmt::format("--watch on {} is not supported: kcsim derives them at one instant (docs/cli.md), "
                                        "so no watch event would come; pass another --at",
                                        q.res.plural));
  WatchOptions opt;
  opt.ns = p.get("namespace", "default");
  opt.all_ns = p.flag("all-namespaces");
  opt.selector = parse_selector(p.get("selector"));
  opt.field_selector = p.get("field-selector");
  opt.names = std::set<std::string>(q.names.begin(), q.names.end());
  opt.output = output;
  opt.no_headers = p.flag("no-headers");
  opt.show_labels = p.flag("show-labels");
  opt.output_events = p.flag("output-watch-events");
  if (!q.names.empty() && opt.all_ns) {
    result.err += "error: a resource cannot be retrieved by name across all namespaces\n";
    result.status = 1;
    return result;
  }

  // The list (or the named objects) at the instant.
  const std::string ns = opt.ns;
  std::vector<ObjectPtr> objs;
  if (q.names.empty()) {
    for (const ObjectPtr& o : cluster.list(q.res.kind, q.res.namespaced && !opt.all_ns ? std::optional<std::string_view>(ns) : std::nullopt))
      if (same_group(*o, q.res) && selector_matches(opt.selector, at(*o, {"metadata", "labels"})) &&
          field_selector_matches(opt.field_selector, *o))
        objs.push_back(o);
  } else {
    for (const std::string& n : q.names) {
      const ObjectPtr o = cluster.get({q.res.kind, q.res.namespaced ? ns : "", n});
      if (!o || !same_group(*o, q.res)) {
        result.err += not_found(q.res, n);
        result.status = 1;
        return result;
      }
      objs.push_back(o);
    }
  }

  auto owned = std::make_unique<WatchPrinter>(ctx, q.res, opt);
  WatchPrinter* printer = owned.get();
  world.provide<KubectlWatchers>().watchers.push_back(std::move(owned));
  if (!p.flag("watch-only")) {
    std::vector<std::pair<WatchEventType, const json*>> listed;
    for (const ObjectPtr& o : objs) listed.emplace_back(WatchEventType::kAdded, o.get());
    printer->print(listed);
  }
  api.watch(q.res.kind, printer, Duration{0});
  run_to_end();
  result.out = std::move(printer->out());
  return result;
}

}  // namespace kcsim
