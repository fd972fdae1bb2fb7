// A payment as a file carries it, the same whichever format the file has.
//
// The CNAB240, CNAB400 and CSV readers (formats/cnab, formats/csv) turn a file into a stream of
// RecordOutcomes, one at a time: a PaymentRecord (PAYMENT), a record read but not turned into a
// payment, with the reason (SKIPPED), a header or trailer that was checked (CONTROL), or an ERROR
// that names the line, the positions (CNAB bytes) or column (CSV), the field and what is wrong.
// The writers take PaymentRecords. Nothing here knows the settlement service: it maps a
// PaymentRecord onto its own create command and applies its own rules (a reader checks the shape
// of each field, not whether the payment is allowed).
//
// Conventions of every field below: text is UTF-8 whatever the file's encoding; an empty string
// means the file does not say; digits-only fields hold ASCII digits.
//
// A reader streams: it yields outcomes before it has seen the whole file. Trailer counts and
// totals, and a missing trailer, are reported when they are reached, so an importer must hold the
// payments it received until the reader is exhausted and import none if any outcome was an ERROR.
//
// Header-only on purpose: both dictra_cnab and dictra_csv use it, and it has no code worth a
// library of its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dictra::formats {

// ISO 20022 cash account types, as the settlement document spells them.
enum class AccountType { kCacc, kSvgs, kSlry, kTran };

inline std::string_view ToString(AccountType type) {
    switch (type) {
        case AccountType::kCacc: return "CACC";
        case AccountType::kSvgs: return "SVGS";
        case AccountType::kSlry: return "SLRY";
        case AccountType::kTran: return "TRAN";
    }
    return "CACC";
}

// Exact, upper-case spelling; nullopt for anything else.
inline std::optional<AccountType> AccountTypeFromString(std::string_view text) {
    for (AccountType type :
         {AccountType::kCacc, AccountType::kSvgs, AccountType::kSlry, AccountType::kTran}) {
        if (ToString(type) == text) return type;
    }
    return std::nullopt;
}

// How the payee is addressed: FEBRABAN CNAB240 v10 "forma de iniciação" (note G100). The values
// are the codes the files carry (01 to 05).
enum class PixInitiation {
    kPhone = 1,      // Pix key of type phone ("+5511987654321")
    kEmail = 2,      // Pix key of type e-mail
    kTaxId = 3,      // Pix key of type CPF or CNPJ
    kRandomKey = 4,  // Pix key of type EVP (random UUID)
    kBankData = 5,   // no key: ISPB, branch and account of the payee
};

inline int Code(PixInitiation initiation) {
    return static_cast<int>(initiation);
}

inline std::optional<PixInitiation> PixInitiationFromCode(int code) {
    if (code < 1 || code > 5) return std::nullopt;
    return static_cast<PixInitiation>(code);
}

inline std::string_view ToString(PixInitiation initiation) {
    switch (initiation) {
        case PixInitiation::kPhone: return "PHONE";
        case PixInitiation::kEmail: return "EMAIL";
        case PixInitiation::kTaxId: return "CPF_CNPJ";
        case PixInitiation::kRandomKey: return "EVP";
        case PixInitiation::kBankData: return "BANK_DATA";
    }
    return "BANK_DATA";
}

// One side of a payment.
struct Party {
    std::string ispb;       // 8 digits ("00000000" is Banco do Brasil, so never "zero = absent")
    std::string bank_code;  // COMPE code, 3 digits
    std::string branch;     // agency, digits, no check digit; leading zeros kept down to 4 digits
    // Account number with its check digit as the last character (digit or 'X'), no leading
    // zeros: the way Pix carries it. Files that split number and check digit are joined.
    std::string account;
    std::optional<AccountType> account_type;
    std::string name;
    std::string tax_id;  // CPF (11 digits) or CNPJ (14 digits)

    friend bool operator==(const Party&, const Party&) = default;
};

// A payment request read from, or to be written to, a file. `debtor` pays, `creditor` receives
// (the settlement document's nouns; FEBRABAN says "empresa" and "favorecido").
struct PaymentRecord {
    std::int64_t amount_centavos = 0;
    std::optional<std::chrono::year_month_day> payment_date;  // the day the payer wants it paid
    Party debtor;
    Party creditor;
    std::string pix_key;
    std::optional<PixInitiation> initiation;
    std::string description;  // free text for the payee
    std::string external_id;  // the payer's own reference ("seu número")
    std::string tx_id;        // the payee's charge id, when paying a charge

    friend bool operator==(const PaymentRecord&, const PaymentRecord&) = default;
};

// What a record of a file turned out to be.
enum class RecordStatus {
    kPayment,  // `payment` holds it
    kSkipped,  // read and well-formed, but not a payment (`detail` says why); not a fault
    kControl,  // a header or trailer, checked (`detail` says what it declares)
    kError,    // `errors` says what is wrong; a file with any error must not be imported
};

inline std::string_view ToString(RecordStatus status) {
    switch (status) {
        case RecordStatus::kPayment: return "PAYMENT";
        case RecordStatus::kSkipped: return "SKIPPED";
        case RecordStatus::kControl: return "CONTROL";
        case RecordStatus::kError: return "ERROR";
    }
    return "ERROR";
}

// What `first_position` and `last_position` count.
enum class PositionUnit {
    kByte,    // 1-based byte positions in a fixed-width line (CNAB)
    kColumn,  // 1-based column number (CSV)
};

// Where and what: "line 12, positions 120-134 (amount): expected digits, found \"12,50\"".
struct Diagnostic {
    std::size_t line_number = 0;     // 1-based physical line; 0 = the file as a whole
    std::size_t first_position = 0;  // 0 = no position
    std::size_t last_position = 0;
    PositionUnit unit = PositionUnit::kByte;
    std::string field;  // the field's name in docs/formats/*.md ("amount", "line_length")
    std::string message;

    friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

inline std::string Describe(const Diagnostic& diagnostic) {
    std::string text =
        diagnostic.line_number == 0 ? "file" : "line " + std::to_string(diagnostic.line_number);
    if (diagnostic.first_position != 0) {
        if (diagnostic.unit == PositionUnit::kColumn) {
            text += ", column " + std::to_string(diagnostic.first_position);
        } else if (diagnostic.last_position > diagnostic.first_position) {
            text += ", positions " + std::to_string(diagnostic.first_position) + "-" +
                    std::to_string(diagnostic.last_position);
        } else {
            text += ", position " + std::to_string(diagnostic.first_position);
        }
    }
    if (!diagnostic.field.empty()) text += " (" + diagnostic.field + ")";
    text += ": " + diagnostic.message;
    return text;
}

// One record of a file (or one file-level finding, with `kind` "file").
struct RecordOutcome {
    RecordStatus status = RecordStatus::kError;
    std::size_t line_number = 0;  // first physical line, 1-based; 0 = about the whole file
    std::size_t line_count = 1;   // lines covered (CNAB240 Segment A + B: 2; CSV quoted newlines)
    // What the record is: CNAB240 record type and segment ("0", "1", "3A", "3P", "5", "9"),
    // CNAB400 record type ("0", "1", "9"), CSV "header" or "row"; "file" for file-level findings.
    std::string kind;
    std::optional<PaymentRecord> payment;  // set iff status == kPayment
    std::string detail;                    // SKIPPED: the reason; CONTROL: what it declares
    std::vector<Diagnostic> errors;        // non-empty iff status == kError
    // Checks that failed where they cannot change a payment (a collection file's own counts);
    // reported, never a reason to refuse the file.
    std::vector<Diagnostic> warnings;
};

// Running totals of what a reader yielded so far.
struct ReadSummary {
    std::size_t lines = 0;  // physical lines read
    std::size_t payments = 0;
    std::size_t skipped = 0;
    std::size_t controls = 0;
    std::size_t errors = 0;  // outcomes with status kError
    std::size_t warnings = 0;
    // Sum over PAYMENT outcomes. A file of a million payments of up to 10^15 centavos each can
    // pass int64: the sum then stops at its maximum and `amount_overflowed` says so.
    std::int64_t payments_amount_centavos = 0;
    bool amount_overflowed = false;

    bool clean() const { return errors == 0; }
};

// Adds one outcome to the totals.
inline void Tally(ReadSummary& summary, const RecordOutcome& outcome) {
    switch (outcome.status) {
        case RecordStatus::kPayment:
            ++summary.payments;
            if (__builtin_add_overflow(summary.payments_amount_centavos,
                                       outcome.payment->amount_centavos,
                                       &summary.payments_amount_centavos)) {
                summary.payments_amount_centavos = INT64_MAX;
                summary.amount_overflowed = true;
            }
            break;
        case RecordStatus::kSkipped: ++summary.skipped; break;
        case RecordStatus::kControl: ++summary.controls; break;
        case RecordStatus::kError: ++summary.errors; break;
    }
    summary.warnings += outcome.warnings.size();
}

// The Pix key type a key's shape implies: "+<digits>" phone, "x@y" e-mail, 11 or 14 digits
// CPF/CNPJ, a UUID random key; nullopt when none fits.
inline std::optional<PixInitiation> InferPixInitiation(std::string_view key) {
    auto all_digits = [](std::string_view text) {
        if (text.empty()) return false;
        for (char c : text) {
            if (c < '0' || c > '9') return false;
        }
        return true;
    };
    if (key.size() >= 2 && key.front() == '+' && all_digits(key.substr(1))) {
        return PixInitiation::kPhone;
    }
    auto at = key.find('@');
    if (at != std::string_view::npos && at > 0 && at + 1 < key.size()) {
        return PixInitiation::kEmail;
    }
    if ((key.size() == 11 || key.size() == 14) && all_digits(key)) return PixInitiation::kTaxId;
    if (key.size() == 36) {
        bool uuid = true;
        for (std::size_t char_idx = 0; char_idx < key.size(); ++char_idx) {
            const char c = key[char_idx];
            const bool dash_place =
                char_idx == 8 || char_idx == 13 || char_idx == 18 || char_idx == 23;
            const bool hex =
                (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (dash_place ? c != '-' : !hex) uuid = false;
        }
        if (uuid) return PixInitiation::kRandomKey;
    }
    return std::nullopt;
}

}  // namespace dictra::formats
