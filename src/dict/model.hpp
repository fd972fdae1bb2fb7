// DICT's plain data: PIX key entries and the CID events their changes leave behind.
// Claims, MED 2.0 and rate limits join here with their issue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "dict/pix_key.hpp"

namespace dictra::dict {

// The name DICT gives itself in its probes.
inline constexpr std::string_view kServiceName = "dict-service";

struct Readiness {
    bool database_connected = false;
};

// Active keys one account may hold (BACEN, Regulamento Pix art. 8): 5 for a natural person,
// 20 for a legal person. An account is participant + branch + account number + account type.
inline constexpr std::int64_t kKeysPerAccountMaxNaturalPerson = 5;
inline constexpr std::int64_t kKeysPerAccountMaxLegalPerson = 20;

// Field bounds of ours where the document gives none (DICT's Person.Name is 120 as well).
inline constexpr std::size_t kOwnerNameCharsMax = 120;
inline constexpr std::size_t kTradeNameCharsMax = 120;
inline constexpr std::size_t kBranchLength = 4;
inline constexpr std::size_t kAccountNumberCharsMax = 20;  // DICT's AccountNumber pattern

// Stored and answered as the document's letters: F (física) / J (jurídica).
enum class OwnerType { kNaturalPerson, kLegalPerson };
std::string_view ToLetter(OwnerType type);                            // "F" / "J"
std::optional<OwnerType> OwnerTypeFromString(std::string_view text);  // NATURAL_PERSON / ...
std::optional<OwnerType> OwnerTypeFromLetter(std::string_view letter);

enum class AccountType { kCacc, kSlry, kSvgs, kTran };
std::string_view ToString(AccountType type);
std::optional<AccountType> AccountTypeFromString(std::string_view text);

enum class EntryStatus { kActive, kDeleted };
std::string_view ToString(EntryStatus status);

// DICT 2.12.1 EntryOperationReason.
enum class DeleteReason {
    kUserRequested,
    kAccountClosure,
    kBranchTransfer,
    kReconciliation,
    kFraud,
    kRfbValidation,
    kParticipantExclusion,
};
std::string_view ToString(DeleteReason reason);
std::optional<DeleteReason> DeleteReasonFromString(std::string_view text);
// EVP keys may only be deleted for BRANCH_TRANSFER, RECONCILIATION or RFB_VALIDATION (v2.10.0):
// a random key the owner never chose is not removed on a whim and re-minted.
bool IsAllowedEvpDeleteReason(DeleteReason reason);

// One PIX key entry (vínculo).
struct Entry {
    std::int64_t id = 0;
    KeyType key_type = KeyType::kEvp;
    std::string key;
    std::string cid;             // 64 lower-case hex (dict/cid.hpp)
    std::string cid_request_id;  // 32 hex: the HMAC key the cid was computed with
    OwnerType owner_type = OwnerType::kNaturalPerson;
    std::string owner_tax_id;
    std::string owner_name;
    std::optional<std::string> trade_name;  // legal persons only
    std::string participant_ispb;
    std::string branch;
    std::string account_number;
    AccountType account_type = AccountType::kCacc;
    std::optional<std::string> opening_date;  // YYYY-MM-DD
    EntryStatus status = EntryStatus::kActive;
    SystemTimePoint ownership_date;
    bool ownership_confirmed = true;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

// The create request as received: text, checked by DictService::Create.
struct CreateEntryCommand {
    std::string key_type;
    std::optional<std::string> key;  // absent: an EVP is minted
    std::string owner_type;
    std::string owner_tax_id;
    std::string owner_name;
    std::optional<std::string> trade_name;
    std::string branch;
    std::string account_number;
    std::string account_type;
    std::optional<std::string> opening_date;
};

// Every change of an entry's CID set, for the CID event log of a later issue.
enum class CidEventType { kEntryCreated, kEntryUpdated, kEntryDeleted };
std::string_view ToString(CidEventType type);

struct CidEvent {
    std::int64_t id = 0;
    CidEventType type = CidEventType::kEntryCreated;
    std::string cid;
    std::int64_t entry_id = 0;
    std::string participant_ispb;
    KeyType key_type = KeyType::kEvp;
    SystemTimePoint at;
};

}  // namespace dictra::dict
