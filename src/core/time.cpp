#include "core/time.hpp"

#include <cstdint>
#include <cstdio>

#include "core/check.hpp"

namespace dictra {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kFractionDigitsMax = 9;  // RFC 3339 does not bound it; nanoseconds is plenty
constexpr int kMicrosecondDigits = 6;

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

// Reads `count` digits at `pos`; false if any is not a digit.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t idx = pos; idx < pos + count; ++idx) {
        if (!IsDigit(text[idx])) return false;
        value = value * 10 + (text[idx] - '0');
    }
    out = value;
    return true;
}

Error Invalid(std::string message) {
    return Error::InvalidArgument(std::move(message));
}

// Validates "YYYY-MM-DD" at the start of `text`.
Result<std::chrono::year_month_day> ParseDatePart(std::string_view text) {
    int year = 0;
    int month = 0;
    int day = 0;
    if (text.size() < 10 || !ReadDigits(text, 0, 4, year) || text[4] != '-' ||
        !ReadDigits(text, 5, 2, month) || text[7] != '-' || !ReadDigits(text, 8, 2, day)) {
        return Invalid("date must be YYYY-MM-DD");
    }
    const std::chrono::year_month_day date{std::chrono::year(year),
                                           std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return Invalid("date does not exist");
    return date;
}

void AppendPadded(std::string& out, std::int64_t value, int width) {
    char buffer[24];
    const int written =
        std::snprintf(buffer, sizeof buffer, "%0*lld", width, static_cast<long long>(value));
    out.append(buffer, static_cast<std::size_t>(written));
}

// Appends ".ddd" for the non-zero fraction `value` of `width` digits, without trailing zeros.
void AppendTrimmedFraction(std::string& out, std::uint64_t value, int width) {
    if (value == 0) return;
    std::string digits;
    AppendPadded(digits, static_cast<std::int64_t>(value), width);
    digits.erase(digits.find_last_not_of('0') + 1);
    out.push_back('.');
    out += digits;
}

}  // namespace

std::string FormatRfc3339(SystemTimePoint at, TimePrecision precision) {
    const auto day_start = std::chrono::floor<days>(at);
    const std::chrono::year_month_day date{day_start};
    const std::chrono::hh_mm_ss time_of_day{at - day_start};
    DICTRA_ASSERT(static_cast<int>(date.year()) >= 0 && static_cast<int>(date.year()) <= 9999);
    std::string out = FormatIsoDate(date);
    out.push_back('T');
    AppendPadded(out, time_of_day.hours().count(), 2);
    out.push_back(':');
    AppendPadded(out, time_of_day.minutes().count(), 2);
    out.push_back(':');
    AppendPadded(out, time_of_day.seconds().count(), 2);
    const std::int64_t sub_second_us = time_of_day.subseconds().count();
    switch (precision) {
        case TimePrecision::kSeconds: break;
        case TimePrecision::kMilliseconds:
            out.push_back('.');
            AppendPadded(out, sub_second_us / 1000, 3);
            break;
        case TimePrecision::kMicroseconds:
            out.push_back('.');
            AppendPadded(out, sub_second_us, 6);
            break;
    }
    out.push_back('Z');
    return out;
}

Result<SystemTimePoint> ParseRfc3339(std::string_view text) {
    constexpr std::string_view kShape = "timestamp must be RFC 3339, e.g. 2026-01-24T10:30:00Z";
    if (text.size() < 20 || text.size() > 40) return Invalid(std::string(kShape));
    DICTRA_ASSIGN_OR_RETURN(const std::chrono::year_month_day date, ParseDatePart(text));
    int hour = 0;
    int minute = 0;
    int second = 0;
    if ((text[10] != 'T' && text[10] != 't') || !ReadDigits(text, 11, 2, hour) || text[13] != ':' ||
        !ReadDigits(text, 14, 2, minute) || text[16] != ':' || !ReadDigits(text, 17, 2, second)) {
        return Invalid(std::string(kShape));
    }
    if (hour > 23 || minute > 59 || second > 59) return Invalid("time of day is out of range");

    std::size_t pos = 19;
    std::int64_t fraction_us = 0;
    if (text[pos] == '.') {
        ++pos;
        const std::size_t fraction_begin = pos;
        while (pos < text.size() && IsDigit(text[pos])) ++pos;
        const auto digit_count = static_cast<int>(pos - fraction_begin);
        if (digit_count == 0 || digit_count > kFractionDigitsMax)
            return Invalid("fractional seconds are malformed");
        for (int digit_idx = 0; digit_idx < kMicrosecondDigits; ++digit_idx) {
            const int digit = digit_idx < digit_count
                                  ? text[fraction_begin + static_cast<std::size_t>(digit_idx)] - '0'
                                  : 0;
            fraction_us = fraction_us * 10 + digit;
        }
    }
    if (pos >= text.size()) return Invalid("timestamp has no offset (Z or +hh:mm)");

    int offset_minutes = 0;
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        int offset_hour = 0;
        int offset_minute = 0;
        if (!ReadDigits(text, pos + 1, 2, offset_hour) || pos + 3 >= text.size() ||
            text[pos + 3] != ':' || !ReadDigits(text, pos + 4, 2, offset_minute)) {
            return Invalid("timestamp offset must be Z or +hh:mm");
        }
        if (offset_hour > 23 || offset_minute > 59)
            return Invalid("timestamp offset is out of range");
        offset_minutes = (offset_hour * 60 + offset_minute) * (text[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return Invalid("timestamp offset must be Z or +hh:mm");
    }
    if (pos != text.size()) return Invalid(std::string(kShape));

    const SystemTimePoint local = std::chrono::sys_days(date) + hours(hour) + minutes(minute) +
                                  seconds(second) + microseconds(fraction_us);
    // Local time = UTC + offset, so UTC = local - offset.
    return local - minutes(offset_minutes);
}

Result<std::chrono::year_month_day> ParseIsoDate(std::string_view text) {
    if (text.size() != 10) return Invalid("date must be YYYY-MM-DD");
    return ParseDatePart(text);
}

std::string FormatIsoDate(std::chrono::year_month_day date) {
    DICTRA_ASSERT(date.ok());
    std::string out;
    out.reserve(10);
    AppendPadded(out, static_cast<int>(date.year()), 4);
    out.push_back('-');
    AppendPadded(out, static_cast<unsigned>(date.month()), 2);
    out.push_back('-');
    AppendPadded(out, static_cast<unsigned>(date.day()), 2);
    return out;
}

std::chrono::year_month_day UtcDate(SystemTimePoint at) {
    return std::chrono::year_month_day{std::chrono::floor<days>(at)};
}

std::string FormatGoDuration(std::chrono::microseconds duration) {
    const std::int64_t signed_us = duration.count();
    // Unsigned magnitude so the most negative duration does not overflow on negation.
    const std::uint64_t magnitude_us = signed_us < 0 ? 0 - static_cast<std::uint64_t>(signed_us)
                                                     : static_cast<std::uint64_t>(signed_us);
    if (magnitude_us == 0) return "0s";
    std::string out = signed_us < 0 ? "-" : "";
    if (magnitude_us < 1000) {
        out += std::to_string(magnitude_us);
        out += "\xC2\xB5s";  // "µs", the micro sign as Go writes it
        return out;
    }
    if (magnitude_us < 1000 * 1000) {
        out += std::to_string(magnitude_us / 1000);
        AppendTrimmedFraction(out, magnitude_us % 1000, 3);
        out += "ms";
        return out;
    }
    const std::uint64_t total_seconds = magnitude_us / 1000000;
    const std::uint64_t hour_count = total_seconds / 3600;
    const std::uint64_t minute_count = (total_seconds / 60) % 60;
    if (hour_count > 0) {
        out += std::to_string(hour_count);
        out.push_back('h');
    }
    if (hour_count > 0 || minute_count > 0) {
        out += std::to_string(minute_count);
        out.push_back('m');
    }
    out += std::to_string(total_seconds % 60);
    AppendTrimmedFraction(out, magnitude_us % 1000000, 6);
    out.push_back('s');
    return out;
}

}  // namespace dictra
