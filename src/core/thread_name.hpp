// Names the calling thread for operators: `top -H`, `ps -L`, perf and gdb show it instead of
// "dictra" for every thread. Linux keeps at most 15 bytes; a longer name is cut there.
#pragma once

#include <string_view>

namespace dictra {

void NameThisThread(std::string_view name);

}  // namespace dictra
