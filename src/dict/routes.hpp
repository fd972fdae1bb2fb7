// DICT over HTTP: the paths, JSON shapes and error body of spec/dict-service-api.txt.
// Errors are {"code":"KEY_EXISTS","error":"Key already registered"}.
#pragma once

#include <string_view>

#include "core/http/router.hpp"
#include "dict/service.hpp"

namespace dictra::dict {

// REQUIRES: `service` outlives the router.
void AddRoutes(http::Router& router, DictService& service);

http::Response RenderError(http::Status status, const Error& error, std::string_view request_id);

}  // namespace dictra::dict
