// Schedule arithmetic: first slots, month ends, leap years, weekdays, end dates.
#include "settlement/recurrence.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

namespace dictra::settlement {
namespace {

using std::chrono::year_month_day;

year_month_day Date(std::string_view text) {
    return *ParseIsoDate(text);
}
SystemTimePoint At(std::string_view text) {
    return *ParseRfc3339(text);
}
std::string Text(const std::optional<SystemTimePoint>& at) {
    return at ? FormatRfc3339(*at) : "none";
}

Recurrence Monthly(std::string_view start, unsigned day_of_month, std::string_view time = "10:00") {
    return Recurrence{.type = ScheduleType::kMonthly,
                      .start_date = Date(start),
                      .time_of_day = *ParseTimeOfDay(time),
                      .day_of_month = day_of_month};
}

// Every slot from the first on, `count` of them.
std::vector<std::string> Slots(const Recurrence& recurrence, int count) {
    std::vector<std::string> slots;
    std::optional<SystemTimePoint> slot = FirstSlot(recurrence);
    for (int slot_idx = 0; slot_idx < count && slot; ++slot_idx) {
        slots.push_back(FormatRfc3339(*slot));
        slot = FirstSlotAfter(recurrence, *slot);
    }
    return slots;
}

TEST(Recurrence, TheDocumentsExampleIsReadAsUtc) {
    EXPECT_EQ(Text(FirstSlot(Monthly("2026-02-01", 1))), "2026-02-01T10:00:00Z");
}

TEST(Recurrence, Day31RunsOnTheLastDayOfShorterMonths) {
    EXPECT_EQ(Slots(Monthly("2026-01-01", 31, "09:30"), 5),
              (std::vector<std::string>{"2026-01-31T09:30:00Z", "2026-02-28T09:30:00Z",
                                        "2026-03-31T09:30:00Z", "2026-04-30T09:30:00Z",
                                        "2026-05-31T09:30:00Z"}));
}

TEST(Recurrence, LeapYearFebruaryHas29Days) {
    EXPECT_EQ(Slots(Monthly("2028-01-30", 30), 3),
              (std::vector<std::string>{"2028-01-30T10:00:00Z", "2028-02-29T10:00:00Z",
                                        "2028-03-30T10:00:00Z"}));
    EXPECT_EQ(Slots(Monthly("2100-02-01", 29), 1),  // 2100 is not a leap year
              (std::vector<std::string>{"2100-02-28T10:00:00Z"}));
    EXPECT_EQ(Slots(Monthly("2000-02-01", 29), 1),  // 2000 is
              (std::vector<std::string>{"2000-02-29T10:00:00Z"}));
}

TEST(Recurrence, MonthlyStartsInTheNextMonthWhenTheDayHasPassed) {
    EXPECT_EQ(Text(FirstSlot(Monthly("2026-02-15", 10))), "2026-03-10T10:00:00Z");
    EXPECT_EQ(Text(FirstSlot(Monthly("2026-12-15", 10))), "2027-01-10T10:00:00Z");
}

TEST(Recurrence, DailyRunsEveryDayAcrossMonthAndYearEnds) {
    Recurrence daily{.type = ScheduleType::kDaily,
                     .start_date = Date("2026-12-30"),
                     .time_of_day = *ParseTimeOfDay("23:59:59")};
    EXPECT_EQ(Slots(daily, 3),
              (std::vector<std::string>{"2026-12-30T23:59:59Z", "2026-12-31T23:59:59Z",
                                        "2027-01-01T23:59:59Z"}));
}

TEST(Recurrence, WeeklyRunsOnTheFirstMatchingWeekdayOnOrAfterTheStart) {
    // 2026-02-01 is a Sunday.
    Recurrence weekly{.type = ScheduleType::kWeekly,
                      .start_date = Date("2026-02-01"),
                      .time_of_day = *ParseTimeOfDay("08:00"),
                      .day_of_week = 3};  // Wednesday
    EXPECT_EQ(Slots(weekly, 3),
              (std::vector<std::string>{"2026-02-04T08:00:00Z", "2026-02-11T08:00:00Z",
                                        "2026-02-18T08:00:00Z"}));
    weekly.day_of_week = 0;  // Sunday: the start date itself
    EXPECT_EQ(Text(FirstSlot(weekly)), "2026-02-01T08:00:00Z");
}

TEST(Recurrence, OnceHasExactlyOneSlot) {
    Recurrence once{.type = ScheduleType::kOnce,
                    .start_date = Date("2026-02-01"),
                    .time_of_day = *ParseTimeOfDay("10:00")};
    EXPECT_EQ(Slots(once, 5), (std::vector<std::string>{"2026-02-01T10:00:00Z"}));
    EXPECT_EQ(Text(FirstSlotAtOrAfter(once, At("2026-02-01T10:00:00Z"))), "2026-02-01T10:00:00Z");
    EXPECT_EQ(Text(FirstSlotAfter(once, At("2026-02-01T10:00:00Z"))), "none");
}

TEST(Recurrence, EndDateIsInclusiveAndEndsTheSlots) {
    Recurrence monthly = Monthly("2026-01-01", 15);
    monthly.end_date = Date("2026-03-15");
    EXPECT_EQ(Slots(monthly, 10),
              (std::vector<std::string>{"2026-01-15T10:00:00Z", "2026-02-15T10:00:00Z",
                                        "2026-03-15T10:00:00Z"}));
    monthly.end_date = Date("2026-01-14");  // before the first eligible day
    EXPECT_EQ(Text(FirstSlot(monthly)), "none");
}

TEST(Recurrence, SlotsAfterAnInstantSkipEverythingBefore) {
    Recurrence daily{.type = ScheduleType::kDaily,
                     .start_date = Date("2026-01-01"),
                     .time_of_day = *ParseTimeOfDay("10:00")};
    EXPECT_EQ(Text(FirstSlotAtOrAfter(daily, At("2026-06-10T09:00:00Z"))), "2026-06-10T10:00:00Z");
    EXPECT_EQ(Text(FirstSlotAtOrAfter(daily, At("2026-06-10T10:00:01Z"))), "2026-06-11T10:00:00Z");
}

TEST(Recurrence, CheckNamesTheBrokenField) {
    Recurrence weekly{.type = ScheduleType::kWeekly, .start_date = Date("2026-02-01")};
    EXPECT_EQ(CheckRecurrence(weekly).error().field, "day_of_week");
    Recurrence monthly{.type = ScheduleType::kMonthly, .start_date = Date("2026-02-01")};
    EXPECT_EQ(CheckRecurrence(monthly).error().field, "day_of_month");
    monthly.day_of_month = 32;
    EXPECT_EQ(CheckRecurrence(monthly).error().field, "day_of_month");
    monthly.day_of_month = 1;
    monthly.day_of_week = 2;
    EXPECT_EQ(CheckRecurrence(monthly).error().field, "day_of_week");
    monthly.day_of_week.reset();
    monthly.end_date = Date("2026-01-31");
    EXPECT_EQ(CheckRecurrence(monthly).error().field, "recurrence_end_date");
    monthly.end_date.reset();
    EXPECT_TRUE(CheckRecurrence(monthly).ok());
}

TEST(Recurrence, TimeOfDayReadsHhMmAndHhMmSs) {
    EXPECT_EQ(ParseTimeOfDay("10:00")->count(), 36'000);
    EXPECT_EQ(ParseTimeOfDay("23:59:59")->count(), 86'399);
    EXPECT_EQ(FormatTimeOfDay(std::chrono::seconds(36'000)), "10:00");
    EXPECT_EQ(FormatTimeOfDay(std::chrono::seconds(86'399)), "23:59:59");
    for (std::string_view bad : {"", "10", "10:0", "24:00", "10:60", "1:00", "10-00", "10:00:60",
                                 "10:00:", "10:00Z", "aa:bb", " 10:00"}) {
        auto parsed = ParseTimeOfDay(bad);
        ASSERT_FALSE(parsed.ok()) << bad;
        EXPECT_EQ(parsed.error().field, "scheduled_time");
    }
}

}  // namespace
}  // namespace dictra::settlement
