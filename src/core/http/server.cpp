#include "core/http/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/check.hpp"
#include "core/thread_name.hpp"

namespace dictra::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// ---------------------------------------------------------------------------------------------
// Runtime

struct Runtime::Impl {
    explicit Impl(RuntimeOptions options)
        : worker_pool(options.worker_threads == 0 ? 1 : options.worker_threads) {
        unsigned io_threads = options.io_threads;
        if (io_threads == 0) io_threads = std::max(1u, std::thread::hardware_concurrency());
        for (unsigned thread_idx = 0; thread_idx < io_threads; ++thread_idx) {
            contexts.push_back(std::make_unique<asio::io_context>(1));
            guards.emplace_back(asio::make_work_guard(*contexts.back()));
        }
    }

    // Round-robin: each accepted connection lives on one io_context (one thread) for good.
    asio::io_context& NextContext() {
        return *contexts[next_context.fetch_add(1, std::memory_order_relaxed) % contexts.size()];
    }

    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::vector<std::thread> threads;
    asio::thread_pool worker_pool;
    std::atomic<std::size_t> next_context{0};
    std::mutex mutex;
    bool started = false;  // guarded by mutex
    bool stopped = false;  // guarded by mutex
};

Runtime::Runtime(RuntimeOptions options) : impl_(std::make_unique<Impl>(options)) {}

Runtime::~Runtime() {
    Stop();
}

void Runtime::Start() {
    std::lock_guard lock(impl_->mutex);
    if (impl_->started || impl_->stopped) return;
    impl_->started = true;
    for (auto& context : impl_->contexts) {
        impl_->threads.emplace_back([context = context.get(), index = impl_->threads.size()] {
            NameThisThread("http-io-" + std::to_string(index));
            context->run();
        });
    }
}

void Runtime::Stop() {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped) return;
        impl_->stopped = true;
    }
    // Handlers still on the worker pool finish first; their completions need the io threads.
    impl_->worker_pool.join();
    for (auto& guard : impl_->guards) guard.reset();
    for (auto& context : impl_->contexts) context->stop();
    for (auto& thread : impl_->threads) thread.join();
    impl_->threads.clear();
}

// ---------------------------------------------------------------------------------------------
// Error mapping and dispatch

Status StatusFor(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return Status::kBadRequest;
        case ErrorCode::kNotFound: return Status::kNotFound;
        case ErrorCode::kAlreadyExists: return Status::kConflict;
        case ErrorCode::kFailedPrecondition: return Status::kBadRequest;
        case ErrorCode::kConflict: return Status::kConflict;
        case ErrorCode::kUnauthenticated: return Status::kUnauthorized;
        case ErrorCode::kPermissionDenied: return Status::kForbidden;
        case ErrorCode::kResourceExhausted: return Status::kTooManyRequests;
        case ErrorCode::kUnavailable: return Status::kServiceUnavailable;
        case ErrorCode::kPayloadTooLarge: return Status::kPayloadTooLarge;
        case ErrorCode::kInternal: return Status::kInternalServerError;
    }
    return Status::kInternalServerError;
}

Dispatcher::Dispatcher(std::string service, Router router, ServerHooks hooks)
    : service_(std::move(service)), router_(std::move(router)), hooks_(std::move(hooks)) {
    DICTRA_CHECK(hooks_.format_error != nullptr);
}

Response Dispatcher::Error(Status status, const dictra::Error& error,
                           std::string_view request_id) const {
    return hooks_.format_error(status, error, request_id);
}

Dispatcher::Prepared Dispatcher::Prepare(Request& request) const {
    Prepared prepared;
    Router::Match match = router_.Find(request.method, request.path, request.path_params);
    if (match.route != nullptr) prepared.pattern = match.route->pattern;
    const bool needs_caller = match.route != nullptr ? !match.route->options.is_public
                                                     : request.path.starts_with("/api/");
    if (needs_caller && hooks_.authenticate) {
        // Unknown API paths authenticate first too: an anonymous caller learns nothing about
        // which routes exist.
        Result<std::shared_ptr<const auth::Principal>> principal = hooks_.authenticate(request);
        if (!principal.ok()) {
            prepared.early = Error(Status::kUnauthorized, principal.error(), request.request_id);
            prepared.early->headers.Set("WWW-Authenticate", "Bearer");
            return prepared;
        }
        request.principal = std::move(principal).value();
    }
    if (match.route == nullptr) {
        if (!match.path_known) {
            prepared.early =
                Error(Status::kNotFound, Error::NotFound("no route for " + request.path),
                      request.request_id);
        } else if (request.method == Method::kOptions) {
            prepared.early = Empty(Status::kNoContent);
            prepared.early->headers.Set("Allow", match.allow + ", OPTIONS");
        } else {
            prepared.early = Error(Status::kMethodNotAllowed,
                                   dictra::Error{ErrorCode::kFailedPrecondition,
                                                 std::string(ToString(request.method)) +
                                                     " is not allowed on " + request.path,
                                                 {}},
                                   request.request_id);
            prepared.early->headers.Set("Allow", match.allow);
        }
        return prepared;
    }
    prepared.route = match.route;
    return prepared;
}

namespace {

// The message may hold internals (SQL, paths): it goes to the log, never to the client.
void LogHandlerException(const std::string& service, const std::string& request_id,
                         const char* what) {
    if (what != nullptr) {
        std::fprintf(stderr,
                     "{\"level\":\"error\",\"event\":\"handler_exception\",\"service\":\"%s\","
                     "\"request_id\":\"%s\",\"what\":\"%s\"}\n",
                     service.c_str(), request_id.c_str(), what);
    } else {
        std::fprintf(stderr,
                     "{\"level\":\"error\",\"event\":\"handler_exception\",\"service\":\"%s\","
                     "\"request_id\":\"%s\"}\n",
                     service.c_str(), request_id.c_str());
    }
}

}  // namespace

Response Dispatcher::Run(const Route& route, Request& request) const {
    try {
        Result<Response> result = route.handler(request);
        if (result.ok()) return std::move(result).value();
        const dictra::Error& error = result.error();
        return Error(StatusFor(error.code), error, request.request_id);
    } catch (const std::exception& exception) {
        LogHandlerException(service_, request.request_id, exception.what());
    } catch (...) {
        LogHandlerException(service_, request.request_id, nullptr);
    }
    return Error(Status::kInternalServerError,
                 Error::Internal("internal error; request id " + request.request_id),
                 request.request_id);
}

void Dispatcher::RunAsync(const Route& route, Request& request,
                          std::function<void(Response)> done) const {
    // Shared so that the handler may copy the responder; only the first answer counts.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    auto shared_done = std::make_shared<std::function<void(Response)>>(std::move(done));
    const std::string request_id = request.request_id;
    Responder responder = [this, answered, shared_done, request_id](Result<Response> result) {
        if (answered->exchange(true)) return;
        if (result.ok()) {
            (*shared_done)(std::move(result).value());
        } else {
            const dictra::Error& error = result.error();
            (*shared_done)(Error(StatusFor(error.code), error, request_id));
        }
    };
    try {
        route.async_handler(request, responder);
        return;
    } catch (const std::exception& exception) {
        LogHandlerException(service_, request.request_id, exception.what());
    } catch (...) {
        LogHandlerException(service_, request.request_id, nullptr);
    }
    responder(dictra::Error::Internal("internal error; request id " + request.request_id));
}

Response Dispatcher::Handle(Request& request) const {
    Prepared prepared = Prepare(request);
    if (prepared.route == nullptr) return std::move(*prepared.early);
    return Run(*prepared.route, request);
}

// ---------------------------------------------------------------------------------------------
// Server

namespace {

std::string NewRequestId() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t high = generator();
    std::uint64_t low = generator();
    std::string id(32, '0');
    for (int digit_idx = 0; digit_idx < 16; ++digit_idx) {
        id[digit_idx] = kHex[(high >> (digit_idx * 4)) & 0xF];
        id[16 + digit_idx] = kHex[(low >> (digit_idx * 4)) & 0xF];
    }
    return id;
}

// A caller's X-Request-Id is kept when it is short and plain; anything else is replaced so
// that it cannot inject into logs or headers.
bool IsAcceptableRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
        if (!plain) return false;
    }
    return true;
}

// Fills path and query from the request target. False: the target is not origin-form.
bool ParseTarget(std::string_view target, Request& request) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return false;
    request.path = url->path();  // decoded
    if (request.path.empty()) request.path = "/";
    for (auto param : url->params()) {
        request.query.emplace_back(std::string(param.key), std::string(param.value));
    }
    return true;
}

dictra::Error BodyTooLarge(const RouteOptions& route_options) {
    if (route_options.body_too_large_error) return *route_options.body_too_large_error;
    const std::size_t body_bytes_max = route_options.body_bytes_max;
    return {ErrorCode::kPayloadTooLarge,
            "request body is over the limit of " + std::to_string(body_bytes_max) + " bytes",
            {}};
}

struct Connection {
    tcp::socket* socket = nullptr;
    bool busy = false;  // touched only on the connection's own io thread
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    Impl(Runtime& runtime_in, ServerOptions options_in, Router router, ServerHooks hooks)
        : runtime(runtime_in.impl()),
          options(std::move(options_in)),
          dispatcher(options.service, std::move(router), std::move(hooks)),
          acceptor(*runtime.contexts.front()) {
        if (options.upload_dir.empty()) options.upload_dir = std::filesystem::temp_directory_path();
    }

    asio::awaitable<void> Accept();
    asio::awaitable<void> Session(tcp::socket socket);
    void Report(const Request& request, std::string_view route, int status,
                std::chrono::steady_clock::time_point started, std::uint64_t bytes_out) const;

    Runtime::Impl& runtime;
    ServerOptions options;
    Dispatcher dispatcher;
    tcp::acceptor acceptor;
    std::uint16_t bound_port = 0;
    std::atomic<bool> draining{false};
    std::atomic<std::uint64_t> upload_seq{0};

    mutable std::mutex mutex;
    std::condition_variable idle;
    std::unordered_map<std::uint64_t, std::pair<asio::any_io_executor, Connection*>>
        connections;                       // guarded by mutex
    std::uint64_t next_connection_id = 0;  // guarded by mutex
};

Server::Server(Runtime& runtime, ServerOptions options, Router router, ServerHooks hooks)
    : impl_(std::make_shared<Impl>(runtime, std::move(options), std::move(router),
                                   std::move(hooks))) {}

Server::~Server() {
    BeginShutdown();
    WaitIdle(std::chrono::milliseconds(0));
}

Result<std::uint16_t> Server::Listen() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(impl_->options.host, ec);
    if (ec) return Error::InvalidArgument("bad listen host '" + impl_->options.host + "'");
    tcp::endpoint endpoint(address, impl_->options.port);
    impl_->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return Error::Unavailable("cannot listen on " + impl_->options.host + ":" +
                                  std::to_string(impl_->options.port) + ": " + ec.message());
    }
    impl_->bound_port = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->acceptor.get_executor(), impl_->Accept(), asio::detached);
    return impl_->bound_port;
}

std::uint16_t Server::port() const {
    return impl_->bound_port;
}

const Router& Server::router() const {
    return impl_->dispatcher.router();
}

std::size_t Server::active_connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections.size();
}

void Server::BeginShutdown() {
    if (impl_->draining.exchange(true)) return;
    asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
        boost::system::error_code ignored;
        impl->acceptor.close(ignored);
    });
    std::lock_guard lock(impl_->mutex);
    for (auto& [id, entry] : impl_->connections) {
        // On the connection's own thread: an idle connection is closed now; a busy one sees
        // `draining` after its response and closes then.
        asio::post(entry.first, [impl = impl_, id = id] {
            std::lock_guard inner(impl->mutex);
            auto found = impl->connections.find(id);
            if (found == impl->connections.end()) return;
            Connection* connection = found->second.second;
            if (!connection->busy) {
                boost::system::error_code ignored;
                connection->socket->cancel(ignored);
                connection->socket->close(ignored);
            }
        });
    }
}

bool Server::WaitIdle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    return impl_->idle.wait_for(lock, timeout, [&] { return impl_->connections.empty(); });
}

asio::awaitable<void> Server::Impl::Accept() {
    auto self = shared_from_this();
    while (!draining.load()) {
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(
            runtime.NextContext(), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            // Out of descriptors or a transient error: back off instead of spinning.
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        bool over_limit;
        {
            std::lock_guard lock(mutex);
            over_limit = connections.size() >= options.connections_max;
        }
        if (over_limit) {
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        auto executor = socket.get_executor();
        asio::co_spawn(executor, Session(std::move(socket)), asio::detached);
    }
}

void Server::Impl::Report(const Request& request, std::string_view route, int status,
                          std::chrono::steady_clock::time_point started,
                          std::uint64_t bytes_out) const {
    const ServerHooks& hooks = dispatcher.hooks();
    if (!hooks.on_exchange) return;
    Exchange exchange;
    exchange.service = options.service;
    exchange.method = ToString(request.method);
    exchange.route = route;
    exchange.target = request.target;
    exchange.request_id = request.request_id;
    exchange.remote_address = request.remote_address;
    exchange.status = status;
    exchange.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    exchange.bytes_in = request.body_bytes;
    exchange.bytes_out = bytes_out;
    hooks.on_exchange(exchange);
}

namespace {

// How long and how much a refused connection is drained before it closes (see Session's end).
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytesMax = 16 * 1024 * 1024;

bhttp::response<bhttp::string_body> ToBeast(Response& response, unsigned version, bool keep_alive,
                                            bool head, std::string_view request_id) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(Code(response.status)),
                                            version};
    for (auto& [name, value] : response.headers.fields()) out.insert(name, value);
    if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
    out.set("X-Request-Id", request_id);
    out.keep_alive(keep_alive);
    const std::size_t body_size = response.body.size();
    out.body() = std::move(response.body);
    out.prepare_payload();
    if (head) {
        out.body().clear();
        out.content_length(body_size);
    }
    return out;
}

}  // namespace

asio::awaitable<void> Server::Impl::Session(tcp::socket socket) {
    auto self = shared_from_this();
    Connection connection{&socket, false};
    std::uint64_t connection_id;
    {
        std::lock_guard lock(mutex);
        connection_id = next_connection_id++;
        connections.emplace(connection_id, std::make_pair(socket.get_executor(), &connection));
    }
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    std::string remote_address;
    if (auto endpoint = socket.remote_endpoint(ec); !ec)
        remote_address = endpoint.address().to_string();
    if (draining.load()) socket.close(ec);

    beast::tcp_stream stream(std::move(socket));
    connection.socket = &stream.socket();
    beast::flat_buffer buffer;  // (the constructor argument would be a maximum size, not a reserve)
    // Set when the connection ends with a refusal while the client may still be sending (an
    // oversized or malformed request): then the close lingers (below).
    bool linger = false;

    try {
        bool keep_going = stream.socket().is_open();
        while (keep_going) {
            connection.busy = false;
            bhttp::request_parser<bhttp::empty_body> header_parser;
            header_parser.header_limit(static_cast<std::uint32_t>(options.header_bytes_max));
            // The route decides the body limit once the header is known; see below.
            header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
            stream.expires_after(options.header_timeout);
            co_await bhttp::async_read_header(stream, buffer, header_parser,
                                              asio::redirect_error(asio::use_awaitable, ec));
            const auto started = std::chrono::steady_clock::now();
            connection.busy = true;

            Request request;
            request.remote_address = remote_address;
            auto respond = [&](Response response, bool keep_alive, unsigned version,
                               bool head) -> asio::awaitable<std::uint64_t> {
                auto out = ToBeast(response, version, keep_alive, head, request.request_id);
                stream.expires_after(options.write_timeout);
                boost::system::error_code write_ec;
                std::uint64_t written = co_await bhttp::async_write(
                    stream, out, asio::redirect_error(asio::use_awaitable, write_ec));
                if (write_ec) co_return 0;
                co_return written;
            };

            if (ec) {
                // Nothing (or garbage) arrived: a closed connection, an idle timeout, an abusive
                // header.
                if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
                    ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
                    ec == asio::error::eof || buffer.size() == 0) {
                    break;
                }
                request.request_id = NewRequestId();
                const bool too_big = ec == bhttp::error::header_limit;
                const Status status =
                    too_big ? Status::kRequestHeaderFieldsTooLarge : Status::kBadRequest;
                Response response = dispatcher.Error(
                    status,
                    Error::InvalidArgument(too_big ? "request header is too large"
                                                   : "malformed HTTP request: " + ec.message()),
                    request.request_id);
                std::uint64_t written = co_await respond(std::move(response), false, 11, false);
                Report(request, "unmatched", Code(status), started, written);
                linger = true;
                break;
            }

            auto& header = header_parser.get();
            const unsigned version = header.version();
            request.method = MethodFromString(std::string_view(header.method_string()));
            request.target = std::string(header.target());
            for (const auto& field : header) {
                request.headers.Add(std::string(field.name_string()), std::string(field.value()));
            }
            auto incoming_id = request.headers.Get("X-Request-Id");
            request.request_id = incoming_id && IsAcceptableRequestId(*incoming_id)
                                     ? std::string(*incoming_id)
                                     : NewRequestId();
            const bool head = request.method == Method::kHead;
            const bool has_body =
                header_parser.chunked() || header_parser.content_length().value_or(0) > 0;
            bool keep_alive = header_parser.keep_alive() && !draining.load();

            Dispatcher::Prepared prepared;
            if (!ParseTarget(request.target, request)) {
                prepared.early = dispatcher.Error(
                    Status::kBadRequest, Error::InvalidArgument("malformed request target"),
                    request.request_id);
            } else {
                prepared = dispatcher.Prepare(request);
            }
            if (prepared.route == nullptr) {
                // The body (if any) was not read: the connection cannot be reused.
                if (has_body) keep_alive = false;
                const int status = Code(prepared.early->status);
                std::uint64_t written =
                    co_await respond(std::move(*prepared.early), keep_alive, version, head);
                Report(request, prepared.pattern.empty() ? "unmatched" : prepared.pattern, status,
                       started, written);
                if (!keep_alive) break;
                continue;
            }
            const Route& route = *prepared.route;
            const RouteOptions& route_options = route.options;

            // A declared length over the limit is refused before a byte of it is read.
            if (header_parser.content_length().value_or(0) > route_options.body_bytes_max) {
                Response response = dispatcher.Error(
                    Status::kPayloadTooLarge, BodyTooLarge(route_options), request.request_id);
                std::uint64_t written = co_await respond(std::move(response), false, version, head);
                Report(request, route.pattern, Code(Status::kPayloadTooLarge), started, written);
                linger = true;
                break;
            }

            if (has_body) {
                if (auto expect = request.headers.Get("Expect");
                    expect && EqualsIgnoreCase(*expect, "100-continue")) {
                    bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, version};
                    stream.expires_after(options.write_timeout);
                    co_await bhttp::async_write(stream, proceed,
                                                asio::redirect_error(asio::use_awaitable, ec));
                    if (ec) break;
                }
            }

            // Read the body: into memory, or streamed to a temporary file.
            std::shared_ptr<void> body_file_guard;
            if (route_options.stream_body_to_disk) {
                bhttp::request_parser<bhttp::file_body> body_parser(std::move(header_parser));
                body_parser.body_limit(route_options.body_bytes_max);
                request.body_file =
                    options.upload_dir / ("dictra-upload-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(upload_seq.fetch_add(1)) + ".part");
                body_file_guard = std::shared_ptr<void>(nullptr, [path = request.body_file](void*) {
                    std::error_code ignored;
                    std::filesystem::remove(path, ignored);
                });
                body_parser.get().body().open(request.body_file.c_str(), beast::file_mode::write,
                                              ec);
                if (ec) {
                    Response response = dispatcher.Error(
                        Status::kServiceUnavailable, Error::Unavailable("cannot store the upload"),
                        request.request_id);
                    std::uint64_t written =
                        co_await respond(std::move(response), false, version, head);
                    Report(request, route.pattern, Code(Status::kServiceUnavailable), started,
                           written);
                    break;
                }
                const auto upload_deadline =
                    std::chrono::steady_clock::now() + options.upload_timeout;
                while (!body_parser.is_done() && !ec) {
                    auto remaining = upload_deadline - std::chrono::steady_clock::now();
                    stream.expires_after(std::min<std::chrono::steady_clock::duration>(
                        options.upload_idle_timeout, std::max<std::chrono::steady_clock::duration>(
                                                         remaining, std::chrono::milliseconds(1))));
                    co_await bhttp::async_read_some(stream, buffer, body_parser,
                                                    asio::redirect_error(asio::use_awaitable, ec));
                }
                body_parser.get().body().close();
                request.body_bytes = body_parser.get().body().size();
                if (!ec) {
                    std::error_code size_ec;
                    request.body_bytes = std::filesystem::file_size(request.body_file, size_ec);
                }
            } else {
                bhttp::request_parser<bhttp::string_body> body_parser(std::move(header_parser));
                body_parser.body_limit(route_options.body_bytes_max);
                stream.expires_after(options.body_timeout);
                co_await bhttp::async_read(stream, buffer, body_parser,
                                           asio::redirect_error(asio::use_awaitable, ec));
                request.body = std::move(body_parser.get().body());
                request.body_bytes = request.body.size();
            }
            if (ec) {
                if (ec == bhttp::error::body_limit) {
                    Response response = dispatcher.Error(
                        Status::kPayloadTooLarge, BodyTooLarge(route_options), request.request_id);
                    std::uint64_t written =
                        co_await respond(std::move(response), false, version, head);
                    Report(request, route.pattern, Code(Status::kPayloadTooLarge), started,
                           written);
                    linger = true;
                } else if (ec == beast::error::timeout) {
                    // The stream closed the socket on timeout: a client this slow gets no answer.
                    Report(request, route.pattern, Code(Status::kRequestTimeout), started, 0);
                } else {
                    Report(request, route.pattern, 499, started, 0);
                }
                break;
            }

            Response response;
            if (route.async_handler) {
                auto home = stream.get_executor();
                if (route_options.execution == Execution::kWorker) {
                    // bind_executor: the coroutine resumes on the pool. A bare use_awaitable
                    // would resume on the connection's own (I/O) executor.
                    const auto pool = runtime.worker_pool.get_executor();
                    co_await asio::post(asio::bind_executor(pool, asio::use_awaitable));
                }
                // The handler's work answers on its own thread; the answer is posted back here.
                response =
                    co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
                        [&](auto handler) {
                            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
                            dispatcher.RunAsync(route, request, [home, shared](Response answer) {
                                asio::post(home, [shared, answer = std::move(answer)]() mutable {
                                    (*shared)(std::move(answer));
                                });
                            });
                        },
                        asio::use_awaitable);
            } else if (route_options.execution == Execution::kInline) {
                response = dispatcher.Run(route, request);
            } else {
                // Over to the worker pool for the blocking handler, then back to the I/O
                // executor that owns the stream (bind_executor picks where the coroutine resumes).
                auto home = stream.get_executor();
                const auto pool = runtime.worker_pool.get_executor();
                co_await asio::post(asio::bind_executor(pool, asio::use_awaitable));
                response = dispatcher.Run(route, request);
                co_await asio::post(asio::bind_executor(home, asio::use_awaitable));
            }
            body_file_guard.reset();
            keep_alive = keep_alive && !draining.load();
            const int status = Code(response.status);
            std::uint64_t written =
                co_await respond(std::move(response), keep_alive, version, head);
            Report(request, route.pattern, status, started, written);
            if (!keep_alive || written == 0) break;
        }
    } catch (const std::exception& exception) {
        std::fprintf(stderr,
                     "{\"level\":\"error\",\"event\":\"connection_exception\",\"service\":\"%s\","
                     "\"what\":\"%s\"}\n",
                     options.service.c_str(), exception.what());
    }

    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger && stream.socket().is_open()) {
        // Lingering close, as nginx does: the client may still be sending what was refused.
        // Closing with unread bytes makes the kernel answer with a reset, which can destroy the
        // 413 / 431 / 400 before the client reads it; dropping what still arrives for a moment
        // (at most kLingerTime and kLingerBytesMax) lets the client see the answer first.
        stream.expires_after(kLingerTime);
        std::array<char, 16 * 1024> sink;
        std::size_t drained = 0;
        while (drained < kLingerBytesMax) {
            drained += co_await stream.async_read_some(
                asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
        }
    }
    stream.socket().close(ec);
    {
        std::lock_guard lock(mutex);
        connections.erase(connection_id);
        if (connections.empty()) idle.notify_all();
    }
}

}  // namespace dictra::http
