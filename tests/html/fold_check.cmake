# Opens the six-minute loop's HTML report in headless chromium in a 1400x1000 window and checks
# what a reader sees without scrolling, from what the browser laid out (the page's load script
# records each element's bottom edge, in px from the top of the page):
#   - the fight's summary and the whole-run chart end within the first 1000 px;
#   - the whole-run chart marks every ArgoCD sync of the Application that manages the Deployment
#     and every Git commit to the repository it reads: for this scenario one full sync at the
#     start plus one self-heal sync per cycle of the fight (the JSON report's `cycles`), and the
#     commits of the scenario's `git` section.
# Variables: KCSIM, CHROMIUM, SCENARIO, WORKDIR.
cmake_minimum_required(VERSION 3.19)  # string(JSON)

function(fail msg)
  message(FATAL_ERROR "html fold check (${SCENARIO}): ${msg}")
endfunction()

include("${CMAKE_CURRENT_LIST_DIR}/render_page.cmake")
render_page(1400,1000 data-rendered)

file(READ "${WORKDIR}/report.json" report)
string(JSON object GET "${report}" fights 0 object)
string(JSON cycles GET "${report}" fights 0 cycles)
file(READ "${SCENARIO}" scenario)
string(JSON commits LENGTH "${scenario}" git commits)

function(attr tag name out)
  if(NOT tag MATCHES " ${name}=\"([^\"]*)\"")
    fail("no ${name} attribute (the load script did not measure it): ${tag}")
  endif()
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

string(REGEX MATCH "<div class=\"fight summary\"[^>]*>" summary "${dom}")
if(summary STREQUAL "")
  fail("no fight summary on the page")
endif()
attr("${summary}" data-bottom summary_bottom)
string(REGEX MATCH "<svg class=\"chart\" data-workload=\"${object}\" data-window=\"run\"[^>]*>" chart "${dom}")
if(chart STREQUAL "")
  fail("no whole-run chart for ${object}")
endif()
attr("${chart}" data-bottom chart_bottom)
if(summary_bottom GREATER 1000 OR chart_bottom GREATER 1000)
  fail("in a 1400x1000 window the summary ends at ${summary_bottom} px and the whole-run chart at ${chart_bottom} px; both must end within 1000 px")
endif()

attr("${chart}" data-drawn-syncs syncs)
attr("${chart}" data-drawn-commits drawn_commits)
math(EXPR expected_syncs "${cycles} + 1")
if(NOT syncs EQUAL expected_syncs)
  fail("the whole-run chart marks ${syncs} ArgoCD syncs; expected ${expected_syncs} (the first sync and one self-heal per each of the ${cycles} cycles)")
endif()
if(NOT drawn_commits EQUAL commits)
  fail("the whole-run chart marks ${drawn_commits} Git commits; the scenario has ${commits}")
endif()
message(STATUS "fold: summary ends at ${summary_bottom} px, chart at ${chart_bottom} px; ${syncs} syncs and ${drawn_commits} commits marked")
