// Shared fixture for settlement's end-to-end tests: the real binary with only settlement, tokens
// for the operator and two participants, and helpers that speak the document's JSON.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline boost::json::object ParseBody(const ClientResponse& response) {
    return boost::json::parse(response.body).as_object();
}

// The create example of the document, every field set.
inline boost::json::object ValidBody() {
    return boost::json::parse(R"({
      "amount": 15000, "currency": "BRL",
      "debtor_ispb": "12345678", "debtor_document": "12345678901", "debtor_name": "João da Silva",
      "debtor_account_no": "123456", "debtor_account_type": "CACC", "debtor_branch": "0001",
      "creditor_ispb": "87654321", "creditor_document": "98765432100",
      "creditor_name": "Maria Santos", "creditor_account_no": "654321",
      "creditor_account_type": "SVGS", "creditor_branch": "0002",
      "description": "Payment for invoice #12345", "qr_code_data": "00020126...6304ABCD",
      "tx_id": "ABC123XYZ",
      "discounts": [{"date": "2026-02-10T00:00:00Z", "amount": 500}],
      "additional_info": [{"key": "invoice_number", "value": "INV-12345"}]
    })")
        .as_object();
}

class SettlementE2eTest : public ::testing::Test {
 protected:
    // The operator (no ispb), the creditor participant of ValidBody(), and an unrelated one.
    static constexpr const char* kOperatorSub = "operator@bank.com";

    // Flags added to `serve` by a derived fixture.
    virtual std::vector<std::string> ExtraArgs() const { return {}; }

    void SetUp() override {
        std::vector<std::string> args = {"--only", "settlement"};
        for (std::string& arg : ExtraArgs()) args.push_back(std::move(arg));
        auto started = process_.Start(args, {}, 1);
        ASSERT_TRUE(started.ok()) << started.error().message;
        const std::string secret = " --jwt-secret " + std::string(kTestJwtSecret);
        operator_token_ = DictraProcess::Token(kOperatorSub, secret);
        participant_token_ = DictraProcess::Token("bank-b", "--ispb 87654321" + secret);
        stranger_token_ = DictraProcess::Token("bank-c", "--ispb 11111111" + secret);
        ASSERT_FALSE(operator_token_.empty());
        client_ = std::make_unique<HttpClient>(process_.Port("settlement"));
    }

    Headers Auth(const std::string& token, Headers extra = {}) {
        extra.emplace_back("Authorization", "Bearer " + token);
        extra.emplace_back("Content-Type", "application/json");
        return extra;
    }
    ClientResponse SendAs(const std::string& token, const std::string& method,
                          const std::string& target, const std::string& body = {},
                          Headers extra = {}) {
        auto response = client_->Send(method, target, Auth(token, std::move(extra)), body);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : ClientResponse{};
    }
    ClientResponse Send(const std::string& method, const std::string& target,
                        const std::string& body = {}, Headers extra = {}) {
        return SendAs(operator_token_, method, target, body, std::move(extra));
    }
    std::int64_t CreatePayment(boost::json::object body = ValidBody()) {
        ClientResponse response = Send("POST", "/api/v1/payments", boost::json::serialize(body));
        EXPECT_EQ(response.status, 201) << response.body;
        return ParseBody(response).at("id").as_int64();
    }
    ClientResponse Put(std::int64_t id, const std::string& status) {
        return Send("PUT", "/api/v1/payments/" + std::to_string(id) + "/status",
                    R"({"status":")" + status + R"("})");
    }
    // Put that must succeed.
    void MoveTo(std::int64_t id, const std::string& status) {
        ClientResponse response = Put(id, status);
        EXPECT_EQ(response.status, 200) << response.body;
    }
    std::int64_t CompletedPayment() {
        const std::int64_t id = CreatePayment();
        MoveTo(id, "PROCESSING");
        MoveTo(id, "COMPLETED");
        return id;
    }
    void ExpectError(const ClientResponse& response, int status, const std::string& code,
                     const std::string& message_part) {
        EXPECT_EQ(response.status, status) << response.body;
        auto body = ParseBody(response);
        EXPECT_EQ(std::string(body.at("error").at("code").as_string()), code) << response.body;
        EXPECT_NE(std::string(body.at("error").at("message").as_string()).find(message_part),
                  std::string::npos)
            << response.body;
    }

    DictraProcess process_;
    std::string operator_token_;
    std::string participant_token_;
    std::string stranger_token_;
    std::unique_ptr<HttpClient> client_;
};

}  // namespace dictra::testing
