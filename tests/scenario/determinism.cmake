# Runs one scenario twice and fails unless the JSON report and the events file are
# byte-identical (README.md, Determinism).
file(MAKE_DIRECTORY ${WORKDIR})
foreach(run a b)
  execute_process(COMMAND ${KCSIM} run ${SCENARIO} --format json
                          --output ${WORKDIR}/${run}.json --events ${WORKDIR}/${run}.events
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 AND NOT rc EQUAL 1)
    message(FATAL_ERROR "kcsim run ${SCENARIO} exited with ${rc}")
  endif()
endforeach()
foreach(ext json events)
  file(SHA256 ${WORKDIR}/a.${ext} ha)
  file(SHA256 ${WORKDIR}/b.${ext} hb)
  if(NOT ha STREQUAL hb)
    message(FATAL_ERROR "two runs of ${SCENARIO} differ in their .${ext} output")
  endif()
endforeach()
