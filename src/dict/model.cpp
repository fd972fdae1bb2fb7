#include "dict/model.hpp"

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

std::string_view ToLetter(OwnerType type) {
    return type == OwnerType::kNaturalPerson ? "F" : "J";
}

std::optional<OwnerType> OwnerTypeFromString(std::string_view text) {
    if (text == "NATURAL_PERSON") return OwnerType::kNaturalPerson;
    if (text == "LEGAL_PERSON") return OwnerType::kLegalPerson;
    return std::nullopt;
}

std::optional<OwnerType> OwnerTypeFromLetter(std::string_view letter) {
    if (letter == "F") return OwnerType::kNaturalPerson;
    if (letter == "J") return OwnerType::kLegalPerson;
    return std::nullopt;
}

std::string_view ToString(AccountType type) {
    switch (type) {
        case AccountType::kCacc: return "CACC";
        case AccountType::kSlry: return "SLRY";
        case AccountType::kSvgs: return "SVGS";
        case AccountType::kTran: return "TRAN";
    }
    return "CACC";
}

std::optional<AccountType> AccountTypeFromString(std::string_view text) {
    return FromName(text, std::array{AccountType::kCacc, AccountType::kSlry, AccountType::kSvgs,
                                     AccountType::kTran});
}

std::string_view ToString(EntryStatus status) {
    return status == EntryStatus::kActive ? "ACTIVE" : "DELETED";
}

std::string_view ToString(DeleteReason reason) {
    switch (reason) {
        case DeleteReason::kUserRequested: return "USER_REQUESTED";
        case DeleteReason::kAccountClosure: return "ACCOUNT_CLOSURE";
        case DeleteReason::kBranchTransfer: return "BRANCH_TRANSFER";
        case DeleteReason::kReconciliation: return "RECONCILIATION";
        case DeleteReason::kFraud: return "FRAUD";
        case DeleteReason::kRfbValidation: return "RFB_VALIDATION";
        case DeleteReason::kParticipantExclusion: return "PARTICIPANT_EXCLUSION";
    }
    return "USER_REQUESTED";
}

std::optional<DeleteReason> DeleteReasonFromString(std::string_view text) {
    return FromName(text, std::array{DeleteReason::kUserRequested, DeleteReason::kAccountClosure,
                                     DeleteReason::kBranchTransfer, DeleteReason::kReconciliation,
                                     DeleteReason::kFraud, DeleteReason::kRfbValidation,
                                     DeleteReason::kParticipantExclusion});
}

bool IsAllowedEvpDeleteReason(DeleteReason reason) {
    return reason == DeleteReason::kBranchTransfer || reason == DeleteReason::kReconciliation ||
           reason == DeleteReason::kRfbValidation;
}

std::string_view ToString(CidEventType type) {
    switch (type) {
        case CidEventType::kEntryCreated: return "ENTRY_CREATED";
        case CidEventType::kEntryUpdated: return "ENTRY_UPDATED";
        case CidEventType::kEntryDeleted: return "ENTRY_DELETED";
    }
    return "ENTRY_CREATED";
}

}  // namespace dictra::dict
