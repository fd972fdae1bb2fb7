# Included by bench/CMakeLists.txt for the db_bench target.
target_link_libraries(db_bench PRIVATE dictra_db)
