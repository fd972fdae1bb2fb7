#include "formats/cnab/latin1.hpp"

#include <cstdint>
#include <cstdio>

#include "core/utf8.hpp"

namespace dictra::formats::cnab {
namespace {

// "U+20AC".
std::string CodePointName(char32_t code_point) {
    char text[16];
    std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(code_point));
    return text;
}

}  // namespace

std::string Latin1ToUtf8(std::string_view latin1) {
    std::string utf8;
    AppendLatin1ToUtf8(latin1, utf8);
    return utf8;
}

void AppendLatin1ToUtf8(std::string_view latin1, std::string& utf8) {
    std::size_t high_bytes = 0;
    for (const char c : latin1) high_bytes += static_cast<std::uint8_t>(c) >= 0x80 ? 1 : 0;
    const std::size_t start = utf8.size();
    utf8.resize(start + latin1.size() + high_bytes);
    char* out = utf8.data() + start;
    for (const char c : latin1) {
        const auto byte = static_cast<std::uint8_t>(c);
        if (byte < 0x80) {
            *out++ = c;
        } else {
            *out++ = static_cast<char>(0xC0 | (byte >> 6));
            *out++ = static_cast<char>(0x80 | (byte & 0x3F));
        }
    }
}

Result<std::string> Utf8ToLatin1(std::string_view utf8) {
    std::string latin1;
    latin1.reserve(utf8.size());
    std::size_t pos = 0;
    std::size_t character_number = 0;
    while (pos < utf8.size()) {
        ++character_number;
        auto code_point = NextCodePoint(utf8, pos);
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
        if (!NextCodePoint(bytes, pos)) return std::nullopt;
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
