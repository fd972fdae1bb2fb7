#include "core/http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"

namespace dictra::http {
namespace {

using dictra::testing::HttpClient;

Response RenderError(Status status, const Error& error, std::string_view) {
    return JsonText(status, "{\"code\":\"" + std::string(ToString(error.code)) +
                                "\",\"message\":\"" + error.message + "\"}");
}

class ServerTest : public ::testing::Test {
 protected:
    void SetUp() override {
        Router router;
        router.Add(
            Method::kGet, "/hello",
            [](Request&) -> Result<Response> {
                return JsonText(Status::kOk, R"({"hello":"world"})");
            },
            RouteOptions{.execution = Execution::kInline});
        router.Add(Method::kPost, "/echo", [](Request& request) -> Result<Response> {
            return Text(Status::kOk, "application/octet-stream", request.body);
        });
        router.Add(Method::kGet, "/items/{id}", [](Request& request) -> Result<Response> {
            if (request.PathParam("id") == "missing") return Error::NotFound("item missing");
            std::string query(request.QueryParam("q").value_or(""));
            return Text(Status::kOk, "text/plain",
                        std::string(request.PathParam("id")) + "|" + query);
        });
        router.Add(
            Method::kPost, "/small",
            [](Request&) -> Result<Response> { return Empty(Status::kNoContent); },
            RouteOptions{.body_bytes_max = 16});
        router.Add(
            Method::kPost, "/small-upload",
            [](Request&) -> Result<Response> { return Empty(Status::kNoContent); },
            RouteOptions{.body_bytes_max = 16,
                         .stream_body_to_disk = true,
                         .body_too_large_error = Error{ErrorCode::kPayloadTooLarge,
                                                       "file exceeds maximum size of 16 bytes",
                                                       {},
                                                       "FILE_TOO_LARGE"}});
        router.Add(
            Method::kPost, "/upload",
            [this](Request& request) -> Result<Response> {
                upload_path_ = request.body_file;
                std::ifstream file(request.body_file, std::ios::binary);
                std::string content((std::istreambuf_iterator<char>(file)), {});
                bool all_x = content.find_first_not_of('x') == std::string::npos;
                return Text(Status::kOk, "text/plain",
                            std::to_string(content.size()) + (all_x ? ":ok" : ":bad"));
            },
            RouteOptions{.body_bytes_max = 8 * 1024 * 1024, .stream_body_to_disk = true});
        // Answers from another thread after a while, like a handler waiting for a commit.
        router.AddAsync(
            Method::kGet, "/later/{word}",
            [](Request& request, Responder respond) {
                std::string word(request.PathParam("word"));
                std::thread([word, respond] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    if (word == "missing") return respond(Error::NotFound("no such word"));
                    respond(Text(Status::kOk, "text/plain", "later:" + word));
                }).detach();
            },
            RouteOptions{.execution = Execution::kInline});
        router.AddAsync(Method::kGet, "/later-boom", [](Request&, Responder) {
            throw std::runtime_error("SELECT secret FROM internals");
        });
        router.Add(Method::kGet, "/boom", [](Request&) -> Result<Response> {
            throw std::runtime_error("SELECT secret FROM internals");
        });
        // A blocking handler on the worker pool (the default execution), noting its thread.
        router.Add(Method::kGet, "/worker-sleep", [this](Request&) -> Result<Response> {
            {
                std::lock_guard lock(worker_threads_mutex_);
                worker_threads_.insert(std::this_thread::get_id());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            return JsonText(Status::kOk, "{}");
        });
        router.Add(Method::kGet, "/slow", [](Request&) -> Result<Response> {
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
            return JsonText(Status::kOk, R"({"slow":true})");
        });
        router.Add(Method::kGet, "/private", [](Request&) -> Result<Response> {
            return JsonText(Status::kOk, R"({"private":true})");
        });
        router.Add(
            Method::kGet, "/open",
            [](Request&) -> Result<Response> { return JsonText(Status::kOk, "{}"); },
            RouteOptions{.is_public = true});

        ServerHooks hooks;
        hooks.format_error = RenderError;
        hooks.authenticate =
            [](const Request& request) -> Result<std::shared_ptr<const auth::Principal>> {
            // Stand-in verification for the transport tests: only the path matters here; the real
            // verifier has its own tests.
            if (request.Header("Authorization") == "Bearer good")
                return std::shared_ptr<const auth::Principal>();
            return Error::Unauthenticated("missing or bad bearer token");
        };
        hooks.on_exchange = [this](const Exchange& exchange) {
            exchanges_.fetch_add(1);
            last_status_.store(exchange.status);
        };
        ServerOptions options;
        options.service = "test";
        options.header_timeout = std::chrono::milliseconds(500);
        options.body_timeout = std::chrono::milliseconds(500);
        options.upload_idle_timeout = std::chrono::milliseconds(500);
        runtime_ = std::make_unique<Runtime>(RuntimeOptions{.io_threads = 2, .worker_threads = 4});
        server_ = std::make_unique<Server>(*runtime_, options, std::move(router), hooks);
        auto port = server_->Listen();
        ASSERT_TRUE(port.ok()) << port.error().message;
        port_ = *port;
        runtime_->Start();
    }
    void TearDown() override {
        server_->BeginShutdown();
        server_->WaitIdle(std::chrono::seconds(5));
        runtime_->Stop();
    }

    std::vector<std::pair<std::string, std::string>> Auth() {
        return {{"Authorization", "Bearer good"}};
    }

    std::unique_ptr<Runtime> runtime_;
    std::unique_ptr<Server> server_;
    std::uint16_t port_ = 0;
    std::atomic<int> exchanges_{0};
    std::atomic<int> last_status_{0};
    std::filesystem::path upload_path_;
    std::mutex worker_threads_mutex_;
    std::set<std::thread::id> worker_threads_;
};

TEST_F(ServerTest, ServesJsonAndKeepsTheConnectionAlive) {
    HttpClient client(port_);
    for (int request_idx = 0; request_idx < 3; ++request_idx) {
        auto response = client.Get("/hello", Auth());
        ASSERT_TRUE(response.ok()) << response.error().message;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->body, R"({"hello":"world"})");
        EXPECT_EQ(response->Header("Content-Type"), "application/json");
        EXPECT_TRUE(response->keep_alive);
    }
}

TEST_F(ServerTest, GeneratesOrEchoesTheRequestId) {
    HttpClient client(port_);
    auto generated = client.Get("/hello", Auth());
    ASSERT_TRUE(generated.ok());
    EXPECT_EQ(generated->Header("X-Request-Id").size(), 32u);
    auto echoed =
        client.Get("/hello", {{"Authorization", "Bearer good"}, {"X-Request-Id", "abc-123"}});
    EXPECT_EQ(echoed->Header("X-Request-Id"), "abc-123");
    // An id that could inject into logs is replaced, not echoed.
    auto replaced =
        client.Get("/hello", {{"Authorization", "Bearer good"}, {"X-Request-Id", "a\"b{}"}});
    EXPECT_EQ(replaced->Header("X-Request-Id").size(), 32u);
}

TEST_F(ServerTest, PathParametersAndQuery) {
    HttpClient client(port_);
    auto response = client.Get("/items/a%20b?q=x%26y&other=1", Auth());
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->body, "a b|x&y");
    auto missing = client.Get("/items/missing", Auth());
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->body, R"({"code":"not_found","message":"item missing"})");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
    HttpClient client(port_);
    EXPECT_EQ(client.Get("/nope", Auth())->status, 404);
    auto wrong = client.Send("DELETE", "/hello", Auth());
    EXPECT_EQ(wrong->status, 405);
    EXPECT_EQ(wrong->Header("Allow"), "GET, HEAD");
    auto options = client.Send("OPTIONS", "/echo");
    EXPECT_EQ(options->status, 204);
    EXPECT_EQ(options->Header("Allow"), "POST, OPTIONS");
}

TEST_F(ServerTest, AuthenticationGuardsPrivateRoutesOnly) {
    HttpClient client(port_);
    auto denied = client.Get("/private");
    EXPECT_EQ(denied->status, 401);
    EXPECT_EQ(denied->Header("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(client.Get("/private", Auth())->status, 200);
    EXPECT_EQ(client.Get("/open")->status, 200);
}

TEST_F(ServerTest, AsynchronousHandlersAnswerFromAnotherThread) {
    HttpClient client(port_);
    for (int round = 0; round < 3; ++round) {  // on one keep-alive connection
        auto response = client.Get("/later/w" + std::to_string(round), Auth());
        ASSERT_TRUE(response.ok()) << response.error().message;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->body, "later:w" + std::to_string(round));
    }
    auto missing = client.Get("/later/missing", Auth());
    ASSERT_TRUE(missing.ok());
    EXPECT_EQ(missing->status, 404);
    EXPECT_NE(missing->body.find("no such word"), std::string::npos);
    auto boom = client.Get("/later-boom", Auth());
    ASSERT_TRUE(boom.ok());
    EXPECT_EQ(boom->status, 500);
    EXPECT_EQ(boom->body.find("SELECT"), std::string::npos);
}

// Blocking handlers run on the worker pool (4 threads), not on the 2 I/O threads: 8 requests at
// once are served by more threads than there are I/O threads.
TEST_F(ServerTest, BlockingHandlersRunOnTheWorkerPool) {
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int client_idx = 0; client_idx < 8; ++client_idx) {
        clients.emplace_back([this, &ok] {
            HttpClient client(port_);
            auto response = client.Get("/worker-sleep", Auth());
            if (response.ok() && response->status == 200) ok.fetch_add(1);
        });
    }
    for (auto& client : clients) client.join();
    EXPECT_EQ(ok.load(), 8);
    std::lock_guard lock(worker_threads_mutex_);
    EXPECT_GT(worker_threads_.size(), 2u) << "blocking handlers ran on the I/O threads";
}

TEST_F(ServerTest, EchoesBodies) {
    HttpClient client(port_);
    auto response = client.Send("POST", "/echo", Auth(), "payload");
    EXPECT_EQ(response->body, "payload");
}

TEST_F(ServerTest, DeclaredBodyOverTheLimitIs413AndCloses) {
    HttpClient client(port_);
    auto response = client.Send("POST", "/small", Auth(), std::string(17, 'x'));
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 413);
    EXPECT_FALSE(response->keep_alive);
    EXPECT_EQ(client.Send("POST", "/small", Auth(), std::string(16, 'x'))->status, 204);
}

TEST_F(ServerTest, ARouteNamesItsOwnBodyTooLargeError) {
    HttpClient client(port_);
    // Declared length over the limit: refused before reading.
    auto declared = client.Send("POST", "/small-upload", Auth(), std::string(17, 'x'));
    ASSERT_TRUE(declared.ok());
    EXPECT_EQ(declared->status, 413);
    EXPECT_EQ(declared->body,
              R"({"code":"payload_too_large","message":"file exceeds maximum size of 16 bytes"})");
    // Chunked, so the limit is only found while streaming to disk.
    HttpClient chunked(port_);
    ASSERT_TRUE(chunked
                    .WriteRaw("POST /small-upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                              "good\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n")
                    .ok());
    auto streamed = chunked.ReadResponse();
    ASSERT_TRUE(streamed.ok());
    EXPECT_EQ(streamed->status, 413);
    EXPECT_NE(streamed->body.find("file exceeds maximum size of 16 bytes"), std::string::npos);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
    HttpClient client(port_);
    std::string request =
        "POST /small HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nTransfer-Encoding: "
        "chunked\r\n\r\n"
        "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
    ASSERT_TRUE(client.WriteRaw(request).ok());
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 413);
}

TEST_F(ServerTest, DefaultBodyLimitIsOneMebibyte) {
    HttpClient client(port_);
    EXPECT_EQ(client.Send("POST", "/echo", Auth(), std::string(kBodyBytesMaxDefault, 'x'))->status,
              200);
    EXPECT_EQ(
        client.Send("POST", "/echo", Auth(), std::string(kBodyBytesMaxDefault + 1, 'x'))->status,
        413);
}

TEST_F(ServerTest, StreamsLargeUploadsToDiskAndRemovesThem) {
    HttpClient client(port_);
    auto response = client.Send("POST", "/upload",
                                {{"Authorization", "Bearer good"}, {"Expect", "100-continue"}},
                                std::string(3 * 1024 * 1024, 'x'));
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->body, std::to_string(3 * 1024 * 1024) + ":ok");
    EXPECT_FALSE(upload_path_.empty());
    EXPECT_FALSE(std::filesystem::exists(upload_path_));
}

TEST_F(ServerTest, HugeHeaderIs431) {
    HttpClient client(port_);
    auto response = client.Get(
        "/hello", {{"Authorization", "Bearer good"}, {"X-Big", std::string(20 * 1024, 'a')}});
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 431);
}

TEST_F(ServerTest, GarbageIs400) {
    HttpClient client(port_);
    ASSERT_TRUE(client.WriteRaw("THIS IS NOT HTTP\r\n\r\n").ok());
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 400);
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutInternals) {
    HttpClient client(port_);
    auto response = client.Get("/boom", Auth());
    EXPECT_EQ(response->status, 500);
    EXPECT_EQ(response->body.find("secret"), std::string::npos);
    EXPECT_NE(response->body.find(response->Header("X-Request-Id")), std::string::npos);
    EXPECT_EQ(client.Get("/hello", Auth())->status, 200);
}

TEST_F(ServerTest, SlowHeaderIsCutOff) {
    HttpClient client(port_);
    ASSERT_TRUE(client.WriteRaw("GET /hello HTTP/1.1\r\nHost: x\r\n").ok());  // never finishes
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(3)));
    HttpClient other(port_);
    EXPECT_EQ(other.Get("/hello", Auth())->status, 200);
}

TEST_F(ServerTest, SlowBodyIsCutOff) {
    HttpClient client(port_);
    ASSERT_TRUE(client
                    .WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n"
                              "Content-Length: 100\r\n\r\nabc")
                    .ok());
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(3)));
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
    HttpClient client(port_);
    EXPECT_EQ(client.Get("/hello", Auth())->status, 200);
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(3)));
}

TEST_F(ServerTest, ManyConnectionsDoNotStopService) {
    std::vector<std::unique_ptr<HttpClient>> idle;
    for (int connection_idx = 0; connection_idx < 200; ++connection_idx) {
        idle.push_back(std::make_unique<HttpClient>(port_));
        ASSERT_TRUE(idle.back()->Connect().ok());
    }
    HttpClient client(port_);
    EXPECT_EQ(client.Get("/hello", Auth())->status, 200);
}

TEST_F(ServerTest, ReportsEveryExchange) {
    HttpClient client(port_);
    ASSERT_TRUE(client.Get("/hello", Auth()).ok());
    ASSERT_TRUE(client.Get("/nope", Auth()).ok());
    for (int wait_idx = 0; wait_idx < 100 && exchanges_.load() < 2; ++wait_idx) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(exchanges_.load(), 2);
    EXPECT_EQ(last_status_.load(), 404);
}

TEST_F(ServerTest, ShutdownFinishesInFlightRequestsAndRefusesNewOnes) {
    HttpClient slow(port_);
    std::thread request([&] {
        auto response = slow.Get("/slow", Auth());
        ASSERT_TRUE(response.ok()) << response.error().message;
        EXPECT_EQ(response->status, 200);
        EXPECT_FALSE(response->keep_alive);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    server_->BeginShutdown();
    EXPECT_TRUE(server_->WaitIdle(std::chrono::seconds(5)));
    request.join();
    HttpClient late(port_);
    EXPECT_FALSE(late.Get("/hello", Auth()).ok());
}

TEST(StatusForTest, MapsEveryErrorCode) {
    EXPECT_EQ(StatusFor(ErrorCode::kInvalidArgument), Status::kBadRequest);
    EXPECT_EQ(StatusFor(ErrorCode::kNotFound), Status::kNotFound);
    EXPECT_EQ(StatusFor(ErrorCode::kAlreadyExists), Status::kConflict);
    EXPECT_EQ(StatusFor(ErrorCode::kUnauthenticated), Status::kUnauthorized);
    EXPECT_EQ(StatusFor(ErrorCode::kResourceExhausted), Status::kTooManyRequests);
    EXPECT_EQ(StatusFor(ErrorCode::kUnavailable), Status::kServiceUnavailable);
    EXPECT_EQ(StatusFor(ErrorCode::kPayloadTooLarge), Status::kPayloadTooLarge);
    EXPECT_EQ(StatusFor(ErrorCode::kInternal), Status::kInternalServerError);
}

}  // namespace
}  // namespace dictra::http
