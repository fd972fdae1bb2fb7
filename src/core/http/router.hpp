// Maps (method, path) to a handler. Patterns are literal segments and `{name}` parameters:
// `/api/v1/payments/{id}/cancel`. A path that matches no pattern is 404; a path that matches a
// pattern under other methods only is 405 with the `Allow` list.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/message.hpp"
#include "core/result.hpp"

namespace dictra::http {

inline constexpr std::size_t kBodyBytesMaxDefault = 1024 * 1024;
inline constexpr std::size_t kUploadBytesMax = 100 * 1024 * 1024;
static_assert(kBodyBytesMaxDefault < kUploadBytesMax);

// Where a handler runs. Handlers that may block (database, outbound HTTP) run on the worker
// pool so the I/O threads keep serving; only trivial handlers that never block run inline.
enum class Execution { kWorker, kInline };

struct RouteOptions {
    std::size_t body_bytes_max = kBodyBytesMaxDefault;
    // The body goes to a temporary file (Request::body_file) instead of memory.
    bool stream_body_to_disk = false;
    // The error answered (413) when the body passes body_bytes_max; unset: the kernel's own
    // "request body is over the limit" (kPayloadTooLarge). Lets an upload route speak its
    // document's words (settlement's FILE_TOO_LARGE).
    std::optional<dictra::Error> body_too_large_error;
    // No bearer token needed (/health, /ready, /metrics, /openapi.json).
    bool is_public = false;
    Execution execution = Execution::kWorker;
};

using Handler = std::function<Result<Response>(Request&)>;

// Hands a handler's answer back to the server; callable once, from any thread.
using Responder = std::function<void(Result<Response>)>;
// A handler that answers later: it starts its work (e.g. Database::WriteAsync) and returns; the
// work calls the Responder. The Request stays valid until then. With Execution::kInline it runs
// on the I/O thread, so it must not block.
using AsyncHandler = std::function<void(Request&, Responder)>;

struct Route {
    Method method = Method::kGet;
    std::string pattern;
    Handler handler;             // empty for an asynchronous route
    AsyncHandler async_handler;  // set only for an asynchronous route
    RouteOptions options;
    std::vector<std::string> segments;  // pattern split on '/'; "{x}" is a parameter
};

class Router {
 public:
    // REQUIRES: pattern starts with '/', and (method, pattern) is not registered yet.
    void Add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
    // The same for a handler that answers through a Responder.
    void AddAsync(Method method, std::string pattern, AsyncHandler handler,
                  RouteOptions options = {});

    struct Match {
        const Route* route = nullptr;  // null: no route for this method
        bool path_known = false;       // some method matches this path (=> 405, not 404)
        std::string allow;             // "GET, POST" when path_known and route is null
    };
    // Fills `params` with the matched route's path parameters.
    Match Find(Method method, std::string_view path,
               std::vector<std::pair<std::string, std::string>>& params) const;

    const std::vector<Route>& routes() const { return routes_; }

 private:
    void AddRoute(Route route);
    std::vector<Route> routes_;
};

}  // namespace dictra::http
