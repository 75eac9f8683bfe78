# Checks the layering of the sources (docs/architecture.md, Layers): every #include "..." of a
# file in sim/<layer>/, include/kcsim/<layer>/ or models/ must name a header of its own layer or
# of a layer below it, in the order
#
#   core < k8s < apiserver < scenario < models < analysis < views < serve < cli
#
# and models may not use the scenario layer (they use core, k8s and the apiserver only). Also
# checks that sim/ holds no source file but main.cpp and include/kcsim/ no header outside a layer.
# The link step enforces the same order (each layer's library links only the layers below it,
# and kcsim_layer_check_<layer> links each library alone: CMakeLists.txt).
#
#   cmake -DROOT=<source dir> -P cmake/check_layers.cmake      (ctest: lint.layers)
cmake_minimum_required(VERSION 3.25)
if(NOT ROOT)
  get_filename_component(ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()

set(LAYERS core k8s apiserver scenario models analysis views serve cli)

# The layer of a path relative to ROOT, or "" when it is outside the layered tree.
function(layer_of path out)
  set(layer "")
  if(path MATCHES "^sim/([a-z0-9_-]+)/")
    set(layer "${CMAKE_MATCH_1}")
  elseif(path MATCHES "^include/kcsim/([a-z0-9_-]+)/")
    set(layer "${CMAKE_MATCH_1}")
  elseif(path MATCHES "^models/")
    set(layer models)
  elseif(path STREQUAL "sim/main.cpp")
    set(layer main)
  endif()
  set(${out} "${layer}" PARENT_SCOPE)
endfunction()

function(rank_of layer out)
  if(layer STREQUAL "main")
    list(LENGTH LAYERS n)
    set(${out} ${n} PARENT_SCOPE)
  else()
    list(FIND LAYERS "${layer}" i)
    set(${out} ${i} PARENT_SCOPE)
  endif()
endfunction()

set(errors "")
file(GLOB_RECURSE files RELATIVE "${ROOT}" "${ROOT}/sim/*.cpp" "${ROOT}/sim/*.hpp"
     "${ROOT}/include/kcsim/*.hpp" "${ROOT}/models/*.cpp" "${ROOT}/models/*.hpp")
list(SORT files)
foreach(file IN LISTS files)
  layer_of("${file}" layer)
  if(layer STREQUAL "")
    string(APPEND errors "  ${file}: not in a layer (sim/<layer>/, include/kcsim/<layer>/, models/<project>/)\n")
    continue()
  endif()
  rank_of("${layer}" rank)
  if(rank LESS 0)
    string(APPEND errors "  ${file}: unknown layer \"${layer}\" (layers: ${LAYERS})\n")
    continue()
  endif()
  get_filename_component(dir "${ROOT}/${file}" DIRECTORY)
  file(STRINGS "${ROOT}/${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*$" "\\1" inc "${line}")
    # A public header (include/kcsim/...) or a header next to the includer or relative to it.
    if(inc MATCHES "^kcsim/")
      set(target "include/${inc}")
    else()
      get_filename_component(abs "${inc}" ABSOLUTE BASE_DIR "${dir}")
      file(RELATIVE_PATH target "${ROOT}" "${abs}")
    endif()
    if(NOT EXISTS "${ROOT}/${target}")
      continue()  # generated or not ours
    endif()
    layer_of("${target}" to)
    if(to STREQUAL "")
      string(APPEND errors "  ${file}: includes ${inc}, which is in no layer\n")
      continue()
    endif()
    rank_of("${to}" to_rank)
    if(to_rank GREATER rank)
      string(APPEND errors "  ${file} (${layer}): includes ${inc} (${to}), a higher layer\n")
    elseif(layer STREQUAL "models" AND to STREQUAL "scenario")
      string(APPEND errors "  ${file} (models): includes ${inc}: models use core, k8s and apiserver only\n")
    endif()
  endforeach()
endforeach()

file(GLOB top RELATIVE "${ROOT}" "${ROOT}/sim/*.cpp" "${ROOT}/sim/*.hpp")
list(REMOVE_ITEM top sim/main.cpp)
foreach(file IN LISTS top)
  string(APPEND errors "  ${file}: sim/ holds only main.cpp; move it into its layer\n")
endforeach()

if(errors)
  message(FATAL_ERROR "layering violations:\n${errors}")
endif()
list(LENGTH files n)
message(STATUS "layering: ${n} files, every include points down (${LAYERS})")
