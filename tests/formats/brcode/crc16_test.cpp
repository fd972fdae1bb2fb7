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
