// Decode() behaviour beyond the golden files: leniency, raw data objects, several errors at once.
#include <gtest/gtest.h>

#include "brcode_testing.hpp"
#include "formats/brcode/brcode.hpp"
#include "formats/brcode/crc16.hpp"
#include "formats/brcode/tlv.hpp"

namespace dictra::formats::brcode {
namespace {

std::string Tlv(std::string_view id, std::string_view value) {
    std::string out;
    EXPECT_TRUE(AppendTlv(out, id, value).ok());
    return out;
}

// Appends "6304" and the CRC.
std::string Sign(std::string body) {
    body += "6304";
    return body + FormatCrc16(Crc16CcittFalse(body));
}

const std::string kAccount = Tlv("26", Tlv("00", "br.gov.bcb.pix") + Tlv("01", "pix@example.com"));

std::string Body(std::string_view name = "FULANO DE TAL", std::string_view city = "BRASILIA") {
    return Tlv("00", "01") + kAccount + Tlv("52", "0000") + Tlv("53", "986") + Tlv("58", "BR") +
           Tlv("59", name) + Tlv("60", city);
}

bool HasError(const Decoded& decoded, std::string_view tag, DecodeProblem problem) {
    for (const DecodeError& error : decoded.errors) {
        if (error.tag == tag && error.problem == problem) return true;
    }
    return false;
}

TEST(Decode, AcceptsAPayloadWithoutAdditionalDataAsHavingNoTxid) {
    const Decoded decoded = Decode(Sign(Body()));
    ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded);
    EXPECT_EQ(decoded.kind, BrCodeKind::kStatic);
    EXPECT_EQ(decoded.fields.txid, "");
    EXPECT_EQ(decoded.fields.pix_key, "pix@example.com");
    EXPECT_FALSE(decoded.fields.amount);
}

TEST(Decode, ReadsAccentedTextLenientlyWithLengthsInCharacters) {
    const Decoded decoded = Decode(Sign(Body("JO\xC3\x83O", "S\xC3\x83O PAULO")));
    ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded);
    EXPECT_EQ(decoded.fields.merchant_name, "JO\xC3\x83O");
    EXPECT_EQ(decoded.fields.merchant_city, "S\xC3\x83O PAULO");
    // Canonical form folds it; re-encoding gives ASCII.
    EXPECT_EQ(Canonicalize(decoded.fields)->merchant_name, "JOAO");
}

TEST(Decode, FallsBackToByteLengthsWhenOnlyThoseHoldTogether) {
    // A writer that counted UTF-8 bytes: "JOÃO" is 4 characters but 5 bytes.
    const std::string body = Tlv("00", "01") + kAccount + Tlv("52", "0000") + Tlv("53", "986") +
                             Tlv("58", "BR") + "5905JO\xC3\x83O" + Tlv("60", "BRASILIA");
    const Decoded decoded = Decode(Sign(body));
    ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded);
    EXPECT_EQ(decoded.fields.merchant_name, "JO\xC3\x83O");
}

TEST(Decode, NameLimitCountsCharactersNotBytes) {
    const std::string name_25 = "JO\xC3\x83O " + std::string(20, 'X');  // 25 chars, 26 bytes
    EXPECT_TRUE(Decode(Sign(Body(name_25))).ok());
    const Decoded too_long = Decode(Sign(Body(name_25 + "X")));
    EXPECT_TRUE(HasError(too_long, "59", DecodeProblem::kTooLong)) << testing::Describe(too_long);
}

TEST(Decode, ReadsTheGuiInAnyLetterCase) {
    for (std::string_view gui : {"BR.GOV.BCB.PIX", "Br.Gov.Bcb.Pix", "br.gov.bcb.pix"}) {
        const std::string body = Tlv("00", "01") +
                                 Tlv("26", Tlv("00", gui) + Tlv("01", "pix@example.com")) +
                                 Tlv("52", "0000") + Tlv("53", "986") + Tlv("58", "BR") +
                                 Tlv("59", "F") + Tlv("60", "C");
        EXPECT_TRUE(Decode(Sign(body)).ok()) << gui;
    }
}

TEST(Decode, ReportsEveryFieldErrorNotJustTheFirst) {
    const std::string body = Tlv("00", "02") + kAccount + Tlv("52", "00A0") + Tlv("53", "840") +
                             Tlv("54", "1,00") + Tlv("58", "US") + Tlv("59", std::string(26, 'N')) +
                             Tlv("60", "C") + Tlv("62", Tlv("05", "A-B"));
    std::string payload = Sign(body);
    payload.back() = payload.back() == '0' ? '1' : '0';  // and a wrong CRC
    const Decoded decoded = Decode(payload);
    EXPECT_TRUE(HasError(decoded, "00", DecodeProblem::kInvalid));
    EXPECT_TRUE(HasError(decoded, "52", DecodeProblem::kInvalid));
    EXPECT_TRUE(HasError(decoded, "53", DecodeProblem::kInvalid));
    EXPECT_TRUE(HasError(decoded, "54", DecodeProblem::kInvalid));
    EXPECT_TRUE(HasError(decoded, "58", DecodeProblem::kInvalid));
    EXPECT_TRUE(HasError(decoded, "59", DecodeProblem::kTooLong));
    EXPECT_TRUE(HasError(decoded, "62-05", DecodeProblem::kInvalid));
    EXPECT_TRUE(HasError(decoded, "63", DecodeProblem::kCrcMismatch));
    EXPECT_EQ(decoded.errors.size(), 8u) << testing::Describe(decoded);
    // Fields without errors are still read.
    EXPECT_EQ(decoded.fields.pix_key, "pix@example.com");
    EXPECT_EQ(decoded.fields.merchant_city, "C");
}

TEST(Decode, LowercaseCrcIsRefusedEvenWhenItWouldMatch) {
    std::string payload = Sign(Body());
    std::string crc = payload.substr(payload.size() - 4);
    bool has_letter = false;
    for (char& c : crc) {
        if (c >= 'A' && c <= 'F') {
            c = static_cast<char>(c - 'A' + 'a');
            has_letter = true;
        }
    }
    if (!has_letter) GTEST_SKIP() << "this payload's CRC has no letters";
    payload.replace(payload.size() - 4, 4, crc);
    const Decoded decoded = Decode(payload);
    ASSERT_EQ(decoded.errors.size(), 1u) << testing::Describe(decoded);
    EXPECT_EQ(decoded.errors[0].tag, "63");
    EXPECT_NE(decoded.errors[0].message.find("it would match"), std::string::npos);
}

TEST(Decode, KeepsUnknownDataObjectsInTheRawListOnly) {
    const std::string body =
        Body() + Tlv("62", Tlv("05", "ABC") + Tlv("07", "T1")) + Tlv("64", Tlv("00", "PT"));
    const Decoded decoded = Decode(Sign(body));
    ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded);
    EXPECT_EQ(decoded.fields.txid, "ABC");
    bool saw_62_07 = false;
    bool saw_64 = false;
    for (const RawField& raw : decoded.raw) {
        saw_62_07 = saw_62_07 || (raw.tag == "62-07" && raw.value == "T1");
        saw_64 = saw_64 || (raw.tag == "64" && raw.value == "0002PT");
    }
    EXPECT_TRUE(saw_62_07);
    EXPECT_TRUE(saw_64);
}

TEST(Decode, SubTagsMustAscendToo) {
    const std::string account =
        Tlv("26", Tlv("01", "pix@example.com") + Tlv("00", "br.gov.bcb.pix"));
    const std::string body = Tlv("00", "01") + account + Tlv("52", "0000") + Tlv("53", "986") +
                             Tlv("58", "BR") + Tlv("59", "F") + Tlv("60", "C");
    const Decoded decoded = Decode(Sign(body));
    ASSERT_EQ(decoded.errors.size(), 1u) << testing::Describe(decoded);
    EXPECT_EQ(decoded.errors[0].tag, "26-00");
    EXPECT_EQ(decoded.errors[0].problem, DecodeProblem::kOutOfOrder);
}

TEST(Decode, ThePayloadLimitIsInclusive) {
    // Pad with an unknown template up to exactly 512 bytes.
    std::string body = Body();
    for (int id = 81; body.size() + 8 + 103 <= kPayloadBytesMax; ++id) {
        body += Tlv(std::to_string(id), std::string(99, 'X'));
    }
    const std::size_t room = kPayloadBytesMax - body.size() - 8 - 4;
    if (room > 0) body += Tlv("99", std::string(room, 'Y'));
    const std::string payload = Sign(body);
    ASSERT_EQ(payload.size(), kPayloadBytesMax);
    EXPECT_TRUE(Decode(payload).ok()) << testing::Describe(Decode(payload));
    const Decoded over = Decode(payload + "0");
    ASSERT_EQ(over.errors.size(), 1u);
    EXPECT_EQ(over.errors[0].problem, DecodeProblem::kTooLarge);
}

TEST(Decode, StructuralErrorsSkipTheMandatoryAndCrcChecks) {
    // Truncated after the account: 52..63 are missing, but only the truncation is reported.
    const Decoded decoded = Decode(Tlv("00", "01") + kAccount + "5204");
    ASSERT_EQ(decoded.errors.size(), 1u) << testing::Describe(decoded);
    EXPECT_EQ(decoded.errors[0].problem, DecodeProblem::kLengthOverrun);
    EXPECT_EQ(decoded.fields.pix_key, "pix@example.com");  // what came before is read
}

TEST(Parse, GivesTheFieldsOrTheFirstErrorWithItsTag) {
    auto parsed = Parse(Sign(Body()));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->merchant_name, "FULANO DE TAL");

    auto refused = Parse(Sign(Body() + Tlv("62", Tlv("05", std::string(26, 'A')))));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "62-05");
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace dictra::formats::brcode
