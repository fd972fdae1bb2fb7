#include "core/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstddef>

namespace dictra {

void NameThisThread(std::string_view name) {
    constexpr std::size_t kBytesMax = 15;  // the kernel's TASK_COMM_LEN less the terminator
    char buffer[kBytesMax + 1] = {};
    const std::size_t length = std::min(name.size(), kBytesMax);
    std::copy_n(name.data(), length, buffer);
    // Best effort: a name is a courtesy, never a reason to fail.
    static_cast<void>(::pthread_setname_np(::pthread_self(), buffer));
}

}  // namespace dictra
