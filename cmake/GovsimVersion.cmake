# Records the version and the git commit in a generated source, refreshed on every build.
set(GOVSIM_VERSION_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/version.cpp)
add_custom_target(govsim_version_stamp
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_CURRENT_SOURCE_DIR} -DOUT=${GOVSIM_VERSION_CPP}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${GOVSIM_VERSION_CPP}
  COMMENT "govsim version stamp")
# Also write it now so that the file exists at configure time.
execute_process(COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_CURRENT_SOURCE_DIR} -DOUT=${GOVSIM_VERSION_CPP}
                -DVERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/WriteVersion.cmake)
