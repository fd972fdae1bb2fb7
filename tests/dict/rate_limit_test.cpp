// Token buckets, the lookup charges, refunds, counters and alerts without HTTP (FakeClock).
#include "dict/rate_limit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"

namespace dictra::dict {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::string_view kIspb = "12345678";
constexpr std::string_view kPayer = "52998224725";

SystemTimePoint Start() {
    return *ParseRfc3339("2024-01-15T12:00:00Z");
}

TEST(TokenBucketTest, StartsFullTakesAndNeverGoesBelowZero) {
    TokenBucket bucket({.capacity = 10, .refill_per_minute = 1}, Start());
    EXPECT_EQ(bucket.tokens(), 10);
    EXPECT_TRUE(bucket.CanTake(10));
    bucket.Take(7);
    EXPECT_EQ(bucket.tokens(), 3);
    EXPECT_FALSE(bucket.CanTake(4));
    EXPECT_TRUE(bucket.CanTake(3));
}

TEST(TokenBucketTest, RefillsOneTokenPerMinuteLazilyAndKeepsTheFraction) {
    TokenBucket bucket({.capacity = 100, .refill_per_minute = 1}, Start());
    bucket.Take(20);
    bucket.Refill(Start() + seconds(59));
    EXPECT_EQ(bucket.tokens(), 80);
    bucket.Refill(Start() + seconds(90));
    EXPECT_EQ(bucket.tokens(), 81);
    // The half minute already earned counts toward the next token.
    bucket.Refill(Start() + seconds(120));
    EXPECT_EQ(bucket.tokens(), 82);
    bucket.Refill(Start() + minutes(60 * 24));
    EXPECT_EQ(bucket.tokens(), 100);  // never over capacity
}

TEST(TokenBucketTest, FastRefillOfCategoryA) {
    TokenBucket bucket({.capacity = 50'000, .refill_per_minute = 25'000}, Start());
    bucket.Take(50'000);
    bucket.Refill(Start() + seconds(1));
    EXPECT_EQ(bucket.tokens(), 416);  // 25,000 / 60 per second
    bucket.Refill(Start() + minutes(2));
    EXPECT_EQ(bucket.tokens(), 50'000);
}

TEST(TokenBucketTest, RetryAfterCountsTheMissingTokens) {
    TokenBucket bucket({.capacity = 100, .refill_per_minute = 1}, Start());
    bucket.Take(100);
    EXPECT_EQ(bucket.RetryAfterSeconds(1, Start()), 60);
    EXPECT_EQ(bucket.RetryAfterSeconds(20, Start()), 20 * 60);
    EXPECT_EQ(bucket.RetryAfterSeconds(1, Start() + seconds(45)), 15);
    EXPECT_EQ(bucket.FullAt(Start()), Start() + minutes(100));
}

TEST(TokenBucketTest, SetParamsDropsTokensAboveTheNewCapacity) {
    TokenBucket bucket({.capacity = 50, .refill_per_minute = 2}, Start());
    bucket.SetParams({.capacity = 200, .refill_per_minute = 100}, Start());
    EXPECT_EQ(bucket.capacity(), 200);
    EXPECT_EQ(bucket.tokens(), 50);
    bucket.Refill(Start() + minutes(1));
    EXPECT_EQ(bucket.tokens(), 150);
    bucket.SetParams({.capacity = 50, .refill_per_minute = 2}, Start() + minutes(1));
    EXPECT_EQ(bucket.tokens(), 50);
}

TEST(TokenBucketTest, GiveNeverExceedsCapacity) {
    TokenBucket bucket({.capacity = 5, .refill_per_minute = 1}, Start());
    bucket.Take(2);
    bucket.Give(10);
    EXPECT_EQ(bucket.tokens(), 5);
}

TEST(RateLimitConfigTest, OverridesAndRefusals) {
    auto config = ApplyRateLimitOverrides(
        RateLimitConfig{},
        R"({"categories":{"H":{"capacity":7}},"payer_natural":{"capacity":3,"refill_per_minute":5},
            "not_found_cost_payer":4,"found_cache_ttl_s":9,"user_alert_threshold":0.5})");
    ASSERT_TRUE(config.ok()) << config.error().message;
    EXPECT_EQ(config->categories[7].capacity, 7);
    EXPECT_EQ(config->categories[7].refill_per_minute, 2);
    EXPECT_EQ(config->payer_natural.capacity, 3);
    EXPECT_EQ(config->payer_natural.refill_per_minute, 5);
    EXPECT_EQ(config->not_found_cost_payer, 4);
    EXPECT_EQ(config->found_cache_ttl, seconds(9));
    EXPECT_DOUBLE_EQ(config->user_alert_threshold, 0.5);
    EXPECT_FALSE(ApplyRateLimitOverrides({}, R"({"nope":1})").ok());
    EXPECT_FALSE(ApplyRateLimitOverrides({}, R"({"payer_legal":{"capacity":0}})").ok());
    EXPECT_FALSE(ApplyRateLimitOverrides({}, R"({"user_alert_threshold":2})").ok());
    EXPECT_FALSE(
        ApplyRateLimitOverrides({}, R"({"payer_legal":{"capacity":10000000000000000}})").ok());
    EXPECT_FALSE(ApplyRateLimitOverrides({}, R"({"key_check":{"refill_per_minute":-1}})").ok());
    EXPECT_FALSE(ApplyRateLimitOverrides({}, "[1]").ok());
}

TEST(RateLimitConfigTest, DefaultsAreTheDocuments) {
    RateLimitConfig config;
    EXPECT_EQ(config.categories[0].capacity, 50'000);
    EXPECT_EQ(config.categories[0].refill_per_minute, 25'000);
    EXPECT_EQ(config.categories[6].capacity, 200);
    EXPECT_EQ(config.categories[7].capacity, 50);
    EXPECT_EQ(config.categories[7].refill_per_minute, 2);
    EXPECT_EQ(config.payer_natural.capacity, 100);
    EXPECT_EQ(config.payer_legal.capacity, 1'000);
    EXPECT_EQ(config.payer_natural.refill_per_minute, 1);
    EXPECT_EQ(config.not_found_cost_payer, 20);
    EXPECT_EQ(config.not_found_cost_participant, 3);
    EXPECT_EQ(config.key_check.capacity, 70);
}

class RateLimiterTest : public ::testing::Test {
 protected:
    FakeClock clock_{Start()};
};

TEST_F(RateLimiterTest, FoundCostsOneForNaturalTwoForLegalAndOneOnTheParticipant) {
    RateLimiter limiter({}, clock_);
    limiter.Configure(kIspb, Category::kG, true);
    auto outcome =
        limiter.ChargeLookup(kIspb, kPayer, PayerType::kNaturalPerson, LookupFound::kFound);
    ASSERT_TRUE(outcome.allowed);
    EXPECT_EQ(outcome.view.bucket, "user");
    EXPECT_EQ(outcome.view.limit, 100);
    EXPECT_EQ(outcome.view.remaining, 99);
    outcome =
        limiter.ChargeLookup(kIspb, "11222333000181", PayerType::kLegalPerson, LookupFound::kFound);
    ASSERT_TRUE(outcome.allowed);
    EXPECT_EQ(outcome.view.bucket, "participant");  // 198 left of 200 < 998 of 1,000
    EXPECT_EQ(outcome.view.remaining, 198);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->current_tokens, 198);
}

TEST_F(RateLimiterTest, NotFoundPenaltiesAndRefusalWithRetryAfter) {
    RateLimiter limiter({}, clock_);
    limiter.Configure(kIspb, Category::kA, true);
    for (int lookup_idx = 0; lookup_idx < 5; ++lookup_idx) {
        auto outcome =
            limiter.ChargeLookup(kIspb, kPayer, PayerType::kNaturalPerson, LookupFound::kNotFound);
        ASSERT_TRUE(outcome.allowed) << lookup_idx;
    }
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->current_tokens, 50'000 - 15);
    auto refused =
        limiter.ChargeLookup(kIspb, kPayer, PayerType::kNaturalPerson, LookupFound::kFound);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.view.bucket, "user");
    EXPECT_EQ(refused.view.remaining, 0);
    EXPECT_EQ(refused.retry_after_seconds, 60);
    // Nothing was charged to the participant for the refused lookup.
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->current_tokens, 50'000 - 15);
    EXPECT_EQ(limiter.MetricsOf(kIspb).queries_24h, 5);
    clock_.Advance(minutes(1));
    EXPECT_TRUE(limiter.ChargeLookup(kIspb, kPayer, PayerType::kNaturalPerson, LookupFound::kFound)
                    .allowed);
}

TEST_F(RateLimiterTest, ParticipantBucketOfCategoryHRefusesAndNamesItself) {
    RateLimiter limiter({}, clock_);  // unregistered: category H, 50 tokens, 2/min
    for (int lookup_idx = 0; lookup_idx < 16; ++lookup_idx) {
        const std::string payer = "payer" + std::to_string(lookup_idx);
        ASSERT_TRUE(
            limiter.ChargeLookup(kIspb, payer, PayerType::kNaturalPerson, LookupFound::kNotFound)
                .allowed);
    }
    auto refused =
        limiter.ChargeLookup(kIspb, "other", PayerType::kNaturalPerson, LookupFound::kNotFound);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.view.bucket, "participant");
    EXPECT_EQ(refused.view.remaining, 2);
    EXPECT_EQ(refused.retry_after_seconds, 30);  // 1 token at 2/min
    // The payer of the refused lookup was not charged.
    auto payer_ok =
        limiter.ChargeLookup(kIspb, "other", PayerType::kNaturalPerson, LookupFound::kFound);
    EXPECT_TRUE(payer_ok.allowed);
}

TEST_F(RateLimiterTest, CategoryChangeAppliesAtOnce) {
    RateLimiter limiter({}, clock_);
    limiter.Configure(kIspb, Category::kH, true);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->capacity, 50);
    limiter.Configure(kIspb, Category::kG, true);
    auto status = limiter.BucketStatusOf(kIspb, true);
    EXPECT_EQ(status->capacity, 200);
    EXPECT_EQ(status->refill_per_minute, 100);
    limiter.Unconfigure(kIspb);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->capacity, 50);
    EXPECT_FALSE(limiter.BucketStatusOf("99999999", false).has_value());
}

TEST_F(RateLimiterTest, RefundGivesTheFoundCostsBackOnce) {
    RateLimiter limiter({}, clock_);
    limiter.Configure(kIspb, Category::kG, true);
    ASSERT_TRUE(
        limiter.ChargeLookup(kIspb, kPayer, PayerType::kLegalPerson, LookupFound::kFound).allowed);
    limiter.RememberLookup("E1234567820240115120012345678901", kIspb, kPayer,
                           PayerType::kLegalPerson);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->current_tokens, 199);
    auto refund = limiter.RefundLookup("E1234567820240115120012345678901");
    ASSERT_TRUE(refund.ok());
    EXPECT_TRUE(refund->refunded);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->current_tokens, 200);
    auto again = limiter.RefundLookup("E1234567820240115120012345678901");
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->refunded);
    EXPECT_EQ(limiter.RefundLookup("E12345678202401151200unknown0000").error().code,
              ErrorCode::kNotFound);
    // The payer got its 2 tokens back: 1,000 again, so the next found lookup leaves 998.
    auto next = limiter.ChargeLookup(kIspb, kPayer, PayerType::kLegalPerson, LookupFound::kFound);
    EXPECT_EQ(next.view.bucket, "participant");
    limiter.RememberLookup("E1234567820240115120012345678902", kIspb, kPayer,
                           PayerType::kLegalPerson);
    clock_.Advance(std::chrono::hours(2));
    EXPECT_EQ(limiter.RefundLookup("E1234567820240115120012345678902").error().code,
              ErrorCode::kNotFound);  // past the refund window
}

TEST_F(RateLimiterTest, KeyCheckAllowsSeventyPerMinute) {
    RateLimiter limiter({}, clock_);
    for (int request_idx = 0; request_idx < 70; ++request_idx)
        ASSERT_TRUE(limiter.ChargeKeyCheck(kIspb).allowed) << request_idx;
    auto refused = limiter.ChargeKeyCheck(kIspb);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after_seconds, 1);  // 70/min: one every 6/7 s
    clock_.Advance(seconds(1));
    EXPECT_TRUE(limiter.ChargeKeyCheck(kIspb).allowed);
}

TEST_F(RateLimiterTest, MetricsAndAlertsOverTheLastDay) {
    RateLimiter limiter({}, clock_);
    limiter.Configure(kIspb, Category::kA, true);
    // 100 lookups by distinct payers, 8 not found: 8% > 7%.
    for (int lookup_idx = 0; lookup_idx < 100; ++lookup_idx) {
        limiter.ChargeLookup(kIspb, "p" + std::to_string(lookup_idx), PayerType::kNaturalPerson,
                             lookup_idx < 8 ? LookupFound::kNotFound : LookupFound::kFound);
    }
    LookupMetrics metrics = limiter.MetricsOf(kIspb);
    EXPECT_EQ(metrics.queries_24h, 100);
    EXPECT_EQ(metrics.not_found_24h, 8);
    EXPECT_DOUBLE_EQ(metrics.not_found_ratio, 0.08);
    EXPECT_TRUE(metrics.alert_triggered);
    std::vector<RateLimitAlert> alerts = limiter.Alerts();
    // The participant, and each payer whose only lookup was not found (100% > 20%).
    ASSERT_EQ(alerts.size(), 9u);
    EXPECT_EQ(alerts[0].type, RateLimitAlert::Type::kParticipant);
    EXPECT_EQ(alerts[0].triggered_at, Start());
    EXPECT_EQ(alerts[1].type, RateLimitAlert::Type::kUser);
    EXPECT_EQ(alerts[1].ispb, kIspb);
    // A ratio equal to the threshold is no alert (the document's example: 0.07, false).
    RateLimiter exact({}, clock_);
    exact.Configure("87654321", Category::kA, true);
    for (int lookup_idx = 0; lookup_idx < 100; ++lookup_idx) {
        exact.ChargeLookup("87654321", "p" + std::to_string(lookup_idx % 50),
                           PayerType::kLegalPerson,
                           lookup_idx < 7 ? LookupFound::kNotFound : LookupFound::kFound);
    }
    EXPECT_FALSE(exact.MetricsOf("87654321").alert_triggered);
    // A day later the window is empty.
    clock_.Advance(std::chrono::hours(25));
    EXPECT_EQ(limiter.MetricsOf(kIspb).queries_24h, 0);
    EXPECT_TRUE(limiter.Alerts().empty());
}

TEST_F(RateLimiterTest, ExactUnderConcurrency) {
    RateLimiter limiter({}, clock_);
    limiter.Configure(kIspb, Category::kF, true);  // 500 tokens, clock frozen
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < 8; ++thread_idx) {
        threads.emplace_back([&, thread_idx] {
            for (int lookup_idx = 0; lookup_idx < 200; ++lookup_idx) {
                const std::string payer =
                    "t" + std::to_string(thread_idx) + "-" + std::to_string(lookup_idx % 4);
                if (limiter
                        .ChargeLookup(kIspb, payer, PayerType::kNaturalPerson, LookupFound::kFound)
                        .allowed)
                    allowed.fetch_add(1);
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(allowed.load(), 500);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, true)->current_tokens, 0);
}

TEST_F(RateLimiterTest, ResetFillsTheBucket) {
    RateLimiter limiter({}, clock_);
    limiter.ChargeLookup(kIspb, kPayer, PayerType::kNaturalPerson, LookupFound::kNotFound);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, false)->current_tokens, 47);
    limiter.ResetBucket(kIspb);
    EXPECT_EQ(limiter.BucketStatusOf(kIspb, false)->current_tokens, 50);
}

}  // namespace
}  // namespace dictra::dict
