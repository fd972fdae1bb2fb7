#include "formats/brcode/ascii.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "formats/brcode/brcode.hpp"

namespace dictra::formats::brcode::ascii {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// A byte of `word` below `limit` (limit <= 0x80): the classic "has less" bit trick.
bool HasByteBelow(std::uint64_t word, std::uint8_t limit) {
    return ((word - kOnes * limit) & ~word & kHighBits) != 0;
}

bool HasZeroByte(std::uint64_t word) {
    return ((word - kOnes) & ~word & kHighBits) != 0;
}

bool IsPrintableByte(char c) {
    return c >= 0x20 && c <= 0x7E;
}

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

bool IsAlphanumeric(char c) {
    return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool HasSpace(std::string_view value) {
    return value.find(' ') != std::string_view::npos;
}

}  // namespace

bool IsPrintable(std::string_view text) {
    std::size_t pos = 0;
#if defined(__SSE2__)
    // 16 bytes per step, the verdicts ANDed together and looked at once; the last step overlaps
    // the one before so no byte-at-a-time tail is left. Compared as signed bytes, 0x80..0xFF are
    // negative and fail "> 0x1F".
    if (text.size() >= 16) {
        const __m128i above_controls = _mm_set1_epi8(0x1F);
        const __m128i delete_char = _mm_set1_epi8(0x7F);
        const auto printable_at = [&](std::size_t at) {
            const __m128i bytes =
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
            return _mm_andnot_si128(_mm_cmpeq_epi8(bytes, delete_char),
                                    _mm_cmpgt_epi8(bytes, above_controls));
        };
        __m128i all = printable_at(text.size() - 16);
        for (; pos + 16 <= text.size(); pos += 16) all = _mm_and_si128(all, printable_at(pos));
        return _mm_movemask_epi8(all) == 0xFFFF;
    }
#endif
    for (; pos + 8 <= text.size(); pos += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + pos, 8);
        // >= 0x80, < 0x20 or == 0x7F (0x7F ^ 0x7F is a zero byte).
        if ((word & kHighBits) != 0 || HasByteBelow(word, 0x20) ||
            HasZeroByte(word ^ (kOnes * 0x7F))) {
            return false;
        }
    }
    for (; pos < text.size(); ++pos) {
        if (!IsPrintableByte(text[pos])) return false;
    }
    return true;
}

bool PixKeyOk(std::string_view value) {
    return !value.empty() && value.size() <= kPixKeyCharsMax && !HasSpace(value);
}

bool UrlOk(std::string_view value) {
    return !value.empty() && value.size() <= kUrlCharsMax && !HasSpace(value) &&
           value.find("://") == std::string_view::npos;
}

bool DigitsOk(std::string_view value, std::size_t digits) {
    if (value.size() != digits) return false;
    for (const char c : value) {
        if (!IsDigit(c)) return false;
    }
    return true;
}

bool FreeTextOk(std::string_view value, std::size_t chars_max) {
    return !value.empty() && (chars_max == 0 || value.size() <= chars_max);
}

bool PostalCodeOk(std::string_view value) {
    return !value.empty() && value.size() <= kPostalCodeCharsMax;
}

bool TxIdOk(std::string_view value) {
    if (value == kNoTxId) return true;
    if (value.empty() || value.size() > kTxIdCharsMax) return false;
    for (const char c : value) {
        if (!IsAlphanumeric(c)) return false;
    }
    return true;
}

}  // namespace dictra::formats::brcode::ascii
