// Settlement's QR code rules without HTTP: every type of the document, the refused cases naming
// their field, a code's life (deactivate, expiry), validation and the images.
#include <gtest/gtest.h>

#include "formats/brcode/brcode.hpp"
#include "settlement/qr_image.hpp"
#include "settlement/settlement_fixture.hpp"

namespace dictra::settlement {
namespace {

namespace brcode = formats::brcode;

// The document's generate example.
GenerateQrCodeCommand ImmediateCommand() {
    GenerateQrCodeCommand command;
    command.type = "IMMEDIATE";
    command.merchant_name = "Loja ABC";
    command.merchant_city = "São Paulo";
    command.merchant_category_code = "5411";
    command.pix_key = "12345678901";
    command.tx_id = "ABC123";
    command.amount_centavos = 15000;
    command.currency = "BRL";
    command.expires_at = "2026-01-24T23:59:59Z";
    command.description = "Compra na Loja ABC";
    return command;
}

GenerateQrCodeCommand StaticCommand() {
    GenerateQrCodeCommand command = ImmediateCommand();
    command.type = "STATIC";
    command.expires_at.reset();
    return command;
}

class QrServiceTest : public SettlementServiceTest {
 protected:
    QrCode Generate(const GenerateQrCodeCommand& command) {
        auto generated = service_->GenerateQrCode(command, operator_);
        EXPECT_TRUE(generated.ok()) << generated.error().message;
        return generated.ok() ? *generated : QrCode{};
    }
    void ExpectInvalid(const GenerateQrCodeCommand& command, const std::string& field) {
        auto generated = service_->GenerateQrCode(command, operator_);
        ASSERT_FALSE(generated.ok()) << field;
        EXPECT_EQ(generated.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(generated.error().field, field) << generated.error().message;
        EXPECT_NE(generated.error().message.find(field), std::string::npos)
            << generated.error().message;
    }
};

TEST_F(QrServiceTest, ImmediateCodePointsAtItsLocation) {
    const QrCode code = Generate(ImmediateCommand());
    EXPECT_GT(code.id, 0);
    EXPECT_EQ(code.type, QrCodeType::kImmediate);
    EXPECT_EQ(code.status, QrCodeStatus::kActive);
    auto decoded = brcode::Decode(code.payload);
    ASSERT_TRUE(decoded.ok()) << decoded.errors.front().message;
    EXPECT_EQ(decoded.kind, brcode::BrCodeKind::kDynamic);
    EXPECT_TRUE(decoded.fields.single_use);
    EXPECT_EQ(decoded.fields.url, "localhost:8081/qr/" + code.unique_id);
    EXPECT_EQ(decoded.fields.merchant_city, "Sao Paulo");
    EXPECT_EQ(decoded.fields.merchant_category_code, "5411");
    ASSERT_TRUE(decoded.fields.amount);
    EXPECT_EQ(decoded.fields.amount->centavos(), 15000);
    EXPECT_EQ(code.merchant_city, "São Paulo");  // stored as given
    EXPECT_EQ(code.expires_at, At("2026-01-24T23:59:59Z"));
    EXPECT_EQ(EmvData(code.payload) + "6304" + decoded.crc, code.payload);
}

TEST_F(QrServiceTest, StaticCodeCarriesKeyTxIdAndDescription) {
    const QrCode code = Generate(StaticCommand());
    auto decoded = brcode::Decode(code.payload);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.kind, brcode::BrCodeKind::kStatic);
    EXPECT_FALSE(decoded.fields.single_use);
    EXPECT_EQ(decoded.fields.pix_key, "12345678901");
    EXPECT_EQ(decoded.fields.txid, "ABC123");
    EXPECT_EQ(decoded.fields.info, "Compra na Loja ABC");
    EXPECT_FALSE(code.expires_at);
}

TEST_F(QrServiceTest, StaticCodeWithoutAmountOrTxId) {
    GenerateQrCodeCommand command = StaticCommand();
    command.amount_centavos.reset();
    command.tx_id.reset();
    command.merchant_category_code.reset();
    const QrCode code = Generate(command);
    EXPECT_FALSE(code.amount_centavos);
    EXPECT_EQ(code.merchant_category_code, "0000");
}

TEST_F(QrServiceTest, DynamicCodeGetsMintedTxIdAndDefaultExpiry) {
    GenerateQrCodeCommand command = ImmediateCommand();
    command.type = "DYNAMIC";
    command.tx_id.reset();
    command.expires_at.reset();
    const QrCode code = Generate(command);
    ASSERT_TRUE(code.tx_id);
    EXPECT_EQ(code.tx_id->size(), kQrTxIdCharsMinted);
    EXPECT_EQ(code.expires_at, clock_.Now() + kQrDynamicLifetimeDefault);
}

TEST_F(QrServiceTest, DueDateTakesTxIdOf26To35) {
    GenerateQrCodeCommand command = ImmediateCommand();
    command.type = "DUE_DATE";
    command.tx_id = std::string(26, 'A');
    EXPECT_EQ(Generate(command).type, QrCodeType::kDueDate);
    command.tx_id = std::string(35, 'B');
    Generate(command);
    command.tx_id = std::string(25, 'C');
    ExpectInvalid(command, "tx_id");
    command.tx_id = std::string(36, 'D');
    ExpectInvalid(command, "tx_id");
    command.tx_id.reset();
    ExpectInvalid(command, "tx_id");
}

TEST_F(QrServiceTest, ImmediateTakesTxIdUpTo25) {
    GenerateQrCodeCommand command = ImmediateCommand();
    command.tx_id = std::string(25, 'A');
    Generate(command);
    command.tx_id = std::string(26, 'B');
    ExpectInvalid(command, "tx_id");
    command.tx_id.reset();
    ExpectInvalid(command, "tx_id");
    command.tx_id = "ABC-123";
    ExpectInvalid(command, "tx_id");
}

TEST_F(QrServiceTest, EveryRuleNamesItsField) {
    GenerateQrCodeCommand command = ImmediateCommand();
    command.type = "QRES";
    ExpectInvalid(command, "type");
    command = ImmediateCommand();
    command.merchant_category_code = "541";
    ExpectInvalid(command, "merchant_category_code");
    command.merchant_category_code = "54A1";
    ExpectInvalid(command, "merchant_category_code");
    command = ImmediateCommand();
    command.merchant_name = "";
    ExpectInvalid(command, "merchant_name");
    command.merchant_name = std::string(26, 'x');
    ExpectInvalid(command, "merchant_name");
    command = ImmediateCommand();
    command.merchant_city = std::string(16, 'x');
    ExpectInvalid(command, "merchant_city");
    command = ImmediateCommand();
    command.pix_key.reset();
    ExpectInvalid(command, "pix_key");
    command.pix_key = "has space";
    ExpectInvalid(command, "pix_key");
    command = ImmediateCommand();
    command.amount_centavos = 0;
    ExpectInvalid(command, "amount");
    command.amount_centavos.reset();
    ExpectInvalid(command, "amount");
    command = ImmediateCommand();
    command.currency = "USD";
    ExpectInvalid(command, "currency");
    command = ImmediateCommand();
    command.expires_at = "tomorrow";
    ExpectInvalid(command, "expires_at");
    command.expires_at = "2026-01-24T10:00:00Z";  // before the clock
    ExpectInvalid(command, "expires_at");
    command = StaticCommand();
    command.expires_at = "2026-01-25T10:00:00Z";
    ExpectInvalid(command, "expires_at");
    command = ImmediateCommand();
    command.description = std::string(141, 'x');
    ExpectInvalid(command, "description");
}

TEST_F(QrServiceTest, TxIdIsUniqueAndFindsItsCode) {
    const QrCode code = Generate(ImmediateCommand());
    auto again = service_->GenerateQrCode(ImmediateCommand(), operator_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    auto found = service_->GetQrCodeByTxId("ABC123");
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->id, code.id);
    EXPECT_EQ(service_->GetQrCodeByTxId("NOPE").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->GetQrCodeByTxId("a-b").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->GetQrCode(code.id + 1).error().code, ErrorCode::kNotFound);
}

TEST_F(QrServiceTest, DeactivatedDynamicCodeIsUsedAndNoLongerValidates) {
    const QrCode code = Generate(ImmediateCommand());
    auto valid = service_->ValidateQrPayload(code.payload);
    ASSERT_TRUE(valid.ok());
    EXPECT_TRUE(valid->valid);
    ASSERT_TRUE(valid->stored);
    EXPECT_EQ(valid->stored->id, code.id);
    EXPECT_EQ(valid->stored->validated_at, clock_.Now());

    auto deactivated = service_->DeactivateQrCode(code.id);
    ASSERT_TRUE(deactivated.ok()) << deactivated.error().message;
    EXPECT_EQ(deactivated->status, QrCodeStatus::kUsed);
    EXPECT_EQ(deactivated->used_count, 1);
    EXPECT_EQ(deactivated->used_at, clock_.Now());

    auto after = service_->ValidateQrPayload(code.payload);
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(after->valid);
    EXPECT_EQ(after->error, "QR code is used");

    auto twice = service_->DeactivateQrCode(code.id);
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(twice.error().reason, "INVALID_TRANSITION");
    EXPECT_EQ(service_->DeactivateQrCode(9999).error().code, ErrorCode::kNotFound);
}

TEST_F(QrServiceTest, DeactivatedStaticCodeIsInactive) {
    const QrCode code = Generate(StaticCommand());
    auto deactivated = service_->DeactivateQrCode(code.id);
    ASSERT_TRUE(deactivated.ok());
    EXPECT_EQ(deactivated->status, QrCodeStatus::kInactive);
    EXPECT_EQ(deactivated->used_count, 0);
    EXPECT_FALSE(service_->ValidateQrPayload(code.payload)->valid);
}

TEST_F(QrServiceTest, ExpiredCodeNoLongerValidates) {
    const QrCode code = Generate(ImmediateCommand());
    clock_.Set(At("2026-01-25T00:00:00Z"));
    EXPECT_EQ(QrCodeState(*service_->GetQrCode(code.id), clock_.Now()), "expired");
    auto validation = service_->ValidateQrPayload(code.payload);
    ASSERT_TRUE(validation.ok());
    EXPECT_FALSE(validation->valid);
    EXPECT_EQ(validation->error, "QR code is expired");
    EXPECT_EQ(service_->DeactivateQrCode(code.id).error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(QrServiceTest, ValidateReportsCrcAndStructure) {
    std::string payload = Generate(StaticCommand()).payload;
    payload.back() = payload.back() == '0' ? '1' : '0';
    auto crc = service_->ValidateQrPayload(payload);
    ASSERT_TRUE(crc.ok());
    EXPECT_FALSE(crc->valid);
    EXPECT_EQ(crc->error, "CRC validation failed");
    EXPECT_NE(crc->validation_errors.find("63"), std::string::npos);

    auto broken = service_->ValidateQrPayload("000201");
    ASSERT_TRUE(broken.ok());
    EXPECT_FALSE(broken->valid);
    EXPECT_EQ(broken->error, "BR Code structure is invalid");

    EXPECT_EQ(service_->ValidateQrPayload("").error().field, "payload");
    EXPECT_EQ(service_->ValidateQrPayload(std::string(5000, '0')).error().field, "payload");
}

TEST_F(QrServiceTest, ValidatesPayloadsOfOtherGenerators) {
    brcode::BrCode fields;
    fields.pix_key = "pix@example.com";
    fields.merchant_name = "F";
    fields.merchant_city = "C";
    fields.amount = AmountCentavos{1000};
    auto validation = service_->ValidateQrPayload(*brcode::Encode(fields));
    ASSERT_TRUE(validation.ok());
    EXPECT_TRUE(validation->valid);
    EXPECT_FALSE(validation->stored);
    EXPECT_EQ(validation->type, QrCodeType::kStatic);
    EXPECT_EQ(validation->pix_key, "pix@example.com");
    EXPECT_EQ(validation->amount_centavos, 1000);
}

TEST_F(QrServiceTest, LocationServesDynamicCodesOnly) {
    const QrCode dynamic = Generate(ImmediateCommand());
    auto found = service_->QrLocation(dynamic.unique_id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->id, dynamic.id);
    GenerateQrCodeCommand static_command = StaticCommand();
    static_command.tx_id = "STATIC1";
    const QrCode fixed = Generate(static_command);
    EXPECT_EQ(service_->QrLocation(fixed.unique_id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->QrLocation("not-a-uuid").error().code, ErrorCode::kNotFound);
}

TEST_F(QrServiceTest, LocationBaseIsConfigurable) {
    EXPECT_FALSE(service_->SetQrLocationBase("https://pix.example.com/qr").ok());
    EXPECT_FALSE(service_->SetQrLocationBase("").ok());
    EXPECT_FALSE(service_->SetQrLocationBase(std::string(41, 'a')).ok());
    EXPECT_EQ(service_->qr_location_base(), kQrLocationBaseDefault);
    ASSERT_TRUE(service_->SetQrLocationBase("pix.example.com/v2/qr/").ok());
    const QrCode code = Generate(ImmediateCommand());
    EXPECT_EQ(brcode::Decode(code.payload).fields.url, "pix.example.com/v2/qr/" + code.unique_id);
}

TEST_F(QrServiceTest, ImagesInBothFormats) {
    const QrCode code = Generate(ImmediateCommand());
    auto png = service_->QrCodeImage(code.id, std::nullopt, std::nullopt);
    ASSERT_TRUE(png.ok()) << png.error().message;
    EXPECT_EQ(png->content_type, "image/png");
    EXPECT_EQ(png->bytes.substr(1, 3), "PNG");
    auto svg = service_->QrCodeImage(code.id, "svg", "512");
    ASSERT_TRUE(svg.ok());
    EXPECT_EQ(svg->content_type, "image/svg+xml");
    EXPECT_NE(svg->bytes.find(R"(width="512" height="512")"), std::string::npos);
    EXPECT_EQ(service_->QrCodeImage(code.id, "gif", std::nullopt).error().field, "format");
    EXPECT_EQ(service_->QrCodeImage(code.id, "png", "abc").error().field, "size");
    EXPECT_EQ(service_->QrCodeImage(code.id, "png", "63").error().field, "size");
    EXPECT_EQ(service_->QrCodeImage(code.id, "png", "2049").error().field, "size");
    EXPECT_EQ(service_->QrCodeImage(code.id + 100, "png", "300").error().code,
              ErrorCode::kNotFound);
}

TEST_F(QrServiceTest, TooSmallForTheCodeNamesSize) {
    // A 512-byte payload needs a version around 15 (77 modules + 8 of quiet zone > 64 pixels).
    auto image = RenderQrImage(std::string(400, 'A'), QrImageFormat::kPng, 64);
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.error().field, "size");
}

TEST(QrModelTest, AmountFormattedTheBrazilianWay) {
    EXPECT_EQ(FormatAmountBrl(15000), "R$ 150,00");
    EXPECT_EQ(FormatAmountBrl(1), "R$ 0,01");
    EXPECT_EQ(FormatAmountBrl(100000), "R$ 1.000,00");
    EXPECT_EQ(FormatAmountBrl(123456789), "R$ 1.234.567,89");
    EXPECT_EQ(FormatAmountBrl(999999999999), "R$ 9.999.999.999,99");
}

TEST(QrModelTest, DecodeRefusesOnlyEmptyOrOversizedRequests) {
    EXPECT_FALSE(DecodeQrPayload("").ok());
    auto decoded = DecodeQrPayload("garbage");
    ASSERT_TRUE(decoded.ok());
    EXPECT_FALSE(decoded->ok());
}

}  // namespace
}  // namespace dictra::settlement
