# dictra_module(NAME <target> [DEPS ...]): one folder = one static library target.
# Sources are the .cpp files of the calling folder (not recursive); sub-folders are their own modules.
function(dictra_module)
  cmake_parse_arguments(ARG "" "NAME" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(${ARG_NAME} STATIC ${sources})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${ARG_NAME} PRIVATE ${DICTRA_WARNINGS})
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# dictra_test(NAME <target> DIRS <dir>... DEPS ...): one GoogleTest binary from every *_test.cpp
# directly in the given folders of tests/ (not recursive: each folder belongs to one binary).
function(dictra_test)
  cmake_parse_arguments(ARG "" "NAME" "DIRS;DEPS" ${ARGN})
  set(sources)
  foreach(dir ${ARG_DIRS})
    file(GLOB found CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*_test.cpp)
    list(APPEND sources ${found})
  endforeach()
  add_executable(${ARG_NAME} ${sources})
  target_compile_options(${ARG_NAME} PRIVATE ${DICTRA_WARNINGS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  include(GoogleTest)
  # Tests find checked-in data and the real binary through these, wherever the build dir is.
  target_compile_definitions(${ARG_NAME} PRIVATE
    DICTRA_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    DICTRA_BINARY_PATH="${PROJECT_BINARY_DIR}/dictra")
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60)
endfunction()
