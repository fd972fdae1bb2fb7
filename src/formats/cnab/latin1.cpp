#include "formats/cnab/latin1.hpp"

#include <cstdint>
#include <cstdio>

namespace dictra::formats::cnab {
namespace {

// Decodes one UTF-8 character at `pos`; returns its code point and advances `pos`, or nullopt
// for malformed input (pos unchanged).
std::optional<char32_t> DecodeOne(std::string_view text, std::size_t& pos) {
    const auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(text[at]); };
    const std::uint8_t lead = byte(pos);
    std::size_t length = 0;
    char32_t code_point = 0;
    char32_t min_code_point = 0;
    if (lead < 0x80) {
        ++pos;
        return lead;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2;
        code_point = lead & 0x1F;
        min_code_point = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        code_point = lead & 0x0F;
        min_code_point = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        code_point = lead & 0x07;
        min_code_point = 0x10000;
    } else {
        return std::nullopt;
    }
    if (pos + length > text.size()) return std::nullopt;
    for (std::size_t byte_idx = 1; byte_idx < length; ++byte_idx) {
        const std::uint8_t continuation = byte(pos + byte_idx);
        if ((continuation & 0xC0) != 0x80) return std::nullopt;
        code_point = (code_point << 6) | (continuation & 0x3F);
    }
    if (code_point < min_code_point || code_point > 0x10FFFF) return std::nullopt;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return std::nullopt;
    pos += length;
    return code_point;
}

// "U+20AC".
std::string CodePointName(char32_t code_point) {
    char text[16];
    std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(code_point));
    return text;
}

}  // namespace

std::string Latin1ToUtf8(std::string_view latin1) {
    std::string utf8;
    utf8.reserve(latin1.size());
    for (char c : latin1) {
        const auto byte = static_cast<std::uint8_t>(c);
        if (byte < 0x80) {
            utf8.push_back(c);
        } else {
            utf8.push_back(static_cast<char>(0xC0 | (byte >> 6)));
            utf8.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
        }
    }
    return utf8;
}

Result<std::string> Utf8ToLatin1(std::string_view utf8) {
    std::string latin1;
    latin1.reserve(utf8.size());
    std::size_t pos = 0;
    std::size_t character_number = 0;
    while (pos < utf8.size()) {
        ++character_number;
        auto code_point = DecodeOne(utf8, pos);
        if (!code_point) {
            return Error::InvalidArgument("malformed UTF-8 at character " +
                                          std::to_string(character_number));
        }
        if (*code_point > 0xFF) {
            return Error::InvalidArgument("character " + std::to_string(character_number) + " (" +
                                          CodePointName(*code_point) + ") has no ISO-8859-1 form");
        }
        latin1.push_back(static_cast<char>(*code_point));
    }
    return latin1;
}

std::optional<std::size_t> Utf8CharactersIfMultibyte(std::string_view bytes) {
    std::size_t pos = 0;
    std::size_t characters = 0;
    bool multibyte = false;
    while (pos < bytes.size()) {
        const std::size_t before = pos;
        if (!DecodeOne(bytes, pos)) return std::nullopt;
        if (pos - before > 1) multibyte = true;
        ++characters;
    }
    if (!multibyte) return std::nullopt;
    return characters;
}

bool StartsWithUtf8Bom(std::string_view bytes) {
    return bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF";
}

}  // namespace dictra::formats::cnab
