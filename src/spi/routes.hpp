// SPI over HTTP: the paths, JSON shapes and error body of spec/spi-service-api.txt.
// Errors are {"error":"validation_failed","message":"..."}.
#pragma once

#include <string_view>

#include "core/http/router.hpp"
#include "spi/bacen_link.hpp"
#include "spi/service.hpp"

namespace dictra::spi {

// REQUIRES: `service` (and `link`, when not null) outlive the router. Without a link the echo
// answers 503 and created payments wait for the sender's next poll.
void AddRoutes(http::Router& router, SpiService& service, BacenLink* link = nullptr);

http::Response RenderError(http::Status status, const Error& error, std::string_view request_id);

}  // namespace dictra::spi
