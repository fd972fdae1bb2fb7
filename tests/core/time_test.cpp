#include "core/time.hpp"

#include <gtest/gtest.h>

namespace dictra {
namespace {

using namespace std::chrono_literals;

SystemTimePoint Epoch(std::int64_t seconds, std::int64_t micros = 0) {
    return SystemTimePoint(std::chrono::seconds(seconds) + std::chrono::microseconds(micros));
}

constexpr std::int64_t k2026_01_24_103000 = 1769250600;

TEST(FormatRfc3339, UtcWithZ) {
    EXPECT_EQ(FormatRfc3339(Epoch(k2026_01_24_103000)), "2026-01-24T10:30:00Z");
    EXPECT_EQ(FormatRfc3339(Epoch(k2026_01_24_103000, 123456)), "2026-01-24T10:30:00Z");
    EXPECT_EQ(FormatRfc3339(Epoch(k2026_01_24_103000, 123456), TimePrecision::kMilliseconds),
              "2026-01-24T10:30:00.123Z");
    EXPECT_EQ(FormatRfc3339(Epoch(k2026_01_24_103000, 123456), TimePrecision::kMicroseconds),
              "2026-01-24T10:30:00.123456Z");
    EXPECT_EQ(FormatRfc3339(Epoch(0)), "1970-01-01T00:00:00Z");
    EXPECT_EQ(FormatRfc3339(Epoch(-1, 500000), TimePrecision::kMilliseconds),
              "1969-12-31T23:59:59.500Z");
}

TEST(ParseRfc3339, AcceptsZAndOffsets) {
    EXPECT_EQ(ParseRfc3339("2026-01-24T10:30:00Z").value(), Epoch(k2026_01_24_103000));
    EXPECT_EQ(ParseRfc3339("2026-01-24t10:30:00z").value(), Epoch(k2026_01_24_103000));
    EXPECT_EQ(ParseRfc3339("2026-01-24T07:30:00-03:00").value(), Epoch(k2026_01_24_103000));
    EXPECT_EQ(ParseRfc3339("2026-01-24T12:00:00+01:30").value(), Epoch(k2026_01_24_103000));
    EXPECT_EQ(ParseRfc3339("2026-01-24T10:30:00.5Z").value(), Epoch(k2026_01_24_103000, 500000));
    EXPECT_EQ(ParseRfc3339("2026-01-24T10:30:00.123456789Z").value(),
              Epoch(k2026_01_24_103000, 123456));
    EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z").value(), Epoch(1709164800));
    EXPECT_EQ(ParseRfc3339("2026-01-01T00:30:00+01:00").value(), Epoch(1767223800));
}

TEST(ParseRfc3339, RoundTripsFormat) {
    for (auto precision :
         {TimePrecision::kSeconds, TimePrecision::kMilliseconds, TimePrecision::kMicroseconds}) {
        const auto at =
            Epoch(k2026_01_24_103000, precision == TimePrecision::kMicroseconds ? 654321 : 0);
        EXPECT_EQ(ParseRfc3339(FormatRfc3339(at, precision)).value(), at);
    }
}

TEST(ParseRfc3339, RejectsWrongInput) {
    for (std::string_view bad : {
             "",
             "2026-02-30T10:30:00Z",  // no such day
             "2025-02-29T10:30:00Z",  // not a leap year
             "2026-13-01T10:30:00Z",
             "2026-00-01T10:30:00Z",
             "2026-01-00T10:30:00Z",
             "2026-01-24T24:00:00Z",  // hour 24
             "2026-01-24T10:60:00Z",
             "2026-01-24T10:30:60Z",  // leap second not representable
             "2026-01-24T10:30:00",   // missing offset
             "2026-01-24 10:30:00Z",
             "2026-01-24T10:30Z",
             "2026-01-24T10:30:00.Z",
             "2026-01-24T10:30:00.1234567890Z",
             "2026-01-24T10:30:00+0300",
             "2026-01-24T10:30:00+24:00",
             "2026-01-24T10:30:00+03:60",
             "2026-01-24T10:30:00ZZ",
             "2026-01-24T10:30:00Z ",
             "26-01-24T10:30:00Z",
             "2026-1-24T10:30:00Z",
             "2026-01-24T10:30:00+03:00x",
             "2026-01-24",
         }) {
        auto parsed = ParseRfc3339(bad);
        ASSERT_FALSE(parsed.ok()) << "accepted: " << bad;
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    }
}

TEST(IsoDate, ParseAndFormat) {
    auto date = ParseIsoDate("2026-01-24");
    ASSERT_TRUE(date.ok());
    EXPECT_EQ(*date, std::chrono::year_month_day(std::chrono::year(2026), std::chrono::January,
                                                 std::chrono::day(24)));
    EXPECT_EQ(FormatIsoDate(*date), "2026-01-24");
    EXPECT_EQ(FormatIsoDate(UtcDate(Epoch(k2026_01_24_103000))), "2026-01-24");
    for (std::string_view bad :
         {"", "2026-02-30", "2026-1-24", "2026-01-24T", "2026/01/24", "20260124", " 2026-01-24"}) {
        EXPECT_FALSE(ParseIsoDate(bad).ok()) << bad;
    }
}

TEST(FormatGoDuration, MatchesGo) {
    EXPECT_EQ(FormatGoDuration(0us), "0s");
    EXPECT_EQ(FormatGoDuration(2h + 30min + 45s), "2h30m45s");
    EXPECT_EQ(FormatGoDuration(1h), "1h0m0s");
    EXPECT_EQ(FormatGoDuration(90s), "1m30s");
    EXPECT_EQ(FormatGoDuration(1500ms), "1.5s");
    EXPECT_EQ(FormatGoDuration(150ms), "150ms");
    EXPECT_EQ(FormatGoDuration(1500us), "1.5ms");
    EXPECT_EQ(FormatGoDuration(20us), "20\xC2\xB5s");
    EXPECT_EQ(FormatGoDuration(-90s), "-1m30s");
    EXPECT_EQ(FormatGoDuration(26h + 1us), "26h0m0.000001s");
    EXPECT_FALSE(FormatGoDuration(std::chrono::microseconds::min()).empty());
}

}  // namespace
}  // namespace dictra
