#include "dict/claim_model.hpp"

#include <array>

namespace dictra::dict {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> FromName(std::string_view text, const std::array<Enum, N>& values) {
    for (Enum value : values)
        if (ToString(value) == text) return value;
    return std::nullopt;
}

}  // namespace

std::string_view ToString(ClaimType type) {
    return type == ClaimType::kPortability ? "PORTABILITY" : "OWNERSHIP";
}

std::optional<ClaimType> ClaimTypeFromString(std::string_view text) {
    return FromName(text, std::array{ClaimType::kPortability, ClaimType::kOwnership});
}

std::string_view ToString(ClaimStatus status) {
    switch (status) {
        case ClaimStatus::kOpen: return "OPEN";
        case ClaimStatus::kConfirmed: return "CONFIRMED";
        case ClaimStatus::kCancelled: return "CANCELLED";
        case ClaimStatus::kCompleted: return "COMPLETED";
    }
    return "OPEN";
}

std::optional<ClaimStatus> ClaimStatusFromString(std::string_view text) {
    return FromName(text, std::array{ClaimStatus::kOpen, ClaimStatus::kConfirmed,
                                     ClaimStatus::kCancelled, ClaimStatus::kCompleted});
}

bool IsOpen(ClaimStatus status) {
    return status == ClaimStatus::kOpen || status == ClaimStatus::kConfirmed;
}

std::optional<ClaimAction> ClaimActionFromString(std::string_view text) {
    if (text == "CONFIRM") return ClaimAction::kConfirm;
    if (text == "CANCEL") return ClaimAction::kCancel;
    if (text == "COMPLETE") return ClaimAction::kComplete;
    return std::nullopt;
}

std::string_view ToString(ConfirmReason reason) {
    switch (reason) {
        case ConfirmReason::kDonorConfirmed: return "DONOR_CONFIRMED";
        case ConfirmReason::kDonorTimeout: return "DONOR_TIMEOUT";
        case ConfirmReason::kAutomatic: return "AUTOMATIC";
    }
    return "DONOR_CONFIRMED";
}

std::optional<ConfirmReason> ConfirmReasonFromString(std::string_view text) {
    return FromName(text, std::array{ConfirmReason::kDonorConfirmed, ConfirmReason::kDonorTimeout,
                                     ConfirmReason::kAutomatic});
}

std::string_view ToString(CancelledBy by) {
    switch (by) {
        case CancelledBy::kDonor: return "DONOR";
        case CancelledBy::kClaimer: return "CLAIMER";
        case CancelledBy::kSystem: return "SYSTEM";
    }
    return "SYSTEM";
}

std::optional<CancelledBy> CancelledByFromString(std::string_view text) {
    return FromName(text,
                    std::array{CancelledBy::kDonor, CancelledBy::kClaimer, CancelledBy::kSystem});
}

std::optional<ClaimRole> ClaimRoleFromString(std::string_view text) {
    if (text == "as_donor") return ClaimRole::kDonor;
    if (text == "as_claimer") return ClaimRole::kClaimer;
    return std::nullopt;
}

std::string_view ToString(ClaimEventType type) {
    switch (type) {
        case ClaimEventType::kClaimCreated: return "CLAIM_CREATED";
        case ClaimEventType::kClaimDonorNotification: return "CLAIM_DONOR_NOTIFICATION";
        case ClaimEventType::kClaimDonorDeadline: return "CLAIM_DONOR_DEADLINE";
        case ClaimEventType::kClaimClaimerDeadline: return "CLAIM_CLAIMER_DEADLINE";
        case ClaimEventType::kClaimConfirmed: return "CLAIM_CONFIRMED";
        case ClaimEventType::kClaimCancelled: return "CLAIM_CANCELLED";
        case ClaimEventType::kClaimCompleted: return "CLAIM_COMPLETED";
    }
    return "CLAIM_CREATED";
}

std::optional<ClaimEventType> ClaimEventTypeFromString(std::string_view text) {
    return FromName(
        text, std::array{ClaimEventType::kClaimCreated, ClaimEventType::kClaimDonorNotification,
                         ClaimEventType::kClaimDonorDeadline, ClaimEventType::kClaimClaimerDeadline,
                         ClaimEventType::kClaimConfirmed, ClaimEventType::kClaimCancelled,
                         ClaimEventType::kClaimCompleted});
}

}  // namespace dictra::dict
