// The OpenAPI 3.1 documents of the services, embedded at build time from docs/openapi/.
#pragma once

#include <string_view>

namespace dictra::app {

// The document of "settlement", "spi", "dict" or "bacen"; empty for anything else.
std::string_view OpenApiDocument(std::string_view service);

}  // namespace dictra::app
