#include "bacen/routes.hpp"

#include <boost/json/object.hpp>

#include "core/json/json.hpp"

namespace dictra::bacen {

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    std::string code = error.reason;
    if (code.empty()) {
        code = ToString(error.code);
        for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    body["error"] = {{"code", code}, {"message", error.message}};
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, BacenService& service) {
    router.Add(
        http::Method::kGet, "/health",
        [](http::Request&) -> Result<http::Response> {
            boost::json::object body{{"status", "ok"}, {"service", kServiceName}};
            return http::JsonText(http::Status::kOk, json::Serialize(body));
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
    router.Add(
        http::Method::kGet, "/ready",
        [&service](http::Request&) -> Result<http::Response> {
            const bool ok = service.CheckReadiness().database_connected;
            boost::json::object body{{"status", ok ? "ready" : "unavailable"},
                                     {"database", ok ? "connected" : "disconnected"}};
            return http::JsonText(ok ? http::Status::kOk : http::Status::kServiceUnavailable,
                                  json::Serialize(body));
        },
        http::RouteOptions{.is_public = true});
}

}  // namespace dictra::bacen
