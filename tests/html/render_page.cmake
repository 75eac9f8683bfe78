# What the headless-browser checks of the HTML report share (included by render_check.cmake,
# latency_check.cmake and fold_check.cmake): run the scenario with --html and a JSON report, open
# the page in headless chromium, and keep the DOM after the load event (`--dump-dom` prints it
# with the attributes the page's load scripts set from what the browser laid out).
#
# render_page(WINDOW_SIZE RENDERED_ATTRIBUTE [kcsim run options...]) sets `dom` in the caller and
# leaves report.html, report.json and dom.html in WORKDIR; it fails (the caller's `fail`) when the
# run or the browser fails, or when <body> lacks RENDERED_ATTRIBUTE="yes" (the load script did not
# run). Variables: KCSIM, CHROMIUM, SCENARIO, WORKDIR.
function(render_page window_size rendered_attribute)
  file(REMOVE_RECURSE "${WORKDIR}")
  file(MAKE_DIRECTORY "${WORKDIR}")
  execute_process(COMMAND "${KCSIM}" run "${SCENARIO}" --html "${WORKDIR}/report.html" --format json
                          -o "${WORKDIR}/report.json" ${ARGN}
                  RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 500)
  if(NOT rc EQUAL 0)
    fail("kcsim run failed (${rc}): ${err}")
  endif()
  # Chromium as root needs --no-sandbox; a fresh profile keeps the test independent of ~/.config.
  execute_process(COMMAND "${CHROMIUM}" --headless=new --no-sandbox --disable-gpu --no-first-run
                          --user-data-dir=${WORKDIR}/profile --window-size=${window_size}
                          --dump-dom "file://${WORKDIR}/report.html"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE page ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    fail("chromium failed (${rc}): ${err}")
  endif()
  file(WRITE "${WORKDIR}/dom.html" "${page}")
  if(NOT page MATCHES "<body[^>]* ${rendered_attribute}=\"yes\"")
    fail("the page's load script did not run: no ${rendered_attribute}=\"yes\" on <body> in ${WORKDIR}/dom.html")
  endif()
  set(dom "${page}" PARENT_SCOPE)
endfunction()
