# s3proc_layer(NAME DEPS ...): a static library from src/NAME/*.cc (tests excluded), so that each
# layer can be built and tested on its own and a layer only sees the layers it names.
set(S3PROC_LAYERS "")

function(s3proc_layer name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cc)
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  if(NOT sources)
    add_library(s3proc_${name} INTERFACE)
    target_include_directories(s3proc_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(s3proc_${name} INTERFACE ${ARG_DEPS})
  else()
    add_library(s3proc_${name} STATIC ${sources})
    target_include_directories(s3proc_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(s3proc_${name} PUBLIC ${ARG_DEPS})
  endif()
  set(S3PROC_LAYERS ${S3PROC_LAYERS} ${name} PARENT_SCOPE)
endfunction()

# One GoogleTest binary per layer, from the foo_test.cc files beside the sources: a layer's
# tests build without the layers above it. ctest runs them all (label "unit").
function(s3proc_layer_tests)
  include(GoogleTest)
  foreach(name ${S3PROC_LAYERS})
    file(GLOB tests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*_test.cc)
    if(tests)
      add_executable(${name}_tests ${tests})
      target_link_libraries(${name}_tests PRIVATE s3proc_${name} s3proc_testutil GTest::gmock GTest::gtest_main)
      gtest_discover_tests(${name}_tests
        TEST_PREFIX "${name}."
        PROPERTIES LABELS unit
        DISCOVERY_TIMEOUT 60)
    endif()
  endforeach()
endfunction()
