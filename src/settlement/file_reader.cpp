#include "settlement/file_reader.hpp"

#include <algorithm>
#include <cctype>

#include "core/time.hpp"
#include "core/utf8.hpp"
#include "formats/cnab/cnab240_reader.hpp"
#include "formats/cnab/cnab400_reader.hpp"
#include "formats/cnab/detect.hpp"
#include "formats/cnab/latin1.hpp"
#include "formats/csv/payment_csv.hpp"
#include "settlement/file_json.hpp"

namespace dictra::settlement {
namespace {

std::optional<std::string> NonEmpty(const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

CreatePaymentCommand::PartyFields PartyFrom(const formats::Party& party,
                                            std::string_view account_type_default) {
    CreatePaymentCommand::PartyFields fields;
    fields.ispb = party.ispb;
    fields.document = party.tax_id;
    fields.name = NonEmpty(party.name);
    fields.account_no = party.account;
    fields.account_type = party.account_type ? std::string(formats::ToString(*party.account_type))
                                             : std::string(account_type_default);
    fields.branch = NonEmpty(party.branch);
    return fields;
}

std::optional<formats::AccountType> FormatAccountType(AccountType type) {
    return formats::AccountTypeFromString(ToString(type));
}

formats::Party PartyOf(const Party& party) {
    formats::Party out;
    out.ispb = party.ispb;
    out.branch = party.branch.value_or("");
    out.account = party.account_no;
    out.account_type = FormatAccountType(party.account_type);
    out.name = party.name.value_or("");
    out.tax_id = party.document;
    return out;
}

// The physical lines of a file, read in order a second time to give each record its raw data.
class RawLines {
 public:
    RawLines(const std::filesystem::path& path, bool latin1)
        : input_(path, std::ios::binary), latin1_(latin1) {}

    // Lines [first, first + count) joined by "\n". REQUIRES: first is not before a line
    // already handed out.
    std::string Take(std::size_t first, std::size_t count) {
        std::string joined;
        while (next_line_ < first && Skip()) {
        }
        for (std::size_t taken = 0; taken < count; ++taken) {
            std::string line;
            if (!Read(line)) break;
            if (!joined.empty()) joined.push_back('\n');
            joined += line;
            if (joined.size() > kRawDataBytesMax) break;
        }
        std::string text = latin1_ ? formats::cnab::Latin1ToUtf8(joined) : joined;
        if (!latin1_ && FindInvalidUtf8(text)) text = formats::cnab::Latin1ToUtf8(joined);
        return TruncateUtf8(std::move(text), kRawDataBytesMax);
    }

 private:
    bool Skip() {
        std::string ignored;
        return Read(ignored);
    }
    // One line without its terminator, at most kRawDataBytesMax + 1 bytes kept.
    bool Read(std::string& line) {
        std::streambuf* buffer = input_.rdbuf();
        constexpr int kEof = std::char_traits<char>::eof();
        if (buffer->sgetc() == kEof) return false;
        for (int c = buffer->sbumpc(); c != kEof && c != '\n'; c = buffer->sbumpc()) {
            if (line.size() <= kRawDataBytesMax) line.push_back(static_cast<char>(c));
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        ++next_line_;
        return true;
    }

    std::ifstream input_;
    bool latin1_;
    std::size_t next_line_ = 1;
};

}  // namespace

std::string TruncateUtf8(std::string text, std::size_t bytes_max) {
    if (text.size() <= bytes_max) return text;
    std::size_t cut = bytes_max;
    // Back up over continuation bytes so the cut falls before a character's first byte.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    return text;
}

CreatePaymentCommand CommandFromRecord(const formats::PaymentRecord& record,
                                       const FileReadOptions& options,
                                       std::string_view debtor_account_type_default) {
    CreatePaymentCommand command;
    command.external_id = NonEmpty(record.external_id);
    command.amount_centavos = record.amount_centavos;
    command.debtor = PartyFrom(record.debtor, debtor_account_type_default);
    if (command.debtor.ispb.empty()) command.debtor.ispb = options.debtor_ispb;
    command.creditor = PartyFrom(record.creditor, "");
    command.description = NonEmpty(record.description);
    command.tx_id = NonEmpty(record.tx_id);
    if (record.payment_date && record.payment_date->ok() &&
        std::chrono::sys_days(*record.payment_date) > std::chrono::sys_days(options.today)) {
        command.scheduled_date = FormatIsoDate(*record.payment_date) + "T00:00:00Z";
    }
    if (!record.pix_key.empty())
        command.additional_info.push_back({std::string(kPixKeyInfo), record.pix_key});
    if (record.initiation)
        command.additional_info.push_back(
            {std::string(kPixInitiationInfo), std::string(formats::ToString(*record.initiation))});
    return command;
}

formats::PaymentRecord RecordFromPayment(const PaymentRequest& payment) {
    formats::PaymentRecord record;
    record.amount_centavos = payment.amount_centavos;
    const SystemTimePoint day = payment.scheduled_date.value_or(payment.created_at);
    record.payment_date = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(day));
    record.debtor = PartyOf(payment.debtor);
    record.creditor = PartyOf(payment.creditor);
    record.description = payment.description.value_or("");
    record.external_id = payment.external_id.value_or("");
    record.tx_id = payment.tx_id.value_or("");
    for (const AdditionalInfo& item : payment.additional_info) {
        if (item.key == kPixKeyInfo) record.pix_key = item.value;
        if (item.key == kPixInitiationInfo) {
            for (int code = 1; code <= 5; ++code) {
                auto initiation = formats::PixInitiationFromCode(code);
                if (initiation && formats::ToString(*initiation) == item.value)
                    record.initiation = initiation;
            }
        }
    }
    return record;
}

// ---- the reader ----

class PaymentFileReader::Impl {
 public:
    Impl(FileType type, const std::filesystem::path& path, FileReadOptions options)
        : type_(type),
          options_(std::move(options)),
          input_(path, std::ios::binary),
          raw_(path, type == FileType::kCnab240 || type == FileType::kCnab400) {}

    bool ok() const { return static_cast<bool>(input_); }

    void Start() {
        switch (type_) {
            case FileType::kCnab240:
                cnab240_ = std::make_unique<formats::cnab::Cnab240Reader>(
                    input_, formats::cnab::Cnab240ReaderOptions{});
                break;
            case FileType::kCnab400:
                cnab400_ = std::make_unique<formats::cnab::Cnab400Reader>(input_);
                break;
            case FileType::kCsv:
                csv_ = std::make_unique<formats::csv::PaymentCsvReader>(input_);
                break;
            case FileType::kJson: json_ = std::make_unique<JsonPaymentFileReader>(input_); break;
        }
    }

    std::optional<FileEntry> Next() {
        if (json_) return NextJson();
        for (;;) {
            if (!NextOutcome()) return std::nullopt;
            const formats::RecordOutcome& outcome = outcome_;
            if (outcome.status == formats::RecordStatus::kControl) continue;
            FileEntry entry;
            entry.line_number = outcome.line_number;
            if (outcome.line_number > 0)
                entry.raw_data = raw_.Take(outcome.line_number, outcome.line_count);
            switch (outcome.status) {
                case formats::RecordStatus::kPayment:
                    entry.kind = FileEntry::Kind::kPayment;
                    // CNAB240 debits the company's account (payment form 01): a current account.
                    entry.command = CommandFromRecord(*outcome.payment, options_,
                                                      type_ == FileType::kCnab240 ? "CACC" : "");
                    break;
                case formats::RecordStatus::kSkipped:
                    entry.kind = FileEntry::Kind::kSkipped;
                    entry.reason = outcome.detail;
                    break;
                case formats::RecordStatus::kControl:
                case formats::RecordStatus::kError:
                    entry.kind = FileEntry::Kind::kError;
                    for (const formats::Diagnostic& diagnostic : outcome.errors) {
                        if (!entry.reason.empty()) entry.reason += "; ";
                        entry.reason += formats::Describe(diagnostic);
                    }
                    if (entry.reason.empty()) entry.reason = "malformed record";
                    break;
            }
            return entry;
        }
    }

 private:
    std::optional<FileEntry> NextJson() {
        std::optional<JsonFileElement> element = json_->Next();
        if (!element) return std::nullopt;
        FileEntry entry;
        entry.line_number = element->line_number;
        entry.raw_data = TruncateUtf8(std::move(element->raw_data), kRawDataBytesMax);
        if (element->command) {
            entry.kind = FileEntry::Kind::kPayment;
            entry.command = std::move(element->command);
        } else {
            entry.kind = FileEntry::Kind::kError;
            entry.reason = element->error ? element->error->message : "malformed element";
        }
        return entry;
    }

    // The next outcome into outcome_; false at the end. The CNAB240 reader refills the same
    // outcome, reusing its strings.
    bool NextOutcome() {
        if (cnab240_) return cnab240_->Next(outcome_);
        std::optional<formats::RecordOutcome> next;
        if (cnab400_) next = cnab400_->Next();
        if (csv_) next = csv_->Next();
        if (!next) return false;
        outcome_ = std::move(*next);
        return true;
    }

    FileType type_;
    FileReadOptions options_;
    formats::RecordOutcome outcome_;
    std::ifstream input_;
    RawLines raw_;
    std::unique_ptr<formats::cnab::Cnab240Reader> cnab240_;
    std::unique_ptr<formats::cnab::Cnab400Reader> cnab400_;
    std::unique_ptr<formats::csv::PaymentCsvReader> csv_;
    std::unique_ptr<JsonPaymentFileReader> json_;
};

PaymentFileReader::PaymentFileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PaymentFileReader::~PaymentFileReader() = default;

Result<std::unique_ptr<PaymentFileReader>> PaymentFileReader::Open(
    FileType type, const std::filesystem::path& path, FileReadOptions options) {
    auto impl = std::make_unique<Impl>(type, path, std::move(options));
    if (!impl->ok()) return Error::Unavailable("cannot open the stored file");
    impl->Start();
    return std::unique_ptr<PaymentFileReader>(new PaymentFileReader(std::move(impl)));
}

std::optional<FileEntry> PaymentFileReader::Next() {
    return impl_->Next();
}

Result<FileType> SniffFileType(const std::filesystem::path& path) {
    std::ifstream input(path, std::ios::binary);
    if (!input) return Error::Unavailable("cannot open the stored file");
    std::streambuf* buffer = input.rdbuf();
    constexpr int kEof = std::char_traits<char>::eof();
    // Skip a UTF-8 byte order mark and white space.
    for (std::size_t skipped = 0; skipped < 4096; ++skipped) {
        const int c = buffer->sgetc();
        if (c == 0xEF || c == 0xBB || c == 0xBF || c == ' ' || c == '\t' || c == '\r' ||
            c == '\n') {
            buffer->sbumpc();
            continue;
        }
        if (c == '[' || c == '{') return FileType::kJson;
        break;
    }
    (void)kEof;
    input.clear();
    input.seekg(0);
    auto layout = formats::cnab::DetectLayout(input);
    if (layout.ok())
        return *layout == formats::cnab::Layout::kCnab240 ? FileType::kCnab240 : FileType::kCnab400;
    return FileType::kCsv;
}

}  // namespace dictra::settlement
