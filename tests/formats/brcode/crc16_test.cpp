#include "formats/brcode/crc16.hpp"

#include <gtest/gtest.h>

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

TEST(FormatCrc16, IsFourUppercaseHexDigitsZeroPadded) {
    EXPECT_EQ(FormatCrc16(0x0000), "0000");
    EXPECT_EQ(FormatCrc16(0x0DC6), "0DC6");
    EXPECT_EQ(FormatCrc16(0xABCD), "ABCD");
    EXPECT_EQ(FormatCrc16(0x000F), "000F");
}

}  // namespace
}  // namespace dictra::formats::brcode
