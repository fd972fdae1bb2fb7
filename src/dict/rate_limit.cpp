#include "dict/rate_limit.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <cstring>
#include <functional>

#include "core/check.hpp"
#include "core/json/json.hpp"

namespace dictra::dict {
namespace {

__extension__ typedef __int128 Wide;

constexpr std::int64_t kMicrosPerMinute = 60'000'000;
constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerHour = 3'600'000'000;
constexpr std::size_t kPayerShards = 64;
constexpr std::size_t kRefundShards = 64;
// ISPB (8) + payer id.
constexpr std::size_t kPayerKeyBytesMax = 8 + RateLimiter::kPayerIdBytesMax;

std::int64_t Micros(SystemTimePoint at) {
    return at.time_since_epoch().count();
}
SystemTimePoint FromMicros(std::int64_t us) {
    return SystemTimePoint(std::chrono::microseconds(us));
}
std::int64_t UnixSecondsCeil(SystemTimePoint at) {
    const std::int64_t us = Micros(at);
    return us / kMicrosPerSecond + (us % kMicrosPerSecond > 0 ? 1 : 0);
}

using StringHash = TransparentStringHash;

double Ratio(std::int64_t not_found, std::int64_t queries) {
    return queries == 0 ? 0.0 : static_cast<double>(not_found) / static_cast<double>(queries);
}

}  // namespace

std::string_view ToString(Category category) {
    static constexpr std::string_view kNames[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
    return kNames[static_cast<std::size_t>(category)];
}

std::optional<Category> CategoryFromString(std::string_view text) {
    if (text.size() != 1 || text[0] < 'A' || text[0] > 'H') return std::nullopt;
    return static_cast<Category>(text[0] - 'A');
}

std::optional<PayerType> PayerTypeFromString(std::string_view text) {
    if (text == "NATURAL_PERSON") return PayerType::kNaturalPerson;
    if (text == "LEGAL_PERSON") return PayerType::kLegalPerson;
    return std::nullopt;
}

// ---- configuration ----

namespace {

Status ReadBucket(const json::ObjectReader& object, std::string_view field, BucketParams& params) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<json::ObjectReader> bucket, object.OptionalObject(field));
    if (!bucket) return Ok();
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> capacity, bucket->OptionalInt("capacity"));
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> refill,
                            bucket->OptionalInt("refill_per_minute"));
    if (capacity) params.capacity = *capacity;
    if (refill) params.refill_per_minute = *refill;
    // The upper bound keeps every sum of tokens far from int64 overflow.
    constexpr std::int64_t kTokensMax = 1'000'000'000'000'000;
    if (params.capacity <= 0 || params.capacity > kTokensMax || params.refill_per_minute < 0 ||
        params.refill_per_minute > kTokensMax) {
        return Error::InvalidArgument(std::string(field) +
                                          ": capacity must be 1..10^15 and refill_per_minute "
                                          "0..10^15",
                                      std::string(field));
    }
    return Ok();
}

Status ReadCount(const json::ObjectReader& object, std::string_view field, std::int64_t& out,
                 std::int64_t min) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> value, object.OptionalInt(field));
    if (!value) return Ok();
    if (*value < min) {
        return Error::InvalidArgument(
            std::string(field) + " must be at least " + std::to_string(min), std::string(field));
    }
    out = *value;
    return Ok();
}

Status ReadRatio(const boost::json::object& object, std::string_view field, double& out) {
    auto it = object.find(field);
    if (it == object.end()) return Ok();
    if (!it->value().is_number()) {
        return Error::InvalidArgument(std::string(field) + " must be a number", std::string(field));
    }
    const double value = it->value().to_number<double>();
    if (!(value >= 0.0 && value <= 1.0)) {
        return Error::InvalidArgument(std::string(field) + " must be between 0 and 1",
                                      std::string(field));
    }
    out = value;
    return Ok();
}

}  // namespace

Result<RateLimitConfig> ApplyRateLimitOverrides(RateLimitConfig config, std::string_view text) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(text));
    static constexpr std::string_view kKnown[] = {"categories",
                                                  "payer_natural",
                                                  "payer_legal",
                                                  "found_cost_natural",
                                                  "found_cost_legal",
                                                  "found_cost_participant",
                                                  "not_found_cost_payer",
                                                  "not_found_cost_participant",
                                                  "found_cache_ttl_s",
                                                  "not_found_cache_ttl_s",
                                                  "cache_entries_max",
                                                  "key_check",
                                                  "participant_alert_threshold",
                                                  "user_alert_threshold",
                                                  "alert_queries_min",
                                                  "refund_window_s",
                                                  "pending_refunds_max",
                                                  "payers_max"};
    for (const auto& field : object) {
        if (std::find(std::begin(kKnown), std::end(kKnown), field.key()) == std::end(kKnown)) {
            return Error::InvalidArgument("unknown rate limit setting " + std::string(field.key()),
                                          std::string(field.key()));
        }
    }
    json::ObjectReader reader(object);
    DICTRA_ASSIGN_OR_RETURN(std::optional<json::ObjectReader> categories,
                            reader.OptionalObject("categories"));
    if (categories) {
        for (std::size_t index = 0; index < kCategoryCount; ++index) {
            DICTRA_RETURN_IF_ERROR(ReadBucket(*categories, ToString(static_cast<Category>(index)),
                                              config.categories[index]));
        }
    }
    DICTRA_RETURN_IF_ERROR(ReadBucket(reader, "payer_natural", config.payer_natural));
    DICTRA_RETURN_IF_ERROR(ReadBucket(reader, "payer_legal", config.payer_legal));
    DICTRA_RETURN_IF_ERROR(ReadBucket(reader, "key_check", config.key_check));
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "found_cost_natural", config.found_cost_natural, 0));
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "found_cost_legal", config.found_cost_legal, 0));
    DICTRA_RETURN_IF_ERROR(
        ReadCount(reader, "found_cost_participant", config.found_cost_participant, 0));
    DICTRA_RETURN_IF_ERROR(
        ReadCount(reader, "not_found_cost_payer", config.not_found_cost_payer, 0));
    DICTRA_RETURN_IF_ERROR(
        ReadCount(reader, "not_found_cost_participant", config.not_found_cost_participant, 0));
    std::int64_t seconds = config.found_cache_ttl.count();
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "found_cache_ttl_s", seconds, 0));
    config.found_cache_ttl = std::chrono::seconds(seconds);
    seconds = config.not_found_cache_ttl.count();
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "not_found_cache_ttl_s", seconds, 0));
    config.not_found_cache_ttl = std::chrono::seconds(seconds);
    seconds = config.refund_window.count();
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "refund_window_s", seconds, 0));
    config.refund_window = std::chrono::seconds(seconds);
    auto count = static_cast<std::int64_t>(config.cache_entries_max);
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "cache_entries_max", count, 0));
    config.cache_entries_max = static_cast<std::size_t>(count);
    count = static_cast<std::int64_t>(config.pending_refunds_max);
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "pending_refunds_max", count, 0));
    config.pending_refunds_max = static_cast<std::size_t>(count);
    count = static_cast<std::int64_t>(config.payers_max);
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "payers_max", count, 1));
    config.payers_max = static_cast<std::size_t>(count);
    DICTRA_RETURN_IF_ERROR(ReadCount(reader, "alert_queries_min", config.alert_queries_min, 1));
    DICTRA_RETURN_IF_ERROR(
        ReadRatio(object, "participant_alert_threshold", config.participant_alert_threshold));
    DICTRA_RETURN_IF_ERROR(ReadRatio(object, "user_alert_threshold", config.user_alert_threshold));
    return config;
}

// ---- TokenBucket ----

std::int64_t TokenBucket::MicrosFor(std::int64_t tokens) const {
    DICTRA_ASSERT(params_.refill_per_minute > 0);
    const Wide numerator = static_cast<Wide>(tokens) * kMicrosPerMinute;
    const Wide rate = params_.refill_per_minute;
    return static_cast<std::int64_t>((numerator + rate - 1) / rate);
}

void TokenBucket::Refill(SystemTimePoint now) {
    if (tokens_ >= params_.capacity || params_.refill_per_minute <= 0) {
        // A full bucket earns nothing: its refill clock restarts from now.
        if (tokens_ >= params_.capacity) last_refill_ = std::max(last_refill_, now);
        return;
    }
    const std::int64_t elapsed_us = Micros(now) - Micros(last_refill_);
    if (elapsed_us <= 0) return;
    const Wide earned =
        static_cast<Wide>(elapsed_us) * params_.refill_per_minute / kMicrosPerMinute;
    if (earned <= 0) return;
    const std::int64_t missing = params_.capacity - tokens_;
    if (earned >= missing) {
        tokens_ = params_.capacity;
        last_refill_ = now;
        return;
    }
    const auto earned_tokens = static_cast<std::int64_t>(earned);
    tokens_ += earned_tokens;
    // Keep the fraction of a token already earned: advance only by what the tokens cost.
    last_refill_ = FromMicros(Micros(last_refill_) + MicrosFor(earned_tokens));
}

void TokenBucket::Take(std::int64_t cost) {
    DICTRA_ASSERT(CanTake(cost));
    tokens_ -= EffectiveCost(cost);
    DICTRA_ASSERT(tokens_ >= 0);
}

void TokenBucket::Give(std::int64_t tokens) {
    if (tokens <= 0) return;
    tokens_ = std::min(params_.capacity, tokens_ + tokens);
}

void TokenBucket::Reset(SystemTimePoint now) {
    tokens_ = params_.capacity;
    last_refill_ = now;
}

void TokenBucket::SetParams(BucketParams params, SystemTimePoint now) {
    Refill(now);
    params_ = params;
    tokens_ = std::min(tokens_, params_.capacity);
    if (tokens_ >= params_.capacity) last_refill_ = now;
}

std::int64_t TokenBucket::RetryAfterSeconds(std::int64_t cost, SystemTimePoint now) const {
    const std::int64_t missing = EffectiveCost(cost) - tokens_;
    if (missing <= 0) return 0;
    if (params_.refill_per_minute <= 0) return 60;  // never refills: try again later
    const std::int64_t wait_us = MicrosFor(missing) - (Micros(now) - Micros(last_refill_));
    if (wait_us <= 0) return 1;
    return std::max<std::int64_t>(1, (wait_us + kMicrosPerSecond - 1) / kMicrosPerSecond);
}

SystemTimePoint TokenBucket::FullAt(SystemTimePoint now) const {
    const std::int64_t missing = params_.capacity - tokens_;
    if (missing <= 0 || params_.refill_per_minute <= 0) return now;
    return std::max(now, FromMicros(Micros(last_refill_) + MicrosFor(missing)));
}

SystemTimePoint TokenBucket::NextRefill(SystemTimePoint now) const {
    if (params_.refill_per_minute <= 0) return now;
    if (tokens_ >= params_.capacity) return FromMicros(Micros(now) + MicrosFor(1));
    return FromMicros(Micros(last_refill_) + MicrosFor(1));
}

// ---- DayCounters ----

void DayCounters::Advance(std::int64_t hour) {
    if (hour <= hour_) return;
    const std::int64_t steps = std::min<std::int64_t>(hour - hour_, kSlots);
    for (std::int64_t step = 1; step <= steps; ++step) {
        const auto slot = static_cast<std::size_t>((hour_ + step) % kSlots);
        queries_total_ -= queries_[slot];
        not_found_total_ -= not_found_[slot];
        queries_[slot] = 0;
        not_found_[slot] = 0;
    }
    hour_ = hour;
}

void DayCounters::Record(SystemTimePoint now, bool not_found) {
    Advance(Micros(now) / kMicrosPerHour);
    const auto slot = static_cast<std::size_t>(hour_ % kSlots);
    ++queries_[slot];
    ++queries_total_;
    if (not_found) {
        ++not_found_[slot];
        ++not_found_total_;
    }
}

std::int64_t DayCounters::Queries(SystemTimePoint now) {
    Advance(Micros(now) / kMicrosPerHour);
    return queries_total_;
}

std::int64_t DayCounters::NotFound(SystemTimePoint now) {
    Advance(Micros(now) / kMicrosPerHour);
    return not_found_total_;
}

// ---- RateLimiter ----

struct RateLimiter::Participant {
    Participant(BucketParams params, BucketParams key_check, SystemTimePoint now)
        : bucket(params, now), key_check_bucket(key_check, now) {}
    std::mutex mutex;
    Category category = Category::kH;            // guarded by mutex
    bool active = true;                          // guarded by mutex
    TokenBucket bucket;                          // guarded by mutex
    TokenBucket key_check_bucket;                // guarded by mutex
    DayCounters counters;                        // guarded by mutex
    std::optional<SystemTimePoint> alert_since;  // guarded by mutex
};

namespace {

struct Payer {
    Payer(BucketParams params, PayerType payer_type, SystemTimePoint now)
        : bucket(params, now), type(payer_type) {}
    TokenBucket bucket;
    PayerType type;
    DayCounters counters;
    std::optional<SystemTimePoint> alert_since;
};

struct PendingRefund {
    std::string ispb;
    std::string payer_key;
    std::int64_t payer_tokens = 0;
    std::int64_t participant_tokens = 0;
    SystemTimePoint expires;
    bool refunded = false;
};

// Stack-built "ISPB + payer id": no allocation to find a payer.
struct PayerKey {
    std::array<char, kPayerKeyBytesMax> bytes{};
    std::size_t size = 0;
    PayerKey(std::string_view ispb, std::string_view payer_id) {
        DICTRA_ASSERT(ispb.size() == 8 && payer_id.size() <= RateLimiter::kPayerIdBytesMax);
        std::memcpy(bytes.data(), ispb.data(), ispb.size());
        std::memcpy(bytes.data() + ispb.size(), payer_id.data(), payer_id.size());
        size = ispb.size() + payer_id.size();
    }
    std::string_view view() const { return {bytes.data(), size}; }
};

}  // namespace

struct RateLimiter::PayerShard {
    std::mutex mutex;
    // guarded by mutex
    std::unordered_map<std::string, Payer, StringHash, std::equal_to<>> payers;
    std::size_t next_sweep_size = 0;  // guarded by mutex
};

struct RateLimiter::RefundShard {
    std::mutex mutex;
    // guarded by mutex
    std::unordered_map<std::string, PendingRefund, StringHash, std::equal_to<>> pending;
    std::deque<std::pair<SystemTimePoint, std::string>> by_expiry;  // guarded by mutex
};

RateLimiter::RateLimiter(RateLimitConfig config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      payer_shards_(std::make_unique<PayerShard[]>(kPayerShards)),
      refund_shards_(std::make_unique<RefundShard[]>(kRefundShards)) {
    for (std::size_t index = 0; index < kPayerShards; ++index)
        payer_shards_[index].next_sweep_size =
            std::max<std::size_t>(1, config_.payers_max / kPayerShards);
}

RateLimiter::~RateLimiter() = default;

BucketParams RateLimiter::ParamsFor(Category category) const {
    return config_.categories[static_cast<std::size_t>(category)];
}

BucketParams RateLimiter::PayerParams(PayerType type) const {
    return type == PayerType::kNaturalPerson ? config_.payer_natural : config_.payer_legal;
}

std::int64_t RateLimiter::FoundCost(PayerType type) const {
    return type == PayerType::kNaturalPerson ? config_.found_cost_natural
                                             : config_.found_cost_legal;
}

RateLimiter::Participant& RateLimiter::ParticipantFor(std::string_view ispb) {
    {
        std::shared_lock lock(participants_mutex_);
        auto it = participants_.find(ispb);
        if (it != participants_.end()) return *it->second;
    }
    std::unique_lock lock(participants_mutex_);
    auto [it, inserted] = participants_.try_emplace(std::string(ispb));
    if (inserted) {
        it->second =
            std::make_unique<Participant>(ParamsFor(Category::kH), config_.key_check, clock_.Now());
    }
    return *it->second;
}

void RateLimiter::Configure(std::string_view ispb, Category category, bool active) {
    bool existed = false;
    {
        std::shared_lock lock(participants_mutex_);
        existed = participants_.find(ispb) != participants_.end();
    }
    Participant& participant = ParticipantFor(ispb);
    const SystemTimePoint now = clock_.Now();
    std::lock_guard lock(participant.mutex);
    participant.category = category;
    participant.active = active;
    participant.bucket.SetParams(ParamsFor(category), now);
    // A participant seen for the first time starts with a full bucket of its category; one
    // that changes category keeps the tokens it has (at most the new capacity).
    if (!existed) participant.bucket.Reset(now);
}

void RateLimiter::Unconfigure(std::string_view ispb) {
    Configure(ispb, Category::kH, true);
}

bool RateLimiter::IsActive(std::string_view ispb) {
    Participant& participant = ParticipantFor(ispb);
    std::lock_guard lock(participant.mutex);
    return participant.active;
}

namespace {

BucketView ViewOf(std::string_view name, const TokenBucket& bucket, SystemTimePoint now) {
    return BucketView{.bucket = name,
                      .limit = bucket.capacity(),
                      .remaining = bucket.tokens(),
                      .reset_unix_seconds = UnixSecondsCeil(bucket.FullAt(now))};
}

template <typename Counted>
void UpdateAlert(Counted& counted, SystemTimePoint now, double threshold,
                 std::int64_t queries_min) {
    const std::int64_t queries = counted.counters.Queries(now);
    const bool over =
        queries >= queries_min && Ratio(counted.counters.NotFound(now), queries) > threshold;
    if (!over) {
        counted.alert_since.reset();
    } else if (!counted.alert_since) {
        counted.alert_since = now;
    }
}

}  // namespace

ChargeOutcome RateLimiter::ChargeLookup(std::string_view ispb, std::string_view payer_id,
                                        PayerType payer_type, LookupFound found) {
    DICTRA_ASSERT(!payer_id.empty() && payer_id.size() <= kPayerIdBytesMax);
    const SystemTimePoint now = clock_.Now();
    const bool is_found = found == LookupFound::kFound;
    const std::int64_t payer_cost = is_found ? FoundCost(payer_type) : config_.not_found_cost_payer;
    const std::int64_t participant_cost =
        is_found ? config_.found_cost_participant : config_.not_found_cost_participant;

    Participant& participant = ParticipantFor(ispb);
    const PayerKey key(ispb, payer_id);
    PayerShard& shard = payer_shards_[StringHash{}(key.view()) % kPayerShards];

    std::scoped_lock lock(participant.mutex, shard.mutex);
    auto it = shard.payers.find(key.view());
    if (it == shard.payers.end()) {
        if (shard.payers.size() >= shard.next_sweep_size) {
            // A full bucket with no recent lookups is what a new payer gets anyway.
            for (auto sweep = shard.payers.begin(); sweep != shard.payers.end();) {
                Payer& idle = sweep->second;
                idle.bucket.Refill(now);
                const bool drop = idle.bucket.tokens() >= idle.bucket.capacity() &&
                                  idle.counters.Queries(now) == 0;
                sweep = drop ? shard.payers.erase(sweep) : std::next(sweep);
            }
            shard.next_sweep_size =
                std::max(config_.payers_max / kPayerShards, 2 * shard.payers.size());
        }
        it = shard.payers
                 .try_emplace(std::string(key.view()), PayerParams(payer_type), payer_type, now)
                 .first;
    }
    Payer& payer = it->second;
    if (payer.type != payer_type) {
        payer.type = payer_type;
        payer.bucket.SetParams(PayerParams(payer_type), now);
    }
    payer.bucket.Refill(now);
    participant.bucket.Refill(now);

    const bool payer_ok = payer.bucket.CanTake(payer_cost);
    const bool participant_ok = participant.bucket.CanTake(participant_cost);
    ChargeOutcome outcome;
    if (!payer_ok) {
        outcome.view = ViewOf("user", payer.bucket, now);
        outcome.retry_after_seconds = payer.bucket.RetryAfterSeconds(payer_cost, now);
        return outcome;
    }
    if (!participant_ok) {
        outcome.view = ViewOf("participant", participant.bucket, now);
        outcome.retry_after_seconds = participant.bucket.RetryAfterSeconds(participant_cost, now);
        return outcome;
    }
    payer.bucket.Take(payer_cost);
    participant.bucket.Take(participant_cost);
    payer.counters.Record(now, !is_found);
    participant.counters.Record(now, !is_found);
    UpdateAlert(payer, now, config_.user_alert_threshold, config_.alert_queries_min);
    UpdateAlert(participant, now, config_.participant_alert_threshold, config_.alert_queries_min);
    outcome.allowed = true;
    outcome.view = payer.bucket.tokens() < participant.bucket.tokens()
                       ? ViewOf("user", payer.bucket, now)
                       : ViewOf("participant", participant.bucket, now);
    return outcome;
}

BucketView RateLimiter::PeekParticipant(std::string_view ispb) {
    Participant& participant = ParticipantFor(ispb);
    const SystemTimePoint now = clock_.Now();
    std::lock_guard lock(participant.mutex);
    participant.bucket.Refill(now);
    return ViewOf("participant", participant.bucket, now);
}

void RateLimiter::RememberLookup(std::string_view end_to_end_id, std::string_view ispb,
                                 std::string_view payer_id, PayerType payer_type) {
    if (config_.pending_refunds_max == 0) return;
    const SystemTimePoint now = clock_.Now();
    RefundShard& shard = refund_shards_[StringHash{}(end_to_end_id) % kRefundShards];
    const std::size_t shard_max =
        std::max<std::size_t>(1, config_.pending_refunds_max / kRefundShards);
    std::lock_guard lock(shard.mutex);
    // Expired first, then the oldest when over the bound: a refund is a courtesy, memory is not.
    while (!shard.by_expiry.empty() &&
           (shard.by_expiry.front().first <= now || shard.pending.size() >= shard_max)) {
        shard.pending.erase(shard.by_expiry.front().second);
        shard.by_expiry.pop_front();
    }
    const SystemTimePoint expires = now + config_.refund_window;
    PendingRefund refund{.ispb = std::string(ispb),
                         .payer_key = std::string(PayerKey(ispb, payer_id).view()),
                         .payer_tokens = FoundCost(payer_type),
                         .participant_tokens = config_.found_cost_participant,
                         .expires = expires};
    auto [it, inserted] = shard.pending.try_emplace(std::string(end_to_end_id), std::move(refund));
    if (inserted) shard.by_expiry.emplace_back(expires, it->first);
}

Result<RefundResult> RateLimiter::RefundLookup(std::string_view end_to_end_id) {
    const SystemTimePoint now = clock_.Now();
    PendingRefund refund;
    {
        RefundShard& shard = refund_shards_[StringHash{}(end_to_end_id) % kRefundShards];
        std::lock_guard lock(shard.mutex);
        auto it = shard.pending.find(end_to_end_id);
        if (it == shard.pending.end() || it->second.expires <= now)
            return Error::NotFound("lookup not found");
        if (it->second.refunded) return RefundResult{.refunded = false};
        it->second.refunded = true;
        refund = it->second;
    }
    Participant& participant = ParticipantFor(refund.ispb);
    PayerShard& shard = payer_shards_[StringHash{}(refund.payer_key) % kPayerShards];
    std::scoped_lock lock(participant.mutex, shard.mutex);
    participant.bucket.Refill(now);
    participant.bucket.Give(refund.participant_tokens);
    auto it = shard.payers.find(std::string_view(refund.payer_key));
    if (it != shard.payers.end()) {
        it->second.bucket.Refill(now);
        it->second.bucket.Give(refund.payer_tokens);
    }
    return RefundResult{.refunded = true};
}

ChargeOutcome RateLimiter::ChargeKeyCheck(std::string_view ispb) {
    Participant& participant = ParticipantFor(ispb);
    const SystemTimePoint now = clock_.Now();
    std::lock_guard lock(participant.mutex);
    TokenBucket& bucket = participant.key_check_bucket;
    bucket.Refill(now);
    ChargeOutcome outcome;
    if (!bucket.CanTake(1)) {
        outcome.view = ViewOf("participant", bucket, now);
        outcome.retry_after_seconds = bucket.RetryAfterSeconds(1, now);
        return outcome;
    }
    bucket.Take(1);
    outcome.allowed = true;
    outcome.view = ViewOf("participant", bucket, now);
    return outcome;
}

std::optional<BucketStatus> RateLimiter::BucketStatusOf(std::string_view ispb, bool registered) {
    if (!registered) {
        std::shared_lock lock(participants_mutex_);
        if (participants_.find(ispb) == participants_.end()) return std::nullopt;
    }
    Participant& participant = ParticipantFor(ispb);
    const SystemTimePoint now = clock_.Now();
    std::lock_guard lock(participant.mutex);
    participant.bucket.Refill(now);
    return BucketStatus{.ispb = std::string(ispb),
                        .category = participant.category,
                        .capacity = participant.bucket.capacity(),
                        .current_tokens = participant.bucket.tokens(),
                        .refill_per_minute = participant.bucket.refill_per_minute(),
                        .last_refill = participant.bucket.last_refill(),
                        .next_refill = participant.bucket.NextRefill(now)};
}

void RateLimiter::ResetBucket(std::string_view ispb) {
    Participant& participant = ParticipantFor(ispb);
    std::lock_guard lock(participant.mutex);
    participant.bucket.Reset(clock_.Now());
}

LookupMetrics RateLimiter::MetricsOf(std::string_view ispb) {
    LookupMetrics metrics{.ispb = std::string(ispb),
                          .threshold = config_.participant_alert_threshold};
    Participant* participant = nullptr;
    {
        std::shared_lock lock(participants_mutex_);
        auto it = participants_.find(ispb);
        if (it == participants_.end()) return metrics;
        participant = it->second.get();
    }
    const SystemTimePoint now = clock_.Now();
    std::lock_guard lock(participant->mutex);
    metrics.queries_24h = participant->counters.Queries(now);
    metrics.not_found_24h = participant->counters.NotFound(now);
    metrics.not_found_ratio = Ratio(metrics.not_found_24h, metrics.queries_24h);
    metrics.alert_triggered = metrics.queries_24h >= config_.alert_queries_min &&
                              metrics.not_found_ratio > metrics.threshold;
    return metrics;
}

std::vector<LookupMetrics> RateLimiter::AllMetrics() {
    std::vector<std::string> ispbs;
    {
        std::shared_lock lock(participants_mutex_);
        for (const auto& [ispb, participant] : participants_) ispbs.push_back(ispb);
    }
    std::sort(ispbs.begin(), ispbs.end());
    std::vector<LookupMetrics> all;
    all.reserve(ispbs.size());
    for (const std::string& ispb : ispbs) all.push_back(MetricsOf(ispb));
    return all;
}

std::vector<RateLimitAlert> RateLimiter::Alerts() {
    const SystemTimePoint now = clock_.Now();
    std::vector<RateLimitAlert> alerts;
    for (const LookupMetrics& metrics : AllMetrics()) {
        if (!metrics.alert_triggered) continue;
        Participant& participant = ParticipantFor(metrics.ispb);
        std::lock_guard lock(participant.mutex);
        UpdateAlert(participant, now, config_.participant_alert_threshold,
                    config_.alert_queries_min);
        alerts.push_back(RateLimitAlert{.type = RateLimitAlert::Type::kParticipant,
                                        .ispb = metrics.ispb,
                                        .queries_24h = metrics.queries_24h,
                                        .not_found_ratio = metrics.not_found_ratio,
                                        .threshold = metrics.threshold,
                                        .triggered_at = participant.alert_since.value_or(now)});
    }
    for (std::size_t index = 0; index < kPayerShards; ++index) {
        PayerShard& shard = payer_shards_[index];
        std::lock_guard lock(shard.mutex);
        for (auto& [key, payer] : shard.payers) {
            UpdateAlert(payer, now, config_.user_alert_threshold, config_.alert_queries_min);
            if (!payer.alert_since) continue;
            const std::int64_t queries = payer.counters.Queries(now);
            alerts.push_back(
                RateLimitAlert{.type = RateLimitAlert::Type::kUser,
                               .ispb = key.substr(0, 8),
                               .payer_id = key.substr(8),
                               .queries_24h = queries,
                               .not_found_ratio = Ratio(payer.counters.NotFound(now), queries),
                               .threshold = config_.user_alert_threshold,
                               .triggered_at = *payer.alert_since});
        }
    }
    std::sort(alerts.begin(), alerts.end(), [](const auto& left, const auto& right) {
        return std::tie(left.type, left.ispb, left.payer_id) <
               std::tie(right.type, right.ispb, right.payer_id);
    });
    return alerts;
}

}  // namespace dictra::dict
