// Payment fields both CNAB layouts share: tax ids, accounts, Pix initiation and key.
//
// Readers use the Read* functions with a FieldReader, so a bad field becomes a Diagnostic that
// names its positions; writers use the Split*/Cnab* functions on PaymentRecord values they have
// already validated. The conventions (docs/formats/cnab240.md, "Conventions"):
// - tax id: a type digit (0 none, 1 CPF, 2 CNPJ) and 14 digits, a CPF right-aligned;
// - account: number and check digit apart in the file, joined in Party::account, leading zeros
//   dropped;
// - initiation: FEBRABAN G100 codes 01..05; a phone key without '+' is read as "+<digits>".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/cnab/field.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::cnab {

// Reads a tax id from its type field (1 digit) and number field (14 digits): "" when the type
// is 0 or blank and the number zeros or blank.
std::string ReadTaxId(FieldReader& fields, const Field& type_field, const Field& number_field);

// Reads an initiation form: digits 1 to 5, zero-padded and possibly space-padded ("01 ", "05").
std::optional<PixInitiation> ReadInitiation(FieldReader& fields, const Field& field);

// The account as Party keeps it: the number without leading zeros, then the check digit
// ("000000123456" + "7" -> "1234567"); "" when both are absent.
std::string JoinAccount(std::string_view number_digits, std::string_view check_digit);

// Reads an account number (digits or blank) and its check digit (a digit, 'X' or blank) and
// joins them with JoinAccount.
std::string ReadAccount(FieldReader& fields, const Field& number_field,
                        const Field& check_digit_field);

// Where the fields CheckPixAddressing may blame are.
struct PixAddressingFields {
    FieldReader* key_reader;
    Field key;
    FieldReader* ispb_reader;
    Field ispb;
    FieldReader* account_reader;
    Field account;
};

// Checks that the payee is addressed the way the initiation says: a key of that type (01..04),
// or ISPB and account (05). Normalises a phone key written without '+'.
void CheckPixAddressing(PaymentRecord& payment, const PixAddressingFields& where);

// The writer's side of the same rules: kInvalidArgument naming the PaymentRecord field.
Status ValidatePixAddressing(const PaymentRecord& payment);

// The initiation to write: the record's own, or the one its key implies.
Result<PixInitiation> InitiationToWrite(const PaymentRecord& payment);

struct SplitAccountNumber {
    std::string number;       // digits, may be empty
    std::string check_digit;  // one character or empty
};

// Splits Party::account into number and check digit. Errors name `path` ("creditor.account"):
// anything but digits with an optional final 'X'/'x' check digit.
Result<SplitAccountNumber> SplitAccount(std::string_view account, std::string_view path);

// The tax id type digit for a tax id ('0' empty, '1' CPF, '2' CNPJ). Errors name `path`:
// anything but "", 11 digits or 14 digits.
Result<char> TaxIdType(std::string_view tax_id, std::string_view path);

// Checks an ISPB (8 digits or empty), a branch (digits, at most `branch_digits_max`, or empty)
// and a bank code (3 digits or empty) of `party` at `path` ("creditor").
Status ValidateParty(const Party& party, std::string_view path, std::size_t branch_digits_max);

}  // namespace dictra::formats::cnab
