#include "formats/cnab/cnab240_writer.hpp"

#include <chrono>

#include "core/check.hpp"
#include "formats/cnab/cnab240_layout.hpp"
#include "formats/cnab/field.hpp"
#include "formats/cnab/payment_fields.hpp"

namespace dictra::formats::cnab {
namespace {

namespace layout = cnab240;

constexpr std::uint64_t kAmountCentavosMax = 999'999'999'999'999;        // 15 digits
constexpr std::uint64_t kLotTotalCentavosMax = 999'999'999'999'999'999;  // 18 digits
constexpr std::uint32_t kLotsMax = 9'999;                                // 4 digits
constexpr std::uint32_t kFileSequenceMax = 999'999;
// A lot holds its header, two records per payment and its trailer.
constexpr std::size_t kPaymentsPerLotMax = (layout::kDetailsPerLotMax - 1) / 2;

std::string_view AccountTypeCode(AccountType type) {
    switch (type) {
        case AccountType::kCacc: return "CC";
        case AccountType::kSvgs: return "PP";
        case AccountType::kTran: return "PG";
        case AccountType::kSlry: return "CS";
    }
    return "CC";
}

// The debtor as the lot header writes it.
struct PreparedDebtor {
    char tax_id_type = '0';
    std::string tax_id;
    std::string branch;
    SplitAccountNumber account;
    std::string name;  // Latin-1
};

// Everything of one payment, checked and converted, ready to be placed.
struct PreparedPayment {
    PreparedDebtor debtor;
    std::string creditor_bank_code;
    std::string creditor_branch;
    SplitAccountNumber creditor_account;
    std::string creditor_name;
    std::string creditor_account_type;  // "CC", ... or "  "
    char creditor_tax_id_type = '0';
    std::string creditor_tax_id;
    std::string creditor_ispb;
    std::string external_id;
    std::chrono::year_month_day payment_date;
    std::uint64_t amount_centavos = 0;
    PixInitiation initiation = PixInitiation::kBankData;
    std::string tx_id;
    std::string description;
    std::string pix_key;
};

Result<PreparedDebtor> PrepareDebtor(const Party& debtor) {
    PreparedDebtor prepared;
    DICTRA_RETURN_IF_ERROR(
        ValidateParty(debtor, "debtor", layout::lot_header::kDebtorBranch.length()));
    DICTRA_ASSIGN_OR_RETURN(prepared.tax_id_type, TaxIdType(debtor.tax_id, "debtor.tax_id"));
    prepared.tax_id = debtor.tax_id;
    prepared.branch = debtor.branch;
    DICTRA_ASSIGN_OR_RETURN(prepared.account, SplitAccount(debtor.account, "debtor.account"));
    DICTRA_RETURN_IF_ERROR(
        FitDigits(prepared.account.number, layout::lot_header::kDebtorAccount, "debtor.account"));
    DICTRA_ASSIGN_OR_RETURN(prepared.name,
                            FitText(debtor.name, layout::lot_header::kDebtorName, "debtor.name"));
    return prepared;
}

Result<PreparedPayment> Prepare(const PaymentRecord& payment, std::string_view bank_code) {
    namespace a = layout::segment_a;
    namespace b = layout::segment_b;
    PreparedPayment prepared;
    if (payment.amount_centavos <= 0 ||
        static_cast<std::uint64_t>(payment.amount_centavos) > kAmountCentavosMax) {
        return Error::InvalidArgument("amount_centavos: must be between 1 and " +
                                          std::to_string(kAmountCentavosMax) + ", got " +
                                          std::to_string(payment.amount_centavos),
                                      "amount_centavos");
    }
    prepared.amount_centavos = static_cast<std::uint64_t>(payment.amount_centavos);
    if (!payment.payment_date || !payment.payment_date->ok() ||
        static_cast<int>(payment.payment_date->year()) < 0 ||
        static_cast<int>(payment.payment_date->year()) > 9999) {
        return Error::InvalidArgument("payment_date: a calendar date is required in CNAB240",
                                      "payment_date");
    }
    prepared.payment_date = *payment.payment_date;

    if (!payment.debtor.bank_code.empty() && payment.debtor.bank_code != bank_code) {
        return Error::InvalidArgument("debtor.bank_code: " + payment.debtor.bank_code +
                                          " differs from the file's bank " + std::string(bank_code),
                                      "debtor.bank_code");
    }
    DICTRA_ASSIGN_OR_RETURN(prepared.debtor, PrepareDebtor(payment.debtor));

    const Party& creditor = payment.creditor;
    DICTRA_RETURN_IF_ERROR(ValidateParty(creditor, "creditor", a::kCreditorBranch.length()));
    prepared.creditor_bank_code = creditor.bank_code;
    prepared.creditor_branch = creditor.branch;
    prepared.creditor_ispb = creditor.ispb;
    DICTRA_ASSIGN_OR_RETURN(prepared.creditor_account,
                            SplitAccount(creditor.account, "creditor.account"));
    DICTRA_RETURN_IF_ERROR(
        FitDigits(prepared.creditor_account.number, a::kCreditorAccount, "creditor.account"));
    DICTRA_ASSIGN_OR_RETURN(prepared.creditor_name,
                            FitText(creditor.name, a::kCreditorName, "creditor.name"));
    prepared.creditor_account_type =
        creditor.account_type ? std::string(AccountTypeCode(*creditor.account_type)) : "  ";
    DICTRA_ASSIGN_OR_RETURN(prepared.creditor_tax_id_type,
                            TaxIdType(creditor.tax_id, "creditor.tax_id"));
    prepared.creditor_tax_id = creditor.tax_id;

    DICTRA_RETURN_IF_ERROR(ValidatePixAddressing(payment));
    DICTRA_ASSIGN_OR_RETURN(prepared.initiation, InitiationToWrite(payment));
    DICTRA_ASSIGN_OR_RETURN(prepared.pix_key, FitText(payment.pix_key, b::kPixKey, "pix_key"));
    DICTRA_ASSIGN_OR_RETURN(prepared.tx_id, FitText(payment.tx_id, b::kTxId, "tx_id"));
    DICTRA_ASSIGN_OR_RETURN(prepared.description,
                            FitText(payment.description, b::kDescription, "description"));
    DICTRA_ASSIGN_OR_RETURN(prepared.external_id,
                            FitText(payment.external_id, a::kExternalId, "external_id"));
    return prepared;
}

// Groups payments into lots: the same debtor, the same lot.
std::string DebtorKey(const PreparedDebtor& debtor) {
    return std::string(1, debtor.tax_id_type) + "|" + debtor.tax_id + "|" + debtor.branch + "|" +
           debtor.account.number + "|" + debtor.account.check_digit + "|" + debtor.name;
}

void PutEnvelope(LineBuilder& line, std::string_view bank_code, std::uint32_t lot, char type) {
    line.Digits(layout::kBankCode, bank_code);
    line.Number(layout::kLotNumber, lot);
    line.Text(layout::kRecordType, std::string_view(&type, 1));
}

std::string LotHeaderLine(std::string_view bank_code, std::uint32_t lot,
                          const PreparedDebtor& debtor, std::string_view agreement) {
    namespace h = layout::lot_header;
    LineBuilder line(layout::kLineBytes);
    PutEnvelope(line, bank_code, lot, '1');
    line.Text(h::kOperation, "C");
    line.Digits(h::kService, layout::kServiceMiscPayments);
    line.Digits(h::kEntryForm, layout::kEntryFormPixTransfer);
    line.Digits(h::kLayoutVersion, layout::kLotLayoutVersion);
    line.Text(h::kDebtorTaxIdType, std::string_view(&debtor.tax_id_type, 1));
    line.Digits(h::kDebtorTaxId, debtor.tax_id);
    line.Text(h::kAgreement, agreement);
    line.Digits(h::kDebtorBranch, debtor.branch);
    line.Digits(h::kDebtorAccount, debtor.account.number);
    line.Text(h::kDebtorAccountCheckDigit, debtor.account.check_digit);
    line.Text(h::kDebtorName, debtor.name);
    line.Digits(h::kAddressNumber, "");
    line.Digits(h::kPostalCode, "");
    line.Digits(h::kPaymentForm, "01");  // P014: debit in the debtor's account
    return line.line();
}

std::string SegmentALine(std::string_view bank_code, std::uint32_t lot, std::size_t sequence,
                         const PreparedPayment& payment) {
    namespace a = layout::segment_a;
    LineBuilder line(layout::kLineBytes);
    PutEnvelope(line, bank_code, lot, '3');
    line.Number(layout::detail::kSequence, sequence);
    line.Text(layout::detail::kSegment, "A");
    line.Digits(a::kMovementType, "0");
    line.Digits(a::kInstruction, "00");
    line.Digits(a::kClearing, layout::kClearingPix);
    line.Digits(a::kCreditorBankCode, payment.creditor_bank_code);
    line.Digits(a::kCreditorBranch, payment.creditor_branch);
    line.Digits(a::kCreditorAccount, payment.creditor_account.number);
    line.Text(a::kCreditorAccountCheckDigit, payment.creditor_account.check_digit);
    line.Text(a::kCreditorName, payment.creditor_name);
    line.Text(a::kExternalId, payment.external_id);
    line.Date(a::kPaymentDate, payment.payment_date);
    line.Text(a::kCurrency, "BRL");
    line.Digits(a::kCurrencyQuantity, "");
    line.Number(a::kAmount, payment.amount_centavos);
    line.Digits(a::kEffectiveDate, "");
    line.Digits(a::kEffectiveAmount, "");
    line.Text(a::kCreditorAccountType, payment.creditor_account_type);
    line.Digits(a::kNotice, "0");
    return line.line();
}

std::string SegmentBLine(std::string_view bank_code, std::uint32_t lot, std::size_t sequence,
                         const PreparedPayment& payment) {
    namespace b = layout::segment_b;
    LineBuilder line(layout::kLineBytes);
    PutEnvelope(line, bank_code, lot, '3');
    line.Number(layout::detail::kSequence, sequence);
    line.Text(layout::detail::kSegment, "B");
    line.Text(b::kInitiation, "0" + std::to_string(Code(payment.initiation)));
    line.Text(b::kCreditorTaxIdType, std::string_view(&payment.creditor_tax_id_type, 1));
    line.Digits(b::kCreditorTaxId, payment.creditor_tax_id);
    line.Text(b::kTxId, payment.tx_id);
    line.Text(b::kDescription, payment.description);
    line.Text(b::kPixKey, payment.pix_key);
    line.Digits(b::kSiape, "");
    // An absent ISPB stays blank: all zeros would name Banco do Brasil.
    if (!payment.creditor_ispb.empty()) line.Digits(b::kCreditorIspb, payment.creditor_ispb);
    return line.line();
}

}  // namespace

Result<Cnab240Writer> Cnab240Writer::Create(std::ostream& output, Cnab240WriterOptions options) {
    namespace f = layout::file_header;
    if (!(options.bank_code.size() == 3 && IsDigits(options.bank_code))) {
        return Error::InvalidArgument(
            "bank_code: expected 3 digits, got " + Quoted(options.bank_code), "bank_code");
    }
    if (options.file_sequence_number < 1 || options.file_sequence_number > kFileSequenceMax) {
        return Error::InvalidArgument("file_sequence_number: must be between 1 and 999999",
                                      "file_sequence_number");
    }
    DICTRA_ASSIGN_OR_RETURN(std::string bank_name,
                            FitText(options.bank_name, f::kBankName, "bank_name"));
    DICTRA_ASSIGN_OR_RETURN(std::string company_name,
                            FitText(options.company_name, f::kCompanyName, "company_name"));
    DICTRA_ASSIGN_OR_RETURN(char company_tax_id_type,
                            TaxIdType(options.company_tax_id, "company_tax_id"));
    DICTRA_ASSIGN_OR_RETURN(std::string agreement,
                            FitText(options.agreement_code, f::kAgreement, "agreement_code"));
    options.agreement_code = agreement;

    const auto day = std::chrono::floor<std::chrono::days>(options.generated_at);
    const std::chrono::year_month_day date{day};
    const int year = static_cast<int>(date.year());
    if (year < 0 || year > 9999) {
        return Error::InvalidArgument("generated_at: the year must be 0000 to 9999",
                                      "generated_at");
    }
    const std::chrono::hh_mm_ss time{
        std::chrono::floor<std::chrono::seconds>(options.generated_at - day)};

    LineBuilder line(layout::kLineBytes);
    PutEnvelope(line, options.bank_code, 0, '0');
    line.Text(f::kCompanyTaxIdType, std::string_view(&company_tax_id_type, 1));
    line.Digits(f::kCompanyTaxId, options.company_tax_id);
    line.Text(f::kAgreement, agreement);
    line.Digits(f::kBranch, "");
    line.Digits(f::kAccount, "");
    line.Text(f::kCompanyName, company_name);
    line.Text(f::kBankName, bank_name);
    line.Text(f::kDirection, "1");
    line.Date(f::kGenerationDate, date);
    line.Number(f::kGenerationTime,
                static_cast<std::uint64_t>(time.hours().count() * 10000 +
                                           time.minutes().count() * 100 + time.seconds().count()));
    line.Number(f::kFileSequence, options.file_sequence_number);
    line.Digits(f::kLayoutVersion, layout::kFileLayoutVersion);
    line.Digits(f::kDensity, "");

    Cnab240Writer writer(output, std::move(options));
    DICTRA_RETURN_IF_ERROR(writer.WriteLine(line.line()));
    return writer;
}

Status Cnab240Writer::Add(const PaymentRecord& payment) {
    DICTRA_CHECK(!finished_);
    DICTRA_ASSIGN_OR_RETURN(PreparedPayment prepared, Prepare(payment, options_.bank_code));
    const std::string debtor_key = DebtorKey(prepared.debtor);
    const bool same_lot =
        lot_ && lot_->debtor_key == debtor_key && (lot_->records - 1) / 2 < kPaymentsPerLotMax &&
        lot_->amount_sum_centavos <= kLotTotalCentavosMax - prepared.amount_centavos;
    // This payment's lines, a lot change and the two trailers still to come must fit the file.
    const std::size_t lines_needed = 2 + (same_lot ? 0 : 2) + 2;
    if (records_written_ + lines_needed > layout::kRecordsPerFileMax) {
        return Error::ResourceExhausted("a CNAB240 file holds at most " +
                                        std::to_string(layout::kRecordsPerFileMax) + " records");
    }
    if (!same_lot && lots_ == kLotsMax) {
        return Error::ResourceExhausted("a CNAB240 file holds at most 9999 lots");
    }
    if (!same_lot) {
        DICTRA_RETURN_IF_ERROR(CloseLot());
        ++lots_;
        lot_ = OpenLot{.number = lots_, .debtor_key = debtor_key, .records = 1};
        DICTRA_RETURN_IF_ERROR(WriteLine(LotHeaderLine(options_.bank_code, lot_->number,
                                                       prepared.debtor, options_.agreement_code)));
    }
    DICTRA_RETURN_IF_ERROR(
        WriteLine(SegmentALine(options_.bank_code, lot_->number, lot_->records, prepared)));
    DICTRA_RETURN_IF_ERROR(
        WriteLine(SegmentBLine(options_.bank_code, lot_->number, lot_->records + 1, prepared)));
    lot_->records += 2;
    lot_->amount_sum_centavos += prepared.amount_centavos;
    return Ok();
}

Status Cnab240Writer::CloseLot() {
    if (!lot_) return Ok();
    namespace t = layout::lot_trailer;
    LineBuilder line(layout::kLineBytes);
    PutEnvelope(line, options_.bank_code, lot_->number, '5');
    line.Number(t::kRecordCount, lot_->records + 1);
    line.Number(t::kAmountTotal, lot_->amount_sum_centavos);
    line.Digits(t::kCurrencyTotal, "");
    line.Digits(t::kDebitNotice, "");
    lot_.reset();
    return WriteLine(line.line());
}

Status Cnab240Writer::Finish() {
    DICTRA_CHECK(!finished_);
    finished_ = true;
    DICTRA_RETURN_IF_ERROR(CloseLot());
    namespace t = layout::file_trailer;
    LineBuilder line(layout::kLineBytes);
    PutEnvelope(line, options_.bank_code, 9999, '9');
    line.Number(t::kLotCount, lots_);
    line.Number(t::kRecordCount, records_written_ + 1);
    line.Digits(t::kAccountCount, "");
    DICTRA_RETURN_IF_ERROR(WriteLine(line.line()));
    output_->flush();
    if (!*output_) return Error::Unavailable("writing the CNAB240 file failed");
    return Ok();
}

Status Cnab240Writer::WriteLine(const std::string& line) {
    DICTRA_CHECK(line.size() == layout::kLineBytes);
    output_->write(line.data(), static_cast<std::streamsize>(line.size()));
    output_->write("\r\n", 2);
    if (!*output_) return Error::Unavailable("writing the CNAB240 file failed");
    ++records_written_;
    return Ok();
}

}  // namespace dictra::formats::cnab
