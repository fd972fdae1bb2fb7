// The BACEN simulator's plain data. Reserve accounts and the SPI message log join here with
// the SPI issue.
#pragma once

#include <string_view>

namespace dictra::bacen {

inline constexpr std::string_view kServiceName = "bacen-simulator";

struct Readiness {
    bool database_connected = false;
};

}  // namespace dictra::bacen
