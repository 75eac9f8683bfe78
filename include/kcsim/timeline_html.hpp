// Run artefacts drawn from the recorded history: the replicas timeline CSV (`kcsim run
// --timeline`) and the self-contained HTML page (`kcsim run --html`).
#pragma once

#include <string>

#include "kcsim/world.hpp"

namespace kcsim {

/// One row per change of spec.replicas or status.readyReplicas of a Deployment, in write order:
/// "time_s,clock,object,field,value,manager".
std::string render_timeline_csv(const World& world);

/// One self-contained page (inline CSS and SVG, no network): per Deployment a chart of the run
/// with spec.replicas (a step line coloured by the writing manager), ready replicas and one lane
/// per concurrently living pod, plus a chart of each fight's last complete cycle; the fights
/// (summary, chain, fixes) above and the Events table below. A small inline script measures
/// the rendered charts on load (data-* attributes, read by tests/html/). `report`: the run's report.
std::string render_html_report(const World& world, const json& report);

}  // namespace kcsim
