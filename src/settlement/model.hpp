// Settlement's plain data: payment requests, their status history and what the probes report.
// Names follow spec/settlement-service-api.txt ("Payment Requests"); amounts are centavos.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace dictra::settlement {

// What /ready reports: settlement is ready when its database answers.
struct Readiness {
    bool database_connected = false;
};

// The document's status lifecycle. Allowed changes: see IsAllowedTransition.
enum class PaymentStatus { kPending, kProcessing, kCompleted, kFailed, kCancelled, kScheduled };

std::string_view ToString(PaymentStatus status);
// The document's spelling ("PENDING", ...), exact case; nullopt for anything else.
std::optional<PaymentStatus> PaymentStatusFromString(std::string_view text);

// PENDING -> PROCESSING/SCHEDULED/CANCELLED, SCHEDULED -> PENDING/CANCELLED,
// PROCESSING -> COMPLETED/FAILED. Nothing else, and never a status to itself.
bool IsAllowedTransition(PaymentStatus from, PaymentStatus to);

// ISO 20022 cash account types the document allows.
enum class AccountType { kCacc, kSvgs, kSlry, kTran };

std::string_view ToString(AccountType type);
std::optional<AccountType> AccountTypeFromString(std::string_view text);

inline constexpr std::string_view kCurrencyBrl = "BRL";
inline constexpr std::size_t kDescriptionCharsMax = 140;
// Not in the document; bounds what one request may make us store and render.
inline constexpr std::size_t kDiscountsMax = 100;
inline constexpr std::size_t kAdditionalInfoMax = 100;
inline constexpr std::size_t kIdempotencyKeyBytesMax = 255;
inline constexpr std::int64_t kListLimitDefault = 20;
inline constexpr std::int64_t kListLimitMax = 100;
static_assert(kListLimitDefault <= kListLimitMax);

struct Discount {
    SystemTimePoint date;
    std::int64_t amount_centavos = 0;
};

struct AdditionalInfo {
    std::string key;
    std::string value;
};

// One side of a payment.
struct Party {
    std::string ispb;
    std::string document;
    std::optional<std::string> name;
    std::string account_no;
    AccountType account_type = AccountType::kCacc;
    std::optional<std::string> branch;
};

// A create request as the caller sent it, fields still text: the service validates every rule
// (so the rules are tested without HTTP). JSON types were already checked by the routes.
struct CreatePaymentCommand {
    std::optional<std::string> external_id;
    std::int64_t amount_centavos = 0;
    std::optional<std::string> currency;
    struct PartyFields {
        std::string ispb;
        std::string document;
        std::optional<std::string> name;
        std::string account_no;
        std::string account_type;
        std::optional<std::string> branch;
    };
    PartyFields debtor;
    PartyFields creditor;
    std::optional<std::string> description;
    std::optional<std::string> qr_code_data;
    std::optional<std::string> tx_id;
    std::optional<std::string> scheduled_date;
    struct DiscountFields {
        std::string date;
        std::int64_t amount_centavos = 0;
    };
    std::vector<DiscountFields> discounts;
    std::vector<AdditionalInfo> additional_info;
    // The Idempotency-Key header, if any.
    std::optional<std::string> idempotency_key;
};

struct PaymentRequest {
    std::int64_t id = 0;
    std::string unique_id;  // UUIDv4
    std::optional<std::string> external_id;
    PaymentStatus status = PaymentStatus::kPending;
    std::int64_t amount_centavos = 0;
    std::string currency{kCurrencyBrl};
    Party debtor;
    Party creditor;
    std::optional<std::string> description;
    std::optional<std::string> qr_code_data;
    std::optional<std::string> tx_id;
    std::optional<SystemTimePoint> scheduled_date;
    std::vector<Discount> discounts;
    std::vector<AdditionalInfo> additional_info;
    std::optional<std::string> end_to_end_id;
    std::optional<SystemTimePoint> processed_at;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

// What Create did: a new request, or the one an earlier identical create made.
struct CreateOutcome {
    PaymentRequest payment;
    bool created = false;
};

// PUT /payments/{id}/status, already read from JSON.
struct StatusUpdateCommand {
    std::string status;
    std::optional<std::string> end_to_end_id;
};

// GET /payments filters, as query text (validated by the service).
struct ListQuery {
    std::optional<std::string> status;
    std::optional<std::string> debtor_ispb;
    std::optional<std::string> creditor_ispb;
    std::optional<std::string> min_amount;
    std::optional<std::string> max_amount;
    std::optional<std::string> limit;
    std::optional<std::string> offset;
};

// The validated form of ListQuery plus the caller's participant restriction.
struct PaymentFilter {
    std::optional<PaymentStatus> status;
    std::optional<std::string> debtor_ispb;
    std::optional<std::string> creditor_ispb;
    std::optional<std::int64_t> min_amount_centavos;
    std::optional<std::int64_t> max_amount_centavos;
    // Only requests where this ISPB is debtor or creditor (a participant's token).
    std::optional<std::string> participant_ispb;
    std::int64_t limit = kListLimitDefault;
    std::int64_t offset = 0;
};

struct PaymentPage {
    std::vector<PaymentRequest> data;
    std::int64_t total = 0;
    std::int64_t limit = kListLimitDefault;
    std::int64_t offset = 0;
};

// One row of settlement_payment_status_history. `from` is empty for the creation row.
struct StatusHistoryEntry {
    std::int64_t payment_request_id = 0;
    std::optional<PaymentStatus> from;
    PaymentStatus to = PaymentStatus::kPending;
    std::string changed_by;  // the token's sub
    SystemTimePoint changed_at;
};

// POST /payments/{id}/confirm-credit, already read from JSON ("Credit Confirmation").
struct ConfirmCreditCommand {
    std::int64_t amount_centavos = 0;  // the body's `amount`: must equal the payment's amount
    std::optional<std::string> notes;
};

// Not in the document; bounds what one confirmation may make us store.
inline constexpr std::size_t kConfirmationNotesCharsMax = 1000;
// The only status a confirmation has: it exists once the credit was confirmed.
inline constexpr std::string_view kConfirmationStatusConfirmed = "CONFIRMED";

// One row of settlement_credit_confirmations: at most one per payment request.
struct CreditConfirmation {
    std::int64_t id = 0;
    std::string unique_id;  // UUIDv4
    std::int64_t payment_request_id = 0;
    std::string status{kConfirmationStatusConfirmed};
    SystemTimePoint confirmed_at;
    std::string confirmed_by;  // the token's sub
    std::int64_t confirmed_amount_centavos = 0;
    std::optional<std::string> notes;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

}  // namespace dictra::settlement
