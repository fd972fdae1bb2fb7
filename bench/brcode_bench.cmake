# Included by bench/CMakeLists.txt for the brcode_bench target.
target_link_libraries(brcode_bench PRIVATE dictra_brcode dictra_json)
target_compile_definitions(brcode_bench PRIVATE DICTRA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
