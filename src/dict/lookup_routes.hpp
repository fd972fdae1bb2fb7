// The rate-limited lookup, the batch key check, the SPI's payment report and the institutions
// admin (spec "Get PIX Key", "Admin API - Rate Limiting", "Batch Key Validation") over HTTP.
// Admin routes need the `admin` scope (X-Participant-ISPB is not required there).
#pragma once

#include "core/http/router.hpp"
#include "dict/institution.hpp"
#include "dict/lookup.hpp"

namespace dictra::dict {

// REQUIRES: `lookups` and `institutions` outlive the router.
void AddLookupRoutes(http::Router& router, LookupService& lookups,
                     InstitutionService& institutions);

}  // namespace dictra::dict
