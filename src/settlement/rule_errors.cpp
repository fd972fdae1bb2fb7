#include "settlement/rule_errors.hpp"

#include <charconv>

namespace dictra::settlement {

Error Invalid(const std::string& field, const std::string& message) {
    return Error::InvalidArgument(field + " " + message, field);
}

Error InvalidTransition(std::string message) {
    return Error::FailedPrecondition(std::move(message)).WithReason("INVALID_TRANSITION");
}

Result<std::optional<std::int64_t>> ParseNonNegative(const std::optional<std::string>& text,
                                                     const std::string& name) {
    if (!text) return std::optional<std::int64_t>();
    std::int64_t value = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (text->empty() || ec != std::errc() || ptr != end || value < 0)
        return Invalid(name, "must be a non-negative integer");
    return std::optional<std::int64_t>(value);
}

}  // namespace dictra::settlement
