#include "formats/brcode/text.hpp"

#include <array>
#include <cstdint>

#include "core/check.hpp"

namespace dictra::formats::brcode {
namespace {

constexpr char32_t kCombiningFirst = 0x0300;
constexpr char32_t kCombiningLast = 0x036F;
constexpr char32_t kFoldFirst = 0x00C0;

// ASCII letter for U+00C0..U+00FF, 0 where no single letter fits (Æ, Ð, ×, Ø is fine, Þ, ß, ...).
// Ð, Þ, ß and Æ would need a guess or two letters, so they are refused rather than guessed.
constexpr std::array<char, 64> kLatin1Fold = {
    'A', 'A', 'A', 'A', 'A', 'A', 0,   'C',  // U+00C0..U+00C7
    'E', 'E', 'E', 'E', 'I', 'I', 'I', 'I',  // U+00C8..U+00CF
    0,   'N', 'O', 'O', 'O', 'O', 'O', 0,    // U+00D0..U+00D7
    'O', 'U', 'U', 'U', 'U', 'Y', 0,   0,    // U+00D8..U+00DF
    'a', 'a', 'a', 'a', 'a', 'a', 0,   'c',  // U+00E0..U+00E7
    'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',  // U+00E8..U+00EF
    0,   'n', 'o', 'o', 'o', 'o', 'o', 0,    // U+00F0..U+00F7
    'o', 'u', 'u', 'u', 'u', 'y', 0,   'y',  // U+00F8..U+00FF
};

bool IsContinuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

bool IsPrintableAscii(char32_t code_point) {
    return code_point >= 0x20 && code_point <= 0x7E;
}

bool IsPrintableAsciiByte(char c) {
    return c >= 0x20 && c <= 0x7E;
}

bool IsCombiningMark(char32_t code_point) {
    return code_point >= kCombiningFirst && code_point <= kCombiningLast;
}

// The ASCII character free text folds `code_point` to; 0 when it is dropped (a combining mark);
// nullopt when it cannot be represented.
std::optional<char> Fold(char32_t code_point) {
    if (IsPrintableAscii(code_point)) return static_cast<char>(code_point);
    if (IsCombiningMark(code_point)) return '\0';
    if (code_point == 0x00AA) return 'a';  // ª
    if (code_point == 0x00BA) return 'o';  // º
    if (code_point >= kFoldFirst && code_point <= 0x00FF) {
        const char folded = kLatin1Fold[code_point - kFoldFirst];
        if (folded != 0) return folded;
    }
    return std::nullopt;
}

std::string Hex(char32_t value, int digits_min) {
    static constexpr std::string_view kHexDigits = "0123456789ABCDEF";
    std::string text;
    while (value != 0 || static_cast<int>(text.size()) < digits_min) {
        text.insert(text.begin(), kHexDigits[value & 0xF]);
        value >>= 4;
    }
    return text;
}

}  // namespace

std::size_t CountCharacters(std::string_view text) {
    std::size_t characters = 0;
    for (const char c : text) {
        if (!IsContinuation(static_cast<unsigned char>(c))) ++characters;
    }
    return characters;
}

bool IsControl(char32_t code_point) {
    return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

std::optional<TextIssue> FindFreeTextIssue(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (IsPrintableAsciiByte(text[pos])) {
            ++pos;
            continue;
        }
        const std::size_t start = pos;
        const auto code_point = NextCodePoint(text, pos);
        if (!code_point) return TextIssue{TextIssue::Kind::kInvalidUtf8, start, 0};
        if (IsControl(*code_point)) return TextIssue{TextIssue::Kind::kControl, start, *code_point};
        if (!Fold(*code_point))
            return TextIssue{TextIssue::Kind::kUnrepresentable, start, *code_point};
    }
    return std::nullopt;
}

std::optional<TextIssue> FindAsciiIssue(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (IsPrintableAsciiByte(text[pos])) {
            ++pos;
            continue;
        }
        const std::size_t start = pos;
        const auto code_point = NextCodePoint(text, pos);
        if (!code_point) return TextIssue{TextIssue::Kind::kInvalidUtf8, start, 0};
        if (IsControl(*code_point)) return TextIssue{TextIssue::Kind::kControl, start, *code_point};
        if (!IsPrintableAscii(*code_point)) {
            return TextIssue{TextIssue::Kind::kUnrepresentable, start, *code_point};
        }
    }
    return std::nullopt;
}

std::string Describe(const TextIssue& issue) {
    const std::string at = " at byte " + std::to_string(issue.offset_bytes) + " of the value";
    switch (issue.kind) {
        case TextIssue::Kind::kInvalidUtf8: return "malformed UTF-8" + at;
        case TextIssue::Kind::kControl:
            return "the control character U+" + Hex(issue.code_point, 4) + at;
        case TextIssue::Kind::kUnrepresentable:
            return "the character U+" + Hex(issue.code_point, 4) + at;
    }
    return "an unknown problem" + at;
}

std::size_t FoldToAsciiInto(std::string_view text, char* out) {
    std::size_t folded = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (IsPrintableAsciiByte(text[pos])) {  // folds to itself
            if (out != nullptr) out[folded] = text[pos];
            ++folded;
            ++pos;
            continue;
        }
        const auto code_point = NextCodePoint(text, pos);
        DICTRA_CHECK(code_point.has_value());
        const auto ascii = Fold(*code_point);
        DICTRA_CHECK(ascii.has_value());
        if (*ascii == '\0') continue;
        if (out != nullptr) out[folded] = *ascii;
        ++folded;
    }
    return folded;
}

std::string FoldToAscii(std::string_view text) {
    std::string folded(text.size(), '\0');
    folded.resize(FoldToAsciiInto(text, folded.data()));
    return folded;
}

}  // namespace dictra::formats::brcode
