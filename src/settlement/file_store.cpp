// Settlement's payment-file tables: settlement_file_imports and settlement_file_records
// (migration 5, store.cpp).
#include <vector>

#include "core/check.hpp"
#include "core/time.hpp"
#include "settlement/store.hpp"
#include "settlement/store_rows.hpp"

namespace dictra::settlement {
namespace {

std::int64_t Micros(SystemTimePoint at) {
    return at.time_since_epoch().count();
}
SystemTimePoint FromMicros(std::int64_t us) {
    return SystemTimePoint(std::chrono::microseconds(us));
}
db::Value OptionalText(const std::optional<std::string>& text) {
    return text ? db::Text(*text) : db::Value(db::Null{});
}
db::Value OptionalMicros(const std::optional<SystemTimePoint>& at) {
    return at ? db::Value(Micros(*at)) : db::Value(db::Null{});
}
std::optional<SystemTimePoint> OptionalTime(const db::Row& row, std::string_view column) {
    if (auto us = row.GetOptionalInt64(column)) return FromMicros(*us);
    return std::nullopt;
}

constexpr std::string_view kSelectFileColumns =
    "SELECT id, unique_id, filename, file_type, file_size, file_hash, stored_path, status, "
    "total_records, processed_records, failed_records, skipped_records, success_records, "
    "debtor_ispb, owner_ispb, failure_reason, created_by, started_at_us, completed_at_us, "
    "created_at_us, updated_at_us FROM settlement_file_imports";

constexpr std::string_view kSelectRecordColumns =
    "SELECT id, file_import_id, record_number, line_number, raw_data, status, payment_json, "
    "payment_request_id, reason, processed_at_us, created_at_us FROM settlement_file_records";

FileImport ReadFile(const db::Row& row) {
    FileImport file;
    file.id = row.GetInt64("id");
    file.unique_id = row.GetText("unique_id");
    file.filename = row.GetText("filename");
    auto type = FileTypeFromString(row.GetText("file_type"));
    DICTRA_CHECK(type.has_value());
    file.file_type = *type;
    file.file_size = static_cast<std::uint64_t>(row.GetInt64("file_size"));
    file.file_hash = row.GetText("file_hash");
    file.stored_path = row.GetText("stored_path");
    auto status = FileImportStatusFromString(row.GetText("status"));
    DICTRA_CHECK(status.has_value());
    file.status = *status;
    file.total_records = row.GetInt64("total_records");
    file.processed_records = row.GetInt64("processed_records");
    file.failed_records = row.GetInt64("failed_records");
    file.skipped_records = row.GetInt64("skipped_records");
    file.success_records = row.GetInt64("success_records");
    file.debtor_ispb = row.GetOptionalText("debtor_ispb");
    file.owner_ispb = row.GetOptionalText("owner_ispb");
    file.failure_reason = row.GetOptionalText("failure_reason");
    file.created_by = row.GetText("created_by");
    file.started_at = OptionalTime(row, "started_at_us");
    file.completed_at = OptionalTime(row, "completed_at_us");
    file.created_at = FromMicros(row.GetInt64("created_at_us"));
    file.updated_at = FromMicros(row.GetInt64("updated_at_us"));
    return file;
}

FileRecord ReadRecord(const db::Row& row) {
    FileRecord record;
    record.id = row.GetInt64("id");
    record.file_import_id = row.GetInt64("file_import_id");
    record.record_number = row.GetInt64("record_number");
    record.line_number = row.GetInt64("line_number");
    record.raw_data = row.GetText("raw_data");
    auto status = FileRecordStatusFromString(row.GetText("status"));
    DICTRA_CHECK(status.has_value());
    record.status = *status;
    record.payment_json = row.GetOptionalText("payment_json");
    record.payment_request_id = row.GetOptionalInt64("payment_request_id");
    record.reason = row.GetOptionalText("reason");
    record.processed_at = OptionalTime(row, "processed_at_us");
    record.created_at = FromMicros(row.GetInt64("created_at_us"));
    return record;
}

Error DuplicateFile(const FileImport& earlier) {
    return Error::AlreadyExists("file was already imported as file import " +
                                std::to_string(earlier.id) + " (" + earlier.filename +
                                ", uploaded " + FormatRfc3339(earlier.created_at) + " by " +
                                earlier.created_by + ")")
        .WithReason("DUPLICATE_FILE");
}

// Every counter of an import from its records.
Status RefreshCounters(db::Transaction& tx, std::int64_t file_import_id, SystemTimePoint now) {
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        tx.Query("SELECT status, COUNT(*) AS n FROM settlement_file_records WHERE "
                 "file_import_id = ? GROUP BY status",
                 {file_import_id}));
    std::int64_t success = 0, failed = 0, skipped = 0, total = 0;
    for (const db::Row& row : rows) {
        const std::string status = row.GetText("status");
        const std::int64_t count = row.GetInt64("n");
        total += count;
        if (status == ToString(FileRecordStatus::kSuccess)) success = count;
        if (status == ToString(FileRecordStatus::kFailed)) failed = count;
        if (status == ToString(FileRecordStatus::kSkipped)) skipped = count;
    }
    auto updated = tx.Execute(
        "UPDATE settlement_file_imports SET total_records = ?, processed_records = ?, "
        "failed_records = ?, skipped_records = ?, success_records = ?, updated_at_us = ? "
        "WHERE id = ?",
        {total, success + failed, failed, skipped, success, Micros(now), file_import_id});
    if (!updated.ok()) return std::move(updated).error();
    return Ok();
}

Result<std::optional<FileImport>> FileById(db::Transaction& tx, std::int64_t id) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<db::Row> row,
                            tx.QueryFirst(std::string(kSelectFileColumns) + " WHERE id = ?", {id}));
    if (!row) return std::optional<FileImport>();
    return std::optional<FileImport>(ReadFile(*row));
}

}  // namespace

Result<FileImport> SettlementStore::InsertFileImport(FileImport file, const RecordSource& next) {
    return database_.Write([&](db::Transaction& tx) -> Result<FileImport> {
        DICTRA_ASSIGN_OR_RETURN(
            std::optional<db::Row> earlier,
            tx.QueryFirst(std::string(kSelectFileColumns) + " WHERE file_hash = ?",
                          {db::Text(file.file_hash)}));
        if (earlier) return DuplicateFile(ReadFile(*earlier));
        auto inserted = tx.Query(
            "INSERT INTO settlement_file_imports (unique_id, filename, file_type, file_size, "
            "file_hash, stored_path, status, total_records, processed_records, failed_records, "
            "skipped_records, success_records, debtor_ispb, owner_ispb, failure_reason, "
            "created_by, started_at_us, completed_at_us, created_at_us, updated_at_us) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, NULL, ?, NULL, NULL, ?, ?) RETURNING id",
            {db::Text(file.unique_id), db::Text(file.filename), db::Text(ToString(file.file_type)),
             static_cast<std::int64_t>(file.file_size), db::Text(file.file_hash),
             db::Text(file.stored_path), db::Text(ToString(file.status)),
             OptionalText(file.debtor_ispb), OptionalText(file.owner_ispb),
             db::Text(file.created_by), Micros(file.created_at), Micros(file.updated_at)});
        if (!inserted.ok()) {
            if (inserted.error().code == ErrorCode::kAlreadyExists)
                return Error::AlreadyExists("file was already imported")
                    .WithReason("DUPLICATE_FILE");
            return std::move(inserted).error();
        }
        DICTRA_CHECK(inserted->size() == 1);
        file.id = (*inserted)[0].GetInt64("id");
        for (;;) {
            DICTRA_ASSIGN_OR_RETURN(std::optional<FileRecord> record, next());
            if (!record) break;
            DICTRA_RETURN_IF_ERROR(tx.Execute(
                "INSERT INTO settlement_file_records (file_import_id, record_number, "
                "line_number, raw_data, status, payment_json, payment_request_id, reason, "
                "processed_at_us, created_at_us) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                {file.id, static_cast<std::int64_t>(file.total_records + 1), record->line_number,
                 db::Text(record->raw_data), db::Text(ToString(record->status)),
                 OptionalText(record->payment_json), OptionalText(record->reason),
                 OptionalMicros(record->processed_at), Micros(record->created_at)}));
            ++file.total_records;
            if (record->status == FileRecordStatus::kSkipped) ++file.skipped_records;
        }
        DICTRA_RETURN_IF_ERROR(RefreshCounters(tx, file.id, file.updated_at));
        return file;
    });
}

Result<std::optional<FileImport>> SettlementStore::GetFileImport(std::int64_t id) {
    return database_.Read([&](db::Connection& connection) -> Result<std::optional<FileImport>> {
        DICTRA_ASSIGN_OR_RETURN(
            std::optional<db::Row> row,
            connection.QueryFirst(std::string(kSelectFileColumns) + " WHERE id = ?", {id}));
        if (!row) return std::optional<FileImport>();
        return std::optional<FileImport>(ReadFile(*row));
    });
}

Result<std::optional<FileImport>> SettlementStore::GetFileImportByHash(std::string_view file_hash) {
    return database_.Read([&](db::Connection& connection) -> Result<std::optional<FileImport>> {
        DICTRA_ASSIGN_OR_RETURN(
            std::optional<db::Row> row,
            connection.QueryFirst(std::string(kSelectFileColumns) + " WHERE file_hash = ?",
                                  {db::Text(std::string(file_hash))}));
        if (!row) return std::optional<FileImport>();
        return std::optional<FileImport>(ReadFile(*row));
    });
}

Result<FileImportPage> SettlementStore::ListFileImports(const FileImportFilter& filter) {
    std::string where = " WHERE 1 = 1";
    std::vector<db::Value> params;
    if (filter.status) {
        where += " AND status = ?";
        params.push_back(db::Text(ToString(*filter.status)));
    }
    if (filter.file_type) {
        where += " AND file_type = ?";
        params.push_back(db::Text(ToString(*filter.file_type)));
    }
    if (filter.created_by) {
        where += " AND created_by = ?";
        params.push_back(db::Text(*filter.created_by));
    }
    if (filter.owner_ispb) {
        where += " AND owner_ispb = ?";
        params.push_back(db::Text(*filter.owner_ispb));
    }
    return database_.Read([&](db::Connection& connection) -> Result<FileImportPage> {
        FileImportPage page{.limit = filter.limit, .offset = filter.offset};
        DICTRA_ASSIGN_OR_RETURN(
            std::vector<db::Row> counted,
            connection.Query("SELECT COUNT(*) AS total FROM settlement_file_imports" + where,
                             params));
        page.total = counted.at(0).GetInt64("total");
        std::vector<db::Value> page_params = params;
        page_params.push_back(filter.limit);
        page_params.push_back(filter.offset);
        DICTRA_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                                connection.Query(std::string(kSelectFileColumns) + where +
                                                     " ORDER BY id DESC LIMIT ? OFFSET ?",
                                                 page_params));
        for (const db::Row& row : rows) page.data.push_back(ReadFile(row));
        return page;
    });
}

Result<FileRecordPage> SettlementStore::ListFileRecords(std::int64_t file_import_id,
                                                        std::optional<FileRecordStatus> status,
                                                        std::int64_t limit, std::int64_t offset) {
    std::string sql = std::string(kSelectRecordColumns) + " WHERE file_import_id = ?";
    std::vector<db::Value> params = {file_import_id};
    if (status) {
        sql += " AND status = ?";
        params.push_back(db::Text(ToString(*status)));
    }
    sql += " ORDER BY record_number LIMIT ? OFFSET ?";
    params.push_back(limit);
    params.push_back(offset);
    return database_.Read([&](db::Connection& connection) -> Result<FileRecordPage> {
        FileRecordPage page{.limit = limit, .offset = offset};
        DICTRA_ASSIGN_OR_RETURN(std::vector<db::Row> rows, connection.Query(sql, params));
        for (const db::Row& row : rows) page.records.push_back(ReadRecord(row));
        return page;
    });
}

Result<FileImport> SettlementStore::ChangeFileImport(std::int64_t id,
                                                     const DecideFileImport& decide) {
    return database_.Write([&](db::Transaction& tx) -> Result<FileImport> {
        DICTRA_ASSIGN_OR_RETURN(std::optional<FileImport> current, FileById(tx, id));
        if (!current) return Error::NotFound("file import not found");
        DICTRA_ASSIGN_OR_RETURN(FileImport next, decide(*current));
        DICTRA_RETURN_IF_ERROR(tx.Execute(
            "UPDATE settlement_file_imports SET status = ?, failure_reason = ?, started_at_us = ?, "
            "completed_at_us = ?, updated_at_us = ? WHERE id = ?",
            {db::Text(ToString(next.status)), OptionalText(next.failure_reason),
             OptionalMicros(next.started_at), OptionalMicros(next.completed_at),
             Micros(next.updated_at), id}));
        return next;
    });
}

Result<std::vector<FileRecord>> SettlementStore::PendingFileRecords(std::int64_t file_import_id,
                                                                    std::size_t limit) {
    return database_.Read([&](db::Connection& connection) -> Result<std::vector<FileRecord>> {
        DICTRA_ASSIGN_OR_RETURN(
            std::vector<db::Row> rows,
            connection.Query(std::string(kSelectRecordColumns) +
                                 " WHERE file_import_id = ? AND status = 'PENDING' "
                                 "ORDER BY record_number LIMIT ?",
                             {file_import_id, static_cast<std::int64_t>(limit)}));
        std::vector<FileRecord> records;
        for (const db::Row& row : rows) records.push_back(ReadRecord(row));
        return records;
    });
}

Result<FileImport> SettlementStore::CommitFileRecords(std::int64_t file_import_id,
                                                      const std::vector<RecordDecision>& decisions,
                                                      const std::string& changed_by,
                                                      SystemTimePoint now) {
    return database_.Write([&](db::Transaction& tx) -> Result<FileImport> {
        std::int64_t succeeded = 0;
        std::int64_t failed = 0;
        for (const RecordDecision& decision : decisions) {
            DICTRA_ASSIGN_OR_RETURN(
                std::optional<db::Row> record,
                tx.QueryFirst("SELECT status FROM settlement_file_records WHERE id = ? AND "
                              "file_import_id = ?",
                              {decision.record_id, file_import_id}));
            if (!record || record->GetText("status") != ToString(FileRecordStatus::kPending))
                continue;  // done by an earlier run of this step
            if (decision.payment) {
                std::int64_t payment_id = 0;
                DICTRA_ASSIGN_OR_RETURN(
                    std::optional<db::Row> existing,
                    tx.QueryFirst("SELECT id FROM settlement_payment_requests WHERE "
                                  "idempotency_key = ?",
                                  {db::Text(decision.idempotency_key)}));
                if (existing) {
                    payment_id = existing->GetInt64("id");
                } else {
                    DICTRA_ASSIGN_OR_RETURN(
                        payment_id,
                        store_rows::InsertPayment(tx, *decision.payment, decision.idempotency_key,
                                                  decision.idempotency_key, changed_by));
                }
                DICTRA_RETURN_IF_ERROR(tx.Execute(
                    "UPDATE settlement_file_records SET status = 'SUCCESS', "
                    "payment_request_id = ?, reason = NULL, processed_at_us = ? WHERE id = ?",
                    {payment_id, Micros(now), decision.record_id}));
                ++succeeded;
            } else {
                DICTRA_RETURN_IF_ERROR(tx.Execute(
                    "UPDATE settlement_file_records SET status = 'FAILED', reason = ?, "
                    "processed_at_us = ? WHERE id = ?",
                    {db::Text(decision.failure_reason), Micros(now), decision.record_id}));
                ++failed;
            }
        }
        // Only PENDING records changed, each to SUCCESS or FAILED: the counters move by what this
        // batch did. Counting every record of the import again here made processing quadratic
        // (a 500,000-payment file scanned its records 2,500 times).
        DICTRA_RETURN_IF_ERROR(tx.Execute(
            "UPDATE settlement_file_imports SET processed_records = processed_records + ?, "
            "failed_records = failed_records + ?, success_records = success_records + ?, "
            "updated_at_us = ? WHERE id = ?",
            {succeeded + failed, failed, succeeded, Micros(now), file_import_id}));
        DICTRA_ASSIGN_OR_RETURN(std::optional<FileImport> file, FileById(tx, file_import_id));
        if (!file) return Error::NotFound("file import not found");
        return std::move(*file);
    });
}

Result<std::vector<PaymentRequest>> SettlementStore::PaymentsForExport(const ExportFilter& filter) {
    std::string where = " WHERE 1 = 1";
    std::vector<db::Value> params;
    store_rows::AppendPaymentConditions(filter.payments, where, params);
    if (filter.created_from) {
        where += " AND created_at_us >= ?";
        params.push_back(Micros(*filter.created_from));
    }
    if (filter.created_until) {
        where += " AND created_at_us < ?";
        params.push_back(Micros(*filter.created_until));
    }
    params.push_back(filter.payments.limit);
    return database_.Read([&](db::Connection& connection) -> Result<std::vector<PaymentRequest>> {
        DICTRA_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                                connection.Query(std::string(store_rows::SelectPaymentColumns()) +
                                                     where + " ORDER BY id LIMIT ?",
                                                 params));
        std::vector<PaymentRequest> found;
        for (const db::Row& row : rows) found.push_back(store_rows::ReadPaymentRow(row));
        return found;
    });
}

}  // namespace dictra::settlement
