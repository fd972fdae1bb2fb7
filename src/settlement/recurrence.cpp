#include "settlement/recurrence.hpp"

#include <array>
#include <utility>

#include "core/check.hpp"

namespace dictra::settlement {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::array<std::pair<ScheduleType, std::string_view>, 4> kTypeNames = {{
    {ScheduleType::kOnce, "ONCE"},
    {ScheduleType::kDaily, "DAILY"},
    {ScheduleType::kWeekly, "WEEKLY"},
    {ScheduleType::kMonthly, "MONTHLY"},
}};

constexpr std::chrono::seconds kDay = std::chrono::hours(24);

SystemTimePoint SlotOn(const year_month_day& date, std::chrono::seconds time_of_day) {
    return SystemTimePoint(std::chrono::duration_cast<std::chrono::microseconds>(
        (sys_days(date) + time_of_day).time_since_epoch()));
}

// Day `day_of_month` of `month`, or its last day when the month is shorter.
year_month_day ClampedDay(std::chrono::year_month month, unsigned day_of_month) {
    const std::chrono::day last = std::chrono::year_month_day_last(month / std::chrono::last).day();
    const std::chrono::day wanted{day_of_month};
    return month / (wanted > last ? last : wanted);
}

// The slot of a recurring type on the first eligible date at or after `from`, ignoring
// end_date. Every loop below ends within a few iterations: dates only move forward.
SystemTimePoint RecurringSlotAtOrAfter(const Recurrence& recurrence, SystemTimePoint at) {
    const sys_days start_day = sys_days(recurrence.start_date);
    const sys_days at_day = std::chrono::floor<days>(at);
    sys_days day = at_day > start_day ? at_day : start_day;
    switch (recurrence.type) {
        case ScheduleType::kDaily: {
            if (SlotOn(day, recurrence.time_of_day) < at) day += days(1);
            return SlotOn(day, recurrence.time_of_day);
        }
        case ScheduleType::kWeekly: {
            const std::chrono::weekday wanted{*recurrence.day_of_week};
            day += wanted - std::chrono::weekday(day);  // weekday difference is in [0, 6] days
            if (SlotOn(day, recurrence.time_of_day) < at) day += days(7);
            return SlotOn(day, recurrence.time_of_day);
        }
        case ScheduleType::kMonthly: {
            const year_month_day from{day};
            std::chrono::year_month month = from.year() / from.month();
            for (int month_idx = 0; month_idx < 3; ++month_idx) {
                const year_month_day candidate = ClampedDay(month, *recurrence.day_of_month);
                if (sys_days(candidate) >= start_day &&
                    SlotOn(candidate, recurrence.time_of_day) >= at) {
                    return SlotOn(candidate, recurrence.time_of_day);
                }
                month += std::chrono::months(1);
            }
            // Within two months of `from` some clamped day is on or after it and after start.
            DICTRA_CHECK(false);
            return at;
        }
        case ScheduleType::kOnce: break;
    }
    DICTRA_CHECK(false);
    return at;
}

Error Invalid(const std::string& field, const std::string& message) {
    return Error::InvalidArgument(field + " " + message, field);
}

}  // namespace

std::string_view ToString(ScheduleType type) {
    for (const auto& [value, name] : kTypeNames)
        if (value == type) return name;
    return "UNKNOWN";
}

std::optional<ScheduleType> ScheduleTypeFromString(std::string_view text) {
    for (const auto& [value, name] : kTypeNames)
        if (name == text) return value;
    return std::nullopt;
}

Status CheckRecurrence(const Recurrence& recurrence) {
    if (!recurrence.start_date.ok()) return Invalid("scheduled_date", "must be a valid date");
    if (recurrence.time_of_day < std::chrono::seconds(0) || recurrence.time_of_day >= kDay)
        return Invalid("scheduled_time", "must be within the day (00:00 to 23:59:59)");
    const bool weekly = recurrence.type == ScheduleType::kWeekly;
    const bool monthly = recurrence.type == ScheduleType::kMonthly;
    if (weekly && !recurrence.day_of_week) return Invalid("day_of_week", "is required for WEEKLY");
    if (!weekly && recurrence.day_of_week)
        return Invalid("day_of_week", "applies only to WEEKLY schedules");
    if (recurrence.day_of_week && *recurrence.day_of_week > 6)
        return Invalid("day_of_week", "must be 0 (Sunday) to 6 (Saturday)");
    if (monthly && !recurrence.day_of_month)
        return Invalid("day_of_month", "is required for MONTHLY");
    if (!monthly && recurrence.day_of_month)
        return Invalid("day_of_month", "applies only to MONTHLY schedules");
    if (recurrence.day_of_month && (*recurrence.day_of_month < 1 || *recurrence.day_of_month > 31))
        return Invalid("day_of_month", "must be 1 to 31");
    if (recurrence.end_date) {
        if (!recurrence.end_date->ok()) return Invalid("recurrence_end_date", "must be a date");
        if (*recurrence.end_date < recurrence.start_date)
            return Invalid("recurrence_end_date", "must not be before scheduled_date");
    }
    return Ok();
}

std::optional<SystemTimePoint> FirstSlotAtOrAfter(const Recurrence& recurrence,
                                                  SystemTimePoint at) {
    DICTRA_ASSERT(CheckRecurrence(recurrence).ok());
    SystemTimePoint slot;
    if (recurrence.type == ScheduleType::kOnce) {
        slot = SlotOn(recurrence.start_date, recurrence.time_of_day);
        if (slot < at) return std::nullopt;
    } else {
        slot = RecurringSlotAtOrAfter(recurrence, at);
    }
    if (recurrence.end_date && std::chrono::floor<days>(slot) > sys_days(*recurrence.end_date))
        return std::nullopt;
    return slot;
}

std::optional<SystemTimePoint> FirstSlotAfter(const Recurrence& recurrence, SystemTimePoint at) {
    return FirstSlotAtOrAfter(recurrence, at + std::chrono::microseconds(1));
}

std::optional<SystemTimePoint> FirstSlot(const Recurrence& recurrence) {
    return FirstSlotAtOrAfter(recurrence, SlotOn(recurrence.start_date, std::chrono::seconds(0)));
}

Result<std::chrono::seconds> ParseTimeOfDay(std::string_view text) {
    auto two_digits = [&](std::size_t pos, int max) -> std::optional<int> {
        const char high = text[pos];
        const char low = text[pos + 1];
        if (high < '0' || high > '9' || low < '0' || low > '9') return std::nullopt;
        const int value = (high - '0') * 10 + (low - '0');
        if (value > max) return std::nullopt;
        return value;
    };
    const Error bad = Invalid("scheduled_time", "must be HH:MM or HH:MM:SS (UTC, 00:00 to 23:59)");
    if (text.size() != 5 && text.size() != 8) return bad;
    if (text[2] != ':' || (text.size() == 8 && text[5] != ':')) return bad;
    std::optional<int> hours = two_digits(0, 23);
    std::optional<int> minutes = two_digits(3, 59);
    std::optional<int> seconds = text.size() == 8 ? two_digits(6, 59) : std::optional<int>(0);
    if (!hours || !minutes || !seconds) return bad;
    return std::chrono::seconds(*hours * 3600 + *minutes * 60 + *seconds);
}

std::string FormatTimeOfDay(std::chrono::seconds time_of_day) {
    const auto total = static_cast<unsigned>(time_of_day.count()) % 86'400u;
    const unsigned parts[] = {total / 3600, (total / 60) % 60, total % 60};
    std::string text;
    for (std::size_t part_idx = 0; part_idx < (parts[2] == 0 ? 2u : 3u); ++part_idx) {
        if (part_idx > 0) text += ':';
        text += static_cast<char>('0' + parts[part_idx] / 10);
        text += static_cast<char>('0' + parts[part_idx] % 10);
    }
    return text;
}

}  // namespace dictra::settlement
