// Settlement over HTTP: the paths, JSON shapes and error body of
// spec/settlement-service-api.txt. Errors are {"error":{"code":"...","message":"..."}}.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>

#include "core/http/router.hpp"
#include "settlement/service.hpp"

namespace dictra::settlement {

// REQUIRES: `service` outlives the router.
void AddRoutes(http::Router& router, SettlementService& service);

// The "Schedules" section; AddRoutes calls it.
void AddScheduleRoutes(http::Router& router, SettlementService& service);

// The document's pagination object: total, page (offset / limit), page_size, total_pages.
// REQUIRES: limit > 0.
boost::json::object PaginationJson(std::int64_t total, std::int64_t limit, std::int64_t offset);

// The "QR Codes" section and the public location of dynamic codes (GET /qr/{unique_id});
// AddRoutes calls it.
void AddQrRoutes(http::Router& router, SettlementService& service);

// The "File Operations" section (/api/v1/files/...); AddRoutes calls it. The upload limit is
// the service's FileOptions::import_bytes_max.
void AddFileRoutes(http::Router& router, SettlementService& service);

// The document's error body for any failure, including the server's own (404, 405, 413, 401).
http::Response RenderError(http::Status status, const Error& error, std::string_view request_id);

}  // namespace dictra::settlement
