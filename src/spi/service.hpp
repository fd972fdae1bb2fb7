// SPI's business rules. No HTTP here: routes parse and render, this decides.
#pragma once

#include <functional>

#include "core/clock.hpp"
#include "spi/model.hpp"
#include "spi/store.hpp"

namespace dictra::spi {

// How SPI learns whether its neighbours are up. Supplied by whoever wires the process: in the
// embedded platform the BACEN simulator and the in-process bus live next door.
struct Probes {
    std::function<bool()> bacen_reachable;
    std::function<bool()> bus_connected;
};

class SpiService {
 public:
    SpiService(SpiStore& store, const Clock& clock, Probes probes)
        : store_(store), clock_(clock), probes_(std::move(probes)), started_at_(clock.Now()) {}

    Readiness CheckReadiness() {
        auto health = [](bool ok) {
            return ok ? ComponentHealth::kHealthy : ComponentHealth::kUnhealthy;
        };
        return Readiness{health(store_.Ping().ok()),
                         health(probes_.bacen_reachable && probes_.bacen_reachable()),
                         health(probes_.bus_connected && probes_.bus_connected())};
    }

    SystemTimePoint started_at() const { return started_at_; }
    const Clock& clock() const { return clock_; }

 private:
    SpiStore& store_;
    const Clock& clock_;
    Probes probes_;
    SystemTimePoint started_at_;
};

}  // namespace dictra::spi
