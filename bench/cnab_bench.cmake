# Included by bench/CMakeLists.txt for the cnab_bench target.
target_link_libraries(cnab_bench PRIVATE dictra_cnab)
