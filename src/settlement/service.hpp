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
#include <functional>

#include "core/auth/principal.hpp"
#include "core/clock.hpp"
#include "core/jobs/scheduler.hpp"
#include "formats/brcode/brcode.hpp"
#include "settlement/file_model.hpp"
#include "settlement/model.hpp"
#include "settlement/qr_model.hpp"
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

    // Create without blocking: the rules are checked on the calling thread, and `done` runs
    // with the outcome once the request is durable (on one of the database's threads: it must be
    // quick), or at once with a validation error. REQUIRES: not called from a write function.
    using CreateDone = std::function<void(Result<CreateOutcome>)>;
    void CreateAsync(const CreatePaymentCommand& command, const auth::Principal& principal,
                     CreateDone done);

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

    // ---- schedules (spec "Schedules"; rules in docs/settlement.md) ----

    // The template (payment_request_id) must exist and be visible to `principal`; errors are
    // kInvalidArgument naming the field. next_run_at is the recurrence's first slot.
    Result<Schedule> CreateSchedule(const CreateScheduleCommand& command,
                                    const auth::Principal& principal);
    // kNotFound "schedule not found" when absent or owned by another participant.
    Result<Schedule> GetSchedule(std::int64_t id, const auth::Principal& principal);
    Result<SchedulePage> ListSchedules(const ScheduleListQuery& query,
                                       const auth::Principal& principal);
    // ACTIVE or PAUSED only (else INVALID_TRANSITION). next_run_at becomes the first slot at or
    // after now of the changed recurrence; a schedule left without slots, or whose runs reach a
    // lowered max_occurrences, is COMPLETED.
    Result<Schedule> UpdateSchedule(std::int64_t id, const UpdateScheduleCommand& command,
                                    const auth::Principal& principal);
    // ACTIVE -> PAUSED; else INVALID_TRANSITION.
    Result<Schedule> PauseSchedule(std::int64_t id, const auth::Principal& principal);
    // PAUSED -> ACTIVE with next_run_at = the first slot at or after now (slots missed while
    // paused are skipped, never run in a burst); COMPLETED when none is left.
    Result<Schedule> ResumeSchedule(std::int64_t id, const auth::Principal& principal);
    // ACTIVE or PAUSED -> CANCELLED (final); else INVALID_TRANSITION.
    Result<Schedule> CancelSchedule(std::int64_t id, const auth::Principal& principal);
    // What each slot of a visible schedule did, oldest first.
    Result<std::vector<ScheduleRun>> ScheduleRuns(std::int64_t id,
                                                  const auth::Principal& principal);

    // One pass of the background runner, at the clock's now: moves due SCHEDULED payments to
    // PENDING, then runs due schedules (at most `batch_max` of each). Each run creates a payment
    // request copied from the template and moves the schedule to its next slot, atomically; a
    // slot whose template cannot make a valid request counts in fail_count with the reason.
    // Database errors end the pass (the next pass retries; nothing is half done).
    Result<RunnerPass> RunDue(std::size_t batch_max);

    // ---- QR codes (spec "QR Codes"; qr_service.cpp; choices in docs/settlement.md) ----

    // Where dynamic codes point: host and path without a scheme ("pix.example.com/qr"); a code's
    // URL is base + "/" + unique_id. kInvalidArgument, and the base unchanged, when it is empty,
    // has a scheme or a character a BR Code URL cannot hold, or leaves no room for the UUID.
    Status SetQrLocationBase(std::string base);
    const std::string& qr_location_base() const { return qr_location_base_; }

    // Every rule of the document's types (kInvalidArgument naming the field); kConflict when
    // another code already has the tx_id. The code is stored with its payload before returning.
    Result<QrCode> GenerateQrCode(const GenerateQrCodeCommand& command,
                                  const auth::Principal& principal);
    // kNotFound "QR code not found".
    Result<QrCode> GetQrCode(std::int64_t id);
    Result<QrCode> GetQrCodeByTxId(std::string_view tx_id);
    // A dynamic code becomes "used" (used_count + 1, used_at), a static one "inactive"; neither
    // validates afterwards. kFailedPrecondition (INVALID_TRANSITION) when already deactivated
    // or expired; unchanged on error.
    Result<QrCode> DeactivateQrCode(std::int64_t id);
    // CRC and structure of `payload`, then, for a code generated here, whether it is still
    // active (validated_at is recorded). kInvalidArgument only for an empty or oversized payload.
    Result<QrValidation> ValidateQrPayload(std::string_view payload);
    // The charge behind a dynamic code's URL. kNotFound for an unknown id or a static code.
    Result<QrCode> QrLocation(std::string_view unique_id);
    // The image of code `id`: format "png" (default) or "svg", size in pixels (default
    // kQrImageSizePixelsDefault), as the query string gave them. kInvalidArgument naming
    // "format" or "size"; kNotFound.
    Result<QrImage> QrCodeImage(std::int64_t id, std::optional<std::string_view> format,
                                std::optional<std::string_view> size);
    // The service's clock, for rendering states that depend on time ("expired").
    SystemTimePoint Now() const { return clock_.Now(); }

    // ---- payment files (spec "File Operations"; file_service.cpp; docs/settlement.md) ----

    // Where uploads are kept and how big they may be. Creates files_dir; kUnavailable when it
    // cannot. REQUIRED before ImportFile.
    Status SetFileOptions(FileOptions options);
    const FileOptions& file_options() const { return file_options_; }

    // Registers the processing job's handler on `scheduler`, which ProcessFileImport then uses
    // (so processing survives a restart: the job is durable). REQUIRES: `scheduler` outlives
    // the service.
    void EnableFileProcessing(jobs::Scheduler& scheduler);

    // Checks the uploaded file whole (type, content, every record's shape) and stores it with
    // its records, or refuses it and keeps nothing: kInvalidArgument (file_type, an empty file,
    // content of another type, malformed records with line and position), kAlreadyExists
    // (reason DUPLICATE_FILE, naming the earlier import). On success the file is moved into
    // files_dir; on error the caller removes command.path.
    Result<FileImport> ImportFile(const ImportFileCommand& command,
                                  const auth::Principal& principal);
    // kNotFound "file import not found" when absent or imported by another participant.
    Result<FileImport> GetFileImport(std::int64_t id, const auth::Principal& principal);
    Result<FileImportPage> ListFileImports(const FileImportListQuery& query,
                                           const auth::Principal& principal);
    Result<FileRecordPage> FileRecords(std::int64_t id, const FileRecordQuery& query,
                                       const auth::Principal& principal);
    // UPLOADED (or FAILED, to retry) -> PROCESSING with started_at, and the processing job is
    // scheduled in the same write. Else INVALID_TRANSITION. kUnavailable without a scheduler.
    Result<FileImport> ProcessFileImport(std::int64_t id, const auth::Principal& principal);
    // One processing run of import `id` (the job's work): every PENDING record, in steps of
    // kProcessBatchRecords that each commit with the import's counters, then COMPLETED (or
    // FAILED when every payment record failed). Idempotent: a record is done at most once and a
    // payment is created at most once per record. A no-op unless the import is PROCESSING.
    Status RunFileImport(std::int64_t id);
    // Payments matching the filters, rendered in `format` (default csv). kInvalidArgument for a
    // bad filter, or a payment the format cannot carry (named with its id and field).
    Result<ExportFile> ExportPayments(const ExportQuery& query, const auth::Principal& principal);

 private:
    Result<Schedule> ChangeOwnSchedule(std::int64_t id, const auth::Principal& principal,
                                       const SettlementStore::DecideSchedule& decide);
    Result<bool> RunSlot(const Schedule& schedule, SystemTimePoint now);

    Result<PaymentRequest> Transition(std::int64_t id, PaymentStatus to,
                                      const std::optional<std::string>& end_to_end_id,
                                      const auth::Principal& principal);

    SettlementStore& store_;
    const Clock& clock_;
    std::string qr_location_base_{kQrLocationBaseDefault};
    FileOptions file_options_;
    jobs::Scheduler* file_scheduler_ = nullptr;
};

// The job kind that processes a file import; its unique key is "<id>:<started_at_us>".
inline constexpr std::string_view kFileImportJobKind = "settlement.file_import.process";

// Every schema rule of a create (VALIDATION_ERROR naming the field); the request the command
// describes, with a fresh unique_id, SCHEDULED when scheduled_date is after `now`, else PENDING.
// Not stored and without id. Shared by the API, schedule runs and payment-file imports.
//
// kRequired (the API and schedules): each party needs ISPB, document, account number and
// account type. kIspbOnly (payment files, whose layouts may carry no more, like the document's
// 4-column CSV example): each party needs its ISPB; a document or account number may be empty and
// a missing account type is CACC. What is present is checked the same way.
enum class PartyDetails { kRequired, kIspbOnly };
Result<PaymentRequest> ValidatedPayment(const CreatePaymentCommand& command, SystemTimePoint now,
                                        PartyDetails party_details = PartyDetails::kRequired);

// Who the runner's changes are recorded as (history rows' changed_by).
inline constexpr std::string_view kRunnerActor = "system:schedule-runner";

// "12345" -> 12345: a path id must be a positive decimal integer that fits in int64.
Result<std::int64_t> ParsePaymentId(std::string_view text);

// POST /qr-codes/decode: the BR Code's fields, raw data objects and errors (never fails on a
// bad payload: see Decoded::errors). kInvalidArgument only for an empty payload or one over
// kQrPayloadRequestBytesMax.
Result<formats::brcode::Decoded> DecodeQrPayload(std::string_view payload);

}  // namespace dictra::settlement
