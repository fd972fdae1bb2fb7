// The HTTP/1.1 server every DICTRA service runs on.
//
// One Runtime per process owns the I/O threads (one io_context per thread, one thread per core)
// and a worker pool for handlers that may block. Each service gets its own Server (its own port,
// router and error shape) on the shared Runtime. Beast and Asio stay inside server.cpp.
//
// Per connection: keep-alive; the header (including any idle wait before it) must arrive within
// `header_timeout`, in at most `header_bytes_max` bytes (else 431 and close); the body is read
// under the matched route's limit (else 413 and close); slow bodies and slow readers time out.
// Every exchange is reported once through ServerHooks::on_exchange (access log, metrics).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/http/message.hpp"
#include "core/http/router.hpp"
#include "core/result.hpp"

namespace dictra::http {

struct RuntimeOptions {
    unsigned io_threads = 0;       // 0: one per core
    unsigned worker_threads = 32;  // handlers of kWorker routes (database, outbound calls)
};

class Runtime {
 public:
    explicit Runtime(RuntimeOptions options);
    ~Runtime();  // Stop()s and joins
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // Starts the threads. Servers may Listen() before or after.
    void Start();
    // Stops every thread after the work queued so far; idempotent.
    void Stop();

    struct Impl;
    Impl& impl() { return *impl_; }

 private:
    std::unique_ptr<Impl> impl_;
};

struct ServerOptions {
    std::string service;  // "settlement", "spi", "dict", "bacen": labels logs and metrics
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0: the kernel picks a free port
    std::size_t header_bytes_max = 16 * 1024;
    std::chrono::milliseconds header_timeout{15'000};
    std::chrono::milliseconds body_timeout{60'000};         // an in-memory body, in total
    std::chrono::milliseconds upload_idle_timeout{15'000};  // a streamed body, between chunks
    std::chrono::milliseconds upload_timeout{15 * 60'000};  // a streamed body, in total
    std::chrono::milliseconds write_timeout{30'000};
    std::size_t connections_max = 10'000;
    std::filesystem::path upload_dir;  // empty: the system temp directory
};

// What one exchange was, for the access log and metrics.
struct Exchange {
    std::string_view service;
    std::string_view method;
    std::string_view route;  // the pattern, or "unmatched"
    std::string_view target;
    std::string_view request_id;
    std::string_view remote_address;
    int status = 0;
    double duration_seconds = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
};

struct ServerHooks {
    // Verifies the caller of a non-public route. Null: every route is open.
    std::function<Result<std::shared_ptr<const auth::Principal>>(const Request&)> authenticate;
    // Renders an error in the service's documented shape. REQUIRED.
    std::function<Response(Status status, const Error& error, std::string_view request_id)>
        format_error;
    // Called once per exchange after the response is written (or the connection dropped).
    std::function<void(const Exchange&)> on_exchange;
};

// The HTTP status an error code maps to by default.
Status StatusFor(ErrorCode code);

// Routing, authentication and error mapping without sockets: what the server does with a
// request whose body has been read. Exposed for unit tests.
class Dispatcher {
 public:
    Dispatcher(std::string service, Router router, ServerHooks hooks);

    struct Prepared {
        const Route* route = nullptr;   // null: `early` is the answer
        std::optional<Response> early;  // 404, 405, OPTIONS, 401
        // The pattern of the route the path matched, also when `early` answers it (a 401): what
        // the access log and the metrics name the request by. Empty: no route matched.
        std::string_view pattern;
    };
    // Finds the route and authenticates. Fills request.path_params and request.principal.
    Prepared Prepare(Request& request) const;
    // Runs the handler; errors and exceptions become responses in the service's shape.
    Response Run(const Route& route, Request& request) const;
    // The same for an asynchronous route: `done` gets the response, once, on whatever thread
    // the handler's work finished on. REQUIRES: route.async_handler is set.
    void RunAsync(const Route& route, Request& request, std::function<void(Response)> done) const;
    // Prepare + Run, for tests and inline use.
    Response Handle(Request& request) const;
    Response Error(Status status, const dictra::Error& error, std::string_view request_id) const;

    const std::string& service() const { return service_; }
    const ServerHooks& hooks() const { return hooks_; }
    const Router& router() const { return router_; }

 private:
    std::string service_;
    Router router_;
    ServerHooks hooks_;
};

class Server {
 public:
    Server(Runtime& runtime, ServerOptions options, Router router, ServerHooks hooks);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts accepting. Returns the bound port (the chosen one when options.port is 0).
    Result<std::uint16_t> Listen();
    // Stops accepting, closes idle keep-alive connections, and asks busy ones to close after
    // their current response. Returns at once; see WaitIdle.
    void BeginShutdown();
    // Waits until no connection is left or the timeout passes. True if none is left.
    bool WaitIdle(std::chrono::milliseconds timeout);

    std::uint16_t port() const;
    std::size_t active_connections() const;
    const Router& router() const;

    struct Impl;

 private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace dictra::http
