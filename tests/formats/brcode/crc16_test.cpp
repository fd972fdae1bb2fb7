#include "formats/brcode/crc16.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace dictra::formats::brcode {
namespace {

TEST(Crc16CcittFalse, MatchesTheCatalogueCheckValue) {
    EXPECT_EQ(Crc16CcittFalse("123456789"), 0x29B1);
    EXPECT_EQ(FormatCrc16(Crc16CcittFalse("123456789")), "29B1");
}

TEST(Crc16CcittFalse, EmptyInputIsTheInitialValue) {
    EXPECT_EQ(Crc16CcittFalse(""), 0xFFFF);
}

TEST(Crc16CcittFalse, CoversUtf8Bytes) {
    // "ã" is two bytes; the CRC sees both, so it differs from the ASCII "a".
    EXPECT_NE(Crc16CcittFalse("S\xC3\xA3o"), Crc16CcittFalse("Sao"));
}

TEST(Crc16CcittFalse, EightBytesAtATimeMatchesTheBytewiseDefinition) {
    // Every length from 0 to 600 (all remainders of 8), over bytes that cover 0x00..0xFF.
    std::string bytes;
    std::uint32_t state = 12345;
    for (std::size_t length = 0; length <= 600; ++length) {
        ASSERT_EQ(Crc16CcittFalse(bytes), Crc16CcittFalseBytewise(bytes)) << "length " << length;
        state = state * 1103515245u + 12345u;
        bytes.push_back(static_cast<char>(state >> 16));
    }
}

TEST(Crc16CcittFalse, FoldingMatchesTheBytewiseDefinitionAtAnyAlignment) {
    // Inputs of 32 bytes or more are folded 16 bytes at a time where the CPU can: every start
    // offset within 16 bytes, lengths across several folds, and runs of 0x00 and 0xFF.
    std::string bytes(700, '\0');
    std::uint32_t state = 777;
    for (char& c : bytes) {
        state = state * 1103515245u + 12345u;
        c = static_cast<char>(state >> 16);
    }
    const std::string_view all(bytes);
    for (std::size_t start = 0; start < 16; ++start) {
        for (std::size_t length : {31u, 32u, 33u, 47u, 48u, 64u, 150u, 255u, 512u, 680u}) {
            const std::string_view part = all.substr(start, length);
            ASSERT_EQ(Crc16CcittFalse(part), Crc16CcittFalseBytewise(part))
                << "start " << start << " length " << length;
        }
    }
    for (const char filler : {'\0', '\xFF'}) {
        const std::string run(100, filler);
        EXPECT_EQ(Crc16CcittFalse(run), Crc16CcittFalseBytewise(run));
    }
}

TEST(WriteCrc16, WritesTheSameDigitsWithoutAllocating) {
    char out[4] = {};
    WriteCrc16(0x0DC6, out);
    EXPECT_EQ(std::string_view(out, 4), "0DC6");
}

TEST(FormatCrc16, IsFourUppercaseHexDigitsZeroPadded) {
    EXPECT_EQ(FormatCrc16(0x0000), "0000");
    EXPECT_EQ(FormatCrc16(0x0DC6), "0DC6");
    EXPECT_EQ(FormatCrc16(0xABCD), "ABCD");
    EXPECT_EQ(FormatCrc16(0x000F), "000F");
}

}  // namespace
}  // namespace dictra::formats::brcode
