#include "formats/cnab/cnab400_reader.hpp"

#include <deque>
#include <utility>

#include "formats/cnab/cnab400_layout.hpp"
#include "formats/cnab/field.hpp"
#include "formats/cnab/line_reader.hpp"
#include "formats/cnab/outcome.hpp"
#include "formats/cnab/payment_fields.hpp"

namespace dictra::formats::cnab {
namespace {

namespace layout = cnab400;

constexpr std::size_t kLineBytesKept = 1024;

enum class FileLayout {
    kUnknown,     // no header read yet
    kPayments,    // DICTRA's Pix payment layout
    kOther,       // a bank's own layout (collection remittance or return, ...)
    kUnreadable,  // the header line had the wrong length
};

std::string Trimmed(std::string_view raw) {
    const std::size_t first = raw.find_first_not_of(' ');
    if (first == std::string_view::npos) return {};
    const std::size_t last = raw.find_last_not_of(' ');
    return std::string(raw.substr(first, last - first + 1));
}

}  // namespace

class Cnab400Reader::Impl {
 public:
    explicit Impl(std::istream& input) : lines_(input, kLineBytesKept) {}

    std::optional<RecordOutcome> Next() {
        while (ready_.empty() && !finished_) Step();
        if (ready_.empty()) return std::nullopt;
        RecordOutcome outcome = std::move(ready_.front());
        ready_.pop_front();
        Tally(summary_, outcome);
        return outcome;
    }

    const ReadSummary& summary() const { return summary_; }

 private:
    void Step() {
        std::optional<Line> line = lines_.Take();
        summary_.lines = lines_.lines_read();
        if (!line) {
            Finish();
            return;
        }
        Process(*line);
    }

    bool strict() const { return layout_ == FileLayout::kPayments; }

    void Process(const Line& line) {
        if (line.number > layout::kRecordsPerFileMax) {
            Emit(FileFinding(line.number, "sequence_number",
                             "more than " + std::to_string(layout::kRecordsPerFileMax) +
                                 " records; the rest of the file was not read",
                             /*strict=*/true));
            finished_ = true;
            return;
        }
        ++records_seen_;
        const std::string_view bytes = RecordBytes(line);
        const std::string kind = bytes.empty() ? "?" : std::string(1, bytes[0]);
        RecordOutcome outcome = StartOutcome(line, kind);
        if (trailer_line_ != 0) {
            outcome.errors.push_back({.line_number = line.number,
                                      .field = "record_type",
                                      .message = "record after the trailer (line " +
                                                 std::to_string(trailer_line_) + ")"});
            Emit(std::move(outcome));
            return;
        }
        if (line.length_bytes != layout::kLineBytes) {
            outcome.errors.push_back(WrongLengthDiagnostic(line, layout::kLineBytes));
            // The record type still tells where the file is.
            if (kind == "0" || records_seen_ == 1) {
                layout_ = FileLayout::kUnreadable;
            } else if (kind == "9") {
                trailer_line_ = line.number;
            } else {
                // Most likely a payment whose fields cannot be trusted: it still counts, so the
                // trailer's count is not blamed for it, but the total cannot be checked.
                if (kind == "1") ++payment_records_;
                payments_checkable_ = false;
            }
            Emit(std::move(outcome));
            return;
        }
        CheckSequence(line, outcome);
        const char type = line.bytes[0];
        // After an unreadable first line, a record type 0 is no header we could trust either.
        if (type == '0' && layout_ != FileLayout::kUnreadable) {
            Header(line, std::move(outcome));
        } else if (type == '9') {
            Trailer(line, std::move(outcome));
        } else {
            Detail(line, std::move(outcome));
        }
    }

    // The sequential record number counts records from 1 at the header.
    void CheckSequence(const Line& line, RecordOutcome& outcome) {
        const bool strict_now = strict() || (records_seen_ == 1 && IsPaymentHeader(line));
        FieldReader fields(line, strict_now ? outcome.errors : outcome.warnings);
        auto sequence = fields.Number(layout::kSequence);
        if (sequence && *sequence != records_seen_) {
            fields.Fail(layout::kSequence, "sequence number " + std::to_string(*sequence) +
                                               ", expected " + std::to_string(records_seen_));
        }
    }

    static bool IsPaymentHeader(const Line& line) {
        std::vector<Diagnostic> ignored;
        FieldReader fields(line, ignored);
        return line.bytes[0] == '0' &&
               fields.Raw(layout::header::kOperation) == layout::kOperation &&
               fields.Raw(layout::header::kServiceCode) == layout::kServiceCode &&
               Trimmed(fields.Raw(layout::header::kServiceName)) == layout::kServiceName;
    }

    void Header(const Line& line, RecordOutcome outcome) {
        namespace h = layout::header;
        if (records_seen_ != 1) {
            outcome.errors.push_back(DiagnosticAt(line.number, layout::kRecordType,
                                                  header_line_ == 0
                                                      ? "the header must be the first record"
                                                      : "a second header (the first is on line " +
                                                            std::to_string(header_line_) + ")"));
            Emit(std::move(outcome));
            return;
        }
        header_line_ = line.number;
        std::vector<Diagnostic> ignored;
        FieldReader raw(line, ignored);
        if (IsPaymentHeader(line)) {
            layout_ = FileLayout::kPayments;
            FieldReader fields(line, outcome.errors);
            std::string generated;
            if (auto date = fields.Date(h::kGenerationDate)) {
                generated = ", generated " + FormatDate(*date);
            }
            fields.Digits(h::kGenerationTime);
            fields.Digits(h::kBankCode);
            fields.Digits(h::kFileSequence);
            outcome.detail = "header: DICTRA Pix payments (service 45), bank " +
                             std::string(raw.Raw(h::kBankCode)) + " " + fields.Text(h::kBankName) +
                             ", company " + fields.Text(h::kCompanyName) + generated + ", file " +
                             std::string(raw.Raw(h::kFileSequence));
        } else {
            layout_ = FileLayout::kOther;
            std::vector<Diagnostic> text_faults;  // a foreign header's text is only shown
            FieldReader text(line, text_faults);
            other_layout_ = "service " + Trimmed(text.Text(h::kServiceCode)) + " " +
                            Trimmed(text.Text(h::kServiceName));
            outcome.detail = "header: " + Trimmed(text.Text(h::kOperation)) + ", " + other_layout_ +
                             ": not the DICTRA Pix payment layout (1REMESSA, service 45 PIX "
                             "PAGAMENTOS); its details are not payments";
        }
        Emit(std::move(outcome));
    }

    void Detail(const Line& line, RecordOutcome outcome) {
        if (layout_ == FileLayout::kUnknown) {
            layout_ = FileLayout::kOther;
            outcome.errors.push_back(DiagnosticAt(line.number, layout::kRecordType,
                                                  "the header (record type 0) is missing"));
            Emit(std::move(outcome));
            return;
        }
        const char type = line.bytes[0];
        if (layout_ != FileLayout::kPayments) {
            outcome.detail =
                "record type " + std::string(1, type) +
                (layout_ == FileLayout::kUnreadable
                     ? " after an unreadable first line"
                     : " in a file of " + other_layout_ + ": not the DICTRA Pix payment layout");
            if (outcome.errors.empty()) outcome.status = RecordStatus::kSkipped;
            Emit(std::move(outcome));
            return;
        }
        if (type != '1') {
            outcome.errors.push_back(DiagnosticAt(
                line.number, layout::kRecordType,
                "record type " + Quoted(std::string_view(&type, 1)) +
                    " is not part of the DICTRA Pix payment layout (0 header, 1 payment, "
                    "9 trailer)"));
            Emit(std::move(outcome));
            return;
        }
        ++payment_records_;
        PaymentRecord payment = ReadPayment(line, outcome);
        if (outcome.errors.empty()) {
            outcome.status = RecordStatus::kPayment;
            outcome.payment = std::move(payment);
        }
        Emit(std::move(outcome));
    }

    PaymentRecord ReadPayment(const Line& line, RecordOutcome& outcome) {
        namespace d = layout::detail;
        FieldReader fields(line, outcome.errors);
        PaymentRecord payment;
        ReadParty(fields, payment.debtor,
                  {d::kDebtorIspb, d::kDebtorBankCode, d::kDebtorBranch, d::kDebtorAccount,
                   d::kDebtorAccountCheckDigit, d::kDebtorAccountType, d::kDebtorTaxIdType,
                   d::kDebtorTaxId, d::kDebtorName});
        ReadParty(fields, payment.creditor,
                  {d::kCreditorIspb, d::kCreditorBankCode, d::kCreditorBranch, d::kCreditorAccount,
                   d::kCreditorAccountCheckDigit, d::kCreditorAccountType, d::kCreditorTaxIdType,
                   d::kCreditorTaxId, d::kCreditorName});
        payment.initiation = ReadInitiation(fields, d::kInitiation);
        payment.pix_key = fields.Text(d::kPixKey);
        if (auto amount = fields.Number(d::kAmount)) {
            payment.amount_centavos = static_cast<std::int64_t>(*amount);
            if (*amount == 0) fields.Fail(d::kAmount, "the amount must be above zero");
            amount_sum_centavos_ += *amount;  // 999 999 records of 13 digits fit in uint64
        } else {
            payments_checkable_ = false;
        }
        payment.payment_date = fields.Date(d::kPaymentDate);
        payment.external_id = fields.Text(d::kExternalId);
        payment.tx_id = fields.Text(d::kTxId);
        payment.description = fields.Text(d::kDescription);
        CheckPixAddressing(payment, {.key_reader = &fields,
                                     .key = d::kPixKey,
                                     .ispb_reader = &fields,
                                     .ispb = d::kCreditorIspb,
                                     .account_reader = &fields,
                                     .account = d::kCreditorAccount});
        return payment;
    }

    struct PartyFields {
        Field ispb;
        Field bank_code;
        Field branch;
        Field account;
        Field account_check_digit;
        Field account_type;
        Field tax_id_type;
        Field tax_id;
        Field name;
    };

    static void ReadParty(FieldReader& fields, Party& party, const PartyFields& where) {
        if (auto ispb = fields.DigitsOrBlank(where.ispb)) party.ispb = *ispb;
        if (auto bank = fields.DigitsOrBlank(where.bank_code)) {
            party.bank_code = StripLeadingZeros(*bank).empty() ? "" : *bank;
        }
        if (auto branch = fields.DigitsOrBlank(where.branch)) party.branch = NormalBranch(*branch);
        party.account = ReadAccount(fields, where.account, where.account_check_digit);
        const std::string type = fields.Text(where.account_type);
        if (!type.empty()) {
            party.account_type = AccountTypeFromString(type);
            if (!party.account_type) {
                fields.Fail(where.account_type,
                            "expected CACC, SVGS, SLRY or TRAN (or blanks), "
                            "found " +
                                Quoted(fields.Raw(where.account_type)));
            }
        }
        party.tax_id = ReadTaxId(fields, where.tax_id_type, where.tax_id);
        party.name = fields.Text(where.name);
    }

    void Trailer(const Line& line, RecordOutcome outcome) {
        namespace t = layout::trailer;
        trailer_line_ = line.number;
        outcome.detail = "trailer";
        if (layout_ == FileLayout::kUnknown) {
            outcome.errors.push_back(DiagnosticAt(line.number, layout::kRecordType,
                                                  "the header (record type 0) is missing"));
        }
        if (layout_ == FileLayout::kPayments) {
            FieldReader fields(line, outcome.errors);
            auto count = fields.Number(t::kPaymentCount);
            auto total = fields.Number(t::kAmountTotal);
            if (count) {
                outcome.detail += ": " + std::to_string(*count) + " payments";
                if (*count != payment_records_) {
                    fields.Fail(t::kPaymentCount, "the trailer says " + std::to_string(*count) +
                                                      " payments, the file has " +
                                                      std::to_string(payment_records_));
                }
            }
            if (total) {
                outcome.detail += ", total " + FormatCentavos(*total);
                if (!payments_checkable_) {
                    outcome.warnings.push_back(
                        DiagnosticAt(line.number, t::kAmountTotal,
                                     "total not checked: a payment record is unreadable"));
                } else if (*total != amount_sum_centavos_) {
                    fields.Fail(t::kAmountTotal, "the trailer says a total of " +
                                                     FormatCentavos(*total) +
                                                     ", the payments add up to " +
                                                     FormatCentavos(amount_sum_centavos_));
                }
            }
        }
        Emit(std::move(outcome));
    }

    void Emit(RecordOutcome outcome) {
        Finalize(outcome);
        ready_.push_back(std::move(outcome));
    }

    void Finish() {
        finished_ = true;
        if (records_seen_ == 0) {
            Emit(FileFinding(0, "file", "empty file: no records", /*strict=*/true));
            return;
        }
        if (trailer_line_ == 0) {
            Emit(FileFinding(0, "record_type", "the trailer (record type 9) is missing", strict()));
        }
    }

    RecordLines lines_;
    std::deque<RecordOutcome> ready_;
    ReadSummary summary_;
    bool finished_ = false;

    std::size_t records_seen_ = 0;
    FileLayout layout_ = FileLayout::kUnknown;
    std::string other_layout_;
    std::size_t header_line_ = 0;
    std::size_t trailer_line_ = 0;
    std::size_t payment_records_ = 0;
    std::uint64_t amount_sum_centavos_ = 0;
    bool payments_checkable_ = true;
};

Cnab400Reader::Cnab400Reader(std::istream& input) : impl_(std::make_unique<Impl>(input)) {}

Cnab400Reader::~Cnab400Reader() = default;

std::optional<RecordOutcome> Cnab400Reader::Next() {
    return impl_->Next();
}

const ReadSummary& Cnab400Reader::summary() const {
    return impl_->summary();
}

}  // namespace dictra::formats::cnab
