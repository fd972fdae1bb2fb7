// DICT lookups under token buckets, the SPI's payment report, the institutions admin and the
// batch key check against the real binary.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kBankA = "12345678";  // a demo institution of the default run (C)
constexpr const char* kBankB = "87654321";
constexpr const char* kCpf = "52998224725";

boost::json::object Body(const ClientResponse& response) {
    auto parsed = boost::json::parse(response.body);
    return parsed.is_object() ? parsed.as_object() : boost::json::object{};
}

class DictLookupsE2eTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto started = process_.Start({"--only", "dict"}, {}, 1);
        ASSERT_TRUE(started.ok()) << started.error().message;
        const std::string secret = " --jwt-secret " + std::string(kTestJwtSecret);
        bank_a_token_ = DictraProcess::Token("bank-a", std::string("--ispb ") + kBankA + secret);
        bank_b_token_ = DictraProcess::Token("bank-b", std::string("--ispb ") + kBankB + secret);
        admin_token_ = DictraProcess::Token("ops@dictra.test", "--scope admin" + secret);
        ASSERT_FALSE(bank_a_token_.empty());
        ASSERT_FALSE(admin_token_.empty());
        client_ = std::make_unique<HttpClient>(process_.Port("dict"));
    }

    ClientResponse SendAs(const std::string& token, const std::string& ispb,
                          const std::string& method, const std::string& target,
                          const std::string& body = {}, Headers extra = {}) {
        if (!token.empty()) extra.emplace_back("Authorization", "Bearer " + token);
        if (!ispb.empty()) extra.emplace_back("X-Participant-ISPB", ispb);
        extra.emplace_back("Content-Type", "application/json");
        auto response = client_->Send(method, target, std::move(extra), body);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : ClientResponse{};
    }
    ClientResponse Admin(const std::string& method, const std::string& target,
                         const std::string& body = {}) {
        return SendAs(admin_token_, "", method, target, body);
    }
    ClientResponse Lookup(const std::string& key, const std::string& payer = "11144477735",
                          const std::string& ispb = kBankA) {
        const std::string& token = ispb == kBankA ? bank_a_token_ : admin_token_;
        return SendAs(token, ispb, "GET", "/api/v2/entries/" + key + "?keyType=CPF", {},
                      {{"PI-PayerId", payer}, {"PI-PayerType", "NATURAL_PERSON"}});
    }
    void CreateCpfKey() {
        ClientResponse response =
            SendAs(bank_a_token_, kBankA, "POST", "/api/v2/entries",
                   R"({"keyType":"CPF","key":"52998224725","ownerType":"NATURAL_PERSON",
                       "ownerTaxId":"52998224725","ownerName":"João Silva","branch":"0001",
                       "accountNumber":"123456","accountType":"CACC"})");
        ASSERT_EQ(response.status, 201) << response.body;
    }
    void ExpectError(const ClientResponse& response, int status, const std::string& code,
                     const std::string& message_part = "") {
        EXPECT_EQ(response.status, status) << response.body;
        auto body = Body(response);
        ASSERT_TRUE(body.contains("code") && body.contains("error")) << response.body;
        EXPECT_EQ(std::string(body.at("code").as_string()), code) << response.body;
        EXPECT_NE(std::string(body.at("error").as_string()).find(message_part), std::string::npos)
            << response.body;
    }

    DictraProcess process_;
    std::string bank_a_token_;
    std::string bank_b_token_;
    std::string admin_token_;
    std::unique_ptr<HttpClient> client_;
};

TEST_F(DictLookupsE2eTest, FoundLookupCarriesEndToEndIdAndRateLimitHeaders) {
    CreateCpfKey();
    ClientResponse response = Lookup(kCpf);
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = Body(response);
    EXPECT_EQ(body.at("key"), kCpf);
    EXPECT_EQ(body.at("ownerType"), "F");
    const std::string end_to_end_id = response.Header("PI-EndToEndId");
    ASSERT_EQ(end_to_end_id.size(), 32u) << end_to_end_id;
    EXPECT_EQ(end_to_end_id.substr(0, 9), std::string("E") + kBankA);
    // The user bucket (99 of 100) is closer to empty than the participant's (9,999 of 10,000).
    EXPECT_EQ(response.Header("X-RateLimit-Limit"), "100");
    EXPECT_EQ(response.Header("X-RateLimit-Remaining"), "99");
    EXPECT_FALSE(response.Header("X-RateLimit-Reset").empty());

    // Not found: 404 in the document's body, the penalty shows in the headers.
    response = Lookup("11144477735");
    ExpectError(response, 404, "NOT_FOUND", "key not found");
    EXPECT_EQ(response.Header("X-RateLimit-Remaining"), "79");
    EXPECT_TRUE(response.Header("PI-EndToEndId").empty());

    // Missing PI-PayerId: 400, still with the participant bucket's headers.
    response = SendAs(bank_a_token_, kBankA, "GET",
                      std::string("/api/v2/entries/") + kCpf + "?keyType=CPF");
    ExpectError(response, 400, "INVALID_REQUEST", "PI-PayerId");
    EXPECT_EQ(response.Header("X-RateLimit-Limit"), "10000");
    response = SendAs(bank_a_token_, kBankA, "GET",
                      std::string("/api/v2/entries/") + kCpf + "?keyType=CPF", {},
                      {{"PI-PayerId", "x"}, {"PI-PayerType", "ROBOT"}});
    ExpectError(response, 400, "INVALID_REQUEST", "PI-PayerType");
    response = SendAs(bank_a_token_, kBankA, "GET", std::string("/api/v2/entries/") + kCpf, {},
                      {{"PI-PayerId", "x"}});
    ExpectError(response, 400, "INVALID_KEY_TYPE");

    auto metrics = client_->Get("/metrics");
    ASSERT_TRUE(metrics.ok());
    EXPECT_NE(metrics->body.find("dict_lookups_total{result=\"found\"} 1"), std::string::npos)
        << metrics->body;
    EXPECT_NE(metrics->body.find("dict_lookups_total{result=\"not_found\"} 1"), std::string::npos);
}

TEST_F(DictLookupsE2eTest, EmptyUserBucketIs429WithRetryAfter) {
    for (int lookup_idx = 0; lookup_idx < 5; ++lookup_idx)
        ASSERT_EQ(Lookup(kCpf).status, 404);  // 5 x 20 = the whole user bucket
    ClientResponse response = Lookup(kCpf);
    ASSERT_EQ(response.status, 429) << response.body;
    auto body = Body(response);
    EXPECT_EQ(body.at("error"), "Rate limit exceeded");
    EXPECT_EQ(body.at("bucket"), "user");
    EXPECT_EQ(body.at("remaining"), 0);
    EXPECT_EQ(body.at("retry_after"), 1200);
    EXPECT_EQ(response.Header("Retry-After"), "1200");
    EXPECT_EQ(response.Header("X-RateLimit-Remaining"), "0");
    // Another payer of the same participant is not affected.
    EXPECT_EQ(Lookup(kCpf, "other-payer").status, 404);
}

TEST_F(DictLookupsE2eTest, UnregisteredParticipantIsCategoryHUntilRegistered) {
    const std::string unregistered = "11111111";
    for (int lookup_idx = 0; lookup_idx < 16; ++lookup_idx) {
        ASSERT_EQ(Lookup(kCpf, "payer" + std::to_string(lookup_idx), unregistered).status, 404);
    }
    ClientResponse response = Lookup(kCpf, "another", unregistered);
    ASSERT_EQ(response.status, 429) << response.body;
    EXPECT_EQ(Body(response).at("bucket"), "participant");
    EXPECT_EQ(response.Header("X-RateLimit-Limit"), "50");

    response = Admin("GET", "/api/v2/admin/institutions/" + unregistered + "/bucket");
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(Body(response).at("current_tokens"), 2);
    EXPECT_EQ(Body(response).at("capacity"), 50);

    // Registered in category G: capacity and refill change at once.
    response = Admin("POST", "/api/v2/admin/institutions",
                     R"({"ispb":"11111111","name":"Test Bank","category":"G"})");
    ASSERT_EQ(response.status, 201) << response.body;
    response = Admin("POST", "/api/v2/admin/institutions/bucket/reset?ispb=" + unregistered);
    EXPECT_EQ(response.status, 204);
    EXPECT_EQ(Lookup(kCpf, "another", unregistered).status, 404);
    response = Admin("GET", "/api/v2/admin/institutions/" + unregistered + "/bucket");
    EXPECT_EQ(Body(response).at("capacity"), 200);
    EXPECT_EQ(Body(response).at("current_tokens"), 197);
}

TEST_F(DictLookupsE2eTest, PaymentReportRefundsTheLookupOnce) {
    CreateCpfKey();
    ClientResponse lookup = Lookup(kCpf);
    ASSERT_EQ(lookup.status, 200);
    const std::string end_to_end_id = lookup.Header("PI-EndToEndId");
    const std::string target = "/api/v2/internal/lookups/" + end_to_end_id + "/payment";
    ExpectError(SendAs(bank_b_token_, kBankB, "POST", target), 403, "FORBIDDEN");
    ClientResponse response = SendAs(bank_a_token_, kBankA, "POST", target);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(Body(response).at("token_refunded"), true);
    EXPECT_EQ(Body(response).at("endToEndId").as_string(), end_to_end_id);
    response = Admin("POST", target);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(Body(response).at("token_refunded"), false);
    // The payer has its token back: the next lookup leaves 99 again.
    EXPECT_EQ(Lookup(kCpf).Header("X-RateLimit-Remaining"), "99");
    ExpectError(Admin("POST", "/api/v2/internal/lookups/E12345678202401011200abcdefghijk/payment"),
                404, "NOT_FOUND", "lookup not found");
    ExpectError(Admin("POST", "/api/v2/internal/lookups/nonsense/payment"), 400, "INVALID_REQUEST");
}

TEST_F(DictLookupsE2eTest, InstitutionsAdmin) {
    // Admin routes need the admin scope.
    ExpectError(SendAs(bank_a_token_, kBankA, "GET", "/api/v2/admin/institutions"), 403,
                "FORBIDDEN");
    ClientResponse response = Admin("GET", "/api/v2/admin/institutions");
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = Body(response);
    EXPECT_EQ(body.at("total_count"), 2);  // the demo institutions
    EXPECT_EQ(body.at("limit"), 20);
    EXPECT_EQ(body.at("offset"), 0);

    response =
        Admin("POST", "/api/v2/admin/institutions", R"({"ispb":"22222222","name":"Test Bank"})");
    ASSERT_EQ(response.status, 201) << response.body;
    body = Body(response);
    EXPECT_EQ(body.at("category"), "H");
    EXPECT_EQ(body.at("status"), "ACTIVE");
    EXPECT_EQ(body.at("bucket_capacity"), 50);
    EXPECT_EQ(body.at("bucket_refill_rate"), 2);
    ExpectError(
        Admin("POST", "/api/v2/admin/institutions", R"({"ispb":"22222222","name":"Test Bank"})"),
        409, "CONFLICT", "institution already exists");
    ExpectError(Admin("POST", "/api/v2/admin/institutions", R"({"ispb":"2222","name":"x"})"), 400,
                "INVALID_REQUEST", "ispb");
    ExpectError(Admin("POST", "/api/v2/admin/institutions",
                      R"({"ispb":"33333333","name":"x","category":"Z"})"),
                400, "INVALID_REQUEST", "category");
    ExpectError(Admin("POST", "/api/v2/admin/institutions", "{"), 400, "INVALID_REQUEST");

    response = Admin("GET", "/api/v2/admin/institutions?category=H&status=ACTIVE");
    EXPECT_EQ(Body(response).at("total_count"), 1);
    ExpectError(Admin("GET", "/api/v2/admin/institutions?limit=0"), 400, "INVALID_REQUEST",
                "limit");
    ExpectError(Admin("GET", "/api/v2/admin/institutions?category=Q"), 400, "INVALID_REQUEST");

    response = Admin("GET", "/api/v2/admin/institutions/22222222");
    ASSERT_EQ(response.status, 200) << response.body;
    body = Body(response);
    EXPECT_EQ(body.at("current_tokens"), 50);
    EXPECT_TRUE(body.at("last_refill").is_string());
    ExpectError(Admin("GET", "/api/v2/admin/institutions/99999999"), 404, "NOT_FOUND",
                "institution not found");

    response = Admin("PUT", "/api/v2/admin/institutions/22222222",
                     R"({"name":"Test Bank Updated","status":"INACTIVE"})");
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(Body(response).at("name"), "Test Bank Updated");
    EXPECT_EQ(Body(response).at("status"), "INACTIVE");
    ExpectError(Admin("PUT", "/api/v2/admin/institutions/22222222", R"({"status":"SLEEPY"})"), 400,
                "INVALID_REQUEST", "status");
    // An inactive institution cannot look keys up.
    ExpectError(Lookup(kCpf, "p", "22222222"), 403, "FORBIDDEN", "INACTIVE");

    response = Admin("PATCH", "/api/v2/admin/institutions/22222222/category",
                     R"({"category":"G","changed_by":"admin@dictra.com"})");
    ASSERT_EQ(response.status, 200) << response.body;
    body = Body(response);
    EXPECT_EQ(body.at("category"), "G");
    EXPECT_EQ(body.at("bucket_capacity"), 200);
    EXPECT_EQ(body.at("bucket_refill_rate"), 100);
    EXPECT_TRUE(body.at("category_changed_at").is_string());
    ExpectError(
        Admin("PATCH", "/api/v2/admin/institutions/22222222/category", R"({"category":"G"})"), 400,
        "INVALID_REQUEST", "changed_by");
    ExpectError(Admin("PATCH", "/api/v2/admin/institutions/99999999/category",
                      R"({"category":"G","changed_by":"x"})"),
                404, "NOT_FOUND");

    response = Admin("GET", "/api/v2/admin/institutions/22222222/bucket");
    ASSERT_EQ(response.status, 200) << response.body;
    body = Body(response);
    EXPECT_EQ(body.at("ispb"), "22222222");
    EXPECT_EQ(body.at("capacity"), 200);
    EXPECT_EQ(body.at("refill_rate"), 100);
    EXPECT_TRUE(body.at("next_refill").is_string());
    ExpectError(Admin("GET", "/api/v2/admin/institutions/99999999/bucket"), 404, "NOT_FOUND",
                "bucket not found");

    EXPECT_EQ(Admin("DELETE", "/api/v2/admin/institutions/22222222").status, 204);
    ExpectError(Admin("DELETE", "/api/v2/admin/institutions/22222222"), 404, "NOT_FOUND");
}

TEST_F(DictLookupsE2eTest, MetricsSummaryAndAlerts) {
    CreateCpfKey();
    ASSERT_EQ(Lookup(kCpf).status, 200);
    ASSERT_EQ(Lookup("11144477735", "scanner").status, 404);
    ClientResponse response =
        Admin("GET", std::string("/api/v2/admin/institutions/") + kBankA + "/metrics");
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = Body(response);
    EXPECT_EQ(body.at("ispb"), kBankA);
    EXPECT_EQ(body.at("queries_24h"), 2);
    EXPECT_EQ(body.at("not_found_24h"), 1);
    EXPECT_EQ(body.at("not_found_ratio"), 0.5);
    EXPECT_EQ(body.at("alert_triggered"), true);
    EXPECT_EQ(body.at("threshold"), 0.07);

    response = Admin("GET", "/api/v2/admin/metrics/summary");
    ASSERT_EQ(response.status, 200) << response.body;
    body = Body(response);
    EXPECT_EQ(body.at("total_institutions"), 2);
    EXPECT_EQ(body.at("total_queries_24h"), 2);
    EXPECT_EQ(body.at("average_not_found_ratio"), 0.5);
    EXPECT_EQ(body.at("active_alerts"), 2);

    response = Admin("GET", "/api/v2/admin/metrics/alerts");
    ASSERT_EQ(response.status, 200) << response.body;
    body = Body(response);
    EXPECT_EQ(body.at("count"), 2);
    auto alerts = body.at("alerts").as_array();
    EXPECT_EQ(alerts[0].at("type"), "PARTICIPANT_THRESHOLD");
    EXPECT_EQ(alerts[0].at("threshold"), 0.07);
    EXPECT_EQ(alerts[1].at("type"), "USER_THRESHOLD");
    EXPECT_EQ(alerts[1].at("payer_id"), "scanner");
    EXPECT_EQ(alerts[1].at("threshold"), 0.2);
    ExpectError(SendAs(bank_a_token_, kBankA, "GET", "/api/v2/admin/metrics/alerts"), 403,
                "FORBIDDEN");
}

TEST_F(DictLookupsE2eTest, BatchKeyCheck) {
    CreateCpfKey();
    ClientResponse response =
        SendAs(bank_a_token_, kBankA, "POST", "/api/v2/keys/check",
               R"({"keys":["52998224725","test@example.com","+5511999999999"]})");
    ASSERT_EQ(response.status, 200) << response.body;
    auto keys = Body(response).at("keys").as_array();
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0].at("key"), kCpf);
    EXPECT_EQ(keys[0].at("hasEntry"), true);
    EXPECT_EQ(keys[1].at("hasEntry"), false);
    EXPECT_EQ(keys[0].as_object().size(), 2u);  // hasEntry only, no owner data

    ExpectError(SendAs(bank_a_token_, kBankA, "POST", "/api/v2/keys/check", R"({"keys":[]})"), 400,
                "INVALID_REQUEST", "Keys array must contain 1-200 elements");
    boost::json::array many;
    for (int key_idx = 0; key_idx < 201; ++key_idx) many.emplace_back("k");
    boost::json::object too_many;
    too_many["keys"] = many;
    ExpectError(SendAs(bank_a_token_, kBankA, "POST", "/api/v2/keys/check",
                       boost::json::serialize(too_many)),
                400, "INVALID_REQUEST", "1-200");
    ExpectError(SendAs(bank_a_token_, kBankA, "POST", "/api/v2/keys/check", R"({"keys":[1]})"), 400,
                "INVALID_REQUEST");
    ExpectError(SendAs(bank_a_token_, kBankA, "POST", "/api/v2/keys/check", R"({})"), 400,
                "INVALID_REQUEST", "keys");
    ExpectError(SendAs(bank_a_token_, kBankB, "POST", "/api/v2/keys/check", R"({"keys":["x"]})"),
                403, "FORBIDDEN");
    // 70 requests a minute (one was made above); the bucket refills meanwhile, so a slow run
    // may get a few more before the refusal.
    int accepted = 1;
    for (; accepted < 100; ++accepted) {
        response = SendAs(bank_a_token_, kBankA, "POST", "/api/v2/keys/check", R"({"keys":["x"]})");
        if (response.status != 200) break;
    }
    EXPECT_GE(accepted, 70);
    EXPECT_LT(accepted, 80);
    ASSERT_EQ(response.status, 429) << response.body;
    EXPECT_EQ(Body(response).at("error"), "Rate limit exceeded. 70 requests/min allowed");
    EXPECT_FALSE(response.Header("Retry-After").empty());
}

TEST_F(DictLookupsE2eTest, RateLimitsAreConfiguration) {
    DictraProcess custom;
    auto started = custom.Start(
        {"--only", "dict", "--dict-rate-limits",
         R"({"payer_natural":{"capacity":3},"not_found_cost_payer":1})", "--dict-institutions", ""},
        {}, 1);
    ASSERT_TRUE(started.ok()) << started.error().message;
    HttpClient client(custom.Port("dict"));
    Headers headers{{"Authorization", "Bearer " + bank_a_token_},
                    {"X-Participant-ISPB", kBankA},
                    {"PI-PayerId", "p"}};
    for (int lookup_idx = 0; lookup_idx < 3; ++lookup_idx)
        EXPECT_EQ(client.Get("/api/v2/entries/52998224725?keyType=CPF", headers)->status, 404);
    auto response = client.Get("/api/v2/entries/52998224725?keyType=CPF", headers);
    EXPECT_EQ(response->status, 429);
    // No demo institutions: the participant is category H.
    auto list =
        client.Get("/api/v2/admin/institutions", {{"Authorization", "Bearer " + admin_token_}});
    EXPECT_EQ(Body(*list).at("total_count"), 0);

    auto refused = DictraProcess::RunCommand({"serve", "--only", "dict", "--dict-rate-limits",
                                              R"({"bogus":1})", "--dict-port", "0", "--db",
                                              "sqlite::memory:", "--jwt-secret", kTestJwtSecret});
    ASSERT_TRUE(refused.ok());
    EXPECT_NE(refused->first, 0);
    EXPECT_NE(refused->second.find("bogus"), std::string::npos) << refused->second;
}

TEST_F(DictLookupsE2eTest, BucketsAreExactUnderConcurrentClients) {
    DictraProcess custom;
    auto started = custom.Start({"--only", "dict", "--dict-rate-limits",
                                 R"({"categories":{"H":{"capacity":50,"refill_per_minute":0}}})",
                                 "--dict-institutions", ""},
                                {}, 1);
    ASSERT_TRUE(started.ok()) << started.error().message;
    {
        HttpClient client(custom.Port("dict"));
        auto created =
            client.Send("POST", "/api/v2/entries",
                        {{"Authorization", "Bearer " + bank_a_token_},
                         {"X-Participant-ISPB", kBankA},
                         {"Content-Type", "application/json"}},
                        R"({"keyType":"CPF","key":"52998224725","ownerType":"NATURAL_PERSON",
                "ownerTaxId":"52998224725","ownerName":"João Silva","branch":"0001",
                "accountNumber":"123456","accountType":"CACC"})");
        ASSERT_TRUE(created.ok());
        ASSERT_EQ(created->status, 201) << created->body;
    }
    std::atomic<int> allowed{0};
    std::atomic<int> limited{0};
    std::atomic<int> other{0};
    std::vector<std::thread> clients;
    for (int client_idx = 0; client_idx < 4; ++client_idx) {
        clients.emplace_back([&, client_idx] {
            HttpClient client(custom.Port("dict"));
            for (int lookup_idx = 0; lookup_idx < 20; ++lookup_idx) {
                auto response = client.Get("/api/v2/entries/52998224725?keyType=CPF",
                                           {{"Authorization", "Bearer " + bank_a_token_},
                                            {"X-Participant-ISPB", kBankA},
                                            {"PI-PayerId", "payer-" + std::to_string(client_idx)}});
                if (!response.ok()) {
                    other.fetch_add(1);
                } else if (response->status == 200) {
                    allowed.fetch_add(1);
                } else if (response->status == 429) {
                    limited.fetch_add(1);
                } else {
                    other.fetch_add(1);
                }
            }
        });
    }
    for (std::thread& thread : clients) thread.join();
    EXPECT_EQ(allowed.load(), 50);  // the participant's 50 tokens, not one more
    EXPECT_EQ(limited.load(), 30);
    EXPECT_EQ(other.load(), 0);
}

}  // namespace
}  // namespace dictra::testing
