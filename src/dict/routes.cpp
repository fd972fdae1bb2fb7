#include "dict/routes.hpp"

#include <boost/json/object.hpp>

#include "core/json/json.hpp"

namespace dictra::dict {
namespace {

std::string_view CodeFor(http::Status status, const Error& error) {
    switch (status) {
        case http::Status::kMethodNotAllowed: return "METHOD_NOT_ALLOWED";
        case http::Status::kRequestTimeout: return "REQUEST_TIMEOUT";
        case http::Status::kRequestHeaderFieldsTooLarge: return "HEADER_TOO_LARGE";
        default: break;
    }
    switch (error.code) {
        case ErrorCode::kInvalidArgument: return "INVALID_REQUEST";
        case ErrorCode::kNotFound: return "NOT_FOUND";
        case ErrorCode::kAlreadyExists:
        case ErrorCode::kConflict: return "CONFLICT";
        case ErrorCode::kFailedPrecondition: return "INVALID_STATE";
        case ErrorCode::kUnauthenticated: return "UNAUTHORIZED";
        case ErrorCode::kPermissionDenied: return "FORBIDDEN";
        case ErrorCode::kResourceExhausted: return "RATE_LIMITED";
        case ErrorCode::kUnavailable: return "SERVICE_UNAVAILABLE";
        case ErrorCode::kPayloadTooLarge: return "PAYLOAD_TOO_LARGE";
        case ErrorCode::kInternal: return "INTERNAL_ERROR";
    }
    return "INTERNAL_ERROR";
}

http::Response Probe(bool ok, std::string_view good, std::string_view bad) {
    boost::json::object body;
    body["status"] = ok ? good : bad;
    body["service"] = kServiceName;
    return http::JsonText(ok ? http::Status::kOk : http::Status::kServiceUnavailable,
                          json::Serialize(body));
}

}  // namespace

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    body["code"] = error.reason.empty() ? CodeFor(status, error) : std::string_view(error.reason);
    body["error"] = error.message;
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, DictService& service) {
    router.Add(
        http::Method::kGet, "/health",
        [](http::Request&) -> Result<http::Response> {
            return Probe(true, "healthy", "unhealthy");
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
    router.Add(
        http::Method::kGet, "/ready",
        [&service](http::Request&) -> Result<http::Response> {
            return Probe(service.CheckReadiness().database_connected, "ready", "unavailable");
        },
        http::RouteOptions{.is_public = true});
}

}  // namespace dictra::dict
