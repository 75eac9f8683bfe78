// Run artefacts drawn from the recorded history: the replicas timeline CSV (`kcsim run
// --timeline`) and the self-contained HTML page (`kcsim run --html`).
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// One row per change of spec.replicas or status.readyReplicas of a Deployment, in write order:
/// "time_s,clock,object,field,value,manager". With `requests`, two more columns
/// (",status,cold_start") and one row per recorded request (field "request", at its arrival,
/// value = latency in ms), merged in time order (at equal times the replica rows first).
std::string render_timeline_csv(const World& world, bool requests = false);

/// One self-contained page (inline CSS and SVG, no network): per Deployment a chart of the run
/// with spec.replicas (a step line coloured by the writing manager), ready replicas and one lane
/// per concurrently living pod, and the latency of each request to it (cold starts and failures
/// marked; thinned to at most a few thousand dots), plus a chart of each fight's last complete cycle; the fights
/// (summary, chain, fixes) above and the Events table below. A small inline script measures
/// the rendered charts on load (data-* attributes, read by tests/html/). `report`: the run's report.
std::string render_html_report(const World& world, const json& report);

}  // namespace kcsim
