// Encode() and Canonicalize(): what we write, and what we refuse to write.
#include <gtest/gtest.h>

#include <random>

#include "brcode_testing.hpp"
#include "formats/brcode/brcode.hpp"
#include "formats/brcode/tlv.hpp"

namespace dictra::formats::brcode {
namespace {

BrCode StaticCode() {
    BrCode code;
    code.pix_key = "pix@example.com";
    code.merchant_name = "Fulano de Tal";
    code.merchant_city = "Brasilia";
    return code;
}

BrCode DynamicCode() {
    BrCode code;
    code.url = "pix.example.com/qr/v2/9d36b84f";
    code.merchant_name = "Fulano de Tal";
    code.merchant_city = "Brasilia";
    return code;
}

// The error's field when `code` is refused, or "accepted".
std::string RefusedAt(const BrCode& code) {
    auto encoded = Encode(code);
    return encoded.ok() ? "accepted" : encoded.error().field;
}

TEST(Encode, WritesAStaticCodeInAscendingOrderWithTheCrc) {
    BrCode code = StaticCode();
    code.amount = AmountCentavos(15000);
    code.info = "Pedido 123";
    code.txid = "Pedido123";
    auto encoded = Encode(code);
    ASSERT_TRUE(encoded.ok()) << encoded.error().message;
    EXPECT_EQ(*encoded,
              "000201"
              "26510014br.gov.bcb.pix0115pix@example.com0210Pedido 123"
              "52040000"
              "5303986"
              "5406150.00"
              "5802BR"
              "5913Fulano de Tal"
              "6008Brasilia"
              "62130509Pedido123"
              "6304" +
                  encoded->substr(encoded->size() - 4));
    const Decoded decoded = Decode(*encoded);
    EXPECT_TRUE(decoded.ok()) << testing::Describe(decoded);
    EXPECT_EQ(decoded.fields, code);
}

TEST(Encode, WritesADynamicSingleUseCode) {
    BrCode code = DynamicCode();
    code.single_use = true;
    auto encoded = Encode(code);
    ASSERT_TRUE(encoded.ok()) << encoded.error().message;
    EXPECT_EQ(encoded->substr(0, 12), "000201010212");
    EXPECT_NE(encoded->find("2530pix.example.com/qr/v2/9d36b84f"), std::string::npos);
    EXPECT_NE(encoded->find("62070503***"), std::string::npos);
    const Decoded decoded = Decode(*encoded);
    ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded);
    EXPECT_EQ(decoded.kind, BrCodeKind::kDynamic);
    EXPECT_TRUE(decoded.fields.single_use);
}

TEST(Encode, WritesRecurrenceFssAndPostalCode) {
    BrCode code = StaticCode();
    code.fss_ispb = "99999008";
    code.postal_code = "70000000";
    code.recurrence_url = "pix.example.com/rec/1";
    auto encoded = Encode(code);
    ASSERT_TRUE(encoded.ok()) << encoded.error().message;
    EXPECT_NE(encoded->find("030899999008"), std::string::npos);
    EXPECT_NE(encoded->find("610870000000"), std::string::npos);
    EXPECT_NE(encoded->find("80430014br.gov.bcb.pix2521pix.example.com/rec/16304"),
              std::string::npos);
    EXPECT_EQ(Decode(*encoded).fields, code);

    BrCode recurrence_only;
    recurrence_only.recurrence_url = "pix.example.com/rec/1";
    recurrence_only.merchant_name = "F";
    recurrence_only.merchant_city = "C";
    auto only = Encode(recurrence_only);
    ASSERT_TRUE(only.ok()) << only.error().message;
    EXPECT_NE(only->find("26180014br.gov.bcb.pix52"), std::string::npos);
    EXPECT_EQ(Decode(*only).kind, BrCodeKind::kRecurrence);
}

TEST(Encode, FoldsAccentsAndRefusesWhatCannotBeRepresented) {
    BrCode code = StaticCode();
    code.merchant_name = "Jo\xC3\xA3o da Concei\xC3\xA7\xC3\xA3o";
    code.merchant_city = "S\xC3\xA3o Paulo";
    code.info = "Pedido n\xC2\xBA 1";
    auto canonical = Canonicalize(code);
    ASSERT_TRUE(canonical.ok()) << canonical.error().message;
    EXPECT_EQ(canonical->merchant_name, "Joao da Conceicao");
    EXPECT_EQ(canonical->merchant_city, "Sao Paulo");
    EXPECT_EQ(canonical->info, "Pedido no 1");
    auto encoded = Encode(code);
    ASSERT_TRUE(encoded.ok());
    for (const char c : *encoded) EXPECT_TRUE(c >= 0x20 && c <= 0x7E) << *encoded;
    EXPECT_EQ(Decode(*encoded).fields, *canonical);

    code.merchant_name = "Caf\xC3\xA9 \xF0\x9F\x98\x80";  // emoji
    auto refused = Encode(code);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "59");
    EXPECT_NE(refused.error().message.find("U+1F600"), std::string::npos);

    code = StaticCode();
    code.merchant_city = "Bras\xC3\xAD\nlia";
    EXPECT_EQ(RefusedAt(code), "60");
}

TEST(Encode, HoldsNameAndCityToTheirLimitsAfterFolding) {
    BrCode code = StaticCode();
    code.merchant_name = std::string(24, 'N') + "\xC3\x89";  // 25 characters, 26 bytes
    EXPECT_EQ(RefusedAt(code), "accepted");
    code.merchant_name += "X";
    EXPECT_EQ(RefusedAt(code), "59");
    code = StaticCode();
    code.merchant_city = std::string(16, 'C');
    EXPECT_EQ(RefusedAt(code), "60");
    code.merchant_city = "";
    EXPECT_EQ(RefusedAt(code), "60");
    code = StaticCode();
    code.merchant_name = "";
    EXPECT_EQ(RefusedAt(code), "59");
    code.merchant_name = "\xCC\x81";  // only a combining mark
    EXPECT_EQ(RefusedAt(code), "59");
}

TEST(Encode, RefusesBadKeysUrlsAndKinds) {
    BrCode code = StaticCode();
    code.pix_key = std::string(78, 'k');
    EXPECT_EQ(RefusedAt(code), "26-01");
    code.pix_key = std::string(77, 'k');
    EXPECT_EQ(RefusedAt(code), "accepted");
    code.info = "x";  // 77-character key leaves no room in template 26
    auto full = Encode(code);
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().field, "26");
    EXPECT_NE(full.error().message.find("at most 99"), std::string::npos);

    code = StaticCode();
    code.pix_key = "jos\xC3\xA9@example.com";  // keys are never folded
    EXPECT_EQ(RefusedAt(code), "26-01");
    code.pix_key = "pix @example.com";
    EXPECT_EQ(RefusedAt(code), "26-01");

    code = StaticCode();
    code.url = "pix.example.com/qr/1";
    EXPECT_EQ(RefusedAt(code), "26-25");  // key and URL
    code = DynamicCode();
    code.url = "https://pix.example.com/qr/1";
    EXPECT_EQ(RefusedAt(code), "26-25");
    code.url = std::string(78, 'u');
    EXPECT_EQ(RefusedAt(code), "26-25");

    code = StaticCode();
    code.pix_key.clear();
    EXPECT_EQ(RefusedAt(code), "26-01");  // neither

    code = StaticCode();
    code.fss_ispb = "1234567";
    EXPECT_EQ(RefusedAt(code), "26-03");
    code = StaticCode();
    code.merchant_category_code = "12345";
    EXPECT_EQ(RefusedAt(code), "52");
    code = StaticCode();
    code.recurrence_url = "http://pix.example.com/rec";
    EXPECT_EQ(RefusedAt(code), "80-25");
}

TEST(Encode, TxidRules) {
    BrCode code = StaticCode();
    code.txid = std::string(kTxIdCharsMax, 'A');
    EXPECT_EQ(RefusedAt(code), "accepted");
    code.txid += "A";
    EXPECT_EQ(RefusedAt(code), "62-05");
    code.txid = "ABC-123";
    EXPECT_EQ(RefusedAt(code), "62-05");
    code.txid = "ABC 123";
    EXPECT_EQ(RefusedAt(code), "62-05");
    code.txid = "***";
    ASSERT_EQ(RefusedAt(code), "accepted");
    EXPECT_EQ(Canonicalize(code)->txid, "");
    EXPECT_NE(Encode(code)->find("62070503***"), std::string::npos);

    code = DynamicCode();
    code.txid = "ABC123";
    EXPECT_EQ(RefusedAt(code), "62-05");  // the charge at the URL carries the txid
}

TEST(Encode, AmountRules) {
    BrCode code = StaticCode();
    code.amount = AmountCentavos(1);
    EXPECT_NE(Encode(code)->find("54040.01"), std::string::npos);
    code.amount = AmountCentavos(999999999999);  // 9999999999.99, 13 characters
    EXPECT_NE(Encode(code)->find("54139999999999.99"), std::string::npos);
    code.amount = AmountCentavos(1000000000000);
    EXPECT_EQ(RefusedAt(code), "54");
    code.amount = AmountCentavos(0);
    EXPECT_EQ(RefusedAt(code), "54");
    code.amount = AmountCentavos(-100);
    EXPECT_EQ(RefusedAt(code), "54");
}

TEST(Encode, DecodeOfEncodeIsCanonicalizeOverManyRandomCodes) {
    std::mt19937 random(20240611);
    auto pick = [&](std::initializer_list<std::string_view> options) {
        std::uniform_int_distribution<std::size_t> index(0, options.size() - 1);
        return std::string(options.begin()[index(random)]);
    };
    for (int case_idx = 0; case_idx < 500; ++case_idx) {
        BrCode code;
        const bool dynamic = random() % 3 == 0;
        if (dynamic) {
            code.url = pick({"pix.example.com/qr/v2/1", "qr.psp.com.br/cobv/9d36b84f-0001"});
        } else {
            code.pix_key = pick({"pix@example.com", "+5561999998888", "12345678909",
                                 "123e4567-e12b-12d1-a456-426655440000"});
            code.txid = pick({"", "***", "A1", "Pedido123", "abcdefghijklmnopqrstuvwxy"});
            code.info = pick({"", "Pedido 1", "Caf\xC3\xA9 com p\xC3\xA3o"});
        }
        code.single_use = random() % 2 == 0;
        if (random() % 2 == 0) code.amount = AmountCentavos(1 + random() % 100000000);
        code.merchant_name = pick({"F", "Fulano de Tal", "JO\xC3\x83O DA CONCEI\xC3\x87\xC3\x83O",
                                   "Padaria P\xC3\xA3o de A\xC3\xA7\xC3\xBA"
                                   "car"});
        code.merchant_city = pick({"BRASILIA", "S\xC3\xA3o Paulo", "Goi\xC3\xA2nia"});
        if (random() % 4 == 0) code.recurrence_url = "pix.example.com/rec/42";
        if (random() % 4 == 0) code.fss_ispb = "99999008";

        auto canonical = Canonicalize(code);
        ASSERT_TRUE(canonical.ok()) << canonical.error().message;
        auto encoded = Encode(code);
        ASSERT_TRUE(encoded.ok()) << encoded.error().message;
        const Decoded decoded = Decode(*encoded);
        ASSERT_TRUE(decoded.ok()) << *encoded << "\n" << testing::Describe(decoded);
        EXPECT_EQ(decoded.fields, *canonical) << *encoded;
        EXPECT_EQ(Encode(decoded.fields).value(), *encoded);  // canonical form is a fixed point
    }
}

}  // namespace
}  // namespace dictra::formats::brcode
