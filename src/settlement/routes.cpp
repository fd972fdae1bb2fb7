#include "settlement/routes.hpp"

#include <boost/json/object.hpp>

#include "core/json/json.hpp"

namespace dictra::settlement {
namespace {

std::string_view CodeFor(http::Status status, const Error& error) {
    switch (status) {
        case http::Status::kMethodNotAllowed: return "METHOD_NOT_ALLOWED";
        case http::Status::kRequestTimeout: return "REQUEST_TIMEOUT";
        case http::Status::kRequestHeaderFieldsTooLarge: return "HEADER_TOO_LARGE";
        default: break;
    }
    switch (error.code) {
        case ErrorCode::kInvalidArgument: return "VALIDATION_ERROR";
        case ErrorCode::kNotFound: return "NOT_FOUND";
        case ErrorCode::kAlreadyExists:
        case ErrorCode::kConflict: return "CONFLICT";
        case ErrorCode::kFailedPrecondition: return "INVALID_TRANSITION";
        case ErrorCode::kUnauthenticated: return "UNAUTHORIZED";
        case ErrorCode::kPermissionDenied: return "FORBIDDEN";
        case ErrorCode::kResourceExhausted: return "RATE_LIMITED";
        case ErrorCode::kUnavailable: return "SERVICE_UNAVAILABLE";
        case ErrorCode::kPayloadTooLarge: return "PAYLOAD_TOO_LARGE";
        case ErrorCode::kInternal: return "INTERNAL_ERROR";
    }
    return "INTERNAL_ERROR";
}

}  // namespace

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    body["error"] = {
        {"code", error.reason.empty() ? CodeFor(status, error) : std::string_view(error.reason)},
        {"message", error.message}};
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, SettlementService& service) {
    http::RouteOptions probe{.is_public = true, .execution = http::Execution::kInline};
    router.Add(
        http::Method::kGet, "/health",
        [](http::Request&) -> Result<http::Response> {
            return http::JsonText(http::Status::kOk, R"({"status":"ok"})");
        },
        probe);
    router.Add(
        http::Method::kGet, "/ready",
        [&service](http::Request&) -> Result<http::Response> {
            const Readiness readiness = service.CheckReadiness();
            if (readiness.database_connected) {
                return http::JsonText(http::Status::kOk,
                                      R"({"status":"ready","database":"connected"})");
            }
            return http::JsonText(http::Status::kServiceUnavailable,
                                  R"({"status":"unavailable","database":"disconnected"})");
        },
        http::RouteOptions{.is_public = true});
}

}  // namespace dictra::settlement
