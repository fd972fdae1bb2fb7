// DICT's business rules. No HTTP here: routes parse and render, this decides.
#pragma once

#include "core/clock.hpp"
#include "dict/model.hpp"
#include "dict/store.hpp"

namespace dictra::dict {

class DictService {
 public:
    DictService(DictStore& store, const Clock& clock) : store_(store), clock_(clock) {}

    Readiness CheckReadiness() { return Readiness{store_.Ping().ok()}; }

 private:
    DictStore& store_;
    [[maybe_unused]] const Clock& clock_;
};

}  // namespace dictra::dict
