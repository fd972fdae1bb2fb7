// Settlement payment requests against the real binary: every endpoint of the document's
// "Payment Requests" section, its transitions, filters, pagination and error bodies.
#include <gtest/gtest.h>

#include "e2e/settlement_fixture.hpp"

namespace dictra::testing {
namespace {

class SettlementPaymentsE2eTest : public SettlementE2eTest {};

TEST_F(SettlementPaymentsE2eTest, CreateThenGetReturnsEveryField) {
    ClientResponse created = Send("POST", "/api/v1/payments", boost::json::serialize(ValidBody()));
    ASSERT_EQ(created.status, 201) << created.body;
    auto body = ParseBody(created);
    EXPECT_EQ(body.at("status"), "PENDING");
    EXPECT_EQ(body.at("amount"), 15000);
    EXPECT_EQ(body.at("unique_id").as_string().size(), 36u);
    EXPECT_EQ(body.at("debtor_name"), "João da Silva");
    EXPECT_EQ(body.at("discounts").at(0).at("amount"), 500);
    EXPECT_EQ(body.at("additional_info").at(0).at("key"), "invoice_number");
    EXPECT_TRUE(body.at("created_at").as_string().ends_with("Z"));
    const std::int64_t id = body.at("id").as_int64();

    ClientResponse got = Send("GET", "/api/v1/payments/" + std::to_string(id));
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(ParseBody(got), body);
}

TEST_F(SettlementPaymentsE2eTest, BadBodiesAre400NamingTheField) {
    const std::pair<std::string, std::string> cases[] = {
        {"amount", "0"},
        {"amount", "1.5"},
        {"amount", "\"100\""},
        {"currency", "\"USD\""},
        {"debtor_ispb", "\"1234\""},
        {"creditor_ispb", "\"abcdefgh\""},
        {"debtor_account_type", "\"XXXX\""},
        {"creditor_account_type", "\"cacc\""},
        {"description", "\"" + std::string(141, 'x') + "\""},
        {"scheduled_date", "\"2026-02-15 10:00\""},
        {"discounts", "[{\"date\":\"2026-02-10T00:00:00Z\"}]"},
        {"additional_info", "[{\"key\":\"k\"}]"},
    };
    for (const auto& [field, value] : cases) {
        boost::json::object body = ValidBody();
        body[field] = boost::json::parse(value);
        ExpectError(Send("POST", "/api/v1/payments", boost::json::serialize(body)), 400,
                    "VALIDATION_ERROR", field);
    }
    boost::json::object missing = ValidBody();
    missing.erase("creditor_document");
    ExpectError(Send("POST", "/api/v1/payments", boost::json::serialize(missing)), 400,
                "VALIDATION_ERROR", "creditor_document");
    ExpectError(Send("POST", "/api/v1/payments", "{not json"), 400, "VALIDATION_ERROR", "JSON");
}

TEST_F(SettlementPaymentsE2eTest, NoTokenIs401) {
    auto response = client_->Get("/api/v1/payments");
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 401);
    EXPECT_EQ(ParseBody(*response).at("error").at("code"), "UNAUTHORIZED");
    EXPECT_EQ(client_->Send("POST", "/api/v1/payments", {}, "{}")->status, 401);
}

TEST_F(SettlementPaymentsE2eTest, UnknownAndMalformedIds) {
    ClientResponse missing = Send("GET", "/api/v1/payments/999999");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body,
              R"({"error":{"code":"NOT_FOUND","message":"payment request not found"}})");
    ExpectError(Send("DELETE", "/api/v1/payments/999999"), 404, "NOT_FOUND", "not found");
    ExpectError(Put(999999, "PROCESSING"), 404, "NOT_FOUND", "not found");
    for (const char* bad : {"abc", "-1", "0", "1.5", "99999999999999999999"})
        ExpectError(Send("GET", std::string("/api/v1/payments/") + bad), 400, "VALIDATION_ERROR",
                    "id");
}

TEST_F(SettlementPaymentsE2eTest, EveryTransitionAllowedAndRefused) {
    // PENDING -> PROCESSING -> COMPLETED, with processed_at and a minted EndToEndId.
    const std::int64_t a = CreatePayment();
    ExpectError(Put(a, "COMPLETED"), 400, "INVALID_TRANSITION", "PENDING");
    ExpectError(Put(a, "FAILED"), 400, "INVALID_TRANSITION", "PENDING");
    ASSERT_EQ(Put(a, "PROCESSING").status, 200);
    ExpectError(Put(a, "CANCELLED"), 400, "INVALID_TRANSITION", "PROCESSING");
    ExpectError(Put(a, "PENDING"), 400, "INVALID_TRANSITION", "PROCESSING");
    ClientResponse completed = Put(a, "COMPLETED");
    ASSERT_EQ(completed.status, 200) << completed.body;
    auto body = ParseBody(completed);
    EXPECT_EQ(body.at("id"), a);
    EXPECT_EQ(body.at("status"), "COMPLETED");
    EXPECT_TRUE(body.at("end_to_end_id").as_string().starts_with("E12345678"));
    EXPECT_TRUE(body.contains("processed_at"));
    ExpectError(Send("DELETE", "/api/v1/payments/" + std::to_string(a)), 400, "INVALID_TRANSITION",
                "cannot cancel payment in COMPLETED status");
    ExpectError(Put(a, "PROCESSING"), 400, "INVALID_TRANSITION", "COMPLETED");

    // PROCESSING -> FAILED; the caller's EndToEndId only with COMPLETED.
    const std::int64_t b = CreatePayment();
    ASSERT_EQ(Put(b, "PROCESSING").status, 200);
    ExpectError(Send("PUT", "/api/v1/payments/" + std::to_string(b) + "/status",
                     R"({"status":"FAILED","end_to_end_id":"E12345678202601241030ABCDEFGHIJK"})"),
                400, "VALIDATION_ERROR", "end_to_end_id");
    EXPECT_EQ(Put(b, "FAILED").status, 200);
    ExpectError(Put(b, "COMPLETED"), 400, "INVALID_TRANSITION", "FAILED");

    // PENDING -> SCHEDULED -> PENDING -> CANCELLED; SCHEDULED -> CANCELLED via DELETE.
    const std::int64_t c = CreatePayment();
    ASSERT_EQ(Put(c, "SCHEDULED").status, 200);
    ExpectError(Put(c, "PROCESSING"), 400, "INVALID_TRANSITION", "SCHEDULED");
    ASSERT_EQ(Put(c, "PENDING").status, 200);
    ASSERT_EQ(Put(c, "CANCELLED").status, 200);
    ExpectError(Put(c, "PENDING"), 400, "INVALID_TRANSITION", "CANCELLED");
    const std::int64_t d = CreatePayment();
    ASSERT_EQ(Put(d, "SCHEDULED").status, 200);
    ClientResponse cancelled = Send("DELETE", "/api/v1/payments/" + std::to_string(d));
    EXPECT_EQ(cancelled.status, 204);
    EXPECT_TRUE(cancelled.body.empty());
    EXPECT_EQ(ParseBody(Send("GET", "/api/v1/payments/" + std::to_string(d))).at("status"),
              "CANCELLED");

    // The caller's own valid EndToEndId is kept; unknown status values are 400.
    const std::int64_t e = CreatePayment();
    ASSERT_EQ(Put(e, "PROCESSING").status, 200);
    ExpectError(Put(e, "DONE"), 400, "VALIDATION_ERROR", "status");
    // An id that is not E + ISPB + alphanumerics is refused; the document's example is kept.
    const std::string target = "/api/v1/payments/" + std::to_string(e) + "/status";
    ExpectError(Send("PUT", target, R"({"status":"COMPLETED","end_to_end_id":"not-an-id"})"), 400,
                "VALIDATION_ERROR", "end_to_end_id");
    ClientResponse own = Send(
        "PUT", target, R"({"status":"COMPLETED","end_to_end_id":"E1234567820260124103000000001"})");
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(ParseBody(own).at("end_to_end_id"), "E1234567820260124103000000001");
}

TEST_F(SettlementPaymentsE2eTest, FutureScheduledDateIsCreatedScheduled) {
    boost::json::object body = ValidBody();
    body["scheduled_date"] = "2999-02-15T10:00:00Z";
    ClientResponse created = Send("POST", "/api/v1/payments", boost::json::serialize(body));
    ASSERT_EQ(created.status, 201);
    const std::int64_t id = ParseBody(created).at("id").as_int64();
    EXPECT_EQ(ParseBody(created).at("status"), "SCHEDULED");
    ASSERT_EQ(Put(id, "PENDING").status, 200);
    ExpectError(Put(id, "PROCESSING"), 400, "INVALID_TRANSITION", "scheduled");
}

TEST_F(SettlementPaymentsE2eTest, RetriedCreateReturnsTheSameRequest) {
    boost::json::object body = ValidBody();
    body["external_id"] = "MERCHANT-12345";
    const std::string text = boost::json::serialize(body);
    ClientResponse first = Send("POST", "/api/v1/payments", text);
    ClientResponse retry = Send("POST", "/api/v1/payments", text);
    ASSERT_EQ(first.status, 201);
    ASSERT_EQ(retry.status, 200);
    EXPECT_EQ(ParseBody(first), ParseBody(retry));
    body["amount"] = 16000;
    ExpectError(Send("POST", "/api/v1/payments", boost::json::serialize(body)), 409, "CONFLICT",
                "external_id");

    const std::string plain = boost::json::serialize(ValidBody());
    ClientResponse keyed = Send("POST", "/api/v1/payments", plain, {{"Idempotency-Key", "k-1"}});
    ClientResponse keyed_retry =
        Send("POST", "/api/v1/payments", plain, {{"Idempotency-Key", "k-1"}});
    ASSERT_EQ(keyed.status, 201);
    ASSERT_EQ(keyed_retry.status, 200);
    EXPECT_EQ(ParseBody(keyed).at("id"), ParseBody(keyed_retry).at("id"));
    boost::json::object other = ValidBody();
    other["amount"] = 1;
    ExpectError(Send("POST", "/api/v1/payments", boost::json::serialize(other),
                     {{"Idempotency-Key", "k-1"}}),
                409, "CONFLICT", "Idempotency-Key");
    EXPECT_EQ(ParseBody(Send("GET", "/api/v1/payments")).at("pagination").at("total"), 2);
}

TEST_F(SettlementPaymentsE2eTest, ListFiltersAndPagination) {
    for (std::int64_t amount : {500, 1000, 50000, 100000, 200000}) {
        boost::json::object body = ValidBody();
        body["amount"] = amount;
        CreatePayment(body);
    }
    boost::json::object other = ValidBody();
    other["debtor_ispb"] = "11111111";
    other["creditor_ispb"] = "22222222";
    const std::int64_t other_id = CreatePayment(other);
    ASSERT_EQ(Put(other_id, "PROCESSING").status, 200);

    auto list = [&](const std::string& query) {
        ClientResponse response = Send("GET", "/api/v1/payments" + query);
        EXPECT_EQ(response.status, 200) << query << " " << response.body;
        return ParseBody(response);
    };
    auto all = list("");
    EXPECT_EQ(all.at("pagination").at("total"), 6);
    EXPECT_EQ(all.at("pagination").at("page_size"), 20);
    EXPECT_EQ(all.at("pagination").at("page"), 0);
    EXPECT_EQ(all.at("pagination").at("total_pages"), 1);
    EXPECT_EQ(all.at("data").as_array().size(), 6u);
    EXPECT_EQ(all.at("data").at(0).at("id"), other_id);  // newest first
    EXPECT_EQ(list("?status=PROCESSING").at("pagination").at("total"), 1);
    EXPECT_EQ(list("?debtor_ispb=11111111").at("pagination").at("total"), 1);
    EXPECT_EQ(list("?creditor_ispb=87654321").at("pagination").at("total"), 5);
    EXPECT_EQ(list("?min_amount=1000&max_amount=100000").at("pagination").at("total"), 4);
    EXPECT_EQ(list("?status=PENDING&debtor_ispb=12345678&creditor_ispb=87654321&min_amount=1000"
                   "&max_amount=100000&limit=20&offset=0")
                  .at("pagination")
                  .at("total"),
              3);
    auto page = list("?limit=4&offset=4");
    EXPECT_EQ(page.at("data").as_array().size(), 2u);
    EXPECT_EQ(page.at("pagination").at("page"), 1);
    EXPECT_EQ(page.at("pagination").at("page_size"), 4);
    EXPECT_EQ(page.at("pagination").at("total_pages"), 2);

    for (const char* bad : {"?limit=-1", "?limit=abc", "?limit=0", "?limit=101", "?offset=-1",
                            "?offset=x", "?status=DONE", "?debtor_ispb=123", "?min_amount=-5"})
        EXPECT_EQ(Send("GET", std::string("/api/v1/payments") + bad).status, 400) << bad;
}

TEST_F(SettlementPaymentsE2eTest, ParticipantTokenSeesOnlyItsPayments) {
    const std::int64_t mine = CreatePayment();  // creditor 87654321
    boost::json::object other = ValidBody();
    other["debtor_ispb"] = "11111111";
    other["creditor_ispb"] = "22222222";
    const std::int64_t theirs = CreatePayment(other);

    auto as_participant = [&](const std::string& method, const std::string& target,
                              const std::string& body = {}) {
        return *client_->Send(method, target, Auth(participant_token_), body);
    };
    EXPECT_EQ(as_participant("GET", "/api/v1/payments/" + std::to_string(mine)).status, 200);
    EXPECT_EQ(as_participant("GET", "/api/v1/payments/" + std::to_string(theirs)).status, 404);
    EXPECT_EQ(as_participant("DELETE", "/api/v1/payments/" + std::to_string(theirs)).status, 404);
    auto listed = ParseBody(as_participant("GET", "/api/v1/payments"));
    EXPECT_EQ(listed.at("pagination").at("total"), 1);
    EXPECT_EQ(as_participant("POST", "/api/v1/payments", boost::json::serialize(other)).status,
              403);
}

}  // namespace
}  // namespace dictra::testing
