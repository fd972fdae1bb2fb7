#include "formats/brcode/tlv.hpp"

#include "core/check.hpp"
#include "formats/brcode/text.hpp"

namespace dictra::formats::brcode {
namespace {

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

bool AreDigits(std::string_view text) {
    for (const char c : text) {
        if (!IsDigit(c)) return false;
    }
    return !text.empty();
}

// Printable form of raw bytes for a message: ASCII as is, anything else as \xNN.
std::string Quote(std::string_view bytes) {
    static constexpr std::string_view kHexDigits = "0123456789ABCDEF";
    std::string quoted = "'";
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte <= 0x7E) {
            quoted.push_back(c);
        } else {
            quoted += "\\x";
            quoted.push_back(kHexDigits[byte >> 4]);
            quoted.push_back(kHexDigits[byte & 0xF]);
        }
    }
    return quoted + "'";
}

// Moves `pos` forward by `count` characters (or bytes). False if the text ends first.
bool Advance(std::string_view text, std::size_t& pos, std::size_t count, TlvLengthUnit unit) {
    if (unit == TlvLengthUnit::kBytes) {
        if (text.size() - pos < count) return false;
        pos += count;
        return true;
    }
    for (std::size_t char_idx = 0; char_idx < count; ++char_idx) {
        if (pos >= text.size()) return false;
        ++pos;
        while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
    }
    return true;
}

}  // namespace

TlvReading ReadTlv(std::string_view text, TlvLengthUnit unit, std::size_t base_offset_bytes) {
    TlvReading reading;
    std::size_t pos = 0;
    const std::size_t header_bytes = kTlvIdDigits + kTlvLengthDigits;
    while (pos < text.size()) {
        const std::size_t offset = base_offset_bytes + pos;
        const std::string at = " at byte " + std::to_string(offset);
        const std::string_view rest = text.substr(pos);
        if (rest.size() < header_bytes) {
            reading.error = TlvError{TlvProblem::kTruncated, offset, "",
                                     "truncated data object" + at + ": " + Quote(rest) +
                                         " is too short for a 2-digit ID and a 2-digit length"};
            return reading;
        }
        const std::string_view id = rest.substr(0, kTlvIdDigits);
        if (!AreDigits(id)) {
            reading.error = TlvError{TlvProblem::kBadId, offset, "",
                                     "data object ID " + Quote(id) + at + " is not 2 digits"};
            return reading;
        }
        const std::string_view length_text = rest.substr(kTlvIdDigits, kTlvLengthDigits);
        if (!AreDigits(length_text)) {
            reading.error = TlvError{
                TlvProblem::kBadLength, offset, std::string(id),
                std::string(id) + ": length " + Quote(length_text) + at + " is not 2 digits"};
            return reading;
        }
        const std::size_t length =
            static_cast<std::size_t>((length_text[0] - '0') * 10 + (length_text[1] - '0'));
        const std::size_t value_begin = pos + header_bytes;
        std::size_t value_end = value_begin;
        if (!Advance(text, value_end, length, unit)) {
            const std::size_t left = unit == TlvLengthUnit::kBytes
                                         ? text.size() - value_begin
                                         : CountCharacters(text.substr(value_begin));
            reading.error =
                TlvError{TlvProblem::kLengthOverrun, offset, std::string(id),
                         std::string(id) + ": length " + std::to_string(length) + at +
                             " runs past the end: only " + std::to_string(left) +
                             (unit == TlvLengthUnit::kBytes ? " bytes" : " characters") + " left"};
            return reading;
        }
        reading.fields.push_back(
            TlvField{id, text.substr(value_begin, value_end - value_begin), offset});
        pos = value_end;
    }
    return reading;
}

Status AppendTlv(std::string& out, std::string_view id, std::string_view value) {
    DICTRA_CHECK(id.size() == kTlvIdDigits && AreDigits(id));
    const std::size_t characters = CountCharacters(value);
    if (characters == 0) return Error::InvalidArgument(std::string(id) + ": value is empty");
    if (characters > kTlvValueCharsMax) {
        return Error::InvalidArgument(std::string(id) + ": value is " + std::to_string(characters) +
                                      " characters; at most " + std::to_string(kTlvValueCharsMax) +
                                      " fit a data object");
    }
    out += id;
    out.push_back(static_cast<char>('0' + characters / 10));
    out.push_back(static_cast<char>('0' + characters % 10));
    out += value;
    return Ok();
}

}  // namespace dictra::formats::brcode
