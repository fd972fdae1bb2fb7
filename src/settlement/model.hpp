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
#include "settlement/recurrence.hpp"

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
    std::string unique_id;  // UUIDv7 (time-ordered; see NewUuidV7)
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
    std::string unique_id;  // UUIDv7 (time-ordered; see NewUuidV7)
    std::int64_t payment_request_id = 0;
    std::string status{kConfirmationStatusConfirmed};
    SystemTimePoint confirmed_at;
    std::string confirmed_by;  // the token's sub
    std::int64_t confirmed_amount_centavos = 0;
    std::optional<std::string> notes;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

// ---- Schedules (spec "Schedules") ----

enum class ScheduleStatus { kActive, kPaused, kCompleted, kCancelled };

std::string_view ToString(ScheduleStatus status);
std::optional<ScheduleStatus> ScheduleStatusFromString(std::string_view text);

// Not in the document: bounds what one schedule may make the runner do.
inline constexpr std::int64_t kScheduleOccurrencesMax = 100'000;
inline constexpr std::size_t kFailureReasonBytesMax = 500;

// POST /schedules, fields as the caller sent them (JSON types already checked by the routes).
struct CreateScheduleCommand {
    std::int64_t payment_request_id = 0;
    std::string type;
    std::string scheduled_date;
    std::optional<std::string> scheduled_time;
    std::optional<std::string> recurrence_end_date;
    std::optional<std::int64_t> max_occurrences;
    std::optional<std::int64_t> day_of_week;
    std::optional<std::int64_t> day_of_month;
};

// A field of an update: absent (keep), null (clear, where allowed) or a value.
template <typename T>
struct Patch {
    bool present = false;
    std::optional<T> value;  // nullopt with present = true: the caller sent null
};

// PUT /schedules/{id}: only the fields present change.
struct UpdateScheduleCommand {
    Patch<std::string> type;
    Patch<std::string> scheduled_date;
    Patch<std::string> scheduled_time;
    Patch<std::string> recurrence_end_date;
    Patch<std::int64_t> max_occurrences;
    Patch<std::int64_t> day_of_week;
    Patch<std::int64_t> day_of_month;
    // Read-only; refused when it names another payment request.
    std::optional<std::int64_t> payment_request_id;
};

struct Schedule {
    std::int64_t id = 0;
    std::string unique_id;                // UUIDv7
    std::int64_t payment_request_id = 0;  // the template each run copies
    Recurrence recurrence;
    std::optional<std::int64_t> max_occurrences;
    ScheduleStatus status = ScheduleStatus::kActive;
    std::optional<SystemTimePoint> next_run_at;  // none once COMPLETED or CANCELLED
    std::int64_t run_count = 0;
    std::int64_t fail_count = 0;
    std::optional<SystemTimePoint> last_run_at;
    std::optional<std::int64_t> last_payment_request_id;
    std::optional<std::string> last_failure_reason;
    // The participant that created it (nullopt: the platform operator); only it sees it.
    std::optional<std::string> owner_ispb;
    std::string created_by;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

struct ScheduleListQuery {
    std::optional<std::string> status;
    std::optional<std::string> type;
    std::optional<std::string> is_due;
    std::optional<std::string> limit;
    std::optional<std::string> offset;
};

struct ScheduleFilter {
    std::optional<ScheduleStatus> status;
    std::optional<ScheduleType> type;
    // true: ACTIVE with next_run_at <= due_at; false: every other schedule.
    std::optional<bool> is_due;
    SystemTimePoint due_at;
    std::optional<std::string> owner_ispb;
    std::int64_t limit = kListLimitDefault;
    std::int64_t offset = 0;
};

struct SchedulePage {
    std::vector<Schedule> data;
    std::int64_t total = 0;
    std::int64_t limit = kListLimitDefault;
    std::int64_t offset = 0;
};

// One row of settlement_schedule_runs: what happened in one slot of one schedule. The pair
// (schedule_id, slot) is UNIQUE: the run key that makes every slot run at most once.
struct ScheduleRun {
    std::int64_t schedule_id = 0;
    SystemTimePoint slot;
    std::optional<std::int64_t> payment_request_id;  // SUCCESS
    std::optional<std::string> failure_reason;       // FAILED
    SystemTimePoint ran_at;
};

// What one pass of the background runner did.
struct RunnerPass {
    std::size_t schedules_run = 0;
    std::size_t schedules_failed = 0;
    std::size_t payments_released = 0;  // SCHEDULED -> PENDING
};

}  // namespace dictra::settlement
