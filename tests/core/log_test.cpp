#include "core/log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace dictra::log {
namespace {

TEST(LogTest, EscapesEverythingThatCouldBreakALine) {
    std::string out;
    AppendJsonString(out, "a\"b\\c\nd\re\tf\x01g\x7f");
    EXPECT_EQ(out, R"("a\"b\\c\nd\re\tf\u0001g\u007f")");
    // Whatever the caller logs, the line stays one valid JSON value.
    EXPECT_EQ(boost::json::parse(out).as_string(), "a\"b\\c\nd\re\tf\x01g\x7f");
}

TEST(LogTest, LineIsOneJsonObjectWithTimestampLevelAndEvent) {
    ::testing::internal::CaptureStdout();
    Info("access").Str("route", "/health").Int("status", 200).Num("ms", 1.5).Bool("ok", true);
    Error("failed").Str("why", "quote \" inside");
    std::string output = ::testing::internal::GetCapturedStdout();
    std::size_t newline = output.find('\n');
    ASSERT_NE(newline, std::string::npos);
    auto first = boost::json::parse(output.substr(0, newline)).as_object();
    EXPECT_EQ(first.at("level"), "info");
    EXPECT_EQ(first.at("event"), "access");
    EXPECT_EQ(first.at("route"), "/health");
    EXPECT_EQ(first.at("status"), 200);
    EXPECT_EQ(first.at("ok"), true);
    EXPECT_TRUE(first.at("ts").as_string().ends_with("Z"));
    auto second = boost::json::parse(output.substr(newline + 1)).as_object();
    EXPECT_EQ(second.at("level"), "error");
    EXPECT_EQ(second.at("why"), "quote \" inside");
}

}  // namespace
}  // namespace dictra::log
