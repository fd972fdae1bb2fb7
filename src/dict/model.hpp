// DICT's plain data. Keys, claims, MED 2.0 and rate limits join here with their issue.
#pragma once

#include <string_view>

namespace dictra::dict {

// The name DICT gives itself in its probes.
inline constexpr std::string_view kServiceName = "dict-service";

struct Readiness {
    bool database_connected = false;
};

}  // namespace dictra::dict
