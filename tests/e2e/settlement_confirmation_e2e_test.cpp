// Settlement credit confirmation against the real binary: both endpoints of the document's
// "Credit Confirmation" section, the refused cases and their error bodies.
#include <gtest/gtest.h>

#include "e2e/settlement_fixture.hpp"

namespace dictra::testing {
namespace {

std::string Target(std::int64_t id) {
    return "/api/v1/payments/" + std::to_string(id) + "/confirm-credit";
}

class SettlementConfirmationE2eTest : public SettlementE2eTest {};

TEST_F(SettlementConfirmationE2eTest, ConfirmThenGetReturnsTheDocumentedBody) {
    const std::int64_t id = CompletedPayment();
    ClientResponse confirmed = Send(
        "POST", Target(id), R"({"amount": 15000, "notes": "Credit confirmed via bank statement"})");
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    auto body = ParseBody(confirmed);
    EXPECT_GT(body.at("id").as_int64(), 0);
    EXPECT_EQ(body.at("unique_id").as_string().size(), 36u);
    EXPECT_EQ(body.at("payment_request_id"), id);
    EXPECT_EQ(body.at("status"), "CONFIRMED");
    EXPECT_EQ(body.at("confirmed_by"), "operator@bank.com");
    EXPECT_EQ(body.at("confirmed_amount"), 15000);
    EXPECT_EQ(body.at("notes"), "Credit confirmed via bank statement");
    EXPECT_TRUE(body.at("confirmed_at").as_string().ends_with("Z"));
    EXPECT_EQ(body.at("created_at"), body.at("confirmed_at"));
    EXPECT_EQ(body.at("updated_at"), body.at("confirmed_at"));

    ClientResponse got = Send("GET", Target(id));
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(ParseBody(got), body);
}

TEST_F(SettlementConfirmationE2eTest, GetBeforeConfirmationIsTheDocumented404) {
    const std::int64_t id = CompletedPayment();
    ClientResponse got = Send("GET", Target(id));
    EXPECT_EQ(got.status, 404);
    EXPECT_EQ(ParseBody(got),
              boost::json::parse(
                  R"({"error":{"code":"NOT_FOUND","message":"credit confirmation not found"}})"));
}

TEST_F(SettlementConfirmationE2eTest, SecondConfirmationIs409) {
    const std::int64_t id = CompletedPayment();
    ASSERT_EQ(Send("POST", Target(id), R"({"amount": 15000})").status, 200);
    ExpectError(Send("POST", Target(id), R"({"amount": 15000})"), 409, "CONFLICT",
                "already confirmed");
    auto got = ParseBody(Send("GET", Target(id)));
    EXPECT_FALSE(got.contains("notes"));
}

TEST_F(SettlementConfirmationE2eTest, OnlyCompletedPaymentsCanBeConfirmed) {
    const std::int64_t pending = CreatePayment();
    ExpectError(Send("POST", Target(pending), R"({"amount": 15000})"), 400, "INVALID_TRANSITION",
                "PENDING");
    const std::int64_t processing = CreatePayment();
    MoveTo(processing, "PROCESSING");
    ExpectError(Send("POST", Target(processing), R"({"amount": 15000})"), 400, "INVALID_TRANSITION",
                "PROCESSING");
    const std::int64_t failed = CreatePayment();
    MoveTo(failed, "PROCESSING");
    MoveTo(failed, "FAILED");
    ExpectError(Send("POST", Target(failed), R"({"amount": 15000})"), 400, "INVALID_TRANSITION",
                "FAILED");
    const std::int64_t cancelled = CreatePayment();
    ASSERT_EQ(Send("DELETE", "/api/v1/payments/" + std::to_string(cancelled)).status, 204);
    ExpectError(Send("POST", Target(cancelled), R"({"amount": 15000})"), 400, "INVALID_TRANSITION",
                "CANCELLED");
    EXPECT_EQ(Send("GET", Target(pending)).status, 404);
}

TEST_F(SettlementConfirmationE2eTest, BadBodiesAre400NamingTheField) {
    const std::int64_t id = CompletedPayment();
    ExpectError(Send("POST", Target(id), R"({"amount": 14999})"), 400, "VALIDATION_ERROR",
                "confirmed_amount");
    ExpectError(Send("POST", Target(id), R"({"amount": 15001})"), 400, "VALIDATION_ERROR",
                "confirmed_amount");
    ExpectError(Send("POST", Target(id), R"({"notes": "no amount"})"), 400, "VALIDATION_ERROR",
                "amount");
    ExpectError(Send("POST", Target(id), R"({"amount": "15000"})"), 400, "VALIDATION_ERROR",
                "amount");
    ExpectError(Send("POST", Target(id), R"({"amount": 1.5})"), 400, "VALIDATION_ERROR", "amount");
    ExpectError(Send("POST", Target(id), R"({"amount": 15000, "notes": 7})"), 400,
                "VALIDATION_ERROR", "notes");
    ExpectError(Send("POST", Target(id),
                     R"({"amount": 15000, "notes": ")" + std::string(1001, 'x') + R"("})"),
                400, "VALIDATION_ERROR", "notes");
    ExpectError(Send("POST", Target(id), "{not json"), 400, "VALIDATION_ERROR", "JSON");
    // None of them stored anything.
    EXPECT_EQ(Send("GET", Target(id)).status, 404);
}

TEST_F(SettlementConfirmationE2eTest, UnknownAndMalformedIds) {
    ExpectError(Send("POST", Target(999999), R"({"amount": 15000})"), 404, "NOT_FOUND",
                "payment request not found");
    ExpectError(Send("GET", Target(999999)), 404, "NOT_FOUND", "payment request not found");
    ExpectError(Send("GET", "/api/v1/payments/abc/confirm-credit"), 400, "VALIDATION_ERROR", "id");
    ExpectError(Send("POST", "/api/v1/payments/0/confirm-credit", R"({"amount": 15000})"), 400,
                "VALIDATION_ERROR", "id");
}

TEST_F(SettlementConfirmationE2eTest, NoTokenIs401) {
    auto got = client_->Get(Target(1));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->status, 401);
    auto posted = client_->Send("POST", Target(1), {}, R"({"amount": 15000})");
    ASSERT_TRUE(posted.ok());
    EXPECT_EQ(posted->status, 401);
}

TEST_F(SettlementConfirmationE2eTest, ParticipantSeesOnlyItsOwnPayments) {
    const std::int64_t id = CompletedPayment();  // creditor 87654321
    ExpectError(SendAs(stranger_token_, "POST", Target(id), R"({"amount": 15000})"), 404,
                "NOT_FOUND", "payment request not found");
    ClientResponse confirmed =
        SendAs(participant_token_, "POST", Target(id), R"({"amount": 15000})");
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    EXPECT_EQ(ParseBody(confirmed).at("confirmed_by"), "bank-b");
    EXPECT_EQ(SendAs(participant_token_, "GET", Target(id)).status, 200);
    ExpectError(SendAs(stranger_token_, "GET", Target(id)), 404, "NOT_FOUND",
                "payment request not found");
}

}  // namespace
}  // namespace dictra::testing
