// Settlement's shared rule helpers (internal to the module): the error values its rules return
// and the parsing of paging numbers, so that every endpoint words them the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace dictra::settlement {

// VALIDATION_ERROR whose message starts with the field: "amount must be greater than zero".
Error Invalid(const std::string& field, const std::string& message);

// 400 INVALID_TRANSITION: the resource's state forbids the change.
Error InvalidTransition(std::string message);

// Absent stays absent; otherwise a decimal integer >= 0 that fits in int64, else Invalid(name).
Result<std::optional<std::int64_t>> ParseNonNegative(const std::optional<std::string>& text,
                                                     const std::string& name);

}  // namespace dictra::settlement
