# Golden digest of one scenario (docs/reliability.md, Golden digests): runs
# `kcsim run scenarios/STEM.json --format json --events ... --timeline ... --html ...` from the
# source directory and compares the SHA-256 of the report, the events file, the timeline CSV and
# the HTML page with scenarios/digests.txt.
#   check:      cmake -DKCSIM=... -DSOURCE_DIR=... -DSTEM=... -DWORKDIR=... -P digest.cmake
#               with -DOUTPUTS=DIR: compare the files DIR/STEM.{json,events,csv,html}, written by
#               the same run elsewhere (scenario.NAME.deterministic's first run), instead of
#               running again
#   regenerate: cmake -DKCSIM=build/kcsim -P tests/scenario/update_digests.cmake (./build.sh digests)
# A digest changes only in a commit that says why the output changed.
include(${CMAKE_CURRENT_LIST_DIR}/digest_common.cmake)

if(DEFINED OUTPUTS)
  # scenario.${STEM}.deterministic writes them.
  kcsim_output_digests(${OUTPUTS} ${STEM} got)
  set(WORKDIR ${OUTPUTS})
else()
  kcsim_scenario_digests(${KCSIM} ${SOURCE_DIR} ${STEM} ${WORKDIR} got)
endif()
set(file ${SOURCE_DIR}/scenarios/digests.txt)
set(how "regenerate with ./build.sh digests (or cmake -DKCSIM=build/kcsim -P tests/scenario/update_digests.cmake) and say in the commit message why the output changed")
if(NOT EXISTS ${file})
  message(FATAL_ERROR "scenarios/digests.txt is missing: ${how}")
endif()
file(STRINGS ${file} lines REGEX "^${STEM}\\.json ")
foreach(part ${KCSIM_DIGEST_PARTS})
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
  if(NOT expected STREQUAL got_${part})
    message(FATAL_ERROR "the ${part} of scenarios/${STEM}.json changed: SHA-256 ${got_${part}}, "
                        "scenarios/digests.txt says ${expected}. If the change is intended, ${how}. "
                        "Output kept in ${WORKDIR}")
  endif()
endforeach()
