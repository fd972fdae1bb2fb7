// Settlement QR codes against the real binary: every endpoint of the document's "QR Codes"
// section, the refused cases with their error bodies, the public location of dynamic codes and
// the PNG read back by zbarimg.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "e2e/settlement_fixture.hpp"

namespace dictra::testing {
namespace {

constexpr const char* kLocationBase = "pix.dictra.test/qr";

// The document's generate example, expiring far ahead of the test's clock.
boost::json::object ImmediateBody() {
    return boost::json::parse(R"({
      "type": "IMMEDIATE", "merchant_name": "Loja ABC", "merchant_city": "São Paulo",
      "merchant_category_code": "5411", "pix_key": "12345678901", "tx_id": "ABC123",
      "amount": 15000, "currency": "BRL", "expires_at": "2099-01-24T23:59:59Z",
      "description": "Compra na Loja ABC"
    })")
        .as_object();
}

boost::json::object StaticBody() {
    auto body = ImmediateBody();
    body["type"] = "STATIC";
    body["tx_id"] = "STATIC1";
    body.erase("expires_at");
    return body;
}

std::string Str(const boost::json::value& value) {
    return std::string(value.as_string());
}

// Runs `command` and returns its standard output; nullopt when it could not run or failed.
std::optional<std::string> RunCommand(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string output;
    std::array<char, 4096> buffer{};
    while (std::size_t read = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), read);
    if (pclose(pipe) != 0) return std::nullopt;
    return output;
}

class SettlementQrE2eTest : public SettlementE2eTest {
 protected:
    std::vector<std::string> ExtraArgs() const override {
        return {"--qr-location-base", kLocationBase};
    }
    boost::json::object Generate(const boost::json::object& body) {
        ClientResponse response = Send("POST", "/api/v1/qr-codes", boost::json::serialize(body));
        EXPECT_EQ(response.status, 201) << response.body;
        return response.status == 201 ? ParseBody(response) : boost::json::object{};
    }
    boost::json::object PostPayload(const std::string& path, const std::string& payload) {
        ClientResponse response =
            Send("POST", path, boost::json::serialize(boost::json::object{{"payload", payload}}));
        EXPECT_EQ(response.status, 200) << response.body;
        return response.status == 200 ? ParseBody(response) : boost::json::object{};
    }
    void ExpectGenerateRefused(boost::json::object body, const std::string& field) {
        ExpectError(Send("POST", "/api/v1/qr-codes", boost::json::serialize(body)), 400,
                    "VALIDATION_ERROR", field);
    }
};

TEST_F(SettlementQrE2eTest, GenerateAnswersTheDocumentedResource) {
    boost::json::object code = Generate(ImmediateBody());
    EXPECT_GT(code.at("id").as_int64(), 0);
    EXPECT_EQ(Str(code.at("type")), "IMMEDIATE");
    EXPECT_EQ(Str(code.at("merchant_name")), "Loja ABC");
    EXPECT_EQ(Str(code.at("merchant_city")), "São Paulo");
    EXPECT_EQ(Str(code.at("merchant_category_code")), "5411");
    EXPECT_EQ(Str(code.at("pix_key")), "12345678901");
    EXPECT_EQ(Str(code.at("tx_id")), "ABC123");
    EXPECT_EQ(code.at("amount"), 15000);
    EXPECT_EQ(Str(code.at("currency")), "BRL");
    EXPECT_EQ(Str(code.at("expires_at")), "2099-01-24T23:59:59Z");
    EXPECT_EQ(Str(code.at("description")), "Compra na Loja ABC");
    EXPECT_EQ(code.at("is_valid"), true);
    EXPECT_EQ(code.at("used_count"), 0);
    EXPECT_EQ(Str(code.at("status")), "active");
    const std::string payload = Str(code.at("payload"));
    EXPECT_EQ(payload.rfind("000201010212", 0), 0u) << payload;  // single use
    EXPECT_EQ(Str(code.at("emv_data")) + payload.substr(payload.size() - 8), payload);
    EXPECT_NE(payload.find(std::string(kLocationBase) + "/" + Str(code.at("unique_id"))),
              std::string::npos);
    EXPECT_TRUE(code.contains("created_at"));
    EXPECT_TRUE(code.contains("updated_at"));
}

TEST_F(SettlementQrE2eTest, EveryTypeGenerates) {
    EXPECT_EQ(Str(Generate(StaticBody()).at("type")), "STATIC");
    auto dynamic = ImmediateBody();
    dynamic["type"] = "DYNAMIC";
    dynamic.erase("tx_id");
    EXPECT_EQ(Str(Generate(dynamic).at("tx_id")).size(), 32u);
    auto due = ImmediateBody();
    due["type"] = "DUE_DATE";
    due["tx_id"] = std::string(30, 'D');
    EXPECT_EQ(Str(Generate(due).at("type")), "DUE_DATE");
}

TEST_F(SettlementQrE2eTest, GenerateRefusesBadInputNamingTheField) {
    auto body = ImmediateBody();
    body["merchant_category_code"] = "54111";
    ExpectError(Send("POST", "/api/v1/qr-codes", boost::json::serialize(body)), 400,
                "VALIDATION_ERROR", "merchant_category_code must be 4 digits");
    body = ImmediateBody();
    body["type"] = "QRES";
    ExpectGenerateRefused(body, "type");
    body = ImmediateBody();
    body["tx_id"] = std::string(26, 'A');
    ExpectGenerateRefused(body, "tx_id");
    body = ImmediateBody();
    body["type"] = "DUE_DATE";
    ExpectGenerateRefused(body, "tx_id");  // "ABC123" is under 26
    body = ImmediateBody();
    body["amount"] = "150.00";
    ExpectGenerateRefused(body, "amount");
    body = ImmediateBody();
    body.erase("merchant_name");
    ExpectGenerateRefused(body, "merchant_name");
    body = ImmediateBody();
    body["merchant_name"] = std::string(26, 'x');
    ExpectGenerateRefused(body, "merchant_name");
    body = ImmediateBody();
    body["expires_at"] = "2000-01-01T00:00:00Z";
    ExpectGenerateRefused(body, "expires_at");
    body = StaticBody();
    body["expires_at"] = "2099-01-01T00:00:00Z";
    ExpectGenerateRefused(body, "expires_at");
    body = ImmediateBody();
    body["currency"] = "USD";
    ExpectGenerateRefused(body, "currency");
    ExpectError(Send("POST", "/api/v1/qr-codes", "{not json"), 400, "VALIDATION_ERROR", "");
    Generate(ImmediateBody());
    ExpectError(Send("POST", "/api/v1/qr-codes", boost::json::serialize(ImmediateBody())), 409,
                "CONFLICT", "tx_id");
}

TEST_F(SettlementQrE2eTest, GetByIdAndByTxId) {
    boost::json::object code = Generate(ImmediateBody());
    const std::string id = std::to_string(code.at("id").as_int64());
    ClientResponse by_id = Send("GET", "/api/v1/qr-codes/" + id);
    EXPECT_EQ(by_id.status, 200) << by_id.body;
    EXPECT_EQ(ParseBody(by_id).at("payload"), code.at("payload"));
    ClientResponse by_txid = Send("GET", "/api/v1/qr-codes/txid/ABC123");
    EXPECT_EQ(by_txid.status, 200) << by_txid.body;
    EXPECT_EQ(ParseBody(by_txid).at("id"), code.at("id"));

    ExpectError(Send("GET", "/api/v1/qr-codes/999999"), 404, "NOT_FOUND", "QR code not found");
    ExpectError(Send("GET", "/api/v1/qr-codes/txid/NOPE"), 404, "NOT_FOUND", "QR code not found");
    ExpectError(Send("GET", "/api/v1/qr-codes/abc"), 400, "VALIDATION_ERROR", "id");
    ExpectError(Send("GET", "/api/v1/qr-codes/txid/" + std::string(36, 'A')), 400,
                "VALIDATION_ERROR", "txId");
    ClientResponse anonymous = client_->Send("GET", "/api/v1/qr-codes/" + id, {}, "").value();
    EXPECT_EQ(anonymous.status, 401);
}

TEST_F(SettlementQrE2eTest, DeactivateMarksDynamicCodeUsed) {
    boost::json::object code = Generate(ImmediateBody());
    const std::string id = std::to_string(code.at("id").as_int64());
    const std::string payload = Str(code.at("payload"));
    EXPECT_EQ(PostPayload("/api/v1/qr-codes/validate", payload).at("valid"), true);

    ClientResponse response = Send("PUT", "/api/v1/qr-codes/" + id + "/deactivate");
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = ParseBody(response);
    EXPECT_EQ(body.at("id"), code.at("id"));
    EXPECT_EQ(Str(body.at("status")), "used");
    EXPECT_EQ(body.at("used_count"), 1);
    EXPECT_TRUE(body.contains("used_at"));

    auto validation = PostPayload("/api/v1/qr-codes/validate", payload);
    EXPECT_EQ(validation.at("valid"), false);
    EXPECT_EQ(Str(validation.at("error")), "QR code is used");
    EXPECT_EQ(validation.at("qr_code").at("is_valid"), false);

    ExpectError(Send("PUT", "/api/v1/qr-codes/" + id + "/deactivate"), 400, "INVALID_TRANSITION",
                "used");
    ExpectError(Send("PUT", "/api/v1/qr-codes/999999/deactivate"), 404, "NOT_FOUND",
                "QR code not found");
    ExpectError(Send("PUT", "/api/v1/qr-codes/x/deactivate"), 400, "VALIDATION_ERROR", "id");
}

TEST_F(SettlementQrE2eTest, ValidateReportsTheReason) {
    boost::json::object code = Generate(StaticBody());
    std::string payload = Str(code.at("payload"));
    auto valid = PostPayload("/api/v1/qr-codes/validate", payload);
    EXPECT_EQ(valid.at("valid"), true);
    EXPECT_EQ(valid.at("qr_code").at("id"), code.at("id"));
    EXPECT_EQ(Str(valid.at("qr_code").at("type")), "STATIC");
    EXPECT_EQ(Str(valid.at("qr_code").at("pix_key")), "12345678901");
    EXPECT_EQ(valid.at("qr_code").at("amount"), 15000);
    EXPECT_EQ(Str(valid.at("qr_code").at("validation_errors")), "");

    payload.back() = payload.back() == '0' ? '1' : '0';
    auto bad_crc = PostPayload("/api/v1/qr-codes/validate", payload);
    EXPECT_EQ(bad_crc.at("valid"), false);
    EXPECT_EQ(Str(bad_crc.at("error")), "CRC validation failed");
    EXPECT_NE(Str(bad_crc.at("qr_code").at("validation_errors")).find("63"), std::string::npos);

    ExpectError(Send("POST", "/api/v1/qr-codes/validate", "{}"), 400, "VALIDATION_ERROR",
                "payload");
    ExpectError(Send("POST", "/api/v1/qr-codes/validate", R"({"payload":""})"), 400,
                "VALIDATION_ERROR", "payload");
}

TEST_F(SettlementQrE2eTest, DecodeGivesEveryDocumentedField) {
    boost::json::object code = Generate(StaticBody());
    auto decoded = PostPayload("/api/v1/qr-codes/decode", Str(code.at("payload")));
    EXPECT_EQ(decoded.at("valid"), true);
    EXPECT_EQ(Str(decoded.at("type")), "STATIC");
    EXPECT_EQ(Str(decoded.at("pix_key")), "12345678901");
    EXPECT_EQ(Str(decoded.at("tx_id")), "STATIC1");
    EXPECT_EQ(Str(decoded.at("merchant_name")), "Loja ABC");
    EXPECT_EQ(Str(decoded.at("merchant_city")), "Sao Paulo");
    EXPECT_EQ(Str(decoded.at("merchant_category_code")), "5411");
    EXPECT_EQ(decoded.at("amount"), 15000);
    EXPECT_EQ(Str(decoded.at("amount_formatted")), "R$ 150,00");
    EXPECT_EQ(Str(decoded.at("currency")), "BRL");
    EXPECT_EQ(Str(decoded.at("country_code")), "BR");
    EXPECT_EQ(decoded.at("crc_valid"), true);
    EXPECT_EQ(Str(decoded.at("crc")).size(), 4u);
    EXPECT_EQ(Str(decoded.at("description")), "Compra na Loja ABC");
    const auto& raw = decoded.at("raw_fields").as_object();
    EXPECT_EQ(Str(raw.at("00")), "01");
    EXPECT_EQ(Str(raw.at("52")), "5411");
    EXPECT_EQ(Str(raw.at("53")), "986");
    EXPECT_EQ(Str(raw.at("54")), "150.00");
    EXPECT_EQ(Str(raw.at("58")), "BR");
    EXPECT_EQ(Str(raw.at("26-01")), "12345678901");
    EXPECT_TRUE(decoded.at("errors").as_array().empty());

    auto broken = PostPayload("/api/v1/qr-codes/decode", "0002010102");
    EXPECT_EQ(broken.at("valid"), false);
    EXPECT_FALSE(broken.at("errors").as_array().empty());
    ExpectError(Send("POST", "/api/v1/qr-codes/decode", R"({"payload":12})"), 400,
                "VALIDATION_ERROR", "payload");
}

TEST_F(SettlementQrE2eTest, LocationServesTheChargePublicly) {
    boost::json::object code = Generate(ImmediateBody());
    const std::string unique_id = Str(code.at("unique_id"));
    // No token: the payer's PSP fetches it.
    ClientResponse response = client_->Send("GET", "/qr/" + unique_id, {}, "").value();
    ASSERT_EQ(response.status, 200) << response.body;
    auto charge = ParseBody(response);
    EXPECT_EQ(Str(charge.at("tx_id")), "ABC123");
    EXPECT_EQ(Str(charge.at("pix_key")), "12345678901");
    EXPECT_EQ(charge.at("amount"), 15000);
    EXPECT_EQ(Str(charge.at("amount_formatted")), "R$ 150,00");
    EXPECT_EQ(Str(charge.at("status")), "active");
    EXPECT_EQ(Str(charge.at("description")), "Compra na Loja ABC");

    boost::json::object fixed = Generate(StaticBody());
    ClientResponse absent =
        client_->Send("GET", "/qr/" + Str(fixed.at("unique_id")), {}, "").value();
    ExpectError(absent, 404, "NOT_FOUND", "QR code not found");
}

TEST_F(SettlementQrE2eTest, ImagesAndTheirRefusals) {
    boost::json::object code = Generate(ImmediateBody());
    const std::string target = "/api/v1/qr-codes/" + std::to_string(code.at("id").as_int64());
    ClientResponse svg = Send("GET", target + "/image?format=svg&size=400");
    ASSERT_EQ(svg.status, 200);
    EXPECT_EQ(svg.Header("Content-Type"), "image/svg+xml");
    EXPECT_NE(svg.body.find("<svg"), std::string::npos);
    ClientResponse png = Send("GET", target + "/image");
    ASSERT_EQ(png.status, 200);
    EXPECT_EQ(png.Header("Content-Type"), "image/png");
    ExpectError(Send("GET", target + "/image?format=gif"), 400, "VALIDATION_ERROR", "format");
    ExpectError(Send("GET", target + "/image?size=10"), 400, "VALIDATION_ERROR", "size");
    ExpectError(Send("GET", target + "/image?size=big"), 400, "VALIDATION_ERROR", "size");
    ExpectError(Send("GET", "/api/v1/qr-codes/999999/image"), 404, "NOT_FOUND",
                "QR code not found");
}

TEST_F(SettlementQrE2eTest, ZbarimgReadsThePngBackExactly) {
    if (!RunCommand("command -v zbarimg >/dev/null 2>&1 && echo ok"))
        GTEST_SKIP() << "zbarimg is not installed (apt zbar-tools; scripts/deps.sh installs it)";
    for (const boost::json::object& body : {ImmediateBody(), StaticBody()}) {
        boost::json::object code = Generate(body);
        const std::string payload = Str(code.at("payload"));
        ClientResponse png =
            Send("GET", "/api/v1/qr-codes/" + std::to_string(code.at("id").as_int64()) +
                            "/image?format=png&size=300");
        ASSERT_EQ(png.status, 200);
        const auto file = process_.temp_dir() / ("qr-" + Str(code.at("unique_id")) + ".png");
        std::ofstream(file, std::ios::binary) << png.body;
        auto read = RunCommand("zbarimg --raw -q '" + file.string() + "' 2>/dev/null");
        ASSERT_TRUE(read) << "zbarimg could not read " << file;
        std::string text = *read;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        EXPECT_EQ(text, payload);
    }
}

}  // namespace
}  // namespace dictra::testing
