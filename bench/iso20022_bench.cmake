# Included by bench/CMakeLists.txt for the iso20022_bench target.
target_link_libraries(iso20022_bench PRIVATE dictra_iso20022)
