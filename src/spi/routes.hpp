// SPI over HTTP: the paths, JSON shapes and error body of spec/spi-service-api.txt.
// Errors are {"error":"validation_failed","message":"..."}.
#pragma once

#include <string_view>

#include "core/http/router.hpp"
#include "spi/service.hpp"

namespace dictra::spi {

// REQUIRES: `service` outlives the router.
void AddRoutes(http::Router& router, SpiService& service);

http::Response RenderError(http::Status status, const Error& error, std::string_view request_id);

}  // namespace dictra::spi
