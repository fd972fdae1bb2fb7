// A small blocking HTTP/1.1 client for tests: one connection, keep-alive, raw access for abuse.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace dictra::testing {

struct ClientResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool keep_alive = false;

    std::string Header(const std::string& name) const;  // "" if absent
};

class HttpClient {
 public:
    explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1");
    ~HttpClient();

    // Sends one request on the (kept-alive) connection, connecting first if needed.
    Result<ClientResponse> Send(std::string method, std::string target,
                                std::vector<std::pair<std::string, std::string>> headers = {},
                                std::string body = {});
    Result<ClientResponse> Get(std::string target,
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
        return Send("GET", std::move(target), std::move(headers));
    }

    // Raw access: write bytes, read whatever answer comes (until close or `timeout`).
    Status Connect();
    Status WriteRaw(const std::string& bytes);
    Result<ClientResponse> ReadResponse(
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // True if the peer closed the connection within `timeout`.
    bool WaitClosed(std::chrono::milliseconds timeout);
    void Close();

 private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dictra::testing
