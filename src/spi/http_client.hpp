// A small blocking HTTP/1.1 client (Boost.Beast + Asio) for the SPI's calls to BACEN.
//
// One client holds one keep-alive connection to one server and reuses it for every request;
// when the kept connection turns out to be dead (the server closed it while idle) the request is
// sent once more on a fresh connection. Every step (resolve, connect, write, read) runs under a
// deadline, so a server that stops answering costs at most the request's timeout. Nothing throws:
// transport failures are kUnavailable, a malformed answer is kUnavailable too (the peer is not
// usable), and the caller decides whether to retry.
//
// Not thread-safe: give each thread its own client (they are cheap: one socket).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace dictra::spi {

// Where a client connects: "http://host:port" with an optional base path ("http://h:1/bacen").
struct HttpEndpoint {
    std::string host;
    std::uint16_t port = 80;
    std::string base_path;  // "" or "/bacen" (no trailing slash); prefixed to every target
};

// kInvalidArgument unless `url` is http://HOST[:PORT][/PATH] (https is not supported: the SPI
// reaches BACEN through the ICOM network's own TLS terminator).
Result<HttpEndpoint> ParseHttpUrl(std::string_view url);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpClientResponse {
    int status = 0;
    HeaderList headers;
    std::string body;

    // The first header of that name (case-insensitive), or "".
    std::string Header(std::string_view name) const;
};

struct HttpClientOptions {
    std::chrono::milliseconds connect_timeout{2'000};
    // Default for Send; a long poll passes its own.
    std::chrono::milliseconds request_timeout{5'000};
    // An answer body larger than this is refused (kUnavailable) and the connection dropped.
    std::size_t response_body_bytes_max = 16 * 1024 * 1024;
};

class HttpClient {
 public:
    HttpClient(HttpEndpoint endpoint, HttpClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends `method target` (target relative to the endpoint's base path, starting with '/')
    // and returns the whole answer, whatever its status. `timeout` of zero means the default.
    // kUnavailable when the server cannot be reached, does not answer in time, or answers
    // something that is not HTTP/1.1; the connection is closed then.
    Result<HttpClientResponse> Send(std::string_view method, std::string_view target,
                                    const HeaderList& headers = {}, std::string_view body = {},
                                    std::chrono::milliseconds timeout = {});

    // Drops the kept connection (the next Send connects again).
    void Close();

    // Thread-safe: makes the Send running on another thread (or, if none runs, the next one)
    // fail at once with kUnavailable. For stopping a thread blocked in a long poll.
    void Abort();

    // Requests answered on a reused connection, for tests of keep-alive.
    std::uint64_t reused_connections() const;

    const HttpEndpoint& endpoint() const;

 private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dictra::spi
