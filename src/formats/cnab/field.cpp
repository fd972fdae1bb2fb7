#include "formats/cnab/field.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/check.hpp"
#include "core/time.hpp"
#include "formats/cnab/latin1.hpp"

namespace dictra::formats::cnab {
namespace {

bool IsControlByte(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
}

// Text fields are read eight bytes at a time: a record's text is ~250 bytes, mostly padding,
// and a byte at a time it was most of the reader's time.
constexpr std::uint64_t kEveryByte = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t LoadWord(const char* bytes) {
    std::uint64_t word;
    std::memcpy(&word, bytes, sizeof word);
    return word;
}

// High bit set in the bytes of `word` below `limit` (limit <= 0x80), among others possibly:
// nonzero iff some byte is below it.
constexpr std::uint64_t BytesBelow(std::uint64_t word, unsigned limit) {
    return (word - kEveryByte * limit) & ~word & kHighBits;
}

// What a text field holds, for TextInto: a control byte (an error), a byte from 0x80 up (needs
// converting to UTF-8).
struct TextScan {
    bool has_control = false;
    bool has_high = false;
};

TextScan ScanText(std::string_view raw) {
    std::uint64_t control = 0;
    std::uint64_t high = 0;
    std::size_t byte_idx = 0;
    for (; byte_idx + 8 <= raw.size(); byte_idx += 8) {
        const std::uint64_t word = LoadWord(raw.data() + byte_idx);
        control |= BytesBelow(word, 0x20) | BytesBelow(word ^ (kEveryByte * 0x7F), 1);
        high |= word & kHighBits;
    }
    TextScan scan{.has_control = control != 0, .has_high = high != 0};
    for (; byte_idx < raw.size(); ++byte_idx) {
        scan.has_control = scan.has_control || IsControlByte(raw[byte_idx]);
        scan.has_high = scan.has_high || static_cast<unsigned char>(raw[byte_idx]) >= 0x80;
    }
    return scan;
}

// `raw` without its trailing spaces.
std::string_view TrimTrailingSpaces(std::string_view raw) {
    constexpr std::uint64_t kSpaces = kEveryByte * ' ';
    std::size_t length = raw.size();
    while (length >= 8 && LoadWord(raw.data() + length - 8) == kSpaces) length -= 8;
    while (length > 0 && raw[length - 1] == ' ') --length;
    return raw.substr(0, length);
}

}  // namespace

Diagnostic DiagnosticAt(std::size_t line_number, const Field& field, std::string message) {
    return Diagnostic{.line_number = line_number,
                      .first_position = field.first,
                      .last_position = field.last,
                      .unit = PositionUnit::kByte,
                      .field = std::string(field.name),
                      .message = std::move(message)};
}

Diagnostic WrongLengthDiagnostic(const Line& line, std::size_t expected_bytes) {
    const std::string expected = std::to_string(expected_bytes);
    std::string message = line.length_bytes == 0 ? "empty line; expected " + expected + " bytes"
                                                 : "expected " + expected + " bytes, found " +
                                                       std::to_string(line.length_bytes);
    std::string_view bytes = line.bytes;
    if (line.number == 1 && StartsWithUtf8Bom(bytes)) {
        message += " (the line starts with a UTF-8 byte order mark; CNAB files are ISO-8859-1)";
        bytes.remove_prefix(3);
    }
    if (line.bytes.size() == line.length_bytes) {
        if (auto characters = Utf8CharactersIfMultibyte(bytes)) {
            message += " (" + std::to_string(*characters) +
                       " characters in UTF-8: the text is UTF-8 where CNAB requires ISO-8859-1, "
                       "one byte per character)";
        }
    }
    return {.line_number = line.number, .field = "line_length", .message = std::move(message)};
}

std::string_view RecordBytes(const Line& line) {
    std::string_view bytes = line.bytes;
    if (line.number == 1 && StartsWithUtf8Bom(bytes)) bytes.remove_prefix(3);
    return bytes;
}

std::string Quoted(std::string_view raw) {
    std::string text = "\"";
    for (char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7F || c == '"' || c == '\\') {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            text += escaped;
        } else {
            text.push_back(c);
        }
    }
    text += "\"";
    return text;
}

bool FieldReader::IsBlank(const Field& field) const {
    return Raw(field).find_first_not_of(' ') == std::string_view::npos;
}

bool FieldReader::IsZeros(const Field& field) const {
    return Raw(field).find_first_not_of('0') == std::string_view::npos;
}

void FieldReader::Fail(const Field& field, std::string message) {
    errors_->push_back(DiagnosticAt(line_->number, field, std::move(message)));
}

std::optional<std::string_view> FieldReader::Digits(const Field& field) {
    const std::string_view raw = Raw(field);
    if (!IsDigits(raw)) {
        Fail(field, "expected " + std::to_string(field.length()) + " digits, found " + Quoted(raw));
        return std::nullopt;
    }
    return raw;
}

std::optional<std::string_view> FieldReader::DigitsOrBlank(const Field& field) {
    if (IsBlank(field)) return std::string_view();
    return Digits(field);
}

std::optional<std::uint64_t> FieldReader::Number(const Field& field) {
    // Every numeric field of both layouts has at most 18 digits, which fit in uint64.
    DICTRA_CHECK(field.length() <= 19);
    const std::string_view raw = Raw(field);
    std::uint64_t value = 0;
    for (const char c : raw) {
        if (c < '0' || c > '9') {
            Fail(field,
                 "expected " + std::to_string(field.length()) + " digits, found " + Quoted(raw));
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

std::string FieldReader::Text(const Field& field) {
    std::string text;
    TextInto(field, text);
    return text;
}

void FieldReader::TextInto(const Field& field, std::string& text) {
    text.clear();
    const std::string_view raw = Raw(field);
    const TextScan scan = ScanText(raw);
    if (scan.has_control) {
        for (std::size_t byte_idx = 0; byte_idx < raw.size(); ++byte_idx) {
            if (IsControlByte(raw[byte_idx])) {
                Fail(field, "control byte " + Quoted(raw.substr(byte_idx, 1)) + " at position " +
                                std::to_string(field.first + byte_idx));
                return;
            }
        }
    }
    const std::string_view trimmed = TrimTrailingSpaces(raw);
    if (scan.has_high) {
        AppendLatin1ToUtf8(trimmed, text);
    } else {
        text.assign(trimmed);
    }
}

std::optional<std::chrono::year_month_day> FieldReader::Date(const Field& field, bool optional) {
    DICTRA_CHECK(field.length() == 8);
    if (optional && (IsZeros(field) || IsBlank(field))) return std::nullopt;
    const std::string_view raw = Raw(field);
    if (!IsDigits(raw)) {
        Fail(field, "expected a date DDMMAAAA, found " + Quoted(raw));
        return std::nullopt;
    }
    auto number = [&](std::size_t from, std::size_t count) {
        unsigned value = 0;
        for (std::size_t digit_idx = from; digit_idx < from + count; ++digit_idx) {
            value = value * 10 + static_cast<unsigned>(raw[digit_idx] - '0');
        }
        return value;
    };
    const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(number(4, 4))),
                                           std::chrono::month(number(2, 2)),
                                           std::chrono::day(number(0, 2))};
    if (!date.ok()) {
        Fail(field,
             "expected a date DDMMAAAA, found " + Quoted(raw) + ", which is no calendar day");
        return std::nullopt;
    }
    return date;
}

void LineBuilder::Number(const Field& field, std::uint64_t value) {
    Digits(field, std::to_string(value));
}

void LineBuilder::Digits(const Field& field, std::string_view digits) {
    DICTRA_CHECK(field.last <= line_.size());
    DICTRA_CHECK(digits.size() <= field.length());
    DICTRA_CHECK(digits.empty() || IsDigits(digits));
    const std::size_t padding = field.length() - digits.size();
    line_.replace(field.first - 1, padding, padding, '0');
    line_.replace(field.first - 1 + padding, digits.size(), digits);
}

void LineBuilder::Text(const Field& field, std::string_view latin1) {
    DICTRA_CHECK(field.last <= line_.size());
    DICTRA_CHECK(latin1.size() <= field.length());
    line_.replace(field.first - 1, field.length(), field.length(), ' ');
    line_.replace(field.first - 1, latin1.size(), latin1);
}

void LineBuilder::Date(const Field& field, std::chrono::year_month_day date) {
    DICTRA_CHECK(field.length() == 8);
    DICTRA_CHECK(date.ok());
    const int year = static_cast<int>(date.year());
    DICTRA_CHECK(year >= 0 && year <= 9999);
    char text[16];
    std::snprintf(text, sizeof text, "%02u%02u%04d", static_cast<unsigned>(date.day()),
                  static_cast<unsigned>(date.month()), year);
    Digits(field, text);
}

Result<std::string> FitText(std::string_view utf8, const Field& field, std::string_view path) {
    auto latin1 = Utf8ToLatin1(utf8);
    if (!latin1.ok()) {
        return Error::InvalidArgument(std::string(path) + ": " + latin1.error().message,
                                      std::string(path));
    }
    for (char c : *latin1) {
        if (IsControlByte(c)) {
            return Error::InvalidArgument(std::string(path) +
                                              ": control characters cannot be "
                                              "written to a CNAB file",
                                          std::string(path));
        }
    }
    if (latin1->size() > field.length()) {
        return Error::InvalidArgument(
            std::string(path) + ": " + std::to_string(latin1->size()) +
                " characters do not fit positions " + std::to_string(field.first) + "-" +
                std::to_string(field.last) + " (at most " + std::to_string(field.length()) + ")",
            std::string(path));
    }
    return latin1;
}

Status FitDigits(std::string_view digits, const Field& field, std::string_view path) {
    if (!digits.empty() && !IsDigits(digits)) {
        return Error::InvalidArgument(
            std::string(path) + ": must be digits only, got " + Quoted(digits), std::string(path));
    }
    if (digits.size() > field.length()) {
        return Error::InvalidArgument(
            std::string(path) + ": " + std::to_string(digits.size()) +
                " digits do not fit positions " + std::to_string(field.first) + "-" +
                std::to_string(field.last) + " (at most " + std::to_string(field.length()) + ")",
            std::string(path));
    }
    return Ok();
}

bool IsDigits(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

std::string_view StripLeadingZeros(std::string_view digits) {
    const std::size_t first = digits.find_first_not_of('0');
    return first == std::string_view::npos ? std::string_view() : digits.substr(first);
}

std::string NormalBranch(std::string_view digits) {
    std::string_view significant = StripLeadingZeros(digits);
    if (significant.empty()) return {};
    if (significant.size() >= 4) return std::string(significant);
    return std::string(4 - significant.size(), '0') + std::string(significant);
}

std::string FormatCentavos(std::uint64_t centavos) {
    const std::uint64_t cents = centavos % 100;
    return std::to_string(centavos / 100) + (cents < 10 ? ".0" : ".") + std::to_string(cents);
}

std::string FormatDate(std::chrono::year_month_day date) {
    return FormatIsoDate(date);
}

}  // namespace dictra::formats::cnab
