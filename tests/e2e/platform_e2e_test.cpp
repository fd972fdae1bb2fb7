// The platform as a client sees it: four listeners, their probes, auth, limits and shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <thread>

#include "core/auth/token.hpp"
#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {
namespace {

boost::json::object ParseBody(const ClientResponse& response) {
    return boost::json::parse(response.body).as_object();
}

class PlatformE2eTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto started = process_.Start();
        ASSERT_TRUE(started.ok()) << started.error().message;
        token_ =
            DictraProcess::Token("ops@dictra.test", "--scope admin --ispb 12345678 --jwt-secret " +
                                                        std::string(kTestJwtSecret));
        ASSERT_FALSE(token_.empty());
    }
    std::vector<std::pair<std::string, std::string>> Bearer(const std::string& token) {
        return {{"Authorization", "Bearer " + token}};
    }
    DictraProcess process_;
    std::string token_;
};

TEST_F(PlatformE2eTest, FourServicesAnswerTheirDocumentedProbes) {
    HttpClient settlement(process_.Port("settlement"));
    auto health = settlement.Get("/health");
    ASSERT_TRUE(health.ok()) << health.error().message;
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, R"({"status":"ok"})");
    EXPECT_EQ(settlement.Get("/ready")->body, R"({"status":"ready","database":"connected"})");

    HttpClient spi(process_.Port("spi"));
    auto spi_health = ParseBody(*spi.Get("/health"));
    EXPECT_EQ(spi_health.at("status"), "healthy");
    EXPECT_TRUE(spi_health.at("uptime").is_string());
    EXPECT_TRUE(spi_health.at("timestamp").as_string().ends_with("Z"));
    auto spi_ready = ParseBody(*spi.Get("/ready"));
    EXPECT_EQ(spi_ready.at("status"), "healthy");
    EXPECT_EQ(spi_ready.at("services").at("database"), "healthy");

    HttpClient dict(process_.Port("dict"));
    EXPECT_EQ(dict.Get("/health")->body, R"({"status":"healthy","service":"dict-service"})");
    EXPECT_EQ(dict.Get("/ready")->body, R"({"status":"ready","service":"dict-service"})");

    HttpClient bacen(process_.Port("bacen"));
    EXPECT_EQ(bacen.Get("/health")->status, 200);
    EXPECT_EQ(bacen.Get("/ready")->status, 200);
}

TEST_F(PlatformE2eTest, OpenApiAndMetricsAreOpen) {
    for (const char* service : {"settlement", "spi", "dict", "bacen"}) {
        HttpClient client(process_.Port(service));
        auto document = client.Get("/openapi.json");
        ASSERT_EQ(document->status, 200) << service;
        auto object = ParseBody(*document);
        EXPECT_EQ(object.at("openapi"), "3.1.0");
        EXPECT_TRUE(object.at("paths").as_object().contains("/health"));
        auto metrics = client.Get("/metrics");
        EXPECT_EQ(metrics->status, 200);
        EXPECT_NE(metrics->body.find("process_resident_memory_bytes"), std::string::npos);
    }
    HttpClient settlement(process_.Port("settlement"));
    // A request refused for want of a token is still counted under the route it asked for.
    EXPECT_EQ(settlement.Get("/whoami")->status, 401);
    auto metrics = settlement.Get("/metrics");
    EXPECT_NE(metrics->body.find("http_requests_total{service=\"settlement\",method=\"GET\",route="
                                 "\"/openapi.json\",status=\"200\"}"),
              std::string::npos);
    EXPECT_NE(metrics->body.find("http_requests_total{service=\"settlement\",method=\"GET\",route="
                                 "\"/whoami\",status=\"401\"}"),
              std::string::npos)
        << metrics->body;
}

TEST_F(PlatformE2eTest, TokenReachesAnAuthenticatedRoute) {
    HttpClient client(process_.Port("settlement"));
    auto response = client.Get("/whoami", Bearer(token_));
    ASSERT_EQ(response->status, 200) << response->body;
    auto body = ParseBody(*response);
    EXPECT_EQ(body.at("sub"), "ops@dictra.test");
    EXPECT_EQ(body.at("ispb"), "12345678");
    EXPECT_EQ(body.at("scopes").as_array().at(0), "admin");
}

TEST_F(PlatformE2eTest, BadTokensAre401InEachServicesShape) {
    // Minted two hours in the past with a one-minute lifetime: expired well beyond the skew.
    FakeClock past(SystemClock().Now() - std::chrono::hours(2));
    auto minter = auth::TokenMinter::ForHs256(kTestJwtSecret, past);
    ASSERT_TRUE(minter.ok());
    const std::string expired = *minter->Mint({.sub = "ops", .ttl = std::chrono::seconds(60)});
    const std::string other_secret =
        DictraProcess::Token("ops", "--jwt-secret another-secret-of-at-least-32-bytes!!");
    // alg none: a header and payload with no signature.
    const std::string none_token = auth::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                                   auth::Base64UrlEncode(R"({"sub":"ops","exp":4102444800})") + ".";
    HttpClient settlement(process_.Port("settlement"));
    auto no_token = settlement.Get("/whoami");
    EXPECT_EQ(no_token->status, 401);
    EXPECT_EQ(ParseBody(*no_token).at("error").at("code"), "UNAUTHORIZED");
    EXPECT_EQ(settlement.Get("/whoami", Bearer(other_secret))->status, 401);
    EXPECT_EQ(settlement.Get("/whoami", Bearer(none_token))->status, 401);
    EXPECT_EQ(settlement.Get("/whoami", Bearer("not.a.jwt"))->status, 401);
    EXPECT_EQ(settlement.Get("/whoami", {{"Authorization", "Basic b3BzOnB3"}})->status, 401);
    EXPECT_EQ(settlement.Get("/whoami", Bearer(expired))->status, 401);

    HttpClient spi(process_.Port("spi"));
    auto spi_denied = ParseBody(*spi.Get("/whoami"));
    EXPECT_EQ(spi_denied.at("error"), "unauthorized");
    EXPECT_TRUE(spi_denied.at("message").is_string());
    HttpClient dict(process_.Port("dict"));
    auto dict_denied = ParseBody(*dict.Get("/whoami"));
    EXPECT_EQ(dict_denied.at("code"), "UNAUTHORIZED");
    EXPECT_TRUE(dict_denied.at("error").is_string());
}

TEST_F(PlatformE2eTest, UnknownApiPathsNeedATokenBeforeTheyAre404) {
    HttpClient client(process_.Port("settlement"));
    EXPECT_EQ(client.Get("/api/v1/nothing-here")->status, 401);
    auto missing = client.Get("/api/v1/nothing-here", Bearer(token_));
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(ParseBody(*missing).at("error").at("code"), "NOT_FOUND");
    auto wrong_method = client.Send("DELETE", "/health");
    EXPECT_EQ(wrong_method->status, 405);
    EXPECT_EQ(wrong_method->Header("Allow"), "GET, HEAD");
}

TEST_F(PlatformE2eTest, AbuseGetsA4xxOrAClosedConnectionAndServiceGoesOn) {
    const std::uint16_t port = process_.Port("dict");
    {
        HttpClient client(port);
        // No POST route exists in the kernel yet; a GET with a body still meets the 1 MiB default.
        auto big = client.Send("GET", "/whoami", Bearer(token_), std::string(2 * 1024 * 1024, 'x'));
        ASSERT_TRUE(big.ok());
        EXPECT_EQ(big->status, 413);
    }
    {
        HttpClient client(port);
        auto huge_header = client.Get("/health", {{"X-Filler", std::string(20 * 1024, 'h')}});
        ASSERT_TRUE(huge_header.ok());
        EXPECT_EQ(huge_header->status, 431);
    }
    {
        HttpClient client(port);
        ASSERT_TRUE(client.WriteRaw("\x16\x03\x01 garbage that is not HTTP\r\n\r\n").ok());
        auto response = client.ReadResponse();
        ASSERT_TRUE(response.ok());
        EXPECT_EQ(response->status, 400);
    }
    std::vector<std::unique_ptr<HttpClient>> crowd;
    for (int connection_idx = 0; connection_idx < 300; ++connection_idx) {
        crowd.push_back(std::make_unique<HttpClient>(port));
        ASSERT_TRUE(crowd.back()->Connect().ok());
        if (connection_idx % 3 == 0) {
            ASSERT_TRUE(crowd.back()->WriteRaw("GET /hea").ok());
        }
    }
    HttpClient client(port);
    EXPECT_EQ(client.Get("/health")->status, 200);
}

TEST_F(PlatformE2eTest, EveryRequestLeavesOneJsonAccessLine) {
    HttpClient client(process_.Port("spi"));
    ASSERT_EQ(client.Get("/health", {{"X-Request-Id", "trace-e2e-1"}})->Header("X-Request-Id"),
              "trace-e2e-1");
    EXPECT_TRUE(process_.WaitForLine("\"request_id\":\"trace-e2e-1\"", std::chrono::seconds(5)));
    for (const std::string& line : process_.Lines()) {
        if (line.find("trace-e2e-1") == std::string::npos) continue;
        auto object = boost::json::parse(line).as_object();
        EXPECT_EQ(object.at("event"), "access");
        EXPECT_EQ(object.at("service"), "spi");
        EXPECT_EQ(object.at("route"), "/health");
        EXPECT_EQ(object.at("status"), 200);
    }
}

TEST_F(PlatformE2eTest, SigtermDrainsAndExitsCleanly) {
    HttpClient client(process_.Port("settlement"));
    EXPECT_EQ(client.Get("/health")->status, 200);
    process_.Signal(SIGTERM);
    EXPECT_EQ(process_.Wait(std::chrono::seconds(20)), 0);
    EXPECT_TRUE(process_.WaitForLine("\"phase\":\"done\"", std::chrono::seconds(1)));
}

TEST(PlatformStartE2eTest, OnlyRunsTheChosenServices) {
    DictraProcess process;
    ASSERT_TRUE(process.Start({"--only", "dict,spi"}, {}, 2).ok());
    EXPECT_NE(process.Port("dict"), 0);
    EXPECT_NE(process.Port("spi"), 0);
    EXPECT_EQ(process.Port("settlement"), 0);
    EXPECT_EQ(process.Port("bacen"), 0);
}

TEST(PlatformStartE2eTest, EnvironmentConfiguresPorts) {
    DictraProcess process;
    ASSERT_TRUE(process.Start({"--only", "settlement"}, {"DICTRA_SETTLEMENT_PORT=0"}, 1).ok());
    EXPECT_NE(process.Port("settlement"), 0);
}

TEST(PlatformStartE2eTest, BadConfigurationEndsWithOneClearLine) {
    auto bad_only = DictraProcess::RunCommand({"serve", "--only", "nope"});
    ASSERT_TRUE(bad_only.ok());
    EXPECT_EQ(bad_only->first, 1);
    EXPECT_NE(bad_only->second.find("unknown service 'nope'"), std::string::npos);
    auto bad_db = DictraProcess::RunCommand({"serve", "--db", "mysql://x"});
    EXPECT_EQ(bad_db->first, 1);
    auto short_secret = DictraProcess::RunCommand({"token", "--sub", "x", "--jwt-secret", "short"});
    EXPECT_EQ(short_secret->first, 1);
}

TEST(PlatformStartE2eTest, Rs256PinnedByPublicKey) {
    DictraProcess process;
    auto dir = process.temp_dir();
    ASSERT_EQ(std::system(("openssl genrsa -out " + (dir / "key.pem").string() +
                           " 2048 2>/dev/null && openssl rsa -in " + (dir / "key.pem").string() +
                           " -pubout -out " + (dir / "pub.pem").string() + " 2>/dev/null")
                              .c_str()),
              0);
    ASSERT_TRUE(
        process
            .Start({"--only", "settlement", "--jwt-public-key", (dir / "pub.pem").string()}, {}, 1)
            .ok());
    auto rs256 = DictraProcess::RunCommand(
        {"token", "--sub", "svc", "--private-key", (dir / "key.pem").string()});
    ASSERT_EQ(rs256->first, 0) << rs256->second;
    std::string token = rs256->second.substr(0, rs256->second.find('\n'));
    HttpClient client(process.Port("settlement"));
    EXPECT_EQ(client.Get("/whoami", {{"Authorization", "Bearer " + token}})->status, 200);
    // An HS256 token is refused once RS256 is pinned, whatever its secret.
    std::string hs256 = DictraProcess::Token("svc", "--jwt-secret " + std::string(kTestJwtSecret));
    EXPECT_EQ(client.Get("/whoami", {{"Authorization", "Bearer " + hs256}})->status, 401);
}

}  // namespace
}  // namespace dictra::testing
