#include "application.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace kcsim::argocd {
namespace {

bool present(const json* v) { return v && !v->is_null(); }

// The member `key` of `o`, or a null value: each part is walked once, and find() on a null value
// finds nothing, as it would on the whole path from the object's root.
const json& at_or_null(const json& o, const char* key) {
  static const json kNull;
  const json* m = find(o, {key});
  return m ? *m : kNull;
}

const json* object_or_null(const json* v) { return v && v->is_object() ? v : nullptr; }

ApplicationSpec parse_spec(const json& app) {
  ApplicationSpec s;
  const json& spec = at_or_null(app, "spec");
  s.source = parse_application_source(find(spec, {"source"}));
  s.has_sources = present(find(spec, {"sources"}));
  s.destination.raw = find(spec, {"destination"});
  if (s.destination.raw) s.destination.namespace_ = str_at(*s.destination.raw, {"namespace"});
  s.ignore_differences = find(spec, {"ignoreDifferences"});
  s.sync_policy = read_sync_policy(spec);
  const json& policy = at_or_null(spec, "syncPolicy");
  s.automated = find(policy, {"automated"});
  s.retry = find(policy, {"retry"});
  s.revision_history_limit = int_at(spec, {"revisionHistoryLimit"}, kDefaultRevisionHistoryLimit);
  return s;
}

std::optional<std::string> string_or_none(const json* v) {
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

OperationState parse_operation_state(const json& os) {
  OperationState o;
  o.raw = &os;
  o.phase = str_at(os, {"phase"});
  o.message = str_at(os, {"message"});
  o.finished_at = string_or_none(find(os, {"finishedAt"}));
  o.retry_count = int_at(os, {"retryCount"}, 0);
  if (const json* sr = find(os, {"syncResult"}); present(sr))
    o.sync_result = SyncOperationResult{str_at(*sr, {"revision"}), find(*sr, {"source"})};
  o.operation = parse_operation(find(os, {"operation"}));
  return o;
}

ApplicationStatus parse_status(const json& app) {
  ApplicationStatus s;
  s.raw = object_or_null(find(app, {"status"}));
  if (!s.raw) return s;
  const json& st = *s.raw;
  s.reconciled_at = string_or_none(find(st, {"reconciledAt"}));
  const json& sync = at_or_null(st, "sync");
  s.sync.status = str_at(sync, {"status"});
  s.sync.revision = str_at(sync, {"revision"});
  const json& compared_to = at_or_null(sync, "comparedTo");
  s.sync.compared_to.source = find(compared_to, {"source"});
  s.sync.compared_to.destination = find(compared_to, {"destination"});
  s.sync.compared_to.ignore_differences = find(compared_to, {"ignoreDifferences"});
  const json& health = at_or_null(st, "health");
  s.health.status = str_at(health, {"status"});
  s.health.last_transition_time = find(health, {"lastTransitionTime"});
  if (const json* os = object_or_null(find(st, {"operationState"}))) s.operation_state = parse_operation_state(*os);
  if (const json* h = find(st, {"history"}); h && h->is_array()) s.history = h;
  return s;
}

// A Backoff duration: seconds as an integer or a string of digits, else a Go duration.
Duration backoff_duration(const json* v, Duration fallback) {
  if (!v) return fallback;
  if (v->is_number_integer()) return seconds(v->get<std::int64_t>());
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return seconds(std::stoll(s));
    std::string error;
    if (auto d = parse_duration(s, &error)) return *d;
  }
  return fallback;
}

}  // namespace

bool SyncOperation::has_option(std::string_view option) const { return has_sync_option(sync_options, option); }

Operation parse_operation(const json* operation) {
  Operation op;
  if (!operation || !operation->is_object()) return op;
  op.raw = operation;
  if (const json* sync = object_or_null(find(*operation, {"sync"}))) {
    op.sync.revision = str_at(*sync, {"revision"});
    if (const json* src = find(*sync, {"source"}); present(src)) op.sync.source = src;
    const json* prune = find(*sync, {"prune"});
    op.sync.prune = prune && prune->is_boolean() && prune->get<bool>();
    op.sync.sync_options = find(*sync, {"syncOptions"});
    if (const json* r = find(*sync, {"resources"}); r && r->is_array()) op.sync.resources = r;
    op.sync.auto_heal_attempts_count = int_at(*sync, {"autoHealAttemptsCount"}, 0);
  }
  const json* automated = find(*operation, {"initiatedBy", "automated"});
  op.automated = automated && automated->is_boolean() && automated->get<bool>();
  op.retry = find(*operation, {"retry"});
  return op;
}

ApplicationSource parse_application_source(const json* source) {
  ApplicationSource s;
  s.raw = source;
  if (!source) return s;
  s.repo_url = str_at(*source, {"repoURL"});
  s.path = str_at(*source, {"path"});
  s.target_revision = str_at(*source, {"targetRevision"});
  const json* recurse = find(*source, {"directory", "recurse"});
  s.directory_recurse = recurse && recurse->is_boolean() && recurse->get<bool>();
  return s;
}

Application parse_application(const json& object) {
  Application a;
  a.metadata = k8s::parse_object_meta(object);
  a.spec = parse_spec(object);
  if (const json* op = find(object, {"operation"}); present(op)) a.operation = op;
  a.status = parse_status(object);
  return a;
}

RetryStrategy parse_retry_strategy(const json* retry) {
  RetryStrategy r;
  if (!retry || !retry->is_object()) return r;
  r.limit = int_at(*retry, {"limit"}, 0);
  if (const json* b = object_or_null(find(*retry, {"backoff"}))) {
    r.duration = backoff_duration(find(*b, {"duration"}), r.duration);
    r.max_duration = backoff_duration(find(*b, {"maxDuration"}), r.max_duration);
    if (const json* f = find(*b, {"factor"}); f && f->is_number()) r.factor = f->get<double>();
  }
  return r;
}

Duration RetryStrategy::wait(std::int64_t retry_count) const {
  double w = static_cast<double>(duration.count()) * std::pow(factor, static_cast<double>(retry_count));
  if (max_duration > Duration{0}) w = std::min(static_cast<double>(max_duration.count()), w);
  return Duration{static_cast<std::int64_t>(w)};
}

}  // namespace kcsim::argocd
