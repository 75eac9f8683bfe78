# Opens a scenario's HTML report (`kcsim run --html`) in headless chromium and checks what the
# browser actually rendered, against the run's JSON report:
#   - the page's own load-time script ran (body data-rendered="yes");
#   - the whole-run chart of the fought-over Deployment draws one non-empty spec.replicas step
#     line per writer of the fight, in distinct colours (getBBox > 0, computed stroke);
#   - it draws one non-empty pod bar per pod the JSON report counts for that workload;
#   - the chart of the last complete cycle exists and draws both writers and at least one pod;
#   - the causal chain and the fixes show one list item per JSON entry; every Events row is laid out.
# `--dump-dom` prints the DOM after the load event, i.e. with the attributes the script set.
# Variables: KCSIM, CHROMIUM, SCENARIO, WORKDIR; optional DURATION (then the run is made with
# --no-fixes, and pod lanes may be drawn at pixel resolution) and MAX_BYTES (size limit of the page).
cmake_minimum_required(VERSION 3.19)  # string(JSON)

function(fail msg)
  message(FATAL_ERROR "html render check (${SCENARIO}): ${msg}")
endfunction()

file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
set(run_options "")
if(DEFINED DURATION)
  set(run_options --duration ${DURATION} --no-fixes)
endif()
execute_process(COMMAND "${KCSIM}" run "${SCENARIO}" --html "${WORKDIR}/report.html" --format json
                        -o "${WORKDIR}/report.json" ${run_options}
                RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 500)
if(NOT rc EQUAL 0)
  fail("kcsim run failed (${rc}): ${err}")
endif()
file(SIZE "${WORKDIR}/report.html" bytes)
if(DEFINED MAX_BYTES AND bytes GREATER MAX_BYTES)
  fail("the page is ${bytes} bytes, more than ${MAX_BYTES}")
endif()

# Chromium as root needs --no-sandbox; a fresh profile keeps the test independent of ~/.config.
execute_process(COMMAND "${CHROMIUM}" --headless=new --no-sandbox --disable-gpu --no-first-run
                        --user-data-dir=${WORKDIR}/profile --window-size=1280,1000
                        --dump-dom "file://${WORKDIR}/report.html"
                RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0)
  fail("chromium failed (${rc}): ${err}")
endif()
file(WRITE "${WORKDIR}/dom.html" "${dom}")
if(NOT dom MATCHES "<body[^>]* data-rendered=\"yes\"")
  fail("the page's load script did not run: no data-rendered=\"yes\" on <body> in ${WORKDIR}/dom.html")
endif()

# Expected figures from the JSON report.
file(READ "${WORKDIR}/report.json" report)
string(JSON nfights LENGTH "${report}" fights)
if(nfights EQUAL 0)
  fail("the scenario has no fight: nothing to check the chart against")
endif()
string(JSON object GET "${report}" fights 0 object)
string(JSON nchain LENGTH "${report}" fights 0 chain)
string(JSON nfixes ERROR_VARIABLE no_fixes LENGTH "${report}" fights 0 fixes)
if(no_fixes)
  set(nfixes 0)  # --no-fixes
endif()
string(JSON nwriters LENGTH "${report}" fights 0 writers)
set(writers "")
math(EXPR last "${nwriters} - 1")
foreach(i RANGE ${last})
  string(JSON wr GET "${report}" fights 0 writers ${i})
  list(APPEND writers "${wr}")
endforeach()
list(SORT writers)
string(JSON nworkloads LENGTH "${report}" workloads)
set(pods "")
math(EXPR last "${nworkloads} - 1")
foreach(i RANGE ${last})
  string(JSON wo GET "${report}" workloads ${i} object)
  if(wo STREQUAL object)
    string(JSON pods GET "${report}" workloads ${i} pods created)
  endif()
endforeach()
if(pods STREQUAL "")
  fail("no workload ${object} in the JSON report")
endif()

# One chart's <svg> start tag, by workload and window.
function(chart_tag window out)
  string(REGEX MATCH "<svg class=\"chart\" data-workload=\"${object}\" data-window=\"${window}\"[^>]*>" tag "${dom}")
  if(tag STREQUAL "")
    fail("no rendered ${window} chart for ${object}")
  endif()
  set(${out} "${tag}" PARENT_SCOPE)
endfunction()
function(attr tag name out)
  if(NOT tag MATCHES " ${name}=\"([^\"]*)\"")
    fail("chart has no ${name} attribute (the load script did not measure it): ${tag}")
  endif()
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()
# "argocd-controller=rgb(31, 119, 180);keda=rgb(...)" -> managers and colours, checked.
function(check_managers tag window)
  attr("${tag}" data-drawn-managers drawn)
  string(REPLACE ";" "|" drawn "${drawn}")
  string(REGEX MATCHALL "[^|]+" entries "${drawn}")
  set(names "")
  set(colours "")
  foreach(e IN LISTS entries)
    string(REGEX REPLACE "=.*" "" n "${e}")
    string(REGEX REPLACE "^[^=]*=" "" c "${e}")
    list(APPEND names "${n}")
    list(APPEND colours "${c}")
  endforeach()
  if(NOT names STREQUAL writers)
    fail("${window} chart draws spec.replicas lines for [${names}], the fight's writers are [${writers}]")
  endif()
  list(REMOVE_DUPLICATES colours)
  list(LENGTH colours ncolours)
  if(NOT ncolours EQUAL nwriters)
    fail("${window} chart: the writers' step lines share colours: ${drawn}")
  endif()
endfunction()

chart_tag(run run_tag)
check_managers("${run_tag}" run)
attr("${run_tag}" data-drawn-pods run_pods)
if(dom MATCHES "<p class=\"note\">([0-9]+) pods: lanes drawn at pixel resolution")
  # Too many pods for one bar each: the note must count them all, and lanes must be drawn.
  if(NOT CMAKE_MATCH_1 EQUAL pods OR run_pods LESS 1)
    fail("pixel-resolution lanes: the note counts ${CMAKE_MATCH_1} pods (JSON: ${pods}), ${run_pods} bars drawn")
  endif()
elseif(NOT run_pods EQUAL pods)
  fail("the whole-run chart draws ${run_pods} pod bars, the JSON report counts ${pods} pods for ${object}")
endif()
attr("${run_tag}" data-drawn-width width)
if(width LESS 500)
  fail("the whole-run chart is laid out ${width} px wide")
endif()

chart_tag(cycle cycle_tag)
check_managers("${cycle_tag}" cycle)
attr("${cycle_tag}" data-drawn-pods cycle_pods)
if(cycle_pods LESS 1)
  fail("the last-cycle chart draws no pod")
endif()

if(NOT dom MATCHES "<body[^>]* data-chain-steps=\"([0-9]+)\"" OR NOT CMAKE_MATCH_1 EQUAL nchain)
  fail("the page shows ${CMAKE_MATCH_1} chain steps, the JSON report has ${nchain}")
endif()
if(NOT dom MATCHES "<body[^>]* data-fixes=\"([0-9]+)\"" OR NOT CMAKE_MATCH_1 EQUAL nfixes)
  fail("the page shows ${CMAKE_MATCH_1} fixes, the JSON report has ${nfixes}")
endif()
string(REGEX MATCHALL "<tr class=\"event\">" rows "${dom}")
list(LENGTH rows nrows)
if(nrows EQUAL 0 OR NOT dom MATCHES "<body[^>]* data-event-rows=\"([0-9]+)\"" OR NOT CMAKE_MATCH_1 EQUAL nrows)
  fail("Events table: ${nrows} rows in the page, ${CMAKE_MATCH_1} laid out")
endif()
message(STATUS "rendered (${bytes} bytes): ${object}: ${writers} step lines, ${run_pods} pods (cycle chart ${cycle_pods}), "
               "${nchain} chain steps, ${nfixes} fixes, ${nrows} Events rows")
