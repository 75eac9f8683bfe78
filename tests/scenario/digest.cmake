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
set(how "regenerate with ./build.sh digests (or cmake -DKCSIM=build/kcsim -P tests/scenario/update_digests.cmake) and say in the commit message why the output changed")
foreach(part ${KCSIM_DIGEST_PARTS})
  kcsim_check_digest(${SOURCE_DIR}/scenarios/digests.txt scenarios/digests.txt ${STEM}.json ${part} ${got_${part}}
                     scenarios/${STEM}.json "${how}" ${WORKDIR})
endforeach()
