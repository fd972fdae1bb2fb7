// DICT claims (reivindicações) and the event notifications their lifecycle leaves behind: plain
// data and enums with their document spellings. Rules are in claim_service.hpp.
//
// A claim moves a key from the participant that holds it (the donor) to another (the claimer):
//
//   OPEN --CONFIRM (donor) or D+14 (DONOR_TIMEOUT)--> CONFIRMED --COMPLETE (claimer)--> COMPLETED
//     |                                                  |
//     +--CANCEL (either party) or D+30 (SYSTEM)--------->+--> CANCELLED
//
// OPEN and CONFIRMED are "open": a key has at most one open claim.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "dict/model.hpp"
#include "dict/pix_key.hpp"

namespace dictra::dict {

// Deadlines counted from the claim's creation (D0), as the document lists them.
inline constexpr std::chrono::microseconds kDonorNotificationAfter = std::chrono::hours(24 * 7);
inline constexpr std::chrono::microseconds kDonorDeadlineAfter = std::chrono::hours(24 * 14);
inline constexpr std::chrono::microseconds kClaimerDeadlineAfter = std::chrono::hours(24 * 30);
static_assert(kDonorNotificationAfter < kDonorDeadlineAfter &&
              kDonorDeadlineAfter < kClaimerDeadlineAfter);

// Page sizes of GET /api/v2/claims (the document: max 100) and the claims of one key answered by
// GET /api/v2/entries/{key}/claims (most recent first; our bound, the document gives none).
inline constexpr std::int64_t kClaimsPageSizeDefault = 20;
inline constexpr std::int64_t kClaimsPageSizeMax = 100;
inline constexpr std::int64_t kClaimsPageMax = 100'000;
inline constexpr std::int64_t kClaimsPerKeyListedMax = 100;
// Free text of a PATCH `reason` (our bound).
inline constexpr std::size_t kClaimReasonCharsMax = 200;

// Event notifications: a page of the list, and the ids one acknowledge may name (BACEN's page of
// event notifications is 200).
inline constexpr std::int64_t kNotificationsLimitDefault = 100;
inline constexpr std::int64_t kNotificationsLimitMax = 200;
inline constexpr std::int64_t kNotificationsOffsetMax = 1'000'000;
inline constexpr std::size_t kAcknowledgeIdsMax = 200;

enum class ClaimType { kPortability, kOwnership };
std::string_view ToString(ClaimType type);
std::optional<ClaimType> ClaimTypeFromString(std::string_view text);

enum class ClaimStatus { kOpen, kConfirmed, kCancelled, kCompleted };
std::string_view ToString(ClaimStatus status);
std::optional<ClaimStatus> ClaimStatusFromString(std::string_view text);
// OPEN or CONFIRMED: the claim still holds the key.
bool IsOpen(ClaimStatus status);

enum class ClaimAction { kConfirm, kCancel, kComplete };
std::optional<ClaimAction> ClaimActionFromString(std::string_view text);

// v2.10.0 tracking. AUTOMATIC is in the document's list but no rule of ours produces it.
enum class ConfirmReason { kDonorConfirmed, kDonorTimeout, kAutomatic };
std::string_view ToString(ConfirmReason reason);
std::optional<ConfirmReason> ConfirmReasonFromString(std::string_view text);

enum class CancelledBy { kDonor, kClaimer, kSystem };
std::string_view ToString(CancelledBy by);
std::optional<CancelledBy> CancelledByFromString(std::string_view text);

// GET /api/v2/claims?role=as_donor|as_claimer
enum class ClaimRole { kDonor, kClaimer };
std::optional<ClaimRole> ClaimRoleFromString(std::string_view text);

struct Claim {
    std::int64_t id = 0;
    std::string claim_id;  // "C" + 10 digits, like the document's "C1234567890"
    ClaimType type = ClaimType::kPortability;
    ClaimStatus status = ClaimStatus::kOpen;
    std::int64_t entry_id = 0;  // the entry claimed (dict_entries.id)
    KeyType key_type = KeyType::kCpf;
    std::string key;

    std::string donor_ispb;
    std::string donor_tax_id;
    std::string donor_branch;
    std::string donor_account;

    std::string claimer_ispb;
    OwnerType claimer_owner_type = OwnerType::kNaturalPerson;
    std::string claimer_tax_id;
    std::string claimer_name;
    std::string claimer_branch;
    std::string claimer_account;
    AccountType claimer_account_type = AccountType::kCacc;

    SystemTimePoint donor_notification_at;  // D+7
    SystemTimePoint donor_deadline;         // D+14
    SystemTimePoint claimer_deadline;       // D+30

    std::optional<ConfirmReason> confirm_reason;
    std::optional<std::string> confirm_note;  // the CONFIRM's `reason` text
    std::optional<SystemTimePoint> confirmed_at;
    std::optional<CancelledBy> cancelled_by;
    std::optional<std::string> cancel_reason;  // the CANCEL's `reason` text
    std::optional<SystemTimePoint> cancelled_at;
    std::optional<SystemTimePoint> completed_at;
    bool auto_resolved = false;  // a deadline, not a party, confirmed or cancelled it
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

// POST /api/v2/entries/{key}/claims as received: text, checked by ClaimService::Create.
struct CreateClaimCommand {
    std::string key;  // from the path, percent-decoded
    std::string key_type;
    std::string claimer_tax_id;
    std::string claimer_account;
    std::string claimer_branch;
    std::string claimer_account_type;
    std::string claimer_name;
    std::string claimer_owner_type;
};

// PATCH /api/v2/entries/{key}/claims/{claimId} as received.
struct UpdateClaimCommand {
    std::string key;
    std::string claim_id;
    std::optional<std::string> action;  // absent or unknown: the documented 400
    std::optional<std::string> reason;
};

// GET /api/v2/claims query as received (absent = default).
struct ListClaimsQuery {
    std::optional<std::string> role;
    std::optional<std::string> status;
    std::optional<std::string> page;
    std::optional<std::string> page_size;
};

struct ClaimFilter {
    std::optional<ClaimRole> role;  // absent: either role
    std::optional<ClaimStatus> status;
    std::int64_t page = 1;
    std::int64_t page_size = kClaimsPageSizeDefault;
};

struct ClaimPage {
    std::vector<Claim> claims;
    std::int64_t total_count = 0;
    std::int64_t page = 1;
    std::int64_t page_size = kClaimsPageSizeDefault;
};

// What happened to a claim, told to its parties.
enum class ClaimEventType {
    kClaimCreated,            // OPEN (donor and claimer)
    kClaimDonorNotification,  // D+7 while still OPEN: the donor's reminder (donor only)
    kClaimDonorDeadline,      // D+14 while OPEN: auto-confirmed (DONOR_TIMEOUT)
    kClaimClaimerDeadline,    // D+30 while open: auto-cancelled (SYSTEM)
    kClaimConfirmed,          // the donor confirmed
    kClaimCancelled,          // a party cancelled
    kClaimCompleted,          // the claimer completed: the key moved
};
std::string_view ToString(ClaimEventType type);
std::optional<ClaimEventType> ClaimEventTypeFromString(std::string_view text);

// One notification for one participant (each party gets its own, with its own id).
struct EventNotification {
    std::int64_t id = 0;
    std::string notification_id;  // UUIDv4
    std::string participant_ispb;
    ClaimEventType event_type = ClaimEventType::kClaimCreated;
    std::string claim_id;
    ClaimStatus claim_status = ClaimStatus::kOpen;  // the claim's status after the event
    SystemTimePoint scheduled_at;  // the deadline for deadline events, else when it happened
    SystemTimePoint created_at;
    bool acknowledged = false;
    std::optional<SystemTimePoint> acknowledged_at;
};

// GET /api/v2/event-notifications query as received.
struct ListNotificationsQuery {
    std::optional<std::string> acknowledged;  // "true" / "false"
    std::optional<std::string> limit;
    std::optional<std::string> offset;
};

struct NotificationFilter {
    std::optional<bool> acknowledged;
    std::int64_t limit = kNotificationsLimitDefault;
    std::int64_t offset = 0;
};

}  // namespace dictra::dict
