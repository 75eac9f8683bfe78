// `kcsim serve --record FILE`: the writes made while serving as actions of the scenario's
// timeline (docs/scenario-format.md, "timeline"), so that an investigation replays as a scenario
// with `kcsim run` (issue #18). Each action says in its description what was sent.
//
//  - a create (POST) replays as `kubectl apply` of the object sent (client-side: the object gains
//    the last-applied annotation if it had none);
//  - a server-side apply replays as `kubectl apply` with serverSide, forceConflicts, fieldManager;
//  - a write of the scale subresource replays as `kubectl scale` with its fieldManager;
//  - every other change (PUT, and merge, JSON and strategic merge patches: kubectl edit, label,
//    annotate, patch, client-side apply) replays as `kubectl patch` with the JSON merge patch
//    from the object before to the object after (spec, the other top-level fields but status,
//    and metadata's labels, annotations, finalizers and ownerReferences) and the writer's
//    fieldManager: the same change, by the same manager, whatever patch type carried it;
//  - a delete replays as `kubectl delete` with its gracePeriod.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kcsim/apiserver/api_server.hpp"
#include "kcsim/serve/discovery.hpp"
#include "kcsim/serve/write_requests.hpp"

namespace kcsim {

/// The RFC 7386 merge patch that turns `before` into `after` (the fields listed above).
json merge_patch_between(const json& before, const json& after);

json create_action(const ServedResource& r, const json& sent, const std::string& manager, const ObjectPtr& stored);
json apply_action(const ServedResource& r, const json& sent, const std::string& manager, bool force);
json patch_action(const ServedResource& r, const json& before, const json& after, const std::string& manager,
                  const std::string& how);
json scale_action(const ServedResource& r, const ObjectRef& ref, std::int64_t replicas, const std::string& manager);
json delete_action(const ServedResource& r, const ObjectRef& ref, std::optional<std::int64_t> grace_period_seconds);

/// The scenario document `raw` with `seed` and the writes merged into its timeline: each after
/// the entries at or before its instant (they had run when it was made), with "at" its instant.
/// Writes the timeline cannot replay (cluster-scoped objects) are left out and named in
/// `left_out`.
json scenario_with_writes(const json& raw, std::uint64_t seed, const std::vector<RecordedWrite>& writes,
                          std::vector<std::string>& left_out);

}  // namespace kcsim
