#include "formats/brcode/crc16.hpp"

#include <array>
#include <cstddef>

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

}  // namespace

std::uint16_t Crc16CcittFalseBytewise(std::string_view bytes) {
    std::uint16_t crc = kInitial;
    for (const char c : bytes) crc = Step(crc, static_cast<std::uint8_t>(c));
    return crc;
}

std::uint16_t Crc16CcittFalse(std::string_view bytes) {
    std::uint16_t crc = kInitial;
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    std::size_t left = bytes.size();
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
