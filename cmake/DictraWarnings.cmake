# Our own targets build with strict warnings; third-party headers are included as SYSTEM.
set(DICTRA_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wno-missing-field-initializers)
# GCC 12 at -O2/-O3 reports impossible overlaps inside std::string's own memcpy when strings are
# concatenated (GCC bug 105329, fixed in 13): a false positive in library code, not ours.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND DICTRA_WARNINGS -Wno-restrict)
  # The same compilers, inlining deeply at -O3, report a std::variant alternative (our Result's
  # Error) as "maybe used uninitialized" when a Result is moved through a lambda (GCC bugs 105562
  # and 107138). It stays a warning there, so a Release build (`make run`) is never stopped by it;
  # the Debug build that `make test` runs keeps every warning an error.
  list(APPEND DICTRA_WARNINGS -Wno-error=maybe-uninitialized)
endif()

if(DICTRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer needs clang. Everything is built with coverage instrumentation (fuzzer-no-link) so
# the fuzzer sees the branches of the libraries it drives; only the fuzz targets link libFuzzer's
# main (fuzz/CMakeLists.txt). scripts/fuzz-smoke.sh shows the intended configuration.
if(DICTRA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DICTRA_FUZZ=ON needs clang (libFuzzer): configure with "
                        "CC=clang CXX=clang++, or run scripts/fuzz-smoke.sh")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
