# Golden digest of one scenario (docs/reliability.md, Golden digests): runs
# `kcsim run scenarios/STEM.json --format json --events ...` from the source directory and
# compares the SHA-256 of the report and of the events file with scenarios/digests.txt.
#   check:      cmake -DKCSIM=... -DSOURCE_DIR=... -DSTEM=... -DWORKDIR=... -P digest.cmake
#               with -DOUTPUTS=DIR: compare DIR/STEM.json and DIR/STEM.events, written by the same
#               run elsewhere (scenario.NAME.deterministic's first run), instead of running again
#   regenerate: cmake -DKCSIM=build/kcsim -P tests/scenario/update_digests.cmake (./build.sh digests)
# A digest changes only in a commit that says why the output changed.
include(${CMAKE_CURRENT_LIST_DIR}/digest_common.cmake)

if(DEFINED OUTPUTS)
  if(NOT EXISTS ${OUTPUTS}/${STEM}.json OR NOT EXISTS ${OUTPUTS}/${STEM}.events)
    message(FATAL_ERROR "no outputs of scenarios/${STEM}.json in ${OUTPUTS} (scenario.${STEM}.deterministic writes them)")
  endif()
  file(SHA256 ${OUTPUTS}/${STEM}.json report)
  file(SHA256 ${OUTPUTS}/${STEM}.events events)
  set(WORKDIR ${OUTPUTS})
else()
  kcsim_scenario_digests(${KCSIM} ${SOURCE_DIR} ${STEM} ${WORKDIR} report events)
endif()
set(file ${SOURCE_DIR}/scenarios/digests.txt)
set(how "regenerate with ./build.sh digests (or cmake -DKCSIM=build/kcsim -P tests/scenario/update_digests.cmake) and say in the commit message why the output changed")
if(NOT EXISTS ${file})
  message(FATAL_ERROR "scenarios/digests.txt is missing: ${how}")
endif()
file(STRINGS ${file} lines REGEX "^${STEM}\\.json ")
foreach(part report events)
  set(expected "")
  foreach(line ${lines})
    if(line MATCHES "^${STEM}\\.json +${part} +([0-9a-f]+)$")
      set(expected ${CMAKE_MATCH_1})
    endif()
  endforeach()
  if(expected STREQUAL "")
    message(FATAL_ERROR "scenarios/digests.txt has no ${part} digest for scenarios/${STEM}.json (a new scenario?): "
                        "add it: ${how}")
  endif()
  if(NOT expected STREQUAL ${part})
    message(FATAL_ERROR "the ${part} of scenarios/${STEM}.json changed: SHA-256 ${${part}}, "
                        "scenarios/digests.txt says ${expected}. If the change is intended, ${how}. "
                        "Output kept in ${WORKDIR}")
  endif()
endforeach()
