#include "settlement/model.hpp"

#include <array>
#include <utility>

namespace dictra::settlement {
namespace {

constexpr std::array<std::pair<PaymentStatus, std::string_view>, 6> kStatusNames = {{
    {PaymentStatus::kPending, "PENDING"},
    {PaymentStatus::kProcessing, "PROCESSING"},
    {PaymentStatus::kCompleted, "COMPLETED"},
    {PaymentStatus::kFailed, "FAILED"},
    {PaymentStatus::kCancelled, "CANCELLED"},
    {PaymentStatus::kScheduled, "SCHEDULED"},
}};

constexpr std::array<std::pair<AccountType, std::string_view>, 4> kAccountTypeNames = {{
    {AccountType::kCacc, "CACC"},
    {AccountType::kSvgs, "SVGS"},
    {AccountType::kSlry, "SLRY"},
    {AccountType::kTran, "TRAN"},
}};

constexpr std::array<std::pair<ScheduleStatus, std::string_view>, 4> kScheduleStatusNames = {{
    {ScheduleStatus::kActive, "ACTIVE"},
    {ScheduleStatus::kPaused, "PAUSED"},
    {ScheduleStatus::kCompleted, "COMPLETED"},
    {ScheduleStatus::kCancelled, "CANCELLED"},
}};

}  // namespace

std::string_view ToString(ScheduleStatus status) {
    for (const auto& [value, name] : kScheduleStatusNames)
        if (value == status) return name;
    return "UNKNOWN";
}

std::optional<ScheduleStatus> ScheduleStatusFromString(std::string_view text) {
    for (const auto& [value, name] : kScheduleStatusNames)
        if (name == text) return value;
    return std::nullopt;
}

std::string_view ToString(PaymentStatus status) {
    for (const auto& [value, name] : kStatusNames)
        if (value == status) return name;
    return "UNKNOWN";
}

std::optional<PaymentStatus> PaymentStatusFromString(std::string_view text) {
    for (const auto& [value, name] : kStatusNames)
        if (name == text) return value;
    return std::nullopt;
}

bool IsAllowedTransition(PaymentStatus from, PaymentStatus to) {
    using enum PaymentStatus;
    switch (from) {
        case kPending: return to == kProcessing || to == kScheduled || to == kCancelled;
        case kScheduled: return to == kPending || to == kCancelled;
        case kProcessing: return to == kCompleted || to == kFailed;
        case kCompleted:
        case kFailed:
        case kCancelled: return false;
    }
    return false;
}

std::string_view ToString(AccountType type) {
    for (const auto& [value, name] : kAccountTypeNames)
        if (value == type) return name;
    return "UNKNOWN";
}

std::optional<AccountType> AccountTypeFromString(std::string_view text) {
    for (const auto& [value, name] : kAccountTypeNames)
        if (name == text) return value;
    return std::nullopt;
}

}  // namespace dictra::settlement
