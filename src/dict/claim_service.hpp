// Claims (portability and ownership) and the event notifications they raise: DICT's rules, no
// HTTP. Spec "Core DICT - Claims" and "Event Notifications"; the choices are in docs/dict.md.
//
// Create (the caller is the claimer):
//   - keyType must name the key's type (INVALID_KEY_TYPE); EVP keys cannot be claimed
//     (INVALID_KEY_TYPE); the key must be ACTIVE (kNotFound "key not found") at another
//     participant (a participant does not claim its own key: kInvalidArgument).
//   - PORTABILITY when claimerTaxId equals the owner's tax id, else OWNERSHIP; a CPF or CNPJ key
//     names its owner, so only its owner may claim it (INVALID_OWNERSHIP otherwise, as DICT
//     2.12.1 forbids ownership claims of CPF/CNPJ keys).
//   - One open (OPEN or CONFIRMED) claim per key: CLAIM_EXISTS (409). The claimer's account must
//     have room for one more key: KEY_LIMIT_EXCEEDED.
//   - Deadlines from creation: D+7 donor notification, D+14 donor deadline, D+30 claimer deadline,
//     each a scheduler job stored with the claim.
// Update (PATCH action): CONFIRM by the donor (OPEN -> CONFIRMED, DONOR_CONFIRMED); CANCEL by
// either party (OPEN or CONFIRMED -> CANCELLED, cancelledBy DONOR/CLAIMER); COMPLETE by the
// claimer (CONFIRMED -> COMPLETED; the entry moves to the claimer's account with a new CID and an
// ENTRY_UPDATED CID event, in the same write). Repeating an action on a claim already in its
// resulting status answers the claim unchanged (a retry is safe). Any other action: the
// documented 400 "Invalid action. Must be CONFIRM, CANCEL, or COMPLETE". The other party's
// action: kPermissionDenied; a status that forbids it: kFailedPrecondition.
// Deadlines (jobs, idempotent): D+7 while OPEN notifies the donor; D+14 while OPEN confirms
// (DONOR_TIMEOUT, autoResolved); D+30 while OPEN or CONFIRMED cancels (SYSTEM, autoResolved).
// Visibility: a claim is seen only by its donor and claimer; anyone else gets kNotFound
// "claim not found" (for list calls: nothing), as if it did not exist.
// Notifications: each event tells both parties (the D+7 reminder only the donor); a participant
// lists and acknowledges only its own.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/jobs/scheduler.hpp"
#include "dict/claim_model.hpp"
#include "dict/claim_store.hpp"
#include "dict/store.hpp"

namespace dictra::dict {

// The documented message of a PATCH whose action is absent or unknown.
inline constexpr std::string_view kInvalidActionMessage =
    "Invalid action. Must be CONFIRM, CANCEL, or COMPLETE";

class ClaimService {
 public:
    // REQUIRES: all three outlive the service.
    ClaimService(DictStore& entries, ClaimStore& claims, const Clock& clock)
        : entries_(entries), claims_(claims), clock_(clock) {}

    // Called with the key after a claim completes and the key has moved to the claimer (the
    // lookups' existence cache must forget the old account).
    void SetKeyChangeListener(std::function<void(std::string_view key)> listener) {
        key_change_listener_ = std::move(listener);
    }

    // Opens a claim by `claimer` (see the rules above). Nothing is stored on error.
    Result<Claim> Create(const CreateClaimCommand& command, const Ispb& claimer);

    // Applies CONFIRM / CANCEL / COMPLETE for `participant`. Nothing changes on error.
    Result<Claim> Update(const UpdateClaimCommand& command, const Ispb& participant);

    // The claim when `participant` is a party, else kNotFound "claim not found".
    Result<Claim> Get(std::string_view claim_id, const Ispb& participant);

    // Claims of one key the participant is party to, newest first. `key_type` is required
    // (INVALID_KEY_TYPE when absent or unknown); a key malformed for its type has no claims.
    Result<std::vector<Claim>> ListForKey(std::string_view key,
                                          std::optional<std::string_view> key_type,
                                          const Ispb& participant);

    // A page of the participant's claims. kInvalidArgument naming role, status, page or
    // pageSize when one is malformed or out of range (pageSize 1..100, default 20; page >= 1).
    Result<ClaimPage> List(const ListClaimsQuery& query, const Ispb& participant);

    // The participant's notifications, oldest first: `acknowledged` true/false filters,
    // `limit` 1..200 (default 100), `offset` >= 0. kInvalidArgument naming a bad parameter.
    Result<std::vector<EventNotification>> ListNotifications(const ListNotificationsQuery& query,
                                                             const Ispb& participant);
    // Acknowledges the participant's own notifications among `notification_ids` (at most 200);
    // returns how many were newly acknowledged. Another participant's ids, unknown ids and ids
    // already acknowledged count for nothing and change nothing.
    Result<std::int64_t> Acknowledge(const std::vector<std::string>& notification_ids,
                                     const Ispb& participant);

    // The deadline jobs. Idempotent; a claim that is gone or no longer in the status the deadline
    // acts on is left alone (ok). kUnavailable when run before the deadline (the job retries).
    Status RunDonorNotification(std::string_view claim_id);
    Status RunDonorDeadline(std::string_view claim_id);
    Status RunClaimerDeadline(std::string_view claim_id);

    // Registers the three deadline kinds on `scheduler` (their payload is the claim id).
    // REQUIRES: the service outlives the scheduler's running.
    void RegisterJobHandlers(jobs::Scheduler& scheduler);

 private:
    DictStore& entries_;
    ClaimStore& claims_;
    const Clock& clock_;
    std::function<void(std::string_view key)> key_change_listener_;
};

}  // namespace dictra::dict
