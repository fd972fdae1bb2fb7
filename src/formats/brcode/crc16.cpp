#include "formats/brcode/crc16.hpp"

#include <array>

namespace dictra::formats::brcode {
namespace {

constexpr std::uint16_t kPolynomial = 0x1021;
constexpr std::uint16_t kInitial = 0xFFFF;

// One entry per value of the byte that enters the register's top half; built at compile time.
constexpr std::array<std::uint16_t, 256> MakeTable() {
    std::array<std::uint16_t, 256> table{};
    for (std::uint32_t byte_value = 0; byte_value < 256; ++byte_value) {
        auto crc = static_cast<std::uint16_t>(byte_value << 8);
        for (int bit_idx = 0; bit_idx < 8; ++bit_idx) {
            const bool top_bit = (crc & 0x8000) != 0;
            crc = static_cast<std::uint16_t>(crc << 1);
            if (top_bit) crc ^= kPolynomial;
        }
        table[byte_value] = crc;
    }
    return table;
}

constexpr std::array<std::uint16_t, 256> kTable = MakeTable();

}  // namespace

std::uint16_t Crc16CcittFalse(std::string_view bytes) {
    std::uint16_t crc = kInitial;
    for (const char c : bytes) {
        const auto byte_value = static_cast<std::uint8_t>(c);
        const auto index = static_cast<std::uint8_t>((crc >> 8) ^ byte_value);
        crc = static_cast<std::uint16_t>((crc << 8) ^ kTable[index]);
    }
    return crc;
}

std::string FormatCrc16(std::uint16_t crc) {
    static constexpr std::string_view kHexDigits = "0123456789ABCDEF";
    std::string text(4, '0');
    for (int digit_idx = 3; digit_idx >= 0; --digit_idx) {
        text[static_cast<std::size_t>(digit_idx)] = kHexDigits[crc & 0xF];
        crc = static_cast<std::uint16_t>(crc >> 4);
    }
    return text;
}

}  // namespace dictra::formats::brcode
