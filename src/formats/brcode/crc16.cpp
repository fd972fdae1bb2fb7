#include "formats/brcode/crc16.hpp"

#include <array>
#include <cstddef>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define DICTRA_CRC16_CAN_FOLD 1
#else
#define DICTRA_CRC16_CAN_FOLD 0
#endif

namespace dictra::formats::brcode {
namespace {

constexpr std::uint16_t kPolynomial = 0x1021;
constexpr std::uint16_t kInitial = 0xFFFF;
constexpr std::size_t kSlices = 8;

using Table = std::array<std::uint16_t, 256>;

// kTables[0][b]: the register after feeding byte b into a zero register (the classic table).
// kTables[k][b]: the same followed by k zero bytes, so that 8 bytes can be folded in at once:
// the register's two bytes are XORed into the first two of them, and each byte then contributes
// kTables[7 - position][byte] to the register 8 steps later (the CRC is linear).
constexpr std::array<Table, kSlices> MakeTables() {
    std::array<Table, kSlices> tables{};
    for (std::uint32_t byte_value = 0; byte_value < 256; ++byte_value) {
        auto crc = static_cast<std::uint16_t>(byte_value << 8);
        for (int bit_idx = 0; bit_idx < 8; ++bit_idx) {
            const bool top_bit = (crc & 0x8000) != 0;
            crc = static_cast<std::uint16_t>(crc << 1);
            if (top_bit) crc ^= kPolynomial;
        }
        tables[0][byte_value] = crc;
    }
    for (std::size_t slice = 1; slice < kSlices; ++slice) {
        for (std::size_t byte_value = 0; byte_value < 256; ++byte_value) {
            const std::uint16_t previous = tables[slice - 1][byte_value];
            tables[slice][byte_value] =
                static_cast<std::uint16_t>((previous << 8) ^ tables[0][previous >> 8]);
        }
    }
    return tables;
}

constexpr std::array<Table, kSlices> kTables = MakeTables();

std::uint16_t Step(std::uint16_t crc, std::uint8_t byte_value) {
    const auto index = static_cast<std::uint8_t>((crc >> 8) ^ byte_value);
    return static_cast<std::uint16_t>((crc << 8) ^ kTables[0][index]);
}

// Feeds `size` bytes into the register `crc`, 8 bytes per step: the register's two bytes are
// XORed into the first two of them, and each byte then contributes kTables[7 - position][byte].
std::uint16_t SliceBy8(std::uint16_t crc, const std::uint8_t* data, std::size_t size) {
    std::size_t left = size;
    while (left >= kSlices) {
        crc = static_cast<std::uint16_t>(
            kTables[7][data[0] ^ (crc >> 8)] ^ kTables[6][data[1] ^ (crc & 0xFF)] ^
            kTables[5][data[2]] ^ kTables[4][data[3]] ^ kTables[3][data[4]] ^ kTables[2][data[5]] ^
            kTables[1][data[6]] ^ kTables[0][data[7]]);
        data += kSlices;
        left -= kSlices;
    }
    for (; left > 0; --left) crc = Step(crc, *data++);
    return crc;
}

#if DICTRA_CRC16_CAN_FOLD
// Folding 16 bytes per step with carry-less multiplication (PCLMULQDQ), for payloads of a few
// hundred bytes where the table's dependency chain is the cost. The arithmetic, over GF(2) with
// P = x^16 + x^12 + x^5 + 1 and the message read most significant bit first:
// - The register after the bytes M with initial value I is (I * x^(8n) + M * x^16) mod P, the
//   same as with initial value 0 over M with I XORed into its first two bytes.
// - A 128-bit value V congruent (mod P) to the bytes read so far takes the next 16 bytes B as
//   V * x^128 + B. With V = H * x^64 + L that is congruent to H * (x^192 mod P) +
//   L * (x^128 mod P) + B: two 64 x 16-bit carry-less products, so V stays under 80 bits + B.
// - At the end the register is V * x^16 mod P, which the tables compute by feeding V's 16 bytes
//   into a zero register.
constexpr std::size_t kFoldMinBytes = 32;

constexpr std::uint64_t PowerOfXModP(unsigned exponent) {
    std::uint32_t remainder = 1;
    for (unsigned step = 0; step < exponent; ++step) {
        remainder <<= 1;
        if ((remainder & 0x10000) != 0) remainder ^= 0x10000u | kPolynomial;
    }
    return remainder;
}

// x^192 mod P and x^128 mod P, the two folding constants.
constexpr std::uint64_t kFoldHigh = PowerOfXModP(192);
constexpr std::uint64_t kFoldLow = PowerOfXModP(128);

const bool kCanFold = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
}();

#define DICTRA_CRC16_FOLD_TARGET __attribute__((target("pclmul,ssse3")))

DICTRA_CRC16_FOLD_TARGET __m128i ByteReversal() {
    return _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

// 16 input bytes as a 128-bit number, byte 0 the most significant.
DICTRA_CRC16_FOLD_TARGET inline __m128i Block(const std::uint8_t* at, __m128i reverse) {
    return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), reverse);
}

// value * x^128 + next, reduced to under 80 bits + next as described above.
DICTRA_CRC16_FOLD_TARGET inline __m128i Fold(__m128i value, __m128i next, __m128i constants) {
    const __m128i high = _mm_clmulepi64_si128(value, constants, 0x11);
    const __m128i low = _mm_clmulepi64_si128(value, constants, 0x00);
    return _mm_xor_si128(_mm_xor_si128(high, low), next);
}

DICTRA_CRC16_FOLD_TARGET std::uint16_t FoldThenSlice(const std::uint8_t* data, std::size_t size) {
    const __m128i reverse = ByteReversal();
    const __m128i constants =
        _mm_set_epi64x(static_cast<long long>(kFoldHigh), static_cast<long long>(kFoldLow));
    // Zero bytes in front of a message do not change its value once the initial value is XORed
    // into its first two bytes, so the head is padded to whole blocks and no tail is left.
    const std::size_t head = size % 16 == 0 ? 16 : size % 16;
    alignas(16) std::uint8_t first[32] = {};
    const std::size_t padding = 32 - (16 + head);
    std::memcpy(first + padding, data, 16 + head);
    first[padding] ^= static_cast<std::uint8_t>(kInitial >> 8);
    first[padding + 1] ^= static_cast<std::uint8_t>(kInitial & 0xFF);
    __m128i value = Fold(Block(first, reverse), Block(first + 16, reverse), constants);
    for (std::size_t offset = 16 + head; offset < size; offset += 16) {
        value = Fold(value, Block(data + offset, reverse), constants);
    }
    // The register is value * x^16 mod P: the tables compute it from a zero register.
    alignas(16) std::uint8_t folded[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(folded), _mm_shuffle_epi8(value, reverse));
    return SliceBy8(0, folded, sizeof folded);
}
#undef DICTRA_CRC16_FOLD_TARGET
#endif

}  // namespace

std::uint16_t Crc16CcittFalseBytewise(std::string_view bytes) {
    std::uint16_t crc = kInitial;
    for (const char c : bytes) crc = Step(crc, static_cast<std::uint8_t>(c));
    return crc;
}

std::uint16_t Crc16CcittFalse(std::string_view bytes) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
#if DICTRA_CRC16_CAN_FOLD
    if (bytes.size() >= kFoldMinBytes && kCanFold) return FoldThenSlice(data, bytes.size());
#endif
    return SliceBy8(kInitial, data, bytes.size());
}

void WriteCrc16(std::uint16_t crc, char* out) {
    static constexpr std::string_view kHexDigits = "0123456789ABCDEF";
    for (int digit_idx = 3; digit_idx >= 0; --digit_idx) {
        out[digit_idx] = kHexDigits[crc & 0xF];
        crc = static_cast<std::uint16_t>(crc >> 4);
    }
}

std::string FormatCrc16(std::uint16_t crc) {
    std::string text(4, '0');
    WriteCrc16(crc, text.data());
    return text;
}

}  // namespace dictra::formats::brcode
