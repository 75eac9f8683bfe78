# The wider golden corpus (docs/reliability.md, Golden digests): outputs beyond each bundled
# scenario's own, pinned by SHA-256 in tests/golden/digests.txt. Cases:
#   kubectl.six-minute-loop  `kcsim kubectl scenarios/six-minute-loop.json --script
#                            tests/golden/six-minute-loop.kubectl`: every object as `kubectl get
#                            -o yaml --show-managed-fields` prints it, at six instants
#   fleet.100x1h             `kcsim generate fleet --services 100 --duration 1h`, then that
#                            scenario run with --no-fixes: the generated scenario, the report,
#                            the events and the timeline
#   check:      cmake -DKCSIM=... -DSOURCE_DIR=... -DCASE=... -DWORKDIR=... -P golden.cmake
#   regenerate: cmake -DKCSIM=build/kcsim -DUPDATE=ON -P tests/golden/golden.cmake (every case;
#               ./build.sh digests does it), and say in the commit message why an output changed.
if(NOT KCSIM)
  message(FATAL_ERROR "usage: cmake -DKCSIM=path/to/kcsim [-DCASE=NAME -DSOURCE_DIR=DIR -DWORKDIR=DIR | -DUPDATE=ON] -P golden.cmake")
endif()
get_filename_component(kcsim ${KCSIM} ABSOLUTE)
include(${CMAKE_CURRENT_LIST_DIR}/../scenario/digest_common.cmake)
if(NOT SOURCE_DIR)
  get_filename_component(SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
endif()
if(NOT WORKDIR)
  set(WORKDIR /tmp/kcsim-golden)
  if(DEFINED ENV{TMPDIR})
    set(WORKDIR $ENV{TMPDIR}/kcsim-golden)
  endif()
endif()
set(cases kubectl.six-minute-loop fleet.100x1h)

function(run_or_fail)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 AND NOT rc EQUAL 1)
    message(FATAL_ERROR "${ARGN} exited with ${rc}: ${err}")
  endif()
endfunction()

# Runs one case into DIR and sets OUT_VAR to its "PART FILE" pairs.
function(golden_case name dir out_var)
  file(MAKE_DIRECTORY ${dir})
  if(name STREQUAL "kubectl.six-minute-loop")
    execute_process(COMMAND ${kcsim} kubectl scenarios/six-minute-loop.json --script tests/golden/six-minute-loop.kubectl
                    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_FILE ${dir}/kubectl.txt RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "kcsim kubectl --script tests/golden/six-minute-loop.kubectl exited with ${rc}: ${err}")
    endif()
    set(${out_var} "output;${dir}/kubectl.txt" PARENT_SCOPE)
  elseif(name STREQUAL "fleet.100x1h")
    execute_process(COMMAND ${kcsim} generate fleet --services 100 --duration 1h
                    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_FILE ${dir}/fleet.json RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "kcsim generate fleet exited with ${rc}: ${err}")
    endif()
    run_or_fail(${kcsim} run ${dir}/fleet.json --no-fixes --format json --output ${dir}/report.json
                --events ${dir}/fleet.events --timeline ${dir}/timeline.csv)
    set(${out_var} "scenario;${dir}/fleet.json;report;${dir}/report.json;events;${dir}/fleet.events;timeline;${dir}/timeline.csv"
        PARENT_SCOPE)
  else()
    message(FATAL_ERROR "unknown golden case \"${name}\": expected one of ${cases}")
  endif()
endfunction()

set(digests ${SOURCE_DIR}/tests/golden/digests.txt)
set(how "regenerate with ./build.sh digests (or cmake -DKCSIM=build/kcsim -DUPDATE=ON -P tests/golden/golden.cmake) and say in the commit message why the output changed")

if(UPDATE)
  set(out "# SHA-256 of the wider golden corpus's outputs (tests/golden/golden.cmake says how each is made).\n")
  string(APPEND out "# Checked by the ctest tests golden.CASE. Regenerate with ./build.sh digests; a digest changes\n")
  string(APPEND out "# only in a commit that says why the output changed (docs/reliability.md).\n")
  foreach(name ${cases})
    golden_case(${name} ${WORKDIR}/${name} parts)
    while(parts)
      list(POP_FRONT parts part f)
      file(SHA256 ${f} d)
      string(APPEND out "${name} ${part} ${d}\n")
    endwhile()
    message(STATUS "${name}")
  endforeach()
  file(WRITE ${digests} "${out}")
  message(STATUS "wrote ${digests}")
  return()
endif()

golden_case(${CASE} ${WORKDIR} parts)
while(parts)
  list(POP_FRONT parts part f)
  file(SHA256 ${f} got)
  kcsim_check_digest(${digests} tests/golden/digests.txt ${CASE} ${part} ${got} "golden case ${CASE}" "${how}" ${f})
endwhile()
