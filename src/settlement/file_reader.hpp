// A payment file of any supported type, read as a stream of entries the service can store:
// a create command (PAYMENT), a record that is not a payment (SKIPPED, with the reason), or an
// ERROR that says where and what. Headers and trailers (CONTROL) are checked by the format
// readers and not handed out. One entry in memory at a time; the file is read from disk.
//
// CNAB240, CNAB400 and CSV records (formats::PaymentRecord) map onto the fields of
// POST /payments as docs/settlement.md ("Payment files") lists; JSON elements already are such
// bodies (file_json.hpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "formats/payment_record.hpp"
#include "settlement/file_model.hpp"
#include "settlement/model.hpp"

namespace dictra::settlement {

struct FileEntry {
    enum class Kind { kPayment, kSkipped, kError };
    Kind kind = Kind::kError;
    std::size_t line_number = 0;  // 0 = about the whole file
    std::string raw_data;         // the record's line(s), UTF-8, at most kRawDataBytesMax bytes
    std::optional<CreatePaymentCommand> command;  // kPayment
    std::string reason;                           // kSkipped: why; kError: every fault, described
};

struct FileReadOptions {
    // CNAB240 does not carry the debtor's ISPB: the importer says whose file it is.
    std::string debtor_ispb;
    // A payment_date after this day schedules the payment; on or before it, it is immediate.
    std::chrono::year_month_day today{};
};

class PaymentFileReader {
 public:
    // kUnavailable when the file cannot be opened.
    static Result<std::unique_ptr<PaymentFileReader>> Open(FileType type,
                                                           const std::filesystem::path& path,
                                                           FileReadOptions options);
    ~PaymentFileReader();

    // The next entry in file order; nullopt at the end.
    std::optional<FileEntry> Next();

    class Impl;

 private:
    explicit PaymentFileReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// What the content of a file looks like, from its first bytes: JSON when it starts with '['
// or '{', CNAB240/CNAB400 when most of its first lines have that length, else CSV. Reads from
// the start of `path`. kUnavailable when it cannot be read.
Result<FileType> SniffFileType(const std::filesystem::path& path);

// The create command a file record describes (see docs/settlement.md for the mapping).
// `debtor_account_type_default` fills an absent debtor account type (CNAB240 has none).
CreatePaymentCommand CommandFromRecord(const formats::PaymentRecord& record,
                                       const FileReadOptions& options,
                                       std::string_view debtor_account_type_default);

// The file record of a stored payment request, for exports: payment_date is the day of
// scheduled_date, or of created_at when it has none; the Pix key comes from additional_info
// "pix_key" (and "pix_initiation").
formats::PaymentRecord RecordFromPayment(const PaymentRequest& payment);

// `text` cut to at most `bytes_max` bytes without splitting a UTF-8 character.
std::string TruncateUtf8(std::string text, std::size_t bytes_max);

inline constexpr std::string_view kPixKeyInfo = "pix_key";
inline constexpr std::string_view kPixInitiationInfo = "pix_initiation";

}  // namespace dictra::settlement
