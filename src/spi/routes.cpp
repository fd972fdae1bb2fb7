#include "spi/routes.hpp"

#include <boost/json/object.hpp>

#include "core/json/json.hpp"
#include "core/time.hpp"

namespace dictra::spi {
namespace {

std::string_view CodeFor(http::Status status, const Error& error) {
    switch (status) {
        case http::Status::kMethodNotAllowed: return "method_not_allowed";
        case http::Status::kRequestTimeout: return "request_timeout";
        case http::Status::kRequestHeaderFieldsTooLarge: return "header_too_large";
        default: break;
    }
    switch (error.code) {
        case ErrorCode::kInvalidArgument: return "validation_failed";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kAlreadyExists:
        case ErrorCode::kConflict: return "conflict";
        case ErrorCode::kFailedPrecondition: return "invalid_state";
        case ErrorCode::kUnauthenticated: return "unauthorized";
        case ErrorCode::kPermissionDenied: return "forbidden";
        case ErrorCode::kResourceExhausted: return "rate_limited";
        case ErrorCode::kUnavailable: return "service_unavailable";
        case ErrorCode::kPayloadTooLarge: return "payload_too_large";
        case ErrorCode::kInternal: return "internal_error";
    }
    return "internal_error";
}

}  // namespace

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    body["error"] = error.reason.empty() ? CodeFor(status, error) : std::string_view(error.reason);
    body["message"] = error.message;
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, SpiService& service) {
    router.Add(
        http::Method::kGet, "/health",
        [&service](http::Request&) -> Result<http::Response> {
            const SystemTimePoint now = service.clock().Now();
            boost::json::object body;
            body["status"] = "healthy";
            body["uptime"] = FormatGoDuration(
                std::chrono::duration_cast<std::chrono::seconds>(now - service.started_at()));
            body["timestamp"] = FormatRfc3339(now);
            return http::JsonText(http::Status::kOk, json::Serialize(body));
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
    router.Add(
        http::Method::kGet, "/ready",
        [&service](http::Request&) -> Result<http::Response> {
            const Readiness readiness = service.CheckReadiness();
            boost::json::object body;
            body["status"] = readiness.AllHealthy() ? "healthy" : "unhealthy";
            body["services"] = {{"database", ToString(readiness.database)},
                                {"bacen", ToString(readiness.bacen)},
                                {"nats", ToString(readiness.nats)}};
            return http::JsonText(
                readiness.AllHealthy() ? http::Status::kOk : http::Status::kServiceUnavailable,
                json::Serialize(body));
        },
        http::RouteOptions{.is_public = true});
}

}  // namespace dictra::spi
