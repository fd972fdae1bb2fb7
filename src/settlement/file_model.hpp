// Settlement's payment files (spec "File Operations"): imports, their records, and exports.
//
// An import is a file uploaded once (its SHA-256 is UNIQUE), checked whole when it arrives (a
// file with any malformed record is refused and nothing is kept), stored with one record row per
// payment or skipped record, and later processed: each PENDING record becomes a payment request
// (SUCCESS with its id) or FAILED with the reason. Choices: docs/settlement.md ("Payment files").
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "settlement/model.hpp"

namespace dictra::settlement {

enum class FileType { kCnab240, kCnab400, kCsv, kJson };
std::string_view ToString(FileType type);  // "CNAB240", "CNAB400", "CSV", "JSON"
std::optional<FileType> FileTypeFromString(std::string_view text);

// UPLOADED -> PROCESSING -> COMPLETED or FAILED (a FAILED import may be processed again).
enum class FileImportStatus { kUploaded, kProcessing, kCompleted, kFailed };
std::string_view ToString(FileImportStatus status);
std::optional<FileImportStatus> FileImportStatusFromString(std::string_view text);

enum class FileRecordStatus { kPending, kSuccess, kFailed, kSkipped };
std::string_view ToString(FileRecordStatus status);
std::optional<FileRecordStatus> FileRecordStatusFromString(std::string_view text);

// The document's limit on an upload.
inline constexpr std::uint64_t kImportFileBytesMax = 100 * 1024 * 1024;
// Multipart framing around the file (boundaries, part headers, the file_type field).
inline constexpr std::uint64_t kImportFramingBytesMax = 64 * 1024;
inline constexpr std::size_t kFilenameBytesMax = 255;
inline constexpr std::size_t kCreatedByBytesMax = 255;
// What a record row keeps of its line(s): enough to show an operator, bounded.
inline constexpr std::size_t kRawDataBytesMax = 4 * 1024;
// Errors named in the answer that refuses a malformed file (the rest are counted).
inline constexpr std::size_t kImportErrorsReportedMax = 20;
inline constexpr std::int64_t kRecordsLimitDefault = 100;
inline constexpr std::int64_t kRecordsLimitMax = 1000;
inline constexpr std::int64_t kExportRecordsDefault = 1000;
inline constexpr std::int64_t kExportRecordsMax = 10'000;  // an export is built in memory
// Records one processing step takes in one write (progress is visible between steps).
inline constexpr std::size_t kProcessBatchRecords = 200;
static_assert(kRecordsLimitDefault <= kRecordsLimitMax);
static_assert(kExportRecordsDefault <= kExportRecordsMax);

// Where uploads live and how big they may be (configuration; see --files-dir).
struct FileOptions {
    std::filesystem::path files_dir;  // REQUIRED to import; created when missing
    std::uint64_t import_bytes_max = kImportFileBytesMax;
};

struct FileImport {
    std::int64_t id = 0;
    std::string unique_id;  // UUIDv7
    std::string filename;
    FileType file_type = FileType::kCsv;
    std::uint64_t file_size = 0;
    std::string file_hash;  // SHA-256 of the file, lower-case hex
    std::string stored_path;
    FileImportStatus status = FileImportStatus::kUploaded;
    std::int64_t total_records = 0;      // payment and skipped records
    std::int64_t processed_records = 0;  // SUCCESS + FAILED so far
    std::int64_t failed_records = 0;
    std::int64_t skipped_records = 0;
    std::int64_t success_records = 0;
    std::optional<std::string> debtor_ispb;  // applied to CNAB240 payments (not in the format)
    std::optional<std::string> owner_ispb;   // the importing participant; only it sees the import
    std::optional<std::string> failure_reason;
    std::string created_by;
    std::optional<SystemTimePoint> started_at;
    std::optional<SystemTimePoint> completed_at;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

// success / processed, in percent with two decimals; 0 before anything was processed.
double SuccessRate(const FileImport& file);

// One record of an import: a payment to create, or a record that is not one (SKIPPED).
struct FileRecord {
    std::int64_t id = 0;
    std::int64_t file_import_id = 0;
    // 1-based position among the import's records: their key (a minified JSON file has many
    // records on one line).
    std::int64_t record_number = 0;
    std::int64_t line_number = 0;
    std::string raw_data;  // UTF-8, at most kRawDataBytesMax bytes
    FileRecordStatus status = FileRecordStatus::kPending;
    // PENDING: the create command as JSON (the body POST /payments would take).
    std::optional<std::string> payment_json;
    std::optional<std::int64_t> payment_request_id;  // SUCCESS
    std::optional<std::string> reason;               // FAILED, SKIPPED
    std::optional<SystemTimePoint> processed_at;
    SystemTimePoint created_at;
};

// What POST /files/import brings once the multipart body is read.
struct ImportFileCommand {
    std::filesystem::path path;  // the uploaded file on disk (moved into files_dir on success)
    std::string filename;
    std::string file_type;  // as sent; validated by the service
    std::uint64_t file_size = 0;
    std::string file_hash;
    std::optional<std::string> created_by;   // X-User-ID
    std::optional<std::string> debtor_ispb;  // optional form field
};

struct FileImportListQuery {
    std::optional<std::string> status;
    std::optional<std::string> file_type;
    std::optional<std::string> created_by;
    std::optional<std::string> limit;
    std::optional<std::string> offset;
};

struct FileImportFilter {
    std::optional<FileImportStatus> status;
    std::optional<FileType> file_type;
    std::optional<std::string> created_by;
    std::optional<std::string> owner_ispb;
    std::int64_t limit = kListLimitDefault;
    std::int64_t offset = 0;
};

struct FileImportPage {
    std::vector<FileImport> data;
    std::int64_t total = 0;
    std::int64_t limit = kListLimitDefault;
    std::int64_t offset = 0;
};

struct FileRecordQuery {
    std::optional<std::string> status;
    std::optional<std::string> limit;
    std::optional<std::string> offset;
};

struct FileRecordPage {
    std::vector<FileRecord> records;
    std::int64_t limit = kRecordsLimitDefault;
    std::int64_t offset = 0;
};

enum class ExportFormat { kCnab240, kCnab400, kCsv, kJson };
std::string_view ToString(ExportFormat format);  // "cnab240", ...
std::optional<ExportFormat> ExportFormatFromString(std::string_view text);

struct ExportQuery {
    std::optional<std::string> format;
    std::optional<std::string> status;
    std::optional<std::string> from;  // YYYY-MM-DD, created_at on or after (UTC)
    std::optional<std::string> to;    // YYYY-MM-DD, created_at on or before (UTC)
    std::optional<std::string> debtor_ispb;
    std::optional<std::string> creditor_ispb;
    std::optional<std::string> min_amount;
    std::optional<std::string> max_amount;
    std::optional<std::string> max_records;
};

// An export, rendered.
struct ExportFile {
    std::string content_type;
    std::string filename;  // export_YYYYMMDD_HHMMSS.<ext>
    std::string body;
    std::size_t records = 0;
};

}  // namespace dictra::settlement
