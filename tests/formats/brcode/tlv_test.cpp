#include "formats/brcode/tlv.hpp"

#include <gtest/gtest.h>

namespace dictra::formats::brcode {
namespace {

TEST(ReadTlv, ReadsDataObjectsInOrderWithOffsets) {
    const TlvReading reading = ReadTlv(
        "000201"
        "0503***"
        "5900");
    ASSERT_FALSE(reading.error) << reading.error->message;
    ASSERT_EQ(reading.fields.size(), 3u);
    EXPECT_EQ(reading.fields[0].id, "00");
    EXPECT_EQ(reading.fields[0].value, "01");
    EXPECT_EQ(reading.fields[0].offset_bytes, 0u);
    EXPECT_EQ(reading.fields[1].id, "05");
    EXPECT_EQ(reading.fields[1].value, "***");
    EXPECT_EQ(reading.fields[1].offset_bytes, 6u);
    EXPECT_EQ(reading.fields[2].value, "");  // length 00 is the decoder's business
}

TEST(ReadTlv, EmptyTextHasNoFields) {
    const TlvReading reading = ReadTlv("");
    EXPECT_FALSE(reading.error);
    EXPECT_TRUE(reading.fields.empty());
}

TEST(ReadTlv, OffsetsStartAtTheBase) {
    const TlvReading reading = ReadTlv("0014br.gov.bcb.pix01", TlvLengthUnit::kCharacters, 100);
    ASSERT_EQ(reading.fields.size(), 1u);
    EXPECT_EQ(reading.fields[0].offset_bytes, 100u);
    ASSERT_TRUE(reading.error);
    EXPECT_EQ(reading.error->problem, TlvProblem::kTruncated);
    EXPECT_EQ(reading.error->offset_bytes, 118u);
    EXPECT_NE(reading.error->message.find("at byte 118"), std::string::npos);
}

TEST(ReadTlv, StopsAtTheFirstMalformedObjectKeepingTheOnesBefore) {
    struct Case {
        std::string_view text;
        TlvProblem problem;
        std::string_view id;
        std::size_t offset;
        std::string_view message_part;
    };
    for (const Case& c : std::initializer_list<Case>{
             {"000201"
              "5",
              TlvProblem::kTruncated, "", 6, "too short"},
             {"000201"
              "590",
              TlvProblem::kTruncated, "", 6, "too short"},
             {"000201"
              "5A02BR",
              TlvProblem::kBadId, "", 6, "'5A'"},
             {"000201"
              "59-1X",
              TlvProblem::kBadLength, "59", 6, "'-1'"},
             {"000201"
              "59 5ABCDE",
              TlvProblem::kBadLength, "59", 6, "' 5'"},
             {"000201"
              "5905ABC",
              TlvProblem::kLengthOverrun, "59", 6, "only 3 characters left"},
         }) {
        const TlvReading reading = ReadTlv(c.text);
        ASSERT_TRUE(reading.error) << c.text;
        EXPECT_EQ(reading.error->problem, c.problem) << c.text;
        EXPECT_EQ(reading.error->id, c.id) << c.text;
        EXPECT_EQ(reading.error->offset_bytes, c.offset) << c.text;
        EXPECT_NE(reading.error->message.find(c.message_part), std::string::npos)
            << c.text << ": " << reading.error->message;
        ASSERT_EQ(reading.fields.size(), 1u) << c.text;
        EXPECT_EQ(reading.fields[0].id, "00");
    }
}

TEST(ReadTlv, CountsCharactersOrBytes) {
    // "São" is 3 characters and 4 bytes.
    const std::string by_characters =
        "5903S\xC3\xA3o"
        "6002SP";
    const TlvReading characters = ReadTlv(by_characters, TlvLengthUnit::kCharacters);
    ASSERT_FALSE(characters.error);
    EXPECT_EQ(characters.fields[0].value, "S\xC3\xA3o");
    EXPECT_EQ(characters.fields[1].value, "SP");
    EXPECT_TRUE(ReadTlv(by_characters, TlvLengthUnit::kBytes).error);

    const std::string by_bytes =
        "5904S\xC3\xA3o"
        "6002SP";
    const TlvReading bytes = ReadTlv(by_bytes, TlvLengthUnit::kBytes);
    ASSERT_FALSE(bytes.error);
    EXPECT_EQ(bytes.fields[0].value, "S\xC3\xA3o");
    EXPECT_TRUE(ReadTlv(by_bytes, TlvLengthUnit::kCharacters).error);
}

TEST(AppendTlv, WritesIdLengthValueCountingCharacters) {
    std::string out;
    ASSERT_TRUE(AppendTlv(out, "59", "FULANO").ok());
    ASSERT_TRUE(AppendTlv(out, "60", "S\xC3\xA3o").ok());
    EXPECT_EQ(out,
              "5906FULANO"
              "6003S\xC3\xA3o");
}

TEST(AppendTlv, RefusesEmptyAndOverlongValuesLeavingOutUnchanged) {
    std::string out = "000201";
    EXPECT_FALSE(AppendTlv(out, "59", "").ok());
    const auto too_long = AppendTlv(out, "26", std::string(100, 'x'));
    ASSERT_FALSE(too_long.ok());
    EXPECT_NE(too_long.error().message.find("100 characters"), std::string::npos);
    EXPECT_TRUE(AppendTlv(out, "26", std::string(99, 'x')).ok());
    EXPECT_EQ(out.size(), 6u + 4u + 99u);
}

TEST(AppendTlvDeathTest, AMalformedIdIsAProgrammerError) {
    std::string out;
    EXPECT_DEATH((void)AppendTlv(out, "5", "x"), "check_failed");
    EXPECT_DEATH((void)AppendTlv(out, "AB", "x"), "check_failed");
}

}  // namespace
}  // namespace dictra::formats::brcode
