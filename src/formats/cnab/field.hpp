// Fields of fixed-width CNAB records: where they are, how to read them, how to write them.
//
// Positions are 1-based and inclusive, as in the FEBRABAN manuals and docs/formats/*.md, so a
// table row "120-134 amount" is written Field{120, 134, "amount"}. Numeric fields are ASCII digits,
// right-aligned and zero-padded; alphanumeric fields are Latin-1 text, left-aligned and
// space-padded. A FieldReader never stops at the first bad field: it collects one Diagnostic per
// bad field so a reader can report them all. A LineBuilder is the writer's side; it is only
// handed values already checked to fit (by FitText / FitDigits), so a misfit there is a bug.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.hpp"
#include "core/result.hpp"
#include "formats/cnab/line_reader.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::cnab {

struct Field {
    std::size_t first;
    std::size_t last;
    std::string_view name;

    constexpr std::size_t length() const { return last - first + 1; }
};

// A Diagnostic about `field` on line `line_number`.
Diagnostic DiagnosticAt(std::size_t line_number, const Field& field, std::string message);

// The error for a line that is not `expected_bytes` long. It says what was found, and why when it
// can tell: a UTF-8 byte order mark, or UTF-8 text that would have had the right length in
// ISO-8859-1.
Diagnostic WrongLengthDiagnostic(const Line& line, std::size_t expected_bytes);

// The line's bytes, without a UTF-8 byte order mark at the start of the file.
std::string_view RecordBytes(const Line& line);

// Quotes a raw field for a message: "\"12,5 \"", with bytes outside printable ASCII as \xNN.
std::string Quoted(std::string_view raw);

// Reads fields of one record and collects what is wrong with them into `errors`.
class FieldReader {
 public:
    // REQUIRES: `line` and `errors` outlive the reader; every field read lies within line.bytes.
    FieldReader(const Line& line, std::vector<Diagnostic>& errors)
        : line_(&line), errors_(&errors) {}

    // Inline: every field read starts here.
    std::string_view Raw(const Field& field) const {
        DICTRA_CHECK(field.first >= 1 && field.last >= field.first);
        DICTRA_CHECK(field.last <= line_->bytes.size());
        return std::string_view(line_->bytes).substr(field.first - 1, field.length());
    }
    bool IsBlank(const Field& field) const;  // only spaces
    bool IsZeros(const Field& field) const;  // only '0'

    // The field's digits as a number; an error unless every byte is a digit.
    std::optional<std::uint64_t> Number(const Field& field);
    // The field's digits as text (leading zeros kept); an error unless every byte is a digit.
    // The view points into the line: copy it to keep it past the line.
    std::optional<std::string_view> Digits(const Field& field);
    // Like Digits, but an all-blank field is "" without an error.
    std::optional<std::string_view> DigitsOrBlank(const Field& field);
    // Latin-1 text as UTF-8 without the trailing padding. An error for control bytes (below 0x20
    // and 0x7F), which no CNAB text may hold.
    std::string Text(const Field& field);
    // Text into `text`, reusing its capacity (a reader filling the same record again allocates
    // nothing); `text` is empty on error. Only bytes from 0x80 up need converting: plain ASCII
    // is copied as it is.
    void TextInto(const Field& field, std::string& text);
    // DDMMAAAA. An error unless it is a real calendar date; an all-zero or all-blank field is
    // nullopt without an error when `optional` is true.
    std::optional<std::chrono::year_month_day> Date(const Field& field, bool optional = false);

    // Records an error about `field`.
    void Fail(const Field& field, std::string message);

    std::size_t line_number() const { return line_->number; }
    std::size_t error_count() const { return errors_->size(); }

 private:
    const Line* line_;
    std::vector<Diagnostic>* errors_;
};

// Writes fields into one fixed-width line that starts as all spaces.
class LineBuilder {
 public:
    explicit LineBuilder(std::size_t length_bytes) : line_(length_bytes, ' ') {}

    // REQUIRES (checked): the value has at most field.length() digits.
    void Number(const Field& field, std::uint64_t value);
    // REQUIRES (checked): only digits, at most field.length() of them. Right-aligned, zero-padded.
    void Digits(const Field& field, std::string_view digits);
    // REQUIRES (checked): at most field.length() bytes. Left-aligned, space-padded.
    void Text(const Field& field, std::string_view latin1);
    // DDMMAAAA. REQUIRES (checked): date.ok() and year within 0..9999.
    void Date(const Field& field, std::chrono::year_month_day date);

    const std::string& line() const { return line_; }

 private:
    std::string line_;
};

// Converts `utf8` to Latin-1 for `field`. Errors (kInvalidArgument with Error::field set to
// `path`, the PaymentRecord path such as "creditor.name"): text Latin-1 cannot hold, control
// characters, or more characters than the field has room for (text is never cut short).
Result<std::string> FitText(std::string_view utf8, const Field& field, std::string_view path);

// Checks that `digits` is only ASCII digits and fits `field`. Errors as FitText.
Status FitDigits(std::string_view digits, const Field& field, std::string_view path);

// True for a non-empty string of ASCII digits.
bool IsDigits(std::string_view text);

// Leading zeros removed ("000123" -> "123", "0000" -> "").
std::string_view StripLeadingZeros(std::string_view digits);

// A branch as Party keeps it: leading zeros removed down to 4 digits ("00001" -> "0001"); an
// all-zero branch is "" (absent).
std::string NormalBranch(std::string_view digits);

// "1234.56" for messages and CONTROL details; any uint64 (trailer totals can pass int64).
std::string FormatCentavos(std::uint64_t centavos);

// "2026-01-24" for messages and CONTROL details.
std::string FormatDate(std::chrono::year_month_day date);

}  // namespace dictra::formats::cnab
