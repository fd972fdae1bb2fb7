// SPI's plain data. Payments, batches, recurrences and returns join here with their issue.
#pragma once

#include <string_view>

namespace dictra::spi {

enum class ComponentHealth { kHealthy, kUnhealthy };

inline std::string_view ToString(ComponentHealth health) {
    return health == ComponentHealth::kHealthy ? "healthy" : "unhealthy";
}

// What /ready reports: the three things SPI cannot work without.
struct Readiness {
    ComponentHealth database = ComponentHealth::kUnhealthy;
    ComponentHealth bacen = ComponentHealth::kUnhealthy;
    ComponentHealth nats = ComponentHealth::kUnhealthy;

    bool AllHealthy() const {
        return database == ComponentHealth::kHealthy && bacen == ComponentHealth::kHealthy &&
               nats == ComponentHealth::kHealthy;
    }
};

}  // namespace dictra::spi
