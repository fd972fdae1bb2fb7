// DICT's anti-scan rate limiting (spec "Rate Limiting", BACEN Manual v8.0): token buckets per
// payer (PI-PayerId, sized by payer type) and per participant (sized by institution category
// A-H), the 404 penalties, the lookup counters behind the admin metrics and alerts, and the
// refund of a lookup's tokens when the SPI reports a payment made with its EndToEndId.
//
// Buckets live in memory and are refilled lazily from the injected clock whenever they are
// touched, so nothing runs in the background and nothing is written to the database on the
// lookup path. A restart starts every bucket full (documented in docs/dict.md).
//
// Thread-safe. Each participant's state has its own mutex; payers live in sharded maps, one
// mutex per shard. A lookup charges both buckets under both locks (participant first, then
// payer: one order everywhere), so either both are charged or neither, and no bucket ever goes
// below zero or above its capacity.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace dictra::dict {

// BACEN institution categories; the document's table gives each a capacity and refill.
enum class Category { kA, kB, kC, kD, kE, kF, kG, kH };
inline constexpr std::size_t kCategoryCount = 8;
std::string_view ToString(Category category);
std::optional<Category> CategoryFromString(std::string_view text);

enum class PayerType { kNaturalPerson, kLegalPerson };
std::optional<PayerType> PayerTypeFromString(std::string_view text);

struct BucketParams {
    std::int64_t capacity = 0;
    std::int64_t refill_per_minute = 0;
};

// Every number of the rate limiting, defaulting to the document's.
struct RateLimitConfig {
    // Index = Category. The document's table.
    std::array<BucketParams, kCategoryCount> categories = {{{50'000, 25'000},
                                                            {25'000, 12'500},
                                                            {10'000, 5'000},
                                                            {5'000, 2'500},
                                                            {2'000, 1'000},
                                                            {500, 250},
                                                            {200, 100},
                                                            {50, 2}}};
    BucketParams payer_natural{100, 1};
    BucketParams payer_legal{1'000, 1};
    // Found: the payer bucket pays by the payer's type, the participant bucket one token.
    std::int64_t found_cost_natural = 1;
    std::int64_t found_cost_legal = 2;
    std::int64_t found_cost_participant = 1;
    // Not found: the 404 penalties.
    std::int64_t not_found_cost_payer = 20;
    std::int64_t not_found_cost_participant = 3;
    // Existence cache lifetimes (step 2 of the lookup flow).
    std::chrono::seconds found_cache_ttl{30 * 24 * 3600};
    std::chrono::seconds not_found_cache_ttl{5 * 60};
    std::size_t cache_entries_max = 1'000'000;
    // POST /api/v2/keys/check: 70 requests/min per participant.
    BucketParams key_check{70, 70};
    // Alert thresholds on the not-found ratio of the last 24 h (alert when strictly above).
    double participant_alert_threshold = 0.07;
    double user_alert_threshold = 0.20;
    // Lookups an institution or a payer needs in 24 h before its ratio can raise an alert.
    std::int64_t alert_queries_min = 1;
    // How long a lookup's EndToEndId can still refund its tokens, and how many are kept.
    std::chrono::seconds refund_window{3600};
    std::size_t pending_refunds_max = 2'000'000;
    // Payer states kept before full, idle buckets are dropped (a dropped one is full anyway).
    std::size_t payers_max = 2'000'000;
};

// Overrides from a JSON object (flag --dict-rate-limits), e.g.
// {"categories":{"H":{"capacity":100,"refill_per_minute":10}},"payer_natural":{...},
//  "not_found_cost_payer":20,...}. Unknown fields and non-positive capacities are
// kInvalidArgument naming the field; `base` is unchanged on error.
Result<RateLimitConfig> ApplyRateLimitOverrides(RateLimitConfig base, std::string_view json);

// One token bucket, refilled lazily. Not thread-safe: its owner's mutex guards it.
class TokenBucket {
 public:
    TokenBucket(BucketParams params, SystemTimePoint now)
        : params_(params), tokens_(params.capacity), last_refill_(now) {}

    // Adds the tokens earned since the last refill (never above capacity).
    void Refill(SystemTimePoint now);
    // True when `cost` tokens are there (a cost above capacity needs a full bucket).
    bool CanTake(std::int64_t cost) const { return tokens_ >= EffectiveCost(cost); }
    // REQUIRES: CanTake(cost).
    void Take(std::int64_t cost);
    // Gives tokens back (refund), never above capacity.
    void Give(std::int64_t tokens);
    void Reset(SystemTimePoint now);
    // New capacity and refill at once (category change); tokens above the new capacity go.
    void SetParams(BucketParams params, SystemTimePoint now);

    // Whole seconds until `cost` tokens are there (at least 1 when short now).
    std::int64_t RetryAfterSeconds(std::int64_t cost, SystemTimePoint now) const;
    // When the bucket is full again at this refill rate (now when full).
    SystemTimePoint FullAt(SystemTimePoint now) const;
    // When the next token arrives.
    SystemTimePoint NextRefill(SystemTimePoint now) const;

    std::int64_t tokens() const { return tokens_; }
    std::int64_t capacity() const { return params_.capacity; }
    std::int64_t refill_per_minute() const { return params_.refill_per_minute; }
    SystemTimePoint last_refill() const { return last_refill_; }

 private:
    std::int64_t EffectiveCost(std::int64_t cost) const {
        return cost < params_.capacity ? cost : params_.capacity;
    }
    // Microseconds of refill that earn `tokens`, rounded up.
    std::int64_t MicrosFor(std::int64_t tokens) const;

    BucketParams params_;
    std::int64_t tokens_;
    SystemTimePoint last_refill_;
};

// Queries and not-found answers over the last 24 hours, in hourly slots (the window is therefore
// between 23 and 24 hours long). Not thread-safe.
class DayCounters {
 public:
    void Record(SystemTimePoint now, bool not_found);
    std::int64_t Queries(SystemTimePoint now);
    std::int64_t NotFound(SystemTimePoint now);

 private:
    void Advance(std::int64_t hour);

    static constexpr std::size_t kSlots = 24;
    std::array<std::uint32_t, kSlots> queries_{};
    std::array<std::uint32_t, kSlots> not_found_{};
    std::int64_t hour_ = 0;
    std::int64_t queries_total_ = 0;
    std::int64_t not_found_total_ = 0;
};

// What the rate-limit headers describe: one bucket after the call.
struct BucketView {
    std::string_view bucket;  // "user" or "participant"
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
    std::int64_t reset_unix_seconds = 0;  // when the bucket is full again
};

enum class LookupFound { kFound, kNotFound };

struct ChargeOutcome {
    bool allowed = false;
    // The bucket the headers describe: on refusal the one that refused (user first when both
    // did); otherwise the one with fewer tokens left.
    BucketView view;
    std::int64_t retry_after_seconds = 0;  // when refused
};

struct BucketStatus {
    std::string ispb;
    Category category = Category::kH;
    std::int64_t capacity = 0;
    std::int64_t current_tokens = 0;
    std::int64_t refill_per_minute = 0;
    SystemTimePoint last_refill;
    SystemTimePoint next_refill;
};

struct LookupMetrics {
    std::string ispb;
    std::int64_t queries_24h = 0;
    std::int64_t not_found_24h = 0;
    double not_found_ratio = 0;
    bool alert_triggered = false;
    double threshold = 0;
};

struct RateLimitAlert {
    enum class Type { kParticipant, kUser } type = Type::kParticipant;
    std::string ispb;
    std::string payer_id;  // user alerts only
    std::int64_t queries_24h = 0;
    double not_found_ratio = 0;
    double threshold = 0;
    SystemTimePoint triggered_at;
};

// A lookup's EndToEndId and what it charged, refundable once.
struct RefundResult {
    bool refunded = false;  // false: already refunded before
};

// Hash for maps keyed by std::string that are searched with std::string_view (no allocation).
struct TransparentStringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
        return std::hash<std::string_view>{}(text);
    }
};

class RateLimiter {
 public:
    RateLimiter(RateLimitConfig config, const Clock& clock);
    ~RateLimiter();
    RateLimiter(const RateLimiter&) = delete;
    RateLimiter& operator=(const RateLimiter&) = delete;

    const RateLimitConfig& config() const { return config_; }

    // The institution facts the buckets follow. Unregistered participants are category H and
    // active. Capacity and refill change at once; tokens above a new capacity are dropped.
    void Configure(std::string_view ispb, Category category, bool active);
    void Unconfigure(std::string_view ispb);  // back to the default (H, active)
    bool IsActive(std::string_view ispb);

    // Steps 3 and 5 of the lookup: charges the payer's and the participant's bucket together
    // for a lookup that was `found` or not, and counts it. Nothing is charged or counted when
    // refused. `payer_id` must be 1..kPayerIdBytesMax bytes (checked by the caller).
    ChargeOutcome ChargeLookup(std::string_view ispb, std::string_view payer_id,
                               PayerType payer_type, LookupFound found);

    // The participant bucket as the headers show it, without charging.
    BucketView PeekParticipant(std::string_view ispb);

    // Remembers that `end_to_end_id` came from a found lookup by (ispb, payer) so that a payment
    // made with it gives the found costs back.
    void RememberLookup(std::string_view end_to_end_id, std::string_view ispb,
                        std::string_view payer_id, PayerType payer_type);
    // Gives back the tokens of the lookup that minted `end_to_end_id`. kNotFound when unknown
    // or older than the refund window; {refunded=false} when already refunded.
    Result<RefundResult> RefundLookup(std::string_view end_to_end_id);

    // POST /api/v2/keys/check: takes one request from the participant's 70/min bucket.
    ChargeOutcome ChargeKeyCheck(std::string_view ispb);

    // Admin views. BucketStatusOf is nullopt when the participant has no state and
    // `registered` is false.
    std::optional<BucketStatus> BucketStatusOf(std::string_view ispb, bool registered);
    void ResetBucket(std::string_view ispb);
    LookupMetrics MetricsOf(std::string_view ispb);
    std::vector<LookupMetrics> AllMetrics();
    std::vector<RateLimitAlert> Alerts();

    static constexpr std::size_t kPayerIdBytesMax = 64;

 private:
    struct Participant;
    struct PayerShard;
    struct RefundShard;

    Participant& ParticipantFor(std::string_view ispb);
    BucketParams ParamsFor(Category category) const;
    BucketParams PayerParams(PayerType type) const;
    std::int64_t FoundCost(PayerType type) const;

    RateLimitConfig config_;
    const Clock& clock_;
    std::shared_mutex participants_mutex_;
    // guarded by participants_mutex_ (the map; each Participant has its own mutex)
    std::unordered_map<std::string, std::unique_ptr<Participant>, TransparentStringHash,
                       std::equal_to<>>
        participants_;
    std::unique_ptr<PayerShard[]> payer_shards_;
    std::unique_ptr<RefundShard[]> refund_shards_;
};

}  // namespace dictra::dict
