// The simulator over HTTP. It has no document in spec/ (it stands in for BACEN's ICOM interface);
// its JSON errors take the settlement shape {"error":{"code":"...","message":"..."}}, see
// docs/bacen.md.
#pragma once

#include <string_view>

#include "bacen/service.hpp"
#include "core/http/router.hpp"

namespace dictra::bacen {

// REQUIRES: `service` outlives the router.
void AddRoutes(http::Router& router, BacenService& service);

http::Response RenderError(http::Status status, const Error& error, std::string_view request_id);

}  // namespace dictra::bacen
