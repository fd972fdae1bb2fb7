// Settlement's tables (prefix `settlement_`) and the SQL that reads and writes them.
//
// Every write goes through Database::Write, so when a method returns the change is durable.
// The store keeps no rules of its own: status changes are decided by a function the service
// passes in, run inside the write so the read-decide-update is atomic.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>

#include "core/db/database.hpp"
#include "settlement/file_model.hpp"
#include "settlement/model.hpp"
#include "settlement/qr_model.hpp"

namespace dictra::settlement {

class SettlementStore {
 public:
    explicit SettlementStore(db::Database& database) : database_(database) {}

    // The versioned schema of the settlement service, applied with Database::Migrate("settlement").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }

    // What InsertAsync did, and the fingerprint of the request stored under the key.
    struct InsertOutcome {
        CreateOutcome outcome;
        std::string stored_fingerprint;
    };
    using InsertDone = std::function<void(Result<InsertOutcome>)>;

    // Inserts `payment` (its id is assigned here) and its creation history row, unless
    // `idempotency_key` is set and a request already holds it: then nothing is written and the
    // existing request comes back with created = false and its own fingerprint. `done` runs once
    // the insert is durable (on one of the database's threads; see Database::WriteAsync), so the
    // caller's thread is free meanwhile.
    void InsertAsync(PaymentRequest payment, std::optional<std::string> idempotency_key,
                     std::string fingerprint, std::string changed_by, InsertDone done);

    Result<std::optional<PaymentRequest>> Get(std::int64_t id);

    Result<PaymentPage> List(const PaymentFilter& filter);

    // Reads request `id` (kNotFound if absent), asks `decide` for its new state, and stores that
    // state with a history row from the old status to the new one, all in one write. An error of
    // `decide` is returned and nothing changes.
    using Decide = std::function<Result<PaymentRequest>(const PaymentRequest& current)>;
    Result<PaymentRequest> ChangeStatus(std::int64_t id, const std::string& changed_by,
                                        const Decide& decide);

    // History rows of one request, oldest first.
    Result<std::vector<StatusHistoryEntry>> History(std::int64_t id);

    // Inserts `confirmation` (its id is assigned here). kAlreadyExists when its payment request
    // already has one: the UNIQUE column decides, so concurrent confirmations store exactly one.
    Result<CreditConfirmation> InsertConfirmation(const CreditConfirmation& confirmation);

    Result<std::optional<CreditConfirmation>> GetConfirmation(std::int64_t payment_request_id);

    // ---- schedules ----

    // Inserts `schedule` (its id is assigned here) and returns it.
    Result<Schedule> InsertSchedule(const Schedule& schedule);

    Result<std::optional<Schedule>> GetSchedule(std::int64_t id);

    Result<SchedulePage> ListSchedules(const ScheduleFilter& filter);

    // Reads schedule `id` (kNotFound if absent), asks `decide` for its new state and stores it,
    // in one write. An error of `decide` is returned and nothing changes.
    using DecideSchedule = std::function<Result<Schedule>(const Schedule& current)>;
    Result<Schedule> ChangeSchedule(std::int64_t id, const DecideSchedule& decide);

    // ACTIVE schedules whose next_run_at is at or before `now`, earliest first, at most `limit`.
    Result<std::vector<Schedule>> DueSchedules(SystemTimePoint now, std::size_t limit);

    // Records the run of `current`'s slot (current.next_run_at) in one write: stores `next` as
    // the schedule's new state, inserts `payment` (when the run succeeded; its id becomes
    // next.last_payment_request_id and the run's payment_request_id) with its creation history
    // row, and the run row. Only if the schedule is still ACTIVE with the same next_run_at:
    // otherwise (another runner did it, or it was paused, changed or cancelled meanwhile)
    // nothing is written and nullopt comes back.
    Result<std::optional<Schedule>> CommitRun(const Schedule& current, Schedule next,
                                              const std::optional<PaymentRequest>& payment,
                                              const std::string& changed_by);

    // The runs of one schedule, oldest slot first.
    Result<std::vector<ScheduleRun>> Runs(std::int64_t schedule_id);

    // Moves up to `limit` SCHEDULED requests whose scheduled_date is at or before `now` to
    // PENDING, each with a history row by `changed_by`. Returns how many moved.
    Result<std::size_t> ReleaseDuePayments(SystemTimePoint now, std::size_t limit,
                                           const std::string& changed_by);

    // ---- QR codes (qr_store.cpp) ----

    // Inserts `code` (its id is assigned here). kAlreadyExists when another code holds its
    // tx_id or unique_id: the UNIQUE columns decide, so concurrent generates store one.
    Result<QrCode> InsertQrCode(const QrCode& code);

    Result<std::optional<QrCode>> GetQrCode(std::int64_t id);
    Result<std::optional<QrCode>> GetQrCodeByTxId(std::string_view tx_id);
    Result<std::optional<QrCode>> GetQrCodeByUniqueId(std::string_view unique_id);
    // The most recent code with exactly this payload.
    Result<std::optional<QrCode>> GetQrCodeByPayload(std::string_view payload);

    // Reads code `id` (kNotFound "QR code not found" if absent), asks `decide` for its new state
    // and stores it, in one write. An error of `decide` is returned and nothing changes.
    using DecideQrCode = std::function<Result<QrCode>(const QrCode& current)>;
    Result<QrCode> ChangeQrCode(std::int64_t id, const DecideQrCode& decide);

    // ---- payment files (file_store.cpp) ----

    // Gives the records of an import one at a time (nullopt at the end); an error stops the
    // insert and nothing of the import is kept.
    using RecordSource = std::function<Result<std::optional<FileRecord>>()>;

    // Inserts `file` (its id is assigned here) and every record `next` gives, in one write, and
    // sets total_records and skipped_records from them. kAlreadyExists, naming the earlier
    // import ("... already imported as file import 12 ..."), when a file with the same hash
    // exists: the UNIQUE file_hash decides, so two concurrent uploads store one.
    Result<FileImport> InsertFileImport(FileImport file, const RecordSource& next);

    Result<std::optional<FileImport>> GetFileImport(std::int64_t id);
    Result<std::optional<FileImport>> GetFileImportByHash(std::string_view file_hash);
    Result<FileImportPage> ListFileImports(const FileImportFilter& filter);
    // Records of one import by line, optionally of one status.
    Result<FileRecordPage> ListFileRecords(std::int64_t file_import_id,
                                           std::optional<FileRecordStatus> status,
                                           std::int64_t limit, std::int64_t offset);

    // Reads import `id` (kNotFound "file import not found"), asks `decide` for its new state
    // and stores it, in one write. Nothing changes on error.
    using DecideFileImport = std::function<Result<FileImport>(const FileImport& current)>;
    Result<FileImport> ChangeFileImport(std::int64_t id, const DecideFileImport& decide);

    // The first `limit` PENDING records of an import, by line.
    Result<std::vector<FileRecord>> PendingFileRecords(std::int64_t file_import_id,
                                                       std::size_t limit);

    // What processing decided for one PENDING record.
    struct RecordDecision {
        std::int64_t record_id = 0;
        std::optional<PaymentRequest> payment;  // create it (SUCCESS); else FAILED
        std::string idempotency_key;            // of the payment: one per (file, record)
        std::string failure_reason;
    };
    // Applies the decisions in one write and refreshes the import's counters. A record that is
    // no longer PENDING is left alone, and a payment whose idempotency key exists is not
    // created again (its id is recorded), so a step run twice creates nothing twice.
    Result<FileImport> CommitFileRecords(std::int64_t file_import_id,
                                         const std::vector<RecordDecision>& decisions,
                                         const std::string& changed_by, SystemTimePoint now);

    // Payment requests for an export: the filter's fields (created_at in [created_from,
    // created_until)), oldest first, at most filter.limit.
    struct ExportFilter {
        PaymentFilter payments;
        std::optional<SystemTimePoint> created_from;
        std::optional<SystemTimePoint> created_until;
    };
    Result<std::vector<PaymentRequest>> PaymentsForExport(const ExportFilter& filter);

 private:
    db::Database& database_;
};

}  // namespace dictra::settlement
