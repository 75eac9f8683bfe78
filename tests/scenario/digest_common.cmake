# kcsim_scenario_digests(KCSIM SOURCE_DIR STEM WORKDIR REPORT_VAR EVENTS_VAR): runs one scenario
# the way the golden digests are defined — from SOURCE_DIR, path scenarios/STEM.json, default
# options, JSON report and events file — and sets the two SHA-256 digests in the caller.
function(kcsim_scenario_digests kcsim source_dir stem workdir report_var events_var)
  file(MAKE_DIRECTORY ${workdir})
  execute_process(COMMAND ${kcsim} run scenarios/${stem}.json --format json
                          --output ${workdir}/${stem}.json --events ${workdir}/${stem}.events
                  WORKING_DIRECTORY ${source_dir}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 AND NOT rc EQUAL 1)
    message(FATAL_ERROR "kcsim run scenarios/${stem}.json exited with ${rc}: ${err}")
  endif()
  file(SHA256 ${workdir}/${stem}.json report)
  file(SHA256 ${workdir}/${stem}.events events)
  set(${report_var} ${report} PARENT_SCOPE)
  set(${events_var} ${events} PARENT_SCOPE)
endfunction()
