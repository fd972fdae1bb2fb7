#include "dict/lookup.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "core/check.hpp"
#include "dict/pix_key.hpp"

namespace dictra::dict {
namespace {

constexpr std::size_t kCacheShards = 64;

Error PayerIdRequired() {
    return Error::InvalidArgument("PI-PayerId header is required", "PI-PayerId");
}

}  // namespace

// ---- ExistenceCache ----

struct ExistenceCache::Shard {
    struct Item {
        std::shared_ptr<const CachedEntry> entry;
        SystemTimePoint expires;
    };
    std::mutex mutex;
    // guarded by mutex
    std::unordered_map<std::string, Item, TransparentStringHash, std::equal_to<>> items;
    std::uint64_t generation = 0;  // guarded by mutex; bumped by every Invalidate
};

ExistenceCache::ExistenceCache(const RateLimitConfig& config, const Clock& clock)
    : config_(config), clock_(clock), shards_(std::make_unique<Shard[]>(kCacheShards)) {}

ExistenceCache::~ExistenceCache() = default;

ExistenceCache::Shard& ExistenceCache::ShardFor(std::string_view key) {
    return shards_[TransparentStringHash{}(key) % kCacheShards];
}

std::optional<ExistenceCache::Hit> ExistenceCache::Find(std::string_view key,
                                                        std::uint64_t& generation) {
    Shard& shard = ShardFor(key);
    const SystemTimePoint now = clock_.Now();
    std::lock_guard lock(shard.mutex);
    generation = shard.generation;
    auto it = shard.items.find(key);
    if (it == shard.items.end()) return std::nullopt;
    if (it->second.expires <= now) {
        shard.items.erase(it);
        return std::nullopt;
    }
    return Hit{it->second.entry};
}

void ExistenceCache::Fill(std::string_view key, std::shared_ptr<const CachedEntry> entry,
                          std::uint64_t generation) {
    if (config_.cache_entries_max == 0) return;
    Shard& shard = ShardFor(key);
    const SystemTimePoint now = clock_.Now();
    const SystemTimePoint expires =
        now + (entry ? config_.found_cache_ttl : config_.not_found_cache_ttl);
    const std::size_t shard_max =
        std::max<std::size_t>(1, config_.cache_entries_max / kCacheShards);
    std::lock_guard lock(shard.mutex);
    if (shard.generation != generation) return;  // a write came in between: do not cache
    if (shard.items.size() >= shard_max) {
        std::erase_if(shard.items, [now](const auto& item) { return item.second.expires <= now; });
        // Absences are cheap to learn again; a scanner must not push the found keys out.
        if (shard.items.size() >= shard_max)
            std::erase_if(shard.items, [](const auto& item) { return !item.second.entry; });
        if (shard.items.size() >= shard_max) return;
    }
    shard.items.insert_or_assign(std::string(key), Shard::Item{std::move(entry), expires});
}

void ExistenceCache::Invalidate(std::string_view key) {
    Shard& shard = ShardFor(key);
    std::lock_guard lock(shard.mutex);
    ++shard.generation;
    auto it = shard.items.find(key);
    if (it != shard.items.end()) shard.items.erase(it);
}

// ---- LookupService ----

LookupService::LookupService(DictService& dict, RateLimiter& limiter, const Clock& clock,
                             EntryRenderer render)
    : dict_(dict),
      limiter_(limiter),
      clock_(clock),
      render_(std::move(render)),
      cache_(limiter.config(), clock) {
    dict_.SetKeyChangeListener([this](std::string_view key) { cache_.Invalidate(key); });
}

Result<std::shared_ptr<const CachedEntry>> LookupService::Resolve(std::string_view normalized_key) {
    std::uint64_t generation = 0;
    if (auto hit = cache_.Find(normalized_key, generation)) return std::move(hit->entry);
    DICTRA_ASSIGN_OR_RETURN(std::optional<Entry> entry, dict_.FindActive(normalized_key));
    std::shared_ptr<const CachedEntry> cached;
    if (entry) {
        std::string json = render_(*entry);
        cached =
            std::make_shared<const CachedEntry>(CachedEntry{std::move(*entry), std::move(json)});
    }
    cache_.Fill(normalized_key, cached, generation);
    return cached;
}

// ---- BlockingExecutor ----

BlockingExecutor::BlockingExecutor(std::size_t threads, std::size_t queue_max)
    : queue_max_(queue_max) {
    threads_.reserve(threads);
    for (std::size_t thread_idx = 0; thread_idx < threads; ++thread_idx)
        threads_.emplace_back([this] { Run(); });
}

BlockingExecutor::~BlockingExecutor() {
    Stop();
}

bool BlockingExecutor::Submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || tasks_.size() >= queue_max_) return false;
        tasks_.push_back(std::move(task));
    }
    changed_.notify_one();
    return true;
}

void BlockingExecutor::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    for (std::thread& thread : threads_)
        if (thread.joinable()) thread.join();
}

void BlockingExecutor::Run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;  // stopping, and everything queued is done
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        task();
    }
}

Result<LookupAnswer> LookupService::Lookup(const LookupQuery& query, const Ispb& participant) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<LookupAnswer> answer, Run(query, participant, true));
    DICTRA_CHECK(answer.has_value());
    return std::move(*answer);
}

Result<std::optional<LookupAnswer>> LookupService::LookupCached(const LookupQuery& query,
                                                                const Ispb& participant) {
    return Run(query, participant, false);
}

Result<std::optional<LookupAnswer>> LookupService::Run(const LookupQuery& query,
                                                       const Ispb& participant,
                                                       bool may_read_store) {
    // Step 1: who pays for the lookup.
    if (!query.payer_id || query.payer_id->empty()) return PayerIdRequired();
    // Visible ASCII only: the id is echoed in the alerts' JSON and logs.
    if (query.payer_id->size() > RateLimiter::kPayerIdBytesMax ||
        std::any_of(query.payer_id->begin(), query.payer_id->end(),
                    [](char c) { return c < '!' || c > '~'; })) {
        return Error::InvalidArgument("PI-PayerId must be 1 to 64 visible ASCII characters",
                                      "PI-PayerId");
    }
    PayerType payer_type = PayerType::kNaturalPerson;
    if (query.payer_type) {
        auto parsed = PayerTypeFromString(*query.payer_type);
        if (!parsed) {
            return Error::InvalidArgument("PI-PayerType must be NATURAL_PERSON or LEGAL_PERSON",
                                          "PI-PayerType");
        }
        payer_type = *parsed;
    }
    auto key_type = KeyTypeFromString(query.key_type);
    if (!key_type) {
        return Error::InvalidArgument("Invalid keyType: must be CPF, CNPJ, PHONE, EMAIL or EVP",
                                      "keyType")
            .WithReason("INVALID_KEY_TYPE");
    }
    if (!limiter_.IsActive(participant.str()))
        return Error::PermissionDenied("institution " + participant.str() + " is INACTIVE");

    // Step 2: existence (cache, then store). A key that breaks its type's format cannot exist.
    std::shared_ptr<const CachedEntry> entry;
    auto normalized = NormalizeKey(*key_type, query.key);
    if (normalized.ok()) {
        if (may_read_store) {
            DICTRA_ASSIGN_OR_RETURN(entry, Resolve(*normalized));
        } else {
            std::uint64_t generation = 0;
            auto hit = cache_.Find(*normalized, generation);
            if (!hit) return std::optional<LookupAnswer>();
            entry = std::move(hit->entry);
        }
        if (entry && entry->entry.key_type != *key_type) entry.reset();
    }

    // Steps 3 and 5: both buckets, and the counters.
    LookupAnswer answer;
    answer.charge = limiter_.ChargeLookup(participant.str(), *query.payer_id, payer_type,
                                          entry ? LookupFound::kFound : LookupFound::kNotFound);
    if (!answer.charge.allowed || !entry) return std::optional<LookupAnswer>(std::move(answer));

    // Step 4: the EndToEndId the payment will carry, refundable once paid.
    answer.end_to_end_id = NewEndToEndId(participant, clock_.Now());
    limiter_.RememberLookup(answer.end_to_end_id, participant.str(), *query.payer_id, payer_type);
    answer.entry = std::move(entry);
    return std::optional<LookupAnswer>(std::move(answer));
}

Result<std::vector<KeyCheck>> LookupService::CheckKeys(const std::vector<std::string>& keys,
                                                       const Ispb& participant,
                                                       ChargeOutcome& charge) {
    if (keys.empty() || keys.size() > kKeyCheckKeysMax)
        return Error::InvalidArgument("Keys array must contain 1-200 elements", "keys");
    if (!limiter_.IsActive(participant.str()))
        return Error::PermissionDenied("institution " + participant.str() + " is INACTIVE");
    charge = limiter_.ChargeKeyCheck(participant.str());
    if (!charge.allowed) {
        return Error::ResourceExhausted("Rate limit exceeded. " +
                                        std::to_string(limiter_.config().key_check.capacity) +
                                        " requests/min allowed");
    }
    std::vector<KeyCheck> checks;
    checks.reserve(keys.size());
    for (const std::string& key : keys) {
        KeyCheck check{.key = key};
        // Keys are matched in their stored spelling; a CNPJ may come in lower case.
        std::string spelling = key;
        if (spelling.size() == 14) {
            std::string cnpj = NormalizeCnpj(spelling);
            if (IsValidCnpj(cnpj)) spelling = std::move(cnpj);  // not a 14-character e-mail
        }
        if (!spelling.empty() && spelling.size() <= 128) {
            DICTRA_ASSIGN_OR_RETURN(std::shared_ptr<const CachedEntry> entry, Resolve(spelling));
            check.has_entry = entry != nullptr;
        }
        checks.push_back(std::move(check));
    }
    return checks;
}

Result<RefundResult> LookupService::ReportPayment(std::string_view end_to_end_id) {
    return limiter_.RefundLookup(end_to_end_id);
}

}  // namespace dictra::dict
