// Payment files: import, list, records, processing and export (spec "File Operations").
#include <boost/json/object.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/auth/principal.hpp"
#include "core/ids.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"
#include "formats/cnab/cnab240_writer.hpp"
#include "formats/cnab/cnab400_writer.hpp"
#include "formats/csv/payment_csv.hpp"
#include "settlement/file_json.hpp"
#include "settlement/file_reader.hpp"
#include "settlement/rule_errors.hpp"
#include "settlement/service.hpp"

namespace dictra::settlement {
namespace {

constexpr std::int64_t kMaxAttemptsBeforeGivingUp = 8;  // jobs::SchedulerOptions::attempts_max

bool CanSeeFile(const auth::Principal& principal, const FileImport& file) {
    return !principal.ispb || file.owner_ispb == principal.ispb;
}

std::chrono::year_month_day Today(SystemTimePoint now) {
    return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now));
}

std::string_view Extension(FileType type) {
    switch (type) {
        case FileType::kCnab240: return ".cnab240";
        case FileType::kCnab400: return ".cnab400";
        case FileType::kCsv: return ".csv";
        case FileType::kJson: return ".json";
    }
    return ".bin";
}

std::string DescribeType(FileType type) {
    switch (type) {
        case FileType::kCnab240: return "a CNAB240 file (lines of 240 bytes)";
        case FileType::kCnab400: return "a CNAB400 file (lines of 400 bytes)";
        case FileType::kCsv: return "a CSV file";
        case FileType::kJson: return "a JSON file";
    }
    return "another type";
}

// A limit and offset of a page: limit 1..limit_max (default limit_default), offset >= 0.
Status ReadPaging(const std::optional<std::string>& limit_text,
                  const std::optional<std::string>& offset_text, std::int64_t limit_default,
                  std::int64_t limit_max, std::int64_t& limit, std::int64_t& offset) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> parsed_limit,
                            ParseNonNegative(limit_text, "limit"));
    if (parsed_limit && (*parsed_limit < 1 || *parsed_limit > limit_max))
        return Invalid("limit", "must be between 1 and " + std::to_string(limit_max));
    limit = parsed_limit.value_or(limit_default);
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> parsed_offset,
                            ParseNonNegative(offset_text, "offset"));
    offset = parsed_offset.value_or(0);
    return Ok();
}

Result<std::optional<SystemTimePoint>> ReadDay(const std::optional<std::string>& text,
                                               const std::string& name) {
    if (!text) return std::optional<SystemTimePoint>();
    auto date = ParseIsoDate(*text);
    if (!date.ok()) return Invalid(name, "must be a date YYYY-MM-DD");
    return std::optional<SystemTimePoint>(std::chrono::sys_days(*date));
}

std::string ExportStamp(SystemTimePoint now) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
    const auto day = std::chrono::floor<std::chrono::days>(seconds);
    const std::chrono::year_month_day date(day);
    const std::chrono::hh_mm_ss time(seconds - day);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%04d%02u%02u_%02ld%02ld%02ld",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long>(time.hours().count()),
                  static_cast<long>(time.minutes().count()),
                  static_cast<long>(time.seconds().count()));
    return stamp;
}

Error Unwritable(const PaymentRequest& payment, ExportFormat format, const Error& error) {
    return Error::InvalidArgument("payment " + std::to_string(payment.id) +
                                      " cannot be written as " + std::string(ToString(format)) +
                                      ": " + error.message,
                                  error.field);
}

}  // namespace

Status SettlementService::SetFileOptions(FileOptions options) {
    if (options.files_dir.empty()) return Error::InvalidArgument("the files directory is empty");
    std::error_code ec;
    std::filesystem::create_directories(options.files_dir, ec);
    if (ec)
        return Error::Unavailable("cannot create the files directory " +
                                  options.files_dir.string() + ": " + ec.message());
    file_options_ = std::move(options);
    return Ok();
}

void SettlementService::EnableFileProcessing(jobs::Scheduler& scheduler) {
    file_scheduler_ = &scheduler;
    scheduler.RegisterHandler(std::string(kFileImportJobKind), [this](const jobs::Job& job) {
        std::int64_t id = 0;
        const char* end = job.payload.data() + job.payload.size();
        auto [ptr, ec] = std::from_chars(job.payload.data(), end, id);
        if (ec != std::errc() || ptr != end) return Ok();  // not ours to retry
        Status ran = RunFileImport(id);
        if (!ran.ok() && job.attempts >= kMaxAttemptsBeforeGivingUp) {
            // The scheduler gives up after this attempt: say so on the import.
            const SystemTimePoint now = clock_.Now();
            (void)store_.ChangeFileImport(id, [&](const FileImport& current) -> Result<FileImport> {
                FileImport next = current;
                if (next.status != FileImportStatus::kProcessing) return next;
                next.status = FileImportStatus::kFailed;
                next.failure_reason = "processing stopped: " + ran.error().message;
                next.completed_at = now;
                next.updated_at = now;
                return next;
            });
        }
        return ran;
    });
}

Result<FileImport> SettlementService::ImportFile(const ImportFileCommand& command,
                                                 const auth::Principal& principal) {
    if (file_options_.files_dir.empty())
        return Error::Unavailable("file imports are not configured");
    std::optional<FileType> type = FileTypeFromString(command.file_type);
    if (!type) return Invalid("file_type", "must be one of CNAB240, CNAB400, CSV, JSON");
    if (command.file_size == 0) return Invalid("file", "is empty (0 bytes)");
    if (command.filename.size() > kFilenameBytesMax)
        return Invalid("filename",
                       "must be at most " + std::to_string(kFilenameBytesMax) + " bytes");
    std::string created_by = principal.sub;
    if (command.created_by && !command.created_by->empty()) {
        if (command.created_by->size() > kCreatedByBytesMax)
            return Invalid("X-User-ID",
                           "must be at most " + std::to_string(kCreatedByBytesMax) + " bytes");
        created_by = *command.created_by;
    }
    std::optional<std::string> debtor_ispb = principal.ispb;
    if (command.debtor_ispb && !command.debtor_ispb->empty()) {
        if (!IsIspb(*command.debtor_ispb))
            return Invalid("debtor_ispb", "must be exactly 8 digits");
        debtor_ispb = *command.debtor_ispb;
    }

    // A file seen before is refused before it is read again.
    DICTRA_ASSIGN_OR_RETURN(std::optional<FileImport> earlier,
                            store_.GetFileImportByHash(command.file_hash));
    if (earlier)
        return Error::AlreadyExists("file was already imported as file import " +
                                    std::to_string(earlier->id) + " (" + earlier->filename +
                                    ", uploaded " + FormatRfc3339(earlier->created_at) + " by " +
                                    earlier->created_by + ")")
            .WithReason("DUPLICATE_FILE");

    DICTRA_ASSIGN_OR_RETURN(FileType looks_like, SniffFileType(command.path));
    const bool cnab_declared = *type == FileType::kCnab240 || *type == FileType::kCnab400;
    // A CNAB file whose lines are all broken does not look like CNAB; its reader says why.
    if (looks_like != *type && !(cnab_declared && looks_like == FileType::kCsv))
        return Invalid("file_type", "is " + std::string(ToString(*type)) +
                                        " but the content looks like " + DescribeType(looks_like));

    const SystemTimePoint now = clock_.Now();
    const FileReadOptions read_options{.debtor_ispb = debtor_ispb.value_or(""),
                                       .today = Today(now)};
    // Pass 1: every record's shape. Nothing is stored unless the whole file is well-formed.
    {
        DICTRA_ASSIGN_OR_RETURN(auto reader,
                                PaymentFileReader::Open(*type, command.path, read_options));
        std::size_t error_count = 0;
        std::string described;
        while (std::optional<FileEntry> entry = reader->Next()) {
            if (entry->kind != FileEntry::Kind::kError) continue;
            if (++error_count <= kImportErrorsReportedMax) {
                if (!described.empty()) described += "; ";
                described += entry->reason;
            }
        }
        if (error_count > 0) {
            std::string message = "file is malformed (" + std::to_string(error_count) +
                                  (error_count == 1 ? " error" : " errors") + "): " + described;
            if (error_count > kImportErrorsReportedMax)
                message +=
                    "; and " + std::to_string(error_count - kImportErrorsReportedMax) + " more";
            return Error::InvalidArgument(std::move(message), "file");
        }
    }

    FileImport file;
    file.unique_id = NewUuidV7(now);
    file.filename =
        command.filename.empty() ? "upload" + std::string(Extension(*type)) : command.filename;
    file.file_type = *type;
    file.file_size = command.file_size;
    file.file_hash = command.file_hash;
    const std::filesystem::path stored =
        file_options_.files_dir / (file.unique_id + std::string(Extension(*type)));
    file.stored_path = stored.string();
    file.status = FileImportStatus::kUploaded;
    file.debtor_ispb = debtor_ispb;
    file.owner_ispb = principal.ispb;
    file.created_by = created_by;
    file.created_at = now;
    file.updated_at = now;

    std::error_code ec;
    std::filesystem::rename(command.path, stored, ec);
    if (ec) return Error::Unavailable("cannot store the uploaded file: " + ec.message());

    // Pass 2: the records, inside the write that stores the import.
    DICTRA_ASSIGN_OR_RETURN(auto reader, PaymentFileReader::Open(*type, stored, read_options));
    auto next = [&]() -> Result<std::optional<FileRecord>> {
        std::optional<FileEntry> entry = reader->Next();
        if (!entry) return std::optional<FileRecord>();
        FileRecord record;
        record.line_number = static_cast<std::int64_t>(entry->line_number);
        record.raw_data = std::move(entry->raw_data);
        record.created_at = now;
        switch (entry->kind) {
            case FileEntry::Kind::kPayment:
                record.status = FileRecordStatus::kPending;
                record.payment_json = json::Serialize(CreatePaymentCommandToJson(*entry->command));
                break;
            case FileEntry::Kind::kSkipped:
                record.status = FileRecordStatus::kSkipped;
                record.reason = entry->reason;
                record.processed_at = now;
                break;
            case FileEntry::Kind::kError:
                // Pass 1 read the same bytes cleanly; the file changed underneath us.
                return Error::Internal("the stored file changed while it was imported");
        }
        return std::optional<FileRecord>(std::move(record));
    };
    auto inserted = store_.InsertFileImport(file, next);
    if (!inserted.ok()) std::filesystem::remove(stored, ec);
    return inserted;
}

Result<FileImport> SettlementService::GetFileImport(std::int64_t id,
                                                    const auth::Principal& principal) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<FileImport> file, store_.GetFileImport(id));
    if (!file || !CanSeeFile(principal, *file)) return Error::NotFound("file import not found");
    return std::move(*file);
}

Result<FileImportPage> SettlementService::ListFileImports(const FileImportListQuery& query,
                                                          const auth::Principal& principal) {
    FileImportFilter filter;
    if (query.status) {
        filter.status = FileImportStatusFromString(*query.status);
        if (!filter.status)
            return Invalid("status", "must be one of UPLOADED, PROCESSING, COMPLETED, FAILED");
    }
    if (query.file_type) {
        filter.file_type = FileTypeFromString(*query.file_type);
        if (!filter.file_type)
            return Invalid("file_type", "must be one of CNAB240, CNAB400, CSV, JSON");
    }
    filter.created_by = query.created_by;
    DICTRA_RETURN_IF_ERROR(ReadPaging(query.limit, query.offset, kListLimitDefault, kListLimitMax,
                                      filter.limit, filter.offset));
    filter.owner_ispb = principal.ispb;
    return store_.ListFileImports(filter);
}

Result<FileRecordPage> SettlementService::FileRecords(std::int64_t id, const FileRecordQuery& query,
                                                      const auth::Principal& principal) {
    std::optional<FileRecordStatus> status;
    if (query.status) {
        status = FileRecordStatusFromString(*query.status);
        if (!status) return Invalid("status", "must be one of PENDING, SUCCESS, FAILED, SKIPPED");
    }
    std::int64_t limit = 0;
    std::int64_t offset = 0;
    DICTRA_RETURN_IF_ERROR(ReadPaging(query.limit, query.offset, kRecordsLimitDefault,
                                      kRecordsLimitMax, limit, offset));
    DICTRA_RETURN_IF_ERROR(GetFileImport(id, principal));
    return store_.ListFileRecords(id, status, limit, offset);
}

Result<FileImport> SettlementService::ProcessFileImport(std::int64_t id,
                                                        const auth::Principal& principal) {
    if (file_scheduler_ == nullptr) return Error::Unavailable("file processing is not running");
    DICTRA_RETURN_IF_ERROR(GetFileImport(id, principal));
    const SystemTimePoint now = clock_.Now();
    jobs::Scheduler& scheduler = *file_scheduler_;
    DICTRA_ASSIGN_OR_RETURN(
        FileImport started,
        store_.ChangeFileImport(id, [&](const FileImport& current) -> Result<FileImport> {
            if (current.status != FileImportStatus::kUploaded &&
                current.status != FileImportStatus::kFailed)
                return InvalidTransition("cannot process file import in " +
                                         std::string(ToString(current.status)) + " status");
            FileImport next = current;
            next.status = FileImportStatus::kProcessing;
            next.started_at = now;
            next.completed_at.reset();
            next.failure_reason.reset();
            next.updated_at = now;
            return next;
        }));
    // The job is keyed by this start, so scheduling it again for the same start is a no-op and
    // a later retry (after FAILED) gets a job of its own.
    const std::string key =
        std::to_string(id) + ":" + std::to_string(started.started_at->time_since_epoch().count());
    auto scheduled = scheduler.Schedule(kFileImportJobKind, key, now, std::to_string(id));
    if (!scheduled.ok()) {
        // Without its job the import would stay PROCESSING: put it back.
        (void)store_.ChangeFileImport(id, [&](const FileImport& current) -> Result<FileImport> {
            FileImport next = current;
            next.status = FileImportStatus::kFailed;
            next.failure_reason = "could not start processing: " + scheduled.error().message;
            next.updated_at = now;
            return next;
        });
        return std::move(scheduled).error();
    }
    return started;
}

Status SettlementService::RunFileImport(std::int64_t id) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<FileImport> file, store_.GetFileImport(id));
    if (!file || file->status != FileImportStatus::kProcessing) return Ok();
    FileImport current = *file;
    for (;;) {
        DICTRA_ASSIGN_OR_RETURN(std::vector<FileRecord> pending,
                                store_.PendingFileRecords(id, kProcessBatchRecords));
        if (pending.empty()) break;
        const SystemTimePoint now = clock_.Now();
        std::vector<SettlementStore::RecordDecision> decisions;
        for (const FileRecord& record : pending) {
            SettlementStore::RecordDecision decision;
            decision.record_id = record.id;
            decision.idempotency_key =
                "file:" + current.unique_id + ":record:" + std::to_string(record.record_number);
            auto parsed = json::ParseObject(record.payment_json.value_or(""));
            if (!parsed.ok()) {
                decision.failure_reason = "stored record is unreadable: " + parsed.error().message;
                decisions.push_back(std::move(decision));
                continue;
            }
            auto command = CreatePaymentCommandFromJson(*parsed);
            Result<PaymentRequest> payment =
                command.ok() ? ValidatedPayment(*command, now, PartyDetails::kIspbOnly)
                             : Result<PaymentRequest>(command.error());
            if (!payment.ok()) {
                decision.failure_reason = payment.error().message;
            } else if (current.owner_ispb && *current.owner_ispb != payment->debtor.ispb &&
                       *current.owner_ispb != payment->creditor.ispb) {
                decision.failure_reason = "the importing participant " + *current.owner_ispb +
                                          " must be the debtor or the creditor";
            } else {
                decision.payment = std::move(*payment);
            }
            decisions.push_back(std::move(decision));
        }
        DICTRA_ASSIGN_OR_RETURN(current,
                                store_.CommitFileRecords(id, decisions, current.created_by, now));
    }
    const SystemTimePoint now = clock_.Now();
    auto finished =
        store_.ChangeFileImport(id, [&](const FileImport& latest) -> Result<FileImport> {
            FileImport next = latest;
            if (next.status != FileImportStatus::kProcessing) return next;
            const bool all_failed = next.failed_records > 0 && next.success_records == 0;
            next.status = all_failed ? FileImportStatus::kFailed : FileImportStatus::kCompleted;
            if (all_failed) next.failure_reason = "every payment record failed";
            next.completed_at = now;
            next.updated_at = now;
            return next;
        });
    if (!finished.ok()) return std::move(finished).error();
    return Ok();
}

Result<ExportFile> SettlementService::ExportPayments(const ExportQuery& query,
                                                     const auth::Principal& principal) {
    ExportFormat format = ExportFormat::kCsv;
    if (query.format) {
        auto parsed = ExportFormatFromString(*query.format);
        if (!parsed) return Invalid("format", "must be one of cnab240, cnab400, csv, json");
        format = *parsed;
    }
    SettlementStore::ExportFilter filter;
    PaymentFilter& payments = filter.payments;
    if (query.status) {
        payments.status = PaymentStatusFromString(*query.status);
        if (!payments.status)
            return Invalid("status",
                           "must be one of PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED, "
                           "SCHEDULED");
    }
    if (query.debtor_ispb && !IsIspb(*query.debtor_ispb))
        return Invalid("debtor_ispb", "must be exactly 8 digits");
    payments.debtor_ispb = query.debtor_ispb;
    if (query.creditor_ispb && !IsIspb(*query.creditor_ispb))
        return Invalid("creditor_ispb", "must be exactly 8 digits");
    payments.creditor_ispb = query.creditor_ispb;
    DICTRA_ASSIGN_OR_RETURN(payments.min_amount_centavos,
                            ParseNonNegative(query.min_amount, "min_amount"));
    DICTRA_ASSIGN_OR_RETURN(payments.max_amount_centavos,
                            ParseNonNegative(query.max_amount, "max_amount"));
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> max_records,
                            ParseNonNegative(query.max_records, "max_records"));
    if (max_records && (*max_records < 1 || *max_records > kExportRecordsMax))
        return Invalid("max_records", "must be between 1 and " + std::to_string(kExportRecordsMax));
    payments.limit = max_records.value_or(kExportRecordsDefault);
    DICTRA_ASSIGN_OR_RETURN(filter.created_from, ReadDay(query.from, "from"));
    DICTRA_ASSIGN_OR_RETURN(std::optional<SystemTimePoint> to_day, ReadDay(query.to, "to"));
    // `to` is a whole day: payments created on it are in.
    if (to_day) filter.created_until = *to_day + std::chrono::days(1);
    if (filter.created_from && to_day && *filter.created_from > *to_day)
        return Invalid("from", "must not be after to");
    payments.participant_ispb = principal.ispb;
    DICTRA_ASSIGN_OR_RETURN(std::vector<PaymentRequest> found, store_.PaymentsForExport(filter));

    const SystemTimePoint now = clock_.Now();
    ExportFile file;
    file.records = found.size();
    file.filename = "export_" + ExportStamp(now) + "." + std::string(ToString(format));
    std::ostringstream out(std::ios::binary);
    switch (format) {
        case ExportFormat::kJson: {
            file.content_type = "application/json";
            JsonPaymentFileWriter writer(out);
            for (const PaymentRequest& payment : found)
                DICTRA_RETURN_IF_ERROR(writer.Add(PaymentRequestJson(payment)));
            DICTRA_RETURN_IF_ERROR(writer.Finish());
            break;
        }
        case ExportFormat::kCsv: {
            // The payment CSV (importable), plus the document's report columns status and
            // end_to_end_id, which the reader accepts and ignores.
            file.content_type = "text/csv; charset=utf-8";
            std::ostringstream header_only;
            formats::csv::PaymentCsvWriter header_writer(header_only);
            DICTRA_RETURN_IF_ERROR(header_writer.Finish());
            std::string header = std::move(header_only).str();
            header.resize(header.size() - 2);  // CRLF
            out << header << ",status,end_to_end_id\r\n";
            for (const PaymentRequest& payment : found) {
                std::ostringstream one;
                formats::csv::PaymentCsvWriter writer(one);
                Status added = writer.Add(RecordFromPayment(payment));
                if (!added.ok()) return Unwritable(payment, format, added.error());
                DICTRA_RETURN_IF_ERROR(writer.Finish());
                // The writer's header line (no quotes: canonical names), then the row.
                std::string row = std::move(one).str().substr(header.size() + 2);
                row.resize(row.size() - 2);
                out << row << ',' << formats::csv::QuoteField(ToString(payment.status)) << ','
                    << formats::csv::QuoteField(payment.end_to_end_id.value_or("")) << "\r\n";
            }
            break;
        }
        case ExportFormat::kCnab240: {
            file.content_type = "text/plain; charset=ISO-8859-1";
            DICTRA_ASSIGN_OR_RETURN(
                formats::cnab::Cnab240Writer writer,
                formats::cnab::Cnab240Writer::Create(
                    out, formats::cnab::Cnab240WriterOptions{.bank_code = "000",
                                                             .bank_name = "DICTRA",
                                                             .company_name = "DICTRA EXPORT",
                                                             .generated_at = now}));
            for (const PaymentRequest& payment : found) {
                Status added = writer.Add(RecordFromPayment(payment));
                if (!added.ok()) return Unwritable(payment, format, added.error());
            }
            DICTRA_RETURN_IF_ERROR(writer.Finish());
            break;
        }
        case ExportFormat::kCnab400: {
            file.content_type = "text/plain; charset=ISO-8859-1";
            DICTRA_ASSIGN_OR_RETURN(
                formats::cnab::Cnab400Writer writer,
                formats::cnab::Cnab400Writer::Create(
                    out, formats::cnab::Cnab400WriterOptions{.bank_code = "000",
                                                             .bank_name = "DICTRA",
                                                             .company_name = "DICTRA EXPORT",
                                                             .generated_at = now}));
            for (const PaymentRequest& payment : found) {
                Status added = writer.Add(RecordFromPayment(payment));
                if (!added.ok()) return Unwritable(payment, format, added.error());
            }
            DICTRA_RETURN_IF_ERROR(writer.Finish());
            break;
        }
    }
    file.body = std::move(out).str();
    return file;
}

}  // namespace dictra::settlement
