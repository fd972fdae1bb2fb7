// When a recurring schedule runs: pure calendar arithmetic, no clock and no storage.
//
// A Recurrence is the document's schedule parameters in typed form. Its occurrences ("slots")
// are instants in UTC (the document reads scheduled_date + scheduled_time as UTC: 2026-02-01 and
// 10:00 give 2026-02-01T10:00:00Z):
//   ONCE     start_date at time_of_day, and nothing else;
//   DAILY    every date from start_date on, at time_of_day;
//   WEEKLY   every date from start_date on whose weekday is day_of_week;
//   MONTHLY  in every month from start_date's on, day day_of_month, or the month's last day when
//            the month is shorter (31 -> 30 April, 28/29 February), if not before start_date.
// A slot on a date after end_date (when set) does not exist. max_occurrences is not applied
// here: it counts runs, which only the caller knows.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace dictra::settlement {

enum class ScheduleType { kOnce, kDaily, kWeekly, kMonthly };

std::string_view ToString(ScheduleType type);
// "ONCE", "DAILY", "WEEKLY", "MONTHLY" exactly; nullopt for anything else.
std::optional<ScheduleType> ScheduleTypeFromString(std::string_view text);

struct Recurrence {
    ScheduleType type = ScheduleType::kOnce;
    std::chrono::year_month_day start_date;
    std::chrono::seconds time_of_day{0};  // since midnight UTC, [0, 86400)
    // WEEKLY only: 0 = Sunday ... 6 = Saturday.
    std::optional<unsigned> day_of_week;
    // MONTHLY only: 1..31.
    std::optional<unsigned> day_of_month;
    std::optional<std::chrono::year_month_day> end_date;
};

// Checks the invariants the arithmetic relies on (the service validates input before building a
// Recurrence, so a failure here names the rule that was missed). kInvalidArgument naming the
// field: day_of_week / day_of_month missing for their type, or given for another type, out of
// range, an end_date before start_date, a time outside the day.
Status CheckRecurrence(const Recurrence& recurrence);

// The earliest slot at or after `at`; nullopt when there is none (ONCE already past, or every
// later slot falls after end_date).
// REQUIRES: CheckRecurrence(recurrence).ok().
std::optional<SystemTimePoint> FirstSlotAtOrAfter(const Recurrence& recurrence, SystemTimePoint at);

// The earliest slot strictly after `at`.
std::optional<SystemTimePoint> FirstSlotAfter(const Recurrence& recurrence, SystemTimePoint at);

// The very first slot of the recurrence (the first at or after the start date's midnight).
std::optional<SystemTimePoint> FirstSlot(const Recurrence& recurrence);

// "10:00" or "10:00:30" -> seconds since midnight. Hours 00-23, minutes and seconds 00-59.
Result<std::chrono::seconds> ParseTimeOfDay(std::string_view text);
// "10:00" when the seconds are zero, else "10:00:30".
std::string FormatTimeOfDay(std::chrono::seconds time_of_day);

}  // namespace dictra::settlement
