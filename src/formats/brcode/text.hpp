// UTF-8 and the characters a BR Code may carry.
//
// We generate BR Codes in printable ASCII only (0x20..0x7E): every payer app can display it,
// and a TLV length then means the same thing in characters and in bytes. Free text (merchant
// name, city, additional info) is folded to ASCII when generating: Latin-1 letters lose their
// diacritics ("São João" -> "Sao Joao"), combining marks (U+0300..U+036F, left by NFD text) are
// dropped, and the ordinal indicators ª and º become 'a' and 'o'. Every fold maps one character
// to at most one, so folding never makes a text longer. Anything else outside printable ASCII
// (control characters, other scripts, symbols, emoji) cannot be represented and is refused.
//
// The decoder is lenient with the same set: accented text written by other generators decodes
// as is (UTF-8), because folding would be possible; it refuses what folding could not handle.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/utf8.hpp"

namespace dictra::formats::brcode {

// UTF-8 decoding is the kernel's (core/utf8.hpp).
using dictra::FindInvalidUtf8;
using dictra::NextCodePoint;

// The number of characters: bytes that are not UTF-8 continuation bytes (10xxxxxx). For valid
// UTF-8 this is the number of code points; for any bytes it is well defined and at most size().
std::size_t CountCharacters(std::string_view text);

// U+0000..U+001F, U+007F and the C1 controls U+0080..U+009F.
bool IsControl(char32_t code_point);

// What keeps a text out of a BR Code, at the first character concerned.
struct TextIssue {
    enum class Kind {
        kInvalidUtf8,      // the bytes are not UTF-8
        kControl,          // a control character (IsControl)
        kUnrepresentable,  // printable, but folding to ASCII cannot handle it
    };
    Kind kind = Kind::kInvalidUtf8;
    std::size_t offset_bytes = 0;
    char32_t code_point = 0;  // meaningless for kInvalidUtf8
};

// The first character of free text that a BR Code cannot carry, nullopt if it can (after
// folding). `text` may be any bytes.
std::optional<TextIssue> FindFreeTextIssue(std::string_view text);

// The first character of an identifier (key, URL, txid, ...) outside printable ASCII; these are
// never folded, since changing one letter of a Pix key pays someone else.
std::optional<TextIssue> FindAsciiIssue(std::string_view text);

// "the control character U+000A at byte 3 of the value", ...: for error messages.
std::string Describe(const TextIssue& issue);

// Folds free text to printable ASCII as described above.
// REQUIRES: !FindFreeTextIssue(text) (checked: violating it is a programmer error).
std::string FoldToAscii(std::string_view text);

// FoldToAscii() without allocating: writes the folded text to `out`, which must hold
// text.size() bytes (folding never lengthens a text), or only counts when `out` is nullptr.
// Returns the folded length. REQUIRES: as FoldToAscii().
std::size_t FoldToAsciiInto(std::string_view text, char* out);

}  // namespace dictra::formats::brcode
