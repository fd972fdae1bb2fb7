#include "formats/csv/payment_csv.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include "core/money.hpp"
#include "core/time.hpp"

namespace dictra::formats::csv {
namespace {

enum class Column {
    kExternalId,
    kAmount,
    kAmountBrl,
    kPaymentDate,
    kDebtorIspb,
    kDebtorBankCode,
    kDebtorBranch,
    kDebtorAccount,
    kDebtorAccountType,
    kDebtorName,
    kDebtorTaxId,
    kCreditorIspb,
    kCreditorBankCode,
    kCreditorBranch,
    kCreditorAccount,
    kCreditorAccountType,
    kCreditorName,
    kCreditorTaxId,
    kPixKey,
    kPixKeyType,
    kDescription,
    kTxId,
    // What an export reports about the payment it came from; read and ignored on import, so
    // that an export imports back.
    kStatus,
    kEndToEndId,
};

struct ColumnName {
    std::string_view name;
    Column column;
};

// Canonical names first, in the writer's order; then aliases.
constexpr std::array kColumnNames = {
    ColumnName{"external_id", Column::kExternalId},
    ColumnName{"amount", Column::kAmount},
    ColumnName{"payment_date", Column::kPaymentDate},
    ColumnName{"debtor_ispb", Column::kDebtorIspb},
    ColumnName{"debtor_bank_code", Column::kDebtorBankCode},
    ColumnName{"debtor_branch", Column::kDebtorBranch},
    ColumnName{"debtor_account", Column::kDebtorAccount},
    ColumnName{"debtor_account_type", Column::kDebtorAccountType},
    ColumnName{"debtor_name", Column::kDebtorName},
    ColumnName{"debtor_tax_id", Column::kDebtorTaxId},
    ColumnName{"creditor_ispb", Column::kCreditorIspb},
    ColumnName{"creditor_bank_code", Column::kCreditorBankCode},
    ColumnName{"creditor_branch", Column::kCreditorBranch},
    ColumnName{"creditor_account", Column::kCreditorAccount},
    ColumnName{"creditor_account_type", Column::kCreditorAccountType},
    ColumnName{"creditor_name", Column::kCreditorName},
    ColumnName{"creditor_tax_id", Column::kCreditorTaxId},
    ColumnName{"pix_key", Column::kPixKey},
    ColumnName{"pix_key_type", Column::kPixKeyType},
    ColumnName{"description", Column::kDescription},
    ColumnName{"tx_id", Column::kTxId},
    // Aliases: the settlement document's own names, and a decimal amount.
    ColumnName{"amount_centavos", Column::kAmount},
    ColumnName{"amount_brl", Column::kAmountBrl},
    ColumnName{"scheduled_date", Column::kPaymentDate},
    ColumnName{"debtor_account_no", Column::kDebtorAccount},
    ColumnName{"debtor_document", Column::kDebtorTaxId},
    ColumnName{"creditor_account_no", Column::kCreditorAccount},
    ColumnName{"creditor_document", Column::kCreditorTaxId},
    ColumnName{"status", Column::kStatus},
    ColumnName{"end_to_end_id", Column::kEndToEndId},
};
constexpr std::size_t kCanonicalColumns = 21;

std::optional<Column> ColumnFromName(std::string_view name) {
    for (const auto& entry : kColumnNames) {
        if (entry.name == name) return entry.column;
    }
    return std::nullopt;
}

std::string Lowercase(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return lower;
}

std::string Uppercase(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return upper;
}

std::string_view TrimSpaces(std::string_view text) {
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const std::size_t last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

bool IsDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::size_t Utf8Characters(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string Quoted(std::string_view text) {
    constexpr std::size_t kShownBytesMax = 40;
    if (text.size() > kShownBytesMax)
        return "\"" + std::string(text.substr(0, kShownBytesMax)) + "...\"";
    return "\"" + std::string(text) + "\"";
}

// The header row, understood.
struct Header {
    std::vector<Column> columns;
    std::vector<std::string> names;  // as written, for messages
};

// Turns one data row into a PaymentRecord, collecting a Diagnostic per bad value.
class RowParser {
 public:
    RowParser(const Header& header, std::size_t line_number, std::vector<Diagnostic>& errors)
        : header_(&header), line_number_(line_number), errors_(&errors) {}

    PaymentRecord Parse(const std::vector<std::string>& fields) {
        PaymentRecord payment;
        std::optional<std::string> key_type;
        std::size_t key_column = 0;
        std::size_t key_type_column = 0;
        for (std::size_t field_idx = 0; field_idx < fields.size(); ++field_idx) {
            column_ = field_idx;
            const std::string& raw = fields[field_idx];
            const std::string_view value = TrimSpaces(raw);
            if (value.empty()) continue;
            if (std::any_of(raw.begin(), raw.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
                Fail("control characters (line breaks, tabs) are not allowed in a value");
                continue;
            }
            switch (header_->columns[field_idx]) {
                case Column::kExternalId:
                    payment.external_id = TextUpTo(raw, kExternalIdBytesMax, /*bytes=*/true);
                    break;
                case Column::kAmount: payment.amount_centavos = Centavos(value); break;
                case Column::kAmountBrl: payment.amount_centavos = Reais(value); break;
                case Column::kPaymentDate: payment.payment_date = Date(value); break;
                case Column::kDebtorIspb: payment.debtor.ispb = Ispb(value); break;
                case Column::kDebtorBankCode: payment.debtor.bank_code = BankCode(value); break;
                case Column::kDebtorBranch: payment.debtor.branch = Branch(value); break;
                case Column::kDebtorAccount: payment.debtor.account = Account(value); break;
                case Column::kDebtorAccountType:
                    payment.debtor.account_type = AccountTypeOf(value);
                    break;
                case Column::kDebtorName:
                    payment.debtor.name = TextUpTo(raw, kNameCharsMax, /*bytes=*/false);
                    break;
                case Column::kDebtorTaxId: payment.debtor.tax_id = TaxId(value); break;
                case Column::kCreditorIspb: payment.creditor.ispb = Ispb(value); break;
                case Column::kCreditorBankCode: payment.creditor.bank_code = BankCode(value); break;
                case Column::kCreditorBranch: payment.creditor.branch = Branch(value); break;
                case Column::kCreditorAccount: payment.creditor.account = Account(value); break;
                case Column::kCreditorAccountType:
                    payment.creditor.account_type = AccountTypeOf(value);
                    break;
                case Column::kCreditorName:
                    payment.creditor.name = TextUpTo(raw, kNameCharsMax, /*bytes=*/false);
                    break;
                case Column::kCreditorTaxId: payment.creditor.tax_id = TaxId(value); break;
                case Column::kPixKey:
                    payment.pix_key = std::string(value);
                    key_column = field_idx + 1;
                    if (value.size() > kPixKeyBytesMax) {
                        Fail("at most " + std::to_string(kPixKeyBytesMax) +
                             " bytes (DICT's longest key)");
                    }
                    break;
                case Column::kPixKeyType:
                    key_type = Uppercase(value);
                    key_type_column = field_idx + 1;
                    break;
                case Column::kDescription:
                    payment.description = TextUpTo(raw, kDescriptionCharsMax, /*bytes=*/false);
                    break;
                case Column::kTxId: payment.tx_id = TxId(value); break;
                case Column::kStatus:
                case Column::kEndToEndId: break;
            }
        }
        payment.initiation = Initiation(payment, key_type, key_column, key_type_column);
        for (std::size_t column_idx = 0; column_idx < header_->columns.size(); ++column_idx) {
            const Column column = header_->columns[column_idx];
            if ((column == Column::kAmount || column == Column::kAmountBrl) &&
                TrimSpaces(fields[column_idx]).empty()) {
                FailAt(column_idx + 1, "the amount is required");
            }
        }
        return payment;
    }

 private:
    void Fail(std::string message) { FailAt(column_ + 1, std::move(message)); }

    void FailAt(std::size_t column, std::string message) {
        errors_->push_back(
            Diagnostic{.line_number = line_number_,
                       .first_position = column,
                       .last_position = column,
                       .unit = PositionUnit::kColumn,
                       .field = column == 0 ? std::string("row") : header_->names[column - 1],
                       .message = std::move(message)});
    }

    std::int64_t Centavos(std::string_view value) {
        if (!IsDigits(value) || value.size() > 15) {
            Fail("expected a whole number of centavos (15000 is R$ 150,00), got " + Quoted(value));
            return 0;
        }
        std::int64_t centavos = 0;
        for (char c : value) centavos = centavos * 10 + (c - '0');
        return Positive(centavos);
    }

    std::int64_t Reais(std::string_view value) {
        auto amount = ParseAmount(value);
        if (!amount.ok()) {
            Fail("expected a decimal amount in reais such as 150.00, got " + Quoted(value));
            return 0;
        }
        return Positive(amount->centavos());
    }

    std::int64_t Positive(std::int64_t centavos) {
        if (centavos <= 0 || centavos > kAmountCentavosMax) {
            Fail("the amount must be between 1 and " + std::to_string(kAmountCentavosMax) +
                 " centavos");
        }
        return centavos;
    }

    std::optional<std::chrono::year_month_day> Date(std::string_view value) {
        auto date = ParseIsoDate(value);
        if (!date.ok()) {
            Fail("expected a date YYYY-MM-DD, got " + Quoted(value));
            return std::nullopt;
        }
        return *date;
    }

    std::string Ispb(std::string_view value) {
        if (!(IsDigits(value) && value.size() == 8))
            Fail("expected 8 digits, got " + Quoted(value));
        return std::string(value);
    }

    std::string BankCode(std::string_view value) {
        if (!(IsDigits(value) && value.size() == 3))
            Fail("expected 3 digits, got " + Quoted(value));
        return std::string(value);
    }

    // Digits; leading zeros kept down to 4 (the PaymentRecord convention).
    std::string Branch(std::string_view value) {
        if (!(IsDigits(value) && value.size() <= 5)) {
            Fail("expected up to 5 digits, got " + Quoted(value));
            return {};
        }
        const std::size_t first = value.find_first_not_of('0');
        if (first == std::string_view::npos) return {};
        std::string significant(value.substr(first));
        if (significant.size() < 4) significant.insert(0, 4 - significant.size(), '0');
        return significant;
    }

    // Digits with the check digit last ('X' allowed), optionally "number-digit"; no leading
    // zeros (the PaymentRecord convention).
    std::string Account(std::string_view value) {
        std::string account(value);
        if (account.size() >= 3 && account[account.size() - 2] == '-') {
            account.erase(account.size() - 2, 1);
        }
        if (!account.empty() && account.back() == 'x') account.back() = 'X';
        const std::string_view number = std::string_view(account).substr(0, account.size() - 1);
        const char check_digit = account.back();
        if (account.size() > 20 || (!number.empty() && !IsDigits(number)) ||
            !((check_digit >= '0' && check_digit <= '9') || check_digit == 'X')) {
            Fail("expected up to 20 digits, the check digit last (0-9 or X), got " + Quoted(value));
            return {};
        }
        const std::size_t first = number.find_first_not_of('0');
        return (first == std::string_view::npos ? std::string()
                                                : std::string(number.substr(first))) +
               check_digit;
    }

    std::optional<AccountType> AccountTypeOf(std::string_view value) {
        auto type = AccountTypeFromString(Uppercase(value));
        if (!type) Fail("expected CACC, SVGS, SLRY or TRAN, got " + Quoted(value));
        return type;
    }

    // CPF or CNPJ digits; the usual punctuation ("123.456.789-09") is dropped.
    std::string TaxId(std::string_view value) {
        std::string digits;
        for (char c : value) {
            if (c != '.' && c != '-' && c != '/') digits.push_back(c);
        }
        if (!(IsDigits(digits) && (digits.size() == 11 || digits.size() == 14))) {
            Fail("expected a CPF (11 digits) or a CNPJ (14 digits), got " + Quoted(value));
            return {};
        }
        return digits;
    }

    std::string TxId(std::string_view value) {
        const bool alphanumeric = std::all_of(value.begin(), value.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
        if (!alphanumeric || value.size() > kTxIdBytesMax) {
            Fail("expected 1 to 35 letters and digits, got " + Quoted(value));
        }
        return std::string(value);
    }

    std::string TextUpTo(const std::string& raw, std::size_t max, bool bytes) {
        const std::size_t length = bytes ? raw.size() : Utf8Characters(raw);
        if (length > max) {
            Fail("at most " + std::to_string(max) + (bytes ? " bytes" : " characters") + ", got " +
                 std::to_string(length));
        }
        return raw;
    }

    std::optional<PixInitiation> Initiation(PaymentRecord& payment,
                                            const std::optional<std::string>& key_type,
                                            std::size_t key_column, std::size_t key_type_column) {
        if (!key_type) {
            if (payment.pix_key.empty()) return std::nullopt;
            auto inferred = InferPixInitiation(payment.pix_key);
            if (!inferred) {
                FailAt(key_column, "cannot tell the type of the Pix key " +
                                       Quoted(payment.pix_key) + "; add a pix_key_type column");
            }
            return inferred;
        }
        std::optional<PixInitiation> initiation;
        if (*key_type == "PHONE") initiation = PixInitiation::kPhone;
        if (*key_type == "EMAIL") initiation = PixInitiation::kEmail;
        if (*key_type == "CPF" || *key_type == "CNPJ") initiation = PixInitiation::kTaxId;
        if (*key_type == "EVP") initiation = PixInitiation::kRandomKey;
        if (*key_type == "MANUAL") initiation = PixInitiation::kBankData;
        if (!initiation) {
            FailAt(key_type_column,
                   "expected CPF, CNPJ, PHONE, EMAIL, EVP or MANUAL (no key: "
                   "bank data), got " +
                       Quoted(*key_type));
            return std::nullopt;
        }
        if (*initiation == PixInitiation::kBankData) return initiation;
        if (payment.pix_key.empty()) {
            FailAt(key_type_column, "a " + *key_type + " key type needs a pix_key");
            return initiation;
        }
        std::string& key = payment.pix_key;
        if (*initiation == PixInitiation::kPhone && IsDigits(key) && key.size() >= 12 &&
            key.size() <= 13) {
            key.insert(0, "+");
        }
        const auto inferred = InferPixInitiation(key);
        const bool matches = inferred == initiation && (*key_type != "CPF" || key.size() == 11) &&
                             (*key_type != "CNPJ" || key.size() == 14);
        if (!matches) FailAt(key_column, Quoted(key) + " is not a " + *key_type + " key");
        return initiation;
    }

    const Header* header_;
    std::size_t line_number_;
    std::vector<Diagnostic>* errors_;
    std::size_t column_ = 0;
};

std::string KeyTypeName(const PaymentRecord& payment) {
    if (!payment.initiation) return {};
    switch (*payment.initiation) {
        case PixInitiation::kPhone: return "PHONE";
        case PixInitiation::kEmail: return "EMAIL";
        case PixInitiation::kTaxId: return payment.pix_key.size() == 14 ? "CNPJ" : "CPF";
        case PixInitiation::kRandomKey: return "EVP";
        case PixInitiation::kBankData: return "MANUAL";
    }
    return {};
}

const Header& CanonicalHeader() {
    static const Header header = [] {
        Header canonical;
        for (std::size_t column_idx = 0; column_idx < kCanonicalColumns; ++column_idx) {
            canonical.columns.push_back(kColumnNames[column_idx].column);
            canonical.names.emplace_back(kColumnNames[column_idx].name);
        }
        return canonical;
    }();
    return header;
}

}  // namespace

const std::vector<std::string_view>& PaymentColumns() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> canonical;
        for (std::size_t column_idx = 0; column_idx < kCanonicalColumns; ++column_idx) {
            canonical.push_back(kColumnNames[column_idx].name);
        }
        return canonical;
    }();
    return names;
}

class PaymentCsvReader::Impl {
 public:
    Impl(std::istream& input, CsvOptions options) : csv_(input, options) {}

    std::optional<RecordOutcome> Next() {
        if (finished_) return std::nullopt;
        std::optional<CsvRecord> record = csv_.Next();
        summary_.lines = csv_.lines_read();
        std::optional<RecordOutcome> outcome;
        if (!record) {
            finished_ = true;
            if (header_) return std::nullopt;
            outcome = RecordOutcome{.line_number = 0, .line_count = 0, .kind = "file"};
            outcome->errors.push_back(
                Diagnostic{.field = "header", .message = "empty file: the header row is missing"});
        } else if (!header_) {
            outcome = ReadHeader(*record);
        } else {
            outcome = ReadRow(*record);
        }
        if (!outcome->errors.empty()) {
            outcome->status = RecordStatus::kError;
            outcome->payment.reset();
        }
        Tally(summary_, *outcome);
        return outcome;
    }

    const ReadSummary& summary() const { return summary_; }

 private:
    static RecordOutcome Start(const CsvRecord& record, std::string kind) {
        return RecordOutcome{.status = RecordStatus::kError,
                             .line_number = record.line_number,
                             .line_count = record.line_count,
                             .kind = std::move(kind)};
    }

    Diagnostic FaultDiagnostic(const CsvFault& fault, const Header* header) const {
        std::string field = "csv";
        if (header != nullptr && fault.column >= 1 && fault.column <= header->names.size()) {
            field = header->names[fault.column - 1];
        }
        return Diagnostic{.line_number = fault.line_number,
                          .first_position = fault.column,
                          .last_position = fault.column,
                          .unit = PositionUnit::kColumn,
                          .field = std::move(field),
                          .message = fault.message};
    }

    RecordOutcome ReadHeader(const CsvRecord& record) {
        RecordOutcome outcome = Start(record, "header");
        Header header;
        if (record.fault) {
            outcome.errors.push_back(FaultDiagnostic(*record.fault, nullptr));
        } else if (record.fields.empty()) {
            outcome.errors.push_back(Diagnostic{.line_number = record.line_number,
                                                .field = "header",
                                                .message = "the header row is blank"});
        }
        bool has_amount = false;
        for (std::size_t field_idx = 0; field_idx < record.fields.size(); ++field_idx) {
            const std::string name = Lowercase(TrimSpaces(record.fields[field_idx]));
            auto fail = [&](std::string message) {
                outcome.errors.push_back(Diagnostic{.line_number = record.line_number,
                                                    .first_position = field_idx + 1,
                                                    .last_position = field_idx + 1,
                                                    .unit = PositionUnit::kColumn,
                                                    .field = "header",
                                                    .message = std::move(message)});
            };
            auto column = ColumnFromName(name);
            if (!column) {
                fail("unknown column " + Quoted(record.fields[field_idx]) +
                     " (docs/formats/csv.md lists the accepted names)");
                column = Column::kExternalId;  // a placeholder: the header is refused anyway
            } else if (std::find(header.columns.begin(), header.columns.end(), *column) !=
                           header.columns.end() ||
                       (has_amount &&
                        (*column == Column::kAmount || *column == Column::kAmountBrl))) {
                fail("column " + Quoted(name) + " given twice");
            }
            if (*column == Column::kAmount || *column == Column::kAmountBrl) has_amount = true;
            header.columns.push_back(*column);
            header.names.push_back(name);
        }
        if (outcome.errors.empty() && !has_amount) {
            outcome.errors.push_back(
                Diagnostic{.line_number = record.line_number,
                           .field = "header",
                           .message = "an amount column is required (amount, in centavos, or "
                                      "amount_brl)"});
        }
        if (!outcome.errors.empty()) {
            outcome.errors.back().message += "; no row was read";
            finished_ = true;
            return outcome;
        }
        std::string names;
        for (const auto& name : header.names) names += (names.empty() ? "" : ", ") + name;
        outcome.status = RecordStatus::kControl;
        outcome.detail = "header: " + names;
        header_ = std::move(header);
        return outcome;
    }

    RecordOutcome ReadRow(const CsvRecord& record) {
        RecordOutcome outcome = Start(record, "row");
        if (record.fault) {
            outcome.errors.push_back(FaultDiagnostic(*record.fault, &*header_));
            return outcome;
        }
        if (record.fields.empty()) {
            outcome.status = RecordStatus::kSkipped;
            outcome.detail = "blank line";
            return outcome;
        }
        if (record.fields.size() != header_->columns.size()) {
            outcome.errors.push_back(Diagnostic{
                .line_number = record.line_number,
                .field = "csv",
                .message = "the row has " + std::to_string(record.fields.size()) +
                           " fields, the header " + std::to_string(header_->columns.size())});
            return outcome;
        }
        RowParser parser(*header_, record.line_number, outcome.errors);
        PaymentRecord payment = parser.Parse(record.fields);
        if (outcome.errors.empty()) {
            outcome.status = RecordStatus::kPayment;
            outcome.payment = std::move(payment);
        }
        return outcome;
    }

    CsvReader csv_;
    std::optional<Header> header_;
    ReadSummary summary_;
    bool finished_ = false;
};

PaymentCsvReader::PaymentCsvReader(std::istream& input, CsvOptions options)
    : impl_(std::make_unique<Impl>(input, options)) {}

PaymentCsvReader::~PaymentCsvReader() = default;

std::optional<RecordOutcome> PaymentCsvReader::Next() {
    return impl_->Next();
}

const ReadSummary& PaymentCsvReader::summary() const {
    return impl_->summary();
}

Status PaymentCsvWriter::WriteHeaderOnce() {
    if (header_written_) return Ok();
    header_written_ = true;
    std::vector<std::string> names(PaymentColumns().begin(), PaymentColumns().end());
    return csv_.WriteRecord(names);
}

Status PaymentCsvWriter::Add(const PaymentRecord& payment) {
    if (payment.payment_date &&
        (!payment.payment_date->ok() || static_cast<int>(payment.payment_date->year()) < 0 ||
         static_cast<int>(payment.payment_date->year()) > 9999)) {
        return Error::InvalidArgument("payment_date: not a calendar date of years 0000 to 9999",
                                      "payment_date");
    }
    const auto text = [](const std::optional<AccountType>& type) {
        return type ? std::string(ToString(*type)) : std::string();
    };
    std::vector<std::string> row = {
        payment.external_id,
        std::to_string(payment.amount_centavos),
        payment.payment_date ? FormatIsoDate(*payment.payment_date) : std::string(),
        payment.debtor.ispb,
        payment.debtor.bank_code,
        payment.debtor.branch,
        payment.debtor.account,
        text(payment.debtor.account_type),
        payment.debtor.name,
        payment.debtor.tax_id,
        payment.creditor.ispb,
        payment.creditor.bank_code,
        payment.creditor.branch,
        payment.creditor.account,
        text(payment.creditor.account_type),
        payment.creditor.name,
        payment.creditor.tax_id,
        payment.pix_key,
        KeyTypeName(payment),
        payment.description,
        payment.tx_id,
    };
    // What the reader would refuse is not written.
    std::vector<Diagnostic> errors;
    RowParser(CanonicalHeader(), 0, errors).Parse(row);
    if (!errors.empty()) {
        return Error::InvalidArgument(errors.front().field + ": " + errors.front().message,
                                      errors.front().field);
    }
    DICTRA_RETURN_IF_ERROR(WriteHeaderOnce());
    return csv_.WriteRecord(row);
}

Status PaymentCsvWriter::Finish() {
    DICTRA_RETURN_IF_ERROR(WriteHeaderOnce());
    output_->flush();
    if (!*output_) return Error::Unavailable("writing the CSV file failed");
    return Ok();
}

}  // namespace dictra::formats::csv
