// Programmer errors crash; untrusted input never reaches these.
//
// DICTRA_CHECK(cond) is always on: an impossible state must not go on to move money.
// DICTRA_ASSERT(cond) is for debug builds only (hot paths, expensive conditions).
#pragma once

#include <cstdio>
#include <cstdlib>

namespace dictra::detail {
[[noreturn]] inline void CheckFailed(const char* condition, const char* file, int line) {
    std::fprintf(stderr, "{\"event\":\"check_failed\",\"condition\":\"%s\",\"at\":\"%s:%d\"}\n",
                 condition, file, line);
    std::abort();
}
}  // namespace dictra::detail

#define DICTRA_CHECK(cond) \
    ((cond) ? static_cast<void>(0) : ::dictra::detail::CheckFailed(#cond, __FILE__, __LINE__))

#ifdef NDEBUG
#define DICTRA_ASSERT(cond) static_cast<void>(0)
#else
#define DICTRA_ASSERT(cond) DICTRA_CHECK(cond)
#endif
