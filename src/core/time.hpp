// Time as text: RFC 3339 timestamps, ISO dates and Go-style durations.
//
// DICTRA writes every timestamp in UTC with a 'Z' ("2026-01-24T10:30:00Z"). It reads RFC 3339
// with 'Z' or a numeric offset and normalises to UTC, so a caller in -03:00 is understood.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace dictra {

// How many fraction digits FormatRfc3339 writes.
enum class TimePrecision {
    kSeconds,       // "2026-01-24T10:30:00Z" (the fraction is truncated)
    kMilliseconds,  // "2026-01-24T10:30:00.123Z"
    kMicroseconds,  // "2026-01-24T10:30:00.123456Z"
};

// Formats `at` in UTC. Sub-precision parts are truncated towards the past.
// REQUIRES: `at` within years 0000..9999.
std::string FormatRfc3339(SystemTimePoint at, TimePrecision precision = TimePrecision::kSeconds);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)" (RFC 3339 section 5.6; 'T' and 'Z' in
// either case). The fraction has 1 to 9 digits; digits beyond microseconds are truncated.
// Rejected with kInvalidArgument: impossible dates (2026-02-30), hour 24, leap second 60, a
// missing offset, a space instead of 'T', offsets beyond 23:59, and anything trailing.
Result<SystemTimePoint> ParseRfc3339(std::string_view text);

// "YYYY-MM-DD". Parse rejects impossible dates and anything but exactly 10 characters.
Result<std::chrono::year_month_day> ParseIsoDate(std::string_view text);
// REQUIRES: date.ok() and year within 0000..9999.
std::string FormatIsoDate(std::chrono::year_month_day date);
// The UTC calendar date of `at`.
std::chrono::year_month_day UtcDate(SystemTimePoint at);

// A duration the way Go prints time.Duration: "2h30m45s", "1m0s", "1.5s", "150ms", "20µs", "0s",
// with a leading '-' when negative. Used where a Go-built peer expects that shape (SPI /health).
std::string FormatGoDuration(std::chrono::microseconds duration);

}  // namespace dictra
