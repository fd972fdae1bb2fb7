// The SPI service against the real binary: payments created over HTTP settle through the
// built-in BACEN simulator over the ICOM paths (ACCC, RJCT AM04), history and raw messages,
// list and get, echo, /ready, bad input with the documented error body, and a BACEN outage
// (SPI and BACEN in separate processes; BACEN killed and restarted) that the payment survives.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

boost::json::object PaymentBody(std::int64_t amount = 10'000) {
    boost::json::object body = boost::json::parse(R"({
      "local_instrument": "MANU", "priority_type": "PAGPRI", "priority_id": 1,
      "purpose": "IPAY", "amount": 0, "currency": "BRL",
      "debtor": {"ispb": "12345678", "name": "João Silva", "document": "12345678901",
                 "account_no": "00001234567", "account_type": "CACC", "branch": "0001"},
      "creditor": {"ispb": "87654321", "name": "Maria Oliveira", "document": "98765432100",
                   "account_no": "00009876543", "account_type": "CACC", "branch": "0002"},
      "description": "Payment for services", "origin_system": 1})")
                                   .as_object();
    body["amount"] = amount;
    return body;
}

class SpiClient {
 public:
    SpiClient(std::uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}

    ClientResponse Call(const std::string& method, const std::string& target,
                        const std::string& body = {}) {
        Headers headers;
        if (!token_.empty()) headers.emplace_back("Authorization", "Bearer " + token_);
        if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
        HttpClient client(port_);
        auto response = client.Send(method, target, std::move(headers), body);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : ClientResponse{};
    }
    boost::json::object Json(const ClientResponse& response) {
        boost::system::error_code ec;
        auto value = boost::json::parse(response.body, ec);
        EXPECT_FALSE(ec) << response.body;
        return (!ec && value.is_object()) ? value.as_object() : boost::json::object{};
    }
    // Polls GET /api/v1/payments/{id} until its status is final or `timeout` passes.
    boost::json::object WaitFinal(std::int64_t id,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        boost::json::object payment;
        while (std::chrono::steady_clock::now() < deadline) {
            payment = Json(Call("GET", "/api/v1/payments/" + std::to_string(id)));
            const auto status = payment["status"].as_string();
            if (status == "ACCC" || status == "RJCT") return payment;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return payment;
    }

 private:
    std::uint16_t port_;
    std::string token_;
};

std::string Secret() {
    return " --jwt-secret " + std::string(kTestJwtSecret);
}

class SpiPaymentsE2eTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto started = process_.Start(
            {"--bacen-long-poll-ms", "500", "--bacen-participants", "12345678:100000,87654321:0"});
        ASSERT_TRUE(started.ok()) << started.error().message;
        operator_token_ = DictraProcess::Token("operator@bank.com", Secret());
        admin_token_ = DictraProcess::Token("operator@bank.com", "--scope admin" + Secret());
        psp_token_ = DictraProcess::Token("psp-a", "--ispb 12345678" + Secret());
        ASSERT_FALSE(operator_token_.empty());
    }
    SpiClient Spi(const std::string& token) { return SpiClient(process_.Port("spi"), token); }
    std::int64_t Balance(const std::string& ispb) {
        HttpClient client(process_.Port("bacen"));
        auto response = client.Get("/api/v1/admin/accounts/" + ispb,
                                   {{"Authorization", "Bearer " + admin_token_}});
        if (!response.ok()) return -1;
        return boost::json::parse(response->body).at("balance_centavos").as_int64();
    }

    DictraProcess process_;
    std::string operator_token_;
    std::string admin_token_;
    std::string psp_token_;
};

TEST_F(SpiPaymentsE2eTest, PaymentSettlesThroughBacenWithHistoryAndMessages) {
    SpiClient spi = Spi(psp_token_);
    ClientResponse created =
        spi.Call("POST", "/api/v1/payments", boost::json::serialize(PaymentBody()));
    ASSERT_EQ(created.status, 201) << created.body;
    boost::json::object payment = spi.Json(created);
    const std::int64_t id = payment["id"].as_int64();
    const std::string end_to_end_id(payment["end_to_end_id"].as_string());
    EXPECT_TRUE(IsEndToEndId(end_to_end_id));
    EXPECT_TRUE(IsMessageId(payment["message_id"].as_string()));
    EXPECT_EQ(payment["amount"].as_int64(), 10'000);
    EXPECT_EQ(payment["token_refunded"].as_bool(), false);
    EXPECT_EQ(payment["debtor"].as_object()["branch"].as_string(), "0001");

    boost::json::object settled = spi.WaitFinal(id);
    EXPECT_EQ(settled["status"].as_string(), "ACCC") << boost::json::serialize(settled);
    EXPECT_EQ(settled["reason_code"].as_string(), "ACCC");
    EXPECT_TRUE(settled.contains("acceptance_datetime"));
    EXPECT_EQ(Balance("12345678"), 90'000);
    EXPECT_EQ(Balance("87654321"), 10'000);

    // By EndToEndId too.
    ClientResponse by_e2e = spi.Call("GET", "/api/v1/payments/" + end_to_end_id);
    ASSERT_EQ(by_e2e.status, 200);
    EXPECT_EQ(spi.Json(by_e2e)["id"].as_int64(), id);

    boost::json::object history =
        spi.Json(spi.Call("GET", "/api/v1/payments/" + std::to_string(id) + "/history"));
    EXPECT_EQ(history["payment_id"].as_int64(), id);
    EXPECT_EQ(history["end_to_end_id"].as_string(), end_to_end_id);
    std::vector<std::string> statuses;
    for (const auto& entry : history["history"].as_array()) {
        statuses.emplace_back(entry.as_object().at("status").as_string());
    }
    EXPECT_EQ(statuses, (std::vector<std::string>{"ENTRY_RECEIVED", "VALIDATED", "PENDING_BACEN",
                                                  "SENT_TO_BACEN", "ACCC"}));

    // Raw messages: operators only.
    EXPECT_EQ(spi.Call("GET", "/api/v1/payments/" + std::to_string(id) + "/messages").status, 403);
    SpiClient op = Spi(operator_token_);
    boost::json::object messages =
        op.Json(op.Call("GET", "/api/v1/payments/" + std::to_string(id) + "/messages"));
    const auto& list = messages["messages"].as_array();
    ASSERT_EQ(list.size(), 2u) << boost::json::serialize(messages);
    EXPECT_EQ(list[0].as_object().at("message_type").as_string(), "pacs.008");
    EXPECT_EQ(list[0].as_object().at("direction").as_string(), "SENT");
    EXPECT_NE(std::string(list[0].as_object().at("xml").as_string()).find(end_to_end_id),
              std::string::npos);
    EXPECT_EQ(list[1].as_object().at("message_type").as_string(), "pacs.002");
    EXPECT_EQ(list[1].as_object().at("direction").as_string(), "RECEIVED");

    // The payee's side: the incoming credit is recorded for 87654321 only when we serve it; we
    // serve 12345678, so the list holds just our outgoing payment.
    boost::json::object page = op.Json(op.Call("GET", "/api/v1/payments?status=ACCC"));
    EXPECT_EQ(page["total"].as_int64(), 1);
}

// Payments created at once go to BACEN several to a multipart POST and come back on several
// streams; each settles exactly once, with one row per status step.
TEST_F(SpiPaymentsE2eTest, BurstOfPaymentsSettlesEachExactlyOnce) {
    constexpr int kThreads = 6;
    constexpr int kPaymentsPerThread = 5;
    constexpr std::int64_t kAmount = 3'000;
    std::vector<std::vector<std::int64_t>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&, thread_idx] {
            SpiClient spi = Spi(psp_token_);
            for (int payment_idx = 0; payment_idx < kPaymentsPerThread; ++payment_idx) {
                ClientResponse created = spi.Call("POST", "/api/v1/payments",
                                                  boost::json::serialize(PaymentBody(kAmount)));
                EXPECT_EQ(created.status, 201) << created.body;
                if (created.status == 201) {
                    ids[thread_idx].push_back(spi.Json(created)["id"].as_int64());
                }
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    SpiClient spi = Spi(operator_token_);
    int settled = 0;
    for (const auto& thread_ids : ids) {
        for (std::int64_t id : thread_ids) {
            boost::json::object payment = spi.WaitFinal(id);
            EXPECT_EQ(payment["status"].as_string(), "ACCC") << boost::json::serialize(payment);
            settled += payment["status"].as_string() == "ACCC" ? 1 : 0;
            boost::json::object history =
                spi.Json(spi.Call("GET", "/api/v1/payments/" + std::to_string(id) + "/history"));
            std::vector<std::string> statuses;
            for (const auto& entry : history["history"].as_array()) {
                statuses.emplace_back(entry.as_object().at("status").as_string());
            }
            EXPECT_EQ(statuses,
                      (std::vector<std::string>{"ENTRY_RECEIVED", "VALIDATED", "PENDING_BACEN",
                                                "SENT_TO_BACEN", "ACCC"}));
        }
    }
    EXPECT_EQ(settled, kThreads * kPaymentsPerThread);
    EXPECT_EQ(Balance("87654321"), kThreads * kPaymentsPerThread * kAmount);
    EXPECT_EQ(Balance("12345678"), 100'000 - kThreads * kPaymentsPerThread * kAmount);
}

TEST_F(SpiPaymentsE2eTest, AmountOverTheReserveIsRjctAm04) {
    SpiClient spi = Spi(psp_token_);
    ClientResponse created =
        spi.Call("POST", "/api/v1/payments", boost::json::serialize(PaymentBody(100'001)));
    ASSERT_EQ(created.status, 201) << created.body;
    boost::json::object rejected = spi.WaitFinal(spi.Json(created)["id"].as_int64());
    EXPECT_EQ(rejected["status"].as_string(), "RJCT");
    EXPECT_EQ(rejected["reason_code"].as_string(), "AM04");
    EXPECT_EQ(Balance("12345678"), 100'000);
}

TEST_F(SpiPaymentsE2eTest, ListFiltersAndPages) {
    SpiClient spi = Spi(operator_token_);
    for (int payment_idx = 0; payment_idx < 3; ++payment_idx) {
        ASSERT_EQ(
            spi.Call("POST", "/api/v1/payments", boost::json::serialize(PaymentBody(100))).status,
            201);
    }
    boost::json::object page = spi.Json(spi.Call("GET", "/api/v1/payments?limit=2&offset=1"));
    EXPECT_EQ(page["total"].as_int64(), 3);
    EXPECT_EQ(page["limit"].as_int64(), 2);
    EXPECT_EQ(page["offset"].as_int64(), 1);
    EXPECT_EQ(page["payments"].as_array().size(), 2u);
    boost::json::object defaults = spi.Json(spi.Call("GET", "/api/v1/payments"));
    EXPECT_EQ(defaults["limit"].as_int64(), 50);
    ClientResponse bad_status = spi.Call("GET", "/api/v1/payments?status=DONE");
    EXPECT_EQ(bad_status.status, 400);
    EXPECT_EQ(spi.Json(bad_status)["error"].as_string(), "validation_failed");
    EXPECT_EQ(spi.Call("GET", "/api/v1/payments?limit=abc").status, 400);
    EXPECT_EQ(spi.Call("GET", "/api/v1/payments?limit=0").status, 400);
}

TEST_F(SpiPaymentsE2eTest, BadInputGetsTheDocumentedErrorBody) {
    SpiClient spi = Spi(psp_token_);
    auto expect_invalid = [&](const std::string& body, const std::string& message) {
        ClientResponse response = spi.Call("POST", "/api/v1/payments", body);
        EXPECT_EQ(response.status, 400) << body << " -> " << response.body;
        boost::json::object error = spi.Json(response);
        EXPECT_EQ(error["error"].as_string(), "validation_failed") << response.body;
        if (!message.empty()) {
            EXPECT_EQ(error["message"].as_string(), message) << response.body;
        }
    };
    boost::json::object dict = PaymentBody();
    dict["local_instrument"] = "DICT";
    dict["dict_end_to_end_id"] =
        NewEndToEndId(Ispb::Parse("12345678").value(), SystemClock().Now());
    expect_invalid(boost::json::serialize(dict), "DICT payments require PIX key (CreditorProxy)");
    boost::json::object qrdn = PaymentBody();
    qrdn["local_instrument"] = "QRDN";
    qrdn["creditor"].as_object()["proxy"] = "maria@example.com";
    qrdn["tx_id"] = "short";
    expect_invalid(boost::json::serialize(qrdn),
                   "QRDN payments require a tx_id of 26 to 35 characters");
    boost::json::object long_description = PaymentBody();
    long_description["description"] = std::string(141, 'x');
    expect_invalid(boost::json::serialize(long_description),
                   "description must be at most 140 characters");
    boost::json::object missing = PaymentBody();
    missing.erase("origin_system");
    expect_invalid(boost::json::serialize(missing), "");
    boost::json::object fraction = PaymentBody();
    fraction["amount"] = 10.5;
    expect_invalid(boost::json::serialize(fraction), "");
    expect_invalid("{not json", "");
    expect_invalid("[]", "");

    ClientResponse missing_payment = spi.Call("GET", "/api/v1/payments/424242");
    EXPECT_EQ(missing_payment.status, 404);
    EXPECT_EQ(spi.Json(missing_payment)["error"].as_string(), "not_found");
    EXPECT_EQ(spi.Json(missing_payment)["message"].as_string(), "Payment not found");
    EXPECT_EQ(spi.Call("GET", "/api/v1/payments/424242/history").status, 404);

    SpiClient anonymous = Spi("");
    EXPECT_EQ(anonymous.Call("GET", "/api/v1/payments").status, 401);
    // Another participant's token cannot pay from 12345678.
    SpiClient other = Spi(DictraProcess::Token("psp-b", "--ispb 87654321" + Secret()));
    EXPECT_EQ(other.Call("POST", "/api/v1/payments", boost::json::serialize(PaymentBody())).status,
              403);
}

TEST_F(SpiPaymentsE2eTest, EchoAndReadiness) {
    SpiClient spi = Spi(psp_token_);
    ClientResponse echo = spi.Call("POST", "/api/v1/echo", R"({"ispb":"12345678"})");
    ASSERT_EQ(echo.status, 200) << echo.body;
    boost::json::object body = spi.Json(echo);
    EXPECT_EQ(body["status"].as_string(), "success");
    EXPECT_EQ(body["ispb"].as_string(), "12345678");
    EXPECT_TRUE(IsMessageId(body["message_id"].as_string()));
    EXPECT_FALSE(body["resource_id"].as_string().empty());
    EXPECT_GE(body["latency_ms"].as_int64(), 0);
    EXPECT_TRUE(body.contains("timestamp"));
    EXPECT_EQ(spi.Call("POST", "/api/v1/echo", R"({"ispb":"1234"})").status, 400);
    EXPECT_EQ(spi.Call("POST", "/api/v1/echo", R"({"ispb":"87654321"})").status, 400);
    EXPECT_EQ(spi.Call("POST", "/api/v1/echo", R"({})").status, 400);

    ClientResponse ready = Spi("").Call("GET", "/ready");
    EXPECT_EQ(ready.status, 200) << ready.body;
    boost::json::object services = spi.Json(ready)["services"].as_object();
    EXPECT_EQ(services["database"].as_string(), "healthy");
    EXPECT_EQ(services["bacen"].as_string(), "healthy");
    EXPECT_EQ(services["nats"].as_string(), "healthy");
}

TEST(SpiConfigE2eTest, BadSpiFlagsEndWithOneClearLine) {
    auto bad_ispb = DictraProcess::RunCommand(
        {"serve", "--only", "spi", "--db", "sqlite::memory:", "--spi-ispb", "12"});
    ASSERT_TRUE(bad_ispb.ok());
    EXPECT_EQ(bad_ispb->first, 1);
    EXPECT_NE(bad_ispb->second.find("--spi-ispb must be 8 digits"), std::string::npos);
    auto bad_url = DictraProcess::RunCommand(
        {"serve", "--only", "spi", "--db", "sqlite::memory:", "--bacen-url", "https://bacen"});
    ASSERT_TRUE(bad_url.ok());
    EXPECT_EQ(bad_url->first, 1);
    EXPECT_NE(bad_url->second.find("only http:// URLs are supported"), std::string::npos);
}

// SPI and BACEN in two processes: BACEN dies, a payment waits, /ready and echo say so, BACEN
// comes back on the same port and database, and the payment settles exactly once.
TEST(SpiOutageE2eTest, PaymentWaitsForBacenAndSettlesOnce) {
    DictraProcess bacen;
    ASSERT_TRUE(bacen
                    .Start({"--only", "bacen", "--bacen-long-poll-ms", "300",
                            "--bacen-participants", "12345678:100000,87654321:0"},
                           {}, 1)
                    .ok());
    const std::uint16_t bacen_port = bacen.Port("bacen");
    const std::string bacen_db = "sqlite:" + (bacen.temp_dir() / "dictra.db").string();
    DictraProcess spi_process;
    ASSERT_TRUE(spi_process
                    .Start({"--only", "spi", "--bacen-url",
                            "http://127.0.0.1:" + std::to_string(bacen_port)},
                           {}, 1)
                    .ok());
    SpiClient spi(spi_process.Port("spi"), DictraProcess::Token("operator@bank.com", Secret()));
    EXPECT_EQ(spi.Call("GET", "/ready").status, 200);

    bacen.Signal(SIGKILL);
    bacen.Wait(std::chrono::seconds(5));

    ClientResponse ready = spi.Call("GET", "/ready");
    EXPECT_EQ(ready.status, 503);
    EXPECT_EQ(spi.Json(ready)["services"].as_object()["bacen"].as_string(), "unhealthy");
    ClientResponse echo = spi.Call("POST", "/api/v1/echo", R"({"ispb":"12345678"})");
    EXPECT_EQ(echo.status, 503);
    EXPECT_EQ(spi.Json(echo)["status"].as_string(), "failed");
    EXPECT_EQ(spi.Json(echo)["error"].as_string(), "BACEN service unavailable");

    ClientResponse created =
        spi.Call("POST", "/api/v1/payments", boost::json::serialize(PaymentBody()));
    ASSERT_EQ(created.status, 201) << created.body;
    const std::int64_t id = spi.Json(created)["id"].as_int64();
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    EXPECT_EQ(
        spi.Json(spi.Call("GET", "/api/v1/payments/" + std::to_string(id)))["status"].as_string(),
        "PENDING_BACEN");

    DictraProcess bacen_again;
    ASSERT_TRUE(bacen_again
                    .Start({"--only", "bacen", "--bacen-long-poll-ms", "300", "--bacen-port",
                            std::to_string(bacen_port), "--db", bacen_db},
                           {}, 1)
                    .ok());
    boost::json::object settled = spi.WaitFinal(id, std::chrono::seconds(30));
    EXPECT_EQ(settled["status"].as_string(), "ACCC") << boost::json::serialize(settled);
    HttpClient admin(bacen_port);
    auto account = admin.Get(
        "/api/v1/admin/accounts/87654321",
        {{"Authorization",
          "Bearer " + DictraProcess::Token("operator@bank.com", "--scope admin" + Secret())}});
    ASSERT_TRUE(account.ok());
    EXPECT_EQ(boost::json::parse(account->body).at("balance_centavos").as_int64(), 10'000);
}

}  // namespace
}  // namespace dictra::testing
