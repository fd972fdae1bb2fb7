// The BACEN simulator's ICOM interface against the real binary: pacs.008 in, pacs.002 out on the
// payer's stream and the pacs.008 on the payee's, long poll (204), echo, multipart, bad input.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bacen/bacen_testing.hpp"
#include "bacen/multipart.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {
namespace {

using bacen::testing::kPayee;
using bacen::testing::kPayer;
using bacen::testing::Pacs008Xml;
using bacen::testing::Pibr001Xml;
using bacen::testing::Transfer;
namespace iso = formats::iso20022;
using Headers = std::vector<std::pair<std::string, std::string>>;

class BacenIcomE2eTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto started = process_.Start({"--only", "bacen", "--bacen-long-poll-ms", "300",
                                       "--bacen-participants", "12345678:100000,87654321:0"},
                                      {}, 1);
        ASSERT_TRUE(started.ok()) << started.error().message;
        const std::string secret = " --jwt-secret " + std::string(kTestJwtSecret);
        payer_token_ = DictraProcess::Token("psp-a", "--ispb 12345678" + secret);
        payee_token_ = DictraProcess::Token("psp-b", "--ispb 87654321" + secret);
        admin_token_ = DictraProcess::Token("operator@bank.com", "--scope admin" + secret);
        ASSERT_FALSE(admin_token_.empty());
    }

    ClientResponse Call(const std::string& token, const std::string& method,
                        const std::string& target, const std::string& body = {},
                        Headers headers = {}) {
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
        HttpClient client(process_.Port("bacen"));
        auto response = client.Send(method, target, std::move(headers), body);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : ClientResponse{};
    }
    ClientResponse PostXml(const std::string& token, const std::string& ispb,
                           const std::string& xml) {
        return Call(token, "POST", "/api/v1/in/" + ispb + "/msgs", xml,
                    {{"Content-Type", "application/xml"}});
    }
    std::string TokenOf(const std::string& ispb) {
        return ispb == kPayer ? payer_token_ : payee_token_;
    }
    // The messages of one pull (one XML or a multipart), parsed.
    std::vector<iso::Message> Messages(const ClientResponse& response) {
        std::vector<iso::Message> messages;
        std::vector<std::string_view> bodies;
        const std::string content_type = response.Header("Content-Type");
        std::string boundary;
        if (bacen::IsXmlContentType(content_type)) {
            bodies.push_back(response.body);
        } else {
            auto found = bacen::MultipartBoundary(content_type);
            EXPECT_TRUE(found.ok()) << content_type;
            if (!found.ok()) return messages;
            boundary = *found;
            auto parts = bacen::SplitMultipart(response.body, boundary, 10);
            EXPECT_TRUE(parts.ok()) << parts.error().message;
            if (parts.ok()) bodies = *parts;
        }
        for (std::string_view body : bodies) {
            auto parsed = iso::ParseAny(body);
            EXPECT_TRUE(parsed.ok()) << parsed.error().message;
            if (parsed.ok()) messages.push_back(std::move(*parsed));
        }
        return messages;
    }
    std::int64_t Balance(const std::string& ispb) {
        ClientResponse response = Call(admin_token_, "GET", "/api/v1/admin/accounts/" + ispb);
        EXPECT_EQ(response.status, 200) << response.body;
        return boost::json::parse(response.body).at("balance_centavos").as_int64();
    }
    void ExpectError(const ClientResponse& response, int status, const std::string& code) {
        EXPECT_EQ(response.status, status) << response.body;
        auto body = boost::json::parse(response.body);
        EXPECT_EQ(std::string(body.at("error").at("code").as_string()), code) << response.body;
    }

    DictraProcess process_;
    SystemClock clock_;
    std::string payer_token_;
    std::string payee_token_;
    std::string admin_token_;
};

TEST_F(BacenIcomE2eTest, SettlesAndDeliversThroughStreams) {
    iso::CreditTransfer tx = Transfer(kPayer, kPayee, 250'00, clock_.Now());
    ClientResponse posted = PostXml(payer_token_, kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now()));
    ASSERT_EQ(posted.status, 201) << posted.body;
    EXPECT_TRUE(IsUuid(posted.Header("PI-ResourceId"))) << posted.Header("PI-ResourceId");

    // The payer's stream: the pacs.002 ACCC.
    ClientResponse started = Call(payer_token_, "GET", "/api/v1/out/12345678/stream/start");
    ASSERT_EQ(started.status, 200) << started.body;
    const std::string next = started.Header("PI-Pull-Next");
    EXPECT_EQ(next.rfind("/api/v1/out/12345678/stream/", 0), 0u) << next;
    std::vector<iso::Message> messages = Messages(started);
    ASSERT_EQ(messages.size(), 1u);
    const auto& report = std::get<iso::Envelope<iso::Pacs002>>(messages[0]);
    ASSERT_EQ(report.document.statuses.size(), 1u);
    EXPECT_EQ(report.document.statuses[0].status, iso::TransactionStatus::kAccc);
    EXPECT_EQ(report.document.statuses[0].original_end_to_end_id, tx.end_to_end_id);

    // Nothing more: the long poll answers 204 with the same next location.
    ClientResponse empty = Call(payer_token_, "GET", next);
    EXPECT_EQ(empty.status, 204) << empty.body;
    EXPECT_EQ(empty.Header("PI-Pull-Next"), next);

    // The payee's stream: the pacs.008.
    ClientResponse delivered = Call(payee_token_, "GET", "/api/v1/out/87654321/stream/start");
    ASSERT_EQ(delivered.status, 200) << delivered.body;
    messages = Messages(delivered);
    ASSERT_EQ(messages.size(), 1u);
    const auto& forwarded = std::get<iso::Envelope<iso::Pacs008>>(messages[0]);
    EXPECT_EQ(forwarded.document.transactions.at(0).end_to_end_id, tx.end_to_end_id);
    EXPECT_EQ(forwarded.header.to_ispb, kPayee);

    EXPECT_EQ(Balance(kPayer), 100'000 - 250'00);
    EXPECT_EQ(Balance(kPayee), 250'00);

    // Closing the stream: 204, then the location is gone.
    EXPECT_EQ(Call(payer_token_, "DELETE", next).status, 204);
    ExpectError(Call(payer_token_, "GET", next), 404, "NOT_FOUND");
    ExpectError(Call(payer_token_, "DELETE", next), 404, "NOT_FOUND");
}

TEST_F(BacenIcomE2eTest, RejectionsCarryTheReasonCode) {
    ClientResponse posted = PostXml(
        payer_token_, kPayer,
        Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 100'001, clock_.Now())}, clock_.Now()));
    ASSERT_EQ(posted.status, 201) << posted.body;
    ClientResponse pulled = Call(payer_token_, "GET", "/api/v1/out/12345678/stream/start");
    ASSERT_EQ(pulled.status, 200);
    std::vector<iso::Message> messages = Messages(pulled);
    ASSERT_EQ(messages.size(), 1u);
    const auto& status = std::get<iso::Envelope<iso::Pacs002>>(messages[0]).document.statuses[0];
    EXPECT_EQ(status.status, iso::TransactionStatus::kRjct);
    EXPECT_EQ(status.reasons.at(0).code.value_or(""), "AM04");
    EXPECT_EQ(Balance(kPayer), 100'000);
}

TEST_F(BacenIcomE2eTest, EchoAndMultipartOfSeveralMessages) {
    const std::string echo = Pibr001Xml(kPayer, "are you there", clock_.Now());
    const std::string first =
        Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 1'00, clock_.Now())}, clock_.Now());
    const std::string second =
        Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 2'00, clock_.Now())}, clock_.Now());
    const std::string body = bacen::BuildMultipart({echo, first, second}, "sep-123");
    ClientResponse posted = Call(payer_token_, "POST", "/api/v1/in/12345678/msgs", body,
                                 {{"Content-Type", "multipart/mixed; boundary=sep-123"}});
    ASSERT_EQ(posted.status, 201) << posted.body;

    ClientResponse pulled = Call(payer_token_, "GET", "/api/v1/out/12345678/stream/start");
    ASSERT_EQ(pulled.status, 200) << pulled.body;
    EXPECT_EQ(pulled.Header("Content-Type").rfind("multipart/mixed; boundary=", 0), 0u);
    std::vector<iso::Message> messages = Messages(pulled);
    ASSERT_EQ(messages.size(), 3u);
    const auto& report = std::get<iso::Envelope<iso::Pibr002>>(messages[0]);
    EXPECT_EQ(report.document.original_data, "are you there");
    EXPECT_EQ(iso::TypeOf(messages[1]), iso::MessageType::kPacs002);
    EXPECT_EQ(iso::TypeOf(messages[2]), iso::MessageType::kPacs002);
    EXPECT_EQ(Balance(kPayee), 3'00);
}

TEST_F(BacenIcomE2eTest, EmptyStreamLongPollsThen204) {
    ClientResponse started = Call(payee_token_, "GET", "/api/v1/out/87654321/stream/start");
    EXPECT_EQ(started.status, 204) << started.body;
    EXPECT_FALSE(started.Header("PI-Pull-Next").empty());
    EXPECT_TRUE(started.body.empty());
}

TEST_F(BacenIcomE2eTest, BadInputIsRefusedWithTheDocumentedError) {
    ExpectError(PostXml(payer_token_, kPayer, "<Envelope><oops>"), 400, "INVALID_MESSAGE");
    ExpectError(
        PostXml(payer_token_, kPayer,
                Pacs008Xml(kPayee, {Transfer(kPayee, kPayer, 1, clock_.Now())}, clock_.Now())),
        400, "INVALID_HEADER");
    ExpectError(Call(payer_token_, "POST", "/api/v1/in/12345678/msgs", "{}",
                     {{"Content-Type", "application/json"}}),
                415, "UNSUPPORTED_MEDIA_TYPE");
    ExpectError(Call(payer_token_, "POST", "/api/v1/in/12345678/msgs", "x",
                     {{"Content-Type", "application/xml"}, {"Content-Encoding", "gzip"}}),
                415, "UNSUPPORTED_MEDIA_TYPE");
    ExpectError(Call(payer_token_, "POST", "/api/v1/in/12345678/msgs", "--b\r\n<a/>",
                     {{"Content-Type", "multipart/mixed; boundary=b"}}),
                400, "INVALID_MESSAGE");
    // Nothing was settled.
    EXPECT_EQ(Balance(kPayer), 100'000);
}

TEST_F(BacenIcomE2eTest, TokensActOnlyForTheirOwnIspb) {
    EXPECT_EQ(Call("", "GET", "/api/v1/out/12345678/stream/start").status, 401);
    ExpectError(Call(payee_token_, "GET", "/api/v1/out/12345678/stream/start"), 403,
                "PERMISSION_DENIED");
    ExpectError(PostXml(payee_token_, kPayer, "<x/>"), 403, "PERMISSION_DENIED");
    ExpectError(Call(payer_token_, "GET", "/api/v1/admin/accounts"), 403, "PERMISSION_DENIED");
    ExpectError(Call(payer_token_, "POST", "/api/v1/admin/accounts/12345678/fund",
                     R"({"amount_centavos":1})", {{"Content-Type", "application/json"}}),
                403, "PERMISSION_DENIED");
}

TEST_F(BacenIcomE2eTest, AdminFundsAndListsAccounts) {
    ClientResponse funded =
        Call(admin_token_, "POST", "/api/v1/admin/accounts/87654321/fund",
             R"({"amount_centavos":12345})", {{"Content-Type", "application/json"}});
    ASSERT_EQ(funded.status, 200) << funded.body;
    auto account = boost::json::parse(funded.body);
    EXPECT_EQ(account.at("balance_centavos").as_int64(), 12345);
    EXPECT_EQ(account.at("balance").as_string(), "123.45");
    ExpectError(Call(admin_token_, "POST", "/api/v1/admin/accounts/87654321/fund",
                     R"({"amount_centavos":0})", {{"Content-Type", "application/json"}}),
                400, "INVALID_ARGUMENT");
    ClientResponse listed = Call(admin_token_, "GET", "/api/v1/admin/accounts");
    ASSERT_EQ(listed.status, 200);
    EXPECT_EQ(boost::json::parse(listed.body).at("accounts").as_array().size(), 2u);
    ExpectError(Call(admin_token_, "GET", "/api/v1/admin/accounts/99999999"), 404, "NOT_FOUND");
}

}  // namespace
}  // namespace dictra::testing
