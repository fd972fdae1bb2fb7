// The rate-limited lookup, the batch key check, the SPI's payment report and the institutions
// admin (spec "Get PIX Key", "Admin API - Rate Limiting", "Batch Key Validation") over HTTP.
// Admin routes need the `admin` scope (X-Participant-ISPB is not required there).
#pragma once

#include "core/http/router.hpp"
#include "core/metrics.hpp"
#include "dict/institution.hpp"
#include "dict/lookup.hpp"

namespace dictra::dict {

// REQUIRES: `lookups`, `institutions` and `counters` outlive the router.
// Prometheus: dict_lookups_total{result="found|not_found|rate_limited"} and
// dict_lookup_refunds_total. Children are resolved once, not per request.
struct LookupCounters {
    explicit LookupCounters(metrics::Registry& registry);
    metrics::Counter& found;
    metrics::Counter& not_found;
    metrics::Counter& rate_limited;
    metrics::Counter& refunds;
};

void AddLookupRoutes(http::Router& router, LookupService& lookups, InstitutionService& institutions,
                     LookupCounters& counters);

}  // namespace dictra::dict
