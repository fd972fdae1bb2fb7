#include "formats/cnab/payment_fields.hpp"

namespace dictra::formats::cnab {
namespace {

std::string InitiationLabel(PixInitiation initiation) {
    return "0" + std::to_string(Code(initiation)) + " (" + std::string(ToString(initiation)) + ")";
}

// A phone key as DICT keeps it: "+" and 12 or 13 digits ("+5511987654321"). Files written by
// spreadsheets often drop the '+'.
std::string NormalPhoneKey(std::string key) {
    if (!key.empty() && key.front() != '+' && IsDigits(key) && key.size() >= 12 &&
        key.size() <= 13) {
        return "+" + key;
    }
    return key;
}

}  // namespace

std::string ReadTaxId(FieldReader& fields, const Field& type_field, const Field& number_field) {
    const char type = fields.Raw(type_field)[0];
    if (type == '0' || type == ' ') {
        if (!fields.IsZeros(number_field) && !fields.IsBlank(number_field)) {
            fields.Fail(type_field, "a tax id is given but its type is " +
                                        Quoted(std::string_view(&type, 1)) + " (1 CPF, 2 CNPJ)");
        }
        return {};
    }
    if (type != '1' && type != '2') {
        fields.Fail(type_field,
                    "expected 1 (CPF) or 2 (CNPJ), found " + Quoted(std::string_view(&type, 1)));
        return {};
    }
    auto digits = fields.Digits(number_field);
    if (!digits) return {};
    if (type == '2') return std::string(*digits);
    const std::size_t padding = digits->size() - 11;
    if (digits->find_first_not_of('0') < padding) {
        fields.Fail(number_field, "a CPF has 11 digits, found " + Quoted(*digits));
        return {};
    }
    return std::string(digits->substr(padding));
}

std::optional<PixInitiation> ReadInitiation(FieldReader& fields, const Field& field) {
    std::string_view raw = fields.Raw(field);
    const std::size_t first = raw.find_first_not_of(' ');
    const std::size_t last = raw.find_last_not_of(' ');
    const std::string_view trimmed =
        first == std::string_view::npos ? std::string_view() : raw.substr(first, last - first + 1);
    std::optional<PixInitiation> initiation;
    if (IsDigits(trimmed)) {
        const std::string_view significant = StripLeadingZeros(trimmed);
        if (significant.size() == 1) initiation = PixInitiationFromCode(significant[0] - '0');
    }
    if (!initiation) {
        fields.Fail(field,
                    "expected the Pix initiation form 01 (phone), 02 (e-mail), 03 (CPF/CNPJ), "
                    "04 (random key) or 05 (bank data), found " +
                        Quoted(raw));
    }
    return initiation;
}

std::string JoinAccount(std::string_view number_digits, std::string_view check_digit) {
    return std::string(StripLeadingZeros(number_digits)) + std::string(check_digit);
}

std::string ReadAccount(FieldReader& fields, const Field& number_field,
                        const Field& check_digit_field) {
    auto number = fields.DigitsOrBlank(number_field);
    const char check_digit = fields.Raw(check_digit_field)[0];
    const bool check_digit_ok = check_digit == ' ' || check_digit == 'X' || check_digit == 'x' ||
                                (check_digit >= '0' && check_digit <= '9');
    if (!check_digit_ok) {
        fields.Fail(check_digit_field, "expected a check digit (0-9 or X), found " +
                                           Quoted(std::string_view(&check_digit, 1)));
        return {};
    }
    if (!number) return {};
    return JoinAccount(*number,
                       check_digit == ' ' ? std::string_view() : std::string_view(&check_digit, 1));
}

void CheckPixAddressing(PaymentRecord& payment, const PixAddressingFields& where) {
    if (!payment.initiation) return;  // already reported
    const PixInitiation initiation = *payment.initiation;
    if (initiation == PixInitiation::kBankData) {
        if (payment.creditor.ispb.empty()) {
            where.ispb_reader->Fail(where.ispb, "the payee's ISPB is required with initiation " +
                                                    InitiationLabel(initiation));
        }
        if (payment.creditor.account.empty()) {
            where.account_reader->Fail(
                where.account,
                "the payee's account is required with initiation " + InitiationLabel(initiation));
        }
        return;
    }
    if (payment.pix_key.empty()) {
        where.key_reader->Fail(
            where.key, "a Pix key is required with initiation " + InitiationLabel(initiation));
        return;
    }
    if (initiation == PixInitiation::kPhone) payment.pix_key = NormalPhoneKey(payment.pix_key);
    if (InferPixInitiation(payment.pix_key) != initiation) {
        where.key_reader->Fail(where.key, "\"" + payment.pix_key +
                                              "\" is not a key of the type initiation " +
                                              InitiationLabel(initiation) + " says");
    }
}

Status ValidatePixAddressing(const PaymentRecord& payment) {
    DICTRA_ASSIGN_OR_RETURN(PixInitiation initiation, InitiationToWrite(payment));
    if (initiation == PixInitiation::kBankData) {
        if (payment.creditor.ispb.empty()) {
            return Error::InvalidArgument(
                "creditor.ispb: required with initiation " + InitiationLabel(initiation),
                "creditor.ispb");
        }
        if (payment.creditor.account.empty()) {
            return Error::InvalidArgument(
                "creditor.account: required with initiation " + InitiationLabel(initiation),
                "creditor.account");
        }
        return Ok();
    }
    if (payment.pix_key.empty()) {
        return Error::InvalidArgument(
            "pix_key: required with initiation " + InitiationLabel(initiation), "pix_key");
    }
    if (InferPixInitiation(payment.pix_key) != initiation) {
        return Error::InvalidArgument("pix_key: \"" + payment.pix_key +
                                          "\" is not a key of the type initiation " +
                                          InitiationLabel(initiation) + " says",
                                      "pix_key");
    }
    return Ok();
}

Result<PixInitiation> InitiationToWrite(const PaymentRecord& payment) {
    if (payment.initiation) return *payment.initiation;
    if (payment.pix_key.empty()) return PixInitiation::kBankData;
    if (auto inferred = InferPixInitiation(payment.pix_key)) return *inferred;
    return Error::InvalidArgument(
        "initiation: not given, and the Pix key \"" + payment.pix_key + "\" has no known shape",
        "initiation");
}

Result<SplitAccountNumber> SplitAccount(std::string_view account, std::string_view path) {
    if (account.empty()) return SplitAccountNumber{};
    const std::string_view number = account.substr(0, account.size() - 1);
    const char check_digit = account.back();
    const bool check_ok =
        (check_digit >= '0' && check_digit <= '9') || check_digit == 'X' || check_digit == 'x';
    if ((!number.empty() && !IsDigits(number)) || !check_ok) {
        return Error::InvalidArgument(std::string(path) +
                                          ": expected digits with the check digit last (digit "
                                          "or X), got " +
                                          Quoted(account),
                                      std::string(path));
    }
    return SplitAccountNumber{std::string(number), std::string(1, check_digit)};
}

Result<char> TaxIdType(std::string_view tax_id, std::string_view path) {
    if (tax_id.empty()) return '0';
    if (IsDigits(tax_id) && tax_id.size() == 11) return '1';
    if (IsDigits(tax_id) && tax_id.size() == 14) return '2';
    return Error::InvalidArgument(std::string(path) +
                                      ": expected a CPF (11 digits) or a CNPJ (14 digits), got " +
                                      Quoted(tax_id),
                                  std::string(path));
}

Status ValidateParty(const Party& party, std::string_view path, std::size_t branch_digits_max) {
    const std::string prefix(path);
    if (!party.ispb.empty() && !(party.ispb.size() == 8 && IsDigits(party.ispb))) {
        return Error::InvalidArgument(
            prefix + ".ispb: expected 8 digits, got " + Quoted(party.ispb), prefix + ".ispb");
    }
    if (!party.bank_code.empty() && !(party.bank_code.size() == 3 && IsDigits(party.bank_code))) {
        return Error::InvalidArgument(
            prefix + ".bank_code: expected 3 digits, got " + Quoted(party.bank_code),
            prefix + ".bank_code");
    }
    if (!party.branch.empty() &&
        !(IsDigits(party.branch) && party.branch.size() <= branch_digits_max)) {
        return Error::InvalidArgument(prefix + ".branch: expected up to " +
                                          std::to_string(branch_digits_max) + " digits, got " +
                                          Quoted(party.branch),
                                      prefix + ".branch");
    }
    DICTRA_RETURN_IF_ERROR(TaxIdType(party.tax_id, prefix + ".tax_id"));
    return Ok();
}

}  // namespace dictra::formats::cnab
