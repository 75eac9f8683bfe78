# Opens the HTML report of a scenario with traffic (`kcsim run --html`) in headless chromium and
# checks the request latency dots the browser actually rendered, against the run's JSON report:
#   - the page's latency load-time script ran (body data-latency-rendered="yes");
#   - every workload with answered requests has a latency chart that draws dots (getBBox > 0);
#   - cold starts are drawn in their own colour, and when the dots were not thinned, one dot per
#     answered request and one cold-start mark per requests.cold_starts of the JSON report.
# Variables: KCSIM, CHROMIUM, SCENARIO, WORKDIR.
cmake_minimum_required(VERSION 3.19)  # string(JSON)

function(fail msg)
  message(FATAL_ERROR "html latency check (${SCENARIO}): ${msg}")
endfunction()

file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
execute_process(COMMAND "${KCSIM}" run "${SCENARIO}" --html "${WORKDIR}/report.html" --format json
                        -o "${WORKDIR}/report.json" --no-fixes
                RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 500)
if(NOT rc EQUAL 0)
  fail("kcsim run failed (${rc}): ${err}")
endif()
execute_process(COMMAND "${CHROMIUM}" --headless=new --no-sandbox --disable-gpu --no-first-run
                        --user-data-dir=${WORKDIR}/profile --window-size=1280,1000
                        --dump-dom "file://${WORKDIR}/report.html"
                RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0)
  fail("chromium failed (${rc}): ${err}")
endif()
file(WRITE "${WORKDIR}/dom.html" "${dom}")
if(NOT dom MATCHES "<body[^>]* data-latency-rendered=\"yes\"")
  fail("the latency load script did not run: no data-latency-rendered=\"yes\" on <body> in ${WORKDIR}/dom.html")
endif()

file(READ "${WORKDIR}/report.json" report)
string(JSON nworkloads LENGTH "${report}" workloads)
math(EXPR last "${nworkloads} - 1")
set(checked 0)
set(summary "")
foreach(i RANGE ${last})
  string(JSON object GET "${report}" workloads ${i} object)
  string(JSON succeeded ERROR_VARIABLE none GET "${report}" workloads ${i} requests succeeded)
  if(none)
    continue()
  endif()
  string(JSON failed GET "${report}" workloads ${i} requests failed)
  string(JSON cold GET "${report}" workloads ${i} requests cold_starts)
  math(EXPR answered "${succeeded} + ${failed}")
  if(answered EQUAL 0)
    continue()
  endif()
  string(REGEX MATCH "<svg class=\"latency\" data-workload=\"${object}\"[^>]*>" tag "${dom}")
  if(tag STREQUAL "")
    fail("no latency chart for ${object} (${answered} requests answered)")
  endif()
  foreach(name data-requests data-dots data-drawn-dots data-drawn-cold data-cold-fill)
    if(NOT tag MATCHES " ${name}=\"([^\"]*)\"")
      fail("latency chart of ${object} has no ${name} attribute: ${tag}")
    endif()
    string(REPLACE "-" "_" var "${name}")
    set(${var} "${CMAKE_MATCH_1}")
  endforeach()
  if(NOT data_requests EQUAL answered)
    fail("latency chart of ${object} counts ${data_requests} requests, the JSON report ${answered}")
  endif()
  if(NOT data_drawn_dots EQUAL data_dots OR data_drawn_dots LESS 1)
    fail("latency chart of ${object}: ${data_dots} dots in the page, ${data_drawn_dots} laid out")
  endif()
  # Every cold start is kept, thinned or not.
  if(NOT data_drawn_cold EQUAL cold)
    fail("latency chart of ${object} draws ${data_drawn_cold} cold-start marks, the JSON report counts ${cold}")
  endif()
  if(data_dots EQUAL answered)
    # Not thinned: one dot per answered request.
    if(NOT data_drawn_dots EQUAL answered)
      fail("latency chart of ${object} draws ${data_drawn_dots} dots for ${answered} requests")
    endif()
  endif()
  # An answered cold start is an orange dot (a failed one is drawn as a failure, a red square):
  # data-cold-fill is the computed fill of the first answered one, empty when there is none.
  if(NOT data_cold_fill STREQUAL "" AND NOT data_cold_fill STREQUAL "rgb(255, 127, 14)")
    fail("latency chart of ${object}: cold starts are drawn in '${data_cold_fill}', not their orange")
  endif()
  if(cold GREATER 0 AND failed EQUAL 0 AND data_cold_fill STREQUAL "")
    fail("latency chart of ${object}: ${cold} answered cold starts, none drawn as one")
  endif()
  math(EXPR checked "${checked} + 1")
  string(APPEND summary " ${object}: ${data_drawn_dots} dots, ${data_drawn_cold} cold;")
endforeach()
if(checked EQUAL 0)
  fail("no workload with answered requests in the JSON report: nothing to check")
endif()
message(STATUS "latency dots rendered:${summary}")
