# The parts of a scenario's output the golden digests cover, and the file suffix of each.
set(KCSIM_DIGEST_PARTS report events timeline html)
set(KCSIM_DIGEST_SUFFIX_report json)
set(KCSIM_DIGEST_SUFFIX_events events)
set(KCSIM_DIGEST_SUFFIX_timeline csv)
set(KCSIM_DIGEST_SUFFIX_html html)

# kcsim_scenario_digests(KCSIM SOURCE_DIR STEM WORKDIR PREFIX): runs one scenario the way the
# golden digests are defined — from SOURCE_DIR, path scenarios/STEM.json, default options, the
# JSON report, the events file, the timeline CSV and the HTML page of one run — and sets
# PREFIX_report, PREFIX_events, PREFIX_timeline and PREFIX_html to their SHA-256 in the caller.
function(kcsim_scenario_digests kcsim source_dir stem workdir prefix)
  file(MAKE_DIRECTORY ${workdir})
  execute_process(COMMAND ${kcsim} run scenarios/${stem}.json --format json
                          --output ${workdir}/${stem}.json --events ${workdir}/${stem}.events
                          --timeline ${workdir}/${stem}.csv --html ${workdir}/${stem}.html
                  WORKING_DIRECTORY ${source_dir}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 AND NOT rc EQUAL 1)
    message(FATAL_ERROR "kcsim run scenarios/${stem}.json exited with ${rc}: ${err}")
  endif()
  kcsim_output_digests(${workdir} ${stem} ${prefix})
  foreach(part ${KCSIM_DIGEST_PARTS})
    set(${prefix}_${part} ${${prefix}_${part}} PARENT_SCOPE)
  endforeach()
endfunction()

# kcsim_output_digests(DIR STEM PREFIX): the SHA-256 of each part DIR/STEM.<suffix> already
# written, as PREFIX_<part> in the caller; a missing file is a fatal error naming it.
function(kcsim_output_digests dir stem prefix)
  foreach(part ${KCSIM_DIGEST_PARTS})
    set(f ${dir}/${stem}.${KCSIM_DIGEST_SUFFIX_${part}})
    if(NOT EXISTS ${f})
      message(FATAL_ERROR "no ${part} of scenarios/${stem}.json: ${f} is missing")
    endif()
    file(SHA256 ${f} d)
    set(${prefix}_${part} ${d} PARENT_SCOPE)
  endforeach()
endfunction()

# kcsim_check_digest(FILE LABEL NAME PART GOT WHAT HOW KEPT): fails unless the digests file FILE
# (LABEL: its name in messages) has the line "NAME PART GOT". WHAT names the output in messages,
# HOW says how to regenerate, KEPT where the output was left.
function(kcsim_check_digest file label name part got what how kept)
  if(NOT EXISTS ${file})
    message(FATAL_ERROR "${label} is missing: ${how}")
  endif()
  file(STRINGS ${file} lines)
  set(expected "")
  foreach(line ${lines})
    if(line MATCHES "^([^ #]+) +([^ ]+) +([0-9a-f]+)$" AND CMAKE_MATCH_1 STREQUAL name AND CMAKE_MATCH_2 STREQUAL part)
      set(expected ${CMAKE_MATCH_3})
    endif()
  endforeach()
  if(expected STREQUAL "")
    message(FATAL_ERROR "${label} has no ${part} digest for ${what} (a new one?): add it: ${how}")
  endif()
  if(NOT expected STREQUAL got)
    message(FATAL_ERROR "the ${part} of ${what} changed: SHA-256 ${got}, ${label} says ${expected}. "
                        "If the change is intended, ${how}. Output kept in ${kept}")
  endif()
endfunction()
