# Runs one scenario twice, the way its golden digest is defined (digest_common.cmake), and fails
# unless the JSON report, the events file, the timeline CSV and the HTML page are byte-identical
# (README.md, Determinism). The
# first run's outputs stay in WORKDIR/a for scenario.NAME.digest, which compares them with
# scenarios/digests.txt instead of running the scenario a third time.
#   cmake -DKCSIM=... -DSOURCE_DIR=... -DSTEM=... -DWORKDIR=... -P determinism.cmake
include(${CMAKE_CURRENT_LIST_DIR}/digest_common.cmake)
foreach(run a b)
  kcsim_scenario_digests(${KCSIM} ${SOURCE_DIR} ${STEM} ${WORKDIR}/${run} ${run})
endforeach()
foreach(part ${KCSIM_DIGEST_PARTS})
  if(NOT a_${part} STREQUAL b_${part})
    message(FATAL_ERROR "two runs of scenarios/${STEM}.json differ in their ${part}: outputs kept in ${WORKDIR}")
  endif()
endforeach()
