// The simulator's rules (settlement between reserve accounts, reason codes). No HTTP here.
#pragma once

#include "bacen/model.hpp"
#include "bacen/store.hpp"
#include "core/clock.hpp"

namespace dictra::bacen {

class BacenService {
 public:
    BacenService(BacenStore& store, const Clock& clock) : store_(store), clock_(clock) {}

    Readiness CheckReadiness() { return Readiness{store_.Ping().ok()}; }

 private:
    BacenStore& store_;
    [[maybe_unused]] const Clock& clock_;
};

}  // namespace dictra::bacen
