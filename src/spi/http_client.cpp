#include "spi/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <exception>
#include <optional>

namespace dictra::spi {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t char_idx = 0; char_idx < a.size(); ++char_idx) {
        const auto lower = [](char c) {
            return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        };
        if (lower(a[char_idx]) != lower(b[char_idx])) return false;
    }
    return true;
}

}  // namespace

Result<HttpEndpoint> ParseHttpUrl(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return Error::InvalidArgument("not a URL: '" + std::string(url) + "'");
    if (parsed->scheme() != "http") {
        return Error::InvalidArgument("only http:// URLs are supported: '" + std::string(url) +
                                      "'");
    }
    if (!parsed->has_authority() || parsed->host().empty()) {
        return Error::InvalidArgument("URL without a host: '" + std::string(url) + "'");
    }
    if (parsed->has_query() || parsed->has_fragment() || parsed->has_userinfo()) {
        return Error::InvalidArgument("URL with query, fragment or user: '" + std::string(url) +
                                      "'");
    }
    HttpEndpoint endpoint;
    endpoint.host = parsed->host();
    if (parsed->has_port()) {
        const std::string_view port_text = parsed->port();
        unsigned port = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            return Error::InvalidArgument("bad port in URL: '" + std::string(url) + "'");
        }
        endpoint.port = static_cast<std::uint16_t>(port);
    }
    std::string path = parsed->path();
    while (!path.empty() && path.back() == '/') path.pop_back();
    endpoint.base_path = std::move(path);
    return endpoint;
}

std::string HttpClientResponse::Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) return value;
    }
    return {};
}

struct HttpClient::Impl {
    HttpEndpoint endpoint;
    HttpClientOptions options;
    asio::io_context io;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    std::uint64_t reused = 0;

    // Runs the queued asynchronous operation(s) to completion.
    void RunIo() {
        io.restart();
        io.run();
    }

    Status Connect(std::chrono::milliseconds timeout) {
        stream.reset();
        buffer.clear();
        tcp::resolver resolver(io);
        beast::error_code resolve_error;
        tcp::resolver::results_type results;
        resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                               [&](beast::error_code ec, tcp::resolver::results_type found) {
                                   resolve_error = ec;
                                   results = std::move(found);
                               });
        RunIo();
        if (resolve_error) {
            return Error::Unavailable("cannot resolve " + endpoint.host + ": " +
                                      resolve_error.message());
        }
        stream.emplace(io);
        stream->expires_after(std::min(timeout, options.connect_timeout));
        beast::error_code connect_error;
        stream->async_connect(
            results, [&](beast::error_code ec, const tcp::endpoint&) { connect_error = ec; });
        RunIo();
        if (connect_error) {
            stream.reset();
            return Error::Unavailable("cannot connect to " + endpoint.host + ":" +
                                      std::to_string(endpoint.port) + ": " +
                                      connect_error.message());
        }
        stream->socket().set_option(tcp::no_delay(true), connect_error);
        return Ok();
    }

    // One exchange on the current connection. `retryable` is set when it failed in a way that
    // means the kept connection had been closed by the server before we used it.
    Result<HttpClientResponse> Exchange(const bhttp::request<bhttp::string_body>& request,
                                        std::chrono::milliseconds timeout, bool& retryable) {
        retryable = false;
        stream->expires_after(timeout);
        beast::error_code write_error;
        bhttp::async_write(*stream, request,
                           [&](beast::error_code ec, std::size_t) { write_error = ec; });
        RunIo();
        if (write_error) {
            retryable = true;
            return Error::Unavailable("write to " + endpoint.host +
                                      " failed: " + write_error.message());
        }
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(options.response_body_bytes_max);
        parser.header_limit(64 * 1024);
        beast::error_code read_error;
        std::size_t read_bytes = 0;
        bhttp::async_read(*stream, buffer, parser, [&](beast::error_code ec, std::size_t bytes) {
            read_error = ec;
            read_bytes = bytes;
        });
        RunIo();
        if (read_error) {
            retryable = read_bytes == 0 &&
                        (read_error == bhttp::error::end_of_stream ||
                         read_error == asio::error::connection_reset ||
                         read_error == asio::error::eof || read_error == asio::error::broken_pipe);
            return Error::Unavailable("no answer from " + endpoint.host + ": " +
                                      read_error.message());
        }
        bhttp::response<bhttp::string_body> message = parser.release();
        HttpClientResponse response;
        response.status = static_cast<int>(message.result_int());
        for (const auto& field : message) {
            response.headers.emplace_back(std::string(field.name_string()),
                                          std::string(field.value()));
        }
        response.body = std::move(message.body());
        if (!message.keep_alive()) {
            beast::error_code ignored;
            stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream.reset();
        }
        return response;
    }
};

HttpClient::HttpClient(HttpEndpoint endpoint, HttpClientOptions options)
    : impl_(std::make_unique<Impl>()) {
    impl_->endpoint = std::move(endpoint);
    impl_->options = options;
}

HttpClient::~HttpClient() {
    Close();
}

void HttpClient::Close() {
    if (impl_->stream) {
        beast::error_code ignored;
        impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        impl_->stream.reset();
    }
}

void HttpClient::Abort() {
    // io_context::post is thread-safe; the handler runs inside the owner thread's RunIo.
    Impl* impl = impl_.get();
    asio::post(impl->io, [impl] {
        if (impl->stream) {
            beast::error_code ignored;
            impl->stream->socket().cancel(ignored);
            impl->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        }
    });
}

std::uint64_t HttpClient::reused_connections() const {
    return impl_->reused;
}

const HttpEndpoint& HttpClient::endpoint() const {
    return impl_->endpoint;
}

Result<HttpClientResponse> HttpClient::Send(std::string_view method, std::string_view target,
                                            const HeaderList& headers, std::string_view body,
                                            std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0) timeout = impl_->options.request_timeout;
    const bhttp::verb verb = bhttp::string_to_verb(method);
    if (verb == bhttp::verb::unknown) {
        return Error::InvalidArgument("unknown HTTP method '" + std::string(method) + "'");
    }
    try {
        bhttp::request<bhttp::string_body> request;
        request.method(verb);
        request.target(impl_->endpoint.base_path + std::string(target));
        request.version(11);
        request.set(bhttp::field::host,
                    impl_->endpoint.host + ":" + std::to_string(impl_->endpoint.port));
        request.set(bhttp::field::user_agent, "dictra-spi");
        for (const auto& [name, value] : headers) request.set(name, value);
        request.body() = std::string(body);
        request.keep_alive(true);
        if (!body.empty() || verb == bhttp::verb::post || verb == bhttp::verb::put) {
            request.prepare_payload();
        }
        for (int attempt = 0; attempt < 2; ++attempt) {
            const bool reusing = impl_->stream.has_value();
            if (!reusing) DICTRA_RETURN_IF_ERROR(impl_->Connect(timeout));
            bool retryable = false;
            Result<HttpClientResponse> response = impl_->Exchange(request, timeout, retryable);
            if (response.ok()) {
                if (reusing) ++impl_->reused;
                return response;
            }
            Close();
            // Only a connection that sat idle in our pool gets a second chance: the server may
            // have closed it a moment before we wrote. A fresh connection failing is the answer.
            if (!(reusing && retryable)) return response;
        }
        return Error::Unavailable("no answer from " + impl_->endpoint.host);
    } catch (const std::exception& exception) {
        Close();
        return Error::Unavailable(std::string("HTTP client failure: ") + exception.what());
    }
}

}  // namespace dictra::spi
