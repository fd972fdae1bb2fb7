// The SPI's outbound HTTP client against a real local server (core/http on port 0): keep-alive
// reuse, reconnecting after the server closed an idle connection, timeouts, refused connections
// and bad URLs, all as values (no exception escapes).
#include "spi/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "core/http/server.hpp"

namespace dictra::spi {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
    void SetUp() override {
        http::Router router;
        router.Add(
            http::Method::kGet, "/hello",
            [](http::Request& request) -> Result<http::Response> {
                http::Response response = http::JsonText(http::Status::kOk, R"({"hello":"world"})");
                response.headers.Set("X-Seen-Auth",
                                     std::string(request.Header("Authorization").value_or("")));
                return response;
            },
            http::RouteOptions{.is_public = true});
        router.Add(
            http::Method::kPost, "/echo",
            [](http::Request& request) -> Result<http::Response> {
                return http::Text(http::Status::kCreated, "application/xml", request.body);
            },
            http::RouteOptions{.is_public = true});
        router.Add(
            http::Method::kGet, "/slow",
            [](http::Request&) -> Result<http::Response> {
                std::this_thread::sleep_for(std::chrono::milliseconds(600));
                return http::JsonText(http::Status::kOk, "{}");
            },
            http::RouteOptions{.is_public = true});
        http::ServerHooks hooks;
        hooks.format_error = [](http::Status status, const Error& error, std::string_view) {
            return http::JsonText(status, "{\"message\":\"" + error.message + "\"}");
        };
        hooks.authenticate =
            [](const http::Request&) -> Result<std::shared_ptr<const auth::Principal>> {
            return Error::Unauthenticated("no");
        };
        http::ServerOptions options;
        options.service = "test";
        options.header_timeout = std::chrono::milliseconds(300);
        runtime_ = std::make_unique<http::Runtime>(
            http::RuntimeOptions{.io_threads = 1, .worker_threads = 2});
        server_ = std::make_unique<http::Server>(*runtime_, options, std::move(router), hooks);
        auto port = server_->Listen();
        ASSERT_TRUE(port.ok()) << port.error().message;
        port_ = *port;
        runtime_->Start();
    }
    void TearDown() override {
        if (server_) server_->BeginShutdown();
        if (runtime_) runtime_->Stop();
    }
    HttpEndpoint Endpoint() const { return HttpEndpoint{"127.0.0.1", port_, ""}; }

    std::unique_ptr<http::Runtime> runtime_;
    std::unique_ptr<http::Server> server_;
    std::uint16_t port_ = 0;
};

TEST_F(HttpClientTest, ReusesTheConnectionForConsecutiveRequests) {
    HttpClient client(Endpoint());
    for (int request_idx = 0; request_idx < 5; ++request_idx) {
        auto response = client.Send("GET", "/hello", {{"Authorization", "Bearer abc"}});
        ASSERT_TRUE(response.ok()) << response.error().message;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->body, R"({"hello":"world"})");
        EXPECT_EQ(response->Header("x-seen-auth"), "Bearer abc");
        EXPECT_EQ(response->Header("content-type"), "application/json");
    }
    EXPECT_EQ(client.reused_connections(), 4u);
}

TEST_F(HttpClientTest, PostsABodyAndReadsTheAnswer) {
    HttpClient client(Endpoint());
    const std::string xml = "<Envelope>" + std::string(100'000, 'x') + "</Envelope>";
    auto response = client.Send("POST", "/echo", {{"Content-Type", "application/xml"}}, xml);
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 201);
    EXPECT_EQ(response->body, xml);
}

TEST_F(HttpClientTest, ReconnectsWhenTheServerClosedTheIdleConnection) {
    HttpClient client(Endpoint());
    ASSERT_TRUE(client.Send("GET", "/hello").ok());
    // Longer than the server's idle timeout: it closes the kept connection.
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    auto response = client.Send("GET", "/hello");
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 200);
}

TEST_F(HttpClientTest, ErrorStatusesAreAnswersNotErrors) {
    HttpClient client(Endpoint());
    auto response = client.Send("GET", "/nowhere");
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 404);
}

TEST_F(HttpClientTest, TimesOutAsUnavailableAndRecovers) {
    HttpClient client(Endpoint());
    auto response = client.Send("GET", "/slow", {}, {}, std::chrono::milliseconds(150));
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
    auto after = client.Send("GET", "/hello");
    ASSERT_TRUE(after.ok()) << after.error().message;
    EXPECT_EQ(after->status, 200);
}

TEST_F(HttpClientTest, AbortFromAnotherThreadEndsAWaitingRequest) {
    HttpClient client(Endpoint());
    ASSERT_TRUE(client.Send("GET", "/hello").ok());  // connected
    std::thread aborter([&client] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        client.Abort();
    });
    const auto started = std::chrono::steady_clock::now();
    auto response = client.Send("GET", "/slow", {}, {}, std::chrono::seconds(10));
    aborter.join();
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(550));
}

TEST_F(HttpClientTest, RefusedConnectionIsUnavailable) {
    const std::uint16_t port = port_;
    server_->BeginShutdown();
    runtime_->Stop();
    server_.reset();
    HttpClient client(HttpEndpoint{"127.0.0.1", port, ""},
                      HttpClientOptions{.connect_timeout = std::chrono::milliseconds(300)});
    auto response = client.Send("GET", "/hello");
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpClientTest, UnknownMethodIsInvalidArgument) {
    HttpClient client(Endpoint());
    auto response = client.Send("FETCH ME", "/hello");
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().code, ErrorCode::kInvalidArgument);
}

TEST(ParseHttpUrlTest, AcceptsHostPortAndBasePath) {
    auto endpoint = ParseHttpUrl("http://127.0.0.1:8090");
    ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
    EXPECT_EQ(endpoint->host, "127.0.0.1");
    EXPECT_EQ(endpoint->port, 8090);
    EXPECT_EQ(endpoint->base_path, "");
    auto with_path = ParseHttpUrl("http://bacen.local/icom/");
    ASSERT_TRUE(with_path.ok());
    EXPECT_EQ(with_path->port, 80);
    EXPECT_EQ(with_path->base_path, "/icom");
}

TEST(ParseHttpUrlTest, RefusesWhatItCannotReach) {
    for (const char* bad : {"", "bacen:8090", "https://bacen.local", "http://", "http://h:0",
                            "http://h:70000", "http://h:1/x?y=1", "http://u@h:1", "ftp://h"}) {
        EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
    }
}

}  // namespace
}  // namespace dictra::spi
