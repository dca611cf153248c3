# Script mode (ctest `layers`): cmake -DBUILD_DIR=... -DSOURCE_DIR=... -P check_layers.cmake
# Fails unless (1) no file of engine/ includes a models/ header, (2) the engine-layer probe
# including an engine header compiles and (3) the one including a model header fails because
# the header is not found.
file(GLOB_RECURSE engine_files ${SOURCE_DIR}/engine/*.hpp ${SOURCE_DIR}/engine/*.cpp)
set(offenders "")
foreach(f IN LISTS engine_files)
  file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<][^\">]*models/")
  foreach(l IN LISTS lines)
    list(APPEND offenders "${f}: ${l}")
  endforeach()
endforeach()
if(offenders)
  list(JOIN offenders "\n  " text)
  message(FATAL_ERROR "layers: engine/ includes model headers:\n  ${text}")
endif()
list(LENGTH engine_files n)
message(STATUS "layers: none of the ${n} files of engine/ names models/ in an include")

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target layer_probe_sees_engine
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "layers: the positive control (engine header from engine/) does not build:\n${out}")
endif()
message(STATUS "layers: an engine source can include engine/ headers")

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target layer_probe_sees_model
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "layers: an engine source including models/inclusion/model.hpp compiled; "
                      "the engine target must not see model headers")
endif()
if(NOT out MATCHES "models/inclusion/model.hpp['\"]?:? (No such file or directory|file not found)")
  message(FATAL_ERROR "layers: the model-header probe failed, but not for want of the header:\n${out}")
endif()
message(STATUS "layers: an engine source cannot include models/ headers (not found)")
