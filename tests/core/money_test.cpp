#include "core/money.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace dictra {
namespace {

std::int64_t Centavos(std::string_view text) {
    auto parsed = ParseAmount(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
    return parsed.ok() ? parsed->centavos() : -999;
}

TEST(ParseAmount, AcceptsDecimalForms) {
    EXPECT_EQ(Centavos("100.00"), 10000);
    EXPECT_EQ(Centavos("100"), 10000);
    EXPECT_EQ(Centavos("100.5"), 10050);
    EXPECT_EQ(Centavos("0.01"), 1);
    EXPECT_EQ(Centavos("0"), 0);
    EXPECT_EQ(Centavos("0.5"), 50);
    EXPECT_EQ(Centavos("150.5"), 15050);  // the raw text of a JSON number
    EXPECT_EQ(Centavos("92233720368547758.07"), std::numeric_limits<std::int64_t>::max());
}

TEST(ParseAmount, RejectsWrongInput) {
    for (std::string_view bad :
         std::initializer_list<std::string_view>{"",
                                                 "1.005",
                                                 "1.500",
                                                 "-1.00",
                                                 "1e3",
                                                 " 1",
                                                 "1 ",
                                                 "1,00",
                                                 "+1",
                                                 "01.00",
                                                 "00",
                                                 "00.5",
                                                 "1.",
                                                 ".5",
                                                 ".",
                                                 "-",
                                                 "abc",
                                                 "1.0a",
                                                 "1..0",
                                                 "0x10",
                                                 "92233720368547758.08",
                                                 "99999999999999999999",
                                                 std::string_view("1\0", 2)}) {
        auto parsed = ParseAmount(bad);
        ASSERT_FALSE(parsed.ok()) << "accepted: '" << bad << "'";
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
        EXPECT_FALSE(parsed.error().message.empty());
    }
    EXPECT_FALSE(ParseAmount(std::string(kAmountTextBytesMax + 1, '1')).ok());
}

TEST(ParseSignedAmount, AllowsMinusOnly) {
    EXPECT_EQ(ParseSignedAmount("-1.50")->centavos(), -150);
    EXPECT_EQ(ParseSignedAmount("2")->centavos(), 200);
    EXPECT_EQ(ParseSignedAmount("-0")->centavos(), 0);
    EXPECT_EQ(ParseSignedAmount("-92233720368547758.08")->centavos(),
              std::numeric_limits<std::int64_t>::min());
    EXPECT_FALSE(ParseSignedAmount("-92233720368547758.09").ok());
    EXPECT_FALSE(ParseSignedAmount("--1").ok());
    EXPECT_FALSE(ParseSignedAmount("+1").ok());
    EXPECT_FALSE(ParseSignedAmount("-").ok());
    EXPECT_FALSE(ParseSignedAmount("-01").ok());
}

TEST(ParseAmountJsonNumber, AcceptsExactJsonNumbers) {
    EXPECT_EQ(ParseAmountJsonNumber("150.5")->centavos(), 15050);
    EXPECT_EQ(ParseAmountJsonNumber("150")->centavos(), 15000);
    EXPECT_EQ(ParseAmountJsonNumber("150.500")->centavos(), 15050);
    EXPECT_EQ(ParseAmountJsonNumber("1.5e2")->centavos(), 15000);
    EXPECT_EQ(ParseAmountJsonNumber("1.5E+2")->centavos(), 15000);
    EXPECT_EQ(ParseAmountJsonNumber("1e-2")->centavos(), 1);
    EXPECT_EQ(ParseAmountJsonNumber("1000e-5")->centavos(), 1);
    EXPECT_EQ(ParseAmountJsonNumber("0")->centavos(), 0);
    EXPECT_EQ(ParseAmountJsonNumber("0.000e999999999")->centavos(), 0);
    EXPECT_EQ(ParseAmountJsonNumber("92233720368547758.07")->centavos(),
              std::numeric_limits<std::int64_t>::max());
}

TEST(ParseAmountJsonNumber, RejectsInexactOrMalformed) {
    for (std::string_view bad :
         {"", "1.005", "1e-3", "-1", "-0", "+1", "01", "1.", ".5", "1e", "1e+", "NaN", "Infinity",
          "1 ", "\"1\"", "1e999999999", "92233720368547758.08", "1e17", "5e-999999"}) {
        auto parsed = ParseAmountJsonNumber(bad);
        ASSERT_FALSE(parsed.ok()) << "accepted: '" << bad << "'";
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    }
}

TEST(FormatAmount, AlwaysTwoDecimals) {
    EXPECT_EQ(FormatAmount(AmountCentavos(10000)), "100.00");
    EXPECT_EQ(FormatAmount(AmountCentavos(0)), "0.00");
    EXPECT_EQ(FormatAmount(AmountCentavos(5)), "0.05");
    EXPECT_EQ(FormatAmount(AmountCentavos(-150)), "-1.50");
    EXPECT_EQ(FormatAmount(AmountCentavos(-5)), "-0.05");
    EXPECT_EQ(FormatAmount(AmountCentavos(std::numeric_limits<std::int64_t>::max())),
              "92233720368547758.07");
    EXPECT_EQ(FormatAmount(AmountCentavos(std::numeric_limits<std::int64_t>::min())),
              "-92233720368547758.08");
}

TEST(FormatAmount, RoundTripsThroughParse) {
    for (std::int64_t centavos :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{99}, std::int64_t{100},
          std::int64_t{123456789}, std::numeric_limits<std::int64_t>::max()}) {
        EXPECT_EQ(ParseAmount(FormatAmount(AmountCentavos(centavos)))->centavos(), centavos);
        EXPECT_EQ(ParseSignedAmount(FormatAmount(AmountCentavos(-centavos)))->centavos(),
                  -centavos);
    }
}

TEST(CheckedArithmetic, ReportsOverflow) {
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    EXPECT_EQ(CheckedAdd(AmountCentavos(1), AmountCentavos(2))->centavos(), 3);
    EXPECT_FALSE(CheckedAdd(AmountCentavos(kMax), AmountCentavos(1)).ok());
    EXPECT_EQ(CheckedSubtract(AmountCentavos(1), AmountCentavos(2))->centavos(), -1);
    EXPECT_FALSE(CheckedSubtract(AmountCentavos(-kMax), AmountCentavos(2)).ok());
}

TEST(AmountCentavos, Compares) {
    EXPECT_LT(AmountCentavos(1), AmountCentavos(2));
    EXPECT_EQ(AmountCentavos(7), AmountCentavos(7));
    EXPECT_TRUE(AmountCentavos(-1).IsNegative());
    EXPECT_TRUE(AmountCentavos().IsZero());
}

}  // namespace
}  // namespace dictra
