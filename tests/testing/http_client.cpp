#include "testing/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "core/http/message.hpp"

namespace dictra::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::string ClientResponse::Header(const std::string& name) const {
    for (const auto& [field, value] : headers) {
        if (http::EqualsIgnoreCase(field, name)) return value;
    }
    return {};
}

struct HttpClient::Impl {
    Impl(std::uint16_t port_in, std::string host_in) : port(port_in), host(std::move(host_in)) {}
    asio::io_context io;
    std::unique_ptr<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    std::uint16_t port;
    std::string host;
};

HttpClient::HttpClient(std::uint16_t port, std::string host)
    : impl_(std::make_unique<Impl>(port, std::move(host))) {}
HttpClient::~HttpClient() {
    Close();
}

Status HttpClient::Connect() {
    Close();
    impl_->stream = std::make_unique<beast::tcp_stream>(impl_->io);
    impl_->buffer.clear();
    boost::system::error_code ec;
    impl_->stream->socket().connect({asio::ip::make_address(impl_->host), impl_->port}, ec);
    if (ec) return Error::Unavailable("connect: " + ec.message());
    return Ok();
}

void HttpClient::Close() {
    if (!impl_->stream) return;
    boost::system::error_code ignored;
    impl_->stream->socket().close(ignored);
    impl_->stream.reset();
}

Status HttpClient::WriteRaw(const std::string& bytes) {
    if (!impl_->stream) DICTRA_RETURN_IF_ERROR(Connect());
    boost::system::error_code ec;
    asio::write(impl_->stream->socket(), asio::buffer(bytes), ec);
    if (ec) return Error::Unavailable("write: " + ec.message());
    return Ok();
}

Result<ClientResponse> HttpClient::ReadResponse(std::chrono::milliseconds timeout) {
    if (!impl_->stream) return Error::Unavailable("not connected");
    std::optional<bhttp::response_parser<bhttp::string_body>> parser_slot;
    // Interim answers (100 Continue) come before the real one: skip them.
    for (;;) {
        auto& parser = parser_slot.emplace();
        parser.body_limit(256 * 1024 * 1024);
        impl_->stream->expires_after(timeout);
        boost::system::error_code ec;
        bhttp::read(impl_->stream->socket(), impl_->buffer, parser, ec);
        if (ec) {
            Close();
            return Error::Unavailable("read: " + ec.message());
        }
        if (parser.get().result_int() >= 200) break;
    }
    auto& parser = *parser_slot;
    ClientResponse response;
    auto& message = parser.get();
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    response.keep_alive = message.keep_alive();
    if (!response.keep_alive) Close();
    return response;
}

bool HttpClient::WaitClosed(std::chrono::milliseconds timeout) {
    if (!impl_->stream) return true;
    // A blocking read with a receive timeout: EOF or reset means closed.
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(impl_->stream->socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char byte;
    for (;;) {
        ssize_t got = ::recv(impl_->stream->socket().native_handle(), &byte, 1, 0);
        if (got == 0) return true;
        if (got < 0) return errno == ECONNRESET;
    }
}

Result<ClientResponse> HttpClient::Send(std::string method, std::string target,
                                        std::vector<std::pair<std::string, std::string>> headers,
                                        std::string body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!impl_->stream) DICTRA_RETURN_IF_ERROR(Connect());
        bhttp::request<bhttp::string_body> request;
        request.method_string(method);
        request.target(target);
        request.version(11);
        request.set(bhttp::field::host, impl_->host);
        for (auto& [name, value] : headers) request.set(name, value);
        request.body() = body;
        request.prepare_payload();
        boost::system::error_code ec;
        bhttp::write(impl_->stream->socket(), request, ec);
        if (ec) {
            Close();
            continue;  // a kept-alive connection the server closed: reconnect once
        }
        return ReadResponse();
    }
    return Error::Unavailable("cannot send request");
}

}  // namespace dictra::testing
