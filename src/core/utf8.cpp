#include "core/utf8.hpp"

namespace dictra {
namespace {

constexpr char32_t kCodePointMax = 0x10FFFF;

bool IsContinuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

}  // namespace

std::optional<char32_t> NextCodePoint(std::string_view text, std::size_t& pos) {
    if (pos >= text.size()) return std::nullopt;
    const auto lead = static_cast<unsigned char>(text[pos]);
    std::size_t length = 0;
    char32_t code_point = 0;
    char32_t smallest = 0;  // below this the sequence is overlong
    if (lead < 0x80) {
        ++pos;
        return lead;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2;
        code_point = lead & 0x1F;
        smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        code_point = lead & 0x0F;
        smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        code_point = lead & 0x07;
        smallest = 0x10000;
    } else {
        return std::nullopt;  // a continuation byte or 0xF8..0xFF where a character must start
    }
    if (text.size() - pos < length) return std::nullopt;
    for (std::size_t byte_idx = 1; byte_idx < length; ++byte_idx) {
        const auto byte = static_cast<unsigned char>(text[pos + byte_idx]);
        if (!IsContinuation(byte)) return std::nullopt;
        code_point = (code_point << 6) | (byte & 0x3F);
    }
    if (code_point < smallest || code_point > kCodePointMax) return std::nullopt;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return std::nullopt;
    pos += length;
    return code_point;
}

std::optional<std::size_t> FindInvalidUtf8(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (!NextCodePoint(text, pos)) return pos;
    }
    return std::nullopt;
}

}  // namespace dictra
