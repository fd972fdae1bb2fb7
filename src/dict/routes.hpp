// DICT over HTTP: the paths, JSON shapes and error body of spec/dict-service-api.txt.
// Errors are {"code":"KEY_EXISTS","error":"Key already registered"}.
#pragma once

#include <string>
#include <string_view>

#include "core/http/router.hpp"
#include "dict/service.hpp"

namespace dictra::dict {

// REQUIRES: `service` outlives the router.
void AddRoutes(http::Router& router, DictService& service);

// The document's entry object, serialized (the lookup caches it).
std::string RenderEntryJson(const Entry& entry);

http::Response RenderError(http::Status status, const Error& error, std::string_view request_id);

}  // namespace dictra::dict
