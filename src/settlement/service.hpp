// Settlement's business rules. No HTTP here: routes parse and render, this decides.
#pragma once

#include "core/clock.hpp"
#include "settlement/model.hpp"
#include "settlement/store.hpp"

namespace dictra::settlement {

class SettlementService {
 public:
    SettlementService(SettlementStore& store, const Clock& clock) : store_(store), clock_(clock) {}

    Readiness CheckReadiness() { return Readiness{store_.Ping().ok()}; }

 private:
    SettlementStore& store_;
    [[maybe_unused]] const Clock& clock_;
};

}  // namespace dictra::settlement
