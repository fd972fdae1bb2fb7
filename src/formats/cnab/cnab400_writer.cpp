#include "formats/cnab/cnab400_writer.hpp"

#include <chrono>

#include "core/check.hpp"
#include "formats/cnab/cnab400_layout.hpp"
#include "formats/cnab/field.hpp"
#include "formats/cnab/payment_fields.hpp"

namespace dictra::formats::cnab {
namespace {

namespace layout = cnab400;

constexpr std::uint64_t kAmountCentavosMax = 9'999'999'999'999;             // 13 digits
constexpr std::uint64_t kAmountTotalCentavosMax = 999'999'999'999'999'999;  // 18 digits
constexpr std::uint32_t kFileSequenceMax = 9'999'999;

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

// Checks `party` and writes it at `where`. Nothing is written on error.
Status PutParty(LineBuilder& line, const Party& party, std::string_view path,
                const PartyFields& where) {
    const std::string prefix(path);
    DICTRA_RETURN_IF_ERROR(ValidateParty(party, path, where.branch.length()));
    DICTRA_ASSIGN_OR_RETURN(SplitAccountNumber account,
                            SplitAccount(party.account, prefix + ".account"));
    DICTRA_RETURN_IF_ERROR(FitDigits(account.number, where.account, prefix + ".account"));
    DICTRA_ASSIGN_OR_RETURN(char tax_id_type, TaxIdType(party.tax_id, prefix + ".tax_id"));
    DICTRA_ASSIGN_OR_RETURN(std::string name, FitText(party.name, where.name, prefix + ".name"));

    // An absent ISPB stays blank: all zeros would name Banco do Brasil.
    if (!party.ispb.empty()) line.Digits(where.ispb, party.ispb);
    line.Digits(where.bank_code, party.bank_code);
    line.Digits(where.branch, party.branch);
    line.Digits(where.account, account.number);
    line.Text(where.account_check_digit, account.check_digit);
    if (party.account_type) line.Text(where.account_type, ToString(*party.account_type));
    line.Text(where.tax_id_type, std::string_view(&tax_id_type, 1));
    line.Digits(where.tax_id, party.tax_id);
    line.Text(where.name, name);
    return Ok();
}

}  // namespace

Result<Cnab400Writer> Cnab400Writer::Create(std::ostream& output,
                                            const Cnab400WriterOptions& options) {
    namespace h = layout::header;
    if (!(options.bank_code.size() == 3 && IsDigits(options.bank_code))) {
        return Error::InvalidArgument(
            "bank_code: expected 3 digits, got " + Quoted(options.bank_code), "bank_code");
    }
    if (options.file_sequence_number < 1 || options.file_sequence_number > kFileSequenceMax) {
        return Error::InvalidArgument("file_sequence_number: must be between 1 and 9999999",
                                      "file_sequence_number");
    }
    DICTRA_ASSIGN_OR_RETURN(std::string bank_name,
                            FitText(options.bank_name, h::kBankName, "bank_name"));
    DICTRA_ASSIGN_OR_RETURN(std::string company_name,
                            FitText(options.company_name, h::kCompanyName, "company_name"));
    DICTRA_ASSIGN_OR_RETURN(std::string agreement,
                            FitText(options.agreement_code, h::kAgreement, "agreement_code"));
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
    line.Text(layout::kRecordType, "0");
    line.Text(h::kOperation, layout::kOperation);
    line.Digits(h::kServiceCode, layout::kServiceCode);
    line.Text(h::kServiceName, layout::kServiceName);
    line.Text(h::kAgreement, agreement);
    line.Text(h::kCompanyName, company_name);
    line.Digits(h::kBankCode, options.bank_code);
    line.Text(h::kBankName, bank_name);
    line.Date(h::kGenerationDate, date);
    line.Number(h::kGenerationTime,
                static_cast<std::uint64_t>(time.hours().count() * 10000 +
                                           time.minutes().count() * 100 + time.seconds().count()));
    line.Number(h::kFileSequence, options.file_sequence_number);

    Cnab400Writer writer(output);
    DICTRA_RETURN_IF_ERROR(writer.WriteLine(line.line()));
    return writer;
}

Status Cnab400Writer::Add(const PaymentRecord& payment) {
    namespace d = layout::detail;
    DICTRA_CHECK(!finished_);
    // This record and the trailer must fit the 6-digit record numbers.
    if (records_written_ + 2 > layout::kRecordsPerFileMax) {
        return Error::ResourceExhausted("a CNAB400 file holds at most " +
                                        std::to_string(layout::kRecordsPerFileMax) + " records");
    }
    if (payment.amount_centavos <= 0 ||
        static_cast<std::uint64_t>(payment.amount_centavos) > kAmountCentavosMax) {
        return Error::InvalidArgument("amount_centavos: must be between 1 and " +
                                          std::to_string(kAmountCentavosMax) + ", got " +
                                          std::to_string(payment.amount_centavos),
                                      "amount_centavos");
    }
    if (!payment.payment_date || !payment.payment_date->ok() ||
        static_cast<int>(payment.payment_date->year()) < 0 ||
        static_cast<int>(payment.payment_date->year()) > 9999) {
        return Error::InvalidArgument("payment_date: a calendar date is required in CNAB400",
                                      "payment_date");
    }
    if (amount_sum_centavos_ + static_cast<std::uint64_t>(payment.amount_centavos) >
        kAmountTotalCentavosMax) {
        return Error::ResourceExhausted(
            "the amount total would not fit the trailer's 18 digits; start another file");
    }
    DICTRA_RETURN_IF_ERROR(ValidatePixAddressing(payment));
    DICTRA_ASSIGN_OR_RETURN(PixInitiation initiation, InitiationToWrite(payment));
    DICTRA_ASSIGN_OR_RETURN(std::string pix_key, FitText(payment.pix_key, d::kPixKey, "pix_key"));
    DICTRA_ASSIGN_OR_RETURN(std::string external_id,
                            FitText(payment.external_id, d::kExternalId, "external_id"));
    DICTRA_ASSIGN_OR_RETURN(std::string tx_id, FitText(payment.tx_id, d::kTxId, "tx_id"));
    DICTRA_ASSIGN_OR_RETURN(std::string description,
                            FitText(payment.description, d::kDescription, "description"));

    LineBuilder line(layout::kLineBytes);
    line.Text(layout::kRecordType, "1");
    DICTRA_RETURN_IF_ERROR(
        PutParty(line, payment.debtor, "debtor",
                 {d::kDebtorIspb, d::kDebtorBankCode, d::kDebtorBranch, d::kDebtorAccount,
                  d::kDebtorAccountCheckDigit, d::kDebtorAccountType, d::kDebtorTaxIdType,
                  d::kDebtorTaxId, d::kDebtorName}));
    DICTRA_RETURN_IF_ERROR(
        PutParty(line, payment.creditor, "creditor",
                 {d::kCreditorIspb, d::kCreditorBankCode, d::kCreditorBranch, d::kCreditorAccount,
                  d::kCreditorAccountCheckDigit, d::kCreditorAccountType, d::kCreditorTaxIdType,
                  d::kCreditorTaxId, d::kCreditorName}));
    line.Number(d::kInitiation, static_cast<std::uint64_t>(Code(initiation)));
    line.Text(d::kPixKey, pix_key);
    line.Number(d::kAmount, static_cast<std::uint64_t>(payment.amount_centavos));
    line.Date(d::kPaymentDate, *payment.payment_date);
    line.Text(d::kExternalId, external_id);
    line.Text(d::kTxId, tx_id);
    line.Text(d::kDescription, description);
    DICTRA_RETURN_IF_ERROR(WriteLine(line.line()));
    ++payments_;
    amount_sum_centavos_ += static_cast<std::uint64_t>(payment.amount_centavos);
    return Ok();
}

Status Cnab400Writer::Finish() {
    namespace t = layout::trailer;
    DICTRA_CHECK(!finished_);
    finished_ = true;
    LineBuilder line(layout::kLineBytes);
    line.Text(layout::kRecordType, "9");
    line.Number(t::kPaymentCount, payments_);
    line.Number(t::kAmountTotal, amount_sum_centavos_);
    DICTRA_RETURN_IF_ERROR(WriteLine(line.line()));
    output_->flush();
    if (!*output_) return Error::Unavailable("writing the CNAB400 file failed");
    return Ok();
}

Status Cnab400Writer::WriteLine(std::string line) {
    DICTRA_CHECK(line.size() == layout::kLineBytes);
    // The sequence number is the record's place in the file.
    std::string sequence = std::to_string(records_written_ + 1);
    line.replace(layout::kSequence.first - 1, layout::kSequence.length(),
                 std::string(layout::kSequence.length() - sequence.size(), '0') + sequence);
    output_->write(line.data(), static_cast<std::streamsize>(line.size()));
    output_->write("\r\n", 2);
    if (!*output_) return Error::Unavailable("writing the CNAB400 file failed");
    ++records_written_;
    return Ok();
}

}  // namespace dictra::formats::cnab
