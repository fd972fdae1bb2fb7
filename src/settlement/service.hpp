// Settlement's business rules. No HTTP here: routes parse and render, this decides.
//
// Payment requests (spec "Payment Requests"):
//   - Create validates every schema rule (VALIDATION_ERROR naming the field), stores the request
//     and its first history row. A scheduled_date in the future makes it SCHEDULED, else PENDING.
//   - An Idempotency-Key header, or else external_id, makes a retried create return the first
//     request (created = false); the same key with a different request is kConflict.
//   - Status changes follow IsAllowedTransition; others are INVALID_TRANSITION (400). PROCESSING
//     is refused while scheduled_date is in the future. COMPLETED sets processed_at and an
//     end_to_end_id (the caller's, if valid, else minted for the debtor ISPB).
// Credit confirmation (spec "Credit Confirmation"), one per request:
//   - only a COMPLETED request (else INVALID_TRANSITION), `amount` equal to the request's amount
//     (else VALIDATION_ERROR naming amount / confirmed_amount), confirmed_by = the token's sub;
//     a second confirmation is kConflict.
//   - A principal with an ISPB sees and changes only requests where it is debtor or creditor;
//     others look absent (kNotFound) so their ids reveal nothing.
#pragma once

#include <cstdint>

#include "core/auth/principal.hpp"
#include "core/clock.hpp"
#include "settlement/model.hpp"
#include "settlement/store.hpp"

namespace dictra::settlement {

class SettlementService {
 public:
    SettlementService(SettlementStore& store, const Clock& clock) : store_(store), clock_(clock) {}

    Readiness CheckReadiness() { return Readiness{store_.Ping().ok()}; }

    // Errors: kInvalidArgument (field named), kPermissionDenied (participant token that is
    // neither debtor nor creditor), kConflict (idempotency key reused with another request).
    Result<CreateOutcome> Create(const CreatePaymentCommand& command,
                                 const auth::Principal& principal);

    // kNotFound when absent or not visible to `principal`.
    Result<PaymentRequest> Get(std::int64_t id, const auth::Principal& principal);

    // kInvalidArgument for a bad filter, limit (1..100) or offset (>= 0).
    Result<PaymentPage> List(const ListQuery& query, const auth::Principal& principal);

    // PENDING or SCHEDULED -> CANCELLED; else INVALID_TRANSITION. Unchanged on error.
    Result<PaymentRequest> Cancel(std::int64_t id, const auth::Principal& principal);

    // Unchanged on error.
    Result<PaymentRequest> UpdateStatus(std::int64_t id, const StatusUpdateCommand& command,
                                        const auth::Principal& principal);

    // Errors: kNotFound (request absent or not visible), kInvalidArgument (amount differs from
    // the request's, notes too long), kFailedPrecondition (request not COMPLETED), kConflict
    // (already confirmed).
    Result<CreditConfirmation> ConfirmCredit(std::int64_t id, const ConfirmCreditCommand& command,
                                             const auth::Principal& principal);

    // kNotFound "payment request not found" / "credit confirmation not found".
    Result<CreditConfirmation> GetCreditConfirmation(std::int64_t id,
                                                     const auth::Principal& principal);

    // Every status change of a visible request, oldest first (not served over HTTP yet).
    Result<std::vector<StatusHistoryEntry>> History(std::int64_t id,
                                                    const auth::Principal& principal);

 private:
    Result<PaymentRequest> Transition(std::int64_t id, PaymentStatus to,
                                      const std::optional<std::string>& end_to_end_id,
                                      const auth::Principal& principal);

    SettlementStore& store_;
    const Clock& clock_;
};

// "12345" -> 12345: a path id must be a positive decimal integer that fits in int64.
Result<std::int64_t> ParsePaymentId(std::string_view text);

}  // namespace dictra::settlement
